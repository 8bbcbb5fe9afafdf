"""Content-Security-Policy `frame-ancestors` for an app embedded in Shopify admin.

Shopify requires each response to allow framing only by the shop's own admin: `https://{shop}` and
`https://admin.shopify.com`. The shop must be one the request proved: the session token's (or the
sandbox session's), or that of the HMAC-signed query Shopify admin opens the app with, before App
Bridge has issued a token. A bare `?shop=` proves nothing, so it never widens the policy: a page framed
on an attacker's say-so is clickjacking. Django's admin and every request with no proven shop may not
be framed at all.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse

from shopify_app.domains import shop_domain_clean
from shopify_app.oauth import query_params, request_params_valid

SHOPIFY_ADMIN_ORIGIN = "https://admin.shopify.com"


def request_shop_domain(request: HttpRequest) -> str | None:
    """The shop the request proved: set by session-token (or sandbox-session) auth, else the `shop` of
    a query signed with the app's secret (HMAC, at most a day old); None otherwise."""
    authenticated = getattr(request, "shop_domain", None)
    if authenticated:
        return authenticated
    if "hmac" not in request.GET:
        return None
    params = query_params(request.GET)
    return shop_domain_clean(params.get("shop")) if request_params_valid(params) else None


def frame_ancestors_value(shop_domain: str | None) -> str:
    if shop_domain:
        return f"frame-ancestors https://{shop_domain} {SHOPIFY_ADMIN_ORIGIN};"
    return "frame-ancestors 'none';"


def _is_django_admin(request: HttpRequest) -> bool:
    try:
        prefix = reverse("admin:index")
    except NoReverseMatch:
        return False
    return request.path.startswith(prefix)


def apply_frame_ancestors(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Add the directive, keeping any policy the view set (and its own frame-ancestors, if any)."""
    existing = response.get("Content-Security-Policy", "")
    if "frame-ancestors" in existing:
        return response
    shop_domain = None if _is_django_admin(request) else request_shop_domain(request)
    directive = frame_ancestors_value(shop_domain)
    response["Content-Security-Policy"] = (
        f"{existing.rstrip().rstrip(';')}; {directive}" if existing else directive
    )
    return response


class FrameAncestorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return apply_frame_ancestors(request, self.get_response(request))
