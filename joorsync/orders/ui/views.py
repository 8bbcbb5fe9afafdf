"""`/orders` and `/orders/<id>`: the imported JOOR orders, one order's page, "Import orders now",
"Retry" of a held order, "Mark resolved" (after a confirmation page) of an order that needs a
decision, and the save of the "Orders" settings. Thin: every read is shop-scoped in `queries` or the
order selectors, every change a call of an order service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from joorsync.orders.imports import order_retry
from joorsync.orders.models import ImportedOrder
from joorsync.orders.selectors import order_events, order_get, order_settings_get
from joorsync.orders.services import order_settings_update, orders_job_request
from joorsync.orders.status import order_conflict_resolve
from joorsync.orders.ui.display import order_page, order_row
from joorsync.orders.ui.forms import OrderSettingsForm
from joorsync.orders.ui.queries import (
    order_filter_from,
    order_tabs,
    orders_filtered,
    orders_import_active,
)
from joorsync.sync.jobs import SyncJobStateError
from joorsync.sync.models import SyncJob
from joorsync.sync.selectors import joor_account_get
from joorsync.sync.ui.auth import shop_required, user_label
from joorsync.sync.ui.outside import shopify_locations
from joorsync.sync.ui.pagination import paginate
from joorsync.sync.ui.views.common import page, redirect_to
from joorsync.sync.ui.views.settings import settings_render
from shopify_app.models import Shop

NOT_CONNECTED = "Connect JOOR in Settings first: orders are read from your JOOR account."


def _order_or_404(request: HttpRequest, order_id: int) -> ImportedOrder:
    order = order_get(shop=request.shop, pk=order_id)  # type: ignore[attr-defined]
    if order is None:
        raise Http404("no such order")
    return order


def _label(order: ImportedOrder) -> str:
    return f"JOOR order {order.joor_order_id}"


@require_GET
@shop_required
def order_list(request: HttpRequest) -> HttpResponse:
    shop: Shop = request.shop  # type: ignore[attr-defined]
    filters = order_filter_from(request.GET)
    tab, query = filters.tab, filters.query
    view = paginate(orders_filtered(shop=shop, tab=tab, query=query), request.GET)
    context = {
        "pages": view,
        "rows": [order_row(order, shop_domain=shop.shop_domain) for order in view.rows],
        "tabs": order_tabs(shop=shop, current=tab, query=query, base=reverse("ui:orders")),
        "tab": tab,
        "search": query,
        "connected": joor_account_get(shop=shop) is not None,
        "active_import": orders_import_active(shop=shop),
    }
    return page(request, "orders/orders.html", context, nav="orders")


@require_POST
@shop_required
def orders_import(request: HttpRequest) -> HttpResponse:
    """ "Import orders now": one order run, joined to one already waiting."""
    shop: Shop = request.shop  # type: ignore[attr-defined]
    back = reverse("ui:orders")
    if joor_account_get(shop=shop) is None:
        messages.error(request, NOT_CONNECTED)
        return redirect_to(back)
    try:
        job = orders_job_request(shop=shop, trigger=SyncJob.Trigger.MANUAL)
    except SyncJobStateError as exc:
        messages.error(request, str(exc))
        return redirect_to(back)
    messages.success(request, f"Order import #{job.pk} queued: new JOOR orders appear below as it runs.")
    return redirect_to(back)


@require_GET
@shop_required
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order_or_404(request, order_id)
    events = paginate(order_events(order=order).defer("details"), request.GET)
    context = {
        "view": order_page(order, shop_domain=request.shop_domain),  # type: ignore[attr-defined]
        "order": order,
        "events": events,
    }
    return page(request, "orders/order_detail.html", context, nav="orders")


@require_POST
@shop_required
def order_retry_view(request: HttpRequest, order_id: int) -> HttpResponse:
    """ "Retry" a held order: it waits to be imported again, and an order run is asked for now."""
    order = _order_or_404(request, order_id)
    shop: Shop = request.shop  # type: ignore[attr-defined]
    back = reverse("ui:order", args=[order.pk])
    if not order_retry(order=order):
        messages.error(request, f"{_label(order)} is not held, so there is nothing to retry.")
        return redirect_to(back)
    if joor_account_get(shop=shop) is None:
        messages.success(request, f"{_label(order)} will be imported again at the next order import.")
        return redirect_to(back)
    job = orders_job_request(shop=shop, trigger=SyncJob.Trigger.MANUAL)
    messages.success(request, f"{_label(order)} will be imported again: order import #{job.pk} is queued.")
    return redirect_to(back)


@require_http_methods(["GET", "POST"])
@shop_required
def order_resolve_view(request: HttpRequest, order_id: int) -> HttpResponse:
    """ "Mark resolved": GET says what will happen and asks; POST does it."""
    order = _order_or_404(request, order_id)
    back = reverse("ui:order", args=[order.pk])
    if request.method == "GET":
        if order.state != ImportedOrder.State.CONFLICT:
            messages.info(request, f"{_label(order)} does not need a decision.")
            return redirect_to(back)
        view = order_page(order, shop_domain=request.shop_domain)  # type: ignore[attr-defined]
        return page(request, "orders/order_resolve.html", {"view": view, "order": order}, nav="orders")
    if order_conflict_resolve(order=order, by=user_label(request)):
        messages.success(request, f"{_label(order)} marked resolved.")
    else:
        messages.error(request, f"{_label(order)} does not need a decision any more; nothing was changed.")
    return redirect_to(back)


@require_POST
@shop_required
def order_settings_save(request: HttpRequest) -> HttpResponse:
    """Save the "Orders" section of /settings; a refusal shows the page again, with the message at
    the field and what was entered still there."""
    shop: Shop = request.shop  # type: ignore[attr-defined]
    form = OrderSettingsForm(
        request.POST,
        settings=order_settings_get(shop=shop),
        locations=shopify_locations(shop=shop).locations,
    )
    if form.is_valid():
        try:
            saved = order_settings_update(settings=form.settings, **form.changes())
        except ValidationError as exc:
            form.add_model_errors(exc)
        else:
            text = "Order settings saved."
            if saved.enabled and joor_account_get(shop=shop) is None:
                text += " Scheduled imports start once JOOR is connected."
            messages.success(request, text)
            return redirect_to(reverse("ui:settings"))
    return settings_render(request, orders_form=form, status=400)
