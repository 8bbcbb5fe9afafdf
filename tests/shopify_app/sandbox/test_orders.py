"""Orders in the Shopify sandbox: orderCreate's refusals and stock, customers, updates, cancelling,
paying, deleting, tags, search and counts, webhooks, and the merchant routes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from shopify_app.sandbox.app import ShopifySandbox
from shopify_app.sandbox.models import Variant

from .conftest import SHOP, Gql, http

CREATE = """
mutation Create($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
  orderCreate(order: $order, options: $options) {
    order {
      id name email tags displayFinancialStatus displayFulfillmentStatus closed
      totalPriceSet { shopMoney { amount currencyCode } }
      customer { id email }
      purchasingEntity { __typename ... on PurchasingCompany { company { id } contact { id } location { id } } }
      lineItems(first: 10) { nodes { id quantity unfulfilledQuantity } }
      fulfillmentOrders(first: 10) { nodes { id status assignedLocation { location { id } } } }
    }
    userErrors { field message code }
  }
}
"""
READ = """
query Read($id: ID!) {
  order(id: $id) {
    id name tags closed cancelledAt cancelReason displayFinancialStatus displayFulfillmentStatus
    currentTotalPriceSet { shopMoney { amount } }
    totalOutstandingSet { shopMoney { amount } }
    transactions { kind status amountSet { shopMoney { amount } } }
    fulfillmentOrders(first: 10) { nodes { id status lineItems(first: 10) { nodes { totalQuantity remainingQuantity } } } }
  }
}
"""
CANCEL = """
mutation Cancel($orderId: ID!, $restock: Boolean!, $reason: OrderCancelReason!, $refund: Boolean,
    $refundMethod: OrderCancelRefundMethodInput, $staffNote: String) {
  orderCancel(orderId: $orderId, restock: $restock, reason: $reason, refund: $refund,
      refundMethod: $refundMethod, staffNote: $staffNote) {
    job { id done }
    orderCancelUserErrors { field message code }
    userErrors { field message }
  }
}
"""


def usd(amount: str) -> dict[str, Any]:
    return {"shopMoney": {"amount": amount, "currencyCode": "USD"}}


def custom_line(title: str = "Sample", quantity: int = 1, amount: str = "10.00") -> dict[str, Any]:
    return {"title": title, "quantity": quantity, "priceSet": usd(amount)}


def create(gql: Gql, order: dict[str, Any], options: dict[str, Any] | None = None) -> dict[str, Any]:
    return gql(CREATE, {"order": order, "options": options})["data"]["orderCreate"]


def created(gql: Gql, order: dict[str, Any], options: dict[str, Any] | None = None) -> dict[str, Any]:
    answer = create(gql, order, options)
    assert answer["userErrors"] == [], answer["userErrors"]
    return answer["order"]


def read(gql: Gql, order_id: str) -> dict[str, Any]:
    return gql.data(READ, {"id": order_id})["order"]


def first_variant(sandbox: ShopifySandbox) -> Variant:
    product = next(iter(sandbox.shop().products.values()))
    return product.variants[0]


def available(sandbox: ShopifySandbox, variant: Variant, location_id: int | None = None) -> int:
    state = sandbox.shop()
    level = state.level(variant.inventory_item_id, location_id or state.primary_location().id, create=False)
    assert level is not None
    return level.available


# ----- orderCreate refusals --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("order", "field", "code"),
    [
        ({"lineItems": []}, ["order", "lineItems"], "INVALID"),
        ({"lineItems": [custom_line(quantity=0)]}, ["order", "lineItems", "0", "quantity"], "INVALID"),
        (
            {"lineItems": [{"variantId": "gid://shopify/ProductVariant/1", "quantity": 1}]},
            ["order", "lineItems", "0", "variantId"],
            "INVALID",
        ),
        (
            {"lineItems": [{"quantity": 1, "priceSet": usd("1.00")}]},
            ["order", "lineItems", "0", "title"],
            "INVALID",
        ),
        (
            {"lineItems": [{**custom_line(), "taxLines": [{"title": "Tax", "rate": ""}]}]},
            ["order", "lineItems", "0", "taxLines", "0", "rate"],
            "TAX_LINE_RATE_MISSING",
        ),
        (
            {
                "lineItems": [custom_line()],
                "shippingLines": [
                    {"title": "Ground", "priceSet": usd("5.00"), "taxLines": [{"title": "T", "rate": ""}]}
                ],
            },
            ["order", "shippingLines", "0", "taxLines", "0", "rate"],
            "TAX_LINE_RATE_MISSING",
        ),
        (
            {
                "lineItems": [{**custom_line(), "taxLines": [{"title": "Line", "rate": "0.1"}]}],
                "taxLines": [{"title": "Order", "rate": "0.1"}],
            },
            ["order", "taxLines"],
            "INVALID",
        ),
        (
            {"lineItems": [custom_line()], "fulfillment": {"locationId": "gid://shopify/Location/9"}},
            ["order", "fulfillment", "locationId"],
            "INVALID",
        ),
        ({"lineItems": [custom_line()], "phone": "not a phone"}, ["order", "phone"], "INVALID"),
        ({"lineItems": [custom_line()], "email": "not an email"}, ["order", "email"], "INVALID"),
        (
            {"lineItems": [custom_line()], "companyLocationId": "gid://shopify/CompanyLocation/9"},
            ["order", "companyLocationId"],
            "INVALID",
        ),
        (
            {
                "lineItems": [custom_line()],
                "customer": {
                    "toAssociate": {"email": "a@example.com"},
                    "toUpsert": {"email": "a@example.com"},
                },
            },
            ["order", "customer"],
            "REDUNDANT_CUSTOMER_FIELDS",
        ),
    ],
)
def test_order_create_refusals(
    sandbox: ShopifySandbox, order: dict[str, Any], field: list[str], code: str
) -> None:
    answer = create(Gql(sandbox), order)
    assert answer["order"] is None
    assert [(e["field"], e["code"]) for e in answer["userErrors"]] == [(field, code)]
    assert sandbox.shop().orders == {}


def test_no_line_items_is_refused_with_the_recorded_message(sandbox: ShopifySandbox) -> None:
    """Recorded: order-create-validation-matrix (source project's fixture of live Shopify)."""
    errors = create(Gql(sandbox), {"email": "x@example.com", "lineItems": []})["userErrors"]
    assert [(e["field"], e["message"]) for e in errors] == [
        (["order", "lineItems"], "Line items must have at least one line item")
    ]


def test_a_future_processed_at_is_refused_before_2026_07_and_clamped_from_it(sandbox: ShopifySandbox) -> None:
    order = {"lineItems": [custom_line()], "processedAt": "2099-01-01T00:00:00Z"}
    old = create(Gql(sandbox, version="2026-04"), order)
    assert [(e["field"], e["code"]) for e in old["userErrors"]] == [
        (["order", "processedAt"], "PROCESSED_AT_INVALID")
    ]
    made = created(Gql(sandbox), order)
    processed = Gql(sandbox).data(
        "query($id: ID!) { order(id: $id) { processedAt createdAt } }", {"id": made["id"]}
    )
    assert processed["order"]["processedAt"] == processed["order"]["createdAt"]
    past = created(Gql(sandbox), {**order, "processedAt": "2024-03-01T10:00:00+02:00"})
    answer = Gql(sandbox).data("query($id: ID!) { order(id: $id) { processedAt } }", {"id": past["id"]})
    assert answer["order"]["processedAt"] == "2024-03-01T08:00:00Z"


def test_invalid_enums_and_missing_fields_are_graphql_errors(sandbox: ShopifySandbox) -> None:
    """A bad currency code or a missing quantity never reaches the resolver: INVALID_VARIABLE."""
    gql = Gql(sandbox)
    bad_currency = gql(CREATE, {"order": {"currency": "XYZ", "lineItems": [custom_line()]}})
    assert bad_currency["errors"][0]["extensions"]["code"] == "INVALID_VARIABLE"
    no_quantity = gql(CREATE, {"order": {"lineItems": [{"title": "x"}]}})
    assert no_quantity["errors"][0]["extensions"]["code"] == "INVALID_VARIABLE"
    assert sandbox.shop().orders == {}


# ----- orderCreate: names, money, locations, stock ---------------------------------------------------
def test_orders_are_named_in_sequence_with_the_variant_defaults(sandbox: ShopifySandbox) -> None:
    gql = Gql(sandbox)
    variant = first_variant(sandbox)
    first = created(
        gql, {"lineItems": [{"variantId": f"gid://shopify/ProductVariant/{variant.id}", "quantity": 2}]}
    )
    second = created(gql, {"lineItems": [custom_line()]})
    assert (first["name"], second["name"]) == ("#1001", "#1002")
    line = gql.data(
        "query($id: ID!) { order(id: $id) { lineItems(first: 1) { nodes { title sku variantTitle "
        "originalUnitPriceSet { shopMoney { amount } } product { id } } } } }",
        {"id": first["id"]},
    )["order"]["lineItems"]["nodes"][0]
    product = sandbox.shop().product_of(variant)
    assert line["title"] == product.title and line["sku"] == variant.sku
    assert line["variantTitle"] == variant.title
    assert line["originalUnitPriceSet"]["shopMoney"]["amount"] == str(float(variant.price))
    assert line["product"]["id"] == f"gid://shopify/Product/{product.id}"


def test_totals_with_percentage_discount_order_taxes_and_free_shipping(sandbox: ShopifySandbox) -> None:
    gql = Gql(sandbox)
    made = created(
        gql,
        {
            "lineItems": [custom_line("A", 2, "30.00"), custom_line("B", 1, "40.00")],
            "taxLines": [{"title": "VAT", "rate": "0.1"}],
            "discountCode": {"itemPercentageDiscountCode": {"code": "TEN", "percentage": 10}},
            "shippingLines": [{"title": "Ground", "priceSet": usd("8.00")}],
        },
    )
    money = gql.data(
        "query($id: ID!) { order(id: $id) { discountCodes subtotalPriceSet { shopMoney { amount } } "
        "totalDiscountsSet { shopMoney { amount } } totalTaxSet { shopMoney { amount } } "
        "totalPriceSet { shopMoney { amount } } taxLines { title rate priceSet { shopMoney { amount } } } } }",
        {"id": made["id"]},
    )["order"]
    assert money["discountCodes"] == ["TEN"]
    assert money["subtotalPriceSet"]["shopMoney"]["amount"] == "90.0"  # 100 less 10%
    assert money["totalDiscountsSet"]["shopMoney"]["amount"] == "10.0"
    assert money["totalTaxSet"]["shopMoney"]["amount"] == "9.0"  # 10% of the discounted lines
    assert money["totalPriceSet"]["shopMoney"]["amount"] == "107.0"
    assert money["taxLines"] == [{"title": "VAT", "rate": 0.1, "priceSet": {"shopMoney": {"amount": "9.0"}}}]
    free = created(
        gql,
        {
            "lineItems": [custom_line()],
            "shippingLines": [{"title": "Ground", "priceSet": usd("8.00")}],
            "discountCode": {"freeShippingDiscountCode": {"code": "SHIPFREE"}},
        },
    )
    assert free["totalPriceSet"]["shopMoney"]["amount"] == "10.0"


def test_taxes_included_are_not_added_to_the_total(sandbox: ShopifySandbox) -> None:
    gql = Gql(sandbox)
    made = created(
        gql,
        {
            "taxesIncluded": True,
            "lineItems": [
                {
                    **custom_line(amount="11.00"),
                    "taxLines": [{"title": "VAT", "rate": "0.1", "priceSet": usd("1.00")}],
                }
            ],
        },
    )
    assert made["totalPriceSet"]["shopMoney"]["amount"] == "11.0"
    computed = created(
        gql,
        {
            "taxesIncluded": True,
            "lineItems": [{**custom_line(amount="11.00"), "taxLines": [{"title": "VAT", "rate": "0.1"}]}],
        },
    )
    tax = gql.data(
        "query($id: ID!) { order(id: $id) { totalTaxSet { shopMoney { amount } } } }", {"id": computed["id"]}
    )
    assert tax["order"]["totalTaxSet"]["shopMoney"]["amount"] == "1.0"  # the tax inside 11.00 at 10%


def test_financial_status_given_stands_and_pending_orders_can_be_paid(sandbox: ShopifySandbox) -> None:
    gql = Gql(sandbox)
    pending = created(gql, {"financialStatus": "PENDING", "lineItems": [custom_line()]})
    assert pending["displayFinancialStatus"] == "PENDING"
    paid = gql.data(
        "mutation($input: OrderMarkAsPaidInput!) { orderMarkAsPaid(input: $input) { order { displayFinancialStatus "
        "totalOutstandingSet { shopMoney { amount } } transactions { kind gateway amountSet { shopMoney { amount } } } } "
        "userErrors { field message } } }",
        {"input": {"id": pending["id"]}},
    )["orderMarkAsPaid"]
    assert paid["userErrors"] == []
    assert paid["order"]["displayFinancialStatus"] == "PAID"
    assert paid["order"]["transactions"] == [
        {"kind": "SALE", "gateway": "manual", "amountSet": {"shopMoney": {"amount": "10.0"}}}
    ]


def test_mark_as_paid_captures_an_authorisation_and_refuses_unknown_orders(sandbox: ShopifySandbox) -> None:
    gql = Gql(sandbox)
    authorized = created(
        gql,
        {
            "lineItems": [custom_line()],
            "transactions": [{"kind": "AUTHORIZATION", "amountSet": usd("10.00")}],
        },
    )
    assert authorized["displayFinancialStatus"] == "AUTHORIZED"
    mark = "mutation($id: ID!) { orderMarkAsPaid(input: {id: $id}) { order { displayFinancialStatus transactions { kind } } userErrors { field message } } }"
    answer = gql.data(mark, {"id": authorized["id"]})["orderMarkAsPaid"]
    assert answer["order"] == {
        "displayFinancialStatus": "PAID",
        "transactions": [{"kind": "AUTHORIZATION"}, {"kind": "CAPTURE"}],
    }
    unknown = gql.data(mark, {"id": "gid://shopify/Order/1"})["orderMarkAsPaid"]
    assert unknown == {"order": None, "userErrors": [{"field": ["id"], "message": "Order does not exist"}]}


def test_variant_lines_go_to_the_location_that_stocks_them(sandbox: ShopifySandbox) -> None:
    state = sandbox.shop()
    variant = first_variant(sandbox)
    other = next(loc for loc in state.locations.values() if not loc.is_primary)
    for key in [
        key for key in state.levels if key == (variant.inventory_item_id, state.primary_location().id)
    ]:
        del state.levels[key]
    state.level(variant.inventory_item_id, other.id)
    made = created(
        Gql(sandbox),
        {
            "lineItems": [
                {"variantId": f"gid://shopify/ProductVariant/{variant.id}", "quantity": 1},
                custom_line(),
            ]
        },
    )
    locations = [fo["assignedLocation"]["location"]["id"] for fo in made["fulfillmentOrders"]["nodes"]]
    assert locations == [
        f"gid://shopify/Location/{other.id}",
        f"gid://shopify/Location/{state.primary_location().id}",
    ]
    given = created(
        Gql(sandbox),
        {"lineItems": [custom_line()], "fulfillment": {"locationId": f"gid://shopify/Location/{other.id}"}},
    )
    assert given["displayFulfillmentStatus"] == "FULFILLED"
    assert [fo["assignedLocation"]["location"]["id"] for fo in given["fulfillmentOrders"]["nodes"]] == [
        f"gid://shopify/Location/{other.id}"
    ]


@pytest.mark.parametrize("behaviour", [None, "BYPASS"])
def test_bypass_leaves_stock_alone(sandbox: ShopifySandbox, behaviour: str | None) -> None:
    variant = first_variant(sandbox)
    before = available(sandbox, variant)
    options = {"inventoryBehaviour": behaviour} if behaviour else None
    created(
        Gql(sandbox),
        {"lineItems": [{"variantId": f"gid://shopify/ProductVariant/{variant.id}", "quantity": 2}]},
        options,
    )
    assert available(sandbox, variant) == before


def test_decrementing_claims_stock_and_obeying_refuses_what_is_not_there(sandbox: ShopifySandbox) -> None:
    gql = Gql(sandbox)
    variant = first_variant(sandbox)
    line = {"variantId": f"gid://shopify/ProductVariant/{variant.id}"}
    stock = available(sandbox, variant)
    created(gql, {"lineItems": [{**line, "quantity": 2}]}, {"inventoryBehaviour": "DECREMENT_OBEYING_POLICY"})
    assert available(sandbox, variant) == stock - 2
    refused = create(
        gql, {"lineItems": [{**line, "quantity": stock}]}, {"inventoryBehaviour": "DECREMENT_OBEYING_POLICY"}
    )
    assert refused["order"] is None
    assert refused["userErrors"] == [
        {
            "field": ["order", "lineItems"],
            "message": "Line items Unable to reserve inventory",
            "code": "INVALID",
        }
    ]
    assert available(sandbox, variant) == stock - 2 and len(sandbox.shop().orders) == 1
    created(
        gql, {"lineItems": [{**line, "quantity": stock}]}, {"inventoryBehaviour": "DECREMENT_IGNORING_POLICY"}
    )
    assert available(sandbox, variant) == -2
    variant.inventory_policy = "CONTINUE"  # overselling allowed: obeying the policy lets it through
    created(gql, {"lineItems": [{**line, "quantity": 1}]}, {"inventoryBehaviour": "DECREMENT_OBEYING_POLICY"})
    assert available(sandbox, variant) == -3


def test_cancelling_with_restock_returns_claimed_stock(sandbox: ShopifySandbox) -> None:
    gql = Gql(sandbox)
    variant = first_variant(sandbox)
    stock = available(sandbox, variant)
    made = created(
        gql,
        {"lineItems": [{"variantId": f"gid://shopify/ProductVariant/{variant.id}", "quantity": 3}]},
        {"inventoryBehaviour": "DECREMENT_IGNORING_POLICY"},
    )
    answer = gql.data(CANCEL, {"orderId": made["id"], "restock": True, "reason": "CUSTOMER"})["orderCancel"]
    assert answer["orderCancelUserErrors"] == [] and answer["job"]["done"] is False
    assert answer["job"]["id"].startswith("gid://shopify/Job/")
    assert available(sandbox, variant) == stock


# ----- customers and companies ---------------------------------------------------------------------
def test_an_email_makes_a_customer_and_to_associate_reuses_it(sandbox: ShopifySandbox) -> None:
    gql = Gql(sandbox)
    first = created(gql, {"email": "buyer@example.com", "lineItems": [custom_line()]})
    assert first["customer"]["email"] == "buyer@example.com"
    second = created(
        gql, {"customer": {"toAssociate": {"id": first["customer"]["id"]}}, "lineItems": [custom_line()]}
    )
    assert second["customer"] == first["customer"]
    assert second["purchasingEntity"] == {"__typename": "Customer"}
    missing = create(
        gql, {"customer": {"toAssociate": {"email": "nobody@example.com"}}, "lineItems": [custom_line()]}
    )
    assert missing["userErrors"] == [
        {
            "field": ["order", "customer", "toAssociate", "email"],
            "message": "Customer does not exist",
            "code": "INVALID",
        }
    ]
    anonymous = created(gql, {"lineItems": [custom_line()]})
    assert anonymous["customer"] is None and anonymous["purchasingEntity"] is None


def test_a_company_location_order_has_a_purchasing_company(sandbox: ShopifySandbox) -> None:
    gql = Gql(sandbox)
    company = gql.data(
        "mutation($input: CompanyCreateInput!) { companyCreate(input: $input) { company { id "
        "contacts(first: 1) { nodes { id customer { email } } } locations(first: 1) { nodes { id } } } userErrors { message } } }",
        {
            "input": {
                "company": {"name": "Boutique Nord"},
                "companyContact": {"email": "buyer@boutique.example", "firstName": "Ines"},
                "companyLocation": {"name": "Paris"},
            }
        },
    )["companyCreate"]["company"]
    location = company["locations"]["nodes"][0]["id"]
    made = created(
        gql,
        {
            "companyLocationId": location,
            "customer": {"toAssociate": {"email": "buyer@boutique.example"}},
            "lineItems": [custom_line()],
        },
    )
    assert made["purchasingEntity"] == {
        "__typename": "PurchasingCompany",
        "company": {"id": company["id"]},
        "contact": {"id": company["contacts"]["nodes"][0]["id"]},
        "location": {"id": location},
    }


# ----- orderUpdate, orderCancel, orderDelete, tags ---------------------------------------------------
UPDATE = "mutation($input: OrderInput!) { orderUpdate(input: $input) { order { id note poNumber phone tags } userErrors { field message } } }"


def test_order_update_refusals_and_changes(sandbox: ShopifySandbox) -> None:
    """Recorded wording: order-update-unknown-id and orderUpdate-input-validation (source project's
    fixtures of live Shopify)."""
    gql = Gql(sandbox)
    made = created(gql, {"lineItems": [custom_line()]})
    unknown = gql.data(UPDATE, {"input": {"id": "gid://shopify/Order/0", "note": "x"}})["orderUpdate"]
    assert unknown == {"order": None, "userErrors": [{"field": ["id"], "message": "Order does not exist"}]}
    empty = gql.data(UPDATE, {"input": {"id": made["id"]}})["orderUpdate"]
    assert empty["userErrors"] == [
        {"field": None, "message": "No valid update parameters have been provided"}
    ]
    phone = gql.data(UPDATE, {"input": {"id": made["id"], "phone": "not a phone"}})["orderUpdate"]
    assert phone["userErrors"] == [{"field": ["phone"], "message": "Phone is invalid"}]
    changed = gql.data(
        UPDATE,
        {
            "input": {
                "id": made["id"],
                "note": "Deliver Tuesday",
                "poNumber": "PO-7",
                "phone": "(613) 450-5293",
                "tags": "b, a",
            }
        },
    )["orderUpdate"]
    assert changed["userErrors"] == []
    assert changed["order"] == {
        "id": made["id"],
        "note": "Deliver Tuesday",
        "poNumber": "PO-7",
        "phone": "+16134505293",
        "tags": ["a", "b"],
    }


@pytest.mark.parametrize(
    ("variables", "field", "message"),
    [
        (
            {"staffNote": "x" * 256},
            ["staffNote"],
            "Staff note is too long. Maximum length is 255 characters.",
        ),
        (
            {"refund": True, "refundMethod": {"originalPaymentMethodsRefund": True}},
            ["refund"],
            "Only one of the arguments `refund` or `refund_method` is allowed.",
        ),
    ],
)
def test_order_cancel_argument_refusals(
    sandbox: ShopifySandbox, variables: dict[str, Any], field: list[str], message: str
) -> None:
    """Recorded: 2026-04 orderCancel-error-messages (source project's fixture of live Shopify)."""
    gql = Gql(sandbox)
    made = created(gql, {"lineItems": [custom_line()]})
    answer = gql.data(CANCEL, {"orderId": made["id"], "restock": False, "reason": "OTHER", **variables})[
        "orderCancel"
    ]
    assert answer == {
        "job": None,
        "orderCancelUserErrors": [{"field": field, "message": message, "code": "INVALID"}],
        "userErrors": [{"field": field, "message": message}],
    }
    assert read(gql, made["id"])["cancelledAt"] is None


def test_order_cancel_twice_and_unknown(sandbox: ShopifySandbox) -> None:
    gql = Gql(sandbox)
    made = created(gql, {"lineItems": [custom_line()]})
    gql.data(CANCEL, {"orderId": made["id"], "restock": False, "reason": "OTHER"})
    again = gql.data(CANCEL, {"orderId": made["id"], "restock": False, "reason": "OTHER"})["orderCancel"]
    assert again["orderCancelUserErrors"] == [
        {
            "field": ["orderId"],
            "message": "Cannot cancel an order that has already been canceled",
            "code": "INVALID",
        }
    ]
    unknown = gql.data(CANCEL, {"orderId": "gid://shopify/Order/1", "restock": False, "reason": "OTHER"})[
        "orderCancel"
    ]
    assert unknown["orderCancelUserErrors"][0]["code"] == "NOT_FOUND"


def test_cancelling_a_paid_order_without_refund_keeps_it_open(sandbox: ShopifySandbox) -> None:
    """Recorded (2026-04 fulfillment-create-preconditions): the money is still to be refunded."""
    gql = Gql(sandbox)
    made = created(
        gql, {"lineItems": [custom_line()], "transactions": [{"kind": "SALE", "amountSet": usd("10.00")}]}
    )
    gql.data(CANCEL, {"orderId": made["id"], "restock": True, "reason": "OTHER"})
    after = read(gql, made["id"])
    assert (after["closed"], after["displayFinancialStatus"], after["cancelReason"]) == (
        False,
        "PAID",
        "OTHER",
    )
    assert after["fulfillmentOrders"]["nodes"][0]["status"] == "CLOSED"
    assert after["fulfillmentOrders"]["nodes"][0]["lineItems"]["nodes"] == [
        {"totalQuantity": 1, "remainingQuantity": 1}
    ]


def test_cancelling_an_authorised_order_voids_the_authorisation(sandbox: ShopifySandbox) -> None:
    gql = Gql(sandbox)
    made = created(
        gql,
        {
            "lineItems": [custom_line()],
            "transactions": [{"kind": "AUTHORIZATION", "amountSet": usd("10.00")}],
        },
    )
    gql.data(CANCEL, {"orderId": made["id"], "restock": False, "reason": "DECLINED"})
    after = read(gql, made["id"])
    assert after["displayFinancialStatus"] == "VOIDED"
    assert [t["kind"] for t in after["transactions"]] == ["AUTHORIZATION", "VOID"]
    assert after["closed"] is True


def test_order_delete(sandbox: ShopifySandbox) -> None:
    """Recorded: 2026-04 order-delete-snapshot-staging (source project's fixture of live Shopify)."""
    gql = Gql(sandbox)
    made = created(gql, {"lineItems": [custom_line()]})
    delete = (
        "mutation($id: ID!) { orderDelete(orderId: $id) { deletedId userErrors { field message code } } }"
    )
    assert gql.data(delete, {"id": made["id"]})["orderDelete"] == {"deletedId": made["id"], "userErrors": []}
    assert gql.data(delete, {"id": made["id"]})["orderDelete"] == {
        "deletedId": None,
        "userErrors": [{"field": ["orderId"], "message": "Order does not exist", "code": "NOT_FOUND"}],
    }
    assert gql.data(READ, {"id": made["id"]})["order"] is None


def test_tags_on_unknown_or_untaggable_ids_are_not_found(sandbox: ShopifySandbox) -> None:
    gql = Gql(sandbox)
    add = 'mutation($id: ID!) { tagsAdd(id: $id, tags: ["x"]) { node { id } userErrors { message } } }'
    for unknown in (
        "gid://shopify/Order/1",
        f"gid://shopify/Location/{sandbox.shop().primary_location().id}",
    ):
        answer = gql(add, {"id": unknown})
        assert answer["data"] == {"tagsAdd": None}
        assert answer["errors"][0]["message"] == "invalid id"
        assert answer["errors"][0]["extensions"] == {"code": "RESOURCE_NOT_FOUND"}


# ----- search and counts -----------------------------------------------------------------------------
SEARCH = "query($q: String, $sort: OrderSortKeys, $reverse: Boolean) { orders(first: 20, query: $q, sortKey: $sort, reverse: $reverse) { nodes { name } } }"


def names(gql: Gql, query: str | None, sort: str | None = None, reverse: bool = False) -> list[str]:
    nodes = gql.data(SEARCH, {"q": query, "sort": sort, "reverse": reverse})["orders"]["nodes"]
    return [node["name"] for node in nodes]


def test_order_search_terms(sandbox: ShopifySandbox, clock: Any) -> None:
    gql = Gql(sandbox)
    a = created(
        gql, {"tags": ["joor"], "sourceIdentifier": "J-100", "poNumber": "PO-1", "lineItems": [custom_line()]}
    )
    clock.advance(60)
    b = created(
        gql,
        {
            "tags": ["joor", "rush"],
            "sourceIdentifier": "J-200",
            "lineItems": [custom_line()],
            "transactions": [{"kind": "SALE", "amountSet": usd("10.00")}],
        },
    )
    clock.advance(60)
    created(gql, {"lineItems": [custom_line()]})
    gql.data(CANCEL, {"orderId": a["id"], "restock": False, "reason": "OTHER"})
    assert names(gql, "tag:joor") == ["#1001", "#1002"]
    assert names(gql, "tag_not:rush") == ["#1001", "#1003"]
    assert names(gql, "source_identifier:J-200") == ["#1002"]
    assert names(gql, "name:1003 OR name:#1001") == ["#1001", "#1003"]
    assert names(gql, "financial_status:paid") == ["#1002"]
    assert names(gql, "fulfillment_status:unfulfilled tag:joor") == ["#1001", "#1002"]
    assert names(gql, "status:cancelled") == ["#1001"]
    assert names(gql, "status:open") == ["#1002", "#1003"]
    assert names(gql, "po_number:PO-1") == ["#1001"]
    assert names(gql, f"id:{b['id'].rsplit('/', 1)[1]}") == ["#1002"]
    created_b = gql.data("query($id: ID!) { order(id: $id) { createdAt } }", {"id": b["id"]})["order"][
        "createdAt"
    ]
    assert names(gql, f"created_at:>='{created_b}'") == ["#1002", "#1003"]
    assert names(gql, "updated_at:>2000-01-01") == ["#1001", "#1002", "#1003"]
    assert names(gql, None, "CREATED_AT", True) == ["#1003", "#1002", "#1001"]
    assert names(gql, "joor", "ORDER_NUMBER", True) == ["#1002", "#1001"]


def test_orders_count_precision(sandbox: ShopifySandbox) -> None:
    gql = Gql(sandbox)
    for _ in range(3):
        created(gql, {"tags": ["x"], "lineItems": [custom_line()]})
    count = (
        'query { all: ordersCount { count precision } tagged: ordersCount(query: "tag:x", limit: 2) { count precision } '
        'unlimited: ordersCount(limit: null) { count precision } none: ordersCount(query: "tag:y") { count precision } }'
    )
    assert gql.data(count) == {
        "all": {"count": 3, "precision": "EXACT"},
        "tagged": {"count": 2, "precision": "AT_LEAST"},
        "unlimited": {"count": 3, "precision": "EXACT"},
        "none": {"count": 0, "precision": "EXACT"},
    }


def test_orders_page_through_cursors(sandbox: ShopifySandbox) -> None:
    gql = Gql(sandbox)
    for _ in range(3):
        created(gql, {"lineItems": [custom_line()]})
    page_query = "query($after: String) { orders(first: 2, after: $after) { nodes { name } pageInfo { hasNextPage endCursor } } }"
    first = gql.data(page_query)["orders"]
    second = gql.data(page_query, {"after": first["pageInfo"]["endCursor"]})["orders"]
    assert [n["name"] for n in first["nodes"] + second["nodes"]] == ["#1001", "#1002", "#1003"]
    assert (first["pageInfo"]["hasNextPage"], second["pageInfo"]["hasNextPage"]) == (True, False)


def test_orders_are_nodes(sandbox: ShopifySandbox) -> None:
    gql = Gql(sandbox)
    made = created(gql, {"lineItems": [custom_line()]})
    fo = made["fulfillmentOrders"]["nodes"][0]["id"]
    answer = gql.data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }",
        {"ids": [made["id"], fo, made["lineItems"]["nodes"][0]["id"], "gid://shopify/Order/1"]},
    )
    assert [n and n["__typename"] for n in answer["nodes"]] == ["Order", "FulfillmentOrder", "LineItem", None]


