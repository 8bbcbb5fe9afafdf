"""Actions that are hard to take back ask first, saying what will change (a hand link, clearing a
field, resolving many conflicts), and a decision not yet written can be undone. Asking changes
nothing; only the confirmed post does."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from joorsync.sync.conflicts import UNDO_ACTION, conflict_resolve
from joorsync.sync.models import Conflict, JoorAccount, ProductLink, SyncEvent, SyncJob
from tests.shopify_app.app_support import session_token
from tests.sync.jobs_support import make_conflict, make_link
from tests.sync.ui.conftest import SHOP, signed_in

pytestmark = pytest.mark.django_db


class _FormFields(HTMLParser):
    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.fields: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form" and values.get("method") == "post" and values.get("action") == self.action:
            self.inside = True
        elif tag == "input" and self.inside and values.get("name"):
            self.fields.setdefault(str(values["name"]), []).append(values.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


def confirm_form(body: str, action: str) -> dict[str, list[str]]:
    """The fields the question page's confirming form posts to `action`, as a browser sends them."""
    parser = _FormFields(action)
    parser.feed(body)
    assert parser.fields, f"no form posting to {action}"
    parser.fields.pop("csrfmiddlewaretoken", None)
    return parser.fields


def text(response) -> str:
    return html.unescape(response.content.decode())


# -- a hand link ----------------------------------------------------------------------------------


@pytest.fixture
def pair(shop):
    product = make_link(
        shop, 1, status="unmatched_shopify", joor_style_id=None, style_number="", shopify_title="Wool coat"
    )
    style = make_link(
        shop, 2, status="unmatched_joor", shopify_product_id="", style_number="WC-1", joor_name="Winter coat"
    )
    return product, style


def test_linking_asks_first_naming_both_products_and_keeps_next(client_in, shop, pair):
    product, style = pair
    url = f"/links/{product.pk}/link"
    for asked in (
        client_in.get(url, {"joor_style_id": style.joor_style_id, "next": "/links?status=unmatched"}),
        client_in.post(url, {"joor_style_id": style.joor_style_id, "next": "/links?status=unmatched"}),
    ):
        body = text(asked)
        assert asked.status_code == 200
        assert "<h1>Link Wool coat to JOOR style WC-1 · Winter coat?</h1>" in body
        assert "Winter coat · style number WC-1" in body
        assert 'aria-label="Open Wool coat in Shopify"' in body
        assert '<a href="/links?status=unmatched">Cancel</a>' in body
        assert (
            '>Link and sync<span class="sr-only"> Wool coat with JOOR style WC-1 · Winter coat</span>' in body
        )
        fields = confirm_form(body, url)
        assert fields == {
            "joor_style_id": [str(style.joor_style_id)],
            "next": ["/links?status=unmatched"],
            "confirm": ["1"],
        }
    # Looking at the question changed nothing and queued nothing.
    assert ProductLink.objects.get(pk=product.pk).status == "unmatched_shopify"
    assert ProductLink.objects.get(pk=style.pk).status == "unmatched_joor"
    assert not SyncJob.objects.exists()
    done = client_in.post(url, fields)
    assert done["Location"] == "/links?status=unmatched"
    link = ProductLink.objects.get(shop=shop, joor_style_id=style.joor_style_id)
    assert (link.status, link.method, link.shopify_product_id) == (
        "linked",
        "manual",
        "gid://shopify/Product/1",
    )
    assert SyncJob.objects.get(shop=shop).kind == "targeted"


def test_an_outside_next_is_not_followed(client_in, pair):
    product, style = pair
    body = text(
        client_in.get(
            f"/links/{product.pk}/link", {"joor_style_id": style.joor_style_id, "next": "//evil.test/"}
        )
    )
    assert '<a href="/links">Cancel</a>' in body and "evil.test" not in body


