"""`python manage.py sync_bench --styles N --skus-per-style M [--price-types T] [--json]`

Builds a catalog of that size in the JOOR sandbox (and an empty Shopify sandbox), runs a full
JOOR → Shopify sync, then an unchanged re-sync, and prints one JSON line of figures.

The sandboxes hold whole catalogs in memory, so they run in a forked child process served over
loopback sockets: the peak memory printed is the sync's own, not the emulators'. Real HTTP, real
clients, the configured database.

`--price-types T` routes the T price types most styles carry to Shopify price lists and prints the
price-list pass's own calls in both runs against the fewest it could take (docs/pricing.md).
"""

from __future__ import annotations

import json
import math
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
from joorsync.pricing.models import PriceTypeRoute
from joorsync.pricing.price_list_text import list_name
from joorsync.pricing.price_lists import SUMMARY_ACTION as PRICE_LISTS_SUMMARY
from joorsync.stock.bench import (
    BENCH_WAREHOUSES,
    StockCallCounter,
    bench_map_locations,
    bench_stock_places,
    stock_calls_report,
)
from joorsync.sync.engine import SyncRun
from joorsync.sync.models import Direction, JoorAccount, SyncEvent, SyncJob, VariantLink
from shopify_app.admin import pricing as pricing_api
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
    styles: int,
    skus_per_style: int,
    seed: int,
    conn: Connection,
    deliveries: int = 0,
    images: int = 0,
    price_types: int = 0,
    locations: int = 0,
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
    routed = _common_price_types(joor, price_types) if price_types else []
    if locations:
        bench_stock_places(joor=joor, shopify=shopify, shop_domain=BENCH_SHOP, locations=locations)
    with serve_joor(joor) as joor_url, serve_shopify(shopify) as shopify_url:
        conn.send({"joor": joor_url, "shopify": shopify_url, "skus": skus, "price_types": routed})
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
        parser.add_argument(
            "--price-types",
            type=int,
            default=0,
            help="route the N most used JOOR price types to Shopify price lists and measure that pass",
        )
        parser.add_argument(
            "--locations",
            type=int,
            default=0,
            help="N Shopify locations mapped to N JOOR warehouses (stock split over them); measure stock calls",
        )

    def handle(
        self, *args: Any, styles: int, skus_per_style: int, seed: int, json: bool, **options: Any
    ) -> None:
        if styles < 1 or skus_per_style < 1:
            raise CommandError("--styles and --skus-per-style must be positive")
        self._deliveries = int(options.get("deliveries") or 0)
        self._images = int(options.get("images") or 0)
        self._image_stats: list[dict[str, int]] = []
        self._price_types = int(options.get("price_types") or 0)
        self._locations = int(options.get("locations") or 0)
        self._stock_stats: list[dict[str, Any]] = []
        if not 0 <= self._locations <= len(BENCH_WAREHOUSES):
            raise CommandError(f"--locations must be 0 to {len(BENCH_WAREHOUSES)}")
        if self._price_types < 0:
            raise CommandError("--price-types must not be negative")
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
                self._price_types,
                self._locations,
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
        if self._locations:
            with AdminClient(
                shop=BENCH_SHOP,
                access_token=BENCH_SHOPIFY_TOKEN,
                admin_base_url=urls["shopify"],
                timeout=60.0,
            ) as client:
                bench_map_locations(shop=shop, client=client, warehouses=BENCH_WAREHOUSES[: self._locations])
        for label, currency in urls.get("price_types") or []:
            PriceTypeRoute.objects.create(
                shop=shop,
                label=label,
                currency=currency,
                destination=PriceTypeRoute.Destination.PRICE_LIST,
                amount=PriceTypeRoute.Amount.WHOLESALE,
            )
        try:
            first = self._run(shop, urls)
            rerun = self._run(shop, urls)
            collections = _collections_report(shop) if self._deliveries else {}
            price_lists = _price_lists_report(shop, urls) if urls.get("price_types") else {}
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
            **price_lists,
            **self._images_section(styles),
            **self._stock_section(urls),
        }

    def _stock_section(self, urls: dict[str, Any]) -> dict[str, Any]:
        if not self._locations:
            return {}
        return {"stock": stock_calls_report(self._stock_stats, skus=urls["skus"], locations=self._locations)}

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
            counter = StockCallCounter(run) if self._locations else None
            result = run.run()
            self._image_stats.append(dict(image_sync_of(run).stats))
            if counter is not None:
                self._stock_stats.append(counter.calls())
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
    per collection one collectionCreate and one collectionAddProductsV2 per 250 products, plus one
    lookup per 25 collections before creating them and one read of the collections afterwards
    (docs/linesheets.md)."""
    summaries = list(
        SyncEvent.objects.filter(shop=shop, action=SUMMARY_ACTION)
        .order_by("pk")
        .values_list("details", flat=True)
    )
    sizes = [len(link.members) for link in LinesheetLink.objects.filter(shop=shop)]
    lookups = -(-len(sizes) // 25)
    minimum = lookups + len(sizes) + sum(-(-size // 250) for size in sizes) + (1 if sizes else 0)
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


def _common_price_types(joor: Any, count: int) -> list[tuple[str, str]]:
    """Child process: the `count` (label, currency) pairs most styles have a wholesale price in."""
    types = joor.catalog.price_types
    seen: dict[tuple[str, str], int] = {}
    for style in joor.catalog.styles.values():
        for price in style.prices:
            kind = types.get(price.price_type_id)
            if kind is not None and price.wholesale and price.wholesale > 0:
                key = (kind.name, kind.currency_code.upper())
                seen[key] = seen.get(key, 0) + 1
    return [key for key, _ in sorted(seen.items(), key=lambda item: (-item[1], item[0]))[:count]]


def _price_lists_report(shop: Shop, urls: dict[str, Any]) -> dict[str, Any]:
    """The price-list pass's own calls in each run against the fewest it could take. Documented
    (docs/pricing.md) for T lists over N·V linked variants: a first fill T × ceil(N·V / 250) writes +
    T × ceil(N·V / 200) reads + the lists' creates; a re-sync the reads only. The tight minimum counts
    each list's P fixed prices: a first fill 1 read of the shop's lists + 1 create and ceil(P / 250)
    writes per list (a list just made is not read); a re-sync max(1, ceil(P / 200)) reads per list."""
    summaries = list(
        SyncEvent.objects.filter(shop=shop, action=PRICE_LISTS_SUMMARY)
        .order_by("pk")
        .values_list("details", flat=True)
    )
    first, rerun = ([s or {} for s in summaries] + [{}, {}])[:2]
    variants = VariantLink.objects.filter(product_link__shop=shop).exclude(shopify_variant_id="").count()
    client = AdminClient(
        shop=BENCH_SHOP, access_token=BENCH_SHOPIFY_TOKEN, admin_base_url=urls["shopify"], timeout=120.0
    )
    held: dict[str, int] = {}
    try:
        for route in PriceTypeRoute.objects.filter(shop=shop).order_by("label", "currency"):
            prices = pricing_api.price_list_prices(
                client, price_list_id=route.price_list_id, origin_type="FIXED"
            )
            held[list_name(route)] = len(prices)
    finally:
        client.close()
    lists = len(held)
    created = int(first.get("price_lists_created") or 0)
    documented_first = lists * (math.ceil(variants / 250) + math.ceil(variants / 200)) + created
    documented_rerun = lists * math.ceil(variants / 200)
    tight_first = (1 if created else 0) + created + sum(math.ceil(p / 250) for p in held.values())
    tight_rerun = sum(max(1, math.ceil(p / 200)) for p in held.values())
    first_calls = (first.get("api") or {}).get("shopify_requests", 0)
    rerun_calls = (rerun.get("api") or {}).get("shopify_requests", 0)

    def ratio(calls: int, minimum: int) -> float | None:
        return round(calls / minimum, 2) if minimum else None

    return {
        "price_lists": {
            "types": lists,
            "linked_variants": variants,
            "fixed_prices": held,
            "first": {
                "calls": first_calls,
                "cost": (first.get("api") or {}).get("shopify_cost", 0),
                "prices_set": first.get("prices_set", 0),
                "documented_minimum": documented_first,
                "ratio_to_documented": ratio(first_calls, documented_first),
                "tight_minimum": tight_first,
                "ratio_to_tight": ratio(first_calls, tight_first),
            },
            "rerun": {
                "calls": rerun_calls,
                "prices_set": rerun.get("prices_set", 0),
                "documented_minimum": documented_rerun,
                "ratio_to_documented": ratio(rerun_calls, documented_rerun),
                "tight_minimum": tight_rerun,
                "ratio_to_tight": ratio(rerun_calls, tight_rerun),
            },
            "problems": first.get("problems", 0),
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
