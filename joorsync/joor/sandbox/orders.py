"""Orders: the v2 read-only listing with JOOR's export marking, and the v4 order endpoints.

v2 `sync=1` (the default) marks every returned order exported at request time, so a later call with
`export_status=2` no longer sees them — JOOR's de-duplication. Filters are evaluated per request: a
client paging with `export_status=2&sync=1` should ask again from `start_from=0` until no orders come.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .dates import BadDate, parse_bound
from .defaults import DEFAULT_ORDER_PAGE_SIZE, MAX_PAGE_SIZE
from .http import Request, Response, v2_document, v2_error
from .model import Order, OrderLine, decode_opaque_id, opaque_id
from .render import Repeated, envelope
from .v2 import BadRequest, date_window, int_param
from .views import sku_price

if TYPE_CHECKING:
    from .app import JoorSandbox

V4_STATUSES = ("IN_PROGRESS", "NOTES", "PENDING", "APPROVED", "SHIPPED", "CANCELLED")
_STATUS_TEXT = {
    "IN_PROGRESS": "In Progress",
    "NOTES": "Notes",
    "PENDING": "Pending",
    "APPROVED": "Approved",
    "SHIPPED": "Shipped",
    "CANCELLED": "Cancelled",
}
ORDER_TYPES: dict[int, frozenset[str]] = {
    1: frozenset({"NOTES"}),
    2: frozenset({"APPROVED", "SHIPPED"}),
    3: frozenset({"PENDING"}),
    4: frozenset(set(V4_STATUSES) - {"CANCELLED"}),
    5: frozenset({"CANCELLED"}),
    6: frozenset({"APPROVED"}),
    7: frozenset({"SHIPPED"}),
    8: frozenset(V4_STATUSES),
}


def _modified_since_export(order: Order) -> bool:
    return order.exported_at is not None and order.modified > order.exported_at


def _not_exported(order: Order) -> bool:
    return order.exported_at is None


def _not_exported_ok(order: Order) -> bool:
    return order.exported_at is None and not order.export_failed


def _export_filter(status: int) -> Callable[[Order], bool]:
    """JOOR's export_status: 1 all, 2 not exported, 3 exported, 4 modified since export, 5 = 2+4,
    6 not exported excluding failed, 7 = 6+4."""
    return {
        1: lambda o: True,
        2: _not_exported,
        3: lambda o: o.exported_at is not None,
        4: _modified_since_export,
        5: lambda o: _not_exported(o) or _modified_since_export(o),
        6: _not_exported_ok,
        7: lambda o: _not_exported_ok(o) or _modified_since_export(o),
    }[status]


def order_total(order: Order) -> Decimal:
    return sum((line.price * line.quantity for line in order.lines), Decimal("0.00"))


def v2_order(sb: JoorSandbox, order: Order) -> dict[str, Any]:
    catalog = sb.catalog
    pt = catalog.price_types.get(order.price_type_id)
    items = []
    for line in order.lines:
        style = catalog.styles.get(line.style_id)
        color = next((c for c in style.colors if c["color_code"] == line.color_code), None) if style else None
        items.append(
            {
                "style_id": line.style_id,
                "style_number": style.style_number if style else None,
                "style_identifier": style.style_identifier if style else None,
                "style_name": style.fields.get("style_name") if style else None,
                "color_code": line.color_code,
                "color_name": color["color_name"] if color else None,
                "size": line.size_name,
                "upc": line.upc,
                "quantity": line.quantity,
                "price_wholesale": line.price,
            }
        )
    collection = catalog.collections.get(order.collection_id or "")
    return {
        "order_id": order.number,
        "po_number": order.po_number,
        "order_status": _STATUS_TEXT[order.status],
        "customer_name": order.customer_name,
        "customer_code": order.customer_code,
        "currency": pt.currency_code if pt else None,
        "price_label": pt.name if pt else None,
        "delivery_name": collection.name if collection else None,
        "date_created": order.created.replace(microsecond=0),
        "date_modified": order.modified.replace(microsecond=0),
        "start_ship_date": order.start_ship_date,
        "complete_ship_date": order.complete_ship_date,
        "exported": order.exported_at is not None,
        "date_exported": order.exported_at.replace(microsecond=0) if order.exported_at else None,
        "order_total": order_total(order),
        "order_items": Repeated("order_item", items, single_as_object=True),
    }


def v2_list_orders(sb: JoorSandbox, req: Request, fmt: str) -> Response:
    count = int_param(req, "count", DEFAULT_ORDER_PAGE_SIZE, low=1, high=MAX_PAGE_SIZE)
    start_from = int_param(req, "start_from", 0, low=0)
    order_type = int_param(req, "order_type", 2, low=1, high=8)
    export_status = int_param(req, "export_status", 1, low=1, high=7)
    sync = int_param(req, "sync", 1, low=0, high=1)
    int_param(req, "check", 0, low=0, high=3)
    modified = date_window(req, "date_start", "date_end")
    customer_code = req.arg("customer_code")
    statuses = ORDER_TYPES[order_type]
    exported = _export_filter(export_status)
    selected = [
        order
        for _, order in sorted(sb.catalog.orders.items())
        if order.status in statuses
        and exported(order)
        and (modified is None or modified(order.modified))
        and (not customer_code or order.customer_code == customer_code)
    ]
    page = selected[start_from : start_from + count]
    more = start_from + len(page) < len(selected)
    rendered = [v2_order(sb, order) for order in page]
    if sync == 1:
        now = sb.now()
        for order in page:
            order.exported_at = now
    doc = {
        "response": envelope(
            log_id=req.log_id,
            start_from=start_from,
            next_start=start_from + len(page) if more else None,
            count=len(page),
        ),
        "orders": Repeated("order", rendered, single_as_object=True),
    }
    return v2_document(200, doc, fmt)


def v2_order_by_id(sb: JoorSandbox, req: Request, fmt: str) -> Response:
    raw = req.segment("order_id")
    order = sb.catalog.orders.get(int(raw)) if raw.isdigit() else None
    if order is None:
        return v2_error(404, f"Order {raw} not found", log_id=req.log_id, fmt=fmt)
    doc = {
        "response": envelope(log_id=req.log_id, count=1),
        "orders": Repeated("order", [v2_order(sb, order)], single_as_object=True),
    }
    return v2_document(200, doc, fmt)


# ---------------------------------------------------------------------------------------------
# v4
# ---------------------------------------------------------------------------------------------


def v4_order(order: Order) -> dict[str, Any]:
    return {
        "id": order.id,
        "retailer_id": order.retailer_id,
        "price_type_id": order.price_type_id,
        "collection_id": order.collection_id,
        "status": order.status,
        "po_number": order.po_number,
        "start_ship_date": order.start_ship_date.isoformat() if order.start_ship_date else None,
        "complete_ship_date": order.complete_ship_date.isoformat() if order.complete_ship_date else None,
        "total": f"{order_total(order):.2f}",
        "created_at": order.created.isoformat(),
        "updated_at": order.modified.isoformat(),
    }


def v4_line(order: Order, line: OrderLine) -> dict[str, Any]:
    return {
        "id": line.id,
        "order_id": order.id,
        "sku_id": line.sku_id,
        "quantity": line.quantity,
        "wholesale_value": f"{line.price:.2f}",
    }


def find_order(sb: JoorSandbox, order_id: Any) -> Order | None:
    number = decode_opaque_id(str(order_id), "Order") if isinstance(order_id, str) else None
    return sb.catalog.orders.get(number) if number is not None else None


def filter_orders(sb: JoorSandbox, *, status: str | None, last_modified: str | None) -> list[Order]:
    since: datetime | None = None
    if last_modified:
        try:
            since = parse_bound(last_modified, end=False)
        except BadDate as exc:
            raise BadRequest(str(exc)) from exc
    if status and status not in V4_STATUSES:
        raise BadRequest(f"status must be one of {', '.join(V4_STATUSES)}")
    return [
        order
        for _, order in sorted(sb.catalog.orders.items())
        if (status is None or order.status == status) and (since is None or order.modified >= since)
    ]


def create_order(sb: JoorSandbox, item: dict[str, Any]) -> Order | dict[str, Any]:
    """A new order from a v4 bulk_create item, or the error for it."""
    catalog = sb.catalog
    problems = []
    retailer = catalog.retailers.get(str(item.get("retailer_id") or ""))
    if retailer is None:
        problems.append("retailer_id: required, an existing retailer")
    if str(item.get("price_type_id") or "") not in catalog.price_types:
        problems.append("price_type_id: required, an existing price type")
    status = item.get("status", "IN_PROGRESS")
    if status not in ("IN_PROGRESS", "NOTES", "PENDING", "APPROVED", "CANCELLED"):
        problems.append("status: one of IN_PROGRESS, NOTES, PENDING, APPROVED, CANCELLED")
    collection_id = item.get("collection_id")
    if collection_id is not None and collection_id not in catalog.collections:
        problems.append("collection_id: unknown collection")
    lines: list[tuple[str, int]] = []
    for i, line in enumerate(item.get("sku_line_items") or []):
        sku_id = line.get("sku_id") if isinstance(line, dict) else None
        quantity = line.get("quantity") if isinstance(line, dict) else None
        if not isinstance(sku_id, str) or catalog.find_sku(sku_id) is None:
            problems.append(f"sku_line_items[{i}].sku_id: unknown SKU")
        elif not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
            problems.append(f"sku_line_items[{i}].quantity: a positive integer")
        else:
            lines.append((sku_id, quantity))
    if problems:
        return {"status": "INVALID", "message": "; ".join(problems), "details": {}}
    assert retailer is not None
    now = sb.now()
    number = catalog.next_order
    catalog.next_order += 1
    order = Order(
        number=number,
        po_number=str(item.get("po_number") or f"PO-{4000 + number}"),
        retailer_id=str(item["retailer_id"]),
        customer_name=retailer[0],
        customer_code=retailer[1],
        price_type_id=str(item["price_type_id"]),
        collection_id=collection_id,
        status=str(status),
        created=now,
        modified=now,
        start_ship_date=None,
        complete_ship_date=None,
    )
    for sku_id, quantity in lines:
        found = catalog.find_sku(sku_id)
        assert found is not None
        style, (color, size) = found
        entry = style.upc_entry(color, size)
        price = sku_price(style, sku_id, order.price_type_id)
        order.lines.append(
            OrderLine(
                id=opaque_id("OrderLineItem", catalog.next_line),
                style_id=style.style_id,
                sku_id=sku_id,
                color_code=color,
                size_name=size,
                upc=entry.get("upc") if entry else None,
                quantity=quantity,
                price=(price.wholesale if price and price.wholesale is not None else Decimal("0.00")),
            )
        )
        catalog.next_line += 1
    catalog.orders[number] = order
    return order


def update_order(sb: JoorSandbox, item: dict[str, Any]) -> Order | dict[str, Any]:
    order = find_order(sb, item.get("id"))
    if order is None:
        return {
            "status": "NOT_FOUND",
            "message": f"order {item.get('id')!r} not found",
            "details": {"id": item.get("id")},
        }
    status = item.get("status")
    if status is not None:
        if status not in V4_STATUSES:
            return {
                "status": "INVALID",
                "message": f"status must be one of {', '.join(V4_STATUSES)}",
                "details": {},
            }
        if status == "IN_PROGRESS" and order.status != "IN_PROGRESS":
            return {
                "status": "INVALID",
                "message": "an order cannot go back to IN_PROGRESS",
                "details": {"id": order.id, "status": order.status},
            }
        order.status = status
    if "po_number" in item:
        order.po_number = str(item["po_number"])
    order.modified = sb.now()
    return order


def update_line(sb: JoorSandbox, item: dict[str, Any]) -> tuple[Order, OrderLine] | dict[str, Any]:
    line_id = item.get("id")
    for order in sb.catalog.orders.values():
        for line in order.lines:
            if line.id == line_id:
                quantity = item.get("quantity")
                if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
                    return {
                        "status": "INVALID",
                        "message": "quantity: a non-negative integer",
                        "details": {"id": line_id},
                    }
                line.quantity = quantity
                order.modified = sb.now()
                return order, line
    return {
        "status": "NOT_FOUND",
        "message": f"sku line item {line_id!r} not found",
        "details": {"id": line_id},
    }
