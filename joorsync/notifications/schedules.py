"""The daily digest's django-q2 Schedule, one per shop, kept in line with the shop's notification
settings as `joorsync.sync.schedules` keeps the sync schedule in line with the account.

The schedule exists while the digest is on and has a recipient, and runs at the chosen hour on the
chosen clock (the shop's time zone or UTC). django-q moves a daily schedule by 24 hours, which drifts
by one hour across a daylight-saving change: the digest task syncs the schedule again after each run,
which puts the next run back on the hour.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule

from joorsync.notifications.models import NotificationSettings
from joorsync.notifications.selectors import notification_zone
from shopify_app.models import Shop

DIGEST_TASK = "joorsync.notifications.tasks.notifications_digest_for_shop"
DIGEST_SCHEDULE_PREFIX = "joorsync-digest-"


def digest_schedule_name(*, shop: Shop) -> str:
    return f"{DIGEST_SCHEDULE_PREFIX}{shop.shop_domain}"


def digest_schedule_get(*, shop: Shop) -> Schedule | None:
    return Schedule.objects.filter(name=digest_schedule_name(shop=shop)).order_by("pk").first()


def digest_schedule_remove(*, shop: Shop) -> int:
    """Delete the shop's digest schedule; returns how many rows went (0 when there was none)."""
    deleted, _ = Schedule.objects.filter(name=digest_schedule_name(shop=shop)).delete()
    return deleted


def digest_schedule_erased(*, shop: Shop) -> None:
    """shop/redact: Schedule rows do not cascade from the shop."""
    digest_schedule_remove(shop=shop)


def digest_next_run(*, settings: NotificationSettings, after: datetime) -> datetime:
    """The first time after `after` that it is `digest_hour`:00 on the settings' clock (UTC)."""
    zone = notification_zone(settings=settings)
    local = after.astimezone(zone)
    day: date = local.date()
    for _ in range(3):
        candidate = datetime.combine(day, time(hour=settings.digest_hour), tzinfo=zone)
        if candidate > local:
            return candidate.astimezone(UTC)
        day += timedelta(days=1)
    raise AssertionError("an hour of the day comes within three days")  # pragma: no cover


def _on_the_hour(moment: datetime | None, settings: NotificationSettings) -> bool:
    if moment is None:
        return False
    local = moment.astimezone(notification_zone(settings=settings))
    return (local.hour, local.minute, local.second) == (settings.digest_hour, 0, 0)


def notifications_schedule_sync(*, settings: NotificationSettings) -> Schedule | None:
    """Create, update or remove the shop's digest schedule to match `settings`.

    Returns the schedule, or None when there is none (digest off, or no recipient). A schedule whose
    next run is already on the chosen hour keeps it; a new one, or one off the hour (the hour or clock
    changed, or a daylight-saving change moved it), runs next at the chosen hour.
    """
    shop = settings.shop
    if not settings.daily_digest or not settings.recipient:
        digest_schedule_remove(shop=shop)
        return None
    name = digest_schedule_name(shop=shop)
    with transaction.atomic():
        # Schedule.name is not unique: lock the shop row so two concurrent saves make one schedule.
        Shop.objects.select_for_update().filter(pk=shop.pk).first()
        existing = list(Schedule.objects.filter(name=name).order_by("pk"))
        schedule = existing[0] if existing else Schedule(name=name)
        for duplicate in existing[1:]:
            duplicate.delete()
        if schedule.pk is None or not _on_the_hour(schedule.next_run, settings):
            schedule.next_run = digest_next_run(settings=settings, after=timezone.now())
        schedule.func = DIGEST_TASK
        schedule.args = repr(shop.pk)
        schedule.kwargs = None
        schedule.schedule_type = Schedule.DAILY
        schedule.repeats = -1
        schedule.save()
    return schedule


def digest_schedules_remove_for_shop_id(*, shop_id: int) -> int:
    """Remove the digest schedules of a shop that no longer exists (found by their task argument)."""
    deleted, _ = Schedule.objects.filter(func=DIGEST_TASK, args=repr(shop_id)).delete()
    return deleted
