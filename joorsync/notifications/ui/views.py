"""Saving the "Notifications" section of /settings (shown by `joorsync.sync.ui.views.settings`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from joorsync.notifications.models import NotificationSettings
from joorsync.notifications.selectors import notification_zone
from joorsync.notifications.services import notification_settings_for, notification_settings_update
from joorsync.notifications.ui.forms import NotificationSettingsForm
from joorsync.sync.ui.auth import shop_required
from joorsync.sync.ui.views.common import redirect_to
from joorsync.sync.ui.views.settings import settings_render
from shopify_app.models import Shop


def saved_message(settings: NotificationSettings) -> str:
    """What was saved, in one line: which mails go where, and when the summary is sent."""
    kinds = []
    if settings.on_failure:
        kinds.append("failures")
    if settings.on_new_items:
        kinds.append("new problems, conflicts and held orders")
    if settings.daily_digest:
        zone = notification_zone(settings=settings)
        kinds.append(f"a daily summary at {settings.digest_hour:02d}:00 ({zone})")
    if not kinds:
        return "Notification settings saved: no mails are sent."
    return f"Notification settings saved. Mails go to {settings.recipient}: {'; '.join(kinds)}."


@require_POST
@shop_required
def notification_settings_save(request: HttpRequest) -> HttpResponse:
    """Save the section; a refusal shows the page again, with the message at the field and what was
    entered still there."""
    shop: Shop = request.shop  # type: ignore[attr-defined]
    form = NotificationSettingsForm(request.POST, settings=notification_settings_for(shop=shop))
    if form.is_valid():
        try:
            saved = notification_settings_update(settings=form.settings, **form.changes())
        except ValidationError as exc:
            form.add_model_errors(exc)
        else:
            messages.success(request, saved_message(saved))
            return redirect_to(reverse("ui:settings"))
    return settings_render(request, notifications_form=form, status=400)
