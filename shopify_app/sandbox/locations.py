"""Locations: `locationAdd` and the location fields the app reads.

A new location stocks nothing: an item is stocked there once it is activated (recorded: 2026-04
inventory-item-levels-connection-windowing adds two locations, then stocks an item at one through
`productSet` and at the other through `inventoryActivate`).
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from shopify_app.sandbox.models import Location
from shopify_app.sandbox.resolvers import ctx, resolves
from shopify_app.sandbox.store import ShopState

MAX_NAME_LENGTH = 100


def _error(field: list[str], message: str, code: str) -> dict[str, Any]:
    return {"field": field, "message": message, "code": code}


def location_add(state: ShopState, data: dict[str, Any]) -> tuple[Location | None, list[dict[str, Any]]]:
    """A new active location, or the errors why not (Shopify's wording for blank, long, taken names)."""
    name = (data.get("name") or "").strip()
    if not name:
        return None, [_error(["input", "name"], "Name can't be blank", "BLANK")]
    if len(name) > MAX_NAME_LENGTH:
        return None, [
            _error(
                ["input", "name"], f"Name is too long (maximum is {MAX_NAME_LENGTH} characters)", "TOO_LONG"
            )
        ]
    if any(location.name.lower() == name.lower() for location in state.locations.values()):
        return None, [_error(["input", "name"], "Name has already been taken", "TAKEN")]
    now = state.now()
    location = Location(
        state.next_id(),
        name,
        created_at=now,
        updated_at=now,
        fulfills_online_orders=data.get("fulfillsOnlineOrders") is not False,
        address=dict(data.get("address") or {}),
    )
    state.locations[location.id] = location
    return location, []


@resolves("Mutation", "locationAdd")
def _location_add(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
    location, errors = location_add(ctx(info).state, input)
    return {"location": location, "userErrors": errors}


@resolves("Location", "fulfillsOnlineOrders")
def _fulfills(location: Location, info: GraphQLResolveInfo) -> bool:
    return location.fulfills_online_orders


@resolves("Location", "shipsInventory")
def _ships_inventory(location: Location, info: GraphQLResolveInfo) -> bool:
    """The fallback location Shopify ships from (what replaces the deprecated `isPrimary`)."""
    return location.is_primary
