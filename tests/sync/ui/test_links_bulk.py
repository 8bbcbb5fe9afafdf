"""The links list's bulk action: "Sync selected" queues one targeted sync per linked product of the shop,
never of another shop's or an unmatched row; "all that match" follows the list's filter."""

from __future__ import annotations

import html
import re

import pytest

from joorsync.sync import links_bulk
from joorsync.sync.jobs import sync_job_request, sync_job_target_for_link
from joorsync.sync.links_bulk import LinksBulkTooMany, product_links_sync_request
from joorsync.sync.models import ProductLink, SyncJob
from tests.sync.jobs_support import make_link

pytestmark = pytest.mark.django_db


def _targets(shop) -> dict[int, dict]:
    """Each queued targeted job of the shop, by the link it syncs."""
    jobs = SyncJob.objects.filter(shop=shop, kind=SyncJob.Kind.TARGETED, status=SyncJob.Status.QUEUED)
    return {job.target["link_id"]: job for job in jobs}


def test_sync_selected_queues_one_manual_targeted_job_per_linked_product(
    client_in, shop, django_capture_on_commit_callbacks
):
    coat, dress, shirt = make_link(shop, 1), make_link(shop, 2), make_link(shop, 3)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client_in.post(
            "/links/bulk",
            {
                "action": "sync",
                "scope": "selected",
                "ids": [coat.pk, shirt.pk],
                "next": "/links?status=linked",
            },
        )
    assert response.status_code == 302 and response["Location"] == "/links?status=linked"
    jobs = _targets(shop)
    assert set(jobs) == {coat.pk, shirt.pk} and dress.pk not in jobs
    for link in (coat, shirt):
        job = jobs[link.pk]
        assert (job.trigger, job.dry_run) == (SyncJob.Trigger.MANUAL, False)
        assert job.priority == SyncJob.Priority.PERSON
        assert job.target == sync_job_target_for_link(link=link)
    assert len(queued) == 2  # each job is handed to a worker once the request commits
    page = html.unescape(client_in.get(response["Location"]).content.decode())
    assert "Sync queued for 2 products; follow them on the Jobs page." in page


def test_only_the_shops_linked_products_are_synced_and_the_rest_is_counted(client_in, shop, other_shop):
    mine = make_link(shop, 1)
    unmatched = make_link(shop, 2, status=ProductLink.Status.UNMATCHED_SHOPIFY, joor_style_id=None)
    unlinked = make_link(shop, 3, status=ProductLink.Status.UNLINKED)
    theirs = make_link(other_shop, 4)
    response = client_in.post(
        "/links/bulk",
        {"action": "sync", "ids": [mine.pk, unmatched.pk, unlinked.pk, theirs.pk]},
        follow=True,
    )
    assert set(_targets(shop)) == {mine.pk}
    assert not SyncJob.objects.filter(shop=other_shop).exists()
    body = html.unescape(response.content.decode())
    assert "Sync queued for 1 product; follow it on the Jobs page." in body
    assert "3 selected rows were not linked and not synced." in body


def test_nothing_linked_selected_queues_nothing_and_says_why(client_in, shop, other_shop):
    theirs = make_link(other_shop, 4)
    lonely = make_link(shop, 2, status=ProductLink.Status.UNMATCHED_JOOR, shopify_product_id="")
    for form, message in (
        ({"action": "sync", "ids": [theirs.pk, lonely.pk]}, "None of the selected rows is a linked product"),
        ({"action": "sync"}, "Select at least one linked product."),
        ({"action": "sync", "ids": ["x", ""]}, "Select at least one linked product."),
        ({"action": "unlink", "ids": [lonely.pk]}, "Choose what to do with the selected products."),
    ):
        body = html.unescape(client_in.post("/links/bulk", form, follow=True).content.decode())
        assert message in body, form
    assert not SyncJob.objects.exists()


def test_a_product_whose_sync_is_waiting_is_not_queued_twice(shop):
    coat, dress = make_link(shop, 1), make_link(shop, 2)
    waiting = sync_job_request(
        shop=shop,
        kind=SyncJob.Kind.TARGETED,
        target=sync_job_target_for_link(link=coat),
        trigger=SyncJob.Trigger.WEBHOOK,
    )
    result = product_links_sync_request(shop=shop, link_ids=[coat.pk, dress.pk, coat.pk])
    assert result.created == 1 and result.skipped == 0
    assert [job.pk for job in result.jobs][0] == waiting.pk
    assert SyncJob.objects.filter(shop=shop).count() == 2
    waiting.refresh_from_db()
    # A person asked: the waiting job now runs as theirs, ahead of scheduled and webhook work.
    assert (waiting.trigger, waiting.priority) == (SyncJob.Trigger.MANUAL, SyncJob.Priority.PERSON)


