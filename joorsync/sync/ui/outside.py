"""The few outside calls the settings page makes, each cheap, bounded and allowed to fail.

A person is waiting on the page, so no call retries, and every failure becomes one line with no secret
in it (the clients redact their own credentials; messages here name only the host).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.core.cache import cache

from joorsync.joor.errors import JoorError
from joorsync.sync.accounts import joor_connection_problem
from joorsync.sync.clients import joor_client_for, shopify_client_for
from joorsync.sync.models import JoorAccount
from shopify_app.models import Shop

logger = logging.getLogger(__name__)

PRICE_SAMPLE_STYLES = 25
PRICE_CACHE_SECONDS = 300
LOCATIONS_CACHE_SECONDS = 300
#: A failed lookup is remembered briefly, so an unreachable API does not slow every page view.
FAILURE_CACHE_SECONDS = 60
INTERACTIVE_TIMEOUT = 5.0  # seconds: a settings page waits no longer for JOOR


def joor_connection_check(*, account: JoorAccount) -> str | None:
    """None when JOOR answers an authenticated read of one item; else the one-line reason, which
    tells a refusal of the credentials apart from nothing else (see `joor_connection_problem`)."""
    return joor_connection_problem(account=account, max_retries=0, timeout=INTERACTIVE_TIMEOUT)


@dataclass
class PriceChoices:
    labels: list[str] = field(default_factory=list)
    currencies: list[str] = field(default_factory=list)
    error: str = ""


def joor_price_choices(*, account: JoorAccount) -> PriceChoices:
    """Price labels and currencies seen on the first page of the account's styles (cached briefly)."""
    key = f"joorsync:ui:prices:{account.pk}:{account.updated_at.timestamp() if account.updated_at else 0}"
    cached = cache.get(key)
    if cached is not None:
        return PriceChoices(**cached)
    labels: set[str] = set()
    currencies: set[str] = set()
    try:
        with joor_client_for(account=account, max_retries=0, timeout=INTERACTIVE_TIMEOUT) as client:
            page = next(iter(client.iter_style_pages(page_size=PRICE_SAMPLE_STYLES)), None)
            for style in page.styles if page is not None else []:
                for price in style.prices:
                    if price.price_label:
                        labels.add(price.price_label)
                    if price.price_currency:
                        currencies.add(price.price_currency.upper())
    except (JoorError, ValueError) as exc:
        logger.info("price labels of %s unavailable: %s", account.shop_id, type(exc).__name__)
        failed = PriceChoices(error="JOOR price labels unavailable")
        cache.set(key, {"labels": [], "currencies": [], "error": failed.error}, FAILURE_CACHE_SECONDS)
        return failed
    result = PriceChoices(labels=sorted(labels), currencies=sorted(currencies))
    cache.set(key, {"labels": result.labels, "currencies": result.currencies}, PRICE_CACHE_SECONDS)
    return result


@dataclass
class ShopLocations:
    locations: list[tuple[str, str]] = field(default_factory=list)  # (gid, name)
    error: str = ""


def shopify_locations(*, shop: Shop) -> ShopLocations:
    """The shop's active locations from the Admin API, or the reason they could not be read (cached)."""
    key = f"joorsync:ui:locations:{shop.pk}:{shop.admin_base_url}:{shop.updated_at.timestamp() if shop.updated_at else 0}"
    cached = cache.get(key)
    if cached is not None:
        return ShopLocations(locations=[tuple(pair) for pair in cached["locations"]], error=cached["error"])
    try:
        client = shopify_client_for(shop=shop, max_retries=0)
        try:
            found = [(loc.id, loc.name) for loc in client.locations() if loc.is_active]
        finally:
            client.close()
    except Exception as exc:  # any failure degrades the page to the stored mapping
        logger.info("locations of %s unavailable: %s", shop.shop_domain, type(exc).__name__)
        error = f"Shopify locations unavailable ({type(exc).__name__})"
        cache.set(key, {"locations": [], "error": error}, FAILURE_CACHE_SECONDS)
        return ShopLocations(error=error)
    cache.set(key, {"locations": found, "error": ""}, LOCATIONS_CACHE_SECONDS)
    return ShopLocations(locations=found)
