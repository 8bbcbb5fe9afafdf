"""Webhook jobs of one shop collect in one batch job, and a person's job runs before them: on the real
django-q2 machinery (the configured broker), when the running job ends, and by pausing a batch that
is already running."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from django.db import IntegrityError, transaction
from django_q.brokers import get_broker

from joorsync.sync import jobs
from joorsync.sync.clients import transport_override
from joorsync.sync.engine import targeted
from joorsync.sync.jobs import sync_job_create, sync_job_execute, sync_job_request, sync_job_retry
from joorsync.sync.models import ProductLink, SyncEvent, SyncJob
from shopify_app.models import WebhookDelivery
from shopify_app.services.webhooks import webhook_process
from tests.shopify_app.app_support import post_webhook
from tests.sync.engine_support import make_world
from tests.sync.jobs_support import BatchEngine, drain_queue, install_engine, make_account, make_shop

Status = SyncJob.Status
WEBHOOK = SyncJob.Trigger.WEBHOOK


def gid(n: int | str) -> str:
    return n if isinstance(n, str) else f"gid://shopify/Product/{n}"


def webhook_job(shop: Any, n: int | str) -> SyncJob:
    return sync_job_request(
        shop=shop, kind="targeted", target={"shopify_product_id": gid(n)}, trigger=WEBHOOK
    )


@pytest.fixture
def shop(db):
    shop = make_shop()
    make_account(shop)
    return shop


@pytest.fixture
def engine(monkeypatch):
    engine = BatchEngine(total=2, batch=1)
    install_engine(monkeypatch, engine)
    return engine


# -- coalescing --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_webhooks_for_many_products_make_one_batch_job_and_one_task(
    shop, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        for n in range(1, 6):
            payload = {"id": n, "admin_graphql_api_id": gid(n), "title": f"Coat {n}", "variants": []}
            assert post_webhook(client, payload, topic="products/update").status_code == 200
        for delivery in WebhookDelivery.objects.order_by("pk"):
            webhook_process(delivery_id=delivery.pk)
    (job,) = SyncJob.objects.all()
    assert (job.kind, job.trigger, job.status, job.priority) == ("targeted", WEBHOOK, Status.QUEUED, 2)
    assert job.target == {"products": [{"shopify_product_id": gid(n)} for n in range(1, 6)]}
    assert len(queued) == 5 + 1  # five webhook tasks, one sync job task


@pytest.mark.django_db
def test_a_product_already_in_the_batch_is_not_added_twice(shop):
    first = webhook_job(shop, 1)
    webhook_job(shop, 2)
    again = sync_job_request(
        shop=shop, kind="targeted", target={"shopify_product_id": gid(2), "link_id": 9}, trigger=WEBHOOK
    )
    assert again.pk == first.pk
    assert SyncJob.objects.get(pk=first.pk).target == {
        "products": [{"shopify_product_id": gid(1)}, {"shopify_product_id": gid(2), "link_id": 9}]
    }


@pytest.mark.django_db
def test_a_started_batch_takes_no_more_products(shop, engine):
    batch = webhook_job(shop, 1)
    webhook_job(shop, 2)
    assert sync_job_execute(job_id=batch.pk).status == Status.SUCCEEDED
    later = webhook_job(shop, 3)
    assert later.pk != batch.pk and later.target == {"shopify_product_id": gid(3)}


@pytest.mark.django_db
def test_the_database_allows_one_open_webhook_batch_per_shop(shop):
    webhook_job(shop, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        SyncJob.objects.create(
            shop=shop, kind="targeted", trigger=WEBHOOK, target={"shopify_product_id": gid(2)}
        )


@pytest.mark.django_db
def test_a_batch_made_by_a_concurrent_request_is_joined_not_duplicated(shop, monkeypatch):
    """The other request's batch is not visible to this one's lookup (it committed in between): the
    unique constraint refuses the second batch, and the product joins the first."""
    batch = webhook_job(shop, 1)
    real = jobs._open_batch
    calls = {"n": 0}

    def racing(shop_id: int) -> Any:
        calls["n"] += 1
        return SyncJob.objects.none() if calls["n"] == 1 else real(shop_id)

    monkeypatch.setattr(jobs, "_open_batch", racing)
    joined = webhook_job(shop, 2)
    assert joined.pk == batch.pk and SyncJob.objects.count() == 1
    assert SyncJob.objects.get(pk=batch.pk).target["products"][1] == {"shopify_product_id": gid(2)}


@pytest.mark.django_db
def test_a_cancelled_unstarted_batch_retried_joins_the_open_one(shop):
    cancelled = webhook_job(shop, 1)
    jobs.sync_job_cancel(job=cancelled)
    open_batch = webhook_job(shop, 2)
    assert open_batch.pk != cancelled.pk
    retried = sync_job_retry(job=cancelled)
    assert retried.pk == open_batch.pk
    assert SyncJob.objects.get(pk=open_batch.pk).target == {
        "products": [{"shopify_product_id": gid(2)}, {"shopify_product_id": gid(1)}]
    }


# -- priority ----------------------------------------------------------------------------------


@pytest.fixture
def broker():
    broker = get_broker()
    broker.delete_queue()
    yield broker
    broker.delete_queue()


@pytest.mark.django_db(transaction=True)
def test_sync_now_runs_before_webhook_jobs_queued_earlier(broker, engine):
    """On the configured broker (ORM or Redis): the webhook batch's task is first in the queue, yet
    the worker runs the person's "Sync now" first."""
    shop = make_shop()
    make_account(shop)
    batch = webhook_job(shop, 1)
    scheduled = sync_job_request(shop=shop, kind="incremental", trigger=SyncJob.Trigger.SCHEDULE)
    sync_now = sync_job_request(shop=shop, kind="full", trigger=SyncJob.Trigger.MANUAL)
    assert broker.queue_size() == 3

    drain_queue(broker)

    assert [call["job_id"] for call in engine.calls] == [sync_now.pk, scheduled.pk, batch.pk]
    assert set(SyncJob.objects.values_list("status", flat=True)) == {Status.SUCCEEDED}


