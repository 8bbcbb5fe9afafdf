"""Sandbox mode only: sign in as an installed sandbox shop with no Shopify admin around."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from joorsync.sync.ui.auth import SESSION_KEY
from shopify_app.domains import shop_domain_clean
from shopify_app.selectors import shop_installed_get


def _refused(request: HttpRequest, reason: str, status: int) -> HttpResponse:
    context = {"reason": reason, "sandbox_mode": True, "embedded": False, "nav": ""}
    return render(request, "sync/unauthorized.html", context, status=status)


@require_http_methods(["GET"])
def sandbox_login(request: HttpRequest) -> HttpResponse:
    """`GET /sandbox/login?shop=…`: the shop must be a valid domain and installed; 404 outside sandbox mode."""
    if not settings.SANDBOX_MODE:
        raise Http404("not in sandbox mode")
    if "shop" not in request.GET:
        return _refused(request, "", 200)
    domain = shop_domain_clean(request.GET.get("shop"))
    if domain is None:
        return _refused(request, "That is not a valid shop domain (such as demo.myshopify.com).", 400)
    shop = shop_installed_get(shop_domain=domain)
    if shop is None:
        return _refused(request, f"{domain} is not installed in this sandbox.", 403)
    request.session.cycle_key()  # a fresh session id at sign-in (no fixation)
    request.session[SESSION_KEY] = shop.shop_domain
    return HttpResponseRedirect("/")


@require_http_methods(["GET", "POST"])
def sandbox_logout(request: HttpRequest) -> HttpResponse:
    if not settings.SANDBOX_MODE:
        raise Http404("not in sandbox mode")
    request.session.flush()
    return HttpResponseRedirect("/sandbox/login")
