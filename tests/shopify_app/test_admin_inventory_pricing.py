"""The Admin client's stock-across-locations and wholesale-pricing calls against the Shopify sandbox.

In process (`httpx.WSGITransport`), through the real client, so the `.graphql` documents, the typed
results and the sandbox's answers are exercised together.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from shopify_app.admin import inventory, pricing
from shopify_app.admin.client import AdminClient
from shopify_app.sandbox.app import SandboxConfig, ShopifySandbox
from shopify_app.sandbox.locations import location_add
from tests.shopify_app.admin_scaffolding import SHOP, TOKEN, FakeClock
from tests.shopify_app.sandbox.conftest import Gql


@pytest.fixture
def sandbox() -> Iterator[ShopifySandbox]:
    config = SandboxConfig(
        static_tokens={SHOP: TOKEN},
        products=3,
        deliver_webhooks="off",
        rate_limit="off",
        plus_shops=(SHOP,),
    )
    sandbox = ShopifySandbox(config)
    yield sandbox
    sandbox.close()


@pytest.fixture
def client(sandbox: ShopifySandbox) -> Iterator[AdminClient]:
    clock = FakeClock()
    client = AdminClient(
        shop=SHOP,
        access_token=TOKEN,
        admin_base_url="http://sandbox.test",
        transport=httpx.WSGITransport(app=sandbox),
        sleep=clock.sleep,
        clock=clock,
    )
    yield client
    client.close()


def _first_variant(sandbox: ShopifySandbox) -> Any:
    return next(iter(sandbox.shop().variants()))


def _gid(kind: str, number: int) -> str:
    return f"gid://shopify/{kind}/{number}"


# ----- stock ---------------------------------------------------------------------------------------
def test_locations_and_the_default_location(client: AdminClient, sandbox: ShopifySandbox) -> None:
    locations = inventory.locations_all(client)
    assert [loc.name for loc in locations] == ["Flagship store", "Main warehouse"]
    default = inventory.location_default(locations)
    assert default is not None and default.name == "Main warehouse" and default.is_primary


def test_variant_stock_across_locations_adds_up(client: AdminClient, sandbox: ShopifySandbox) -> None:
    variants = list(sandbox.shop().variants())[:4]
    stock = inventory.variant_stock(client, variant_ids=[_gid("ProductVariant", v.id) for v in variants])
    assert len(stock) == 4
    for entry in stock.values():
        assert len(entry.levels) == 2
        assert entry.inventory_quantity == sum(level.available for level in entry.levels)
        assert all(set(level.quantities) >= {"available", "on_hand", "committed"} for level in entry.levels)


def test_unstocked_location_is_refused_until_the_item_is_activated(
    client: AdminClient, sandbox: ShopifySandbox
) -> None:
    state = sandbox.shop()
    with sandbox.lock:
        annex, errors = location_add(state, {"name": "Annex", "address": {"countryCode": "US"}})
    assert errors == [] and annex is not None
    variant = _first_variant(sandbox)
    item, annex_gid = _gid("InventoryItem", variant.inventory_item_id), _gid("Location", annex.id)
    quantity = {"inventoryItemId": item, "locationId": annex_gid, "quantity": 4, "changeFromQuantity": 0}
    refused = client.inventory_set_quantities([quantity], idempotency_key="annex-1")
    assert [e.code for e in refused.user_errors] == ["ITEM_NOT_STOCKED_AT_LOCATION"]

    activated = inventory.inventory_activate(
        client, inventory_item_id=item, location_id=annex_gid, available=0, idempotency_key="activate-annex"
    )
    assert activated.ok and activated.level is not None and activated.level.location_id == annex_gid
    applied = client.inventory_set_quantities([quantity], idempotency_key="annex-2")
    assert applied.ok
    stock = inventory.variant_stock(client, variant_ids=[_gid("ProductVariant", variant.id)])
    level = stock[_gid("ProductVariant", variant.id)].level_at(annex_gid)
    assert level is not None and level.available == 4


def test_adjust_checks_the_expected_quantity_and_applies_once_per_key(
    client: AdminClient, sandbox: ShopifySandbox
) -> None:
    variant = _first_variant(sandbox)
    location = sandbox.shop().primary_location()
    level = sandbox.shop().level(variant.inventory_item_id, location.id, create=False)
    assert level is not None
    before = level.available
    change = {
        "inventoryItemId": _gid("InventoryItem", variant.inventory_item_id),
        "locationId": _gid("Location", location.id),
        "delta": 3,
        "changeFromQuantity": before,
    }
    first = inventory.inventory_adjust(client, changes=[change], idempotency_key="adjust-1")
    again = inventory.inventory_adjust(client, changes=[change], idempotency_key="adjust-1")
    assert first.ok and again.ok
    assert again.adjustment_group == first.adjustment_group
    assert level.available == before + 3  # sent twice, applied once
    stale = inventory.inventory_adjust(client, changes=[change], idempotency_key="adjust-2")
    assert [e.code for e in stale.user_errors] == ["CHANGE_FROM_QUANTITY_STALE"]
    assert level.available == before + 3
    with pytest.raises(ValueError, match="changeFromQuantity"):
        inventory.inventory_adjust(client, changes=[{"delta": 1}], idempotency_key="adjust-3")


def test_deactivated_level_leaves_the_total(client: AdminClient, sandbox: ShopifySandbox) -> None:
    variant = _first_variant(sandbox)
    variant_gid = _gid("ProductVariant", variant.id)
    before = inventory.variant_stock(client, variant_ids=[variant_gid])[variant_gid]
    flagship = next(level for level in before.levels if level.location_name == "Flagship store")
    assert inventory.inventory_deactivate(client, inventory_level_id=flagship.id).ok
    after = inventory.variant_stock(client, variant_ids=[variant_gid])[variant_gid]
    assert [level.location_name for level in after.levels] == ["Main warehouse"]
    assert after.inventory_quantity == before.inventory_quantity - flagship.available
    last = inventory.inventory_deactivate(client, inventory_level_id=after.levels[0].id)
    assert not last.ok and "minimum of 1 location" in last.user_errors[0].message


def test_made_to_order_variants_sell_without_stock(client: AdminClient, sandbox: ShopifySandbox) -> None:
    variant = _first_variant(sandbox)
    variant.inventory_policy = "CONTINUE"
    variant_gid = _gid("ProductVariant", variant.id)
    assert inventory.variant_stock(client, variant_ids=[variant_gid])[variant_gid].sells_without_stock


# ----- pricing -------------------------------------------------------------------------------------
def _company_location(sandbox: ShopifySandbox) -> str:
    answer = Gql(sandbox, token=TOKEN)(
        "mutation($input: CompanyCreateInput!) { companyCreate(input: $input) {"
        " company { locations(first: 1) { nodes { id } } } userErrors { field message } } }",
        {"input": {"company": {"name": "Boutique Nord"}, "companyLocation": {"name": "Oslo"}}},
    )
    return answer["data"]["companyCreate"]["company"]["locations"]["nodes"][0]["id"]


def test_wholesale_price_list_for_a_company_location(client: AdminClient, sandbox: ShopifySandbox) -> None:
    created = pricing.price_list_create(
        client,
        name="Wholesale EUR",
        currency="EUR",
        adjustment_type="PERCENTAGE_DECREASE",
        adjustment_value=50,
    )
    assert created.ok and created.price_list is not None
    price_list = created.price_list
    catalog = pricing.catalog_create(
        client,
        title="Boutique Nord",
        company_location_ids=[_company_location(sandbox)],
        price_list_id=price_list.id,
    )
    assert catalog.ok and catalog.catalog is not None and catalog.catalog.kind == "CompanyLocationCatalog"
    taken = pricing.price_list_create(client, name="Other", currency="EUR", catalog_id=catalog.catalog.id)
    assert [e.code for e in taken.user_errors] == ["CATALOG_TAKEN"]

    product = next(iter(sandbox.shop().products.values()))
    first, second = product.variants[0], product.variants[1]
    fixed = pricing.price_list_fixed_prices_add(
        client,
        price_list_id=price_list.id,
        prices=[{"variantId": _gid("ProductVariant", first.id), "price": pricing.money("61.00", "EUR")}],
    )
    assert fixed.ok and fixed.prices[0].amount == Decimal("61.0") and fixed.prices[0].origin_type == "FIXED"
    wrong = pricing.price_list_fixed_prices_add(
        client,
        price_list_id=price_list.id,
        prices=[{"variantId": _gid("ProductVariant", first.id), "price": pricing.money("61.00", "USD")}],
    )
    assert [e.code for e in wrong.user_errors] == ["PRICE_LIST_CURRENCY_MISMATCH"]

    prices = {
        p.variant_id: p
        for p in pricing.price_list_prices(
            client, price_list_id=price_list.id, query=f"product_id:{product.id}"
        )
    }
    assert prices[_gid("ProductVariant", first.id)].origin_type == "FIXED"
    relative = prices[_gid("ProductVariant", second.id)]
    assert relative.origin_type == "RELATIVE"
    assert relative.amount == (Decimal(second.price) / 2).quantize(Decimal("0.01"))
    assert relative.currency == "USD"  # a relative price is the shop's price moved, in the shop's currency

    rules = pricing.quantity_rules_add(
        client,
        price_list_id=price_list.id,
        rules=[{"variantId": _gid("ProductVariant", first.id), "minimum": 6, "maximum": 60, "increment": 6}],
    )
    assert rules.ok and rules.rules[0]["increment"] == 6
    bad = pricing.quantity_rules_add(
        client,
        price_list_id=price_list.id,
        rules=[{"variantId": _gid("ProductVariant", first.id), "minimum": 8, "increment": 6}],
    )
    assert [e.code for e in bad.user_errors] == ["MINIMUM_NOT_MULTIPLE_OF_INCREMENT"]

    by_product = pricing.price_list_fixed_prices_by_product_update(
        client,
        price_list_id=price_list.id,
        prices_to_add=[{"productId": _gid("Product", product.id), "price": pricing.money("70", "EUR")}],
    )
    assert by_product.ok
    fixed_now = pricing.price_list_prices(client, price_list_id=price_list.id, origin_type="FIXED")
    assert {p.variant_id for p in fixed_now} == {_gid("ProductVariant", v.id) for v in product.variants}
    assert pricing.price_lists(client)[0].fixed_prices_count == len(product.variants)
    listed = pricing.catalogs(client, catalog_type="COMPANY_LOCATION")
    assert [(c.title, c.price_list_id) for c in listed] == [("Boutique Nord", price_list.id)]


def test_markets_are_listed_with_their_countries(client: AdminClient, sandbox: ShopifySandbox) -> None:
    assert pricing.markets(client) == []
    Gql(sandbox, token=TOKEN)(
        'mutation { marketCreate(input: {name: "Nordics", status: ACTIVE, currencySettings: {baseCurrency: EUR},'
        " conditions: {regionsCondition: {regions: [{countryCode: NO}, {countryCode: SE}]}}})"
        " { userErrors { field message } } }"
    )
    (market,) = pricing.markets(client)
    assert (market.name, market.handle, market.type, market.base_currency) == (
        "Nordics",
        "nordics",
        "REGION",
        "EUR",
    )
    assert market.countries == ("NO", "SE")
    catalog = pricing.catalog_create(client, title="Nordics", market_ids=[market.id])
    assert catalog.ok
    (listed,) = pricing.catalogs(client, catalog_type="MARKET")
    assert (listed.title, listed.market_ids) == ("Nordics", (market.id,))
