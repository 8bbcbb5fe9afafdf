"""The engine end to end through both sandboxes (real clients, real HTTP over WSGI)."""

import json

import pytest

from joorsync.joor.records import style_to_dict
from joorsync.joor.wire import parse_styles_page
from joorsync.sync.engine import price_mapping_for
from joorsync.sync.joor_mapping import canonical_to_style_fields
from joorsync.sync.models import Conflict, ProductLink
from joorsync.sync.shopify_mapping import product_to_canonical
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


def _first_link(world):
    return ProductLink.objects.filter(shop=world.shop).order_by("joor_style_id").first()


@pytest.mark.parametrize(
    ("resolution", "expected"),
    [("keep_shopify", "S"), ("keep_joor", "J"), ("custom", "Typed by a person")],
)
def test_each_resolution_is_written_to_both_sides(resolution, expected):
    world = make_world(styles=2)
    world.run()
    link = _first_link(world)
    world.joor_sandbox.edit_style(link.joor_style_id, {"style_name": "J"})
    world.shopify_sandbox.merchant_update_product(link.shopify_product_id, {"title": "S"})
    world.run()
    conflict = Conflict.objects.get(link=link, status=Conflict.Status.OPEN)
    value = {"keep_shopify": conflict.shopify_value, "keep_joor": conflict.joor_value}.get(
        resolution, expected
    )
    Conflict.objects.filter(pk=conflict.pk).update(
        status=Conflict.Status.RESOLVED, resolution=resolution, resolved_value=value, resolved_by="tester"
    )
    world.run(kind="targeted", target={"link_id": link.pk})
    assert world.shopify_client().product(link.shopify_product_id)["title"] == expected
    assert world.joor_sandbox.style(link.joor_style_id)["style_name"] == expected
    conflict.refresh_from_db()
    assert conflict.applied_at is not None
    _, again = world.run()
    assert again.counts.conflicts == 0
    assert again.counts.shopify["updated"] == again.counts.joor["updated"] == 0


def test_ownership_rule_decides_without_a_conflict():
    world = make_world(styles=2, ownership={"content": "joor"})
    world.run()
    link = _first_link(world)
    world.joor_sandbox.edit_style(link.joor_style_id, {"style_name": "J wins"})
    world.shopify_sandbox.merchant_update_product(link.shopify_product_id, {"title": "S loses"})
    _, result = world.run()
    assert result.counts.conflicts == 0
    assert world.shopify_client().product(link.shopify_product_id)["title"] == "J wins"
    assert not Conflict.objects.filter(link=link).exists()


def test_shopify_stock_reaches_joor_through_bulk_inventory():
    world = make_world(styles=2)
    world.run()
    link = _first_link(world)
    variant = link.variant_links.exclude(upc="").exclude(shopify_inventory_item_id="").first()
    assert variant is not None, "variant links carry the Shopify inventory item after the first run"
    location = world.shopify_client().locations()[0].id
    world.shopify_sandbox.merchant_set_inventory(variant.shopify_inventory_item_id, location, 17)
    _, result = world.run()
    assert result.counts.joor["updated"] >= 1
    rows = world.joor_sandbox.style(link.joor_style_id)["upcs"]
    row = next(r for r in rows if r["sku_color_code"] == variant.color_code and r["sku_size"] == variant.size)
    assert row["inventory_available"] == 17


