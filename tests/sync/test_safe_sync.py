"""The write gate's promises, each through both sandboxes: no blanking, no invented price or stock, no
silent overwrite on a new link, one bad product never fails the shop, every revert said aloud."""

from __future__ import annotations

import pytest

from joorsync.sync.conflicts import ConflictResolutionInvalid, conflict_resolve
from joorsync.sync.links import product_link_manual
from joorsync.sync.models import Conflict, ProductLink, ProductProblem, SyncEvent, SyncJob
from tests.sync.engine_support import make_world
from tests.sync.test_engine_shopify_to_joor import GRID_PRODUCT

pytestmark = pytest.mark.django_db


def _links(world):
    return list(ProductLink.objects.filter(shop=world.shop, status="linked").order_by("joor_style_id"))


def _variants(world, gid):
    return world.shopify_client().product(gid)["variants"]["nodes"]


def _stock(style):
    return {
        (u["sku_color_code"], u["sku_size"]): int(u.get("inventory_available") or 0) for u in style["upcs"]
    }


def _both_sides_edit(world, link, *, shopify, joor):
    world.joor_sandbox.edit_style(link.joor_style_id, joor)
    world.shopify_sandbox.merchant_update_product(link.shopify_product_id, shopify)


def _drop_queued(world):
    SyncJob.objects.filter(shop=world.shop, status="queued").delete()


# ------------------------------------------------------------------ blanking


def test_an_empty_use_this_value_is_refused_and_nothing_is_blanked():
    world = make_world(styles=2)
    world.run()
    link = _links(world)[0]
    _both_sides_edit(world, link, shopify={"descriptionHtml": "S text"}, joor={"style_description": "J text"})
    world.run()
    conflict = Conflict.objects.get(link=link, field_path="description", status="open")
    for empty in ("", "   "):
        with pytest.raises(ConflictResolutionInvalid):
            conflict_resolve(
                conflict=conflict, resolution=Conflict.Resolution.CUSTOM, value=empty, user="ops"
            )
    # Even a blank decision already stored (older data) is not written over a value.
    Conflict.objects.filter(pk=conflict.pk).update(
        status="resolved", resolution=Conflict.Resolution.CUSTOM, resolved_value="  "
    )
    world.run()
    assert world.shopify_client().product(link.shopify_product_id)["descriptionHtml"] == "S text"
    assert world.joor_sandbox.style(link.joor_style_id)["style_description"] == "J text"


def test_clear_this_field_empties_it_on_both_sides():
    world = make_world(styles=2)
    world.run()
    link = _links(world)[0]
    _both_sides_edit(world, link, shopify={"descriptionHtml": "S text"}, joor={"style_description": "J text"})
    world.run()
    conflict = Conflict.objects.get(link=link, field_path="description", status="open")
    conflict_resolve(conflict=conflict, resolution=Conflict.Resolution.CLEAR, user="ops")
    _drop_queued(world)
    world.run()
    assert world.shopify_client().product(link.shopify_product_id)["descriptionHtml"] in ("", None)
    assert not world.joor_sandbox.style(link.joor_style_id).get("style_description")


def test_a_description_emptied_on_one_side_is_held_for_a_person():
    world = make_world(styles=2)
    world.run()
    link = _links(world)[0]
    before = world.joor_sandbox.style(link.joor_style_id)["style_description"]
    assert before
    world.shopify_sandbox.merchant_update_product(link.shopify_product_id, {"descriptionHtml": ""})
    _, result = world.run()
    assert world.joor_sandbox.style(link.joor_style_id)["style_description"] == before
    conflict = Conflict.objects.get(link=link, field_path="description", status="open")
    assert (conflict.shopify_value, conflict.joor_value) == (None, before)
    assert result.counts.errors == 0


# ------------------------------------------------------------------ prices and status


def test_a_style_without_a_price_in_the_shops_currency_is_created_as_a_draft_with_a_reason():
    # "Test Style 1" has GBP and EUR prices and one USD label whose retail price is 0.00.
    world = make_world(styles=1, new_product_status="ACTIVE")
    _, result = world.run()
    assert result.counts.shopify["created"] == 1
    link = _links(world)[0]
    product = world.shopify_client().product(link.shopify_product_id)
    assert product["status"] == "DRAFT"
    assert all(v["price"] in ("0.00", "0.0", "0") for v in product["variants"]["nodes"])
    problem = ProductProblem.objects.get(link=link, status="open")
    assert problem.code == "no_price" and "USD" in problem.message
    # No EUR or GBP figure was taken for a USD price.
    assert not {"63.00", "68.50", "72.50", "145.00", "53.00"} & {
        v["price"] for v in product["variants"]["nodes"]
    }


