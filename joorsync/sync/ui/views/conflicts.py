"""`/conflicts` and `/conflicts/<id>`: filter, compare base/Shopify/JOOR, resolve one or many, history."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from joorsync.sync.conflicts import (
    ConflictNotOpen,
    ConflictResolutionInvalid,
    conflict_field_clearable,
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
MAX_REFUSED_SHOWN = 10


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


def _detail_context(
    conflict: Conflict, *, value_text: str | None = None, error: str = "", value_error: str = ""
) -> dict:
    base = conflict.base_value
    # Each side is compared with the base: the marks show what that side changed.
    shopify = highlight(conflict.shopify_value, against=base)
    joor = highlight(conflict.joor_value, against=base)
    return {
        "conflict": conflict,
        "base_text": as_text(base),
        "shopify_html": shopify.html,
        "shopify_note": shopify.note,
        "joor_html": joor.html,
        "joor_note": joor.note,
        "resolved_text": as_text(conflict.resolved_value),
        "value_text": value_text if value_text is not None else _editable(conflict.joor_value),
        "clearable": conflict_field_clearable(field_path=conflict.field_path),
        "error": error,
        "value_error": value_error,
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
    """Keep Shopify / Keep JOOR / Use this value / Clear this field. htmx swaps the decision panel;
    plain forms redirect. A refused value is shown at its field with what was typed, never dropped."""
    conflict = _conflict_or_404(request, conflict_id)
    resolution = request.POST.get("resolution", "")
    custom = resolution == Conflict.Resolution.CUSTOM
    kwargs: dict = {}
    error = ""
    value_text = request.POST.get("value", "")
    if custom:
        # A blank box goes to the service as it is: it refuses it with the message for this field.
        like = (conflict.shopify_value, conflict.joor_value)
        try:
            kwargs["value"] = parse_custom(value_text, like=like) if value_text.strip() else value_text
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
    if error or is_htmx(request):
        still_open = conflict.status == Conflict.Status.OPEN
        at_field = custom and still_open
        context = _detail_context(
            conflict,
            value_text=value_text,
            error="" if at_field else error,
            value_error=error if at_field else "",
        )
        if is_htmx(request):
            return page(request, "sync/_conflict_decision.html", context, nav="conflicts")
        return page(request, "sync/conflict_detail.html", context, nav="conflicts", status=400)
    messages.success(request, f"Conflict {conflict.pk} resolved: {conflict.get_resolution_display()}.")
    return redirect_to(reverse("ui:conflict", args=[conflict.pk]))


def _refused_summary(refused: list[tuple[Conflict, str]]) -> str:
    ids = ", ".join(f"#{conflict.pk}" for conflict, _ in refused[:MAX_REFUSED_SHOWN])
    more = f" and {len(refused) - MAX_REFUSED_SHOWN} more" if len(refused) > MAX_REFUSED_SHOWN else ""
    return (
        f"{len(refused)} conflict(s) left open because the value kept would empty the field: {ids}{more}. "
        "Open each to type a value or clear the field."
    )


@require_POST
@shop_required
def conflicts_bulk(request: HttpRequest) -> HttpResponse:
    """ "Resolve selected" (the ticked rows) or "Resolve all matching" (everything a filter selects;
    never every open conflict: an empty filter is refused)."""
    resolution = request.POST.get("resolution", "")
    back = next_url(request, reverse("ui:conflicts"))
    if resolution not in dict(BULK_RESOLUTIONS):
        messages.error(request, "Choose a resolution: Keep Shopify or Keep JOOR.")
        return redirect_to(back)
    shop = request.shop  # type: ignore[attr-defined]
    if request.POST.get("scope") == "filter":
        filters = _filters(request.POST)
        if not filters.any_set:
            messages.error(request, "Set a filter (field, product or age) before resolving all matching.")
            return redirect_to(back)
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
    result = conflicts_resolve_bulk(
        shop=shop, resolution=resolution, user=user_label(request), conflict_ids=ids
    )
    messages.success(request, f"{len(result.resolved)} conflict(s) resolved.")
    if result.refused:
        messages.warning(request, _refused_summary(result.refused))
    return redirect_to(back)
