"""AdminClient behaviour: request shape, cost pacing, retries, auth refresh, secrets, pagination, and
the shared outbound policy (deadline, decoded-size cap, retry decision) over real loopback sockets."""

from __future__ import annotations

import base64
import logging
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from shopify_app.admin.client import (
    MAX_RESPONSE_BYTES,
    MAX_RETRY_AFTER,
    AdminClient,
    estimated_product_cost,
    search_value,
    validate_shop_domain,
)
from shopify_app.admin.errors import (
    InvalidShopDomain,
    ShopifyAuthError,
    ShopifyBadResult,
    ShopifyGraphQLError,
    ShopifyRequestError,
    ShopifyResponseTooLarge,
    ShopifyThrottled,
    ShopifyTransientError,
)
from shopify_app.admin.operations import load_operation
from tests.core.loopback import drip_body, gzip_bomb, respond, serving
from tests.shopify_app.admin_scaffolding import (
    SHOP,
    TOKEN,
    FakeClock,
    FlakyTransport,
    Reply,
    ScriptedShopify,
    make_client,
    ok,
    throttled,
)

SHOP_DATA = {
    "shop": {
        "id": "gid://shopify/Shop/1",
        "name": "Demo",
        "myshopifyDomain": SHOP,
        "currencyCode": "EUR",
        "ianaTimezone": "Europe/Paris",
        "plan": {"displayName": "Basic", "partnerDevelopment": True, "shopifyPlus": False},
    }
}


# ---------------------------------------------------------------- request shape and configuration


def test_request_goes_to_the_shop_with_token_header_and_operation_body() -> None:
    app = ScriptedShopify([ok(SHOP_DATA)])
    client, _ = make_client(app)
    info = client.shop()
    assert (info.name, info.myshopify_domain, info.currency_code, info.plan_display_name) == (
        "Demo",
        SHOP,
        "EUR",
        "Basic",
    )
    (request,) = app.requests
    assert request.method == "POST"
    assert request.host == SHOP
    assert request.path == "/admin/api/2026-07/graphql.json"
    assert request.headers["x-shopify-access-token"] == TOKEN
    assert "x-sandbox-shop-domain" not in request.headers
    assert request.json == {"query": load_operation("Shop"), "variables": {}, "operationName": "Shop"}
    assert client.endpoint == f"https://{SHOP}/admin/api/2026-07/graphql.json"


def test_admin_base_url_keeps_the_path_and_names_the_shop_in_a_header() -> None:
    app = ScriptedShopify([ok(SHOP_DATA)])
    client, _ = make_client(app, admin_base_url="http://127.0.0.1:8702/", api_version="2026-04")
    client.shop()
    (request,) = app.requests
    assert request.host == "127.0.0.1:8702"
    assert request.path == "/admin/api/2026-04/graphql.json"
    assert request.headers["x-sandbox-shop-domain"] == SHOP


@pytest.mark.parametrize(
    "shop",
    [
        "evil.com",
        "demo.myshopify.com.evil.com",
        "demo.myshopify.com/admin",
        "-demo.myshopify.com",
        "de_mo.myshopify.com",
        "demo.myshopify.com@evil.com",
        "",
    ],
)
def test_invalid_shop_domains_are_refused_before_any_url(shop: str) -> None:
    with pytest.raises(InvalidShopDomain):
        AdminClient(shop=shop, access_token=TOKEN)


def test_shop_domain_is_normalised() -> None:
    assert validate_shop_domain(" Demo-2.MyShopify.com ") == "demo-2.myshopify.com"


def test_invalid_api_version_is_refused() -> None:
    with pytest.raises(ValueError):
        AdminClient(shop=SHOP, access_token=TOKEN, api_version="../2026-07")


def test_timeouts_are_explicit() -> None:
    client = AdminClient(shop=SHOP, access_token=TOKEN, timeout=12.0)
    assert client.timeout.read == 12.0 and client.timeout.connect == 10.0
    assert client.file_http.timeout.connect == 10.0


