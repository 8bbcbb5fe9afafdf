"""Sandbox control over orders and retailers: what a retailer or a brand user does in JOOR's web UI.

None of this is JOOR's API (sandbox conveniences, do not rely on them). The routes exist so tests and
the demo can change JOOR's side the way people change it: an order placed, edited after it was placed,
cancelled; a retailer connected. Where a JOOR rule applies, its source is named.

Routes (JSON in and out; no auth, no credits, never faulted; wired in `app`):
- `POST /_sandbox/orders` places an order (201, the control view);
- `GET /_sandbox/orders` → `{"orders": [control views]}`; `GET /_sandbox/orders/{id}` → one;
- `POST /_sandbox/orders/{id}` modifies an order as the brand does after it was placed (200);
- `POST /_sandbox/orders/{id}/cancel` the brand cancels it (200);
- `POST /_sandbox/orders/{id}/missing-export-fields` `{"fields": [...]}` (JOOR's export validation
  finds those fields missing; does not move `modified`);
- `POST /_sandbox/retailers` connects a retailer (201); `GET /_sandbox/retailers` → `{"retailers": [...]}`.

Order fields, each optional, named as in the order document (`order_documents`):
- text: `po_number`, `customer_contact_name`, `customer_contact_email`, `customer_contact_phone`,
  `customer_buyer_name`, `payment_method_name`, `payment_method_code`, `payment_terms`,
  `shipping_method_name`, `shipping_method_code`, `sales_representative`, `sales_representative_code`,
  `sales_representative_email`, `order_season_code`, `order_delivery_code`, `tax_id_label`,
  `comments` — stored as sent (a bad value is the point of some tests);
- `warehouse_code`: one of the catalog's warehouses (seeded "NY", "LA"); its name follows;
- `billing_address` / `shipping_address`: `{code, company_name, contact_name, address_1, address_2,
  city, state, zip, country, country_code, phone}` (keys left out are empty); `billing_code` /
  `shipping_code` set an address's code alone;
- dates YYYY-MM-DD: `start_ship_date`, `complete_ship_date`, `cancel_date`; start after complete is
  refused with JOOR's delivery-window text [https://api-docs.jooraccess.com/reference/create-order];
- amounts ≥ 0: `order_discount`, `shipping_cost`, `tax_amount` (fixes the tax; null: computed from the
  rate), `tax_rate` (a percentage 0–100, or null);
- `status`: any stored status, SHIPPED included; never back to IN_PROGRESS and PENDING only with a unit
  on every item (JOOR's rules [https://api-docs.jooraccess.com/v2.0/reference/update-order-status]).
Placing, a field left out or null takes the retailer's default (`Catalog.order_defaults`) and "" leaves
it empty; modifying, a field left out is unchanged and null or "" empties it (amounts: 0.00).

Lines:
- placing, `sku_line_items` `[{sku_id | upc, quantity ≥ 1, item_price | discount_amount |
  discount_percentage}]` (at most one discount field, JOOR's text otherwise): a SKU sent twice adds to
  its line, as JOOR's add-new-item does [https://api-docs.jooraccess.com/v2.0/reference/add-new-item];
- modifying, `lines` `[{id | sku_id | upc, quantity, discount}]`: the quantity replaces the line's
  (a SKU not on the order is added), 0 removes the line; without a quantity only the price changes.
  Any status (sandbox reading: JOOR's UI rules for editing placed orders are unknown);
- `"allow_unusual_lines": true` (bad-input tests only): a quantity of 0 is kept as a zero line, a SKU
  sent twice when placing makes two lines, and PENDING's unit rule is not applied. When modifying,
  a SKU names its first line; `id` names any line.

Every modification that changes something moves `modified` past the last export (`orders.touch`), so
`export_status` 4, 5 and 7 find an exported order again; one that changes nothing leaves it alone.
Nothing is written when anything in a body is refused (400 with every problem).
"""

from __future__ import annotations

import copy
from dataclasses import fields
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .model import RETAILER_ORDER_DEFAULTS, Address, Catalog, Order, OrderLine, Retailer, StyleRecord
from .order_documents import ADDRESS_FIELDS, address_view, money, tax_rate_number, v2_order
from .orders import (
    ORDER_STATUSES,
    YMD_RE,
    OrderProblem,
    decimal_value,
    delivery_window,
    discounted_price,
    find_order,
    given,
    insert_order,
    new_line,
    new_order,
    quantity_value,
    resolve_collection,
    resolve_price_type,
    resolve_retailer,
    touch,
    v4_order,
)

