"""Customers of a sandbox shop: lookups, validated writes, and what orders need from them.

The orders side uses `customer_for_order` (what `orderCreate(order.customer)` attaches),
`find_customer`, `find_company_location`, and `customer_record_order` /
`company_location_record_order` (so `numberOfOrders`, `amountSpent`, `ordersCount` and `totalSpent`
follow the orders placed).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from graphql import GraphQLError

from shopify_app.sandbox import customer_search
from shopify_app.sandbox.company_models import CompanyLocation
from shopify_app.sandbox.customer_models import Consent, Customer, MailingAddress
from shopify_app.sandbox.customer_payloads import customer_json
from shopify_app.sandbox.customer_search import DATE, EXACT, NOT_EXACT, NUMBER, PHONE, TEXT, Fields
from shopify_app.sandbox.geo import country_code, zone_code
from shopify_app.sandbox.models import Metafield, gid, parse_gid
from shopify_app.sandbox.normalize import (
    normalize_phone,
    normalize_tags,
    phone_problems,
    same_email,
    valid_email,
)
from shopify_app.sandbox.store import Change, ShopState

Path = tuple[str, ...]
IDENTITY_MISSING = "A name, phone number, or email address must be present"
# Recorded (2025-01 customer-update-parity, `metafieldValidation`): the types a metafield may have.
METAFIELD_TYPES_MESSAGE = (
    "Type must be one of the following: antenna_gain, area, battery_charge_capacity, battery_energy_capacity, "
    "boolean, capacitance, color, concentration, data_storage_capacity, data_transfer_rate, date_time, date, "
    "dimension, display_density, distance, duration, electric_current, electrical_resistance, energy, float, "
    "frequency, id, illuminance, inductance, integer, json_string, json, jurisdiction, language, link, "
    "list.antenna_gain, list.area, list.battery_charge_capacity, list.battery_energy_capacity, list.boolean, "
    "list.capacitance, list.color, list.concentration, list.data_storage_capacity, list.data_transfer_rate, "
    "list.date_time, list.date, list.dimension, list.display_density, list.distance, list.duration, "
    "list.electric_current, list.electrical_resistance, list.energy, list.frequency, list.illuminance, "
    "list.inductance, list.jurisdiction, list.link, list.luminous_flux, list.mass_flow_rate, "
    "list.multi_line_text_field, list.number_decimal, list.number_integer, list.power, list.pressure, "
    "list.rating, list.resolution, list.rotational_speed, list.single_line_text_field, list.sound_level, "
    "list.speed, list.temperature, list.thermal_power, list.url, list.voltage, list.volume, "
    "list.volumetric_flow_rate, list.weight, luminous_flux, mass_flow_rate, money, multi_line_text_field, "
    "number_decimal, number_integer, power, pressure, rating, resolution, rich_text_field, rotational_speed, "
    "single_line_text_field, sound_level, speed, string, temperature, thermal_power, url, voltage, volume, "
    "volumetric_flow_rate, weight, company_reference, list.company_reference, customer_reference, "
    "list.customer_reference, product_reference, list.product_reference, collection_reference, "
    "list.collection_reference, variant_reference, list.variant_reference, file_reference, "
    "list.file_reference, product_taxonomy_value_reference, list.product_taxonomy_value_reference, "
    "product_taxonomy_disclosure_reference, metaobject_reference, list.metaobject_reference, mixed_reference, "
    "list.mixed_reference, disclosure_reference, list.disclosure_reference, page_reference, "
    "list.page_reference, article_reference, list.article_reference, order_reference, list.order_reference."
)
METAFIELD_TYPES = frozenset(METAFIELD_TYPES_MESSAGE.split(": ", 1)[1].rstrip(".").split(", "))
# Consent inputs and the contact detail each needs (recorded: 2026-07 customer-input-inline-consent-parity).
CONSENTS = {
    "emailMarketingConsent": (
        "email",
        "An email address is required to set the email marketing consent state.",
    ),
    "smsMarketingConsent": ("phone", "A phone number is required to set the SMS consent state."),
    "whatsAppMarketingConsent": ("phone", "A phone number is required to set the WhatsApp consent state."),
}
CONSENT_UPDATE_MUTATIONS = {
    "emailMarketingConsent": "customerEmailMarketingConsentUpdate",
    "smsMarketingConsent": "customerSmsMarketingConsentUpdate",
    "whatsAppMarketingConsent": "customerWhatsAppMarketingConsentUpdate",
}
# States the consent inputs refuse (the schema's description of `CustomerEmailMarketingConsentInput`).
REFUSED_CONSENT_STATES = ("REDACTED", "NOT_SUBSCRIBED", "INVALID")


def user_error(path: Path, field: str | list[str] | None, message: str, code: str | None = None) -> dict:
    """A userError; `field` None gives `field: null` (recorded for a missing identity on customerCreate)."""
    if field is None:
        where: list[str] | None = list(path) or None
    else:
        where = [*path, *([field] if isinstance(field, str) else field)]
    return {"field": where, "message": message, "code": code}


# ----- lookups ------------------------------------------------------------------------------------
def find_customer(state: ShopState, customer_id: int | None) -> Customer | None:
    return state.customers.get(customer_id) if customer_id is not None else None


def customer_by_gid(state: ShopState, value: Any) -> Customer | None:
    return find_customer(state, parse_gid(value, "Customer"))


def customer_by_email(
    state: ShopState, email: str | None, *, except_id: int | None = None
) -> Customer | None:
    return next(
        (c for c in state.customers.values() if c.id != except_id and same_email(c.email, email)), None
    )


def customer_by_phone(
    state: ShopState, phone: str | None, *, except_id: int | None = None
) -> Customer | None:
    wanted = normalize_phone(phone) if phone else None
    if wanted is None:
        return None
    return next((c for c in state.customers.values() if c.id != except_id and c.phone == wanted), None)


def customer_by_custom_id(state: ShopState, custom_id: dict[str, Any]) -> Customer | None:
    """The customer whose `id`-type metafield holds the value; raises NOT_FOUND without such a
    definition (recorded: 2025-01 customer-by-identifier, 2026-04 customer-set-custom-id)."""
    namespace = custom_id.get("namespace") or state.app_namespace
    if (namespace, custom_id["key"]) not in state.customer_custom_ids:
        raise GraphQLError(
            "Metafield definition of type 'id' is required when using custom ids.",
            extensions={"code": "NOT_FOUND"},
        )
    for customer in state.customers.values():
        for metafield in customer.metafields:
            if (metafield.namespace, metafield.key, metafield.value) == (
                namespace,
                custom_id["key"],
                custom_id["value"],
            ):
                return customer
    return None


def find_company_location(state: ShopState, location_id: int | None) -> CompanyLocation | None:
    """A company location (its company is `.company`), for `orderCreate(companyLocationId:)`."""
    return state.company_locations.get(location_id) if location_id is not None else None


def find_customer_node(state: ShopState, value: str) -> Any:
    """Customer and B2B records by gid (for `node`/`nodes`)."""
    from shopify_app.sandbox.companies import find_company_node

    if (number := parse_gid(value, "Customer")) is not None:
        return state.customers.get(number)
    if (number := parse_gid(value, "MailingAddress")) is not None:
        for customer in state.customers.values():
            for address in customer.addresses:
                if address.id == number:
                    return address
        return None
    return find_company_node(state, value)


# ----- validation ---------------------------------------------------------------------------------
def _text(value: Any) -> str | None:
    """Blank strings are no value (recorded: customerCreate with `email: ""` has no identity)."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def refused_consent(data: dict[str, Any]) -> None:
    """A consent input in a refused state is a top-level INVALID error (recorded: 2026-07
    customer-input-inline-consent-parity, `REDACTED`)."""
    for key in CONSENTS:
        consent = data.get(key) or {}
        state = consent.get("marketingState") or consent.get("state")
        if state in REFUSED_CONSENT_STATES:
            raise GraphQLError(
                f"Cannot specify {state} as a marketing state input", extensions={"code": "INVALID"}
            )


