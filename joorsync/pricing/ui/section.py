"""The section's form as the settings page shows it (stored values, or what was just submitted)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.http import HttpRequest

from joorsync.pricing.outside import joor_price_types
from joorsync.pricing.selectors import category_mappings, price_type_routes, pricing_settings_get
from joorsync.pricing.ui.forms import PricingForm
from joorsync.sync.clients import shopify_client_for
from joorsync.sync.models import JoorAccount
from joorsync.sync.selectors import joor_account_get
from shopify_app.admin import pricing as api
from shopify_app.admin.client import AdminClient
from shopify_app.models import Shop

logger = logging.getLogger(__name__)
CACHE_SECONDS = 120


@dataclass
class MarketChoices:
    choices: list[tuple[str, str]] = field(default_factory=list)
    error: str = ""


def _cached_choices(
    *, shop: Shop, what: str, read: Callable[[AdminClient], list[tuple[str, str]]], failed: str
) -> MarketChoices:
    """One cached read of the shop's `what` as (id, label) choices; a failure says `failed` and
    offers nothing (the section then keeps the stored choice)."""
    key = f"joorsync:pricing:{what}:{shop.pk}:{shop.admin_base_url}"
    cached = cache.get(key)
    if cached is not None:
        return MarketChoices(choices=[tuple(c) for c in cached], error="")
    try:
        client = shopify_client_for(shop=shop, max_retries=0)
        try:
            found = read(client)
        finally:
            client.close()
    except Exception as exc:  # any failure degrades the choice to the stored one
        logger.info("%s of %s unavailable: %s", what, shop.shop_domain, type(exc).__name__)
        return MarketChoices(error=failed)
    cache.set(key, found, CACHE_SECONDS)
    return MarketChoices(choices=found)


def market_choices(*, shop: Shop) -> MarketChoices:
    """The shop's markets (id, "name (currency)") a price list can be shown in."""
    return _cached_choices(
        shop=shop,
        what="markets",
        read=lambda client: [
            (m.id, f"{m.name} ({m.base_currency})" if m.base_currency else m.name)
            for m in api.markets(client)
        ],
        failed="Your Shopify markets could not be read just now; try again in a minute.",
    )


def company_location_choices(*, shop: Shop) -> MarketChoices:
    """The shop's B2B company locations (id, "Company — Location (currency)"): none when the shop has
    no B2B. Shopify answers a shop without B2B with no locations or with an access error; either way
    the route row offers none (a failed read keeps the stored choice)."""
    return _cached_choices(
        shop=shop,
        what="company-locations",
        read=lambda client: [
            (
                loc.id,
                " — ".join(p for p in (loc.company_name, loc.name) if p)
                + (f" ({loc.currency})" if loc.currency else ""),
            )
            for loc in api.company_locations(client)
        ],
        failed="Your B2B company locations could not be read just now; try again in a minute.",
    )


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
    found = market_choices(shop=shop)
    form.markets, form.markets_error = found.choices, found.error
    places = company_location_choices(shop=shop)
    form.company_locations = places.choices
    # A shop without B2B may answer with an error: said only when a stored choice is at stake.
    form.locations_error = places.error if any(row.locations for row in form.rows) else ""
    return form