# ---------------------------------------------------------------- cost-aware pacing


def test_waits_for_bucket_capacity_using_last_requested_cost_per_operation() -> None:
    app = ScriptedShopify(
        [ok(SHOP_DATA, requested=200, actual=180, available=50), ok(SHOP_DATA, available=1800)]
    )
    client, clock = make_client(app)
    client.shop()
    assert clock.sleeps == []
    client.shop()
    # expected 200, projected 50 (no time has passed), restore 100/s -> 1.5 s and one point's margin
    assert clock.sleeps == [pytest.approx(1.51)]
    assert client.usage["cost"] == 181


def test_elapsed_time_restores_the_bucket_so_no_wait() -> None:
    app = ScriptedShopify([ok(SHOP_DATA, requested=200, available=50), ok(SHOP_DATA)])
    client, clock = make_client(app)
    client.shop()
    clock.advance(2.0)  # 50 + 2 * 100 = 250 >= 200
    client.shop()
    assert clock.sleeps == []


def test_unknown_operation_uses_a_conservative_default_cost() -> None:
    app = ScriptedShopify([ok(SHOP_DATA, available=20), ok({"locations": {"nodes": [], "pageInfo": {}}})])
    client, clock = make_client(app)
    client.shop()
    client.locations()  # never seen: default 100 points expected, 20 available -> 0.8 s (+ margin)
    assert clock.sleeps == [pytest.approx(0.81)]


def test_projection_is_capped_at_the_bucket_maximum() -> None:
    app = ScriptedShopify([ok(SHOP_DATA, available=10)])
    client, clock = make_client(app)
    client.shop()
    clock.advance(3600)
    assert client.cost.projected_available() == 2000.0


def test_throttled_answer_waits_from_throttle_status_and_retries() -> None:
    app = ScriptedShopify([throttled(requested=752, available=232, rate=100), ok(SHOP_DATA)])
    client, clock = make_client(app)
    assert client.shop().name == "Demo"
    assert clock.sleeps == [5.2]  # (752 - 232) / 100
    assert client.usage == {"requests": 2, "cost": 1, "throttled": 1, "retries": 1}


def test_persistent_throttling_raises_after_bounded_retries() -> None:
    app = ScriptedShopify([throttled() for _ in range(10)])
    client, clock = make_client(app, max_retries=3)
    with pytest.raises(ShopifyThrottled) as info:
        client.shop()
    assert len(app.requests) == 4
    assert info.value.retry_after == pytest.approx(5.2)
    assert client.usage["throttled"] == 4


def test_http_429_honours_retry_after() -> None:
    app = ScriptedShopify(
        [
            Reply({"errors": "Exceeded 2 calls per second"}, status=429, headers={"Retry-After": "2.0"}),
            ok(SHOP_DATA),
        ]
    )
    client, clock = make_client(app)
    client.shop()
    assert clock.sleeps == [2.0]
    assert client.usage["throttled"] == 1


# ---------------------------------------------------------------- transient failures


def test_5xx_is_retried_with_bounded_jittered_backoff() -> None:
    app = ScriptedShopify([Reply("oops", status=502), Reply("oops", status=503), ok(SHOP_DATA)])
    client, clock = make_client(app, backoff_base=1.0)
    client.shop()
    assert len(clock.sleeps) == 2
    assert 0.5 <= clock.sleeps[0] <= 1.0  # attempt 1: half of 1 s plus up to another half
    assert 1.0 <= clock.sleeps[1] <= 2.0  # attempt 2 doubles
    assert client.usage["retries"] == 2


def test_5xx_gives_up_with_transient_error() -> None:
    app = ScriptedShopify([Reply("down", status=500) for _ in range(10)])
    client, clock = make_client(app, max_retries=2)
    with pytest.raises(ShopifyTransientError) as info:
        client.shop()
    assert info.value.status == 500
    assert len(app.requests) == 3


