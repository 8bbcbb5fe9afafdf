"""Text quoted from JOOR's and Shopify's error answers is stored and printed without control characters:
job errors, job events, per-product problems, unmatched-item notes, and the management commands that
print an error or a catalog value."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from joorsync.sync.accounts import JoorConnectionError
from joorsync.sync.engine.linkrows import link_record_unmatched_shopify, problems_record
from joorsync.sync.engine.plan import Refusal
from joorsync.sync.jobs import sync_event_record, sync_events_record, sync_job_create, sync_job_execute
from joorsync.sync.models import ProductLink, ProductProblem, SyncEvent, SyncJob
from shopify_app.services.shops import ShopConnectError
from tests.sync.jobs_support import install_engine, make_account, make_conflict, make_link, make_shop

pytestmark = pytest.mark.django_db

# JOOR's `comment` of an error answer, as a hostile or broken server could send it.
COMMENT = "bad \x1b[31mtoken\x1b[0m\x1b]0;owned\x07\r\x9b1mnow\x00"
CLEAN = "bad tokennow"
CONTROL = "\x1b\x07\r\x9b\x00"


def clean(text: str) -> bool:
    return not any(c in text for c in CONTROL)


@pytest.fixture
def shop():
    shop = make_shop()
    make_account(shop)
    return shop


def test_a_job_failing_on_joors_answer_stores_the_error_clean(shop, monkeypatch):
    def engine(*, job):
        raise RuntimeError(f"JOOR v2 style write: response code 400: {COMMENT}")

    install_engine(monkeypatch, engine)
    job = sync_job_execute(job_id=sync_job_create(shop=shop, kind="full").pk)
    assert job.status == SyncJob.Status.FAILED
    assert job.error == f"RuntimeError: JOOR v2 style write: response code 400: {CLEAN}"


def test_job_events_are_stored_clean(shop):
    job = sync_job_create(shop=shop, kind="full")
    sync_event_record(job=job, action="write_failed", level="error", message=f"JOOR refused: {COMMENT}")
    sync_events_record(job=job, events=[{"action": "write_failed", "message": f"JOOR refused: {COMMENT}"}])
    assert [e.message for e in SyncEvent.objects.filter(job=job)] == [f"JOOR refused: {CLEAN}"] * 2


def test_problems_are_stored_clean_and_not_rewritten_each_run(shop):
    link = make_link(shop, 1)
    refusal = Refusal(side="joor", code="write_refused", message=f"JOOR refused the style: {COMMENT}")
    (opened,) = problems_record(shop=shop, subject=f"link:{link.pk}", refusals=[refusal], job=None, link=link)
    assert opened.message == f"JOOR refused the style: {CLEAN}"
    before = ProductProblem.objects.get(pk=opened.pk).updated_at
    problems_record(shop=shop, subject=f"link:{link.pk}", refusals=[refusal], job=None, link=link)
    assert ProductProblem.objects.get(pk=opened.pk).updated_at == before  # same message: no update
    changed = Refusal(side="joor", code="write_refused", message=f"JOOR refused again: {COMMENT}")
    problems_record(shop=shop, subject=f"link:{link.pk}", refusals=[changed], job=None, link=link)
    assert ProductProblem.objects.get(pk=opened.pk).message == f"JOOR refused again: {CLEAN}"


def test_the_note_of_an_unmatched_product_is_stored_clean(shop):
    node = {"id": "gid://shopify/Product/9", "title": "Coat", "variants": {"nodes": []}}
    link = link_record_unmatched_shopify(
        shop=shop, product_id=node["id"], node=node, note=f"JOOR refused the new style: {COMMENT}"
    )
    assert ProductLink.objects.get(pk=link.pk).note == f"JOOR refused the new style: {CLEAN}"


def test_the_sync_command_prints_a_stored_error_clean(shop, monkeypatch):
    def engine(*, job):
        raise RuntimeError("failed")

    install_engine(monkeypatch, engine)
    # A job error stored before errors were cleaned on the way in (without NUL: PostgreSQL never
    # stored one in a text column).
    stored = COMMENT.replace("\x00", "")
    monkeypatch.setattr("joorsync.sync.jobs.error_reason", lambda exc, *, shop: f"RuntimeError: {stored}")
    with pytest.raises(CommandError) as raised:
        call_command("sync", "--shop", shop.shop_domain, stdout=StringIO())
    assert str(raised.value) == f"sync failed: RuntimeError: {CLEAN}"


def test_joor_connect_prints_joors_answer_clean(shop, monkeypatch):
    def refuse(**kwargs):
        raise JoorConnectionError(f"JOOR v2: response code 401: {COMMENT}")

    monkeypatch.setattr("joorsync.sync.management.commands.joor_connect.joor_account_connect", refuse)
    monkeypatch.setenv("JOOR_TOKEN", "a-token")
    with pytest.raises(CommandError) as raised:
        call_command(
            "joor_connect", "--shop", shop.shop_domain, "--api", "v2", "--base-url", "http://joor.test"
        )
    assert str(raised.value) == f"JOOR v2: response code 401: {CLEAN}"


def test_shop_connect_prints_shopifys_answer_clean(monkeypatch):
    def refuse(**kwargs):
        raise ShopConnectError(f"Shopify answered 401: {COMMENT}")

    monkeypatch.setattr("shopify_app.management.commands.shop_connect.shop_connect", refuse)
    monkeypatch.setenv("SHOPIFY_ACCESS_TOKEN", "shpat_x")
    with pytest.raises(CommandError) as raised:
        call_command("shop_connect", "--shop", "demo.myshopify.com")
    assert str(raised.value) == f"Shopify answered 401: {CLEAN}"


def test_the_conflicts_command_prints_catalog_values_clean(shop):
    link = make_link(shop, 1)
    # 8-bit CSI sequences (clear screen, reset colour) in a colour code and a value, as JOOR stores them.
    make_conflict(shop, link, path="variants[RED\x9b2J/M].price", shopify_value="10\x9b0m", joor_value="12")
    out = StringIO()
    call_command("conflicts", "--shop", shop.shop_domain, stdout=out)
    text = out.getvalue()
    assert 'variants[RED/M].price: base "Coat" | shopify "10" | joor "12"' in text and clean(text)
