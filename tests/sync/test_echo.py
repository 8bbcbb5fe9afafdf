"""Webhooks for the sync's own Shopify writes are recognised before they queue a job; edits are not.

The hashes are compared with what the Shopify sandbox really sends back, and the webhooks go through
POST /webhooks (signed by the sandbox) into the sync's handlers.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx
import pytest
from django.utils import timezone

from joorsync.sync.canonical import CanonicalProduct, CanonicalVariant
from joorsync.sync.echo import (
    product_input_hash,
    product_payload_hash,
    shopify_echo_expect_product,
    shopify_echo_expect_stock,
    shopify_echo_matches,
)
from joorsync.sync.engine import RunResult
from joorsync.sync.engine.shopify_writes import ShopifyWrites
from joorsync.sync.models import ProductLink, ShopifyWriteEcho, SyncJob, VariantLink
from joorsync.sync.shopify_mapping import canonical_to_product_set
from shopify_app.admin.client import AdminClient
from shopify_app.models import WebhookDelivery
from shopify_app.sandbox.app import ShopifySandbox
from shopify_app.sandbox.config import SandboxConfig
from shopify_app.sandbox.webhooks import Delivery
from shopify_app.services.webhooks import webhook_process
from shopify_app.webhooks.topics import SUBSCRIBED_TOPICS
from tests.sync.engine_support import SHOP, SHOPIFY_TOKEN, World, make_world

pytestmark = pytest.mark.django_db

WEBHOOK_URI = "http://testserver/webhooks"


def coat(**changes: Any) -> CanonicalProduct:
    variants = tuple(
        CanonicalVariant(
            color_code=code,
            size=size,
            color_name=name,
            sku=f"COAT-{code}-{size}",
            barcode=f"0001{n:08d}" if code == "BLK" else None,
            price="53.00",
            compare_at_price="80.00" if size == "S" else None,
            inventory=n,
        )
        for n, (code, name, size) in enumerate(
            [("BLK", "Black", "S"), ("BLK", "Black", "M"), ("CML", "Camel", "S"), ("CML", "Camel", "M")]
        )
    )
    fields: dict[str, Any] = {
        "style_number": "COAT-1",
        "style_identifier": "COAT-1",
        "title": "Wool coat",
        "description": "<p>Double-faced wool.</p>",
        "product_type": "Outerwear",
        "tags": ("winter", "Wool blend", "FW26"),
        "variants": variants,
        "joor": {},
    }
    return CanonicalProduct(**{**fields, **changes})


def subscribe(client: AdminClient) -> None:
    for topic in SUBSCRIBED_TOPICS:
        assert client.webhook_subscription_create(topic=topic, uri=WEBHOOK_URI).user_errors == []


@pytest.fixture
def world() -> Iterator[World]:
    world = make_world(styles=3)
    subscribe(world.shopify_client())
    yield world
    world.shopify_sandbox.close()


def deliveries(sandbox: ShopifySandbox, topic: str | None = None) -> list[Delivery]:
    return [d for d in sandbox.webhook_deliveries if topic is None or d.topic == topic]


def receive(client: Any, sent: list[Delivery]) -> None:
    """Post the sandbox's signed webhooks to the app and process them at once, as a free worker would.
    Jobs they request are created; running them waits for a commit the tests never make."""
    for delivery in sent:
        headers = {k: v for k, v in delivery.headers.items() if k not in ("Content-Type", "User-Agent")}
        response = client.post(
            "/webhooks", data=delivery.body, content_type="application/json", headers=headers
        )
        assert response.status_code == 200
    for pk in WebhookDelivery.objects.filter(status=WebhookDelivery.Status.QUEUED).values_list(
        "pk", flat=True
    ):
        processed = webhook_process(delivery_id=pk)
        assert processed.status == WebhookDelivery.Status.PROCESSED, processed.error


def webhook_jobs() -> int:
    return SyncJob.objects.filter(trigger=SyncJob.Trigger.WEBHOOK).count()


class LiveWebhooks(httpx.WSGITransport):
    """The Shopify sandbox, with each request's webhooks received and processed before its answer
    reaches the sync: the earliest they can arrive, before the sync has recorded anything."""

    def __init__(self, sandbox: ShopifySandbox, client: Any) -> None:
        super().__init__(app=sandbox)
        self.sandbox, self.client, self.seen = sandbox, client, len(sandbox.webhook_deliveries)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        new = self.sandbox.webhook_deliveries[self.seen :]
        self.seen += len(new)
        receive(self.client, new)
        return response


def run_live(world: World, client: Any) -> RunResult:
    """A full sync whose Shopify webhooks come back while it runs."""
    job = SyncJob.objects.create(
        shop=world.shop,
        kind=SyncJob.Kind.FULL,
        status=SyncJob.Status.RUNNING,
        direction=world.account.direction,
    )
    try:
        return world.execute(job, shopify_transport=LiveWebhooks(world.shopify_sandbox, client))
    finally:
        SyncJob.objects.filter(pk=job.pk).update(status=SyncJob.Status.SUCCEEDED)


# -- the hash of what we send equals the hash of what Shopify sends back -------------------------


def test_a_product_set_input_and_the_sandbox_webhooks_for_it_hash_alike(world):
    client = world.shopify_client()
    location = client.locations()[0].id
    created = canonical_to_product_set(
        coat(), style_id=7, status="ACTIVE", location_id=location, include_inventory=True
    )
    created["handle"] = "wool-coat-coat-1"
    result = client.product_set(created, identifier={"handle": "wool-coat-coat-1"})
    assert result.user_errors == []
    (create_hook,) = deliveries(world.shopify_sandbox, "products/create")
    assert product_payload_hash(create_hook.payload) == product_input_hash(created)
    assert product_input_hash(created)[1] == "active"

    # An update as the sync sends it: by id, without a status, with prices Shopify will pad.
    updated = canonical_to_product_set(coat(title="Wool coat, camel", tags=("FW26", "winter")), style_id=7)
    for entry in updated["variants"]:
        entry["price"] = "59"
    product_id = result.product["id"]
    assert client.product_set(updated, identifier={"id": product_id}).user_errors == []
    update_hook = deliveries(world.shopify_sandbox, "products/update")[-1]
    assert update_hook.payload["variants"][0]["price"] == "59.00"
    content, status = product_payload_hash(update_hook.payload)
    assert (content, "") == product_input_hash(updated) and status == "active"
    assert product_payload_hash(create_hook.payload)[0] != content


def test_a_product_created_without_prices_hashes_like_its_webhook(world):
    client = world.shopify_client()
    unpriced = coat(variants=tuple(replace(v, price=None, compare_at_price=None) for v in coat().variants))
    created = canonical_to_product_set(unpriced, style_id=7, status="DRAFT")
    assert "price" not in created["variants"][0]
    assert client.product_set(created, identifier={"handle": "unpriced-coat"}).user_errors == []
    (hook,) = deliveries(world.shopify_sandbox, "products/create")
    assert hook.payload["variants"][0]["price"] == "0.00"
    assert product_payload_hash(hook.payload) == product_input_hash(created)


def test_the_hash_reads_both_wire_shapes_the_same_way():
    product_input = {
        "title": " Wool coat ",
        "descriptionHtml": "",
        "productType": "Outerwear",
        "tags": ["winter", "FW26 ", "winter", "a, b"],
        "variants": [
            {
                "optionValues": [
                    {"optionName": "Color", "name": "Black"},
                    {"optionName": "Size", "name": "S"},
                ],
                "price": "53",
                "barcode": "",
                "sku": "C-S",
            },
            {
                "optionValues": [
                    {"optionName": "Color", "name": "Black"},
                    {"optionName": "Size", "name": "M"},
                ],
                "price": 53.5,
                "compareAtPrice": None,
                "barcode": "012",
                "inventoryItem": {"sku": "C-M"},
            },
        ],
    }
    payload = {
        "title": "Wool coat",
        "body_html": None,
        "product_type": "Outerwear",
        "tags": "a, b, FW26, winter",
        "status": "draft",
        "options": [{"name": "Size", "position": 1}, {"name": "Color", "position": 2}],
        "variants": [
            {"option1": "M", "option2": "Black", "price": "53.50", "sku": "C-M", "barcode": "012"},
            {"option1": "S", "option2": "Black", "price": "53.00", "sku": "C-S", "barcode": None,
             "compare_at_price": None, "option3": None},
        ],
    }  # fmt: skip
    assert product_payload_hash(payload) == (product_input_hash(product_input)[0], "draft")

    def changed(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
        edited: Any = {**payload, "variants": [dict(v) for v in payload["variants"]]}
        target = edited
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
        return edited

    for path, value in [
        (("title",), "Wool coat!"),
        (("tags",), "a, b, FW26"),
        (("variants", 0, "price"), "53.51"),
        (("variants", 1, "barcode"), "0"),
        (("variants", 1, "compare_at_price"), "60.00"),
        (("variants", 0, "option1"), "L"),
        (("body_html",), "<p>x</p>"),
    ]:
        assert product_payload_hash(changed(path, value))[0] != product_input_hash(product_input)[0], path


def test_an_input_that_leaves_content_unsaid_is_not_foreseen():
    assert product_input_hash({"title": "Only a title"}) is None
    payload = canonical_to_product_set(coat(), style_id=None)
    payload["variants"][0]["optionValues"] = [{"optionId": "gid://shopify/ProductOption/1", "id": "x"}]
    assert product_input_hash(payload) is None


# -- expectations over time -------------------------------------------------------------------------


def _created_product(world: World) -> tuple[dict[str, Any], dict[str, Any], str]:
    """A product created by the sync's write path; (its input, its products/create payload, its id)."""
    writes = ShopifyWrites(
        client=world.shopify_client(), location_id=None, idempotency_prefix="t", shop_id=world.shop.pk
    )
    payload = canonical_to_product_set(coat(), style_id=7, status="ACTIVE")
    payload["handle"] = "wool-coat"
    writes.create_product(payload=payload, handle="wool-coat", token=1)
    ((_, product, error),) = writes.flush_creates()
    assert error is None
    (hook,) = deliveries(world.shopify_sandbox, "products/create")
    return payload, hook.payload, product["id"]


