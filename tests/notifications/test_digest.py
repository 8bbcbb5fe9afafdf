"""The daily digest: what needs attention now, at most once a day on the merchant's clock, nothing when
nothing needs attention or the digest is off; its task puts the schedule back on the hour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from joorsync.notifications.models import NotificationSent, NotificationSettings
from joorsync.notifications.schedules import digest_schedule_get, notifications_schedule_sync
from joorsync.notifications.services import notify_digest, notify_job_finished
from joorsync.notifications.tasks import notifications_digest_for_shop
from joorsync.orders.models import ImportedOrder
from joorsync.sync.models import SyncJob
from tests.notifications.conftest import make_conflicts, make_order, make_problems, settings_of

pytestmark = pytest.mark.django_db

APP = "https://joorsync.example.com"
NOON = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)


def finished_job(shop, status: str, *, kind: str = "incremental", error: str = "", at=NOON) -> SyncJob:
    return SyncJob.objects.create(shop=shop, kind=kind, status=status, error=error, finished_at=at)


def test_the_digest_lists_what_needs_attention_and_the_last_runs(shop):
    settings_of(shop, daily_digest=True)
    make_problems(shop, 2)
    make_conflicts(shop, 1)
    make_order(shop, 1)
    make_order(shop, 2, state=ImportedOrder.State.CONFLICT)
    sync = finished_job(shop, "failed", error="JoorTransientError: HTTP 503 from JOOR")
    finished_job(shop, "succeeded", kind="orders")

    assert notify_digest(shop=shop, now=NOON) is True

    [message] = mail.outbox
    assert message.subject == (
        "joorsync daily summary: 2 products need attention, 1 conflict waits for your decision, "
        "1 JOOR order is held, 1 JOOR order needs a decision and the last sync failed"
    )
    body = message.body
    assert "What needs your attention in joorsync for demo.myshopify.com on 2026-06-10:" in body
    assert "- Wool coat 0:" in body and "- Linen shirt 0:" in body and "- JOOR order JO-1, PO PO-1" in body
    assert f"Last sync: Incremental sync #{sync.pk} failed at 2026-06-10 12:00 UTC." in body
    assert "JOOR did not answer properly" in body and "Details: HTTP 503 from JOOR" in body
    assert "Last order import: Order import #" in body and "succeeded" in body
    assert f"Open joorsync: {APP}/" in body
    assert "boutique.example" not in body
    [(html, _)] = message.alternatives
    assert f'<a href="{APP}/jobs/{sync.pk}">Incremental sync #{sync.pk}</a> failed' in html


def test_nothing_is_sent_when_nothing_needs_attention(shop):
    settings_of(shop, daily_digest=True)
    assert notify_digest(shop=shop, now=NOON) is False
    finished_job(shop, "succeeded")
    ImportedOrder.objects.create(shop=shop, joor_order_id="OK-1", state=ImportedOrder.State.IMPORTED)
    assert notify_digest(shop=shop, now=NOON) is False
    assert mail.outbox == []

    finished_job(shop, "failed", error="ShopifyAuthError: HTTP 401", at=NOON + timedelta(minutes=1))
    assert notify_digest(shop=shop, now=NOON) is True  # a last sync that failed needs attention
    assert mail.outbox[0].subject == "joorsync daily summary: the last sync failed"


def test_the_digest_is_sent_once_a_day_on_the_merchants_clock(shop):
    settings_of(shop, daily_digest=True, shop_time_zone="America/New_York")
    make_problems(shop, 1)
    assert notify_digest(shop=shop, now=NOON) is True
    # 08:00 in New York; 21:00 there is the next day in UTC but the same day in New York.
    assert notify_digest(shop=shop, now=NOON + timedelta(hours=13)) is False
    assert notify_digest(shop=shop, now=NOON + timedelta(hours=17)) is True  # 01:00 the next day there
    assert len(mail.outbox) == 2


def test_settings_off_or_no_recipient_send_no_digest(shop):
    make_problems(shop, 1)
    settings_of(shop, daily_digest=False)
    assert notify_digest(shop=shop, now=NOON) is False
    settings_of(shop, daily_digest=True, recipient="")
    assert notify_digest(shop=shop, now=NOON) is False
    assert mail.outbox == []


def test_what_the_digest_named_is_not_mailed_again_after_the_next_job(shop):
    settings_of(shop, daily_digest=True)
    make_problems(shop, 2)
    assert notify_digest(shop=shop, now=NOON) is True
    assert NotificationSent.objects.filter(kind=NotificationSent.Kind.PROBLEM).count() == 2

    job = finished_job(shop, "succeeded", at=timezone.now())
    assert notify_job_finished(job=job) == 0
    assert len(mail.outbox) == 1


def test_the_task_sends_the_digest_and_puts_the_schedule_back_on_the_hour(shop):
    settings = settings_of(shop, daily_digest=True, digest_hour=7, digest_clock="utc")
    schedule = notifications_schedule_sync(settings=settings)
    assert schedule is not None
    # django-q moved it by a day; across a daylight-saving change that is an hour off.
    schedule.next_run = schedule.next_run + timedelta(days=1, hours=1)
    schedule.save()
    make_conflicts(shop, 1)

    assert notifications_digest_for_shop(shop.pk) == "sent"
    assert notifications_digest_for_shop(shop.pk) == "nothing to send"  # once a day
    moved = digest_schedule_get(shop=shop)
    assert moved is not None and (moved.next_run.hour, moved.next_run.minute) == (7, 0)
    assert len(mail.outbox) == 1 and NotificationSettings.objects.get(shop=shop).last_digest_at is not None


def test_the_task_of_a_shop_that_is_gone_removes_its_schedule(shop):
    settings = settings_of(shop, daily_digest=True)
    notifications_schedule_sync(settings=settings)
    shop_id = shop.pk
    shop.delete()
    assert notifications_digest_for_shop(shop_id) == "no such shop"
    from django_q.models import Schedule

    assert not Schedule.objects.filter(name__startswith="joorsync-digest-").exists()


def test_a_digest_the_mail_server_refused_is_sent_again_the_same_day(shop, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_job_mails.BrokenBackend"
    settings_of(shop, daily_digest=True)
    make_problems(shop, 1)
    with pytest.raises(ConnectionRefusedError):
        notify_digest(shop=shop, now=NOON)
    assert NotificationSettings.objects.get(shop=shop).last_digest_at is None
    assert not NotificationSent.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notify_digest(shop=shop, now=NOON + timedelta(hours=1)) is True
    assert len(mail.outbox) == 1
