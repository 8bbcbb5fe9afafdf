"""Read-side resolvers: how orders, their lines, payments, fulfilment orders and fulfilments appear as
Admin API objects. Field shapes follow the recordings the tests replay (`test_recorded_orders.py`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLResolveInfo

from shopify_app.sandbox import order_money as m
from shopify_app.sandbox.fulfillments import estimated_delivery
from shopify_app.sandbox.models import gid, parse_gid
from shopify_app.sandbox.order_lookup import fulfillment, fulfillment_order, order_by_gid, order_of
from shopify_app.sandbox.order_models import (
    Fulfillment,
    FulfillmentEvent,
    FulfillmentLineItem,
    FulfillmentOrder,
    FulfillmentOrderLineItem,
    LineItem,
    Money,
    Order,
    Refund,
    ShippingLine,
    TaxLine,
    Transaction,
)
from shopify_app.sandbox.order_parties import customer_of, purchasing_entity
from shopify_app.sandbox.order_search import fulfillment_orders_matching, orders_count, orders_page
from shopify_app.sandbox.pagination import connection
from shopify_app.sandbox.resolvers import RESOLVERS, ctx, page, resolves
from shopify_app.sandbox.store import ShopState


def _state(info: GraphQLResolveInfo) -> ShopState:
    return ctx(info).state


def _order(info: GraphQLResolveInfo, record: Any) -> Order:
    order = order_of(_state(info), record)
    assert order is not None  # records are only reachable through their order
    return order


# ----- QueryRoot -----------------------------------------------------------------------------------
@resolves("QueryRoot", "order")
def _order_root(_: Any, info: GraphQLResolveInfo, id: str) -> Order | None:  # noqa: A002
    return order_by_gid(_state(info), id)


@resolves("QueryRoot", "orders")
def _orders(_: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    return orders_page(_state(info), args)


@resolves("QueryRoot", "ordersCount")
def _orders_count(_: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    return orders_count(_state(info), args)


@resolves("QueryRoot", "fulfillment")
def _fulfillment_root(_: Any, info: GraphQLResolveInfo, id: str) -> Fulfillment | None:  # noqa: A002
    match = fulfillment(_state(info), parse_gid(id, "Fulfillment"))
    return match[1] if match else None


@resolves("QueryRoot", "fulfillmentOrder")
def _fulfillment_order_root(_: Any, info: GraphQLResolveInfo, id: str) -> FulfillmentOrder | None:  # noqa: A002
    match = fulfillment_order(_state(info), parse_gid(id, "FulfillmentOrder"))
    return match[1] if match else None


@resolves("QueryRoot", "fulfillmentOrders")
def _fulfillment_orders_root(_: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    """Open ones unless `includeClosed` (recorded: 2026-04 fulfillment-top-level-reads)."""
    items = fulfillment_orders_matching(_state(info), args.get("query"), bool(args.get("includeClosed")))
    if args.get("sortKey") == "UPDATED_AT":
        items.sort(key=lambda fo: (fo.updated_at, fo.id))
        return page(items, args, lambda fo: fo.updated_at)
    return page(items, args)


# ----- ids and times shared by the order types -----------------------------------------------------
for _type in (
    "Order",
    "LineItem",
    "FulfillmentOrder",
    "FulfillmentOrderLineItem",
    "Fulfillment",
    "FulfillmentLineItem",
    "OrderTransaction",
    "Refund",
    "FulfillmentEvent",
):
    RESOLVERS[(_type, "id")] = lambda record, info, _kind=_type: gid(_kind, record.id)
for _type in ("Order", "Fulfillment", "Refund"):
    RESOLVERS[(_type, "legacyResourceId")] = lambda record, info: str(record.id)
for _name in ("metafield", "metafields"):
    RESOLVERS[("Order", _name)] = RESOLVERS[("Product", _name)]


def _bag(info: GraphQLResolveInfo, record: Any, amount: Money) -> dict[str, Any]:
    return m.bag(_order(info, record), amount)


def _register_bags(type_name: str, fields: dict[str, Callable[[Any], Money]]) -> None:
    for field_name, amount_of in fields.items():
        RESOLVERS[(type_name, field_name)] = lambda record, info, _of=amount_of: _bag(
            info, record, _of(record)
        )


# ----- Order ---------------------------------------------------------------------------------------
_register_bags(
    "Order",
    {
        "subtotalPriceSet": m.subtotal,
        "currentSubtotalPriceSet": lambda o: m.subtotal(o, current=True),
        "totalPriceSet": m.grand_total,
        "originalTotalPriceSet": m.grand_total,
        "currentTotalPriceSet": lambda o: m.grand_total(o, current=True),
        "totalDiscountsSet": m.discounts,
        "currentTotalDiscountsSet": lambda o: m.discounts(o, current=True),
        "totalShippingPriceSet": m.shipping,
        "currentShippingPriceSet": lambda o: m.shipping(o, current=True),
        "totalTaxSet": m.tax,
        "currentTotalTaxSet": lambda o: m.tax(o, current=True),
        "totalOutstandingSet": m.outstanding,
        "totalReceivedSet": m.received,
        "totalCapturableSet": m.capturable,
        "netPaymentSet": m.net_payment,
        "totalRefundedSet": m.refunded,
    },
)

ORDER_FIELDS: dict[str, Callable[[Order], Any]] = {
    "closed": lambda o: o.closed_at is not None,
    "cancellation": lambda o: {"staffNote": o.staff_note} if o.cancelled_at else None,
    "confirmed": lambda o: True,
    "currencyCode": lambda o: o.currency,
    "presentmentCurrencyCode": lambda o: o.presentment_currency,
    "displayFinancialStatus": m.display_financial_status,
    "displayFulfillmentStatus": m.display_fulfillment_status,
    "customAttributes": lambda o: [{"key": k, "value": v} for k, v in o.custom_attributes],
    "totalCapturable": lambda o: m.legacy_money(m.capturable(o).shop),
    "capturable": lambda o: m.capturable(o).positive,
    "fullyPaid": lambda o: not m.outstanding(o).positive and m.net_payment(o).positive,
    "unpaid": lambda o: not m.received(o).positive,
    "canMarkAsPaid": lambda o: o.cancelled_at is None and (m.outstanding(o) + m.capturable(o)).positive,
    "paymentGatewayNames": m.gateways,
    "discountCode": lambda o: o.discount_code,
    "discountCodes": lambda o: [o.discount_code] if o.discount_code else [],
    "taxExempt": lambda o: False,
    "requiresShipping": lambda o: any(li.requires_shipping and li.current_quantity for li in o.line_items),
    "fulfillable": lambda o: (
        o.cancelled_at is None and any(m.unfulfilled_quantity(o, li) for li in o.line_items)
    ),
    "subtotalLineItemsQuantity": lambda o: sum(li.quantity for li in o.line_items),
    "currentSubtotalLineItemsQuantity": lambda o: sum(li.current_quantity for li in o.line_items),
}


def _plain(type_name: str, fields: dict[str, Callable[[Any], Any]]) -> None:
    for field_name, of in fields.items():
        RESOLVERS[(type_name, field_name)] = lambda record, info, _of=of: _of(record)


_plain("Order", ORDER_FIELDS)


def _tax_line(order: Order, tax: TaxLine) -> dict[str, Any]:
    return {
        "title": tax.title,
        "rate": float(tax.rate),
        "ratePercentage": float(tax.rate * 100),
        "priceSet": m.bag(order, tax.price),
        "channelLiable": tax.channel_liable,
    }


@resolves("Order", "taxLines")
def _order_tax_lines(order: Order, info: GraphQLResolveInfo) -> list[dict[str, Any]]:
    return [_tax_line(order, t) for t in m.tax_lines(order)]


@resolves("Order", "currentTaxLines")
def _order_current_tax_lines(order: Order, info: GraphQLResolveInfo) -> list[dict[str, Any]]:
    return [_tax_line(order, t) for t in m.tax_lines(order, current=True)]


def _shipping_line(order: Order, line: ShippingLine) -> dict[str, Any]:
    removed = all(li.current_quantity == 0 for li in order.line_items)
    discounted = line.price - line.discount
    return {
        "_id": line.id,
        "id": gid("ShippingLine", line.id),
        "title": line.title,
        "code": line.code,
        "source": line.source,
        "custom": True,
        "isRemoved": False,
        "originalPriceSet": m.bag(order, line.price),
        "discountedPriceSet": m.bag(order, discounted),
        "currentDiscountedPriceSet": m.bag(order, Money() if removed else discounted),
        "taxLines": [_tax_line(order, t) for t in line.tax_lines],
    }


def _page_dicts(items: list[dict[str, Any]], args: dict[str, Any]) -> dict[str, Any]:
    return connection(
        items,
        id_of=lambda item: item["_id"],
        first=args.get("first"),
        after=args.get("after"),
        last=args.get("last"),
        before=args.get("before"),
        reverse=bool(args.get("reverse")),
    )


@resolves("Order", "shippingLines")
def _order_shipping_lines(order: Order, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    return _page_dicts([_shipping_line(order, line) for line in order.shipping_lines], args)


@resolves("Order", "shippingLine")
def _order_shipping_line(order: Order, info: GraphQLResolveInfo) -> dict[str, Any] | None:
    return _shipping_line(order, order.shipping_lines[0]) if order.shipping_lines else None


@resolves("Order", "customer")
def _order_customer(order: Order, info: GraphQLResolveInfo) -> Any:
    return customer_of(_state(info), order)


@resolves("Order", "purchasingEntity")
def _order_purchasing_entity(order: Order, info: GraphQLResolveInfo) -> Any:
    return purchasing_entity(_state(info), order)


@resolves("Order", "lineItems")
def _order_line_items(order: Order, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    return page(order.line_items, args)


@resolves("Order", "fulfillmentOrders")
def _order_fulfillment_orders(order: Order, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    """All of them, closed ones included, oldest first (recorded: fulfillment-tracking-info-update-parity)."""
    items = fulfillment_orders_matching(_state(info), args.get("query"), True, [order])
    if args.get("displayable"):
        items = [fo for fo in items if fo.fulfillable]
    return page(items, args)


@resolves("Order", "fulfillments")
def _order_fulfillments(
    order: Order, info: GraphQLResolveInfo, first: int | None = None
) -> list[Fulfillment]:
    """Newest first (recorded: fulfillment-tracking-info-update-parity)."""
    items = sorted(order.fulfillments, key=lambda f: (f.created_at, f.id), reverse=True)
    return items[:first] if first is not None else items


@resolves("Order", "transactions")
def _order_transactions(
    order: Order, info: GraphQLResolveInfo, first: int | None = None
) -> list[Transaction]:
    return order.transactions[:first] if first is not None else order.transactions


@resolves("Order", "refunds")
def _order_refunds(order: Order, info: GraphQLResolveInfo, first: int | None = None) -> list[Refund]:
    return order.refunds[:first] if first is not None else order.refunds


# ----- LineItem ------------------------------------------------------------------------------------
_register_bags(
    "LineItem",
    {
        "originalUnitPriceSet": lambda li: li.price,
        "discountedUnitPriceSet": lambda li: li.price,
        "discountedUnitPriceAfterAllDiscountsSet": lambda li: (m.line_original_total(li) - li.discount).share(
            1, li.quantity
        ),
        "originalTotalSet": m.line_original_total,
        "totalDiscountSet": lambda li: li.discount,
    },
)


def _with_order(type_name: str, fields: dict[str, Callable[[Order, Any], Any]]) -> None:
    for field_name, of in fields.items():
        RESOLVERS[(type_name, field_name)] = lambda record, info, _of=of: _of(_order(info, record), record)


_with_order(
    "LineItem",
    {
        "unfulfilledQuantity": m.unfulfilled_quantity,
        "fulfillableQuantity": m.unfulfilled_quantity,
        "unfulfilledOriginalTotalSet": lambda o, li: m.bag(o, li.price.times(m.unfulfilled_quantity(o, li))),
        "unfulfilledDiscountedTotalSet": lambda o, li: m.bag(
            o,
            li.price.times(m.unfulfilled_quantity(o, li))
            - m.line_discount(li, m.unfulfilled_quantity(o, li)),
        ),
        "discountAllocations": lambda o, li: (
            [{"allocatedAmountSet": m.bag(o, li.discount)}] if li.discount.positive else []
        ),
    },
)

LINE_FIELDS: dict[str, Callable[[LineItem], Any]] = {
    "name": lambda li: f"{li.title} - {li.variant_title}" if li.variant_title else li.title,
    "refundableQuantity": lambda li: li.current_quantity,
    "nonFulfillableQuantity": lambda li: li.removed,
    "isGiftCard": lambda li: False,
    "customAttributes": lambda li: [{"key": k, "value": v} for k, v in li.properties],
}
_plain("LineItem", LINE_FIELDS)


@resolves("LineItem", "discountedTotalSet")
def _line_discounted_total(
    line: LineItem, info: GraphQLResolveInfo, withCodeDiscounts: bool = False
) -> dict[str, Any]:  # noqa: N803
    amount = m.line_original_total(line) - (line.discount if withCodeDiscounts else Money())
    return _bag(info, line, amount)


@resolves("LineItem", "taxLines")
def _line_tax_lines(
    line: LineItem, info: GraphQLResolveInfo, first: int | None = None
) -> list[dict[str, Any]]:
    order = _order(info, line)
    taxes = [_tax_line(order, t) for t in line.tax_lines]
    return taxes[:first] if first is not None else taxes


@resolves("LineItem", "variant")
@resolves("FulfillmentOrderLineItem", "variant")
def _line_variant(record: Any, info: GraphQLResolveInfo) -> Any:
    line = record if isinstance(record, LineItem) else _order(info, record).line_item(record.line_item_id)
    return _state(info).variant(line.variant_id) if line is not None else None


@resolves("LineItem", "product")
def _line_product(line: LineItem, info: GraphQLResolveInfo) -> Any:
    return _state(info).products.get(line.product_id) if line.product_id is not None else None


# ----- OrderTransaction, Refund --------------------------------------------------------------------
_register_bags("OrderTransaction", {"amountSet": lambda t: t.amount})
_register_bags("Refund", {"totalRefundedSet": lambda r: r.amount})


@resolves("OrderTransaction", "parentTransaction")
def _transaction_parent(transaction: Transaction, info: GraphQLResolveInfo) -> Transaction | None:
    order = _order(info, transaction)
    return next((t for t in order.transactions if t.id == transaction.parent_id), None)


@resolves("OrderTransaction", "manualPaymentGateway")
def _transaction_manual(transaction: Transaction, info: GraphQLResolveInfo) -> bool:
    return transaction.gateway == "manual"


@resolves("OrderTransaction", "order")
@resolves("Refund", "order")
@resolves("FulfillmentOrder", "order")
@resolves("Fulfillment", "order")
def _record_order(record: Any, info: GraphQLResolveInfo) -> Order:
    return _order(info, record)


@resolves("Refund", "updatedAt")
def _refund_updated(refund: Refund, info: GraphQLResolveInfo) -> str:
    return refund.created_at


@resolves("Refund", "transactions")
def _refund_transactions(refund: Refund, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    order = _order(info, refund)
    return page([t for t in order.transactions if t.id in refund.transaction_ids], args)


# ----- FulfillmentOrder ----------------------------------------------------------------------------
@resolves("FulfillmentOrder", "assignedLocation")
def _fo_location(fo: FulfillmentOrder, info: GraphQLResolveInfo) -> dict[str, Any]:
    location = _state(info).locations.get(fo.location_id)
    return {"name": location.name if location else "", "location": location}


FO_FIELDS: dict[str, Callable[[Order, FulfillmentOrder], Any]] = {
    "orderId": lambda o, fo: gid("Order", o.id),
    "orderName": lambda o, fo: o.name,
    "orderProcessedAt": lambda o, fo: o.processed_at,
    "fulfillBy": lambda o, fo: None,
}
_with_order("FulfillmentOrder", FO_FIELDS)


@resolves("FulfillmentOrder", "lineItems")
def _fo_line_items(fo: FulfillmentOrder, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    return page(fo.line_items, args)


@resolves("FulfillmentOrder", "fulfillments")
def _fo_fulfillments(fo: FulfillmentOrder, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    order = _order(info, fo)
    items = [f for f in order.fulfillments if any(fli.fulfillment_order_id == fo.id for fli in f.line_items)]
    return page(items, args)


FOLI_FIELDS: dict[str, Callable[[Order, FulfillmentOrderLineItem], Any]] = {
    "totalQuantity": lambda o, foli: foli.total,
    "remainingQuantity": lambda o, foli: foli.remaining,
    "lineItem": lambda o, foli: o.line_item(foli.line_item_id),
}
_with_order("FulfillmentOrderLineItem", FOLI_FIELDS)


def _line_attribute(name: str) -> Callable[[Order, Any], Any]:
    def of(order: Order, record: Any) -> Any:
        line = order.line_item(record.line_item_id)
        return getattr(line, name) if line is not None else None

    return of


_with_order(
    "FulfillmentOrderLineItem",
    {
        "sku": _line_attribute("sku"),
        "variantTitle": _line_attribute("variant_title"),
        "productTitle": _line_attribute("title"),
        "vendor": _line_attribute("vendor"),
        "requiresShipping": _line_attribute("requires_shipping"),
    },
)


@resolves("FulfillmentOrderLineItem", "inventoryItemId")
def _foli_item(foli: FulfillmentOrderLineItem, info: GraphQLResolveInfo) -> str | None:
    variant = _line_variant(foli, info)
    return gid("InventoryItem", variant.inventory_item_id) if variant is not None else None


# ----- Fulfillment ---------------------------------------------------------------------------------
FULFILLMENT_FIELDS: dict[str, Callable[[Fulfillment], Any]] = {
    "deliveredAt": lambda f: f.event_time("DELIVERED"),
    "inTransitAt": lambda f: f.event_time("IN_TRANSIT"),
    "estimatedDeliveryAt": estimated_delivery,
    "totalQuantity": lambda f: sum(fli.quantity for fli in f.line_items),
    "originAddress": lambda f: None,
}
_plain("Fulfillment", FULFILLMENT_FIELDS)


@resolves("Fulfillment", "trackingInfo")
def _tracking(f: Fulfillment, info: GraphQLResolveInfo, first: int | None = None) -> list[dict[str, Any]]:
    items = [{"number": t.number, "url": t.url, "company": t.company} for t in f.tracking]
    return items[:first] if first is not None else items


@resolves("Fulfillment", "fulfillmentLineItems")
def _fulfillment_lines(f: Fulfillment, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    return page(f.line_items, args)


@resolves("Fulfillment", "fulfillmentOrders")
def _fulfillment_fos(f: Fulfillment, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    order = _order(info, f)
    wanted = {fli.fulfillment_order_id for fli in f.line_items}
    return page([fo for fo in order.fulfillment_orders if fo.id in wanted], args)


@resolves("Fulfillment", "events")
def _fulfillment_events(f: Fulfillment, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    items = sorted(f.events, key=lambda e: (e.happened_at, e.id))
    return page(items, args, lambda e: e.happened_at)


@resolves("Fulfillment", "location")
def _fulfillment_location(f: Fulfillment, info: GraphQLResolveInfo) -> Any:
    return _state(info).locations.get(f.location_id)


@resolves("Fulfillment", "requiresShipping")
def _fulfillment_shipping(f: Fulfillment, info: GraphQLResolveInfo) -> bool:
    order = _order(info, f)
    return any(getattr(order.line_item(fli.line_item_id), "requires_shipping", False) for fli in f.line_items)


@resolves("Fulfillment", "service")
def _fulfillment_service(f: Fulfillment, info: GraphQLResolveInfo) -> dict[str, Any]:
    """The shop's own fulfilment (recorded: fulfillment-detail-events-lifecycle)."""
    return {
        "id": "gid://shopify/FulfillmentService/manual",
        "handle": "manual",
        "serviceName": "Manual",
        "trackingSupport": False,
        "type": "MANUAL",
        "location": _fulfillment_location(f, info),
    }


_with_order("FulfillmentLineItem", {"lineItem": lambda o, fli: o.line_item(fli.line_item_id)})


def _fli_total(order: Order, fli: FulfillmentLineItem, discounted: bool) -> Money:
    line = order.line_item(fli.line_item_id)
    if line is None:
        return Money()
    amount = line.price.times(fli.quantity)
    return amount - m.line_discount(line, fli.quantity) if discounted else amount


_with_order(
    "FulfillmentLineItem",
    {
        "originalTotalSet": lambda o, fli: m.bag(o, _fli_total(o, fli, False)),
        "discountedTotalSet": lambda o, fli: m.bag(o, _fli_total(o, fli, True)),
    },
)


def _event_field(name: str) -> Callable[[FulfillmentEvent, GraphQLResolveInfo], Any]:
    return lambda event, info: event.address.get(name)


for _name in ("city", "province", "country", "zip", "address1", "latitude", "longitude"):
    RESOLVERS[("FulfillmentEvent", _name)] = _event_field(_name)
