"""Webhook payloads of orders/* and fulfillments/* in Shopify's REST format.

REST money is a string with two decimals (`"20.00"`), statuses are lower case, tags a comma-separated
string, times carry `+00:00`; `financial_status`/`fulfillment_status` follow the REST order resource
(`pending`… / null, `partial`, `fulfilled`, `restocked`).
"""

from __future__ import annotations

from typing import Any

from shopify_app.sandbox import order_money as m
from shopify_app.sandbox.models import gid
from shopify_app.sandbox.order_models import Fulfillment, LineItem, Money, Order
from shopify_app.sandbox.order_parties import customer_json
from shopify_app.sandbox.payloads import rest_time
from shopify_app.sandbox.store import Change, ShopState

REST_FULFILLMENT_STATUS = {
    "FULFILLED": "fulfilled",
    "PARTIALLY_FULFILLED": "partial",
    "RESTOCKED": "restocked",
}


def _price(amount: Money) -> str:
    return m.legacy_money(amount.shop)


def _price_set(order: Order, amount: Money) -> dict[str, Any]:
    return {
        "shop_money": {"amount": _price(amount), "currency_code": order.currency},
        "presentment_money": {
            "amount": m.legacy_money(amount.presentment),
            "currency_code": order.presentment_currency,
        },
    }


def line_item_json(order: Order, line: LineItem, quantity: int | None = None) -> dict[str, Any]:
    fulfilled = order.fulfilled_quantity(line.id)
    status = None
    if fulfilled and fulfilled >= line.current_quantity:
        status = "fulfilled"
    elif fulfilled:
        status = "partial"
    return {
        "id": line.id,
        "admin_graphql_api_id": gid("LineItem", line.id),
        "variant_id": line.variant_id,
        "product_id": line.product_id,
        "title": line.title,
        "name": f"{line.title} - {line.variant_title}" if line.variant_title else line.title,
        "variant_title": line.variant_title,
        "vendor": line.vendor,
        "sku": line.sku,
        "quantity": line.quantity if quantity is None else quantity,
        "current_quantity": line.current_quantity,
        "fulfillable_quantity": m.unfulfilled_quantity(order, line),
        "fulfillment_status": status,
        "price": _price(line.price),
        "price_set": _price_set(order, line.price),
        "total_discount": _price(line.discount),
        "requires_shipping": line.requires_shipping,
        "taxable": line.taxable,
        "gift_card": False,
        "properties": [{"name": name, "value": value} for name, value in line.properties],
        "tax_lines": [
            {"title": t.title, "rate": float(t.rate), "price": _price(t.price)} for t in line.tax_lines
        ],
    }


def fulfillment_json(order: Order, fulfillment: Fulfillment) -> dict[str, Any]:
    tracking = fulfillment.tracking
    lines = []
    for fli in fulfillment.line_items:
        line = order.line_item(fli.line_item_id)
        if line is not None:
            lines.append(line_item_json(order, line, fli.quantity))
    return {
        "id": fulfillment.id,
        "admin_graphql_api_id": gid("Fulfillment", fulfillment.id),
        "order_id": order.id,
        "name": fulfillment.name,
        "status": fulfillment.status.lower(),
        "shipment_status": fulfillment.display_status.lower() if fulfillment.events else None,
        "location_id": fulfillment.location_id,
        "created_at": rest_time(fulfillment.created_at),
        "updated_at": rest_time(fulfillment.updated_at),
        "service": "manual",
        "tracking_company": tracking[0].company if tracking else None,
        "tracking_number": tracking[0].number if tracking else None,
        "tracking_numbers": [t.number for t in tracking if t.number],
        "tracking_url": tracking[0].url if tracking else None,
        "tracking_urls": [t.url for t in tracking if t.url],
        "line_items": lines,
    }


def _address_json(address: dict[str, Any] | None) -> dict[str, Any] | None:
    if address is None:
        return None
    return {
        "first_name": address.get("firstName"),
        "last_name": address.get("lastName"),
        "name": address.get("name"),
        "company": address.get("company"),
        "address1": address.get("address1"),
        "address2": address.get("address2"),
        "city": address.get("city"),
        "province": address.get("province"),
        "province_code": address.get("provinceCode"),
        "country": address.get("country"),
        "country_code": address.get("countryCodeV2"),
        "zip": address.get("zip"),
        "phone": address.get("phone"),
    }


def order_json(state: ShopState, order: Order) -> dict[str, Any]:
    financial = m.display_financial_status(order)
    return {
        "id": order.id,
        "admin_graphql_api_id": gid("Order", order.id),
        "name": order.name,
        "order_number": order.number,
        "number": order.number - 1000,
        "email": order.email,
        "contact_email": order.email,
        "phone": order.phone,
        "created_at": rest_time(order.created_at),
        "updated_at": rest_time(order.updated_at),
        "processed_at": rest_time(order.processed_at),
        "cancelled_at": rest_time(order.cancelled_at),
        "cancel_reason": order.cancel_reason.lower() if order.cancel_reason else None,
        "closed_at": rest_time(order.closed_at),
        "confirmed": True,
        "test": order.test,
        "financial_status": financial.lower() if financial else "pending",
        "fulfillment_status": REST_FULFILLMENT_STATUS.get(m.display_fulfillment_status(order)),
        "tags": ", ".join(order.tags),
        "note": order.note,
        "note_attributes": [{"name": key, "value": value} for key, value in order.custom_attributes],
        "po_number": order.po_number,
        "source_identifier": order.source_identifier,
        "source_name": order.source_name or "",
        "currency": order.currency,
        "presentment_currency": order.presentment_currency,
        "taxes_included": order.taxes_included,
        "total_price": _price(m.grand_total(order)),
        "current_total_price": _price(m.grand_total(order, current=True)),
        "subtotal_price": _price(m.subtotal(order)),
        "total_line_items_price": _price(
            sum((m.line_original_total(li) for li in order.line_items), Money())
        ),
        "total_discounts": _price(m.discounts(order)),
        "total_tax": _price(m.tax(order)),
        "total_outstanding": _price(m.outstanding(order)),
        "total_shipping_price_set": _price_set(order, m.shipping(order)),
        "discount_codes": [
            {"code": order.discount_code, "amount": _price(m.discounts(order)), "type": "fixed_amount"}
        ]
        if order.discount_code
        else [],
        "payment_gateway_names": m.gateways(order),
        "customer": customer_json(state, order),
        "billing_address": _address_json(order.billing_address),
        "shipping_address": _address_json(order.shipping_address),
        "line_items": [line_item_json(order, line) for line in order.line_items],
        "shipping_lines": [
            {"id": s.id, "title": s.title, "code": s.code, "source": s.source, "price": _price(s.price)}
            for s in order.shipping_lines
        ],
        "fulfillments": [fulfillment_json(order, f) for f in order.fulfillments],
    }


def order_changes(state: ShopState, order: Order, *topics: str) -> list[Change]:
    """Webhooks about an order (`orders/updated`, `orders/paid`…), all carrying its current JSON."""
    payload = order_json(state, order)
    return [Change(topic, payload) for topic in topics]


def fulfillment_change(order: Order, fulfillment: Fulfillment, topic: str) -> Change:
    return Change(topic, fulfillment_json(order, fulfillment))
