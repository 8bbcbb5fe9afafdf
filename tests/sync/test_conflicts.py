"""Resolving conflicts each way, in bulk, never across shops and never emptying a field unless a person
chose to clear it; the selectors behind the list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from joorsync.sync.conflicts import (
    EMPTY_VALUE_MESSAGE,
    REQUIRED_VALUE_MESSAGE,
    ConflictNotOpen,
    ConflictResolutionInvalid,
    conflict_field_clearable,
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


def test_custom_needs_a_value_and_the_resolution_must_be_known(shop):
    conflict = make_conflict(shop, make_link(shop, 1), path="variants[BLK/M].compare_at_price")
    with pytest.raises(ConflictResolutionInvalid, match="needs a value"):
        conflict_resolve(conflict=conflict, resolution="custom", user="anna")
    with pytest.raises(ConflictResolutionInvalid, match="resolution must be"):
        conflict_resolve(conflict=conflict, resolution="keep_both", user="anna")
    assert conflict_resolve(
        conflict=conflict, resolution="custom", value="80.00", user="anna"
    ).resolved_value == ("80.00")


# -- no field is emptied without an explicit clear ------------------------------------------------


def _still_open(conflict: Conflict) -> bool:
    stored = Conflict.objects.get(pk=conflict.pk)
    return (stored.status, stored.resolution, stored.resolved_value) == ("open", "", None)


@pytest.mark.parametrize("blank", [None, "", "   ", "\n\t ", [], [" ", ""]])
def test_an_empty_custom_value_is_refused_and_nothing_is_queued(shop, blank):
    path = "tags" if isinstance(blank, list) else "description"
    conflict = make_conflict(shop, make_link(shop, 1), path=path)
    with pytest.raises(ConflictResolutionInvalid) as info:
        conflict_resolve(conflict=conflict, resolution="custom", value=blank, user="anna")
    assert str(info.value) == EMPTY_VALUE_MESSAGE
    assert "Clear this field" in str(info.value)
    assert _still_open(conflict)
    assert not SyncJob.objects.exists()


def test_an_empty_custom_value_for_a_field_that_cannot_be_cleared_says_so(shop):
    conflict = make_conflict(shop, make_link(shop, 1), path="title")
    with pytest.raises(ConflictResolutionInvalid) as info:
        conflict_resolve(conflict=conflict, resolution="custom", value="  ", user="anna")
    assert str(info.value) == REQUIRED_VALUE_MESSAGE  # no "Clear this field": it is not offered here
    assert _still_open(conflict)


@pytest.mark.parametrize(
    ("resolution", "values", "side"),
    [
        ("keep_shopify", {"shopify_value": ""}, "Shopify's"),
        ("keep_shopify", {"shopify_value": None}, "Shopify's"),
        ("keep_joor", {"joor_value": "  \n"}, "JOOR's"),
        ("keep_joor", {"joor_value": []}, "JOOR's"),
    ],
)
def test_keeping_an_empty_side_is_refused(shop, resolution, values, side):
    conflict = make_conflict(shop, make_link(shop, 1), path="description", **values)
    with pytest.raises(ConflictResolutionInvalid) as info:
        conflict_resolve(conflict=conflict, resolution=resolution, user="anna")
    assert str(info.value) == f"{side} value is empty. {EMPTY_VALUE_MESSAGE}"
    assert _still_open(conflict)
    assert not SyncJob.objects.exists()


def test_keeping_a_side_that_is_a_zero_or_false_is_a_value(shop):
    conflict = make_conflict(
        shop, make_link(shop, 1), path="variants[BLK/M].inventory", shopify_value=0, joor_value=4
    )
    assert conflict_resolve(conflict=conflict, resolution="keep_shopify", user="anna").resolved_value == 0


@pytest.mark.parametrize("path", ["description", "tags", "product_type", "metafields.joor.fabrication"])
def test_clear_empties_the_field_on_both_sides_by_explicit_choice(shop, path):
    link = make_link(shop, 1)
    conflict = make_conflict(shop, link, path=path)
    resolved = conflict_resolve(conflict=conflict, resolution="clear", user="anna")
    stored = Conflict.objects.get(pk=conflict.pk)
    assert (stored.status, stored.resolution, stored.resolved_value) == ("resolved", "clear", None)
    assert resolved.get_resolution_display() == "Cleared the field on both sides"
    assert stored.applied_at is None and list(conflicts_resolved_unapplied(shop=shop)) == [stored]
    job = SyncJob.objects.get(shop=shop)
    assert (job.kind, job.trigger, job.target["link_id"]) == ("targeted", "conflict", link.pk)


@pytest.mark.parametrize(
    "path",
    [
        "title",
        "variants[BLK/M].price",
        "variants[BLK/M].compare_at_price",
        "variants[BLK/M].inventory",
        "variants[BLK/M].sku",
        "variants[C%2F1/36].price",
    ],
)
def test_clear_is_refused_for_fields_that_need_a_value(shop, path):
    assert not conflict_field_clearable(field_path=path)
    conflict = make_conflict(shop, make_link(shop, 1), path=path)
    with pytest.raises(ConflictResolutionInvalid, match="cannot be cleared"):
        conflict_resolve(conflict=conflict, resolution="clear", user="anna")
    assert _still_open(conflict)
    assert not SyncJob.objects.exists()


@pytest.mark.parametrize(
    ("path", "clearable"),
    [
        ("description", True),
        ("tags", True),
        ("variants[BLK/M].barcode", True),
        ("variants[BLK/M].color_name", True),
        ("metafields.joor.silhouette", True),
        ("title", False),
        ("variants[BLK/M].sku", False),
    ],
)
def test_which_fields_may_be_cleared(path, clearable):
    assert conflict_field_clearable(field_path=path) is clearable


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
    result = conflicts_resolve_bulk(shop=shop, resolution="keep_shopify", user="anna", field_path="title")
    assert sorted(c.pk for c in result.resolved) == sorted(c.pk for c in titles)
    assert result.refused == []
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
    result = conflicts_resolve_bulk(
        shop=shop, resolution="keep_shopify", user="anna", conflict_ids=[mine.pk, theirs.pk, done.pk]
    )
    assert [c.pk for c in result.resolved] == [mine.pk]
    assert Conflict.objects.get(pk=theirs.pk).status == "open"
    assert Conflict.objects.get(pk=done.pk).resolution == "keep_joor"
    assert not SyncJob.objects.filter(shop=other_shop).exists()


def test_bulk_leaves_a_conflict_open_where_the_kept_side_is_empty(shop):
    a, b = make_link(shop, 1), make_link(shop, 2)
    fine = make_conflict(shop, a, path="description", joor_value="Warm wool")
    blank = make_conflict(shop, b, path="description", joor_value="   ")
    result = conflicts_resolve_bulk(shop=shop, resolution="keep_joor", user="anna", field_path="description")
    assert [c.pk for c in result.resolved] == [fine.pk]
    assert [(c.pk, reason) for c, reason in result.refused] == [
        (blank.pk, f"JOOR's value is empty. {EMPTY_VALUE_MESSAGE}")
    ]
    assert _still_open(blank)
    # Only the product whose conflict was decided gets a job.
    assert [job.target["link_id"] for job in SyncJob.objects.filter(shop=shop)] == [a.pk]


def test_bulk_clear_clears_only_the_fields_that_may_be_empty(shop):
    link = make_link(shop, 1)
    description = make_conflict(shop, link, path="description")
    title = make_conflict(shop, link)
    result = conflicts_resolve_bulk(
        shop=shop, resolution="clear", user="anna", conflict_ids=[description.pk, title.pk]
    )
    assert [c.pk for c in result.resolved] == [description.pk]
    assert [c.pk for c, _ in result.refused] == [title.pk]
    assert _still_open(title)


def test_bulk_without_ids_or_filter_never_resolves_every_open_conflict(shop):
    conflicts = [make_conflict(shop, make_link(shop, n)) for n in range(3)]
    with pytest.raises(ConflictResolutionInvalid, match="filter them"):
        conflicts_resolve_bulk(shop=shop, resolution="keep_joor", user="anna")
    assert all(_still_open(c) for c in conflicts)
    assert not SyncJob.objects.exists()
    # Explicitly no ids is nothing, not everything.
    assert (
        conflicts_resolve_bulk(shop=shop, resolution="keep_joor", user="anna", conflict_ids=[]).resolved == []
    )
    assert all(_still_open(c) for c in conflicts)


@pytest.mark.parametrize("blank", ["", "  ", None])
def test_bulk_with_an_empty_custom_value_is_refused(shop, blank):
    conflict = make_conflict(shop, make_link(shop, 1), path="description")
    with pytest.raises(ConflictResolutionInvalid, match="Type a value"):
        conflicts_resolve_bulk(
            shop=shop, resolution="custom", value=blank, user="anna", conflict_ids=[conflict.pk]
        )
    assert _still_open(conflict)


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