# ----- webhooks --------------------------------------------------------------------------------------
TOPICS = (
    "ORDERS_CREATE",
    "ORDERS_UPDATED",
    "ORDERS_PAID",
    "ORDERS_CANCELLED",
    "ORDERS_FULFILLED",
    "ORDERS_PARTIALLY_FULFILLED",
    "ORDERS_DELETE",
    "FULFILLMENTS_CREATE",
    "FULFILLMENTS_UPDATE",
)


@pytest.fixture
def hooked(make_sandbox: Callable[..., ShopifySandbox]) -> ShopifySandbox:
    sandbox = make_sandbox(webhook_transport=httpx.MockTransport(lambda request: httpx.Response(200)))
    gql = Gql(sandbox)
    for topic in TOPICS:
        answer = gql.data(
            "mutation($topic: WebhookSubscriptionTopic!) { webhookSubscriptionCreate(topic: $topic, "
            'webhookSubscription: {uri: "https://app.example/webhooks"}) { userErrors { message } } }',
            {"topic": topic},
        )
        assert answer["webhookSubscriptionCreate"]["userErrors"] == []
    return sandbox


def test_order_webhooks_carry_rest_payloads(hooked: ShopifySandbox) -> None:
    gql = Gql(hooked)
    variant = first_variant(hooked)
    made = created(
        gql,
        {
            "email": "buyer@example.com",
            "tags": ["joor", "wholesale"],
            "sourceIdentifier": "JOOR-42",
            "sourceName": "joor",
            "poNumber": "PO-42",
            "customAttributes": [{"key": "season", "value": "FW26"}],
            "lineItems": [
                {
                    "variantId": f"gid://shopify/ProductVariant/{variant.id}",
                    "quantity": 2,
                    "priceSet": usd("12.50"),
                }
            ],
            "transactions": [{"kind": "SALE", "amountSet": usd("25.00")}],
        },
    )
    deliveries = hooked.webhook_deliveries
    assert [d.topic for d in deliveries] == ["orders/create", "orders/paid"]
    payload = deliveries[0].payload
    number = int(made["id"].rsplit("/", 1)[1])
    assert payload["id"] == number and payload["admin_graphql_api_id"] == made["id"]
    assert (payload["name"], payload["order_number"], payload["email"]) == (
        "#1001",
        1001,
        "buyer@example.com",
    )
    assert (payload["financial_status"], payload["fulfillment_status"]) == ("paid", None)
    assert payload["tags"] == "joor, wholesale"
    assert (payload["source_identifier"], payload["source_name"], payload["po_number"]) == (
        "JOOR-42",
        "joor",
        "PO-42",
    )
    assert payload["note_attributes"] == [{"name": "season", "value": "FW26"}]
    assert (payload["currency"], payload["total_price"]) == ("USD", "25.00")
    assert payload["created_at"].endswith("+00:00") and payload["cancelled_at"] is None
    line = payload["line_items"][0]
    assert line["admin_graphql_api_id"] == made["lineItems"]["nodes"][0]["id"]
    assert (line["variant_id"], line["product_id"], line["sku"]) == (
        variant.id,
        variant.product_id,
        variant.sku,
    )
    assert (line["quantity"], line["current_quantity"], line["fulfillable_quantity"]) == (2, 2, 2)
    assert (line["fulfillment_status"], line["price"]) == (None, "12.50")
    assert payload["fulfillments"] == []
    gql.data(UPDATE, {"input": {"id": made["id"], "note": "n"}})
    gql.data(CANCEL, {"orderId": made["id"], "restock": False, "reason": "CUSTOMER"})
    gql.data("mutation($id: ID!) { orderDelete(orderId: $id) { deletedId } }", {"id": made["id"]})
    topics = [d.topic for d in hooked.webhook_deliveries[2:]]
    assert topics == ["orders/updated", "orders/cancelled", "orders/updated", "orders/delete"]
    cancelled = hooked.webhook_deliveries[3].payload
    assert (cancelled["cancel_reason"], cancelled["financial_status"]) == ("customer", "paid")
    assert hooked.webhook_deliveries[-1].payload == {"id": number}


