"""What orders do to stock: claiming it at creation, restocking on cancel, shipping it on fulfilment.

Claims change `available` (the units are committed to the order); shipping a claimed unit takes it
off `on_hand` as well. Each change fires `inventory_levels/update` and `products/update`, as a stock
change in the admin does (see `platform-facts.md`, Webhooks).
"""

from __future__ import annotations

from shopify_app.sandbox.models import Location, Variant
from shopify_app.sandbox.order_models import LineItem
from shopify_app.sandbox.payloads import inventory_level_json, product_json
from shopify_app.sandbox.store import Change, ShopState


def stocking_location(state: ShopState, variant: Variant | None) -> Location:
    """Where an order line is fulfilled from: the primary location when the variant is stocked there
    (or for a custom item), else the first location stocking it (recorded: 2026-04
    fulfillment-order-move-validation assigns a variant stocked elsewhere to that location)."""
    primary = state.primary_location()
    if variant is None:
        return primary
    stocked = [level.location_id for level in state.item_levels(variant.inventory_item_id)]
    if not stocked or primary.id in stocked:
        return primary
    return state.locations[stocked[0]]


def available_at(state: ShopState, variant: Variant, location_id: int) -> int:
    level = state.level(variant.inventory_item_id, location_id, create=False)
    return level.available if level is not None else 0


def adjust(
    state: ShopState,
    changes: list[Change],
    variant_id: int | None,
    location_id: int | None,
    *,
    available: int = 0,
    on_hand: int = 0,
) -> None:
    variant = state.variant(variant_id)
    if variant is None or location_id not in state.locations or not (available or on_hand):
        return
    level = state.level(variant.inventory_item_id, location_id)
    assert level is not None  # created when missing
    level.available += available
    level.on_hand += on_hand
    now = state.now()
    level.updated_at = variant.item_updated_at = now
    product = state.product_of(variant)
    product.updated_at = now
    changes.append(Change("inventory_levels/update", inventory_level_json(level)))
    changes.append(Change("products/update", product_json(state, product)))


def release(state: ShopState, changes: list[Change], line: LineItem, units: int) -> None:
    """Give claimed, unshipped units back to `available` (restock)."""
    units = min(units, line.claimed)
    if units > 0:
        adjust(state, changes, line.variant_id, line.claimed_location_id, available=units)
        line.claimed -= units


def ship(state: ShopState, changes: list[Change], line: LineItem, units: int) -> None:
    """Shipping claimed units takes them off hand (they are no longer committed); a cancelled
    fulfilment (negative units) puts them back, committed again."""
    if line.claimed_location_id is not None and units:
        adjust(state, changes, line.variant_id, line.claimed_location_id, on_hand=-units)
        line.claimed -= units
