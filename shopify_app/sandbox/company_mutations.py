"""B2B mutations: companies, locations, contacts, roles and location addresses.

Unknown ids answer RESOURCE_NOT_FOUND with the messages recorded in 2025-01
b2b-company-mutation-validation (companyUpdate, companyLocationUpdate, companyContactUpdate) and
2026-04 assign-customer-as-contact-no-email-invalid-input (an unknown customer); the other
mutations use companyUpdate's message for an unknown company.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from shopify_app.sandbox.companies import (
    COMPANY_NOT_FOUND,
    CONTACT_NOT_FOUND,
    LOCATION_NOT_FOUND,
    NOT_FOUND,
    assign_address,
    assign_customer,
    assign_role,
    create_company,
    create_contact,
    create_location,
    delete_company,
    find_role,
    update_company,
    update_contact,
    update_location,
)
from shopify_app.sandbox.company_models import Company, CompanyContact, CompanyLocation
from shopify_app.sandbox.customers import customer_by_gid, user_error
from shopify_app.sandbox.models import gid, parse_gid
from shopify_app.sandbox.resolvers import ctx, resolves
from shopify_app.sandbox.store import ShopState


def _company(state: ShopState, value: str) -> Company | None:
    return state.companies.get(parse_gid(value, "Company") or -1)


def _location(state: ShopState, value: str) -> CompanyLocation | None:
    return state.company_locations.get(parse_gid(value, "CompanyLocation") or -1)


def _contact(state: ShopState, value: str) -> CompanyContact | None:
    return state.company_contacts.get(parse_gid(value, "CompanyContact") or -1)


def _missing(key: str, field: str, message: str = COMPANY_NOT_FOUND) -> dict[str, Any]:
    return {key: None, "userErrors": [user_error((), field, message, NOT_FOUND)]}


@resolves("Mutation", "companyCreate")
def company_create(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
    context = ctx(info)
    company, errors = create_company(context.state, input, context.changes)
    return {"company": company, "userErrors": errors}


@resolves("Mutation", "companyUpdate")
def company_update(
    _: Any,
    info: GraphQLResolveInfo,
    companyId: str,  # noqa: N803 - GraphQL argument names
    input: dict[str, Any],  # noqa: A002
) -> dict[str, Any]:
    state = ctx(info).state
    company = _company(state, companyId)
    if company is None:
        return _missing("company", "companyId")
    errors = update_company(state, company, input)
    return {"company": None if errors else company, "userErrors": errors}


@resolves("Mutation", "companyDelete")
def company_delete(_: Any, info: GraphQLResolveInfo, id: str) -> dict[str, Any]:  # noqa: A002
    state = ctx(info).state
    company = _company(state, id)
    if company is None:
        return _missing("deletedCompanyId", "id")
    errors = delete_company(state, company)
    return {"deletedCompanyId": None if errors else gid("Company", company.id), "userErrors": errors}


@resolves("Mutation", "companyLocationCreate")
def company_location_create(
    _: Any,
    info: GraphQLResolveInfo,
    companyId: str,  # noqa: N803
    input: dict[str, Any],  # noqa: A002
) -> dict[str, Any]:
    state = ctx(info).state
    company = _company(state, companyId)
    if company is None:
        return _missing("companyLocation", "companyId")
    location, errors = create_location(state, company, input)
    return {"companyLocation": location, "userErrors": errors}


@resolves("Mutation", "companyLocationUpdate")
def company_location_update(
    _: Any,
    info: GraphQLResolveInfo,
    companyLocationId: str,  # noqa: N803
    input: dict[str, Any],  # noqa: A002
) -> dict[str, Any]:
    state = ctx(info).state
    location = _location(state, companyLocationId)
    if location is None:
        return _missing("companyLocation", "input", LOCATION_NOT_FOUND)
    errors = update_location(state, location, input)
    return {"companyLocation": None if errors else location, "userErrors": errors}


@resolves("Mutation", "companyLocationAssignAddress")
def company_location_assign_address(
    _: Any,
    info: GraphQLResolveInfo,
    locationId: str,  # noqa: N803
    address: dict[str, Any],
    addressTypes: list[str],  # noqa: N803
) -> dict[str, Any]:
    state = ctx(info).state
    location = _location(state, locationId)
    if location is None:
        return _missing("addresses", "locationId", LOCATION_NOT_FOUND)
    return {"addresses": assign_address(state, location, address, addressTypes), "userErrors": []}


@resolves("Mutation", "companyContactCreate")
def company_contact_create(
    _: Any,
    info: GraphQLResolveInfo,
    companyId: str,  # noqa: N803
    input: dict[str, Any],  # noqa: A002
) -> dict[str, Any]:
    context = ctx(info)
    company = _company(context.state, companyId)
    if company is None:
        return _missing("companyContact", "companyId")
    contact, errors = create_contact(context.state, company, input, context.changes)
    return {"companyContact": contact, "userErrors": errors}


@resolves("Mutation", "companyContactUpdate")
def company_contact_update(
    _: Any,
    info: GraphQLResolveInfo,
    companyContactId: str,  # noqa: N803
    input: dict[str, Any],  # noqa: A002
) -> dict[str, Any]:
    context = ctx(info)
    contact = _contact(context.state, companyContactId)
    if contact is None:
        return _missing("companyContact", "companyContactId", CONTACT_NOT_FOUND)
    errors = update_contact(context.state, contact, input, context.changes)
    return {"companyContact": None if errors else contact, "userErrors": errors}


@resolves("Mutation", "companyAssignCustomerAsContact")
def company_assign_customer_as_contact(
    _: Any,
    info: GraphQLResolveInfo,
    companyId: str,  # noqa: N803
    customerId: str,  # noqa: N803
) -> dict[str, Any]:
    context = ctx(info)
    company = _company(context.state, companyId)
    if company is None:
        return _missing("companyContact", "companyId")
    customer = customer_by_gid(context.state, customerId)
    if customer is None:
        return _missing("companyContact", "customerId", "Customer does not exist.")
    contact, errors = assign_customer(context.state, company, customer, context.changes)
    return {"companyContact": contact, "userErrors": errors}


@resolves("Mutation", "companyContactAssignRole")
def company_contact_assign_role(
    _: Any,
    info: GraphQLResolveInfo,
    companyContactId: str,  # noqa: N803
    companyContactRoleId: str,  # noqa: N803
    companyLocationId: str,  # noqa: N803
) -> dict[str, Any]:
    """Recorded (2025-01 b2b-connection-arguments): a contact gets a role at a location."""
    state = ctx(info).state
    key = "companyContactRoleAssignment"
    contact = _contact(state, companyContactId)
    if contact is None:
        return _missing(key, "companyContactId", CONTACT_NOT_FOUND)
    role = find_role(state, parse_gid(companyContactRoleId, "CompanyContactRole"))
    if role is None or role not in contact.company.roles:
        return _missing(key, "companyContactRoleId")
    location = _location(state, companyLocationId)
    if location is None or location.company is not contact.company:
        return _missing(key, "companyLocationId", LOCATION_NOT_FOUND)
    return {key: assign_role(state, contact, role, location), "userErrors": []}
