"""Read-side resolvers of B2B: the `compan*` roots, companies, locations, contacts, roles, addresses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLResolveInfo

from shopify_app.sandbox import customer_search
from shopify_app.sandbox.companies import (
    assignments,
    company_contacts,
    company_locations,
    company_orders,
    find_role,
    search_companies,
    search_locations,
)
from shopify_app.sandbox.company_models import (
    Company,
    CompanyContact,
    CompanyContactRole,
    CompanyLocation,
    RoleAssignment,
)
from shopify_app.sandbox.models import gid, parse_gid
from shopify_app.sandbox.normalize import money
from shopify_app.sandbox.pagination import connection
from shopify_app.sandbox.resolvers import ctx, resolves

Key = Callable[[Any], Any]
COMPANY_SORT: dict[str, Key] = {
    "ID": lambda c: c.id,
    "NAME": lambda c: c.name.lower(),
    "CREATED_AT": lambda c: c.created_at,
    "UPDATED_AT": lambda c: c.updated_at,
    "SINCE_DATE": lambda c: c.customer_since,
}
LOCATION_SORT: dict[str, Key] = {
    "ID": lambda loc: loc.id,
    "RELEVANCE": lambda loc: loc.id,
    "NAME": lambda loc: loc.name.lower(),
    "COMPANY_AND_LOCATION_NAME": lambda loc: f"{loc.company.name.lower()} {loc.name.lower()}",
    "COMPANY_ID": lambda loc: loc.company.id,
    "CREATED_AT": lambda loc: loc.created_at,
    "UPDATED_AT": lambda loc: loc.updated_at,
}
CONTACT_SORT: dict[str, Key] = {
    "ID": lambda c: c.id,
    "RELEVANCE": lambda c: c.id,
    "CREATED_AT": lambda c: c.created_at,
    "UPDATED_AT": lambda c: c.updated_at,
    "TITLE": lambda c: (c.title or "").lower(),
    "EMAIL": lambda c: (c.customer.email or "").lower(),
    "NAME": lambda c: c.customer.display_name.lower(),
    "NAME_EMAIL": lambda c: f"{c.customer.display_name.lower()} {(c.customer.email or '').lower()}",
    "COMPANY_ID": lambda c: c.company.id,
}
ASSIGNMENT_SORT: dict[str, Key] = {
    "ID": lambda a: a.id,
    "CREATED_AT": lambda a: a.created_at,
    "UPDATED_AT": lambda a: a.updated_at,
    "LOCATION_NAME": lambda a: a.location.name.lower(),
}


def _sorted_page(items: list[Any], args: dict[str, Any], sorts: dict[str, Key]) -> dict[str, Any]:
    key = sorts.get(args.get("sortKey") or "ID", sorts["ID"])
    ordered = sorted(items, key=lambda item: (key(item), item.id))
    return connection(
        ordered,
        id_of=lambda item: item.id,
        value_of=key,
        first=args.get("first"),
        after=args.get("after"),
        last=args.get("last"),
        before=args.get("before"),
        reverse=bool(args.get("reverse")),
    )


def _count(value: int) -> dict[str, Any]:
    return {"count": value, "precision": "EXACT"}


# ----- roots --------------------------------------------------------------------------------------
@resolves("QueryRoot", "companies")
def _companies(_: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = ctx(info).state
    sorts: dict[str, Key] = {
        **COMPANY_SORT,
        "ORDER_COUNT": lambda c: company_orders(state, c)[0],
        "TOTAL_SPENT": lambda c: float(company_orders(state, c)[1]),
    }
    return _sorted_page(search_companies(state, args.get("query")), args, sorts)


@resolves("QueryRoot", "companiesCount")
def _companies_count(_: Any, info: GraphQLResolveInfo, limit: int | None = None) -> dict[str, Any]:
    return customer_search.count(len(ctx(info).state.companies), limit)


@resolves("QueryRoot", "company")
def _company(_: Any, info: GraphQLResolveInfo, id: str) -> Company | None:  # noqa: A002 - GraphQL name
    return ctx(info).state.companies.get(parse_gid(id, "Company") or -1)


@resolves("QueryRoot", "companyLocation")
def _company_location(_: Any, info: GraphQLResolveInfo, id: str) -> CompanyLocation | None:  # noqa: A002
    return ctx(info).state.company_locations.get(parse_gid(id, "CompanyLocation") or -1)


@resolves("QueryRoot", "companyLocations")
def _company_locations(_: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    return _sorted_page(search_locations(ctx(info).state, args.get("query")), args, LOCATION_SORT)


@resolves("QueryRoot", "companyContact")
def _company_contact(_: Any, info: GraphQLResolveInfo, id: str) -> CompanyContact | None:  # noqa: A002
    return ctx(info).state.company_contacts.get(parse_gid(id, "CompanyContact") or -1)


@resolves("QueryRoot", "companyContactRole")
def _company_contact_role(_: Any, info: GraphQLResolveInfo, id: str) -> CompanyContactRole | None:  # noqa: A002
    return find_role(ctx(info).state, parse_gid(id, "CompanyContactRole"))


# ----- shared -------------------------------------------------------------------------------------
@resolves("Company", "id")
@resolves("CompanyLocation", "id")
@resolves("CompanyContact", "id")
@resolves("CompanyContactRole", "id")
@resolves("CompanyContactRoleAssignment", "id")
@resolves("CompanyAddress", "id")
def _gid(record: Any, info: GraphQLResolveInfo) -> str:
    return gid(record.graphql_type, record.id)


# ----- Company ------------------------------------------------------------------------------------
@resolves("Company", "contactsCount")
def _contacts_count(company: Company, info: GraphQLResolveInfo) -> dict[str, Any]:
    return _count(len(company_contacts(ctx(info).state, company)))


@resolves("Company", "locationsCount")
def _locations_count(company: Company, info: GraphQLResolveInfo) -> dict[str, Any]:
    return _count(len(company_locations(ctx(info).state, company)))


@resolves("Company", "mainContact")
def _main_contact(company: Company, info: GraphQLResolveInfo) -> CompanyContact | None:
    return ctx(info).state.company_contacts.get(company.main_contact_id or -1)


@resolves("Company", "contactRoles")
def _contact_roles(company: Company, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    return _sorted_page(list(company.roles), args, {"ID": lambda r: r.id})


@resolves("Company", "contacts")
def _contacts(company: Company, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    return _sorted_page(company_contacts(ctx(info).state, company), args, CONTACT_SORT)


@resolves("Company", "locations")
def _locations(company: Company, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = ctx(info).state
    found = search_locations(state, args.get("query"), company_locations(state, company))
    return _sorted_page(found, args, LOCATION_SORT)


@resolves("Company", "ordersCount")
def _company_orders_count(company: Company, info: GraphQLResolveInfo) -> dict[str, Any]:
    return _count(company_orders(ctx(info).state, company)[0])


@resolves("Company", "totalSpent")
def _company_total_spent(company: Company, info: GraphQLResolveInfo) -> dict[str, Any]:
    state = ctx(info).state
    return {"amount": money(company_orders(state, company)[1]), "currencyCode": state.currency}


# ----- CompanyLocation ----------------------------------------------------------------------------
@resolves("CompanyLocation", "taxSettings")
def _tax_settings(location: CompanyLocation, info: GraphQLResolveInfo) -> dict[str, Any]:
    return {
        "taxExempt": location.tax_exempt,
        "taxExemptions": list(location.tax_exemptions),
        "taxRegistrationId": location.tax_registration_id,
    }


@resolves("CompanyLocation", "ordersCount")
def _location_orders_count(location: CompanyLocation, info: GraphQLResolveInfo) -> dict[str, Any]:
    return _count(len(location.order_ids))


@resolves("CompanyLocation", "orderCount")
def _location_order_count(location: CompanyLocation, info: GraphQLResolveInfo) -> int:
    return len(location.order_ids)


@resolves("CompanyLocation", "totalSpent")
def _location_total_spent(location: CompanyLocation, info: GraphQLResolveInfo) -> dict[str, Any]:
    return {"amount": money(location.total_spent), "currencyCode": location.currency}


@resolves("CompanyLocation", "roleAssignments")
def _location_assignments(location: CompanyLocation, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    return _sorted_page(assignments(ctx(info).state, location=location), args, ASSIGNMENT_SORT)


# ----- CompanyContact, roles ----------------------------------------------------------------------
@resolves("CompanyContact", "isMainContact")
def _is_main(contact: CompanyContact, info: GraphQLResolveInfo) -> bool:
    return contact.company.main_contact_id == contact.id


@resolves("CompanyContact", "roleAssignments")
def _contact_assignments(contact: CompanyContact, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    return _sorted_page(assignments(ctx(info).state, contact=contact), args, ASSIGNMENT_SORT)


@resolves("CompanyContactRoleAssignment", "company")
def _assignment_company(assignment: RoleAssignment, info: GraphQLResolveInfo) -> Company:
    return assignment.contact.company


@resolves("CompanyContactRoleAssignment", "companyContact")
def _assignment_contact(assignment: RoleAssignment, info: GraphQLResolveInfo) -> CompanyContact:
    return assignment.contact


@resolves("CompanyContactRoleAssignment", "companyLocation")
def _assignment_location(assignment: RoleAssignment, info: GraphQLResolveInfo) -> CompanyLocation:
    return assignment.location
