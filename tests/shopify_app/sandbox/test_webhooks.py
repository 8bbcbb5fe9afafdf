"""Webhooks out: signed deliveries with Shopify's headers, for API writes and merchant edits; retries."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from typing import Any

import httpx
import pytest

from shopify_app.sandbox.app import ShopifySandbox
from shopify_app.sandbox.config import SandboxConfig

from .conftest import SHOP, Gql, http

SECRET = b"sandbox-api-secret"
SUBSCRIBE = """mutation($topic: WebhookSubscriptionTopic!, $uri: String!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: {uri: $uri}) { userErrors { message } } }"""


class Receiver:
    """A tiny WSGI app recording webhook requests; answers with the queued statuses, then 200."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.requests: list[dict[str, Any]] = []
        self.statuses = list(statuses or [])

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        headers["content-type"] = environ.get("CONTENT_TYPE", "")
        self.requests.append({"path": environ["PATH_INFO"], "headers": headers, "body": body})
        status = self.statuses.pop(0) if self.statuses else 200
        start_response(f"{status} X", [("Content-Type", "text/plain")])
        return [b"ok"]

    def topics(self) -> list[str]:
        return [r["headers"]["x-shopify-topic"] for r in self.requests]


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
def wired(make_sandbox, receiver: Receiver) -> ShopifySandbox:  # noqa: ANN001
    sandbox = make_sandbox(webhook_transport=httpx.WSGITransport(app=receiver))
    gql = Gql(sandbox)
    for topic in (
        "PRODUCTS_CREATE",
        "PRODUCTS_UPDATE",
        "PRODUCTS_DELETE",
        "INVENTORY_LEVELS_UPDATE",
        "APP_UNINSTALLED",
        "BULK_OPERATIONS_FINISH",
    ):
        assert (
            gql.data(SUBSCRIBE, {"topic": topic, "uri": "https://app.test/webhooks"})[
                "webhookSubscriptionCreate"
            ]["userErrors"]
            == []
        )
    return sandbox


