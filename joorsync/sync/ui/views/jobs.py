"""`/jobs` and `/jobs/<id>`: history with live progress, the per-job event log, retry of failed jobs."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from joorsync.sync.jobs import SyncJobStateError, sync_job_retry, sync_job_waiting_reason, target_items
from joorsync.sync.models import SyncJob
from joorsync.sync.selectors import sync_events_for, sync_job_get
from joorsync.sync.ui.auth import shop_required
from joorsync.sync.ui.diff import as_text
from joorsync.sync.ui.pagination import paginate
from joorsync.sync.ui.queries import jobs_any_active, jobs_filtered
from joorsync.sync.ui.views.common import next_url, page, redirect_to


def _job_or_404(request: HttpRequest, job_id: int) -> SyncJob:
    try:
        return sync_job_get(shop=request.shop, job_id=job_id)  # type: ignore[attr-defined]
    except SyncJob.DoesNotExist:
        raise Http404("no such job") from None


@require_GET
@shop_required
def job_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in SyncJob.Status.values else ""
    view = paginate(jobs_filtered(shop=request.shop, status=status), request.GET)  # type: ignore[attr-defined]
    context = {
        "pages": view,
        "jobs": view.rows,
        "polling": jobs_any_active(jobs=view.rows),
        "status": status,
        "statuses": SyncJob.Status.choices,
    }
    return page(request, "sync/jobs.html", context, nav="jobs")


@require_GET
@shop_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_or_404(request, job_id)
    events = paginate(
        sync_events_for(shop=request.shop, job=job).select_related("link").defer("link__snapshot"),  # type: ignore[attr-defined]
        request.GET,
    )
    context = {
        "job": job,
        "events": events,
        "polling": job.status in (SyncJob.Status.QUEUED, SyncJob.Status.RUNNING),
        "plan_rows": plan_rows(job.plan) if job.dry_run else [],
        "counters": counter_rows(job.counters),
        "waiting": sync_job_waiting_reason(job=job),
        "products": len(target_items(job.target)) if job.kind == SyncJob.Kind.TARGETED else 0,
    }
    return page(request, "sync/job_detail.html", context, nav="jobs")


def counter_rows(counters: dict | None) -> list[tuple[str, str]]:
    """A job's counters as readable lines: `Shopify` → `created 4 · updated 0 · …`."""
    labels = {
        "shopify": "Shopify",
        "joor": "JOOR",
        "conflicts": "Conflicts",
        "errors": "Errors",
        "seconds": "Seconds",
    }
    rows = []
    for name, value in (counters or {}).items():
        if isinstance(value, dict):
            value = " · ".join(f"{key} {count}" for key, count in value.items())
        rows.append((labels.get(name, name), str(value)))
    return rows


@require_POST
@shop_required
def job_retry(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_or_404(request, job_id)
    try:
        sync_job_retry(job=job)
    except SyncJobStateError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Job #{job.pk} queued again; it resumes from its checkpoint.")
    return redirect_to(next_url(request, reverse("ui:jobs")))


def plan_rows(plan: list[dict[str, Any]] | None) -> list[tuple[str, str, str]]:
    """A dry run's plan as (product, change, value) rows a person can read."""
    rows: list[tuple[str, str, str]] = []
    for entry in plan or []:
        product = str(entry.get("style_number") or entry.get("shopify_product_id") or "")
        if "create_in_shopify" in entry:
            rows.append(
                (str(entry["create_in_shopify"]), "Create in Shopify", f"JOOR style {entry.get('style_id')}")
            )
        elif "create_in_joor" in entry:
            rows.append(
                (str(entry["create_in_joor"]), "Create in JOOR", str(entry.get("shopify_product_id", "")))
            )
        elif "mark" in entry:
            rows.append((product, "Mark as", str(entry["mark"]).replace("_", " ")))
        elif "link" in entry:
            rows.append((product, f"Link by {entry['link']}", str(entry.get("shopify_product_id", ""))))
        elif "shopify_writes" in entry or "joor_writes" in entry:
            for path, value in (entry.get("shopify_writes") or {}).items():
                rows.append((product, f"Write Shopify: {path}", as_text(value)))
            for path, value in (entry.get("joor_writes") or {}).items():
                rows.append((product, f"Write JOOR: {path}", as_text(value)))
            for conflict in entry.get("conflicts") or []:
                rows.append(
                    (
                        product,
                        f"Conflict: {conflict.get('field_path')}",
                        f"Shopify {as_text(conflict.get('shopify'))} / JOOR {as_text(conflict.get('joor'))}",
                    )
                )
            for problem in entry.get("problems") or []:
                rows.append(
                    (
                        product,
                        f"Not written: {problem.get('field_path') or 'product'}",
                        str(problem.get("message")),
                    )
                )
        else:
            rows.append((product, "Change", as_text(entry)))
    return rows
