"""A category write's history row keeps the category Shopify had before (read with the product), and
a person can put it back through the plan and the write gate; a category Shopify refuses is one
product's problem, never a failed run. Both sandboxes, over HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from joorsync.pricing.categories import CATEGORY_PATH
from joorsync.pricing.models import CategoryMapping
from joorsync.sync.history import product_history_for
from joorsync.sync.models import Conflict, ProductLink, ProductProblem, SyncEvent
from joorsync.sync.restore import RestoreRefused, product_change_restore
from tests.pricing.support import joor_categories, set_joor_categories
from tests.sync.engine_support import make_world

pytestmark = pytest.mark.django_db

GID = "gid://shopify/TaxonomyCategory/"


def _world(*path: str, styles: int = 1) -> tuple[Any, list[int]]:
    world = make_world(styles=styles)
    ids = sorted(world.joor_sandbox.catalog.styles)
    for style_id in ids:
        set_joor_categories(world, style_id, joor_categories(*path))
    return world, ids


def _category(world: Any, link: ProductLink) -> str | None:
    return ((world.shopify_client().product(link.shopify_product_id) or {}).get("category") or {}).get("id")


def _category_event(link: ProductLink) -> SyncEvent:
    return next(
        e
        for e in SyncEvent.objects.filter(link=link, action="updated", side="shopify").order_by("-id")
        if CATEGORY_PATH in (e.details or {}).get("paths", [])
    )


def test_the_history_shows_the_category_before_and_after_and_a_restore_puts_it_back():
    world, (style_id,) = _world("Women's", "Apparel", "Dresses")
    world.run()
    link = ProductLink.objects.get(shop=world.shop, joor_style_id=style_id)
    world.shopify_sandbox.merchant_update_product(link.shopify_product_id, {"category": GID + "aa-1-1"})
    set_joor_categories(world, style_id, joor_categories("Women's", "Apparel", "Skirts"))
    world.run()
    assert _category(world, link) == GID + "aa-1-15"
    event = _category_event(link)
    link.refresh_from_db()
    update = next(e for e in product_history_for(link=link) if e.event is not None and e.event.pk == event.pk)
    change = next(c for c in update.changes if c.path == CATEGORY_PATH)
    assert (change.old, change.new, change.restorable) == (GID + "aa-1-1", GID + "aa-1-15", True)
    joor_before = world.joor_sandbox.style(style_id)

    decision = product_change_restore(link=link, event=event, path=CATEGORY_PATH, user="sandbox:owner")
    assert decision.resolution == Conflict.Resolution.RESTORED
    assert _category(world, link) == GID + "aa-1-15"  # nothing is written before the product's job
    world.run(kind="targeted", target={"link_id": link.pk})
    assert _category(world, link) == GID + "aa-1-1"
    decision.refresh_from_db()
    assert decision.applied_at is not None
    restored = _category_event(link)
    row = next(c for c in restored.details["changes"] if c["path"] == CATEGORY_PATH)
    assert row == {"path": CATEGORY_PATH, "old": GID + "aa-1-15", "new": GID + "aa-1-1", "by": "person"}
    # JOOR holds no taxonomy category: the restore wrote nothing there.
    assert world.joor_sandbox.style(style_id)["categories"] == joor_before["categories"]
    assert not SyncEvent.objects.filter(link=link, action="updated", side="joor", pk__gt=event.pk).exists()
    # It settles: the next run writes no category over the person's choice.
    _, again = world.run()
    assert again.counts.shopify["updated"] == again.counts.conflicts == 0
    assert _category(world, link) == GID + "aa-1-1"


def test_a_category_write_over_no_category_is_not_restored():
    world, (style_id,) = _world("Home", "Decor", "Candles")  # maps to no taxonomy category
    world.run()
    link = ProductLink.objects.get(shop=world.shop, joor_style_id=style_id)
    assert _category(world, link) is None
    set_joor_categories(world, style_id, joor_categories("Women's", "Apparel", "Dresses"))
    world.run()
    event = _category_event(link)
    row = next(c for c in event.details["changes"] if c["path"] == CATEGORY_PATH)
    assert row == {"path": CATEGORY_PATH, "old": None, "new": GID + "aa-1-4", "by": "merge"}
    with pytest.raises(RestoreRefused, match="no category before"):
        product_change_restore(link=link, event=event, path=CATEGORY_PATH, user="sandbox:owner")


def test_a_category_shopify_does_not_know_is_one_products_problem():
    world, ids = _world("Women's", "Apparel", "Dresses", styles=2)
    world.run()
    first, second = (ProductLink.objects.get(shop=world.shop, joor_style_id=i) for i in ids)
    # A mapping line saved around the settings form's check, to an id Shopify's taxonomy lacks.
    CategoryMapping.objects.create(shop=world.shop, joor_category="Skirts", taxonomy_id=GID + "zz-999999999")
    set_joor_categories(world, ids[0], joor_categories("Women's", "Apparel", "Skirts"))
    world.joor_sandbox.edit_style(ids[1], {"style_name": "Renamed in JOOR"})
    _, result = world.run()
    assert result.counts.errors == 1
    problem = ProductProblem.objects.get(link=first, code="write_refused", status=ProductProblem.Status.OPEN)
    assert "does not know the product category " + GID + "zz-999999999" in problem.message
    assert _category(world, first) == GID + "aa-1-4"
    # The other product was written in the same run.
    assert world.shopify_client().product(second.shopify_product_id)["title"] == "Renamed in JOOR"


def test_a_new_product_in_a_category_shopify_does_not_know_is_not_created_and_the_run_goes_on():
    world, ids = _world("Home", "Decor", "Candles", styles=2)
    set_joor_categories(world, ids[0], joor_categories("Women's", "Apparel", "Dresses"))
    CategoryMapping.objects.create(shop=world.shop, joor_category="Dresses", taxonomy_id=GID + "zz-999999999")
    _, result = world.run()
    assert not ProductLink.objects.filter(shop=world.shop, joor_style_id=ids[0]).exclude(
        shopify_product_id=""
    )
    assert ProductLink.objects.get(shop=world.shop, joor_style_id=ids[1]).shopify_product_id
    assert len(world.shopify_products()) == 1
    failed = SyncEvent.objects.get(shop=world.shop, action="create_failed")
    assert "does not know the product category" in failed.message