def test_an_expectation_serves_every_webhook_of_its_write_for_an_hour(world):
    _, create_payload, product_id = _created_product(world)
    shop = world.shop
    assert shopify_echo_matches(shop=shop, topic="products/create", payload=create_payload)
    assert shopify_echo_matches(shop=shop, topic="products/update", payload=create_payload)
    ShopifyWriteEcho.objects.update(created_at=timezone.now() - timedelta(minutes=61))
    assert not shopify_echo_matches(shop=shop, topic="products/update", payload=create_payload)
    assert not shopify_echo_matches(shop=world.shop, topic="products/delete", payload=create_payload)


def test_an_edit_after_our_write_is_not_an_echo_and_neither_is_a_revert_to_our_value(world):
    _, create_payload, product_id = _created_product(world)
    shop = world.shop
    edited = world.shopify_sandbox.merchant_update_product(product_id, {"title": "Wool coat (sale)"})
    assert not shopify_echo_matches(shop=shop, topic="products/update", payload=edited)
    reverted = world.shopify_sandbox.merchant_update_product(product_id, {"title": "Wool coat"})
    assert product_payload_hash(reverted) == product_payload_hash(create_payload)
    assert not shopify_echo_matches(shop=shop, topic="products/update", payload=reverted)


def test_a_newer_write_retires_the_older_state(world):
    create_input, create_payload, product_id = _created_product(world)
    shop = world.shop
    update = canonical_to_product_set(coat(title="Renamed in JOOR"), style_id=7)
    shopify_echo_expect_product(shop_id=shop.pk, product_input=update, product_id=product_id, handle=None)
    renamed = {**create_payload, "title": "Renamed in JOOR"}
    assert shopify_echo_matches(shop=shop, topic="products/update", payload=renamed)
    # The state of the create, seen again now, is someone's edit back to it.
    assert not shopify_echo_matches(shop=shop, topic="products/update", payload=create_payload)


