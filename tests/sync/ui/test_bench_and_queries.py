"""A page costs a fixed number of queries whatever the row count (no N+1), and `ui_bench` runs."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from joorsync.sync.jobs import sync_event_record
from joorsync.sync.models import Conflict, ProductLink, SyncJob
from shopify_app.models import Shop

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12


def populate(shop: Shop, n: int) -> None:
    links = ProductLink.objects.bulk_create(
        ProductLink(
            shop=shop,
            status="unmatched_shopify" if i % 4 == 0 else ("unmatched_joor" if i % 4 == 1 else "linked"),
            shopify_product_id="" if i % 4 == 1 else f"gid://shopify/Product/{i}",
            joor_style_id=None if i % 4 == 0 else 9000 + i,
            style_number=f"S{i}",
        )
        for i in range(n)
    )
    Conflict.objects.bulk_create(Conflict(shop=shop, link=link, field_path="title") for link in links)
    jobs = SyncJob.objects.bulk_create(SyncJob(shop=shop, status="failed") for _ in range(n))
    for job in jobs[:3]:
        sync_event_record(job=job, link=links[0], action="x")


@pytest.mark.parametrize("url", ["/", "/conflicts", "/conflicts?status=resolved", "/links", "/jobs"])
def test_queries_per_page_do_not_grow_with_rows(client_in, shop, url, django_assert_max_num_queries):
    populate(shop, 60)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client_in.get(url).status_code == 200


def test_job_detail_events_without_n_plus_one(client_in, shop, django_assert_max_num_queries):
    populate(shop, 3)
    job = SyncJob.objects.filter(shop=shop).order_by("pk").first()
    for _ in range(40):
        sync_event_record(job=job, link=ProductLink.objects.filter(shop=shop).first(), action="y")
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client_in.get(f"/jobs/{job.pk}").status_code == 200


def test_ui_bench_reports_figures_and_cleans_up(db):
    out = StringIO()
    call_command("ui_bench", "--rows", "60", "--renders", "2", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["rows"] == 60
    assert {"/conflicts", "/links", "/jobs", "/"} <= set(report["pages"])
    assert all(0 < p["median_ms"] <= p["p95_ms"] for p in report["pages"].values())
    assert not Shop.objects.filter(shop_domain__startswith="ui-bench-").exists()
    assert not ProductLink.objects.exists() and not Conflict.objects.exists()
