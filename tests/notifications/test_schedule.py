"""The digest's django-q Schedule follows the settings: made when the digest is on and has a recipient,
at the chosen hour on the chosen clock, kept when nothing changed, removed otherwise and on erase."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django_q.models import Schedule

from joorsync.notifications.schedules import (
    DIGEST_TASK,
    digest_next_run,
    digest_schedule_get,
    notifications_schedule_sync,
)
from joorsync.notifications.services import notification_settings_update
from shopify_app.services.shops import shop_erase
from tests.notifications.conftest import settings_of

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def test_the_schedule_is_made_at_the_hour_in_the_shops_time_zone(shop):
    settings = settings_of(shop, shop_time_zone="Europe/Paris")
    assert digest_schedule_get(shop=shop) is None

    notification_settings_update(settings=settings, daily_digest=True, digest_hour=8)

    schedule = digest_schedule_get(shop=shop)
    assert schedule is not None
    assert (schedule.name, schedule.func, schedule.args) == (
        "joorsync-digest-demo.myshopify.com",
        DIGEST_TASK,
        repr(shop.pk),
    )
    assert (schedule.schedule_type, schedule.repeats) == (Schedule.DAILY, -1)
    local = schedule.next_run.astimezone(PARIS)
    assert (local.hour, local.minute) == (8, 0)
    assert timedelta(0) < schedule.next_run - datetime.now(UTC) <= timedelta(days=1)


def test_utc_clock_and_an_unchanged_save_keep_their_run(shop):
    settings = settings_of(shop, shop_time_zone="Europe/Paris")
    notification_settings_update(settings=settings, daily_digest=True, digest_hour=6, digest_clock="utc")
    first = digest_schedule_get(shop=shop)
    assert first is not None and (first.next_run.hour, first.next_run.tzinfo is not None) == (6, True)

    notification_settings_update(settings=settings, on_failure=False)
    again = digest_schedule_get(shop=shop)
    assert again is not None and (again.pk, again.next_run) == (first.pk, first.next_run)
    assert Schedule.objects.filter(name=first.name).count() == 1


def test_the_schedule_is_removed_when_the_digest_is_off_or_has_no_recipient(shop):
    settings = settings_of(shop)
    notification_settings_update(settings=settings, daily_digest=True)
    assert digest_schedule_get(shop=shop) is not None
    notification_settings_update(settings=settings, daily_digest=False)
    assert digest_schedule_get(shop=shop) is None

    notification_settings_update(settings=settings, daily_digest=True)
    notification_settings_update(settings=settings, recipient="", on_failure=False, on_new_items=False)
    assert digest_schedule_get(shop=shop) is None


def test_erasing_the_shop_removes_its_schedule(shop):
    settings = settings_of(shop)
    notification_settings_update(settings=settings, daily_digest=True)
    shop.uninstalled_at = shop.installed_at
    shop.access_token = ""
    shop.save()
    shop_erase(shop_domain=shop.shop_domain)
    assert not Schedule.objects.filter(name__startswith="joorsync-digest-").exists()


def test_the_next_run_stays_on_the_hour_across_daylight_saving(shop):
    settings = settings_of(shop, shop_time_zone="Europe/Paris", digest_hour=8)
    # Paris moves its clocks forward in the night of 29 March 2026.
    before = datetime(2026, 3, 28, 9, 0, tzinfo=PARIS)
    assert digest_next_run(settings=settings, after=before) == datetime(2026, 3, 29, 6, 0, tzinfo=UTC)
    assert digest_next_run(settings=settings, after=datetime(2026, 3, 29, 7, 59, tzinfo=PARIS)) == datetime(
        2026, 3, 29, 6, 0, tzinfo=UTC
    )

    settings = settings_of(shop, daily_digest=True)
    schedule = notifications_schedule_sync(settings=settings)
    assert schedule is not None
    schedule.next_run = datetime(2026, 3, 29, 7, 0, tzinfo=UTC)  # 09:00 in Paris: a day after 08:00 CET
    schedule.save()
    moved = notifications_schedule_sync(settings=settings)
    assert moved is not None and moved.next_run.astimezone(PARIS).hour == 8