def test_the_default_mapping_takes_a_set_price_in_the_shops_currency_and_new_products_start_as_drafts():
    world = make_world(styles=12, seed=3)
    world.run()
    for link in _links(world):
        style = world.joor_sandbox.style(link.joor_style_id)
        usd = sorted(
            (p["price_label"], p["price_retail"])
            for p in style["prices"]
            if p["price_currency"] == "USD" and float(p["price_retail"] or 0) > 0
        )
        product = world.shopify_client().product(link.shopify_product_id)
        packs = {s["size_name"] for s in style["sizes"] if (s.get("size_multiplier") or 1) > 1}
        prices = {
            v["price"]
            for v in product["variants"]["nodes"]
            if not {o["value"] for o in v["selectedOptions"]} & packs  # a casepack costs its units
        }
        assert product["status"] == "DRAFT"  # the account's default for new products
        if usd:
            assert prices == {f"{float(usd[0][1]):.2f}"}, (style["prices"], prices)
        else:
            assert ProductProblem.objects.filter(link=link, code="no_price", status="open").exists()


# ------------------------------------------------------------------ stock


def test_a_catalog_write_to_joor_never_changes_joor_stock():
    world = make_world(styles=4)
    world.run()
    link = next(x for x in _links(world) if any(_stock(world.joor_sandbox.style(x.joor_style_id)).values()))
    before = _stock(world.joor_sandbox.style(link.joor_style_id))
    world.shopify_sandbox.merchant_update_product(link.shopify_product_id, {"title": "Renamed in Shopify"})
    world.run()
    style = world.joor_sandbox.style(link.joor_style_id)
    assert style["style_name"] == "Renamed in Shopify"
    assert _stock(style) == before


def test_keep_shopify_on_a_conflict_keeps_joor_stock_and_joor_owned_stock_never_zeroes_shopify():
    world = make_world(styles=4, ownership={"inventory": "joor"})
    world.run()
    link = next(x for x in _links(world) if any(_stock(world.joor_sandbox.style(x.joor_style_id)).values()))
    joor_stock = _stock(world.joor_sandbox.style(link.joor_style_id))
    shopify_stock = {v["id"]: v["inventoryQuantity"] for v in _variants(world, link.shopify_product_id)}
    _both_sides_edit(world, link, shopify={"title": "S title"}, joor={"style_name": "J title"})
    world.run()
    conflict = Conflict.objects.get(link=link, field_path="title", status="open")
    conflict_resolve(conflict=conflict, resolution=Conflict.Resolution.KEEP_SHOPIFY, user="ops")
    _drop_queued(world)
    world.run()
    world.shopify_sandbox.merchant_update_product(link.shopify_product_id, {"title": "Renamed again"})
    world.run()
    world.run()
    assert world.joor_sandbox.style(link.joor_style_id)["style_name"] == "Renamed again"
    assert _stock(world.joor_sandbox.style(link.joor_style_id)) == joor_stock
    assert {
        v["id"]: v["inventoryQuantity"] for v in _variants(world, link.shopify_product_id)
    } == shopify_stock


# ------------------------------------------------------------------ linking


def test_a_manual_link_changes_neither_side_and_holds_every_difference():
    world = make_world(styles=2, direction="shopify-to-joor")
    gid = world.shopify_sandbox.merchant_create_product(GRID_PRODUCT)
    world.run()
    style_id = min(world.joor_sandbox.catalog.styles)
    style_before = world.joor_sandbox.style(style_id)
    product_before = world.shopify_client().product(gid)
    link = product_link_manual(shop=world.shop, shopify_product_id=gid, joor_style_id=style_id, user="ops")
    _drop_queued(world)
    world.run(kind="targeted", target={"link_id": link.pk})
    product = world.shopify_client().product(gid)
    assert product["title"] == product_before["title"]
    assert sorted((v["id"], v["price"]) for v in product["variants"]["nodes"]) == sorted(
        (v["id"], v["price"]) for v in product_before["variants"]["nodes"]
    )
    assert world.joor_sandbox.style(style_id)["style_name"] == style_before["style_name"]
    paths = set(Conflict.objects.filter(link=link, status="open").values_list("field_path", flat=True))
    assert "title" in paths and any(p.startswith("variants[") for p in paths)


