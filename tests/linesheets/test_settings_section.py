"""The "Linesheets and collections" section of /settings: its own form and save, the collections read
from Shopify, and refusals at their fields with what was entered kept."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.core.cache import cache
from django.test import Client

from joorsync.linesheets.models import LinesheetLink, LinesheetSettings
from joorsync.sync.clients import transport_override
from shopify_app.admin import collections as api
from shopify_app.admin.client import AdminClient
from shopify_app.models import Shop
from shopify_app.sandbox.app import ShopifySandbox
from shopify_app.sandbox.config import SandboxConfig
from tests.shopify_app.app_support import installed_shop
from tests.sync.jobs_support import make_account

pytestmark = pytest.mark.django_db

SHOP = "demo.myshopify.com"
TOKEN = "shpat_linesheets_token"  # a fake credential
SHOPIFY_BASE = "http://shopify.test"


@pytest.fixture
def shopify() -> Iterator[ShopifySandbox]:
    sandbox = ShopifySandbox(
        SandboxConfig(shops=(SHOP,), static_tokens={SHOP: TOKEN}, rate_limit="off", deliver_webhooks="off")
    )
    with transport_override(shopify=httpx.WSGITransport(app=sandbox)):
        yield sandbox
    sandbox.close()


@pytest.fixture
def shop(db: Any, shopify: ShopifySandbox) -> Shop:
    shop = installed_shop(
        shop=SHOP, access_token=TOKEN, refresh_token="", expires_in=None, admin_base_url=SHOPIFY_BASE
    )
    make_account(shop)
    return shop


@pytest.fixture
def collections(shopify: ShopifySandbox) -> dict[str, str]:
    client = AdminClient(
        shop=SHOP, access_token=TOKEN, admin_base_url=SHOPIFY_BASE, transport=httpx.WSGITransport(app=shopify)
    )
    made = {}
    for title in ("Capsule", "Best sellers"):
        made[title] = api.collection_create(client, collection={"title": title}).collection.id
    return made


@pytest.fixture
def browser(settings: Any, shop: Shop) -> Client:
    settings.SANDBOX_MODE = True
    cache.clear()
    client = Client()
    assert client.get("/sandbox/login", {"shop": SHOP}).status_code == 302
    return client


def _section(html: str) -> str:
    start = html.index('id="linesheets"')
    return html[start : html.index("</form>", start)]


def test_the_section_lists_the_shops_collections_and_saves_the_choice(browser, shop, collections):
    page = browser.get("/settings").content.decode()
    part = _section(page)
    assert 'action="/settings/linesheets#linesheets"' in page
    assert "Capsule" in part and "Best sellers" in part
    assert "Off" in part and 'value="off" aria-describedby="l-direction-help-1" checked' in part
    answer = browser.post(
        "/settings/linesheets", {"direction": "both", "shopify_collections": [collections["Capsule"]]}
    )
    assert answer.status_code == 302
    saved = LinesheetSettings.objects.get(shop=shop)
    assert (saved.direction, saved.shopify_collections) == ("both", [collections["Capsule"]])
    part = _section(browser.get("/settings").content.decode())
    assert f'value="{collections["Capsule"]}" checked' in part
    assert f'value="{collections["Best sellers"]}" checked' not in part


def test_sending_to_joor_without_a_collection_is_refused_at_the_field(browser, shop, collections):
    answer = browser.post("/settings/linesheets", {"direction": "shopify-to-joor"})
    assert answer.status_code == 400
    part = _section(answer.content.decode())
    assert 'id="l-collections-error"' in part and "Tick at least one collection" in part
    assert 'value="shopify-to-joor" aria-describedby="l-direction-help-3" checked' in part  # kept
    assert not LinesheetSettings.objects.filter(shop=shop).exists()


def test_a_collection_made_from_a_joor_linesheet_is_not_offered(browser, shop, collections):
    LinesheetLink.objects.create(
        shop=shop,
        origin="joor",
        joor_key="S16",
        title="Capsule",
        shopify_collection_id=collections["Capsule"],
    )
    part = _section(browser.get("/settings").content.decode())
    assert collections["Capsule"] not in part and collections["Best sellers"] in part
    answer = browser.post(
        "/settings/linesheets", {"direction": "both", "shopify_collections": [collections["Capsule"]]}
    )
    assert answer.status_code == 400
    assert "reload the page" in _section(answer.content.decode())
