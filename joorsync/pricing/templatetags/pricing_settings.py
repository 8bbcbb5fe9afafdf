"""`{% pricing_section %}`: the "Prices and product data" section of /settings."""

from __future__ import annotations

from typing import Any

from django import template

from joorsync.pricing.ui.section import pricing_form_for

register = template.Library()


@register.inclusion_tag("pricing/_settings.html", takes_context=True)
def pricing_section(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    form = pricing_form_for(request)
    return {**form.context(), "csrf_token": context.get("csrf_token")}
