"""`python manage.py sync_bench --styles N --skus-per-style M [--json]`

Builds a catalog of that size in the JOOR sandbox (and an empty Shopify sandbox), runs a full
JOOR → Shopify sync, then an unchanged re-sync, and prints one JSON line of figures.

The sandboxes hold whole catalogs in memory, so they run in a forked child process served over
loopback sockets: the peak memory printed is the sync's own, not the emulators'. Real HTTP, real
clients, the configured database.
"""

from __future__ import annotations

import json
import multiprocessing
import resource
import time
from multiprocessing.connection import Connection
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from joorsync.joor.client import JoorClient
from joorsync.linesheets.models import LinesheetDirection, LinesheetLink, LinesheetSettings
from joorsync.linesheets.passes import SUMMARY_ACTION
from joorsync.media.sync import image_sync_of
from joorsync.sync.engine import SyncRun
from joorsync.sync.models import Direction, JoorAccount, SyncEvent, SyncJob
from shopify_app.admin.client import AdminClient
from shopify_app.models import Shop

BENCH_SHOP = "sync-bench.myshopify.com"
BENCH_SHOPIFY_TOKEN = "shpat_sync_bench"  # noqa: S105 - a sandbox token made up for the bench
BENCH_JOOR_TOKEN = "sync-bench-token"  # noqa: S105 - a sandbox token made up for the bench
# JOOR: 300 credits per 300 s; Shopify Standard plan: a 2000-point bucket refilling 100 points/s.
JOOR_CREDITS_PER_SECOND = 1.0
JOOR_BURST = 300
SHOPIFY_POINTS_PER_SECOND = 100.0
SHOPIFY_BUCKET = 2000


def _serve_sandboxes(
    styles: int, skus_per_style: int, seed: int, conn: Connection, deliveries: int = 0, images: int = 0
) -> None:
    """Child process: build both sandboxes, serve them, report their URLs, wait to be told to stop."""
    from joorsync.joor.sandbox.app import JoorSandbox
    from joorsync.joor.sandbox.app import SandboxConfig as JoorConfig
    from joorsync.joor.sandbox.server import serve_in_thread as serve_joor
    from shopify_app.sandbox.app import ShopifySandbox
    from shopify_app.sandbox.config import SandboxConfig as ShopifyConfig
    from shopify_app.sandbox.server import serve_in_thread as serve_shopify

    joor = JoorSandbox(
        JoorConfig(
            styles=styles,
            seed=seed,
            skus_per_style=skus_per_style,
            tokens=(BENCH_JOOR_TOKEN,),
            rate_limit="off",
        )
    )
    shopify = ShopifySandbox(
        ShopifyConfig(
            shops=(BENCH_SHOP,),
            static_tokens={BENCH_SHOP: BENCH_SHOPIFY_TOKEN},
            rate_limit="off",
            deliver_webhooks="off",
        )
    )
    if deliveries:
        _spread_over_deliveries(joor, deliveries)
    if images:
        _give_images(joor, images)
    skus = sum(len(s.upcs) for s in joor.catalog.styles.values())
    with serve_joor(joor) as joor_url, serve_shopify(shopify) as shopify_url:
        conn.send({"joor": joor_url, "shopify": shopify_url, "skus": skus})
        conn.recv()  # blocks until the parent is done


