"""In-memory records of a shop's B2B companies: locations, contacts, roles and addresses."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from shopify_app.sandbox.customer_models import Customer
from shopify_app.sandbox.geo import COUNTRY_NAMES, zone_name

# The two roles Shopify gives every company, in creation order; the second is the default
# (recorded: 2025-01 b2b-company-roots-read).
SYSTEM_ROLES = ("Location admin", "Ordering only")
DEFAULT_ROLE = "Ordering only"


@dataclass(eq=False)
class CompanyAddress:
    id: int
    created_at: str
    updated_at: str
    address1: str = ""
    address2: str | None = None
    city: str | None = None
    zip: str | None = None
    recipient: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    zone_code: str | None = None
    country_code: str = "US"
    company_name: str = ""
    graphql_type = "CompanyAddress"

    @property
    def country(self) -> str:
        return COUNTRY_NAMES.get(self.country_code, self.country_code)

    @property
    def province(self) -> str | None:
        return zone_name(self.country_code, self.zone_code)

    @property
    def formatted_area(self) -> str | None:
        area = " ".join(part for part in (self.city, self.zone_code) if part)
        return ", ".join(part for part in (area, self.country) if part) or None


@dataclass(eq=False)
class Company:
    id: int
    name: str
    created_at: str
    updated_at: str
    customer_since: str
    note: str | None = None
    external_id: str | None = None
    main_contact_id: int | None = None
    roles: list[CompanyContactRole] = field(default_factory=list)
    graphql_type = "Company"

    @property
    def default_role(self) -> CompanyContactRole | None:
        return next((role for role in self.roles if role.name == DEFAULT_ROLE), None)


@dataclass(eq=False)
class CompanyContactRole:
    id: int
    name: str
    graphql_type = "CompanyContactRole"

    @property
    def note(self) -> str:
        return f"System-defined {self.name} role"


@dataclass(eq=False)
class RoleAssignment:
    id: int
    contact: CompanyContact
    location: CompanyLocation
    role: CompanyContactRole
    created_at: str
    updated_at: str
    graphql_type = "CompanyContactRoleAssignment"


@dataclass(eq=False)
class CompanyContact:
    """A customer buying for a company."""

    id: int
    company: Company
    customer: Customer
    created_at: str
    updated_at: str
    title: str | None = None
    locale: str = "en"
    graphql_type = "CompanyContact"


@dataclass(eq=False)
class CompanyLocation:
    id: int
    company: Company
    name: str
    created_at: str
    updated_at: str
    currency: str = "USD"
    external_id: str | None = None
    note: str | None = None
    phone: str | None = None
    locale: str = "en"
    billing_address: CompanyAddress | None = None
    shipping_address: CompanyAddress | None = None
    tax_registration_id: str | None = None
    tax_exempt: bool = False
    tax_exemptions: list[str] = field(default_factory=list)
    # Orders placed for the location (kept up to date through `customers.company_location_record_order`).
    order_ids: list[int] = field(default_factory=list)
    total_spent: Decimal = Decimal(0)
    graphql_type = "CompanyLocation"
