"""django-q2 task entry points for orders: ids in, one service call."""

from __future__ import annotations

from joorsync.orders.services import orders_job_request
from joorsync.sync.models import SyncJob
from shopify_app.models import Shop


def orders_for_shop(shop_id: int) -> str | None:
    """The per-shop order schedule's function."""
    shop = Shop.objects.filter(pk=shop_id).first()
    if shop is None:
        return None
    return orders_job_request(shop=shop, trigger=SyncJob.Trigger.SCHEDULE).status
