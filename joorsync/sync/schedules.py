"""django-q2 Schedules: one incremental sync per shop at the account's interval, one stale-job sweeper.

The per-shop schedule is derived state: `shop_schedule_sync` makes it match the account (interval,
installed shop) whenever either changes, and removes it when syncing is off or the shop is gone.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule

from joorsync.sync.models import JoorAccount
from shopify_app.models import Shop

INCREMENTAL_TASK = "joorsync.sync.tasks.sync_incremental_for_shop"
RECOVER_TASK = "joorsync.sync.tasks.sync_recover_stale"
RECOVER_SCHEDULE_NAME = "joorsync-recover-stale"
RECOVER_EVERY_MINUTES = 5


def shop_schedule_name(*, shop: Shop) -> str:
    return f"joorsync-sync-{shop.shop_domain}"


def shop_schedule_get(*, shop: Shop) -> Schedule | None:
    return Schedule.objects.filter(name=shop_schedule_name(shop=shop)).order_by("pk").first()


def shop_schedule_remove(*, shop: Shop) -> int:
    """Delete the shop's sync schedule; returns how many rows went (0 when there was none)."""
    deleted, _ = Schedule.objects.filter(name=shop_schedule_name(shop=shop)).delete()
    return deleted


def shop_schedule_sync(*, account: JoorAccount) -> Schedule | None:
    """Create, update or remove the shop's incremental-sync schedule to match `account`.

    Returns the schedule, or None when there is none (interval 0, or the shop is not installed).
    The first run is one interval from now; an unchanged interval keeps the planned next run.
    """
    shop = account.shop
    interval = int(account.sync_interval_minutes)
    if interval <= 0 or not shop.is_installed:
        shop_schedule_remove(shop=shop)
        return None
    schedules_ensure_global()
    name = shop_schedule_name(shop=shop)
    with transaction.atomic():
        # Schedule.name is not unique: lock the shop row so two concurrent saves make one schedule.
        Shop.objects.select_for_update().filter(pk=shop.pk).first()
        existing = list(Schedule.objects.filter(name=name).order_by("pk"))
        schedule = existing[0] if existing else Schedule(name=name)
        for duplicate in existing[1:]:
            duplicate.delete()
        changed_interval = schedule.pk is None or schedule.minutes != interval
        schedule.func = INCREMENTAL_TASK
        schedule.args = repr(shop.pk)
        schedule.kwargs = None
        schedule.schedule_type = Schedule.MINUTES
        schedule.minutes = interval
        schedule.repeats = -1
        if changed_interval:
            schedule.next_run = timezone.now() + timedelta(minutes=interval)
        schedule.save()
    return schedule


def schedules_ensure_global() -> Schedule:
    """The one sweeper that requeues jobs whose worker died; idempotent."""
    schedule, _ = Schedule.objects.get_or_create(
        name=RECOVER_SCHEDULE_NAME,
        defaults={
            "func": RECOVER_TASK,
            "schedule_type": Schedule.MINUTES,
            "minutes": RECOVER_EVERY_MINUTES,
            "repeats": -1,
            "next_run": timezone.now() + timedelta(minutes=RECOVER_EVERY_MINUTES),
        },
    )
    return schedule
