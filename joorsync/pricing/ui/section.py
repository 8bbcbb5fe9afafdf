"""The section's form as the settings page shows it (stored values, or what was just submitted)."""

from __future__ import annotations

from django.http import HttpRequest

from joorsync.pricing.outside import joor_price_types
from joorsync.pricing.selectors import category_mappings, price_type_routes, pricing_settings_get
from joorsync.pricing.ui.forms import PricingForm
from joorsync.sync.models import JoorAccount
from joorsync.sync.selectors import joor_account_get


def mapped_price_type(account: JoorAccount | None) -> tuple[str, str] | None:
    """(label, currency) Shopify's price comes from, per the sync settings; None when not chosen."""
    if account is None or not account.price_currency:
        return None
    return account.price_label, account.price_currency.upper()


def pricing_form_for(request: HttpRequest) -> PricingForm:
    submitted = getattr(request, "pricing_form", None)
    if isinstance(submitted, PricingForm):
        return submitted
    shop = request.shop  # type: ignore[attr-defined]
    account = joor_account_get(shop=shop)
    types, error = joor_price_types(account=account) if account is not None else ([], "")
    form = PricingForm.initial(
        settings=pricing_settings_get(shop=shop),
        routes=price_type_routes(shop=shop),
        types=types,
        mapped=mapped_price_type(account),
        categories=category_mappings(shop=shop),
    )
    form.types_error = error
    return form
