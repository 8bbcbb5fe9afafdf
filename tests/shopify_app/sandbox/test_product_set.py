"""productSet: replace semantics, handles and validation, compared with recorded Shopify answers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shopify_app.sandbox.app import ShopifySandbox

from .conftest import Gql, recorded, strip_codes

PRODUCT_SET = """
mutation Set($input: ProductSetInput!, $synchronous: Boolean, $identifier: ProductSetIdentifiers) {
  productSet(input: $input, synchronous: $synchronous, identifier: $identifier) {
    product {
      id title handle status vendor productType tags totalInventory
      options { id name position values }
      metafields(first: 10) { nodes { namespace key value } }
      variants(first: 50) { nodes { id title sku barcode price compareAtPrice inventoryQuantity
        selectedOptions { name value } inventoryItem { id tracked } } }
    }
    productSetOperation { id status userErrors { field message code } }
    userErrors { field message code }
  }
}
"""


def product_set(gql: Gql, variables: dict[str, Any]) -> dict[str, Any]:
    return gql.data(PRODUCT_SET, variables)["productSet"]


@pytest.fixture
def empty(make_sandbox) -> ShopifySandbox:  # noqa: ANN001
    return make_sandbox(products=0)


def test_recorded_duplicate_variants_are_rejected_like_shopify(empty: ShopifySandbox) -> None:
    recording = recorded("2025-01--product-set-duplicate-variants-parity.json")["mutation"]
    result = product_set(Gql(empty), recording["variables"])
    expected = recording["response"]["data"]["productSet"]
    assert result["product"] is None
    assert strip_codes(result["userErrors"]) == expected["userErrors"]


def test_recorded_options_without_variants_error(empty: ShopifySandbox) -> None:
    recording = recorded("2025-01--product-set-options-only-requires-variants.json")["mutation"]
    result = product_set(Gql(empty), recording["variables"])
    assert strip_codes(result["userErrors"]) == recording["response"]["data"]["productSet"]["userErrors"]


@pytest.mark.parametrize("scenario", ["tooLongTitle", "tooLongHandle", "tooLongVendor", "tooLongProductType"])
def test_recorded_input_length_errors(empty: ShopifySandbox, scenario: str) -> None:
    recording = recorded("2025-01--product-set-input-length-validation.json")["scenarios"][scenario]
    result = product_set(Gql(empty), recording["variables"])
    expected = recording["response"]["data"]["productSet"]
    assert result["product"] is None and result["productSetOperation"] is None
    assert strip_codes(result["userErrors"]) == expected["userErrors"]


def test_recorded_handle_lifecycle(empty: ShopifySandbox) -> None:
    """Replays the recorded handle scenario (create/update/productSet) and compares every answer."""
    gql = Gql(empty)
    ids: dict[str, str] = {}
    operations = recorded("2025-01--product-handle-dedup-parity.json")["operations"]
    compared = 0
    for name, operation in operations.items():
        if name == "productDuplicate":
            continue
        variables = json.loads(_swap(json.dumps(operation["request"]["variables"]), ids))
        body = gql(operation["request"]["query"], variables)
        root, expected = next(iter(operation["response"]["data"].items()))
        actual = body["data"][root]
        if expected["product"] and actual["product"]:
            ids.setdefault(expected["product"]["id"], actual["product"]["id"])
        assert _swap(json.dumps(actual, sort_keys=True), {v: k for k, v in ids.items()}) == json.dumps(
            expected, sort_keys=True
        ), name
        compared += 1
    assert compared == len(operations) - 1


def _swap(text: str, mapping: dict[str, str]) -> str:
    for old, new in mapping.items():
        text = text.replace(old, new)
    return text


def _locations(sandbox: ShopifySandbox) -> list[str]:
    return [f"gid://shopify/Location/{number}" for number in sorted(sandbox.shop().locations)]


def test_recorded_product_graph_create_and_update(empty: ShopifySandbox) -> None:
    recording = recorded("2025-01--product-set-parity.json")
    gql = Gql(empty)
    location_map = dict(
        zip(
            ["gid://shopify/Location/113884070194", "gid://shopify/Location/113884102962"],
            _locations(empty),
            strict=True,
        )
    )
    create_vars = json.loads(_swap(json.dumps(recording["mutation"]["variables"]), location_map))
    create_vars["input"].pop("category")
    created = product_set(gql, create_vars)
    expected = recording["mutation"]["response"]["data"]["productSet"]["product"]
    product = created["product"]
    assert created["userErrors"] == []
    for key in ("title", "handle", "status", "vendor", "productType", "tags", "totalInventory"):
        assert product[key] == expected[key], key
    assert [(o["name"], o["values"]) for o in product["options"]] == [
        (o["name"], o["values"]) for o in expected["options"]
    ]
    assert [
        (v["title"], v["sku"], v["price"], v["inventoryQuantity"], v["inventoryItem"]["tracked"])
        for v in product["variants"]["nodes"]
    ] == [
        (v["title"], v["sku"], v["price"], v["inventoryQuantity"], v["inventoryItem"]["tracked"])
        for v in expected["variants"]["nodes"]
    ]

    update = recording["update"]["mutation"]
    ids = {
        expected["id"]: product["id"],
        expected["options"][0]["id"]: product["options"][0]["id"],
        **{
            e["id"]: a["id"]
            for e, a in zip(expected["variants"]["nodes"], product["variants"]["nodes"], strict=True)
        },
        **location_map,
    }
    updated = product_set(gql, json.loads(_swap(json.dumps(update["variables"]), ids)))
    want = update["response"]["data"]["productSet"]["product"]
    got = updated["product"]
    assert updated["userErrors"] == []
    assert got["id"] == product["id"] and got["title"] == want["title"] and got["handle"] == want["handle"]
    assert [(v["sku"], v["price"], v["inventoryQuantity"]) for v in got["variants"]["nodes"]] == [
        (v["sku"], v["price"], v["inventoryQuantity"]) for v in want["variants"]["nodes"]
    ]
    assert [v["id"] for v in got["variants"]["nodes"]] == [v["id"] for v in product["variants"]["nodes"]]


def _input(skus: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "title": "Replace Probe",
        "productOptions": [
            {"name": "Size", "position": 1, "values": [{"name": s.split("-")[-1]} for s in skus]}
        ],
        "variants": [
            {"optionValues": [{"optionName": "Size", "name": s.split("-")[-1]}], "sku": s, "price": "10"}
            for s in skus
        ],
        **extra,
    }


def test_list_fields_replace_and_scalars_stay(empty: ShopifySandbox) -> None:
    gql = Gql(empty)
    metafields = [
        {"namespace": "joor", "key": "a", "type": "single_line_text_field", "value": "1"},
        {"namespace": "joor", "key": "b", "type": "single_line_text_field", "value": "2"},
    ]
    created = product_set(gql, {"input": _input(["P-S", "P-M", "P-L"], vendor="Acme", metafields=metafields)})
    product = created["product"]
    assert [v["sku"] for v in product["variants"]["nodes"]] == ["P-S", "P-M", "P-L"]
    assert product["variants"]["nodes"][0]["price"] == "10.00"
    keep = product["variants"]["nodes"][1]
    updated = product_set(
        gql,
        {
            "identifier": {"id": product["id"]},
            "input": {
                "productOptions": [{"name": "Size", "values": [{"name": "M"}, {"name": "XL"}]}],
                "variants": [
                    {"id": keep["id"], "optionValues": [{"optionName": "Size", "name": "M"}], "sku": "P-M2"},
                    {"optionValues": [{"optionName": "Size", "name": "XL"}], "sku": "P-XL", "price": "12.5"},
                ],
                "metafields": [metafields[1]],
            },
        },
    )["product"]
    assert updated["vendor"] == "Acme" and updated["title"] == "Replace Probe"
    assert [v["sku"] for v in updated["variants"]["nodes"]] == ["P-M2", "P-XL"]
    assert updated["variants"]["nodes"][0]["id"] == keep["id"]
    assert updated["variants"]["nodes"][1]["price"] == "12.50"
    assert [(m["key"], m["value"]) for m in updated["metafields"]["nodes"]] == [("b", "2")]
    untouched = product_set(gql, {"input": {"id": product["id"], "title": "New title"}})["product"]
    assert [v["sku"] for v in untouched["variants"]["nodes"]] == ["P-M2", "P-XL"]
    assert len(untouched["metafields"]["nodes"]) == 1


def test_identifier_handle_upserts(empty: ShopifySandbox) -> None:
    gql = Gql(empty)
    first = product_set(gql, {"identifier": {"handle": "style-100"}, "input": _input(["S1-S"])})["product"]
    assert first["handle"] == "style-100"
    second = product_set(gql, {"identifier": {"handle": "style-100"}, "input": {"title": "Renamed"}})[
        "product"
    ]
    assert second["id"] == first["id"] and second["title"] == "Renamed"


def test_option_and_variant_validation(empty: ShopifySandbox) -> None:
    gql = Gql(empty)
    unknown_value = product_set(
        gql,
        {
            "input": {
                "title": "X",
                "productOptions": [{"name": "Size", "values": [{"name": "S"}]}],
                "variants": [{"optionValues": [{"optionName": "Size", "name": "XXL"}]}],
            }
        },
    )
    assert unknown_value["userErrors"][0]["code"] == "OPTION_VALUE_DOES_NOT_EXIST"
    assert unknown_value["userErrors"][0]["field"] == ["input", "variants", "0", "optionValues", "0"]
    four = product_set(
        gql,
        {
            "input": {
                "title": "X",
                "productOptions": [{"name": n, "values": [{"name": "v"}]} for n in "ABCD"],
                "variants": [{"optionValues": [{"optionName": n, "name": "v"} for n in "ABCD"]}],
            }
        },
    )
    assert four["userErrors"][0]["code"] == "OPTIONS_OVER_LIMIT"
    missing = product_set(gql, {"input": {"id": "gid://shopify/Product/1", "title": "X"}})
    assert missing["userErrors"][0]["code"] == "PRODUCT_DOES_NOT_EXIST"


def test_more_than_2048_variants_is_a_top_level_error(empty: ShopifySandbox) -> None:
    variants = [{"optionValues": [{"optionName": "Size", "name": f"v{i}"}]} for i in range(2049)]
    body = Gql(empty)(PRODUCT_SET, {"input": {"title": "Big", "variants": variants}})
    assert "data" not in body
    assert (
        body["errors"][0]["message"]
        == "The input array size of 2049 is greater than the maximum allowed of 2048."
    )
    assert body["errors"][0]["extensions"] == {"code": "MAX_INPUT_SIZE_EXCEEDED"}


def test_async_product_set_completes_when_polled(empty: ShopifySandbox) -> None:
    recording = recorded("2025-01--product-set-async-operation-parity.json")
    gql = Gql(empty)
    started = product_set(gql, recording["mutation"]["variables"])
    assert started["product"] is None and started["productSetOperation"]["status"] == "CREATED"
    assert started["userErrors"] == []
    read = gql.data(
        "query($id: ID!) { productOperation(id: $id) { __typename status "
        "product { id title handle } ... on ProductSetOperation { id userErrors { field message } } } }",
        {"id": started["productSetOperation"]["id"]},
    )["productOperation"]
    expected = recording["operationRead"]["response"]["data"]["productOperation"]
    assert read["__typename"] == expected["__typename"] and read["status"] == "COMPLETE"
    assert read["product"]["title"] == expected["product"]["title"]
    assert read["product"]["handle"] == expected["product"]["handle"]
    assert len(empty.shop().products) == 1


def test_product_without_variants_gets_a_stocked_default_variant(empty: ShopifySandbox) -> None:
    product = product_set(Gql(empty), {"input": {"title": "Simple"}})["product"]
    variant = product["variants"]["nodes"][0]
    assert variant["title"] == "Default Title" and variant["selectedOptions"] == [
        {"name": "Title", "value": "Default Title"}
    ]
    assert product["options"] == [{**product["options"][0], "name": "Title", "values": ["Default Title"]}]
    item = variant["inventoryItem"]["id"]
    levels = Gql(empty).data(
        "query($id: ID!) { inventoryItem(id: $id) { inventoryLevels(first: 5) { nodes { "
        "location { name } } } } }",
        {"id": item},
    )
    assert levels["inventoryItem"]["inventoryLevels"]["nodes"] == [{"location": {"name": "Main warehouse"}}]
