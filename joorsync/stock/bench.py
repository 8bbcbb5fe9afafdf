"""Stock per location in the sync benchmark: two Shopify locations ↔ two JOOR warehouses, and the
calls the stock step itself makes.

Wiring into `sync_bench` (a flag `--locations 2`):

1. In the sandbox child (`_serve_sandboxes`), once both sandboxes are built:
   `bench_stock_places(joor=joor, shopify=shopify, shop_domain=BENCH_SHOP, locations=2)` — the
   Shopify shop gets two locations, the JOOR account two warehouses, and each SKU's JOOR stock is
   split between them.
2. In `_bench`, after the `JoorAccount` is created:
   `bench_map_locations(shop=shop, client=AdminClient(...), warehouses=BENCH_WAREHOUSES[:2])` —
   location n feeds warehouse n, the first receives JOOR's stock.
3. In `_run`, around `run.run()`: `counter = StockCallCounter(run)` before it, then
   `self._stock_stats.append(counter.calls())` after it; finally add
   `"stock": stock_calls_report(self._stock_stats, skus=urls["skus"], locations=2)` to the report.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from joorsync.stock.services import stock_locations_save
from joorsync.sync.models import JoorAccount
from shopify_app.admin.client import AdminClient
from shopify_app.admin.inventory import locations_all
from shopify_app.models import Shop

if TYPE_CHECKING:
    from joorsync.joor.sandbox.app import JoorSandbox
    from joorsync.sync.engine.run import SyncRun
    from shopify_app.sandbox.app import ShopifySandbox

#: The JOOR sandbox's seeded warehouses (`joorsync.joor.sandbox.defaults.WAREHOUSES`), in table order.
BENCH_WAREHOUSES = ("New York Warehouse", "Los Angeles Warehouse")
BENCH_LOCATIONS = ("Main warehouse", "Flagship store")
#: Shopify operations that are the stock step's own (reads of levels outside the bulk export, and
#: writes); stock sent inside a productSet (a new product's) is not a call of its own.
SHOPIFY_STOCK_OPERATIONS = frozenset(
    {"InventorySetQuantities", "InventoryActivate", "VariantStockAt", "LocationsAll"}
)
#: `inventorySetQuantities` takes at most 250 quantities; JOOR's bulk-inventory 500 items per call.
SHOPIFY_STOCK_BATCH = 250
JOOR_STOCK_BATCH = 500


def bench_stock_places(
    *, joor: JoorSandbox, shopify: ShopifySandbox, shop_domain: str, locations: int = 2
) -> dict[str, Any]:
    """Give the bench shop `locations` Shopify locations and the JOOR account as many warehouses,
    each SKU's JOOR stock split over them (the first keeps the larger part). Runs where the
    sandboxes live; returns what it set up."""
    from joorsync.joor.sandbox.warehouses import add_warehouse, set_stock, stock_of
    from shopify_app.sandbox.models import Location

    if locations < 1 or locations > len(BENCH_WAREHOUSES):
        raise ValueError(f"locations must be 1 to {len(BENCH_WAREHOUSES)}")
    state = shopify.shop(shop_domain)
    for name in BENCH_LOCATIONS[len(state.locations) : locations]:
        now = state.now()
        location = Location(state.next_id(), name, created_at=now, updated_at=now)
        state.locations[location.id] = location
    names = list(BENCH_WAREHOUSES[:locations])
    for number, name in enumerate(names, start=1):
        if name not in joor.catalog.warehouses.values():
            add_warehouse(joor.catalog, {"name": name, "code": f"BENCH{number}"})
    units = 0
    for style in joor.catalog.styles.values():
        for row in style.upcs:
            total = sum(stock_of(row).values())
            units += total
            parts = _split(total, len(names))
            for name, figure in zip(names, parts, strict=True):
                set_stock(row, name, figure)
            for other in stock_of(row):
                if other not in names:
                    set_stock(row, other, 0)
    return {"locations": len(state.locations), "warehouses": names, "units": units}


def _split(total: int, parts: int) -> list[int]:
    """`total` over `parts` warehouses: the first two thirds, the rest evenly (never negative)."""
    if parts == 1:
        return [total]
    first = math.ceil(total * 2 / 3)
    rest = total - first
    share = [rest // (parts - 1)] * (parts - 1)
    share[0] += rest - sum(share)
    return [first, *share]


def bench_map_locations(*, shop: Shop, client: AdminClient, warehouses: Sequence[str]) -> dict[str, str]:
    """Map the shop's locations, in Shopify's order, to `warehouses`; the first receives JOOR's stock.
    Returns the table saved (location id → warehouse)."""
    found = locations_all(client)
    if len(found) < len(warehouses):
        raise ValueError(f"the shop has {len(found)} locations, {len(warehouses)} are needed")
    table = {location.id: name for location, name in zip(found, warehouses, strict=False)}
    account = JoorAccount.objects.get(shop=shop)
    stock_locations_save(account=account, warehouses=table, receiving=next(iter(table)))
    return table


class StockCallCounter:
    """Counts the calls one run's stock step makes: Shopify stock operations by name, JOOR
    bulk-inventory requests and the styles read back to measure stock outside the table. Wraps the
    run's two clients (this instance only) until the run is done."""

    def __init__(self, run: SyncRun) -> None:
        self.run = run
        self.shopify: Counter[str] = Counter()
        self.joor_requests = 0
        client = run.shopify.client
        execute: Callable[..., Any] = client.execute

        def counted_execute(operation: str, *args: Any, **kwargs: Any) -> Any:
            if operation in SHOPIFY_STOCK_OPERATIONS:
                self.shopify[operation] += 1
            return execute(operation, *args, **kwargs)

        client.execute = counted_execute  # type: ignore[method-assign,assignment]
        joor = run._joor_client
        bulk_inventory: Callable[..., Any] = joor.bulk_inventory

        def counted_bulk_inventory(*args: Any, **kwargs: Any) -> Any:
            before = joor.usage.requests
            try:
                return bulk_inventory(*args, **kwargs)
            finally:
                self.joor_requests += joor.usage.requests - before

        joor.bulk_inventory = counted_bulk_inventory  # type: ignore[method-assign]

    def calls(self) -> dict[str, Any]:
        from joorsync.stock.engine import ledger_of  # the engine's module, once the engine is loaded

        readbacks = ledger_of(self.run).readbacks
        return {
            "shopify": dict(sorted(self.shopify.items())),
            "shopify_total": sum(self.shopify.values()),
            "joor_bulk_inventory": self.joor_requests,
            "joor_readbacks": readbacks,
            "total": sum(self.shopify.values()) + self.joor_requests + readbacks,
        }


def stock_calls_report(stats: Sequence[dict[str, Any]], *, skus: int, locations: int) -> dict[str, Any]:
    """The bench's "stock" section: the first sync's and the re-sync's own stock calls, and the
    fewest a correct stock step could make. First sync (JOOR → Shopify, new products): the stock
    rides in the creating productSets, and the levels in the bulk export, so 0 beyond reading the
    locations once when no receiving location is marked (it is marked here: 0). A re-sync with
    nothing changed: 0. Every SKU's stock changed once in JOOR: one inventorySetQuantities per 250."""
    first = stats[0] if stats else {}
    rerun = stats[1] if len(stats) > 1 else {}
    return {
        "locations": locations,
        "first": first,
        "rerun": rerun,
        "minimum": {
            "first": 0,
            "rerun": 0,
            "every_sku_changed_in_joor": math.ceil(skus / SHOPIFY_STOCK_BATCH),
            "every_sku_changed_in_shopify": math.ceil(skus * max(1, locations) / JOOR_STOCK_BATCH),
        },
    }