def test_timeouts_and_connection_errors_are_retried() -> None:
    app = ScriptedShopify([ok(SHOP_DATA)])
    transport = FlakyTransport(
        httpx.WSGITransport(app=app), [httpx.ReadTimeout("slow"), httpx.ConnectError("refused")]
    )
    client, clock = make_client(app, transport=transport)
    assert client.shop().name == "Demo"
    assert transport.attempts == 3
    assert len(clock.sleeps) == 2


def test_timeouts_give_up_with_transient_error() -> None:
    app = ScriptedShopify([])
    transport = FlakyTransport(httpx.WSGITransport(app=app), [httpx.ReadTimeout("slow") for _ in range(5)])
    client, _ = make_client(app, transport=transport, max_retries=2)
    with pytest.raises(ShopifyTransientError, match="ReadTimeout"):
        client.shop()
    assert transport.attempts == 3


def test_truncated_json_is_retried() -> None:
    app = ScriptedShopify([Reply('{"data": {"shop": {"id": '), ok(SHOP_DATA)])
    client, _ = make_client(app)
    assert client.shop().name == "Demo"
    assert len(app.requests) == 2


def test_other_4xx_is_not_retried() -> None:
    app = ScriptedShopify([Reply({"errors": "Not Found"}, status=404), ok(SHOP_DATA)])
    client, _ = make_client(app)
    with pytest.raises(ShopifyRequestError) as info:
        client.shop()
    assert info.value.status == 404
    assert len(app.requests) == 1


def test_graphql_errors_are_not_retried() -> None:
    body = {
        "errors": [
            {
                "message": "The input array size of 2049 is greater than the maximum allowed of 2048.",
                "locations": [{"line": 2, "column": 3}],
                "path": ["productSet", "input", "variants"],
                "extensions": {"code": "MAX_INPUT_SIZE_EXCEEDED"},
            }
        ]
    }
    app = ScriptedShopify([Reply(body), ok({})])
    client, _ = make_client(app)
    with pytest.raises(ShopifyGraphQLError) as info:
        client.product_set({"title": "Big", "variants": []})
    assert info.value.codes == ["MAX_INPUT_SIZE_EXCEEDED"]
    assert "2049" in str(info.value)
    assert info.value.data is None
    assert len(app.requests) == 1


# ---------------------------------------------------------------- auth


UNAUTHORIZED = Reply(
    {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}, status=401
)


def test_401_refreshes_the_token_once_and_retries() -> None:
    app = ScriptedShopify([UNAUTHORIZED, ok(SHOP_DATA)])
    calls: list[int] = []

    def refresh() -> str:
        calls.append(1)
        return "shpat_fresh"

    client, _ = make_client(app, on_unauthorized=refresh)
    assert client.shop().name == "Demo"
    assert calls == [1]
    assert [r.headers["x-shopify-access-token"] for r in app.requests] == [TOKEN, "shpat_fresh"]
    # later requests keep the new token
    app.add(ok(SHOP_DATA))
    client.shop()
    assert app.requests[-1].headers["x-shopify-access-token"] == "shpat_fresh"


def test_401_again_after_refresh_is_an_auth_error() -> None:
    app = ScriptedShopify([UNAUTHORIZED, UNAUTHORIZED, ok(SHOP_DATA)])
    calls: list[int] = []
    client, _ = make_client(app, on_unauthorized=lambda: calls.append(1) or "shpat_fresh")
    with pytest.raises(ShopifyAuthError) as info:
        client.shop()
    assert info.value.status == 401
    assert calls == [1]
    assert len(app.requests) == 2


def test_401_without_refresh_callback_is_an_auth_error() -> None:
    app = ScriptedShopify([UNAUTHORIZED])
    client, _ = make_client(app)
    with pytest.raises(ShopifyAuthError, match="Invalid API key"):
        client.shop()


