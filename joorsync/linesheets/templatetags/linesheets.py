"""`{% linesheet_settings_section %}`: the section of /settings, as stored or as just submitted."""

from __future__ import annotations

from typing import Any

from django import template

from joorsync.linesheets.models import LinesheetLink
from joorsync.linesheets.ui.forms import linesheets_form_for

register = template.Library()


@register.inclusion_tag("linesheets/_section.html", takes_context=True)
def linesheet_settings_section(context: Any) -> dict[str, Any]:
    request = context.get("request")
    shop = getattr(request, "shop", None)
    if shop is None:
        return {"form": None}
    form = getattr(request, "linesheets_form", None) or linesheets_form_for(shop=shop)
    links = LinesheetLink.objects.filter(shop=shop).order_by("origin", "title")[:50]
    return {"form": form, "links": links, "csrf_token": context.get("csrf_token")}
