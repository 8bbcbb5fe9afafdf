"""Received webhooks: record once per event id, queue the work, run the topic's handlers in a task.

A delivery whose every handler has a prefilter answering "nothing to do" is recorded as handled at
receipt and queues no task: the app's own writes coming back must not crowd the queue.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_q.tasks import async_task

from shopify_app.models import Shop, WebhookDelivery
from shopify_app.timestamps import aware_datetime
from shopify_app.webhooks.registry import WebhookPrefilter, webhook_handlers_for, webhook_prefilters_for
from shopify_app.webhooks.topics import COMPLIANCE_TOPICS

logger = logging.getLogger(__name__)

PROCESS_TASK = "shopify_app.tasks.webhook_process"
MAX_ERROR_LENGTH = 2000

# Compliance payloads name customers (email, phone). The app holds no customer data, so only the ids
# needed to show that a request arrived and was answered are kept.
_COMPLIANCE_KEEP = ("shop_id", "shop_domain", "orders_requested", "orders_to_redact")


@dataclass(frozen=True)
class WebhookReceipt:
    delivery: WebhookDelivery
    created: bool


def _storable_payload(topic: str, payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        return {"value": payload}
    if topic not in COMPLIANCE_TOPICS:
        return payload
    kept: dict[str, Any] = {k: payload[k] for k in _COMPLIANCE_KEEP if k in payload}
    customer = payload.get("customer")
    if isinstance(customer, dict) and "id" in customer:
        kept["customer_id"] = customer["id"]
    data_request = payload.get("data_request")
    if isinstance(data_request, dict) and "id" in data_request:
        kept["data_request_id"] = data_request["id"]
    return kept


def _enqueue(delivery_id: int) -> None:
    try:
        async_task(PROCESS_TASK, delivery_id)
    except Exception:
        # The row is committed and Shopify's retry would be de-duplicated away, so do not fail the
        # request: the delivery stays queued and `webhook_deliveries_requeue` picks it up.
        logger.exception("could not enqueue webhook delivery %s", delivery_id)


def _needs_no_task(delivery: WebhookDelivery) -> bool:
    """Whether every handler of the topic has a prefilter saying it has nothing to do.

    Each prefilter runs in a savepoint; one that raises counts as "unsure", so the task is queued as
    it would be without prefilters and the webhook is never lost to a prefilter's bug.
    """
    handlers = webhook_prefilters_for(delivery.topic)
    return bool(handlers) and all(
        any(_prefilter_says_nothing_to_do(fn, delivery) for fn in prefilters) for _, prefilters in handlers
    )


def _prefilter_says_nothing_to_do(fn: WebhookPrefilter, delivery: WebhookDelivery) -> bool:
    try:
        with transaction.atomic():
            return fn(delivery=delivery) is True
    except Exception:
        logger.exception("webhook %s (%s) prefilter %r failed", delivery.event_id, delivery.topic, fn)
        return False


def webhook_receive(
    *,
    topic: str,
    shop_domain: str,
    event_id: str,
    payload: Any,
    webhook_id: str = "",
    api_version: str = "",
    triggered_at: str = "",
) -> WebhookReceipt:
    """Record a verified webhook and queue its processing after commit; a known event id is a no-op.

    De-duplication rests on the unique event_id column: the INSERT is tried first (new events are the
    common case) and an IntegrityError means the event is known, so two concurrent deliveries of one
    event cannot both be queued. The prefilters run after it, in the same transaction, so a replay
    never reaches them and what they record commits with the delivery.
    """
    topic = topic.strip().lower()
    known = bool(webhook_handlers_for(topic))
    fields = {
        "shop": Shop.objects.filter(shop_domain=shop_domain).only("pk").first(),
        "shop_domain": shop_domain,
        "topic": topic,
        "webhook_id": webhook_id,
        "api_version": api_version,
        "triggered_at": aware_datetime(triggered_at),
        "payload": _storable_payload(topic, payload),
        "status": WebhookDelivery.Status.QUEUED if known else WebhookDelivery.Status.IGNORED,
        "processed_at": None if known else timezone.now(),
    }
    try:
        with transaction.atomic():
            delivery = WebhookDelivery.objects.create(event_id=event_id, **fields)
            if known and _needs_no_task(delivery):
                delivery.status, delivery.processed_at = WebhookDelivery.Status.HANDLED, timezone.now()
                delivery.save(update_fields=["status", "processed_at"])
            elif known:
                delivery_id = delivery.pk
                transaction.on_commit(lambda: _enqueue(delivery_id))
    except IntegrityError:
        # Seen before (a retry or replay): the unique event_id refused the row; nothing is queued again.
        return WebhookReceipt(delivery=WebhookDelivery.objects.get(event_id=event_id), created=False)
    return WebhookReceipt(delivery=delivery, created=True)


def webhook_process(*, delivery_id: int) -> WebhookDelivery | None:
    """Run the registered handlers for one queued delivery and record the outcome.

    The queued → processing claim is one conditional UPDATE, so a task delivered twice runs once.
    A handler's exception marks the delivery failed (with the error) rather than escaping.
    """
    claimed = WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookDelivery.Status.QUEUED).update(
        status=WebhookDelivery.Status.PROCESSING
    )
    if not claimed:
        return WebhookDelivery.objects.filter(pk=delivery_id).first()
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    handlers = webhook_handlers_for(delivery.topic)
    status, error = WebhookDelivery.Status.PROCESSED, ""
    if not handlers:
        status = WebhookDelivery.Status.IGNORED
    for handler in handlers:
        try:
            handler(delivery=delivery)
        except Exception as exc:  # recorded on the row; the next handler still runs
            logger.exception("webhook %s (%s) handler %r failed", delivery.event_id, delivery.topic, handler)
            status = WebhookDelivery.Status.FAILED
            error = f"{error}\n{type(exc).__name__}: {exc}".strip()[:MAX_ERROR_LENGTH]
    # The row may be gone (shop/redact erases the shop's deliveries); then there is nothing to record.
    WebhookDelivery.objects.filter(pk=delivery_id).update(
        status=status, error=error, processed_at=timezone.now()
    )
    delivery.status, delivery.error = status, error
    return delivery


def webhook_deliveries_requeue(*, older_than: timedelta = timedelta(minutes=10)) -> int:
    """Queue again deliveries still `queued` long after receipt (their enqueue failed or was lost).

    Safe to run at any time: processing claims each delivery atomically, so a delivery queued twice
    still runs once. Returns how many were queued.
    """
    cutoff = timezone.now() - older_than
    ids = list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.QUEUED, received_at__lt=cutoff
        ).values_list("pk", flat=True)
    )
    for delivery_id in ids:
        async_task(PROCESS_TASK, delivery_id)
    return len(ids)
