"""Order jobs and schedules: a run is a sync job of kind "orders", asked for by a person, the
command, the per-shop schedule, or a Shopify order webhook."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule

from joorsync.orders.models import OrderSettings
from joorsync.sync.jobs import sync_job_request
from joorsync.sync.models import JoorAccount, SyncJob
from joorsync.sync.selectors import shop_has_admin_access
from shopify_app.models import Shop

ORDERS_TASK = "joorsync.orders.tasks.orders_for_shop"
SCHEDULE_PREFIX = "joorsync-orders-"


def orders_job_request(*, shop: Shop, trigger: str = SyncJob.Trigger.MANUAL) -> SyncJob:
    """Queue an order run, unless one is already waiting for this shop (it will do the same work)."""
    waiting = SyncJob.objects.filter(
        shop=shop, kind=SyncJob.Kind.ORDERS, status=SyncJob.Status.QUEUED
    ).first()
    if waiting is not None:
        return waiting
    return sync_job_request(shop=shop, kind=SyncJob.Kind.ORDERS, trigger=trigger)


def orders_schedule_name(*, shop: Shop) -> str:
    return f"{SCHEDULE_PREFIX}{shop.shop_domain}"


def orders_schedule_sync(*, settings: OrderSettings) -> Schedule | None:
    """Make the shop's order-import schedule match its settings (removed when off or not connected)."""
    shop = settings.shop
    name = orders_schedule_name(shop=shop)
    connected = JoorAccount.objects.filter(shop=shop).exists() and shop_has_admin_access(shop=shop)
    interval = int(settings.interval_minutes)
    if not settings.enabled or interval <= 0 or not connected:
        Schedule.objects.filter(name=name).delete()
        return None
    with transaction.atomic():
        Shop.objects.select_for_update().filter(pk=shop.pk).first()
        existing = list(Schedule.objects.filter(name=name).order_by("pk"))
        schedule = existing[0] if existing else Schedule(name=name)
        for duplicate in existing[1:]:
            duplicate.delete()
        changed = schedule.pk is None or schedule.minutes != interval
        schedule.func = ORDERS_TASK
        schedule.args = repr(shop.pk)
        schedule.schedule_type = Schedule.MINUTES
        schedule.minutes = interval
        schedule.repeats = -1
        if changed:
            schedule.next_run = timezone.now() + timedelta(minutes=interval)
        schedule.save()
    return schedule


def order_settings_update(*, settings: OrderSettings, **values: object) -> OrderSettings:
    """Save changed settings and bring the schedule in line."""
    for key, value in values.items():
        setattr(settings, key, value)
    settings.full_clean()
    settings.save()
    orders_schedule_sync(settings=settings)
    return settings
