"""Staff admin of the sync models: every page renders with data, no credential ever reaches the HTML,
and each action does what its label says (through the services)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from joorsync.sync.jobs import sync_event_record, sync_job_create
from joorsync.sync.models import (
    Conflict,
    JoorAccount,
    ProductLink,
    ProductProblem,
    SyncEvent,
    SyncJob,
    VariantLink,
)
from tests.sync.jobs_support import make_account, make_conflict, make_link, make_shop, make_variant

pytestmark = pytest.mark.django_db

SECRETS = {
    "token": "v2-token-plaintext-8f3a",
    "client_id": "client-id-plaintext-41bc",
    "client_secret": "client-secret-plaintext-9d0e",
    "username": "buyer-plaintext@brand.test",
    "password": "password-plaintext-77aa",
}


@pytest.fixture
def data():
    """One shop with a JOOR account holding every kind of secret, a link with a variant, an open and a
    resolved conflict, a failed and a succeeded job with events."""
    shop = make_shop()
    account = make_account(shop, account_id="1001", **SECRETS)
    link = make_link(shop, 1, joor_name="Winter coat", shopify_title="Wool coat", snapshot={"title": "Coat"})
    variant = make_variant(link, "gid://shopify/InventoryItem/9", sku="ST-1-BLK-M", upc="0123456789012")
    open_conflict = make_conflict(shop, link)
    resolved = make_conflict(
        shop, link, "description", status=Conflict.Status.RESOLVED, resolution="keep_joor", resolved_by="x"
    )
    failed = sync_job_create(shop=shop, kind=SyncJob.Kind.FULL, trigger="manual")
    SyncJob.objects.filter(pk=failed.pk).update(
        status=SyncJob.Status.FAILED, error="JoorTransientError: 503", progress_done=3, progress_total=12
    )
    done = sync_job_create(shop=shop, kind=SyncJob.Kind.INCREMENTAL, trigger="schedule")
    SyncJob.objects.filter(pk=done.pk).update(status=SyncJob.Status.SUCCEEDED, plan=[{"side": "shopify"}])
    event = sync_event_record(job=failed, link=link, action="write_failed", level="error", message="boom")
    problem = ProductProblem.objects.create(
        shop=shop,
        link=link,
        subject=f"link:{link.pk}",
        title="Wool coat",
        side="joor",
        code="too_long",
        field_path="description",
        message="JOOR allows 500 characters in a style description; this one has 727",
        details={"limit": 500, "length": 727},
        job=failed,
    )
    return {
        "shop": shop,
        "account": account,
        "link": link,
        "variant": variant,
        "open": open_conflict,
        "resolved": resolved,
        "failed": SyncJob.objects.get(pk=failed.pk),
        "done": SyncJob.objects.get(pk=done.pk),
        "event": event,
        "problem": problem,
    }


def _pages(data) -> list[str]:
    pages = []
    for model, obj in (
        (JoorAccount, data["account"]),
        (ProductLink, data["link"]),
        (VariantLink, data["variant"]),
        (Conflict, data["open"]),
        (SyncJob, data["failed"]),
        (SyncEvent, data["event"]),
        (ProductProblem, data["problem"]),
    ):
        meta = model._meta
        pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]))
    return pages


def test_every_changelist_and_change_page_renders(admin_client, data):
    for url in _pages(data):
        response = admin_client.get(url)
        assert response.status_code == 200, url
    listing = admin_client.get(reverse("admin:sync_syncjob_changelist")).content.decode()
    assert "25% (3/12)" in listing  # the progress column
    links = admin_client.get(reverse("admin:sync_productlink_changelist")).content.decode()
    assert "Winter coat" in links and "#1 Wool coat" in links  # both sides of the pair
    assert f'link__id__exact={data["link"].pk}&amp;status__exact=open">1</a>' in links  # open conflicts
    conflicts = admin_client.get(reverse("admin:sync_conflict_changelist")).content.decode()
    assert "Wool coat" in conflicts and "Winter coat" in conflicts


def test_list_filters_and_search_work(admin_client, data):
    url = reverse("admin:sync_conflict_changelist")
    open_only = admin_client.get(url, {"status__exact": "open"})
    assert open_only.status_code == 200
    assert list(open_only.context["cl"].result_list) == [data["open"]]
    by_path = admin_client.get(url, {"q": "descr"})
    assert list(by_path.context["cl"].result_list) == [data["resolved"]]
    links = admin_client.get(reverse("admin:sync_productlink_changelist"), {"q": "5001"})
    assert list(links.context["cl"].result_list) == [data["link"]]  # exact JOOR style id
    jobs = admin_client.get(reverse("admin:sync_syncjob_changelist"), {"status__exact": "failed"})
    assert list(jobs.context["cl"].result_list) == [data["failed"]]


def test_credentials_are_never_rendered(admin_client, data):
    for url in _pages(data):
        page = admin_client.get(url).content.decode()
        for name, secret in SECRETS.items():
            assert secret not in page, (url, name)
    change = admin_client.get(reverse("admin:sync_jooraccount_change", args=[data["account"].pk]))
    html = change.content.decode()
    for name in SECRETS:
        assert f'name="{name}"' not in html
    assert html.count(">set<") >= len(SECRETS)  # each shown as "set"
    account = JoorAccount.objects.get(pk=data["account"].pk)
    assert account.token == SECRETS["token"]  # rendering changed nothing


def test_pages_are_read_only_and_add_nothing(admin_client, data):
    change = admin_client.get(reverse("admin:sync_conflict_change", args=[data["open"].pk]))
    html = change.content.decode()
    assert 'name="field_path"' not in html and 'name="_save"' not in html
    assert admin_client.get(reverse("admin:sync_conflict_add")).status_code == 403
    posted = admin_client.post(
        reverse("admin:sync_jooraccount_change", args=[data["account"].pk]), {"sync_interval_minutes": "1"}
    )
    assert posted.status_code in (302, 200)
    assert JoorAccount.objects.get(pk=data["account"].pk).sync_interval_minutes == 15


def _act(client, model: str, action: str, ids: list[int]):
    return client.post(
        reverse(f"admin:sync_{model}_changelist"),
        {"action": action, "_selected_action": [str(i) for i in ids]},
        follow=True,
    )


def test_resync_shop_queues_a_full_manual_job(admin_client, data, django_capture_on_commit_callbacks):
    before = set(SyncJob.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks() as callbacks:
        response = _act(admin_client, "jooraccount", "resync_shop", [data["account"].pk])
    assert response.status_code == 200
    new = SyncJob.objects.exclude(pk__in=before).get()
    assert (new.shop_id, new.kind, new.trigger, new.status) == (data["shop"].pk, "full", "manual", "queued")
    assert len(callbacks) == 1  # handed to the task queue after commit
    assert "Full sync queued for demo.myshopify.com" in response.content.decode()


def test_sync_selected_products_queues_a_targeted_job(admin_client, data):
    before = set(SyncJob.objects.values_list("pk", flat=True))
    _act(admin_client, "productlink", "sync_products", [data["link"].pk])
    new = SyncJob.objects.exclude(pk__in=before).get()
    assert (new.kind, new.trigger) == ("targeted", "manual")
    assert new.target == {
        "link_id": data["link"].pk,
        "shopify_product_id": "gid://shopify/Product/1",
        "joor_style_id": 5001,
    }


def test_retry_requeues_failed_jobs_and_leaves_others(admin_client, data):
    response = _act(admin_client, "syncjob", "retry_jobs", [data["failed"].pk, data["done"].pk])
    failed = SyncJob.objects.get(pk=data["failed"].pk)
    done = SyncJob.objects.get(pk=data["done"].pk)
    assert (failed.status, failed.error) == ("queued", "")
    assert done.status == "succeeded"
    assert f"left alone: #{done.pk} (succeeded)" in response.content.decode()


@pytest.mark.parametrize(
    ("action", "resolution", "value"),
    [
        ("resolve_keep_shopify", "keep_shopify", "Wool coat"),
        ("resolve_keep_joor", "keep_joor", "Winter coat"),
    ],
)
def test_resolve_selected_conflicts(admin_client, data, action, resolution, value):
    response = _act(admin_client, "conflict", action, [data["open"].pk, data["resolved"].pk])
    conflict = Conflict.objects.get(pk=data["open"].pk)
    assert (conflict.status, conflict.resolution, conflict.resolved_value) == ("resolved", resolution, value)
    assert conflict.resolved_by == "admin"
    assert Conflict.objects.get(pk=data["resolved"].pk).resolution == "keep_joor"  # untouched
    page = response.content.decode()
    assert "1 conflict(s) resolved" in page and "1 conflict(s) were not open" in page
    job = SyncJob.objects.filter(kind="targeted", trigger="conflict").get()  # writes the decision out
    assert job.target["link_id"] == data["link"].pk


def test_problems_are_listed_read_only_with_their_details(admin_client, data):
    listing = admin_client.get(reverse("admin:sync_productproblem_changelist")).content.decode()
    assert "Wool coat" in listing and "too_long" in listing and "727" in listing
    filtered = admin_client.get(reverse("admin:sync_productproblem_changelist"), {"status__exact": "solved"})
    assert list(filtered.context["cl"].result_list) == []
    change = admin_client.get(reverse("admin:sync_productproblem_change", args=[data["problem"].pk]))
    html = change.content.decode()
    assert "&quot;length&quot;: 727" in html or '"length": 727' in html
    assert 'name="message"' not in html and 'name="_save"' not in html
    assert admin_client.get(reverse("admin:sync_productproblem_add")).status_code == 403


def test_account_page_shows_the_creation_settings(admin_client, data):
    html = admin_client.get(
        reverse("admin:sync_jooraccount_change", args=[data["account"].pk])
    ).content.decode()
    assert "New product status" in html and "Draft (a person publishes it)" in html
    assert "Sync shopify drafts" in html


def test_resolving_from_the_admin_never_keeps_an_empty_side(admin_client, data):
    blank = make_conflict(data["shop"], data["link"], "tags", joor_value=[])
    response = _act(admin_client, "conflict", "resolve_keep_joor", [blank.pk, data["open"].pk])
    page = response.content.decode()
    assert "1 conflict(s) resolved" in page
    assert (
        f"Left open because the kept value is empty (a person clears a field in the app): #{blank.pk}."
        in page
    )
    assert Conflict.objects.get(pk=blank.pk).status == "open"
    assert Conflict.objects.get(pk=data["open"].pk).resolution == "keep_joor"
