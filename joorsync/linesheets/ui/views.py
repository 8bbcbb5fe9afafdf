"""Saving the "Linesheets and collections" section of /settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from joorsync.linesheets.models import LinesheetDirection
from joorsync.linesheets.selectors import linesheet_settings_get
from joorsync.linesheets.services import linesheet_settings_update
from joorsync.linesheets.ui.forms import LinesheetSettingsForm
from joorsync.sync.ui.auth import shop_required
from joorsync.sync.ui.views.common import redirect_to
from joorsync.sync.ui.views.settings import settings_render
from shopify_app.models import Shop


@require_POST
@shop_required
def linesheet_settings_save(request: HttpRequest) -> HttpResponse:
    """Save the section; a refusal shows the page again with the message at the field."""
    shop: Shop = request.shop  # type: ignore[attr-defined]
    form = LinesheetSettingsForm(request.POST, settings=linesheet_settings_get(shop=shop))
    if form.is_valid():
        try:
            saved = linesheet_settings_update(shop=shop, **form.changes())
        except ValidationError as exc:
            form.add_model_errors(exc)
        else:
            text = f"Linesheet settings saved: {LinesheetDirection(saved.direction).label}."
            if saved.direction != LinesheetDirection.OFF:
                text += " The next sync applies them."
            messages.success(request, text)
            return redirect_to(reverse("ui:settings") + "#linesheets")
    setattr(request, "linesheets_form", form)  # noqa: B010 - shown by the section's template tag
    return settings_render(request, status=400)