def test_a_write_that_leaves_the_status_alone_learns_it_from_its_first_echo(world):
    _, create_payload, product_id = _created_product(world)
    shop = world.shop
    update = canonical_to_product_set(coat(product_type="Coats"), style_id=7)
    shopify_echo_expect_product(shop_id=shop.pk, product_input=update, product_id=product_id, handle=None)
    echo = {**create_payload, "product_type": "Coats"}
    assert shopify_echo_matches(shop=shop, topic="products/update", payload=echo)
    assert shopify_echo_matches(shop=shop, topic="products/update", payload=echo)
    assert not shopify_echo_matches(shop=shop, topic="products/update", payload={**echo, "status": "draft"})


def test_stock_we_set_is_an_echo_at_that_location_and_quantity_only(world):
    shop = world.shop
    topic = "inventory_levels/update"
    level = {"inventory_item_id": 41, "location_id": 2, "available": 7}

    def expect() -> None:
        shopify_echo_expect_stock(
            shop_id=shop.pk,
            quantities=[
                {
                    "inventoryItemId": "gid://shopify/InventoryItem/41",
                    "locationId": "gid://shopify/Location/2",
                    "quantity": 7,
                    "changeFromQuantity": None,
                }
            ],
        )

    expect()
    assert shopify_echo_matches(shop=shop, topic=topic, payload=level)
    assert shopify_echo_matches(shop=shop, topic=topic, payload=level)
    assert not shopify_echo_matches(shop=shop, topic=topic, payload={**level, "available": 6})
    assert not shopify_echo_matches(shop=shop, topic=topic, payload=level)  # 6 came in between
    expect()
    assert not shopify_echo_matches(shop=shop, topic=topic, payload={**level, "location_id": 3})
    expect()
    assert not shopify_echo_matches(shop=shop, topic=topic, payload={**level, "inventory_item_id": 42})
    assert shopify_echo_matches(shop=shop, topic=topic, payload=level)


