"""`/conflicts` and `/conflicts/<id>`: filter, compare base/Shopify/JOOR, resolve one or many, history.

What cannot be taken back asks first, saying what will change: clearing a field, resolving many
conflicts at once. A decision not yet written can be undone from the conflict's page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_POST

from joorsync.sync.canonical import parse_variant_path
from joorsync.sync.conflicts import (
    ConflictNotOpen,
    ConflictResolutionInvalid,
    ResolutionUndoRefused,
    conflict_field_clearable,
    conflict_resolution_undo,
    conflict_resolution_undoable,
    conflict_resolution_value,
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
#: How the bulk confirmation names each way of resolving.
BULK_RESOLUTION_SENTENCES: dict[str, str] = {
    Conflict.Resolution.KEEP_SHOPIFY: "Keep Shopify's value",
    Conflict.Resolution.KEEP_JOOR: "Keep JOOR's value",
}
MAX_REFUSED_SHOWN = 10
#: Conflicts the bulk confirmation lists by name (the rest are counted).
MAX_CONFIRM_SHOWN = 20


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
        "undoable": conflict_resolution_undoable(conflict=conflict),
        "history_url": _history_url(conflict.link_id),
        "error": error,
        "value_error": value_error,
    }


def _history_url(link_id: int) -> str:
    """The product's history page, where the app has one."""
    try:
        return reverse("ui:product_history", args=[link_id])
    except NoReverseMatch:
        return ""


@require_GET
@shop_required
def conflict_detail(request: HttpRequest, conflict_id: int) -> HttpResponse:
    conflict = _conflict_or_404(request, conflict_id)
    context = _detail_context(conflict, shop_domain=request.shop_domain)  # type: ignore[attr-defined]
    return page(request, "sync/conflict_detail.html", context, nav="conflicts")


def _names(conflict: Conflict) -> tuple[str, str]:
    """(field, product) as the merchant calls them."""
    field = labels.field_label(conflict.field_path, labels.variant_names_of(conflict.link.snapshot))
    return field, labels.product_name(conflict.link)


def _asks_to_clear(request: HttpRequest, conflict: Conflict) -> bool:
    """A "clear" not yet confirmed, on a conflict that may be cleared (a refused one gets its reason)."""
    return (
        request.POST.get("resolution") == Conflict.Resolution.CLEAR
        and request.POST.get("confirm") != "1"
        and conflict.status == Conflict.Status.OPEN
        and conflict_field_clearable(field_path=conflict.field_path)
    )


def _clear_page(request: HttpRequest, conflict: Conflict) -> HttpResponse:
    context = _detail_context(conflict, shop_domain=request.shop_domain)  # type: ignore[attr-defined]
    context["shopify_text"] = labels.value_text(conflict.field_path, conflict.shopify_value)
    context["joor_text"] = labels.value_text(conflict.field_path, conflict.joor_value)
    return page(request, "sync/conflict_clear_confirm.html", context, nav="conflicts")


@require_GET
@shop_required
def conflict_clear_confirm(request: HttpRequest, conflict_id: int) -> HttpResponse:
    """What "Clear this field" empties, with both sides' values now, and the button that does it."""
    conflict = _conflict_or_404(request, conflict_id)
    if conflict.status != Conflict.Status.OPEN or not conflict_field_clearable(
        field_path=conflict.field_path
    ):
        return redirect_to(reverse("ui:conflict", args=[conflict.pk]))
    return _clear_page(request, conflict)


@require_POST
@shop_required
def conflict_resolve_view(request: HttpRequest, conflict_id: int) -> HttpResponse:
    """Keep Shopify / Keep JOOR / Use this value / Clear this field. htmx swaps the decision panel;
    plain forms redirect. A refused value is shown at its field with what was typed, never dropped.
    Clearing is done only with `confirm=1`; without it the question is shown and nothing changes."""
    conflict = _conflict_or_404(request, conflict_id)
    if _asks_to_clear(request, conflict):
        if is_htmx(request) and not request.headers.get("HX-Boosted"):
            # A panel swap cannot hold a page: htmx loads the question as the page instead.
            response = HttpResponse(status=200)
            response["HX-Location"] = reverse("ui:conflict_clear", args=[conflict.pk])
            return response
        return _clear_page(request, conflict)
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
    field, name = _names(conflict)
    sentence = labels.resolution_sentence(conflict.resolution)
    messages.success(
        request,
        f"Resolved: {sentence} for {field} of {name}. "
        "Until the sync writes it, you can undo it on this page.",
    )
    return redirect_to(reverse("ui:conflict", args=[conflict.pk]))


@require_POST
@shop_required
def conflict_undo(request: HttpRequest, conflict_id: int) -> HttpResponse:
    """Undo a decision the sync has not written yet: the conflict is open again."""
    conflict = _conflict_or_404(request, conflict_id)
    error = ""
    try:
        conflict = conflict_resolution_undo(conflict=conflict, user=user_label(request))
    except ResolutionUndoRefused as exc:
        error = str(exc)
        conflict.refresh_from_db()
    field, name = _names(conflict)
    if is_htmx(request) and not request.headers.get("HX-Boosted"):
        context = _detail_context(conflict, shop_domain=request.shop_domain, error=error)  # type: ignore[attr-defined]
        if not error:
            context["undone"] = f"Undone: {field} of {name} is an open conflict again; nothing was written."
        return page(request, "sync/_conflict_decision.html", context, nav="conflicts")
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request, f"Undone: {field} of {name} is an open conflict again; nothing was written."
        )
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


