"""Jobs on the real django-q2 machinery (configured broker: ORM or Redis) and concurrent claims."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import Schedule, Task
from django_q.scheduler import scheduler

from joorsync.sync.jobs import sync_job_create, sync_job_execute, sync_job_request
from joorsync.sync.models import SyncJob
from joorsync.sync.schedules import shop_schedule_get, shop_schedule_sync
from joorsync.sync.tasks import sync_recover_stale
from tests.sync.jobs_support import (
    BatchEngine,
    WorkerKilled,
    drain_queue,
    install_engine,
    make_account,
    make_shop,
    written_items,
)

Status = SyncJob.Status


@pytest.fixture
def broker():
    broker = get_broker()
    broker.delete_queue()
    yield broker
    broker.delete_queue()


@pytest.fixture
def engine(monkeypatch):
    engine = BatchEngine(total=4, batch=2)
    install_engine(monkeypatch, engine)
    return engine


@pytest.mark.django_db(transaction=True)
def test_an_enqueued_job_runs_on_a_django_q_worker(broker, engine):
    shop = make_shop()
    make_account(shop)
    job = sync_job_request(shop=shop, kind="full")  # autocommit: queued for a worker at once
    assert broker.queue_size() == 1
    assert SyncJob.objects.get(pk=job.pk).status == Status.QUEUED

    assert drain_queue(broker) == 1

    job.refresh_from_db()
    assert (job.status, job.progress_done, job.attempts) == (Status.SUCCEEDED, 4, 1)
    task = Task.objects.get(group=f"sync-job-{job.pk}")
    assert task.success is True and task.result == "succeeded"
    assert task.func == "joorsync.sync.tasks.sync_job_run" and task.args == (job.pk,)


@pytest.mark.django_db(transaction=True)
def test_queued_jobs_of_one_shop_run_one_after_the_other(broker, engine):
    shop = make_shop()
    make_account(shop)
    first = sync_job_request(shop=shop, kind="full")
    second = sync_job_request(
        shop=shop, kind="targeted", target={"shopify_product_id": "gid://shopify/Product/1"}
    )
    drain_queue(broker)
    assert set(SyncJob.objects.values_list("status", flat=True)) == {Status.SUCCEEDED}
    assert [c["job_id"] for c in engine.calls] == [first.pk, second.pk]


@pytest.mark.django_db(transaction=True)
def test_the_shop_schedule_runs_an_incremental_sync(broker, engine):
    shop = make_shop()
    account = make_account(shop, sync_interval_minutes=5)
    schedule = shop_schedule_sync(account=account)
    Schedule.objects.filter(pk=schedule.pk).update(next_run=timezone.now() - timedelta(seconds=1))

    scheduler(broker=broker)  # django-q2's scheduler: enqueues the due schedule
    assert drain_queue(broker) == 1

    job = SyncJob.objects.get(shop=shop)
    assert (job.kind, job.trigger, job.status) == ("incremental", "schedule", Status.SUCCEEDED)
    assert shop_schedule_get(shop=shop).next_run > timezone.now()


@pytest.mark.django_db(transaction=True)
def test_the_recovery_task_requeues_a_killed_job_and_a_worker_finishes_it(broker, engine, settings):
    shop = make_shop()
    make_account(shop)
    engine.kill_after = 1
    job = sync_job_create(shop=shop, kind="full")
    with pytest.raises(WorkerKilled):
        sync_job_execute(job_id=job.pk)
    engine.kill_after = None
    settings.JOORSYNC_JOB_STALE_MINUTES = 0  # every running heartbeat counts as stale now

    assert sync_recover_stale() == 1
    assert drain_queue(broker) == 1

    job.refresh_from_db()
    assert (job.status, job.attempts) == (Status.SUCCEEDED, 2)
    assert written_items(shop) == [0, 1, 2, 3]


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_jobs_of_one_shop_at_once_run_one(broker):
    """Two threads, two database connections: exactly one claim wins, the other job stays queued.

    On PostgreSQL both claims start together (a barrier) and the partial unique index decides. The
    test database of SQLite is in-memory with a shared cache, where a concurrent writer fails at once
    instead of waiting (a file database waits on its busy timeout), so there the second claim starts
    once the first job is running.
    """
    shop = make_shop()
    make_account(shop)
    gate = threading.Event()
    engine = BatchEngine(total=2, batch=2, gate=gate)
    jobs = [sync_job_create(shop=shop, kind="full"), sync_job_create(shop=shop, kind="incremental")]
    simultaneous = connection.vendor == "postgresql"
    barrier = threading.Barrier(2 if simultaneous else 1)
    results: dict[int, str] = {}
    errors: list[BaseException] = []
    returned = threading.Semaphore(0)

    def claim(job_id: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[job_id] = sync_job_execute(job_id=job_id).status
        except BaseException as exc:  # surfaced by the assertions below
            errors.append(exc)
        finally:
            connection.close()
            returned.release()

    with pytest.MonkeyPatch.context() as mp:
        install_engine(mp, engine)
        threads = [threading.Thread(target=claim, args=(job.pk,)) for job in jobs]
        threads[0].start()
        if not simultaneous:
            assert engine.started.wait(timeout=10)
        threads[1].start()
        assert engine.started.wait(timeout=10)
        # One claim returns at once (its job waits); the other is inside the engine, held by the gate.
        assert returned.acquire(timeout=10)
        assert not errors, errors
        statuses = sorted(SyncJob.objects.values_list("status", flat=True))
        assert statuses == [Status.QUEUED, Status.RUNNING]
        gate.set()
        for thread in threads:
            thread.join(timeout=10)
    assert not errors, errors
    assert sorted(results.values()) == [Status.QUEUED, Status.SUCCEEDED]
    assert len(engine.calls) == 1
    loser = SyncJob.objects.get(status=Status.QUEUED)
    assert loser.attempts == 0
    assert broker.queue_size() == 1  # the winner woke the loser up on finishing
