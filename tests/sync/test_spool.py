"""Job spools: a killed worker's spool directory is removed when the next job spool is made, unless its
job is running or it was written to recently."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from joorsync.sync.jobs import sync_job_create
from joorsync.sync.models import SyncJob
from joorsync.sync.spool import LEFTOVER_AGE, JobSpool, spool_leftovers_remove
from tests.sync.jobs_support import make_account, make_shop

pytestmark = pytest.mark.django_db

OLD = time.time() - LEFTOVER_AGE.total_seconds() - 60


@pytest.fixture
def root(settings, tmp_path) -> Path:
    settings.SYNC_SPOOL_DIR = str(tmp_path)
    return tmp_path


@pytest.fixture
def shop():
    shop = make_shop()
    make_account(shop)
    return shop


def job(shop, status: str) -> SyncJob:
    created = sync_job_create(shop=shop, kind="full")
    SyncJob.objects.filter(pk=created.pk).update(status=status)
    return created


def left_behind(root: Path, name: str, *, touched: float = OLD, file_touched: float | None = None) -> Path:
    """A spool directory as a killed worker leaves it: a half-written file, nothing cleaned."""
    path = root / name
    path.mkdir()
    data = path / "shopify.jsonl"
    data.write_text('{"id": 1}\n')
    os.utime(data, (file_touched or touched, file_touched or touched))
    os.utime(path, (touched, touched))
    return path


def test_a_new_job_spool_removes_what_killed_jobs_left_and_nothing_else(root, shop):
    killed = left_behind(root, f"job-{job(shop, SyncJob.Status.FAILED).pk}")
    requeued = left_behind(root, f"job-{job(shop, SyncJob.Status.QUEUED).pk}")
    gone = left_behind(root, "job-987654")  # its job row was deleted
    running = left_behind(root, f"job-{job(shop, SyncJob.Status.RUNNING).pk}")
    recent = left_behind(root, f"job-{job(shop, SyncJob.Status.CANCELLED).pk}", touched=time.time())
    still_writing = left_behind(
        root, f"job-{job(shop, SyncJob.Status.SUCCEEDED).pk}", file_touched=time.time()
    )
    unrelated = left_behind(root, "job-notes")
    stray_file = root / "job-123"
    stray_file.write_text("not a spool")
    os.utime(stray_file, (OLD, OLD))

    other = make_shop("other.myshopify.com")  # one running job per shop: the new one is another shop's
    make_account(other)
    spool = JobSpool(job(other, SyncJob.Status.RUNNING).pk)
    try:
        assert not killed.exists() and not requeued.exists() and not gone.exists()
        assert running.exists() and recent.exists() and still_writing.exists()
        assert unrelated.exists() and stray_file.exists()
        assert spool.dir.is_dir()
    finally:
        spool.cleanup()
    assert not spool.dir.exists()


def test_the_sweep_reports_what_it_removed_and_is_idempotent(root, shop):
    ids = sorted(job(shop, SyncJob.Status.FAILED).pk for _ in range(3))
    for job_id in ids:
        left_behind(root, f"job-{job_id}")
    assert spool_leftovers_remove() == ids
    assert spool_leftovers_remove() == []
    assert list(root.iterdir()) == []


def test_a_job_spool_never_removes_its_own_job_directory_as_a_leftover(root, shop):
    own = job(shop, SyncJob.Status.QUEUED)  # a resumed job: its old spool is reset, not swept
    left_behind(root, f"job-{own.pk}")
    assert spool_leftovers_remove(keep=own.pk) == []
