"""`python manage.py orders_bench [--orders 1000] [--lines 20] [--json]`

Places that many approved orders of that many lines in the JOOR sandbox (on a catalog synced to the
Shopify sandbox first, so every SKU is linked), imports them with one order run, runs again (which
must import nothing), and prints one JSON line: wall time, API calls and JOOR credits, Shopify cost
points, peak memory, and the calls against the fewest the two APIs allow:

- JOOR: an order is marked exported only by a `sync=1` read returning it, at most `page_size` orders
  a read (JOOR documents 50 as the default and no maximum), so at least ⌈orders / page_size⌉ reads;
- Shopify: `orderCreate` takes one order and has no batch form (it is not among the mutations
  Shopify documents for bulk imports), so at least one call per order; the retailer's customer is
  created inside `orderCreate` (`customer.toUpsert`), so no other call is needed.

The sandboxes hold everything in memory, so they run in a forked child process served over loopback
sockets: the peak memory printed is the import's own. Real HTTP, real clients, the configured database.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import random
import resource
import time
from multiprocessing.connection import Connection
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from joorsync.joor.client import DEFAULT_ORDER_PAGE_SIZE, JoorClient
from joorsync.orders.models import ImportedOrder
from joorsync.orders.run import orders_run
from joorsync.sync.engine import SyncRun
from joorsync.sync.models import Direction, JoorAccount, SyncJob
from shopify_app.admin.client import AdminClient
from shopify_app.models import Shop

BENCH_SHOP = "orders-bench.myshopify.com"
BENCH_SHOPIFY_TOKEN = "shpat_orders_bench"  # noqa: S105 - a sandbox token made up for the bench
BENCH_JOOR_TOKEN = "orders-bench-token"  # noqa: S105 - a sandbox token made up for the bench
STYLES = 40
SKUS_PER_STYLE = 12


def _serve_sandboxes(orders: int, lines: int, seed: int, conn: Connection) -> None:
    """Child process: both sandboxes with the catalog and the orders, served until told to stop."""
    from joorsync.joor.sandbox.app import JoorSandbox
    from joorsync.joor.sandbox.app import SandboxConfig as JoorConfig
    from joorsync.joor.sandbox.server import serve_in_thread as serve_joor
    from shopify_app.sandbox.app import ShopifySandbox
    from shopify_app.sandbox.config import SandboxConfig as ShopifyConfig
    from shopify_app.sandbox.server import serve_in_thread as serve_shopify

    joor = JoorSandbox(
        JoorConfig(
            styles=STYLES,
            seed=seed,
            skus_per_style=SKUS_PER_STYLE,
            orders=0,
            tokens=(BENCH_JOOR_TOKEN,),
            rate_limit="off",
        )
    )
    joor.catalog.orders.clear()
    shopify = ShopifySandbox(
        ShopifyConfig(
            shops=(BENCH_SHOP,),
            static_tokens={BENCH_SHOP: BENCH_SHOPIFY_TOKEN},
            rate_limit="off",
            deliver_webhooks="off",
        )
    )
    with serve_joor(joor) as joor_url, serve_shopify(shopify) as shopify_url:
        conn.send({"joor": joor_url, "shopify": shopify_url})
        conn.recv()  # the catalog is synced: place the orders
        rng = random.Random(seed)
        skus = [sku for style in joor.catalog.styles.values() for sku in style.sku_ids.values()]
        usd = next(k for k, v in joor.catalog.price_types.items() if v.currency_code == "USD")
        for _ in range(orders):
            chosen = rng.sample(skus, min(lines, len(skus)))
            joor.place_order(
                {
                    "status": "APPROVED",
                    "price_type_id": usd,
                    "retailer_id": rng.choice(list(joor.catalog.retailers)),
                    "sku_line_items": [{"sku_id": s, "quantity": rng.randint(1, 12)} for s in chosen],
                }
            )
        conn.send(len(joor.catalog.retailers))
        conn.recv()  # blocks until the parent is done


class Command(BaseCommand):
    help = "Benchmark importing JOOR wholesale orders into Shopify (and a second run that imports nothing)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--orders", type=int, default=1000)
        parser.add_argument("--lines", type=int, default=20)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--json", action="store_true", help="print only the JSON line")

    def handle(self, *args: Any, orders: int, lines: int, seed: int, json: bool, **options: Any) -> None:
        if orders < 1 or not 1 <= lines <= STYLES * SKUS_PER_STYLE:
            raise CommandError(
                f"--orders must be positive and --lines between 1 and {STYLES * SKUS_PER_STYLE}"
            )
        ctx = multiprocessing.get_context("fork")
        parent_end, child_end = ctx.Pipe()
        child = ctx.Process(target=_serve_sandboxes, args=(orders, lines, seed, child_end), daemon=True)
        child.start()
        try:
            if not parent_end.poll(600):
                raise CommandError("the sandboxes did not start within 10 minutes")
            urls = parent_end.recv()
            report = self._bench(urls, parent_end, orders=orders, lines=lines, quiet=json)
        finally:
            parent_end.send("stop")
            child.join(timeout=10)
            if child.is_alive():
                child.kill()
        self.stdout.write(_dumps(report))

    def _clients(self, urls: dict[str, Any]) -> tuple[JoorClient, AdminClient]:
        joor = JoorClient(base_url=urls["joor"], token=BENCH_JOOR_TOKEN, timeout=120.0)
        shopify = AdminClient(
            shop=BENCH_SHOP, access_token=BENCH_SHOPIFY_TOKEN, admin_base_url=urls["shopify"], timeout=120.0
        )
        return joor, shopify

    def _bench(
        self, urls: dict[str, Any], conn: Connection, *, orders: int, lines: int, quiet: bool
    ) -> dict[str, Any]:
        Shop.objects.filter(shop_domain=BENCH_SHOP).delete()
        with transaction.atomic():
            shop = Shop.objects.create(
                shop_domain=BENCH_SHOP, access_token=BENCH_SHOPIFY_TOKEN, admin_base_url=urls["shopify"]
            )
            JoorAccount.objects.create(
                shop=shop, base_url=urls["joor"], token=BENCH_JOOR_TOKEN, direction=Direction.JOOR_TO_SHOPIFY
            )
        try:
            started = time.monotonic()
            self._catalog(shop, urls)
            if not quiet:
                self.stderr.write(
                    f"catalog synced in {time.monotonic() - started:.1f}s; placing {orders} orders"
                )
            conn.send("place")
            if not conn.poll(1200):
                raise CommandError("the orders were not placed within 20 minutes")
            retailers = conn.recv()
            first = self._orders(shop, urls)
            second = self._orders(shop, urls)
            imported = ImportedOrder.objects.filter(shop=shop, state=ImportedOrder.State.IMPORTED).count()
            holds: dict[str, int] = {}
            for code in ImportedOrder.objects.filter(shop=shop, state=ImportedOrder.State.HELD).values_list(
                "hold_code", flat=True
            ):
                holds[code] = holds.get(code, 0) + 1
            shopify_orders = (
                ImportedOrder.objects.filter(shop=shop)
                .exclude(shopify_order_id="")
                .values("shopify_order_id")
                .distinct()
                .count()
            )
        finally:
            Shop.objects.filter(pk=shop.pk).delete()
        page = DEFAULT_ORDER_PAGE_SIZE
        minimum = {"joor_requests": math.ceil(orders / page), "shopify_requests": orders}
        ours = {"joor_requests": first["joor"]["requests"], "shopify_requests": first["shopify"]["requests"]}
        return {
            "orders": orders,
            "lines_per_order": lines,
            "retailers": retailers,
            "seconds": first["seconds"],
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "joor": first["joor"],
            "shopify": first["shopify"],
            "minimum": {**minimum, "total": sum(minimum.values()), "joor_page_size": page},
            "ratio": {
                "total": round(sum(ours.values()) / sum(minimum.values()), 3),
                "joor": round(ours["joor_requests"] / minimum["joor_requests"], 3),
                "shopify": round(ours["shopify_requests"] / minimum["shopify_requests"], 3),
            },
            "imported": imported,
            "held": holds,
            "distinct_shopify_orders": shopify_orders,
            "counters": first["counters"],
            "second_run": {
                "counters": second["counters"],
                "requests": second["joor"]["requests"] + second["shopify"]["requests"],
                "seconds": second["seconds"],
            },
        }

    def _catalog(self, shop: Shop, urls: dict[str, Any]) -> None:
        job = SyncJob.objects.create(
            shop=shop,
            kind=SyncJob.Kind.FULL,
            direction=Direction.JOOR_TO_SHOPIFY,
            status=SyncJob.Status.RUNNING,
        )
        job = SyncJob.objects.select_related("shop__joor_account").get(pk=job.pk)
        joor, shopify = self._clients(urls)
        try:
            SyncRun(job=job, joor=joor, shopify=shopify, bulk_poll_interval=0.2).run()
        finally:
            SyncJob.objects.filter(pk=job.pk).update(status=SyncJob.Status.SUCCEEDED)
            joor.close()
            shopify.close()

    def _orders(self, shop: Shop, urls: dict[str, Any]) -> dict[str, Any]:
        job = SyncJob.objects.create(shop=shop, kind=SyncJob.Kind.ORDERS, status=SyncJob.Status.RUNNING)
        job = SyncJob.objects.select_related("shop__joor_account").get(pk=job.pk)
        joor, shopify = self._clients(urls)
        started = time.monotonic()
        try:
            result = orders_run(job=job, joor=joor, shopify=shopify)
            usage = joor.usage
            return {
                "seconds": round(time.monotonic() - started, 2),
                "joor": {"requests": usage.requests + usage.auth_requests, "credits": usage.credits},
                "shopify": {"requests": shopify.usage["requests"], "cost": shopify.usage["cost"]},
                "counters": result.counters,
            }
        finally:
            SyncJob.objects.filter(pk=job.pk).update(status=SyncJob.Status.SUCCEEDED)
            joor.close()
            shopify.close()


def _dumps(report: dict[str, Any]) -> str:
    return json.dumps(report, separators=(",", ":"))
