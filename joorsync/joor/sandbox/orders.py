"""Orders: the v2 order export (with JOOR's export marking) and the v4 order and line-item logic.

The contract is docs/joor-api/orders.md (JOOR's pages, cited below by URL). Every behaviour
names its source; "sandbox reading" marks a choice where JOOR's pages are silent or ambiguous, and
"sandbox convenience, do not rely on it" marks something JOOR does not document at all.

v2 `GET /v2/order` [https://api-docs.jooraccess.com/v2.0/reference/get-orders]
- The path is api-facts' (second-hand; JOOR's copy of the page has no URI). `GET /v2/order/{id}` is
  also api-facts' only: no JOOR page documents it (sandbox convenience, do not rely on it).
- `sync` defaults to 1. `export_status` defaults to 2 with `sync=1` and to 1 with `sync=0`; `check`
  defaults to 1 with `sync=1` and to 0 with `sync=0` (JOOR's parameter table).
- export_status: 1 all; 2 not yet exported, failed included; 3 exported successfully; 4 modified since
  the last export; 5 = 2 + 4; 6 = 2 without the failed; 7 = 6 + 4 (failed excluded from both halves)
  (JOOR's parameter table).
- Failed export: with `sync=1` and `check` 1 or 3, an order that misses required export fields is left
  out of the answer, marked failed with the reason, and not exported; with `check` 2 or 3 the same
  happens to an order with a line whose style or style/color was deleted (JOOR's parameter table and
  https://api-docs.jooraccess.com/v2.0/reference/introduction-5). Which fields are missing is set
  through the control hook `POST /_sandbox/orders/{id}/missing-export-fields` (or the
  `missing_export_fields` field of `POST /_sandbox/orders`): the sandbox has no validation settings.
  Every matching order that fails is marked, not only those a page would have held (sandbox reading).
  With `sync=0` nothing is marked and `check` is validated but changes nothing: a preview has no side
  effects (sandbox reading; JOOR does not say whether `sync=0` logs anything).
- `sync=1` marks exactly the orders of the returned page exported (at once, so with export_status 2
  a client pages by asking from `start_from=0` again until nothing comes back). JOOR only says order
  requests are logged and orders marked exported; marking the page rather than every match is the
  sandbox's reading of https://api-docs.jooraccess.com/v2.0/reference/introduction-5.
- An explicit `export_status` wins over `sync`'s default: `sync=1&export_status=1` returns (and marks)
  exported orders too (sandbox reading of an ambiguity in JOOR's table, orders.md §2.4 (f)).
- "Modified since last export" (4, and the second halves of 5 and 7) is an order whose `modified` is
  later than its last successful export, whatever its status: a cancelled order comes back too when
  `order_type` includes cancelled orders (5 or 8). Every change moves `modified` (`touch`): v4
  `bulk_update` of a status (CANCELLED included), v4 line-item writes, and the control routes that
  edit or cancel an order (`order_control`); the move is always past the last export, so a change in
  the same instant as the export still counts. `sync=1` marks such an order exported again (its export
  time becomes now), so it leaves export_status 4 until it changes again (sandbox reading of the
  unknown orders.md §2.4 (d)).
- Filters `order_type` (1–8), `date_start`/`date_end` (modified date; both or neither), `customer_code`
  and `customer_group_name` (exact match), paging by `start_from`/`count` (default 50) (JOOR's table).
  Where IN_PROGRESS orders fall among the order types is unknown: the sandbox lists them under 4 and 8.
- Parameters JOOR does not list are ignored, as a server that ignores unknown parameters would:
  sonicinvoice's `start` (JOOR's is `start_from`) and `order_id` (no such filter: `sync=1&order_id=…`
  marks the first page of the filter, not that order) (docs/joor-api/clients.md §3).
- The answer's shape (root element, `orders`/`order`, field names) is the sandbox's own: JOOR publishes
  no v2 order response (orders.md §2.6). Each order is a whole wholesale order (contact, addresses,
  payment, shipping, sales rep, warehouse, codes, lines with SKU ids and prices, subtotal, discount,
  shipping, tax, total); `order_documents` lists its fields and where each name comes from.

Sandbox control (sandbox conveniences, do not rely on them; `order_control` has the fields and rules):
`POST /_sandbox/orders` (a retailer places an order), `GET /_sandbox/orders[/{id}]` (control views),
`POST /_sandbox/orders/{id}` (the brand edits a placed order), `POST /_sandbox/orders/{id}/cancel`,
`POST /_sandbox/orders/{id}/missing-export-fields`, `POST|GET /_sandbox/retailers`.

v4 orders [https://api-docs.jooraccess.com/v2.0/reference/get-orders-1]
- The v4 id is the v2 `order_id` as a string
  [https://api-docs.jooraccess.com/v2.0/reference/update-order-status].
- The order object is exactly `{id, retailer_id, price_type_id, collection_id, status}`.
- Statuses: IN_PROGRESS, NOTES, PENDING, APPROVED, CANCELLED
  [https://api-docs.jooraccess.com/v2.0/reference/update-order-status]. v4 has no SHIPPED: writes
  refuse it, and a shipped order (v2 `order_type` 7) reads as APPROVED through v4 (sandbox reading:
  shipping follows approval; what JOOR shows is unknown). Setting APPROVED on it keeps it shipped.
- `bulk_create` [https://api-docs.jooraccess.com/v2.0/reference/create-order]: `retailer_id`,
  `price_type_id`, `collection_id` and `status` required. Accepted alternatives (viveren, a public
  client, clients.md §2.2; not on JOOR's pages): `customer_id` (= a retailer id) or
  `customer_code` for the retailer, `price_type_name`, `collection_code`. `delivery_window_start`/`_end`
  (YYYY-MM-DD, both or neither, start ≤ end) with JOOR's error texts
  [https://api-docs.jooraccess.com/reference/create-order]; without a window the order takes the
  collection's dates (create-order page). `payment_method` is marked required but "not available at
  this time": not required. Everything else (shipping_id, billing_id, sales_rep, order_discount,
  viveren's nested objects, and `sku_line_items`/`po_number`, which only the control route takes) is
  ignored. The order takes its retailer's contact, addresses, payment, shipping, sales rep, warehouse
  and tax, and its collection's season and delivery codes (sandbox reading: JOOR's fields for these
  are "not available at this time", so an order can only get them from the connection).
- `bulk_update` [https://api-docs.jooraccess.com/v2.0/reference/update-order-status]: `id` and `status`
  required; no going back to IN_PROGRESS; PENDING needs at least one unit on every item;
  `integration_status` accepted with JOOR's one value `SUCCESS` and recorded (JOOR: "not yet
  available"; it changes nothing in the v2 export marking). Address and payment requirements of
  NOTES/PENDING/APPROVED are not enforced: their fields are "not available at this time".

v4 line items
- GET [https://api-docs.jooraccess.com/v2.0/reference/get-order-line-items]: `order_ids` and
  `line_item_ids` both optional; both given → the items matching both; neither → every line item of
  the account (sandbox reading: unknown). Item shape `{id, order_id, line_item_sku{original_id,
  product{name, external_id}, wholesale_price, suggested_retail_price, trait_values[{trait{id, name,
  type}, value, external_id}]}, quantity}`, prices as JSON numbers. `wholesale_price` is the line's
  final unit price (after a line discount; whether JOOR shows the list or the discounted price is
  unknown, orders.md §7), `suggested_retail_price` the SKU's retail price when the line was priced.
- `bulk_create` [https://api-docs.jooraccess.com/v2.0/reference/add-new-item]
  [https://api-docs.jooraccess.com/reference/add-new-item]: `{order_id, sku_id, quantity}` adds the
  quantity to the SKU's line (creating it); only IN_PROGRESS, NOTES, PENDING orders; at most one of
  `item_price`, `discount_amount`, `discount_percentage` (JOOR's error text otherwise). A missing
  quantity adds 0 (sandbox reading).
- `bulk_update` [https://api-docs.jooraccess.com/v2.0/reference/update-line-item-quantity]:
  `{id, quantity}`, quantity an integer or a digit string, optional (missing: nothing changes). A zero
  quantity is kept as a zero line, except on a PENDING order, which needs a unit per item (sandbox
  reading of the update-order-status rule). No status restriction (unknown).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from .dates import BadDate, parse_bound
from .defaults import COLOR_TRAIT_ID, DEFAULT_ORDER_PAGE_SIZE, MAX_PAGE_SIZE, SIZE_TRAIT_ID
from .http import Request, Response, v2_document, v2_error
from .model import Catalog, Order, OrderLine, Retailer, StyleRecord, order_line_id
from .order_documents import v2_order
from .render import Repeated, envelope
from .v2 import BadRequest, date_window, int_param
from .views import sku_price

if TYPE_CHECKING:
    from .app import JoorSandbox

#: The v4 statuses [https://api-docs.jooraccess.com/v2.0/reference/update-order-status].
V4_STATUSES = ("IN_PROGRESS", "NOTES", "PENDING", "APPROVED", "CANCELLED")
#: Every status an order can have in the sandbox: the v4 ones plus SHIPPED (v2 only).
ORDER_STATUSES = (*V4_STATUSES, "SHIPPED")
#: Statuses whose orders take new line items [https://api-docs.jooraccess.com/reference/add-new-item].
OPEN_STATUSES = frozenset({"IN_PROGRESS", "NOTES", "PENDING"})
#: v2 `order_type` [https://api-docs.jooraccess.com/v2.0/reference/get-orders]; IN_PROGRESS under 4
#: and 8 is the sandbox's reading (unknown).
ORDER_TYPES: dict[int, frozenset[str]] = {
    1: frozenset({"NOTES"}),
    2: frozenset({"APPROVED", "SHIPPED"}),
    3: frozenset({"PENDING"}),
    4: frozenset(set(ORDER_STATUSES) - {"CANCELLED"}),
    5: frozenset({"CANCELLED"}),
    6: frozenset({"APPROVED"}),
    7: frozenset({"SHIPPED"}),
    8: frozenset(ORDER_STATUSES),
}
DELIVERY_WINDOW_BOTH = "Invalid delivery window. You must provide both the start and end date"
MULTIPLE_DISCOUNTS = (
    "Multiple discounts for the same SKU are not allowed. Please include only one of the following"
    " fields: item_price, discount_percentage, discount_amount."
)
YMD_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DISCOUNT_FIELDS = ("item_price", "discount_amount", "discount_percentage")


class OrderProblem(Exception):
    """An order or line-item write refused: `status` is the v4 error status, `details` its details."""

    def __init__(self, status: str, message: str, /, **details: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details


def v4_status(order: Order) -> str:
    """The status v4 shows: SHIPPED reads as APPROVED (sandbox reading, see the module docstring)."""
    return "APPROVED" if order.status == "SHIPPED" else order.status


def touch(sb: JoorSandbox, order: Order) -> None:
    """Record a change: `modified` moves to now, and always past the last export and the last change,
    so a change is "modified since last export" even when the clock has not moved (a test's frozen
    clock; JOOR's would have)."""
    now = sb.now()
    floor = max(order.modified, order.exported_at or order.modified)
    order.modified = now if now > floor else floor + timedelta(microseconds=1)


# ---------------------------------------------------------------------------------------------
# v2 export
# ---------------------------------------------------------------------------------------------


def _modified_since_export(order: Order) -> bool:
    return order.exported_at is not None and order.modified > order.exported_at


def _not_exported(order: Order) -> bool:
    return order.exported_at is None


def _not_exported_ok(order: Order) -> bool:
    return order.exported_at is None and not order.export_failed


def _export_filter(status: int) -> Callable[[Order], bool]:
    """JOOR's export_status values [https://api-docs.jooraccess.com/v2.0/reference/get-orders]."""
    return {
        1: lambda o: True,
        2: _not_exported,
        3: lambda o: o.exported_at is not None and not o.export_failed,
        4: _modified_since_export,
        5: lambda o: _not_exported(o) or _modified_since_export(o),
        6: _not_exported_ok,
        7: lambda o: _not_exported_ok(o) or (_modified_since_export(o) and not o.export_failed),
    }[status]


def export_problem(catalog: Catalog, order: Order, check: int) -> str | None:
    """Why a `sync=1` request with this `check` fails the order's export, or None."""
    if check in (1, 3) and order.missing_export_fields:
        return "missing export fields: " + ", ".join(order.missing_export_fields)
    if check in (2, 3):
        gone = []
        for line in order.lines:
            style = catalog.styles.get(line.style_id)
            if style is None:
                gone.append(f"style {line.style_id} deleted")
            elif all(str(c.get("color_code")) != line.color_code for c in style.colors):
                gone.append(f"style {style.style_number} color {line.color_code} deleted")
        if gone:
            return "; ".join(dict.fromkeys(gone))
    return None


def v2_list_orders(sb: JoorSandbox, req: Request, fmt: str) -> Response:
    """`GET /v2/order`: see the module docstring for every parameter and its source."""
    sync = int_param(req, "sync", 1, low=0, high=1)
    count = int_param(req, "count", DEFAULT_ORDER_PAGE_SIZE, low=1, high=MAX_PAGE_SIZE)
    start_from = int_param(req, "start_from", 0, low=0)
    order_type = int_param(req, "order_type", 2, low=1, high=8)
    export_status = int_param(req, "export_status", 2 if sync else 1, low=1, high=7)
    check = int_param(req, "check", 1 if sync else 0, low=0, high=3)
    modified = date_window(req, "date_start", "date_end")
    customer_code = req.arg("customer_code")
    group_name = req.arg("customer_group_name")
    statuses = ORDER_TYPES[order_type]
    exported = _export_filter(export_status)
    catalog = sb.catalog
    selected = [
        order
        for _, order in sorted(catalog.orders.items())
        if order.status in statuses
        and exported(order)
        and (modified is None or modified(order.modified))
        and (not customer_code or order.customer_code == customer_code)
        and (not group_name or order.customer_group_name == group_name)
    ]
    if sync == 1 and check:
        kept = []
        for order in selected:
            problem = export_problem(catalog, order, check)
            if problem is None:
                kept.append(order)
            else:
                order.export_failed = True
                order.export_failure = problem
        selected = kept
    page = selected[start_from : start_from + count]
    more = start_from + len(page) < len(selected)
    rendered = [v2_order(catalog, order) for order in page]  # as they were before this request marked them
    if sync == 1:
        now = sb.now()
        for order in page:
            order.exported_at = max(now, order.modified)
            order.export_failed = False
            order.export_failure = None
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
    """`GET /v2/order/{id}`: api-facts' path, not on any JOOR page (sandbox convenience, do not rely on
    it). Reads only: marks nothing."""
    raw = req.segment("order_id")
    order = sb.catalog.orders.get(int(raw)) if raw.isdigit() else None
    if order is None:
        return v2_error(404, f"Order {raw} not found", log_id=req.log_id, fmt=fmt)
    doc = {
        "response": envelope(log_id=req.log_id, count=1),
        "orders": Repeated("order", [v2_order(sb.catalog, order)], single_as_object=True),
    }
    return v2_document(200, doc, fmt)


# ---------------------------------------------------------------------------------------------
# v4 views and lookups
# ---------------------------------------------------------------------------------------------


def v4_order(order: Order) -> dict[str, Any]:
    """JOOR's v4 order object, exactly [https://api-docs.jooraccess.com/v2.0/reference/get-orders-1]."""
    return {
        "id": order.id,
        "retailer_id": order.retailer_id,
        "price_type_id": order.price_type_id,
        "collection_id": order.collection_id,
        "status": v4_status(order),
    }


def _price_number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def v4_line(sb: JoorSandbox, order: Order, line: OrderLine) -> dict[str, Any]:
    """JOOR's line item [https://api-docs.jooraccess.com/v2.0/reference/get-order-line-items]
    [https://api-docs.jooraccess.com/v2.0/reference/update-line-item-quantity]. `product.external_id`
    is the v4 product's external id (the style identifier in this sandbox); trait values carry the
    color and size codes as their external ids."""
    style = sb.catalog.styles.get(line.style_id)
    color = next((c for c in style.colors if c.get("color_code") == line.color_code), None) if style else None
    size = next((s for s in style.sizes if s.get("size_name") == line.size_name), None) if style else None
    retail = line.retail
    if retail is None and style is not None:
        row = sku_price(style, line.sku_id, order.price_type_id)
        retail = row.retail if row else None
    return {
        "id": line.id,
        "order_id": order.id,
        "line_item_sku": {
            "original_id": line.sku_id,
            "product": {
                "name": style.fields.get("style_name") if style else None,
                "external_id": style.style_identifier if style else None,
            },
            "wholesale_price": _price_number(line.price),
            "suggested_retail_price": _price_number(retail),
            "trait_values": [
                {
                    "trait": {"id": COLOR_TRAIT_ID, "name": "Color", "type": "sku"},
                    "value": color["color_name"] if color else line.color_code,
                    "external_id": line.color_code,
                },
                {
                    "trait": {"id": SIZE_TRAIT_ID, "name": "Size", "type": "sku"},
                    "value": line.size_name,
                    "external_id": (size.get("size_code") if size else None) or line.size_name,
                },
            ],
        },
        "quantity": line.quantity,
    }


def find_order(sb: JoorSandbox, order_id: Any) -> Order | None:
    """The order a v4 id names: a numeric string (an integer is tolerated)."""
    if isinstance(order_id, bool) or not isinstance(order_id, str | int):
        return None
    text = str(order_id).strip()
    return sb.catalog.orders.get(int(text)) if text.isdigit() else None


def find_line(sb: JoorSandbox, line_id: Any) -> tuple[Order, OrderLine] | None:
    if isinstance(line_id, bool) or not isinstance(line_id, str | int):
        return None
    text = str(line_id).strip()
    for order in sb.catalog.orders.values():
        for line in order.lines:
            if line.id == text:
                return order, line
    return None


def filter_orders(sb: JoorSandbox, *, status: str | None, last_modified: str | None) -> list[Order]:
    """`GET /v4/orders` without `order_ids`: every order, or those `status` / `last_modified` select —
    viveren's filters, not on JOOR's page (sandbox convenience, do not rely on it)."""
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
        if (not status or v4_status(order) == status) and (since is None or order.modified >= since)
    ]