def test_stock_set_by_a_create_is_known_once_the_variant_is_linked(world):
    client = world.shopify_client()
    location = client.locations()[0].id
    writes = ShopifyWrites(client=client, location_id=location, idempotency_prefix="t", shop_id=world.shop.pk)
    payload = canonical_to_product_set(
        coat(), style_id=7, status="ACTIVE", location_id=location, include_inventory=True
    )
    payload["handle"] = "wool-coat"
    writes.create_product(payload=payload, handle="wool-coat", token=1)
    ((_, product, _),) = writes.flush_creates()
    levels = [d.payload for d in deliveries(world.shopify_sandbox, "inventory_levels/update")]
    assert len(levels) == 3  # the variant created with 0 changes nothing
    link = ProductLink.objects.create(shop=world.shop, shopify_product_id=product["id"], joor_style_id=7)
    for node in product["variants"]["nodes"]:
        VariantLink.objects.create(
            product_link=link,
            color_code=node["sku"],
            size="-",
            sku=node["sku"],
            shopify_inventory_item_id=node["inventoryItem"]["id"],
        )
    topic = "inventory_levels/update"
    assert all(shopify_echo_matches(shop=world.shop, topic=topic, payload=level) for level in levels)
    assert not shopify_echo_matches(shop=world.shop, topic=topic, payload={**levels[0], "available": 99})