def test_the_question_says_what_the_first_sync_does_with_the_default_settings(client_in, pair):
    product, style = pair
    body = text(client_in.get(f"/links/{product.pk}/link", {"joor_style_id": style.joor_style_id}))
    for sentence in (
        "Title, description, product type and tags; barcodes and colour names; prices: where the two "
        "differ, neither is overwritten — each difference becomes a conflict for you to decide",
        "Stock: Shopify owns them, so Shopify's values replace JOOR's where they differ.",
        "JOOR's own style details (fabrication, country of origin, wholesale prices …): JOOR owns them, "
        "so JOOR's values replace Shopify's where they differ.",
        "Shopify prices are compared with JOOR's retail price in the shop's currency.",
        "A price is never invented",
        "Compare-at prices are not synced",
        "A colour and size that only one side has is neither added nor deleted",
        "An empty value never replaces a filled one.",
    ):
        assert sentence in body, sentence


def test_the_question_follows_the_shops_ownership_direction_and_prices(client_in, shop, pair):
    JoorAccount.objects.filter(shop=shop).update(
        ownership={"content": "joor", "prices": "ignore"},
        direction="joor-to-shopify",
        compare_at_field="price_retail",
    )
    product, style = pair
    body = text(client_in.get(f"/links/{product.pk}/link", {"joor_style_id": style.joor_style_id}))
    assert (
        "Title, description, product type and tags; JOOR's own style details (fabrication, country of "
        "origin, wholesale prices …): JOOR owns them, so JOOR's values replace Shopify's" in body
    )
    assert "Barcodes and colour names: where the two differ, neither is overwritten" in body
    assert "Prices: not synced (field ownership in Settings)." in body
    assert "Shopify prices are compared" not in body  # no price rule for prices that are not synced
    assert (
        "Stock: Shopify owns them, but the sync direction (JOOR → Shopify only) never writes to JOOR, "
        "so JOOR's stay as they are." in body
    )
    JoorAccount.objects.filter(shop=shop).update(
        ownership={}, direction="both", price_field="price_wholesale", price_label="EU", price_currency="EUR"
    )
    body = text(client_in.get(f"/links/{product.pk}/link", {"joor_style_id": style.joor_style_id}))
    assert "compared with JOOR's wholesale price in EUR (price label EU)" in body
    assert "; prices: where the two differ, neither is overwritten" in body
    assert "Compare-at prices are not synced" not in body  # a JOOR price is chosen for them


def test_linking_to_a_style_of_another_shop_or_another_shops_row_is_refused(client_in, pair, other_shop):
    product, _ = pair
    theirs = make_link(other_shop, 7, status="unmatched_joor", shopify_product_id="")
    refused = client_in.get(f"/links/{product.pk}/link", {"joor_style_id": theirs.joor_style_id}, follow=True)
    assert "Choose a JOOR style" in text(refused)
    their_product = make_link(other_shop, 8, status="unmatched_shopify", joor_style_id=None)
    assert client_in.get(f"/links/{their_product.pk}/link", {"joor_style_id": 5002}).status_code == 404
    assert ProductLink.objects.get(pk=product.pk).status == "unmatched_shopify"


# -- clearing a field -----------------------------------------------------------------------------


def test_clear_asks_on_its_own_page_with_both_values_then_clears(client_in, shop):
    link = make_link(shop, 1, shopify_title="Wool coat")
    conflict = make_conflict(
        shop, link, path="description", shopify_value="<p>Soft wool</p>", joor_value="Warm winter coat"
    )
    asked = client_in.get(f"/conflicts/{conflict.pk}/clear")
    body = text(asked)
    assert asked.status_code == 200
    assert "<h1>Empty the Description of Wool coat in Shopify and in JOOR?</h1>" in body
    assert (
        "<td><pre>Soft wool</pre></td><td><pre>Warm winter coat</pre></td><td><pre>(empty)</pre></td>" in body
    )
    assert f'<a href="/conflicts/{conflict.pk}">Cancel</a>' in body
    assert "Clear the Description" in body and "on both sides</button>" in body
    fields = confirm_form(body, f"/conflicts/{conflict.pk}/resolve")
    assert fields == {"resolution": ["clear"], "confirm": ["1"]}
    assert Conflict.objects.get(pk=conflict.pk).status == "open" and not SyncJob.objects.exists()
    done = client_in.post(f"/conflicts/{conflict.pk}/resolve", fields)
    assert done["Location"] == f"/conflicts/{conflict.pk}"
    stored = Conflict.objects.get(pk=conflict.pk)
    assert (stored.status, stored.resolution, stored.resolved_value) == ("resolved", "clear", None)


