"""Bulk operations: JSONL query results with __parentId, concurrency, staged upload + bulk productSet."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from shopify_app.sandbox.app import ShopifySandbox

from .conftest import Gql, http, recorded

RUN_QUERY = """mutation($query: String!) { bulkOperationRunQuery(query: $query) {
  bulkOperation { id status type objectCount url } userErrors { field message code } } }"""
POLL = """query($id: ID!) { bulkOperation(id: $id) { id status type errorCode objectCount rootObjectCount fileSize
  url partialDataUrl query createdAt completedAt } }"""
BULK_QUERY = """{ products { edges { node { id title handle
  variants { edges { node { id sku barcode inventoryItem { id } } } } } } } }"""


def _jsonl(client: httpx.Client, url: str) -> list[dict[str, Any]]:
    response = client.get(url)
    assert response.status_code == 200
    return [json.loads(line) for line in response.text.splitlines()]


def test_bulk_query_produces_jsonl_with_parent_ids(sandbox: ShopifySandbox, gql: Gql) -> None:
    started = gql.data(RUN_QUERY, {"query": BULK_QUERY})["bulkOperationRunQuery"]
    assert started["userErrors"] == []
    assert started["bulkOperation"]["status"] == "CREATED" and started["bulkOperation"]["url"] is None
    # As recorded (bulk-operation-run-query-group-objects): the first read still says CREATED.
    first = gql.data(POLL, {"id": started["bulkOperation"]["id"]})["bulkOperation"]
    assert first["status"] == "CREATED" and first["objectCount"] == "0"
    current = gql.data("{ currentBulkOperation { id status objectCount rootObjectCount url } }")
    operation = current["currentBulkOperation"]
    assert operation["id"] == started["bulkOperation"]["id"] and operation["status"] == "COMPLETED"
    products = sandbox.shop().products.values()
    variants = sum(len(p.variants) for p in products)
    assert operation["objectCount"] == str(len(products) + variants)
    assert operation["rootObjectCount"] == str(len(products))
    rows = _jsonl(http(sandbox), operation["url"])
    parents = [row for row in rows if "__parentId" not in row]
    children = [row for row in rows if "__parentId" in row]
    assert {row["id"] for row in parents} == {f"gid://shopify/Product/{p.id}" for p in products}
    assert len(children) == variants
    first_product = next(iter(products))
    mine = [row for row in children if row["__parentId"] == f"gid://shopify/Product/{first_product.id}"]
    assert [row["sku"] for row in mine] == [v.sku for v in first_product.variants]
    assert mine[0]["inventoryItem"]["id"].startswith("gid://shopify/InventoryItem/")
    polled = gql.data(POLL, {"id": operation["id"]})["bulkOperation"]
    assert polled["fileSize"] == str(len(http(sandbox).get(operation["url"]).content))
    assert polled["completedAt"] is not None and polled["errorCode"] is None


@pytest.mark.parametrize("case", ["noConnectionWithCode", "emptyQuery"])
def test_recorded_bulk_query_user_errors(gql: Gql, case: str) -> None:
    recording = recorded("2026-04--bulk-operation-run-query-user-error-codes.json")["validations"][case]
    body = gql(recording["query"], recording["variables"])
    assert body["data"] == recording["response"]["data"]


def test_sixth_concurrent_bulk_query_is_refused(gql: Gql) -> None:
    ids = [
        gql.data(RUN_QUERY, {"query": BULK_QUERY})["bulkOperationRunQuery"]["bulkOperation"]["id"]
        for _ in range(5)
    ]
    sixth = gql.data(RUN_QUERY, {"query": BULK_QUERY})["bulkOperationRunQuery"]
    recorded_error = recorded("2026-04--bulk-operation-run-query-concurrency-limit.json")["sixthRun"][
        "response"
    ]["data"]["bulkOperationRunQuery"]["userErrors"][0]
    assert sixth["bulkOperation"] is None
    assert sixth["userErrors"] == [
        {
            "field": None,
            "code": "OPERATION_IN_PROGRESS",
            "message": "A bulk query operation for this app and shop is already in progress: "
            + ", ".join(ids)
            + ".",
        }
    ]
    assert recorded_error["message"].startswith(
        "A bulk query operation for this app and shop is already in progress"
    )
    gql.data(POLL, {"id": ids[0]})  # still CREATED: the first read
    assert gql.data(RUN_QUERY, {"query": BULK_QUERY})["bulkOperationRunQuery"]["bulkOperation"] is None
    gql.data(POLL, {"id": ids[0]})  # COMPLETED
    assert gql.data(RUN_QUERY, {"query": BULK_QUERY})["bulkOperationRunQuery"]["userErrors"] == []


STAGE = """mutation($input: [StagedUploadInput!]!) { stagedUploadsCreate(input: $input) {
  stagedTargets { url resourceUrl parameters { name value } } userErrors { field message } } }"""
RUN_MUTATION = """mutation($mutation: String!, $path: String!) {
  bulkOperationRunMutation(mutation: $mutation, stagedUploadPath: $path) {
    bulkOperation { id status type } userErrors { field message code } } }"""
PRODUCT_SET_LINE = (
    "mutation call($input: ProductSetInput!) { productSet(input: $input, synchronous: true) "
    "{ product { id title variants(first: 5) { nodes { sku } } } userErrors { field message } } }"
)


def _stage(sandbox: ShopifySandbox, gql: Gql, lines: list[dict[str, Any]]) -> str:
    target = gql.data(
        STAGE,
        {
            "input": [
                {
                    "resource": "BULK_MUTATION_VARIABLES",
                    "filename": "vars.jsonl",
                    "mimeType": "text/jsonl",
                    "httpMethod": "POST",
                }
            ]
        },
    )["stagedUploadsCreate"]["stagedTargets"][0]
    params = {p["name"]: p["value"] for p in target["parameters"]}
    body = "\n".join(json.dumps(line) for line in lines).encode()
    response = http(sandbox).post(
        target["url"], data=params, files={"file": ("vars.jsonl", body, "text/jsonl")}
    )
    assert response.status_code == 201
    return params["key"]


def test_staged_upload_and_bulk_product_set(make_sandbox) -> None:  # noqa: ANN001
    sandbox = make_sandbox(products=0)
    gql = Gql(sandbox)
    lines = [
        {
            "input": {
                "title": f"Bulk {i}",
                "productOptions": [{"name": "Size", "values": [{"name": "M"}]}],
                "variants": [{"optionValues": [{"optionName": "Size", "name": "M"}], "sku": f"B-{i}"}],
            }
        }
        for i in range(3)
    ]
    key = _stage(sandbox, gql, lines)
    started = gql.data(RUN_MUTATION, {"mutation": PRODUCT_SET_LINE, "path": key})["bulkOperationRunMutation"]
    assert started["userErrors"] == [] and started["bulkOperation"]["status"] == "CREATED"
    assert started["bulkOperation"]["type"] == "MUTATION"
    second = gql.data(RUN_MUTATION, {"mutation": PRODUCT_SET_LINE, "path": key})["bulkOperationRunMutation"]
    assert second["userErrors"][0]["code"] == "OPERATION_IN_PROGRESS"
    first = gql.data("{ currentBulkOperation(type: MUTATION) { status } }")["currentBulkOperation"]
    assert first == {"status": "CREATED"}  # as recorded (bulk-operation-run-mutation-created-status)
    done = gql.data("{ currentBulkOperation(type: MUTATION) { status objectCount url } }")[
        "currentBulkOperation"
    ]
    assert done["status"] == "COMPLETED" and done["objectCount"] == "3"
    rows = _jsonl(http(sandbox), done["url"])
    assert [row["__lineNumber"] for row in rows] == [0, 1, 2]
    assert [row["data"]["productSet"]["product"]["variants"]["nodes"][0]["sku"] for row in rows] == [
        "B-0",
        "B-1",
        "B-2",
    ]
    assert len(sandbox.shop().products) == 3


@pytest.mark.parametrize("case", ["noSuchFile", "invalidMutationSyntax", "disallowedRoot"])
def test_recorded_bulk_mutation_user_errors(gql: Gql, case: str) -> None:
    data = recorded("2026-04--bulk-operation-run-mutation-user-errors.json")
    validation = data["validations"][case]
    body = gql(data["request"]["query"], validation["variables"])
    assert body["data"] == validation["response"]["data"], case


def test_bulk_operations_finish_webhook(make_sandbox) -> None:  # noqa: ANN001
    received: list[bytes] = []

    def receiver(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        received.append(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)))
        start_response("200 OK", [])
        return [b""]

    sandbox = make_sandbox(webhook_transport=httpx.WSGITransport(app=receiver))
    gql = Gql(sandbox)
    gql.data(
        "mutation { webhookSubscriptionCreate(topic: BULK_OPERATIONS_FINISH, "
        'webhookSubscription: {uri: "https://app.test/w"}) { userErrors { message } } }'
    )
    operation_id = gql.data(RUN_QUERY, {"query": BULK_QUERY})["bulkOperationRunQuery"]["bulkOperation"]["id"]
    gql.data(POLL, {"id": operation_id})
    assert received == []  # the first read still says CREATED
    gql.data(POLL, {"id": operation_id})
    payload = json.loads(received[0])
    assert payload["admin_graphql_api_id"] == operation_id
    assert payload["status"] == "completed" and payload["type"] == "query"


def test_bulk_operations_list_filters_by_status_and_type(gql: Gql) -> None:
    operation_id = gql.data(RUN_QUERY, {"query": BULK_QUERY})["bulkOperationRunQuery"]["bulkOperation"]["id"]
    listing = "query($q: String) { bulkOperations(first: 10, query: $q) { nodes { id status type } } }"
    gql.data(POLL, {"id": operation_id})  # the first read: still CREATED
    completed = gql.data(listing, {"q": "status:completed operation_type:query"})["bulkOperations"]["nodes"]
    assert completed == [{"id": operation_id, "status": "COMPLETED", "type": "QUERY"}]
    assert gql.data(listing, {"q": "status:running"})["bulkOperations"]["nodes"] == []
    assert gql.data(listing, {"q": "operation_type:mutation"})["bulkOperations"]["nodes"] == []


def test_bulk_query_limits_connections_and_nesting(gql: Gql) -> None:
    too_deep = (
        "{ products { edges { node { variants { edges { node { inventoryItem { "
        "inventoryLevels { edges { node { id } } } } } } } } } } }"
    )
    errors = gql.data(RUN_QUERY, {"query": too_deep})["bulkOperationRunQuery"]["userErrors"]
    assert errors[0]["code"] == "INVALID" and "nested" in errors[0]["message"]
