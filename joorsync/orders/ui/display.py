"""How an imported order reads on the merchant's pages: plain words for its state and its Shopify
statuses, the order's address in the Shopify admin, and the stored JOOR document laid out as facts,
addresses, lines and totals. Nothing here queries the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from joorsync.orders.joor_documents import Address, OrderLine, WholesaleOrder
from joorsync.orders.models import ImportedOrder

State = ImportedOrder.State

#: A state as the merchant reads it, and the tone of its badge (a CSS class of `.badge`).
STATE_WORDS: dict[str, tuple[str, str]] = {
    State.IMPORTED: ("Imported", "ok"),
    State.HELD: ("Held", "warn"),
    State.RECEIVED: ("Waiting", "info"),
    State.CREATING: ("Waiting", "info"),
    State.CANCELLED: ("Cancelled", "neutral"),
    State.CONFLICT: ("Needs a decision", "bad"),
    State.SKIPPED: ("Not imported", "neutral"),
}

#: Shopify's `displayFulfillmentStatus` values.
FULFILMENT_WORDS = {
    "FULFILLED": "Fulfilled",
    "UNFULFILLED": "Unfulfilled",
    "PARTIALLY_FULFILLED": "Partly fulfilled",
    "IN_PROGRESS": "In progress",
    "ON_HOLD": "On hold",
    "OPEN": "Unfulfilled",
    "PENDING_FULFILLMENT": "Waiting to be fulfilled",
    "RESTOCKED": "Restocked",
    "SCHEDULED": "Scheduled",
    "REQUEST_DECLINED": "Request declined",
}

#: Shopify's `displayFinancialStatus` values.
PAYMENT_WORDS = {
    "PENDING": "Payment pending",
    "AUTHORIZED": "Authorized",
    "PAID": "Paid",
    "PARTIALLY_PAID": "Partly paid",
    "PARTIALLY_REFUNDED": "Partly refunded",
    "REFUNDED": "Refunded",
    "VOIDED": "Voided",
    "EXPIRED": "Expired",
}

#: JOOR's order statuses (as `joor_documents` spells them).
JOOR_STATUS_WORDS = {
    "IN_PROGRESS": "In progress",
    "NOTES": "Notes",
    "PENDING": "Pending",
    "APPROVED": "Approved",
    "SHIPPED": "Shipped",
    "CANCELLED": "Cancelled",
}

ADMIN_HOST = "https://admin.shopify.com"


def state_word(state: str) -> str:
    return STATE_WORDS.get(state, (state.replace("_", " ").capitalize(), ""))[0]


def state_tone(state: str) -> str:
    return STATE_WORDS.get(state, ("", "neutral"))[1]


def _words(value: str, known: dict[str, str]) -> str:
    """A Shopify or JOOR enum value in words; an unknown one is spelled out rather than hidden."""
    if not value:
        return ""
    return known.get(value.upper(), value.replace("_", " ").capitalize())


def fulfilment_word(order: ImportedOrder) -> str:
    if order.shopify_cancelled_at is not None:
        return "Cancelled in Shopify"
    return _words(order.shopify_fulfillment_status, FULFILMENT_WORDS)


def payment_word(order: ImportedOrder) -> str:
    return _words(order.shopify_financial_status, PAYMENT_WORDS)


def shopify_order_admin_url(*, shop_domain: str, shopify_order_id: str) -> str:
    """The order's page in the Shopify admin, from its gid (`gid://shopify/Order/123`); "" without one."""
    numeric = shopify_order_id.rsplit("/", 1)[-1]
    if not numeric.isdigit() or not shop_domain:
        return ""
    handle = shop_domain.split(".", 1)[0]
    return f"{ADMIN_HOST}/store/{handle}/orders/{numeric}"


