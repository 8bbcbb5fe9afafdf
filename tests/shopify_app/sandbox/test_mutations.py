"""productUpdate/Delete, productVariantsBulkUpdate, metafieldsSet, inventorySetQuantities, webhookSubscriptionCreate."""

from __future__ import annotations

import json
from typing import Any

from shopify_app.sandbox.app import ShopifySandbox

from .conftest import Gql, recorded, strip_codes

SET_QUANTITIES = """
mutation Set($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { reason referenceDocumentUri changes { name delta item { id } location { id } } }
    userErrors { field message code }
  }
}
"""


def _first_variant(sandbox: ShopifySandbox) -> Any:
    return next(iter(sandbox.shop().variants()))


def _gids(sandbox: ShopifySandbox) -> tuple[str, str, Any]:
    variant = _first_variant(sandbox)
    location = sandbox.shop().primary_location()
    return (
        f"gid://shopify/InventoryItem/{variant.inventory_item_id}",
        f"gid://shopify/Location/{location.id}",
        sandbox.shop().level(variant.inventory_item_id, location.id),
    )


def test_product_update_and_recorded_validation(sandbox: ShopifySandbox, gql: Gql) -> None:
    recording = recorded("2025-01--product-update-parity.json")
    query = recording["validation"]["unknownId"].get("query") or (
        "mutation($product: ProductUpdateInput!) { productUpdate(product: $product) { product { id } "
        "userErrors { field message } } }"
    )
    body = gql(query, recording["validation"]["unknownId"]["variables"])
    assert (
        body["data"]["productUpdate"]["userErrors"]
        == (recording["validation"]["unknownId"]["response"]["data"]["productUpdate"]["userErrors"])
    )
    product = next(iter(sandbox.shop().products.values()))
    updated = gql.data(
        "mutation($product: ProductUpdateInput!) { productUpdate(product: $product) { product { title vendor "
        "tags descriptionHtml } userErrors { field message } } }",
        {
            "product": {
                "id": f"gid://shopify/Product/{product.id}",
                "title": "Fresh",
                "tags": ["b", "a"],
                "descriptionHtml": "<p>x</p>",
            }
        },
    )["productUpdate"]
    assert updated["userErrors"] == []
    assert updated["product"]["title"] == "Fresh" and updated["product"]["tags"] == ["a", "b"]
    blank = gql.data(
        "mutation($product: ProductUpdateInput!) { productUpdate(product: $product) { "
        "userErrors { field message } } }",
        {"product": {"id": f"gid://shopify/Product/{product.id}", "title": ""}},
    )["productUpdate"]
    assert (
        blank["userErrors"]
        == recording["validation"]["blankTitle"]["response"]["data"]["productUpdate"]["userErrors"]
    )


def test_product_delete_and_recorded_unknown(sandbox: ShopifySandbox, gql: Gql) -> None:
    recording = recorded("2026-04--product-delete-parity.json")["validation"]
    mutation = (
        "mutation($input: ProductDeleteInput!) { productDelete(input: $input) { deletedProductId "
        "userErrors { field message } } }"
    )
    unknown = gql.data(mutation, recording["variables"])["productDelete"]
    expected = recording["response"]["data"]["productDelete"]
    assert unknown == {k: expected[k] for k in ("deletedProductId", "userErrors")}
    product_id = f"gid://shopify/Product/{next(iter(sandbox.shop().products))}"
    deleted = gql.data(mutation, {"input": {"id": product_id}})["productDelete"]
    assert deleted == {"deletedProductId": product_id, "userErrors": []}
    assert gql.data("query($id: ID!) { product(id: $id) { id } }", {"id": product_id})["product"] is None


def test_product_variants_bulk_update_sets_sku_via_inventory_item(sandbox: ShopifySandbox, gql: Gql) -> None:
    variant = _first_variant(sandbox)
    result = gql.data(
        """mutation($productId: ID!, $variants: [ProductVariantsBulkInput!]!) {
          productVariantsBulkUpdate(productId: $productId, variants: $variants) {
            productVariants { id sku barcode price compareAtPrice inventoryItem { sku } }
            userErrors { field message code } } }""",
        {
            "productId": f"gid://shopify/Product/{variant.product_id}",
            "variants": [
                {
                    "id": f"gid://shopify/ProductVariant/{variant.id}",
                    "price": "24.00",
                    "compareAtPrice": "30.00",
                    "barcode": "1111111111111",
                    "inventoryItem": {"sku": "NEW-SKU"},
                }
            ],
        },
    )["productVariantsBulkUpdate"]
    assert result["userErrors"] == []
    assert result["productVariants"][0] == {
        "id": f"gid://shopify/ProductVariant/{variant.id}",
        "sku": "NEW-SKU",
        "barcode": "1111111111111",
        "price": "24.00",
        "compareAtPrice": "30.00",
        "inventoryItem": {"sku": "NEW-SKU"},
    }
    sku_on_variant = gql(
        'mutation { productVariantsBulkUpdate(productId: "x", variants: [{sku: "A"}]) '
        "{ userErrors { message } } }"
    )
    assert sku_on_variant["errors"][0]["extensions"]["code"] == "argumentNotAccepted"
    missing = gql.data(
        'mutation($p: ID!) { productVariantsBulkUpdate(productId: $p, variants: [{price: "1"}]) '
        "{ userErrors { field code } } }",
        {"p": "gid://shopify/Product/1"},
    )["productVariantsBulkUpdate"]
    assert missing["userErrors"] == [{"field": ["productId"], "code": "PRODUCT_DOES_NOT_EXIST"}]


