"""Inventory levels as the Admin API shows them: an item's levels across locations, named quantities.

An item is stocked at a location when it has an *active* level there. Deactivating a level keeps its
quantities (reactivating brings them back, recorded: 2026-04 inventory-inactive-level-lifecycle) but
takes it out of every total and out of the level lists unless `includeInactive: true` is asked for.
Levels are listed in the order they were created, whatever the location (recorded: 2026-04
location-delete-inventory-level-cascade).

Quantities: `available` and `on_hand` are stored; `incoming`, `reserved`, `damaged`, `quality_control`
and `safety_stock` are stored per level; `committed` is what is on hand but neither available nor in
one of the other on-hand states (an order's claim takes units out of `available` and so commits
them). Recorded (2026-04 inventory-adjust-on-hand-name-mirrors): `damaged`, `reserved`,
`quality_control` and `safety_stock` are part of `on_hand`, `incoming` is not; `available` has an
`updatedAt`, `on_hand` never does, the others once they have changed.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from shopify_app.sandbox import search
from shopify_app.sandbox.models import InventoryItemRef, InventoryLevel, Location, parse_gid
from shopify_app.sandbox.pagination import connection
from shopify_app.sandbox.resolvers import ctx, resolves
from shopify_app.sandbox.store import ShopState

# The states that are part of on_hand besides available and committed.
ON_HAND_STATES = ("reserved", "damaged", "quality_control", "safety_stock")
STORED_STATES = ("incoming", *ON_HAND_STATES)
QUANTITY_NAMES = ("available", "on_hand", "committed", *STORED_STATES)
# Search fields an inventory level connection understands; other terms are ignored (recorded: a
# `location_id:` filter on an item's levels returns every level).
LEVEL_SEARCH_FIELDS = {"inventory_item_id"}


def quantity_of(level: InventoryLevel, name: str) -> int:
    if name == "available":
        return level.available
    if name == "on_hand":
        return level.on_hand
    if name == "committed":
        held = sum(level.states.get(state, 0) for state in ON_HAND_STATES)
        return max(0, level.on_hand - level.available - held)
    return level.states.get(name, 0)


def quantity_updated_at(level: InventoryLevel, name: str) -> str | None:
    if name == "available":
        return level.updated_at
    if name == "on_hand":
        return None
    return level.changed.get(name)


def parse_level_gid(value: Any) -> tuple[int, int] | None:
    """`gid://shopify/InventoryLevel/{location}?inventory_item_id={item}` → (item id, location id)."""
    location_id = parse_gid(value, "InventoryLevel")
    if location_id is None or "?" not in value:
        return None
    query = dict(part.partition("=")[::2] for part in value.split("?", 1)[1].split("&"))
    item = query.get("inventory_item_id", "")
    return (int(item), location_id) if item.isdigit() else None


def find_level(state: ShopState, value: Any) -> InventoryLevel | None:
    """The level a gid names (active or not), for `inventoryLevel(id:)` and `node(s)`."""
    key = parse_level_gid(value)
    if key is None:
        return None
    return state.level(key[0], key[1], create=False)


def active_level(state: ShopState, item_id: int, location_id: int) -> InventoryLevel | None:
    """The level that stocks the item at the location, if the item is stocked there."""
    level = state.level(item_id, location_id, create=False)
    return level if level is not None and level.is_active else None


def _filtered(levels: list[InventoryLevel], query: str | None) -> list[InventoryLevel]:
    groups = [[term for term in group if term.field in LEVEL_SEARCH_FIELDS] for group in search.parse(query)]
    groups = [group for group in groups if group]
    if not groups:
        return levels

    def values(level: InventoryLevel) -> Any:
        return lambda name: [level.inventory_item_id] if name == "inventory_item_id" else []

    return [level for level in levels if search.matches(groups, values(level))]


def level_page(levels: list[InventoryLevel], args: dict[str, Any]) -> dict[str, Any]:
    return connection(
        _filtered(levels, args.get("query")),
        id_of=lambda lvl: lvl.seq,
        first=args.get("first"),
        after=args.get("after"),
        last=args.get("last"),
        before=args.get("before"),
        reverse=bool(args.get("reverse")),
    )


# ----- QueryRoot ----------------------------------------------------------------------------------
@resolves("QueryRoot", "inventoryLevel")
def _inventory_level(_: Any, info: GraphQLResolveInfo, id: str) -> InventoryLevel | None:  # noqa: A002
    return find_level(ctx(info).state, id)


# ----- InventoryItem ------------------------------------------------------------------------------
@resolves("InventoryItem", "inventoryLevels")
def _item_levels(item: InventoryItemRef, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = ctx(info).state
    levels = state.item_levels(
        item.variant.inventory_item_id, include_inactive=bool(args.get("includeInactive"))
    )
    return level_page(levels, args)


@resolves("InventoryItem", "inventoryLevel")
def _item_level(
    item: InventoryItemRef,
    info: GraphQLResolveInfo,
    locationId: str,  # noqa: N803 - GraphQL argument name
    includeInactive: bool = False,  # noqa: N803
) -> InventoryLevel | None:
    location_id = parse_gid(locationId, "Location")
    if location_id is None:
        return None
    level = ctx(info).state.level(item.variant.inventory_item_id, location_id, create=False)
    return level if level is not None and (level.is_active or includeInactive) else None


@resolves("InventoryItem", "locationsCount")
def _item_locations_count(item: InventoryItemRef, info: GraphQLResolveInfo) -> dict[str, Any]:
    return {"count": len(ctx(info).state.item_levels(item.variant.inventory_item_id)), "precision": "EXACT"}


# ----- InventoryLevel -----------------------------------------------------------------------------
@resolves("InventoryLevel", "id")
def _level_id(level: InventoryLevel, info: GraphQLResolveInfo) -> str:
    return level.level_gid


@resolves("InventoryLevel", "isActive")
def _level_active(level: InventoryLevel, info: GraphQLResolveInfo) -> bool:
    return level.is_active


@resolves("InventoryLevel", "item")
def _level_item(level: InventoryLevel, info: GraphQLResolveInfo) -> InventoryItemRef | None:
    variant = ctx(info).state.variant_by_item(level.inventory_item_id)
    return InventoryItemRef(variant) if variant else None


@resolves("InventoryLevel", "location")
def _level_location(level: InventoryLevel, info: GraphQLResolveInfo) -> Location | None:
    return ctx(info).state.locations.get(level.location_id)


@resolves("InventoryLevel", "quantities")
def _level_quantities(
    level: InventoryLevel, info: GraphQLResolveInfo, names: list[str]
) -> list[dict[str, Any]]:
    return [
        {
            "id": f"gid://shopify/InventoryQuantity/{level.location_id}?inventory_item_id="
            f"{level.inventory_item_id}&name={name}",
            "name": name,
            "quantity": quantity_of(level, name),
            "updatedAt": quantity_updated_at(level, name),
        }
        for name in names
    ]


# ----- Location -----------------------------------------------------------------------------------
@resolves("Location", "inventoryLevels")
def _location_levels(location: Location, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = ctx(info).state
    levels = state.location_levels(location.id, include_inactive=bool(args.get("includeInactive")))
    return level_page(levels, args)


@resolves("Location", "inventoryLevel")
def _location_level(
    location: Location,
    info: GraphQLResolveInfo,
    inventoryItemId: str,  # noqa: N803
    includeInactive: bool = False,  # noqa: N803
) -> InventoryLevel | None:
    item_id = parse_gid(inventoryItemId, "InventoryItem")
    if item_id is None:
        return None
    level = ctx(info).state.level(item_id, location.id, create=False)
    return level if level is not None and (level.is_active or includeInactive) else None


@resolves("Location", "hasActiveInventory")
def _location_has_inventory(location: Location, info: GraphQLResolveInfo) -> bool:
    return bool(ctx(info).state.location_levels(location.id))