def validate_customer(
    state: ShopState, data: dict[str, Any], target: Customer | None, path: Path = ()
) -> list[dict]:
    """userErrors for writing `data` onto `target` (None: a new customer), fields under `path`."""
    if "taxExempt" in data and data["taxExempt"] is None:
        # Recorded (2026-04 customer-set-parity, `nullableUpdate`): the only error reported.
        return [user_error(path, "taxExempt", "Tax exempt is of unexpected type NilClass", "INVALID")]
    errors: list[dict] = []

    def merged(key: str, current: str | None) -> str | None:
        return _text(data[key]) if key in data else current

    email = merged("email", target.email if target else None)
    phone_raw = merged("phone", None)
    names = [merged("firstName", target.first_name if target else None)]
    names.append(merged("lastName", target.last_name if target else None))
    phone = phone_raw or (target.phone if target and "phone" not in data else None)
    if not (email or phone or any(names)):
        errors.append(user_error(path, None, IDENTITY_MISSING, "BLANK"))
    if "email" in data and email:
        if not valid_email(email):
            errors.append(user_error(path, "email", "Email is invalid", "INVALID"))
        elif customer_by_email(state, email, except_id=target.id if target else None):
            errors.append(user_error(path, "email", "Email has already been taken", "TAKEN"))
    if phone_raw:
        problems = phone_problems(phone_raw)
        for message in problems:
            errors.append(user_error(path, "phone", message, "TOO_LONG" if "long" in message else "INVALID"))
        if not problems and customer_by_phone(state, phone_raw, except_id=target.id if target else None):
            errors.append(user_error(path, "phone", "Phone has already been taken", "TAKEN"))
    for key, (needs, message) in CONSENTS.items():
        if data.get(key) is None:
            continue
        if target is not None:
            mutation = CONSENT_UPDATE_MUTATIONS[key]
            errors.append(
                user_error(
                    path, key, f"To update {key}, please use the {mutation} Mutation instead", "INVALID"
                )
            )
        elif not (email if needs == "email" else phone):
            errors.append(user_error(path, key, message, "INVALID"))
    for index, item in enumerate(data.get("metafields") or []):
        if item.get("type") is not None and item["type"] not in METAFIELD_TYPES:
            errors.append(
                user_error(path, ["metafields", str(index), "type"], METAFIELD_TYPES_MESSAGE, "INVALID")
            )
    return errors


