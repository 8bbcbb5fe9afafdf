"""Product categories (Shopify's Standard Product Taxonomy): productSet writes one, Product reads
it, `taxonomy.categories` searches, an unknown id is refused, webhook bodies carry it."""

from __future__ import annotations

from typing import Any

import pytest

from shopify_app.sandbox.app import ShopifySandbox

from .conftest import Gql

GID = "gid://shopify/TaxonomyCategory/"
SET = """
mutation Set($input: ProductSetInput!) {
  productSet(input: $input, synchronous: true) {
    product { id category { id name fullName parentId isLeaf level } }
    userErrors { field message code }
  }
}
"""
SEARCH = """
query Search($search: String) {
  taxonomy { categories(search: $search, first: 5) { nodes { id name fullName isRoot } } }
}
"""


@pytest.fixture
def gql_empty(make_sandbox) -> Gql:  # noqa: ANN001
    return Gql(make_sandbox(products=0))


def _set(gql: Gql, **fields: Any) -> dict[str, Any]:
    return gql.data(SET, {"input": {"title": "Tee", **fields}})["productSet"]


def test_product_set_writes_and_reads_a_category(gql_empty: Gql) -> None:
    result = _set(gql_empty, category=GID + "aa-1-13-8")
    assert result["userErrors"] == []
    assert result["product"]["category"] == {
        "id": GID + "aa-1-13-8",
        "name": "T-Shirts",
        "fullName": "Apparel & Accessories > Clothing > Clothing Tops > T-Shirts",
        "parentId": GID + "aa-1-13",
        "isLeaf": True,
        "level": 4,
    }
    # Sent again without a category, productSet leaves it as it is.
    again = gql_empty.data(SET, {"input": {"id": result["product"]["id"], "title": "Tee 2"}})["productSet"]
    assert again["product"]["category"]["id"] == GID + "aa-1-13-8"


def test_a_product_without_a_category_reads_null(gql_empty: Gql) -> None:
    assert _set(gql_empty)["product"]["category"] is None


# The documents and answers of the live 2025-01 capture `product-category-validation` (see
# docs/categories.md): a well-formed but unknown id is a top-level error, the mutation's field null.
UNKNOWN = GID + "zz-999999999"
CREATE = """mutation ProductCategoryValidationCreate($product: ProductCreateInput!) {
  productCreate(product: $product) {
    product { id title category { id fullName } }
    userErrors { field message }
  }
}"""
UPDATE = CREATE.replace("ValidationCreate", "ValidationUpdate").replace("ProductCreate", "ProductUpdate")
UPDATE = UPDATE.replace("productCreate", "productUpdate")
SET_SYNC = """mutation ProductCategoryValidationSet($input: ProductSetInput!, $synchronous: Boolean!) {
  productSet(input: $input, synchronous: $synchronous) {
    product { id title category { id fullName } }
    productSetOperation { id status userErrors { field message } }
    userErrors { field message }
  }
}"""


def _refused(root: str) -> list[dict[str, Any]]:
    return [
        {
            "message": "Invalid product_taxonomy_node_id",
            "locations": [{"line": 2, "column": 3}],
            "extensions": {"code": "INVALID_PRODUCT_TAXONOMY_NODE_ID"},
            "path": [root],
        }
    ]


def test_an_unknown_category_is_a_top_level_error_and_nothing_is_written(gql_empty: Gql) -> None:
    created = gql_empty(CREATE, {"product": {"title": "Unknown Category Create", "category": UNKNOWN}})
    assert created["data"] == {"productCreate": None}
    assert created["errors"] == _refused("productCreate")

    product = gql_empty.data(CREATE, {"product": {"title": "Setup", "status": "DRAFT"}})["productCreate"]
    pid = product["product"]["id"]
    updated = gql_empty(UPDATE, {"product": {"id": pid, "category": UNKNOWN}})
    assert updated["data"] == {"productUpdate": None}
    assert updated["errors"] == _refused("productUpdate")

    for synchronous in (True, False):
        answer = gql_empty(
            SET_SYNC,
            {"input": {"title": "Unknown Category Set", "category": UNKNOWN}, "synchronous": synchronous},
        )
        assert answer["data"] == {"productSet": None}
        assert answer["errors"] == _refused("productSet")

    # Nothing was created, and the product kept no category.
    titles = gql_empty.data("{ products(first: 10) { nodes { title category { id } } } }")
    assert titles["products"]["nodes"] == [{"title": "Setup", "category": None}]


def test_taxonomy_search_and_roots(gql_empty: Gql) -> None:
    found = gql_empty.data(SEARCH, {"search": "boots"})["taxonomy"]["categories"]["nodes"]
    assert [n["id"] for n in found] == [GID + "aa-8-3"]
    roots = gql_empty.data(SEARCH, {"search": None})["taxonomy"]["categories"]["nodes"]
    assert [n["name"] for n in roots] == ["Apparel & Accessories"] and roots[0]["isRoot"]


def test_the_rest_product_body_carries_the_category(make_sandbox) -> None:  # noqa: ANN001
    sandbox: ShopifySandbox = make_sandbox(products=0)
    gid = sandbox.merchant_create_product({"title": "Boot", "category": GID + "aa-8-3"})
    body = sandbox.merchant_update_product(gid, {"title": "Chelsea Boot"})
    assert body["category"] == {
        "admin_graphql_api_id": GID + "aa-8-3",
        "name": "Boots",
        "full_name": "Apparel & Accessories > Shoes > Boots",
    }
    with pytest.raises(ValueError, match="product_taxonomy_node_id"):
        sandbox.merchant_update_product(gid, {"category": GID + "zz-1"})