def test_a_clear_posted_without_confirming_only_asks(client_in, shop):
    conflict = make_conflict(shop, make_link(shop, 1), path="description")
    plain = client_in.post(f"/conflicts/{conflict.pk}/resolve", {"resolution": "clear"})
    assert plain.status_code == 200 and "Empty the Description of Style ST-1" in text(plain)
    swapped = client_in.post(
        f"/conflicts/{conflict.pk}/resolve", {"resolution": "clear"}, headers={"HX-Request": "true"}
    )
    assert swapped["HX-Location"] == f"/conflicts/{conflict.pk}/clear"  # htmx loads the question
    assert Conflict.objects.get(pk=conflict.pk).status == "open" and not SyncJob.objects.exists()


def test_no_clear_question_for_a_field_that_needs_a_value_or_a_settled_conflict(client_in, shop, other_shop):
    link = make_link(shop, 1)
    title = make_conflict(shop, link)
    assert client_in.get(f"/conflicts/{title.pk}/clear")["Location"] == f"/conflicts/{title.pk}"
    settled = conflict_resolve(
        conflict=make_conflict(shop, link, path="description"), resolution="keep_joor", user="anna"
    )
    assert client_in.get(f"/conflicts/{settled.pk}/clear")["Location"] == f"/conflicts/{settled.pk}"
    theirs = make_conflict(other_shop, make_link(other_shop, 1), path="description")
    assert client_in.get(f"/conflicts/{theirs.pk}/clear").status_code == 404
    assert (
        client_in.post(f"/conflicts/{theirs.pk}/resolve", {"resolution": "clear", "confirm": "1"}).status_code
        == 404
    )
    assert Conflict.objects.get(pk=theirs.pk).status == "open"


# -- resolving many -------------------------------------------------------------------------------


def test_bulk_asks_with_counts_names_the_way_and_what_stays_open(client_in, shop, other_shop):
    coat, dress = (
        make_link(shop, 1, shopify_title="Wool coat"),
        make_link(shop, 2, shopify_title="Silk dress"),
    )
    title = make_conflict(shop, coat)
    price = make_conflict(shop, coat, path="variants[BLK/M].price", shopify_value=10.0, joor_value=12.0)
    blank = make_conflict(shop, dress, path="description", joor_value=None)
    theirs = make_conflict(other_shop, make_link(other_shop, 1))
    ids = [title.pk, price.pk, blank.pk, theirs.pk]
    asked = client_in.post(
        "/conflicts/bulk",
        {"resolution": "keep_joor", "scope": "selected", "ids": ids, "next": "/conflicts?page=2"},
    )
    body = text(asked)
    assert asked.status_code == 200
    assert "<h1>Keep JOOR's value for 2 conflicts on 2 products?</h1>" in body
    assert "Each field takes JOOR's value as shown below" in body
    assert "1 conflict stays open: the value kept would empty the field" in body
    assert "Description of Silk dress: JOOR's value is empty." in body
    assert "Price — BLK / M" in body and "Wool coat" in body and "Winter coat" in body
    assert f'id="confirm-{theirs.pk}"' not in body  # another shop's conflict is not even named
    assert ">Resolve 2 conflicts</button>" in body and '<a href="/conflicts?page=2">Cancel</a>' in body
    fields = confirm_form(body, "/conflicts/bulk")
    assert sorted(fields["ids"]) == sorted(str(pk) for pk in (title.pk, price.pk, blank.pk))
    assert (fields["resolution"], fields["scope"], fields["confirm"]) == (["keep_joor"], ["selected"], ["1"])
    assert not Conflict.objects.filter(status="resolved").exists() and not SyncJob.objects.exists()
    done = client_in.post("/conflicts/bulk", fields, follow=True)
    assert "2 conflict(s) resolved. Until the sync writes them, each can be undone" in text(done)
    statuses = dict(Conflict.objects.values_list("pk", "status"))
    assert statuses == {title.pk: "resolved", price.pk: "resolved", blank.pk: "open", theirs.pk: "open"}