# ----- writes -------------------------------------------------------------------------------------
def mailing_address(state: ShopState, data: dict[str, Any]) -> MailingAddress:
    """A MailingAddress from MailingAddressInput (codes) or OrderCreateCustomerAddressInput (names)."""
    country = data.get("countryCode") or country_code(data.get("country"))
    phone = _text(data.get("phone"))
    return MailingAddress(
        id=state.next_id(),
        first_name=_text(data.get("firstName")),
        last_name=_text(data.get("lastName")),
        company=_text(data.get("company")),
        address1=_text(data.get("address1")),
        address2=_text(data.get("address2")),
        city=_text(data.get("city")),
        zip=_text(data.get("zip")),
        phone=(normalize_phone(phone) or phone) if phone else None,
        country_code=country,
        country_text=None if country else _text(data.get("country")),
        province_code=zone_code(country, data.get("provinceCode") or data.get("province")),
    )


def _addresses(state: ShopState, inputs: list[dict[str, Any]]) -> list[MailingAddress]:
    kept: list[MailingAddress] = []
    for item in inputs:
        address = mailing_address(state, item)
        if all(address.identity() != other.identity() for other in kept):
            kept.append(address)
    return kept


def _consent(data: dict[str, Any] | None, now: str, *, channel: str) -> Consent | None:
    if not data:
        return None
    if channel == "whatsapp":
        return Consent(data["state"], data.get("optInLevel") or "SINGLE_OPT_IN", data.get("updatedAt") or now)
    return Consent(
        data["marketingState"],
        data.get("marketingOptInLevel") or "SINGLE_OPT_IN",
        data.get("consentUpdatedAt") or now,
        "OTHER" if channel == "sms" else None,
    )


def _upsert_metafields(state: ShopState, customer: Customer, inputs: list[dict[str, Any]], now: str) -> None:
    owner = gid("Customer", customer.id)
    for item in inputs:
        namespace = item.get("namespace") or state.app_namespace
        existing = next(
            (m for m in customer.metafields if m.namespace == namespace and m.key == item.get("key")), None
        )
        if existing is None:
            customer.metafields.append(
                Metafield(
                    state.next_id(),
                    owner,
                    namespace,
                    item.get("key") or "",
                    item.get("type") or "single_line_text_field",
                    item.get("value") or "",
                    now,
                    now,
                )
            )
        elif existing.value != item.get("value"):
            existing.value = item.get("value") or ""
            existing.type = item.get("type") or existing.type
            existing.updated_at = now


