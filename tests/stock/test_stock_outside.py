"""Stock JOOR holds in a warehouse outside the table: JOOR's API reads only each SKU's total, so it is
measured by reading the style back right after the app writes the mapped warehouses, and from then
on it is never written to Shopify, and so never counted twice in JOOR."""

from __future__ import annotations

import pytest

from joorsync.joor.records_catalog import StockLevel
from joorsync.stock.models import VariantStockState
from joorsync.stock.ui.forms import StockLocationsForm
from joorsync.sync.models import ProductLink
from tests.stock.test_stock_engine import (
    LOS_ANGELES,
    NEW_YORK,
    _joor_row,
    _levels,
    _locations,
    _move_joor_stock_to,
    _two_warehouse_world,
    _variant,
)

pytestmark = pytest.mark.django_db


def _own_stock(world, inventory: str) -> None:
    world.account.ownership = {"inventory": inventory}
    world.account.save()


def test_an_unmapped_warehouse_is_never_written_to_shopify_nor_counted_twice():
    world = _two_warehouse_world(inventory="two-way", styles=1)
    _move_joor_stock_to(world, NEW_YORK)
    world.run()
    link = ProductLink.objects.get(shop=world.shop)
    variant = _variant(link)
    main, flagship = _locations(world)
    world.joor_client().stock_set([StockLevel(warehouse=NEW_YORK, quantity=10, upc=variant.upc)])
    world.run()
    total = _joor_row(world, link, variant)["inventory_available"]
    assert total == 10
    assert _levels(world, variant) == {"main": total, "flagship": None}

    # JOOR gains 5 units in Default (not in the table) while Shopify, which owns stock for now,
    # sells one: Shopify's figures go to the mapped warehouses and the style is read back.
    world.joor_client().stock_set([StockLevel(warehouse="Default", quantity=5, upc=variant.upc)])
    world.shopify_sandbox.merchant_set_inventory(variant.shopify_inventory_item_id, main, total - 1)
    _own_stock(world, "shopify")
    _, result = world.run()
    assert result.counts.errors == 0
    row = _joor_row(world, link, variant)
    assert row["warehouses"] == {"Default": 5, LOS_ANGELES: 0, NEW_YORK: total - 1}
    state = VariantStockState.objects.get(link=link, variant_key=f"{variant.color_code}/{variant.size}")
    assert (state.written, state.outside) == (total - 1, 5)

    # Two-way again: JOOR's total is 5 above Shopify's, but that is the stock outside: nothing moves.
    _own_stock(world, "two-way")
    _, result = world.run()
    assert result.counts.shopify["updated"] == result.counts.joor["updated"] == 0, result.counts.as_dict()
    assert _levels(world, variant)["main"] == total - 1

    # A change in a mapped warehouse flows; the 5 in Default never reach Shopify.
    world.joor_client().stock_set([StockLevel(warehouse=NEW_YORK, quantity=20, upc=variant.upc)])
    world.run()
    assert _levels(world, variant) == {"main": 20, "flagship": None}

    # A sale in Shopify goes back into New York only: JOOR's total is 19 + 5, not 19 + 5 + 5.
    world.shopify_sandbox.merchant_set_inventory(variant.shopify_inventory_item_id, main, 19)
    world.run()
    row = _joor_row(world, link, variant)
    assert row["warehouses"][NEW_YORK] == 19 and row["inventory_available"] == 24
    _, settled = world.run()
    assert settled.counts.shopify["updated"] == settled.counts.joor["updated"] == 0
    assert _levels(world, variant)["flagship"] is None

    # The stock settings page says it once for the shop.
    form = StockLocationsForm(account=world.account, locations=[(main, "Main"), (flagship, "Flagship")])
    assert form.outside_note().startswith("JOOR holds 5 units of 1 item outside the warehouses in this table")


def test_a_changed_table_forgets_what_was_measured():
    world = _two_warehouse_world(inventory="shopify", styles=1)
    _move_joor_stock_to(world, NEW_YORK)
    world.run()
    link = ProductLink.objects.get(shop=world.shop)
    variant = _variant(link)
    main, flagship = _locations(world)
    world.joor_client().stock_set([StockLevel(warehouse="Default", quantity=5, upc=variant.upc)])
    world.shopify_sandbox.merchant_set_inventory(variant.shopify_inventory_item_id, flagship, 2)
    world.run()
    form = StockLocationsForm(account=world.account, locations=[(main, "Main"), (flagship, "Flagship")])
    assert "5 units" in form.outside_note()
    # Default is mapped now: what it holds is in the table, no longer outside it.
    world.account.location_warehouses = {
        main: {"warehouse": "Default", "receives": True},
        flagship: LOS_ANGELES,
    }
    world.account.save()
    form = StockLocationsForm(account=world.account, locations=[(main, "Main"), (flagship, "Flagship")])
    assert form.outside_note() == ""
