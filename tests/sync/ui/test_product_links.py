"""A product named anywhere links to it in the Shopify admin and, where the operator set the address of
JOOR's style pages, in JOOR."""

from __future__ import annotations

import pytest

from joorsync.sync.ui import labels
from tests.sync.jobs_support import make_conflict, make_link

pytestmark = pytest.mark.django_db


def test_a_style_links_to_joor_when_the_address_is_set(settings, shop):
    settings.JOOR_STYLE_URL_TEMPLATE = "https://joor.example/styles/{style_id}?n={style_number}"
    link = make_link(shop, 7, style_number="SS 26/01")
    ref = labels.product_ref(link, shop_domain=shop.shop_domain)
    assert ref.joor_url == f"https://joor.example/styles/{link.joor_style_id}?n=SS%2026/01"
    assert ref.history_url == f"/links/{link.pk}/history"
    unlinked = labels.product_ref_for_subject("joor:5003", shop_domain=shop.shop_domain)
    assert unlinked.joor_url == "https://joor.example/styles/5003?n="


def test_without_an_address_no_joor_link_is_made(settings, shop):
    settings.JOOR_STYLE_URL_TEMPLATE = ""
    link = make_link(shop, 7)
    assert labels.product_ref(link, shop_domain=shop.shop_domain).joor_url == ""


def test_pages_naming_a_product_link_it_in_shopify_and_joor(settings, client_in, shop):
    settings.JOOR_STYLE_URL_TEMPLATE = "https://joor.example/styles/{style_id}"
    link = make_link(shop, 7, shopify_title="Wool coat")
    make_conflict(shop, link)
    for url in ("/conflicts", f"/links/{link.pk}/history"):
        body = client_in.get(url).content.decode()
        assert f'href="https://joor.example/styles/{link.joor_style_id}"' in body, url
        assert 'href="https://admin.shopify.com/store/demo/products/' in body, url


def test_pages_show_the_products_thumbnail(client_in, shop):
    link = make_link(shop, 3, shopify_title="Wool coat", image_url="https://cdn.example/coat.jpg")
    make_conflict(shop, link)
    for url in ("/conflicts", f"/links/{link.pk}/history"):
        body = client_in.get(url).content.decode()
        assert '<img class="thumb" src="https://cdn.example/coat.jpg" alt=""' in body, url
