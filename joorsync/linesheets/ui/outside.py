"""The Shopify collections the settings section offers: one cheap, cached, allowed-to-fail read."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.core.cache import cache

from joorsync.sync.clients import shopify_client_for
from shopify_app.admin import collections as api
from shopify_app.models import Shop

logger = logging.getLogger(__name__)

CACHE_SECONDS = 120
FAILURE_CACHE_SECONDS = 60
MAX_LISTED = 250  # one page: a shop with more chooses among the first 250 by title


@dataclass
class CollectionChoices:
    choices: list[tuple[str, str]] = field(default_factory=list)
    error: str = ""


def shopify_collection_choices(*, shop: Shop) -> CollectionChoices:
    """The shop's custom collections (id, title), by title; smart ones are left out (JOOR cannot
    follow their rules)."""
    key = f"joorsync:ui:collections:{shop.pk}:{shop.admin_base_url}"
    cached = cache.get(key)
    if cached is not None:
        return CollectionChoices(choices=[tuple(c) for c in cached["choices"]], error=cached["error"])
    try:
        client = shopify_client_for(shop=shop, max_retries=0)
        try:
            found = []
            for collection in api.collections_iter(
                client, query="collection_type:custom", page_size=MAX_LISTED
            ):
                found.append((collection.id, collection.title))
                if len(found) >= MAX_LISTED:
                    break
        finally:
            client.close()
    except Exception as exc:  # any failure degrades the section to the stored choice
        logger.info("collections of %s unavailable: %s", shop.shop_domain, type(exc).__name__)
        error = f"Shopify collections could not be read ({type(exc).__name__}); try again in a minute"
        cache.set(key, {"choices": [], "error": error}, FAILURE_CACHE_SECONDS)
        return CollectionChoices(error=error)
    found.sort(key=lambda pair: pair[1].lower())
    cache.set(key, {"choices": found, "error": ""}, CACHE_SECONDS)
    return CollectionChoices(choices=found)
