"""`/orders/<id>`: the order as JOOR has it, the Shopify side, why it is held (and "Retry"), the
decision it needs (and "Mark resolved" after a confirmation), its history; POST-only actions, CSRF,
and another shop's order a 404 everywhere."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client

from joorsync.orders.models import ImportedOrder, OrderEvent
from joorsync.sync.models import JoorAccount, SyncJob
from tests.orders.ui.support import conflicted, document, event, held, make_order
from tests.shopify_app.app_support import session_token
from tests.sync.ui.conftest import SHOP, signed_in

pytestmark = pytest.mark.django_db

State = ImportedOrder.State


def section(body: str, heading_id: str) -> str:
    start = body.index(f'id="{heading_id}"')
    return body[start : body.index("</section>", start)]


def test_the_page_shows_the_order_as_joor_has_it(client_in, shop):
    order = make_order(shop, 1001, shopify_fulfillment_status="FULFILLED", shopify_financial_status="PAID")
    body = client_in.get(f"/orders/{order.pk}").content.decode()
    assert "<h1>JOOR order 1001</h1>" in body and 'aria-current="page">Orders</a>' in body
    joor = section(body, "h-joor")
    for label, value in (
        ("JOOR order", "1001"),
        ("Status in JOOR", "Approved"),
        ("PO number", "PO-1001"),
        ("Retailer", "Harbour Boutique (HB01)"),
        ("Contact", "Ana Lima"),
        ("Start ship date", "2027-01-15"),
        ("Complete ship date", "2027-02-15"),
        ("Cancel date", "2027-03-01"),
        ("Payment terms", "Net 30"),
        ("Sales rep", "Sam Rep"),
        ("Warehouse", "New York"),
        ("Currency", "USD"),
        ("Units", "8"),
    ):
        assert f"<dt>{label}</dt><dd>{value}</dd>" in joor, label
    assert '<a href="mailto:buyer@harbour.example">buyer@harbour.example</a>' in joor
    lines = section(body, "h-lines")
    assert lines.count('<tr><th scope="row" data-label="Style">Pea coat (S-5)</th>') == 2
    cells = re.findall(r'data-label="([^"]+)"(?: class="[^"]*")?>([^<]*)</t[dh]>', lines)
    assert cells[:7] == [
        ("Style", "Pea coat (S-5)"),
        ("Colour", "Navy"),
        ("Size", "M"),
        ("UPC", "000111222333"),
        ("Quantity", "4"),
        ("Unit price", "100.00 USD"),
        ("Line total", "400.00 USD"),
    ]
    for label, value in (("Lines", "800.00 USD"), ("Discount", "− 10.00 USD"), ("Shipping", "25.00 USD")):
        assert f"<dt>{label}</dt><dd>{value}</dd>" in lines, label
    assert '<div class="grand"><dt>Total</dt><dd>815.00 USD</dd></div>' in lines
    assert "1 Pier St" in body and "Boston MA 02110" in body and "<h2>Ship to</h2>" in body
    shopify = section(body, "h-shopify")
    assert 'href="https://admin.shopify.com/store/demo/orders/10001"' in shopify
    assert "#2001 in Shopify admin" in shopify
    assert "<dt>Fulfilment</dt><dd>Fulfilled</dd>" in shopify and "<dt>Payment</dt><dd>Paid</dd>" in shopify
    # Neither the document's field names nor Shopify ids are shown.
    assert "gid://" not in body and "order_items" not in body and "start_ship_date" not in body
    assert ">Retry<" not in body and "Mark resolved" not in body


def test_a_held_order_names_its_lines_and_offers_retry(client_in, shop):
    order = held(shop, 5)
    body = client_in.get(f"/orders/{order.pk}").content.decode()
    reason = section(body, "h-reason")
    assert "Why it is held" in reason and "match no linked Shopify variant" in reason
    assert "<h3>The lines concerned</h3>" in reason
    assert '<ul class="hold-lines"><li>line 2: Pea coat (S-5), Navy / L, UPC 000111222340</li></ul>' in reason
    assert f'action="/orders/{order.pk}/retry"' in reason and ">Retry</button>" in reason
    assert "No Shopify order yet." in body
    assert '<span class="badge warn">Held</span>' in body


def test_an_unreadable_document_still_shows_the_summary(client_in, shop):
    order = make_order(shop, 9, document={"order_id": "9", "lines": [{"bogus": 1}]})
    body = client_in.get(f"/orders/{order.pk}").content.decode()
    assert "could not be read back" in body and "<dt>JOOR order</dt><dd>9</dd>" in body
    assert 'id="h-lines"' not in body


def test_history_newest_first_with_level_tones(client_in, shop):
    order = held(shop, 5)
    event(order, "Received from JOOR.", ago=timedelta(hours=2))
    event(order, "Held: a line matches no variant.", level="warning", ago=timedelta(hours=1))
    event(order, "Shopify refused the order.", level="error")
    history = section(client_in.get(f"/orders/{order.pk}").content.decode(), "h-history")
    messages = re.findall(r'<td data-label="What happened">([^<]+)</td></tr>', history)
    assert messages == [
        "Shopify refused the order.",
        "Held: a line matches no variant.",
        "Received from JOOR.",
    ]
    assert '<tr class="level-error">' in history and '<span class="badge bad">Error</span>' in history
    assert '<tr class="level-warning">' in history and '<span class="badge warn">Warning</span>' in history
    assert '<span class="badge neutral">Info</span>' in history


def test_history_is_paginated(client_in, shop):
    order = make_order(shop, 1)
    for n in range(53):
        event(order, f"Step {n}.")
    first = section(client_in.get(f"/orders/{order.pk}").content.decode(), "h-history")
    assert first.count('<tr class="level-info">') == 50 and "Page 1 of 2" in first
    second = section(client_in.get(f"/orders/{order.pk}", {"page": 2}).content.decode(), "h-history")
    assert second.count('<tr class="level-info">') == 3


def test_retry_puts_a_held_order_back_and_asks_for_a_run(client_in, shop, django_capture_on_commit_callbacks):
    order = held(shop, 5)
    with django_capture_on_commit_callbacks():
        response = client_in.post(f"/orders/{order.pk}/retry")
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.pk}"
    order.refresh_from_db()
    assert order.state == State.RECEIVED
    job = SyncJob.objects.get(shop=shop)
    assert (job.kind, job.trigger) == ("orders", "manual")
    assert OrderEvent.objects.filter(order=order, action="retry").exists()
    body = client_in.get(f"/orders/{order.pk}").content.decode()
    assert f"JOOR order 5 will be imported again: order import #{job.pk} is queued." in body
    assert "Waiting for the next order import" in body and "Retry asked for." in body
    again = client_in.post(f"/orders/{order.pk}/retry", follow=True).content.decode()
    assert "is not held, so there is nothing to retry" in again


def test_retry_without_joor_only_waits_for_the_next_import(client_in, shop):
    JoorAccount.objects.filter(shop=shop).delete()
    order = held(shop, 5)
    body = client_in.post(f"/orders/{order.pk}/retry", follow=True).content.decode()
    assert "will be imported again at the next order import" in body
    assert not SyncJob.objects.filter(shop=shop).exists()


def test_resolve_asks_first_then_marks_the_order_resolved(client_in, shop):
    order = conflicted(shop, 6)
    body = client_in.get(f"/orders/{order.pk}").content.decode()
    reason = section(body, "h-reason")
    assert "Needs a decision" in reason and "changed in JOOR after Shopify order #1006" in reason
    assert f'href="/orders/{order.pk}/resolve"' in reason
    confirm = client_in.get(f"/orders/{order.pk}/resolve").content.decode()
    assert "Mark JOOR order 6 resolved?" in confirm and "Nothing is changed in Shopify or in JOOR." in confirm
    assert "shown as <strong>Imported</strong>" in confirm
    assert f'<form method="post" action="/orders/{order.pk}/resolve"' in confirm
    order.refresh_from_db()
    assert order.state == State.CONFLICT  # asking changed nothing
    response = client_in.post(f"/orders/{order.pk}/resolve")
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.pk}"
    order.refresh_from_db()
    assert (order.state, order.hold_message) == (State.IMPORTED, "")
    resolved = OrderEvent.objects.get(order=order, action="resolved")
    assert resolved.message == f"Marked resolved by sandbox:{SHOP}."
    after = client_in.get(f"/orders/{order.pk}").content.decode()
    assert "JOOR order 6 marked resolved." in after and "Mark resolved" not in after
    assert (
        "does not need a decision any more"
        in client_in.post(f"/orders/{order.pk}/resolve", follow=True).content.decode()
    )
    assert client_in.get(f"/orders/{order.pk}/resolve")["Location"] == f"/orders/{order.pk}"


def test_resolving_an_order_cancelled_in_joor_says_it_stays_cancelled(client_in, shop):
    order = conflicted(shop, 6, document=document(6, order_status="Cancelled"))
    confirm = client_in.get(f"/orders/{order.pk}/resolve").content.decode()
    assert "shown as <strong>Cancelled</strong>" in confirm
    client_in.post(f"/orders/{order.pk}/resolve")
    order.refresh_from_db()
    assert order.state == State.CANCELLED


def test_actions_are_post_only(client_in, shop):
    order = held(shop, 5)
    assert client_in.get(f"/orders/{order.pk}/retry").status_code == 405
    assert client_in.put(f"/orders/{order.pk}/resolve").status_code == 405
    assert client_in.post(f"/orders/{order.pk}").status_code == 405
    order.refresh_from_db()
    assert order.state == State.HELD


def test_actions_need_the_csrf_token(sandbox_mode, shop):
    order = held(shop, 5)
    decision = conflicted(shop, 6)
    client = signed_in(enforce_csrf=True)
    assert client.post(f"/orders/{order.pk}/retry").status_code == 403
    assert client.post(f"/orders/{decision.pk}/resolve").status_code == 403
    assert client.post("/orders/import").status_code == 403
    order.refresh_from_db()
    decision.refresh_from_db()
    assert (order.state, decision.state) == (State.HELD, State.CONFLICT)
    page = client.get(f"/orders/{order.pk}").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post(f"/orders/{order.pk}/retry", {"csrfmiddlewaretoken": token}).status_code == 302
    order.refresh_from_db()
    assert order.state == State.RECEIVED


def test_another_shops_order_is_404_and_never_changes(client_in, shop, other_shop):
    on_hold = held(other_shop, 5, retailer_name="Their Retailer")
    decision = conflicted(other_shop, 6)
    for url in (f"/orders/{on_hold.pk}", f"/orders/{decision.pk}", f"/orders/{decision.pk}/resolve"):
        assert client_in.get(url).status_code == 404, url
    assert client_in.post(f"/orders/{on_hold.pk}/retry").status_code == 404
    assert client_in.post(f"/orders/{decision.pk}/resolve").status_code == 404
    on_hold.refresh_from_db()
    decision.refresh_from_db()
    assert (on_hold.state, decision.state) == (State.HELD, State.CONFLICT)
    assert not OrderEvent.objects.exists() and not SyncJob.objects.exists()
    assert client_in.get("/orders/999999").status_code == 404


def test_session_tokens_are_scoped_too(settings, shop, other_shop):
    settings.SANDBOX_MODE = False
    theirs = held(other_shop, 5)
    mine = held(shop, 5)
    headers = {"Authorization": f"Bearer {session_token(shop=SHOP)}"}
    client = Client()
    assert client.get(f"/orders/{theirs.pk}", headers=headers).status_code == 404
    assert client.post(f"/orders/{theirs.pk}/retry", headers=headers).status_code == 404
    assert client.get(f"/orders/{mine.pk}", headers=headers).status_code == 200


def test_signed_out_visitors_get_nothing(db, shop):
    order = held(shop, 5)
    client = Client()
    assert client.get("/orders").status_code == 401
    assert client.get(f"/orders/{order.pk}").status_code == 401
    assert client.post(f"/orders/{order.pk}/retry").status_code == 401
    order.refresh_from_db()
    assert order.state == State.HELD