def lines_matching(
    sb: JoorSandbox, order_ids: list[str] | None, line_ids: list[str] | None
) -> list[dict[str, Any]]:
    """Line items of `order_ids` (all orders when None) restricted to `line_ids` (when given)."""
    if order_ids is None:
        chosen = [order for _, order in sorted(sb.catalog.orders.items())]
    else:
        chosen = [o for oid in dict.fromkeys(order_ids) if (o := find_order(sb, oid)) is not None]
    wanted = set(line_ids) if line_ids is not None else None
    return [
        v4_line(sb, order, line)
        for order in chosen
        for line in order.lines
        if wanted is None or line.id in wanted
    ]


# ---------------------------------------------------------------------------------------------
# v4 order writes
# ---------------------------------------------------------------------------------------------


def given(item: dict[str, Any], key: str) -> bool:
    value = item.get(key)
    return value is not None and not (isinstance(value, str) and not value.strip())


def resolve_retailer(catalog: Catalog, item: dict[str, Any], problems: list[str]) -> Retailer | None:
    for key in ("retailer_id", "customer_id"):
        if given(item, key):
            found = catalog.retailers.get(str(item[key]).strip())
            if found is None:
                problems.append(f"{key}: no retailer {item[key]!r}")
            return found
    if given(item, "customer_code"):
        code = str(item["customer_code"]).strip()
        found = next((r for r in catalog.retailers.values() if r.code == code), None)
        if found is None:
            problems.append(f"customer_code: no retailer with code {code!r}")
        return found
    problems.append("retailer_id is required")
    return None


