"""django-q2 task entry points for notifications: ids in, one service call."""

from __future__ import annotations

from joorsync.notifications.schedules import (
    digest_schedules_remove_for_shop_id,
    notifications_schedule_sync,
)
from joorsync.notifications.selectors import notification_settings_find
from joorsync.notifications.services import notify_digest
from shopify_app.models import Shop


def notifications_digest_for_shop(shop_id: int) -> str:
    """The per-shop digest Schedule's function; afterwards the schedule is put back on the chosen hour
    (a daylight-saving change moves django-q's daily schedule by an hour)."""
    shop = Shop.objects.filter(pk=shop_id).first()
    if shop is None:
        digest_schedules_remove_for_shop_id(shop_id=shop_id)
        return "no such shop"
    try:
        sent = notify_digest(shop=shop)
    finally:
        settings = notification_settings_find(shop=shop)
        if settings is not None:
            notifications_schedule_sync(settings=settings)
    return "sent" if sent else "nothing to send"