def test_403_is_an_auth_error_without_refresh() -> None:
    app = ScriptedShopify([Reply({"errors": "Forbidden"}, status=403)])
    calls: list[int] = []
    client, _ = make_client(app, on_unauthorized=lambda: calls.append(1) or "x")
    with pytest.raises(ShopifyAuthError):
        client.shop()
    assert calls == []


def test_access_token_never_appears_in_repr_logs_or_errors(caplog: pytest.LogCaptureFixture) -> None:
    echo = Reply({"errors": f"token {TOKEN} is not valid"}, status=401)
    bad = Reply({"errors": [{"message": f"bad token {TOKEN}", "extensions": {"code": "ACCESS_DENIED"}}]})
    app = ScriptedShopify(
        [Reply("x", status=500), throttled(), echo, bad, Reply({"errors": f"{TOKEN}"}, status=404)]
    )
    client, _ = make_client(app, max_retries=0)
    caplog.set_level(logging.DEBUG)
    messages = [repr(client), str(client.__dict__.get("endpoint"))]
    for _ in range(5):
        with pytest.raises(Exception) as info:
            client.shop()
        messages.append(str(info.value))
        messages.append(repr(info.value))
    messages.extend(r.getMessage() for r in caplog.records)
    assert len(app.requests) == 5
    assert not [m for m in messages if TOKEN in m]
    assert any("[redacted]" in m for m in messages)


# ---------------------------------------------------------------- pagination


def _product(n: int, *, variants: int = 1, more_variants: bool = False) -> dict:
    return {
        "id": f"gid://shopify/Product/{n}",
        "title": f"P{n}",
        "variants": {
            "nodes": [
                {"id": f"gid://shopify/ProductVariant/{n}{i}", "sku": f"S{n}-{i}"} for i in range(variants)
            ],
            "pageInfo": {"hasNextPage": more_variants, "endCursor": "v1" if more_variants else None},
        },
        "metafields": {"nodes": []},
    }


def _page(nodes: list[dict], cursor: str | None) -> Reply:
    return ok(
        {"products": {"nodes": nodes, "pageInfo": {"hasNextPage": cursor is not None, "endCursor": cursor}}}
    )


def test_iter_products_follows_cursors_and_completes_long_variant_lists() -> None:
    app = ScriptedShopify(
        [
            _page([_product(1), _product(2, variants=2, more_variants=True)], "c1"),
            ok(
                {
                    "product": {
                        "id": "gid://shopify/Product/2",
                        "variants": {
                            "nodes": [{"id": "gid://shopify/ProductVariant/299", "sku": "S2-extra"}],
                            "pageInfo": {"hasNextPage": False, "endCursor": "v2"},
                        },
                    }
                }
            ),
            _page([_product(3)], None),
        ]
    )
    client, _ = make_client(app)
    products = list(
        client.iter_products(query="updated_at:>'2026-11-01T00:00:00Z'", page_size=50, variants_first=10)
    )
    assert [p["id"].rsplit("/", 1)[1] for p in products] == ["1", "2", "3"]
    assert [v["sku"] for v in products[1]["variants"]["nodes"]] == ["S2-0", "S2-1", "S2-extra"]
    first, variants_page, second = (r.json for r in app.requests)
    assert first["operationName"] == "Products"
    assert first["variables"]["query"] == "updated_at:>'2026-11-01T00:00:00Z'"
    assert first["variables"]["first"] == client.products_page_size(50, 10)
    assert "after" not in first["variables"]
    assert variants_page["operationName"] == "ProductVariantsPage"
    assert variants_page["variables"] == {"id": "gid://shopify/Product/2", "first": 250, "after": "v1"}
    assert second["variables"]["after"] == "c1"


def test_products_page_size_keeps_requested_cost_under_the_query_cap() -> None:
    client = AdminClient(shop=SHOP, access_token=TOKEN)
    for variants_first in (1, 10, 50, 100, 250):
        size = client.products_page_size(250, variants_first)
        assert size >= 1
        assert size == 1 or size * estimated_product_cost(variants_first) <= 1000
    assert client.products_page_size(3, 10) == 3


