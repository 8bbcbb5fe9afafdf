"""JOOR's order documents, read into one shape the import works from.

JOOR publishes no v2 order response (docs/joor-api/orders.md §2.6). The names read here are those
JOOR uses elsewhere (its export-validation list and connection fields, orders.md §2.4 and §11), the
JOOR sandbox's document, and the names a public client reads (sonicinvoice: `order_currency`,
`retailer{customer_name, customer_code}`, `line_items[]`, `size_name`, `quantity_ordered`,
docs/joor-api/clients.md §17). Each field takes the first name present. What cannot be read is not
guessed: it becomes a problem that holds the order, naming the field.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.dateparse import parse_date, parse_datetime

ZERO = Decimal("0.00")
#: JOOR's v2 status words (and v4's upper-case statuses) → one spelling.
STATUS_WORDS = {
    "in progress": "IN_PROGRESS",
    "in_progress": "IN_PROGRESS",
    "notes": "NOTES",
    "pending": "PENDING",
    "approved": "APPROVED",
    "shipped": "SHIPPED",
    "cancelled": "CANCELLED",
    "canceled": "CANCELLED",
}


@dataclass(frozen=True)
class Address:
    company_name: str = ""
    contact_name: str = ""
    address_1: str = ""
    address_2: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    country: str = ""
    country_code: str = ""
    phone: str = ""
    code: str = ""

    @property
    def usable(self) -> bool:
        """Enough to ship to: a street, a city and a country."""
        return bool(self.address_1 and self.city and (self.country_code or self.country))


@dataclass(frozen=True)
class OrderLine:
    position: int
    quantity: int
    unit_price: Decimal | None
    list_price: Decimal | None
    retail_price: Decimal | None
    upc: str = ""
    sku_id: str = ""
    style_id: str = ""
    style_number: str = ""
    style_name: str = ""
    color_code: str = ""
    color_name: str = ""
    size: str = ""

    def describe(self) -> str:
        """How a merchant recognises the line: style, colour, size, UPC."""
        name = (
            self.style_name or self.style_number or (f"style {self.style_id}" if self.style_id else "a style")
        )
        if self.style_number and self.style_name:
            name = f"{self.style_name} ({self.style_number})"
        variant = " / ".join(p for p in (self.color_name or self.color_code, self.size) if p)
        text = f"line {self.position}: {name}" + (f", {variant}" if variant else "")
        return text + (f", UPC {self.upc}" if self.upc else "")


@dataclass(frozen=True)
class WholesaleOrder:
    order_id: str
    status: str
    po_number: str = ""
    currency: str = ""
    retailer_code: str = ""
    retailer_name: str = ""
    contact_name: str = ""
    email: str = ""
    phone: str = ""
    buyer_name: str = ""
    billing: Address | None = None
    shipping: Address | None = None
    created_at: str = ""
    modified_at: str = ""
    start_ship_date: str = ""
    complete_ship_date: str = ""
    cancel_date: str = ""
    payment_method: str = ""
    payment_terms: str = ""
    shipping_method: str = ""
    shipping_method_code: str = ""
    sales_rep: str = ""
    sales_rep_email: str = ""
    warehouse_code: str = ""
    warehouse_name: str = ""
    season: str = ""
    delivery: str = ""
    comments: str = ""
    discount: Decimal = ZERO
    shipping_cost: Decimal = ZERO
    tax_amount: Decimal = ZERO
    tax_rate: Decimal | None = None
    tax_label: str = ""
    total: Decimal | None = None
    lines: tuple[OrderLine, ...] = ()
    problems: tuple[str, ...] = field(default=())
    #: "v4" when read through JOOR's v4 orders (no addresses, contacts or dates there).
    read_through: str = "v2"

    @property
    def units(self) -> int:
        return sum(max(line.quantity, 0) for line in self.lines)

    @property
    def modified(self) -> datetime | None:
        return parse_datetime(self.modified_at) if self.modified_at else None

    def as_json(self) -> dict[str, Any]:
        return json.loads(json.dumps(asdict(self), default=str))

    def fingerprint(self) -> str:
        """What a change in JOOR must change: everything but the export bookkeeping."""
        data = self.as_json()
        data.pop("modified_at", None)
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()

    def goods_fingerprint(self) -> str:
        """What a change to means replacing the Shopify order for: which SKUs, how many, at what
        price, and the order's money and currency. Any other change (PO number, dates, terms,
        address, comments, approval, a style renamed in JOOR) can be written onto it; a cancellation
        is handled on its own."""
        keys = ("upc", "sku_id", "style_id", "style_number", "color_code", "size", "quantity", "unit_price")
        lines = sorted(
            json.dumps({k: str(getattr(line, k)) for k in keys}, sort_keys=True) for line in self.lines
        )
        rate = "" if self.tax_rate is None else f"{self.tax_rate.normalize():f}"
        money = [
            self.currency,
            *(f"{v:.2f}" for v in (self.discount, self.shipping_cost, self.tax_amount)),
            rate,
        ]
        return hashlib.sha256(json.dumps([lines, money]).encode()).hexdigest()

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> WholesaleOrder:
        """The inverse of `as_json` (a stored document)."""
        values = dict(data)
        for key in ("billing", "shipping"):
            if isinstance(values.get(key), dict):
                values[key] = Address(**values[key])
        for key in ("discount", "shipping_cost", "tax_amount"):
            values[key] = Decimal(str(values.get(key) or "0.00"))
        for key in ("tax_rate", "total"):
            values[key] = Decimal(str(values[key])) if values.get(key) not in (None, "") else None
        values["lines"] = tuple(
            OrderLine(
                **{
                    **line,
                    **{
                        k: Decimal(str(line[k])) if line.get(k) not in (None, "") else None
                        for k in ("unit_price", "list_price", "retail_price")
                    },
                }
            )
            for line in values.get("lines") or ()
        )
        values["problems"] = tuple(values.get("problems") or ())
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in values.items() if k in known})


# ---------------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------------


def _first(doc: Mapping[str, Any], *names: str) -> Any:
    for name in names:
        value = doc.get(name)
        if value not in (None, ""):
            return value
    return None


def _text(doc: Mapping[str, Any], *names: str) -> str:
    value = _first(doc, *names)
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()


def _as_list(value: Any, inner: str) -> list[Any]:
    """A repeated node in any of JOOR's renderings: a list, `{inner: [...]}`, `{inner: {...}}`, one object."""
    if value in (None, ""):
        return []
    if isinstance(value, dict) and inner in value:
        value = value[inner]
    if isinstance(value, list):
        return value
    return [value]


