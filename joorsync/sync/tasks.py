"""django-q2 task entry points: ids in, one service call, nothing else."""

from __future__ import annotations

import logging
from typing import Any

from joorsync.sync.jobs import (
    sync_incremental_run,
    sync_job_dispatch,
    sync_job_recover_orphans,
    sync_job_recover_stale,
)
from joorsync.sync.schedules import schedules_reconcile

logger = logging.getLogger(__name__)


def sync_job_run(job_id: int) -> str | None:
    """Run the next queued job of `job_id`'s shop (by priority, then age: usually `job_id` itself);
    returns that job's status afterwards (shown in django-q's task list)."""
    job = sync_job_dispatch(job_id=job_id)
    return job.status if job is not None else None


def sync_incremental_for_shop(shop_id: int) -> str | None:
    """The per-shop Schedule's function."""
    job = sync_incremental_run(shop_id=shop_id)
    return job.status if job is not None else None


def sync_recover_stale() -> int:
    """The global Schedule's function: requeue jobs whose worker died, repair schedule drift."""
    schedules_reconcile()
    return len(sync_job_recover_stale())


def worker_started(sender: Any, **kwargs: Any) -> None:
    """django-q's `post_spawn` (a worker process started, e.g. after its cluster was killed): jobs
    whose worker died on this machine resume now, not once their heartbeat goes stale."""
    try:
        sync_job_recover_orphans()
    except Exception:  # a worker must start even when this fails; the sweeper recovers them later
        logger.exception("could not recover the jobs of dead workers")