def test_paginate_refuses_a_cursor_that_does_not_advance() -> None:
    app = ScriptedShopify([_page([_product(1)], "same"), _page([_product(2)], "same")])
    client, _ = make_client(app)
    with pytest.raises(ShopifyBadResult):
        list(client.paginate("Products", {"first": 1, "after": None}, "products"))


def test_variant_search_quotes_values_and_keeps_exact_matches() -> None:
    assert search_value('A"B\\C') == '"A\\"B\\\\C"'
    app = ScriptedShopify(
        [
            ok(
                {
                    "productVariants": {
                        "nodes": [{"id": "v1", "sku": "ABC-1"}, {"id": "v2", "sku": "ABC-10"}],
                        "pageInfo": {"hasNextPage": False, "endCursor": None},
                    }
                }
            )
        ]
    )
    client, _ = make_client(app)
    assert [v["id"] for v in client.variants_by_sku("ABC-1")] == ["v1"]
    assert app.requests[0].json["variables"]["query"] == 'sku:"ABC-1"'


def test_nodes_are_fetched_in_chunks_and_keep_order() -> None:
    ids = [f"gid://shopify/Product/{i}" for i in range(300)]
    app = ScriptedShopify(
        [
            lambda r: ok({"nodes": [{"id": i} for i in r.json["variables"]["ids"]]}),
            lambda r: ok(
                {"nodes": [{"id": i} if i.endswith("9") else None for i in r.json["variables"]["ids"]]}
            ),
        ]
    )
    client, _ = make_client(app)
    found = client.nodes(ids)
    assert len(found) == 300
    assert [len(r.json["variables"]["ids"]) for r in app.requests] == [250, 50]
    assert found[0] == {"id": ids[0]}
    assert found[250] is None and found[259] == {"id": ids[259]}


# ---------------------------------------------------------------- typed writes


def test_inventory_set_quantities_requires_change_from_quantity_and_key() -> None:
    client, _ = make_client(ScriptedShopify([]))
    quantity = {
        "inventoryItemId": "gid://shopify/InventoryItem/1",
        "locationId": "gid://shopify/Location/1",
        "quantity": 3,
    }
    with pytest.raises(ValueError, match="changeFromQuantity"):
        client.inventory_set_quantities([quantity], idempotency_key="k1")
    with pytest.raises(ValueError, match="idempotency"):
        client.inventory_set_quantities([{**quantity, "changeFromQuantity": 0}], idempotency_key=" ")


def test_inventory_set_quantities_sends_the_idempotency_key_on_every_retry() -> None:
    payload = {
        "inventorySetQuantities": {"inventoryAdjustmentGroup": {"id": "g1", "changes": []}, "userErrors": []}
    }
    app = ScriptedShopify([Reply("x", status=503), ok(payload)])
    client, _ = make_client(app)
    result = client.inventory_set_quantities(
        [{"inventoryItemId": "i", "locationId": "l", "quantity": 5, "changeFromQuantity": 2}],
        idempotency_key="sync-42-item-i",
        reference_document_uri="joorsync://job/42",
    )
    assert result.ok and result.adjustment_group == {"id": "g1", "changes": []}
    keys = [r.json["variables"]["idempotencyKey"] for r in app.requests]
    assert keys == ["sync-42-item-i", "sync-42-item-i"]
    assert app.requests[0].json["variables"]["input"] == {
        "name": "available",
        "reason": "correction",
        "referenceDocumentUri": "joorsync://job/42",
        "quantities": [{"inventoryItemId": "i", "locationId": "l", "quantity": 5, "changeFromQuantity": 2}],
    }


