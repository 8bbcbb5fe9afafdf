"""Price lists, catalogs and quantity rules in the sandbox: what the recordings do not show."""

from __future__ import annotations

from typing import Any

import pytest

from shopify_app.sandbox.app import ShopifySandbox

from .conftest import Gql

PRICE_LIST = """
mutation($input: PriceListCreateInput!) {
  priceListCreate(input: $input) { priceList { id } userErrors { field message code } }
}
"""
MARKET = """
mutation { marketCreate(input: {name: "Europe", status: ACTIVE}) { market { id } userErrors { field } } }
"""
CATALOG = """
mutation($input: CatalogCreateInput!) {
  catalogCreate(input: $input) { catalog { id } userErrors { field message code } }
}
"""
RULES = """
mutation($priceListId: ID!, $rules: [QuantityRuleInput!]!) {
  quantityRulesAdd(priceListId: $priceListId, quantityRules: $rules) {
    quantityRules { minimum maximum increment isDefault originType }
    userErrors { field message code }
  }
}
"""
READ_RULES = """
query($id: ID!) { priceList(id: $id) { quantityRules(first: 2, originType: FIXED) { nodes { minimum increment } } } }
"""


def price_list(gql: Gql, *, catalog: bool = True) -> str:
    data: dict[str, Any] = {
        "name": "Wholesale",
        "currency": "USD",
        "parent": {"adjustment": {"type": "PERCENTAGE_DECREASE", "value": 50}},
    }
    if catalog:
        market = gql.data(MARKET)["marketCreate"]["market"]["id"]
        context = {"title": "Europe", "status": "ACTIVE", "context": {"marketIds": [market]}}
        data["catalogId"] = gql.data(CATALOG, {"input": context})["catalogCreate"]["catalog"]["id"]
    return gql.data(PRICE_LIST, {"input": data})["priceListCreate"]["priceList"]["id"]


def variant_gid(sandbox: ShopifySandbox) -> str:
    return f"gid://shopify/ProductVariant/{next(iter(sandbox.shop().variants())).id}"


def test_case_pack_rule_is_stored_and_listed(sandbox: ShopifySandbox, gql: Gql) -> None:
    list_id = price_list(gql)
    rule = {"variantId": variant_gid(sandbox), "minimum": 12, "maximum": 120, "increment": 6}
    added = gql.data(RULES, {"priceListId": list_id, "rules": [rule]})["quantityRulesAdd"]
    assert added == {
        "quantityRules": [
            {"minimum": 12, "maximum": 120, "increment": 6, "isDefault": False, "originType": "FIXED"}
        ],
        "userErrors": [],
    }
    listed = gql.data(READ_RULES, {"id": list_id})["priceList"]["quantityRules"]["nodes"]
    assert listed == [{"minimum": 12, "increment": 6}]


@pytest.mark.parametrize(
    ("rule", "field", "code"),
    [
        ({"minimum": 0, "increment": 1}, "minimum", "GREATER_THAN_OR_EQUAL_TO"),
        ({"minimum": 12, "maximum": 6, "increment": 6}, "minimum", "MINIMUM_IS_GREATER_THAN_MAXIMUM"),
        ({"minimum": 6, "increment": 12}, "increment", "INCREMENT_IS_GREATER_THAN_MINIMUM"),
        ({"minimum": 12, "maximum": 20, "increment": 6}, "maximum", "MAXIMUM_NOT_MULTIPLE_OF_INCREMENT"),
        ({"minimum": 10, "increment": 6}, "minimum", "MINIMUM_NOT_MULTIPLE_OF_INCREMENT"),
    ],
)
def test_invalid_rules_are_refused(
    sandbox: ShopifySandbox, gql: Gql, rule: dict[str, Any], field: str, code: str
) -> None:
    list_id = price_list(gql)
    answer = gql.data(RULES, {"priceListId": list_id, "rules": [{"variantId": variant_gid(sandbox), **rule}]})
    errors = answer["quantityRulesAdd"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [(["quantityRules", "0", field], code)]
    assert gql.data(READ_RULES, {"id": list_id})["priceList"]["quantityRules"]["nodes"] == []


def test_rules_need_a_catalog_and_unique_variants(sandbox: ShopifySandbox, gql: Gql) -> None:
    rule = {"variantId": variant_gid(sandbox), "minimum": 2, "increment": 1}
    loose = price_list(gql, catalog=False)
    refused = gql.data(RULES, {"priceListId": loose, "rules": [rule]})["quantityRulesAdd"]["userErrors"]
    assert [e["code"] for e in refused] == ["CATALOG_CONTEXT_DOES_NOT_SUPPORT_QUANTITY_RULES"]
    attached = price_list(gql)
    twice = gql.data(RULES, {"priceListId": attached, "rules": [rule, rule]})["quantityRulesAdd"][
        "userErrors"
    ]
    assert [(e["field"], e["code"]) for e in twice] == [
        (["quantityRules", "1", "variantId"], "DUPLICATE_INPUT_FOR_VARIANT")
    ]


def test_catalog_needs_exactly_one_known_context(sandbox: ShopifySandbox, gql: Gql) -> None:
    neither = gql.data(CATALOG, {"input": {"title": "X", "status": "ACTIVE", "context": {}}})
    assert [e["code"] for e in neither["catalogCreate"]["userErrors"]] == [
        "MUST_PROVIDE_EXACTLY_ONE_CONTEXT_TYPE"
    ]
    unknown = gql.data(
        CATALOG,
        {
            "input": {
                "title": "X",
                "status": "ACTIVE",
                "context": {"companyLocationIds": ["gid://shopify/CompanyLocation/1"]},
            }
        },
    )
    assert [e["code"] for e in unknown["catalogCreate"]["userErrors"]] == ["COMPANY_LOCATION_NOT_FOUND"]
    assert sandbox.shop().pricing.catalogs == {}


MARKETS = """
{ markets(first: 10) { nodes { name handle status currencySettings { baseCurrency { currencyCode } } } } }
"""


def test_seeded_markets_are_active_with_their_currencies(make_sandbox: Any) -> None:
    """The demo shop sells to the US, Europe and the UK, so price types have markets to go to."""
    sandbox = make_sandbox(seed_markets=True)
    found = Gql(sandbox).data(MARKETS)["markets"]["nodes"]
    assert {
        (m["name"], m["status"], m["currencySettings"]["baseCurrency"]["currencyCode"]) for m in found
    } == {
        ("United States", "ACTIVE", "USD"),
        ("Europe", "ACTIVE", "EUR"),
        ("United Kingdom", "ACTIVE", "GBP"),
    }
    assert Gql(make_sandbox()).data(MARKETS)["markets"]["nodes"] == []
