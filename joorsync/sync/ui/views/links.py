"""`/links`: linked pairs and unmatched items, search and filters, link and unlink by hand."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from joorsync.sync.links import LinkRefused, product_link_manual, product_link_unlink
from joorsync.sync.models import ProductLink
from joorsync.sync.ui.auth import shop_required, user_label
from joorsync.sync.ui.pagination import paginate
from joorsync.sync.ui.queries import link_suggestions, links_filtered, unmatched_style_get
from joorsync.sync.ui.views.common import next_url, page, redirect_to

STATUS_CHOICES = [("", "All"), ("unmatched", "Unmatched (either side)"), *ProductLink.Status.choices]


def _link_or_404(request: HttpRequest, link_id: int) -> ProductLink:
    link = ProductLink.objects.filter(shop=request.shop, pk=link_id).first()  # type: ignore[attr-defined]
    if link is None:
        raise Http404("no such link")
    return link


@require_GET
@shop_required
def link_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in dict(STATUS_CHOICES) else ""
    search = request.GET.get("q", "").strip()[:255]
    view = paginate(links_filtered(shop=request.shop, status=status, search=search), request.GET)  # type: ignore[attr-defined]
    suggestions = link_suggestions(shop=request.shop, rows=view.rows)  # type: ignore[attr-defined]
    rows = [(link, suggestions.get(link.pk)) for link in view.rows]
    context = {
        "pages": view,
        "rows": rows,
        "status": status,
        "search": search,
        "statuses": STATUS_CHOICES,
        "here": request.get_full_path(),
    }
    return page(request, "sync/links.html", context, nav="links")


@require_POST
@shop_required
def link_make(request: HttpRequest, link_id: int) -> HttpResponse:
    """Link the unmatched Shopify product of row `link_id` to a JOOR style this shop has seen."""
    row = _link_or_404(request, link_id)
    style_text = request.POST.get("joor_style_id", "").strip()
    style = (
        unmatched_style_get(shop=request.shop, joor_style_id=int(style_text))  # type: ignore[attr-defined]
        if style_text.isdigit()
        else None
    )
    back = next_url(request, reverse("ui:links"))
    if style is None or not row.shopify_product_id:
        messages.error(request, "Choose a JOOR style for a product that exists in Shopify.")
        return redirect_to(back)
    try:
        link = product_link_manual(
            shop=request.shop,  # type: ignore[attr-defined]
            shopify_product_id=row.shopify_product_id,
            joor_style_id=int(style.joor_style_id or 0),
            style_number=style.style_number,
            user=user_label(request),
        )
    except LinkRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"Linked {link.shopify_title or link.shopify_product_id} to {link.style_number}."
        )
    return redirect_to(back)


@require_POST
@shop_required
def link_unlink(request: HttpRequest, link_id: int) -> HttpResponse:
    link = _link_or_404(request, link_id)
    product_link_unlink(link=link, user=user_label(request))
    messages.success(request, f"Unlinked {link.style_number or link.shopify_product_id}.")
    return redirect_to(next_url(request, reverse("ui:links")))
