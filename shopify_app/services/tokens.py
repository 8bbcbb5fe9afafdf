"""Offline access tokens: storing grants, refreshing before expiry, token exchange, Admin API clients.

Expiring offline tokens live an hour. Every caller asks `shop_access_token_get`, which refreshes when
less than REFRESH_MARGIN is left; the refresh runs under a row lock so concurrent workers refresh once
and the others pick up the new token.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shopify_app import oauth
from shopify_app.admin.client import AdminClient
from shopify_app.domains import admin_base_url
from shopify_app.models import Shop
from shopify_app.selectors import shop_admin_base_override_get

logger = logging.getLogger(__name__)

REFRESH_MARGIN = timedelta(minutes=5)


class ShopNotInstalled(Exception):
    """The shop has no stored access token (never installed, uninstalled or erased)."""


class ShopReauthorizationRequired(Exception):
    """The stored credentials cannot be renewed; the merchant must open the app again."""


def _expiry(now: datetime, seconds: int | None) -> datetime | None:
    return now + timedelta(seconds=seconds) if seconds else None


def shop_grant_apply(*, shop: Shop, grant: oauth.TokenGrant, now: datetime | None = None) -> Shop:
    """Copy a token grant onto `shop` and save it (tokens are encrypted by the field)."""
    now = now or timezone.now()
    shop.access_token = grant.access_token
    shop.access_token_expires_at = _expiry(now, grant.expires_in)
    if grant.refresh_token:
        shop.refresh_token = grant.refresh_token
        shop.refresh_token_expires_at = _expiry(now, grant.refresh_token_expires_in)
    elif grant.expires_in is None:
        # A non-expiring token replaces an expiring one: the old refresh token is meaningless now.
        shop.refresh_token = ""
        shop.refresh_token_expires_at = None
    if grant.scope:
        shop.scopes = ",".join(s.strip() for s in grant.scope.split(",") if s.strip())
    shop.save()
    return shop


def _shop_admin_base(shop: Shop) -> str:
    return admin_base_url(shop_domain=shop.shop_domain, override=shop.admin_base_url)


def _token_fresh(shop: Shop, now: datetime) -> bool:
    return bool(shop.access_token) and (
        shop.access_token_expires_at is None or shop.access_token_expires_at - now > REFRESH_MARGIN
    )


def shop_token_refresh(
    *, shop: Shop, rejected_token: str | None = None, transport: httpx.BaseTransport | None = None
) -> str:
    """Renew the shop's access token with its refresh token and return the new access token.

    `rejected_token` is the token an API call was just refused with: if the stored token already
    differs, another worker refreshed meanwhile and its token is returned without a second refresh.
    Without it, a token that is still fresh is returned as it is.
    """
    with transaction.atomic():
        locked = Shop.objects.select_for_update().get(pk=shop.pk)
        now = timezone.now()
        if rejected_token is not None:
            if locked.access_token and locked.access_token != rejected_token:
                _copy_tokens(locked, shop)
                return locked.access_token
        elif _token_fresh(locked, now):
            _copy_tokens(locked, shop)
            return locked.access_token
        if not locked.refresh_token or (
            locked.refresh_token_expires_at is not None and locked.refresh_token_expires_at <= now
        ):
            raise ShopReauthorizationRequired(f"{locked.shop_domain}: no usable refresh token")
        try:
            grant = oauth.refresh_grant(
                shop_domain=locked.shop_domain,
                admin_base=_shop_admin_base(locked),
                admin_base_override=locked.admin_base_url,
                refresh_token=locked.refresh_token,
                transport=transport,
            )
        except oauth.OAuthUnavailable:
            raise
        except oauth.OAuthError as exc:
            raise ShopReauthorizationRequired(f"{locked.shop_domain}: refresh refused ({exc.error})") from exc
        shop_grant_apply(shop=locked, grant=grant, now=now)
        logger.info("refreshed access token for %s", locked.shop_domain)
    _copy_tokens(locked, shop)
    return locked.access_token


def _copy_tokens(source: Shop, target: Shop) -> None:
    for field in (
        "access_token",
        "access_token_expires_at",
        "refresh_token",
        "refresh_token_expires_at",
        "scopes",
    ):
        setattr(target, field, getattr(source, field))


def shop_credentials_usable(*, shop: Shop, now: datetime | None = None) -> bool:
    """Whether the stored token works or can be refreshed; if not, only a new grant (exchange, OAuth) helps."""
    now = now or timezone.now()
    if not shop.access_token:
        return False
    if shop.access_token_expires_at is None or shop.access_token_expires_at > now:
        return True
    return bool(shop.refresh_token) and (
        shop.refresh_token_expires_at is None or shop.refresh_token_expires_at > now
    )


def shop_access_token_get(*, shop: Shop, transport: httpx.BaseTransport | None = None) -> str:
    """A usable access token for `shop`, refreshed first when it expires within REFRESH_MARGIN."""
    if not shop.access_token:
        raise ShopNotInstalled(f"{shop.shop_domain} has no access token")
    if _token_fresh(shop, timezone.now()):
        return shop.access_token
    return shop_token_refresh(shop=shop, transport=transport)


def shop_admin_client(
    *, shop: Shop, transport: httpx.BaseTransport | None = None, max_retries: int | None = None
) -> AdminClient:
    """An Admin GraphQL client for `shop` that refreshes the token once when a call gets a 401.

    The caller closes it (it is a context manager). `max_retries` overrides the client's default for
    callers that must answer quickly (an operator's command) rather than ride out an outage.
    """
    transport = transport or oauth.configured_transport()
    token = shop_access_token_get(shop=shop, transport=transport)
    current = {"token": token}

    def on_unauthorized() -> str:
        current["token"] = shop_token_refresh(shop=shop, rejected_token=current["token"], transport=transport)
        return current["token"]

    extra: dict[str, Any] = {"max_retries": max_retries} if max_retries is not None else {}
    return AdminClient(
        **extra,
        shop=shop.shop_domain,
        access_token=token,
        api_version=shop.api_version or settings.SHOPIFY_API_VERSION,
        admin_base_url=shop.admin_base_url or settings.SHOPIFY_ADMIN_BASE_URL or None,
        transport=transport,
        timeout=settings.SHOPIFY_HTTP_TIMEOUT,
        on_unauthorized=on_unauthorized if shop.refresh_token else None,
    )


def shop_token_exchange(
    *, shop_domain: str, session_token: str, transport: httpx.BaseTransport | None = None
) -> Shop:
    """Turn an App Bridge session token into a stored expiring offline token for `shop_domain`."""
    override = shop_admin_base_override_get(shop_domain=shop_domain)
    grant = oauth.token_exchange(
        shop_domain=shop_domain,
        admin_base=admin_base_url(shop_domain=shop_domain, override=override),
        admin_base_override=override,
        session_token=session_token,
        transport=transport,
    )
    return shop_installed_store(shop_domain=shop_domain, grant=grant)


def shop_installed_store(
    *, shop_domain: str, grant: oauth.TokenGrant, admin_base_override: str | None = None
) -> Shop:
    """Create or revive the Shop row for a fresh install and store the grant on it."""
    now = timezone.now()
    with transaction.atomic():
        shop, _ = Shop.objects.select_for_update().get_or_create(shop_domain=shop_domain)
        shop.installed_at = shop.installed_at if shop.uninstalled_at is None and shop.installed_at else now
        shop.uninstalled_at = None
        shop.api_version = settings.SHOPIFY_API_VERSION
        if admin_base_override is not None:
            shop.admin_base_url = admin_base_override
        shop_grant_apply(shop=shop, grant=grant, now=now)
    return shop