def resolve_price_type(catalog: Catalog, item: dict[str, Any], problems: list[str]) -> str | None:
    if given(item, "price_type_id"):
        pt_id = str(item["price_type_id"]).strip()
        if pt_id not in catalog.price_types:
            problems.append(f"price_type_id: no price type {pt_id!r}")
            return None
        return pt_id
    if given(item, "price_type_name"):
        name = str(item["price_type_name"]).strip()
        named = [pt.id for pt in catalog.price_types.values() if pt.name == name]
        if len(named) != 1:
            problems.append(
                f"price_type_name: no price type named {name!r}"
                if not named
                else f"price_type_name: {name!r} names {len(named)} price types, send price_type_id"
            )
            return None
        return named[0]
    problems.append("price_type_id is required")
    return None


def resolve_collection(catalog: Catalog, item: dict[str, Any], problems: list[str]) -> str | None:
    if given(item, "collection_id"):
        col_id = str(item["collection_id"]).strip()
        if col_id not in catalog.collections:
            problems.append(f"collection_id: no collection {col_id!r}")
            return None
        return col_id
    if given(item, "collection_code"):
        code = str(item["collection_code"]).strip()
        found = next((c for c in catalog.collections.values() if code in (c.code, c.external_id)), None)
        if found is None:
            problems.append(f"collection_code: no collection with code {code!r}")
            return None
        return found.id
    problems.append("collection_id is required")
    return None


