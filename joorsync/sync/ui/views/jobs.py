"""`/jobs` and `/jobs/<id>`: history with live progress, the per-job event log, retry of failed jobs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from joorsync.sync.jobs import SyncJobStateError, sync_job_retry, sync_job_waiting_reason, target_items
from joorsync.sync.models import ProductLink, SyncEvent, SyncJob
from joorsync.sync.selectors import (
    conflicts_open_for,
    product_problems_open_for,
    sync_events_for,
    sync_job_get,
)
from joorsync.sync.ui import labels
from joorsync.sync.ui.auth import shop_required
from joorsync.sync.ui.diff import as_text
from joorsync.sync.ui.pagination import paginate
from joorsync.sync.ui.queries import (
    job_problem_counts,
    job_targets,
    jobs_any_active,
    jobs_filtered,
    links_for_plan,
    product_names_for_gids,
    variant_names_for,
    with_problem_counts,
)
from joorsync.sync.ui.views.common import next_url, page, redirect_to
from shopify_app.models import Shop


def _job_or_404(request: HttpRequest, job_id: int) -> SyncJob:
    try:
        return sync_job_get(shop=request.shop, job_id=job_id)  # type: ignore[attr-defined]
    except SyncJob.DoesNotExist:
        raise Http404("no such job") from None


@dataclass(frozen=True)
class JobRow:
    """A job in the list: its state in words (with the problems it left) and what it touched."""

    job: SyncJob
    state: labels.JobState
    products: list[labels.ProductRef]


def job_rows(jobs: list[SyncJob], *, shop: Shop) -> list[JobRow]:
    """Rows of jobs read `with_problem_counts`."""
    targets = job_targets(shop=shop, jobs=jobs)
    return [
        JobRow(
            job=job,
            state=labels.job_state(job, problems=getattr(job, "left_problems", 0)),
            products=[
                labels.product_ref(link, shop_domain=shop.shop_domain) for link in targets.get(job.pk, [])
            ],
        )
        for job in jobs
    ]


@require_GET
@shop_required
def job_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in SyncJob.Status.values else ""
    view = paginate(with_problem_counts(jobs_filtered(shop=request.shop, status=status)), request.GET)  # type: ignore[attr-defined]
    context = {
        "pages": view,
        "jobs": view.rows,
        "rows": job_rows(view.rows, shop=request.shop),  # type: ignore[attr-defined]
        "polling": jobs_any_active(jobs=view.rows),
        "status": status,
        "statuses": SyncJob.Status.choices,
    }
    return page(request, "sync/jobs.html", context, nav="jobs")


@dataclass(frozen=True)
class EventRow:
    """One event of the log in a person's words: the product by name, fields by their labels."""

    event: SyncEvent
    product: labels.ProductRef | None
    action: str
    side: str
    level: str
    message: str


def _event_paths(event: SyncEvent) -> list[str]:
    details = event.details if isinstance(event.details, dict) else {}
    paths = details.get("paths")
    found = [str(p) for p in paths] if isinstance(paths, list) else []
    if details.get("field_path"):
        found.append(str(details["field_path"]))
    return found


def _event_message(event: SyncEvent, names: labels.VariantNames | None, products: dict[str, str]) -> str:
    """The event's sentence with fields, variants and products named; an update lists the fields
    it wrote by label, a problem starts with the field it is about."""
    details = event.details if isinstance(event.details, dict) else {}
    paths = details.get("paths")
    if event.action == "updated" and isinstance(paths, list) and paths:
        return f"{labels.side_label(event.side)} updated: {labels.field_labels(map(str, paths), names)}"
    message = labels.humanize_text(event.message, names=names, products=products)
    field_path = details.get("field_path")
    if event.action == "problem" and field_path:
        return f"{labels.field_label(str(field_path), names)}: {message}"
    return message