if TYPE_CHECKING:
    from .app import JoorSandbox

TEXT_FIELDS = (
    "po_number",
    "customer_contact_name",
    "customer_contact_email",
    "customer_contact_phone",
    "customer_buyer_name",
    "payment_method_name",
    "payment_method_code",
    "payment_terms",
    "shipping_method_name",
    "shipping_method_code",
    "sales_representative",
    "sales_representative_code",
    "sales_representative_email",
    "order_season_code",
    "order_delivery_code",
    "tax_id_label",
    "comments",
)
DATE_FIELDS = ("start_ship_date", "complete_ship_date", "cancel_date")
AMOUNT_FIELDS = ("order_discount", "shipping_cost")
ORDER_FIELDS = frozenset(
    {
        *TEXT_FIELDS,
        *DATE_FIELDS,
        *AMOUNT_FIELDS,
        "warehouse_code",
        "billing_address",
        "shipping_address",
        "billing_code",
        "shipping_code",
        "tax_amount",
        "tax_rate",
        "status",
        "allow_unusual_lines",
    }
)
#: What `POST /_sandbox/orders` takes besides the order fields: the v4 bulk_create fields (and the
#: alternatives `orders.create_order` accepts), of which JOOR's "not available at this time" ones are
#: ignored [https://api-docs.jooraccess.com/v2.0/reference/create-order].
PLACE_FIELDS = ORDER_FIELDS | {
    "retailer_id",
    "customer_id",
    "customer_code",
    "price_type_id",
    "price_type_name",
    "collection_id",
    "collection_code",
    "delivery_window_start",
    "delivery_window_end",
    "shipping_id",
    "billing_id",
    "sales_rep",
    "payment_method",
    "sku_line_items",
    "missing_export_fields",
}
MODIFY_FIELDS = ORDER_FIELDS | {"lines"}
LINE_FIELDS = frozenset(
    {"id", "sku_id", "upc", "quantity", "item_price", "discount_amount", "discount_percentage"}
)
RETAILER_FIELDS = frozenset(
    {
        "id",
        "name",
        "code",
        "customer_name",
        "customer_code",
        "group_name",
        "group_code",
        "customer_group_name",
        "customer_group_code",
        "billing_address",
        "shipping_address",
        *RETAILER_ORDER_DEFAULTS,
    }
)
#: Order fields that are the export's bookkeeping, not the order's content.
_BOOKKEEPING = frozenset(
    {
        "modified",
        "exported_at",
        "export_failed",
        "export_failure",
        "missing_export_fields",
        "integration_status",
    }
)


# ---------------------------------------------------------------------------------------------
# Field parsing
# ---------------------------------------------------------------------------------------------


def _unknown(item: dict[str, Any], known: frozenset[str], where: str, problems: list[str]) -> None:
    extra = sorted(set(item) - known)
    if extra:
        problems.append(f"{where}unknown field(s): {', '.join(extra)}")


def _text(key: str, raw: Any, problems: list[str]) -> str | None:
    """A text value: a string (stripped, "" → None) or a number (a PO number sent as 1234)."""
    if raw is None:
        return None
    if isinstance(raw, str):
        return raw.strip() or None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return str(raw)
    problems.append(f"{key}: must be a string")
    return None


def _address(key: str, raw: Any, problems: list[str]) -> Address | None:
    if raw is None or raw == "":
        return None
    if not isinstance(raw, dict):
        problems.append(f"{key}: must be an object {{{', '.join(ADDRESS_FIELDS)}}}")
        return None
    _unknown(raw, frozenset(ADDRESS_FIELDS), f"{key}: ", problems)
    return Address(**{name: _text(f"{key}.{name}", raw.get(name), problems) for name in ADDRESS_FIELDS})