def delivery_window(item: dict[str, Any], problems: list[str]) -> tuple[date, date] | None:
    """JOOR's delivery-window rules and texts [https://api-docs.jooraccess.com/reference/create-order]."""
    has_start, has_end = given(item, "delivery_window_start"), given(item, "delivery_window_end")
    if not has_start and not has_end:
        return None
    if has_start != has_end:
        problems.append(DELIVERY_WINDOW_BOTH)
        return None
    days: list[date] = []
    for key in ("delivery_window_start", "delivery_window_end"):
        text = str(item[key]).strip()
        try:
            if not YMD_RE.match(text):
                raise ValueError
            days.append(date.fromisoformat(text))
        except ValueError:
            problems.append(f"{key}: {text!r} is not a date YYYY-MM-DD")
    if len(days) != 2:
        return None
    start, end = days
    if start > end:
        problems.append(f"Delivery window start: {start.isoformat()} is later than end: {end.isoformat()}")
        return None
    return start, end


def new_order(
    sb: JoorSandbox,
    *,
    retailer: Retailer,
    price_type_id: str,
    collection_id: str | None,
    status: str,
    window: tuple[date, date] | None,
) -> Order:
    """An order as JOOR makes one, not yet in the catalog (`insert_order` numbers and stores it): dated
    now, with the retailer's defaults and the collection's dates and codes (`Catalog.order_defaults`),
    the delivery window overriding the collection's dates (create-order page)."""
    catalog = sb.catalog
    now = sb.now()
    number = catalog.next_order
    values = catalog.order_defaults(retailer, collection_id)
    if window is not None:
        values["start_ship_date"], values["complete_ship_date"] = window
        collection = catalog.collections.get(collection_id or "")
        if collection is None or collection.date_cancel is None:
            values["cancel_date"] = window[1] + timedelta(days=14)
    return Order(
        number=number,
        po_number=f"PO-{4000 + number}",
        retailer_id=retailer.id,
        price_type_id=price_type_id,
        collection_id=collection_id,
        status=status,
        created=now,
        modified=now,
        **values,
    )


