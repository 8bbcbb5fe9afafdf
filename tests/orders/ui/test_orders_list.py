"""`/orders`: every column in plain words, the state tabs with their counts, search, pagination, and
"Import orders now"."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from joorsync.orders.models import ImportedOrder
from joorsync.sync.models import JoorAccount, SyncJob
from tests.orders.ui.support import conflicted, held, make_order

pytestmark = pytest.mark.django_db

State = ImportedOrder.State


def listed(body: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="order-(\d+)">', body)]


def row_of(body: str, order: ImportedOrder) -> str:
    start = body.index(f'<tr id="order-{order.pk}">')
    return body[start : body.index("</tr>", start)]


def tab_count(body: str, label: str) -> int:
    return int(re.search(rf'>{label} <span class="count">(\d+)</span>', body).group(1))


def test_each_order_shows_its_facts_in_plain_words(client_in, shop):
    imported = make_order(
        shop,
        1001,
        shopify_fulfillment_status="PARTIALLY_FULFILLED",
        status_note="Partly fulfilled in Shopify. Mark it shipped in JOOR.",
    )
    body = client_in.get("/orders").content.decode()
    assert 'aria-current="page">Orders</a>' in body
    for column in ("JOOR order", "PO number", "Retailer", "Units", "Total", "State", "Shopify order"):
        assert f">{column}</th>" in body, column
    row = row_of(body, imported)
    assert f'<a href="/orders/{imported.pk}">1001</a>' in row
    assert "PO-1001" in row and "Harbour Boutique" in row and ">8<" in row and "815.00 USD" in row
    assert '<span class="badge ok">Imported</span>' in row
    assert 'href="https://admin.shopify.com/store/demo/orders/10001"' in row and ">#2001</a>" in row
    assert "Partly fulfilled" in row and "Mark it shipped in JOOR." in row
    # No raw identifiers nor technical values reach the page.
    assert "gid://" not in body and "PARTIALLY_FULFILLED" not in body and "imported</span>" not in body


@pytest.mark.parametrize(
    ("state", "word", "tone"),
    [
        (State.RECEIVED, "Waiting", "info"),
        (State.CREATING, "Waiting", "info"),
        (State.CANCELLED, "Cancelled", "neutral"),
        (State.SKIPPED, "Not imported", "neutral"),
    ],
)
def test_every_state_has_a_plain_badge(client_in, shop, state, word, tone):
    order = make_order(shop, 7, state=state)
    row = row_of(client_in.get("/orders").content.decode(), order)
    assert f'<span class="badge {tone}">{word}</span>' in row


def test_held_and_conflict_rows_say_why(client_in, shop):
    on_hold = held(shop, 5)
    decision = conflicted(shop, 6)
    body = client_in.get("/orders").content.decode()
    hold_row = row_of(body, on_hold)
    assert '<span class="badge warn">Held</span>' in hold_row
    assert "match no linked Shopify variant" in hold_row and f'href="/orders/{on_hold.pk}#reason"' in hold_row
    assert "—" in hold_row  # no Shopify order yet
    decision_row = row_of(body, decision)
    assert '<span class="badge bad">Needs a decision</span>' in decision_row
    assert "changed in JOOR after Shopify order" in decision_row


def test_tabs_filter_by_state_and_carry_counts(client_in, shop):
    imported = [make_order(shop, n) for n in (1, 2, 3)]
    on_hold = [held(shop, n) for n in (4, 5)]
    decision = conflicted(shop, 6)
    waiting = [make_order(shop, 7, state=State.RECEIVED), make_order(shop, 8, state=State.CREATING)]
    body = client_in.get("/orders").content.decode()
    assert (tab_count(body, "All"), tab_count(body, "Imported"), tab_count(body, "Held")) == (8, 3, 2)
    assert (tab_count(body, "Needs a decision"), tab_count(body, "Waiting")) == (1, 2)
    assert (tab_count(body, "Cancelled"), tab_count(body, "Not imported")) == (0, 0)
    assert sorted(listed(client_in.get("/orders?state=held").content.decode())) == [o.pk for o in on_hold]
    assert listed(client_in.get("/orders?state=conflict").content.decode()) == [decision.pk]
    assert sorted(listed(client_in.get("/orders?state=waiting").content.decode())) == [o.pk for o in waiting]
    assert sorted(listed(client_in.get("/orders?state=imported").content.decode())) == [
        o.pk for o in imported
    ]
    current = client_in.get("/orders?state=held").content.decode()
    assert 'href="/orders?state=held" aria-current="page">Held' in current
    # An unknown state shows everything rather than an error.
    assert len(listed(client_in.get("/orders?state=bogus").content.decode())) == 8


def test_search_matches_order_po_retailer_and_keeps_the_tab(client_in, shop):
    first = make_order(shop, 1001, retailer_name="Harbour Boutique")
    second = make_order(shop, 2002, po_number="SPRING-26", retailer_name="Maison Nord")
    third = held(shop, 3003, retailer_name="Maison Sud")
    assert listed(client_in.get("/orders", {"q": "1001"}).content.decode()) == [first.pk]
    assert listed(client_in.get("/orders", {"q": "spring"}).content.decode()) == [second.pk]
    assert sorted(listed(client_in.get("/orders", {"q": "maison"}).content.decode())) == [second.pk, third.pk]
    body = client_in.get("/orders", {"q": "maison", "state": "held"}).content.decode()
    assert listed(body) == [third.pk]
    assert 'name="state" value="held"' in body and 'value="maison"' in body
    assert 'href="/orders?state=imported&amp;q=maison"' in body  # the tabs keep the search
    nothing = client_in.get("/orders", {"q": "no-such-order"}).content.decode()
    assert listed(nothing) == [] and "No orders match “no-such-order”." in nothing


def test_newest_first_and_paginated(client_in, shop):
    orders = [make_order(shop, n, age=timedelta(minutes=60 - n)) for n in range(55)]
    first = client_in.get("/orders").content.decode()
    second = client_in.get("/orders", {"page": 2}).content.decode()
    assert listed(first) == [o.pk for o in reversed(orders)][:50]
    assert listed(second) == [o.pk for o in reversed(orders)][50:]
    assert "Page 1 of 2" in first and "55 in all" in first and 'href="?page=2"' in first
    held_page = client_in.get("/orders", {"state": "imported", "page": 2}).content.decode()
    assert 'href="?state=imported&amp;page=1"' in held_page  # the pages keep the filter


def test_an_empty_list_says_what_to_expect(client_in, shop):
    body = client_in.get("/orders").content.decode()
    assert "No orders yet. Orders appear after the first import." in body and "Page 1 of 1" in body


def test_import_now_queues_one_manual_order_run(client_in, shop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        response = client_in.post("/orders/import")
    assert response.status_code == 302 and response["Location"] == "/orders"
    job = SyncJob.objects.get(shop=shop)
    assert (job.kind, job.trigger, job.status) == ("orders", "manual", "queued") and len(queued) == 1
    body = client_in.get("/orders").content.decode()
    assert f"Order import #{job.pk} queued" in body
    assert f'<a href="/jobs/{job.pk}">follow its progress</a>' in body
    client_in.post("/orders/import")  # a second click joins the waiting run
    assert SyncJob.objects.filter(shop=shop).count() == 1


def test_import_now_is_post_only_and_needs_joor(client_in, shop):
    assert client_in.get("/orders/import").status_code == 405
    JoorAccount.objects.filter(shop=shop).delete()
    body = client_in.get("/orders").content.decode()
    assert 'class="primary" disabled aria-describedby="import-help">Import orders now' in body
    response = client_in.post("/orders/import", follow=True)
    assert "Connect JOOR in Settings first" in response.content.decode()
    assert not SyncJob.objects.filter(shop=shop).exists()


def test_another_shops_orders_are_never_listed(client_in, shop, other_shop):
    theirs = make_order(other_shop, 4242, retailer_name="Their Retailer")
    mine = make_order(shop, 1)
    body = client_in.get("/orders").content.decode()
    assert listed(body) == [mine.pk] and "Their Retailer" not in body and tab_count(body, "All") == 1
    assert listed(client_in.get("/orders", {"q": "4242"}).content.decode()) == []
    assert theirs.pk not in listed(client_in.get("/orders?state=imported").content.decode())
