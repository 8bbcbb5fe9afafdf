"""Staff admin: the settings and what was mailed are listed read-only; the one action sends the daily
summary now."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from joorsync.notifications.models import NotificationSent, NotificationSettings
from tests.notifications.conftest import OWNER, make_problems, settings_of

pytestmark = pytest.mark.django_db


def test_pages_render_read_only(admin_client, shop):
    settings = settings_of(shop, daily_digest=True)
    sent = NotificationSent.objects.create(shop=shop, kind=NotificationSent.Kind.PROBLEM, object_id=7)
    for model, obj in ((NotificationSettings, settings), (NotificationSent, sent)):
        meta = model._meta
        listing = admin_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        assert listing.status_code == 200
        page = admin_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]))
        assert page.status_code == 200
        assert 'name="_save"' not in page.content.decode()
    listing = admin_client.get(
        reverse("admin:notifications_notificationsettings_changelist")
    ).content.decode()
    assert OWNER in listing and "08:00 Etc/UTC" in listing
    assert admin_client.get(reverse("admin:notifications_notificationsettings_add")).status_code == 403


def test_send_the_daily_summary_now(admin_client, shop):
    settings = settings_of(shop, daily_digest=True)
    make_problems(shop, 1)
    response = admin_client.post(
        reverse("admin:notifications_notificationsettings_changelist"),
        {"action": "send_digest_now", "_selected_action": [settings.pk]},
        follow=True,
    )
    assert "1 of 1 summaries sent" in response.content.decode()
    [message] = mail.outbox
    assert message.subject == "joorsync daily summary: 1 product needs attention"
