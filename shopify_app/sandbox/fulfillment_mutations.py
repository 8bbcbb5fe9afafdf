"""Fulfilment mutations: fulfillmentCreate, fulfillmentCancel, fulfillmentTrackingInfoUpdate,
fulfillmentEventCreate and fulfillmentOrderMove (the work is in `fulfillments`)."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from shopify_app.sandbox import order_money as m
from shopify_app.sandbox.fulfillments import (
    add_event,
    cancel_fulfillment,
    create_fulfillment,
    error,
    invalid_id,
    move_fulfillment_order,
    resolve_picks,
    tracking_in,
)
from shopify_app.sandbox.models import parse_gid
from shopify_app.sandbox.order_lookup import fulfillment, fulfillment_order
from shopify_app.sandbox.order_models import Fulfillment, Order
from shopify_app.sandbox.order_payloads import fulfillment_change, order_changes
from shopify_app.sandbox.resolvers import ctx, resolves
from shopify_app.sandbox.store import Change, ShopState


def fulfilled_changes(state: ShopState, order: Order, shipped: Fulfillment) -> list[Change]:
    """fulfillments/create, then orders/fulfilled or orders/partially_fulfilled, and orders/updated."""
    status = m.display_fulfillment_status(order)
    topic = "orders/fulfilled" if status == "FULFILLED" else "orders/partially_fulfilled"
    return [
        fulfillment_change(order, shipped, "fulfillments/create"),
        *order_changes(state, order, topic, "orders/updated"),
    ]


@resolves("Mutation", "fulfillmentCreate")
def fulfillment_create(
    _: Any, info: GraphQLResolveInfo, fulfillment: dict[str, Any], message: str | None = None
) -> dict[str, Any]:
    context = ctx(info)
    state = context.state
    order, picks, errors = resolve_picks(state, fulfillment["lineItemsByFulfillmentOrder"])
    if errors or order is None or not picks:
        return {
            "fulfillment": None,
            "userErrors": errors
            or [error(["fulfillment"], "Invalid fulfillment order line item quantity requested.")],
        }
    shipped = create_fulfillment(
        state, context.changes, order, picks, tracking_in(fulfillment.get("trackingInfo"))
    )
    context.changes.extend(fulfilled_changes(state, order, shipped))
    return {"fulfillment": shipped, "userErrors": []}


@resolves("Mutation", "fulfillmentCancel")
def fulfillment_cancel(_: Any, info: GraphQLResolveInfo, id: str) -> dict[str, Any]:  # noqa: A002
    """Recorded: unknown id → `Fulfillment not found.` (2025-01 fulfillment-unknown-not-found)."""
    context = ctx(info)
    state = context.state
    match = fulfillment(state, parse_gid(id, "Fulfillment"))
    if match is None:
        return {"fulfillment": None, "userErrors": [error(["id"], "Fulfillment not found.")]}
    order, found = match
    if found.status != "CANCELLED":
        cancel_fulfillment(state, context.changes, order, found)
        context.changes.append(fulfillment_change(order, found, "fulfillments/update"))
        context.changes.extend(order_changes(state, order, "orders/updated"))
    return {"fulfillment": found, "userErrors": []}


@resolves("Mutation", "fulfillmentTrackingInfoUpdate")
def fulfillment_tracking_info_update(
    _: Any,
    info: GraphQLResolveInfo,
    fulfillmentId: str,  # noqa: N803
    trackingInfoInput: dict[str, Any],  # noqa: N803
    notifyCustomer: bool | None = None,  # noqa: N803
) -> dict[str, Any]:
    """Replaces the tracking (recorded: fulfillment-multi-tracking-info, also on a cancelled
    fulfilment: fulfillment-state-preconditions); unknown → `Fulfillment does not exist.`."""
    context = ctx(info)
    match = fulfillment(context.state, parse_gid(fulfillmentId, "Fulfillment"))
    if match is None:
        return {"fulfillment": None, "userErrors": [error(["fulfillmentId"], "Fulfillment does not exist.")]}
    order, found = match
    found.tracking = tracking_in(trackingInfoInput)
    found.updated_at = context.state.now()
    context.changes.append(fulfillment_change(order, found, "fulfillments/update"))
    return {"fulfillment": found, "userErrors": []}


@resolves("Mutation", "fulfillmentEventCreate")
def fulfillment_event_create(
    _: Any, info: GraphQLResolveInfo, fulfillmentEvent: dict[str, Any]
) -> dict[str, Any]:  # noqa: N803
    """Recorded: 2026-04 fulfillment-event-create-validation (unknown fulfilment)."""
    context = ctx(info)
    match = fulfillment(context.state, parse_gid(fulfillmentEvent["fulfillmentId"], "Fulfillment"))
    if match is None:
        field = ["fulfillmentEvent", "fulfillmentId"]
        return {"fulfillmentEvent": None, "userErrors": [error(field, "Fulfillment does not exist.")]}
    order, found = match
    event = add_event(context.state, found, fulfillmentEvent)
    context.changes.append(fulfillment_change(order, found, "fulfillments/update"))
    return {"fulfillmentEvent": event, "userErrors": []}


@resolves("Mutation", "fulfillmentOrderMove")
def fulfillment_order_move(
    _: Any,
    info: GraphQLResolveInfo,
    id: str,  # noqa: A002
    newLocationId: str,  # noqa: N803
    fulfillmentOrderLineItems: list[dict[str, Any]] | None = None,  # noqa: N803
) -> dict[str, Any]:
    """Recorded (2026-04 fulfillment-order-move-validation): unknown location → `Location not found.`
    on `id`, a closed fulfilment order → `Cannot change location.` (no field, no code)."""
    context = ctx(info)
    state = context.state
    empty: dict[str, Any] = {
        "movedFulfillmentOrder": None,
        "originalFulfillmentOrder": None,
        "remainingFulfillmentOrder": None,
    }
    number = parse_gid(id, "FulfillmentOrder")
    if not number:
        raise invalid_id(f"Invalid id: {id}")
    match = fulfillment_order(state, number)
    if match is None:
        return {**empty, "userErrors": [error(["id"], "Fulfillment order does not exist.")]}
    location = state.locations.get(parse_gid(newLocationId, "Location") or -1)
    if location is None:
        return {**empty, "userErrors": [error(["id"], "Location not found.")]}
    order, fo = match
    moved = move_fulfillment_order(state, context.changes, order, fo, location, fulfillmentOrderLineItems)
    if isinstance(moved, dict):
        return {**empty, "userErrors": [moved]}
    order.updated_at = state.now()
    return {
        "movedFulfillmentOrder": moved[0],
        "originalFulfillmentOrder": fo,
        "remainingFulfillmentOrder": moved[1],
        "userErrors": [],
    }
