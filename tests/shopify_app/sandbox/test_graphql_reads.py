"""Reads: shop, products/variants/locations with cursor pagination and search, nodes, validation errors."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from shopify_app.sandbox.app import ShopifySandbox

from .conftest import Gql, recorded

PRODUCTS_PAGE = """
query Page($first: Int, $after: String, $last: Int, $before: String, $query: String) {
  products(first: $first, after: $after, last: $last, before: $before, query: $query) {
    edges { cursor node { id title handle } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


def test_shop_fields(gql: Gql) -> None:
    shop = gql.data("{ shop { id name myshopifyDomain currencyCode plan { shopifyPlus } } }")["shop"]
    assert shop["name"] == "Demo Fashion" and shop["currencyCode"] == "USD"
    assert shop["myshopifyDomain"] == "demo.myshopify.com" and shop["plan"] == {"shopifyPlus": False}
    assert shop["id"].startswith("gid://shopify/Shop/")


def test_products_cursor_pagination_forward_and_backward(make_sandbox) -> None:  # noqa: ANN001
    gql = Gql(make_sandbox(products=5))
    seen = []
    after = None
    while True:
        page = gql.data(PRODUCTS_PAGE, {"first": 2, "after": after})["products"]
        seen.extend(edge["node"]["id"] for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == 5 == len(set(seen))
    last_two = gql.data(PRODUCTS_PAGE, {"last": 2})["products"]
    assert [e["node"]["id"] for e in last_two["edges"]] == seen[-2:]
    assert last_two["pageInfo"]["hasPreviousPage"] and not last_two["pageInfo"]["hasNextPage"]
    before = gql.data(PRODUCTS_PAGE, {"last": 2, "before": last_two["pageInfo"]["startCursor"]})["products"]
    assert [e["node"]["id"] for e in before["edges"]] == seen[1:3]


def test_page_size_limits(gql: Gql) -> None:
    too_big = gql(PRODUCTS_PAGE, {"first": 251})
    assert too_big["data"] is None
    assert "250" in too_big["errors"][0]["message"]
    missing = gql("{ products { nodes { id } } }")
    assert missing["errors"][0]["message"] == "you must provide one of first or last"


def test_search_by_sku_barcode_handle_title_and_updated_at(make_sandbox, clock) -> None:  # noqa: ANN001
    sandbox = make_sandbox(products=4)
    gql = Gql(sandbox)
    product = next(iter(sandbox.shop().products.values()))
    variant = product.variants[1]
    assert _ids(gql, f"sku:{variant.sku}") == [f"gid://shopify/Product/{product.id}"]
    assert _ids(gql, f"barcode:{variant.barcode}") == [f"gid://shopify/Product/{product.id}"]
    assert _ids(gql, f"handle:{product.handle}") == [f"gid://shopify/Product/{product.id}"]
    assert _ids(gql, f"title:'{product.title}'") == [f"gid://shopify/Product/{product.id}"]
    assert len(_ids(gql, "Hoodie OR Tee")) == 2
    assert _ids(gql, "sku:NOPE-1") == []
    clock.advance(120)
    sandbox.merchant_update_product(f"gid://shopify/Product/{product.id}", {"title": "Renamed"})
    cutoff = sandbox.now_iso()
    clock.advance(60)
    assert _ids(gql, f"updated_at:>'{_minus(cutoff)}'") == [f"gid://shopify/Product/{product.id}"]
    assert len(_ids(gql, f"updated_at:<'{_minus(cutoff)}'")) == 3
    assert len(_ids(gql, f"-handle:{product.handle}")) == 3


def _minus(iso: str) -> str:
    """One minute before an ISO timestamp."""
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00")) - timedelta(minutes=1)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _ids(gql: Gql, query: str) -> list[str]:
    return [
        n["id"]
        for n in gql.data(
            "query($q: String) { products(first: 50, query: $q) { nodes { id } } }", {"q": query}
        )["products"]["nodes"]
    ]


def test_product_variants_nodes_and_locations(sandbox: ShopifySandbox, gql: Gql) -> None:
    variant = next(iter(sandbox.shop().variants()))
    data = gql.data(
        """query($q: String, $ids: [ID!]!) {
          productVariants(first: 5, query: $q) { nodes { id sku barcode price compareAtPrice inventoryQuantity
            selectedOptions { name value } inventoryItem { id sku tracked } product { id } } }
          nodes(ids: $ids) { id ... on Product { title } ... on ProductVariant { sku } }
          locations(first: 10) { nodes { id name isActive isPrimary } }
        }""",
        {
            "q": f"sku:{variant.sku}",
            "ids": [
                f"gid://shopify/Product/{variant.product_id}",
                f"gid://shopify/ProductVariant/{variant.id}",
                "gid://shopify/Product/1",
            ],
        },
    )
    found = data["productVariants"]["nodes"]
    assert (
        len(found) == 1 and found[0]["sku"] == variant.sku and found[0]["inventoryItem"]["sku"] == variant.sku
    )
    assert [o["name"] for o in found[0]["selectedOptions"]] == ["Color", "Size"]
    assert data["nodes"][1] == {"id": f"gid://shopify/ProductVariant/{variant.id}", "sku": variant.sku}
    assert data["nodes"][2] is None
    names = [loc["name"] for loc in data["locations"]["nodes"]]
    assert "Main warehouse" in names and len(names) == 2


def test_inventory_levels_and_metafields_read(sandbox: ShopifySandbox, gql: Gql) -> None:
    product = next(iter(sandbox.shop().products.values()))
    data = gql.data(
        """query($id: ID!) { product(id: $id) { totalInventory
             metafield(namespace: "custom", key: "style_number") { value type }
             metafields(first: 5) { nodes { namespace key value compareDigest } }
             variants(first: 1) { nodes { inventoryQuantity inventoryItem { inventoryLevels(first: 5) {
               nodes { location { name } quantities(names: ["available", "on_hand"]) { name quantity } } } } } } } }""",
        {"id": f"gid://shopify/Product/{product.id}"},
    )["product"]
    assert data["metafield"]["type"] == "single_line_text_field"
    assert len(data["metafields"]["nodes"][0]["compareDigest"]) == 64
    variant = data["variants"]["nodes"][0]
    levels = variant["inventoryItem"]["inventoryLevels"]["nodes"]
    assert sum(level["quantities"][0]["quantity"] for level in levels) == variant["inventoryQuantity"]
    assert data["totalInventory"] == sandbox.shop().total_inventory(product)


VALIDATION_CASES = [
    "invalidSyntax",
    "missingSubselection",
    "missingRequiredVariable",
    "unknownQueryRoot",
    "unknownMutationRoot",
    "unknownProductField",
]


@pytest.mark.parametrize("case", VALIDATION_CASES)
def test_validation_errors_are_shaped_like_shopify(gql: Gql, case: str) -> None:
    recording = recorded("2025-01--graphql-base-validation-unhappy-paths.json")["cases"][case]
    body = gql(recording["request"]["query"], recording["request"]["variables"])
    assert body == recording["response"]["payload"]


def test_inline_input_errors_match_the_recorded_product_delete_shapes(gql: Gql) -> None:
    recording = recorded("2026-04--product-delete-parity.json")["invalidInput"]
    missing = gql("mutation {\n  productDelete(input: {}) { deletedProductId }\n}")
    expected = recording["inlineMissingId"]["response"]["errors"][0]
    assert missing["errors"][0]["message"] == expected["message"]
    assert missing["errors"][0]["extensions"] == expected["extensions"]
    assert missing["errors"][0]["path"] == expected["path"]
    null = gql("mutation {\n  productDelete(input: {id: null}) { deletedProductId }\n}")
    expected_null = recording["inlineNullId"]["response"]["errors"][0]
    assert null["errors"][0]["message"] == expected_null["message"]
    assert null["errors"][0]["extensions"] == expected_null["extensions"]
    variable = gql(
        "mutation ProductDelete($input: ProductDeleteInput!) {\n"
        "  productDelete(input: $input) { deletedProductId }\n}",
        {"input": {}},
    )
    expected_variable = recording["variableMissingId"]["response"]["errors"][0]
    assert variable["errors"][0]["message"] == expected_variable["message"]
    assert variable["errors"][0]["extensions"] == expected_variable["extensions"]


def test_unknown_input_field_in_a_variable_is_an_invalid_variable(gql: Gql) -> None:
    body = gql(
        "mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) "
        '@idempotent(key: "k") { userErrors { message } } }',
        {
            "input": {
                "name": "available",
                "reason": "correction",
                "ignoreCompareQuantity": True,
                "quantities": [],
            }
        },
    )
    error = body["errors"][0]
    assert error["message"] == (
        "Variable $input of type InventorySetQuantitiesInput! was provided invalid value "
        "for ignoreCompareQuantity (Field is not defined on InventorySetQuantitiesInput)"
    )
    assert error["extensions"]["code"] == "INVALID_VARIABLE"
    assert error["extensions"]["problems"] == [
        {
            "path": ["ignoreCompareQuantity"],
            "explanation": "Field is not defined on InventorySetQuantitiesInput",
        }
    ]


def test_bad_request_bodies(sandbox: ShopifySandbox) -> None:
    from .conftest import http

    response = http(sandbox).post(
        "/admin/api/2026-07/graphql.json",
        content=b"not json",
        headers={"X-Shopify-Access-Token": "shpat_static", "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json() == {"errors": {"query": "Required parameter missing or invalid"}}


def test_cursor_survives_deletion_of_its_item(make_sandbox) -> None:  # noqa: ANN001
    sandbox = make_sandbox(products=4)
    gql = Gql(sandbox)
    first = gql.data(PRODUCTS_PAGE, {"first": 2})["products"]
    sandbox.merchant_delete_product(first["edges"][-1]["node"]["id"])
    rest = gql.data(PRODUCTS_PAGE, {"first": 5, "after": first["pageInfo"]["endCursor"]})["products"]
    assert len(rest["edges"]) == 2 and not rest["pageInfo"]["hasNextPage"]
    garbage = gql(PRODUCTS_PAGE, {"first": 1, "after": "not-a-cursor"})
    assert garbage["errors"][0]["message"] == "Invalid cursor for current pagination sort."


def test_nodes_cost_is_charged_once_whatever_the_number_of_ids(gql: Gql) -> None:
    # A list costs 1 however long (metafields-set-owner-expansion-parity: two ids, 1 point).
    one = gql("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ["gid://shopify/Product/1"]})
    three = gql("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ["gid://shopify/Product/1"] * 3})
    assert (
        three["extensions"]["cost"]["requestedQueryCost"]
        == one["extensions"]["cost"]["requestedQueryCost"]
        == 1
    )
    too_many = gql(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ["gid://shopify/Product/1"] * 251}
    )
    assert too_many["errors"][0]["extensions"]["code"] == "MAX_INPUT_SIZE_EXCEEDED"
