"""Writes of a shop's pricing settings: vendor, SKU prices, price type routes, category mappings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from joorsync.pricing.models import CategoryMapping, PriceTypeRoute, PricingSettings
from shopify_app.models import Shop


@dataclass(frozen=True, slots=True)
class RouteInput:
    label: str
    currency: str
    destination: str
    amount: str
    factor: Decimal | None
    market_id: str = ""
    #: B2B company locations the price list is shown to (instead of a market).
    company_location_ids: tuple[str, ...] = ()


@transaction.atomic
def pricing_settings_save(
    *,
    shop: Shop,
    vendor: str,
    sku_prices: bool,
    routes: Iterable[RouteInput],
    categories: Mapping[str, str],
) -> PricingSettings:
    """Store the whole section at once. A price list already made for a price type stays recorded
    (its id), whatever the new destination, so it is never made twice."""
    settings, _ = PricingSettings.objects.get_or_create(shop=shop)
    settings.vendor = vendor.strip()
    settings.sku_prices = sku_prices
    settings.full_clean()
    settings.save()
    for route in routes:
        PriceTypeRoute.objects.update_or_create(
            shop=shop,
            label=route.label,
            currency=route.currency,
            defaults={
                "destination": route.destination,
                "amount": route.amount,
                "factor": route.factor,
                "market_id": route.market_id,
                "company_location_ids": list(route.company_location_ids),
            },
        )
    CategoryMapping.objects.filter(shop=shop).exclude(joor_category__in=list(categories)).delete()
    for name, taxonomy_id in categories.items():
        CategoryMapping.objects.update_or_create(
            shop=shop, joor_category=name, defaults={"taxonomy_id": taxonomy_id}
        )
    return settings


def price_type_route_list_set(*, route: PriceTypeRoute, price_list_id: str, catalog_id: str) -> None:
    """Remember the price list (and its catalog) made for a price type, so it is never made twice."""
    route.price_list_id = price_list_id
    route.catalog_id = catalog_id
    route.save(update_fields=["price_list_id", "catalog_id", "updated_at"])