def write_customer(state: ShopState, data: dict[str, Any], target: Customer | None) -> Customer:
    """Apply validated input: fields present are set (null clears), fields absent are kept."""
    now = state.now()
    customer = target or Customer(id=state.next_id(), created_at=now, updated_at=now)
    texts = {"firstName": "first_name", "lastName": "last_name", "email": "email", "note": "note"}
    for key, attribute in texts.items():
        if key in data:
            setattr(customer, attribute, _text(data[key]) if key != "note" else data[key])
    if "phone" in data:
        customer.phone = normalize_phone(data["phone"]) if _text(data["phone"]) else None
    if "locale" in data:
        customer.locale = _text(data["locale"]) or "en"
    if "multipassIdentifier" in data:
        customer.multipass_identifier = _text(data["multipassIdentifier"])
    if "tags" in data:
        customer.tags = normalize_tags(data["tags"])
    if "taxExempt" in data:
        customer.tax_exempt = bool(data["taxExempt"])
    if "taxExemptions" in data:
        customer.tax_exemptions = list(data["taxExemptions"] or [])
    if data.get("addresses") is not None:
        customer.addresses = _addresses(state, data["addresses"])
        customer.default_address_id = customer.addresses[0].id if customer.addresses else None
    if data.get("metafields"):
        _upsert_metafields(state, customer, data["metafields"], now)
    if target is None:
        customer.email_consent = _consent(data.get("emailMarketingConsent"), now, channel="email")
        customer.sms_consent = _consent(data.get("smsMarketingConsent"), now, channel="sms")
        customer.whatsapp_consent = _consent(data.get("whatsAppMarketingConsent"), now, channel="whatsapp")
    customer.updated_at = now
    state.customers[customer.id] = customer
    return customer


def create_customer(
    state: ShopState, data: dict[str, Any], changes: list[Change], path: Path = ()
) -> tuple[Customer | None, list[dict]]:
    refused_consent(data)
    if data.get("id") is not None:
        return None, [user_error(path, "id", "Cannot specify ID on creation", "ID_NOT_ALLOWED")]
    errors = validate_customer(state, data, None, path)
    if errors:
        return None, errors
    customer = write_customer(state, data, None)
    changes.append(Change("customers/create", customer_json(state, customer)))
    return customer, []


def update_customer(
    state: ShopState, customer: Customer, data: dict[str, Any], changes: list[Change], path: Path = ()
) -> tuple[Customer | None, list[dict]]:
    refused_consent(data)
    errors = validate_customer(state, data, customer, path)
    if errors:
        return None, errors
    write_customer(state, data, customer)
    changes.append(Change("customers/update", customer_json(state, customer)))
    return customer, []


def delete_customer(state: ShopState, customer: Customer, changes: list[Change]) -> None:
    """Remove a customer and the company contacts that were that customer."""
    from shopify_app.sandbox.companies import remove_contact

    for contact in [c for c in state.company_contacts.values() if c.customer is customer]:
        remove_contact(state, contact)
    del state.customers[customer.id]
    changes.append(Change("customers/delete", {"id": customer.id, "phone": None, "addresses": []}))


# ----- orders -------------------------------------------------------------------------------------
UPSERT_FIELDS = (
    "email",
    "firstName",
    "lastName",
    "phone",
    "note",
    "tags",
    "taxExempt",
    "multipassIdentifier",
)


def _for_order(errors: list[dict]) -> list[dict]:
    """orderCreate's userError codes have no TAKEN or BLANK: every customer problem is INVALID."""
    return [{**error, "code": "INVALID"} for error in errors]


def customer_for_order(
    state: ShopState,
    *,
    associate: dict[str, Any] | None,
    upsert: dict[str, Any] | None,
    changes: list[Change] | None = None,
) -> tuple[Customer | None, list[dict]]:
    """The customer `orderCreate(order: {customer: …})` attaches, with userErrors whose fields are
    relative to `order.customer`.

    Follows the schema's descriptions: `toAssociate` names an existing customer by `id` or `email`;
    `toUpsert` updates the customer matched by `id`, else by `email`, else by `phone`, and creates one
    when none matches; its addresses are added to the customer's.
    """
    out = changes if changes is not None else []
    if associate and upsert:
        message = "Only one of toAssociate or toUpsert can be specified."
        return None, [user_error((), None, message, "REDUNDANT_CUSTOMER_FIELDS")]
    if associate:
        if associate.get("id") is not None:
            found = customer_by_gid(state, associate["id"])
            where = "id"
        else:
            found = customer_by_email(state, _text(associate.get("email")))
            where = "email"
        if found is None:
            return None, [user_error(("toAssociate",), where, "Customer does not exist", "INVALID")]
        return found, []
    if not upsert:
        return None, []
    path = ("toUpsert",)
    target = None
    if upsert.get("id") is not None:
        target = customer_by_gid(state, upsert["id"])
        if target is None:
            return None, [user_error(path, "id", "Customer does not exist", "INVALID")]
    target = target or customer_by_email(state, _text(upsert.get("email")))
    target = target or customer_by_phone(state, _text(upsert.get("phone")))
    data = {key: upsert[key] for key in UPSERT_FIELDS if key in upsert}
    if target is None:
        found, errors = create_customer(state, data, out, path)
    else:
        found, errors = update_customer(state, target, data, out, path)
    if found is not None:
        add_addresses(state, found, upsert.get("addresses") or [])
    return found, _for_order(errors)


