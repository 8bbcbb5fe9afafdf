"""`python manage.py orders --shop X [--dry-run] [--json]`: import the shop's JOOR orders now, in
this process (the same job and services a worker runs), or show what an import would do."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from joorsync.core.text import strip_controls
from joorsync.orders.preview import orders_preview
from joorsync.orders.selectors import order_counts, order_settings_get
from joorsync.sync import clients
from joorsync.sync.jobs import sync_job_create, sync_job_execute
from joorsync.sync.models import JoorAccount, SyncJob
from shopify_app.domains import shop_domain_clean
from shopify_app.models import Shop


class Command(BaseCommand):
    help = "Import a shop's JOOR wholesale orders into Shopify now (or show what would be imported)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--shop", required=True, help="the shop's myshopify.com domain")
        parser.add_argument(
            "--dry-run", action="store_true", help="read both sides, write nothing, mark nothing"
        )
        parser.add_argument("--json", action="store_true", help="end with the report as one JSON line")

    def handle(self, *args: Any, **options: Any) -> None:
        domain = shop_domain_clean(options["shop"])
        shop = Shop.objects.filter(shop_domain=domain).first() if domain else None
        if shop is None:
            raise CommandError(f"no installed shop {options['shop']!r}")
        account = JoorAccount.objects.filter(shop=shop).first()
        if account is None:
            raise CommandError(f"{shop.shop_domain} has no JOOR connection: run joor_connect first")
        if options["dry_run"]:
            self._preview(shop, account, as_json=options["json"])
            return
        job = sync_job_create(shop=shop, kind=SyncJob.Kind.ORDERS, trigger=SyncJob.Trigger.COMMAND)
        ran = sync_job_execute(job_id=job.pk)
        if ran is None:
            raise CommandError("the job disappeared while it ran")
        if ran.status == SyncJob.Status.QUEUED:
            raise CommandError(f"another job of {shop.shop_domain} is running; job {ran.pk} waits for it")
        orders = order_counts(shop=shop)
        report: dict[str, Any] = {
            "job": ran.pk,
            "status": ran.status,
            "counters": ran.counters or {},
            "orders": orders,
            "api": ran.api_usage or {},
        }
        if options["json"]:
            self.stdout.write(json.dumps(report, separators=(",", ":"), default=str))
        else:
            counts = ", ".join(f"{n} {state}" for state, n in orders.items() if n)
            self.stdout.write(f"job {ran.pk} {ran.status}: {report['counters']}; orders: {counts or 'none'}")
        if ran.status == SyncJob.Status.FAILED:
            raise CommandError(strip_controls(f"order import failed: {ran.error}"))

    def _preview(self, shop: Shop, account: JoorAccount, *, as_json: bool) -> None:
        with (
            clients.joor_client_for(account=account) as joor,
            clients.shopify_client_for(shop=shop) as shopify,
        ):
            entries = orders_preview(
                shop=shop, joor=joor, shopify=shopify, settings=order_settings_get(shop=shop)
            )
        for entry in entries:
            if as_json:
                continue
            line = (
                f"{entry.outcome:6} JOOR order {entry.joor_order_id} ({entry.retailer}, {entry.units} units)"
            )
            self.stdout.write(line + (f": {entry.reason}" if entry.reason else ""))
        summary: dict[str, int] = {}
        for entry in entries:
            summary[entry.outcome] = summary.get(entry.outcome, 0) + 1
        if as_json:
            self.stdout.write(
                json.dumps(
                    {"dry_run": True, "summary": summary, "orders": [e.as_dict() for e in entries]},
                    separators=(",", ":"),
                )
            )
        else:
            self.stdout.write(
                f"dry run: {summary or 'no orders waiting in JOOR'}; nothing was written or marked"
            )