def insert_order(sb: JoorSandbox, order: Order) -> Order:
    """Store a `new_order` under the next order number."""
    catalog = sb.catalog
    order.number = catalog.next_order
    catalog.next_order += 1
    catalog.orders[order.number] = order
    return order


def create_order(sb: JoorSandbox, item: dict[str, Any]) -> Order:
    """A new order from a public v4 `bulk_create` item; raises OrderProblem (nothing is written)."""
    catalog = sb.catalog
    problems: list[str] = []
    retailer = resolve_retailer(catalog, item, problems)
    price_type_id = resolve_price_type(catalog, item, problems)
    collection_id = resolve_collection(catalog, item, problems)
    status = item.get("status")
    if not given(item, "status"):
        problems.append("status is required")
    elif status not in V4_STATUSES:
        problems.append(f"status must be one of {', '.join(V4_STATUSES)}")
    window = delivery_window(item, problems)
    if problems:
        raise OrderProblem("INVALID", "; ".join(problems))
    assert retailer is not None and price_type_id is not None and collection_id is not None
    order = new_order(
        sb,
        retailer=retailer,
        price_type_id=price_type_id,
        collection_id=collection_id,
        status=str(status),
        window=window,
    )
    return insert_order(sb, order)


def update_order(sb: JoorSandbox, item: dict[str, Any]) -> Order:
    """A v4 `bulk_update` item applied; raises OrderProblem (nothing is written)."""
    if not given(item, "id"):
        raise OrderProblem("INVALID", "id is required")
    order = find_order(sb, item["id"])
    if order is None:
        raise OrderProblem("NOT_FOUND", f"order {item['id']!r} not found", id=item["id"])
    status = item.get("status")
    if not given(item, "status"):
        raise OrderProblem("INVALID", "status is required", id=order.id)
    if status not in V4_STATUSES:
        raise OrderProblem("INVALID", f"status must be one of {', '.join(V4_STATUSES)}", id=order.id)
    if status == "IN_PROGRESS" and order.status != "IN_PROGRESS":
        raise OrderProblem(
            "INVALID", "an order cannot go back to IN_PROGRESS", id=order.id, status=v4_status(order)
        )
    if status == "PENDING" and any(line.quantity < 1 for line in order.lines):
        raise OrderProblem("INVALID", "PENDING needs at least one unit on every item", id=order.id)
    integration = item.get("integration_status")
    if integration is not None and integration != "SUCCESS":
        raise OrderProblem("INVALID", "integration_status must be SUCCESS", id=order.id)
    if integration is not None:
        order.integration_status = integration
    if status != v4_status(order):
        order.status = str(status)
        touch(sb, order)
    return order


