"""The OAuth install: start (state + authorize URL) and callback (checks, code exchange, webhooks)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from shopify_app import oauth
from shopify_app.domains import admin_base_url, shop_domain_clean
from shopify_app.models import Shop
from shopify_app.selectors import shop_admin_base_override_get
from shopify_app.services.oauth_states import oauth_state_consume, oauth_state_create
from shopify_app.services.tokens import shop_installed_store, shop_token_exchange
from shopify_app.services.webhook_subscriptions import shop_webhooks_register_or_defer

logger = logging.getLogger(__name__)


class InstallError(Exception):
    """An install request or callback that must be refused; `reason` is safe to show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class InstallStart:
    shop_domain: str
    state: str
    authorize_url: str


def shop_install_begin(*, params: Mapping[str, Any]) -> InstallStart:
    """Validate an install request and return where to send the merchant to approve the app.

    `params` are the request's query parameters; when Shopify signed them (`hmac` present) the
    signature and timestamp must hold.
    """
    shop_domain = shop_domain_clean(params.get("shop"))
    if shop_domain is None:
        raise InstallError("invalid shop domain")
    if "hmac" in params and not oauth.request_params_valid(params):
        raise InstallError("invalid or expired signature")
    override = shop_admin_base_override_get(shop_domain=shop_domain)
    state = oauth_state_create(shop_domain=shop_domain)
    url = oauth.authorize_url(
        shop_domain=shop_domain,
        admin_base=admin_base_url(shop_domain=shop_domain, override=override),
        admin_base_override=override,
        state=state,
    )
    return InstallStart(shop_domain=shop_domain, state=state, authorize_url=url)


def shop_install_complete(*, params: Mapping[str, Any], transport: httpx.BaseTransport | None = None) -> Shop:
    """Check an OAuth callback, exchange its code for an expiring offline token, store it, subscribe.

    Order matters: the shop and signature are checked before the state is consumed, so a forged
    callback cannot burn a legitimate merchant's state.
    """
    shop_domain = shop_domain_clean(params.get("shop"))
    if shop_domain is None:
        raise InstallError("invalid shop domain")
    if not oauth.request_params_valid(params):
        raise InstallError("invalid or expired signature")
    code = params.get("code")
    if not code or not isinstance(code, str):
        raise InstallError("missing authorization code")
    if not oauth_state_consume(nonce=str(params.get("state") or ""), shop_domain=shop_domain):
        raise InstallError("unknown, used or expired state")
    override = shop_admin_base_override_get(shop_domain=shop_domain)
    try:
        grant = oauth.code_exchange(
            shop_domain=shop_domain,
            admin_base=admin_base_url(shop_domain=shop_domain, override=override),
            admin_base_override=override,
            code=code,
            transport=transport,
        )
    except oauth.OAuthError as exc:
        logger.warning("code exchange failed: %s", exc)
        raise InstallError("the authorization code could not be exchanged") from exc
    shop = shop_installed_store(shop_domain=shop_domain, grant=grant)
    logger.info("installed %s (scopes %s)", shop.shop_domain, shop.scopes)
    shop_webhooks_register_or_defer(shop=shop, transport=transport)
    return shop


def shop_install_by_token_exchange(
    *, shop_domain: str, session_token: str, transport: httpx.BaseTransport | None = None
) -> Shop:
    """Managed install: the first embedded request's session token becomes the offline token."""
    shop = shop_token_exchange(shop_domain=shop_domain, session_token=session_token, transport=transport)
    logger.info("installed %s by token exchange (scopes %s)", shop.shop_domain, shop.scopes)
    shop_webhooks_register_or_defer(shop=shop, transport=transport)
    return shop
