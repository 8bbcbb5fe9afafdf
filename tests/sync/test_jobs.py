"""Sync jobs: creation and debounce, claiming (one running per shop), failures, stale recovery, retry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_q.brokers import get_broker

from joorsync.sync.jobs import (
    SyncJobLost,
    SyncJobStateError,
    sync_event_record,
    sync_events_record,
    sync_incremental_run,
    sync_job_cancel,
    sync_job_create,
    sync_job_execute,
    sync_job_heartbeat,
    sync_job_progress,
    sync_job_recover_stale,
    sync_job_request,
    sync_job_retry,
)
from joorsync.sync.models import SyncEvent, SyncJob
from tests.sync.jobs_support import (
    JOOR_TOKEN,
    BatchEngine,
    WorkerKilled,
    install_engine,
    make_account,
    make_shop,
    written_items,
)

pytestmark = pytest.mark.django_db

Status = SyncJob.Status
GID = "gid://shopify/Product/7"


@pytest.fixture
def shop():
    shop = make_shop()
    make_account(shop, direction="joor-to-shopify")
    return shop


@pytest.fixture
def engine(monkeypatch):
    engine = BatchEngine()
    install_engine(monkeypatch, engine)
    return engine


# -- creation -----------------------------------------------------------------------------------


def test_create_is_queued_with_the_accounts_direction(shop):
    job = sync_job_create(shop=shop, kind="full")
    assert (job.status, job.kind, job.direction, job.attempts) == (
        Status.QUEUED,
        "full",
        "joor-to-shopify",
        0,
    )
    assert sync_job_create(shop=shop, kind="incremental", direction="both").direction == "both"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": "nightly"},
        {"kind": "full", "direction": "sideways"},
        {"kind": "full", "trigger": "cron"},
        {"kind": "targeted"},
        {"kind": "targeted", "target": {"title": "x"}},
    ],
)
def test_create_refuses_bad_arguments(shop, kwargs):
    with pytest.raises(SyncJobStateError):
        sync_job_create(shop=shop, **kwargs)
    assert not SyncJob.objects.exists()


def test_targeted_jobs_for_one_product_are_debounced(shop):
    first = sync_job_create(shop=shop, kind="targeted", target={"shopify_product_id": GID})
    again = sync_job_create(shop=shop, kind="targeted", target={"shopify_product_id": GID, "link_id": 3})
    other = sync_job_create(
        shop=shop, kind="targeted", target={"shopify_product_id": "gid://shopify/Product/8"}
    )
    assert again.pk == first.pk
    assert SyncJob.objects.get(pk=first.pk).target == {"shopify_product_id": GID, "link_id": 3}
    assert other.pk != first.pk
    assert SyncJob.objects.count() == 2


def test_a_running_or_dry_run_job_absorbs_nothing(shop):
    first = sync_job_create(shop=shop, kind="targeted", target={"shopify_product_id": GID})
    SyncJob.objects.filter(pk=first.pk).update(status=Status.RUNNING)
    second = sync_job_create(shop=shop, kind="targeted", target={"shopify_product_id": GID})
    dry = sync_job_create(shop=shop, kind="targeted", target={"shopify_product_id": GID}, dry_run=True)
    assert len({first.pk, second.pk, dry.pk}) == 3


def test_request_enqueues_after_commit_and_only_new_jobs(shop, django_capture_on_commit_callbacks):
    broker = get_broker()
    before = broker.queue_size()
    with django_capture_on_commit_callbacks() as callbacks:
        job = sync_job_request(shop=shop, kind="targeted", target={"shopify_product_id": GID})
        merged = sync_job_request(shop=shop, kind="targeted", target={"shopify_product_id": GID})
        assert broker.queue_size() == before  # nothing reaches the queue before the commit
    assert merged.pk == job.pk
    assert len(callbacks) == 1
    callbacks[0]()
    assert broker.queue_size() == before + 1


# -- execution ----------------------------------------------------------------------------------


def test_execute_runs_the_engine_and_records_progress(shop, engine):
    job = sync_job_create(shop=shop, kind="full")
    done = sync_job_execute(job_id=job.pk)
    assert done.status == Status.SUCCEEDED
    assert (done.attempts, done.progress_done, done.progress_total) == (1, 10, 10)
    assert done.counters == {"written": 10}
    assert done.checkpoint == {"next": 10}
    assert done.started_at <= done.heartbeat_at <= done.finished_at
    assert done.error == ""
    assert written_items(shop) == list(range(10))
    assert engine.calls[0]["kind"] == "full"


def test_execute_leaves_finished_jobs_alone(shop, engine):
    job = sync_job_create(shop=shop, kind="full")
    sync_job_execute(job_id=job.pk)
    again = sync_job_execute(job_id=job.pk)  # a duplicate task delivery
    assert again.status == Status.SUCCEEDED and again.attempts == 1
    assert len(engine.calls) == 1
    assert sync_job_execute(job_id=987654) is None


def test_engine_failure_is_recorded_without_secrets(shop, engine):
    engine.fail_with = RuntimeError(f"JOOR said no to token {JOOR_TOKEN}")
    job = sync_job_create(shop=shop, kind="full")
    done = sync_job_execute(job_id=job.pk)
    assert done.status == Status.FAILED
    assert done.error == "RuntimeError: JOOR said no to token ***"
    assert done.finished_at is not None


def test_missing_engine_fails_the_job_with_the_reason(shop, monkeypatch):
    def broken(*, job):
        raise ModuleNotFoundError("No module named 'joorsync.sync.engine'")

    install_engine(monkeypatch, broken)
    done = sync_job_execute(job_id=sync_job_create(shop=shop, kind="full").pk)
    assert done.status == Status.FAILED
    assert done.error.startswith("ModuleNotFoundError:")


def test_database_allows_one_running_job_per_shop(shop):
    a = sync_job_create(shop=shop, kind="full")
    b = sync_job_create(shop=shop, kind="incremental")
    other_shop = make_shop("other.myshopify.com")
    c = sync_job_create(shop=other_shop, kind="full")
    SyncJob.objects.filter(pk=a.pk).update(status=Status.RUNNING)
    SyncJob.objects.filter(pk=c.pk).update(status=Status.RUNNING)  # another shop: allowed
    with pytest.raises(IntegrityError), transaction.atomic():
        SyncJob.objects.filter(pk=b.pk).update(status=Status.RUNNING)


def test_a_second_job_waits_and_is_woken_when_the_first_ends(
    shop, engine, django_capture_on_commit_callbacks
):
    first = sync_job_create(shop=shop, kind="full")
    second = sync_job_create(shop=shop, kind="targeted", target={"shopify_product_id": GID})
    seen: dict[str, object] = {}

    def before_batch(job, first_item):
        if "second" not in seen:
            # While the first job runs, the second cannot be claimed: it stays queued, untouched.
            seen["second"] = sync_job_execute(job_id=second.pk)

    engine.before_batch = before_batch
    broker = get_broker()
    before = broker.queue_size()
    with django_capture_on_commit_callbacks(execute=True):
        sync_job_execute(job_id=first.pk)
    waited = seen["second"]
    assert (waited.status, waited.attempts, waited.started_at) == (Status.QUEUED, 0, None)
    assert broker.queue_size() == before + 1  # the end of the first job queued the second
    assert sync_job_execute(job_id=second.pk).status == Status.SUCCEEDED


# -- progress, cancel ---------------------------------------------------------------------------


def test_progress_after_cancel_stops_the_engine(shop, engine, django_capture_on_commit_callbacks):
    job = sync_job_create(shop=shop, kind="full")
    waiting = sync_job_create(shop=shop, kind="incremental")
    woken: list[int] = []

    def cancel_midway(running, first_item):
        if first_item == 3:
            with django_capture_on_commit_callbacks() as callbacks:
                sync_job_cancel(job=SyncJob.objects.get(pk=running.pk), reason="stopped by the merchant")
            woken.append(len(callbacks))

    engine.before_batch = cancel_midway
    with django_capture_on_commit_callbacks() as after_run:
        done = sync_job_execute(job_id=job.pk)
    assert done.status == Status.CANCELLED
    assert done.error == "stopped by the merchant"
    # The batch in flight when the cancel landed was rolled back with its refused progress update.
    assert written_items(shop) == [0, 1, 2]
    # The next job is woken only once the cancelled engine has really stopped.
    assert woken == [0]
    assert len(after_run) == 1
    assert SyncJob.objects.get(pk=waiting.pk).status == Status.QUEUED


def test_cancelling_a_queued_job_wakes_the_next(shop, django_capture_on_commit_callbacks):
    first = sync_job_create(shop=shop, kind="full")
    sync_job_create(shop=shop, kind="incremental")
    with django_capture_on_commit_callbacks() as callbacks:
        assert sync_job_cancel(job=first).status == Status.CANCELLED
    assert len(callbacks) == 1


def test_progress_on_a_job_that_is_not_running_raises(shop):
    job = sync_job_create(shop=shop, kind="full")
    with pytest.raises(SyncJobLost):
        sync_job_progress(job=job, done=1)


def test_cancel_and_retry_refuse_wrong_states(shop, engine):
    job = sync_job_create(shop=shop, kind="full")
    with pytest.raises(SyncJobStateError):
        sync_job_retry(job=job)
    sync_job_execute(job_id=job.pk)
    with pytest.raises(SyncJobStateError):
        sync_job_cancel(job=job)


# -- stale recovery and retry -------------------------------------------------------------------


def _kill_midway(shop, engine) -> SyncJob:
    engine.kill_after = 2
    job = sync_job_create(shop=shop, kind="full")
    with pytest.raises(WorkerKilled):
        sync_job_execute(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Status.RUNNING and job.checkpoint == {"next": 6}
    return job


def test_a_killed_workers_job_is_recovered_and_resumes_without_duplicates(
    shop, engine, django_capture_on_commit_callbacks
):
    job = _kill_midway(shop, engine)
    assert sync_job_recover_stale() == []  # the heartbeat is fresh: the worker may be alive
    later = timezone.now() + timedelta(minutes=11)
    with django_capture_on_commit_callbacks() as callbacks:
        assert sync_job_recover_stale(now=later) == [job.pk]
    assert len(callbacks) == 1  # queued for a worker after commit
    job.refresh_from_db()
    assert (job.status, job.checkpoint, job.attempts) == (Status.QUEUED, {"next": 6}, 1)
    event = SyncEvent.objects.get(job=job, action="job_recovered")
    assert event.level == "warning" and event.shop_id == shop.pk

    engine.kill_after = None
    done = sync_job_execute(job_id=job.pk)
    assert (done.status, done.attempts, done.progress_done) == (Status.SUCCEEDED, 2, 10)
    assert engine.calls[-1]["checkpoint"] == {"next": 6}
    assert written_items(shop) == list(range(10))  # every item exactly once


def test_a_zombie_worker_cannot_overwrite_the_resumed_attempt(shop, engine):
    job = _kill_midway(shop, engine)
    zombie = SyncJob.objects.get(pk=job.pk)  # what the lost worker still holds (attempt 1)
    sync_job_recover_stale(now=timezone.now() + timedelta(minutes=11))
    engine.kill_after = None
    engine.before_batch = lambda running, first: None
    assert sync_job_execute(job_id=job.pk).status == Status.SUCCEEDED
    with pytest.raises(SyncJobLost):
        sync_job_progress(job=zombie, done=1, checkpoint={"next": 0})
    assert SyncJob.objects.get(pk=job.pk).checkpoint == {"next": 10}


def test_a_job_that_keeps_losing_its_worker_is_failed(shop, engine, settings):
    settings.JOORSYNC_JOB_MAX_ATTEMPTS = 1
    job = _kill_midway(shop, engine)
    assert sync_job_recover_stale(now=timezone.now() + timedelta(minutes=11)) == []
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert job.error.startswith("Gave up after 1 attempt:")
    assert SyncEvent.objects.filter(job=job, action="job_gave_up", level="error").exists()


def test_a_long_waiting_queued_job_is_queued_again(shop, django_capture_on_commit_callbacks):
    job = sync_job_create(shop=shop, kind="full")  # its enqueue was lost
    with django_capture_on_commit_callbacks() as callbacks:
        assert sync_job_recover_stale(now=timezone.now() + timedelta(minutes=11)) == [job.pk]
    assert len(callbacks) == 1


def test_retry_resumes_a_failed_job_from_its_checkpoint(shop, engine, django_capture_on_commit_callbacks):
    calls = {"n": 0}

    def fail_once(running, first_item):
        if first_item == 6 and calls["n"] == 0:
            calls["n"] += 1
            raise ConnectionError("JOOR went away")

    engine.before_batch = fail_once
    job = sync_job_create(shop=shop, kind="full")
    failed = sync_job_execute(job_id=job.pk)
    assert failed.status == Status.FAILED and failed.error == "ConnectionError: JOOR went away"
    with django_capture_on_commit_callbacks() as callbacks:
        queued = sync_job_retry(job=failed)
    assert (queued.status, queued.error, queued.checkpoint) == (Status.QUEUED, "", {"next": 6})
    assert len(callbacks) == 1
    done = sync_job_execute(job_id=job.pk)
    assert (done.status, done.attempts) == (Status.SUCCEEDED, 2)
    assert written_items(shop) == list(range(10))


# -- the scheduled incremental sync ------------------------------------------------------------


def test_incremental_run_creates_and_runs_a_job(shop, engine):
    job = sync_incremental_run(shop_id=shop.pk)
    assert (job.kind, job.trigger, job.status) == ("incremental", "schedule", Status.SUCCEEDED)


def test_incremental_run_skips_when_a_sync_is_pending_or_the_shop_does_not_sync(shop, engine):
    queued = sync_job_create(shop=shop, kind="full")
    assert sync_incremental_run(shop_id=shop.pk) is None
    queued.delete()
    no_account = make_shop("plain.myshopify.com")
    assert sync_incremental_run(shop_id=no_account.pk) is None
    shop.uninstalled_at = timezone.now()
    shop.save()
    assert sync_incremental_run(shop_id=shop.pk) is None
    assert sync_incremental_run(shop_id=424242) is None
    assert not SyncJob.objects.exists()
    assert engine.calls == []


def test_event_record_needs_an_owner(shop):
    with pytest.raises(ValueError, match="job or a shop"):
        sync_event_record(action="x")
    event = sync_event_record(shop=shop, action="note", message="hello")
    assert (event.shop_id, event.job_id) == (shop.pk, None)


def test_a_shop_that_cannot_sync_fails_its_job_without_running_the_engine(shop, engine):
    unconnected = make_shop("plain.myshopify.com")
    done = sync_job_execute(job_id=sync_job_create(shop=unconnected, kind="full").pk)
    assert (done.status, done.error) == (
        Status.FAILED,
        "SyncJobNotRunnable: plain.myshopify.com is not connected to JOOR",
    )
    job = sync_job_create(shop=shop, kind="full")
    shop.access_token = ""
    shop.save()
    done = sync_job_execute(job_id=job.pk)
    assert done.error == "SyncJobNotRunnable: demo.myshopify.com is not installed (no Shopify access)"
    assert engine.calls == []


def test_heartbeat_and_bulk_events_belong_to_the_running_attempt(shop, monkeypatch):
    seen: dict[str, object] = {}

    def engine(*, job):
        before = SyncJob.objects.get(pk=job.pk).heartbeat_at
        sync_job_heartbeat(job=job)
        seen["moved"] = SyncJob.objects.get(pk=job.pk).heartbeat_at >= before
        seen["count"] = sync_events_record(
            job=job, events=[{"action": "linked", "message": f"style {n}"} for n in range(3)]
        )

    install_engine(monkeypatch, engine)
    job = sync_job_create(shop=shop, kind="full")
    assert sync_job_execute(job_id=job.pk).status == Status.SUCCEEDED
    assert seen == {"moved": True, "count": 3}
    assert list(SyncEvent.objects.filter(job=job, shop=shop).values_list("message", flat=True)) == [
        "style 0",
        "style 1",
        "style 2",
    ]
    with pytest.raises(SyncJobLost):
        sync_job_heartbeat(job=job)  # finished: no worker holds it any more
