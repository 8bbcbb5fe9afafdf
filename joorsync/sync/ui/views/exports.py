"""`/links/export.csv`, `/conflicts/export.csv`, `/problems/export.csv`, `/orders/export.csv`: each list
as a CSV file, under the filters its page has in the URL. Thin: the rows come from `ui.exports`."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from joorsync.orders.ui.queries import order_filter_from
from joorsync.sync.ui.auth import shop_required
from joorsync.sync.ui.exports import (
    CONTENT_TYPE,
    CsvExport,
    conflicts_export,
    csv_chunks,
    export_filename,
    links_export,
    orders_export,
    problems_export,
)
from joorsync.sync.ui.queries import conflict_filter_from, link_filter_from
from shopify_app.models import Shop


def _download(export: CsvExport, *, shop: Shop) -> HttpResponse:
    """The export streamed as an attachment, never cached (it is one shop's data).

    `shop_required` wraps views returning `HttpResponse`; Django serves a streaming response the same
    way, hence the cast.
    """
    response = StreamingHttpResponse(csv_chunks(export), content_type=CONTENT_TYPE)
    filename = export_filename(name=export.name, shop=shop, on=timezone.now().date())
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)
    return cast(HttpResponse, response)


@require_GET
@shop_required
def links_csv(request: HttpRequest) -> HttpResponse:
    shop: Shop = request.shop  # type: ignore[attr-defined]
    return _download(links_export(shop=shop, filters=link_filter_from(request.GET)), shop=shop)


@require_GET
@shop_required
def conflicts_csv(request: HttpRequest) -> HttpResponse:
    shop: Shop = request.shop  # type: ignore[attr-defined]
    return _download(conflicts_export(shop=shop, filters=conflict_filter_from(request.GET)), shop=shop)


@require_GET
@shop_required
def problems_csv(request: HttpRequest) -> HttpResponse:
    shop: Shop = request.shop  # type: ignore[attr-defined]
    return _download(problems_export(shop=shop), shop=shop)


@require_GET
@shop_required
def orders_csv(request: HttpRequest) -> HttpResponse:
    shop: Shop = request.shop  # type: ignore[attr-defined]
    return _download(orders_export(shop=shop, filters=order_filter_from(request.GET)), shop=shop)
