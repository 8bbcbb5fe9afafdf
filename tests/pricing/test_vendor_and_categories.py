"""The vendor setting reaches every product written to Shopify; JOOR categories map to Shopify's
taxonomy (the shop's own lines first, then the built-in table)."""

from __future__ import annotations

import pytest

from joorsync.pricing.categories import taxonomy_for, valid_taxonomy_id
from joorsync.pricing.models import PricingSettings
from tests.sync.engine_support import make_world

pytestmark = pytest.mark.django_db

TOPS = [
    {
        "category_parent": "Women's",
        "subcategories": [{"subcategory_parent": "Apparel", "subcategory": [{"subcategory_label": "Tops"}]}],
    }
]


def test_the_vendor_setting_is_sent_on_create_and_on_update():
    world = make_world(styles=2)
    PricingSettings.objects.create(shop=world.shop, vendor="Maison Test")
    world.run()
    assert {p["vendor"] for p in world.shopify_products()} == {"Maison Test"}
    PricingSettings.objects.filter(shop=world.shop).update(vendor="Maison Two")
    style_id = min(world.joor_sandbox.catalog.styles)
    world.joor_sandbox.edit_style(style_id, {"style_name": "Renamed in JOOR"})
    world.run()
    renamed = [p for p in world.shopify_products() if p["title"] == "Renamed in JOOR"]
    assert [p["vendor"] for p in renamed] == ["Maison Two"]


def test_without_a_vendor_shopify_keeps_its_own():
    world = make_world(styles=1)
    world.run()
    assert all(p["vendor"] for p in world.shopify_products())  # Shopify's default: the shop's name


def test_categories_map_through_the_shops_lines_then_the_defaults():
    assert taxonomy_for(TOPS, mappings={}) == "gid://shopify/TaxonomyCategory/aa-1-13"
    own = {"women's > apparel > tops": "aa-1-13-1"}
    assert taxonomy_for(TOPS, mappings=own) == "gid://shopify/TaxonomyCategory/aa-1-13-1"
    assert taxonomy_for([{"category_parent": "Home", "subcategories": []}], mappings={}) is None
    assert valid_taxonomy_id("aa-1-13") and valid_taxonomy_id("gid://shopify/TaxonomyCategory/aa-8")
    assert not valid_taxonomy_id("tops") and not valid_taxonomy_id("aa-x")
