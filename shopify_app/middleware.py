"""Content-Security-Policy `frame-ancestors` for an app embedded in Shopify admin.

Shopify requires each response to allow framing only by the shop's own admin: `https://{shop}` and
`https://admin.shopify.com`. Requests with no valid shop may not be framed at all.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from shopify_app.domains import shop_domain_clean

SHOPIFY_ADMIN_ORIGIN = "https://admin.shopify.com"


def request_shop_domain(request: HttpRequest) -> str | None:
    """The shop the request is for: set by session-token auth, else a valid `shop` query parameter."""
    authenticated = getattr(request, "shop_domain", None)
    if authenticated:
        return authenticated
    return shop_domain_clean(request.GET.get("shop"))


def frame_ancestors_value(shop_domain: str | None) -> str:
    if shop_domain:
        return f"frame-ancestors https://{shop_domain} {SHOPIFY_ADMIN_ORIGIN};"
    return "frame-ancestors 'none';"


def apply_frame_ancestors(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Add the directive, keeping any policy the view set (and its own frame-ancestors, if any)."""
    existing = response.get("Content-Security-Policy", "")
    if "frame-ancestors" in existing:
        return response
    directive = frame_ancestors_value(request_shop_domain(request))
    response["Content-Security-Policy"] = (
        f"{existing.rstrip().rstrip(';')}; {directive}" if existing else directive
    )
    return response


class FrameAncestorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return apply_frame_ancestors(request, self.get_response(request))
