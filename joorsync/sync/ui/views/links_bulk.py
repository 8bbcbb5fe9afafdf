"""`/links/bulk`: the links list's bulk action, "Sync selected" (the ticked linked products) or, with
`scope=filter`, every linked product the list's filter selects."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from joorsync.sync.jobs import SyncJobStateError
from joorsync.sync.links_bulk import MAX_BULK_SYNC, LinksBulkTooMany, product_links_sync_request
from joorsync.sync.models import ProductLink
from joorsync.sync.ui.auth import shop_required
from joorsync.sync.ui.queries import link_filter_from, links_filtered
from joorsync.sync.ui.views.common import next_url, redirect_to

SYNC = "sync"


def _matching_ids(request: HttpRequest) -> list[int]:
    """The linked products the posted filter (`status`, `q`, `link`) selects, as the list shows it."""
    filters = link_filter_from(request.POST)
    listed = links_filtered(
        shop=request.shop,  # type: ignore[attr-defined]
        status=filters.status,
        search=filters.search,
        link_id=filters.link_id,
    ).filter(status=ProductLink.Status.LINKED)
    count = listed.count()
    if count > MAX_BULK_SYNC:
        raise LinksBulkTooMany(count)
    return list(listed.values_list("pk", flat=True))


def _queued_message(count: int, skipped: int) -> str:
    products = f"{count} product{'s' if count != 1 else ''}"
    text = f"Sync queued for {products}; follow {'them' if count != 1 else 'it'} on the Jobs page."
    if skipped:
        text += f" {skipped} selected row{'s were' if skipped != 1 else ' was'} not linked and not synced."
    return text


@require_POST
@shop_required
def links_bulk(request: HttpRequest) -> HttpResponse:
    back = next_url(request, reverse("ui:links"))
    if request.POST.get("action") != SYNC:
        messages.error(request, "Choose what to do with the selected products.")
        return redirect_to(back)
    try:
        if request.POST.get("scope") == "filter":
            ids = _matching_ids(request)
            if not ids:
                messages.error(request, "No linked product matches this filter.")
                return redirect_to(back)
        else:
            ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
            if not ids:
                messages.error(request, "Select at least one linked product.")
                return redirect_to(back)
        result = product_links_sync_request(shop=request.shop, link_ids=ids)  # type: ignore[attr-defined]
    except (LinksBulkTooMany, SyncJobStateError) as exc:
        messages.error(request, str(exc))
        return redirect_to(back)
    if not result.jobs:
        messages.error(request, "None of the selected rows is a linked product: nothing to sync.")
    else:
        messages.success(request, _queued_message(len(result.jobs), result.skipped))
    return redirect_to(back)
