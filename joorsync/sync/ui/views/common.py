"""What every page shares: the layout context, htmx detection and redirects that keep htmx in step."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def page(
    request: HttpRequest, template: str, context: dict[str, Any], *, nav: str, status: int = 200
) -> HttpResponse:
    """Render a page of the layout (`sync/base.html`): navigation, shop, App Bridge when embedded."""
    full = {
        "nav": nav,
        "shop_domain": request.shop_domain,  # type: ignore[attr-defined]
        "embedded": getattr(request, "embedded", False),
        "api_key": settings.SHOPIFY_API_KEY,
        "sandbox_mode": settings.SANDBOX_MODE,
        **context,
    }
    return render(request, template, full, status=status)


def redirect_to(url: str) -> HttpResponse:
    """POST-then-redirect; htmx follows the same redirect (boosted forms swap the new page in)."""
    return HttpResponseRedirect(url)


def next_url(request: HttpRequest, default: str) -> str:
    """Where to go after a POST: the form's `next` when it is one of our own paths (no open redirect)."""
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