# ---------------------------------------------------------------------------------------------
# v4 line-item writes
# ---------------------------------------------------------------------------------------------


def quantity_value(raw: Any, *, required: bool) -> int | None:
    """A quantity: an integer or a digit string, not negative. None when absent and not required."""
    if raw is None and not required:
        return None
    if isinstance(raw, bool):
        raise OrderProblem("INVALID", "quantity must be a non-negative integer")
    if isinstance(raw, int) and raw >= 0:
        return raw
    if isinstance(raw, str) and raw.strip().isdigit():
        return int(raw.strip())
    raise OrderProblem("INVALID", "quantity must be a non-negative integer")


def decimal_value(key: str, raw: Any) -> Decimal:
    if isinstance(raw, bool):
        raise OrderProblem("INVALID", f"{key} must be a number")
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise OrderProblem("INVALID", f"{key} must be a number") from None
    if not value.is_finite() or value < 0:
        raise OrderProblem("INVALID", f"{key} must be a non-negative number")
    return value


def discounted_price(item: dict[str, Any], wholesale: Decimal) -> Decimal | None:
    """The line price JOOR's discount fields give [https://api-docs.jooraccess.com/reference/add-new-item],
    None without a discount."""
    given = [key for key in _DISCOUNT_FIELDS if item.get(key) is not None]
    if len(given) > 1:
        raise OrderProblem("INVALID", MULTIPLE_DISCOUNTS)
    if not given:
        return None
    key = given[0]
    value = decimal_value(key, item[key])
    if key == "item_price":
        price = value
    elif key == "discount_amount":
        price = wholesale - value
    else:
        if value > 100:
            raise OrderProblem("INVALID", "discount_percentage must be between 0 and 100")
        price = wholesale - wholesale * value / 100
    if price < 0:
        raise OrderProblem("INVALID", f"{key} takes the price below 0")
    return price.quantize(Decimal("0.01"))


