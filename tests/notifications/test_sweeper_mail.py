"""A job the stale-job sweeper fails (it lost its worker too often) is mailed like any failed job:
once, after the commit, as the shop's notification settings say."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from joorsync.notifications.content import GAVE_UP_MEANING
from joorsync.sync import workers
from joorsync.sync.jobs import sync_job_recover_orphans, sync_job_recover_stale
from joorsync.sync.models import SyncJob
from tests.notifications.conftest import OWNER, settings_of

pytestmark = pytest.mark.django_db

Status = SyncJob.Status
LATER = timedelta(minutes=11)  # past the default 10 stale minutes


@pytest.fixture
def lost_twice(settings: Any) -> None:
    """The sweeper gives up on a job the second time it loses its worker."""
    settings.JOORSYNC_JOB_MAX_ATTEMPTS = 2


def _running(shop: Any, *, attempts: int = 2, kind: str = "full", worker: str = "") -> SyncJob:
    """A job a worker claimed and then stopped reporting on (its heartbeat is now)."""
    now = timezone.now()
    return SyncJob.objects.create(
        shop=shop,
        kind=kind,
        status=Status.RUNNING,
        attempts=attempts,
        started_at=now,
        heartbeat_at=now,
        worker=worker,
        checkpoint={"joor_start_from": 500, "done": 500},
    )


def _sweep(capture: Any, **kwargs: Any) -> list[int]:
    with capture(execute=True):
        return sync_job_recover_stale(now=timezone.now() + LATER, **kwargs)


def test_a_job_the_sweeper_fails_is_mailed_once(shop, lost_twice, django_capture_on_commit_callbacks):
    job = _running(shop)
    with django_capture_on_commit_callbacks(execute=False) as planned:
        sync_job_recover_stale(now=timezone.now() + LATER)
    job.refresh_from_db()
    assert job.status == Status.FAILED and job.error.startswith("Gave up after 2 attempts")
    assert mail.outbox == [] and planned, "the mail waits for the commit"
    for callback in planned:
        callback()

    [message] = mail.outbox
    assert message.to == [OWNER] and message.subject == "A sync failed in joorsync"
    assert f"Full sync #{job.pk} of demo.myshopify.com failed" in message.body
    assert GAVE_UP_MEANING in message.body
    assert "Details: Gave up after 2 attempts" in message.body

    # The sweeper passing again (or another machine's sweeper) finds nothing running: no second mail.
    _sweep(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1


def test_a_job_put_back_in_the_queue_is_not_mailed(shop, lost_twice, django_capture_on_commit_callbacks):
    job = _running(shop, attempts=1)  # first loss: it resumes from its checkpoint
    _sweep(django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == Status.QUEUED
    assert mail.outbox == []


def test_failure_mails_off_means_no_mail(shop, lost_twice, django_capture_on_commit_callbacks):
    settings_of(shop, on_failure=False)
    job = _running(shop)
    _sweep(django_capture_on_commit_callbacks)
    assert SyncJob.objects.get(pk=job.pk).status == Status.FAILED
    assert mail.outbox == []


def test_no_recipient_means_no_mail(shop, lost_twice, django_capture_on_commit_callbacks):
    settings_of(shop, recipient="")
    _running(shop)
    _sweep(django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_a_job_whose_worker_process_is_gone_is_mailed_too(
    shop, lost_twice, django_capture_on_commit_callbacks
):
    """The same give-up, found at once because the worker's process is known to be gone."""
    gone = workers.SEPARATOR.join((workers.machine_identity(), str(os.getpid()), "1"))  # pid reused since
    job = _running(shop, kind="orders", worker=gone)
    with django_capture_on_commit_callbacks(execute=True):
        sync_job_recover_orphans(shop_id=shop.pk)
    assert SyncJob.objects.get(pk=job.pk).status == Status.FAILED
    [message] = mail.outbox
    assert message.subject == "An order import failed in joorsync"
    assert GAVE_UP_MEANING in message.body


def test_a_preview_the_sweeper_fails_is_not_mailed(shop, lost_twice, django_capture_on_commit_callbacks):
    job = _running(shop)
    SyncJob.objects.filter(pk=job.pk).update(dry_run=True)
    _sweep(django_capture_on_commit_callbacks)
    assert SyncJob.objects.get(pk=job.pk).status == Status.FAILED
    assert mail.outbox == []