def _created_with_stock(world: World) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A product created with stock by the sync's write path, not linked yet: (its products/create
    payload, its inventory_levels/update payloads)."""
    client = world.shopify_client()
    location = client.locations()[0].id
    writes = ShopifyWrites(client=client, location_id=location, idempotency_prefix="t", shop_id=world.shop.pk)
    payload = canonical_to_product_set(
        coat(), style_id=7, status="ACTIVE", location_id=location, include_inventory=True
    )
    payload["handle"] = "wool-coat"
    writes.create_product(payload=payload, handle="wool-coat", token=1)
    writes.flush_creates()
    (create,) = deliveries(world.shopify_sandbox, "products/create")
    levels = [d.payload for d in deliveries(world.shopify_sandbox, "inventory_levels/update")]
    assert len(levels) == 3
    return create.payload, levels


def test_stock_set_by_a_create_is_known_from_the_creates_own_echo(world):
    create, levels = _created_with_stock(world)
    topic = "inventory_levels/update"
    assert not VariantLink.objects.exists()
    assert shopify_echo_matches(shop=world.shop, topic="products/create", payload=create)
    assert all(shopify_echo_matches(shop=world.shop, topic=topic, payload=level) for level in levels)
    assert not shopify_echo_matches(shop=world.shop, topic=topic, payload={**levels[0], "available": 99})


def test_stock_seen_before_its_create_is_not_taken_for_an_echo_nor_forgotten(world):
    """Shopify promises no order: a level overtaking its products/create is left to the handler,
    and is still known as our own once the create's echo has come."""
    create, levels = _created_with_stock(world)
    topic = "inventory_levels/update"
    assert not shopify_echo_matches(shop=world.shop, topic=topic, payload=levels[0])
    assert shopify_echo_matches(shop=world.shop, topic="products/create", payload=create)
    assert all(shopify_echo_matches(shop=world.shop, topic=topic, payload=level) for level in levels)


def test_another_shops_writes_are_not_this_shops_echoes(world):
    _, create_payload, _ = _created_product(world)
    other = type(world.shop).objects.create(shop_domain="other.myshopify.com", access_token="x")
    assert not shopify_echo_matches(shop=other, topic="products/create", payload=create_payload)


# -- end to end: a sync's webhooks queue nothing, a merchant's edit queues one job --------------


class MovableClock:
    """Monotonic time that a test can move on: Shopify stamps `updated_at` to the second, and a change
    within the second of the sync's own read counts as already synced."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.offset


def test_a_syncs_creates_and_updates_come_back_as_webhooks_that_queue_no_job(
    client, django_capture_on_commit_callbacks
):
    world = make_world(styles=30)  # over the bulk threshold: the creates go in one bulk operation
    world.shopify_sandbox.close()
    clock = MovableClock()
    world = replace(
        world,
        shopify_sandbox=ShopifySandbox(
            SandboxConfig(
                static_tokens={SHOP: SHOPIFY_TOKEN}, rate_limit="off", deliver_webhooks="off", clock=clock
            )
        ),
    )
    try:
        subscribe(world.shopify_client())
        with django_capture_on_commit_callbacks(execute=False):
            first = run_live(world, client)
            assert first.counts.shopify["created"] == 30 and first.counts.errors == 0
            assert len(deliveries(world.shopify_sandbox, "products/create")) == 30
            assert WebhookDelivery.objects.filter(topic="products/create").count() == 30
            assert webhook_jobs() == 0
            own = WebhookDelivery.objects.exclude(topic="bulk_operations/finish")
            assert set(own.values_list("status", flat=True)) == {WebhookDelivery.Status.HANDLED}

            # One JOOR edit: a productSet update of that product.
            link = ProductLink.objects.filter(shop=world.shop).order_by("joor_style_id").first()
            world.joor_sandbox.edit_style(link.joor_style_id, {"style_name": "Renamed in JOOR"})
            second = run_live(world, client)
            assert second.counts.shopify["updated"] == 1, second.counts.as_dict()
            updates = deliveries(world.shopify_sandbox, "products/update")
            assert [d.payload["title"] for d in updates] == ["Renamed in JOOR"]
            assert webhook_jobs() == 0
            assert set(own.values_list("status", flat=True)) == {WebhookDelivery.Status.HANDLED}

            # The merchant edits the same product afterwards: that one is synced.
            clock.offset += 2
            done = len(deliveries(world.shopify_sandbox))
            world.shopify_sandbox.merchant_update_product(
                link.shopify_product_id, {"title": "Merchant's title"}
            )
            receive(client, deliveries(world.shopify_sandbox)[done:])
        job = SyncJob.objects.get(trigger=SyncJob.Trigger.WEBHOOK)
        assert job.target == {"shopify_product_id": link.shopify_product_id}
    finally:
        world.shopify_sandbox.close()


def test_single_creates_with_stock_come_back_without_a_job(client, django_capture_on_commit_callbacks):
    world = make_world(styles=3)  # under the bulk threshold: one productSet per product
    try:
        subscribe(world.shopify_client())
        with django_capture_on_commit_callbacks(execute=False):
            result = run_live(world, client)
            assert result.counts.shopify["created"] == 3
            assert {d.topic for d in deliveries(world.shopify_sandbox)} >= {
                "products/create",
                "inventory_levels/update",
            }
            # The stock webhooks are replayed once the variants are linked: still our own writes.
            levels = deliveries(world.shopify_sandbox, "inventory_levels/update")
            assert VariantLink.objects.exclude(shopify_inventory_item_id="").exists()
            WebhookDelivery.objects.all().delete()
            receive(client, levels)
            assert webhook_jobs() == 0

            variant = VariantLink.objects.exclude(shopify_inventory_item_id="").first()
            location = world.shopify_client().locations()[0].id
            done = len(deliveries(world.shopify_sandbox))
            world.shopify_sandbox.merchant_set_inventory(variant.shopify_inventory_item_id, location, 123)
            receive(client, deliveries(world.shopify_sandbox)[done:])
        assert webhook_jobs() == 1
    finally:
        world.shopify_sandbox.close()


def post(client: Any, sent: list[Delivery]) -> list[WebhookDelivery]:
    """Post the sandbox's signed webhooks to POST /webhooks; the recorded deliveries, in order."""
    for delivery in sent:
        headers = {k: v for k, v in delivery.headers.items() if k not in ("Content-Type", "User-Agent")}
        response = client.post(
            "/webhooks", data=delivery.body, content_type="application/json", headers=headers
        )
        assert response.status_code == 200
    ids = [d.headers["X-Shopify-Event-Id"] for d in sent]
    return sorted(WebhookDelivery.objects.filter(event_id__in=ids), key=lambda d: ids.index(d.event_id))


