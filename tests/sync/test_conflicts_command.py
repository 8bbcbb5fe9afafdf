"""`manage.py conflicts --shop X [--json]`: the open conflicts of one shop only."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils.dateparse import parse_datetime

from joorsync.sync.conflicts import conflict_resolve
from tests.sync.jobs_support import make_account, make_conflict, make_link, make_shop

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("conflicts", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def conflicts():
    shop = make_shop()
    make_account(shop)
    link = make_link(shop, 7)
    price = make_conflict(
        shop,
        link,
        path="variants[BLK/M].price",
        base_value="10.00",
        shopify_value="11.00",
        joor_value="12.00",
    )
    title = make_conflict(shop, link)
    conflict_resolve(conflict=make_conflict(shop, link, path="description"), resolution="keep_joor", user="a")
    other = make_shop("other.myshopify.com")
    make_conflict(other, make_link(other, 7))
    return link, price, title


def test_json_lists_open_conflicts_with_their_values(conflicts):
    link, price, title = conflicts
    listed = json.loads(run("--shop", "demo.myshopify.com", "--json"))
    assert [c["id"] for c in listed] == [price.pk, title.pk]
    first = listed[0]
    assert set(first) == {
        "id",
        "field_path",
        "base_value",
        "shopify_value",
        "joor_value",
        "product",
        "created_at",
    }
    assert (first["field_path"], first["base_value"], first["shopify_value"], first["joor_value"]) == (
        "variants[BLK/M].price",
        "10.00",
        "11.00",
        "12.00",
    )
    assert first["product"] == {
        "link_id": link.pk,
        "style_number": "ST-7",
        "shopify_product_id": "gid://shopify/Product/7",
    }
    assert parse_datetime(first["created_at"]) == price.created_at


def test_text_lists_one_line_per_conflict(conflicts):
    out = run("--shop", "demo.myshopify.com").splitlines()
    assert out[0].startswith(f'#{conflicts[1].pk} ST-7 variants[BLK/M].price: base "10.00"')
    assert out[-1] == "2 open conflict(s)"


def test_empty_and_unknown_shops():
    make_shop("calm.myshopify.com")
    assert json.loads(run("--shop", "calm.myshopify.com", "--json")) == []
    assert run("--shop", "calm.myshopify.com").strip() == "no open conflicts for calm.myshopify.com"
    with pytest.raises(CommandError, match="unknown shop"):
        run("--shop", "nobody.myshopify.com")