def _money(
    doc: Mapping[str, Any], names: Sequence[str], problems: list[str], label: str, *, exact: bool = False
) -> Decimal | None:
    """A non-negative amount (to the cent, unless `exact`: a rate such as 8.875 keeps its digits)."""
    raw = _first(doc, *names)
    if raw is None:
        return None
    try:
        value = Decimal(str(raw).replace(",", "").strip())
    except InvalidOperation:
        problems.append(f"{label} is not a number: {str(raw)[:40]!r}")
        return None
    if not value.is_finite() or value < 0:
        problems.append(f"{label} is not a usable amount: {str(raw)[:40]!r}")
        return None
    return value if exact else value.quantize(Decimal("0.01"))


def _date_text(doc: Mapping[str, Any], *names: str) -> str:
    raw = _text(doc, *names)
    if not raw:
        return ""
    if len(raw) == 10:  # a date alone stays a date
        try:
            only = parse_date(raw)
        except ValueError:
            only = None
        return only.isoformat() if only else ""
    parsed_dt = parse_datetime(raw)
    if parsed_dt is not None:
        return parsed_dt.isoformat()
    try:
        parsed = parse_date(raw[:10])
    except ValueError:
        parsed = None
    return parsed.isoformat() if isinstance(parsed, date) else ""


def _address(raw: Any, code: str) -> Address | None:
    if not isinstance(raw, dict):
        return None
    country_code = _text(raw, "country_code", "country_iso", "country_iso_code").upper()
    if len(country_code) != 2 or not country_code.isalpha():
        country_code = ""
    return Address(
        company_name=_text(raw, "company_name", "company", "name"),
        contact_name=_text(raw, "contact_name", "attention", "contact"),
        address_1=_text(raw, "address_1", "address1", "address_line_1", "street"),
        address_2=_text(raw, "address_2", "address2", "address_line_2"),
        city=_text(raw, "city"),
        state=_text(raw, "state", "province", "state_code"),
        zip=_text(raw, "zip", "postal_code", "zip_code", "postcode"),
        country=_text(raw, "country", "country_name"),
        country_code=country_code,
        phone=_text(raw, "phone", "phone_number"),
        code=_text(raw, "code", "billing_code", "shipping_code") or code,
    )


