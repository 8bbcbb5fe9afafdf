"""A run waiting on a bulk operation is woken by the signed `bulk_operations/finish` webhook, long
before its next poll of Shopify would come; without the webhook, polling still finds the end."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from joorsync.sync.engine.shopify_side import ShopifySide
from shopify_app.admin.client import AdminClient
from shopify_app.models import BulkOperationFinish, WebhookDelivery
from shopify_app.services.webhooks import webhook_process
from tests.sync.engine_support import SHOP, SHOPIFY_BASE, SHOPIFY_TOKEN, World, make_world
from tests.sync.test_echo import deliveries, subscribe

pytestmark = pytest.mark.django_db

POLL_EVERY = 60.0  # seconds between two polls of Shopify: far longer than the webhook takes


class Counting(httpx.WSGITransport):
    def __init__(self, app: Any) -> None:
        super().__init__(app=app)
        self.bodies: list[bytes] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.bodies.append(request.read())
        return super().handle_request(request)


class FakeTime:
    def __init__(self, on_first_sleep: Any) -> None:
        self.now, self.slept, self.on_first_sleep = 0.0, 0.0, on_first_sleep

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        if self.slept == 0.0:
            self.on_first_sleep()
        self.now += seconds
        self.slept += seconds


def _client(world: World, transport: httpx.BaseTransport, time: FakeTime) -> AdminClient:
    return AdminClient(
        shop=SHOP,
        access_token=SHOPIFY_TOKEN,
        admin_base_url=SHOPIFY_BASE,
        transport=transport,
        sleep=time.sleep,
        clock=time.clock,
    )


def _shopify_finishes_and_notifies(world: World, client: Any) -> None:
    """Shopify runs the pending operation to its end and sends the signed finish webhook, which the
    app receives through POST /webhooks and processes."""
    other = world.shopify_client()
    (pending,) = [op for op in other.bulk_operations() if not op.finished]
    while not other.bulk_operation(pending.id).finished:
        pass
    (finish,) = deliveries(world.shopify_sandbox, "bulk_operations/finish")
    headers = {k: v for k, v in finish.headers.items() if k not in ("Content-Type", "User-Agent")}
    response = client.post("/webhooks", data=finish.body, content_type="application/json", headers=headers)
    assert response.status_code == 200
    delivery = WebhookDelivery.objects.get(topic="bulk_operations/finish")
    assert webhook_process(delivery_id=delivery.pk).status == WebhookDelivery.Status.PROCESSED


def test_the_finish_webhook_wakes_the_export_before_the_next_poll(client):
    world = make_world(styles=1)
    try:
        subscribe(world.shopify_client())
        for n in range(3):
            world.shopify_sandbox.merchant_create_product(
                {"title": f"Coat {n}", "productOptions": [], "variants": []}
            )
        transport = Counting(world.shopify_sandbox)
        time = FakeTime(lambda: _shopify_finishes_and_notifies(world, client))
        side = ShopifySide(
            client=_client(world, transport, time),
            shop_id=world.shop.pk,
            location_ids=[],
            idempotency_prefix="t",
            bulk_poll_interval=POLL_EVERY,
        )
        products = list(side.export(since=None))
        assert len(products) == 3
        assert BulkOperationFinish.objects.filter(shop=world.shop, status="COMPLETED").exists()
        assert time.slept < 1.0, f"woken after {time.slept}s, not at the next poll ({POLL_EVERY}s)"
        polls = [b for b in transport.bodies if b'"operationName":"BulkOperation"' in b.replace(b" ", b"")]
        assert len(polls) == 1  # the one read confirming the final state, after the webhook
    finally:
        world.shopify_sandbox.close()


def test_without_the_webhook_polling_still_finds_the_end():
    world = make_world(styles=1)
    try:
        world.shopify_sandbox.merchant_create_product({"title": "Coat", "productOptions": [], "variants": []})
        time = FakeTime(lambda: None)
        side = ShopifySide(
            client=_client(world, Counting(world.shopify_sandbox), time),
            shop_id=world.shop.pk,
            location_ids=[],
            idempotency_prefix="t",
            bulk_poll_interval=2.0,
        )
        assert len(list(side.export(since=None))) == 1
        assert 2.0 <= time.slept < 10.0
        assert not BulkOperationFinish.objects.exists()
    finally:
        world.shopify_sandbox.close()