def sku_prices(style: StyleRecord, sku_id: str, price_type_id: str) -> tuple[Decimal, Decimal | None]:
    """The SKU's (wholesale, suggested retail) price in a price type; 0.00 wholesale when unpriced."""
    row = sku_price(style, sku_id, price_type_id)
    wholesale = row.wholesale if row and row.wholesale is not None else Decimal("0.00")
    return wholesale, row.retail if row else None


def new_line(sb: JoorSandbox, order: Order, style: StyleRecord, sku_id: str) -> OrderLine:
    """A zero-quantity line of a SKU appended to the order, priced at the SKU's current wholesale and
    retail prices in the order's price type (an order keeps the prices it was placed at)."""
    catalog = sb.catalog
    color, size = next(combo for combo, sid in style.sku_ids.items() if sid == sku_id)
    entry = style.upc_entry(color, size)
    wholesale, retail = sku_prices(style, sku_id, order.price_type_id)
    line = OrderLine(
        id=order_line_id(catalog.next_line),
        style_id=style.style_id,
        sku_id=sku_id,
        color_code=color,
        size_name=size,
        upc=entry.get("upc") if entry else None,
        quantity=0,
        price=wholesale,
        wholesale=wholesale,
        retail=retail,
    )
    catalog.next_line += 1
    order.lines.append(line)
    return line


