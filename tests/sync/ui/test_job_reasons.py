"""The job page says why a job stopped or waits: a job that used up its attempts is failed with a
reason a merchant can read, and the shop's next job does not wait behind it."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from joorsync.sync.jobs import sync_job_recover_stale
from joorsync.sync.models import SyncEvent, SyncJob


def test_a_job_that_used_up_its_attempts_is_failed_with_a_readable_reason(
    client_in, shop, settings, django_capture_on_commit_callbacks
):
    settings.JOORSYNC_JOB_MAX_ATTEMPTS = 3
    long_ago = timezone.now() - timedelta(hours=1)
    lost = SyncJob.objects.create(
        shop=shop,
        kind="full",
        trigger="manual",
        status="running",
        attempts=3,
        started_at=long_ago,
        heartbeat_at=long_ago,
        checkpoint={"joor_start_from": 500, "done": 500},
    )
    waiting = SyncJob.objects.create(shop=shop, kind="incremental", trigger="schedule")  # queued just now

    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert sync_job_recover_stale() == [waiting.pk]  # woken at once, not ten minutes later
    # after commit: the waiting job is sent, and the shop's contact is told of the failed one
    assert len(queued) == 2
    assert any(getattr(c, "keywords", {}).get("job_id") == lost.pk for c in queued)

    lost.refresh_from_db()
    assert lost.status == "failed" and lost.finished_at is not None
    assert lost.error == (
        "Gave up after 3 attempts: each time, the background process running this sync ended before "
        "the sync finished (a restart, a crash or a time limit). Nothing is lost: Retry continues "
        "from where it stopped."
    )
    assert SyncEvent.objects.filter(job=lost, action="job_gave_up", level="error").exists()
    body = client_in.get(f"/jobs/{lost.pk}").content.decode()
    assert (
        '<p class="banner error" id="job-reason"><strong>Why it stopped:</strong> Gave up after 3 attempts'
        in body
    )
    assert ">Retry</button>" in body


def test_attempts_that_stepped_aside_for_a_person_do_not_count(shop, settings):
    settings.JOORSYNC_JOB_MAX_ATTEMPTS = 3
    long_ago = timezone.now() - timedelta(hours=1)
    batch = SyncJob.objects.create(
        shop=shop,
        kind="targeted",
        trigger="webhook",
        priority=SyncJob.Priority.WEBHOOK,
        status="running",
        attempts=3,
        yields=2,
        started_at=long_ago,
        heartbeat_at=long_ago,
        target={"shopify_product_id": "gid://shopify/Product/1"},
    )
    assert sync_job_recover_stale() == [batch.pk]
    batch.refresh_from_db()
    assert batch.status == "queued" and batch.error == ""


def test_a_queued_job_shows_what_it_waits_for(client_in, shop):
    running = SyncJob.objects.create(shop=shop, kind="full", trigger="manual", status="running")
    queued = SyncJob.objects.create(shop=shop, kind="incremental", trigger="schedule", priority=1)
    body = client_in.get(f"/jobs/{queued.pk}").content.decode()
    assert (
        f'<p class="banner" id="job-waiting">Waiting: sync #{running.pk} of this shop is running '
        "(one sync runs at a time).</p>"
    ) in body
