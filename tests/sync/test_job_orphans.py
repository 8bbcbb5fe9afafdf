"""A job whose worker process is gone (SIGKILL, OOM, crash) on this machine is recovered at once —
when a worker starts, before a worker picks a shop's next job, and when a person asks for a sync —
instead of holding the shop until its heartbeat goes stale; and a person's "Sync now" joins the
shop's full sync that waits to start instead of queueing behind it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django_q.signals import post_spawn

from joorsync.sync import workers
from joorsync.sync.jobs import (
    sync_event_record,
    sync_job_create,
    sync_job_dispatch,
    sync_job_execute,
    sync_job_recover_orphans,
    sync_job_recover_stale,
    sync_job_request,
)
from joorsync.sync.models import SyncEvent, SyncJob
from tests.sync.jobs_support import (
    BatchEngine,
    WorkerKilled,
    install_engine,
    make_account,
    make_link,
    make_shop,
    written_items,
)

pytestmark = pytest.mark.django_db

Status = SyncJob.Status


def _gone_pid() -> int:
    """The pid of a process that has exited (and was reaped)."""
    done = subprocess.run(  # noqa: S603 - our own interpreter, a fixed one-liner
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    return int(done.stdout)


def _dead_worker() -> str:
    """This machine, this process's pid, another start time: a pid given to a new process since."""
    return workers.SEPARATOR.join((workers.machine_identity(), str(os.getpid()), "1"))


@pytest.fixture
def shop():
    shop = make_shop()
    make_account(shop, direction="joor-to-shopify")
    return shop


@pytest.fixture
def engine(monkeypatch):
    engine = BatchEngine(kill_after=2)
    install_engine(monkeypatch, engine)
    return engine


def _killed(shop, engine, **create) -> SyncJob:
    """A job whose worker died after two batches (checkpoint at item 6), as SIGKILL leaves it."""
    job = sync_job_create(shop=shop, kind="full", **create)
    with pytest.raises(WorkerKilled):
        sync_job_execute(job_id=job.pk)
    SyncJob.objects.filter(pk=job.pk).update(worker=_dead_worker())
    job.refresh_from_db()
    assert job.status == Status.RUNNING and job.checkpoint == {"next": 6}
    engine.kill_after = None
    return job


# -- the worker's identity --------------------------------------------------------------------------


def test_worker_identity_tells_live_gone_and_foreign_processes():
    me = workers.worker_identity()
    assert me.startswith(workers.machine_identity() + workers.SEPARATOR)
    assert workers.worker_alive(me) is True
    assert workers.worker_alive(workers.worker_identity(_gone_pid())) is False
    assert workers.worker_alive(_dead_worker()) is False  # the pid now names another process
    other_machine = me.replace(workers.machine_identity(), "elsewhere|boot|pid:[1]")
    assert workers.worker_alive(other_machine) is None
    assert workers.worker_alive("") is None and workers.worker_alive("garbage") is None


def test_a_claim_records_its_worker(shop, engine):
    engine.kill_after = None
    job = sync_job_create(shop=shop, kind="full")
    done = sync_job_execute(job_id=job.pk)
    assert done.worker == workers.worker_identity()


# -- recovery ---------------------------------------------------------------------------------------


def test_a_dead_workers_job_is_recovered_at_once_and_resumes(
    shop, engine, django_capture_on_commit_callbacks
):
    job = _killed(shop, engine)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert sync_job_recover_orphans() == [job.pk]
    assert len(callbacks) == 1  # queued for a worker
    job.refresh_from_db()
    assert (job.status, job.checkpoint) == (Status.QUEUED, {"next": 6})
    event = SyncEvent.objects.get(job=job, action="job_recovered")
    assert event.message.startswith("its worker process is gone")
    done = sync_job_execute(job_id=job.pk)
    assert (done.status, done.attempts) == (Status.SUCCEEDED, 2)
    assert engine.calls[-1]["checkpoint"] == {"next": 6}
    assert written_items(shop) == list(range(10))  # nothing written twice


