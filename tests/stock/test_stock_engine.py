"""Stock per location through both sandboxes (real clients over WSGI, the real engine): two Shopify
locations ↔ two JOOR warehouses, activation at the receiving location, compare-and-swap, idempotent
retries and made-to-order styles."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from joorsync.joor.records_catalog import StockLevel
from joorsync.stock.services import STOCK_BELOW_ZERO, STOCK_HELD
from joorsync.sync.engine import RunResult
from joorsync.sync.models import Conflict, ProductLink, ProductProblem, SyncEvent, SyncJob, VariantLink
from shopify_app.admin.inventory import variant_stock
from tests.sync.engine_support import World, make_world

pytestmark = pytest.mark.django_db

NEW_YORK = "New York Warehouse"
LOS_ANGELES = "Los Angeles Warehouse"


def _locations(world: World) -> tuple[str, str]:
    """(Main warehouse, Flagship store): the sandbox shop's primary location and its second one."""
    locations = {loc.name: loc.id for loc in world.shopify_client().locations()}
    return locations["Main warehouse"], locations["Flagship store"]


def _two_warehouse_world(*, receiving: str = "main", inventory: str = "two-way", styles: int = 2) -> World:
    world = make_world(styles=styles, ownership={"inventory": inventory})
    main, flagship = _locations(world)
    # Both warehouses are set up in the seeded JOOR account.
    marked = main if receiving == "main" else flagship
    world.account.location_warehouses = {
        main: {"warehouse": NEW_YORK, "receives": True} if marked == main else NEW_YORK,
        flagship: {"warehouse": LOS_ANGELES, "receives": True} if marked == flagship else LOS_ANGELES,
    }
    world.account.save()
    return world


def _move_joor_stock_to(world: World, warehouse: str) -> None:
    """Every SKU's JOOR stock held in `warehouse` (the generated catalog keeps it in Default)."""
    client = world.joor_client()
    levels = []
    for style_id in list(world.joor_sandbox.catalog.styles):
        for row in world.joor_sandbox.inventory(style_id) or []:
            if not row["upc"]:
                continue
            levels.append(
                StockLevel(warehouse=warehouse, quantity=row["inventory_available"], upc=row["upc"])
            )
            levels.append(StockLevel(warehouse="Default", quantity=0, upc=row["upc"]))
    client.stock_set(levels)


def _variant(link: ProductLink) -> VariantLink:
    variant = link.variant_links.exclude(upc="").exclude(shopify_inventory_item_id="").first()
    assert variant is not None
    return variant


def _levels(world: World, variant: VariantLink) -> dict[str, int | None]:
    main, flagship = _locations(world)
    stock = variant_stock(world.shopify_client(), variant_ids=[variant.shopify_variant_id])[
        variant.shopify_variant_id
    ]
    return {
        name: (level.available if (level := stock.level_at(gid)) and level.is_active else None)
        for name, gid in (("main", main), ("flagship", flagship))
    }


def _joor_row(world: World, link: ProductLink, variant: VariantLink) -> dict[str, Any]:
    rows = world.joor_sandbox.inventory(link.joor_style_id) or []
    return next(r for r in rows if r["color_code"] == variant.color_code and r["size"] == variant.size)


def _stock_problems(world: World) -> list[ProductProblem]:
    return list(
        ProductProblem.objects.filter(
            shop=world.shop, status=ProductProblem.Status.OPEN, code__in=(STOCK_HELD, STOCK_BELOW_ZERO)
        )
    )


def _run_through(world: World, transport: httpx.BaseTransport) -> RunResult:
    """One full sync with Shopify answering through `transport`."""
    job = SyncJob.objects.create(
        shop=world.shop,
        kind=SyncJob.Kind.FULL,
        status=SyncJob.Status.RUNNING,
        direction=world.account.direction,
    )
    try:
        return world.execute(job, shopify_transport=transport)
    finally:
        SyncJob.objects.filter(pk=job.pk).update(status=SyncJob.Status.SUCCEEDED)


def _first_link(world: World) -> ProductLink:
    return ProductLink.objects.filter(shop=world.shop).order_by("joor_style_id").first()


