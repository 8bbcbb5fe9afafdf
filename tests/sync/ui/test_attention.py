"""Problems in sight: a job that left problems never looks like a clean success, the dashboard counts
everything waiting for a person, a preview says what is still open, unmatched rows say why, and the
staff admin names its models properly."""

from __future__ import annotations

import re

import pytest
from django.apps import apps

from joorsync.orders.models import ImportedOrder
from joorsync.sync.jobs import sync_event_record
from joorsync.sync.models import ProductLink, ProductProblem, SyncJob
from tests.orders.ui.support import conflicted, held
from tests.sync.jobs_support import make_conflict, make_link
from tests.sync.test_selectors import make_problem

pytestmark = pytest.mark.django_db


def stat(body: str, label: str) -> int:
    return int(re.search(rf'{label}</span><span class="stat-value">(\d+)<', body).group(1))


def job_row(body: str, job: SyncJob) -> str:
    return re.search(rf'<tr id="job-{job.pk}">(.*?)</tr>', body, re.S).group(1)


def test_a_job_that_left_problems_reads_succeeded_with_n_problems_in_a_warning_tone(client_in, shop):
    job = SyncJob.objects.create(
        shop=shop, kind="full", status="succeeded", progress_done=3, progress_total=3
    )
    clean = SyncJob.objects.create(shop=shop, kind="full", status="succeeded")
    link = make_link(shop, 1)
    make_problem(shop, 1, link=link, job=job)
    make_conflict(shop, link, job=job)
    make_conflict(shop, make_link(shop, 2), job=clean, status="resolved")  # another job's
    detail = client_in.get(f"/jobs/{job.pk}").content.decode()
    assert '<dd><span class="badge warn">Succeeded with 2 problems</span></dd>' in detail
    listed = client_in.get("/jobs").content.decode()
    assert '<span class="badge warn">Succeeded with 2 problems</span>' in job_row(listed, job)
    assert '<span class="status succeeded">Succeeded with 1 problem</span>' not in listed
    assert '<span class="badge warn">Succeeded with 1 problem</span>' in job_row(listed, clean)
    dashboard = client_in.get("/").content.decode()
    assert '<span class="badge warn">Succeeded with 2 problems</span>' in dashboard


def test_a_failed_stock_write_counts_as_a_problem_the_job_left(client_in, shop):
    job = SyncJob.objects.create(shop=shop, kind="incremental", status="succeeded")
    sync_event_record(
        job=job, action="stock_write_failed", level="error", side="joor", message="JOOR said no"
    )
    sync_event_record(job=job, action="summary", message="Done.")
    assert "Succeeded with 1 problem<" in client_in.get(f"/jobs/{job.pk}").content.decode()


def test_status_badges_are_capitalised_and_a_clean_job_is_green(client_in, shop):
    jobs = {
        status: SyncJob.objects.create(shop=shop, status=status)
        for status in ("queued", "running", "succeeded", "failed", "cancelled")
    }
    body = client_in.get("/jobs").content.decode()
    for status, word in (
        ("queued", "Queued"),
        ("running", "Running"),
        ("succeeded", "Succeeded"),
        ("failed", "Failed"),
        ("cancelled", "Cancelled"),
    ):
        assert f'<span class="status {status}">{word}</span>' in job_row(body, jobs[status])
    detail = client_in.get(f"/jobs/{jobs['failed'].pk}").content.decode()
    assert '<span class="status failed">Failed</span>' in detail


def test_the_dashboard_counts_everything_that_needs_attention_held_orders_included(client_in, shop):
    coat, dress = make_link(shop, 1, shopify_title="Wool Coat"), make_link(shop, 2)
    make_conflict(shop, coat)
    make_conflict(shop, coat, path="description")
    make_problem(shop, 1, link=coat)
    make_problem(shop, 2, link=dress)
    make_problem(shop, 3, status=ProductProblem.Status.SOLVED)
    held(shop, 3)
    held(shop, 4)
    conflicted(shop, 5)  # an order waiting for a decision is shown apart, not counted as held
    SyncJob.objects.create(shop=shop, status="failed", error="boom")
    body = client_in.get("/").content.decode()
    # 2 conflicts + 2 problems + 2 held orders + 1 failed job
    assert stat(body, "Needs attention") == 7
    assert "Errors" not in body
    banner = re.search(r'<p class="banner warning" id="attention">(.*?)</p>', body, re.S).group(1)
    assert banner.startswith("2 products need attention:")  # the coat counted once
    assert '<a href="/conflicts">2 conflicts to decide</a>' in banner
    assert '<a href="/problems">2 changes not written</a>' in banner
    assert '<a href="/jobs?status=failed">1 sync failed</a>' in banner
    assert '2 orders are held — <a href="/orders?state=held">see why</a>' in body
    card = re.search(
        r'<a class="card stat attention" href="([^"]+)"><span class="stat-label">Needs attention', body
    )
    assert card.group(1) == "/problems"


def test_held_orders_alone_make_the_card_lead_to_them(client_in, shop):
    held(shop, 3)
    body = client_in.get("/").content.decode()
    assert stat(body, "Needs attention") == 1 and 'id="attention"' not in body
    assert re.search(r'href="/orders\?state=held"><span class="stat-label">Needs attention', body)
    assert ImportedOrder.objects.filter(shop=shop).count() == 1


