"""Built-in webhook handlers: app lifecycle, bulk operation finish and the compliance topics.

Each takes the recorded delivery and calls a service; registration happens in AppConfig.ready().
"""

from __future__ import annotations

import logging

from shopify_app.models import WebhookDelivery
from shopify_app.selectors import shop_get
from shopify_app.services.bulk_operations import bulk_operation_finish_record
from shopify_app.services.shops import shop_erase_if_uninstalled, shop_scopes_update, shop_uninstall
from shopify_app.webhooks import topics
from shopify_app.webhooks.registry import register_webhook_handler

logger = logging.getLogger(__name__)


def app_uninstalled(*, delivery: WebhookDelivery) -> None:
    shop_uninstall(shop_domain=delivery.shop_domain)


def app_scopes_update(*, delivery: WebhookDelivery) -> None:
    current = delivery.payload.get("current")
    if isinstance(current, str):
        current = current.split(",")
    if not isinstance(current, list):
        raise ValueError("app/scopes_update payload has no 'current' scope list")
    shop_scopes_update(shop_domain=delivery.shop_domain, scopes=current)


def bulk_operations_finish(*, delivery: WebhookDelivery) -> None:
    payload = delivery.payload
    shop = shop_get(shop_domain=delivery.shop_domain)
    if shop is None:
        logger.info("bulk_operations/finish for unknown shop %s ignored", delivery.shop_domain)
        return
    gid = payload.get("admin_graphql_api_id")
    if not isinstance(gid, str) or not gid:
        raise ValueError("bulk_operations/finish payload has no admin_graphql_api_id")
    bulk_operation_finish_record(
        shop=shop,
        operation_gid=gid,
        status=str(payload.get("status") or ""),
        error_code=str(payload.get("error_code") or ""),
        operation_type=str(payload.get("type") or ""),
        completed_at=str(payload.get("completed_at") or ""),
    )


def compliance_acknowledge(*, delivery: WebhookDelivery) -> None:
    """customers/data_request, customers/redact: the delivery row is the record. The personal data
    the app holds (a wholesale retailer's contact on imported orders) is erased by the orders
    package's own customers/redact handler; for a data request the row tells the operator to export
    the retailer's orders (admin: imported orders, searched by retailer)."""
    logger.info("compliance %s for %s recorded", delivery.topic, delivery.shop_domain)


def shop_redact(*, delivery: WebhookDelivery) -> None:
    """Erases an uninstalled shop; for a shop still installed the delivery row is the only trace."""
    shop_erase_if_uninstalled(shop_domain=delivery.shop_domain, delivery_id=delivery.pk)


BUILTIN_HANDLERS = {
    topics.APP_UNINSTALLED: app_uninstalled,
    topics.APP_SCOPES_UPDATE: app_scopes_update,
    topics.BULK_OPERATIONS_FINISH: bulk_operations_finish,
    topics.CUSTOMERS_DATA_REQUEST: compliance_acknowledge,
    topics.CUSTOMERS_REDACT: compliance_acknowledge,
    topics.SHOP_REDACT: shop_redact,
}


def register_builtin_handlers() -> None:
    for topic, handler in BUILTIN_HANDLERS.items():
        register_webhook_handler(topic, handler)
