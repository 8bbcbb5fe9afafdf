"""Imported orders as an import leaves them, for the order pages' tests: a JOOR document read by the
real parser, and the row and events the import would have written."""

from __future__ import annotations

import copy
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from joorsync.orders.joor_documents import parse_v2_order
from joorsync.orders.models import ImportedOrder, OrderEvent
from shopify_app.models import Shop

DOCUMENT: dict[str, Any] = {
    "order_id": 1001,
    "po_number": "PO-77",
    "order_status": "Approved",
    "customer_name": "Harbour Boutique",
    "customer_code": "HB01",
    "customer_contact_email": "buyer@harbour.example",
    "customer_contact_name": "Ana Lima",
    "currency": "USD",
    "date_created": "2026-11-20T10:00:00Z",
    "date_modified": "2026-11-21T10:00:00Z",
    "start_ship_date": "2027-01-15",
    "complete_ship_date": "2027-02-15",
    "cancel_date": "2027-03-01",
    "payment_terms": "Net 30",
    "sales_representative": "Sam Rep",
    "warehouse_code": "NY01",
    "warehouse_name": "New York",
    "shipping_address": {
        "address_1": "1 Pier St",
        "city": "Boston",
        "state": "MA",
        "zip": "02110",
        "country": "United States",
        "country_code": "us",
    },
    "order_discount": "10.00",
    "shipping_cost": "25",
    "tax_amount": "0.00",
    "order_total": "815.00",
    "order_items": [
        {
            "style_id": 5,
            "style_number": "S-5",
            "style_name": "Pea coat",
            "color_code": "NVY",
            "color_name": "Navy",
            "size": "M",
            "upc": "000111222333",
            "quantity": 4,
            "price_wholesale": "100.00",
        },
        {
            "style_id": 5,
            "style_number": "S-5",
            "style_name": "Pea coat",
            "color_code": "NVY",
            "color_name": "Navy",
            "size": "L",
            "upc": "000111222340",
            "quantity": 4,
            "price_wholesale": "100.00",
        },
    ],
}


def document(n: int, **changes: Any) -> dict[str, Any]:
    raw = copy.deepcopy(DOCUMENT)
    raw.update({"order_id": n, "po_number": f"PO-{n}", **changes})
    return parse_v2_order(raw).as_json()


def make_order(
    shop: Shop,
    n: int,
    *,
    state: str = ImportedOrder.State.IMPORTED,
    age: timedelta = timedelta(0),
    **fields: Any,
) -> ImportedOrder:
    """JOOR order `n` of `shop` in `state`; an imported one has its Shopify order #(1000 + n)."""
    doc = fields.pop("document", None) or document(n)
    values: dict[str, Any] = {
        "joor_order_id": str(n),
        "joor_status": "APPROVED",
        "po_number": f"PO-{n}",
        "retailer_code": "HB01",
        "retailer_name": "Harbour Boutique",
        "currency": "USD",
        "total": Decimal("815.00"),
        "units": 8,
        "document": doc,
        "state": state,
    }
    if state in (ImportedOrder.State.IMPORTED, ImportedOrder.State.CONFLICT, ImportedOrder.State.CANCELLED):
        values.update(
            shopify_order_id=f"gid://shopify/Order/{9000 + n}",
            shopify_order_name=f"#{1000 + n}",
            shopify_fulfillment_status="UNFULFILLED",
            shopify_financial_status="PENDING",
            imported_at=timezone.now(),
        )
    values.update(fields)
    order = ImportedOrder.objects.create(shop=shop, **values)
    if age:
        ImportedOrder.objects.filter(pk=order.pk).update(created_at=timezone.now() - age)
        order.refresh_from_db()
    return order


def held(shop: Shop, n: int, **fields: Any) -> ImportedOrder:
    lines = ["line 2: Pea coat (S-5), Navy / L, UPC 000111222340"]
    return make_order(
        shop,
        n,
        state=ImportedOrder.State.HELD,
        hold_code="UNKNOWN_SKU",
        hold_message="1 line(s) match no linked Shopify variant: "
        + lines[0]
        + ". Link the styles and retry.",
        hold_details={"lines": lines},
        **fields,
    )


def conflicted(shop: Shop, n: int, **fields: Any) -> ImportedOrder:
    return make_order(
        shop,
        n,
        state=ImportedOrder.State.CONFLICT,
        hold_code="CHANGED_AFTER_FULFILMENT",
        hold_message=f"The order was changed in JOOR after Shopify order #{1000 + n} was (partly) fulfilled.",
        shopify_fulfillment_status="FULFILLED",
        **fields,
    )


def event(
    order: ImportedOrder, message: str, *, level: str = "info", ago: timedelta = timedelta(0)
) -> OrderEvent:
    row = OrderEvent.objects.create(
        shop_id=order.shop_id, order=order, action="note", level=level, message=message
    )
    if ago:
        OrderEvent.objects.filter(pk=row.pk).update(created_at=timezone.now() - ago)
        row.refresh_from_db()
    return row
