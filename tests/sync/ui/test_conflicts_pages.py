"""Conflict list, filters, detail with highlighted differences, resolving one each way and in bulk,
and no field emptied unless a person chose "Clear this field"."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from joorsync.sync.conflicts import EMPTY_VALUE_MESSAGE, REQUIRED_VALUE_MESSAGE
from joorsync.sync.models import Conflict, SyncJob
from tests.sync.jobs_support import make_conflict, make_link
from tests.sync.ui.test_safe_actions import confirm_form

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
    assert body.lstrip().startswith('<section class="card" id="decision"')
    assert "Resolved: the JOOR value was kept" in body
    again = client_in.post(
        f"/conflicts/{conflict.pk}/resolve", {"resolution": "keep_shopify"}, headers={"HX-Request": "true"}
    )
    assert "already resolved" in again.content.decode()
    assert Conflict.objects.get(pk=conflict.pk).resolution == "keep_joor"


def test_resolve_selected(client_in, shop):
    link = make_link(shop, 1)
    a, b = make_conflict(shop, link), make_conflict(shop, link, path="description")
    c = make_conflict(shop, make_link(shop, 2))
    asked = client_in.post(
        "/conflicts/bulk", {"resolution": "keep_shopify", "scope": "selected", "ids": [a.pk, b.pk]}
    )
    assert asked.status_code == 200 and ">Resolve 2 conflicts</button>" in asked.content.decode()
    assert not Conflict.objects.filter(status="resolved").exists() and not SyncJob.objects.exists()
    client_in.post("/conflicts/bulk", confirm_form(asked.content.decode(), "/conflicts/bulk"))
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
    asked = client_in.post(
        "/conflicts/bulk",
        {"resolution": "keep_joor", "scope": "filter", "field": "title", "next": "/conflicts?field=title"},
    )
    assert ">Resolve 3 conflicts</button>" in asked.content.decode()
    assert not Conflict.objects.filter(status="resolved").exists()
    response = client_in.post("/conflicts/bulk", confirm_form(asked.content.decode(), "/conflicts/bulk"))
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


# -- no field is emptied without an explicit clear ------------------------------------------------


def _open_untouched(conflict: Conflict) -> bool:
    stored = Conflict.objects.get(pk=conflict.pk)
    return stored.status == "open" and stored.resolution == "" and not SyncJob.objects.exists()


def _field_error(body: str) -> str:
    match = re.search(r'<p class="field-error" id="custom-value-error" role="alert">(.*?)</p>', body, re.S)
    assert match, "no message at the value field"
    return html.unescape(match.group(1))


@pytest.mark.parametrize("typed", ["", "   ", "\n\t"])
def test_an_empty_use_this_value_is_refused_at_the_field_keeping_what_was_typed(client_in, shop, typed):
    conflict = make_conflict(shop, make_link(shop, 1), path="description")
    response = client_in.post(f"/conflicts/{conflict.pk}/resolve", {"resolution": "custom", "value": typed})
    body = response.content.decode()
    assert response.status_code == 400
    assert _field_error(body) == EMPTY_VALUE_MESSAGE
    assert 'aria-invalid="true" aria-describedby="custom-value-error"' in body
    textarea = re.search(r'<textarea id="custom-value"[^>]*>(.*?)</textarea>', body, re.S)
    assert textarea and html.unescape(textarea.group(1)) == typed.replace("\r", "")
    assert ">Clear this field…</button>" in body  # the way to really empty it is right there
    assert _open_untouched(conflict)


def test_an_empty_use_this_value_over_htmx_swaps_the_panel_with_the_message_at_the_field(client_in, shop):
    conflict = make_conflict(
        shop, make_link(shop, 1), path="variants[BLK/M].price", shopify_value="10.00", joor_value="12.00"
    )
    response = client_in.post(
        f"/conflicts/{conflict.pk}/resolve",
        {"resolution": "custom", "value": "  "},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith('<section class="card" id="decision"')
    assert _field_error(body) == REQUIRED_VALUE_MESSAGE  # a price: no JSON complaint, no clear offered
    assert "Clear this field" not in body and 'class="banner error"' not in body
    assert _open_untouched(conflict)


def test_a_typed_value_that_is_not_json_is_refused_at_the_field_too(client_in, shop):
    conflict = make_conflict(
        shop, make_link(shop, 1), path="variants[BLK/M].price", shopify_value=10.0, joor_value=12.0
    )
    response = client_in.post(f"/conflicts/{conflict.pk}/resolve", {"resolution": "custom", "value": "cheap"})
    body = response.content.decode()
    assert response.status_code == 400 and "Enter the value as JSON" in _field_error(body)
    assert ">cheap</textarea>" in body


@pytest.mark.parametrize(("button", "side"), [("keep_shopify", "Shopify's"), ("keep_joor", "JOOR's")])
def test_keeping_an_empty_side_is_refused_with_a_message(client_in, shop, button, side):
    blank = {"shopify_value": " "} if button == "keep_shopify" else {"joor_value": None}
    conflict = make_conflict(shop, make_link(shop, 1), path="description", **blank)
    response = client_in.post(f"/conflicts/{conflict.pk}/resolve", {"resolution": button})
    body = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert f'<p class="banner error" role="alert">{side} value is empty. {EMPTY_VALUE_MESSAGE}</p>' in body
    assert _open_untouched(conflict)


def test_clear_this_field_is_offered_only_where_a_field_may_be_empty(client_in, shop):
    link = make_link(shop, 1)
    description = make_conflict(shop, link, path="description")
    title = make_conflict(shop, link)
    price = make_conflict(shop, link, path="variants[BLK/M].price", shopify_value="10.00", joor_value="12.00")
    body = client_in.get(f"/conflicts/{description.pk}").content.decode()
    # Offered as a way to the question, which the next page asks: nothing is posted from here.
    assert f'<form method="get" action="/conflicts/{description.pk}/clear"' in body
    assert (
        '<button type="submit" class="danger" aria-describedby="clear-help">Clear this field…</button>'
        in body
    )
    assert '<input type="hidden" name="resolution" value="clear">' not in body
    assert "Empties the Description of Style ST-1 in Shopify and in JOOR. You are asked first." in body
    for conflict in (title, price):
        assert "Clear this field" not in client_in.get(f"/conflicts/{conflict.pk}").content.decode()


def test_clear_this_field_resolves_to_empty_on_both_sides(client_in, shop):
    link = make_link(shop, 1)
    conflict = make_conflict(shop, link, path="description")
    asked = client_in.post(f"/conflicts/{conflict.pk}/resolve", {"resolution": "clear"})
    assert asked.status_code == 200 and "Empty the Description of Style ST-1" in asked.content.decode()
    assert _open_untouched(conflict)  # the question changes nothing
    response = client_in.post(f"/conflicts/{conflict.pk}/resolve", {"resolution": "clear", "confirm": "1"})
    assert response.status_code == 302 and response["Location"] == f"/conflicts/{conflict.pk}"
    stored = Conflict.objects.get(pk=conflict.pk)
    assert (stored.status, stored.resolution, stored.resolved_value) == ("resolved", "clear", None)
    job = SyncJob.objects.get(shop=shop)
    assert (job.kind, job.trigger, job.target["link_id"]) == ("targeted", "conflict", link.pk)
    page = client_in.get(response["Location"]).content.decode()
    assert "Resolved: the field was cleared on both sides" in page
    assert 'Description: <span class="prewrap">(empty)</span>' in page


def test_clear_is_refused_for_a_title_even_when_posted_by_hand(client_in, shop):
    conflict = make_conflict(shop, make_link(shop, 1))
    response = client_in.post(
        f"/conflicts/{conflict.pk}/resolve", {"resolution": "clear"}, headers={"HX-Request": "true"}
    )
    assert "title cannot be cleared" in response.content.decode()
    assert _open_untouched(conflict)


def test_resolve_all_matching_needs_a_filter(client_in, shop):
    conflicts = [make_conflict(shop, make_link(shop, n)) for n in range(3)]
    body = client_in.get("/conflicts").content.decode()
    assert (
        '<button type="submit" name="scope" value="filter" class="secondary" disabled '
        'aria-describedby="all-matching-help">Resolve all matching</button>'
    ) in body
    assert "Filter by field, product or age to resolve all matching." in body
    filtered = client_in.get("/conflicts", {"field": "title"}).content.decode()
    assert 'class="secondary">Resolve all matching</button>' in filtered  # enabled once filtered
    for form in (
        {"resolution": "keep_joor", "scope": "filter"},
        {"resolution": "keep_joor", "scope": "filter", "field": " ", "product": "", "older_than": "0"},
    ):
        response = client_in.post("/conflicts/bulk", form, follow=True)
        assert (
            "Set a filter (field, product or age) before resolving all matching." in response.content.decode()
        )
    assert all(Conflict.objects.get(pk=c.pk).status == "open" for c in conflicts)
    assert not SyncJob.objects.exists()


def test_bulk_leaves_conflicts_open_whose_kept_side_is_empty_and_says_which(client_in, shop):
    fine = make_conflict(shop, make_link(shop, 1), path="description")
    blank = make_conflict(shop, make_link(shop, 2), path="description", shopify_value="")
    asked = client_in.post(
        "/conflicts/bulk", {"resolution": "keep_shopify", "scope": "selected", "ids": [fine.pk, blank.pk]}
    )
    response = client_in.post(
        "/conflicts/bulk", confirm_form(asked.content.decode(), "/conflicts/bulk"), follow=True
    )
    body = html.unescape(response.content.decode())
    assert "1 conflict(s) resolved." in body
    assert (
        "1 conflict(s) left open because the value kept would empty the field: Description of Style ST-2."
        in body
    )
    assert Conflict.objects.get(pk=fine.pk).resolution == "keep_shopify"
    assert Conflict.objects.get(pk=blank.pk).status == "open"