def test_bulk_lists_the_first_twenty_and_counts_the_rest(client_in, shop):
    conflicts = [make_conflict(shop, make_link(shop, n)) for n in range(23)]
    asked = client_in.post(
        "/conflicts/bulk",
        {"resolution": "keep_shopify", "scope": "selected", "ids": [c.pk for c in conflicts]},
    )
    body = text(asked)
    assert "<h1>Keep Shopify's value for 23 conflicts on 23 products?</h1>" in body
    assert len(re.findall(r'<tr id="confirm-\d+">', body)) == 20 and "and 3 more." in body
    assert len(confirm_form(body, "/conflicts/bulk")["ids"]) == 23


def test_confirming_all_matching_never_takes_in_a_conflict_opened_after_the_question(client_in, shop):
    first = make_conflict(shop, make_link(shop, 1))
    asked = client_in.post(
        "/conflicts/bulk", {"resolution": "keep_joor", "scope": "filter", "field": "title"}
    )
    fields = confirm_form(text(asked), "/conflicts/bulk")
    assert (fields["scope"], fields["field"], fields["upto"]) == (["filter"], ["title"], [str(first.pk)])
    later = make_conflict(shop, make_link(shop, 2))  # opened while the person read the question
    client_in.post("/conflicts/bulk", fields)
    assert Conflict.objects.get(pk=first.pk).status == "resolved"
    assert Conflict.objects.get(pk=later.pk).status == "open"


def test_bulk_question_when_nothing_selected_is_open_any_more(client_in, shop):
    settled = conflict_resolve(
        conflict=make_conflict(shop, make_link(shop, 1)), resolution="keep_joor", user="a"
    )
    body = text(client_in.post("/conflicts/bulk", {"resolution": "keep_shopify", "ids": [settled.pk]}))
    assert "Nothing to resolve" in body and "Resolve 0" not in body and "Resolve 1" not in body


# -- undo -----------------------------------------------------------------------------------------


def test_resolving_offers_undo_and_undo_reopens_the_conflict(client_in, shop):
    link = make_link(shop, 1, shopify_title="Wool coat")
    conflict = make_conflict(shop, link)
    resolved = client_in.post(f"/conflicts/{conflict.pk}/resolve", {"resolution": "keep_joor"}, follow=True)
    body = text(resolved)
    assert "Until the sync writes it, you can undo it on this page." in body
    assert f'<form method="post" action="/conflicts/{conflict.pk}/undo"' in body
    assert 'Undo<span class="sr-only"> the decision on the Title of Wool coat</span></button>' in body
    undone = client_in.post(f"/conflicts/{conflict.pk}/undo", follow=True)
    assert "Undone: Title of Wool coat is an open conflict again; nothing was written." in text(undone)
    stored = Conflict.objects.get(pk=conflict.pk)
    assert (stored.status, stored.resolution) == ("open", "")
    assert ">Keep JOOR</button>" in text(undone)  # decide again, right there
    event = SyncEvent.objects.get(action=UNDO_ACTION)
    assert (event.link_id, event.details["undone_by"]) == (link.pk, "sandbox:demo.myshopify.com")


