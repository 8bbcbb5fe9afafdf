"""`/links`: linked pairs and unmatched items, search and filters, link and unlink by hand."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from joorsync.sync.links import (
    LinkRefused,
    product_link_first_sync_outline,
    product_link_manual,
    product_link_relink,
    product_link_unlink,
)
from joorsync.sync.models import ProductLink
from joorsync.sync.ui import labels
from joorsync.sync.ui.auth import shop_required, user_label
from joorsync.sync.ui.pagination import paginate
from joorsync.sync.ui.queries import (
    LINK_STATUS_CHOICES,
    link_filter_from,
    link_suggestions,
    links_filtered,
    product_names_for_gids,
    unmatched_style_get,
)
from joorsync.sync.ui.views.common import next_url, page, redirect_to


def _back(request: HttpRequest) -> str:
    """Where Cancel and the finished action lead: the `next` the list passed (in the query string of
    a question page, in the form of its answer) when it is one of our own paths, else the list."""
    default = reverse("ui:links")
    if request.method == "GET":
        target = request.GET.get("next", "")
        own = target.startswith("/") and not target.startswith("//") and "\\" not in target
        return target if own else default
    return next_url(request, default)


def _link_or_404(request: HttpRequest, link_id: int) -> ProductLink:
    link = ProductLink.objects.filter(shop=request.shop, pk=link_id).first()  # type: ignore[attr-defined]
    if link is None:
        raise Http404("no such link")
    return link


@dataclass(frozen=True)
class LinkNames:
    """A row's two sides by name, where to open the product, and why it is not a synced pair."""

    product: labels.ProductRef
    shopify: str
    joor: str
    reason: str


def link_names(link: ProductLink, *, shop_domain: str, products: dict[str, str] | None = None) -> LinkNames:
    """`products`: titles of the Shopify products the row's note quotes by id."""
    number = labels.numeric_id(link.shopify_product_id)
    return LinkNames(
        product=labels.product_ref(link, shop_domain=shop_domain),
        shopify=link.shopify_title or (f"Shopify product {number}" if number else ""),
        joor=link.joor_name or (f"JOOR style {link.joor_style_id}" if link.joor_style_id else ""),
        reason=labels.link_reason(link, products=products),
    )


@require_GET
@shop_required
def link_list(request: HttpRequest) -> HttpResponse:
    filters = link_filter_from(request.GET)
    status, search, link_id = filters.status, filters.search, filters.link_id
    listed = links_filtered(shop=request.shop, status=status, search=search, link_id=link_id)  # type: ignore[attr-defined]
    view = paginate(listed, request.GET)
    suggestions = link_suggestions(shop=request.shop, rows=view.rows)  # type: ignore[attr-defined]
    shop_domain = request.shop_domain  # type: ignore[attr-defined]
    notes = (link.note for link in view.rows if link.status != ProductLink.Status.LINKED)
    quoted = product_names_for_gids(shop=request.shop, gids=labels.shopify_gids_in(*notes))  # type: ignore[attr-defined]
    rows = [
        (link, suggestions.get(link.pk), link_names(link, shop_domain=shop_domain, products=quoted))
        for link in view.rows
    ]
    context = {
        "one_link": link_id is not None,
        "link_id": link_id,
        "pages": view,
        "rows": rows,
        "status": status,
        "search": search,
        "statuses": LINK_STATUS_CHOICES,
        "here": request.get_full_path(),
    }
    return page(request, "sync/links.html", context, nav="links")


@require_http_methods(["GET", "POST"])
@shop_required
def link_make(request: HttpRequest, link_id: int) -> HttpResponse:
    """Link the unmatched Shopify product of row `link_id` to a JOOR style this shop has seen.

    GET, or a POST without `confirm=1`: both products by name and what the first sync will do with
    this shop's settings, and a button; nothing changes. POST with `confirm=1`: link, and queue the
    product's first sync."""
    row = _link_or_404(request, link_id)
    data = request.POST if request.method == "POST" else request.GET
    style_text = data.get("joor_style_id", "").strip()
    style = (
        unmatched_style_get(shop=request.shop, joor_style_id=int(style_text))  # type: ignore[attr-defined]
        if style_text.isdigit()
        else None
    )
    back = _back(request)
    if style is None or not row.shopify_product_id:
        messages.error(request, "Choose a JOOR style for a product that exists in Shopify.")
        return redirect_to(back)
    named = " · ".join(part for part in (style.style_number, style.joor_name) if part)
    if request.method == "GET" or request.POST.get("confirm") != "1":
        number = labels.numeric_id(row.shopify_product_id)
        context = {
            "row": row,
            "style": style,
            "shopify_name": row.shopify_title or (f"Shopify product {number}" if number else "this product"),
            "shopify_admin_url": labels.shopify_product_admin_url(
                shop_domain=request.shop_domain,  # type: ignore[attr-defined]
                shopify_product_id=row.shopify_product_id,
            ),
            "joor_name": style.joor_name or f"JOOR style {style.joor_style_id}",
            "style_named": named or str(style.joor_style_id),
            "outline": product_link_first_sync_outline(shop=request.shop),  # type: ignore[attr-defined]
            "back": back,
        }
        return page(request, "sync/link_confirm.html", context, nav="links")
    try:
        link = product_link_manual(
            shop=request.shop,  # type: ignore[attr-defined]
            shopify_product_id=row.shopify_product_id,
            joor_style_id=int(style.joor_style_id or 0),
            style_number=style.style_number,
            user=user_label(request),
        )
    except LinkRefused as exc:
        reason = str(exc)
        titles = product_names_for_gids(shop=request.shop, gids=labels.shopify_gids_in(reason))  # type: ignore[attr-defined]
        messages.error(request, labels.humanize_text(reason, products=titles))
    else:
        # The kept row may be the style's, which never held the Shopify title: the product's row did.
        product = row.shopify_title or labels.product_name(link)
        named = " · ".join(
            part for part in (link.style_number or style.style_number, style.joor_name) if part
        )
        messages.success(
            request, f"Linked {product} to JOOR style {named}; a sync of this product is queued."
        )
    return redirect_to(back)


@require_http_methods(["GET", "POST"])
@shop_required
def link_unlink(request: HttpRequest, link_id: int) -> HttpResponse:
    """GET: what unlinking the product does, and a button; POST: unlink it (undo offered after)."""
    link = _link_or_404(request, link_id)
    back = _back(request)
    if request.method == "GET":
        if link.status != ProductLink.Status.LINKED:
            return redirect_to(back)
        context = {"link": link, "name": labels.product_name(link), "back": back}
        return page(request, "sync/link_unlink.html", context, nav="links")
    product_link_unlink(link=link, user=user_label(request))
    messages.success(request, f"Unlinked {labels.product_name(link)}: it no longer syncs. Undo below.")
    return redirect_to(f"{reverse('ui:links')}?link={link.pk}")


@require_POST
@shop_required
def link_relink(request: HttpRequest, link_id: int) -> HttpResponse:
    """Undo an unlink."""
    link = _link_or_404(request, link_id)
    if product_link_relink(link=link, user=user_label(request)):
        messages.success(request, f"{labels.product_name(link)} is linked again, as before.")
    else:
        messages.error(request, f"There is no unlink of {labels.product_name(link)} to undo.")
    return redirect_to(f"{reverse('ui:links')}?link={link.pk}")