def event_rows(events: list[SyncEvent], *, shop: Shop) -> list[EventRow]:
    """A page of events named for a person (one query for colour names, one for quoted products)."""
    wanted = [
        (e.link_id, key)
        for e in events
        if e.link_id is not None
        for key in labels.variant_keys_in(e.message, *_event_paths(e))
    ]
    names = variant_names_for(wanted=wanted)
    products = product_names_for_gids(shop=shop, gids=labels.shopify_gids_in(*(e.message for e in events)))
    for e in events:
        if e.link is not None and e.link.shopify_product_id:
            products[e.link.shopify_product_id] = labels.product_name(e.link)
    return [
        EventRow(
            event=e,
            product=labels.product_ref(e.link, shop_domain=shop.shop_domain) if e.link is not None else None,
            action=labels.action_label(e.action),
            side=labels.side_label(e.side) if e.side else "—",
            level=e.get_level_display(),
            message=_event_message(e, names.get(e.link_id or 0), products),
        )
        for e in events
    ]


@dataclass(frozen=True)
class PreviewSummary:
    """What a preview found, and what already waits for a person (a preview opens nothing itself)."""

    new_conflicts: int
    new_problems: int
    open_conflicts: int
    open_problems: int


def preview_summary(job: SyncJob, *, shop: Shop) -> PreviewSummary:
    entries = job.plan or []
    return PreviewSummary(
        new_conflicts=sum(len(e.get("conflicts") or []) for e in entries),
        new_problems=sum(len(e.get("problems") or []) for e in entries),
        open_conflicts=conflicts_open_for(shop=shop).count(),
        open_problems=product_problems_open_for(shop=shop).count(),
    )