METAFIELDS_SET = """mutation($metafields: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $metafields) {
  metafields { id namespace key type value compareDigest } userErrors { field message code elementIndex } } }"""


def test_metafields_set_over_limit_matches_recording(sandbox: ShopifySandbox, gql: Gql) -> None:
    recording = recorded("2025-01--metafields-set-over-limit-parity.json")["mutation"]
    owner = f"gid://shopify/Product/{next(iter(sandbox.shop().products))}"
    variables = json.loads(
        json.dumps(recording["variables"]).replace(recording["variables"]["metafields"][0]["ownerId"], owner)
    )
    assert len(variables["metafields"]) > 25
    result = gql.data(METAFIELDS_SET, variables)["metafieldsSet"]
    assert result == recording["response"]["data"]["metafieldsSet"]


def test_metafields_set_compare_digest(sandbox: ShopifySandbox, gql: Gql) -> None:
    owner = f"gid://shopify/Product/{next(iter(sandbox.shop().products))}"
    first = gql.data(
        METAFIELDS_SET,
        {
            "metafields": [
                {
                    "ownerId": owner,
                    "namespace": "joor",
                    "key": "season",
                    "type": "single_line_text_field",
                    "value": "SS26",
                }
            ]
        },
    )
    written = first["metafieldsSet"]["metafields"][0]
    assert written["value"] == "SS26" and len(written["compareDigest"]) == 64
    ok = gql.data(
        METAFIELDS_SET,
        {
            "metafields": [
                {
                    "ownerId": owner,
                    "namespace": "joor",
                    "key": "season",
                    "value": "FW26",
                    "compareDigest": written["compareDigest"],
                }
            ]
        },
    )
    assert ok["metafieldsSet"]["userErrors"] == []
    stale = gql.data(
        METAFIELDS_SET,
        {
            "metafields": [
                {
                    "ownerId": owner,
                    "namespace": "joor",
                    "key": "season",
                    "value": "XX",
                    "compareDigest": written["compareDigest"],
                }
            ]
        },
    )
    assert stale["metafieldsSet"]["metafields"] is None
    assert stale["metafieldsSet"]["userErrors"][0]["code"] == "STALE_OBJECT"
    value = gql.data(
        'query($id: ID!) { product(id: $id) { metafield(namespace: "joor", key: "season") { value } } }',
        {"id": owner},
    )
    assert value["product"]["metafield"]["value"] == "FW26"


def test_inventory_set_quantities_requires_idempotent_directive_from_2026_04(sandbox: ShopifySandbox) -> None:
    recording = recorded("2026-04--inventory-quantity-contracts-2026-04.json")
    item, location, _ = _gids(sandbox)
    query = (
        "mutation Set($input: InventorySetQuantitiesInput!) {\n"
        "  inventorySetQuantities(input: $input) { userErrors { field message code } }\n}"
    )
    variables = {
        "input": {
            "name": "available",
            "reason": "correction",
            "quantities": [
                {"inventoryItemId": item, "locationId": location, "quantity": 5, "changeFromQuantity": 0}
            ],
        }
    }
    body = Gql(sandbox, version="2026-04")(query, variables)
    expected = recording["missingSetIdempotency"]["response"]
    assert body["errors"][0]["message"] == expected["errors"][0]["message"]
    assert body["errors"][0]["extensions"] == expected["errors"][0]["extensions"]
    assert body["errors"][0]["path"] == expected["errors"][0]["path"]
    assert body["data"] == expected["data"]
    older = Gql(sandbox, version="2025-10")(query, variables)
    assert "errors" not in older

    missing_change = Gql(sandbox)(
        SET_QUANTITIES,
        {
            "key": "k1",
            "input": {
                "name": "available",
                "reason": "correction",
                "quantities": [{"inventoryItemId": item, "locationId": location, "quantity": 5}],
            },
        },
    )
    expected = recording["missingSetChangeFromQuantity"]["response"]["errors"][0]
    assert missing_change["errors"][0]["message"] == expected["message"]
    assert missing_change["errors"][0]["extensions"] == expected["extensions"]
    assert len(missing_change["errors"][0]["locations"]) == 2


