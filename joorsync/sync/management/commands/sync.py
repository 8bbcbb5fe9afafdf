"""`python manage.py sync --shop X [--full] [--direction …] [--dry-run] [--json]`: one sync, inline.

The job goes through the same services as a worker's (one running job per shop, recorded on the
job row), only run in this process. With `--json` the last line is the run's report.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from joorsync.core.text import strip_controls
from joorsync.sync.jobs import sync_job_create, sync_job_execute
from joorsync.sync.models import Direction, JoorAccount, SyncJob
from shopify_app.domains import shop_domain_clean
from shopify_app.models import Shop

EMPTY_SIDE = {"created": 0, "updated": 0, "deleted": 0, "unchanged": 0}


def job_report(job: SyncJob) -> dict[str, Any]:
    """The `--json` line: what the job did, from its stored counters and API usage."""
    counters = job.counters or {}
    api = job.api_usage or {}
    return {
        "shopify": {**EMPTY_SIDE, **(counters.get("shopify") or {})},
        "joor": {**EMPTY_SIDE, **(counters.get("joor") or {})},
        "conflicts": int(counters.get("conflicts", 0)),
        "errors": int(counters.get("errors", 0)) + (1 if job.status == SyncJob.Status.FAILED else 0),
        "api": {
            "joor_requests": int(api.get("joor_requests", 0)),
            "joor_credits": int(api.get("joor_credits", 0)),
            "shopify_requests": int(api.get("shopify_requests", 0)),
            "shopify_cost": int(api.get("shopify_cost", 0)),
        },
        "seconds": float(counters.get("seconds", 0.0)),
    }


class Command(BaseCommand):
    help = "Run one sync of a shop now, in this process."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--shop", required=True, help="the shop's myshopify.com domain")
        parser.add_argument("--full", action="store_true", help="the whole catalog, not only recent changes")
        parser.add_argument("--direction", choices=[d.value for d in Direction], default=None)
        parser.add_argument("--dry-run", action="store_true", help="plan and show the writes, write nothing")
        parser.add_argument("--json", action="store_true", help="end with the report as one JSON line")

    def handle(self, *args: Any, **options: Any) -> None:
        domain = shop_domain_clean(options["shop"])
        shop = Shop.objects.filter(shop_domain=domain).first() if domain else None
        if shop is None:
            raise CommandError(f"no installed shop {options['shop']!r}")
        if not JoorAccount.objects.filter(shop=shop).exists():
            raise CommandError(f"{shop.shop_domain} has no JOOR connection: run joor_connect first")
        job: SyncJob | None
        job = sync_job_create(
            shop=shop,
            kind=SyncJob.Kind.FULL if options["full"] else SyncJob.Kind.INCREMENTAL,
            direction=options["direction"],
            dry_run=options["dry_run"],
            trigger="command",
        )
        job = sync_job_execute(job_id=job.pk)
        if job is None:
            raise CommandError("the job disappeared while it ran")
        if job.status == SyncJob.Status.QUEUED:
            raise CommandError(f"another sync of {shop.shop_domain} is running; job {job.pk} waits for it")
        report = job_report(job)
        if options["dry_run"] and not options["json"]:
            for entry in job.plan or []:
                self.stdout.write(json.dumps(entry, ensure_ascii=False, default=str))
        if options["json"]:
            self.stdout.write(json.dumps(report, separators=(",", ":")))
        else:
            self.stdout.write(
                f"job {job.pk} {job.status}: Shopify {report['shopify']}, JOOR {report['joor']}, "
                f"{report['conflicts']} conflicts, {report['errors']} errors in {report['seconds']}s"
            )
        if job.status == SyncJob.Status.FAILED:
            raise CommandError(strip_controls(f"sync failed: {job.error}"))
