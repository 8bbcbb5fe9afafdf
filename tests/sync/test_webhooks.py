"""Signed Shopify webhooks through POST /webhooks → the sync's handlers → targeted, debounced jobs."""

from __future__ import annotations

import pytest
from django.utils.dateparse import parse_datetime
from django_q.conf import Conf

from joorsync.sync.models import ProductLink, SyncEvent, SyncJob
from shopify_app.models import WebhookDelivery
from shopify_app.services.webhooks import webhook_process
from tests.shopify_app.app_support import post_webhook
from tests.sync.jobs_support import (
    BatchEngine,
    install_engine,
    make_account,
    make_link,
    make_shop,
    make_variant,
)

pytestmark = pytest.mark.django_db

SHOP = "demo.myshopify.com"
PRODUCT = {"id": 7, "admin_graphql_api_id": "gid://shopify/Product/7", "title": "Wool coat", "variants": []}
GID = "gid://shopify/Product/7"


@pytest.fixture
def shop():
    shop = make_shop(SHOP)
    make_account(shop)
    return shop


@pytest.fixture
def deliver(client, django_capture_on_commit_callbacks, monkeypatch):
    """Post a signed webhook and run what it queues in-process (django-q's sync mode)."""
    monkeypatch.setattr(Conf, "SYNC", True)

    def send(payload, topic, shop=SHOP):
        with django_capture_on_commit_callbacks(execute=True):
            response = post_webhook(client, payload, topic=topic, shop=shop)
        assert response.status_code == 200
        delivery = WebhookDelivery.objects.filter(topic=topic).order_by("-pk").first()
        assert delivery.status == WebhookDelivery.Status.PROCESSED, delivery.error
        return delivery

    return send


@pytest.fixture
def engine(monkeypatch):
    engine = BatchEngine(total=1, batch=1)
    install_engine(monkeypatch, engine)
    return engine


def test_products_update_runs_a_targeted_job_for_that_product(shop, deliver, engine):
    deliver(PRODUCT, "products/update")
    job = SyncJob.objects.get(shop=shop)
    assert (job.kind, job.trigger, job.target, job.status) == (
        "targeted",
        "webhook",
        {"shopify_product_id": GID},
        SyncJob.Status.SUCCEEDED,
    )
    assert engine.calls[0]["target"] == {"shopify_product_id": GID}


def test_a_burst_of_updates_makes_one_queued_job(shop, client, django_capture_on_commit_callbacks, engine):
    with django_capture_on_commit_callbacks(execute=False):
        for _ in range(3):
            assert post_webhook(client, PRODUCT, topic="products/update", shop=SHOP).status_code == 200
            post_webhook(client, {"id": 7}, topic="products/create", shop=SHOP)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        for delivery in WebhookDelivery.objects.order_by("pk"):
            webhook_process(delivery_id=delivery.pk)
    job = SyncJob.objects.get(shop=shop)
    assert job.status == SyncJob.Status.QUEUED and job.target == {"shopify_product_id": GID}
    assert len(queued) == 1  # handed to the task queue once


def test_shops_without_a_joor_account_are_ignored(deliver, engine):
    make_shop(SHOP)
    deliver(PRODUCT, "products/update")
    assert not SyncJob.objects.exists()


def test_products_delete_flags_the_link_and_writes_nothing(shop, deliver, engine):
    link = make_link(shop, 7)
    deliver({"id": 7}, "products/delete")
    link.refresh_from_db()
    assert link.status == ProductLink.Status.DELETED_SHOPIFY
    event = SyncEvent.objects.get(link=link)
    assert (event.action, event.level, event.job_id, event.shop_id) == (
        "deleted_in_shopify",
        "warning",
        None,
        shop.pk,
    )
    assert event.details["delete_policy"] == "flag"
    assert not SyncJob.objects.exists()  # nothing is deleted or archived in JOOR
    deliver({"id": 7}, "products/delete")  # a replay changes nothing
    assert SyncEvent.objects.filter(link=link).count() == 1


def test_products_delete_with_the_archive_policy_queues_the_products_job(shop, deliver, engine):
    shop.joor_account.delete_policy = "archive"
    shop.joor_account.save()
    link = make_link(shop, 7)
    deliver({"id": 7}, "products/delete")
    job = SyncJob.objects.get(shop=shop)
    assert job.target == {"link_id": link.pk, "joor_style_id": link.joor_style_id}


def test_inventory_level_update_targets_the_linked_product(shop, deliver, engine):
    link = make_link(shop, 7)
    make_variant(link, "gid://shopify/InventoryItem/555")
    deliver({"inventory_item_id": 555, "location_id": 9, "available": 4}, "inventory_levels/update")
    job = SyncJob.objects.get(shop=shop)
    assert job.target == {"shopify_product_id": GID, "link_id": link.pk}
    assert job.status == SyncJob.Status.SUCCEEDED


def test_inventory_of_unlinked_items_or_ignored_inventory_queues_nothing(shop, deliver, engine):
    deliver({"inventory_item_id": 999, "location_id": 9, "available": 1}, "inventory_levels/update")
    link = make_link(shop, 7)
    make_variant(link, "555")  # numeric ids match too, but inventory is not synced for this shop
    shop.joor_account.ownership = {"inventory": "ignore"}
    shop.joor_account.save()
    deliver({"inventory_item_id": 555, "location_id": 9, "available": 1}, "inventory_levels/update")
    assert not SyncJob.objects.exists()


def test_another_shops_links_are_never_touched(shop, deliver, engine):
    other = make_shop("other.myshopify.com")
    make_account(other)
    theirs = make_link(other, 7)
    make_variant(theirs, "gid://shopify/InventoryItem/555")
    deliver({"id": 7}, "products/delete")
    deliver({"inventory_item_id": 555, "location_id": 9, "available": 1}, "inventory_levels/update")
    theirs.refresh_from_db()
    assert theirs.status == ProductLink.Status.LINKED
    assert not SyncJob.objects.exists()


def test_a_payload_without_a_product_id_fails_the_delivery(
    shop, client, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(Conf, "SYNC", True)
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(client, {"title": "no id"}, topic="products/update", shop=SHOP)
    delivery = WebhookDelivery.objects.get(topic="products/update")
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert "no product id" in delivery.error


def test_an_update_the_link_already_holds_is_not_synced_again(shop, deliver, engine):
    link = make_link(shop, 7)
    link.shopify_updated_at = parse_datetime("2026-11-22T10:00:00Z")
    link.save()
    deliver({**PRODUCT, "updated_at": "2026-11-22T05:00:00-05:00"}, "products/update")  # the same instant
    deliver({**PRODUCT, "updated_at": "not a date"}, "products/update")  # unknown: sync to be safe
    assert SyncJob.objects.count() == 1
    SyncJob.objects.all().delete()
    deliver({**PRODUCT, "updated_at": "2026-11-22T10:00:01Z"}, "products/update")  # a later edit
    assert SyncJob.objects.get(shop=shop).target == {"shopify_product_id": GID}
