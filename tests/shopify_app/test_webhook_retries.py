"""A webhook whose handler fails is retried (Shopify never sends again an event answered with 200):
every attempt is recorded, the retry runs from a django-q2 schedule made by the migrations, and a
delivery that keeps failing ends `dead` with its error."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import Schedule
from django_q.scheduler import scheduler

from joorsync.sync.schedules import schedules_reconcile
from shopify_app.models import WebhookDelivery
from shopify_app.services.webhooks import (
    MAX_ATTEMPTS,
    PROCESSING_LEASE,
    webhook_deliveries_requeue,
    webhook_process,
)
from shopify_app.webhooks import register_webhook_handler, unregister_webhook_handler
from tests.shopify_app.app_support import post_webhook
from tests.sync.jobs_support import drain_queue

TOPIC = "test/flaky"
RETRY_TASK = "shopify_app.tasks.webhook_deliveries_requeue"
Status = WebhookDelivery.Status


@pytest.fixture
def flaky():
    """A handler that fails while `state["failing"]` is positive (counting down), then succeeds."""
    state = {"failing": 1, "calls": 0}

    def handler(*, delivery: WebhookDelivery) -> None:
        state["calls"] += 1
        if state["failing"]:
            state["failing"] -= 1
            raise ConnectionError("JOOR is down")

    register_webhook_handler(TOPIC, handler)
    yield state
    unregister_webhook_handler(TOPIC, handler)


def _received(client, django_capture_on_commit_callbacks, event_id: str = "evt-1") -> WebhookDelivery:
    with django_capture_on_commit_callbacks(execute=False):
        assert post_webhook(client, {"id": 1}, topic=TOPIC, event_id=event_id).status_code == 200
    return WebhookDelivery.objects.get(event_id=event_id)


def _due(delivery: WebhookDelivery) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


@pytest.mark.django_db
def test_the_retry_schedule_exists_and_comes_back_if_deleted():
    schedule = Schedule.objects.get(name="shopify-webhook-retry")
    assert (schedule.func, schedule.schedule_type, schedule.minutes, schedule.repeats) == (
        RETRY_TASK,
        Schedule.MINUTES,
        1,
        -1,
    )
    schedule.delete()
    schedules_reconcile()  # what the stale-job sweeper runs every five minutes
    schedules_reconcile()
    assert Schedule.objects.filter(func=RETRY_TASK).count() == 1


@pytest.mark.django_db
def test_a_failed_delivery_is_retried_and_each_attempt_is_recorded(
    client, flaky, django_capture_on_commit_callbacks, monkeypatch
):
    delivery = _received(client, django_capture_on_commit_callbacks)
    before = timezone.now()
    first = webhook_process(delivery_id=delivery.pk)
    assert (first.status, first.attempts, first.error) == (Status.FAILED, 1, "ConnectionError: JOOR is down")
    assert first.last_attempt_at >= before
    assert first.next_attempt_at - first.processed_at == timedelta(minutes=1)

    queued: list[int] = []
    monkeypatch.setattr("shopify_app.services.webhooks.async_task", lambda task, pk: queued.append(pk))
    assert webhook_deliveries_requeue() == 0 and queued == []  # not due yet
    _due(delivery)
    assert webhook_deliveries_requeue() == 1 and queued == [delivery.pk]
    assert WebhookDelivery.objects.get(pk=delivery.pk).status == Status.QUEUED

    second = webhook_process(delivery_id=delivery.pk)
    assert (second.status, second.attempts, second.error) == (Status.PROCESSED, 2, "")
    assert second.last_attempt_at > first.last_attempt_at and flaky["calls"] == 2


@pytest.mark.django_db
def test_a_delivery_that_keeps_failing_ends_dead_and_is_not_retried(
    client, flaky, django_capture_on_commit_callbacks, monkeypatch
):
    flaky["failing"] = 1000
    monkeypatch.setattr("shopify_app.services.webhooks.async_task", lambda task, pk: None)
    delivery = _received(client, django_capture_on_commit_callbacks)
    waits = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        done = webhook_process(delivery_id=delivery.pk)
        assert done.attempts == attempt
        if attempt < MAX_ATTEMPTS:
            assert done.status == Status.FAILED
            waits.append(done.next_attempt_at - done.processed_at)
            _due(delivery)
            assert webhook_deliveries_requeue() == 1
    assert waits == sorted(waits) and waits[0] == timedelta(minutes=1)
    dead = WebhookDelivery.objects.get(pk=delivery.pk)
    assert dead.status == Status.DEAD and dead.get_status_display() == "Gave up (every attempt failed)"
    assert dead.error == f"gave up after {MAX_ATTEMPTS} attempts; last error: ConnectionError: JOOR is down"
    assert dead.next_attempt_at is None and flaky["calls"] == MAX_ATTEMPTS
    assert webhook_deliveries_requeue() == 0


@pytest.mark.django_db
def test_a_delivery_whose_worker_died_while_processing_it_is_retried(
    client, flaky, django_capture_on_commit_callbacks, monkeypatch
):
    flaky["failing"] = 0
    delivery = _received(client, django_capture_on_commit_callbacks)
    long_ago = timezone.now() - PROCESSING_LEASE - timedelta(minutes=1)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=Status.PROCESSING, attempts=1, last_attempt_at=long_ago
    )
    monkeypatch.setattr("shopify_app.services.webhooks.async_task", lambda task, pk: None)
    webhook_deliveries_requeue()
    lost = WebhookDelivery.objects.get(pk=delivery.pk)
    assert lost.status == Status.FAILED and lost.error == "the worker stopped while processing it"
    _due(delivery)
    assert webhook_deliveries_requeue() == 1
    assert webhook_process(delivery_id=delivery.pk).status == Status.PROCESSED


@pytest.mark.django_db(transaction=True)
def test_the_schedule_retries_a_failed_delivery_on_the_real_queue(client, flaky):
    """django-q2's scheduler runs the retry schedule, a worker runs the requeue and then the retried
    delivery (the configured broker: ORM or Redis)."""
    from shopify_app.services.webhooks import webhook_retry_schedule_ensure

    broker = get_broker()
    broker.delete_queue()
    try:
        webhook_retry_schedule_ensure()  # a transactional test starts from an emptied database
        assert post_webhook(client, {"id": 1}, topic=TOPIC, event_id="evt-q").status_code == 200
        drain_queue(broker)  # the first attempt fails
        delivery = WebhookDelivery.objects.get(event_id="evt-q")
        assert (delivery.status, delivery.attempts) == (Status.FAILED, 1)
        _due(delivery)
        Schedule.objects.filter(func=RETRY_TASK).update(next_run=timezone.now() - timedelta(seconds=1))
        scheduler(broker=broker)
        assert drain_queue(broker) == 2  # the requeue, then the delivery
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (Status.PROCESSED, 2)
    finally:
        broker.delete_queue()


@pytest.mark.django_db
def test_a_delivery_whose_task_is_merely_slow_is_queued_again_once_per_interval(
    client, flaky, django_capture_on_commit_callbacks, monkeypatch
):
    """A busy worker's backlog must not grow by one task per waiting delivery every minute."""
    delivery = _received(client, django_capture_on_commit_callbacks)  # its task waits in the queue
    WebhookDelivery.objects.filter(pk=delivery.pk).update(received_at=timezone.now() - timedelta(minutes=11))
    queued: list[int] = []
    monkeypatch.setattr("shopify_app.services.webhooks.async_task", lambda task, pk: queued.append(pk))
    assert webhook_deliveries_requeue() == 1
    assert webhook_deliveries_requeue() == 0 and queued == [delivery.pk]
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    assert webhook_deliveries_requeue() == 1
