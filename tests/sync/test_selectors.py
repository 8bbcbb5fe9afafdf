"""Selectors are scoped to one shop; events without a shop column are still found through their job."""

from __future__ import annotations

from datetime import timedelta

import pytest

from joorsync.sync.jobs import sync_event_record, sync_job_create
from joorsync.sync.models import ProductProblem, SyncEvent, SyncJob
from joorsync.sync.selectors import (
    joor_account_get,
    product_link_for_inventory_item,
    product_link_for_shopify_product,
    product_problems_open_for,
    sync_events_for,
    sync_job_active_exists,
    sync_job_get,
    sync_job_queued_exists,
    sync_job_running_for,
    sync_jobs_for,
)
from tests.sync.jobs_support import make_account, make_link, make_shop, make_variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def shops():
    mine, theirs = make_shop(), make_shop("other.myshopify.com")
    make_account(mine)
    return mine, theirs


def test_jobs_are_listed_and_fetched_per_shop(shops):
    mine, theirs = shops
    a = sync_job_create(shop=mine, kind="full")
    b = sync_job_create(shop=mine, kind="incremental")
    other = sync_job_create(shop=theirs, kind="full")
    assert list(sync_jobs_for(shop=mine)) == [b, a]  # newest first
    assert list(sync_jobs_for(shop=mine, kind="full")) == [a]
    assert sync_job_get(shop=mine, job_id=a.pk) == a
    with pytest.raises(SyncJob.DoesNotExist):
        sync_job_get(shop=mine, job_id=other.pk)
    assert sync_job_running_for(shop=mine) is None
    SyncJob.objects.filter(pk=a.pk).update(status=SyncJob.Status.RUNNING)
    assert sync_job_running_for(shop=mine) == a
    assert sync_job_active_exists(shop=mine, kinds=("incremental",))
    assert not sync_job_active_exists(shop=mine, kinds=("targeted",))
    assert joor_account_get(shop=theirs) is None


def test_events_per_shop_job_and_link(shops):
    mine, theirs = shops
    job = sync_job_create(shop=mine, kind="full")
    link = make_link(mine, 1)
    first = sync_event_record(job=job, action="linked", link=link)
    loose = sync_event_record(shop=mine, action="deleted_in_shopify", link=link)
    legacy = SyncEvent.objects.create(job=job, action="written")  # written without the shop column
    sync_event_record(shop=theirs, action="noise")
    assert list(sync_events_for(shop=mine)) == [first, loose, legacy]
    assert list(sync_events_for(shop=mine, job=job)) == [first, legacy]
    assert list(sync_events_for(shop=mine, link=link)) == [first, loose]
    assert not sync_events_for(shop=theirs, job=job).exists()


def test_links_by_shopify_product_and_inventory_item(shops):
    mine, theirs = shops
    link = make_link(mine, 1)
    make_variant(link, "gid://shopify/InventoryItem/77")
    their_link = make_link(theirs, 2)
    make_variant(their_link, "88")
    assert product_link_for_shopify_product(shop=mine, shopify_product_id="gid://shopify/Product/1") == link
    assert product_link_for_shopify_product(shop=mine, shopify_product_id="gid://shopify/Product/2") is None
    assert (
        product_link_for_inventory_item(
            shop=mine, inventory_item_ids=("gid://shopify/InventoryItem/77", "77")
        )
        == link
    )
    assert (
        product_link_for_inventory_item(
            shop=mine, inventory_item_ids=("gid://shopify/InventoryItem/88", "88")
        )
        is None
    )


def make_problem(shop, n: int, **fields) -> ProductProblem:
    values = {
        "subject": f"shopify:gid://shopify/Product/{n}",
        "title": f"Product {n}",
        "side": "joor",
        "code": "too_long",
        "field_path": "title",
        "message": "JOOR allows 100 characters in a style name; this title has 108",
    }
    values.update(fields)
    return ProductProblem.objects.create(shop=shop, **values)


def test_open_problems_per_shop_oldest_first_by_link_and_side(shops):
    mine, theirs = shops
    link = make_link(mine, 1)
    older = make_problem(mine, 1, link=link)
    newer = make_problem(mine, 2, side="shopify", code="no_price", field_path="")
    make_problem(mine, 3, status=ProductProblem.Status.SOLVED)
    make_problem(theirs, 1)
    ProductProblem.objects.filter(pk=older.pk).update(created_at=newer.created_at - timedelta(hours=1))
    assert list(product_problems_open_for(shop=mine)) == [older, newer]
    assert list(product_problems_open_for(shop=mine, link=link)) == [older]
    assert list(product_problems_open_for(shop=mine, link=link.pk)) == [older]
    assert list(product_problems_open_for(shop=mine, side="shopify")) == [newer]
    assert product_problems_open_for(shop=theirs).count() == 1
    assert not product_problems_open_for(shop=theirs, link=link).exists()


def test_queued_full_sync_is_told_apart_from_previews_running_and_other_kinds(shops):
    mine, theirs = shops
    sync_job_create(shop=theirs, kind="full")
    sync_job_create(shop=mine, kind="incremental")
    sync_job_create(shop=mine, kind="full", dry_run=True)
    assert not sync_job_queued_exists(shop=mine, kind="full")
    full = sync_job_create(shop=mine, kind="full")
    assert sync_job_queued_exists(shop=mine, kind="full")
    SyncJob.objects.filter(pk=full.pk).update(status=SyncJob.Status.RUNNING)
    assert not sync_job_queued_exists(shop=mine, kind="full")