def test_user_errors_are_returned_not_retried() -> None:
    payload = {
        "webhookSubscriptionCreate": {
            "webhookSubscription": None,
            "userErrors": [
                {
                    "field": ["webhookSubscription", "callbackUrl"],
                    "message": "Address for this topic has already been taken",
                }
            ],
        }
    }
    app = ScriptedShopify([ok(payload)])
    client, _ = make_client(app)
    result = client.webhook_subscription_create(topic="PRODUCTS_UPDATE", uri="https://app.example/webhooks")
    assert not result.ok and result.subscription is None
    assert result.user_errors[0].field == ["webhookSubscription", "callbackUrl"]
    assert result.user_errors[0].code is None
    assert len(app.requests) == 1
    assert app.requests[0].json["variables"] == {
        "topic": "PRODUCTS_UPDATE",
        "webhookSubscription": {"uri": "https://app.example/webhooks"},
    }


def test_ensure_webhook_subscription_is_idempotent() -> None:
    existing = {
        "webhookSubscriptions": {
            "nodes": [
                {
                    "id": "gid://shopify/WebhookSubscription/1",
                    "topic": "PRODUCTS_UPDATE",
                    "uri": "https://app/wh",
                }
            ],
            "pageInfo": {"hasNextPage": False, "endCursor": None},
        }
    }
    created = {
        "webhookSubscriptionCreate": {
            "webhookSubscription": {
                "id": "gid://shopify/WebhookSubscription/2",
                "topic": "PRODUCTS_UPDATE",
                "uri": "https://new/wh",
            },
            "userErrors": [],
        }
    }
    app = ScriptedShopify([ok(existing), ok(existing), ok(created)])
    client, _ = make_client(app)
    same = client.ensure_webhook_subscription(topic="PRODUCTS_UPDATE", uri="https://app/wh")
    assert same.subscription and same.subscription.id.endswith("/1")
    new = client.ensure_webhook_subscription(topic="PRODUCTS_UPDATE", uri="https://new/wh")
    assert new.subscription and new.subscription.id.endswith("/2")
    assert [r.operation for r in app.requests] == [
        "WebhookSubscriptions",
        "WebhookSubscriptions",
        "WebhookSubscriptionCreate",
    ]
    assert app.requests[0].json["variables"]["topics"] == ["PRODUCTS_UPDATE"]


def test_product_set_async_polls_until_complete() -> None:
    started = {
        "productSet": {
            "productSetOperation": {
                "id": "gid://shopify/ProductSetOperation/9",
                "status": "CREATED",
                "userErrors": [],
            },
            "userErrors": [],
        }
    }
    active = {
        "productOperation": {
            "__typename": "ProductSetOperation",
            "id": "gid://shopify/ProductSetOperation/9",
            "status": "ACTIVE",
            "product": None,
            "userErrors": [],
        }
    }
    done = {
        "productOperation": {
            "__typename": "ProductSetOperation",
            "id": "gid://shopify/ProductSetOperation/9",
            "status": "COMPLETE",
            "product": {"id": "gid://shopify/Product/5", "title": "T"},
            "userErrors": [],
        }
    }
    app = ScriptedShopify([ok(started), ok(active), ok(done)])
    client, clock = make_client(app)
    result = client.product_set(
        {"title": "T"}, synchronous=False, identifier={"handle": "t"}, poll_interval=0.5
    )
    assert result.ok and result.product == {"id": "gid://shopify/Product/5", "title": "T"}
    assert result.operation and result.operation.status == "COMPLETE"
    assert clock.sleeps == [0.5, 0.5]
    assert [r.operation for r in app.requests] == ["ProductSetAsync", "ProductOperation", "ProductOperation"]
    assert app.requests[0].json["variables"] == {"input": {"title": "T"}, "identifier": {"handle": "t"}}
    assert app.requests[1].json["variables"] == {
        "id": "gid://shopify/ProductSetOperation/9",
        "variantsFirst": 250,
    }


def test_context_manager_closes_the_http_client() -> None:
    with AdminClient(
        shop=SHOP, access_token=TOKEN, transport=httpx.WSGITransport(app=ScriptedShopify())
    ) as client:
        pass
    assert client._http.is_closed


