"""In-memory records of a shop's customers, their addresses and marketing consent."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from shopify_app.sandbox.geo import COUNTRY_NAMES, zone_name
from shopify_app.sandbox.models import Metafield


@dataclass(eq=False)
class MailingAddress:
    """A customer address; its gid carries `?model_name=CustomerAddress` (recorded:
    customer-input-addresses-parity)."""

    id: int
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    zip: str | None = None
    phone: str | None = None
    country_code: str | None = None
    # The country as sent when it is no known country (kept for display, as Shopify does).
    country_text: str | None = None
    province_code: str | None = None
    graphql_type = "MailingAddress"

    @property
    def gid(self) -> str:
        return f"gid://shopify/MailingAddress/{self.id}?model_name=CustomerAddress"

    @property
    def country(self) -> str | None:
        if self.country_code:
            return COUNTRY_NAMES.get(self.country_code, self.country_code)
        return self.country_text

    @property
    def province(self) -> str | None:
        return zone_name(self.country_code, self.province_code)

    @property
    def name(self) -> str | None:
        return " ".join(part for part in (self.first_name, self.last_name) if part) or None

    @property
    def formatted_area(self) -> str | None:
        """`Ottawa ON, Canada`; `Ottawa, Canada` without a region (recorded: customer-detail)."""
        area = " ".join(part for part in (self.city, self.province_code) if part)
        return ", ".join(part for part in (area, self.country) if part) or None

    def identity(self) -> tuple[str | None, ...]:
        """What makes two addresses the same address (Shopify keeps one of identical addresses,
        recorded: customer-input-addresses-parity sends the same address twice and keeps one)."""
        return (
            self.first_name,
            self.last_name,
            self.company,
            self.address1,
            self.address2,
            self.city,
            self.zip,
            self.phone,
            self.country_code or self.country_text,
            self.province_code,
        )


@dataclass
class Consent:
    """Marketing consent on one channel (email, SMS or WhatsApp)."""

    state: str
    opt_in_level: str | None = "SINGLE_OPT_IN"
    updated_at: str | None = None
    collected_from: str | None = "OTHER"


@dataclass(eq=False)
class Customer:
    id: int
    created_at: str
    updated_at: str
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    note: str | None = None
    locale: str = "en"
    multipass_identifier: str | None = None
    tags: list[str] = field(default_factory=list)
    tax_exempt: bool = False
    tax_exemptions: list[str] = field(default_factory=list)
    state: str = "DISABLED"
    addresses: list[MailingAddress] = field(default_factory=list)
    default_address_id: int | None = None
    metafields: list[Metafield] = field(default_factory=list)
    email_consent: Consent | None = None
    sms_consent: Consent | None = None
    whatsapp_consent: Consent | None = None
    # Orders placed (kept up to date by the orders side through `customers.customer_record_order`).
    order_ids: list[int] = field(default_factory=list)
    amount_spent: Decimal = Decimal(0)
    graphql_type = "Customer"

    @property
    def display_name(self) -> str:
        """First and last name, else the email, else the phone (recorded: customer-create-name-identity
        and customers-search show the email of a nameless customer)."""
        name = " ".join(part for part in (self.first_name, self.last_name) if part)
        return name or self.email or self.phone or ""

    @property
    def default_address(self) -> MailingAddress | None:
        for address in self.addresses:
            if address.id == self.default_address_id:
                return address
        return self.addresses[0] if self.addresses else None

    @property
    def number_of_orders(self) -> int:
        return len(self.order_ids)