def test_live_and_foreign_workers_keep_their_jobs(shop, engine):
    job = _killed(shop, engine)
    for worker in (workers.worker_identity(), "elsewhere|boot|pid:[1]|1|1", ""):
        SyncJob.objects.filter(pk=job.pk).update(worker=worker)
        assert sync_job_recover_orphans() == []
        assert SyncJob.objects.get(pk=job.pk).status == Status.RUNNING
    assert sync_job_recover_stale() == []  # and its heartbeat is fresh


def test_a_dead_worker_is_recovered_by_the_sweeper_before_its_heartbeat_is_stale(shop, engine):
    job = _killed(shop, engine)
    assert sync_job_recover_stale() == [job.pk]
    assert SyncJob.objects.get(pk=job.pk).status == Status.QUEUED


def test_a_job_past_its_attempts_fails_and_frees_the_shop(shop, engine, settings):
    settings.JOORSYNC_JOB_MAX_ATTEMPTS = 1
    job = _killed(shop, engine)
    waiting = sync_job_create(shop=shop, kind="incremental")
    assert sync_job_recover_orphans() == [waiting.pk]
    job.refresh_from_db()
    assert job.status == Status.FAILED and job.error.startswith("Gave up after 1 attempt")


def test_a_starting_worker_recovers_dead_workers_jobs(shop, engine):
    job = _killed(shop, engine)
    post_spawn.send(sender="django_q", proc_name="Process-1")
    assert SyncJob.objects.get(pk=job.pk).status == Status.QUEUED


def test_a_worker_picking_the_shops_next_job_recovers_the_dead_one_first(shop, engine):
    job = _killed(shop, engine)
    later = sync_job_create(shop=shop, kind="incremental", trigger="schedule")
    ran = sync_job_dispatch(job_id=later.pk)
    assert ran.pk == job.pk and ran.status == Status.SUCCEEDED  # the older person's job goes first
    assert written_items(shop) == list(range(10))


# -- a person's "Sync now" -------------------------------------------------------------------------


def test_sync_now_after_a_kill_joins_the_recovered_full_sync(
    shop, engine, django_capture_on_commit_callbacks
):
    job = _killed(shop, engine, trigger="manual")
    with django_capture_on_commit_callbacks(execute=True):
        asked = sync_job_request(shop=shop, kind="full", trigger="manual")
    assert asked.pk == job.pk  # it does not wait behind the interrupted sync: it is that sync
    assert SyncJob.objects.filter(shop=shop).count() == 1
    assert SyncJob.objects.get(pk=job.pk).status == Status.QUEUED
    done = sync_job_dispatch(job_id=asked.pk)
    assert (done.pk, done.status) == (job.pk, Status.SUCCEEDED)
    assert written_items(shop) == list(range(10))


def test_sync_now_asked_before_the_kill_is_known_continues_the_killed_sync(shop, engine):
    job = _killed(shop, engine, trigger="manual")
    SyncJob.objects.filter(pk=job.pk).update(worker="elsewhere|boot|pid:[1]|1|1")  # not known dead here
    asked = sync_job_request(shop=shop, kind="full", trigger="manual")
    assert asked.pk != job.pk and asked.status == Status.QUEUED  # it would wait behind the dead job
    SyncJob.objects.filter(pk=job.pk).update(worker=_dead_worker())  # a worker of this machine, gone

    ran = sync_job_dispatch(job_id=asked.pk)

    assert (ran.pk, ran.status, ran.attempts) == (asked.pk, Status.SUCCEEDED, 1)
    assert engine.calls[-1]["checkpoint"] == {"next": 6}  # it went on where the killed one stopped
    assert written_items(shop) == list(range(10))  # nothing twice, nothing skipped
    job.refresh_from_db()
    assert job.status == Status.CANCELLED and job.error.startswith(f"Continued by sync #{asked.pk}")
    recovered = SyncEvent.objects.get(job=job, action="job_recovered")
    assert recovered.details["continued_by"] == asked.pk
    assert SyncEvent.objects.filter(job=asked, action="job_took_over").exists()


