"""Recorded customer and B2B answers replayed against the sandbox (see `test_recorded_parity.py` and
`replay.py` for how answers are compared).

Customers a recording found already in its store are seeded straight into the shop's state with the
recorded values and timestamps, and bound to their recorded ids. Where a recording's documents are
not recorded, the documents here select exactly what its answers hold.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

import pytest

from shopify_app.sandbox.app import ShopifySandbox
from shopify_app.sandbox.customer_models import Customer
from shopify_app.sandbox.customers import customer_record_order, write_customer
from shopify_app.sandbox.models import gid

from .conftest import Gql, recorded
from .test_recorded_parity import Replayer, Step, as_captured, body

SEARCH_LAG = (
    "Shopify's search index lags its writes: a search right after the write does not find the new "
    "customer yet (customers-keyed-search-filters shows the same searches finding customers once indexed)"
)
STORE_COUNT = "the recording store's own customers, which the sandbox does not have"
DELETE = """
mutation CustomerDelete($input: CustomerDeleteInput!) {
  customerDelete(input: $input) { deletedCustomerId userErrors { field message } }
}
"""


@pytest.fixture
def shop(make_sandbox: Callable[..., ShopifySandbox]) -> ShopifySandbox:
    return make_sandbox(products=0)


def documents(rec: dict[str, Any]) -> dict[str, str]:
    """The replay documents of a recording, by file stem."""
    found = rec["_source"].get("parityRequestDocuments") or {}
    return {PurePosixPath(path).stem: text for path, text in found.items()}


def call(name: str, entry: dict[str, Any], query: str | None = None, **options: Any) -> Step:
    """A step from a recorded `{request: {query, variables}, response}` entry."""
    request = entry.get("request", entry)
    return Step(name, query or request["query"], request.get("variables"), body(entry["response"]), **options)


def seed_customer(
    replayer: Replayer,
    recorded_id: str,
    *,
    created_at: str,
    updated_at: str,
    orders: tuple[str, ...] = (),
    **data: Any,
) -> Customer:
    """A customer the recording store already had, with its recorded timestamps."""
    state = replayer.sandbox.shop()
    customer = write_customer(state, data, None)
    for index, amount in enumerate(orders):
        customer_record_order(state, customer, 1 + index, Decimal(amount))
    customer.created_at, customer.updated_at = created_at, updated_at
    replayer.ids.bind(recorded_id, gid("Customer", customer.id))
    return customer


# ----- customerCreate / customerUpdate ------------------------------------------------------------
def test_customer_create_and_update(shop: ShopifySandbox) -> None:
    create = recorded("2025-01--customer-create-parity.json")
    update = recorded("2025-01--customer-update-parity.json")
    docs = documents(create) | documents(update)
    created = create["mutation"]["response"]["data"]["customerCreate"]["customer"]
    read_variables = {"id": created["id"], "query": f"email:{created['email']}", "first": 5}
    read_skip = {"data.customers": SEARCH_LAG, "data.customersCount": STORE_COUNT}
    replayer = Replayer(shop)
    plan = docs["customerCreate-parity-plan"]
    for step in (
        Step("create", plan, create["mutation"]["variables"], body(create["mutation"]["response"])),
        Step(
            "createRead",
            docs["customer-mutation-downstream-read"],
            read_variables,
            body(create["downstreamRead"]),
            skip=read_skip,
        ),
        Step("blankEmail", plan, create["validation"]["variables"], body(create["validation"]["response"])),
        Step(
            "update",
            docs["customerUpdate-parity-plan"],
            update["mutation"]["variables"],
            body(update["mutation"]["response"]),
        ),
        Step(
            "updateRead",
            docs["customer-mutation-downstream-read"],
            read_variables,
            body(update["downstreamRead"]),
            skip=read_skip,
        ),
        Step(
            "unknownId",
            docs["customerUpdate-parity-plan"],
            update["validation"]["variables"],
            body(update["validation"]["response"]),
        ),
        Step(
            "metafieldType",
            docs["customerUpdate-parity-plan"],
            update["metafieldValidation"]["variables"],
            body(update["metafieldValidation"]["response"]),
        ),
    ):
        replayer.run(step)
    replayer.check()


def test_customer_create_rejects_an_id(shop: ShopifySandbox) -> None:
    rec = recorded("2025-01--customer-create-input-id-rejected.json")
    replayer = Replayer(shop)
    replayer.run(Step("create", rec["query"], rec["variables"], body(rec["mutation"]["response"])))
    replayer.check()
    assert shop.shop().customers == {}


def test_customer_create_missing_input(shop: ShopifySandbox) -> None:
    """The recorded `query` is not quite the text that was sent (its `$input` is at column 37, the
    recorded error at 35), so the location is left out of the comparison."""
    rec = recorded("2025-01--customer-create-missing-input.json")
    answer = Gql(shop)(rec["query"], rec["variables"])
    expected = body(rec["mutation"]["response"])
    for error in answer["errors"] + expected["errors"]:
        assert error.pop("locations")
    assert {"errors": answer["errors"]} == expected


NAME_IDENTITY_STORE = [
    # (recorded id, email, createdAt, updatedAt): the store's newest customers when recorded.
    (
        "10588981854514",
        "order-update-localization-1778175129207",
        "2026-05-07T17:32:09Z",
        "2026-05-08T02:19:45Z",
    ),
    (
        "10588978872626",
        "order-update-localization-1778175077804",
        "2026-05-07T17:31:17Z",
        "2026-05-07T17:31:17Z",
    ),
    (
        "10588961571122",
        "order-update-localization-combo-1778174856023",
        "2026-05-07T17:27:36Z",
        "2026-05-07T17:27:36Z",
    ),
    (
        "10588958982450",
        "order-update-localization-1778174826224",
        "2026-05-07T17:27:06Z",
        "2026-05-07T17:27:06Z",
    ),
    ("10588958982449", "older-customer", "2026-05-01T00:00:00Z", "2026-05-01T00:00:00Z"),
]


def test_customer_create_name_identity(shop: ShopifySandbox) -> None:
    rec = recorded("2025-01--customer-create-name-identity.json")
    docs = documents(rec)
    replayer = Replayer(shop)
    for number, email, created_at, updated_at in NAME_IDENTITY_STORE:
        seed_customer(
            replayer,
            f"gid://shopify/Customer/{number}",
            created_at=created_at,
            updated_at=updated_at,
            email=f"{email}@example.com",
        )
    for name, scenario in rec["scenarios"].items():
        create = scenario["create"]
        replayer.run(
            Step(
                f"{name}.create",
                docs["customer_create_name_identity"],
                create["variables"],
                body(create["response"]),
            )
        )
        if "downstreamRead" in scenario:
            read = scenario["downstreamRead"]
            replayer.run(
                Step(
                    f"{name}.read",
                    docs["customer_create_name_identity_read"],
                    read["variables"],
                    body(read["response"]),
                )
            )
    for index, cleanup in enumerate(rec["cleanup"]):
        replayer.run(Step(f"cleanup{index}", DELETE, cleanup["variables"], body(cleanup["response"])))
    replayer.check()


def test_customer_input_addresses(shop: ShopifySandbox) -> None:
    rec = recorded("2025-01--customer-input-addresses-parity.json")
    docs = documents(rec)
    steps = [
        Step(
            name,
            docs[f"customer-input-addresses-{document}"],
            rec[name]["variables"],
            body(rec[name]["response"]),
        )
        for name, document in (
            ("create", "create"),
            ("update", "update"),
            ("downstreamRead", "downstream-read"),
        )
    ]
    replayer = Replayer(shop)
    for step in steps:
        replayer.run(step)
    replayer.check()


def test_customer_phone_normalization(shop: ShopifySandbox) -> None:
    rec = recorded("2025-01--customer-phone-normalization.json")
    docs = documents(rec)
    replayer = Replayer(shop)
    for name, document in (
        ("createFormatted", "create"),
        ("duplicateNormalized", "create"),
        ("updateSetup", "create"),
        ("updateFormatted", "update"),
        ("invalid", "create"),
        ("tooLong", "create"),
        ("setInvalid", "set"),
    ):
        replayer.run(
            Step(
                name,
                docs[f"customer-phone-normalization-{document}"],
                rec[name]["variables"],
                body(rec[name]["response"]),
            )
        )
    for index, cleanup in enumerate(rec["cleanup"]):
        replayer.run(Step(f"cleanup{index}", DELETE, cleanup["variables"], body(cleanup["response"])))
    replayer.check()


def test_customer_input_inline_consent(shop: ShopifySandbox) -> None:
    rec = recorded("2026-07--customer-input-inline-consent-parity.json")
    mutation, validation = rec["mutation"], rec["validation"]
    skip = {"data.customers": SEARCH_LAG}
    replayer = Replayer(shop)
    replayer.run(call("create", mutation))
    replayer.run(call("read", mutation["downstreamRead"], skip=skip))
    for name, case in validation.items():
        replayer.run(call(name, case, skip=skip if name.startswith("downstream") else {}))
    cleanup = next(iter(rec["cleanup"].values()))
    replayer.run(call("cleanup", cleanup))
    replayer.check()


# ----- reads --------------------------------------------------------------------------------------
KARINE = {
    "firstName": "Karine",
    "lastName": "Ruby",
    "email": "karine.ruby@example.com",
    "phone": "+16135550142",
    "addresses": [
        {"address1": "Box 42 - 151 O'Connor St", "city": "Ottawa", "countryCode": "CA", "zip": "K2P2L8"}
    ],
}
# Thirteen orders summing to the recorded amount spent.
KARINE_ORDERS = ("914.2",) * 12 + ("914.5",)


def seed_catalog_customers(replayer: Replayer) -> None:
    """The first customers of the recording store (2025-01 customers-catalog)."""
    seed_customer(
        replayer,
        "gid://shopify/Customer/9522206933298",
        created_at="2025-03-26T19:51:37Z",
        updated_at="2026-05-06T02:40:36Z",
        orders=KARINE_ORDERS,
        **KARINE,
    )
    seed_customer(
        replayer,
        "gid://shopify/Customer/9522206966066",
        created_at="2025-03-26T19:51:37Z",
        updated_at="2025-03-26T19:51:37Z",
        firstName="Ayumu",
        lastName="Hirano",
        email="ayumu.hirano@example.com",
        phone="+16135550127",
    )
    seed_customer(
        replayer,
        "gid://shopify/Customer/9522206998834",
        created_at="2025-03-26T19:51:37Z",
        updated_at="2025-03-26T19:51:38Z",
        firstName="Russell",
        lastName="Winfield",
        email="Russel.winfield@example.com",
        phone="+16135550135",
        locale="UK",
        note="This customer is created with most available fields",
        tags=["VIP"],
        addresses=[{"address1": "105 Victoria St", "city": "Toronto", "countryCode": "CA", "zip": "M5C1N7"}],
    )


@pytest.fixture
def canadian_shop(make_sandbox: Callable[..., ShopifySandbox]) -> ShopifySandbox:
    return make_sandbox(products=0, currency="CAD")


def test_customers_catalog_detail_and_identifier(canadian_shop: ShopifySandbox) -> None:
    catalog = recorded("2025-01--customers-catalog.json")
    detail = recorded("2025-01--customer-detail.json")
    by_identifier = recorded("2025-01--customer-by-identifier.json")
    replayer = Replayer(canadian_shop)
    seed_catalog_customers(replayer)
    seed_customer(
        replayer,
        "gid://shopify/Customer/9522207031602",
        created_at="2025-03-26T19:51:38Z",
        updated_at="2025-03-26T19:51:38Z",
        email="fourth@example.com",
    )
    read = documents(by_identifier)["customer-by-identifier-read"]
    variables = by_identifier["proxyVariables"]
    for step in (
        Step(
            "catalog",
            documents(catalog)["customers-catalog-parity-plan"],
            catalog["proxyVariables"],
            {"data": catalog["data"]},
        ),
        Step(
            "detail",
            documents(detail)["customer-detail-parity-plan"],
            detail["proxyVariables"],
            {"data": detail["data"]},
        ),
        Step("byIdentifier", read, variables, body(by_identifier["positiveAndMissing"])),
        Step(
            "customIdMissing",
            as_captured(
                "#graphql\nquery CustomerByCustomId($identifier: CustomerIdentifierInput!) {\n"
                "  customId: customerByIdentifier(identifier: $identifier) {\n    id\n  }\n}\n"
            ),
            {"identifier": {"customId": {"namespace": "custom", "key": "external_id", "value": "missing"}}},
            body(by_identifier["customIdMissing"]),
        ),
        Step(
            "emptyIdentifier",
            as_captured(f"#graphql\n{read}"),
            {**variables, "idIdentifier": {}},
            body(by_identifier["emptyIdentifier"]),
        ),
    ):
        replayer.run(step)
    replayer.check()


SEARCH_STORE = [
    # (recorded id, email, name, tags, updatedAt): DISABLED customers of the recording store.
    (
        "10885440995634",
        "atlas-procurement-20260703055707-main",
        ("Casey", "Contact"),
        [],
        "2026-07-03T05:57:18Z",
    ),
    ("10885441093938", "customer-set-happy-20260703055707", (None, None), [], "2026-07-03T05:57:08Z"),
    ("10883396272434", "mandate-resolver-probe-1783035872343", (None, None), [], "2026-07-02T23:44:32Z"),
    ("10883395944754", "mandate-success-probe-1783035855160", (None, None), [], "2026-07-02T23:44:15Z"),
    ("10883393683762", "order-payment-void-1783035725330", (None, None), [], "2026-07-02T23:42:09Z"),
    ("10883393683761", "older-probe", (None, None), [], "2026-07-01T00:00:00Z"),
    (
        "10586358743346",
        "customer-tag-note-limits-case-dedupe-1778108370919",
        (None, None),
        ["VIP"],
        "2026-05-06T22:59:31Z",
    ),
]


def seed_search_customers(replayer: Replayer) -> None:
    for number, email, (first, last), tags, updated_at in SEARCH_STORE:
        seed_customer(
            replayer,
            f"gid://shopify/Customer/{number}",
            created_at=updated_at,
            updated_at=updated_at,
            email=f"{email}@example.com",
            firstName=first,
            lastName=last,
            tags=tags,
        )


def test_customers_search(canadian_shop: ShopifySandbox) -> None:
    simple = recorded("2025-01--customers-search.json")
    advanced = recorded("2025-01--customers-advanced-search.json")
    replayer = Replayer(canadian_shop)
    seed_catalog_customers(replayer)
    seed_search_customers(replayer)
    replayer.run(
        Step(
            "search",
            documents(simple)["customers-search-read"],
            simple["proxyVariables"],
            {"data": simple["data"]},
        )
    )
    replayer.run(
        Step(
            "advanced",
            documents(advanced)["customers-advanced-search-read"],
            advanced["proxyVariables"],
            {"data": advanced["data"]},
        )
    )
    replayer.check()


def test_customers_keyed_search_filters(shop: ShopifySandbox) -> None:
    rec = recorded("2025-01--customers-keyed-search-filters.json")
    replayer = Replayer(shop)
    for name in ("canadianCreate", "usCreate", "searchRead"):
        replayer.run(Step(name, rec[name]["query"], rec[name]["variables"], body(rec[name]["response"])))
    for name, cleanup in rec["cleanup"].items():
        replayer.run(Step(name, cleanup["query"], cleanup["variables"], body(cleanup["response"])))
    replayer.check()


def test_customers_count_ignores_filters_it_does_not_know(shop: ShopifySandbox) -> None:
    """`email:` and `state:` are not `customersCount` filters: every customer is counted."""
    rec = recorded("2025-01--customers-count.json")
    state = shop.shop()
    for index in range(rec["data"]["total"]["count"]):
        write_customer(state, {"email": f"count-{index}@example.com"}, None)
    replayer = Replayer(shop)
    replayer.run(
        Step("count", documents(rec)["customers-count-read"], rec["proxyVariables"], {"data": rec["data"]})
    )
    replayer.check()


# ----- customerSet --------------------------------------------------------------------------------
SET_READ = """
query CustomerSetDownstream($createdId: ID!, $upsertedId: ID!, $upsertedEmail: String!, $query: String!,
  $first: Int!) {
  created: customer(id: $createdId) { ...Fields }
  upserted: customer(id: $upsertedId) { ...Fields }
  byIdentifier: customerByIdentifier(identifier: { emailAddress: $upsertedEmail }) { id email displayName }
  customers(first: $first, query: $query) {
    nodes { id email displayName tags }
    pageInfo { hasNextPage hasPreviousPage }
  }
  customersCount { count precision }
}
fragment Fields on Customer {
  id firstName lastName displayName email locale note verifiedEmail taxExempt taxExemptions tags state
  canDelete defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber }
  defaultAddress { address1 city province country zip formattedArea }
  addressesV2(first: 5) {
    nodes { id address1 city province country zip formattedArea }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
  createdAt updatedAt
}
"""


def test_customer_set(shop: ShopifySandbox) -> None:
    rec = recorded("2026-04--customer-set-parity.json")
    upsert = recorded("2026-04--customer-set-email-upsert-when-id-absent.json")
    docs = documents(rec)
    plan, with_code = docs["customerSet-parity"], docs["customer-set-unknown-id-errors"]
    replayer = Replayer(shop)
    for name in (
        "mutation",
        "update",
        "upsert",
        "updateByEmail",
        "clearAddresses",
        "phoneUpsert",
        "phoneUpdate",
        "multiAddressReplacement",
    ):
        replayer.run(Step(name, plan, rec[name]["variables"], body(rec[name]["response"])))
    read = rec["downstreamRead"]
    replayer.run(
        Step(
            "read",
            SET_READ,
            read["variables"],
            body(read["response"]),
            skip={"data.customers": STORE_COUNT, "data.customersCount": STORE_COUNT},
        )
    )
    validation = rec["validation"]
    for name in (
        "missingIdentity",
        "unknownId",
        "duplicateEmail",
        "duplicatePhone",
        "missingIdentifierEmail",
        "mismatchedIdentifierEmail",
        "nullAddressList",
        "nullableUpdate",
    ):
        replayer.run(Step(name, plan, validation[name]["variables"], body(validation[name]["response"])))
    replayer.run(
        Step(
            "unknownIdWithCode",
            with_code,
            validation["unknownIdWithCode"]["variables"],
            body(validation["unknownIdWithCode"]["response"]),
        )
    )
    replayer.run(
        Step(
            "customId",
            as_captured(f"#graphql\n{with_code}"),
            validation["customId"]["variables"],
            body(validation["customId"]["response"]),
        )
    )
    for name, case in validation["idNotAllowed"].items():
        replayer.run(
            Step(
                f"idNotAllowed.{name}",
                docs["customer-set-id-not-allowed"],
                case["variables"],
                body(case["response"]),
            )
        )
    deleted = validation["deletedIdentifier"]
    replayer.run(
        Step(
            "deletedIdentifier.cleanup",
            DELETE,
            {"input": deleted["variables"]["identifier"]},
            body(deleted["cleanup"]),
        )
    )
    replayer.run(Step("deletedIdentifier", plan, deleted["variables"], body(deleted["response"])))
    replayer.run(call("emailUpsert", upsert["cases"]["emailCreate"]))
    replayer.check()


def test_customer_set_custom_id(shop: ShopifySandbox) -> None:
    """The recording's CUSTOMER `id` metafield definition is the one the shop has."""
    rec = recorded("2026-04--customer-set-custom-id.json")
    definition = rec["cases"]["validDefinition"]["request"]["variables"]["definition"]
    shop.shop().customer_custom_ids.add((definition["namespace"], definition["key"]))
    replayer = Replayer(shop)
    cases = rec["cases"]
    for name in ("createNoMatch", "updateMatching", "readBack"):
        replayer.run(call(name, cases[name]))
    for name, case in cases["validations"].items():
        replayer.run(call(name, case))
    for index, cleanup in enumerate(rec["cleanup"]["customers"]):
        replayer.run(call(f"cleanup{index}", cleanup))
    replayer.check()


