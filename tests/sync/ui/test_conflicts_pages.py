"""Conflict list, filters, detail with highlighted differences, resolving one each way and in bulk."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from joorsync.sync.models import Conflict, SyncJob
from tests.sync.jobs_support import make_conflict, make_link

pytestmark = pytest.mark.django_db


def listed_ids(body: str) -> set[int]:
    return {int(n) for n in re.findall(r'<tr id="conflict-(\d+)">', body)}


def test_list_has_labelled_checkboxes_bulk_controls_and_filters(client_in, shop):
    conflict = make_conflict(shop, make_link(shop, 1))
    body = client_in.get("/conflicts").content.decode()
    assert f'href="/conflicts/{conflict.pk}"' in body
    assert f'<label for="sel-{conflict.pk}" class="sr-only">Select conflict {conflict.pk}</label>' in body
    for text in (
        '<label for="bulk-resolution">Resolution</label>',
        '<option value="keep_shopify">Keep Shopify</option>',
        '<option value="keep_joor">Keep JOOR</option>',
        ">Resolve selected</button>",
        ">Resolve all matching</button>",
        '<label for="f-field">Field</label>',
        '<label for="f-product">Product</label>',
        '<label for="f-age">Older than (days)</label>',
        ">Filter</button>",
    ):
        assert text in body


def test_filters_by_field_product_and_age(client_in, shop):
    coat, dress = make_link(shop, 1), make_link(shop, 2, shopify_title="Silk dress")
    title = make_conflict(shop, coat)
    price = make_conflict(shop, coat, path="variants[BLK/M].price", shopify_value=10, joor_value=12)
    old = make_conflict(shop, dress)
    Conflict.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    assert listed_ids(client_in.get("/conflicts", {"field": "price"}).content.decode()) == {price.pk}
    assert listed_ids(client_in.get("/conflicts", {"field": "title"}).content.decode()) == {title.pk, old.pk}
    assert listed_ids(client_in.get("/conflicts", {"product": "silk"}).content.decode()) == {old.pk}
    assert listed_ids(client_in.get("/conflicts", {"product": "ST-1"}).content.decode()) == {
        title.pk,
        price.pk,
    }
    assert listed_ids(client_in.get("/conflicts", {"older_than": "7"}).content.decode()) == {old.pk}


def test_detail_shows_three_values_with_marked_differences(client_in, shop):
    conflict = make_conflict(
        shop,
        make_link(shop, 1),
        path="tags",
        base_value=["wool", "winter"],
        shopify_value=["wool", "winter", "sale"],
        joor_value=["cashmere", "winter"],
    )
    body = client_in.get(f"/conflicts/{conflict.pk}").content.decode()
    assert '<th scope="col">Base</th><th scope="col">Shopify</th><th scope="col">JOOR</th>' in body
    marked = re.findall(r"<mark>(.*?)</mark>", body, re.S)
    assert any("sale" in m for m in marked) and "cashmere" in marked
    assert not any("wool" in m or "winter" in m for m in marked)  # unchanged tokens stay plain
    assert ">Keep Shopify</button>" in body and ">Keep JOOR</button>" in body
    assert '<label for="custom-value">Value</label>' in body and ">Use this value</button>" in body


def test_detail_escapes_values(client_in, shop):
    conflict = make_conflict(shop, make_link(shop, 1), shopify_value="<script>alert(1)</script>")
    body = client_in.get(f"/conflicts/{conflict.pk}").content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;" in body


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ({"resolution": "keep_shopify"}, "Wool coat"),
        ({"resolution": "keep_joor"}, "Winter coat"),
        ({"resolution": "custom", "value": "Lambswool coat"}, "Lambswool coat"),
    ],
)
def test_resolve_each_way(client_in, shop, form, expected):
    link = make_link(shop, 1)
    conflict = make_conflict(shop, link)
    response = client_in.post(f"/conflicts/{conflict.pk}/resolve", form)
    assert response.status_code == 302 and response["Location"] == f"/conflicts/{conflict.pk}"
    conflict.refresh_from_db()
    assert (conflict.status, conflict.resolution, conflict.resolved_value) == (
        "resolved",
        form["resolution"],
        expected,
    )
    assert conflict.resolved_by == "sandbox:demo.myshopify.com"
    job = SyncJob.objects.get(shop=shop)
    assert (job.kind, job.trigger, job.target["link_id"]) == ("targeted", "conflict", link.pk)
    page = client_in.get(response["Location"]).content.decode()
    assert "Resolved" in page and "Keep Shopify</button>" not in page


def test_custom_value_is_parsed_like_the_sides_values(client_in, shop):
    conflict = make_conflict(
        shop, make_link(shop, 1), path="variants[BLK/M].price", shopify_value=10.0, joor_value=12.0
    )
    bad = client_in.post(
        f"/conflicts/{conflict.pk}/resolve", {"resolution": "custom", "value": "cheap"}, follow=True
    )
    assert "Enter the value as JSON" in bad.content.decode()
    assert Conflict.objects.get(pk=conflict.pk).status == "open"
    client_in.post(f"/conflicts/{conflict.pk}/resolve", {"resolution": "custom", "value": "11.5"})
    assert Conflict.objects.get(pk=conflict.pk).resolved_value == 11.5


def test_htmx_resolve_swaps_the_decision_panel(client_in, shop):
    conflict = make_conflict(shop, make_link(shop, 1))
    response = client_in.post(
        f"/conflicts/{conflict.pk}/resolve", {"resolution": "keep_joor"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section class="card" id="decision"') and "Kept JOOR" in body
    again = client_in.post(
        f"/conflicts/{conflict.pk}/resolve", {"resolution": "keep_shopify"}, headers={"HX-Request": "true"}
    )
    assert "already resolved" in again.content.decode()
    assert Conflict.objects.get(pk=conflict.pk).resolution == "keep_joor"


def test_resolve_selected(client_in, shop):
    link = make_link(shop, 1)
    a, b = make_conflict(shop, link), make_conflict(shop, link, path="description")
    c = make_conflict(shop, make_link(shop, 2))
    client_in.post(
        "/conflicts/bulk", {"resolution": "keep_shopify", "scope": "selected", "ids": [a.pk, b.pk]}
    )
    statuses = dict(Conflict.objects.values_list("pk", "status"))
    assert statuses == {a.pk: "resolved", b.pk: "resolved", c.pk: "open"}
    assert SyncJob.objects.filter(shop=shop, kind="targeted").count() == 1  # one job per product
    nothing = client_in.post(
        "/conflicts/bulk", {"resolution": "keep_shopify", "scope": "selected"}, follow=True
    )
    assert "Select at least one conflict" in nothing.content.decode()


def test_resolve_all_matching_resolves_what_the_filter_selects(client_in, shop):
    links = [make_link(shop, n) for n in range(3)]
    titles = [make_conflict(shop, link) for link in links]
    other = make_conflict(shop, links[0], path="description")
    response = client_in.post(
        "/conflicts/bulk",
        {"resolution": "keep_joor", "scope": "filter", "field": "title", "next": "/conflicts?field=title"},
    )
    assert response["Location"] == "/conflicts?field=title"
    assert set(Conflict.objects.filter(status="resolved").values_list("pk", flat=True)) == {
        t.pk for t in titles
    }
    assert Conflict.objects.get(pk=other.pk).status == "open"
    assert all(c.resolved_value == "Winter coat" for c in Conflict.objects.filter(status="resolved"))
    history = client_in.get("/conflicts", {"status": "resolved"}).content.decode()
    assert (
        "Resolved conflicts" in history and "Kept JOOR" in history and "waiting for the next sync" in history
    )