def test_all_that_match_follows_the_lists_filter(client_in, shop):
    coat = make_link(shop, 1, shopify_title="Wool coat")
    cape = make_link(shop, 2, shopify_title="Wool cape")
    dress = make_link(shop, 3, shopify_title="Silk dress")
    gone = make_link(shop, 4, shopify_title="Wool scarf", status=ProductLink.Status.DELETED_SHOPIFY)
    response = client_in.post(
        "/links/bulk", {"action": "sync", "scope": "filter", "q": "wool", "status": "", "ids": [dress.pk]}
    )
    assert response.status_code == 302
    assert set(_targets(shop)) == {coat.pk, cape.pk}  # the ticked row is not what "all that match" means
    assert gone.pk not in _targets(shop) and dress.pk not in _targets(shop)
    nothing = client_in.post("/links/bulk", {"action": "sync", "scope": "filter", "q": "linen"}, follow=True)
    assert "No linked product matches this filter." in html.unescape(nothing.content.decode())


def test_more_than_the_limit_is_refused_before_anything_is_queued(client_in, shop, monkeypatch):
    monkeypatch.setattr(links_bulk, "MAX_BULK_SYNC", 2)
    monkeypatch.setattr("joorsync.sync.ui.views.links_bulk.MAX_BULK_SYNC", 2)
    links = [make_link(shop, n) for n in range(3)]
    with pytest.raises(LinksBulkTooMany):
        product_links_sync_request(shop=shop, link_ids=[link.pk for link in links])
    for form in (
        {"action": "sync", "ids": [link.pk for link in links]},
        {"action": "sync", "scope": "filter", "status": "linked"},
    ):
        body = html.unescape(client_in.post("/links/bulk", form, follow=True).content.decode())
        assert "3 products is more than 2 at once." in body and "Sync now" in body
    assert not SyncJob.objects.exists()


def test_post_only_and_csrf_checked(sandbox_mode, shop):
    from tests.sync.ui.conftest import signed_in

    link = make_link(shop, 1)
    strict = signed_in(enforce_csrf=True)
    assert strict.get("/links/bulk").status_code == 405
    assert strict.post("/links/bulk", {"action": "sync", "ids": [link.pk]}).status_code == 403
    assert not SyncJob.objects.exists()


def test_the_list_offers_selection_of_linked_rows_only(client_in, shop):
    coat = make_link(shop, 1, shopify_title="Wool coat")
    lonely = make_link(shop, 2, status=ProductLink.Status.UNMATCHED_SHOPIFY, joor_style_id=None)
    body = client_in.get("/links").content.decode()
    assert re.search(r'<form method="post" action="/links/bulk" id="links-bulk"[^>]*>', body)
    assert '<input type="hidden" name="action" value="sync">' in body
    assert (
        f'<input type="checkbox" name="ids" value="{coat.pk}" id="sel-{coat.pk}" form="links-bulk" data-bulk-row>'
        f'<label for="sel-{coat.pk}" class="sr-only">Select Wool coat</label>'
    ) in body
    assert f'value="{lonely.pk}" id="sel-{lonely.pk}"' not in body  # nothing to sync on an unmatched row
    # Select-all and the bar's extras need the script: without it they stay out of the way.
    assert 'data-bulk-page aria-label="Select every linked product on this page" hidden>' in body
    assert (
        'name="scope" value="selected" class="primary" data-bulk-scope="selected">Sync selected</button>'
        in body
    )
    assert "Sync all that match" not in body  # one page holds them all: ticking them is the same
    assert '<script src="/static/joorsync/bulk.js" defer></script>' in body


def test_all_that_match_is_offered_when_more_rows_match_than_one_page_shows(client_in, shop):
    for n in range(51):
        make_link(shop, n)
    linked = client_in.get("/links", {"status": "linked"}).content.decode()
    assert 'data-selected-label="All 51 selected" hidden>Select all 51 matching</button>' in linked
    assert (
        'name="scope" value="filter" class="primary" data-bulk-scope="filter">Sync all that match</button>'
        in linked
    )
    every = client_in.get("/links").content.decode()
    assert ">Select all linked products that match</button>" in every
