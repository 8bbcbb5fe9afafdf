"""`/conflicts` and `/conflicts/<id>`: filter, compare base/Shopify/JOOR, resolve one or many, history."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from joorsync.sync.conflicts import (
    ConflictNotOpen,
    ConflictResolutionInvalid,
    conflict_resolve,
    conflicts_resolve_bulk,
)
from joorsync.sync.models import Conflict
from joorsync.sync.selectors import conflict_get
from joorsync.sync.ui.auth import shop_required, user_label
from joorsync.sync.ui.diff import as_text, highlight, parse_custom
from joorsync.sync.ui.pagination import paginate
from joorsync.sync.ui.queries import ConflictFilter, conflicts_filtered
from joorsync.sync.ui.views.common import is_htmx, next_url, page, redirect_to

BULK_RESOLUTIONS = (
    (Conflict.Resolution.KEEP_SHOPIFY, "Keep Shopify"),
    (Conflict.Resolution.KEEP_JOOR, "Keep JOOR"),
)
MAX_FILTER_DAYS = 3650


def _filters(params: QueryDict) -> ConflictFilter:
    status = params.get("status", Conflict.Status.OPEN)
    days_text = params.get("older_than", "").strip()
    days = int(days_text) if days_text.isdigit() else None
    return ConflictFilter(
        status=status if status in Conflict.Status.values else Conflict.Status.OPEN,
        field=params.get("field", "").strip()[:255],
        product=params.get("product", "").strip()[:255],
        older_than_days=min(days, MAX_FILTER_DAYS) if days else None,
    )


def _conflict_or_404(request: HttpRequest, conflict_id: int) -> Conflict:
    try:
        return conflict_get(shop=request.shop, conflict_id=conflict_id)  # type: ignore[attr-defined]
    except Conflict.DoesNotExist:
        raise Http404("no such conflict") from None


@require_GET
@shop_required
def conflict_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request.GET)
    view = paginate(conflicts_filtered(shop=request.shop, filters=filters), request.GET)  # type: ignore[attr-defined]
    context = {
        "filters": filters,
        "pages": view,
        "conflicts": view.rows,
        "history": filters.status == Conflict.Status.RESOLVED,
        "resolutions": BULK_RESOLUTIONS,
        "here": request.get_full_path(),
    }
    return page(request, "sync/conflicts.html", context, nav="conflicts")


def _detail_context(conflict: Conflict, *, value_text: str | None = None, error: str = "") -> dict:
    base = conflict.base_value
    return {
        "conflict": conflict,
        "base_text": as_text(base),
        # Each side is compared with the base: the marks show what that side changed.
        "shopify_html": highlight(conflict.shopify_value, against=base),
        "joor_html": highlight(conflict.joor_value, against=base),
        "resolved_text": as_text(conflict.resolved_value),
        "value_text": value_text if value_text is not None else _editable(conflict.joor_value),
        "error": error,
    }


def _editable(value: object) -> str:
    return "" if value is None else as_text(value)


@require_GET
@shop_required
def conflict_detail(request: HttpRequest, conflict_id: int) -> HttpResponse:
    conflict = _conflict_or_404(request, conflict_id)
    return page(request, "sync/conflict_detail.html", _detail_context(conflict), nav="conflicts")


@require_POST
@shop_required
def conflict_resolve_view(request: HttpRequest, conflict_id: int) -> HttpResponse:
    """Keep Shopify / Keep JOOR / Use this value. htmx swaps the decision panel; plain forms redirect."""
    conflict = _conflict_or_404(request, conflict_id)
    resolution = request.POST.get("resolution", "")
    kwargs: dict = {}
    error = ""
    value_text = request.POST.get("value", "")
    if resolution == Conflict.Resolution.CUSTOM:
        try:
            kwargs["value"] = parse_custom(value_text, like=(conflict.shopify_value, conflict.joor_value))
        except ValueError as exc:
            error = str(exc)
    if not error:
        try:
            conflict = conflict_resolve(
                conflict=conflict, resolution=resolution, user=user_label(request), **kwargs
            )
        except (ConflictNotOpen, ConflictResolutionInvalid) as exc:
            error = str(exc)
            conflict.refresh_from_db()
    if is_htmx(request):
        context = _detail_context(conflict, value_text=value_text, error=error)
        return page(request, "sync/_conflict_decision.html", context, nav="conflicts")
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"Conflict {conflict.pk} resolved: {conflict.get_resolution_display()}.")
    return redirect_to(reverse("ui:conflict", args=[conflict.pk]))


@require_POST
@shop_required
def conflicts_bulk(request: HttpRequest) -> HttpResponse:
    """ "Resolve selected" (the ticked rows) or "Resolve all matching" (everything the filter selects)."""
    resolution = request.POST.get("resolution", "")
    back = next_url(request, reverse("ui:conflicts"))
    if resolution not in dict(BULK_RESOLUTIONS):
        messages.error(request, "Choose a resolution: Keep Shopify or Keep JOOR.")
        return redirect_to(back)
    shop = request.shop  # type: ignore[attr-defined]
    if request.POST.get("scope") == "filter":
        filters = _filters(request.POST)
        ids = list(
            conflicts_filtered(
                shop=shop, filters=ConflictFilter(**{**filters.__dict__, "status": "open"})
            ).values_list("pk", flat=True)
        )
    else:
        ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
        if not ids:
            messages.error(request, "Select at least one conflict.")
            return redirect_to(back)
    resolved = (
        conflicts_resolve_bulk(shop=shop, resolution=resolution, user=user_label(request), conflict_ids=ids)
        if ids
        else []
    )
    messages.success(request, f"{len(resolved)} conflict(s) resolved.")
    return redirect_to(back)
