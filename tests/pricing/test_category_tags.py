"""JOOR categories also reach Shopify as tags (`joor-category:Women's > Apparel > Dresses`), through
both sandboxes: the app's tags never flow back to JOOR as style tags, never count as a change or a
conflict, are swapped when JOOR's category changes, and leave the merchant's own tags alone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from joorsync.sync.models import Conflict, ProductLink, SyncEvent
from tests.pricing.support import joor_categories, set_joor_categories
from tests.sync.engine_support import make_world

pytestmark = pytest.mark.django_db

DRESSES = "joor-category:Women's > Apparel > Dresses"
SKIRTS = "joor-category:Women's > Apparel > Skirts"


def _synced_world() -> tuple[Any, ProductLink]:
    world = make_world(styles=1)
    style_id = next(iter(world.joor_sandbox.catalog.styles))
    set_joor_categories(world, style_id, joor_categories("Women's", "Apparel", "Dresses"))
    world.run()
    return world, ProductLink.objects.get(shop=world.shop, joor_style_id=style_id)


def _shopify_tags(world: Any, link: ProductLink) -> list[str]:
    return list(world.shopify_client().product(link.shopify_product_id)["tags"])


def _joor_tags(world: Any, link: ProductLink) -> list[str]:
    return [t["tag_value"] for t in world.joor_sandbox.style(link.joor_style_id)["tags"]]


def _merchant_tags(world: Any, link: ProductLink, tags: list[str]) -> None:
    world.shopify_sandbox.merchant_update_product(link.shopify_product_id, {"tags": tags})


def test_a_new_product_carries_its_category_tag_and_the_round_trip_makes_no_joor_tag():
    world, link = _synced_world()
    joor_tags = _joor_tags(world, link)
    assert joor_tags, "the seeded style has tags of its own"
    assert sorted(_shopify_tags(world, link), key=str.lower) == sorted([*joor_tags, DRESSES], key=str.lower)
    _, again = world.run()
    assert again.counts.shopify["updated"] == again.counts.joor["updated"] == again.counts.conflicts == 0
    assert _joor_tags(world, link) == joor_tags
    assert "joor-category" not in str(ProductLink.objects.get(pk=link.pk).snapshot)


def test_a_joor_category_change_swaps_the_tag_and_keeps_the_merchants_tags():
    world, link = _synced_world()
    _merchant_tags(world, link, [*_shopify_tags(world, link), "Summer edit"])
    world.run()  # the merchant's tag is a style tag in JOOR now (tags sync both ways)
    assert "Summer edit" in _joor_tags(world, link)
    set_joor_categories(world, link.joor_style_id, joor_categories("Women's", "Apparel", "Skirts"))
    _, result = world.run()
    tags = _shopify_tags(world, link)
    assert SKIRTS in tags and DRESSES not in tags and "Summer edit" in tags
    assert not [t for t in _joor_tags(world, link) if t.lower().startswith("joor-category:")]
    assert result.counts.conflicts == 0 and not Conflict.objects.filter(link=link).exists()
    # The swap is not a change of the compared tags: the history shows no tags write to either side.
    written = [
        change["path"]
        for event in SyncEvent.objects.filter(link=link, action="updated")
        for change in event.details.get("changes", [])
    ]
    assert "tags" in written  # the merchant's "Summer edit", carried to JOOR
    assert written.count("tags") == 1


def test_a_category_tag_the_merchant_removed_stays_removed_until_joors_category_changes():
    world, link = _synced_world()
    _merchant_tags(world, link, [t for t in _shopify_tags(world, link) if t != DRESSES])
    joor_tags = _joor_tags(world, link)
    _, result = world.run()
    assert result.counts.joor["updated"] == result.counts.conflicts == 0
    # A JOOR edit of another field writes the product again: the removal is respected.
    world.joor_sandbox.edit_style(link.joor_style_id, {"style_name": "Renamed in JOOR"})
    world.run()
    assert world.shopify_client().product(link.shopify_product_id)["title"] == "Renamed in JOOR"
    assert DRESSES not in _shopify_tags(world, link)
    assert _joor_tags(world, link) == joor_tags
    set_joor_categories(world, link.joor_style_id, joor_categories("Women's", "Apparel", "Skirts"))
    world.run()
    assert SKIRTS in _shopify_tags(world, link)


def test_a_category_tag_typed_into_joor_stays_there_and_does_not_loop():
    world, link = _synced_world()
    style = world.joor_sandbox.catalog.styles[link.joor_style_id]
    style.tags = [*style.tags, {"tag_group": "Misc", "tag_name": "Note", "tag_value": "joor-category:typed"}]
    style.modified = datetime.now(UTC)
    world.joor_sandbox.catalog.touch(style)
    world.run()
    _, again = world.run()
    assert again.counts.shopify["updated"] == again.counts.joor["updated"] == 0
    assert "joor-category:typed" not in _shopify_tags(world, link)
    assert "joor-category:typed" in _joor_tags(world, link)
