"""OAuth install: `GET /auth` starts it, `GET /auth/callback` finishes it."""

from __future__ import annotations

import hmac
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_GET

from shopify_app.oauth import query_params
from shopify_app.services.install import InstallError, shop_install_begin, shop_install_complete

logger = logging.getLogger(__name__)

STATE_COOKIE = "shopify_oauth_state"
STATE_COOKIE_SALT = "shopify_app.oauth-state"
STATE_COOKIE_MAX_AGE = 600


def _refused(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "shopify_app/install_error.html", {"reason": reason}, status=400)


@require_GET
def auth_start(request: HttpRequest) -> HttpResponse:
    """Validate the shop (and Shopify's signature, when present) and send the merchant to approve."""
    try:
        start = shop_install_begin(params=query_params(request.GET))
    except InstallError as exc:
        return _refused(request, exc.reason)
    response = HttpResponseRedirect(start.authorize_url)
    # Ties the callback to this browser as well as to the server-side nonce (login CSRF).
    response.set_signed_cookie(
        STATE_COOKIE,
        start.state,
        salt=STATE_COOKIE_SALT,
        max_age=STATE_COOKIE_MAX_AGE,
        httponly=True,
        secure=settings.SHOPIFY_APP_URL.startswith("https://"),
        samesite="Lax",
    )
    return response


@require_GET
def auth_callback(request: HttpRequest) -> HttpResponse:
    """Check the callback, store the offline token, subscribe webhooks, open the app."""
    params = query_params(request.GET)
    cookie_state = request.get_signed_cookie(
        STATE_COOKIE, default="", salt=STATE_COOKIE_SALT, max_age=STATE_COOKIE_MAX_AGE
    )
    given_state = str(params.get("state") or "")
    if not cookie_state or not hmac.compare_digest(cookie_state.encode(), given_state.encode()):
        return _refused(request, "the install was not started from this browser")
    try:
        shop = shop_install_complete(params=params)
    except InstallError as exc:
        logger.info("install callback refused: %s", exc.reason)
        return _refused(request, exc.reason)
    home_params = {"shop": shop.shop_domain}
    if params.get("host"):
        home_params["host"] = str(params["host"])
    response = HttpResponseRedirect(f"/?{urlencode(home_params)}")
    response.delete_cookie(STATE_COOKIE)
    return response