# ----- B2B ----------------------------------------------------------------------------------------
def test_company_create_lifecycle(shop: ShopifySandbox) -> None:
    rec = recorded("2026-04--b2b-company-create-lifecycle.json")
    replayer = Replayer(shop)
    for name in ("companyCreate", "downstreamRead", "cleanup"):
        replayer.run(call(name, rec[name]))
    replayer.check()
    assert shop.shop().companies == {} and shop.shop().company_locations == {}


def test_company_mutations_on_unknown_ids(shop: ShopifySandbox) -> None:
    replayer = Replayer(shop)
    replayer.run(
        call("validation", recorded("2025-01--b2b-company-mutation-validation.json")["mutationValidation"])
    )
    replayer.check()


def test_company_update_refuses_customer_since(shop: ShopifySandbox) -> None:
    rec = recorded("2026-04--b2b-company-update-customer-since.json")
    replayer = Replayer(shop)
    for name in (
        "setupCompany",
        "updateCustomerSinceOnly",
        "readAfterOnly",
        "updateCustomerSinceWithName",
        "readAfterMixed",
        "updateCustomerSinceNull",
        "readAfterNull",
    ):
        replayer.run(call(name, rec[name]))
    for name, cleanup in rec["cleanup"].items():
        replayer.run(call(name, cleanup))
    replayer.check()


