"""A product's history through both sandboxes: the values before and after each write, and putting
back the value a write of the app replaced."""

import pytest

from joorsync.sync.engine.apply import HISTORY_VALUE_LIMIT, written_changes
from joorsync.sync.engine.plan import Change, Decider, PairPlan, Side
from joorsync.sync.history import product_history_for
from joorsync.sync.models import Conflict, ProductLink, SyncEvent, SyncJob
from joorsync.sync.restore import RestoreRefused, product_change_restore
from tests.sync.engine_support import make_world

pytestmark = pytest.mark.django_db


def _first_link(world):
    return ProductLink.objects.filter(shop=world.shop).order_by("joor_style_id").first()


def _update_event(link, side):
    return SyncEvent.objects.filter(link=link, action="updated", side=side).order_by("-id").first()


def _renamed_in_joor(world, name="Renamed in JOOR"):
    world.run()
    link = _first_link(world)
    before = world.shopify_client().product(link.shopify_product_id)["title"]
    world.joor_sandbox.edit_style(link.joor_style_id, {"style_name": name})
    world.run()
    link.refresh_from_db()
    return link, before


def test_an_update_records_each_field_before_and_after_and_who_decided():
    world = make_world(styles=2)
    link, before = _renamed_in_joor(world)
    event = _update_event(link, "shopify")
    change = next(c for c in event.details["changes"] if c["path"] == "title")
    assert change == {"path": "title", "old": before, "new": "Renamed in JOOR", "by": "merge"}
    assert event.details["paths"] == [c["path"] for c in event.details["changes"]]


def test_the_history_lists_the_write_newest_first_and_offers_to_restore_it():
    world = make_world(styles=2)
    link, before = _renamed_in_joor(world)
    entries = product_history_for(link=link)
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    update = next(e for e in entries if e.event is not None and e.event.action == "updated")
    title = next(c for c in update.changes if c.path == "title")
    assert (title.old, title.new, title.restorable) == (before, "Renamed in JOOR", True)


def test_restoring_puts_the_earlier_value_back_on_both_sides_and_is_recorded():
    world = make_world(styles=2)
    link, before = _renamed_in_joor(world)
    event = _update_event(link, "shopify")
    decision = product_change_restore(link=link, event=event, path="title", user="sandbox:owner")
    assert decision.resolution == Conflict.Resolution.RESTORED
    assert decision.resolved_value == before
    assert SyncJob.objects.filter(shop=world.shop, kind=SyncJob.Kind.TARGETED, status="queued").exists()
    # nothing is written until the product's job runs
    assert world.shopify_client().product(link.shopify_product_id)["title"] == "Renamed in JOOR"
    world.run(kind="targeted", target={"link_id": link.pk})
    assert world.shopify_client().product(link.shopify_product_id)["title"] == before
    assert world.joor_sandbox.style(link.joor_style_id)["style_name"] == before
    decision.refresh_from_db()
    assert decision.applied_at is not None
    assert SyncEvent.objects.filter(link=link, action="restore_requested").count() == 1
    # the restore is itself a write in the history, decided by a person, and settles: nothing more to do
    link.refresh_from_db()
    assert link.snapshot["title"] == before
    _, again = world.run()
    assert again.counts.shopify["updated"] == again.counts.joor["updated"] == again.counts.conflicts == 0
    latest = _update_event(link, "shopify")
    assert next(c for c in latest.details["changes"] if c["path"] == "title")["by"] == "person"


def test_a_write_changed_since_is_not_restored():
    world = make_world(styles=2)
    link, _ = _renamed_in_joor(world)
    event = _update_event(link, "shopify")
    world.shopify_sandbox.merchant_update_product(link.shopify_product_id, {"title": "Edited after"})
    world.run()
    link.refresh_from_db()
    with pytest.raises(RestoreRefused, match="changed"):
        product_change_restore(link=link, event=event, path="title", user="sandbox:owner")
    assert not Conflict.objects.filter(link=link, resolution=Conflict.Resolution.RESTORED).exists()
    history_change = next(
        c for e in product_history_for(link=link) if e.event == event for c in e.changes if c.path == "title"
    )
    assert not history_change.restorable


def test_a_second_restore_of_the_same_write_waits_for_the_first():
    world = make_world(styles=2)
    link, _ = _renamed_in_joor(world)
    event = _update_event(link, "shopify")
    product_change_restore(link=link, event=event, path="title", user="sandbox:owner")
    with pytest.raises(RestoreRefused, match="waits"):
        product_change_restore(link=link, event=event, path="title", user="sandbox:owner")


def test_stock_and_an_unlinked_product_are_not_restored():
    world = make_world(styles=2)
    link, _ = _renamed_in_joor(world)
    event = _update_event(link, "shopify")
    event.details["changes"].append(
        {"path": "variants[C1/36].inventory", "new": 4, "by": "merge", "stock": True}
    )
    event.details["paths"].append("variants[C1/36].inventory")
    event.save()
    with pytest.raises(RestoreRefused, match="Stock"):
        product_change_restore(link=link, event=event, path="variants[C1/36].inventory", user="u")
    ProductLink.objects.filter(pk=link.pk).update(status=ProductLink.Status.UNLINKED)
    link.refresh_from_db()
    with pytest.raises(RestoreRefused, match="no longer syncs"):
        product_change_restore(link=link, event=event, path="title", user="u")


def test_an_image_write_is_not_offered_for_restore_and_says_where_to_change_it():
    world = make_world(styles=2)
    link, _ = _renamed_in_joor(world)
    event = _update_event(link, "shopify")
    event.details["changes"].append(
        {"path": "images.color[C1]", "old": "blue.jpg", "new": "back.jpg", "by": "merge"}
    )
    event.details["paths"].append("images.color[C1]")
    event.save()
    with pytest.raises(RestoreRefused, match="Images are not restored"):
        product_change_restore(link=link, event=event, path="images.color[C1]", user="u")


def test_another_products_event_is_refused():
    world = make_world(styles=2)
    link, _ = _renamed_in_joor(world)
    other = ProductLink.objects.filter(shop=world.shop).exclude(pk=link.pk).first()
    event = _update_event(link, "shopify")
    with pytest.raises(RestoreRefused, match="not this product"):
        product_change_restore(link=other, event=event, path="title", user="u")


def test_a_very_long_value_is_kept_cut_and_not_offered():
    world = make_world(styles=2)
    link, _ = _renamed_in_joor(world)
    long_text = "<p>" + "word " * HISTORY_VALUE_LIMIT + "</p>"
    plan = PairPlan()
    plan.shopify.changes.append(Change("description", long_text, "<p>short</p>", Decider.MERGE))
    (change,) = written_changes(plan, Side.SHOPIFY)
    assert change["cut"] is True and len(change["old"]) == HISTORY_VALUE_LIMIT
    assert change["new"] == "<p>short</p>"
    event = _update_event(link, "shopify")
    event.details["changes"].append(change)
    event.details["paths"].append("description")
    event.save()
    link.snapshot["description"] = "<p>short</p>"
    ProductLink.objects.filter(pk=link.pk).update(snapshot=link.snapshot)
    link.refresh_from_db()
    with pytest.raises(RestoreRefused, match="too long"):
        product_change_restore(link=link, event=event, path="description", user="u")
