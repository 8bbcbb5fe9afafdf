"""Shopify OAuth on the wire: request signatures, the authorize URL and the token endpoint grants.

ShopifyAPI verifies request HMACs (constant time, 24 h replay window) but has no expiring-token,
refresh or token-exchange support and hard-codes https, so the token endpoint is called here with httpx.
Every call takes an injectable transport; without one, `SHOPIFY_HTTP_TRANSPORT` (tests) or real HTTP.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import shopify
from django.conf import settings

from shopify_app.domains import admin_base_url_is_shared

logger = logging.getLogger(__name__)

SANDBOX_SHOP_HEADER = "X-Sandbox-Shop-Domain"
TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"  # noqa: S105 - a grant type URN, not a secret
ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token"  # noqa: S105 - a token type URN
OFFLINE_TOKEN_TYPE = "urn:shopify:params:oauth:token-type:offline-access-token"  # noqa: S105 - a token type URN


class OAuthError(Exception):
    """The token endpoint refused a grant or could not be reached."""

    def __init__(self, message: str, *, error: str = "", status_code: int | None = None) -> None:
        super().__init__(message)
        self.error = error
        self.status_code = status_code


class OAuthInvalidSubjectToken(OAuthError):
    """Token exchange refused the session token; App Bridge should fetch a fresh one and retry."""


class OAuthUnavailable(OAuthError):
    """Network failure or a 5xx from the token endpoint."""


@dataclass(frozen=True)
class TokenGrant:
    """What the token endpoint returned; expiries are in seconds from now (None: does not expire)."""

    access_token: str
    scope: str
    expires_in: int | None = None
    refresh_token: str = ""
    refresh_token_expires_in: int | None = None

    def __repr__(self) -> str:  # never let a token reach a log line through repr()
        return f"TokenGrant(scope={self.scope!r}, expires_in={self.expires_in!r}, refresh={bool(self.refresh_token)})"


def shopify_api_setup() -> None:
    """Point ShopifyAPI's class-level credentials at our settings (they may change between tests)."""
    shopify.Session.setup(api_key=settings.SHOPIFY_API_KEY, secret=settings.SHOPIFY_API_SECRET)


def query_params(query: Any) -> dict[str, Any]:
    """A QueryDict as the mapping ShopifyAPI signs: `k[]` keys keep their list of values."""
    return {key: (query.getlist(key) if key.endswith("[]") else query.get(key)) for key in query}


def request_params_valid(params: Mapping[str, Any]) -> bool:
    """True when `hmac` signs the other parameters and `timestamp` is at most a day old."""
    if not params.get("hmac") or not params.get("timestamp"):
        return False
    try:
        int(params["timestamp"])
    except (TypeError, ValueError):
        return False
    shopify_api_setup()
    return bool(shopify.Session.validate_params(dict(params)))


def authorize_url(*, shop_domain: str, admin_base: str, state: str, admin_base_override: str = "") -> str:
    """The admin URL that asks the merchant to approve the app's scopes for an offline token."""
    params = {
        "client_id": settings.SHOPIFY_API_KEY,
        "scope": ",".join(settings.SHOPIFY_SCOPES),
        "redirect_uri": f"{settings.SHOPIFY_APP_URL}/auth/callback",
        "state": state,
    }
    if admin_base_url_is_shared(override=admin_base_override):
        # A shared admin host (the sandbox) cannot tell shops apart by host name.
        params["shop"] = shop_domain
    return f"{admin_base}/admin/oauth/authorize?{urlencode(params)}"


def configured_transport() -> httpx.BaseTransport | None:
    """The transport every Shopify HTTP call uses unless given one: tests set SHOPIFY_HTTP_TRANSPORT."""
    return getattr(settings, "SHOPIFY_HTTP_TRANSPORT", None)


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _token_request(
    *,
    shop_domain: str,
    admin_base: str,
    body: dict[str, Any],
    admin_base_override: str = "",
    transport: httpx.BaseTransport | None = None,
) -> TokenGrant:
    headers = {"Accept": "application/json"}
    if admin_base_url_is_shared(override=admin_base_override):
        headers[SANDBOX_SHOP_HEADER] = shop_domain
    payload = {"client_id": settings.SHOPIFY_API_KEY, "client_secret": settings.SHOPIFY_API_SECRET, **body}
    url = f"{admin_base}/admin/oauth/access_token"
    timeout = httpx.Timeout(settings.SHOPIFY_HTTP_TIMEOUT, connect=min(10.0, settings.SHOPIFY_HTTP_TIMEOUT))
    try:
        with httpx.Client(transport=transport or configured_transport(), timeout=timeout) as client:
            response = client.post(url, json=payload, headers=headers)
    except httpx.HTTPError as exc:
        raise OAuthUnavailable(f"token endpoint unreachable for {shop_domain}: {type(exc).__name__}") from exc

    try:
        data = response.json()
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    if response.status_code >= 500:
        raise OAuthUnavailable(
            f"token endpoint answered {response.status_code} for {shop_domain}",
            status_code=response.status_code,
        )
    if response.status_code != 200 or not data.get("access_token"):
        error = str(data.get("error") or data.get("errors") or "invalid_response")
        description = str(data.get("error_description") or "")
        message = (
            f"token request for {shop_domain} refused ({response.status_code}): {error} {description}".strip()
        )
        cls = OAuthInvalidSubjectToken if error == "invalid_subject_token" else OAuthError
        raise cls(message, error=error, status_code=response.status_code)
    return TokenGrant(
        access_token=str(data["access_token"]),
        scope=str(data.get("scope") or ""),
        expires_in=_int_or_none(data.get("expires_in")),
        refresh_token=str(data.get("refresh_token") or ""),
        refresh_token_expires_in=_int_or_none(data.get("refresh_token_expires_in")),
    )


def code_exchange(
    *,
    shop_domain: str,
    admin_base: str,
    code: str,
    admin_base_override: str = "",
    transport: httpx.BaseTransport | None = None,
) -> TokenGrant:
    """Authorization code → expiring offline token (with its refresh token)."""
    return _token_request(
        shop_domain=shop_domain,
        admin_base=admin_base,
        admin_base_override=admin_base_override,
        body={"code": code, "expiring": 1},
        transport=transport,
    )


def refresh_grant(
    *,
    shop_domain: str,
    admin_base: str,
    refresh_token: str,
    admin_base_override: str = "",
    transport: httpx.BaseTransport | None = None,
) -> TokenGrant:
    """Refresh token → a new access token and a new refresh token."""
    return _token_request(
        shop_domain=shop_domain,
        admin_base=admin_base,
        admin_base_override=admin_base_override,
        body={"grant_type": "refresh_token", "refresh_token": refresh_token},
        transport=transport,
    )


def token_exchange(
    *,
    shop_domain: str,
    admin_base: str,
    session_token: str,
    admin_base_override: str = "",
    transport: httpx.BaseTransport | None = None,
) -> TokenGrant:
    """App Bridge session token → expiring offline token, without a redirect."""
    return _token_request(
        shop_domain=shop_domain,
        admin_base=admin_base,
        admin_base_override=admin_base_override,
        body={
            "grant_type": TOKEN_EXCHANGE_GRANT,
            "subject_token": session_token,
            "subject_token_type": ID_TOKEN_TYPE,
            "requested_token_type": OFFLINE_TOKEN_TYPE,
            "expiring": 1,
        },
        transport=transport,
    )
