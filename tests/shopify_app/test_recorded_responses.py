"""Real Shopify answers (../shared/reference/shopify/recorded/) through the client's response handling.

Each test serves a recorded response body from a scripted WSGI app and checks what the client makes of
it: data extraction, typed userErrors exactly as recorded, cost extensions, top-level error shapes.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from shopify_app.admin.bulk import run_bulk_mutation, run_bulk_query
from shopify_app.admin.errors import (
    ShopifyBulkOperationInProgress,
    ShopifyGraphQLError,
    ShopifyUserErrors,
)
from shopify_app.admin.types import UserError, user_errors_from
from tests.shopify_app.admin_scaffolding import Reply, ScriptedShopify, make_client, recorded, recorded_keys


def _client(*bodies: Any, **kwargs: Any):
    app = ScriptedShopify([Reply(b) for b in bodies])
    client, clock = make_client(app, **kwargs)
    return client, app, clock


def _expected_user_errors(raw: list[dict[str, Any]]) -> list[UserError]:
    return [
        UserError(
            field=e.get("field"),
            message=e["message"],
            code=e.get("code"),
            element_index=e.get("elementIndex"),
        )
        for e in raw
    ]


# ---------------------------------------------------------------- top-level GraphQL errors

VALIDATION = "2025-01--graphql-base-validation-unhappy-paths.json"


@pytest.mark.parametrize("case", recorded_keys(VALIDATION, "cases"))
def test_validation_errors_raise_graphql_error_with_codes_and_are_not_retried(case: str) -> None:
    response = recorded(VALIDATION)["cases"][case]["response"]
    assert response["status"] == 200
    payload = response["payload"]
    client, app, _ = _client(payload, payload)
    with pytest.raises(ShopifyGraphQLError) as info:
        client.execute("Shop")
    assert info.value.codes == [e["extensions"]["code"] for e in payload["errors"]]
    assert info.value.messages == [e["message"] for e in payload["errors"]]
    assert info.value.errors == payload["errors"]
    assert info.value.data == payload.get("data")
    assert len(app.requests) == 1


def test_partial_data_with_access_denied_is_a_graphql_error_carrying_the_data() -> None:
    response = recorded("2025-01--inventory-adjust-quantities-parity.json")["mutation"]["response"]
    client, _, _ = _client(response)
    with pytest.raises(ShopifyGraphQLError) as info:
        client.execute("Shop")
    assert info.value.codes == ["ACCESS_DENIED"]
    assert info.value.data["inventoryAdjustQuantities"]["inventoryAdjustmentGroup"]["reason"] == "correction"
    assert client.usage["cost"] == response["extensions"]["cost"]["actualQueryCost"]


INVENTORY = "2026-04--inventory-quantity-contracts-2026-04.json"


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("missingSetIdempotency", "BAD_REQUEST"),
        ("missingSetChangeFromQuantity", "INVALID_FIELD_ARGUMENTS"),
        ("legacySetShape", "INVALID_VARIABLE"),
    ],
)
def test_inventory_contract_violations_are_graphql_errors(case: str, code: str) -> None:
    recording = recorded(INVENTORY)[case]
    client, app, _ = _client(recording["response"])
    quantities = [{"changeFromQuantity": None, **q} for q in recording["variables"]["input"]["quantities"]]
    with pytest.raises(ShopifyGraphQLError) as info:
        client.inventory_set_quantities(quantities, idempotency_key=recording["variables"]["idempotencyKey"])
    assert info.value.codes == [code]
    assert len(app.requests) == 1


@pytest.mark.parametrize("case", ["variableMissingId", "inlineMissingId", "inlineNullId"])
def test_product_delete_invalid_inputs_are_graphql_errors(case: str) -> None:
    response = recorded("2026-04--product-delete-parity.json")["invalidInput"][case]["response"]
    client, _, _ = _client(response)
    with pytest.raises(ShopifyGraphQLError) as info:
        client.product_delete("gid://shopify/Product/1")
    assert info.value.codes == [e["extensions"]["code"] for e in response["errors"]]


# ---------------------------------------------------------------- typed user errors

PRODUCT_SET_LENGTH = "2025-01--product-set-input-length-validation.json"


@pytest.mark.parametrize("scenario", recorded_keys(PRODUCT_SET_LENGTH, "scenarios"))
def test_product_set_length_validation_user_errors_exactly_as_recorded(scenario: str) -> None:
    recording = recorded(PRODUCT_SET_LENGTH)["scenarios"][scenario]
    response = recording["response"]
    client, app, _ = _client(response)
    result = client.product_set(recording["variables"]["input"])
    expected = response["data"]["productSet"]["userErrors"]
    assert result.user_errors == _expected_user_errors(expected)
    assert all(e.code is None for e in result.user_errors)
    assert not result.ok and result.product is None
    cost = response["extensions"]["cost"]
    assert client.usage == {"requests": 1, "cost": cost["actualQueryCost"], "throttled": 0, "retries": 0}
    assert client.cost.status is not None
    assert client.cost.status.currently_available == cost["throttleStatus"]["currentlyAvailable"]
    assert client.cost.expected_cost("ProductSet") == cost["requestedQueryCost"]
    assert app.requests[0].json["variables"]["input"] == recording["variables"]["input"]


@pytest.mark.parametrize(
    "name",
    [
        "2025-01--product-set-duplicate-variants-parity.json",
        "2025-01--product-set-options-only-requires-variants.json",
    ],
)
def test_product_set_variant_user_errors(name: str) -> None:
    recording = recorded(name)["mutation"]
    client, _, _ = _client(recording["response"])
    result = client.product_set(recording["variables"]["input"])
    assert result.user_errors == _expected_user_errors(
        recording["response"]["data"]["productSet"]["userErrors"]
    )
    assert result.user_errors[0].field[:2] == ["input", "variants"]


def test_cost_extension_without_throttle_status_is_tolerated() -> None:
    recording = recorded("2025-01--product-set-duplicate-variants-parity.json")["mutation"]
    client, _, _ = _client(recording["response"])
    client.product_set(recording["variables"]["input"])
    assert client.usage["cost"] == 15
    assert client.cost.status is None


def test_product_set_success_returns_the_product() -> None:
    recording = recorded("2025-01--product-set-parity.json")["mutation"]
    client, _, _ = _client(recording["response"])
    result = client.product_set(recording["variables"]["input"])
    assert result.ok
    product = recording["response"]["data"]["productSet"]["product"]
    assert result.product == product
    assert [v["sku"] for v in result.product["variants"]["nodes"]] == [
        "GRAPH-BLUE-1784466577198",
        "GRAPH-BLACK-1784466577198",
    ]


def test_product_set_can_return_product_and_user_errors_together() -> None:
    op = recorded("2025-01--product-handle-dedup-parity.json")["operations"]["explicitProductSetCollision"]
    client, _, _ = _client(op["response"])
    result = client.product_set(op["request"]["variables"]["input"])
    assert result.product["handle"] == "product-set-handle-20260719114534"
    assert result.user_errors == [
        UserError(
            field=["input", "handle"],
            message="Handle '  PRODUCT-SET-HANDLE-20260719114535  ' already in use. Please provide a new handle.",
        )
    ]


def test_product_set_async_operation_recorded() -> None:
    recording = recorded("2025-01--product-set-async-operation-parity.json")
    client, app, clock = _client(recording["mutation"]["response"], recording["operationRead"]["response"])
    result = client.product_set(
        recording["mutation"]["variables"]["input"], synchronous=False, poll_interval=2
    )
    assert result.ok
    assert result.operation.id == "gid://shopify/ProductSetOperation/79454830898"
    assert result.operation.status == "COMPLETE"
    assert result.product["handle"] == "hermes-productset-async-1777936367085"
    assert app.requests[1].json["variables"]["id"] == recording["operationRead"]["variables"]["id"]
    assert clock.sleeps == [2]
    assert client.usage["cost"] == 12 + 3


def test_metafields_set_success_and_over_limit() -> None:
    ok_rec = recorded("2025-01--metafields-set-parity.json")["mutation"]
    over = recorded("2025-01--metafields-set-over-limit-parity.json")["mutation"]
    client, _, _ = _client(ok_rec["response"], over["response"])
    result = client.metafields_set(ok_rec["variables"]["metafields"])
    assert result.ok
    assert [(m["namespace"], m["key"], m["value"]) for m in result.metafields] == [
        ("custom", "material", "Canvas"),
        ("details", "origin", "VN"),
    ]
    assert result.metafields[0]["compareDigest"].startswith("5604f344")
    too_many = client.metafields_set(over["variables"]["metafields"])
    assert too_many.metafields == []
    assert too_many.user_errors == [
        UserError(
            field=["metafields"],
            message="Exceeded the maximum metafields input limit of 25.",
            code="LESS_THAN_OR_EQUAL_TO",
            element_index=None,
        )
    ]


def test_inventory_set_quantities_success_recorded() -> None:
    recording = recorded(INVENTORY)["inventorySetQuantities"]
    client, app, _ = _client(recording["response"])
    variables = recording["variables"]
    result = client.inventory_set_quantities(
        variables["input"]["quantities"],
        idempotency_key=variables["idempotencyKey"],
        reason=variables["input"]["reason"],
        reference_document_uri=variables["input"]["referenceDocumentUri"],
    )
    assert result.ok
    assert [c["delta"] for c in result.adjustment_group["changes"]] == [5, 5]
    assert app.requests[0].json["variables"] == variables


@pytest.mark.parametrize(
    ("case", "code"),
    [("setUnknownInventoryItem", "INVALID_INVENTORY_ITEM"), ("setUnknownLocation", "INVALID_LOCATION")],
)
def test_inventory_unknown_ids_are_typed_user_errors(case: str, code: str) -> None:
    recording = recorded(INVENTORY)["unknownIdValidation"][case]
    client, _, _ = _client(recording["response"])
    result = client.inventory_set_quantities(
        recording["variables"]["input"]["quantities"],
        idempotency_key=recording["variables"]["idempotencyKey"],
    )
    assert [e.code for e in result.user_errors] == [code]
    assert result.user_errors[0].field[:3] == ["input", "quantities", "0"]
    assert result.adjustment_group is None


@pytest.mark.parametrize(
    "case", recorded_keys("2026-04--inventorySetQuantities-name-validation.json", "cases")
)
def test_inventory_name_validation_cases(case: str) -> None:
    recording = recorded("2026-04--inventorySetQuantities-name-validation.json")["cases"][case]
    client, _, _ = _client(recording["response"])
    variables = recording["variables"]
    result = client.inventory_set_quantities(
        variables["input"]["quantities"],
        idempotency_key=variables["idempotencyKey"],
        name=variables["input"]["name"],
    )
    expected = recording["response"]["data"]["inventorySetQuantities"]["userErrors"]
    assert result.user_errors == _expected_user_errors(expected)
    assert result.ok == (expected == [])


def test_product_update_and_delete_user_errors() -> None:
    update = recorded("2025-01--product-update-parity.json")["validation"]["unknownId"]
    delete = recorded("2026-04--product-delete-parity.json")["validation"]
    client, _, _ = _client(update["response"], delete["response"])
    updated = client.product_update(update["variables"]["product"])
    assert updated.product is None
    assert updated.user_errors == [UserError(field=["id"], message="Product does not exist")]
    deleted = client.product_delete(delete["variables"]["input"]["id"])
    assert deleted.deleted_product_id is None
    assert deleted.user_errors == [UserError(field=["id"], message="Product does not exist")]


def test_product_delete_success() -> None:
    recording = recorded("2026-04--product-delete-parity.json")["mutation"]
    client, _, _ = _client(recording["response"])
    result = client.product_delete(recording["variables"]["input"]["id"])
    assert result.ok
    assert result.deleted_product_id == recording["response"]["data"]["productDelete"]["deletedProductId"]


def test_variants_bulk_update_recorded() -> None:
    recording = recorded("2025-01--product-variants-bulk-update-parity.json")["mutation"]
    client, app, _ = _client(recording["response"])
    result = client.product_variants_bulk_update(
        recording["variables"]["productId"], recording["variables"]["variants"]
    )
    assert result.ok
    assert [v["sku"] for v in result.variants] == ["HERMES-BULK-772608-RED"]
    assert result.product["id"] == recording["variables"]["productId"]
    assert app.requests[0].json["variables"]["allowPartialUpdates"] is False


def test_locations_catalog_with_edges() -> None:
    body = recorded("2025-01--locations-catalog.json")
    client, _, _ = _client({"data": body["data"], "extensions": body["extensions"]})
    locations = client.locations()
    assert [(loc.id, loc.name) for loc in locations] == [
        ("gid://shopify/Location/68509171945", "103 ossington"),
        ("gid://shopify/Location/89026920681", "Hermes Conformance Annex"),
    ]


# ---------------------------------------------------------------- bulk operations


def test_bulk_query_user_error_codes_are_typed() -> None:
    validations = recorded("2026-04--bulk-operation-run-query-user-error-codes.json")["validations"]
    for case in ("noConnectionWithCode", "emptyQuery"):
        response = validations[case]["response"]
        client, _, _ = _client(response)
        with pytest.raises(ShopifyUserErrors) as info:
            run_bulk_query(client, validations[case]["variables"]["query"])
        assert info.value.codes == ["INVALID"]
        assert info.value.user_errors[0].field == ["query"]
        assert not isinstance(info.value, ShopifyBulkOperationInProgress)


def test_bulk_query_operation_in_progress_is_its_own_type() -> None:
    sixth = recorded("2026-04--bulk-operation-run-query-concurrency-limit.json")["sixthRun"]
    client, _, _ = _client(sixth["response"])
    with pytest.raises(ShopifyBulkOperationInProgress) as info:
        run_bulk_query(client, sixth["variables"]["query"])
    assert info.value.codes == ["OPERATION_IN_PROGRESS"]
    assert info.value.user_errors[0].field is None
    assert "already in progress" in info.value.user_errors[0].message


def test_bulk_query_recorded_run_polls_and_streams_roots() -> None:
    run = recorded("2026-04--bulk-operation-run-query-group-objects.json")["runs"]["runQueryGroupObjectsTrue"]
    polls = [p["response"] for p in run["statusPolls"]]
    client, app, clock = _client(run["run"]["response"], *polls)
    url = run["terminalOperation"]["url"]
    path = url.split("storage.googleapis.com", 1)[1].split("?", 1)[0]
    app.files[path] = "".join(json.dumps(r) + "\n" for r in run["result"]["records"]).encode()
    result = run_bulk_query(client, run["run"]["variables"]["query"], poll_interval=1.0)
    assert result.operation.status == "COMPLETED"
    assert result.operation.root_object_count == 1456
    roots = list(result)
    assert len(roots) == len(run["result"]["records"]) == 1456
    assert roots[0] == run["result"]["records"][0]
    assert app.requests[0].json["variables"]["groupObjects"] is True
    assert [r.operation for r in app.graphql_requests[1:]] == ["BulkOperation"] * len(polls)
    assert clock.sleeps == [1.0] * len(polls)
    download = app.requests[-1]
    assert download.host == "storage.googleapis.com"
    assert "x-shopify-access-token" not in download.headers


def test_bulk_mutation_recorded_flow_stage_upload_run_poll_download() -> None:
    rec = recorded("2026-04--bulk-operation-run-mutation-created-status.json")
    success = rec["success"]
    polls = [p["response"] for p in success["statusPolls"]]
    client, app, _ = _client(rec["setup"]["stagedUpload"]["response"], success["run"]["response"], *polls)
    app.upload_reply = Reply(rec["setup"]["upload"]["body"], status=rec["setup"]["upload"]["status"])
    terminal_url = success["terminalOperation"]["url"]
    app.files[terminal_url.split("storage.googleapis.com", 1)[1].split("?", 1)[0]] = success["result"][
        "body"
    ].encode()
    mutation = success["run"]["variables"]["mutation"]
    result = run_bulk_mutation(client, mutation, rec["setup"]["uploadContent"].encode(), poll_interval=0.1)
    rows = list(result)
    assert rows == success["resultRows"]
    (upload,) = app.uploads
    assert upload.host == "shopify-staged-uploads.storage.googleapis.com"
    assert "x-shopify-access-token" not in upload.headers
    assert upload.headers["content-type"].startswith("multipart/form-data")
    body = upload.body.decode()
    key = dict(
        (p["name"], p["value"])
        for p in rec["setup"]["stagedUpload"]["response"]["data"]["stagedUploadsCreate"]["stagedTargets"][0][
            "parameters"
        ]
    )["key"]
    assert key in body and rec["setup"]["uploadContent"].strip() in body
    assert body.index('name="policy"') < body.index('name="file"')  # the file goes last
    run_vars = app.graphql_requests[1].json["variables"]
    assert run_vars == {"mutation": mutation, "stagedUploadPath": key}


@pytest.mark.parametrize("case", ["noSuchFile", "invalidMutationSyntax", "disallowedRoot"])
def test_bulk_mutation_user_errors_are_typed(case: str) -> None:
    rec = recorded("2026-04--bulk-operation-run-mutation-user-errors.json")
    target = json.loads(json.dumps(rec["setup"]["stagedUploadTarget"]["response"]))
    # this recording selected only the parameters; give the target somewhere to upload to
    target["data"]["stagedUploadsCreate"]["stagedTargets"][0]["url"] = "https://uploads.example/"
    response = rec["validations"][case]["response"]
    client, _, _ = _client(target, response)
    with pytest.raises(ShopifyUserErrors) as info:
        run_bulk_mutation(client, rec["validations"][case]["variables"]["mutation"], b'{"input": {}}\n')
    expected = response["data"]["bulkOperationRunMutation"]["userErrors"]
    assert info.value.user_errors == _expected_user_errors(expected)


USER_ERROR_SHAPES = "2025-01--product-user-error-shape-parity.json"


@pytest.mark.parametrize("capture", recorded_keys(USER_ERROR_SHAPES, "captures"))
def test_user_error_shapes_with_and_without_code(capture: str) -> None:
    """Generic `UserError` has no code, typed ones do; both parse to the same `UserError` shape."""
    recording = recorded(USER_ERROR_SHAPES)["captures"][capture]
    payload = recording["result"]["payload"]
    client, app, _ = _client(payload)
    result = client.execute_document(recording["document"], recording["variables"], operation_name=capture)
    (root,) = result.data
    raw = payload["data"][root]["userErrors"]
    parsed = user_errors_from(result.data[root])
    assert parsed == _expected_user_errors(raw)
    assert [e.code for e in parsed] == [e.get("code") for e in raw]
    assert app.requests[0].json["query"] == recording["document"]


def test_recorded_search_results_paginate_from_edges() -> None:
    body = recorded("2025-01--products-variant-search.json")["response"]
    client, app, _ = _client(body)
    nodes = list(
        client.paginate("Products", {"first": 5, "query": "sku:HERMES-VARIANT-SEARCH-50673975"}, "products")
    )
    assert [n["handle"] for n in nodes] == ["hermes-variant-search-conformance-1777150673975"]
    assert len(app.requests) == 1  # hasNextPage false: no second page
