"""`/links/<id>/history`: one product's history — every change the app made or refused on either
side with before and after and what started it — and putting back a value a write of the app
replaced."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from joorsync.sync.canonical import is_blank
from joorsync.sync.history import HistoryEntry, product_history_for
from joorsync.sync.models import Conflict, ProductLink, ProductProblem, SyncEvent, SyncJob
from joorsync.sync.restore import RestoreRefused, product_change_restore
from joorsync.sync.ui import labels
from joorsync.sync.ui.auth import shop_required, user_label
from joorsync.sync.ui.pagination import paginate
from joorsync.sync.ui.views.common import page, redirect_to

#: What started a job, as the end of "… by <this>".
TRIGGER_WORDS: dict[str, str] = {
    SyncJob.Trigger.MANUAL: "a sync started by hand",
    SyncJob.Trigger.COMMAND: "a sync from the command line",
    SyncJob.Trigger.SCHEDULE: "a scheduled sync",
    SyncJob.Trigger.WEBHOOK: "a change Shopify reported (webhook)",
    SyncJob.Trigger.CONFLICT: "a person's decision on a conflict",
}
#: Events a person's action in the app records (outside any job).
PERSON_ACTIONS = frozenset(
    {"restore_requested", "resolution_undone", "linked_by_hand", "unlinked", "relinked"}
)
#: Why the engine wrote a value, in words.
DECIDER_WORDS = {
    "merge": "changed on the other side",
    "ownership": "a field-ownership rule",
    "person": "a person's decision",
    "clear": "a person cleared it",
}


@dataclass(frozen=True)
class ChangeRow:
    label: str
    before: str
    after: str
    why: str
    restorable: bool
    refusal: str
    path: str
    event_id: int | None
    clears: bool = False


@dataclass(frozen=True)
class EntryRow:
    at: datetime
    title: str
    detail: str
    started_by: str
    tone: str  # badge tone: info, success, warning, critical
    kind_label: str
    url: str = ""
    url_label: str = ""
    changes: list[ChangeRow] = field(default_factory=list)


def _link_or_404(request: HttpRequest, link_id: int) -> ProductLink:
    link = ProductLink.objects.filter(shop=request.shop, pk=link_id).first()  # type: ignore[attr-defined]
    if link is None:
        raise Http404("no such product")
    return link


def _started_by(event: SyncEvent) -> str:
    job = event.job
    if job is None:
        return "a person, in the app" if event.action in PERSON_ACTIONS else "—"
    words = TRIGGER_WORDS.get(job.trigger, "a sync")
    return f"{words} (job #{job.pk})"


def _event_row(entry: HistoryEntry, names: labels.VariantNames) -> EntryRow:
    event = entry.event
    assert event is not None
    side = labels.side_label(event.side) if event.side else ""
    job_url = reverse("ui:job", args=[event.job_id]) if event.job_id else ""
    if event.action == "updated":
        changes = [
            ChangeRow(
                label=labels.field_label(c.path, names),
                before=labels.value_text(c.path, c.old) if c.has_old else "(not recorded)",
                after=labels.value_text(c.path, c.new),
                why=DECIDER_WORDS.get(c.by, ""),
                restorable=c.restorable,
                refusal=c.restore_refused,
                path=c.path,
                event_id=event.pk,
                clears=c.has_old and is_blank(c.old),
            )
            for c in entry.changes
        ]
        return EntryRow(
            at=entry.at,
            title=f"{side} updated",
            detail="",
            started_by=_started_by(event),
            tone="success",
            kind_label="Written",
            url=job_url,
            url_label="Job log",
            changes=changes,
        )
    details = event.details if isinstance(event.details, dict) else {}
    message = labels.humanize_text(event.message, names=names)
    if event.action == "restore_requested" and details.get("field_path"):
        path = str(details["field_path"])
        value = details.get("value")
        message = (
            f"{labels.field_label(path, names)}: put back to “{labels.value_text(path, value)}” on both sides"
            if not is_blank(value)
            else f"{labels.field_label(path, names)}: to be cleared on both sides"
        )
    tone = {"error": "critical", "warning": "warning"}.get(event.level, "info")
    action = labels.action_label(event.action)
    return EntryRow(
        at=entry.at,
        title=f"{action} — {side}" if side and side not in action else action,
        detail=message,
        started_by=_started_by(event),
        tone=tone,
        kind_label=event.get_level_display(),
        url=job_url,
        url_label="Job log" if job_url else "",
    )


def _conflict_row(entry: HistoryEntry, names: labels.VariantNames) -> EntryRow:
    conflict = entry.conflict
    assert conflict is not None
    label = labels.field_label(conflict.field_path, names)
    url = reverse("ui:conflict", args=[conflict.pk])
    if entry.kind == "conflict_opened":
        return EntryRow(
            at=entry.at,
            title=f"Conflict: {label}",
            detail=(
                f"Changed on both sides — Shopify: “{labels.value_text(conflict.field_path, conflict.shopify_value)}”,"
                f" JOOR: “{labels.value_text(conflict.field_path, conflict.joor_value)}”. Neither side was overwritten."
            ),
            started_by="the sync",
            tone="warning",
            kind_label="Held",
            url=url,
            url_label="Conflict",
        )
    sentence = labels.resolution_sentence(conflict.resolution)
    state = "written to both sides" if conflict.applied_at else "waiting for the product's next sync"
    if conflict.resolution == Conflict.Resolution.RESTORED:
        title = f"Restore asked: {label}"
        detail = f"“{labels.value_text(conflict.field_path, conflict.resolved_value)}” — {state}."
    else:
        title = f"Decided: {label}"
        detail = f"{sentence[:1].upper()}{sentence[1:]} — {state}."
    return EntryRow(
        at=entry.at,
        title=title,
        detail=detail,
        started_by=labels.person_label(conflict.resolved_by) if conflict.resolved_by else "—",
        tone="info",
        kind_label="Decision",
        url=url,
        url_label="Decision",
    )


def _problem_row(entry: HistoryEntry, names: labels.VariantNames) -> EntryRow:
    problem = entry.problem
    assert problem is not None
    side = labels.side_label(problem.side) if problem.side else "either side"
    field_name = labels.field_label(problem.field_path, names) + ": " if problem.field_path else ""
    solved = problem.status == ProductProblem.Status.SOLVED
    return EntryRow(
        at=entry.at,
        title=f"Not written to {side}",
        detail=field_name + labels.humanize_text(problem.message, names=names),
        started_by="the write checks",
        tone="success" if solved else "critical",
        kind_label="Solved" if solved else "Refused",
        url=reverse("ui:problems") + f"?link={problem.link_id}",
        url_label="Problems",
    )


ROW_BUILDERS = {
    "event": _event_row,
    "conflict_opened": _conflict_row,
    "conflict_decided": _conflict_row,
    "problem": _problem_row,
}


@require_GET
@shop_required
def product_history(request: HttpRequest, link_id: int) -> HttpResponse:
    link = _link_or_404(request, link_id)
    names = labels.variant_names_of(link.snapshot)
    entries = product_history_for(link=link)
    view = paginate(entries, request.GET)  # type: ignore[arg-type]
    rows = [ROW_BUILDERS[e.kind](e, names) for e in view.rows]
    product = labels.product_ref(link, shop_domain=request.shop_domain)  # type: ignore[attr-defined]
    return page(
        request,
        "sync/product_history.html",
        {"link": link, "product": product, "rows": rows, "pages": view, "total": len(entries)},
        nav="links",
    )


@require_http_methods(["GET", "POST"])
@shop_required
def product_restore(request: HttpRequest, link_id: int) -> HttpResponse:
    """Put back one field's earlier value. A value that would empty the field asks first; any other
    is one click (the history says what will be written and the job log shows it written)."""
    link = _link_or_404(request, link_id)
    params = request.POST if request.method == "POST" else request.GET
    path = params.get("path", "")
    try:
        event = SyncEvent.objects.get(pk=int(params.get("event", "")), link=link)
    except (ValueError, SyncEvent.DoesNotExist):
        raise Http404("no such change") from None
    history_url = reverse("ui:product_history", args=[link.pk])
    names = labels.variant_names_of(link.snapshot)
    change = next(
        (
            c
            for c in (event.details or {}).get("changes") or []
            if isinstance(c, dict) and c.get("path") == path
        ),
        None,
    )
    if change is None:
        raise Http404("no such change")
    clears = "old" in change and is_blank(change.get("old"))
    if request.method == "GET" or (clears and request.POST.get("confirm") != "1"):
        return page(
            request,
            "sync/product_restore_confirm.html",
            {
                "link": link,
                "product": labels.product_ref(link, shop_domain=request.shop_domain),  # type: ignore[attr-defined]
                "event": event,
                "path": path,
                "label": labels.field_label(path, names),
                "current": labels.value_text(path, change.get("new")),
                "earlier": labels.value_text(path, change.get("old")),
                "clears": clears,
                "back": history_url,
            },
            nav="links",
        )
    label = labels.field_label(path, names)
    try:
        product_change_restore(link=link, event=event, path=path, user=user_label(request))
    except RestoreRefused as exc:
        messages.error(request, f"{label} was not restored: {exc}")
    else:
        messages.success(
            request,
            f"{label} will be {'cleared' if clears else 'put back'} on both sides: the product's sync is queued.",
        )
    return redirect_to(history_url)
