"""The embedded app: its home page inside Shopify admin and JSON endpoints behind session tokens."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from shopify_app.domains import shop_domain_clean
from shopify_app.middleware import apply_frame_ancestors
from shopify_app.oauth import query_params, request_params_valid
from shopify_app.selectors import shop_installed_get
from shopify_app.session_tokens import session_token_required


@require_GET
@xframe_options_exempt  # framing is governed by CSP frame-ancestors, limited to the shop's admin
def home(request: HttpRequest) -> HttpResponse:
    """App home. An uninstalled shop goes to /auth (from inside the admin iframe, via the top window)."""
    params = query_params(request.GET)
    shop_domain = shop_domain_clean(params.get("shop"))
    context = {"api_key": settings.SHOPIFY_API_KEY, "shop": shop_domain, "host": params.get("host") or ""}
    if shop_domain is None:
        return apply_frame_ancestors(request, render(request, "shopify_app/home.html", context))
    if "hmac" in params and not request_params_valid(params):
        return apply_frame_ancestors(
            request,
            render(
                request,
                "shopify_app/install_error.html",
                {"reason": "invalid or expired signature"},
                status=400,
            ),
        )
    if shop_installed_get(shop_domain=shop_domain) is None:
        auth_url = f"/auth?{urlencode({'shop': shop_domain})}"
        if params.get("embedded") == "1":
            # Shopify's OAuth pages refuse to be framed: leave the iframe first.
            context["redirect_url"] = f"{settings.SHOPIFY_APP_URL}{auth_url}"
            return apply_frame_ancestors(request, render(request, "shopify_app/exit_iframe.html", context))
        return HttpResponseRedirect(auth_url)
    return apply_frame_ancestors(request, render(request, "shopify_app/home.html", context))


@require_GET
@session_token_required
def api_session(request: HttpRequest) -> JsonResponse:
    """Who the session token says is calling; the smallest authenticated endpoint."""
    return JsonResponse({"shop": request.shop_domain})  # type: ignore[attr-defined]