def test_fake_clock_is_the_only_clock_used() -> None:
    """No real sleeping: a throttled retry with a 20 s wait returns at once."""
    app = ScriptedShopify([throttled(requested=2000, available=0, rate=100), ok(SHOP_DATA)])
    client, clock = make_client(app)
    client.shop()
    assert clock.sleeps == [20.0]
    assert isinstance(clock, FakeClock)


# ---------------------------------------------------------------- retries and idempotency


def test_idempotency_rules() -> None:
    from shopify_app.admin.client import is_idempotent

    assert is_idempotent("Products", {})
    assert is_idempotent("InventorySetQuantities", {})
    assert is_idempotent("MetafieldsSet", {})
    assert not is_idempotent("ProductSet", {"input": {"title": "New"}})
    assert is_idempotent("ProductSet", {"input": {"title": "New"}, "identifier": {"handle": "new"}})
    assert is_idempotent("ProductSet", {"input": {"id": "gid://shopify/Product/1"}})
    assert not is_idempotent("BulkOperationRunMutation", {})


SET_OK = {"productSet": {"product": {"id": "gid://shopify/Product/1", "title": "New"}, "userErrors": []}}


def test_creating_product_set_is_not_retried_after_an_ambiguous_failure() -> None:
    app = ScriptedShopify([ok(SET_OK)])
    transport = FlakyTransport(httpx.WSGITransport(app=app), [httpx.ReadTimeout("slow")])
    client, _ = make_client(app, transport=transport)
    with pytest.raises(ShopifyTransientError) as info:
        client.product_set({"title": "New"})
    assert info.value.maybe_applied is True
    assert transport.attempts == 1


def test_creating_product_set_is_retried_when_the_request_never_left() -> None:
    app = ScriptedShopify([ok(SET_OK)])
    transport = FlakyTransport(httpx.WSGITransport(app=app), [httpx.ConnectError("refused")])
    client, _ = make_client(app, transport=transport)
    assert client.product_set({"title": "New"}).ok
    assert transport.attempts == 2


def test_identified_product_set_is_retried_after_5xx() -> None:
    app = ScriptedShopify([Reply("x", status=500), ok(SET_OK)])
    client, _ = make_client(app)
    assert client.product_set({"title": "New"}, identifier={"handle": "new"}).ok
    assert len(app.requests) == 2


def test_throttled_creates_are_retried_since_throttled_requests_never_run() -> None:
    app = ScriptedShopify([throttled(), ok(SET_OK)])
    client, _ = make_client(app)
    assert client.product_set({"title": "New"}).ok
    assert len(app.requests) == 2


def test_concurrent_401s_share_one_refresh() -> None:
    import threading
    import time

    def answer(request):  # noqa: ANN001, ANN202
        if request.headers["x-shopify-access-token"] == TOKEN:
            return UNAUTHORIZED
        return ok(SHOP_DATA)

    app = ScriptedShopify([answer for _ in range(8)])
    calls: list[int] = []
    gate = threading.Barrier(2)

    def refresh() -> str:
        calls.append(1)
        time.sleep(0.05)  # long enough for the other thread's 401 to arrive meanwhile
        return "shpat_fresh"

    client, _ = make_client(app, on_unauthorized=refresh)
    results: list[str] = []

    def worker() -> None:
        gate.wait()
        results.append(client.shop().name)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert results == ["Demo", "Demo"]
    assert calls == [1]


# ---------------------------------------------------------------- the shared outbound policy


def test_an_answer_dripping_in_is_cut_at_the_deadline_not_after_every_byte() -> None:
    """Each byte arrives well within the read timeout, the whole answer would take seconds more than
    the request's deadline (twice the timeout by default)."""
    body = b'{"data": {"shop": null}}' + b" " * 16
    with serving(drip_body(body, every=0.1)) as server:
        client = AdminClient(
            shop=SHOP, access_token=TOKEN, admin_base_url=server.url, timeout=0.5, max_retries=0
        )
        started = time.monotonic()
        with pytest.raises(ShopifyTransientError, match="deadline"):
            client.execute("Shop")
        elapsed = time.monotonic() - started
        client.close()
    assert elapsed < 2.0, elapsed


