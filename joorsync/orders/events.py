"""The per-order history: every step the app took on an order, in a merchant's words."""

from __future__ import annotations

from typing import Any

from joorsync.orders.models import ImportedOrder, OrderEvent
from joorsync.sync.models import SyncJob


def order_event_record(
    *,
    order: ImportedOrder,
    action: str,
    message: str,
    level: str = OrderEvent.Level.INFO,
    details: dict[str, Any] | None = None,
    job: SyncJob | None = None,
) -> OrderEvent:
    return OrderEvent.objects.create(
        shop_id=order.shop_id,
        order=order,
        job=job,
        level=level,
        action=action,
        message=message[:4000],
        details=details,
    )