def add_addresses(state: ShopState, customer: Customer, inputs: list[dict[str, Any]]) -> None:
    """Add the addresses a customer does not have yet (the first becomes the default if none is)."""
    for item in inputs:
        address = mailing_address(state, item)
        if all(address.identity() != other.identity() for other in customer.addresses):
            customer.addresses.append(address)
    if customer.default_address_id is None and customer.addresses:
        customer.default_address_id = customer.addresses[0].id


def customer_record_order(state: ShopState, customer: Customer, order_id: int, amount: Decimal | str) -> None:
    """Count an order towards `numberOfOrders` and `amountSpent` (a customer with orders cannot be
    deleted: `canDelete` false, recorded: customer-detail)."""
    if order_id in customer.order_ids:
        return
    customer.order_ids.append(order_id)
    customer.amount_spent += Decimal(str(amount))
    customer.updated_at = state.now()


def customer_forget_order(state: ShopState, customer: Customer, order_id: int, amount: Decimal | str) -> None:
    """Undo `customer_record_order` (the order was deleted)."""
    if order_id in customer.order_ids:
        customer.order_ids.remove(order_id)
        customer.amount_spent -= Decimal(str(amount))
        customer.updated_at = state.now()


def company_location_record_order(
    state: ShopState, location: CompanyLocation, order_id: int, amount: Decimal | str
) -> None:
    """Count an order towards the location's and its company's `ordersCount` and `totalSpent`
    (recorded: 2025-01 b2b-company-location-order-aggregates)."""
    if order_id not in location.order_ids:
        location.order_ids.append(order_id)
        location.total_spent += Decimal(str(amount))


# ----- search -------------------------------------------------------------------------------------
def _addresses_of(customer: Customer) -> list[Any]:
    return [value for a in customer.addresses for value in (a.country_code, a.country)]


CUSTOMER_FIELDS: Fields = {
    "first_name": (TEXT, lambda c: [c.first_name]),
    "last_name": (TEXT, lambda c: [c.last_name]),
    "name": (TEXT, lambda c: [c.display_name]),
    "email": (TEXT, lambda c: [c.email]),
    "phone": (PHONE, lambda c: [c.phone]),
    "tag": (EXACT, lambda c: c.tags),
    "tag_not": (NOT_EXACT, lambda c: c.tags),
    "state": (EXACT, lambda c: [c.state]),
    "country": (EXACT, _addresses_of),
    "accepts_marketing": (
        EXACT,
        lambda c: [str(bool(c.email_consent and c.email_consent.state == "SUBSCRIBED")).lower()],
    ),
    "id": (NUMBER, lambda c: [c.id]),
    "orders_count": (NUMBER, lambda c: [c.number_of_orders]),
    "total_spent": (NUMBER, lambda c: [c.amount_spent]),
    "customer_date": (DATE, lambda c: [c.created_at]),
    "updated_at": (DATE, lambda c: [c.updated_at]),
    "company": (TEXT, lambda c: [a.company for a in c.addresses]),
}
CUSTOMER_DEFAULT: Fields = {
    name: CUSTOMER_FIELDS[name] for name in ("first_name", "last_name", "email", "phone", "tag", "company")
}
# `customersCount(query:)` filters only on these (the schema's description; recorded: customers-count).
COUNT_FIELDS: Fields = {
    "id": CUSTOMER_FIELDS["id"],
    "created_at": (DATE, lambda c: [c.created_at]),
    "updated_at": CUSTOMER_FIELDS["updated_at"],
}


def search_customers(state: ShopState, query: str | None, *, counting: bool = False) -> list[Customer]:
    tree = customer_search.parse(query)
    fields = COUNT_FIELDS if counting else CUSTOMER_FIELDS
    return [c for c in state.customers.values() if customer_search.matches(tree, c, fields, CUSTOMER_DEFAULT)]