@dataclass(frozen=True)
class BulkSelection:
    """The open conflicts a bulk form selects: by the ticked `ids`, or by the list's filter (then up
    to the newest conflict the question showed, `upto`, so that a confirmation never takes in a
    conflict opened after the person read the question)."""

    ids: list[int]
    scope: str
    filters: ConflictFilter
    upto: int | None = None


def _bulk_selection(request: HttpRequest) -> BulkSelection | str:
    """The selection the form posted, or what is missing from it (a message)."""
    shop = request.shop  # type: ignore[attr-defined]
    filters = conflict_filter_from(request.POST)
    if request.POST.get("scope") == "filter":
        if not filters.any_set:
            return "Set a filter (field, product or age) before resolving all matching."
        qs = conflicts_filtered(shop=shop, filters=ConflictFilter(**{**filters.__dict__, "status": "open"}))
        upto_text = request.POST.get("upto", "")
        upto = int(upto_text) if upto_text.isdigit() else None
        if upto is not None:
            qs = qs.filter(pk__lte=upto)
        return BulkSelection(list(qs.values_list("pk", flat=True)), "filter", filters, upto)
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
    if not ids:
        return "Select at least one conflict."
    return BulkSelection(ids, "selected", filters)


@dataclass(frozen=True)
class BulkRow:
    """One conflict of the bulk question: the list's naming, and the value it would end with."""

    row: ConflictRow
    result: str
    refused: str


def _bulk_confirm_page(
    request: HttpRequest, *, selection: BulkSelection, resolution: str, back: str
) -> HttpResponse:
    """How many conflicts on how many products, which way, the first ones by name, and the ones
    that would stay open (an empty value kept): read only, nothing is decided here."""
    shop = request.shop  # type: ignore[attr-defined]
    conflicts = list(
        Conflict.objects.filter(shop=shop, status=Conflict.Status.OPEN, pk__in=selection.ids)
        .select_related("link")
        .defer("link__snapshot")
        .order_by("created_at", "pk")
    )
    refusals: dict[int, str] = {}
    for conflict in conflicts:
        try:
            conflict_resolution_value(conflict=conflict, resolution=resolution)
        except ConflictResolutionInvalid as exc:
            refusals[conflict.pk] = str(exc)
    shown = conflicts[:MAX_CONFIRM_SHOWN]
    refused_shown = [c for c in conflicts if c.pk in refusals][:MAX_CONFIRM_SHOWN]
    named = conflict_rows(
        list({c.pk: c for c in [*shown, *refused_shown]}.values()),
        shop_domain=request.shop_domain,  # type: ignore[attr-defined]
    )
    by_pk = {r.conflict.pk: r for r in named}

    def bulk_row(conflict: Conflict) -> BulkRow:
        row = by_pk[conflict.pk]
        kept = row.shopify if resolution == Conflict.Resolution.KEEP_SHOPIFY else row.joor
        return BulkRow(row=row, result=kept, refused=refusals.get(conflict.pk, ""))

    resolving = len(conflicts) - len(refusals)
    context = {
        "resolution": resolution,
        "resolution_sentence": BULK_RESOLUTION_SENTENCES[resolution],
        "count": len(conflicts),
        "resolving": resolving,
        "products": len({c.link_id for c in conflicts}),
        "rows": [bulk_row(c) for c in shown],
        "more": max(0, len(conflicts) - len(shown)),
        "refused_rows": [bulk_row(c) for c in refused_shown],
        "refused_count": len(refusals),
        "refused_more": max(0, len(refusals) - len(refused_shown)),
        "selection": selection,
        "ids": [c.pk for c in conflicts],
        "upto": max((c.pk for c in conflicts), default=0),
        "back": back,
    }
    return page(request, "sync/conflicts_bulk_confirm.html", context, nav="conflicts")


@require_POST
@shop_required
def conflicts_bulk(request: HttpRequest) -> HttpResponse:
    """ "Resolve selected" (the ticked rows) or "Resolve all matching" (everything a filter selects;
    never every open conflict: an empty filter is refused). The first post asks, saying what would
    change; the post with `confirm=1` resolves."""
    resolution = request.POST.get("resolution", "")
    back = next_url(request, reverse("ui:conflicts"))
    if resolution not in dict(BULK_RESOLUTIONS):
        messages.error(request, "Choose a resolution: Keep Shopify or Keep JOOR.")
        return redirect_to(back)
    selection = _bulk_selection(request)
    if isinstance(selection, str):
        messages.error(request, selection)
        return redirect_to(back)
    if request.POST.get("confirm") != "1":
        return _bulk_confirm_page(request, selection=selection, resolution=resolution, back=back)
    result = conflicts_resolve_bulk(
        shop=request.shop,  # type: ignore[attr-defined]
        resolution=resolution,
        user=user_label(request),
        conflict_ids=selection.ids,
    )
    resolved = len(result.resolved)
    undo = " Until the sync writes them, each can be undone on its conflict page." if resolved else ""
    messages.success(request, f"{resolved} conflict(s) resolved.{undo}")
    if result.refused:
        messages.warning(request, _refused_summary(result.refused))
    return redirect_to(back)