def test_undo_over_htmx_swaps_the_decision_panel(client_in, shop):
    conflict = conflict_resolve(
        conflict=make_conflict(shop, make_link(shop, 1)), resolution="keep_joor", user="a"
    )
    response = client_in.post(f"/conflicts/{conflict.pk}/undo", headers={"HX-Request": "true"})
    body = text(response)
    assert body.lstrip().startswith('<section class="card" id="decision"')
    assert "is an open conflict again" in body and ">Keep Shopify</button>" in body
    assert Conflict.objects.get(pk=conflict.pk).status == "open"


def test_once_written_there_is_no_undo_and_the_page_says_when(client_in, shop):
    conflict = conflict_resolve(
        conflict=make_conflict(shop, make_link(shop, 1)), resolution="keep_joor", user="a"
    )
    Conflict.objects.filter(pk=conflict.pk).update(applied_at=datetime(2026, 3, 4, 5, 6, tzinfo=UTC))
    body = text(client_in.get(f"/conflicts/{conflict.pk}"))
    assert "Written to both sides on 2026-03-04 05:06 UTC. It can no longer be undone here" in body
    assert f"/conflicts/{conflict.pk}/undo" not in body
    try:
        history = reverse("ui:product_history", args=[conflict.link_id])
    except NoReverseMatch:  # an app without the history page says so in words only
        assert "the product's history shows the write" in body
    else:
        assert f'the <a href="{history}">history of Style ST-1</a> shows the write' in body
    refused = client_in.post(f"/conflicts/{conflict.pk}/undo", follow=True)
    assert "it can no longer be undone here" in text(refused)
    assert Conflict.objects.get(pk=conflict.pk).status == "resolved"


def test_undo_while_a_job_writes_it_is_refused_with_the_reason(client_in, shop):
    link = make_link(shop, 1)
    conflict = conflict_resolve(conflict=make_conflict(shop, link), resolution="keep_joor", user="a")
    SyncJob.objects.filter(shop=shop).update(status="running")
    refused = client_in.post(f"/conflicts/{conflict.pk}/undo", follow=True)
    assert "A sync that may be writing this decision is running now." in text(refused)
    assert Conflict.objects.get(pk=conflict.pk).status == "resolved"


def test_undo_is_post_only_shop_scoped_and_csrf_checked(sandbox_mode, shop, other_shop):
    theirs = conflict_resolve(
        conflict=make_conflict(other_shop, make_link(other_shop, 1)), resolution="keep_joor", user="a"
    )
    mine = conflict_resolve(
        conflict=make_conflict(shop, make_link(shop, 2)), resolution="keep_joor", user="a"
    )
    client = signed_in(enforce_csrf=True)
    assert client.get(f"/conflicts/{mine.pk}/undo").status_code == 405
    assert client.post(f"/conflicts/{mine.pk}/undo").status_code == 403  # no CSRF token
    assert Conflict.objects.get(pk=mine.pk).status == "resolved"
    client = signed_in()
    assert client.post(f"/conflicts/{theirs.pk}/undo").status_code == 404
    assert Conflict.objects.get(pk=theirs.pk).status == "resolved"


def test_embedded_session_token_can_undo_its_own_shops_decision_only(settings, shop, other_shop):
    settings.SANDBOX_MODE = False
    headers = {"Authorization": f"Bearer {session_token(shop=SHOP)}"}
    mine = conflict_resolve(
        conflict=make_conflict(shop, make_link(shop, 1)), resolution="keep_joor", user="a"
    )
    theirs = conflict_resolve(
        conflict=make_conflict(other_shop, make_link(other_shop, 1)), resolution="keep_joor", user="a"
    )
    client = Client(enforce_csrf_checks=True)  # a bearer token is not a cookie: no CSRF token needed
    assert client.post(f"/conflicts/{theirs.pk}/undo", headers=headers).status_code == 404
    assert client.post(f"/conflicts/{mine.pk}/undo", headers=headers).status_code == 302
    assert Conflict.objects.get(pk=mine.pk).status == "open"
    assert Conflict.objects.get(pk=theirs.pk).status == "resolved"
    event = SyncEvent.objects.get(action=UNDO_ACTION)
    assert event.details["undone_by"].startswith("shopify-user:")
