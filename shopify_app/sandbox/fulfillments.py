"""Fulfilment orders and fulfilments: opening them for a new order, shipping, cancelling, moving.

Behaviour follows the recordings named at each function; validation wording for `fulfillmentCreate`
is from 2026-04 fulfillment-create-preconditions and fulfillment-create-multi-group (the source
project's fixtures of live Shopify), which also fix the order in which problems are reported.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError

from shopify_app.sandbox.models import Location, parse_gid
from shopify_app.sandbox.order_inventory import adjust, ship
from shopify_app.sandbox.order_lookup import fulfillment_order
from shopify_app.sandbox.order_models import (
    Fulfillment,
    FulfillmentEvent,
    FulfillmentLineItem,
    FulfillmentOrder,
    FulfillmentOrderLineItem,
    Order,
    TrackingInfo,
)
from shopify_app.sandbox.order_money import settle_closed
from shopify_app.sandbox.store import Change, ShopState

Pick = tuple[FulfillmentOrder, FulfillmentOrderLineItem, int]
EVENT_ADDRESS_FIELDS = ("city", "province", "country", "zip", "address1", "latitude", "longitude")


def error(field: list[str] | None, message: str, code: str | None = None) -> dict[str, Any]:
    return {"field": field, "message": message, "code": code}


def invalid_id(message: str = "invalid id") -> GraphQLError:
    """Recorded (2025-01 fulfillment-create-invalid-id): an id that cannot name a record (`…/0`) is a
    top-level RESOURCE_NOT_FOUND error, `data.{mutation}: null`."""
    return GraphQLError(message, extensions={"code": "RESOURCE_NOT_FOUND"})


# ----- opening ------------------------------------------------------------------------------------
def open_fulfillment_orders(state: ShopState, order: Order, locations: dict[int, int], now: str) -> None:
    """One OPEN fulfilment order per assigned location, with every line assigned there (recorded:
    order-create-fulfillment-assigned-location; fulfillAt is the creation hour, as the hydrate reads
    of fulfillment-multi-tracking-info show)."""
    by_location: dict[int, FulfillmentOrder] = {}
    for line in order.line_items:
        location_id = locations[line.id]
        fo = by_location.get(location_id)
        if fo is None:
            fo = FulfillmentOrder(state.next_id(), order.id, location_id, now, now, now[:13] + ":00:00Z")
            by_location[location_id] = fo
            order.fulfillment_orders.append(fo)
        fo.line_items.append(
            FulfillmentOrderLineItem(state.next_id(), line.id, line.quantity, line.quantity, order.id)
        )


def refresh_status(fo: FulfillmentOrder) -> None:
    """OPEN, IN_PROGRESS once partly fulfilled, CLOSED when nothing remains (recorded:
    fulfillment-tracking-info-update-parity)."""
    if not fo.fulfillable:
        return
    if all(foli.remaining == 0 for foli in fo.line_items):
        fo.status = "CLOSED"
    elif any(foli.remaining != foli.total for foli in fo.line_items):
        fo.status = "IN_PROGRESS"
    else:
        fo.status = "OPEN"


# ----- fulfillmentCreate ----------------------------------------------------------------------------
def resolve_picks(
    state: ShopState, groups: list[dict[str, Any]]
) -> tuple[Order | None, list[Pick], list[dict]]:
    """`lineItemsByFulfillmentOrder` → what to ship, or the userError Shopify gives first."""
    for group in groups:
        number = parse_gid(group["fulfillmentOrderId"], "FulfillmentOrder")
        if not number:
            raise invalid_id()
    quantity_errors = [
        error(
            [
                "fulfillment",
                "lineItemsByFulfillmentOrder",
                str(i),
                "fulfillmentOrderLineItems",
                str(j),
                "quantity",
            ],
            "Quantity must be greater than 0",
        )
        for i, group in enumerate(groups)
        for j, item in enumerate(group.get("fulfillmentOrderLineItems") or [])
        if item["quantity"] <= 0
    ]
    if quantity_errors:
        return None, [], quantity_errors
    found: list[tuple[Order, FulfillmentOrder, dict[str, Any]]] = []
    for group in groups:
        match = fulfillment_order(state, parse_gid(group["fulfillmentOrderId"], "FulfillmentOrder"))
        if match is None:
            return None, [], [error(["fulfillment"], "Fulfillment order does not exist.")]
        found.append((match[0], match[1], group))
    for kind, ids in (
        ("orders", [order.id for order, _, _ in found]),
        ("locations", [fo.location_id for _, fo, _ in found]),
    ):
        distinct = list(dict.fromkeys(ids))
        if len(distinct) > 1:
            what = "belong to the same order" if kind == "orders" else "be assigned to a single location"
            listed = ", ".join(str(i) for i in distinct)
            message = f"All fulfillment orders must {what}. Multiple {kind} with ids [{listed}] were found."
            return None, [], [error(["fulfillment"], message)]
    picks: list[Pick] = []
    for _, fo, group in found:
        if not fo.fulfillable:
            message = f"Fulfillment order {fo.id} has an unfulfillable status= {fo.status.lower()}."
            return None, [], [error(["fulfillment"], message)]
        items = group.get("fulfillmentOrderLineItems")
        if items is None:
            picks.extend((fo, foli, foli.remaining) for foli in fo.line_items if foli.remaining > 0)
            continue
        by_id = {foli.id: foli for foli in fo.line_items}
        for item in items:
            foli = by_id.get(parse_gid(item["id"], "FulfillmentOrderLineItem") or -1)
            if foli is None:
                return None, [], [error(["fulfillment"], "Fulfillment order line item does not exist.")]
            if item["quantity"] > foli.remaining:
                return (
                    None,
                    [],
                    [error(["fulfillment"], "Invalid fulfillment order line item quantity requested.")],
                )
            picks.append((fo, foli, item["quantity"]))
    return found[0][0], picks, []


def tracking_in(value: dict[str, Any] | None) -> list[TrackingInfo]:
    """`FulfillmentTrackingInput`: one number/url, or lists of them sharing the company (recorded:
    fulfillment-multi-tracking-info)."""
    if not value:
        return []
    numbers = list(value.get("numbers") or []) or ([value["number"]] if value.get("number") else [])
    urls = list(value.get("urls") or []) or ([value["url"]] if value.get("url") else [])
    company = value.get("company")
    count = max(len(numbers), len(urls))
    if not count:
        return [TrackingInfo(None, None, company)] if company else []
    return [
        TrackingInfo(numbers[i] if i < len(numbers) else None, urls[i] if i < len(urls) else None, company)
        for i in range(count)
    ]


def create_fulfillment(
    state: ShopState, changes: list[Change], order: Order, picks: list[Pick], tracking: list[TrackingInfo]
) -> Fulfillment:
    """Ship the picks as one fulfilment named `#1513-F1`, `#1513-F2`… (recorded:
    2025-01 fulfillment-create-name)."""
    now = state.now()
    fulfillment = Fulfillment(
        state.next_id(),
        order.id,
        f"{order.name}-F{len(order.fulfillments) + 1}",
        picks[0][0].location_id,
        now,
        now,
        tracking=tracking,
    )
    touched: dict[int, FulfillmentOrder] = {}
    for fo, foli, quantity in picks:
        foli.remaining -= quantity
        fulfillment.line_items.append(
            FulfillmentLineItem(state.next_id(), foli.line_item_id, quantity, fo.id, foli.id, order.id)
        )
        line = order.line_item(foli.line_item_id)
        if line is not None:
            ship(state, changes, line, quantity)
        touched[fo.id] = fo
    for fo in touched.values():
        refresh_status(fo)
        fo.updated_at = now
    order.fulfillments.append(fulfillment)
    order.updated_at = now
    settle_closed(order, now)
    return fulfillment


def fulfill_everything(
    state: ShopState, changes: list[Change], order: Order, tracking: list[TrackingInfo]
) -> list[Fulfillment]:
    """One fulfilment per fulfillable fulfilment order, for everything remaining."""
    out = []
    for fo in list(order.fulfillment_orders):
        picks = [(fo, foli, foli.remaining) for foli in fo.line_items if foli.remaining > 0]
        if fo.fulfillable and picks:
            out.append(create_fulfillment(state, changes, order, picks, tracking))
    return out


# ----- fulfillmentCancel ----------------------------------------------------------------------------
def cancel_fulfillment(
    state: ShopState, changes: list[Change], order: Order, fulfillment: Fulfillment
) -> None:
    """Recorded (2025-01 fulfillment-cancel-parity, fulfillment-tracking-info-update-parity): the
    units go back to the fulfilment order they came from; a fulfilment order that had closed stays
    CLOSED and a new OPEN one at its location takes them. Cancelling twice changes nothing
    (2026-04 fulfillment-state-preconditions)."""
    if fulfillment.status == "CANCELLED":
        return
    now = state.now()
    fulfillment.status = "CANCELLED"
    fulfillment.updated_at = now
    reopened: dict[int, FulfillmentOrder] = {}
    for fli in fulfillment.line_items:
        fo = order.fulfillment_order(fli.fulfillment_order_id)
        foli = (
            next((x for x in fo.line_items if x.id == fli.fulfillment_order_line_item_id), None)
            if fo
            else None
        )
        if fo is None or foli is None:
            continue
        foli.remaining += fli.quantity
        if fo.status == "CLOSED":
            replacement = reopened.get(fo.location_id)
            if replacement is None:
                replacement = FulfillmentOrder(
                    state.next_id(), order.id, fo.location_id, now, now, now[:13] + ":00:00Z"
                )
                reopened[fo.location_id] = replacement
                order.fulfillment_orders.append(replacement)
            replacement.line_items.append(
                FulfillmentOrderLineItem(
                    state.next_id(), fli.line_item_id, fli.quantity, fli.quantity, order.id
                )
            )
        else:
            refresh_status(fo)
        fo.updated_at = now
        line = order.line_item(fli.line_item_id)
        if line is not None:
            ship(state, changes, line, -fli.quantity)
    order.updated_at = now
    settle_closed(order, now)


# ----- events and tracking --------------------------------------------------------------------------
def add_event(state: ShopState, fulfillment: Fulfillment, data: dict[str, Any]) -> FulfillmentEvent:
    """Recorded (2026-04 fulfillment-detail-events-lifecycle): an IN_TRANSIT event makes the
    fulfilment's displayStatus IN_TRANSIT and sets inTransitAt/estimatedDeliveryAt; events are accepted
    on cancelled fulfilments too (fulfillment-state-preconditions)."""
    now = state.now()
    event = FulfillmentEvent(
        state.next_id(),
        data["status"],
        data.get("happenedAt") or now,
        now,
        data.get("message"),
        data.get("estimatedDeliveryAt"),
        {key: data.get(key) for key in EVENT_ADDRESS_FIELDS},
    )
    fulfillment.events.append(event)
    fulfillment.updated_at = now
    return event


def estimated_delivery(fulfillment: Fulfillment) -> str | None:
    dated = [e for e in fulfillment.events if e.estimated_delivery_at]
    return max(dated, key=lambda e: (e.happened_at, e.id)).estimated_delivery_at if dated else None


# ----- fulfillmentOrderMove -------------------------------------------------------------------------
def move_fulfillment_order(
    state: ShopState,
    changes: list[Change],
    order: Order,
    fo: FulfillmentOrder,
    location: Location,
    selection: list[dict[str, Any]] | None,
) -> tuple[FulfillmentOrder, FulfillmentOrder | None] | dict[str, Any]:
    """Move unfulfilled units to another location: the whole fulfilment order when it all moves
    (recorded: fulfillment-order-move-validation, happyPath — moved and original are the same),
    else a new fulfilment order takes the moved units and the original keeps the rest (recorded:
    fulfillment-order-move-multi-line). Returns (moved, remaining) or a userError.

    Not recorded: a selection naming another order's line or more than remains is refused with the
    wording fulfillmentCreate uses for the same problems; stock claimed at creation moves along only
    when a line's whole claim moves."""
    if not fo.fulfillable:
        return error(None, "Cannot change location.")
    wanted: dict[int, int] = {}
    by_id = {foli.id: foli for foli in fo.line_items}
    for item in selection or [
        {"id": f"gid://shopify/FulfillmentOrderLineItem/{foli.id}", "quantity": foli.remaining}
        for foli in fo.line_items
        if foli.remaining > 0
    ]:
        foli = by_id.get(parse_gid(item["id"], "FulfillmentOrderLineItem") or -1)
        if foli is None:
            return error(["fulfillmentOrderLineItems"], "Fulfillment order line item does not exist.")
        if not 0 < item["quantity"] <= foli.remaining:
            return error(
                ["fulfillmentOrderLineItems"], "Invalid fulfillment order line item quantity requested."
            )
        wanted[foli.id] = wanted.get(foli.id, 0) + item["quantity"]
    now = state.now()
    whole = all(foli.total == foli.remaining == wanted.get(foli.id, 0) for foli in fo.line_items)
    for foli in fo.line_items:
        units = wanted.get(foli.id, 0)
        line = order.line_item(foli.line_item_id)
        if (
            line is not None
            and units
            and line.claimed_location_id == fo.location_id
            and line.claimed <= units
        ):
            adjust(state, changes, line.variant_id, fo.location_id, available=line.claimed)
            adjust(state, changes, line.variant_id, location.id, available=-line.claimed)
            line.claimed_location_id = location.id
    if whole:
        fo.location_id = location.id
        fo.updated_at = now
        return fo, None
    moved = FulfillmentOrder(state.next_id(), order.id, location.id, now, now, fo.fulfill_at)
    for foli in list(fo.line_items):
        units = wanted.get(foli.id, 0)
        if not units:
            continue
        moved.line_items.append(
            FulfillmentOrderLineItem(state.next_id(), foli.line_item_id, units, units, order.id)
        )
        foli.total -= units
        foli.remaining -= units
        if foli.total == 0:
            fo.line_items.remove(foli)
    order.fulfillment_orders.append(moved)
    fo.updated_at = now
    refresh_status(fo)
    return moved, (fo if any(foli.remaining for foli in fo.line_items) else None)