def test_a_gzip_bomb_is_refused_at_the_cap_without_inflating_it() -> None:
    bomb = gzip_bomb(256)  # ~250 KB on the wire, 256 MiB inflated
    with serving(respond(bomb, headers={"Content-Encoding": "gzip"})) as server:
        client = AdminClient(shop=SHOP, access_token=TOKEN, admin_base_url=server.url, max_retries=2)
        tracemalloc.start()
        try:
            with pytest.raises(ShopifyResponseTooLarge, match="after decompression"):
                client.execute("Shop")
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            client.close()
        assert server.accepted == 1 and client.usage["requests"] == 1  # not retried
    assert peak < 3 * MAX_RESPONSE_BYTES, f"peak {peak >> 20} MiB"


def test_bulk_downloads_are_decoded_in_bounded_pieces() -> None:
    bomb = gzip_bomb(256)
    with serving(respond(bomb, headers={"Content-Encoding": "gzip"})) as server:
        client = AdminClient(shop=SHOP, access_token=TOKEN, admin_base_url=server.url)
        largest = seen = 0
        with client.file_http.stream("GET", server.url) as response:
            for chunk in response.iter_bytes():
                largest, seen = max(largest, len(chunk)), seen + len(chunk)
                if seen > 4 << 20:
                    break
        client.close()
    assert largest <= 64 * 1024


@pytest.mark.parametrize("status", [501, 505])
def test_501_and_505_are_final_not_retried(status: int) -> None:
    app = ScriptedShopify([Reply("no", status=status), ok(SHOP_DATA)])
    client, clock = make_client(app)
    with pytest.raises(ShopifyRequestError) as info:
        client.shop()
    assert info.value.status == status
    assert len(app.requests) == 1 and clock.sleeps == []


def test_a_hostile_retry_after_is_capped() -> None:
    app = ScriptedShopify(
        [Reply({"errors": "slow down"}, status=429, headers={"Retry-After": "86400"}), ok(SHOP_DATA)]
    )
    client, clock = make_client(app)
    client.shop()
    assert clock.sleeps == [MAX_RETRY_AFTER]


def test_retry_after_as_an_http_date_is_honoured() -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=20), usegmt=True)
    app = ScriptedShopify(
        [Reply({"errors": "slow down"}, status=429, headers={"Retry-After": when}), ok(SHOP_DATA)]
    )
    client, clock = make_client(app)
    client.shop()
    assert len(clock.sleeps) == 1 and 15 <= clock.sleeps[0] <= 20


def test_a_token_echoed_in_another_spelling_is_redacted_too() -> None:
    encoded = base64.b64encode(TOKEN.encode()).decode()
    app = ScriptedShopify([Reply({"errors": f"bad credentials {encoded}"}, status=404)])
    client, _ = make_client(app)
    with pytest.raises(ShopifyRequestError) as info:
        client.shop()
    assert encoded not in str(info.value) and "[redacted]" in str(info.value)


def test_expected_cost_is_the_largest_of_the_operations_last_answers() -> None:
    """A crawl's short last page must not make the next crawl's full first page look cheap."""
    app = ScriptedShopify(
        [
            ok(SHOP_DATA, requested=300, available=1000),
            ok(SHOP_DATA, requested=20, available=100),
            ok(SHOP_DATA, available=1000),
        ]
    )
    client, clock = make_client(app)
    client.shop()
    client.shop()
    client.shop()
    # expected max(300, 20) = 300, projected 100, restore 100/s -> 2 s and one point's margin
    assert clock.sleeps == [pytest.approx(2.01)]