@pytest.mark.parametrize(
    ("name", "steps"),
    [
        (
            "2026-04--b2b-contact-update-customer-readback.json",
            ("companyCreate", "contactCreate", "contactUpdate", "contactReadAfterUpdate"),
        ),
        (
            "2026-04--b2b-location-input-normalization.json",
            (
                "companyCreate",
                "invalidNestedPhone",
                "nestedMalformedLocale",
                "locationCreate",
                "invalidLocationCreatePhone",
                "locationCreateMalformedLocale",
                "locationCreateForUpdate",
                "locationUpdate",
                "invalidLocationUpdatePhone",
                "locationUpdateMalformedLocale",
            ),
        ),
        (
            "2026-04--company_location_name_fallback.json",
            (
                "nestedCompanyCreate",
                "nestedCompanyRead",
                "standaloneSetupCompany",
                "standaloneLocationCreate",
            ),
        ),
        (
            "2026-04--location_assign_address_preserves_id.json",
            (
                "companyCreate",
                "firstBillingAssign",
                "updateBillingAssign",
                "dualLocationCreate",
                "dualAssign",
                "readAfterDualAssign",
                "companyDelete",
            ),
        ),
        (
            "2026-04--assign-customer-as-contact-no-email-invalid-input.json",
            (
                "companyCreate",
                "knownCustomerCreate",
                "unknownCustomerAssign",
                "knownCustomerAssign",
                "duplicateCustomerAssign",
                "noEmailCustomerCreate",
                "noEmailCustomerAssign",
            ),
        ),
    ],
)
def test_b2b_scenario(shop: ShopifySandbox, name: str, steps: tuple[str, ...]) -> None:
    """Each step of the scenario, then its cleanup (the `schemaProbe` introspection is left out: the
    sandbox's schema is a subset)."""
    rec = recorded(name)
    replayer = Replayer(shop)
    for step in steps:
        replayer.run(call(step, rec[step]))
    for key, cleanup in (rec.get("cleanup") or {}).items():
        replayer.run(call(f"cleanup.{key}", cleanup))
    replayer.check()