# ----- merchant routes -------------------------------------------------------------------------------
def test_merchant_cancel_route(hooked: ShopifySandbox) -> None:
    gql = Gql(hooked)
    made = created(
        gql, {"lineItems": [custom_line()], "transactions": [{"kind": "SALE", "amountSet": usd("10.00")}]}
    )
    number = made["id"].rsplit("/", 1)[1]
    client = http(hooked)
    answer = client.post(f"/_sandbox/orders/{number}/cancel", headers={"X-Sandbox-Shop-Domain": SHOP})
    assert answer.status_code == 200
    assert answer.json()["order"]["financial_status"] == "refunded"
    assert "orders/cancelled" in [d.topic for d in hooked.webhook_deliveries]
    again = client.post(f"/_sandbox/orders/{number}/cancel", json={"reason": "fraud"})
    assert again.status_code == 422 and "already been canceled" in again.json()["errors"]
    assert client.post("/_sandbox/orders/1/cancel").status_code == 404
    assert client.post(f"/_sandbox/orders/{number}/cancel", json={"reason": "bored"}).status_code == 422
    assert (
        client.post(
            f"/_sandbox/orders/{number}/cancel", headers={"X-Sandbox-Shop-Domain": "other.myshopify.com"}
        ).status_code
        == 404
    )


def test_orders_listing_route(sandbox: ShopifySandbox) -> None:
    gql = Gql(sandbox)
    made = created(gql, {"tags": ["joor"], "lineItems": [custom_line(quantity=2)]})
    listing = http(sandbox).get("/_sandbox/orders").json()
    assert [o["admin_graphql_api_id"] for o in listing] == [made["id"]]
    assert listing[0]["fulfillment_orders"][0]["status"] == "open"
    assert listing[0]["fulfillment_orders"][0]["line_items"][0]["fulfillable_quantity"] == 2
    assert http(sandbox).post("/_sandbox/orders").status_code == 405