@pytest.mark.django_db
def test_when_the_running_job_ends_the_persons_job_is_woken_first(
    shop, engine, django_capture_on_commit_callbacks
):
    running = sync_job_create(shop=shop, kind="incremental", trigger=SyncJob.Trigger.SCHEDULE)

    def meanwhile(job: SyncJob, first: int) -> None:
        if first == 0:  # while it runs: a webhook, then the merchant's "Sync now"
            webhook_job(shop, 1)
            sync_job_request(shop=shop, kind="full", trigger=SyncJob.Trigger.MANUAL)

    engine.before_batch = meanwhile
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert sync_job_execute(job_id=running.pk).status == Status.SUCCEEDED
    person = SyncJob.objects.get(trigger=SyncJob.Trigger.MANUAL)
    assert len(queued) == 3  # the two new jobs' tasks, and the wake-up when the running one ended
    assert jobs.sync_job_wake_next(shop_id=shop.pk).pk == person.pk
    batch = SyncJob.objects.get(trigger=WEBHOOK)
    ran = jobs.sync_job_dispatch(job_id=batch.pk)  # the batch's own task runs the person's job
    assert ran.pk == person.pk and ran.status == Status.SUCCEEDED
    assert SyncJob.objects.get(pk=batch.pk).status == Status.QUEUED


@pytest.mark.django_db
def test_a_queued_job_says_what_it_waits_for(shop):
    running = sync_job_create(shop=shop, kind="full", trigger=SyncJob.Trigger.MANUAL)
    SyncJob.objects.filter(pk=running.pk).update(status=Status.RUNNING)
    batch = webhook_job(shop, 1)
    person = sync_job_create(shop=shop, kind="full", trigger=SyncJob.Trigger.MANUAL)
    assert jobs.sync_job_waiting_reason(job=SyncJob.objects.get(pk=batch.pk)) == (
        f"Waiting: sync #{running.pk} of this shop is running (one sync runs at a time); 1 queued sync runs first."
    )
    assert jobs.sync_job_waiting_reason(job=SyncJob.objects.get(pk=person.pk)) == (
        f"Waiting: sync #{running.pk} of this shop is running (one sync runs at a time)."
    )


# -- a running batch steps aside for a person's job ---------------------------------------------


@pytest.mark.django_db
def test_a_running_webhook_batch_pauses_for_sync_now_and_resumes_where_it_stopped(
    monkeypatch, django_capture_on_commit_callbacks
):
    world = make_world(styles=3)
    world.run()  # links three products
    links = list(ProductLink.objects.filter(shop=world.shop, status="linked").order_by("pk"))
    assert len(links) == 3
    batch = None
    for link in links:
        batch = webhook_job(world.shop, link.shopify_product_id)
    assert len(batch.target["products"]) == 3

    done: list[str] = []
    real = targeted.run_targeted

    def run_targeted(run: Any, target: Any) -> None:
        real(run, target)
        done.append(target["shopify_product_id"])
        if run.job.pk == batch.pk and len(done) == 1:  # the merchant presses "Sync now" meanwhile
            sync_job_request(shop=world.shop, kind="full", trigger=SyncJob.Trigger.MANUAL)

    monkeypatch.setattr(targeted, "run_targeted", run_targeted)
    transports = {
        "joor": httpx.WSGITransport(app=world.joor_sandbox),
        "shopify": httpx.WSGITransport(app=world.shopify_sandbox),
    }
    try:
        with transport_override(**transports), django_capture_on_commit_callbacks(execute=False):
            paused = sync_job_execute(job_id=batch.pk)
            assert (paused.status, paused.yields, paused.checkpoint) == (Status.QUEUED, 1, {"batch_next": 1})
            assert SyncEvent.objects.filter(job=batch, action="job_yielded").exists()
            assert "paused for a sync a person asked for" in jobs.sync_job_waiting_reason(job=paused)

            person = jobs.sync_job_dispatch(job_id=batch.pk)  # the task the pause queued
            assert person.trigger == "manual" and person.status == Status.SUCCEEDED

            resumed = jobs.sync_job_dispatch(job_id=batch.pk)
            assert resumed.pk == batch.pk and resumed.status == Status.SUCCEEDED
    finally:
        world.shopify_sandbox.close()
    assert done == [link.shopify_product_id for link in links]  # each product once
    assert resumed.progress_done == 3 and resumed.attempts == 2
