"""Stocking an item at a location and unstocking it: `inventoryActivate`, `inventoryDeactivate`,
`inventoryBulkToggleActivation`.

Recorded behaviour (2025-01 inventory-linkage-parity, 2026-04 inventory-activate-on-hand,
inventory-inactive-level-lifecycle, inventory-item-levels-connection-windowing):
- activating creates the level with the given `available` or `onHand` (both at once is refused on both
  fields); an untracked item is stocked with zero whatever is asked; an already active level is
  answered as it is, with a user error for a quantity that was asked for;
- deactivating keeps the quantities, which count again once the level is reactivated;
- an item must stay stocked somewhere: unstocking its last location is refused.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from shopify_app.sandbox.inventory_levels import find_level, parse_level_gid
from shopify_app.sandbox.inventory_quantities import MAX_QUANTITY, idempotent
from shopify_app.sandbox.models import InventoryItemRef, InventoryLevel, Location, Variant, parse_gid
from shopify_app.sandbox.payloads import inventory_level_json, product_json
from shopify_app.sandbox.resolvers import Context, ctx, resolves
from shopify_app.sandbox.store import Change, ShopState


def _error(field: list[str] | None, message: str, code: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"field": field, "message": message}
    if code is not None:
        error["code"] = code
    return error


def stock(
    context: Context, variant: Variant, location: Location, *, available: int | None, on_hand: int | None
) -> InventoryLevel:
    """Activate (or reactivate) the item at the location; a given quantity applies to a tracked item."""
    state = context.state
    level = state.level(variant.inventory_item_id, location.id)
    assert level is not None  # created when missing
    level.is_active = True
    wanted = available if available is not None else on_hand
    if wanted is not None and variant.tracked:
        delta = wanted - (level.available if available is not None else level.on_hand)
        level.available += delta
        level.on_hand += delta
        if delta:
            now = state.now()
            level.updated_at = variant.item_updated_at = now
            product = state.product_of(variant)
            product.updated_at = now
            context.changes.append(Change("inventory_levels/update", inventory_level_json(level)))
            context.changes.append(Change("products/update", product_json(state, product)))
    return level


def unstock_problem(state: ShopState, level: InventoryLevel, *, noun: str) -> str | None:
    """Why the level may not be deactivated (the item's last stocked location), or None."""
    others = [
        other
        for other in state.item_levels(level.inventory_item_id)
        if other.location_id != level.location_id
    ]
    if level.is_active and not others:
        location = state.locations[level.location_id]
        return (
            f"The {noun} couldn't be unstocked from {location.name} because products need to be "
            "stocked at a minimum of 1 location."
        )
    return None


# ----- inventoryActivate --------------------------------------------------------------------------
@resolves("Mutation", "inventoryActivate")
def inventory_activate(
    _: Any,
    info: GraphQLResolveInfo,
    inventoryItemId: str,  # noqa: N803 - GraphQL argument names
    locationId: str,  # noqa: N803
    available: int | None = None,
    onHand: int | None = None,  # noqa: N803
    stockAtLegacyLocation: bool | None = False,  # noqa: N803
) -> dict[str, Any]:
    arguments = {
        "inventoryItemId": inventoryItemId,
        "locationId": locationId,
        "available": available,
        "onHand": onHand,
    }
    return idempotent(
        info,
        arguments,
        lambda context: activate(context, inventoryItemId, locationId, available=available, on_hand=onHand),
        failed={"inventoryLevel": None},
        error_field=["inventoryItemId"],
    )


def activate(
    context: Context, item_gid: str, location_gid: str, *, available: int | None, on_hand: int | None
) -> dict[str, Any]:
    state = context.state
    location = state.locations.get(parse_gid(location_gid, "Location") or -1)
    if location is None:
        return {
            "inventoryLevel": None,
            "userErrors": [
                _error(["locationId"], "The product couldn't be stocked because the location wasn't found.")
            ],
        }
    variant = state.variant_by_item(parse_gid(item_gid, "InventoryItem"))
    prefix = f"The product couldn't be stocked at {location.name} because"
    if variant is None:
        return {
            "inventoryLevel": None,
            "userErrors": [_error(["inventoryItemId"], f"{prefix} the product was deleted.")],
        }
    if available is not None and on_hand is not None:
        message = f"{prefix} not allowed to set available and on_hand quantities at the same time."
        return {
            "inventoryLevel": None,
            "userErrors": [_error(["available"], message), _error(["onHand"], message)],
        }
    for field, value in (("available", available), ("onHand", on_hand)):
        if value is not None and abs(value) > MAX_QUANTITY:
            message = f"{prefix} the quantity needs to be between -1 billion and 1 billion."
            return {"inventoryLevel": None, "userErrors": [_error([field], message)]}
    existing = state.level(variant.inventory_item_id, location.id, create=False)
    if existing is not None and existing.is_active:
        errors = []
        if available is not None:
            errors.append(
                _error(
                    ["available"],
                    "Not allowed to set available quantity when the item is already active at the location.",
                )
            )
        if on_hand is not None:
            errors.append(
                _error(
                    ["onHand"],
                    "Not allowed to set an on_hand quantity when the item is already active at the location.",
                )
            )
        return {"inventoryLevel": existing, "userErrors": errors}
    level = stock(context, variant, location, available=available, on_hand=on_hand)
    return {"inventoryLevel": level, "userErrors": []}


# ----- inventoryDeactivate ------------------------------------------------------------------------
@resolves("Mutation", "inventoryDeactivate")
def inventory_deactivate(_: Any, info: GraphQLResolveInfo, inventoryLevelId: str) -> dict[str, Any]:  # noqa: N803
    return idempotent(
        info,
        {"inventoryLevelId": inventoryLevelId},
        lambda context: deactivate(context, inventoryLevelId),
        failed={},
        error_field=["inventoryLevelId"],
    )


def deactivate(context: Context, level_gid: str) -> dict[str, Any]:
    state = context.state
    level = find_level(state, level_gid)
    if level is None or parse_level_gid(level_gid) is None:
        # Not recorded; the wording of the bulk toggle's unknown-location answer.
        return {"userErrors": [_error(["inventoryLevelId"], "The inventory level could not be found.")]}
    problem = unstock_problem(state, level, noun="product")
    if problem is not None:
        return {"userErrors": [_error(None, problem)]}
    level.is_active = False
    return {"userErrors": []}


# ----- inventoryBulkToggleActivation --------------------------------------------------------------
@resolves("Mutation", "inventoryBulkToggleActivation")
def inventory_bulk_toggle_activation(
    _: Any,
    info: GraphQLResolveInfo,
    inventoryItemId: str,  # noqa: N803
    inventoryItemUpdates: list[dict[str, Any]],  # noqa: N803
) -> dict[str, Any]:
    context = ctx(info)
    state = context.state
    failed = {"inventoryItem": None, "inventoryLevels": None}
    variant = state.variant_by_item(parse_gid(inventoryItemId, "InventoryItem"))
    if variant is None:
        return {
            **failed,
            "userErrors": [
                _error(
                    ["inventoryItemId"],
                    "The inventory item couldn't be found.",
                    "INVENTORY_ITEM_NOT_FOUND",
                )
            ],
        }
    errors = []
    plan: list[tuple[Location, bool]] = []
    for index, update in enumerate(inventoryItemUpdates):
        field = ["inventoryItemUpdates", str(index), "locationId"]
        location = state.locations.get(parse_gid(update["locationId"], "Location") or -1)
        if location is None:
            errors.append(
                _error(
                    field,
                    "The quantity couldn't be updated because the location was not found.",
                    "LOCATION_NOT_FOUND",
                )
            )
            continue
        if not update["activate"]:
            level = state.level(variant.inventory_item_id, location.id, create=False)
            problem = unstock_problem(state, level, noun="variant") if level is not None else None
            if problem is not None:
                errors.append(_error(field, problem, "CANNOT_DEACTIVATE_FROM_ONLY_LOCATION"))
                continue
        plan.append((location, update["activate"]))
    if errors:
        return {**failed, "userErrors": errors}
    activated = []
    for location, activate_it in plan:
        if activate_it:
            activated.append(stock(context, variant, location, available=None, on_hand=None))
        else:
            level = state.level(variant.inventory_item_id, location.id, create=False)
            if level is not None:
                level.is_active = False
    return {"inventoryItem": InventoryItemRef(variant), "inventoryLevels": activated, "userErrors": []}
