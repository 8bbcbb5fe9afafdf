"""App Bridge session tokens: verifying `Authorization: Bearer <jwt>` and the view decorator using it.

Inside the admin iframe cookies cannot carry a session, so every request from the embedded UI carries
a short-lived JWT signed with the app secret. A refused token is answered 401 with
`X-Shopify-Retry-Invalid-Session-Request: 1`, which makes App Bridge fetch a fresh token and retry.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from shopify import session_token as shopify_session_token

from shopify_app import oauth
from shopify_app.domains import shop_domain_clean
from shopify_app.models import Shop
from shopify_app.selectors import shop_installed_get
from shopify_app.services.install import shop_install_by_token_exchange
from shopify_app.services.tokens import shop_credentials_usable

logger = logging.getLogger(__name__)

RETRY_HEADER = "X-Shopify-Retry-Invalid-Session-Request"


class InvalidSessionToken(Exception):
    """Missing, malformed, badly signed, expired, for another app or naming an invalid shop."""


@dataclass(frozen=True)
class SessionToken:
    shop_domain: str
    user_id: str
    claims: dict[str, Any]
    raw: str

    def __repr__(self) -> str:
        return f"SessionToken(shop_domain={self.shop_domain!r}, user_id={self.user_id!r})"


def _secrets() -> list[str]:
    return [
        s for s in (settings.SHOPIFY_API_SECRET, getattr(settings, "SHOPIFY_API_SECRET_PREVIOUS", "")) if s
    ]


def session_token_decode(*, authorization: str | None) -> SessionToken:
    """Verify a `Bearer <jwt>` header value (signature, audience, expiry, issuer = destination shop)."""
    if not authorization:
        raise InvalidSessionToken("no bearer token")
    last_error: Exception | None = None
    for secret in _secrets():
        try:
            claims = shopify_session_token.decode_from_header(authorization, settings.SHOPIFY_API_KEY, secret)
            break
        except shopify_session_token.SessionTokenError as exc:
            last_error = exc
    else:
        raise InvalidSessionToken(str(last_error or "invalid token"))
    if "exp" not in claims:  # ShopifyAPI does not require it; a token without one would never expire
        raise InvalidSessionToken("token has no expiry")
    shop_domain = shop_domain_clean(urlsplit(str(claims.get("dest", ""))).hostname or "")
    if shop_domain is None:
        raise InvalidSessionToken("token names no valid shop")
    raw = authorization[len(shopify_session_token.PREFIX) :]
    return SessionToken(shop_domain=shop_domain, user_id=str(claims.get("sub", "")), claims=claims, raw=raw)


def _unauthorized(reason: str) -> JsonResponse:
    response = JsonResponse({"error": "unauthorized", "reason": reason}, status=401)
    response[RETRY_HEADER] = "1"
    return response


def session_token_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Authenticate the request by session token and set `request.shop` (a Shop) and `request.shop_domain`.

    A shop the app holds no usable token for (never installed, uninstalled, refresh token expired)
    gets one by token exchange, so a managed install needs no redirect. A `shop` query parameter, when sent, must name the token's shop. The view is exempt from
    CSRF checks: a bearer token is never sent by a browser on its own, so cross-site requests lack it.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            token = session_token_decode(authorization=request.headers.get("Authorization"))
        except InvalidSessionToken as exc:
            logger.info("session token refused: %s", exc)
            return _unauthorized("invalid session token")
        requested = request.GET.get("shop")
        if requested is not None and requested.lower() != token.shop_domain:
            return _unauthorized("session token is for another shop")
        shop: Shop | None = shop_installed_get(shop_domain=token.shop_domain)
        if shop is None or not shop_credentials_usable(shop=shop):
            try:
                shop = shop_install_by_token_exchange(shop_domain=token.shop_domain, session_token=token.raw)
            except oauth.OAuthInvalidSubjectToken:
                return _unauthorized("session token refused by token exchange")
            except oauth.OAuthError as exc:
                logger.warning("token exchange for %s failed: %s", token.shop_domain, exc)
                return JsonResponse({"error": "token exchange failed"}, status=502)
        request.shop = shop  # type: ignore[attr-defined]
        request.shop_domain = shop.shop_domain  # type: ignore[attr-defined]
        request.session_token = token  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    wrapper.csrf_exempt = True  # type: ignore[attr-defined]
    return wrapper
