"""The benchmark's stock helpers against both sandboxes: two locations ↔ two warehouses, the table
saved on the shop, and the stock step's own calls counted on a first sync and a re-sync."""

from __future__ import annotations

import pytest

from joorsync.joor.records_catalog import StockLevel
from joorsync.joor.sandbox.warehouses import stock_of
from joorsync.stock.bench import (
    BENCH_WAREHOUSES,
    StockCallCounter,
    bench_map_locations,
    bench_stock_places,
    stock_calls_report,
)
from joorsync.sync.accounts import location_warehouses_of
from joorsync.sync.engine import SyncRun
from joorsync.sync.models import Direction, JoorAccount, SyncJob
from tests.sync.engine_support import SHOP, World, make_world

pytestmark = pytest.mark.django_db


def _counted_run(world: World) -> dict:
    job = SyncJob.objects.create(
        shop=world.shop,
        kind=SyncJob.Kind.FULL,
        status=SyncJob.Status.RUNNING,
        direction=Direction.JOOR_TO_SHOPIFY,
    )
    job = SyncJob.objects.select_related("shop__joor_account").get(pk=job.pk)  # as sync_bench reads it
    run = SyncRun(job=job, joor=world.joor_client(), shopify=world.shopify_client(), bulk_poll_interval=0.0)
    counter = StockCallCounter(run)
    result = run.run()
    SyncJob.objects.filter(pk=job.pk).update(status=SyncJob.Status.SUCCEEDED)
    assert result.counts.errors == 0
    return counter.calls()


def test_two_locations_two_warehouses_mapped_and_counted():
    world = make_world(styles=3, direction=Direction.JOOR_TO_SHOPIFY)
    set_up = bench_stock_places(joor=world.joor_sandbox, shopify=world.shopify_sandbox, shop_domain=SHOP)
    assert set_up["locations"] == 2 and set_up["warehouses"] == list(BENCH_WAREHOUSES)
    rows = [row for style in world.joor_sandbox.catalog.styles.values() for row in style.upcs]
    split = [stock_of(row) for row in rows if row.get("inventory_available")]
    assert split and all(not q for s in split for name, q in s.items() if name not in BENCH_WAREHOUSES)
    assert any(s.get(BENCH_WAREHOUSES[1]) for s in split)  # the second holds stock too

    table = bench_map_locations(shop=world.shop, client=world.shopify_client(), warehouses=BENCH_WAREHOUSES)
    stored, receiving = location_warehouses_of(JoorAccount.objects.get(shop=world.shop).location_warehouses)
    assert stored == table and receiving == next(iter(table))

    first = _counted_run(world)
    rerun = _counted_run(world)
    # New products carry their stock in the creating productSet; the levels come with the export.
    assert first["total"] == 0, first
    assert rerun["total"] == 0, rerun
    report = stock_calls_report([first, rerun], skus=len(rows), locations=2)
    assert report["minimum"]["first"] == 0 and report["minimum"]["every_sku_changed_in_joor"] == 1

    # A change of every SKU in JOOR: the stock step's own calls, one batch of quantities.
    levels = [
        StockLevel(
            warehouse=BENCH_WAREHOUSES[0],
            quantity=stock_of(row).get(BENCH_WAREHOUSES[0], 0) + 1,
            upc=row["upc"],
        )
        for row in rows
        if row.get("upc")
    ]
    world.joor_client().stock_set(levels)
    JoorAccount.objects.filter(shop=world.shop).update(ownership={"inventory": "joor"})  # JOOR's figures win
    changed = _counted_run(world)
    assert changed["shopify"].get("InventorySetQuantities", 0) >= 1 and changed["joor_bulk_inventory"] == 0