@require_GET
@shop_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_or_404(request, job_id)
    shop = request.shop  # type: ignore[attr-defined]
    events = paginate(
        sync_events_for(shop=shop, job=job).select_related("link").defer("link__snapshot"),
        request.GET,
    )
    touched = [
        labels.product_ref(link, shop_domain=shop.shop_domain)
        for link in job_targets(shop=shop, jobs=[job]).get(job.pk, [])
    ]
    plan_links = links_for_plan(shop=shop, plan=job.plan) if job.dry_run else {}
    plan_names = variant_names_for(
        wanted=[
            (plan_links[key].pk, variant_key)
            for key, path in plan_paths(job.plan if job.dry_run else None)
            if key in plan_links
            for variant_key in labels.variant_keys_in(path)
        ]
    )
    context = {
        "job": job,
        "state": labels.job_state(job, problems=job_problem_counts(jobs=[job]).get(job.pk, 0)),
        "events": events,
        "event_rows": event_rows(events.rows, shop=shop),
        "touched": touched,
        "polling": job.status in (SyncJob.Status.QUEUED, SyncJob.Status.RUNNING),
        "plan_rows": plan_rows(
            job.plan, links=plan_links, variant_names=plan_names, shop_domain=shop.shop_domain
        )
        if job.dry_run
        else [],
        "preview": preview_summary(job, shop=shop) if job.dry_run else None,
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
        "conflicts": "New conflicts",
        "problems": "New problems",
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


@dataclass(frozen=True)
class PlanRow:
    """One planned change of a preview: which product, what would change, to what."""

    product: labels.ProductRef
    change: str
    value: str


def plan_paths(plan: list[dict[str, Any]] | None) -> list[tuple[str, str]]:
    """(product key, field path) for every field a plan names: to look up the colour names."""
    found: list[tuple[str, str]] = []
    for entry in plan or []:
        key = str(entry.get("style_number") or entry.get("shopify_product_id") or "")
        for side in ("shopify_writes", "joor_writes"):
            found.extend((key, str(path)) for path in entry.get(side) or {})
        for item in [*(entry.get("conflicts") or []), *(entry.get("problems") or [])]:
            if item.get("field_path"):
                found.append((key, str(item["field_path"])))
    return found


class _PlanNames:
    """Products of a plan by style number or Shopify id, and their colour names by link."""

    def __init__(
        self,
        links: Mapping[str, ProductLink],
        variant_names: Mapping[int, labels.VariantNames],
        shop_domain: str,
    ) -> None:
        self.links = links
        self.variant_names = variant_names
        self.shop_domain = shop_domain

    def product(self, *keys: str, fallback: str = "") -> labels.ProductRef:
        for key in keys:
            link = self.links.get(key) if key else None
            if link is not None:
                return labels.product_ref(link, shop_domain=self.shop_domain)
        return labels.ProductRef(name=fallback or "A product")

    def shopify_product(self, gid: str) -> str:
        link = self.links.get(gid) if gid else None
        if link is not None:
            return labels.product_name(link)
        number = labels.numeric_id(gid)
        return f"Shopify product {number}" if number else gid

    def names(self, *keys: str) -> labels.VariantNames | None:
        for key in keys:
            link = self.links.get(key) if key else None
            if link is not None:
                return self.variant_names.get(link.pk)
        return None


def plan_rows(
    plan: list[dict[str, Any]] | None,
    *,
    links: Mapping[str, ProductLink] | None = None,
    variant_names: Mapping[int, labels.VariantNames] | None = None,
    shop_domain: str = "",
) -> list[PlanRow]:
    """A dry run's plan as rows a person can read: products by name, fields by label, values as
    text. `links` (by style number and Shopify product id) names the products it knows, and
    `variant_names` (by link id) their colours."""
    known = _PlanNames(links or {}, variant_names or {}, shop_domain)
    rows: list[PlanRow] = []
    for entry in plan or []:
        gid = str(entry.get("shopify_product_id") or "")
        number = str(entry.get("style_number") or "")
        product = known.product(number, gid, fallback=number or known.shopify_product(gid))
        names = known.names(number, gid)
        if "create_in_shopify" in entry:
            style = str(entry["create_in_shopify"])
            rows.append(
                PlanRow(
                    known.product(style, fallback=style),
                    "Create in Shopify",
                    f"From JOOR style {style}",
                )
            )
        elif "create_in_joor" in entry:
            rows.append(
                PlanRow(
                    known.product(gid, fallback=known.shopify_product(gid)),
                    "Create in JOOR",
                    f"Style {entry['create_in_joor']}",
                )
            )
        elif "mark" in entry:
            rows.append(PlanRow(product, "Mark as", str(entry["mark"]).replace("_", " ")))
        elif "link" in entry:
            method = str(entry["link"]).replace("_", " ")
            rows.append(PlanRow(product, f"Link by {method}", known.shopify_product(gid)))
        elif "shopify_writes" in entry or "joor_writes" in entry:
            rows.extend(_write_rows(entry, product, names))
        else:
            rows.append(PlanRow(product, "Change", labels.humanize_text(as_text(entry), names=names)))
    return rows


_IMAGE_CHANGES = (("add", "add"), ("remove", "remove"), ("order", "put in this order"))


def _image_rows(
    images: Mapping[str, Any] | None, product: labels.ProductRef, names: labels.VariantNames | None
) -> list[PlanRow]:
    """A preview's image changes (`joorsync.media.history.image_preview`): per side the images added,
    removed and reordered by name, and each colour's new image."""
    rows: list[PlanRow] = []
    for key, side in (("shopify", "Shopify"), ("joor", "JOOR")):
        found = (images or {}).get(key) or {}
        for change, verb in _IMAGE_CHANGES:
            if found.get(change):
                rows.append(PlanRow(product, f"Images in {side}: {verb}", ", ".join(map(str, found[change]))))
        for code, name in (found.get("colours") or {}).items():
            label = labels.field_label(f"images.color[{code}]", names)
            rows.append(PlanRow(product, f"Change in {side}: {label}", str(name)))
    return rows


def _write_rows(
    entry: Mapping[str, Any], product: labels.ProductRef, names: labels.VariantNames | None
) -> list[PlanRow]:
    rows: list[PlanRow] = []
    for side, writes in (("Shopify", entry.get("shopify_writes")), ("JOOR", entry.get("joor_writes"))):
        for path, value in (writes or {}).items():
            change = f"Change in {side}: {labels.field_label(path, names)}"
            rows.append(PlanRow(product, change, labels.value_text(path, value)))
    rows.extend(_image_rows(entry.get("images"), product, names))
    for conflict in entry.get("conflicts") or []:
        path = str(conflict.get("field_path") or "")
        shopify = labels.value_text(path, conflict.get("shopify"))
        joor = labels.value_text(path, conflict.get("joor"))
        rows.append(
            PlanRow(
                product, f"Conflict: {labels.field_label(path, names)}", f"Shopify {shopify} / JOOR {joor}"
            )
        )
    for problem in entry.get("problems") or []:
        path = str(problem.get("field_path") or "")
        change = f"Not written: {labels.field_label(path, names)}" if path else "Not written"
        message = labels.humanize_text(str(problem.get("message")), names=names)
        rows.append(PlanRow(product, change, message))
    return rows
