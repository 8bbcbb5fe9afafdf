"""B2B companies of a sandbox shop: companies, their locations, contacts, roles and addresses.

B2B needs Shopify Plus in real Shopify, but neither the schema nor the recordings document what a
shop without it gets from `companyCreate`, so every shop is served; `shop.plan.shopifyPlus` tells
the two apart (`SandboxConfig.plus_shops`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shopify_app.sandbox import customer_search
from shopify_app.sandbox.company_models import (
    SYSTEM_ROLES,
    Company,
    CompanyAddress,
    CompanyContact,
    CompanyContactRole,
    CompanyLocation,
    RoleAssignment,
)
from shopify_app.sandbox.customer_models import Customer
from shopify_app.sandbox.customer_payloads import customer_json
from shopify_app.sandbox.customer_search import DATE, EXACT, NUMBER, TEXT, Fields
from shopify_app.sandbox.customers import Path, user_error, validate_customer, write_customer
from shopify_app.sandbox.models import parse_gid
from shopify_app.sandbox.normalize import normalize_phone
from shopify_app.sandbox.store import Change, ShopState

NOT_FOUND = "RESOURCE_NOT_FOUND"
# Recorded (2025-01 b2b-company-mutation-validation): the messages of unknown ids, per mutation.
COMPANY_NOT_FOUND = "Resource requested does not exist."
LOCATION_NOT_FOUND = "The company location doesn't exist"
CONTACT_NOT_FOUND = "The company contact doesn't exist."


# ----- lookups ------------------------------------------------------------------------------------
def company_locations(state: ShopState, company: Company) -> list[CompanyLocation]:
    return [loc for loc in state.company_locations.values() if loc.company is company]


def company_contacts(state: ShopState, company: Company) -> list[CompanyContact]:
    return [c for c in state.company_contacts.values() if c.company is company]


def contact_profiles(state: ShopState, customer: Customer) -> list[CompanyContact]:
    return [c for c in state.company_contacts.values() if c.customer is customer]


def assignments(
    state: ShopState, *, contact: CompanyContact | None = None, location: CompanyLocation | None = None
) -> list[RoleAssignment]:
    return [
        a
        for a in state.role_assignments.values()
        if (contact is None or a.contact is contact) and (location is None or a.location is location)
    ]


def find_company_node(state: ShopState, value: str) -> Any:
    if (number := parse_gid(value, "Company")) is not None:
        return state.companies.get(number)
    if (number := parse_gid(value, "CompanyLocation")) is not None:
        return state.company_locations.get(number)
    if (number := parse_gid(value, "CompanyContact")) is not None:
        return state.company_contacts.get(number)
    if (number := parse_gid(value, "CompanyContactRoleAssignment")) is not None:
        return state.role_assignments.get(number)
    if (number := parse_gid(value, "CompanyContactRole")) is not None:
        return find_role(state, number)
    if (number := parse_gid(value, "CompanyAddress")) is not None:
        for location in state.company_locations.values():
            for address in (location.billing_address, location.shipping_address):
                if address is not None and address.id == number:
                    return address
    return None


def find_role(state: ShopState, role_id: int | None) -> CompanyContactRole | None:
    for company in state.companies.values():
        for role in company.roles:
            if role.id == role_id:
                return role
    return None


def company_orders(state: ShopState, company: Company) -> tuple[int, Decimal]:
    locations = company_locations(state, company)
    return sum(len(loc.order_ids) for loc in locations), sum(
        (loc.total_spent for loc in locations), Decimal(0)
    )


# ----- validation ---------------------------------------------------------------------------------
def _text(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _phone_error(data: dict[str, Any], path: Path) -> list[dict]:
    """Recorded (2026-04 b2b-location-input-normalization): `not-a-phone` → INVALID."""
    raw = _text(data.get("phone"))
    if raw and normalize_phone(raw) is None:
        return [user_error(path, "phone", "Phone is invalid", "INVALID")]
    return []


def _contact_errors(
    state: ShopState, data: dict[str, Any], target: Customer | None, path: Path
) -> list[dict]:
    customer_data = {key: data[key] for key in ("firstName", "lastName", "email", "phone") if key in data}
    errors = validate_customer(state, customer_data, target, path)
    business_codes = {"ID_NOT_ALLOWED": "INVALID"}
    return [{**e, "code": business_codes.get(e["code"], e["code"])} for e in errors]


# ----- writes -------------------------------------------------------------------------------------
def _address(
    state: ShopState, company: Company, data: dict[str, Any], existing: CompanyAddress | None = None
) -> CompanyAddress:
    now = state.now()
    address = existing or CompanyAddress(id=state.next_id(), created_at=now, updated_at=now)
    address.company_name = company.name
    phone = _text(data.get("phone"))
    address.address1 = data.get("address1") or ""
    address.address2 = _text(data.get("address2"))
    address.city = _text(data.get("city"))
    address.zip = _text(data.get("zip"))
    address.recipient = _text(data.get("recipient"))
    address.first_name = _text(data.get("firstName"))
    address.last_name = _text(data.get("lastName"))
    address.phone = (normalize_phone(phone) or phone) if phone else None
    address.zone_code = _text(data.get("zoneCode"))
    address.country_code = data.get("countryCode") or "US"
    address.updated_at = now
    return address


def _new_company(state: ShopState, data: dict[str, Any]) -> Company:
    now = state.now()
    company = Company(
        id=state.next_id(),
        name=_text(data.get("name")) or "",
        created_at=now,
        updated_at=now,
        customer_since=data.get("customerSince") or now,
        note=data.get("note"),
        external_id=_text(data.get("externalId")),
    )
    company.roles = [CompanyContactRole(state.next_id(), name) for name in SYSTEM_ROLES]
    state.companies[company.id] = company
    return company


def new_location(
    state: ShopState, company: Company, data: dict[str, Any], *, nested: bool
) -> CompanyLocation:
    """A location; without a name it takes the company's name when created with the company, else
    its shipping street (recorded: 2026-04 company_location_name_fallback)."""
    now = state.now()
    name = _text(data.get("name"))
    if name is None and not nested:
        name = _text((data.get("shippingAddress") or {}).get("address1"))
    phone = _text(data.get("phone"))
    location = CompanyLocation(
        id=state.next_id(),
        company=company,
        name=name or company.name,
        created_at=now,
        updated_at=now,
        currency=state.currency,
        external_id=_text(data.get("externalId")),
        note=data.get("note"),
        phone=normalize_phone(phone) if phone else None,
        locale=data.get("locale") or "en",
        tax_registration_id=_text(data.get("taxRegistrationId")),
        tax_exempt=bool(data.get("taxExempt")),
        tax_exemptions=list(data.get("taxExemptions") or []),
    )
    # The shipping address is created first (recorded: location_assign_address_preserves_id ids).
    if data.get("shippingAddress"):
        location.shipping_address = _address(state, company, data["shippingAddress"])
    if data.get("billingSameAsShipping") and location.shipping_address is not None:
        location.billing_address = location.shipping_address
    elif data.get("billingAddress"):
        location.billing_address = _address(state, company, data["billingAddress"])
    state.company_locations[location.id] = location
    return location


def new_contact(
    state: ShopState,
    company: Company,
    data: dict[str, Any],
    changes: list[Change],
    customer: Customer | None = None,
) -> CompanyContact:
    """A contact and, unless given, the customer it is (`companyContactCreate`: "Creates a company
    contact and the associated customer")."""
    if customer is None:
        fields = {key: data[key] for key in ("firstName", "lastName", "email", "phone") if key in data}
        customer = write_customer(state, fields, None)
        changes.append(Change("customers/create", customer_json(state, customer)))
    now = state.now()
    contact = CompanyContact(
        id=state.next_id(),
        company=company,
        customer=customer,
        created_at=now,
        updated_at=now,
        title=_text(data.get("title")),
        locale=data.get("locale") or "en",
    )
    state.company_contacts[contact.id] = contact
    return contact


def assign_role(
    state: ShopState, contact: CompanyContact, role: CompanyContactRole, location: CompanyLocation
) -> RoleAssignment:
    now = state.now()
    for existing in assignments(state, contact=contact, location=location):
        if existing.role is role:
            return existing
    assignment = RoleAssignment(state.next_id(), contact, location, role, now, now)
    state.role_assignments[assignment.id] = assignment
    return assignment


def create_company(
    state: ShopState, data: dict[str, Any], changes: list[Change]
) -> tuple[Company | None, list[dict]]:
    """`companyCreate`: the company, always one location, and the main contact when one is given
    (recorded: 2026-04 b2b-company-create-lifecycle; 2025-01 b2b-connection-arguments gives the main
    contact the default role at that location)."""
    company_data, contact_data = data["company"], data.get("companyContact")
    location_data = data.get("companyLocation") or {}
    errors: list[dict] = []
    if not _text(company_data.get("name")):
        errors.append(user_error(("input", "company"), "name", "Name can't be blank", "BLANK"))
    errors += _phone_error(location_data, ("input", "companyLocation"))
    if contact_data is not None:
        errors += _contact_errors(state, contact_data, None, ("input", "companyContact"))
    if errors:
        return None, errors
    company = _new_company(state, company_data)
    location = new_location(state, company, location_data, nested=True)
    if contact_data is not None:
        contact = new_contact(state, company, contact_data, changes)
        company.main_contact_id = contact.id
        role = company.default_role
        assert role is not None
        assign_role(state, contact, role, location)
    return company, []


def create_location(
    state: ShopState, company: Company, data: dict[str, Any]
) -> tuple[CompanyLocation | None, list[dict]]:
    errors = _phone_error(data, ("input",))
    if errors:
        return None, errors
    return new_location(state, company, data, nested=False), []


def create_contact(
    state: ShopState, company: Company, data: dict[str, Any], changes: list[Change]
) -> tuple[CompanyContact | None, list[dict]]:
    errors = _contact_errors(state, data, None, ("input",))
    if errors:
        return None, errors
    return new_contact(state, company, data, changes), []


def update_company(state: ShopState, company: Company, data: dict[str, Any]) -> list[dict]:
    if "customerSince" in data:
        # Recorded (2026-04 b2b-company-update-customer-since): alone, with a name, or null.
        return [
            user_error(
                ("input",), "customerSince", "This field may only be set on creation.", "INVALID_INPUT"
            )
        ]
    if "name" in data and not _text(data["name"]):
        return [user_error(("input",), "name", "Name can't be blank", "BLANK")]
    if "name" in data:
        company.name = _text(data["name"]) or company.name
    if "note" in data:
        company.note = data["note"]
    if "externalId" in data:
        company.external_id = _text(data["externalId"])
    company.updated_at = state.now()
    return []


def update_location(state: ShopState, location: CompanyLocation, data: dict[str, Any]) -> list[dict]:
    errors = _phone_error(data, ("input",))
    if errors:
        return errors
    if _text(data.get("name")):
        location.name = str(data["name"]).strip()
    if "phone" in data:
        location.phone = normalize_phone(data["phone"]) if _text(data["phone"]) else None
    if "locale" in data:
        location.locale = data["locale"] or "en"
    if "externalId" in data:
        location.external_id = _text(data["externalId"])
    if "note" in data:
        location.note = data["note"]
    location.updated_at = state.now()
    return []


def update_contact(
    state: ShopState, contact: CompanyContact, data: dict[str, Any], changes: list[Change]
) -> list[dict]:
    """Title and locale are the contact's; names, email and phone are its customer's (recorded: 2026-04
    b2b-contact-update-customer-readback)."""
    errors = _contact_errors(state, data, contact.customer, ("input",))
    if errors:
        return errors
    fields = {key: data[key] for key in ("firstName", "lastName", "email", "phone") if key in data}
    if fields:
        write_customer(state, fields, contact.customer)
        changes.append(Change("customers/update", customer_json(state, contact.customer)))
    if "title" in data:
        contact.title = _text(data["title"])
    if "locale" in data:
        contact.locale = data["locale"] or "en"
    contact.updated_at = state.now()
    return []


def assign_address(
    state: ShopState, location: CompanyLocation, data: dict[str, Any], types: list[str]
) -> list[CompanyAddress]:
    """Re-assigning a type updates its address in place, keeping the id (recorded: 2026-04
    location_assign_address_preserves_id); answered in id order."""
    shared = location.billing_address is not None and location.billing_address is location.shipping_address
    written: list[CompanyAddress] = []
    for kind in dict.fromkeys(types):
        attribute = "billing_address" if kind == "BILLING" else "shipping_address"
        current = getattr(location, attribute)
        if shared and len(set(types)) == 1:
            current = None  # the other type keeps the address they shared
        address = _address(state, location.company, data, current)
        setattr(location, attribute, address)
        if all(address is not other for other in written):
            written.append(address)
    location.updated_at = state.now()
    return sorted(written, key=lambda a: a.id)


def assign_customer(
    state: ShopState, company: Company, customer: Customer, changes: list[Change]
) -> tuple[CompanyContact | None, list[dict]]:
    """Recorded (2026-04 assign-customer-as-contact-no-email-invalid-input)."""
    if contact_profiles(state, customer):
        message = "Customer is already associated with a company contact."
        return None, [user_error((), "companyId", message, "INVALID_INPUT")]
    if not customer.email:
        return None, [user_error((), "companyId", "Customer must have an email address.", "INVALID_INPUT")]
    return new_contact(state, company, {}, changes, customer=customer), []


def remove_contact(state: ShopState, contact: CompanyContact) -> None:
    for assignment in assignments(state, contact=contact):
        del state.role_assignments[assignment.id]
    if contact.company.main_contact_id == contact.id:
        contact.company.main_contact_id = None
    del state.company_contacts[contact.id]


def delete_company(state: ShopState, company: Company) -> list[dict]:
    """A company with orders stays (recorded: 2025-01 b2b-company-location-order-aggregates cleanup);
    its customers stay too, no longer contacts."""
    if company_orders(state, company)[0]:
        return [user_error((), "id", "Failed to delete the company.", "FAILED_TO_DELETE")]
    for contact in company_contacts(state, company):
        remove_contact(state, contact)
    for location in company_locations(state, company):
        for assignment in assignments(state, location=location):
            del state.role_assignments[assignment.id]
        del state.company_locations[location.id]
    del state.companies[company.id]
    return []


# ----- search -------------------------------------------------------------------------------------
COMPANY_FIELDS: Fields = {
    "name": (TEXT, lambda c: [c.name]),
    "external_id": (EXACT, lambda c: [c.external_id]),
    "id": (NUMBER, lambda c: [c.id]),
    "created_at": (DATE, lambda c: [c.created_at]),
    "updated_at": (DATE, lambda c: [c.updated_at]),
    "since_date": (DATE, lambda c: [c.customer_since]),
}
LOCATION_FIELDS: Fields = {
    "name": (TEXT, lambda loc: [loc.name]),
    "external_id": (EXACT, lambda loc: [loc.external_id]),
    "id": (NUMBER, lambda loc: [loc.id]),
    "company_id": (NUMBER, lambda loc: [loc.company.id]),
    "created_at": (DATE, lambda loc: [loc.created_at]),
    "updated_at": (DATE, lambda loc: [loc.updated_at]),
}


def _defaults(fields: Fields) -> Fields:
    """Free text searches names and external ids."""
    return {name: fields[name] for name in ("name", "external_id")}


def search_companies(state: ShopState, query: str | None) -> list[Company]:
    tree = customer_search.parse(query)
    return [
        c
        for c in state.companies.values()
        if customer_search.matches(tree, c, COMPANY_FIELDS, _defaults(COMPANY_FIELDS))
    ]


def search_locations(
    state: ShopState, query: str | None, locations: list[CompanyLocation] | None = None
) -> list[CompanyLocation]:
    tree = customer_search.parse(query)
    pool = list(state.company_locations.values()) if locations is None else locations
    return [
        loc for loc in pool if customer_search.matches(tree, loc, LOCATION_FIELDS, _defaults(LOCATION_FIELDS))
    ]
