"""The job layer's side of a run: build the engine for a claimed job with the shop's own clients,
report progress and events to the job's row, and record what the run leaves behind."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from django.utils import timezone

from joorsync.joor.client import JoorClient
from joorsync.sync import clients, jobs
from joorsync.sync.engine import RunResult, SyncRun
from joorsync.sync.engine.run import EventFn, ProgressFn
from joorsync.sync.models import JoorAccount, SyncJob
from shopify_app.admin.client import AdminClient

if TYPE_CHECKING:
    from joorsync.orders.run import OrdersResult


def sync_run(
    *,
    job: SyncJob,
    joor: JoorClient | None = None,
    shopify: AdminClient | None = None,
    progress: ProgressFn | None = None,
    event: EventFn | None = None,
) -> RunResult | OrdersResult:
    """Run `job` (already claimed as running) to the end; raise on a failure worth a retry.

    Clients default to the shop's own (credentials from the database); progress and events go to the
    job's row and event log, and a batch may step aside for a person's job (`SyncJobYield`).
    """
    account = job.shop.joor_account
    owned: list[JoorClient | AdminClient] = []
    if joor is None:
        joor = clients.joor_client_for(account=account)
        owned.append(joor)
    if shopify is None:
        shopify = clients.shopify_client_for(shop=job.shop)
        owned.append(shopify)
    if job.kind == SyncJob.Kind.ORDERS:
        return _orders_run(job=job, joor=joor, shopify=shopify, progress=progress, owned=owned)
    started_at = timezone.now()
    run = SyncRun(
        job=job,
        joor=joor,
        shopify=shopify,
        progress=progress or (lambda **kw: jobs.sync_job_progress(job=job, **kw)),
        event=event or (lambda **kw: jobs.sync_event_record(job=job, **kw)),
        yield_point=(lambda: jobs.sync_job_yield_point(job=job)) if progress is None else None,
    )
    # A worker's job proves it is alive even while it waits (a bulk operation, JOOR's credit window).
    beating = jobs.sync_job_heartbeat_thread(job=job) if progress is None else contextlib.nullcontext()
    try:
        with beating:
            result = run.run()
            run.report_final(result)
    finally:
        for client in owned:
            client.close()
    if job.dry_run:
        SyncJob.objects.filter(pk=job.pk).update(plan=result.preview)
    if not job.dry_run and job.kind in (SyncJob.Kind.FULL, SyncJob.Kind.INCREMENTAL):
        JoorAccount.objects.filter(pk=account.pk).update(
            last_joor_sync_at=started_at, last_shopify_sync_at=started_at
        )
    return result


def _orders_run(
    *,
    job: SyncJob,
    joor: JoorClient,
    shopify: AdminClient,
    progress: ProgressFn | None,
    owned: list[JoorClient | AdminClient],
) -> OrdersResult:
    """A job of kind "orders": the order import (`joorsync.orders.run`) under the same lease and
    heartbeat as a catalog sync."""
    from joorsync.orders.run import orders_run

    beating = jobs.sync_job_heartbeat_thread(job=job) if progress is None else contextlib.nullcontext()
    try:
        with beating:
            result = orders_run(
                job=job,
                joor=joor,
                shopify=shopify,
                progress=progress or (lambda **kw: jobs.sync_job_progress(job=job, **kw)),
            )
    finally:
        for client in owned:
            client.close()
    SyncJob.objects.filter(pk=job.pk).update(counters=dict(result.counters))
    return result