def money(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return ""
    text = f"{amount:,.2f}"
    return f"{text} {currency}" if currency else text


@dataclass(frozen=True)
class OrderRow:
    """One row of the orders list."""

    order: ImportedOrder
    state: str
    tone: str
    admin_url: str
    fulfilment: str
    total: str


def order_row(order: ImportedOrder, *, shop_domain: str) -> OrderRow:
    return OrderRow(
        order=order,
        state=state_word(order.state),
        tone=state_tone(order.state),
        admin_url=shopify_order_admin_url(shop_domain=shop_domain, shopify_order_id=order.shopify_order_id),
        fulfilment=fulfilment_word(order),
        total=money(order.total, order.currency),
    )


@dataclass(frozen=True)
class LineRow:
    position: int
    style: str
    colour: str
    size: str
    upc: str
    quantity: int
    unit_price: str
    line_total: str


@dataclass(frozen=True)
class AddressBlock:
    title: str
    lines: tuple[str, ...]


@dataclass
class OrderPage:
    """Everything one order's page shows. `readable` is False when the stored document cannot be
    read back: the page then shows what the row itself holds."""

    order: ImportedOrder
    state: str
    tone: str
    admin_url: str
    fulfilment: str
    payment: str
    readable: bool = True
    facts: list[tuple[str, str]] = field(default_factory=list)
    email: str = ""
    addresses: list[AddressBlock] = field(default_factory=list)
    lines: list[LineRow] = field(default_factory=list)
    totals: list[tuple[str, str]] = field(default_factory=list)
    comments: str = ""
    hold_lines: list[str] = field(default_factory=list)
    hold_lines_label: str = ""
    joor_status: str = ""


def _style(line: OrderLine) -> str:
    if line.style_name and line.style_number:
        return f"{line.style_name} ({line.style_number})"
    return line.style_name or line.style_number or "—"


def _line_row(line: OrderLine, currency: str) -> LineRow:
    total = line.unit_price * line.quantity if line.unit_price is not None else None
    return LineRow(
        position=line.position,
        style=_style(line),
        colour=line.color_name or line.color_code,
        size=line.size,
        upc=line.upc,
        quantity=line.quantity,
        unit_price=money(line.unit_price, currency),
        line_total=money(total, currency),
    )


def _address_block(title: str, address: Address | None) -> AddressBlock | None:
    if address is None:
        return None
    place = " ".join(p for p in (address.city, address.state, address.zip) if p)
    parts = (
        address.company_name,
        address.contact_name,
        address.address_1,
        address.address_2,
        place,
        address.country or address.country_code,
        address.phone,
    )
    lines = tuple(p for p in parts if p)
    return AddressBlock(title=title, lines=lines) if lines else None


def _named(name: str, extra: str) -> str:
    return f"{name} ({extra})" if name and extra and extra != name else name or extra


def _facts(order: ImportedOrder, doc: WholesaleOrder) -> list[tuple[str, str]]:
    rep = _named(doc.sales_rep, doc.sales_rep_email)
    pairs = [
        ("JOOR order", order.joor_order_id),
        ("Status in JOOR", _words(doc.status, JOOR_STATUS_WORDS)),
        ("PO number", doc.po_number or order.po_number),
        ("Retailer", _named(doc.retailer_name or order.retailer_name, doc.retailer_code)),
        ("Contact", doc.contact_name or doc.buyer_name),
        ("Phone", doc.phone),
        ("Ordered on", doc.created_at[:10]),
        ("Start ship date", doc.start_ship_date[:10]),
        ("Complete ship date", doc.complete_ship_date[:10]),
        ("Cancel date", doc.cancel_date[:10]),
        ("Payment terms", doc.payment_terms),
        ("Payment method", doc.payment_method),
        ("Shipping method", doc.shipping_method),
        ("Sales rep", rep),
        ("Warehouse", doc.warehouse_name or doc.warehouse_code),
        ("Season", doc.season),
        ("Delivery", doc.delivery),
        ("Currency", doc.currency or order.currency),
        ("Units", str(doc.units)),
    ]
    return [(label, value) for label, value in pairs if value]


def _totals(order: ImportedOrder, doc: WholesaleOrder) -> list[tuple[str, str]]:
    currency = doc.currency or order.currency
    priced = [line.unit_price * line.quantity for line in doc.lines if line.unit_price is not None]
    tax_label = doc.tax_label or "Tax"
    if doc.tax_rate is not None:
        tax_label = f"{tax_label} ({doc.tax_rate.normalize():f}%)"
    rows = [
        ("Lines", money(sum(priced, Decimal("0")), currency) if priced else ""),
        ("Discount", f"− {money(doc.discount, currency)}" if doc.discount else ""),
        ("Shipping", money(doc.shipping_cost, currency) if doc.shipping_cost else ""),
        (tax_label, money(doc.tax_amount, currency) if doc.tax_amount else ""),
        ("Total", money(doc.total if doc.total is not None else order.total, currency)),
    ]
    return [(label, value) for label, value in rows if value]


def _hold_lines(details: object) -> tuple[str, list[str]]:
    """What a hold names, with its heading: the lines concerned, or the parts JOOR's document could
    not be read in."""
    if not isinstance(details, dict):
        return "", []
    for key, label in (("lines", "The lines concerned"), ("problems", "What could not be read")):
        named = details.get(key)
        if isinstance(named, list) and named:
            return label, [str(item) for item in named]
    return "", []


def order_page(order: ImportedOrder, *, shop_domain: str) -> OrderPage:
    hold_label, hold_lines = _hold_lines(order.hold_details)
    view = OrderPage(
        order=order,
        state=state_word(order.state),
        tone=state_tone(order.state),
        admin_url=shopify_order_admin_url(shop_domain=shop_domain, shopify_order_id=order.shopify_order_id),
        fulfilment=fulfilment_word(order),
        payment=payment_word(order),
        hold_lines=hold_lines,
        hold_lines_label=hold_label,
    )
    try:
        doc = WholesaleOrder.from_json(order.document or {})
    except (TypeError, ValueError, InvalidOperation, KeyError):
        view.readable = False
        view.facts = [
            (label, value)
            for label, value in (
                ("JOOR order", order.joor_order_id),
                ("PO number", order.po_number),
                ("Retailer", order.retailer_name),
                ("Units", str(order.units)),
                ("Total", money(order.total, order.currency)),
            )
            if value
        ]
        return view
    currency = doc.currency or order.currency
    view.facts = _facts(order, doc)
    view.email = doc.email
    view.addresses = [
        block
        for block in (_address_block("Ship to", doc.shipping), _address_block("Bill to", doc.billing))
        if block is not None
    ]
    view.lines = [_line_row(line, currency) for line in doc.lines]
    view.totals = _totals(order, doc)
    view.comments = doc.comments
    view.joor_status = _words(doc.status, JOOR_STATUS_WORDS)
    return view