def test_sync_now_joins_only_a_waiting_full_sync_of_the_same_kind(shop):
    waiting = sync_job_create(shop=shop, kind="full", trigger="manual")
    assert sync_job_request(shop=shop, kind="full", trigger="manual").pk == waiting.pk
    preview = sync_job_request(shop=shop, kind="full", trigger="manual", dry_run=True)
    other_way = sync_job_request(shop=shop, kind="full", trigger="manual", direction="both")
    assert len({waiting.pk, preview.pk, other_way.pk}) == 3
    SyncJob.objects.filter(pk=waiting.pk).update(status=Status.RUNNING)
    assert sync_job_request(shop=shop, kind="full", trigger="manual").pk not in (waiting.pk, other_way.pk)


def test_a_job_created_to_run_inline_joins_nothing(shop):
    waiting = sync_job_create(shop=shop, kind="full", trigger="manual")
    assert sync_job_create(shop=shop, kind="full", trigger="command").pk != waiting.pk


# -- the attempt limit ------------------------------------------------------------------------------


def _run_and_kill(job_id: int) -> SyncJob:
    """One claim of the job that ends like SIGKILL; returns the job as recovery leaves it."""
    with pytest.raises(WorkerKilled):
        sync_job_execute(job_id=job_id)
    SyncJob.objects.filter(pk=job_id).update(worker=_dead_worker())
    sync_job_recover_orphans()
    return SyncJob.objects.get(pk=job_id)


def test_a_job_that_moves_on_between_kills_is_never_given_up(shop, monkeypatch, settings):
    settings.JOORSYNC_JOB_MAX_ATTEMPTS = 2
    engine = BatchEngine(total=12, batch=3, kill_after=1)  # one batch per attempt, then killed
    install_engine(monkeypatch, engine)
    job = sync_job_create(shop=shop, kind="full")
    for _ in range(3):
        job = _run_and_kill(job.pk)
        assert job.status == Status.QUEUED, job.error
    engine.kill_after = None
    done = sync_job_execute(job_id=job.pk)
    assert (done.status, done.attempts) == (Status.SUCCEEDED, 4)
    assert written_items(shop) == list(range(12))


def test_a_job_that_dies_at_the_same_point_every_time_is_given_up(shop, monkeypatch, settings):
    settings.JOORSYNC_JOB_MAX_ATTEMPTS = 3
    engine = BatchEngine(total=12, batch=3, kill_after=1)
    install_engine(monkeypatch, engine)
    job = _run_and_kill(sync_job_create(shop=shop, kind="full").pk)  # got one batch further: loss 1
    engine.kill_after = 0  # from here on it dies before writing anything: losses 2 and 3 in a row
    statuses = [_run_and_kill(job.pk).status for _ in range(2)]
    assert statuses == [Status.QUEUED, Status.FAILED]
    failed = SyncJob.objects.get(pk=job.pk)
    assert failed.error.startswith("Gave up after 3 attempts")
    assert SyncEvent.objects.get(job=failed, action="job_gave_up").details["lost_in_a_row"] == 3


def test_changes_on_products_count_as_moving_on_though_the_checkpoint_stays(shop, monkeypatch, settings):
    """A full sync's last step (creating Shopify-only products in JOOR) keeps its checkpoint."""
    settings.JOORSYNC_JOB_MAX_ATTEMPTS = 2
    made = iter(range(1, 100))

    def post_pass(*, job: SyncJob) -> None:
        link = make_link(shop, next(made))
        sync_event_record(job=job, link=link, action="created_in_joor", side="joor")
        raise WorkerKilled

    install_engine(monkeypatch, post_pass)
    job = sync_job_create(shop=shop, kind="full")
    SyncJob.objects.filter(pk=job.pk).update(checkpoint={"joor_pass_done": True})
    statuses = [_run_and_kill(job.pk).status for _ in range(4)]
    assert statuses == [Status.QUEUED] * 4
