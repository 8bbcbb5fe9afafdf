"""The webhooks Shopify sends back for the sync's own stock writes are settled at receipt: the
`inventory_levels/update` and the `products/update` a stock change fires too, a delivery Shopify
retries hours later (after an outage of the app), and echoes of two writes arriving out of order."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from django.db.models import F
from django.utils import timezone

from joorsync.sync.echo import shopify_echo_expect_stock
from joorsync.sync.models import ShopifyWriteEcho, SyncJob, VariantLink
from shopify_app.models import WebhookDelivery
from shopify_app.sandbox.app import ShopifySandbox
from shopify_app.sandbox.config import SandboxConfig
from shopify_app.sandbox.webhooks import Delivery
from tests.shopify_app.app_support import webhook_headers
from tests.sync.engine_support import SHOP, SHOPIFY_TOKEN, World, make_world
from tests.sync.test_echo import (
    LiveWebhooks,
    MovableClock,
    _created_with_stock,
    deliveries,
    post,
    subscribe,
    webhook_jobs,
)

pytestmark = pytest.mark.django_db

STOCK = "inventory_levels/update"


class BumpBeforeStock(LiveWebhooks):
    """Live webhooks, and Shopify's clock moves on by two seconds before each stock write: the
    product's `updated_at` in the `products/update` it fires is then later than what the sync read."""

    def __init__(self, sandbox: ShopifySandbox, client: Any, clock: MovableClock) -> None:
        super().__init__(sandbox, client)
        self.clock = clock

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if b"InventorySetQuantities" in request.content:
            self.clock.offset += 2
        return super().handle_request(request)


def _world_with_clock(clock: MovableClock, **account: Any) -> World:
    world = make_world(styles=3, **account)
    world.shopify_sandbox.close()
    world = replace(
        world,
        shopify_sandbox=ShopifySandbox(
            SandboxConfig(
                static_tokens={SHOP: SHOPIFY_TOKEN}, rate_limit="off", deliver_webhooks="off", clock=clock
            )
        ),
    )
    subscribe(world.shopify_client())
    return world


def _run(world: World, transport: httpx.BaseTransport) -> Any:
    job = SyncJob.objects.create(
        shop=world.shop,
        kind=SyncJob.Kind.FULL,
        status=SyncJob.Status.RUNNING,
        direction=world.account.direction,
    )
    try:
        return world.execute(job, shopify_transport=transport)
    finally:
        SyncJob.objects.filter(pk=job.pk).update(status=SyncJob.Status.SUCCEEDED)


def test_a_stock_write_hours_after_the_last_product_write_queues_nothing(
    client, django_capture_on_commit_callbacks
):
    """JOOR owns stock; the merchant changes it in Shopify and the sync writes JOOR's figure back.
    Shopify answers with `inventory_levels/update` and `products/update`: both are ours."""
    clock = MovableClock()
    world = _world_with_clock(clock, ownership={"inventory": "joor"})
    try:
        with django_capture_on_commit_callbacks(execute=False):
            first = _run(world, LiveWebhooks(world.shopify_sandbox, client))
            assert first.counts.shopify["created"] == 3 and webhook_jobs() == 0
            # Hours later: what the creates recorded is long past.
            ShopifyWriteEcho.objects.update(created_at=F("created_at") - timedelta(hours=3))
            clock.offset += 2
            location = world.shopify_client().locations()[0].id
            items = list(
                VariantLink.objects.exclude(shopify_inventory_item_id="").values_list(
                    "shopify_inventory_item_id", flat=True
                )
            )
            for item in items:
                world.shopify_sandbox.merchant_set_inventory(item, location, 99)
            before = len(deliveries(world.shopify_sandbox))  # the merchant's own webhooks are not sent
            transport = BumpBeforeStock(world.shopify_sandbox, client, clock)
            transport.seen = before
            second = _run(world, transport)
            assert second.counts.shopify["updated"] >= 1 and second.counts.errors == 0
            sent = deliveries(world.shopify_sandbox)[before:]
            topics = {d.topic for d in sent}
            assert {STOCK, "products/update"} <= topics
            ids = [d.headers["X-Shopify-Event-Id"] for d in sent if d.topic != "bulk_operations/finish"]
            received = WebhookDelivery.objects.filter(event_id__in=ids)
            assert received.count() == len(ids)
            assert set(received.values_list("status", flat=True)) == {WebhookDelivery.Status.HANDLED}
            assert webhook_jobs() == 0
    finally:
        world.shopify_sandbox.close()


