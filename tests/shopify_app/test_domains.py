"""Shop-domain validation: only a plain `<name>.myshopify.com` host ever reaches a URL."""

from __future__ import annotations

import pytest

from shopify_app.domains import InvalidShopDomain, admin_base_url, shop_domain_clean, shop_domain_validate

BAD = [
    "evil.com",
    "a.myshopify.com.evil.com",
    "demo.myshopify.com.evil.com",
    "../x",
    "../demo.myshopify.com",
    "",
    None,
    "x.myshopify.com/",
    "demo.myshopify.com/admin",
    " demo.myshopify.com",
    "demo.myshopify.com ",
    "demo .myshopify.com",
    "demo.myshopify.com\n",
    "demo.myshopify.com:443",
    "https://demo.myshopify.com",
    "//demo.myshopify.com",
    "user@demo.myshopify.com",
    "evil.com@demo.myshopify.com",
    "demo",
    "-demo.myshopify.com",
    "demo-.myshopify.com",
    "de_mo.myshopify.com",
    "demo.myshopify.com?x=1",
    "demo.myshopify.com#x",
    "sub.demo.myshopify.com",
    "demo.myshopify.co",
    "demo.myshopifyxcom",
    "démo.myshopify.com",
    "a" * 300 + ".myshopify.com",
    ["demo.myshopify.com"],
]


@pytest.mark.parametrize("value", BAD)
def test_bad_shop_domains_are_refused(value):
    assert shop_domain_clean(value) is None
    with pytest.raises(InvalidShopDomain):
        shop_domain_validate(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("demo.myshopify.com", "demo.myshopify.com"),
        ("Demo-Store.MyShopify.com", "demo-store.myshopify.com"),
        ("shop-42.myshopify.com", "shop-42.myshopify.com"),
    ],
)
def test_good_shop_domains_are_lower_cased(value, expected):
    assert shop_domain_clean(value) == expected


def test_admin_base_url_prefers_shop_override_then_setting(settings):
    settings.SHOPIFY_ADMIN_BASE_URL = ""
    assert admin_base_url(shop_domain="demo.myshopify.com") == "https://demo.myshopify.com"
    settings.SHOPIFY_ADMIN_BASE_URL = "http://127.0.0.1:8702/"
    assert admin_base_url(shop_domain="demo.myshopify.com") == "http://127.0.0.1:8702"
    assert admin_base_url(shop_domain="demo.myshopify.com", override="http://h:1/") == "http://h:1"


def test_admin_base_url_never_builds_from_an_invalid_shop(settings):
    settings.SHOPIFY_ADMIN_BASE_URL = ""
    with pytest.raises(InvalidShopDomain):
        admin_base_url(shop_domain="evil.com/x")