def test_two_locations_and_two_warehouses_flow_both_ways():
    world = _two_warehouse_world()
    _move_joor_stock_to(world, NEW_YORK)
    world.run()
    link = _first_link(world)
    variant = _variant(link)
    total = _joor_row(world, link, variant)["inventory_available"]
    assert _levels(world, variant) == {"main": total, "flagship": None}  # created into the receiving one

    # Shopify → JOOR: each mapped location into its warehouse.
    world.shopify_sandbox.merchant_set_inventory(variant.shopify_inventory_item_id, _locations(world)[1], 4)
    _, result = world.run()
    assert result.counts.errors == 0
    row = _joor_row(world, link, variant)
    assert row["warehouses"][NEW_YORK] == total and row["warehouses"][LOS_ANGELES] == 4
    assert row["inventory_available"] == total + 4

    # JOOR → Shopify: JOOR's total less what the other location holds, into the receiving one.
    world.joor_client().stock_set([StockLevel(warehouse=NEW_YORK, quantity=30, upc=variant.upc)])
    _, result = world.run()
    assert result.counts.errors == 0 and result.counts.shopify["updated"] >= 1
    assert _levels(world, variant) == {"main": 30, "flagship": 4}

    # Settled: nothing more to write on either side.
    _, again = world.run()
    assert again.counts.shopify["updated"] == again.counts.joor["updated"] == 0, again.counts.as_dict()
    assert not _stock_problems(world)


def test_an_item_not_stocked_at_the_receiving_location_is_activated_there():
    world = _two_warehouse_world(inventory="joor")
    _move_joor_stock_to(world, NEW_YORK)
    world.run()
    link = _first_link(world)
    variant = _variant(link)
    main, flagship = _locations(world)
    before = _levels(world, variant)
    assert before["flagship"] is None
    # The merchant makes the Flagship store the one receiving JOOR's stock.
    world.account.location_warehouses = {
        main: NEW_YORK,
        flagship: {"warehouse": LOS_ANGELES, "receives": True},
    }
    world.account.save()
    world.joor_client().stock_set([StockLevel(warehouse=LOS_ANGELES, quantity=6, upc=variant.upc)])
    _, result = world.run()
    assert result.counts.errors == 0, result.counts.as_dict()
    assert _levels(world, variant) == {"main": before["main"], "flagship": 6}
    assert not _stock_problems(world)


class SaleDuringWrite(httpx.BaseTransport):
    """The Shopify sandbox, where a merchant sells one unit of an item just before the first stock
    write reaches Shopify."""

    def __init__(self, world: World, item_id: str, location_id: str) -> None:
        self.inner = httpx.WSGITransport(app=world.shopify_sandbox)
        self.world, self.item_id, self.location_id = world, item_id, location_id
        self.sold = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not self.sold and b"InventorySetQuantities" in request.content:
            self.sold = True
            current = _level_of(self.world, self.item_id, self.location_id)
            self.world.shopify_sandbox.merchant_set_inventory(self.item_id, self.location_id, current - 1)
        return self.inner.handle_request(request)


def _level_of(world: World, item_id: str, location_id: str) -> int:
    state = world.shopify_sandbox.shop()
    variant = state.variant_by_item(int(item_id.rsplit("/", 1)[1]))
    level = state.level(variant.inventory_item_id, int(location_id.rsplit("/", 1)[1]), create=False)
    return level.available


def test_stock_that_moved_underneath_is_held_and_the_next_run_settles():
    world = _two_warehouse_world(inventory="joor")
    _move_joor_stock_to(world, NEW_YORK)
    world.run()
    link = _first_link(world)
    variant = _variant(link)
    main, _ = _locations(world)
    world.joor_client().stock_set([StockLevel(warehouse=NEW_YORK, quantity=40, upc=variant.upc)])
    sold_before = _level_of(world, variant.shopify_inventory_item_id, main)

    transport = SaleDuringWrite(world, variant.shopify_inventory_item_id, main)
    result = _run_through(world, transport)
    assert transport.sold and result.counts.errors == 0
    # Shopify refused the stale write: the merchant's sale stands, nothing was overwritten.
    assert _level_of(world, variant.shopify_inventory_item_id, main) == sold_before - 1
    problem = ProductProblem.objects.get(link=link, code=STOCK_HELD, status=ProductProblem.Status.OPEN)
    assert "changed in Shopify" in problem.message and "CHANGE_FROM_QUANTITY_STALE" in problem.message
    assert SyncEvent.objects.filter(link=link, action="stock_held").exists()

    # The next run reads both figures again and writes JOOR's (JOOR owns stock here).
    _, result = world.run()
    assert result.counts.errors == 0
    assert _levels(world, variant)["main"] == 40
    problem.refresh_from_db()
    assert problem.status == ProductProblem.Status.SOLVED


