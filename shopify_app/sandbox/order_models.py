"""In-memory records of a shop's orders: line items, money, transactions, fulfilment orders, fulfilments.

Amounts are kept as `Money` pairs (shop currency, presentment currency), as every Admin API `MoneyBag`
reports both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from shopify_app.sandbox.models import Metafield

CENT = Decimal("0.01")


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Money:
    """An amount in the shop currency and in the presentment currency."""

    shop: Decimal = Decimal(0)
    presentment: Decimal = Decimal(0)

    def __add__(self, other: Money) -> Money:
        return Money(self.shop + other.shop, self.presentment + other.presentment)

    def __sub__(self, other: Money) -> Money:
        return Money(self.shop - other.shop, self.presentment - other.presentment)

    def times(self, factor: Decimal | int) -> Money:
        return Money(self.shop * factor, self.presentment * factor)

    def share(self, part: Decimal | int, whole: Decimal | int) -> Money:
        """`part / whole` of this amount, to the cent (zero when `whole` is zero)."""
        if not whole:
            return ZERO
        return Money(cents(self.shop * part / whole), cents(self.presentment * part / whole))

    def at_least_zero(self) -> Money:
        return Money(max(self.shop, Decimal(0)), max(self.presentment, Decimal(0)))

    @property
    def positive(self) -> bool:
        return self.shop > 0 or self.presentment > 0


ZERO = Money()


def total(amounts: list[Money]) -> Money:
    out = ZERO
    for amount in amounts:
        out = out + amount
    return out


@dataclass
class TaxLine:
    title: str
    rate: Decimal
    price: Money
    channel_liable: bool | None = None


@dataclass
class ShippingLine:
    id: int
    title: str
    price: Money
    code: str | None = None
    source: str | None = None
    tax_lines: list[TaxLine] = field(default_factory=list)
    discount: Money = ZERO


@dataclass
class LineItem:
    id: int
    title: str
    quantity: int
    price: Money  # unit price before discounts
    sku: str | None = None
    variant_id: int | None = None
    product_id: int | None = None
    variant_title: str | None = None
    vendor: str | None = None
    requires_shipping: bool = True
    taxable: bool = True
    properties: list[tuple[str, str]] = field(default_factory=list)
    tax_lines: list[TaxLine] = field(default_factory=list)
    discount: Money = ZERO  # the order's code discount allocated to this line (all units)
    removed: int = 0  # units taken off the order (cancelled or refunded)
    claimed_location_id: int | None = None  # where inventory was claimed at creation
    claimed: int = 0
    order_id: int = 0
    graphql_type = "LineItem"

    @property
    def current_quantity(self) -> int:
        return self.quantity - self.removed


@dataclass
class Transaction:
    id: int
    kind: str
    status: str
    gateway: str
    amount: Money
    created_at: str
    processed_at: str
    test: bool = False
    parent_id: int | None = None
    authorization_code: str | None = None
    order_id: int = 0
    graphql_type = "OrderTransaction"

    @property
    def succeeded(self) -> bool:
        return self.status == "SUCCESS"


@dataclass
class Refund:
    id: int
    created_at: str
    amount: Money
    transaction_ids: list[int] = field(default_factory=list)
    note: str | None = None
    order_id: int = 0
    graphql_type = "Refund"


@dataclass
class FulfillmentOrderLineItem:
    id: int
    line_item_id: int
    total: int
    remaining: int
    order_id: int = 0
    graphql_type = "FulfillmentOrderLineItem"


@dataclass
class FulfillmentOrder:
    id: int
    order_id: int
    location_id: int
    created_at: str
    updated_at: str
    fulfill_at: str | None
    status: str = "OPEN"
    request_status: str = "UNSUBMITTED"
    line_items: list[FulfillmentOrderLineItem] = field(default_factory=list)
    graphql_type = "FulfillmentOrder"

    @property
    def fulfillable(self) -> bool:
        return self.status in ("OPEN", "IN_PROGRESS")


@dataclass
class FulfillmentLineItem:
    id: int
    line_item_id: int
    quantity: int
    fulfillment_order_id: int
    fulfillment_order_line_item_id: int
    order_id: int = 0
    graphql_type = "FulfillmentLineItem"


@dataclass
class TrackingInfo:
    number: str | None
    url: str | None
    company: str | None


@dataclass
class FulfillmentEvent:
    id: int
    status: str
    happened_at: str
    created_at: str
    message: str | None = None
    estimated_delivery_at: str | None = None
    address: dict[str, Any] = field(default_factory=dict)  # city, province, country, zip, address1, latitude…
    graphql_type = "FulfillmentEvent"


@dataclass
class Fulfillment:
    id: int
    order_id: int
    name: str
    location_id: int
    created_at: str
    updated_at: str
    status: str = "SUCCESS"
    line_items: list[FulfillmentLineItem] = field(default_factory=list)
    tracking: list[TrackingInfo] = field(default_factory=list)
    events: list[FulfillmentEvent] = field(default_factory=list)
    graphql_type = "Fulfillment"

    @property
    def display_status(self) -> str:
        """CANCELED once cancelled, else the latest shipment event's status (recorded:
        2026-04 fulfillment-detail-events-lifecycle), else FULFILLED."""
        if self.status == "CANCELLED":
            return "CANCELED"
        if self.events:
            return max(self.events, key=lambda e: (e.happened_at, e.id)).status
        return "FULFILLED"

    def event_time(self, status: str) -> str | None:
        times = [e.happened_at for e in self.events if e.status == status]
        return max(times) if times else None


@dataclass
class Order:
    id: int
    number: int
    name: str
    created_at: str
    updated_at: str
    processed_at: str
    currency: str
    presentment_currency: str
    line_items: list[LineItem] = field(default_factory=list)
    shipping_lines: list[ShippingLine] = field(default_factory=list)
    transactions: list[Transaction] = field(default_factory=list)
    refunds: list[Refund] = field(default_factory=list)
    fulfillment_orders: list[FulfillmentOrder] = field(default_factory=list)
    fulfillments: list[Fulfillment] = field(default_factory=list)
    email: str | None = None
    phone: str | None = None
    po_number: str | None = None
    note: str | None = None
    tags: list[str] = field(default_factory=list)
    source_name: str | None = None
    source_identifier: str | None = None
    test: bool = False
    custom_attributes: list[tuple[str, str]] = field(default_factory=list)
    metafields: list[Metafield] = field(default_factory=list)
    billing_address: dict[str, Any] | None = None
    shipping_address: dict[str, Any] | None = None
    customer_id: int | None = None
    company_location_id: int | None = None
    taxes_included: bool = False
    discount_code: str | None = None
    # An explicit financial status given at creation; it stands until the payments change.
    financial_status: str | None = None
    # PARTIAL or RESTOCKED given at creation (FULFILLED creates real fulfilments instead).
    fulfillment_status: str | None = None
    cancelled_at: str | None = None
    cancel_reason: str | None = None
    staff_note: str | None = None
    closed_at: str | None = None
    graphql_type = "Order"

    def line_item(self, line_item_id: int) -> LineItem | None:
        return next((li for li in self.line_items if li.id == line_item_id), None)

    def fulfillment_order(self, fulfillment_order_id: int) -> FulfillmentOrder | None:
        return next((fo for fo in self.fulfillment_orders if fo.id == fulfillment_order_id), None)

    def fulfilled_quantity(self, line_item_id: int) -> int:
        return sum(
            fli.quantity
            for fulfillment in self.fulfillments
            if fulfillment.status == "SUCCESS"
            for fli in fulfillment.line_items
            if fli.line_item_id == line_item_id
        )
