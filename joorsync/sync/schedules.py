"""django-q2 Schedules: one incremental sync per shop at the account's interval, one stale-job sweeper,
and shopify_app's webhook retry (every minute).

The per-shop schedule is derived state: `shop_schedule_sync` makes it match the account (interval,
installed shop) whenever either changes, and removes it when syncing is off or the shop is gone;
the sweeper also runs `schedules_reconcile`, which repairs any drift (a reinstall, a deleted row).
The global schedules are made by migrations (sync 0003, shopify_app 0003) and made again here if
their rows went missing.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule

from joorsync.sync.models import JoorAccount
from joorsync.sync.selectors import shop_has_admin_access
from shopify_app.models import Shop
from shopify_app.services.webhooks import webhook_retry_schedule_ensure

INCREMENTAL_TASK = "joorsync.sync.tasks.sync_incremental_for_shop"
RECOVER_TASK = "joorsync.sync.tasks.sync_recover_stale"
RECOVER_SCHEDULE_NAME = "joorsync-recover-stale"
RECOVER_EVERY_MINUTES = 5
SHOP_SCHEDULE_PREFIX = "joorsync-sync-"


def shop_schedule_name(*, shop: Shop) -> str:
    return f"{SHOP_SCHEDULE_PREFIX}{shop.shop_domain}"


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
    if interval <= 0 or not shop_has_admin_access(shop=shop):
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
    """The one sweeper that requeues jobs whose worker died, and the webhook retry; idempotent.
    Returns the sweeper."""
    webhook_retry_schedule_ensure()
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


def schedules_reconcile() -> tuple[int, int]:
    """Bring every shop's schedule in line with its account: made for connected, installed shops with an
    interval (e.g. after a reinstall, which runs no hook here), removed where the shop or its account
    is gone. Returns (schedules made or updated, schedules removed)."""
    schedules_ensure_global()
    made = 0
    keep: set[str] = set()
    for account in JoorAccount.objects.select_related("shop").filter(sync_interval_minutes__gt=0):
        if not shop_has_admin_access(shop=account.shop):
            continue
        keep.add(shop_schedule_name(shop=account.shop))
        schedule = shop_schedule_get(shop=account.shop)
        if schedule is None or schedule.minutes != account.sync_interval_minutes:
            shop_schedule_sync(account=account)
            made += 1
    stale = Schedule.objects.filter(name__startswith=SHOP_SCHEDULE_PREFIX, func=INCREMENTAL_TASK).exclude(
        name__in=keep
    )
    removed, _ = stale.delete()
    return made, removed
