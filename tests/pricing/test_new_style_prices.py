"""A style made in JOOR from a Shopify product gets a price in every price type of the account
(Shopify price × the factor set for it), or is not made, saying which factor is missing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from joorsync.pricing.models import PriceTypeRoute
from joorsync.sync.models import ProductLink
from tests.sync.engine_support import make_world
from tests.sync.test_engine_shopify_to_joor import GRID_PRODUCT

pytestmark = pytest.mark.django_db


def _world():
    return make_world(
        styles=2,
        api_generation="v4",
        wholesale_factor="0.5",
        price_currency="USD",
        auth_url="http://joor.test/auth/",
        account_id="1001",
    )


def _mapped(world):
    """The price type the account's mapping names (no label: the first in the shop's currency)."""
    return next(t for t in world.joor_client().price_types_list() if t.currency_code == "USD")


def _others(world):
    mapped = _mapped(world)
    return [t for t in world.joor_client().price_types_list() if t.id != mapped.id]


def test_a_missing_factor_lists_the_product_naming_the_price_type():
    world = _world()
    others = _others(world)
    assert others
    first = others[0]
    PriceTypeRoute.objects.create(
        shop=world.shop, label=first.name, currency=first.currency_code, factor="0.6"
    )
    gid = world.shopify_sandbox.merchant_create_product(GRID_PRODUCT)
    _, result = world.run()
    assert result.counts.joor["created"] == 0
    link = ProductLink.objects.get(shop=world.shop, shopify_product_id=gid)
    assert link.status == ProductLink.Status.UNMATCHED_SHOPIFY
    missing = others[1:]
    assert "set a factor for" in link.note
    for pt in missing:
        assert f"{pt.name} ({pt.currency_code})" in link.note
    assert f"{first.name} ({first.currency_code})" not in link.note
    assert not any(
        s.fields.get("style_name") == "Linen Shirt" for s in world.joor_sandbox.catalog.styles.values()
    )


def test_with_every_factor_the_new_style_is_priced_in_every_price_type():
    world = _world()
    others = _others(world)
    for pt in others:
        PriceTypeRoute.objects.create(
            shop=world.shop, label=pt.name, currency=pt.currency_code, factor="0.75"
        )
    gid = world.shopify_sandbox.merchant_create_product(GRID_PRODUCT)
    _, result = world.run()
    assert result.counts.joor["created"] == 1, result.counts.as_dict()
    link = ProductLink.objects.get(shop=world.shop, shopify_product_id=gid)
    client = world.joor_client()
    skus = list(client.iter_skus(product_ids=[str(link.joor_style_id)]))
    assert len(skus) == 4
    prices = client.sku_prices_list(sku_ids=[s["id"] for s in skus])
    by_type: dict[str, set[Decimal]] = {}
    for p in prices:
        by_type.setdefault(p.price_type.id, set()).add(p.wholesale_value)
    types = client.price_types_list()
    assert set(by_type) == {t.id for t in types}
    mapped = _mapped(world)
    for t in types:
        expected = Decimal("40.00") if t.id == mapped.id else Decimal("60.00")  # 80 × 0.5 / 0.75
        assert by_type[t.id] == {expected}, t
