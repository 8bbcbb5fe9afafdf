"""JOOR categories reach Shopify's product category through both sandboxes: on create, and on an
existing product only when JOOR's mapped category changed; a merchant's own category stands."""

from __future__ import annotations

from typing import Any

import pytest

from joorsync.pricing.models import CategoryMapping
from joorsync.pricing.ui.forms import PricingForm
from joorsync.sync.models import ProductLink, SyncEvent
from tests.pricing.support import joor_categories, set_joor_categories
from tests.sync.engine_support import make_world

pytestmark = pytest.mark.django_db

GID = "gid://shopify/TaxonomyCategory/"
QUERY = "query ProductCategory($id: ID!) { product(id: $id) { category { id name fullName } } }"


def _world_with(categories: list[dict[str, Any]]) -> tuple[Any, int]:
    world = make_world(styles=1)
    style_id = next(iter(world.joor_sandbox.catalog.styles))
    set_joor_categories(world, style_id, categories)
    return world, style_id


def _category(world: Any, style_id: int) -> dict[str, Any] | None:
    link = ProductLink.objects.get(shop=world.shop, joor_style_id=style_id)
    result = world.shopify_client().execute_document(
        QUERY, {"id": link.shopify_product_id}, operation_name="ProductCategory"
    )
    return result.data["product"]["category"]


def test_a_style_in_a_mapped_category_is_created_with_it():
    world, style_id = _world_with(joor_categories("Women's", "Apparel", "Dresses"))
    world.run()
    assert _category(world, style_id) == {
        "id": GID + "aa-1-4",
        "name": "Dresses",
        "fullName": "Apparel & Accessories > Clothing > Dresses",
    }


def test_the_shops_own_mapping_line_wins():
    world, style_id = _world_with(joor_categories("Women's", "Apparel", "Tops"))
    CategoryMapping.objects.create(shop=world.shop, joor_category="Tops", taxonomy_id=GID + "aa-1-13-8")
    world.run()
    assert _category(world, style_id)["id"] == GID + "aa-1-13-8"


def test_an_unmapped_category_leaves_shopifys_alone():
    world, style_id = _world_with(joor_categories("Home", "Decor", "Candles"))
    world.run()
    assert _category(world, style_id) is None
    link = ProductLink.objects.get(shop=world.shop, joor_style_id=style_id)
    world.shopify_sandbox.merchant_update_product(link.shopify_product_id, {"category": GID + "aa-6"})
    set_joor_categories(world, style_id, joor_categories("Home", "Decor", "Vases"))
    world.run()
    assert _category(world, style_id)["id"] == GID + "aa-6"


def test_a_merchants_category_stands_until_joors_category_changes():
    world, style_id = _world_with(joor_categories("Women's", "Apparel", "Dresses"))
    world.run()
    link = ProductLink.objects.get(shop=world.shop, joor_style_id=style_id)
    world.shopify_sandbox.merchant_update_product(link.shopify_product_id, {"category": GID + "aa-1-1"})
    world.run()
    assert _category(world, style_id)["id"] == GID + "aa-1-1"
    # A JOOR change that maps to the same category keeps the merchant's choice too.
    set_joor_categories(world, style_id, joor_categories("Women's", "Dresses", "Dresses"))
    world.run()
    assert _category(world, style_id)["id"] == GID + "aa-1-1"
    set_joor_categories(world, style_id, joor_categories("Women's", "Apparel", "Skirts"))
    world.run()
    assert _category(world, style_id)["id"] == GID + "aa-1-15"
    rows = [
        change
        for event in SyncEvent.objects.filter(link=link, action="updated")
        for change in (event.details or {}).get("changes", [])
        if change["path"] == "category"
    ]
    # The merchant's category, read with the product, is what the row keeps as the value before.
    assert rows == [{"path": "category", "old": GID + "aa-1-1", "new": GID + "aa-1-15", "by": "merge"}]


def test_an_unknown_taxonomy_id_is_refused_at_the_settings_field():
    form = PricingForm(categories="Tops = aa-99-1\nDresses = aa-1-4")
    assert form.mappings() == {"Dresses": GID + "aa-1-4"}
    assert "cannot be checked here" in form.errors["categories"]
