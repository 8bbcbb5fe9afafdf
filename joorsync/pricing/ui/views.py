"""Saving the "Prices and product data" section of /settings (shown by `joorsync.sync.ui.views.settings`
through the `pricing_section` tag)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from joorsync.pricing.services import pricing_settings_save
from joorsync.pricing.ui.forms import PricingForm
from joorsync.pricing.ui.section import company_location_choices, mapped_price_type, market_choices
from joorsync.sync.selectors import joor_account_get
from joorsync.sync.ui.auth import shop_required
from joorsync.sync.ui.views.common import redirect_to
from joorsync.sync.ui.views.settings import settings_render


@require_POST
@shop_required
def pricing_settings_save_view(request: HttpRequest) -> HttpResponse:
    """Save the section; a refusal shows the page again with the message at the field."""
    shop = request.shop  # type: ignore[attr-defined]
    account = joor_account_get(shop=shop)
    places = company_location_choices(shop=shop)
    form = PricingForm.bind(
        request.POST,
        mapped=mapped_price_type(account),
        markets=market_choices(shop=shop).choices,
        company_locations=places.choices,
    )
    if form.is_valid():
        pricing_settings_save(
            shop=shop,
            vendor=form.vendor,
            sku_prices=form.sku_prices,
            routes=form.routes(),
            categories=form.mappings(),
        )
        messages.success(request, "Price and product data settings saved.")
        return redirect_to(reverse("ui:settings") + "#pricing")
    form.markets_error = market_choices(shop=shop).error
    form.locations_error = places.error if any(row.locations for row in form.rows) else ""
    request.pricing_form = form  # type: ignore[attr-defined]
    return settings_render(request, status=400)