def test_one_stock_change_leaves_every_other_joor_sku_as_it_was():
    """JOOR's `overwrite=1` replaces the account's whole inventory: the engine must never send it."""
    world = make_world(styles=5)
    world.run()

    def stock() -> dict[str, int]:
        return {
            row["upc"]: row["inventory_available"]
            for style in world.joor_sandbox.catalog.styles.values()
            for row in world.joor_sandbox.style(style.style_id)["upcs"]
            if row.get("upc")
        }

    before = stock()
    link = _first_link(world)
    variant = link.variant_links.exclude(upc="").exclude(shopify_inventory_item_id="").first()
    location = world.shopify_client().locations()[0].id
    world.shopify_sandbox.merchant_set_inventory(variant.shopify_inventory_item_id, location, 17)
    world.run()
    after = stock()
    assert after[variant.upc] == 17
    changed = {upc for upc in before if after[upc] != before[upc]}
    assert changed <= {variant.upc}, f"other SKUs changed: {sorted(changed - {variant.upc})[:5]}"
    assert any(before[upc] for upc in before if upc != variant.upc), "the check needs SKUs holding stock"


def test_dry_run_plans_without_writing():
    world = make_world(styles=3)
    job, result = world.run(dry_run=True)
    assert result.counts.shopify["created"] == 3
    assert world.shopify_products() == []
    assert not ProductLink.objects.filter(shop=world.shop).exists()
    assert len(result.preview) == 3


def test_round_trip_through_shopify_storage_loses_no_joor_field():
    world = make_world(styles=8)
    world.run()
    mapping = price_mapping_for(world.account)
    for link in ProductLink.objects.filter(shop=world.shop):
        node = world.shopify_client().product(link.shopify_product_id)
        back = canonical_to_style_fields(product_to_canonical(node), prices=mapping)
        raw = world.joor_sandbox.style(link.joor_style_id)
        [style] = parse_styles_page(json.dumps({"styles": [raw]}, default=str).encode(), fmt="json").styles
        original = {k: v for k, v in style_to_dict(style).items() if v not in (None, []) and k != "style_id"}
        back_plain = json.loads(json.dumps(back, default=str))
        for key, value in original.items():
            if key in ("upcs", "prices"):
                continue  # compared below: order-free, money as numbers
            assert back_plain.get(key) == value, (link.style_number, key)
        assert sorted(u["upc"] for u in back_plain["upcs"]) == sorted(
            u["upc"] for u in original["upcs"] if u["upc"]
        )
        assert {(p["price_label"], p["price_currency"]) for p in back_plain["prices"]} == {
            (p["price_label"], p["price_currency"]) for p in original["prices"]
        }


def test_a_style_joor_sends_unreadable_is_reported_not_taken_for_deleted():
    world = make_world(styles=3)
    world.run()
    link = _first_link(world)
    # A brand user blanks a required field in JOOR: the style comes back, but cannot be read.
    world.joor_sandbox.catalog.styles[link.joor_style_id].fields["style_name"] = ""
    _, result = world.run()
    assert result.counts.errors == 1
    link.refresh_from_db()
    assert link.status == ProductLink.Status.LINKED
    assert result.counts.joor["deleted"] == 0


def test_a_style_gone_from_joor_is_flagged_and_shopify_is_left_alone():
    world = make_world(styles=3)
    world.run()
    link = _first_link(world)
    del world.joor_sandbox.catalog.styles[link.joor_style_id]
    _, result = world.run()
    link.refresh_from_db()
    assert link.status == ProductLink.Status.DELETED_JOOR
    assert result.counts.joor["deleted"] == 1
    assert world.shopify_client().product(link.shopify_product_id)["status"] == "DRAFT"  # as created


def test_a_webhook_for_our_own_write_costs_no_joor_credit_but_a_real_edit_goes_through():
    world = make_world(styles=2)
    world.run()
    link = _first_link(world)
    target = {"shopify_product_id": link.shopify_product_id}
    _, echo = world.run(kind="targeted", target=target, trigger="webhook")
    assert echo.api["joor_requests"] == 0
    world.shopify_sandbox.merchant_update_product(
        link.shopify_product_id, {"title": "Edited by the merchant"}
    )
    _, edit = world.run(kind="targeted", target=target, trigger="webhook")
    assert edit.counts.joor["updated"] == 1
    assert world.joor_sandbox.style(link.joor_style_id)["style_name"] == "Edited by the merchant"
