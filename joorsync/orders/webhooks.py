"""Shopify order webhooks: an imported order fulfilled, partly fulfilled or cancelled in Shopify.

The handler notes the new state on the order's row and queues an order run to tell JOOR; orders the
app did not import are ignored. A payload without the order id is refused (the delivery is kept and
retried), one for an unknown shop ignored.
"""

from __future__ import annotations

import logging

from django.db.models import Q

from joorsync.orders.models import ImportedOrder, RetailerLink
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


#: The personal fields of a stored JOOR order document (the retailer's people, not the business).
PERSONAL_FIELDS = ("email", "phone", "contact_name", "buyer_name")
PERSONAL_ADDRESS_FIELDS = ("contact_name", "phone")


def customer_redact(*, delivery: WebhookDelivery) -> None:
    """customers/redact: the retailer's contact details leave the stored order documents and links.

    Orders are matched by the Shopify order ids Shopify lists and by the customer; the order facts a
    brand needs for its books (lines, prices, the retailer's business name) stay.
    """
    shop = shop_get(shop_domain=delivery.shop_domain)
    if shop is None:
        return
    payload = delivery.payload
    customer = payload.get("customer") if isinstance(payload.get("customer"), dict) else {}
    customer_id = str(customer.get("id") or "")
    email = str(customer.get("email") or "").lower()
    order_ids = [
        f"gid://shopify/Order/{n}" for n in payload.get("orders_to_redact") or [] if str(n).isdigit()
    ]
    customer_gid = f"gid://shopify/Customer/{customer_id}" if customer_id.isdigit() else ""
    match = Q(pk__in=[])
    if customer_gid:
        match |= Q(shopify_customer_id=customer_gid)
    if email:
        match |= Q(email__iexact=email)
    links = RetailerLink.objects.filter(shop=shop).filter(match)
    codes = list(links.values_list("retailer_code", flat=True))
    links.update(email="")
    orders = list(
        ImportedOrder.objects.filter(shop=shop).filter(
            Q(shopify_order_id__in=order_ids) | Q(retailer_code__in=codes)
        )
    )
    for order in orders:
        document = dict(order.document or {})
        for key in PERSONAL_FIELDS:
            if key in document:
                document[key] = ""
        for key in ("billing", "shipping"):
            if isinstance(document.get(key), dict):
                document[key] = {**document[key], **dict.fromkeys(PERSONAL_ADDRESS_FIELDS, "")}
        ImportedOrder.objects.filter(pk=order.pk).update(document=document)
    logger.info(
        "customers/redact for %s: %d order(s), %d retailer link(s)", shop.shop_domain, len(orders), len(codes)
    )


def register_order_hooks() -> None:
    for topic in ORDER_TOPICS:
        register_webhook_handler(topic, order_changed)
    register_webhook_handler("customers/redact", customer_redact)
