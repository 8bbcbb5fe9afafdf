"""The product history page: what the app wrote with before and after, what started it, conflicts
and refusals, and restoring a value — through both sandboxes and the real job runner."""

from __future__ import annotations

import html
import re

import pytest

from joorsync.sync.jobs import sync_job_create, sync_job_execute
from joorsync.sync.models import Conflict, JoorAccount, ProductLink, SyncEvent, SyncJob
from tests.sync.ui.conftest import make_ui_shop, signed_in

pytestmark = pytest.mark.django_db


def _synced(shop, sandboxes):
    joor, shopify = sandboxes
    JoorAccount.objects.filter(shop=shop).update(base_url="http://127.0.0.1:8701")
    job = sync_job_execute(job_id=sync_job_create(shop=shop, kind="full").pk)
    assert job.status == SyncJob.Status.SUCCEEDED, job.error
    link = ProductLink.objects.filter(shop=shop, status="linked").order_by("pk").first()
    before = link.shopify_title
    joor.edit_style(link.joor_style_id, {"style_name": "Renamed in JOOR"})
    job = sync_job_execute(job_id=sync_job_create(shop=shop, kind="incremental").pk)
    assert job.status == SyncJob.Status.SUCCEEDED, job.error
    link.refresh_from_db()
    return link, before


def _text(body: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def test_the_history_shows_the_write_with_before_after_and_what_started_it(client_in, shop, sandboxes):
    link, before = _synced(shop, sandboxes)
    body = client_in.get(f"/links/{link.pk}/history").content.decode()
    text = _text(body)
    assert f"History of {link.shopify_title}" in text
    assert "Shopify updated" in text
    assert re.search(rf"Title {re.escape(before)} Renamed in JOOR changed on the other side", text), text[
        :3000
    ]
    assert "by a sync (job #" in text and "Created in Shopify Info" in text
    assert "Restore previous value</button>" in body
    assert 'aria-label="Restore previous value: Title of Renamed in JOOR"' in body
    for raw in ("gid://", "variants[", "joor."):
        assert raw not in text


def test_restore_from_the_page_is_written_by_the_queued_job(client_in, shop, sandboxes):
    joor, shopify = sandboxes
    link, before = _synced(shop, sandboxes)
    event = SyncEvent.objects.filter(link=link, action="updated", side="shopify").latest("id")
    response = client_in.post(f"/links/{link.pk}/history/restore", {"event": event.pk, "path": "title"})
    assert response.status_code == 302 and response["Location"] == f"/links/{link.pk}/history"
    queued = SyncJob.objects.get(shop=shop, status="queued", kind="targeted")
    done = sync_job_execute(job_id=queued.pk)
    assert done.status == SyncJob.Status.SUCCEEDED, done.error
    assert joor.style(link.joor_style_id)["style_name"] == before
    page = _text(client_in.get(response["Location"]).content.decode())
    assert re.search(
        rf"Restore asked: Title Decision .{{0,80}} “{re.escape(before)}” — written to both sides", page
    )
    assert "Restore asked — " not in page  # the request shows once, as its decision
    assert "by you (sandbox sign-in)" in page
    # the first write is no longer the field's value; the restore's own writes (one per side) can be put back in turn
    assert "The field changed again since: this write is no longer the current value." in page
    assert page.count("Restore previous value") == 2


def test_a_value_that_would_empty_the_field_asks_first(client_in, shop, sandboxes):
    link, _ = _synced(shop, sandboxes)
    event = SyncEvent.objects.filter(link=link, action="updated", side="shopify").latest("id")
    event.details["changes"].append({"path": "product_type", "old": None, "new": "Coats", "by": "merge"})
    event.details["paths"].append("product_type")
    event.save()
    link.snapshot["product_type"] = "Coats"
    ProductLink.objects.filter(pk=link.pk).update(snapshot=link.snapshot)
    body = client_in.get(f"/links/{link.pk}/history").content.decode()
    assert f'href="/links/{link.pk}/history/restore?event={event.pk}&amp;path=product_type"' in body
    first = client_in.post(f"/links/{link.pk}/history/restore", {"event": event.pk, "path": "product_type"})
    assert first.status_code == 200
    assert "Clear Product type of" in first.content.decode()
    assert not Conflict.objects.filter(link=link, field_path="product_type").exists()
    client_in.post(
        f"/links/{link.pk}/history/restore", {"event": event.pk, "path": "product_type", "confirm": "1"}
    )
    decision = Conflict.objects.get(link=link, field_path="product_type")
    assert decision.resolution == Conflict.Resolution.CLEAR and decision.resolved_value is None


def test_another_shops_product_history_is_not_found(client_in, shop, sandboxes):
    link, _ = _synced(shop, sandboxes)
    make_ui_shop("other.myshopify.com")
    other = signed_in("other.myshopify.com")
    assert other.get(f"/links/{link.pk}/history").status_code == 404
    event = SyncEvent.objects.filter(link=link, action="updated").latest("id")
    response = other.post(f"/links/{link.pk}/history/restore", {"event": event.pk, "path": "title"})
    assert response.status_code == 404
    assert not Conflict.objects.filter(link=link).exists()


def test_an_empty_history_says_so(client_in, shop):
    link = ProductLink.objects.create(
        shop=shop, shopify_product_id="gid://shopify/Product/1", joor_style_id=1
    )
    body = client_in.get(f"/links/{link.pk}/history").content.decode()
    assert "no recorded changes yet" in body


def test_links_made_and_undone_by_hand_are_in_the_history(client_in, shop, sandboxes):
    link, _ = _synced(shop, sandboxes)
    client_in.post(f"/links/{link.pk}/unlink")
    client_in.post(f"/links/{link.pk}/relink")
    text = _text(client_in.get(f"/links/{link.pk}/history").content.decode())
    assert text.index("Linked again") < text.index("Unlinked Info")  # newest first
    assert "Unlinked by you (sandbox sign-in)" in text
    assert "by a person, in the app" in text
