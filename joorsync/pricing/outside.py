"""What the settings section reads from JOOR: the price types (label × currency) the account uses."""

from __future__ import annotations

import logging

from django.core.cache import cache

from joorsync.joor.errors import JoorError
from joorsync.sync.clients import joor_client_for
from joorsync.sync.models import ApiGeneration, JoorAccount

logger = logging.getLogger(__name__)
CACHE_SECONDS = 300
SAMPLE_STYLES = 50


def joor_price_types(*, account: JoorAccount) -> tuple[list[tuple[str, str]], str]:
    """(label, currency) pairs, and an error to show when JOOR could not be asked. v4 lists the
    account's price types; v2 has no such list, so the first page of styles is looked at."""
    key = f"joorsync:pricing:types:{account.pk}:{account.updated_at.timestamp() if account.updated_at else 0}"
    cached = cache.get(key)
    if cached is not None:
        return [tuple(pair) for pair in cached], ""
    pairs: set[tuple[str, str]] = set()
    try:
        with joor_client_for(account=account, max_retries=0, timeout=10.0) as client:
            if account.api_generation == ApiGeneration.V4:
                pairs = {(t.name or t.id, (t.currency_code or "").upper()) for t in client.price_types_list()}
            else:
                page = next(iter(client.iter_style_pages(page_size=SAMPLE_STYLES)), None)
                for style in page.styles if page is not None else []:
                    for price in style.prices:
                        if price.price_label and price.price_currency:
                            pairs.add((price.price_label, price.price_currency.upper()))
    except (JoorError, ValueError) as exc:
        logger.info("price types of %s unavailable: %s", account.shop_id, type(exc).__name__)
        return [], "JOOR's price types could not be read just now; the ones saved before are shown."
    found = sorted(pairs)
    cache.set(key, found, CACHE_SECONDS)
    return found, ""