def test_echoes_are_settled_at_receipt_and_a_merchant_edit_queues_its_task(
    world, client, django_capture_on_commit_callbacks
):
    _created_with_stock(world)
    sent = deliveries(world.shopify_sandbox)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        received = post(client, sent)
    assert [d.topic for d in received] == ["products/create"] + ["inventory_levels/update"] * 3
    assert {d.status for d in received} == {WebhookDelivery.Status.HANDLED} and queued == []

    product_id = received[0].payload["admin_graphql_api_id"]
    world.shopify_sandbox.merchant_update_product(product_id, {"title": "Merchant's title"})
    with django_capture_on_commit_callbacks(execute=False) as queued:
        (edit,) = post(client, deliveries(world.shopify_sandbox)[len(sent) :])
    assert edit.status == WebhookDelivery.Status.QUEUED and len(queued) == 1


def test_a_failing_echo_check_at_receipt_still_queues_the_task(
    world, client, django_capture_on_commit_callbacks, monkeypatch
):
    _created_with_stock(world)

    def broken(**kwargs: Any) -> bool:
        raise RuntimeError("echo table unreadable")

    monkeypatch.setattr("joorsync.sync.webhooks.shopify_echo_matches", broken)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        received = post(client, deliveries(world.shopify_sandbox))
    assert {d.status for d in received} == {WebhookDelivery.Status.QUEUED} and len(queued) == 4
    assert ShopifyWriteEcho.objects.exists()


def test_writes_are_not_recorded_without_a_shop(world):
    client = world.shopify_client()
    writes = ShopifyWrites(client=client, location_id=None, idempotency_prefix="t")
    payload = canonical_to_product_set(coat(), style_id=7, status="ACTIVE")
    payload["handle"] = "wool-coat"
    writes.create_product(payload=payload, handle="wool-coat", token=1)
    writes.flush_creates()
    assert not ShopifyWriteEcho.objects.exists()
