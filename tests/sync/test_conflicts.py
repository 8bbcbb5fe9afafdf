"""Resolving conflicts each way, in bulk, and never across shops; the selectors behind the list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from joorsync.sync.conflicts import (
    ConflictNotOpen,
    ConflictResolutionInvalid,
    conflict_resolve,
    conflicts_resolve_bulk,
)
from joorsync.sync.models import Conflict, SyncJob
from joorsync.sync.selectors import conflict_get, conflicts_open_for, conflicts_resolved_unapplied
from tests.sync.jobs_support import make_account, make_conflict, make_link, make_shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    shop = make_shop()
    make_account(shop)
    return shop


@pytest.fixture
def other_shop():
    shop = make_shop("other.myshopify.com")
    make_account(shop)
    return shop


@pytest.mark.parametrize(
    ("resolution", "value", "expected"),
    [
        ("keep_shopify", None, "Wool coat"),
        ("keep_joor", None, "Winter coat"),
        ("custom", "Lambswool coat", "Lambswool coat"),
    ],
)
def test_resolve_each_way(shop, resolution, value, expected, django_capture_on_commit_callbacks):
    link = make_link(shop, 1)
    conflict = make_conflict(shop, link)
    kwargs = {"value": value} if resolution == "custom" else {}
    with django_capture_on_commit_callbacks() as queued:
        resolved = conflict_resolve(
            conflict=conflict, resolution=resolution, user="anna@brand.test", **kwargs
        )
    stored = Conflict.objects.get(pk=conflict.pk)
    assert (stored.status, stored.resolution, stored.resolved_value) == ("resolved", resolution, expected)
    assert stored.resolved_by == "anna@brand.test" and stored.resolved_at is not None
    assert stored.applied_at is None  # the next job writes it to both sides
    assert resolved.resolved_value == expected
    job = SyncJob.objects.get(shop=shop)
    assert (job.kind, job.trigger, job.status) == ("targeted", "conflict", "queued")
    assert job.target == {
        "link_id": link.pk,
        "shopify_product_id": link.shopify_product_id,
        "joor_style_id": link.joor_style_id,
    }
    assert len(queued) == 1
    assert list(conflicts_resolved_unapplied(shop=shop)) == [stored]


def test_custom_may_set_null_but_needs_a_value(shop):
    conflict = make_conflict(shop, make_link(shop, 1), path="variants[BLK/M].compare_at_price")
    with pytest.raises(ConflictResolutionInvalid, match="needs a value"):
        conflict_resolve(conflict=conflict, resolution="custom", user="anna")
    with pytest.raises(ConflictResolutionInvalid, match="resolution must be"):
        conflict_resolve(conflict=conflict, resolution="keep_both", user="anna")
    assert (
        conflict_resolve(conflict=conflict, resolution="custom", value=None, user="anna").resolved_value
        is None
    )


def test_an_already_resolved_conflict_cannot_be_resolved_again(shop):
    conflict = make_conflict(shop, make_link(shop, 1))
    conflict_resolve(conflict=conflict, resolution="keep_joor", user="anna")
    with pytest.raises(ConflictNotOpen):
        conflict_resolve(conflict=conflict, resolution="keep_shopify", user="ben")  # a stale page
    assert Conflict.objects.get(pk=conflict.pk).resolved_by == "anna"


def test_a_new_conflict_may_open_on_a_field_once_the_old_is_resolved(shop):
    link = make_link(shop, 1)
    conflict_resolve(conflict=make_conflict(shop, link), resolution="keep_joor", user="anna")
    make_conflict(shop, link)  # the partial unique constraint only covers open conflicts
    assert conflicts_open_for(shop=shop).count() == 1


def test_bulk_resolves_by_filter_with_one_job_per_product(shop):
    a, b = make_link(shop, 1), make_link(shop, 2)
    titles = [make_conflict(shop, a), make_conflict(shop, b)]
    description = make_conflict(shop, a, path="description")
    resolved = conflicts_resolve_bulk(shop=shop, resolution="keep_shopify", user="anna", field_path="title")
    assert sorted(c.pk for c in resolved) == sorted(c.pk for c in titles)
    assert Conflict.objects.get(pk=description.pk).status == "open"
    assert SyncJob.objects.filter(shop=shop, kind="targeted").count() == 2

    # A second bulk touching product a again merges into its still-queued job.
    conflicts_resolve_bulk(
        shop=shop, resolution="custom", value="Long text", user="anna", conflict_ids=[description.pk]
    )
    assert SyncJob.objects.filter(shop=shop).count() == 2
    assert Conflict.objects.get(pk=description.pk).resolved_value == "Long text"


def test_bulk_by_ids_skips_other_shops_and_closed_conflicts(shop, other_shop):
    mine = make_conflict(shop, make_link(shop, 1))
    theirs = make_conflict(other_shop, make_link(other_shop, 1))
    done = make_conflict(shop, make_link(shop, 2))
    conflict_resolve(conflict=done, resolution="keep_joor", user="anna")
    resolved = conflicts_resolve_bulk(
        shop=shop, resolution="keep_shopify", user="anna", conflict_ids=[mine.pk, theirs.pk, done.pk]
    )
    assert [c.pk for c in resolved] == [mine.pk]
    assert Conflict.objects.get(pk=theirs.pk).status == "open"
    assert Conflict.objects.get(pk=done.pk).resolution == "keep_joor"
    assert not SyncJob.objects.filter(shop=other_shop).exists()


def test_selectors_never_cross_shops(shop, other_shop):
    mine = make_conflict(shop, make_link(shop, 1))
    theirs = make_conflict(other_shop, make_link(other_shop, 1))
    assert list(conflicts_open_for(shop=shop)) == [mine]
    assert conflict_get(shop=shop, conflict_id=mine.pk) == mine
    with pytest.raises(Conflict.DoesNotExist):
        conflict_get(shop=shop, conflict_id=theirs.pk)
    assert not conflicts_open_for(shop=shop, product=theirs.link_id).exists()


def test_open_conflicts_filter_by_path_product_and_age(shop):
    a, b = make_link(shop, 1), make_link(shop, 2)
    old = make_conflict(shop, a)
    Conflict.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    price = make_conflict(shop, b, path="variants[BLK/M].price", shopify_value="10.00", joor_value="12.00")
    assert list(conflicts_open_for(shop=shop)) == [old, price]  # oldest first
    assert list(conflicts_open_for(shop=shop, field_path="variants[BLK/M].price")) == [price]
    assert list(conflicts_open_for(shop=shop, product=a)) == [old]
    assert list(conflicts_open_for(shop=shop, older_than=timedelta(days=1))) == [old]
