"""Stock across locations through the Admin client: locations, levels per variant, activation, changes.

Thin typed calls over the `.graphql` operations (`LocationsAll`, `InventoryLevels`, `InventoryActivate`,
`InventoryDeactivate`, `InventoryAdjustQuantities`); absolute sets are `AdminClient.inventory_set_quantities`.
Writes carry an idempotency key, so the client may resend them after an ambiguous failure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from shopify_app.admin.client import MAX_NODES_PER_CALL, MAX_PAGE_SIZE, AdminClient
from shopify_app.admin.types import MutationResult, nodes_of, user_errors_from


@dataclass(frozen=True)
class StockLocation:
    id: str
    name: str
    is_active: bool = True
    is_primary: bool = False
    ships_inventory: bool = False
    fulfills_online_orders: bool = True

    @classmethod
    def from_payload(cls, raw: Mapping[str, Any]) -> StockLocation:
        return cls(
            id=raw["id"],
            name=raw["name"],
            is_active=bool(raw.get("isActive", True)),
            is_primary=bool(raw.get("isPrimary")),
            ships_inventory=bool(raw.get("shipsInventory")),
            fulfills_online_orders=bool(raw.get("fulfillsOnlineOrders", True)),
        )


@dataclass(frozen=True)
class StockLevel:
    """An item's quantities at one location (`quantities` by name: available, on_hand, committed, …)."""

    id: str
    location_id: str
    location_name: str
    is_active: bool
    quantities: dict[str, int] = field(default_factory=dict)

    @property
    def available(self) -> int:
        return self.quantities.get("available", 0)

    @classmethod
    def from_payload(cls, raw: Mapping[str, Any]) -> StockLevel:
        location = raw.get("location") or {}
        return cls(
            id=raw["id"],
            location_id=location.get("id", ""),
            location_name=location.get("name", ""),
            is_active=bool(raw.get("isActive", True)),
            quantities={q["name"]: q["quantity"] for q in raw.get("quantities") or []},
        )


@dataclass(frozen=True)
class VariantStock:
    """One variant's stock everywhere it is stocked; `inventory_quantity` is Shopify's own total."""

    variant_id: str
    sku: str | None
    inventory_item_id: str
    tracked: bool
    inventory_policy: str
    inventory_quantity: int
    levels: tuple[StockLevel, ...] = ()

    @property
    def sells_without_stock(self) -> bool:
        """Made to order: Shopify keeps selling when stock runs out (policy CONTINUE) or tracks none."""
        return self.inventory_policy == "CONTINUE" or not self.tracked

    def level_at(self, location_id: str) -> StockLevel | None:
        return next((level for level in self.levels if level.location_id == location_id), None)

    @classmethod
    def from_payload(cls, raw: Mapping[str, Any]) -> VariantStock:
        item = raw.get("inventoryItem") or {}
        return cls(
            variant_id=raw["id"],
            sku=raw.get("sku"),
            inventory_item_id=item.get("id", ""),
            tracked=bool(item.get("tracked")),
            inventory_policy=raw.get("inventoryPolicy") or "DENY",
            inventory_quantity=int(raw.get("inventoryQuantity") or 0),
            levels=tuple(StockLevel.from_payload(n) for n in nodes_of(item.get("inventoryLevels"))),
        )


@dataclass(frozen=True)
class InventoryActivateResult(MutationResult):
    level: StockLevel | None = None


@dataclass(frozen=True)
class InventoryAdjustResult(MutationResult):
    adjustment_group: dict[str, Any] | None = None


def locations_all(client: AdminClient, *, include_inactive: bool = False) -> list[StockLocation]:
    """Every location of the shop, page after page."""
    variables = {"first": MAX_PAGE_SIZE, "includeInactive": include_inactive}
    return [StockLocation.from_payload(n) for n in client.paginate("LocationsAll", variables, "locations")]


def location_default(locations: Iterable[StockLocation]) -> StockLocation | None:
    """Where stock goes when nothing says otherwise: the location Shopify ships from, else the primary
    one, else the first active one."""
    active = [loc for loc in locations if loc.is_active]
    for chosen in (
        next((loc for loc in active if loc.ships_inventory), None),
        next((loc for loc in active if loc.is_primary), None),
    ):
        if chosen is not None:
            return chosen
    return active[0] if active else None


def variant_stock(client: AdminClient, *, variant_ids: Sequence[str]) -> dict[str, VariantStock]:
    """Stock of each variant at every location stocking it, by variant id (unknown ids are left out)."""
    found: dict[str, VariantStock] = {}
    for start in range(0, len(variant_ids), MAX_NODES_PER_CALL):
        chunk = list(variant_ids[start : start + MAX_NODES_PER_CALL])
        for node in client.execute("InventoryLevels", {"ids": chunk}).data.get("nodes") or []:
            if node and node.get("id"):
                stock = VariantStock.from_payload(node)
                found[stock.variant_id] = stock
    return found


def _key(idempotency_key: str) -> str:
    if not idempotency_key or not idempotency_key.strip():
        raise ValueError("an inventory write needs a non-blank idempotency key")
    return idempotency_key


def inventory_activate(
    client: AdminClient,
    *,
    inventory_item_id: str,
    location_id: str,
    idempotency_key: str,
    available: int | None = None,
) -> InventoryActivateResult:
    """Stock the item at the location (with `available` units when given); an item already stocked there
    comes back as it is."""
    variables: dict[str, Any] = {
        "inventoryItemId": inventory_item_id,
        "locationId": location_id,
        "idempotencyKey": _key(idempotency_key),
    }
    if available is not None:
        variables["available"] = available
    payload = client.execute("InventoryActivate", variables).data.get("inventoryActivate") or {}
    level = payload.get("inventoryLevel")
    return InventoryActivateResult(
        user_errors=user_errors_from(payload), level=StockLevel.from_payload(level) if level else None
    )


def inventory_deactivate(client: AdminClient, *, inventory_level_id: str) -> MutationResult:
    """Unstock an item at a location (its quantities are kept; Shopify refuses its last location)."""
    payload = (
        client.execute("InventoryDeactivate", {"inventoryLevelId": inventory_level_id}).data.get(
            "inventoryDeactivate"
        )
        or {}
    )
    return MutationResult(user_errors=user_errors_from(payload))


def inventory_adjust(
    client: AdminClient,
    *,
    changes: Sequence[Mapping[str, Any]],
    idempotency_key: str,
    name: str = "available",
    reason: str = "correction",
    reference_document_uri: str | None = None,
) -> InventoryAdjustResult:
    """Relative changes. Each entry needs `inventoryItemId`, `locationId`, `delta` and an explicit
    `changeFromQuantity` (the expected current value, or None to skip the check)."""
    for entry in changes:
        if "changeFromQuantity" not in entry:
            raise ValueError("every change needs an explicit changeFromQuantity (None to skip the check)")
    input_: dict[str, Any] = {"name": name, "reason": reason, "changes": [dict(c) for c in changes]}
    if reference_document_uri:
        input_["referenceDocumentUri"] = reference_document_uri
    payload = (
        client.execute(
            "InventoryAdjustQuantities", {"input": input_, "idempotencyKey": _key(idempotency_key)}
        ).data.get("inventoryAdjustQuantities")
        or {}
    )
    return InventoryAdjustResult(
        user_errors=user_errors_from(payload), adjustment_group=payload.get("inventoryAdjustmentGroup")
    )
