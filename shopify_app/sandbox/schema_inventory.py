"""The part of the sandbox's schema cut (see `schema_cut`) that serves stock across locations.

Same format as `schema_cut.PRODUCT_SPEC`, merged with the other domains' by `schema_cut.merge_specs`:
levels with their inactive ones, every named quantity, activation, relative changes and new locations.
"""

from __future__ import annotations

_PAGING = "first,after,last,before,reverse"

# fmt: off
INVENTORY_SPEC: dict[str, str] = {
 "QueryRoot": f"inventoryLevel(id) locations({_PAGING},includeInactive)",
 "Mutation": (
  "inventoryActivate(inventoryItemId,locationId,available,onHand) inventoryDeactivate(inventoryLevelId)"
  " inventoryBulkToggleActivation(inventoryItemId,inventoryItemUpdates) inventoryAdjustQuantities(input)"
  " locationAdd(input)"
 ),
 "InventoryItem": f"inventoryLevels(includeInactive,{_PAGING},query) inventoryLevel(locationId,includeInactive) locationsCount",
 "InventoryLevel": "id isActive",
 "Location": f"inventoryLevels(includeInactive,{_PAGING},query) inventoryLevel(inventoryItemId,includeInactive) hasActiveInventory shipsInventory",
 "InventoryActivatePayload": "*", "InventoryDeactivatePayload": "*",
 "InventoryBulkToggleActivationPayload": "*", "InventoryBulkToggleActivationUserError": "*",
 "InventoryAdjustQuantitiesPayload": "*", "InventoryAdjustQuantitiesUserError": "*",
 "LocationAddPayload": "*", "LocationAddUserError": "*",
 # inputs
 "InventoryBulkToggleActivationInput": "*",
 "InventoryAdjustQuantitiesInput": "*", "InventoryChangeInput": "*",
 "LocationAddInput": "name address fulfillsOnlineOrders",
 "LocationAddAddressInput": "*",
}
# fmt: on