def add_line(sb: JoorSandbox, item: dict[str, Any]) -> tuple[Order, OrderLine]:
    """A v4 line-item `bulk_create` item: the quantity is added to the SKU's line on the order (a new
    line when the SKU is not on it yet). Raises OrderProblem (nothing is written)."""
    catalog = sb.catalog
    if not given(item, "order_id"):
        raise OrderProblem("INVALID", "order_id is required")
    order = find_order(sb, item["order_id"])
    if order is None:
        raise OrderProblem("NOT_FOUND", f"order {item['order_id']!r} not found", order_id=item["order_id"])
    if order.status not in OPEN_STATUSES:
        raise OrderProblem(
            "INVALID",
            f"items can only be added to IN_PROGRESS, NOTES or PENDING orders; order {order.id} is"
            f" {v4_status(order)}",
            order_id=order.id,
        )
    sku_id = str(item["sku_id"]).strip() if given(item, "sku_id") else ""
    found = catalog.find_sku(sku_id) if sku_id else None
    if found is None:
        raise OrderProblem("INVALID", f"sku_id: no SKU {item.get('sku_id')!r}", order_id=order.id)
    style = found[0]
    quantity = quantity_value(item.get("quantity"), required=False) or 0
    line = next((ln for ln in order.lines if ln.sku_id == sku_id), None)
    base = line.wholesale_price if line else sku_prices(style, sku_id, order.price_type_id)[0]
    discounted = discounted_price(item, base)
    total = quantity + (line.quantity if line else 0)
    if order.status == "PENDING" and total < 1:
        raise OrderProblem("INVALID", "PENDING needs at least one unit on every item", order_id=order.id)
    if line is None:
        line = new_line(sb, order, style, sku_id)
    line.quantity = total
    if discounted is not None:
        line.price = discounted
    touch(sb, order)
    return order, line


def update_line(sb: JoorSandbox, item: dict[str, Any]) -> tuple[Order, OrderLine]:
    """A v4 line-item `bulk_update` item `{id, quantity}`; raises OrderProblem."""
    if not given(item, "id"):
        raise OrderProblem("INVALID", "id is required")
    found = find_line(sb, item["id"])
    if found is None:
        raise OrderProblem("NOT_FOUND", f"sku line item {item['id']!r} not found", id=item["id"])
    order, line = found
    quantity = quantity_value(item.get("quantity"), required=False)
    if quantity is None or quantity == line.quantity:
        return order, line
    if order.status == "PENDING" and quantity < 1:
        raise OrderProblem("INVALID", "PENDING needs at least one unit on every item", id=line.id)
    line.quantity = quantity
    touch(sb, order)
    return order, line
