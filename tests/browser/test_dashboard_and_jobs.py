"""Sign in to the sandbox shop, run a sync from the dashboard and watch it complete on /jobs."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from joorsync.joor.sandbox.defaults import DEFAULT_TOKEN
from joorsync.sync.jobs import sync_event_record, sync_job_request
from joorsync.sync.models import JoorAccount, ProductLink, SyncJob
from tests.browser.harness import SHOP, STYLES
from tests.browser.pages import assert_page_ok, job_row, latest_job, submit, wait_for_new_job

pytestmark = pytest.mark.browser


def test_sandbox_login_lands_on_the_dashboard(page, world, shoot):
    response = page.goto(f"/sandbox/login?shop={SHOP}")
    assert_page_ok(page, response)
    assert page.url == f"{world.base_url}/"
    for heading in ("Shopify", "JOOR"):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    for label in ("Linked", "Unmatched", "Open conflicts", "Needs attention", "Last sync", "Next sync"):
        expect(page.get_by_text(label, exact=True).first).to_be_visible()
    expect(page.get_by_role("button", name="Sync now", exact=True)).to_be_enabled()
    expect(page.get_by_role("button", name="Preview", exact=True)).to_be_enabled()
    shoot("dashboard")


def test_sync_now_runs_a_sync_and_the_jobs_page_shows_it_complete(signed_in, world, shoot):
    page = signed_in
    shoot("dashboard-before")
    with world.worker.paused():
        submit(page, page.get_by_role("button", name="Sync now", exact=True))
        job = wait_for_new_job(world)
        assert not job.dry_run
        if urlsplit(page.url).path != "/jobs":
            assert_page_ok(page, page.goto("/jobs"))
        row = job_row(page, job.pk)
        expect(row).to_have_count(1)
        expect(row).to_contain_text("Queued")
        expect(row.locator("progress")).to_have_count(1)
        shoot("jobs-queued")
        # Marks this document: a reload or navigation would lose it, htmx's refresh keeps it.
        page.evaluate("() => { window.__stillThisPage = true; }")

    # The worker runs the job now; the table refreshes itself while the job is queued or running.
    expect(row).to_contain_text("Succeeded", timeout=20_000)
    assert page.evaluate("() => window.__stillThisPage === true"), "the page was reloaded, not refreshed"
    progress = row.locator("progress")
    expect(progress).to_have_count(1)
    total = int(progress.get_attribute("max") or 0)
    assert total > 0, total
    expect(progress).to_have_attribute("value", str(total))
    shoot("jobs-succeeded")

    with world.db():
        job.refresh_from_db()
        linked = ProductLink.objects.filter(shop=world.shop, status=ProductLink.Status.LINKED).count()
    assert (job.status, job.error) == (SyncJob.Status.SUCCEEDED, "")
    assert linked == STYLES
    assert len(world.shopify.shop(SHOP).products) == STYLES

    # A clean full sync logs no events of its own (the engine logs what needs attention), so one is
    # added to prove the detail page lists the job's log.
    with world.db():
        sync_event_record(
            job=job, action="ambiguous_match", level="warning", message="Two styles share SKU X1"
        )
    row.locator(f'a[href="/jobs/{job.pk}"]').first.click()
    page.wait_for_url(f"**/jobs/{job.pk}")
    expect(page.get_by_text("Succeeded").first).to_be_visible()
    expect(page.get_by_text("Two styles share SKU X1").first).to_be_visible()
    shoot("job-detail")

    assert_page_ok(page, page.goto("/"))
    expect(page.get_by_text("Linked", exact=True).first).to_be_visible()
    shoot("dashboard-after")


def test_preview_runs_a_dry_run_that_changes_nothing(signed_in, world, shoot):
    page = signed_in
    submit(page, page.get_by_role("button", name="Preview", exact=True))
    job = wait_for_new_job(world)
    assert job.dry_run, job
    world.wait_idle()
    with world.db():
        job.refresh_from_db()
        assert job.status == SyncJob.Status.SUCCEEDED, job.error
    assert world.shopify.shop(SHOP).products == {}, "a dry run wrote to Shopify"
    with world.db():
        assert not ProductLink.objects.filter(shop=world.shop, status=ProductLink.Status.LINKED).exists()
    assert_page_ok(page, page.goto(f"/jobs/{job.pk}"))
    # The preview lists what the sync would do: here, create every JOOR style in Shopify.
    with world.joor.lock:
        numbers = [style.style_number for style in world.joor.catalog.styles.values()]
    assert len(numbers) == STYLES
    for number in numbers:
        expect(page.get_by_text(number, exact=True).first).to_be_visible()
    shoot("preview-job")


def test_tab_reaches_sync_now_and_enter_starts_a_sync(signed_in, world, shoot):
    page = signed_in
    focused = ""
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const el = document.activeElement;"
            " return el ? el.tagName + ':' + (el.innerText || el.value || '').trim() : ''; }"
        )
        if focused in ("BUTTON:Sync now", "INPUT:Sync now"):
            break
    assert focused in ("BUTTON:Sync now", "INPUT:Sync now"), f"Tab never reached Sync now (last: {focused})"
    ring = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }"
    )
    assert (ring[0] != "none" and ring[1] != "0px") or ring[2] != "none", f"no visible focus ring: {ring}"
    shoot("sync-now-focused")
    assert latest_job(world) is None
    page.keyboard.press("Enter")
    job = wait_for_new_job(world)
    world.wait_idle()
    with world.db():
        job.refresh_from_db()
    assert job.status == SyncJob.Status.SUCCEEDED, job.error
    shoot("after-enter")


def test_a_failed_job_shows_its_error_and_retry_runs_it_again(signed_in, world, shoot):
    with world.db():
        JoorAccount.objects.filter(pk=world.account.pk).update(token="revoked-token")
        job = sync_job_request(shop=world.shop, kind=SyncJob.Kind.FULL, trigger=SyncJob.Trigger.MANUAL)
    world.wait_idle()
    with world.db():
        job.refresh_from_db()
    assert job.status == SyncJob.Status.FAILED and job.error, (job.status, job.error)
    assert "revoked-token" not in job.error

    page = signed_in
    assert_page_ok(page, page.goto("/jobs"))
    row = job_row(page, job.pk)
    expect(row).to_contain_text("Failed")
    assert "revoked-token" not in page.content()
    shoot("failed")

    with world.db():
        JoorAccount.objects.filter(pk=world.account.pk).update(token=DEFAULT_TOKEN)  # the merchant fixes it
    submit(page, row.get_by_role("button", name="Retry", exact=True))
    world.wait_idle()
    with world.db():
        job.refresh_from_db()
    assert (job.status, job.attempts) == (SyncJob.Status.SUCCEEDED, 2), (job.status, job.error)
    assert len(world.shopify.shop(SHOP).products) == STYLES
    assert_page_ok(page, page.goto("/jobs"))
    expect(job_row(page, job.pk)).to_contain_text("Succeeded")
    shoot("retried")