def test_a_new_style_with_the_barcodes_of_an_unmatched_shopify_product_links_to_it():
    world = make_world(styles=1)
    style_id = min(world.joor_sandbox.catalog.styles)
    style = world.joor_sandbox.style(style_id)
    colors = {c["color_code"]: c["color_name"] for c in style["colors"]}
    variants = [
        {
            "optionValues": [
                {"optionName": "Color", "name": colors[u["sku_color_code"]]},
                {"optionName": "Size", "name": u["sku_size"]},
            ],
            "price": "10.00",
            "barcode": u["upc"],
        }
        for u in style["upcs"]
        if u.get("upc")
    ]
    gid = world.shopify_sandbox.merchant_create_product(
        {
            "title": "Same goods, made in Shopify",
            "productOptions": [
                {
                    "name": "Color",
                    "values": [
                        {"name": n} for n in dict.fromkeys(v["optionValues"][0]["name"] for v in variants)
                    ],
                },
                {
                    "name": "Size",
                    "values": [
                        {"name": n} for n in dict.fromkeys(v["optionValues"][1]["name"] for v in variants)
                    ],
                },
            ],
            "variants": variants,
        }
    )
    # A webhook run first lists it (no wholesale price to create a JOOR style from it).
    world.run(kind="targeted", target={"shopify_product_id": gid}, trigger="webhook")
    assert ProductLink.objects.get(shop=world.shop, shopify_product_id=gid).status in (
        "unmatched_shopify",
        "linked",
    )
    world.run()
    products = world.shopify_products()
    assert [p["id"] for p in products] == [gid]  # no second product with the same barcodes
    link = ProductLink.objects.get(shop=world.shop, shopify_product_id=gid)
    assert (link.status, link.joor_style_id) == ("linked", style_id)


def test_a_shopify_product_from_a_webhook_is_created_in_joor_and_drafts_wait_for_the_setting():
    world = make_world(styles=1, wholesale_factor="0.5", price_currency="USD")
    gid = world.shopify_sandbox.merchant_create_product(GRID_PRODUCT)
    world.run(kind="targeted", target={"shopify_product_id": gid}, trigger="webhook")
    link = ProductLink.objects.get(shop=world.shop, shopify_product_id=gid)
    assert link.status == "linked" and link.method == "created"
    assert world.joor_sandbox.style(link.joor_style_id)["style_name"] == "Linen Shirt"

    draft = world.shopify_sandbox.merchant_create_product(
        {**GRID_PRODUCT, "title": "Draft shirt", "status": "DRAFT"}
        | {"variants": [{**v, "barcode": None, "sku": "D-" + v["sku"]} for v in GRID_PRODUCT["variants"]]}
    )
    world.run(kind="targeted", target={"shopify_product_id": draft}, trigger="webhook")
    world.run()
    row = ProductLink.objects.get(shop=world.shop, shopify_product_id=draft)
    assert row.status == "unmatched_shopify" and "draft" in row.note
    styles = len(world.joor_sandbox.catalog.styles)
    world.account.sync_shopify_drafts = True
    world.account.save()
    world.run()
    assert len(world.joor_sandbox.catalog.styles) == styles + 1
    assert ProductLink.objects.get(shop=world.shop, shopify_product_id=draft).status == "linked"


def test_an_unmatched_product_is_reevaluated_when_it_can_be_created():
    world = make_world(styles=1, price_currency="USD")  # no wholesale factor: cannot create yet
    gid = world.shopify_sandbox.merchant_create_product(GRID_PRODUCT)
    world.run()
    row = ProductLink.objects.get(shop=world.shop, shopify_product_id=gid)
    assert row.status == "unmatched_shopify" and "wholesale" in row.note
    world.account.wholesale_factor = "0.5"
    world.account.save()
    world.run()
    assert ProductLink.objects.get(shop=world.shop, shopify_product_id=gid).status == "linked"


# ------------------------------------------------------------------ limits


