"""Read-side resolvers of customers: the `customer*` roots, Customer and MailingAddress."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLResolveInfo

from shopify_app.sandbox import customer_search
from shopify_app.sandbox.companies import contact_profiles
from shopify_app.sandbox.customer_models import Consent, Customer, MailingAddress
from shopify_app.sandbox.customers import (
    customer_by_custom_id,
    customer_by_email,
    customer_by_gid,
    customer_by_phone,
    search_customers,
)
from shopify_app.sandbox.models import Metafield, gid
from shopify_app.sandbox.normalize import money, valid_email
from shopify_app.sandbox.pagination import connection
from shopify_app.sandbox.resolvers import ctx, page, resolves

CUSTOMER_SORT: dict[str, Callable[[Customer], Any]] = {
    "ID": lambda c: c.id,
    "RELEVANCE": lambda c: c.id,
    "NAME": lambda c: c.display_name.lower(),
    "CREATED_AT": lambda c: c.created_at,
    "UPDATED_AT": lambda c: c.updated_at,
    "LOCATION": lambda c: " ".join(
        part or ""
        for part in ((c.default_address.country, c.default_address.city) if c.default_address else ())
    ),
}


# ----- roots --------------------------------------------------------------------------------------
@resolves("QueryRoot", "customer")
def _customer(_: Any, info: GraphQLResolveInfo, id: str) -> Customer | None:  # noqa: A002 - GraphQL name
    return customer_by_gid(ctx(info).state, id)


@resolves("QueryRoot", "customers")
def _customers(_: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    key = CUSTOMER_SORT.get(args.get("sortKey") or "ID", CUSTOMER_SORT["ID"])
    found = search_customers(ctx(info).state, args.get("query"))
    return page(sorted(found, key=lambda c: (key(c), c.id)), args, key)


@resolves("QueryRoot", "customersCount")
def _customers_count(_: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    found = search_customers(ctx(info).state, args.get("query"), counting=True)
    return customer_search.count(len(found), args.get("limit"))


@resolves("QueryRoot", "customerByIdentifier")
def _customer_by_identifier(_: Any, info: GraphQLResolveInfo, identifier: dict[str, Any]) -> Customer | None:
    """Recorded (2025-01 customer-by-identifier): by id, email or phone; a miss is null; a custom id
    needs an `id` metafield definition."""
    state = ctx(info).state
    if identifier.get("customId") is not None:
        return customer_by_custom_id(state, identifier["customId"])
    if identifier.get("id") is not None:
        return customer_by_gid(state, identifier["id"])
    if identifier.get("emailAddress") is not None:
        return customer_by_email(state, identifier["emailAddress"])
    return customer_by_phone(state, identifier.get("phoneNumber"))


# ----- Customer -----------------------------------------------------------------------------------
@resolves("Customer", "id")
def _customer_id(customer: Customer, info: GraphQLResolveInfo) -> str:
    return gid("Customer", customer.id)


@resolves("Customer", "legacyResourceId")
def _customer_legacy_id(customer: Customer, info: GraphQLResolveInfo) -> str:
    return str(customer.id)


@resolves("Customer", "numberOfOrders")
def _number_of_orders(customer: Customer, info: GraphQLResolveInfo) -> str:
    return str(customer.number_of_orders)  # UnsignedInt64 is a string (recorded: customer-detail "13")


@resolves("Customer", "amountSpent")
def _amount_spent(customer: Customer, info: GraphQLResolveInfo) -> dict[str, Any]:
    return {"amount": money(customer.amount_spent), "currencyCode": ctx(info).state.currency}


@resolves("Customer", "canDelete")
def _can_delete(customer: Customer, info: GraphQLResolveInfo) -> bool:
    """Only customers without orders can be deleted (customerDelete's description; recorded:
    customer-detail, 13 orders → false)."""
    return not customer.order_ids


@resolves("Customer", "verifiedEmail")
def _verified_email(customer: Customer, info: GraphQLResolveInfo) -> bool:
    return True  # every recorded customer, with or without an email


@resolves("Customer", "validEmailAddress")
def _valid_email(customer: Customer, info: GraphQLResolveInfo) -> bool:
    return bool(customer.email) and valid_email(customer.email or "")


@resolves("Customer", "dataSaleOptOut")
def _data_sale_opt_out(customer: Customer, info: GraphQLResolveInfo) -> bool:
    return False


@resolves("Customer", "addresses")
def _addresses(
    customer: Customer, info: GraphQLResolveInfo, first: int | None = None
) -> list[MailingAddress]:
    return customer.addresses[:first] if first is not None else list(customer.addresses)


@resolves("Customer", "addressesV2")
def _addresses_v2(customer: Customer, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    return page(list(customer.addresses), args)


def _email_state(customer: Customer) -> Consent:
    return customer.email_consent or Consent("NOT_SUBSCRIBED", "SINGLE_OPT_IN", None, None)


def _sms_state(customer: Customer) -> Consent:
    return customer.sms_consent or Consent("NOT_SUBSCRIBED", "SINGLE_OPT_IN", None, None)


@resolves("Customer", "defaultEmailAddress")
def _default_email(customer: Customer, info: GraphQLResolveInfo) -> dict[str, Any] | None:
    if not customer.email:
        return None
    consent = _email_state(customer)
    return {
        "emailAddress": customer.email,
        "marketingState": consent.state,
        "marketingOptInLevel": consent.opt_in_level,
        "marketingUpdatedAt": consent.updated_at,
        "validFormat": valid_email(customer.email),
    }


@resolves("Customer", "defaultPhoneNumber")
def _default_phone(customer: Customer, info: GraphQLResolveInfo) -> dict[str, Any] | None:
    if not customer.phone:
        return None
    consent = _sms_state(customer)
    return {
        "phoneNumber": customer.phone,
        "marketingState": consent.state,
        "marketingOptInLevel": consent.opt_in_level,
        "marketingUpdatedAt": consent.updated_at,
        "marketingCollectedFrom": consent.collected_from,
    }


@resolves("Customer", "emailMarketingConsent")
def _email_consent(customer: Customer, info: GraphQLResolveInfo) -> dict[str, Any] | None:
    if not customer.email:
        return None
    consent = _email_state(customer)
    return {
        "marketingState": consent.state,
        "marketingOptInLevel": consent.opt_in_level,
        "consentUpdatedAt": consent.updated_at,
    }


@resolves("Customer", "smsMarketingConsent")
def _sms_consent(customer: Customer, info: GraphQLResolveInfo) -> dict[str, Any] | None:
    if not customer.phone:
        return None
    consent = _sms_state(customer)
    return {
        "marketingState": consent.state,
        "marketingOptInLevel": consent.opt_in_level,
        "consentUpdatedAt": consent.updated_at,
        "consentCollectedFrom": consent.collected_from,
    }


@resolves("Customer", "companyContactProfiles")
def _contact_profiles(customer: Customer, info: GraphQLResolveInfo) -> list[Any]:
    return contact_profiles(ctx(info).state, customer)


@resolves("Customer", "metafield")
def _metafield(
    customer: Customer, info: GraphQLResolveInfo, key: str, namespace: str | None = None
) -> Metafield | None:
    if namespace is None and "." in key:
        namespace, key = key.split(".", 1)
    namespace = namespace or ctx(info).state.app_namespace
    return next((m for m in customer.metafields if (m.namespace, m.key) == (namespace, key)), None)


@resolves("Customer", "metafields")
def _metafields(customer: Customer, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    items = [
        m
        for m in customer.metafields
        if (args.get("namespace") is None or m.namespace == args["namespace"])
        and (not args.get("keys") or f"{m.namespace}.{m.key}" in args["keys"])
    ]
    return connection(
        items,
        id_of=lambda m: m.id,
        first=args.get("first"),
        after=args.get("after"),
        last=args.get("last"),
        before=args.get("before"),
        reverse=bool(args.get("reverse")),
    )


# ----- MailingAddress -----------------------------------------------------------------------------
@resolves("MailingAddress", "id")
def _address_id(address: MailingAddress, info: GraphQLResolveInfo) -> str:
    return address.gid


@resolves("MailingAddress", "countryCode")
@resolves("MailingAddress", "countryCodeV2")
def _address_country_code(address: MailingAddress, info: GraphQLResolveInfo) -> str | None:
    return address.country_code