ROOTS_SEED = """
mutation Seed($input: CompanyCreateInput!) {
  companyCreate(input: $input) {
    company {
      id
      contactRoles(first: 2) { nodes { id } }
      locations(first: 1) { nodes { id } }
      mainContact { id }
    }
    userErrors { field message }
  }
}
"""


def test_company_roots_read(shop: ShopifySandbox) -> None:
    """The company the recording set up (name, note, external id, an HQ location with a phone, a main
    contact titled Buyer), and four others: the store had five companies."""
    rec = recorded("2025-01--b2b-company-roots-read.json")
    fixture = rec["data"]["companies"]["nodes"][0]
    location = fixture["locations"]["nodes"][0]
    gql = Gql(shop)
    seeded = gql.data(
        ROOTS_SEED,
        {
            "input": {
                "company": {
                    "name": fixture["name"],
                    "note": fixture["note"],
                    "externalId": fixture["externalId"],
                },
                "companyLocation": {"name": location["name"], "phone": location["phone"]},
                "companyContact": {"title": "Buyer", "email": "roots-buyer@example.com"},
            }
        },
    )["companyCreate"]["company"]
    for index in range(4):
        gql.data(ROOTS_SEED, {"input": {"company": {"name": f"Other company {index}"}}})
    replayer = Replayer(shop)
    roles = fixture["contactRoles"]["nodes"]
    replayer.ids.bind(fixture["id"], seeded["id"])
    replayer.ids.bind(location["id"], seeded["locations"]["nodes"][0]["id"])
    replayer.ids.bind(fixture["mainContact"]["id"], seeded["mainContact"]["id"])
    for role, sandbox_role in zip(roles, seeded["contactRoles"]["nodes"], strict=True):
        replayer.ids.bind(role["id"], sandbox_role["id"])
    replayer.run(
        Step("read", documents(rec)["b2b-company-roots-read"], rec["variables"], {"data": rec["data"]})
    )
    replayer.run(call("cleanup", rec["cleanup"]))
    replayer.check()


