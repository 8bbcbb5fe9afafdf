"""The dashboard's order counts (each a link to the list, filtered) and its warning while orders are
held or need a decision; "Orders" in the navigation."""

from __future__ import annotations

import re

import pytest

from joorsync.orders.models import ImportedOrder
from tests.orders.ui.support import conflicted, held, make_order

pytestmark = pytest.mark.django_db


def stat(body: str, href: str, label: str) -> int:
    pattern = (
        rf'href="{re.escape(href)}"><span class="stat-label">{label}</span><span class="stat-value">(\d+)<'
    )
    return int(re.search(pattern, body).group(1))


def test_counts_link_to_the_filtered_list(client_in, shop, other_shop):
    for n in (1, 2):
        make_order(shop, n)
    for n in (3, 4, 5):
        held(shop, n)
    conflicted(shop, 6)
    make_order(shop, 7, state=ImportedOrder.State.RECEIVED)
    held(other_shop, 8)  # another shop's: counted nowhere here
    body = client_in.get("/").content.decode()
    assert stat(body, "/orders?state=imported", "Imported") == 2
    assert stat(body, "/orders?state=held", "Held") == 3
    assert stat(body, "/orders?state=conflict", "Needs a decision") == 1
    assert stat(body, "/orders?state=waiting", "Waiting") == 1
    assert '<a href="/orders">All orders</a>' in body


def test_the_warning_names_held_orders_and_decisions(client_in, shop):
    for n in (3, 4, 5):
        held(shop, n)
    body = client_in.get("/").content.decode()
    assert '3 orders are held — <a href="/orders?state=held">see why</a>' in body
    assert "need a decision" not in body and "needs a decision —" not in body
    conflicted(shop, 6)
    body = client_in.get("/").content.decode()
    assert '1 order needs a decision — <a href="/orders?state=conflict">decide</a>' in body


def test_one_held_order_reads_in_the_singular(client_in, shop):
    held(shop, 3)
    assert "1 order is held — " in client_in.get("/").content.decode()


def test_no_warning_when_nothing_waits_for_the_merchant(client_in, shop):
    make_order(shop, 1)
    body = client_in.get("/").content.decode()
    assert 'id="orders-held"' not in body and 'id="orders-conflict"' not in body
    assert stat(body, "/orders?state=imported", "Imported") == 1


def test_orders_is_in_the_navigation_of_every_page(client_in, shop, sandboxes):
    for url in ("/", "/jobs", "/settings", "/orders"):
        assert '<a href="/orders"' in client_in.get(url).content.decode(), url
