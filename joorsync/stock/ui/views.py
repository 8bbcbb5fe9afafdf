"""Saving the "Stock by location" section of /settings (shown by `joorsync.sync.ui.views.settings`)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from joorsync.stock.services import stock_locations_save
from joorsync.stock.ui.forms import StockLocationsForm
from joorsync.sync.accounts import JoorAccountInvalid
from joorsync.sync.selectors import joor_account_get
from joorsync.sync.ui.auth import shop_required
from joorsync.sync.ui.outside import shopify_locations
from joorsync.sync.ui.views.common import redirect_to
from joorsync.sync.ui.views.settings import settings_render
from shopify_app.models import Shop

NO_ACCOUNT = "Connect your JOOR account first (above): stock is synced with its warehouses."


def stock_form_for(*, shop: Shop, data: object = None) -> StockLocationsForm:
    """The section's form: the shop's locations from the Admin API, the table as stored."""
    return StockLocationsForm(
        data, account=joor_account_get(shop=shop), locations=shopify_locations(shop=shop).locations
    )


def saved_message(form: StockLocationsForm) -> str:
    mapped = {gid: name for gid, name in form.warehouses().items() if name}
    if not mapped:
        return "Stock settings saved: no location is mapped, so Shopify's total goes to one JOOR warehouse."
    receiving = form.receiving_location()
    where = form.locations.get(receiving, receiving) if receiving else "your shop's default location"
    return f"Stock settings saved: {len(mapped)} location(s) mapped; JOOR's stock goes to {where}."


@require_POST
@shop_required
def stock_settings_save(request: HttpRequest) -> HttpResponse:
    """Save the table; a refusal shows the page again with the message at its field and what was
    entered still there."""
    shop: Shop = request.shop  # type: ignore[attr-defined]
    form = stock_form_for(shop=shop, data=request.POST)
    if form.is_valid():
        if form.account is None:
            form.add_error(None, NO_ACCOUNT)
        else:
            try:
                stock_locations_save(
                    account=form.account, warehouses=form.warehouses(), receiving=form.receiving_location()
                )
            except JoorAccountInvalid as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, saved_message(form))
                return redirect_to(reverse("ui:settings") + "#stock")
    return settings_render(request, sections={"stock_form": form}, status=400)
