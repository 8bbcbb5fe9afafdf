"""`/conflicts` and `/conflicts/<id>`: filter, compare base/Shopify/JOOR, resolve one or many, history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from joorsync.sync.canonical import parse_variant_path
from joorsync.sync.conflicts import (
    ConflictNotOpen,
    ConflictResolutionInvalid,
    conflict_field_clearable,
    conflict_resolve,
    conflicts_resolve_bulk,
)
from joorsync.sync.models import Conflict
from joorsync.sync.selectors import conflict_get
from joorsync.sync.ui import labels
from joorsync.sync.ui.auth import shop_required, user_label
from joorsync.sync.ui.diff import editable_text, highlight_text, looks_like_html, parse_custom
from joorsync.sync.ui.pagination import paginate
from joorsync.sync.ui.queries import (
    ConflictFilter,
    conflict_filter_from,
    conflicts_filtered,
    variant_names_for,
)
from joorsync.sync.ui.views.common import is_htmx, next_url, page, redirect_to

BULK_RESOLUTIONS = (
    (Conflict.Resolution.KEEP_SHOPIFY, "Keep Shopify"),
    (Conflict.Resolution.KEEP_JOOR, "Keep JOOR"),
)
MAX_REFUSED_SHOWN = 10


def _conflict_or_404(request: HttpRequest, conflict_id: int) -> Conflict:
    try:
        return conflict_get(shop=request.shop, conflict_id=conflict_id)  # type: ignore[attr-defined]
    except Conflict.DoesNotExist:
        raise Http404("no such conflict") from None


@dataclass(frozen=True)
class ConflictRow:
    """One conflict as the list shows it: the product by name, the field by its label, the values
    as a person reads them."""

    conflict: Conflict
    product: labels.ProductRef
    field: str
    shopify: str
    joor: str
    resolved: str
    resolved_by: str


def conflict_rows(conflicts: list[Conflict], *, shop_domain: str) -> list[ConflictRow]:
    """A page of conflicts named for a person (one query for the variants' colour names)."""
    wanted = []
    for conflict in conflicts:
        parsed = parse_variant_path(conflict.field_path)
        if parsed is not None:
            wanted.append((conflict.link_id, parsed[0]))
    names = variant_names_for(wanted=wanted)
    return [
        ConflictRow(
            conflict=c,
            product=labels.product_ref(c.link, shop_domain=shop_domain),
            field=labels.field_label(c.field_path, names.get(c.link_id)),
            shopify=labels.value_text(c.field_path, c.shopify_value),
            joor=labels.value_text(c.field_path, c.joor_value),
            resolved=labels.value_text(c.field_path, c.resolved_value),
            resolved_by=labels.person_label(c.resolved_by) if c.resolved_by else "",
        )
        for c in conflicts
    ]


@require_GET
@shop_required
def conflict_list(request: HttpRequest) -> HttpResponse:
    filters = conflict_filter_from(request.GET)
    listed = conflicts_filtered(shop=request.shop, filters=filters).defer("link__snapshot")  # type: ignore[attr-defined]
    view = paginate(listed, request.GET)
    context = {
        "filters": filters,
        "pages": view,
        "conflicts": view.rows,
        "rows": conflict_rows(view.rows, shop_domain=request.shop_domain),  # type: ignore[attr-defined]
        "history": filters.status == Conflict.Status.RESOLVED,
        "resolutions": BULK_RESOLUTIONS,
        "here": request.get_full_path(),
    }
    return page(request, "sync/conflicts.html", context, nav="conflicts")


def _detail_context(
    conflict: Conflict,
    *,
    shop_domain: str,
    value_text: str | None = None,
    error: str = "",
    value_error: str = "",
) -> dict[str, Any]:
    path = conflict.field_path
    names = labels.variant_names_of(conflict.link.snapshot)
    field = labels.field_label(path, names)
    product = labels.product_ref(conflict.link, shop_domain=shop_domain)
    base_text = labels.value_text(path, conflict.base_value)
    # Each side is compared with the base, as text: the marks show the words that side changed.
    shopify = highlight_text(labels.value_text(path, conflict.shopify_value), against=base_text)
    joor = highlight_text(labels.value_text(path, conflict.joor_value), against=base_text)
    raw = {
        "base": conflict.base_value,
        "shopify": conflict.shopify_value,
        "joor": conflict.joor_value,
    }
    html_sources = (
        {side: value if looks_like_html(value) else "" for side, value in raw.items()}
        if path in labels.HTML_FIELDS and any(looks_like_html(v) for v in raw.values())
        else {}
    )
    return {
        "conflict": conflict,
        "field": field,
        "product": product,
        "heading": f"{field} of {product.name}",
        "base_text": base_text,
        "shopify_html": shopify.html,
        "shopify_note": shopify.note,
        "joor_html": joor.html,
        "joor_note": joor.note,
        "html_sources": html_sources,
        "resolved_text": labels.value_text(path, conflict.resolved_value),
        "resolution_sentence": labels.resolution_sentence(conflict.resolution),
        "resolved_by": labels.person_label(conflict.resolved_by) if conflict.resolved_by else "",
        "value_text": value_text if value_text is not None else editable_text(conflict.joor_value),
        "clearable": conflict_field_clearable(field_path=path),
        "error": error,
        "value_error": value_error,
    }


@require_GET
@shop_required
def conflict_detail(request: HttpRequest, conflict_id: int) -> HttpResponse:
    conflict = _conflict_or_404(request, conflict_id)
    context = _detail_context(conflict, shop_domain=request.shop_domain)  # type: ignore[attr-defined]
    return page(request, "sync/conflict_detail.html", context, nav="conflicts")


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
            shop_domain=request.shop_domain,  # type: ignore[attr-defined]
            value_text=value_text,
            error="" if at_field else error,
            value_error=error if at_field else "",
        )
        if is_htmx(request):
            return page(request, "sync/_conflict_decision.html", context, nav="conflicts")
        return page(request, "sync/conflict_detail.html", context, nav="conflicts", status=400)
    field = labels.field_label(conflict.field_path, labels.variant_names_of(conflict.link.snapshot))
    name = labels.product_name(conflict.link)
    sentence = labels.resolution_sentence(conflict.resolution)
    messages.success(request, f"Resolved: {sentence} for {field} of {name}.")
    return redirect_to(reverse("ui:conflict", args=[conflict.pk]))


def _refused_summary(refused: list[tuple[Conflict, str]]) -> str:
    """Which conflicts stayed open, by field and product (colour codes stand for their names here)."""
    named = "; ".join(
        f"{labels.field_label(conflict.field_path)} of {labels.product_name(conflict.link)}"
        for conflict, _ in refused[:MAX_REFUSED_SHOWN]
    )
    more = f" and {len(refused) - MAX_REFUSED_SHOWN} more" if len(refused) > MAX_REFUSED_SHOWN else ""
    return (
        f"{len(refused)} conflict(s) left open because the value kept would empty the field: {named}{more}. "
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
        filters = conflict_filter_from(request.POST)
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
