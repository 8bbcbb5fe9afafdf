"""Taking a decision back before the sync writes it: allowed only while nothing may have written it,
the conflict is open again as it was, and the product's events say who undid what."""

from __future__ import annotations

import pytest
from django.utils import timezone

from joorsync.sync.conflicts import (
    UNDO_ACTION,
    ResolutionApplied,
    ResolutionUndoRefused,
    conflict_resolution_undo,
    conflict_resolution_undoable,
    conflict_resolve,
)
from joorsync.sync.engine.shopify_side import ShopifySide
from joorsync.sync.models import Conflict, ProductLink, SyncEvent, SyncJob
from joorsync.sync.selectors import conflict_get
from tests.sync.engine_support import make_world
from tests.sync.jobs_support import make_account, make_conflict, make_link, make_shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    shop = make_shop()
    make_account(shop)
    return shop


def _decided(shop, link=None, **fields) -> Conflict:
    conflict = make_conflict(shop, link or make_link(shop, 1), **fields)
    return conflict_resolve(conflict=conflict, resolution="keep_joor", user="anna")


def test_undo_before_the_write_reopens_the_conflict_and_records_who(shop):
    conflict = _decided(shop)
    assert conflict_resolution_undoable(conflict=conflict)
    queued = SyncJob.objects.get(shop=shop)
    reopened = conflict_resolution_undo(conflict=conflict, user="ben")
    stored = Conflict.objects.get(pk=conflict.pk)
    assert (stored.status, stored.resolution, stored.resolved_value, stored.resolved_by) == (
        "open",
        "",
        None,
        "",
    )
    assert stored.resolved_at is None and stored.applied_at is None
    # The values both sides held stay as they were found: the conflict is what it was before.
    assert (stored.shopify_value, stored.joor_value) == ("Wool coat", "Winter coat")
    assert reopened.status == "open"
    event = SyncEvent.objects.get(action=UNDO_ACTION)
    assert (event.shop_id, event.link_id, event.job_id) == (shop.pk, conflict.link_id, None)
    assert event.details["undone_by"] == "ben" and event.details["resolved_by"] == "anna"
    assert (event.details["resolution"], event.details["resolved_value"]) == ("keep_joor", "Winter coat")
    assert "title" in event.message and "ben" in event.message
    # The job the decision queued stays: with nothing decided it simply syncs the product.
    assert SyncJob.objects.get(shop=shop).pk == queued.pk and queued.status == "queued"
    # Open again, it can be decided again.
    again = conflict_resolve(conflict=stored, resolution="keep_shopify", user="ben")
    assert again.resolved_value == "Wool coat"


def test_undo_after_the_write_is_refused_and_changes_nothing(shop):
    conflict = _decided(shop)
    written = timezone.now()
    Conflict.objects.filter(pk=conflict.pk).update(applied_at=written)
    conflict.refresh_from_db()
    assert not conflict_resolution_undoable(conflict=conflict)
    with pytest.raises(ResolutionApplied, match="written to both sides on"):
        conflict_resolution_undo(conflict=conflict, user="ben")
    stored = Conflict.objects.get(pk=conflict.pk)
    assert (stored.status, stored.resolution, stored.applied_at) == ("resolved", "keep_joor", written)
    assert not SyncEvent.objects.filter(action=UNDO_ACTION).exists()


@pytest.mark.parametrize("resolution", ["converged", "ownership", "restored"])
def test_only_a_persons_conflict_decision_can_be_undone(shop, resolution):
    conflict = make_conflict(shop, make_link(shop, 1))
    Conflict.objects.filter(pk=conflict.pk).update(status="resolved", resolution=resolution)
    conflict.refresh_from_db()
    assert not conflict_resolution_undoable(conflict=conflict)
    with pytest.raises(ResolutionUndoRefused):
        conflict_resolution_undo(conflict=conflict, user="ben")
    assert Conflict.objects.get(pk=conflict.pk).status == "resolved"


def test_an_open_conflict_has_nothing_to_undo(shop):
    conflict = make_conflict(shop, make_link(shop, 1))
    with pytest.raises(ResolutionUndoRefused, match="no decision"):
        conflict_resolution_undo(conflict=conflict, user="ben")


def test_reopening_is_refused_while_a_newer_conflict_is_open_on_the_field(shop):
    link = make_link(shop, 1)
    conflict = _decided(shop, link)
    newer = make_conflict(shop, link, shopify_value="Coat, wool", joor_value="Coat, winter")
    with pytest.raises(ResolutionUndoRefused, match="newer conflict is open on this field"):
        conflict_resolution_undo(conflict=conflict, user="ben")
    assert Conflict.objects.get(pk=conflict.pk).status == "resolved"
    assert Conflict.objects.get(pk=newer.pk).status == "open"
    # Another field's open conflict is no obstacle.
    Conflict.objects.filter(pk=newer.pk).update(field_path="description")
    assert conflict_resolution_undo(conflict=conflict, user="ben").status == "open"


