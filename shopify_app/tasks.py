"""django-q2 task entry points: ids in, one service call, nothing else."""

from __future__ import annotations

from shopify_app.models import Shop
from shopify_app.services.webhook_subscriptions import (
    shop_webhooks_register as shop_webhooks_register_service,
)
from shopify_app.services.webhooks import webhook_deliveries_requeue as webhook_deliveries_requeue_service
from shopify_app.services.webhooks import webhook_process as webhook_process_service


def webhook_process(delivery_id: int) -> None:
    webhook_process_service(delivery_id=delivery_id)


def shop_webhooks_register(shop_id: int) -> None:
    shop = Shop.objects.filter(pk=shop_id).first()
    if shop is not None and shop.access_token:
        shop_webhooks_register_service(shop=shop)


def webhook_deliveries_requeue() -> int:
    """The `shopify-webhook-retry` Schedule's function (every minute): re-queue failed deliveries
    that are due, deliveries whose enqueue was lost and those whose worker died."""
    return webhook_deliveries_requeue_service()
