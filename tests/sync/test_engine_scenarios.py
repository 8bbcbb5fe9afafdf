"""The engine end to end through both sandboxes (real clients, real HTTP over WSGI)."""

import pytest

from joorsync.sync.models import Conflict, ProductLink
from tests.sync.engine_support import make_world

pytestmark = pytest.mark.django_db


def test_first_import_creates_one_product_per_style_with_exact_variants():
    world = make_world(styles=6)
    job, result = world.run()
    assert result.counts.shopify["created"] == 6, result.counts.as_dict()
    assert result.counts.errors == 0
    products = world.shopify_products()
    assert len(products) == 6
    links = {link.shopify_product_id: link for link in ProductLink.objects.filter(shop=world.shop)}
    assert set(links) == {p["id"] for p in products}
    for product in products:
        style = world.joor_sandbox.style(links[product["id"]].joor_style_id)
        expected = {(c["color_name"], s["size_name"]) for c in style["colors"] for s in style["sizes"]}
        got = {tuple(o["value"] for o in v["selectedOptions"]) for v in product["variants"]["nodes"]}
        assert len(got) == len(expected)
        upcs = {u["upc"] for u in style.get("upcs") or [] if u.get("upc")}
        barcodes = {v["barcode"] for v in product["variants"]["nodes"] if v["barcode"]}
        assert barcodes == upcs


def test_unchanged_resync_writes_nothing():
    world = make_world(styles=5)
    world.run()
    _, again = world.run()
    counts = again.counts
    assert counts.shopify["created"] == counts.shopify["updated"] == 0, counts.as_dict()
    assert counts.joor["updated"] == 0
    assert counts.shopify["unchanged"] == 5


def test_edits_flow_both_ways_and_a_double_edit_is_one_conflict():
    world = make_world(styles=4)
    world.run()
    link = ProductLink.objects.filter(shop=world.shop).order_by("joor_style_id").first()
    # JOOR edit reaches Shopify
    world.joor_sandbox.edit_style(link.joor_style_id, {"style_name": "Renamed in JOOR"})
    _, result = world.run()
    assert result.counts.shopify["updated"] == 1
    product = world.shopify_client().product(link.shopify_product_id)
    assert product["title"] == "Renamed in JOOR"
    # Shopify edit reaches JOOR
    world.shopify_sandbox.merchant_update_product(link.shopify_product_id, {"title": "Renamed in Shopify"})
    _, result = world.run()
    assert result.counts.joor["updated"] == 1
    assert world.joor_sandbox.style(link.joor_style_id)["style_name"] == "Renamed in Shopify"
    # both sides edit the same field: one conflict, neither side overwritten
    world.joor_sandbox.edit_style(link.joor_style_id, {"style_name": "J"})
    world.shopify_sandbox.merchant_update_product(link.shopify_product_id, {"title": "S"})
    _, result = world.run()
    assert result.counts.conflicts == 1
    conflict = Conflict.objects.get(link=link, status=Conflict.Status.OPEN)
    assert (conflict.field_path, conflict.shopify_value, conflict.joor_value) == ("title", "S", "J")
    assert world.shopify_client().product(link.shopify_product_id)["title"] == "S"
    assert world.joor_sandbox.style(link.joor_style_id)["style_name"] == "J"
    # held on the next run too: still one conflict
    _, result = world.run()
    assert Conflict.objects.filter(link=link, status=Conflict.Status.OPEN).count() == 1
