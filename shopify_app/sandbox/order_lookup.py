"""Finding orders, fulfilment orders and fulfilments of a shop by id or gid (`node`, mutations, routes)."""

from __future__ import annotations

from typing import Any

from shopify_app.sandbox.models import parse_gid
from shopify_app.sandbox.order_models import Fulfillment, FulfillmentOrder, LineItem, Order
from shopify_app.sandbox.store import ShopState


def order_by_gid(state: ShopState, value: Any) -> Order | None:
    number = parse_gid(value, "Order")
    return state.orders.get(number) if number is not None else None


def fulfillment_order(state: ShopState, number: int | None) -> tuple[Order, FulfillmentOrder] | None:
    if number is None:
        return None
    for order in state.orders.values():
        found = order.fulfillment_order(number)
        if found is not None:
            return order, found
    return None


def fulfillment(state: ShopState, number: int | None) -> tuple[Order, Fulfillment] | None:
    if number is None:
        return None
    for order in state.orders.values():
        for item in order.fulfillments:
            if item.id == number:
                return order, item
    return None


def line_item(state: ShopState, number: int | None) -> tuple[Order, LineItem] | None:
    if number is None:
        return None
    for order in state.orders.values():
        found = order.line_item(number)
        if found is not None:
            return order, found
    return None


def order_of(state: ShopState, record: Any) -> Order | None:
    """The order a line item, fulfilment order, fulfilment, transaction or refund belongs to."""
    if isinstance(record, Order):
        return record
    return state.orders.get(getattr(record, "order_id", None) or -1)


def find_order_node(state: ShopState, value: str) -> Any:
    """Order-side records by gid (for `node`/`nodes`)."""
    if (number := parse_gid(value, "Order")) is not None:
        return state.orders.get(number)
    if (number := parse_gid(value, "FulfillmentOrder")) is not None:
        found = fulfillment_order(state, number)
        return found[1] if found else None
    if (number := parse_gid(value, "Fulfillment")) is not None:
        match = fulfillment(state, number)
        return match[1] if match else None
    if (number := parse_gid(value, "LineItem")) is not None:
        item = line_item(state, number)
        return item[1] if item else None
    return None
