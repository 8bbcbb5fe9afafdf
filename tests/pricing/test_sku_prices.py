"""Each variant gets its own SKU's price (JOOR v4), through both sandboxes and the real engine."""

from __future__ import annotations

from decimal import Decimal

import pytest

from joorsync.pricing.models import PricingSettings
from joorsync.sync.models import ProductLink
from tests.sync.engine_support import make_world

pytestmark = pytest.mark.django_db


def _priced_world(**fields):
    world = make_world(styles=2, api_generation="v4", **fields)
    style_id = min(world.joor_sandbox.catalog.styles)
    price = world.joor_sandbox.style(style_id)["prices"][0]
    world.account.price_label = price["price_label"]
    world.account.price_currency = price["price_currency"]
    world.account.price_field = "price_wholesale"
    world.account.save()
    return world, style_id, price


def _set_sku_prices(world, style_id: int, label: str, currency: str, first: str, rest: str) -> dict:
    client = world.joor_client()
    skus = list(client.iter_skus(product_ids=[str(style_id)]))
    types = [t for t in client.price_types_list() if t.name == label and t.currency_code == currency]
    items = [
        {
            "sku_id": sku["id"],
            "price_type_id": types[0].id,
            "wholesale_value": first if index == 0 else rest,
        }
        for index, sku in enumerate(skus)
    ]
    client.upsert_prices(items).raise_for_failures()
    colors = {}
    for sku in skus:
        values = {v["trait"]["name"]: v for v in sku["trait_values"]}
        colors[sku["id"]] = (values["Color"]["value"], values["Size"]["value"])
    return {colors[item["sku_id"]]: item["wholesale_value"] for item in items}


def _as_shopify_shows(world, style_id: int, joor: dict) -> dict:
    """JOOR's per-unit SKU prices as Shopify shows them: a casepack size costs its units × the unit."""
    units = {
        s["size_name"]: s.get("size_multiplier") or 1 for s in world.joor_sandbox.style(style_id)["sizes"]
    }
    return {key: f"{Decimal(value) * units[key[1]]:.2f}" for key, value in joor.items()}


def _variant_prices(world, product_id: str) -> dict[tuple[str, str], str]:
    product = world.shopify_client().product(product_id)
    out = {}
    for v in product["variants"]["nodes"]:
        options = {o["name"]: o["value"] for o in v["selectedOptions"]}
        out[(options["Color"], options["Size"])] = f"{Decimal(v['price']):.2f}"
    return out


def test_each_variant_takes_its_own_sku_price_not_the_first_skus():
    world, style_id, price = _priced_world()
    wanted = _set_sku_prices(
        world, style_id, price["price_label"], price["price_currency"], "240.00", "200.00"
    )
    assert sorted(wanted.values()).count("240.00") == 1 and len(wanted) >= 4
    # JOOR's v2 style shows the first SKU's price for the whole style: the flattening being fixed.
    assert Decimal(str(world.joor_sandbox.style(style_id)["prices"][0]["price_wholesale"])) == Decimal("240")
    _, result = world.run()
    assert result.counts.errors == 0, result.counts.as_dict()
    link = ProductLink.objects.get(shop=world.shop, joor_style_id=style_id)
    got = _variant_prices(world, link.shopify_product_id)
    shown = {key: got[key] for key in wanted if key in got}
    assert shown == _as_shopify_shows(world, style_id, wanted)
    assert any(key[1] == "C11" for key in shown)  # the seed's casepack size: 5 units × 200.00
    # A re-sync writes nothing: the per-SKU prices are the agreement.
    _, again = world.run()
    assert again.counts.shopify["updated"] == 0 and again.counts.joor["updated"] == 0, again.counts.as_dict()


def test_a_shopify_price_edit_reaches_only_that_sku_and_a_style_write_keeps_the_others():
    world, style_id, price = _priced_world()
    wanted = _set_sku_prices(
        world, style_id, price["price_label"], price["price_currency"], "240.00", "200.00"
    )
    world.run()
    link = ProductLink.objects.get(shop=world.shop, joor_style_id=style_id)
    product = world.shopify_client().product(link.shopify_product_id)
    cheap = next(v for v in product["variants"]["nodes"] if f"{Decimal(v['price']):.2f}" == "200.00")
    options = {o["name"]: o["value"] for o in cheap["selectedOptions"]}
    world.shopify_sandbox.merchant_update_product(
        link.shopify_product_id,
        {"title": "Renamed in Shopify", "variants": [{"id": cheap["id"], "price": "215.00"}]},
    )
    _, result = world.run()
    assert result.counts.errors == 0, result.counts.as_dict()
    client = world.joor_client()
    skus = list(client.iter_skus(product_ids=[str(style_id)]))
    by_combo = {}
    for sku in skus:
        values = {v["trait"]["name"]: v["value"] for v in sku["trait_values"]}
        by_combo[sku["id"]] = (values["Color"], values["Size"])
    now = {
        by_combo[p.sku_id]: f"{p.wholesale_value:.2f}"
        for p in client.sku_prices_list(sku_ids=list(by_combo))
        if p.price_type.name == price["price_label"] and p.price_type.currency_code == price["price_currency"]
    }
    expected = dict(wanted)
    expected[(options["Color"], options["Size"])] = "215.00"
    assert now == expected
    assert world.joor_sandbox.style(style_id)["style_name"] == "Renamed in Shopify"


def test_without_sku_prices_the_style_price_is_used_for_every_variant():
    world, style_id, price = _priced_world()
    PricingSettings.objects.create(shop=world.shop, sku_prices=False)
    wanted = _set_sku_prices(
        world, style_id, price["price_label"], price["price_currency"], "240.00", "200.00"
    )
    world.run()
    link = ProductLink.objects.get(shop=world.shop, joor_style_id=style_id)
    got = _variant_prices(world, link.shopify_product_id)
    flat = _as_shopify_shows(world, style_id, dict.fromkeys(wanted, "240.00"))
    assert {key: got[key] for key in wanted if key in got} == flat
