"""Customers in the sandbox beyond what the recordings show: search, order hooks, webhooks, Plus."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from shopify_app.sandbox.app import ShopifySandbox
from shopify_app.sandbox.customers import (
    customer_for_order,
    customer_forget_order,
    customer_record_order,
    find_customer,
    write_customer,
)
from shopify_app.sandbox.models import gid
from shopify_app.sandbox.normalize import money, normalize_phone, normalize_tags

from .conftest import SHOP, Gql

CREATE = """
mutation Create($input: CustomerInput!) {
  customerCreate(input: $input) { customer { id } userErrors { field message } }
}
"""
SEARCH = """
query Search($query: String) {
  customers(first: 50, query: $query) { nodes { email } }
}
"""


@pytest.fixture
def shop(make_sandbox: Callable[..., ShopifySandbox]) -> ShopifySandbox:
    return make_sandbox(products=0, deliver_webhooks="off")


def create(gql: Gql, **fields: Any) -> str:
    created = gql.data(CREATE, {"input": fields})["customerCreate"]
    assert created["userErrors"] == [], created
    return str(created["customer"]["id"])


def emails(gql: Gql, query: str) -> list[str]:
    return [node["email"] for node in gql.data(SEARCH, {"query": query})["customers"]["nodes"]]


# ----- normalisation ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+1 (613) 450-5293", "+16134505293"),
        ("+1-613-450-5295", "+16134505295"),
        ("(415) 555-1234", "+14155551234"),
        ("415.555.5678", "+14155555678"),
        ("6135551212", "+16135551212"),
        ("+44 20 7946 0958", "+442079460958"),
        ("0044 20 7946 0958", "+442079460958"),
        ("+1234abcd", None),
        ("not-a-phone", None),
        ("+1 (013) 450-5293", None),
        ("+1" + "1" * 300, None),
    ],
)
def test_phone_numbers_are_normalised_to_e164(raw: str, expected: str | None) -> None:
    assert normalize_phone(raw) == expected


def test_tags_and_money_print_as_shopify_does() -> None:
    assert normalize_tags(["b", "A", " a ", "c, d"]) == ["A", "b", "c", "d"]
    assert [money(Decimal(v)) for v in ("0", "11884.90", "100", "0.50")] == ["0.0", "11884.9", "100.0", "0.5"]


# ----- search -------------------------------------------------------------------------------------
@pytest.fixture
def population(shop: ShopifySandbox) -> Gql:
    gql = Gql(shop)
    create(gql, email="bo.wang@gmail.com", firstName="Bo", lastName="Wang", tags=["VIP", "Wholesale"])
    create(
        gql,
        email="ann@example.com",
        firstName="Ann",
        phone="(613) 555-0142",
        tags=["Retail"],
        addresses=[{"address1": "1 King St", "city": "Toronto", "countryCode": "CA", "provinceCode": "ON"}],
    )
    create(
        gql,
        email="howard@example.com",
        firstName="Howard",
        addresses=[{"city": "Paris", "country": "France"}],
    )
    return gql


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("email:gmail.com", ["bo.wang@gmail.com"]),
        ('email:"ann@example.com"', ["ann@example.com"]),
        ("email:ANN@example.com", ["ann@example.com"]),
        ("tag:vip", ["bo.wang@gmail.com"]),
        ("tag:'Retail,Wholesale'", ["bo.wang@gmail.com", "ann@example.com"]),
        ("tag_not:VIP", ["ann@example.com", "howard@example.com"]),
        ("country:CA", ["ann@example.com"]),
        ("country:france", ["howard@example.com"]),
        ("phone:+16135550142", ["ann@example.com"]),
        ("phone:'613-555-0142'", ["ann@example.com"]),
        ("How*", ["howard@example.com"]),
        ("first_name:ann OR first_name:bo", ["bo.wang@gmail.com", "ann@example.com"]),
        ("-(tag:VIP OR tag:Retail)", ["howard@example.com"]),
        ("NOT email:example.com", ["bo.wang@gmail.com"]),
        ("unknown_filter:x email:gmail.com", ["bo.wang@gmail.com"]),
    ],
)
def test_customer_search(population: Gql, query: str, expected: list[str]) -> None:
    assert emails(population, query) == expected


def test_customers_count_precision_and_filters(population: Gql) -> None:
    shop = population.sandbox.shop()
    first_id = min(shop.customers)
    answer = population.data(
        """query($q: String) { all: customersCount { count precision }
        capped: customersCount(limit: 2) { count precision }
        byId: customersCount(query: $q) { count precision } }""",
        {"q": f"id:>{first_id}"},
    )
    assert answer == {
        "all": {"count": 3, "precision": "EXACT"},
        "capped": {"count": 2, "precision": "AT_LEAST"},
        "byId": {"count": 2, "precision": "EXACT"},
    }


def test_customers_sort_and_node_lookup(population: Gql) -> None:
    answer = population.data(
        "{ customers(first: 3, sortKey: NAME, reverse: true) { nodes { id displayName defaultAddress { id } } } }"
    )
    nodes = answer["customers"]["nodes"]
    assert [n["displayName"] for n in nodes] == ["Howard", "Bo Wang", "Ann"]
    address_id = nodes[0]["defaultAddress"]["id"]
    found = population.data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }", {"ids": [nodes[1]["id"], address_id]}
    )
    assert [n["__typename"] for n in found["nodes"]] == ["Customer", "MailingAddress"]


def test_customer_by_identifier_matches_a_phone_in_any_format(population: Gql) -> None:
    answer = population.data(
        '{ customerByIdentifier(identifier: { phoneNumber: "+1 613-555-0142" }) { email } }'
    )
    assert answer["customerByIdentifier"] == {"email": "ann@example.com"}


# ----- orders -------------------------------------------------------------------------------------
def test_customer_for_order_associates_an_existing_customer(shop: ShopifySandbox) -> None:
    state = shop.shop()
    existing = write_customer(state, {"email": "Buyer@Shop.test", "firstName": "Buyer"}, None)
    by_id, errors = customer_for_order(state, associate={"id": gid("Customer", existing.id)}, upsert=None)
    assert (by_id, errors) == (existing, [])
    by_email, _ = customer_for_order(state, associate={"email": "buyer@shop.test"}, upsert=None)
    assert by_email is existing
    missing, errors = customer_for_order(state, associate={"email": "nobody@shop.test"}, upsert=None)
    assert missing is None
    assert errors == [
        {"field": ["toAssociate", "email"], "message": "Customer does not exist", "code": "INVALID"}
    ]
    assert customer_for_order(state, associate=None, upsert=None) == (None, [])


def test_customer_for_order_upserts_by_email_then_phone(shop: ShopifySandbox) -> None:
    state = shop.shop()
    changes: list[Any] = []
    created, errors = customer_for_order(
        state,
        associate=None,
        upsert={
            "email": "retailer@shop.test",
            "firstName": "Rita",
            "phone": "(212) 555-0100",
            "tags": ["joor"],
            "addresses": [
                {"address1": "5 Main St", "city": "Albany", "province": "New York", "country": "US"}
            ],
        },
        changes=changes,
    )
    assert errors == [] and created is not None
    assert [c.topic for c in changes] == ["customers/create"]
    address = created.default_address
    assert address is not None and (address.province_code, address.province, address.country) == (
        "NY",
        "New York",
        "United States",
    )
    again, errors = customer_for_order(
        state,
        associate=None,
        upsert={
            "email": "RETAILER@shop.test",
            "lastName": "Jones",
            "addresses": [
                {"address1": "5 Main St", "city": "Albany", "province": "New York", "country": "US"},
                {"address1": "9 Side St", "city": "Troy", "country": "United States"},
            ],
        },
        changes=changes,
    )
    assert again is created and errors == []
    assert (created.first_name, created.last_name, created.tags) == ("Rita", "Jones", ["joor"])
    assert [a.address1 for a in created.addresses] == ["5 Main St", "9 Side St"]
    by_phone, _ = customer_for_order(state, associate=None, upsert={"phone": "+12125550100", "note": "n"})
    assert by_phone is created and created.note == "n"
    assert len(state.customers) == 1


def test_customer_for_order_reports_errors_under_order_customer(shop: ShopifySandbox) -> None:
    state = shop.shop()
    bad, errors = customer_for_order(state, associate=None, upsert={"email": "x@shop.test", "phone": "nope"})
    assert bad is None
    assert errors == [{"field": ["toUpsert", "phone"], "message": "Phone is invalid", "code": "INVALID"}]
    _, errors = customer_for_order(state, associate=None, upsert={"id": "gid://shopify/Customer/1"})
    assert errors[0]["field"] == ["toUpsert", "id"]
    _, errors = customer_for_order(state, associate={"id": "x"}, upsert={"email": "y@shop.test"})
    assert errors[0]["code"] == "REDUNDANT_CUSTOMER_FIELDS"
    assert state.customers == {}


def test_recorded_orders_count_towards_the_customer(shop: ShopifySandbox) -> None:
    state = shop.shop()
    gql = Gql(shop)
    customer_id = create(gql, email="spender@shop.test")
    customer = find_customer(state, int(customer_id.rsplit("/", 1)[1]))
    assert customer is not None
    customer_record_order(state, customer, 11, Decimal("20.25"))
    customer_record_order(state, customer, 12, "10.25")
    customer_record_order(state, customer, 12, "10.25")  # the same order again: counted once
    read = "query($id: ID!) { customer(id: $id) { numberOfOrders amountSpent { amount currencyCode } canDelete } }"
    assert gql.data(read, {"id": customer_id})["customer"] == {
        "numberOfOrders": "2",
        "amountSpent": {"amount": "30.5", "currencyCode": "USD"},
        "canDelete": False,
    }
    delete = """mutation($id: ID!) { customerDelete(input: { id: $id }) {
      deletedCustomerId userErrors { field message } } }"""
    refused = gql.data(delete, {"id": customer_id})["customerDelete"]
    assert refused["deletedCustomerId"] is None and refused["userErrors"][0]["field"] == ["id"]
    customer_forget_order(state, customer, 11, "20.25")
    customer_forget_order(state, customer, 12, "10.25")
    assert gql.data(delete, {"id": customer_id})["customerDelete"] == {
        "deletedCustomerId": customer_id,
        "userErrors": [],
    }


# ----- webhooks -----------------------------------------------------------------------------------
def test_customer_writes_raise_customers_webhooks(shop: ShopifySandbox) -> None:
    gql = Gql(shop)
    subscribe = """mutation($topic: WebhookSubscriptionTopic!) {
      webhookSubscriptionCreate(topic: $topic, webhookSubscription: { uri: "https://app.test/hooks" }) {
        userErrors { message } } }"""
    for topic in ("CUSTOMERS_CREATE", "CUSTOMERS_UPDATE", "CUSTOMERS_DELETE"):
        assert gql.data(subscribe, {"topic": topic})["webhookSubscriptionCreate"]["userErrors"] == []
    customer_id = create(
        gql,
        email="hook@shop.test",
        firstName="Hook",
        tags=["b", "a"],
        addresses=[{"address1": "1 Rue", "city": "Lyon", "countryCode": "FR"}],
    )
    gql.data(
        "mutation($input: CustomerInput!) { customerUpdate(input: $input) { userErrors { message } } }",
        {"input": {"id": customer_id, "note": "updated"}},
    )
    gql.data(
        "mutation($id: ID!) { customerDelete(input: { id: $id }) { deletedCustomerId } }", {"id": customer_id}
    )
    deliveries = shop.webhook_deliveries
    assert [d.topic for d in deliveries] == ["customers/create", "customers/update", "customers/delete"]
    created = deliveries[0].payload
    number = int(customer_id.rsplit("/", 1)[1])
    assert created["id"] == number and created["admin_graphql_api_id"] == customer_id
    assert (created["email"], created["tags"], created["state"], created["orders_count"]) == (
        "hook@shop.test",
        "a, b",
        "disabled",
        0,
    )
    assert created["default_address"]["country_name"] == "France"
    assert created["default_address"]["default"] is True
    assert deliveries[1].payload["note"] == "updated"
    assert deliveries[2].payload["id"] == number
    assert deliveries[0].headers["X-Shopify-Shop-Domain"] == SHOP


# ----- Plus ---------------------------------------------------------------------------------------
PLAN = "{ shop { plan { shopifyPlus displayName } } }"


@pytest.mark.parametrize(
    ("options", "plus"),
    [
        ({}, False),
        ({"rate_limit": "plus"}, True),
        ({"plus_shops": (SHOP,)}, True),
        ({"rate_limit": "plus", "plus_shops": ()}, False),
    ],
)
def test_shopify_plus_is_configurable_per_shop(
    make_sandbox: Callable[..., ShopifySandbox], options: dict[str, Any], plus: bool
) -> None:
    sandbox = make_sandbox(products=0, **options)
    plan = Gql(sandbox).data(PLAN)["shop"]["plan"]
    assert plan["shopifyPlus"] is plus
    assert (plan["displayName"] == "Shopify Plus") is plus
