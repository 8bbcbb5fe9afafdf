"""Reads of a shop's pricing settings, price type routes and category mappings."""

from __future__ import annotations

from decimal import Decimal

from joorsync.joor.client import JoorClient
from joorsync.pricing.models import CategoryMapping, PriceTypeRoute, PricingSettings
from joorsync.pricing.sku_prices import SkuPriceBook
from joorsync.sync.models import ApiGeneration, JoorAccount
from shopify_app.models import Shop


def pricing_settings_get(*, shop: Shop) -> PricingSettings:
    """The shop's settings; the defaults (unsaved) when none were stored yet."""
    found = PricingSettings.objects.filter(shop=shop).first()
    return found if found is not None else PricingSettings(shop=shop)


def price_type_routes(*, shop: Shop) -> dict[tuple[str, str], PriceTypeRoute]:
    """(label, currency) → the stored route."""
    return {(r.label, r.currency): r for r in PriceTypeRoute.objects.filter(shop=shop)}


def price_type_factors(*, shop: Shop) -> dict[tuple[str, str], Decimal] | None:
    """(label, currency) → the factor a new style's price in that type is made with. None when the
    shop set no factor at all: a new style then gets only the mapped price type's price."""
    factors = {key: r.factor for key, r in price_type_routes(shop=shop).items() if r.factor is not None}
    return factors or None


def category_mappings(*, shop: Shop) -> dict[str, str]:
    return dict(CategoryMapping.objects.filter(shop=shop).values_list("joor_category", "taxonomy_id"))


def sku_price_book_for(*, account: JoorAccount, client: JoorClient) -> SkuPriceBook | None:
    """A book of SKU prices for a run, when the account reads JOOR v4 and the shop wants them."""
    if account.api_generation != ApiGeneration.V4:
        return None
    if not pricing_settings_get(shop=account.shop).sku_prices:
        return None
    return SkuPriceBook(client)