def _line(raw: Any, position: int, problems: list[str]) -> OrderLine | None:
    if not isinstance(raw, dict):
        problems.append(f"line {position} is not an object")
        return None
    quantity_raw = _first(raw, "quantity", "quantity_ordered", "units")
    try:
        quantity = int(str(quantity_raw).strip()) if quantity_raw is not None else None
    except ValueError:
        quantity = None
    if quantity is None or quantity < 0:
        problems.append(f"line {position} has no usable quantity ({quantity_raw!r})")
        return None
    list_price = _money(
        raw, ("price_wholesale", "wholesale_price", "price"), problems, f"line {position} price"
    )
    unit_price = _money(raw, ("item_price", "price_discounted"), problems, f"line {position} item price")
    return OrderLine(
        position=position,
        quantity=quantity,
        unit_price=unit_price if unit_price is not None else list_price,
        list_price=list_price,
        retail_price=_money(raw, ("price_retail", "retail_price"), problems, f"line {position} retail price"),
        upc=_text(raw, "upc", "barcode"),
        sku_id=_text(raw, "sku_id"),
        style_id=_text(raw, "style_id"),
        style_number=_text(raw, "style_number"),
        style_name=_text(raw, "style_name", "name"),
        color_code=_text(raw, "color_code"),
        color_name=_text(raw, "color_name"),
        size=_text(raw, "size", "size_name"),
    )


def parse_v2_order(doc: Mapping[str, Any]) -> WholesaleOrder:
    """One order of `GET /v2/order/` (JSON). Never raises for bad content: problems are collected."""
    problems: list[str] = []
    order_id = _text(doc, "order_id", "id")
    if not order_id:
        problems.append("the order has no order_id")
    raw_status = _text(doc, "order_status", "status")
    status = STATUS_WORDS.get(raw_status.lower(), raw_status.upper().replace(" ", "_"))
    raw_retailer = doc.get("retailer")
    retailer: Mapping[str, Any] = raw_retailer if isinstance(raw_retailer, dict) else {}
    currency = _text(doc, "currency", "order_currency", "currency_code").upper()
    if currency and (len(currency) != 3 or not currency.isalpha()):
        problems.append(f"the currency {currency[:10]!r} is not an ISO 4217 code")
        currency = ""
    raw_lines = _first(doc, "order_items", "line_items", "items")
    lines = []
    for position, raw in enumerate(_as_list(raw_lines, "order_item"), start=1):
        line = _line(raw, position, problems)
        if line is not None:
            lines.append(line)
    tax_rate_raw = _money(doc, ("tax_rate",), problems, "tax rate", exact=True)
    return WholesaleOrder(
        order_id=order_id,
        status=status,
        po_number=_text(doc, "po_number", "customer_po"),
        currency=currency,
        retailer_code=_text(doc, "customer_code") or _text(retailer, "customer_code"),
        retailer_name=_text(doc, "customer_name") or _text(retailer, "customer_name"),
        contact_name=_text(doc, "customer_contact_name") or _text(retailer, "customer_contact_name"),
        email=(
            _text(doc, "customer_contact_email", "customer_email", "email")
            or _text(retailer, "customer_contact_email")
        ).lower(),
        phone=_text(doc, "customer_contact_phone", "customer_phone", "phone"),
        buyer_name=_text(doc, "customer_buyer_name", "buyer_name"),
        billing=_address(doc.get("billing_address"), _text(doc, "billing_code")),
        shipping=_address(doc.get("shipping_address"), _text(doc, "shipping_code")),
        created_at=_date_text(doc, "date_created", "created_at", "order_date"),
        modified_at=_date_text(doc, "date_modified", "modified_at", "last_modified"),
        start_ship_date=_date_text(doc, "start_ship_date", "ship_start"),
        complete_ship_date=_date_text(doc, "complete_ship_date", "ship_end"),
        cancel_date=_date_text(doc, "cancel_date"),
        payment_method=_text(doc, "payment_method_name", "payment_method", "payment_method_code"),
        payment_terms=_text(doc, "payment_terms", "terms"),
        shipping_method=_text(doc, "shipping_method_name", "shipping_method"),
        shipping_method_code=_text(doc, "shipping_method_code"),
        sales_rep=_text(doc, "sales_representative", "sales_rep"),
        sales_rep_email=_text(doc, "sales_representative_email", "sales_rep_email"),
        warehouse_code=_text(doc, "warehouse_code"),
        warehouse_name=_text(doc, "warehouse_name"),
        season=_text(doc, "order_season_code", "season_name", "season"),
        delivery=_text(doc, "delivery_name", "order_delivery_name", "order_delivery_code"),
        comments=_text(doc, "comments", "notes", "order_notes"),
        discount=_money(doc, ("order_discount", "discount_amount"), problems, "order discount") or ZERO,
        shipping_cost=_money(
            doc, ("shipping_cost", "shipping_price", "shipping_amount"), problems, "shipping cost"
        )
        or ZERO,
        tax_amount=_money(doc, ("tax_amount", "tax_total"), problems, "tax amount") or ZERO,
        tax_rate=tax_rate_raw,
        tax_label=_text(doc, "tax_id_label", "tax_label"),
        total=_money(doc, ("order_total", "total"), problems, "order total"),
        lines=tuple(lines),
        problems=tuple(problems),
        read_through="v4" if doc.get("read_through") == "v4" else "v2",
    )