def _valid_hmac(request: dict[str, Any]) -> bool:
    expected = base64.b64encode(hmac.new(SECRET, request["body"], hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected, request["headers"]["x-shopify-hmac-sha256"])


def test_api_product_update_delivers_a_signed_products_update(
    wired: ShopifySandbox, receiver: Receiver
) -> None:
    product = next(iter(wired.shop().products.values()))
    Gql(wired).data(
        "mutation($input: ProductSetInput!) { productSet(input: $input) { userErrors { message } } }",
        {"input": {"id": f"gid://shopify/Product/{product.id}", "title": "Via API"}},
    )
    assert receiver.topics() == ["products/update"]
    request = receiver.requests[0]
    assert request["path"] == "/webhooks" and _valid_hmac(request)
    headers = request["headers"]
    assert headers["x-shopify-shop-domain"] == SHOP and headers["x-shopify-api-version"] == "2026-07"
    assert headers["content-type"] == "application/json"
    for name in ("x-shopify-webhook-id", "x-shopify-triggered-at", "x-shopify-event-id"):
        assert headers[name]
    payload = json.loads(request["body"])
    assert payload["id"] == product.id and payload["title"] == "Via API"
    assert payload["admin_graphql_api_id"] == f"gid://shopify/Product/{product.id}"
    variant = payload["variants"][0]
    assert {"id", "sku", "barcode", "price", "inventory_item_id", "inventory_quantity"} <= set(variant)
    tampered = {**request, "body": request["body"] + b" "}
    assert not _valid_hmac(tampered)


def test_merchant_edits_fire_webhooks(wired: ShopifySandbox, receiver: Receiver) -> None:
    product = next(iter(wired.shop().products.values()))
    variant = product.variants[0]
    wired.merchant_update_product(
        f"gid://shopify/Product/{product.id}",
        {"title": "Merchant edit", "variants": [{"sku": variant.sku, "price": "9.99"}]},
    )
    payload = json.loads(receiver.requests[-1]["body"])
    assert payload["title"] == "Merchant edit" and payload["variants"][0]["price"] == "9.99"
    location = wired.shop().primary_location()
    wired.merchant_set_inventory(
        f"gid://shopify/InventoryItem/{variant.inventory_item_id}",
        f"gid://shopify/Location/{location.id}",
        77,
    )
    assert receiver.topics()[-2:] == ["inventory_levels/update", "products/update"]
    level = json.loads(receiver.requests[-2]["body"])
    assert level == {
        **level,
        "inventory_item_id": variant.inventory_item_id,
        "location_id": location.id,
        "available": 77,
    }
    created = wired.merchant_create_product({"title": "New from admin"})
    wired.merchant_delete_product(created)
    assert receiver.topics()[-2:] == ["products/create", "products/delete"]
    assert json.loads(receiver.requests[-1]["body"]) == {"id": int(created.rsplit("/", 1)[1])}
    assert all(_valid_hmac(r) for r in receiver.requests)


def test_sandbox_route_does_a_merchant_edit(wired: ShopifySandbox, receiver: Receiver) -> None:
    product = next(iter(wired.shop().products.values()))
    response = http(wired).post(f"/_sandbox/products/{product.id}", json={"vendor": "Other", "tags": ["x"]})
    assert response.status_code == 200 and response.json()["product"]["vendor"] == "Other"
    assert receiver.topics() == ["products/update"]
    assert http(wired).post("/_sandbox/products/1", json={"title": "x"}).status_code == 404


def test_inventory_set_quantities_fires_both_topics(wired: ShopifySandbox, receiver: Receiver) -> None:
    variant = next(iter(wired.shop().variants()))
    location = wired.shop().primary_location()
    level = wired.shop().level(variant.inventory_item_id, location.id)
    Gql(wired).data(
        "mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) "
        '@idempotent(key: "w1") { userErrors { message } } }',
        {
            "input": {
                "name": "available",
                "reason": "correction",
                "quantities": [
                    {
                        "inventoryItemId": f"gid://shopify/InventoryItem/{variant.inventory_item_id}",
                        "locationId": f"gid://shopify/Location/{location.id}",
                        "quantity": level.available + 1,
                        "changeFromQuantity": level.available,
                    }
                ],
            }
        },
    )
    assert receiver.topics() == ["inventory_levels/update", "products/update"]


def test_uninstall_fires_app_uninstalled_and_revokes_tokens(
    wired: ShopifySandbox, receiver: Receiver
) -> None:
    wired.merchant_uninstall_app(SHOP)
    assert receiver.topics() == ["app/uninstalled"]
    assert json.loads(receiver.requests[0]["body"])["myshopify_domain"] == SHOP
    assert Gql(wired).raw("{ shop { name } }").status_code == 401


def test_failed_deliveries_are_retried_with_the_same_ids(make_sandbox) -> None:  # noqa: ANN001
    receiver = Receiver(statuses=[500, 503])
    sandbox = make_sandbox(webhook_transport=httpx.WSGITransport(app=receiver), webhook_max_attempts=3)
    Gql(sandbox).data(SUBSCRIBE, {"topic": "PRODUCTS_DELETE", "uri": "https://app.test/hooks"})
    sandbox.merchant_delete_product(f"gid://shopify/Product/{next(iter(sandbox.shop().products))}")
    delivery = sandbox.webhook_deliveries[0]
    assert delivery.attempts == [500, 503, 200] and delivery.delivered
    assert tuple(delivery) == ("products/delete", "https://app.test/hooks", 200)
    ids = {r["headers"]["x-shopify-webhook-id"] for r in receiver.requests}
    assert len(receiver.requests) == 3 and len(ids) == 1


def test_retries_are_bounded(make_sandbox) -> None:  # noqa: ANN001
    receiver = Receiver(statuses=[500] * 10)
    sandbox = make_sandbox(webhook_transport=httpx.WSGITransport(app=receiver), webhook_max_attempts=2)
    Gql(sandbox).data(SUBSCRIBE, {"topic": "PRODUCTS_DELETE", "uri": "https://app.test/hooks"})
    sandbox.merchant_delete_product(f"gid://shopify/Product/{next(iter(sandbox.shop().products))}")
    assert sandbox.webhook_deliveries[0].attempts == [500, 500]
    assert not sandbox.webhook_deliveries[0].delivered


def test_thread_and_off_modes(make_sandbox) -> None:  # noqa: ANN001
    receiver = Receiver()
    threaded = make_sandbox(webhook_transport=httpx.WSGITransport(app=receiver), deliver_webhooks="thread")
    Gql(threaded).data(SUBSCRIBE, {"topic": "PRODUCTS_DELETE", "uri": "https://app.test/hooks"})
    threaded.merchant_delete_product(f"gid://shopify/Product/{next(iter(threaded.shop().products))}")
    threaded.drain_webhooks()
    assert receiver.topics() == ["products/delete"]
    silent_receiver = Receiver()
    silent = make_sandbox(webhook_transport=httpx.WSGITransport(app=silent_receiver), deliver_webhooks="off")
    Gql(silent).data(SUBSCRIBE, {"topic": "PRODUCTS_DELETE", "uri": "https://app.test/hooks"})
    silent.merchant_delete_product(f"gid://shopify/Product/{next(iter(silent.shop().products))}")
    assert silent_receiver.requests == [] and len(silent.webhook_deliveries) == 1


class GatedReceiver(Receiver):
    """Answers a request only once `parties` requests are in flight at the same time."""

    def __init__(self, parties: int) -> None:
        super().__init__()
        self.gate = threading.Barrier(parties, timeout=5)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        self.gate.wait()
        return super().__call__(environ, start_response)


def test_thread_mode_delivers_concurrently_and_drain_waits_for_every_sender(make_sandbox) -> None:  # noqa: ANN001
    receiver = GatedReceiver(parties=4)
    sandbox = make_sandbox(
        webhook_transport=httpx.WSGITransport(app=receiver), deliver_webhooks="thread", webhook_senders=4
    )
    Gql(sandbox).data(SUBSCRIBE, {"topic": "PRODUCTS_CREATE", "uri": "https://app.test/hooks"})
    for n in range(8):
        sandbox.merchant_create_product({"title": f"Coat {n}"})
    sandbox.drain_webhooks()
    assert len(receiver.requests) == 8 and all(d.delivered for d in sandbox.webhook_deliveries)
    assert sorted(json.loads(r["body"])["title"] for r in receiver.requests) == [
        f"Coat {n}" for n in range(8)
    ]
    with pytest.raises(ValueError, match="webhook_senders"):
        SandboxConfig(webhook_senders=0)


def test_delivery_uses_explicit_timeouts(sandbox: ShopifySandbox) -> None:
    timeout = sandbox.webhooks._client.timeout
    assert timeout.connect == 1.0 and timeout.read == 5.0 and timeout.pool == 5.0
