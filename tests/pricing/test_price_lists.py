"""JOOR price types routed to Shopify price lists, through both sandboxes and the real engine."""

from __future__ import annotations

from decimal import Decimal

import pytest

from joorsync.pricing.models import PriceTypeRoute
from joorsync.pricing.price_list_records import MISSING
from joorsync.sync.models import ProductLink, ProductProblem, SyncEvent, VariantLink
from shopify_app.admin import pricing as api
from tests.sync.engine_support import make_world

pytestmark = pytest.mark.django_db

NAME = "JOOR EUR-1 (EUR)"


def _world(label: str = "EUR-1", currency: str = "EUR", amount: str = "wholesale"):
    world = make_world(styles=2, api_generation="v4")
    PriceTypeRoute.objects.create(
        shop=world.shop, label=label, currency=currency, destination="price_list", amount=amount
    )
    return world


def _joor_prices(world, label: str, currency: str, field: str = "wholesale_value") -> dict[str, Decimal]:
    """Shopify variant gid → the JOOR SKU price of that type (× the casepack units)."""
    client = world.joor_client()
    out = {}
    for link in ProductLink.objects.filter(shop=world.shop, status="linked"):
        skus = list(client.iter_skus(product_ids=[str(link.joor_style_id)]))
        units = {
            s["size_name"]: s.get("size_multiplier") or 1
            for s in world.joor_sandbox.style(link.joor_style_id)["sizes"]
        }
        combos = {}
        for sku in skus:
            values = {v["trait"]["name"]: v for v in sku["trait_values"]}
            combos[sku["id"]] = (
                values["Color"].get("external_id") or values["Color"]["value"],
                values["Size"]["value"],
            )
        for p in client.sku_prices_list(sku_ids=list(combos)):
            if p.price_type.name != label or p.price_type.currency_code != currency:
                continue
            color, size = combos[p.sku_id]
            v = VariantLink.objects.get(product_link=link, color_code=color, size=size)
            gid = v.shopify_variant_id
            gid = gid if gid.startswith("gid://") else f"gid://shopify/ProductVariant/{gid}"
            out[gid] = (Decimal(str(getattr(p, field))) * units[size]).quantize(Decimal("0.01"))
    return out


def _list(world, name: str = NAME):
    found = [p for p in api.price_lists(world.shopify_client()) if p.name == name]
    return found


def _fixed(world, price_list_id: str) -> dict[str, Decimal]:
    return {
        p.variant_id: p.amount
        for p in api.price_list_prices(
            world.shopify_client(), price_list_id=price_list_id, origin_type="FIXED"
        )
    }


def _price_changes(world) -> list[dict]:
    rows = []
    for event in SyncEvent.objects.filter(shop=world.shop, action="updated"):
        rows += [c for c in (event.details or {}).get("changes", []) if c["path"].startswith("price_list[")]
    return rows


def test_routing_a_price_type_makes_one_list_once_with_every_variants_sku_price():
    world = _world()
    for _ in range(3):
        _, result = world.run()
        assert result.counts.errors == 0, result.counts.as_dict()
    lists = _list(world)
    assert len(lists) == 1 and lists[0].currency == "EUR"
    assert PriceTypeRoute.objects.get(shop=world.shop, label="EUR-1").price_list_id == lists[0].id
    wanted = _joor_prices(world, "EUR-1", "EUR")
    assert len(wanted) >= 8
    assert _fixed(world, lists[0].id) == wanted
    # Written once: the re-syncs found every price in place.
    assert len(_price_changes(world)) == len(wanted)
    assert all(c["old"] is None and c["by"] == "merge" for c in _price_changes(world))


def test_a_joor_price_change_rewrites_only_that_fixed_price():
    world = _world()
    world.run()
    client = world.joor_client()
    link = ProductLink.objects.filter(shop=world.shop, status="linked").order_by("pk").first()
    sku = next(iter(client.iter_skus(product_ids=[str(link.joor_style_id)])))
    eur1 = next(t for t in client.price_types_list() if t.name == "EUR-1")
    client.upsert_prices([{"sku_id": sku["id"], "price_type_id": eur1.id, "wholesale_value": "123.45"}])
    before = len(_price_changes(world))
    _, result = world.run()
    assert result.counts.errors == 0
    changes = _price_changes(world)[before:]
    assert len(changes) == 1
    assert changes[0]["new"].endswith(".45") and changes[0]["old"] != changes[0]["new"]
    assert _fixed(world, _list(world)[0].id) == _joor_prices(world, "EUR-1", "EUR")


def test_a_missing_price_is_a_problem_not_a_zero():
    # EXPORT-CN has no retail amount in JOOR (0.00): nothing is priced, each product is told.
    world = _world(label="EXPORT-CN", amount="retail")
    _, result = world.run()
    assert result.counts.errors == 0
    lists = _list(world, "JOOR EXPORT-CN (EUR)")
    assert len(lists) == 1 and _fixed(world, lists[0].id) == {}
    problems = ProductProblem.objects.filter(shop=world.shop, code=MISSING, status="open")
    assert problems.count() == ProductLink.objects.filter(shop=world.shop, status="linked").count()
    assert "EXPORT-CN (EUR)" in problems.first().message


def test_unrouting_deletes_the_lists_fixed_prices_and_records_it():
    world = _world()
    world.run()
    list_id = _list(world)[0].id
    count = len(_fixed(world, list_id))
    assert count >= 8
    PriceTypeRoute.objects.filter(shop=world.shop).update(destination="none")
    world.run()
    assert _fixed(world, list_id) == {}
    deleted = [c for c in _price_changes(world) if c["new"] is None]
    assert len(deleted) == count and all(c["by"] == "ownership" for c in deleted)
    assert PriceTypeRoute.objects.get(shop=world.shop).price_list_id == list_id  # never made twice


def test_a_dry_run_counts_and_writes_nothing():
    world = _world()
    world.run(dry_run=True)
    assert _list(world) == []
    summary = SyncEvent.objects.filter(shop=world.shop, action="price_lists_summary").last()
    assert summary is not None and summary.details["price_lists_created"] == 1


def test_a_price_list_path_reads_as_the_merchant_calls_it():
    from joorsync.sync.ui.labels import field_label

    assert (
        field_label("price_list[USD-1].variants[C1/36]", {"C1/36": "Blue"}) == "Price list USD-1 — Blue / 36"
    )