def test_company_connection_arguments(shop: ShopifySandbox) -> None:
    rec = recorded("2025-01--b2b-connection-arguments.json")
    docs = documents(rec)
    replayer = Replayer(shop)
    for name, document in (
        ("companyCreate", "company-create"),
        ("contactCreate", "contact-create"),
        ("locationCreate", "location-create"),
        ("secondaryRoleAssign", "assign-role"),
        ("mainRoleAssign", "assign-role"),
        ("readPageOne", "read"),
    ):
        replayer.run(call(name, rec[name], docs[f"b2b-connection-args-{document}"]))

    def page_two(replayer: Replayer) -> dict[str, Any]:
        first = replayer.answers["readPageOne"]["data"]
        variables = replayer.ids.swap(rec["readPageOne"]["request"]["variables"])
        return {
            **variables,
            "afterCompany": first["companies"]["pageInfo"]["endCursor"],
            "afterLocation": first["companyLocations"]["pageInfo"]["endCursor"],
            "afterCompanyLocation": first["company"]["locations"]["pageInfo"]["endCursor"],
            "afterContact": first["company"]["contacts"]["pageInfo"]["endCursor"],
            "afterContactAssignment": first["companyContact"]["roleAssignments"]["pageInfo"]["endCursor"],
            "afterLocationAssignment": first["companyLocation"]["roleAssignments"]["pageInfo"]["endCursor"],
        }

    unexplained = (
        "Shopify's search answered hasNextPage true after the last of the two locations the query "
        "matches; nothing the scenario created explains a third"
    )
    replayer.run(
        Step(
            "readPageTwo",
            docs["b2b-connection-args-read"],
            page_two,
            body(rec["readPageTwo"]["response"]),
            skip={"data.companyLocations.pageInfo.hasNextPage": unexplained},
        )
    )
    for name, cleanup in rec["cleanup"].items():
        replayer.run(call(f"cleanup.{name}", cleanup))
    replayer.check()
