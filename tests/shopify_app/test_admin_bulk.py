"""Bulk operations: awaiting, JSONL streaming and __parentId grouping, bulk productSet."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Iterator

import pytest

from shopify_app.admin.bulk import (
    CHILDREN_KEY,
    bulk_product_set,
    group_jsonl,
    in_line_order,
    product_set_jsonl,
    run_bulk_query,
)
from shopify_app.admin.errors import (
    ShopifyBadResult,
    ShopifyBulkOperationFailed,
    ShopifyRequestError,
    ShopifyTimeout,
    ShopifyTransientError,
)
from shopify_app.admin.operations import load_operation
from tests.shopify_app.admin_scaffolding import Reply, ScriptedShopify, make_client, ok

OP_ID = "gid://shopify/BulkOperation/77"
RESULT_URL = "https://storage.example/bulk/77.jsonl?sig=abc"


def _operation(
    status: str, *, url: str | None = None, error_code: str | None = None, type_: str = "QUERY"
) -> dict:
    return {
        "id": OP_ID,
        "status": status,
        "type": type_,
        "errorCode": error_code,
        "createdAt": "2026-11-22T10:00:00Z",
        "completedAt": None,
        "objectCount": "3",
        "rootObjectCount": "1",
        "fileSize": "120" if url else None,
        "url": url,
        "partialDataUrl": "https://storage.example/partial.jsonl" if status == "FAILED" else None,
        "query": "{ products { edges { node { id } } } }",
    }


def _started(status: str = "CREATED") -> Reply:
    return ok({"bulkOperationRunQuery": {"bulkOperation": _operation(status), "userErrors": []}})


def _polled(status: str, **kwargs: object) -> Reply:
    return ok({"bulkOperation": _operation(status, **kwargs)})  # type: ignore[arg-type]


# ---------------------------------------------------------------- JSONL grouping


def _lines(*rows: dict) -> list[str]:
    return [json.dumps(r) for r in rows]


def test_children_and_grandchildren_are_grouped_onto_their_root() -> None:
    lines = _lines(
        {"id": "gid://shopify/Product/1", "title": "A"},
        {"id": "gid://shopify/ProductVariant/11", "sku": "A-1", "__parentId": "gid://shopify/Product/1"},
        {
            "id": "gid://shopify/InventoryLevel/5?inventory_item_id=9",
            "available": 3,
            "__parentId": "gid://shopify/ProductVariant/11",
        },
        {"id": "gid://shopify/ProductVariant/12", "sku": "A-2", "__parentId": "gid://shopify/Product/1"},
        {
            "__typename": "Metafield",
            "key": "fabrication",
            "value": "wool",
            "__parentId": "gid://shopify/Product/1",
        },
        {"id": "gid://shopify/Product/2", "title": "B"},
    )
    roots = list(group_jsonl(lines))
    assert [r["title"] for r in roots] == ["A", "B"]
    first = roots[0]
    assert [v["sku"] for v in first[CHILDREN_KEY]["ProductVariant"]] == ["A-1", "A-2"]
    assert first[CHILDREN_KEY]["Metafield"] == [
        {"__typename": "Metafield", "key": "fabrication", "value": "wool"}
    ]
    level = first[CHILDREN_KEY]["ProductVariant"][0][CHILDREN_KEY]["InventoryLevel"][0]
    assert level["available"] == 3 and "__parentId" not in level
    assert CHILDREN_KEY not in roots[1]


def test_child_that_does_not_follow_its_parent_is_reported() -> None:
    lines = _lines(
        {"id": "gid://shopify/Product/1"},
        {"id": "gid://shopify/Product/2"},
        {"id": "gid://shopify/ProductVariant/11", "__parentId": "gid://shopify/Product/1"},
    )
    stream = group_jsonl(lines)
    assert next(stream)["id"] == "gid://shopify/Product/1"
    with pytest.raises(ShopifyBadResult, match="line 3"):
        list(stream)


def test_bad_json_line_is_reported_with_its_number() -> None:
    with pytest.raises(ShopifyBadResult, match="line 2"):
        list(group_jsonl(['{"id": "a"}', '{"id": ']))


def test_in_line_order_restores_input_order() -> None:
    rows = [{"__lineNumber": n, "v": n} for n in (2, 0, 3, 1, 5)]
    assert [r["v"] for r in in_line_order(rows)] == [0, 1, 2, 3, 5]


@pytest.mark.slow
def test_large_result_streams_with_bounded_memory() -> None:
    """40k lines (~6 MB) through HTTP, iter_lines and grouping; peak memory stays far below the size."""
    roots, children = 8_000, 4
    produced = {"bytes": 0}

    def generate() -> Iterator[bytes]:
        for p in range(roots):
            pid = f"gid://shopify/Product/{p}"
            chunk = [
                json.dumps({"id": pid, "title": f"Product {p}", "handle": f"product-{p}", "status": "ACTIVE"})
            ]
            chunk += [
                json.dumps(
                    {
                        "id": f"gid://shopify/ProductVariant/{p}{c}",
                        "sku": f"SKU-{p}-{c}",
                        "barcode": f"{p:08d}{c:04d}",
                        "price": "19.99",
                        "__parentId": pid,
                    }
                )
                for c in range(children)
            ]
            data = ("\n".join(chunk) + "\n").encode()
            produced["bytes"] += len(data)
            yield data

    app = ScriptedShopify([_started(), _polled("COMPLETED", url=RESULT_URL)])
    app.files["/bulk/77.jsonl"] = generate
    client, _ = make_client(app)
    result = run_bulk_query(client, "{ products { edges { node { id } } } }", poll_interval=0.01)

    tracemalloc.start()
    try:
        count = variants = 0
        for root in result:
            count += 1
            variants += len(root[CHILDREN_KEY]["ProductVariant"])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == roots and variants == roots * children
    assert produced["bytes"] > 5_000_000
    assert peak < 500_000, peak  # measured: ~30 kB


# ---------------------------------------------------------------- awaiting


def test_polls_until_completed_then_downloads_without_the_token() -> None:
    app = ScriptedShopify([_started(), _polled("RUNNING"), _polled("COMPLETED", url=RESULT_URL)])
    app.files["/bulk/77.jsonl"] = b'{"id":"gid://shopify/Product/1"}\n\n{"id":"gid://shopify/Product/2"}\n'
    client, clock = make_client(app)
    result = run_bulk_query(client, "{ products { edges { node { id } } } }", poll_interval=3.0)
    assert result.operation.status == "COMPLETED"
    assert [r["id"] for r in result] == ["gid://shopify/Product/1", "gid://shopify/Product/2"]
    assert clock.sleeps == [3.0, 3.0]
    assert [r.json["variables"] for r in app.graphql_requests[1:]] == [{"id": OP_ID}, {"id": OP_ID}]
    download = app.requests[-1]
    assert (download.host, download.path) == ("storage.example", "/bulk/77.jsonl")
    assert "x-shopify-access-token" not in download.headers


def test_wait_callable_replaces_polling() -> None:
    app = ScriptedShopify([_started(), _polled("COMPLETED", url=None)])
    client, clock = make_client(app)
    waited: list[tuple[str, float]] = []
    result = run_bulk_query(
        client, "{ products { edges { node { id } } } }", timeout=60, wait=lambda i, t: waited.append((i, t))
    )
    assert waited == [(OP_ID, 60)]
    assert clock.sleeps == []
    assert list(result) == []  # an empty result has no url and no file
    assert len(app.requests) == 2


def test_wait_that_returns_early_falls_back_to_polling() -> None:
    app = ScriptedShopify([_started(), _polled("RUNNING"), _polled("COMPLETED")])
    client, clock = make_client(app)
    run_bulk_query(client, "{ products { edges { node { id } } } }", poll_interval=5, wait=lambda i, t: None)
    assert clock.sleeps == [5]


@pytest.mark.parametrize(
    ("status", "code"), [("FAILED", "INTERNAL_SERVER_ERROR"), ("CANCELED", None), ("EXPIRED", None)]
)
def test_unsuccessful_end_states_raise_typed_errors(status: str, code: str | None) -> None:
    app = ScriptedShopify([_started(), _polled(status, error_code=code)])
    client, _ = make_client(app)
    with pytest.raises(ShopifyBulkOperationFailed) as info:
        run_bulk_query(client, "{ products { edges { node { id } } } }", poll_interval=1)
    assert (info.value.status_name, info.value.error_code, info.value.operation_id) == (status, code, OP_ID)
    if status == "FAILED":
        assert info.value.partial_data_url == "https://storage.example/partial.jsonl"


def test_polling_gives_up_at_the_timeout() -> None:
    app = ScriptedShopify([_started()] + [_polled("RUNNING") for _ in range(10)])
    client, clock = make_client(app)
    with pytest.raises(ShopifyTimeout):
        run_bulk_query(client, "{ products { edges { node { id } } } }", poll_interval=10, timeout=30)
    assert clock.sleeps == [10, 10, 10]


@pytest.mark.parametrize(("status", "error"), [(503, ShopifyTransientError), (403, ShopifyRequestError)])
def test_download_failures_are_typed(status: int, error: type[Exception]) -> None:
    app = ScriptedShopify([_started(), _polled("COMPLETED", url="https://storage.example/missing.jsonl")])
    app.files["/missing.jsonl"] = Reply("denied", status=status)
    client, _ = make_client(app)
    result = run_bulk_query(client, "{ products { edges { node { id } } } }")
    with pytest.raises(error):
        list(result)


# ---------------------------------------------------------------- bulk productSet


def test_product_set_jsonl_lines() -> None:
    content = product_set_jsonl([{"title": "A"}, {"title": "B"}], [{"handle": "a"}, None])
    assert content.decode().splitlines() == [
        '{"input":{"title":"A"},"identifier":{"handle":"a"}}',
        '{"input":{"title":"B"}}',
    ]
    with pytest.raises(ValueError):
        product_set_jsonl([{"title": "A"}], [])


def test_bulk_product_set_stages_uploads_runs_and_returns_results_in_input_order() -> None:
    staged = {
        "stagedUploadsCreate": {
            "stagedTargets": [
                {
                    "url": "https://uploads.example/",
                    "resourceUrl": None,
                    "parameters": [
                        {"name": "key", "value": "tmp/1/bulk/product-set.jsonl"},
                        {"name": "policy", "value": "p"},
                    ],
                }
            ],
            "userErrors": [],
        }
    }
    started = {
        "bulkOperationRunMutation": {
            "bulkOperation": _operation("CREATED", type_="MUTATION"),
            "userErrors": [],
        }
    }
    lines = [
        {
            "data": {"productSet": {"product": {"id": "gid://shopify/Product/2"}, "userErrors": []}},
            "__lineNumber": 1,
        },
        {
            "data": {
                "productSet": {
                    "product": None,
                    "userErrors": [
                        {"field": ["input", "title"], "message": "can't be blank", "code": "BLANK"}
                    ],
                }
            },
            "__lineNumber": 0,
        },
        {
            "errors": [{"message": "Internal error", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}],
            "__lineNumber": 2,
        },
    ]
    app = ScriptedShopify([ok(staged), ok(started), _polled("COMPLETED", url=RESULT_URL, type_="MUTATION")])
    app.files["/bulk/77.jsonl"] = "".join(json.dumps(line) + "\n" for line in lines).encode()
    client, _ = make_client(app)
    inputs = [{"title": ""}, {"title": "Two"}, {"title": "Three"}]
    results = list(
        bulk_product_set(client, inputs, identifiers=[None, {"handle": "two"}, None], poll_interval=1)
    )

    assert [r.ok for r in results] == [False, True, False]
    assert results[0].user_errors[0].code == "BLANK"
    assert results[1].product == {"id": "gid://shopify/Product/2"}
    assert results[2].user_errors[0].code == "INTERNAL_SERVER_ERROR"
    (upload,) = app.uploads
    body = upload.body.decode()
    assert '{"input":{"title":"Two"},"identifier":{"handle":"two"}}' in body
    assert body.index('name="key"') < body.index('name="file"')
    run = app.graphql_requests[1].json
    assert run["variables"]["mutation"] == load_operation("ProductSetBulk")
    assert run["variables"]["stagedUploadPath"] == "tmp/1/bulk/product-set.jsonl"
    assert app.graphql_requests[0].json["variables"]["input"] == [
        {
            "resource": "BULK_MUTATION_VARIABLES",
            "filename": "product-set.jsonl",
            "mimeType": "text/jsonl",
            "httpMethod": "POST",
        }
    ]
