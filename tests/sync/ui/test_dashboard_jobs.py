"""The dashboard (counts, Sync now, Preview) and the jobs pages (progress, polling, events, retry)."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from joorsync.sync.jobs import sync_event_record
from joorsync.sync.models import JoorAccount, ProductLink, SyncJob
from joorsync.sync.schedules import shop_schedule_get, shop_schedule_sync
from tests.sync.jobs_support import make_conflict, make_link

pytestmark = pytest.mark.django_db


def stat(body: str, label: str) -> int:
    return int(re.search(rf'{label}</span><span class="stat-value">(\d+)<', body).group(1))


def test_dashboard_shows_connections_counts_and_sync_times(client_in, shop):
    JoorAccount.objects.filter(shop=shop).update(token="t0ken-value")
    for n in range(3):
        make_link(shop, n)
    make_link(shop, 10, status=ProductLink.Status.UNMATCHED_SHOPIFY, joor_style_id=None)
    make_link(shop, 11, status=ProductLink.Status.UNMATCHED_JOOR, shopify_product_id="")
    make_conflict(shop, make_link(shop, 20))
    SyncJob.objects.create(shop=shop, status="failed", error="boom")
    finished = timezone.now()
    SyncJob.objects.create(shop=shop, kind="full", status="succeeded", finished_at=finished)
    body = client_in.get("/").content.decode()
    for text in ('<h2 id="h-shopify">Shopify</h2>', '<h2 id="h-joor">JOOR</h2>', "Last sync", "Next sync"):
        assert text in body
    assert ">Sync now</button>" in body and ">Preview</button>" in body
    assert (
        stat(body, "Linked"),
        stat(body, "Unmatched"),
        stat(body, "Open conflicts"),
        stat(body, "Needs attention"),
    ) == (
        4,
        2,
        1,
        2,  # the open conflict and the failed job
    )
    assert finished.strftime("%Y-%m-%d %H:%M") in body
    assert "t0ken-value" not in body


def test_dashboard_without_a_joor_account_points_to_settings(client_in, shop):
    JoorAccount.objects.filter(shop=shop).delete()
    body = client_in.get("/").content.decode()
    assert "Not connected" in body and 'href="/settings"' in body


def test_sync_now_requests_a_full_manual_job(client_in, shop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        response = client_in.post("/jobs/start", {"action": "sync"})
    job = SyncJob.objects.get(shop=shop)
    assert (job.kind, job.dry_run, job.trigger, job.status) == ("full", False, "manual", "queued")
    assert response["Location"] == "/jobs" and len(queued) == 1


def test_preview_is_a_dry_run_whose_plan_shows_on_the_job_page(client_in, shop):
    response = client_in.post("/jobs/start", {"action": "preview"})
    job = SyncJob.objects.get(shop=shop)
    assert job.dry_run and job.kind == "full"
    assert response["Location"] == f"/jobs/{job.pk}"
    waiting = client_in.get(f"/jobs/{job.pk}").content.decode()
    assert "The plan appears here" in waiting and 'hx-trigger="every 2s"' in waiting
    SyncJob.objects.filter(pk=job.pk).update(
        status="succeeded",
        plan=[
            {"create_in_shopify": "ST-9", "style_id": 9},
            {
                "style_number": "ST-1",
                "shopify_product_id": "gid://shopify/Product/1",
                "shopify_writes": {"title": "Winter coat"},
                "joor_writes": {"variants[BLK/M].price": 120.0},
                "conflicts": [{"field_path": "description", "base": "a", "shopify": "b", "joor": "c"}],
            },
        ],
    )
    body = client_in.get(f"/jobs/{job.pk}").content.decode()
    assert "Create in Shopify" in body and "Change in Shopify: Title" in body and "Winter coat" in body
    assert "Change in JOOR: Price — BLK / M" in body and "Conflict: Description" in body
    assert 'hx-trigger="every 2s"' not in body  # finished: no more polling


def test_jobs_list_progress_status_and_polling(client_in, shop):
    running = SyncJob.objects.create(shop=shop, status="running", progress_done=30, progress_total=120)
    failed = SyncJob.objects.create(shop=shop, status="failed", error="JoorTransientError: timed out")
    done = SyncJob.objects.create(shop=shop, status="succeeded", progress_done=5, progress_total=5)
    body = client_in.get("/jobs").content.decode()
    assert '<table id="jobs-table" hx-get="/jobs" hx-trigger="every 2s"' in body
    assert f'<progress max="120" value="30" aria-label="Progress of job {running.pk}">' in body
    assert f'<progress max="5" value="5" aria-label="Progress of job {done.pk}">' in body
    for word in (">Running<", ">Failed<", ">Succeeded<"):
        assert word in body
    rows = re.findall(r'<tr id="job-(\d+)">(.*?)</tr>', body, re.S)
    retry = {int(pk) for pk, row in rows if ">Retry</button>" in row}
    assert retry == {failed.pk}
    SyncJob.objects.filter(pk=running.pk).update(status="succeeded")
    assert 'hx-trigger="every 2s"' not in client_in.get("/jobs").content.decode()


def test_retry_queues_a_failed_job_again(client_in, shop, django_capture_on_commit_callbacks):
    job = SyncJob.objects.create(shop=shop, status="failed", error="boom")
    with django_capture_on_commit_callbacks() as queued:
        response = client_in.post(f"/jobs/{job.pk}/retry", {"next": f"/jobs/{job.pk}"})
    job.refresh_from_db()
    assert (job.status, job.error) == ("queued", "") and len(queued) == 1
    assert response["Location"] == f"/jobs/{job.pk}"
    again = client_in.post(f"/jobs/{job.pk}/retry", {"next": "https://evil.example/"}, follow=True)
    assert again.redirect_chain[-1][0] == "/jobs"
    assert "only failed or cancelled jobs are retried" in again.content.decode()


def test_job_detail_lists_events(client_in, shop):
    job = SyncJob.objects.create(shop=shop, status="running", progress_done=1, progress_total=2)
    link = make_link(shop, 1)
    sync_event_record(job=job, link=link, action="shopify_updated", side="shopify", message="title changed")
    sync_event_record(job=job, action="write_failed", level="error", message="JOOR said no")
    body = client_in.get(f"/jobs/{job.pk}").content.decode()
    assert "Shopify updated" in body and "title changed" in body and "ST-1" in body
    assert 'class="level-error"' in body and "JOOR said no" in body


def test_next_sync_comes_from_the_shops_schedule(client_in, shop):
    account = JoorAccount.objects.get(shop=shop)
    shop_schedule_sync(account=account)
    next_run = shop_schedule_get(shop=shop).next_run
    body = client_in.get("/").content.decode()
    assert f'<time datetime="{next_run.isoformat()}"' in body or next_run.strftime("%Y-%m-%d %H:%M") in body
    JoorAccount.objects.filter(pk=account.pk).update(sync_interval_minutes=0)
    assert "Scheduled syncs are off" in client_in.get("/").content.decode()


def test_a_previews_plan_rows_name_what_would_not_be_written_and_what_would_be_marked():
    from joorsync.sync.ui.views.jobs import plan_rows

    rows = plan_rows(
        [
            {
                "style_number": "S1",
                "shopify_writes": {},
                "joor_writes": {"description": "x"},
                "conflicts": [],
                "problems": [
                    {"field_path": "title", "side": "joor", "message": "style_name is 108 characters"}
                ],
            },
            {"style_number": "S2", "shopify_product_id": "gid://shopify/Product/2", "mark": "deleted_joor"},
        ]
    )
    named = [(row.product.name, row.change, row.value) for row in rows]
    assert ("S1", "Not written: Title", "style_name is 108 characters") in named
    assert ("S2", "Mark as", "deleted joor") in named


def test_a_previews_image_changes_are_rows_naming_the_images():
    from joorsync.sync.ui.views.jobs import plan_rows

    rows = plan_rows(
        [
            {
                "style_number": "S1",
                "shopify_writes": {},
                "joor_writes": {},
                "images": {
                    "shopify": {
                        "add": ["back.jpg", "detail.jpg"],
                        "remove": ["old.jpg"],
                        "colours": {"C1": "blue.jpg"},
                    },
                    "joor": {"add": ["lookbook.png"]},
                },
            }
        ]
    )
    named = [(row.change, row.value) for row in rows]
    assert ("Images in Shopify: add", "back.jpg, detail.jpg") in named
    assert ("Images in Shopify: remove", "old.jpg") in named
    assert ("Images in JOOR: add", "lookbook.png") in named
    assert any(
        change.startswith("Change in Shopify: Colour image") and value == "blue.jpg"
        for change, value in named
    )
