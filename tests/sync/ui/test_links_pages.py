"""Links: search and filters, link and unlink by hand, suggested styles, and pagination of every list."""

from __future__ import annotations

import re

import pytest

from joorsync.sync.models import ProductLink, SyncJob, VariantLink
from tests.sync.jobs_support import make_conflict, make_link

pytestmark = pytest.mark.django_db


def rows(body: str) -> set[int]:
    return {int(n) for n in re.findall(r'<tr id="link-(\d+)">', body)}


def test_search_and_status_filters(client_in, shop):
    coat = make_link(shop, 1, shopify_title="Wool coat")
    dress = make_link(shop, 2, shopify_title="Silk dress")
    lonely = make_link(shop, 3, status="unmatched_joor", shopify_product_id="", joor_name="Linen shirt")
    body = client_in.get("/links").content.decode()
    assert rows(body) == {coat.pk, dress.pk, lonely.pk}
    for text in (
        '<label for="l-search">Search</label>',
        '<label for="l-status">Status</label>',
        ">Filter</button>",
    ):
        assert text in body
    assert rows(client_in.get("/links", {"q": "silk"}).content.decode()) == {dress.pk}
    assert rows(client_in.get("/links", {"q": "5003"}).content.decode()) == {lonely.pk}
    assert rows(client_in.get("/links", {"status": "unmatched"}).content.decode()) == {lonely.pk}
    assert rows(client_in.get("/links", {"status": "linked"}).content.decode()) == {coat.pk, dress.pk}


def test_unlink_asks_first_then_offers_undo(client_in, shop):
    link = make_link(shop, 1)
    VariantLink.objects.create(
        product_link=link,
        color_code="C1",
        size="M",
        shopify_variant_id="gid://shopify/ProductVariant/7",
        upc="111",
    )
    body = client_in.get("/links").content.decode()
    assert f'href="/links/{link.pk}/unlink?next=' in body and "Unlink…</a>" in body
    confirm = client_in.get(f"/links/{link.pk}/unlink", {"next": "/links?status=linked"}).content.decode()
    assert "stop syncing" in confirm and "Nothing is changed or deleted" in confirm
    assert f'action="/links/{link.pk}/unlink"' in confirm and ">Unlink</button>" in confirm
    link.refresh_from_db()
    assert link.status == "linked"  # looking at the question changes nothing
    response = client_in.post(f"/links/{link.pk}/unlink", {"next": "/links?status=linked"})
    assert response["Location"] == f"/links?link={link.pk}"
    link.refresh_from_db()
    assert link.status == "unlinked" and "sandbox:demo.myshopify.com" in link.note
    assert not link.variant_links.exists()
    row = client_in.get(response["Location"]).content.decode()
    assert f'action="/links/{link.pk}/relink"' in row and "Undo unlink" in row
    undone = client_in.post(f"/links/{link.pk}/relink")
    assert undone.status_code == 302
    link.refresh_from_db()
    assert link.status == "linked" and link.unlink_undo is None and "unlink undone" in link.note
    assert list(link.variant_links.values_list("color_code", "size", "shopify_variant_id", "upc")) == [
        ("C1", "M", "gid://shopify/ProductVariant/7", "111")
    ]
    again = client_in.post(f"/links/{link.pk}/relink", follow=True).content.decode()
    assert "no unlink" in again  # nothing left to undo
    assert client_in.get(f"/links/{link.pk}/relink").status_code == 405


def test_link_an_unmatched_product_to_a_suggested_style(client_in, shop):
    product = make_link(
        shop,
        1,
        status="unmatched_shopify",
        joor_style_id=None,
        style_number="",
        shopify_title="Wool coat black",
    )
    coat = make_link(
        shop, 2, status="unmatched_joor", shopify_product_id="", style_number="WC-1", joor_name="Wool coat"
    )
    shirt = make_link(
        shop, 3, status="unmatched_joor", shopify_product_id="", style_number="LS-1", joor_name="Linen shirt"
    )
    body = client_in.get("/links").content.decode()
    assert f'<label for="suggest-{product.pk}">Link to style</label>' in body and ">Link</button>" in body
    options = re.search(rf'<select id="suggest-{product.pk}"[^>]*>(.*?)</select>', body, re.S).group(1)
    values = re.findall(r'<option value="(\d+)"', options)
    assert values[0] == str(coat.joor_style_id) and str(shirt.joor_style_id) in values  # best match first
    asked = client_in.post(f"/links/{product.pk}/link", {"joor_style_id": coat.joor_style_id})
    assert asked.status_code == 200 and ">Link and sync<span" in asked.content.decode()
    assert ProductLink.objects.get(pk=product.pk).status == "unmatched_shopify"  # asking changes nothing
    assert not SyncJob.objects.exists()
    response = client_in.post(
        f"/links/{product.pk}/link", {"joor_style_id": coat.joor_style_id, "confirm": "1"}
    )
    assert response.status_code == 302
    link = ProductLink.objects.get(shop=shop, joor_style_id=coat.joor_style_id)
    assert (link.status, link.method, link.shopify_product_id) == (
        "linked",
        "manual",
        "gid://shopify/Product/1",
    )
    assert SyncJob.objects.filter(shop=shop, kind="targeted").count() == 1


def test_linking_to_a_style_this_shop_never_saw_is_refused(client_in, shop, other_shop):
    product = make_link(shop, 1, status="unmatched_shopify", joor_style_id=None)
    foreign = make_link(other_shop, 7, status="unmatched_joor", shopify_product_id="")
    refused = client_in.post(
        f"/links/{product.pk}/link", {"joor_style_id": foreign.joor_style_id}, follow=True
    )
    assert "Choose a JOOR style" in refused.content.decode()
    assert ProductLink.objects.get(pk=product.pk).status == "unmatched_shopify"


@pytest.mark.parametrize("url", ["/links", "/conflicts", "/jobs"])
def test_pagination_fifty_a_page(client_in, shop, url):
    links = ProductLink.objects.bulk_create(
        ProductLink(
            shop=shop, shopify_product_id=f"gid://shopify/Product/{n}", joor_style_id=n, style_number=f"S{n}"
        )
        for n in range(1, 121)
    )
    if url == "/conflicts":
        for link in links:
            make_conflict(shop, link)
    if url == "/jobs":
        SyncJob.objects.bulk_create(SyncJob(shop=shop, status="succeeded") for _ in range(120))
    first = client_in.get(url).content.decode()
    assert (
        "Page 1 of 3" in first and 'rel="next">Next</a>' in first and 'aria-disabled="true">Previous' in first
    )
    assert first.count("<tr id=") == 50
    last = client_in.get(url, {"page": "3", "q": "S"}).content.decode()
    assert "Page 3 of 3" in last and last.count("<tr id=") == 20 and 'aria-disabled="true">Next' in last
    assert 'href="?page=2' in last and 'rel="prev">Previous</a>' in last
    assert "Page 3 of 3" in client_in.get(url, {"page": "99"}).content.decode()
    assert "Page 1 of 3" in client_in.get(url, {"page": "junk"}).content.decode()
