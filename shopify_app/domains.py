"""Validation of `*.myshopify.com` shop domains and the admin base URL each shop is reached at.

A shop domain arrives from query strings, headers and JWT claims and ends up in redirects and outbound
URLs, so it is checked strictly (no lenient normalising beyond lower-casing) before any such use.
"""

from __future__ import annotations

import re

from django.conf import settings
from shopify.utils.shop_url import sanitize_shop_domain

SHOP_DOMAIN_RE = re.compile(r"^[a-z0-9][a-z0-9-]*\.myshopify\.com$")
MAX_SHOP_DOMAIN_LENGTH = 255


class InvalidShopDomain(ValueError):
    """The value is not a plain `<name>.myshopify.com` host."""


def shop_domain_clean(value: object) -> str | None:
    """The lower-cased shop domain, or None when `value` is not exactly a myshopify.com host.

    Both our strict pattern and ShopifyAPI's `sanitize_shop_domain` must accept it unchanged; the latter
    would otherwise "repair" inputs such as `https://x.myshopify.com` or a bare `x`, which we refuse.
    """
    if not isinstance(value, str) or not value or len(value) > MAX_SHOP_DOMAIN_LENGTH:
        return None
    candidate = value.lower()
    if not SHOP_DOMAIN_RE.fullmatch(candidate):
        return None
    if sanitize_shop_domain(candidate) != candidate:
        return None
    return candidate


def shop_domain_validate(value: object) -> str:
    """Like `shop_domain_clean` but raising `InvalidShopDomain` for callers that must not continue."""
    cleaned = shop_domain_clean(value)
    if cleaned is None:
        raise InvalidShopDomain("invalid shop domain")
    return cleaned


def admin_base_url(*, shop_domain: str, override: str = "") -> str:
    """Base URL of the shop's admin: the per-shop override, else SHOPIFY_ADMIN_BASE_URL, else https://{shop}."""
    if override:
        return override.rstrip("/")
    configured = getattr(settings, "SHOPIFY_ADMIN_BASE_URL", "")
    if configured:
        return configured.rstrip("/")
    return f"https://{shop_domain_validate(shop_domain)}"


def admin_base_url_is_shared(*, override: str = "") -> bool:
    """True when the admin host is not the shop's own (sandbox), so requests must name the shop."""
    return bool(override or getattr(settings, "SHOPIFY_ADMIN_BASE_URL", ""))
