"""Shopify order webhooks: an imported order fulfilled, partly fulfilled or cancelled in Shopify.

The handler notes the new state on the order's row and queues an order run to tell JOOR; orders the
app did not import are ignored. A payload without the order id is refused (the delivery is kept and
retried), one for an unknown shop ignored.
"""

from __future__ import annotations

import logging

from joorsync.orders.selectors import order_by_shopify_id, order_settings_get
from joorsync.orders.services import orders_job_request
from joorsync.orders.status import order_shopify_status_record
from joorsync.sync.models import SyncJob
from shopify_app.models import WebhookDelivery
from shopify_app.selectors import shop_get
from shopify_app.webhooks.registry import register_webhook_handler

logger = logging.getLogger(__name__)

ORDER_TOPICS = ("orders/cancelled", "orders/fulfilled", "orders/partially_fulfilled")


def order_changed(*, delivery: WebhookDelivery) -> None:
    payload = delivery.payload
    gid = payload.get("admin_graphql_api_id")
    if not isinstance(gid, str) or not gid.startswith("gid://shopify/Order/"):
        raise ValueError(f"{delivery.topic} payload has no admin_graphql_api_id")
    shop = shop_get(shop_domain=delivery.shop_domain)
    if shop is None:
        logger.info("%s for unknown shop %s ignored", delivery.topic, delivery.shop_domain)
        return
    order = order_by_shopify_id(shop=shop, shopify_order_id=gid)
    if order is None:
        return  # not an order the app imported
    fulfilment = payload.get("fulfillment_status")
    changed = order_shopify_status_record(
        order=order,
        fulfillment_status=_display_fulfilment(fulfilment, delivery.topic),
        financial_status=str(payload.get("financial_status") or "") or None,
        cancelled_at=str(payload.get("cancelled_at") or "") or None,
    )
    if changed and order_settings_get(shop=shop).send_status_to_joor:
        orders_job_request(shop=shop, trigger=SyncJob.Trigger.WEBHOOK)


def _display_fulfilment(value: object, topic: str) -> str | None:
    """REST's `fulfillment_status` (null, "partial", "fulfilled") in GraphQL's display words."""
    if topic == "orders/fulfilled" or value == "fulfilled":
        return "FULFILLED"
    if topic == "orders/partially_fulfilled" or value == "partial":
        return "PARTIALLY_FULFILLED"
    return None


def register_order_hooks() -> None:
    for topic in ORDER_TOPICS:
        register_webhook_handler(topic, order_changed)
