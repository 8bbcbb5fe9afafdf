"""Received webhooks: record once per event id, queue the work, run the topic's handlers in a task.

A delivery whose every handler has a prefilter answering "nothing to do" is recorded as handled at
receipt and queues no task: the app's own writes coming back must not crowd the queue.

Shopify never sends again an event the app answered with 200, so a delivery whose handler fails is
retried here: every run of its handlers is an attempt (counted, with its time and the last error), a
failed attempt waits `RETRY_DELAYS` before the next, and after `MAX_ATTEMPTS` the delivery is `dead`
(shown with its error, never retried by itself). The `RETRY_SCHEDULE_NAME` schedule runs
`webhook_deliveries_requeue` every minute: it re-queues failed deliveries that are due, deliveries
whose enqueue was lost and deliveries whose worker died while processing them. Handlers are
idempotent, since an attempt runs every handler of the topic again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import async_task

from shopify_app.models import Shop, WebhookDelivery
from shopify_app.timestamps import aware_datetime
from shopify_app.webhooks.registry import WebhookPrefilter, webhook_handlers_for, webhook_prefilters_for
from shopify_app.webhooks.topics import COMPLIANCE_TOPICS

logger = logging.getLogger(__name__)

PROCESS_TASK = "shopify_app.tasks.webhook_process"
REQUEUE_TASK = "shopify_app.tasks.webhook_deliveries_requeue"
RETRY_SCHEDULE_NAME = "shopify-webhook-retry"  # also made by migration 0003
RETRY_EVERY_MINUTES = 1
MAX_ERROR_LENGTH = 2000
#: Runs of a delivery's handlers before it is given up (`dead`), and the wait after each failed one.
MAX_ATTEMPTS = 6
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=4),
)
#: A delivery `processing` this long had its worker die under it: the attempt counts as failed.
PROCESSING_LEASE = timedelta(minutes=30)

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


def retry_delay(*, attempts: int) -> timedelta:
    """How long a delivery waits after its `attempts`-th failed attempt."""
    return RETRY_DELAYS[min(max(attempts, 1), len(RETRY_DELAYS)) - 1]


def _failed(delivery_id: int, *, attempts: int, error: str, now: Any, status: str) -> WebhookDelivery.Status:
    """Record the failed `attempts`-th attempt of a delivery in `status` (its lease: a worker whose
    attempt was given up meanwhile records nothing): retried after its delay, or `dead` after the
    last one allowed."""
    if attempts >= MAX_ATTEMPTS:
        next_status = WebhookDelivery.Status.DEAD
        fields: dict[str, Any] = {"processed_at": now, "next_attempt_at": None}
        error = f"gave up after {attempts} attempts; last error: {error}"[:MAX_ERROR_LENGTH]
    else:
        next_status = WebhookDelivery.Status.FAILED
        fields = {"processed_at": now, "next_attempt_at": now + retry_delay(attempts=attempts)}
    WebhookDelivery.objects.filter(pk=delivery_id, status=status, attempts=attempts).update(
        status=next_status, error=error, **fields
    )
    return next_status


def webhook_process(*, delivery_id: int) -> WebhookDelivery | None:
    """Run the registered handlers for one queued delivery and record the outcome as one attempt.

    The queued → processing claim is one conditional UPDATE, so a task delivered twice runs once; it
    counts the attempt. A handler's exception marks the delivery failed (with the error) rather than
    escaping: it is retried after `retry_delay`, or given up (`dead`) after `MAX_ATTEMPTS`.
    """
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookDelivery.Status.QUEUED).update(
        status=WebhookDelivery.Status.PROCESSING,
        attempts=F("attempts") + 1,
        last_attempt_at=now,
        next_attempt_at=None,
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
    if status == WebhookDelivery.Status.FAILED:
        status = _failed(
            delivery_id,
            attempts=delivery.attempts,
            error=error,
            now=timezone.now(),
            status=WebhookDelivery.Status.PROCESSING,
        )
    else:
        WebhookDelivery.objects.filter(
            pk=delivery_id, status=WebhookDelivery.Status.PROCESSING, attempts=delivery.attempts
        ).update(status=status, error=error, processed_at=timezone.now())
    stored = WebhookDelivery.objects.filter(pk=delivery_id).first()
    if stored is not None:
        return stored
    delivery.status, delivery.error = status, error
    return delivery


def webhook_deliveries_requeue(*, older_than: timedelta = timedelta(minutes=10)) -> int:
    """Queue again what must run again; returns how many deliveries were queued:

    - failed deliveries whose retry is due (`next_attempt_at` passed);
    - deliveries still `queued` long after receipt (their enqueue failed or was lost), once per
      `older_than`;
    - deliveries `processing` for longer than `PROCESSING_LEASE` (their worker died): that attempt
      failed, so they are retried, or given up after the last attempt.

    Safe to run at any time: each transition is a conditional UPDATE and processing claims each
    delivery atomically, so a delivery queued twice still runs once.
    """
    now = timezone.now()
    Status = WebhookDelivery.Status
    for delivery_id, attempts in WebhookDelivery.objects.filter(
        status=Status.PROCESSING, last_attempt_at__lt=now - PROCESSING_LEASE
    ).values_list("pk", "attempts"):
        _failed(
            delivery_id,
            attempts=attempts,
            error="the worker stopped while processing it",
            now=now,
            status=Status.PROCESSING,
        )
    due = list(
        WebhookDelivery.objects.filter(status=Status.FAILED)
        .filter(Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True))
        .values_list("pk", flat=True)
    )
    # A queued delivery is queued again at most once per `older_than`: a worker that is merely busy
    # must not find its queue growing by one task per delivery each minute.
    later = now + older_than
    retried = [
        delivery_id
        for delivery_id in due
        if WebhookDelivery.objects.filter(pk=delivery_id, status=Status.FAILED).update(
            status=Status.QUEUED, next_attempt_at=later
        )
    ]
    not_due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    lost_enqueues = [
        delivery_id
        for delivery_id in WebhookDelivery.objects.filter(
            not_due, status=Status.QUEUED, received_at__lt=now - older_than
        )
        .exclude(pk__in=retried)
        .values_list("pk", flat=True)
        if WebhookDelivery.objects.filter(not_due, pk=delivery_id, status=Status.QUEUED).update(
            next_attempt_at=later
        )
    ]
    ids = retried + lost_enqueues
    for delivery_id in ids:
        async_task(PROCESS_TASK, delivery_id)
    return len(ids)


def webhook_retry_schedule_ensure() -> Schedule:
    """The one django-q2 schedule that runs `webhook_deliveries_requeue` every minute; idempotent
    (migration 0003 makes it; this repairs a deleted row)."""
    schedule, _ = Schedule.objects.get_or_create(
        name=RETRY_SCHEDULE_NAME,
        defaults={
            "func": REQUEUE_TASK,
            "schedule_type": Schedule.MINUTES,
            "minutes": RETRY_EVERY_MINUTES,
            "repeats": -1,
            "next_run": timezone.now() + timedelta(minutes=RETRY_EVERY_MINUTES),
        },
    )
    return schedule