def test_nothing_waiting_means_no_banner_and_zero(client_in, shop):
    make_link(shop, 1)
    body = client_in.get("/").content.decode()
    assert stat(body, "Needs attention") == 0 and 'id="attention"' not in body


def test_a_preview_says_how_many_conflicts_and_problems_are_open(client_in, shop):
    link = make_link(shop, 1)
    make_conflict(shop, link)
    make_conflict(shop, make_link(shop, 2))
    make_problem(shop, 1, link=link)
    preview = SyncJob.objects.create(shop=shop, kind="full", dry_run=True, status="succeeded", plan=[])
    body = client_in.get(f"/jobs/{preview.pk}").content.decode()
    assert "Nothing would change" not in body
    assert '<a href="/conflicts">2 conflicts</a> are open and wait for your decision' in body
    assert '<a href="/problems">1 problem</a> is open' in body
    assert "No field would be written now" in body
    SyncJob.objects.filter(pk=preview.pk).update(
        plan=[
            {
                "style_number": "ST-1",
                "shopify_product_id": link.shopify_product_id,
                "shopify_writes": {"title": "Coat"},
                "joor_writes": {},
                "conflicts": [{"field_path": "description", "base": "a", "shopify": "b", "joor": "c"}],
                "problems": [],
            }
        ]
    )
    body = client_in.get(f"/jobs/{preview.pk}").content.decode()
    assert "including 1 new conflict and 0 changes that could not be written" in body
    assert "2 conflicts</a> are open" in body


def test_a_preview_with_nothing_open_and_nothing_to_do_says_so(client_in, shop):
    preview = SyncJob.objects.create(shop=shop, kind="full", dry_run=True, status="succeeded", plan=[])
    body = client_in.get(f"/jobs/{preview.pk}").content.decode()
    assert "Nothing would change: both sides are in step." in body and 'id="preview-open"' not in body


@pytest.mark.parametrize(
    ("status", "note", "reason"),
    [
        ("unmatched_shopify", "", "No JOOR style matches this product"),
        ("unmatched_joor", "", "No Shopify product matches this style"),
        ("ambiguous", "", "More than one product or style matches: link it by hand"),
        ("unmatched_joor", "the product has no Color and Size variants", "The product has no Color and Size"),
    ],
)
def test_unmatched_rows_say_why(client_in, shop, status, note, reason):
    row = make_link(
        shop, 1, status=status, note=note, joor_style_id=None if status == "unmatched_shopify" else 5001
    )
    body = client_in.get("/links", {"status": "unmatched"}).content.decode()
    assert f'<small class="muted" id="reason-{row.pk}">{reason}' in body


def test_a_linked_row_carries_no_reason(client_in, shop):
    row = make_link(shop, 1, note="linked by sandbox:demo.myshopify.com")
    assert f'id="reason-{row.pk}"' not in client_in.get("/links").content.decode()


def test_the_staff_admin_names_its_models_properly(admin_client):
    names = {
        (m._meta.app_label, m.__name__): (str(m._meta.verbose_name), str(m._meta.verbose_name_plural))
        for m in apps.get_models()
    }
    assert names[("sync", "JoorAccount")] == ("JOOR account", "JOOR accounts")
    assert names[("sync", "ShopifyWriteEcho")] == ("Shopify write echo", "Shopify write echoes")
    assert names[("shopify_app", "OAuthState")] == ("OAuth state", "OAuth states")
    assert names[("shopify_app", "BulkOperationFinish")] == (
        "finished bulk operation",
        "finished bulk operations",
    )
    assert names[("shopify_app", "WebhookDelivery")][1] == "webhook deliveries"
    index = admin_client.get("/admin/").content.decode()
    for good in (
        "JOOR accounts",
        "OAuth states",
        "Finished bulk operations",
        "Webhook deliveries",
        ">Shopify<",
    ):
        assert good in index, good
    for bad in ("Joor accounts", "O auth states", "Bulk operation finishs", "Shopify_App"):
        assert bad not in index, bad


def test_the_staff_admin_shows_a_conflicts_field_by_name_beside_its_path(admin_client, shop):
    make_conflict(
        shop, make_link(shop, 1), path="variants[BLK/M].price", shopify_value="10.00", joor_value="12.00"
    )
    body = admin_client.get("/admin/sync/conflict/").content.decode()
    assert "Price — BLK / M" in body and "variants[BLK/M].price" in body


def test_a_product_row_of_the_links_page_links_to_the_shopify_admin(client_in, shop):
    link = make_link(
        shop, 1, shopify_title="Wool Coat", shopify_product_id="gid://shopify/Product/1000020686"
    )
    body = client_in.get("/links").content.decode()
    row = re.search(rf'<tr id="link-{link.pk}">(.*?)</tr>', body, re.S).group(1)
    assert 'href="https://admin.shopify.com/store/demo/products/1000020686"' in row
    assert "Wool Coat" in row and "gid://" not in row
    assert isinstance(link, ProductLink)