def test_inventory_set_quantities_applies_is_idempotent_and_detects_stale(
    sandbox: ShopifySandbox, gql: Gql
) -> None:
    item, location, level = _gids(sandbox)
    before = level.available
    variables = {
        "key": "set-1",
        "input": {
            "name": "available",
            "reason": "correction",
            "referenceDocumentUri": "joorsync://sync/1",
            "quantities": [
                {
                    "inventoryItemId": item,
                    "locationId": location,
                    "quantity": before + 5,
                    "changeFromQuantity": before,
                }
            ],
        },
    }
    result = gql.data(SET_QUANTITIES, variables)["inventorySetQuantities"]
    assert result["userErrors"] == []
    assert [(c["name"], c["delta"]) for c in result["inventoryAdjustmentGroup"]["changes"]] == [
        ("available", 5),
        ("on_hand", 5),
    ]
    assert level.available == before + 5
    again = gql.data(SET_QUANTITIES, variables)["inventorySetQuantities"]
    assert again == result and level.available == before + 5
    stale = gql.data(SET_QUANTITIES, {**variables, "key": "set-2"})["inventorySetQuantities"]
    assert stale["userErrors"] == [
        {
            "field": ["input", "quantities", "0", "changeFromQuantity"],
            "message": stale["userErrors"][0]["message"],
            "code": "CHANGE_FROM_QUANTITY_STALE",
        }
    ]
    reused = gql.data(SET_QUANTITIES, {**variables, "input": {**variables["input"], "reason": "restock"}})
    assert reused["inventorySetQuantities"]["userErrors"][0]["code"] == "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"


def test_inventory_set_quantities_recorded_validation(sandbox: ShopifySandbox, gql: Gql) -> None:
    item, location, level = _gids(sandbox)
    cases = recorded("2026-04--inventorySetQuantities-name-validation.json")["cases"]
    for name in ("damaged", "committed", "availableTooHigh", "duplicatePair"):
        case = cases[name]
        variables = json.loads(json.dumps(case["variables"]))
        for quantity in variables["input"]["quantities"]:
            quantity.update(inventoryItemId=item, locationId=location, changeFromQuantity=level.available)
        body = gql(case["query"], variables)
        expected = case["response"]["data"]["inventorySetQuantities"]
        assert body["data"]["inventorySetQuantities"] == expected, name
    unknown = recorded("2026-04--inventory-quantity-contracts-2026-04.json")["unknownIdValidation"]
    for name in ("setUnknownInventoryItem", "setUnknownLocation"):
        variables = unknown[name]["variables"]
        input_ = json.loads(json.dumps(variables["input"]))
        quantity = input_["quantities"][0]
        if name == "setUnknownLocation":
            quantity["inventoryItemId"] = item
        else:
            quantity["locationId"] = location
        body = gql.data(SET_QUANTITIES, {"input": input_, "key": variables["idempotencyKey"]})
        assert (
            body["inventorySetQuantities"]["userErrors"]
            == (unknown[name]["response"]["data"]["inventorySetQuantities"]["userErrors"])
        ), name


def test_webhook_subscription_create(gql: Gql) -> None:
    mutation = """mutation($topic: WebhookSubscriptionTopic!, $sub: WebhookSubscriptionInput!) {
      webhookSubscriptionCreate(topic: $topic, webhookSubscription: $sub) {
        webhookSubscription { id topic uri endpoint { __typename ... on WebhookHttpEndpoint { callbackUrl } } }
        userErrors { field message } } }"""
    created = gql.data(mutation, {"topic": "PRODUCTS_UPDATE", "sub": {"uri": "https://app.example/webhooks"}})
    subscription = created["webhookSubscriptionCreate"]["webhookSubscription"]
    assert (
        subscription["topic"] == "PRODUCTS_UPDATE" and subscription["uri"] == "https://app.example/webhooks"
    )
    assert subscription["endpoint"]["callbackUrl"] == "https://app.example/webhooks"
    duplicate = gql.data(
        mutation, {"topic": "PRODUCTS_UPDATE", "sub": {"uri": "https://app.example/webhooks"}}
    )
    assert strip_codes(duplicate["webhookSubscriptionCreate"]["userErrors"]) == [
        {"field": ["webhookSubscription", "uri"], "message": "Address for this topic has already been taken"}
    ]
    bad_topic = gql(mutation, {"topic": "NOT_A_TOPIC", "sub": {"uri": "https://x"}})
    assert bad_topic["errors"][0]["extensions"]["code"] == "INVALID_VARIABLE"
    listed = gql.data("{ webhookSubscriptions(first: 10) { nodes { topic uri } } }")
    assert listed["webhookSubscriptions"]["nodes"] == [
        {"topic": "PRODUCTS_UPDATE", "uri": "https://app.example/webhooks"}
    ]
