"""Who is asking: the merchant UI's authentication and its CSRF rule.

Two ways in, both ending with `request.shop` set:

- Embedded in Shopify admin: an App Bridge session token, as `Authorization: Bearer <jwt>` (htmx and
  fetch requests) or as the `id_token` query parameter Shopify adds to the first page load. Verified
  by `shopify_app.session_tokens`; such requests are exempt from CSRF checks (a browser never sends a
  bearer token on its own).
- Sandbox mode only: the shop domain stored in the Django session by `/sandbox/login`. Cookies travel
  with cross-site requests, so every unsafe request authenticated this way passes Django's CSRF check.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_exempt

from shopify_app.models import Shop
from shopify_app.selectors import shop_installed_get
from shopify_app.session_tokens import RETRY_HEADER, session_token_required

SESSION_KEY = "joorsync_sandbox_shop"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

View = Callable[..., HttpResponse]


def _csrf_failure(request: HttpRequest) -> HttpResponse | None:
    """Django's own CSRF check, run by hand because the view itself is marked exempt."""
    check = CsrfViewMiddleware(lambda r: HttpResponse())
    check.process_request(request)
    return check.process_view(request, lambda r: HttpResponse(), (), {})


def sandbox_session_shop(request: HttpRequest) -> Shop | None:
    """The installed shop the sandbox session signed in as, or None (always None outside sandbox mode)."""
    if not settings.SANDBOX_MODE:
        return None
    domain = request.session.get(SESSION_KEY)
    if not domain:
        return None
    return shop_installed_get(shop_domain=str(domain))


def unauthorized(request: HttpRequest) -> HttpResponse:
    """401: no shop. App Bridge retries with a fresh token on the retry header; people see a hint."""
    response = render(
        request,
        "sync/unauthorized.html",
        {"sandbox_mode": settings.SANDBOX_MODE, "embedded": False, "nav": ""},
        status=401,
    )
    response[RETRY_HEADER] = "1"
    return response


def shop_required(view: View, *, anonymous: View | None = None) -> View:
    """Authenticate a UI view (session token, `id_token` on a page load, or the sandbox session) and
    set `request.shop`, `request.shop_domain` and `request.embedded`. CSRF applies to the cookie path.

    A request with none of these gets the 401 page, or `anonymous(request)` when given (the app's
    home, which Shopify admin opens before App Bridge has issued a session token).
    """

    def by_token(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.embedded = True  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    token_view = session_token_required(by_token)

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.headers.get("Authorization", "").startswith("Bearer "):
            return token_view(request, *args, **kwargs)
        id_token = request.GET.get("id_token")
        if id_token and request.method in SAFE_METHODS:
            request.META["HTTP_AUTHORIZATION"] = f"Bearer {id_token}"
            request.__dict__.pop("headers", None)  # `headers` is cached from META on first use
            return token_view(request, *args, **kwargs)
        shop = sandbox_session_shop(request)
        if shop is None:
            return anonymous(request) if anonymous is not None else unauthorized(request)
        if request.method not in SAFE_METHODS:
            failure = _csrf_failure(request)
            if failure is not None:
                return failure
        request.shop = shop  # type: ignore[attr-defined]
        request.shop_domain = shop.shop_domain  # type: ignore[attr-defined]
        request.embedded = False  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    wrapper.csrf_exempt = True  # type: ignore[attr-defined]
    # Framing is governed by the CSP frame-ancestors middleware (the shop's admin only).
    return xframe_options_exempt(wrapper)


def user_label(request: HttpRequest) -> str:
    """Who decided, for `resolved_by` and link notes: the session token's user, else the sandbox shop."""
    token = getattr(request, "session_token", None)
    if token is not None and token.user_id:
        return f"shopify-user:{token.user_id}"
    return f"sandbox:{request.shop_domain}"  # type: ignore[attr-defined]
