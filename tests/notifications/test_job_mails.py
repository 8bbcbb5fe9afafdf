"""The mail after a job: a failure is mailed once with its reason; what a job leaves needing attention
(problems, conflicts, held orders, orders needing a decision) is mailed once, never twice; settings
off or no recipient mean no mail; a mail that cannot be sent never changes the job."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from joorsync.joor.errors import JoorAuthError, JoorTransientError
from joorsync.notifications import services
from joorsync.notifications.models import NotificationSent
from joorsync.orders.models import ImportedOrder
from joorsync.sync.jobs import sync_job_create, sync_job_execute
from joorsync.sync.models import SyncJob
from tests.notifications.conftest import OWNER, make_conflicts, make_order, make_problems, settings_of
from tests.sync.jobs_support import JOOR_TOKEN

pytestmark = pytest.mark.django_db

APP = "https://joorsync.example.com"


class BrokenBackend(BaseEmailBackend):
    """A mail server that refuses everything."""

    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("the mail server is down")


def html_of(message: Any) -> str:
    [(body, kind)] = message.alternatives
    assert kind == "text/html"
    return body


# -- failures -----------------------------------------------------------------------------------


def test_a_failed_job_sends_exactly_one_mail_with_the_reason(shop, engine, run_job):
    engine.fail_with = JoorAuthError(f"HTTP 401 token {JOOR_TOKEN} rejected")

    job = run_job(shop)

    assert job.status == SyncJob.Status.FAILED
    [message] = mail.outbox
    assert message.to == [OWNER]
    assert message.subject == "A sync failed in joorsync"
    assert f"Incremental sync #{job.pk} of demo.myshopify.com failed" in message.body
    assert "JOOR did not accept the app's credentials. Check the JOOR connection in Settings." in message.body
    assert "Details: HTTP 401 token *** rejected" in message.body  # the job's reason, secret masked
    assert f"{APP}/jobs/{job.pk}" in message.body and f"{APP}/settings#notifications" in message.body
    assert JOOR_TOKEN not in message.body and JOOR_TOKEN not in html_of(message)
    assert f'href="{APP}/jobs/{job.pk}"' in html_of(message)


def test_a_failed_order_import_says_so(shop, engine, run_job):
    engine.fail_with = JoorTransientError("HTTP 503 from JOOR")
    job = run_job(shop, kind="orders")
    [message] = mail.outbox
    assert message.subject == "An order import failed in joorsync"
    assert f"Order import #{job.pk}" in message.body
    assert "orders waiting in JOOR are imported by the next run that succeeds" in message.body


def test_the_same_failure_is_not_mailed_again_until_a_sync_succeeds(shop, engine, run_job):
    engine.fail_with = JoorTransientError("HTTP 503 from JOOR")
    run_job(shop)
    run_job(shop)
    assert len(mail.outbox) == 1

    engine.fail_with = JoorTransientError("HTTP 502 from JOOR")  # another reason is news
    run_job(shop)
    assert len(mail.outbox) == 2

    engine.fail_with = None
    run_job(shop)
    engine.fail_with = JoorTransientError("HTTP 503 from JOOR")  # failing again after a success
    run_job(shop)
    assert len(mail.outbox) == 3


def test_a_shop_without_a_joor_connection_is_told_so(shop, engine, run_job):
    shop.joor_account.delete()
    job = run_job(shop)
    [message] = mail.outbox
    assert job.status == SyncJob.Status.FAILED
    assert "The shop could not be synced: demo.myshopify.com is not connected to JOOR." in message.body


def test_a_preview_is_not_mailed(shop, engine, run_job):
    engine.fail_with = JoorTransientError("HTTP 503 from JOOR")
    job = run_job(shop, kind="full", dry_run=True)
    assert job.status == SyncJob.Status.FAILED and mail.outbox == []


# -- new items ----------------------------------------------------------------------------------


def test_a_job_leaving_three_new_problems_mails_them_once(shop, engine, run_job):
    engine.leave = lambda job: make_problems(shop, 3, job=job)
    first = run_job(shop)

    [message] = mail.outbox
    assert first.status == SyncJob.Status.SUCCEEDED
    assert message.subject == "3 products need attention in joorsync"
    for n in range(3):
        assert f"- Wool coat {n}: title is 300 characters; JOOR allows 100 (product {n})" in message.body
    assert f"{APP}/problems" in message.body and f'href="{APP}/problems"' in html_of(message)
    assert set(NotificationSent.objects.values_list("kind", flat=True)) == {NotificationSent.Kind.PROBLEM}

    engine.leave = None  # the same problems are still open after the next job
    assert run_job(shop).status == SyncJob.Status.SUCCEEDED
    assert len(mail.outbox) == 1


def test_held_orders_and_orders_needing_a_decision_are_mailed_once_per_reason(shop, engine, run_job):
    def leave(job: SyncJob) -> None:
        make_order(shop, 1)
        make_order(shop, 2)
        make_order(shop, 3, state=ImportedOrder.State.CONFLICT, hold_code="", hold_message="")

    engine.leave = leave
    run_job(shop, kind="orders")

    [message] = mail.outbox
    assert message.subject == "In joorsync: 2 JOOR orders are held and 1 JOOR order needs a decision"
    held = ImportedOrder.objects.get(joor_order_id="JO-1")
    assert "- JOOR order JO-1, PO PO-1, Boutique 1: Line 2 names SKU X-1" in message.body
    assert f"{APP}/orders/{held.pk}" in message.body and f"{APP}/orders?state=held" in message.body
    assert "Changed in JOOR after it was imported" in message.body
    assert "boutique.example" not in message.body and "boutique.example" not in html_of(message)
    assert "[e-mail address]" in message.body

    engine.leave = None
    run_job(shop, kind="orders")
    assert len(mail.outbox) == 1  # still held for the same reason: not news

    ImportedOrder.objects.filter(pk=held.pk).update(hold_code="short_stock", hold_message="Not enough stock.")
    run_job(shop, kind="orders")
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == "1 JOOR order is held in joorsync"
    assert "Not enough stock." in mail.outbox[1].body


def test_new_conflicts_are_counted_and_the_first_ten_named(shop, engine, run_job):
    engine.leave = lambda job: make_conflicts(shop, 12)
    run_job(shop)

    [message] = mail.outbox
    assert message.subject == "12 conflicts wait for your decision in joorsync"
    assert message.body.count("- Linen shirt ") == 10
    assert "title: Shopify has “Linen shirt 0”, JOOR has “Summer shirt 0”" in message.body
    assert f"… and 2 more: {APP}/conflicts" in message.body
    first = shop.conflicts.order_by("pk").first()
    assert f"{APP}/conflicts/{first.pk}" in message.body


def test_a_failed_job_mails_its_failure_not_the_items(shop, engine, run_job):
    engine.leave = lambda job: make_problems(shop, 2, job=job)
    engine.fail_with = JoorTransientError("HTTP 503 from JOOR")
    run_job(shop)
    [message] = mail.outbox
    assert message.subject == "A sync failed in joorsync"

    engine.leave, engine.fail_with = None, None
    run_job(shop)  # the next job that succeeds names what is still new
    assert mail.outbox[1].subject == "2 products need attention in joorsync"


def test_a_job_with_nothing_new_plans_no_mail(shop, engine, django_capture_on_commit_callbacks):
    job = sync_job_create(shop=shop, kind="incremental")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert sync_job_execute(job_id=job.pk).status == SyncJob.Status.SUCCEEDED
    planned = [c for c in callbacks if getattr(c, "func", None) is services.notify_job_finished_safely]
    assert planned == [] and mail.outbox == []


# -- settings -----------------------------------------------------------------------------------


def test_settings_off_send_nothing(shop, engine, run_job):
    settings_of(shop, on_failure=False, on_new_items=False)
    engine.leave = lambda job: make_problems(shop, 2, job=job)
    run_job(shop)
    engine.leave, engine.fail_with = None, JoorTransientError("HTTP 503 from JOOR")
    run_job(shop)
    assert mail.outbox == []
    assert not NotificationSent.objects.exists()


def test_without_a_recipient_nothing_is_sent_and_the_items_wait(shop, engine, run_job):
    settings_of(shop, recipient="")
    engine.leave = lambda job: make_problems(shop, 2, job=job)
    run_job(shop)
    assert mail.outbox == []

    settings_of(shop, recipient="merchant@brand.example")
    engine.leave = None
    run_job(shop)
    [message] = mail.outbox
    assert message.to == ["merchant@brand.example"]
    assert message.subject == "2 products need attention in joorsync"


def test_an_uninstalled_shop_is_not_mailed(shop):
    settings_of(shop)
    make_problems(shop, 1)
    job = SyncJob.objects.create(shop=shop, kind="full", status=SyncJob.Status.SUCCEEDED)
    shop.uninstalled_at = job.created_at
    shop.access_token = ""
    shop.save()
    assert services.notify_job_finished(job=job) == 0 and mail.outbox == []


# -- a mail that cannot be sent -------------------------------------------------------------------


def test_a_mail_backend_that_raises_does_not_fail_the_job(shop, engine, run_job, settings, caplog):
    settings.EMAIL_BACKEND = "tests.notifications.test_job_mails.BrokenBackend"
    engine.leave = lambda job: make_problems(shop, 3, job=job)

    job = run_job(shop)

    assert (job.status, job.error) == (SyncJob.Status.SUCCEEDED, "")
    assert "the notification mail about job" in caplog.text and "ConnectionRefusedError" in caplog.text
    assert not NotificationSent.objects.exists()  # given back: the next mail names them

    engine.leave, engine.fail_with = None, JoorTransientError("HTTP 503 from JOOR")
    failed = run_job(shop)
    assert (failed.status, failed.error) == (SyncJob.Status.FAILED, "JoorTransientError: HTTP 503 from JOOR")

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    engine.fail_with = None
    run_job(shop)
    [message] = mail.outbox
    assert message.subject == "3 products need attention in joorsync"
