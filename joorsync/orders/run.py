"""An order run, as a sync job of kind "orders": recover and read JOOR's order export, import every
waiting order, apply JOOR's changes to imported orders, and send Shopify's news back to JOOR.

The job's one-running-job-per-shop rule, lease, heartbeat and recovery of a killed worker are the
sync jobs' own (`joorsync.sync.jobs`); the order rows are the checkpoint: a run taken up again finds
every order in the state the last one left it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from joorsync.joor.client import JoorClient
from joorsync.orders.imports import ImportContext, held_orders_retry, order_import
from joorsync.orders.lines import VariantIndex
from joorsync.orders.models import ImportedOrder
from joorsync.orders.pull import order_changes_pull, order_pull
from joorsync.orders.selectors import (
    order_settings_get,
    orders_changed_in_joor,
    orders_to_import,
    orders_with_status_due,
)
from joorsync.orders.status import order_joor_change_apply, order_status_push
from joorsync.sync.jobs import sync_event_record
from joorsync.sync.models import ApiGeneration, SyncEvent, SyncJob
from shopify_app.admin.client import AdminClient

ProgressFn = Callable[..., None]
#: Orders between two progress reports (each one UPDATE of the job row).
ORDERS_PER_REPORT = 10


@dataclass
class OrdersResult:
    counters: dict[str, int] = field(default_factory=dict)

    def bump(self, key: str, amount: int = 1) -> None:
        self.counters[key] = self.counters.get(key, 0) + amount


def _primary_location(shopify: AdminClient) -> str:
    locations = [loc for loc in shopify.locations() if loc.is_active]
    return locations[0].id if locations else ""


def orders_run(
    *,
    job: SyncJob,
    joor: JoorClient,
    shopify: AdminClient,
    progress: ProgressFn | None = None,
) -> OrdersResult:
    shop = job.shop
    settings = order_settings_get(shop=shop)
    result = OrdersResult()

    # Progress counts orders. A resumed job (its worker was lost) goes on from what the row showed:
    # the orders its earlier attempt finished are not pending any more, so they are added, not redone.
    before = max(0, int(job.progress_done or 0))

    def report(done: int, total: int, *, every: int = 1) -> None:
        if progress is not None and (done % every == 0 or done == total):
            usage: dict[str, Any] = {"joor": joor.usage.as_dict(), "shopify": shopify.usage}
            progress(
                done=before + done,
                total=before + total,
                counters=dict(result.counters),
                api_usage=usage,
            )

    v4 = shop.joor_account.api_generation == ApiGeneration.V4
    pulled = order_pull(shop=shop, joor=joor, settings=settings, job=job, v4_fallback=v4)
    read_v2 = not (v4 and pulled.through_v4)
    changes = order_changes_pull(shop=shop, joor=joor, settings=settings, v2=read_v2)
    result.bump("received", pulled.received)
    result.bump("new", pulled.new)
    result.bump("changed_in_joor", pulled.changed + changes.changed)
    result.bump("retried", held_orders_retry(shop_id=shop.pk))

    pending = list(orders_to_import(shop=shop).values_list("pk", flat=True))
    changed = list(orders_changed_in_joor(shop=shop))
    due = list(orders_with_status_due(shop=shop))
    total = len(pending) + len(changed) + (len(due) if settings.send_status_to_joor else 0)
    done = 0
    report(done, total)
    if pending or changed:
        info = shopify.shop()
        ctx = ImportContext(
            shopify=shopify,
            settings=settings,
            index=VariantIndex.for_shop(shop),
            shop_currency=info.currency_code,
            primary_location_id=_primary_location(shopify) if settings.mark_fulfilled else "",
            job=job,
        )
        for order in changed:
            state = order_joor_change_apply(order=order, ctx=ctx)
            result.bump(f"joor_{ImportedOrder.State(state).value}")
            if state == "received":
                pending.append(order.pk)  # counted once, when it is imported
                continue
            done += 1
            report(done, total, every=ORDERS_PER_REPORT)
        for pk in pending:
            result.bump(ImportedOrder.State(order_import(order_pk=pk, ctx=ctx) or "skipped").value)
            done += 1
            report(done, total, every=ORDERS_PER_REPORT)
    if settings.send_status_to_joor:
        account = shop.joor_account
        for order in due:
            order_status_push(order=order, joor=joor, account=account, job=job)
            result.bump("status_sent")
            done += 1
            report(done, total, every=ORDERS_PER_REPORT)
    report(done, max(done, total))
    _summary(job, result)
    return result


def _summary(job: SyncJob, result: OrdersResult) -> None:
    """One line on the job's page saying what the run did, in words (each order has its own history)."""
    c = result.counters
    parts = [f"{c.get('new', 0)} new JOOR order(s) read"]
    for key, words in (
        ("imported", "imported into Shopify"),
        ("held", "held (see Orders)"),
        ("skipped", "not imported (status in JOOR)"),
        ("changed_in_joor", "changed in JOOR"),
        ("status_sent", "status updates for JOOR"),
    ):
        if c.get(key):
            parts.append(f"{c[key]} {words}")
    sync_event_record(
        job=job,
        action="orders",
        level=SyncEvent.Level.WARNING if c.get("held") else SyncEvent.Level.INFO,
        message="; ".join(parts) + ".",
        details=dict(c),
    )