class Command(BaseCommand):
    help = "Benchmark a full JOOR → Shopify sync and an unchanged re-sync on generated catalogs."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--styles", type=int, default=2000)
        parser.add_argument("--skus-per-style", type=int, default=12)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--json", action="store_true", help="print only the JSON line")
        parser.add_argument(
            "--deliveries",
            type=int,
            default=0,
            help="put the styles on N linesheets and sync them as collections",
        )
        parser.add_argument(
            "--images", type=int, default=0, help="give every style N images and measure image sync"
        )

    def handle(
        self, *args: Any, styles: int, skus_per_style: int, seed: int, json: bool, **options: Any
    ) -> None:
        if styles < 1 or skus_per_style < 1:
            raise CommandError("--styles and --skus-per-style must be positive")
        self._deliveries = int(options.get("deliveries") or 0)
        self._images = int(options.get("images") or 0)
        self._image_stats: list[dict[str, int]] = []
        ctx = multiprocessing.get_context("fork")
        parent_end, child_end = ctx.Pipe()
        child = ctx.Process(
            target=_serve_sandboxes,
            args=(
                styles,
                skus_per_style,
                seed,
                child_end,
                options.get("deliveries") or 0,
                int(options.get("images") or 0),
            ),
            daemon=True,
        )
        started = time.monotonic()
        child.start()
        try:
            if not parent_end.poll(600):
                raise CommandError("the sandboxes did not start within 10 minutes")
            urls = parent_end.recv()
            if not json:
                self.stderr.write(f"sandboxes ready in {time.monotonic() - started:.1f}s: {urls}")
            report = self._bench(urls, styles=styles)
        finally:
            parent_end.send("stop")
            child.join(timeout=10)
            if child.is_alive():
                child.kill()
        self.stdout.write(_dumps(report))

    def _bench(self, urls: dict[str, Any], *, styles: int) -> dict[str, Any]:
        Shop.objects.filter(shop_domain=BENCH_SHOP).delete()
        with transaction.atomic():
            shop = Shop.objects.create(
                shop_domain=BENCH_SHOP, access_token=BENCH_SHOPIFY_TOKEN, admin_base_url=urls["shopify"]
            )
            JoorAccount.objects.create(
                shop=shop,
                base_url=urls["joor"],
                token=BENCH_JOOR_TOKEN,
                direction=Direction.JOOR_TO_SHOPIFY,
                price_currency="USD",
            )
        if self._deliveries:
            LinesheetSettings.objects.create(shop=shop, direction=LinesheetDirection.JOOR_TO_SHOPIFY)
        try:
            first = self._run(shop, urls)
            rerun = self._run(shop, urls)
            collections = _collections_report(shop) if self._deliveries else {}
        finally:
            Shop.objects.filter(pk=shop.pk).delete()
        api = first.api
        joor_wait = max(0.0, api["joor_credits"] - JOOR_BURST) / JOOR_CREDITS_PER_SECOND
        shopify_wait = max(0.0, api["shopify_cost"] - SHOPIFY_BUCKET) / SHOPIFY_POINTS_PER_SECOND
        rerun_writes = (
            rerun.counts.shopify["created"]
            + rerun.counts.shopify["updated"]
            + rerun.counts.shopify["deleted"]
            + rerun.counts.joor["created"]
            + rerun.counts.joor["updated"]
        )
        return {
            "styles": styles,
            "skus": urls["skus"],
            "seconds": round(first.seconds, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "joor": {"requests": api["joor_requests"], "credits": api["joor_credits"]},
            "shopify": {"requests": api["shopify_requests"], "cost": api["shopify_cost"]},
            "projected_seconds_at_real_limits": round(first.seconds + joor_wait + shopify_wait, 1),
            "rerun": {
                "writes": rerun_writes,
                "requests": rerun.api["joor_requests"] + rerun.api["shopify_requests"],
                "seconds": round(rerun.seconds, 2),
            },
            "created": first.counts.shopify["created"],
            "errors": first.counts.errors + rerun.counts.errors,
            **collections,
            **self._images_section(styles),
        }

    def _images_section(self, styles: int) -> dict[str, Any]:
        if not self._images:
            return {}
        return _images_report(self._image_stats, styles=styles, per_style=self._images)

    def _run(self, shop: Shop, urls: dict[str, Any]) -> Any:
        job = SyncJob.objects.create(
            shop=shop,
            kind=SyncJob.Kind.FULL,
            direction=Direction.JOOR_TO_SHOPIFY,
            status=SyncJob.Status.RUNNING,
        )
        job = SyncJob.objects.select_related("shop__joor_account").get(pk=job.pk)
        joor = JoorClient(base_url=urls["joor"], token=BENCH_JOOR_TOKEN, timeout=120.0)
        shopify = AdminClient(
            shop=BENCH_SHOP, access_token=BENCH_SHOPIFY_TOKEN, admin_base_url=urls["shopify"], timeout=120.0
        )
        try:
            run = SyncRun(job=job, joor=joor, shopify=shopify, bulk_poll_interval=0.2)
            result = run.run()
            self._image_stats.append(dict(image_sync_of(run).stats))
        finally:
            SyncJob.objects.filter(pk=job.pk).update(status=SyncJob.Status.SUCCEEDED)
            joor.close()
            shopify.close()
        return result


def _dumps(report: dict[str, Any]) -> str:
    return json.dumps(report, separators=(",", ":"))


def _spread_over_deliveries(joor: Any, deliveries: int) -> None:
    """Child process: every style on one of `deliveries` linesheets (round robin), in style order."""
    from joorsync.joor.sandbox.model import DeliveryLink

    catalog = joor.catalog
    made = [
        catalog.add_collection(
            name=f"Bench delivery {n + 1}",
            code=f"BENCH-D{n + 1}",
            season_id=None,
            date_delivery_start=None,
            date_delivery_end=None,
            date_cancel=None,
        )
        for n in range(deliveries)
    ]
    for index, style in enumerate(catalog.sorted_styles()):
        style.deliveries = [
            DeliveryLink(collection_id=made[index % deliveries].id, style_display_order=index + 1)
        ]


def _collections_report(shop: Shop) -> dict[str, Any]:
    """The linesheet pass's own calls in each run, and the fewest calls the first one could take:
    per collection one collectionCreate and one collectionAddProductsV2 per 250 products, plus one read
    of the collections afterwards (docs/linesheets.md)."""
    summaries = list(
        SyncEvent.objects.filter(shop=shop, action=SUMMARY_ACTION)
        .order_by("pk")
        .values_list("details", flat=True)
    )
    sizes = [len(link.members) for link in LinesheetLink.objects.filter(shop=shop)]
    minimum = len(sizes) + sum(-(-size // 250) for size in sizes) + (1 if sizes else 0)
    first, rerun = ([s or {} for s in summaries] + [{}, {}])[:2]
    calls = (first.get("api") or {}).get("shopify_requests", 0)
    return {
        "collections": {
            "count": len(sizes),
            "products": sum(sizes),
            "first": first.get("api"),
            "rerun": rerun.get("api"),
            "minimum_calls": minimum,
            "ratio_to_minimum": round(calls / minimum, 2) if minimum else None,
        }
    }


def _give_images(joor: Any, per_style: int) -> None:
    """Child process: every style gets `per_style` images of its own (JOOR's path form)."""
    for style in joor.catalog.sorted_styles():
        base = f"/img/uploads/accounts/bench/images/{style.style_number}"
        style.images = [f"{base}-{n + 1}.jpg" for n in range(per_style)]


def _images_report(stats: list[dict[str, int]], *, styles: int, per_style: int) -> dict[str, Any]:
    """The image step's own calls in each run. The minimum is none: a new product's images go in its
    create (`productSet` `files`), an unchanged re-sync writes none (docs/images.md)."""
    first, rerun = (stats + [{}, {}])[:2]
    return {
        "images": {
            "per_style": per_style,
            "total": per_style * styles,
            "first_calls": sum(first.values()),
            "rerun_calls": sum(rerun.values()),
            "first": first,
            "minimum_calls": 0,
        }
    }