def test_an_over_long_title_or_description_is_a_problem_of_one_product_and_the_shop_syncs_on():
    world = make_world(styles=3)
    world.run()
    bad, good = _links(world)[:2]
    world.shopify_sandbox.merchant_update_product(
        bad.shopify_product_id, {"title": "T" * 108, "descriptionHtml": "D" * 727}
    )
    world.shopify_sandbox.merchant_update_product(good.shopify_product_id, {"title": "Good rename"})
    for kind in ("full", "incremental"):
        _, result = world.run(kind=kind)
        assert world.joor_sandbox.style(good.joor_style_id)["style_name"] == "Good rename"
    problems = ProductProblem.objects.filter(link=bad, status="open", code="too_long")
    assert {p.field_path for p in problems} == {"title", "description"}
    assert world.joor_sandbox.style(bad.joor_style_id)["style_name"] != "T" * 108
    # Fixed in Shopify: written to JOOR and the problem is solved.
    world.shopify_sandbox.merchant_update_product(
        bad.shopify_product_id, {"title": "Short again", "descriptionHtml": "Short"}
    )
    world.run()
    assert world.joor_sandbox.style(bad.joor_style_id)["style_name"] == "Short again"
    assert not ProductProblem.objects.filter(link=bad, status="open", code="too_long").exists()


# ------------------------------------------------------------------ said aloud


def test_a_single_variant_price_edit_is_held_not_reverted():
    world = make_world(styles=6, seed=3, price_currency="USD", price_label="USD-1")
    world.run()
    link = next(
        link
        for link in _links(world)
        if len({v["price"] for v in _variants(world, link.shopify_product_id)} - {"0.00"}) == 1
    )
    variant = _variants(world, link.shopify_product_id)[0]
    world.shopify_sandbox.merchant_update_product(
        link.shopify_product_id, {"variants": [{"id": variant["id"], "price": "999.00"}]}
    )
    world.run()
    world.run()
    prices = {v["id"]: v["price"] for v in _variants(world, link.shopify_product_id)}
    assert prices[variant["id"]] == "999.00"  # not silently reverted
    conflict = Conflict.objects.get(link=link, status="open", field_path__endswith="].price")
    assert conflict.shopify_value == "999.00"


def test_an_edit_to_a_joor_owned_field_is_reverted_with_an_event():
    world = make_world(styles=2, ownership={"content": "joor"})
    world.run()
    link = _links(world)[0]
    name = world.joor_sandbox.style(link.joor_style_id)["style_name"]
    world.shopify_sandbox.merchant_update_product(link.shopify_product_id, {"title": "Shopify edit"})
    world.run()
    assert world.shopify_client().product(link.shopify_product_id)["title"] == name
    event = SyncEvent.objects.get(link=link, action="reverted_by_ownership")
    assert "Title" in event.message and "JOOR owns" in event.message


def test_a_variant_deleted_in_shopify_is_not_recreated_and_a_person_decides():
    world = make_world(styles=2, price_currency="GBP")  # "Test Style 1" has a GBP retail price
    world.run()
    link = _links(world)[0]
    variants = _variants(world, link.shopify_product_id)
    gone = variants[0]
    world.shopify_sandbox.merchant_delete_variant(link.shopify_product_id, gone["id"])
    world.run()
    world.run()
    assert len(_variants(world, link.shopify_product_id)) == len(variants) - 1
    conflict = Conflict.objects.get(link=link, status="open", field_path__regex=r"^variants\[[^\]]+\]$")
    assert conflict.shopify_value is None and conflict.joor_value
    assert SyncEvent.objects.filter(link=link, action="variant_one_side").exists()
    # Keep JOOR's: the variant comes back in Shopify.
    conflict_resolve(conflict=conflict, resolution=Conflict.Resolution.KEEP_JOOR, user="ops")
    _drop_queued(world)
    world.run()
    assert len(_variants(world, link.shopify_product_id)) == len(variants)


def test_keeping_a_shopify_variant_deletion_keeps_it_out_without_new_conflicts():
    world = make_world(styles=2)
    world.run()
    link = _links(world)[0]
    variants = _variants(world, link.shopify_product_id)
    world.shopify_sandbox.merchant_delete_variant(link.shopify_product_id, variants[0]["id"])
    world.run()
    conflict = Conflict.objects.get(link=link, status="open", field_path__regex=r"^variants\[[^\]]+\]$")
    conflict_resolve(conflict=conflict, resolution=Conflict.Resolution.KEEP_SHOPIFY, user="ops")
    _drop_queued(world)
    world.run()
    world.run()
    assert len(_variants(world, link.shopify_product_id)) == len(variants) - 1
    assert not Conflict.objects.filter(link=link, status="open").exists()


