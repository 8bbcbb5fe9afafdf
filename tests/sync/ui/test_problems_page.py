"""`/problems` and the dashboard's count of them: what the write gate refused, per product, per shop."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from joorsync.sync.models import ProductProblem
from tests.sync.jobs_support import make_link
from tests.sync.test_selectors import make_problem
from tests.sync.ui.conftest import OTHER, signed_in

pytestmark = pytest.mark.django_db


def listed_ids(body: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="problem-(\d+)">', body)]


def test_the_page_lists_open_problems_with_product_side_field_message_and_age(client_in, shop):
    link = make_link(shop, 1, shopify_title="Wool coat")
    long_title = make_problem(shop, 1, link=link, title="Wool coat with a very long title")
    no_price = make_problem(
        shop,
        2,
        title="",
        side="shopify",
        code="no_price",
        field_path="",
        message="No EUR price for label Retail: created as a draft",
        subject="joor:5002",
    )
    make_problem(shop, 3, status=ProductProblem.Status.SOLVED, title="Fixed long ago")
    ProductProblem.objects.filter(pk=long_title.pk).update(created_at=no_price.created_at - timedelta(days=2))
    body = client_in.get("/problems").content.decode()
    assert listed_ids(body) == [long_title.pk, no_price.pk]  # oldest first, solved ones gone
    for column in ("Product", "Side", "Field", "Problem", "Since"):
        assert f'<th scope="col">{column}</th>' in body
    row = body[body.index(f'id="problem-{long_title.pk}"') :]
    assert (
        "Wool coat with a very long title" in row
        and "ST-1" in row
        and '<td data-label="Side">JOOR</td>' in row
    )
    assert (
        '<td data-label="Field">Title</td>' in row
        and "JOOR allows 100 characters" in row
        and "2\xa0days" in row
    )
    other = body[body.index(f'id="problem-{no_price.pk}"') :]
    assert (
        "JOOR style 5002" in other
        and '<td data-label="Side">Shopify</td>' in other
        and "No EUR price" in other
    )
    assert "Fixed long ago" not in body
    assert "Page 1 of 1" in body and 'aria-current="page">Problems</a>' in body


def test_the_page_says_so_when_there_is_nothing(client_in, shop):
    body = client_in.get("/problems").content.decode()
    assert "No open problems" in body and listed_ids(body) == []


def test_the_page_is_paginated(client_in, shop):
    for n in range(55):
        make_problem(shop, n)
    first = client_in.get("/problems").content.decode()
    second = client_in.get("/problems", {"page": 2}).content.decode()
    assert len(listed_ids(first)) == 50 and len(listed_ids(second)) == 5
    assert "55 in all" in first


def test_another_shops_problems_are_never_shown(client_in, shop, other_shop):
    theirs = make_problem(other_shop, 1, title="Their secret product", message="their secret trouble")
    mine = make_problem(shop, 2)
    body = client_in.get("/problems").content.decode()
    assert listed_ids(body) == [mine.pk]
    assert "Their secret product" not in body and "their secret trouble" not in body
    assert _stat(client_in.get("/").content.decode(), "Open problems") == 1
    # Signed in as the other shop, only its own problem shows.
    theirs_body = signed_in(OTHER).get("/problems").content.decode()
    assert listed_ids(theirs_body) == [theirs.pk]


def test_signed_out_the_page_is_not_shown(client, shop):
    response = client.get("/problems")
    assert response.status_code in (401, 403) or response.status_code == 302
    assert "problem-" not in response.content.decode()


def _stat(body: str, label: str) -> int:
    return int(re.search(rf'{label}</span><span class="stat-value">(\d+)<', body).group(1))


def test_the_dashboard_counts_open_problems_next_to_what_needs_attention_and_links_to_them(client_in, shop):
    for n in range(3):
        make_problem(shop, n)
    make_problem(shop, 9, status=ProductProblem.Status.SOLVED)
    body = client_in.get("/").content.decode()
    assert _stat(body, "Open problems") == 3
    attention = body.index('<span class="stat-label">Needs attention</span>')
    problems = body.index(
        '<a class="card stat" href="/problems"><span class="stat-label">Open problems</span>'
    )
    assert problems > attention