def test_under_two_way_ownership_a_held_figure_becomes_a_conflict():
    world = _two_warehouse_world(inventory="two-way")
    _move_joor_stock_to(world, NEW_YORK)
    world.run()
    link = _first_link(world)
    variant = _variant(link)
    main, _ = _locations(world)
    world.joor_client().stock_set([StockLevel(warehouse=NEW_YORK, quantity=40, upc=variant.upc)])
    _run_through(world, SaleDuringWrite(world, variant.shopify_inventory_item_id, main))
    _, result = world.run()
    path = f"variants[{variant.color_code}/{variant.size}].inventory"
    conflict = Conflict.objects.get(link=link, field_path=path, status=Conflict.Status.OPEN)
    assert conflict.joor_value == 40 and conflict.shopify_value != 40
    assert _levels(world, variant)["main"] != 40  # held for a person, not overwritten


class LostAnswer(httpx.BaseTransport):
    """The first stock write reaches Shopify and is applied, but its answer never arrives."""

    def __init__(self, world: World) -> None:
        self.inner = httpx.WSGITransport(app=world.shopify_sandbox)
        self.keys: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if b"InventorySetQuantities" in request.content:
            self.keys.append(json.loads(request.content)["variables"]["idempotencyKey"])
            if len(self.keys) == 1:
                raise httpx.ReadTimeout("the answer was lost", request=request)
        return response


def test_a_write_resent_after_a_lost_answer_is_applied_once():
    world = _two_warehouse_world(inventory="joor")
    _move_joor_stock_to(world, NEW_YORK)
    world.run()
    link = _first_link(world)
    variant = _variant(link)
    world.joor_client().stock_set([StockLevel(warehouse=NEW_YORK, quantity=25, upc=variant.upc)])
    transport = LostAnswer(world)
    result = _run_through(world, transport)
    # Sent twice with one key; a second application would have been refused as stale and held.
    assert len(transport.keys) == 2 and transport.keys[0] == transport.keys[1]
    assert result.counts.errors == 0
    assert not ProductProblem.objects.filter(shop=world.shop, code=STOCK_HELD).exists()
    assert _levels(world, variant)["main"] == 25


def test_a_figure_below_what_the_other_location_holds_is_a_problem_and_nothing_is_written():
    world = _two_warehouse_world(inventory="joor")
    _move_joor_stock_to(world, NEW_YORK)
    world.run()
    link = _first_link(world)
    variant = _variant(link)
    main, flagship = _locations(world)
    world.shopify_sandbox.merchant_set_inventory(variant.shopify_inventory_item_id, flagship, 10)
    before = _levels(world, variant)
    world.joor_client().stock_set(
        [
            StockLevel(warehouse=NEW_YORK, quantity=2, upc=variant.upc),
            StockLevel(warehouse=LOS_ANGELES, quantity=3, upc=variant.upc),
        ]
    )
    _, result = world.run()
    assert result.counts.errors == 0
    assert _levels(world, variant) == before
    problem = ProductProblem.objects.get(link=link, code=STOCK_BELOW_ZERO, status=ProductProblem.Status.OPEN)
    assert "below zero" in problem.message


def _policies(world: World, link: ProductLink) -> set[str]:
    product = world.shopify_client().product(link.shopify_product_id)
    ids = [v["id"] for v in product["variants"]["nodes"]]
    return {
        stock.inventory_policy for stock in variant_stock(world.shopify_client(), variant_ids=ids).values()
    }


def test_made_to_order_styles_sell_without_stock_limits():
    world = make_world(styles=2)
    first, second = sorted(world.joor_sandbox.catalog.styles)
    world.joor_sandbox.edit_style(first, {"made_to_order": True})
    world.joor_sandbox.edit_style(second, {"made_to_order": False})
    world.run()
    links = {link.joor_style_id: link for link in ProductLink.objects.filter(shop=world.shop)}
    assert _policies(world, links[first]) == {"CONTINUE"}
    assert _policies(world, links[second]) == {"DENY"}
    # No longer made to order: it stops selling without stock.
    world.joor_sandbox.edit_style(first, {"made_to_order": False})
    _, result = world.run()
    assert result.counts.errors == 0
    assert _policies(world, links[first]) == {"DENY"}
