"""Products that exist only in Shopify: created in JOOR (v2 and v4) when JOOR can take them."""

import pytest

from joorsync.sync.models import ProductLink
from tests.sync.engine_support import make_world

pytestmark = pytest.mark.django_db

GRID_PRODUCT = {
    "title": "Linen Shirt",
    "descriptionHtml": "A shirt made in Shopify",
    "productType": "Shirts",
    "productOptions": [
        {"name": "Color", "values": [{"name": "Sand"}, {"name": "Navy"}]},
        {"name": "Size", "values": [{"name": "S"}, {"name": "M"}]},
    ],
    "variants": [
        {
            "optionValues": [{"optionName": "Color", "name": c}, {"optionName": "Size", "name": z}],
            "price": "80.00",
            "sku": f"LS-{c}-{z}",
            "barcode": b,
        }
        for (c, z, b) in [
            ("Sand", "S", "0000000000017"),
            ("Sand", "M", "0000000000024"),
            ("Navy", "S", "0000000000031"),
            ("Navy", "M", "0000000000048"),
        ]
    ],
}


@pytest.mark.parametrize("generation", ["v2", "v4"])
def test_a_shopify_only_product_becomes_a_joor_style_and_then_stays_in_step(generation):
    extra = {"api_generation": generation, "wholesale_factor": "0.5", "price_currency": "USD"}
    if generation == "v4":
        extra.update({"auth_url": "http://joor.test/auth/", "account_id": "1001"})
    world = make_world(styles=2, **extra)
    gid = world.shopify_sandbox.merchant_create_product(GRID_PRODUCT)
    _, first = world.run()
    assert first.counts.joor["created"] == 1, first.counts.as_dict()
    link = ProductLink.objects.get(shop=world.shop, shopify_product_id=gid)
    assert link.status == ProductLink.Status.LINKED and link.joor_style_id
    style = world.joor_sandbox.style(link.joor_style_id)
    assert style["style_name"] == "Linen Shirt"
    assert {c["color_name"] for c in style["colors"]} == {"Sand", "Navy"}
    assert {s["size_name"] for s in style["sizes"]} == {"S", "M"}
    assert {u["upc"] for u in style["upcs"] if u.get("upc")} == {
        "0000000000017",
        "0000000000024",
        "0000000000031",
        "0000000000048",
    }
    [price] = [p for p in style["prices"] if p["price_currency"] == "USD"]
    assert float(price["price_wholesale"]) == 40.0
    world.run()  # JOOR-only fields (price list, colours…) reach Shopify's joor.* metafields once
    _, settled = world.run()
    assert settled.counts.shopify["updated"] == settled.counts.joor["updated"] == 0, settled.counts.as_dict()
    assert settled.counts.joor["created"] == 0


def test_without_a_wholesale_price_the_product_is_listed_not_invented():
    world = make_world(styles=2)
    gid = world.shopify_sandbox.merchant_create_product(GRID_PRODUCT)
    _, result = world.run()
    assert result.counts.joor["created"] == 0
    link = ProductLink.objects.get(shop=world.shop, shopify_product_id=gid)
    assert link.status == ProductLink.Status.UNMATCHED_SHOPIFY
    assert "wholesale" in link.note


def test_direction_joor_to_shopify_never_creates_in_joor():
    world = make_world(styles=2, direction="joor-to-shopify", wholesale_factor="0.5")
    gid = world.shopify_sandbox.merchant_create_product(GRID_PRODUCT)
    _, result = world.run()
    assert result.counts.joor["created"] == 0
    assert ProductLink.objects.get(shop=world.shop, shopify_product_id=gid).status == "unmatched_shopify"