@pytest.mark.parametrize(
    ("kind", "target"),
    [
        ("targeted", "link_id"),
        ("targeted", "shopify_product_id"),
        ("resolve", "joor_style_id"),
        ("targeted", "batch"),
        ("full", None),
        ("incremental", None),
    ],
)
def test_refused_while_a_job_that_may_write_it_is_running(shop, kind, target):
    link = make_link(shop, 1)
    conflict = _decided(shop, link)
    SyncJob.objects.filter(shop=shop).delete()
    values = {
        "link_id": {"link_id": link.pk},
        "shopify_product_id": {"shopify_product_id": link.shopify_product_id},
        "joor_style_id": {"joor_style_id": link.joor_style_id},
        "batch": {"products": [{"shopify_product_id": "gid://shopify/Product/9"}, {"link_id": link.pk}]},
        None: None,
    }[target]
    job = SyncJob.objects.create(shop=shop, kind=kind, status="running", target=values)
    with pytest.raises(ResolutionUndoRefused, match="running now"):
        conflict_resolution_undo(conflict=conflict, user="ben")
    assert Conflict.objects.get(pk=conflict.pk).status == "resolved"
    SyncJob.objects.filter(pk=job.pk).update(status="succeeded")
    assert conflict_resolution_undo(conflict=conflict, user="ben").status == "open"


def test_jobs_that_cannot_write_it_do_not_block_the_undo(shop):
    link = make_link(shop, 1)
    conflict = _decided(shop, link)
    SyncJob.objects.filter(shop=shop).delete()
    # Another product's job, and a preview of the whole catalog: neither writes this decision.
    SyncJob.objects.create(shop=shop, kind="targeted", status="running", target={"link_id": link.pk + 100})
    SyncJob.objects.create(shop=shop, kind="orders", status="queued")
    other = make_shop("other.myshopify.com")
    make_account(other)
    SyncJob.objects.create(shop=other, kind="full", status="running")
    preview = SyncJob.objects.create(shop=shop, kind="full", status="queued", dry_run=True)
    assert conflict_resolution_undo(conflict=conflict, user="ben").status == "open"
    assert SyncJob.objects.get(pk=preview.pk).status == "queued"


def test_another_shops_conflict_is_out_of_reach(shop):
    other = make_shop("other.myshopify.com")
    make_account(other)
    theirs = _decided(other, make_link(other, 1))
    with pytest.raises(Conflict.DoesNotExist):
        conflict_get(shop=shop, conflict_id=theirs.pk)  # how every page looks a conflict up
    assert Conflict.objects.get(pk=theirs.pk).status == "resolved"


# -- through the engine --------------------------------------------------------------------------


def _title_conflict(world) -> tuple[ProductLink, Conflict]:
    world.run()
    link = ProductLink.objects.filter(shop=world.shop).order_by("joor_style_id").first()
    world.joor_sandbox.edit_style(link.joor_style_id, {"style_name": "J"})
    world.shopify_sandbox.merchant_update_product(link.shopify_product_id, {"title": "S"})
    world.run()
    return link, Conflict.objects.get(link=link, status=Conflict.Status.OPEN)


def _titles(world, link: ProductLink) -> tuple[str, str]:
    return (
        world.shopify_client().product(link.shopify_product_id)["title"],
        world.joor_sandbox.style(link.joor_style_id)["style_name"],
    )


def test_an_undone_decision_is_not_written_and_the_conflict_waits_again():
    world = make_world(styles=2)
    link, conflict = _title_conflict(world)
    conflict_resolve(conflict=conflict, resolution="keep_joor", user="anna")
    conflict_resolution_undo(conflict=conflict, user="anna")
    _, result = world.run(kind="targeted", target={"link_id": link.pk})  # the job the decision queued
    assert _titles(world, link) == ("S", "J")  # neither side overwritten
    assert result.counts.shopify["updated"] == result.counts.joor["updated"] == 0
    stored = Conflict.objects.get(pk=conflict.pk)
    assert (stored.status, stored.applied_at) == ("open", None)
    assert Conflict.objects.filter(link=link, status="open").count() == 1


def test_a_job_writing_the_decision_wins_the_race_and_the_undo_is_refused(monkeypatch):
    world = make_world(styles=2)
    link, conflict = _title_conflict(world)
    conflict_resolve(conflict=conflict, resolution="keep_joor", user="anna")
    attempts: list[Exception] = []
    real_set_product = ShopifySide.set_product

    def set_product(self, **kwargs):
        # The job has read the decision and is writing it now: a person clicks "Undo".
        try:
            conflict_resolution_undo(conflict=conflict, user="ben")
        except ResolutionUndoRefused as exc:
            attempts.append(exc)
        return real_set_product(self, **kwargs)

    monkeypatch.setattr(ShopifySide, "set_product", set_product)
    world.run(kind="targeted", target={"link_id": link.pk})
    assert len(attempts) == 1 and "running now" in str(attempts[0])
    assert _titles(world, link) == ("J", "J")
    stored = Conflict.objects.get(pk=conflict.pk)
    assert (stored.status, stored.resolution) == ("resolved", "keep_joor")
    assert stored.applied_at is not None
    monkeypatch.undo()
    with pytest.raises(ResolutionApplied):
        conflict_resolution_undo(conflict=stored, user="ben")
    assert not SyncEvent.objects.filter(action=UNDO_ACTION).exists()