def _shifted(sent: list[Delivery], delta: timedelta) -> list[Delivery]:
    """The same deliveries with their event time moved by `delta` (the header is not signed)."""
    out = []
    for delivery in sent:
        triggered = datetime.strptime(delivery.headers["X-Shopify-Triggered-At"], "%Y-%m-%dT%H:%M:%SZ")
        stamp = (triggered.replace(tzinfo=UTC) + delta).strftime("%Y-%m-%dT%H:%M:%SZ")
        out.append(replace(delivery, headers={**delivery.headers, "X-Shopify-Triggered-At": stamp}))
    return out


def test_echoes_retried_by_shopify_hours_after_the_write_are_still_ours(
    client, django_capture_on_commit_callbacks
):
    """The app was down when the sync's writes fired their webhooks; Shopify delivers them again
    two hours later (it retries for four). Their event time is the write's, so they are echoes."""
    world = make_world(styles=3)
    try:
        subscribe(world.shopify_client())
        _created_with_stock(world)
        # Everything happened two hours ago: the writes, and the events they fired.
        ShopifyWriteEcho.objects.update(created_at=F("created_at") - timedelta(hours=2))
        late = _shifted(deliveries(world.shopify_sandbox), -timedelta(hours=2))
        with django_capture_on_commit_callbacks(execute=False) as queued:
            received = post(client, late)
        assert [d.topic for d in received] == ["products/create"] + [STOCK] * 3
        assert {d.status for d in received} == {WebhookDelivery.Status.HANDLED} and queued == []

        # A merchant's edit that happened now is still an edit.
        product_id = received[0].payload["admin_graphql_api_id"]
        world.shopify_sandbox.merchant_update_product(product_id, {"title": "Merchant's title"})
        with django_capture_on_commit_callbacks(execute=False) as queued:
            (edit,) = post(client, deliveries(world.shopify_sandbox)[len(late) :])
        assert edit.status == WebhookDelivery.Status.QUEUED and len(queued) == 1
    finally:
        world.shopify_sandbox.close()


def _stock_webhook(client: Any, *, item: int, available: int, at: datetime) -> WebhookDelivery:
    payload = {"inventory_item_id": item, "location_id": 2, "available": available}
    body = json.dumps(payload).encode()
    headers = webhook_headers(body, topic=STOCK, shop=SHOP)
    headers["X-Shopify-Triggered-At"] = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    response = client.post("/webhooks", data=body, content_type="application/json", headers=headers)
    assert response.status_code == 200
    return WebhookDelivery.objects.get(event_id=headers["X-Shopify-Event-Id"])


def _write_stock(shop_id: int, *, item: int, quantity: int, at: datetime) -> None:
    shopify_echo_expect_stock(
        shop_id=shop_id,
        quantities=[
            {
                "inventoryItemId": f"gid://shopify/InventoryItem/{item}",
                "locationId": "gid://shopify/Location/2",
                "quantity": quantity,
                "changeFromQuantity": None,
            }
        ],
    )
    ShopifyWriteEcho.objects.filter(pk=ShopifyWriteEcho.objects.latest("pk").pk).update(created_at=at)


def test_echoes_of_two_stock_writes_arriving_out_of_order_are_both_ours(
    client, django_capture_on_commit_callbacks
):
    world = make_world(styles=1)
    try:
        shop = world.shop
        t0 = timezone.now() - timedelta(minutes=10)
        _write_stock(shop.pk, item=41, quantity=5, at=t0)
        _write_stock(shop.pk, item=41, quantity=8, at=t0 + timedelta(minutes=2))
        with django_capture_on_commit_callbacks(execute=False) as queued:
            newer = _stock_webhook(client, item=41, available=8, at=t0 + timedelta(minutes=2, seconds=1))
            older = _stock_webhook(client, item=41, available=5, at=t0 + timedelta(seconds=1))
        assert (newer.status, older.status) == (
            WebhookDelivery.Status.HANDLED,
            WebhookDelivery.Status.HANDLED,
        )
        assert queued == []

        # After Shopify showed 8, a later 5 is somebody setting it back: not ours.
        with django_capture_on_commit_callbacks(execute=False) as queued:
            revert = _stock_webhook(client, item=41, available=5, at=t0 + timedelta(minutes=3))
        assert revert.status == WebhookDelivery.Status.QUEUED and len(queued) == 1
    finally:
        world.shopify_sandbox.close()