def _day(key: str, raw: Any, problems: list[str]) -> date | None:
    text = _text(key, raw, problems)
    if text is None:
        return None
    try:
        if not YMD_RE.match(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        problems.append(f"{key}: {text!r} is not a date YYYY-MM-DD")
        return None


def _amount(key: str, raw: Any, problems: list[str], *, high: Decimal | None = None) -> Decimal | None:
    if raw is None or raw == "":
        return None
    try:
        value = decimal_value(key, raw)
    except OrderProblem as exc:
        problems.append(exc.message)
        return None
    if high is not None and value > high:
        problems.append(f"{key}: must be between 0 and {high}")
        return None
    return value


def _retailer_fields(
    catalog: Catalog, target: Order | Retailer, item: dict[str, Any], *, keep_null: bool, problems: list[str]
) -> None:
    """The fields orders and retailers share (same names): text, addresses, warehouse, tax. With
    `keep_null`, a null value leaves the target's value (an order being placed keeps its default)."""
    for key in TEXT_FIELDS:
        if key not in item or not hasattr(target, key) or (keep_null and item[key] is None):
            continue
        value = _text(key, item[key], problems)
        setattr(target, key, value if key != "po_number" else value or "")
    for key in ("billing_address", "shipping_address"):
        if key in item and not (keep_null and item[key] is None):
            setattr(target, key, _address(key, item[key], problems))
    for key, address_key in (("billing_code", "billing_address"), ("shipping_code", "shipping_address")):
        if key in item and not (keep_null and item[key] is None):
            code = _text(key, item[key], problems)
            address = getattr(target, address_key)
            if address is not None:
                address.code = code
            elif code is not None:
                setattr(target, address_key, Address(code=code))
    if "warehouse_code" in item and not (keep_null and item["warehouse_code"] is None):
        code = _text("warehouse_code", item["warehouse_code"], problems)
        if code is not None and code not in catalog.warehouses:
            known = ", ".join(catalog.warehouses) or "none"
            problems.append(f"warehouse_code: no warehouse {code!r} (known: {known})")
        else:
            target.warehouse_code = code
            if isinstance(target, Order):
                target.warehouse_name = catalog.warehouses.get(code) if code else None
    if "tax_rate" in item and not (keep_null and item["tax_rate"] is None):
        target.tax_rate = _amount("tax_rate", item["tax_rate"], problems, high=Decimal(100))


# ---------------------------------------------------------------------------------------------
# Orders
# ---------------------------------------------------------------------------------------------


def _order_fields(
    sb: JoorSandbox, order: Order, item: dict[str, Any], *, placing: bool, problems: list[str]
) -> None:
    """Apply the order fields of a control body to `order` (a draft), collecting problems."""
    _retailer_fields(sb.catalog, order, item, keep_null=placing, problems=problems)
    for key in DATE_FIELDS:
        if key in item and not (placing and item[key] is None):
            setattr(order, key, _day(key, item[key], problems))
    if (
        order.start_ship_date
        and order.complete_ship_date
        and order.start_ship_date > order.complete_ship_date
    ):
        problems.append(
            f"Delivery window start: {order.start_ship_date.isoformat()} is later than end:"
            f" {order.complete_ship_date.isoformat()}"
        )
    for key in AMOUNT_FIELDS:
        if key in item and not (placing and item[key] is None):
            value = _amount(key, item[key], problems)
            setattr(order, key, money(value) if value is not None else Decimal("0.00"))
    if "tax_amount" in item:
        value = _amount("tax_amount", item["tax_amount"], problems)
        order.tax_amount = money(value) if value is not None else None


def _status(order: Order, raw: Any, problems: list[str], *, placing: bool) -> None:
    if raw not in ORDER_STATUSES:
        problems.append(f"status must be one of {', '.join(ORDER_STATUSES)}")
    elif raw == "IN_PROGRESS" and order.status != "IN_PROGRESS" and not placing:
        problems.append("an order cannot go back to IN_PROGRESS")
    else:
        order.status = str(raw)


def _sku(catalog: Catalog, entry: dict[str, Any]) -> tuple[StyleRecord, str] | None:
    """The SKU a line entry names by `sku_id` or by `upc`."""
    sku_id = entry.get("sku_id")
    if sku_id is None and entry.get("upc") is not None:
        by_upc = catalog.find_upc(str(entry["upc"]).strip())
        if by_upc is not None:
            style, row = by_upc
            sku_id = style.sku_ids.get((str(row["sku_color_code"]), str(row["sku_size"])))
    found = catalog.find_sku(sku_id) if isinstance(sku_id, str) else None
    return (found[0], sku_id) if found is not None and isinstance(sku_id, str) else None


def _line_entry(
    sb: JoorSandbox,
    order: Order,
    entry: Any,
    where: str,
    *,
    placing: bool,
    unusual: bool,
    problems: list[str],
) -> None:
    """One `sku_line_items` (placing) or `lines` (modifying) entry applied to the draft order."""
    if not isinstance(entry, dict):
        problems.append(f"{where}: must be an object")
        return
    before = len(problems)
    _unknown(entry, LINE_FIELDS if not placing else LINE_FIELDS - {"id"}, f"{where}: ", problems)
    line: OrderLine | None = None
    found: tuple[StyleRecord, str] | None = None
    if not placing and entry.get("id") is not None:
        line = next((ln for ln in order.lines if ln.id == str(entry["id"]).strip()), None)
        if line is None:
            problems.append(f"{where}: no line item {entry['id']!r} on order {order.id}")
    else:
        found = _sku(sb.catalog, entry)
        if found is None:
            problems.append(f"{where}: unknown SKU (send sku_id or a known upc)")
        elif not (placing and unusual):
            line = next((ln for ln in order.lines if ln.sku_id == found[1]), None)
    quantity: int | None = None
    try:
        quantity = quantity_value(entry.get("quantity"), required=placing)
    except OrderProblem as exc:
        problems.append(f"{where}.quantity: {exc.message}")
    if len(problems) > before:
        return
    if quantity is not None and quantity < 1 and not unusual and (placing or line is None):
        problems.append(f"{where}.quantity: a positive integer")
        return
    if line is None:
        if quantity is None:
            problems.append(f"{where}.quantity: required for a SKU not on the order")
            return
        assert found is not None
        line = new_line(sb, order, *found)
    try:
        discounted = discounted_price(entry, line.wholesale_price)
    except OrderProblem as exc:
        problems.append(f"{where}: {exc.message}")
        return
    if discounted is not None:
        line.price = discounted
    if quantity is None:
        return
    if placing:
        line.quantity += quantity
    elif quantity == 0 and not unusual:
        order.lines.remove(line)
    else:
        line.quantity = quantity


def _lines(
    sb: JoorSandbox, order: Order, raw: Any, key: str, *, placing: bool, unusual: bool, problems: list[str]
) -> None:
    if raw is None:
        return
    if not isinstance(raw, list):
        problems.append(f"{key}: must be a list")
        return
    for i, entry in enumerate(raw):
        _line_entry(sb, order, entry, f"{key}[{i}]", placing=placing, unusual=unusual, problems=problems)


def _unusual(item: dict[str, Any], problems: list[str]) -> bool:
    flag = item.get("allow_unusual_lines", False)
    if not isinstance(flag, bool):
        problems.append("allow_unusual_lines: must be true or false")
        return False
    return flag


def _pending_units(order: Order, unusual: bool, problems: list[str]) -> None:
    """JOOR: PENDING needs at least one unit on every item
    [https://api-docs.jooraccess.com/v2.0/reference/update-order-status]."""
    if order.status == "PENDING" and not unusual and any(line.quantity < 1 for line in order.lines):
        problems.append("PENDING needs at least one unit on every item")


def place_order(sb: JoorSandbox, item: dict[str, Any]) -> Order:
    """`POST /_sandbox/orders`: an order placed in JOOR by a retailer (see the module docstring). The
    retailer (`retailer_id` | `customer_id` | `customer_code`) defaults to the first, the price type
    (`price_type_id` | `price_type_name`) to the first, the collection (`collection_id` |
    `collection_code`) to none, the status to APPROVED. Raises OrderProblem (nothing is written)."""
    catalog = sb.catalog
    problems: list[str] = []
    _unknown(item, PLACE_FIELDS, "", problems)
    refs = dict(item)
    if not any(given(refs, k) for k in ("retailer_id", "customer_id", "customer_code")):
        refs["retailer_id"] = next(iter(catalog.retailers), None)
    if not any(given(refs, k) for k in ("price_type_id", "price_type_name")):
        refs["price_type_id"] = next(iter(catalog.price_types), None)
    retailer = resolve_retailer(catalog, refs, problems)
    price_type_id = resolve_price_type(catalog, refs, problems)
    collection_id = None
    if given(refs, "collection_id") or given(refs, "collection_code"):
        collection_id = resolve_collection(catalog, refs, problems)
    window = delivery_window(refs, problems)
    missing = item.get("missing_export_fields") or []
    if not isinstance(missing, list) or not all(isinstance(f, str) for f in missing):
        problems.append("missing_export_fields must be a list of field names")
    if problems:
        raise OrderProblem("INVALID", "; ".join(problems))
    assert retailer is not None and price_type_id is not None
    unusual = _unusual(item, problems)
    order = new_order(
        sb,
        retailer=retailer,
        price_type_id=price_type_id,
        collection_id=collection_id,
        status="APPROVED",
        window=window,
    )
    if item.get("status") is not None:
        _status(order, item["status"], problems, placing=True)
    _order_fields(sb, order, item, placing=True, problems=problems)
    next_line = catalog.next_line
    _lines(
        sb,
        order,
        item.get("sku_line_items"),
        "sku_line_items",
        placing=True,
        unusual=unusual,
        problems=problems,
    )
    _pending_units(order, unusual, problems)
    if problems:
        catalog.next_line = next_line
        raise OrderProblem("INVALID", "; ".join(problems))
    order.missing_export_fields = list(missing)
    return insert_order(sb, order)


def _content(order: Order) -> list[Any]:
    return [getattr(order, f.name) for f in fields(order) if f.name not in _BOOKKEEPING]


def _commit(order: Order, draft: Order) -> None:
    """Move a draft's state onto the stored order, keeping the line objects that survive."""
    kept = {line.id: line for line in order.lines}
    lines = []
    for line in draft.lines:
        old = kept.get(line.id)
        if old is not None:
            for f in fields(old):
                setattr(old, f.name, getattr(line, f.name))
            line = old
        lines.append(line)
    for f in fields(order):
        setattr(order, f.name, getattr(draft, f.name))
    order.lines = lines


def _found(sb: JoorSandbox, order_id: Any) -> Order:
    order = find_order(sb, order_id)
    if order is None:
        raise OrderProblem("NOT_FOUND", f"order {order_id!r} not found")
    return order


def modify_order(sb: JoorSandbox, order_id: Any, item: dict[str, Any]) -> Order:
    """`POST /_sandbox/orders/{id}`: the brand edits a placed order (see the module docstring). Raises
    OrderProblem (NOT_FOUND, or INVALID with every problem; nothing is written)."""
    order = _found(sb, order_id)
    problems: list[str] = []
    _unknown(item, MODIFY_FIELDS, "", problems)
    unusual = _unusual(item, problems)
    draft = copy.deepcopy(order)
    if "status" in item:
        _status(draft, item["status"], problems, placing=False)
    _order_fields(sb, draft, item, placing=False, problems=problems)
    next_line = sb.catalog.next_line
    _lines(sb, draft, item.get("lines"), "lines", placing=False, unusual=unusual, problems=problems)
    _pending_units(draft, unusual, problems)
    if problems:
        sb.catalog.next_line = next_line
        raise OrderProblem("INVALID", "; ".join(problems))
    if _content(draft) != _content(order):
        _commit(order, draft)
        touch(sb, order)
    return order


def cancel_order(sb: JoorSandbox, order_id: Any) -> Order:
    """`POST /_sandbox/orders/{id}/cancel`: the brand cancels the order (any status; an order already
    cancelled is left as it is)."""
    order = _found(sb, order_id)
    if order.status != "CANCELLED":
        order.status = "CANCELLED"
        touch(sb, order)
    return order


def set_missing_export_fields(sb: JoorSandbox, order_id: Any, fields: list[str]) -> Order:
    """The control hook behind Failed exports: JOOR's export validation finds `fields` missing on the
    order (an empty list: nothing missing). Does not move the order's modified date."""
    order = _found(sb, order_id)
    order.missing_export_fields = list(fields)
    return order


def _plain(value: Any) -> Any:
    """A document value as control-view JSON: amounts as exact strings ("123.45"), dates ISO."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def export_state(order: Order) -> str:
    """The order's v2 export status in one word (JOOR's export_status terms)."""
    if order.export_failed:
        return "FAILED"
    if order.exported_at is None:
        return "NOT_EXPORTED"
    return "MODIFIED_SINCE_EXPORT" if order.modified > order.exported_at else "EXPORTED"


def control_view(sb: JoorSandbox, order: Order) -> dict[str, Any]:
    """What the order control routes answer: the v4 object, the v2 document's fields (amounts as
    strings), the lines with their ids, and the export state."""
    doc = v2_order(sb.catalog, order)
    items = doc.pop("order_items").items
    doc.pop("order_id")
    lines = [
        {"id": line.id, **_plain(row), "line_total": f"{money(line.price * line.quantity):.2f}"}
        for line, row in zip(order.lines, items, strict=True)
    ]
    return {
        **v4_order(order),
        "order_id": order.number,
        "stored_status": order.status,
        **{key: _plain(value) for key, value in doc.items()},
        "created": order.created.isoformat(),
        "modified": order.modified.isoformat(),
        "lines": lines,
        "line_item_ids": [line.id for line in order.lines],
        "missing_export_fields": list(order.missing_export_fields),
        "export_state": export_state(order),
        "exported_at": order.exported_at.isoformat() if order.exported_at else None,
        "export_failed": order.export_failed,
        "export_failure": order.export_failure,
        "integration_status": order.integration_status,
    }


# ---------------------------------------------------------------------------------------------
# Retailers
# ---------------------------------------------------------------------------------------------


def retailer_view(catalog: Catalog, retailer: Retailer) -> dict[str, Any]:
    """A retailer in the order document's names (JOOR's connection names where it has them
    [https://api-docs.jooraccess.com/v2.0/reference/connection-get])."""
    view: dict[str, Any] = {
        "id": retailer.id,
        "customer_name": retailer.name,
        "customer_code": retailer.code,
        "customer_group_name": retailer.group_name,
        "customer_group_code": retailer.group_code,
        "billing_address": address_view(retailer.billing_address),
        "shipping_address": address_view(retailer.shipping_address),
    }
    for name in RETAILER_ORDER_DEFAULTS:
        view[name] = getattr(retailer, name)
    view["warehouse_name"] = catalog.warehouses.get(retailer.warehouse_code or "")
    view["tax_rate"] = tax_rate_number(retailer.tax_rate)
    return view


def add_retailer(sb: JoorSandbox, item: dict[str, Any]) -> Retailer:
    """`POST /_sandbox/retailers`: a retailer connects with the brand. `customer_name` (or `name`) and
    a unique `customer_code` (or `code`) are required; `id` (a numeric string) defaults to the next
    free one; the other fields are the defaults its orders take. Raises OrderProblem (INVALID, or
    CONFLICT for a taken code or id)."""
    catalog = sb.catalog
    problems: list[str] = []
    _unknown(item, RETAILER_FIELDS, "", problems)

    def alias(long: str, short: str) -> str | None:
        return _text(long, item.get(long) if item.get(long) is not None else item.get(short), problems)

    name, code = alias("customer_name", "name"), alias("customer_code", "code")
    if name is None:
        problems.append("customer_name is required")
    if code is None:
        problems.append("customer_code is required")
    numbers = [int(r) for r in catalog.retailers if r.isdigit()]
    retailer_id = _text("id", item.get("id"), problems) or str(max(numbers, default=900000) + 1)
    if not retailer_id.isdigit():
        problems.append("id: a numeric string, as JOOR's retailer ids are")
    retailer = Retailer(
        id=retailer_id,
        name=name or "",
        code=code or "",
        group_name=alias("customer_group_name", "group_name"),
        group_code=alias("customer_group_code", "group_code"),
    )
    _retailer_fields(catalog, retailer, item, keep_null=False, problems=problems)
    if problems:
        raise OrderProblem("INVALID", "; ".join(problems))
    if retailer_id in catalog.retailers:
        raise OrderProblem("CONFLICT", f"a retailer with id {retailer_id} exists")
    if any(r.code == code for r in catalog.retailers.values()):
        raise OrderProblem("CONFLICT", f"a retailer with customer_code {code!r} exists")
    catalog.retailers[retailer.id] = retailer
    return retailer
