"""`manage.py ui_bench`: how fast the merchant UI renders a page with 10,000 conflicts and links.

Creates a throwaway installed shop with N links, N open conflicts, a few hundred jobs and events,
signs in through the sandbox login and renders each page through Django's test client (the whole
stack: middleware, auth, queries, templates), then deletes the shop. Goal: median < 300 ms a page.
"""

from __future__ import annotations

import json
import secrets
import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from joorsync.sync.models import Conflict, JoorAccount, ProductLink, SyncEvent, SyncJob
from shopify_app.models import Shop

PAGES = (
    "/conflicts",
    "/conflicts?page=200",
    "/conflicts?product=product+9999",
    "/links",
    "/links?status=unmatched",
    "/links?q=B-99",
    "/jobs",
    "/",
)
JOBS = 300
EVENTS_PER_JOB = 10
#: Writes recorded for the first product, whose history page is measured too (it reads the newest).
HISTORY_EVENTS = 3000
BATCH = 2000


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


class Command(BaseCommand):
    help = "Benchmark the merchant UI pages with many conflicts and links (creates and deletes a shop)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=10_000, help="links and open conflicts to create")
        parser.add_argument("--renders", type=int, default=20, help="renders per page")
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")

    def handle(self, *args: Any, rows: int, renders: int, json: bool, **options: Any) -> None:
        if rows < 1 or renders < 1:
            raise CommandError("--rows and --renders must be positive")
        domain = f"ui-bench-{secrets.token_hex(4)}.myshopify.com"
        started = time.perf_counter()
        shop = self._populate(domain, rows)
        setup_s = time.perf_counter() - started
        busiest = ProductLink.objects.filter(shop=shop).order_by("pk").first()
        pages = (*PAGES, f"/links/{busiest.pk}/history") if busiest is not None else PAGES
        try:
            results = self._measure(domain, renders, pages)
        finally:
            shop.delete()
        report = {"rows": rows, "renders": renders, "setup_seconds": round(setup_s, 2), "pages": results}
        if json:
            self.stdout.write(_dumps(report))
            return
        self.stdout.write(f"{rows} links and conflicts, {renders} renders a page (setup {setup_s:.1f} s)")
        for url, figures in results.items():
            self.stdout.write(
                f"  {url:<34} median {figures['median_ms']:7.1f} ms   p95 {figures['p95_ms']:7.1f} ms"
                f"   ({figures['bytes']} bytes)"
            )

    def _populate(self, domain: str, rows: int) -> Shop:
        now = timezone.now()
        shop = Shop.objects.create(
            shop_domain=domain, access_token=f"shpat_{secrets.token_hex(8)}", installed_at=now
        )
        JoorAccount.objects.create(shop=shop, base_url="http://127.0.0.1:9", token=secrets.token_hex(8))
        links = ProductLink.objects.bulk_create(
            (
                ProductLink(
                    shop=shop,
                    status=_status(n),
                    method=ProductLink.Method.BARCODE if _status(n) == ProductLink.Status.LINKED else "",
                    shopify_product_id="" if n % 10 == 5 else f"gid://shopify/Product/{n}",
                    shopify_title=f"Bench product {n}",
                    joor_style_id=None if n % 10 == 0 else 100_000 + n,
                    style_number=f"B-{n}",
                    style_identifier=f"B-{n}",
                    joor_name=f"Bench style {n}",
                    snapshot={"title": f"Bench product {n}", "tags": ["a", "b"], "description": "x" * 400},
                    last_synced_at=now,
                )
                for n in range(1, rows + 1)
            ),
            batch_size=BATCH,
        )
        Conflict.objects.bulk_create(
            (
                Conflict(
                    shop=shop,
                    link=link,
                    field_path="title",
                    base_value=f"Bench product {i}",
                    shopify_value=f"Bench product {i} (Shopify)",
                    joor_value=f"Bench product {i} (JOOR)",
                )
                for i, link in enumerate(links)
            ),
            batch_size=BATCH,
        )
        jobs = SyncJob.objects.bulk_create(
            SyncJob(
                shop=shop,
                kind=SyncJob.Kind.FULL,
                status=SyncJob.Status.SUCCEEDED if n % 7 else SyncJob.Status.FAILED,
                progress_done=rows,
                progress_total=rows,
                counters={"shopify": {"updated": n}, "joor": {"updated": n}},
                error="" if n % 7 else "JoorTransientError: timed out",
                finished_at=now,
            )
            for n in range(JOBS)
        )
        SyncEvent.objects.bulk_create(
            (
                SyncEvent(shop=shop, job=job, action="shopify_updated", message=f"event {k}")
                for job in jobs
                for k in range(EVENTS_PER_JOB)
            ),
            batch_size=BATCH,
        )
        SyncEvent.objects.bulk_create(
            (
                SyncEvent(
                    shop=shop,
                    job=jobs[k % JOBS],
                    link=links[0],
                    action="updated",
                    side="shopify",
                    message="Shopify updated: title",
                    details={
                        "paths": ["title", "description"],
                        "changes": [
                            {"path": "title", "old": f"Title {k}", "new": f"Title {k + 1}", "by": "merge"},
                            {"path": "description", "old": "x" * 400, "new": "y" * 400, "by": "merge"},
                        ],
                    },
                )
                for k in range(HISTORY_EVENTS)
            ),
            batch_size=BATCH,
        )
        return shop

    def _measure(self, domain: str, renders: int, pages: tuple[str, ...]) -> dict[str, dict[str, float]]:
        results: dict[str, dict[str, float]] = {}
        with override_settings(SANDBOX_MODE=True, ALLOWED_HOSTS=["testserver"]):
            client = Client()
            login = client.get("/sandbox/login", {"shop": domain})
            if login.status_code != 302:
                raise CommandError(f"sandbox login failed with HTTP {login.status_code}")
            for url in pages:
                client.get(url)  # warm up (template compilation, first queries)
                samples: list[float] = []
                size = 0
                for _ in range(renders):
                    start = time.perf_counter()
                    response = client.get(url)
                    samples.append((time.perf_counter() - start) * 1000)
                    if response.status_code != 200:
                        raise CommandError(f"{url} answered HTTP {response.status_code}")
                    size = len(response.content)
                results[url] = {
                    "median_ms": round(statistics.median(samples), 1),
                    "p95_ms": round(_percentile(samples, 0.95), 1),
                    "bytes": size,
                }
        return results


def _status(n: int) -> str:
    """Nine in ten linked; the rest unmatched on one side or the other (so suggestions are computed)."""
    if n % 10 == 0:
        return ProductLink.Status.UNMATCHED_SHOPIFY
    if n % 10 == 5:
        return ProductLink.Status.UNMATCHED_JOOR
    return ProductLink.Status.LINKED


def _dumps(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2)
