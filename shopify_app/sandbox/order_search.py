"""`orders(query:)`, `ordersCount` and `fulfillmentOrders(query:)`: Shopify's search syntax over orders.

Fields are those the schema documents for `orders.query` that an imported order can have (recorded
use: 2026-04 order-catalog-count-read — `tag:`, `name:`, `id:`, `financial_status:`,
`fulfillment_status:` and their AND). `name:1494` finds `#1494`; `tag_not:` is `-tag:`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from shopify_app.sandbox import order_money as m
from shopify_app.sandbox import search
from shopify_app.sandbox.order_models import FulfillmentOrder, Order
from shopify_app.sandbox.resolvers import page
from shopify_app.sandbox.store import ShopState

# ordersCount counts up to this many unless `limit` says otherwise ("Limited to a maximum of 10000 by
# default"; `limit: null` for no limit) — schema description of QueryRoot.ordersCount.
DEFAULT_COUNT_LIMIT = 10_000
FULFILLMENT_SEARCH = {
    "UNFULFILLED": ["unfulfilled", "unshipped"],
    "PARTIALLY_FULFILLED": ["partial"],
    "FULFILLED": ["fulfilled", "shipped"],
    "RESTOCKED": ["restocked"],
}
SORT: dict[str, Callable[[Order], Any]] = {
    "ID": lambda o: o.id,
    "CREATED_AT": lambda o: o.created_at,
    "UPDATED_AT": lambda o: o.updated_at,
    "PROCESSED_AT": lambda o: o.processed_at,
    "ORDER_NUMBER": lambda o: o.number,
    "PO_NUMBER": lambda o: o.po_number or "",
    "TOTAL_PRICE": lambda o: float(m.grand_total(o).shop),
    "CURRENT_TOTAL_PRICE": lambda o: float(m.grand_total(o, current=True).shop),
    "FINANCIAL_STATUS": lambda o: m.display_financial_status(o) or "",
    "FULFILLMENT_STATUS": m.display_fulfillment_status,
    "TOTAL_ITEMS_QUANTITY": lambda o: sum(li.quantity for li in o.line_items),
    "RELEVANCE": lambda o: o.id,
}


def _status(order: Order) -> list[str]:
    if order.cancelled_at is not None:
        return ["cancelled", "closed"] if order.closed_at else ["cancelled", "open", "not_closed"]
    return ["closed"] if order.closed_at else ["open", "not_closed"]


def _values(order: Order) -> Callable[[str | None], list[Any]]:
    financial = m.display_financial_status(order)
    fulfillment = m.display_fulfillment_status(order)
    skus = [li.sku for li in order.line_items if li.sku]
    table: dict[str | None, list[Any]] = {
        None: [order.name, order.email, order.po_number, order.source_identifier, *order.tags, *skus],
        "name": [order.name, order.name.lstrip("#")],
        "id": [order.id],
        "tag": order.tags,
        "email": [order.email],
        "financial_status": [financial.lower()] if financial else [],
        "fulfillment_status": FULFILLMENT_SEARCH.get(fulfillment, []),
        "status": _status(order),
        "source_identifier": [order.source_identifier],
        "source_name": [order.source_name],
        "po_number": [order.po_number],
        "sku": skus,
        "discount_code": [order.discount_code],
        "gateway": m.gateways(order),
        "customer_id": [order.customer_id],
        "location_id": [fo.location_id for fo in order.fulfillment_orders],
        "test": [str(order.test).lower()],
        "created_at": [order.created_at],
        "updated_at": [order.updated_at],
        "processed_at": [order.processed_at],
        "current_total_price": [m.grand_total(order, current=True).shop],
        "total_price": [m.grand_total(order).shop],
    }
    return lambda name: table.get(name, [])


def _parse(query: str | None) -> list[list[search.Term]]:
    """`tag_not:x` is `-tag:x`."""
    return [
        [replace(t, field="tag", negated=not t.negated) if t.field == "tag_not" else t for t in group]
        for group in search.parse(query)
    ]


def search_orders(state: ShopState, query: str | None) -> list[Order]:
    groups = _parse(query)
    return [order for order in state.orders.values() if search.matches(groups, _values(order))]


def orders_page(state: ShopState, args: dict[str, Any]) -> dict[str, Any]:
    key = SORT.get(args.get("sortKey") or "ID", SORT["ID"])
    items = sorted(search_orders(state, args.get("query")), key=lambda o: (key(o), o.id))
    return page(items, args, key)


def orders_count(state: ShopState, args: dict[str, Any]) -> dict[str, Any]:
    """EXACT, or AT_LEAST when more match than `limit` (recorded: count 2 with limit 1 → 1 AT_LEAST)."""
    found = len(search_orders(state, args.get("query")))
    limit = args["limit"] if "limit" in args else DEFAULT_COUNT_LIMIT
    if limit is not None and found > limit:
        return {"count": limit, "precision": "AT_LEAST"}
    return {"count": found, "precision": "EXACT"}


def _lookup(table: dict[str | None, list[Any]]) -> Callable[[str | None], list[Any]]:
    return lambda name: table.get(name, [])


def fulfillment_orders_matching(
    state: ShopState, query: str | None, include_closed: bool, orders: list[Order] | None = None
) -> list[FulfillmentOrder]:
    """`fulfillmentOrders`: `status:`, `id:`, `assigned_location_id:`, `updated_at:` (its documented
    search fields); closed ones only with `include_closed`."""
    groups = search.parse(query)
    out = []
    for order in state.orders.values() if orders is None else orders:
        for fo in order.fulfillment_orders:
            if fo.status == "CLOSED" and not include_closed:
                continue
            table: dict[str | None, list[Any]] = {
                None: [order.name],
                "status": [fo.status.lower()],
                "id": [fo.id],
                "assigned_location_id": [fo.location_id],
                "updated_at": [fo.updated_at],
            }
            if search.matches(groups, _lookup(table)):
                out.append(fo)
    return sorted(out, key=lambda fo: fo.id)