def test_a_colour_removed_in_joor_is_held_and_removed_in_shopify_once_a_person_agrees():
    world = make_world(styles=2)
    world.run()
    link = _links(world)[0]
    style = world.joor_sandbox.style(link.joor_style_id)
    assert len(style["colors"]) > 1
    dropped = style["colors"][-1]["color_code"]
    world.joor_sandbox.edit_style(link.joor_style_id, {"colors": style["colors"][:-1]})
    before = len(_variants(world, link.shopify_product_id))
    world.run()
    assert len(_variants(world, link.shopify_product_id)) == before  # not deleted silently
    held = list(
        Conflict.objects.filter(link=link, status="open", field_path__startswith=f"variants[{dropped}/")
    )
    assert held and all(c.joor_value is None and c.shopify_value for c in held)
    for conflict in held:
        conflict_resolve(conflict=conflict, resolution=Conflict.Resolution.KEEP_JOOR, user="ops")
    _drop_queued(world)
    world.run()
    assert len(_variants(world, link.shopify_product_id)) == before - len(held)
    assert not Conflict.objects.filter(link=link, status="open").exists()


def test_an_open_conflict_follows_later_edits_so_keep_shopify_keeps_the_latest_value():
    world = make_world(styles=2)
    world.run()
    link = _links(world)[0]
    _both_sides_edit(world, link, shopify={"title": "S1"}, joor={"style_name": "J1"})
    world.run()
    world.shopify_sandbox.merchant_update_product(link.shopify_product_id, {"title": "S2"})
    world.run()
    conflict = Conflict.objects.get(link=link, field_path="title", status="open")
    assert (conflict.shopify_value, conflict.joor_value) == ("S2", "J1")
    conflict_resolve(conflict=conflict, resolution=Conflict.Resolution.KEEP_SHOPIFY, user="ops")
    _drop_queued(world)
    world.run()
    assert world.joor_sandbox.style(link.joor_style_id)["style_name"] == "S2"
    assert world.shopify_client().product(link.shopify_product_id)["title"] == "S2"


def test_a_variant_joor_adds_without_a_price_is_not_added_to_shopify_and_is_listed():
    world = make_world(styles=2)  # "Test Style 1" has no USD retail price
    world.run()
    link = _links(world)[0]
    style = world.joor_sandbox.style(link.joor_style_id)
    before = len(_variants(world, link.shopify_product_id))
    world.joor_sandbox.edit_style(link.joor_style_id, {"sizes": [*style["sizes"], {"size_name": "48"}]})
    world.run()
    assert len(_variants(world, link.shopify_product_id)) == before  # no variant at an invented 0.00
    problems = ProductProblem.objects.filter(
        link=link, status="open", code="no_price", field_path__endswith="/48]"
    )
    assert problems.count() == len(style["colors"])  # one per colour of the new size
    assert all("not added to Shopify without a price" in p.message for p in problems)


def test_crossing_two_links_by_hand_never_overwrites_a_product_or_a_style():
    world = make_world(styles=3)
    world.run()
    first, second = _links(world)[:2]
    product_a, product_b = first.shopify_product_id, second.shopify_product_id
    title_b = world.shopify_client().product(product_b)["title"]
    name_first = world.joor_sandbox.style(first.joor_style_id)["style_name"]
    from joorsync.sync.links import product_link_unlink

    product_link_unlink(link=first, user="ops")
    product_link_unlink(link=second, user="ops")
    product_link_manual(
        shop=world.shop, shopify_product_id=product_b, joor_style_id=first.joor_style_id, user="ops"
    )
    _drop_queued(world)
    products = len(world.shopify_products())
    styles = len(world.joor_sandbox.catalog.styles)
    _, result = world.run()
    world.run()
    assert result.counts.errors == 0
    assert len(world.shopify_products()) == products  # no product created over B's handle, none twice
    assert len(world.joor_sandbox.catalog.styles) == styles  # A names style 1: no style written over it
    assert world.shopify_client().product(product_b)["title"] == title_b  # new link: differences held
    assert world.joor_sandbox.style(first.joor_style_id)["style_name"] == name_first
    orphan = ProductLink.objects.get(shop=world.shop, shopify_product_id=product_a)
    assert orphan.status == "unmatched_shopify" and "link it by hand" in orphan.note
