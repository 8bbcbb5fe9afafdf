"""The sandbox's v2 order document: one whole wholesale order, and the figures it shows.

JOOR publishes no v2 order response (docs/joor-api/orders.md §2.6), so the document's shape (root
`orders › order`, an `order_items › order_item` list, nested address objects) is the sandbox's own.
Its field names are the ones JOOR uses elsewhere, where it uses any:
- the export-validation list [https://api-docs.jooraccess.com/v2.0/reference/introduction-5]:
  `customer_code`, `customer_group_name`/`_code`, `billing_code`, `shipping_code`,
  `payment_method_code`, `shipping_method_code`, `order_season_code`, `order_delivery_code`,
  `warehouse_name`, `warehouse_code`, `sales_representative`, `sales_representative_code`,
  `tax_id_label`;
- the connection fields [https://api-docs.jooraccess.com/v2.0/reference/connection-get]:
  `customer_contact_name`, `customer_contact_email`, `customer_buyer_name`;
- the style document's `price_wholesale`, `price_retail`, `price_label`, `delivery_name`, and
  add-new-item's `item_price`, the final unit price after a line discount
  [https://api-docs.jooraccess.com/reference/add-new-item];
- sonicinvoice's reads (docs/joor-api/clients.md §3): `order_currency`, `order_total`, `upc`.
Everything else (`customer_contact_phone`, the address fields, `payment_method_name`, `payment_terms`,
`shipping_method_name`, `sales_representative_email`, `comments`, `cancel_date`, `order_subtotal`,
`order_discount`, `shipping_cost`, `tax_rate`, `tax_amount`, `sku_id` on a line) is named by the
sandbox. Names are fixed: the importer reads exactly these, in JSON and XML.

Figures (sandbox reading; JOOR documents none of them):
- `order_subtotal` = Σ quantity × `item_price`;
- `tax_amount` = the order's own amount when one was set, else
  (`order_subtotal` − `order_discount`) × `tax_rate` / 100 rounded half-up to the cent (never below 0),
  0.00 without a rate;
- `order_total` = `order_subtotal` − `order_discount` + `shipping_cost` + `tax_amount`.
Money renders as the other v2 prices do (a JSON number, XML text with two decimals); `tax_rate` is a
percentage that keeps its decimals (8.875) and is null/empty without a rate.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .model import Address, Catalog, Order, OrderLine
from .render import Repeated, decimal_number

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

#: The v2 `order_status` words, one per stored status (the sandbox's spelling).
STATUS_TEXT = {
    "IN_PROGRESS": "In Progress",
    "NOTES": "Notes",
    "PENDING": "Pending",
    "APPROVED": "Approved",
    "SHIPPED": "Shipped",
    "CANCELLED": "Cancelled",
}

#: An address object's fields, in document order.
ADDRESS_FIELDS = (
    "code",
    "company_name",
    "contact_name",
    "address_1",
    "address_2",
    "city",
    "state",
    "zip",
    "country",
    "country_code",
    "phone",
)


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def order_subtotal(order: Order) -> Decimal:
    return money(sum((line.price * line.quantity for line in order.lines), ZERO))


def order_tax(order: Order) -> Decimal:
    if order.tax_amount is not None:
        return money(order.tax_amount)
    if order.tax_rate is None:
        return ZERO
    base = max(order_subtotal(order) - order.order_discount, ZERO)
    return money(base * order.tax_rate / 100)


def order_total(order: Order) -> Decimal:
    return money(order_subtotal(order) - order.order_discount + order.shipping_cost + order_tax(order))


def tax_rate_number(rate: Decimal | None) -> int | float | None:
    """The rate as a number that keeps its decimals in both renderings (8.875, 20)."""
    return decimal_number(rate) if rate is not None else None


def address_view(address: Address | None) -> dict[str, Any] | None:
    if address is None:
        return None
    return {name: getattr(address, name) for name in ADDRESS_FIELDS}


def v2_line(catalog: Catalog, line: OrderLine) -> dict[str, Any]:
    """One `order_item`. Names and colors are the style's current ones (the line keeps its SKU)."""
    style = catalog.styles.get(line.style_id)
    color = next((c for c in style.colors if c["color_code"] == line.color_code), None) if style else None
    return {
        "style_id": line.style_id,
        "style_number": style.style_number if style else None,
        "style_identifier": style.style_identifier if style else None,
        "style_name": style.fields.get("style_name") if style else None,
        "color_code": line.color_code,
        "color_name": color["color_name"] if color else None,
        "size": line.size_name,
        "upc": line.upc,
        "sku_id": line.sku_id,
        "quantity": line.quantity,
        "price_wholesale": money(line.wholesale_price),
        "price_retail": money(line.retail) if line.retail is not None else None,
        "item_price": money(line.price),
    }


def v2_order(catalog: Catalog, order: Order) -> dict[str, Any]:
    """The sandbox's v2 order document (see the module docstring for every name's source)."""
    pt = catalog.price_types.get(order.price_type_id)
    collection = catalog.collections.get(order.collection_id or "")
    currency = pt.currency_code if pt else None
    billing, shipping = order.billing_address, order.shipping_address
    return {
        "order_id": order.number,
        "po_number": order.po_number,
        "order_status": STATUS_TEXT[order.status],
        "customer_name": order.customer_name,
        "customer_code": order.customer_code,
        "customer_group_name": order.customer_group_name,
        "customer_group_code": order.customer_group_code,
        "customer_contact_name": order.customer_contact_name,
        "customer_contact_email": order.customer_contact_email,
        "customer_contact_phone": order.customer_contact_phone,
        "customer_buyer_name": order.customer_buyer_name,
        "currency": currency,
        "order_currency": currency,
        "price_label": pt.name if pt else None,
        "delivery_name": collection.name if collection else None,
        "order_season_code": order.order_season_code,
        "order_delivery_code": order.order_delivery_code,
        "date_created": order.created.replace(microsecond=0),
        "date_modified": order.modified.replace(microsecond=0),
        "start_ship_date": order.start_ship_date,
        "complete_ship_date": order.complete_ship_date,
        "cancel_date": order.cancel_date,
        "billing_code": billing.code if billing else None,
        "billing_address": address_view(billing),
        "shipping_code": shipping.code if shipping else None,
        "shipping_address": address_view(shipping),
        "payment_method_name": order.payment_method_name,
        "payment_method_code": order.payment_method_code,
        "payment_terms": order.payment_terms,
        "shipping_method_name": order.shipping_method_name,
        "shipping_method_code": order.shipping_method_code,
        "sales_representative": order.sales_representative,
        "sales_representative_code": order.sales_representative_code,
        "sales_representative_email": order.sales_representative_email,
        "warehouse_name": order.warehouse_name,
        "warehouse_code": order.warehouse_code,
        "tax_id_label": order.tax_id_label,
        "tax_rate": tax_rate_number(order.tax_rate),
        "comments": order.comments,
        "exported": order.exported_at is not None,
        "date_exported": order.exported_at.replace(microsecond=0) if order.exported_at else None,
        "order_subtotal": order_subtotal(order),
        "order_discount": money(order.order_discount),
        "shipping_cost": money(order.shipping_cost),
        "tax_amount": order_tax(order),
        "order_total": order_total(order),
        "order_items": Repeated(
            "order_item", [v2_line(catalog, line) for line in order.lines], single_as_object=True
        ),
    }
