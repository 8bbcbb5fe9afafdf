"""Fixtures for the merchant UI tests: an installed shop wired to both sandboxes, signed-in clients."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.core.cache import cache
from django.test import Client

from joorsync.joor.sandbox.app import JoorSandbox
from joorsync.joor.sandbox.app import SandboxConfig as JoorConfig
from joorsync.joor.sandbox.defaults import DEFAULT_TOKEN
from joorsync.sync.clients import joor_budgets_reset, transport_override
from joorsync.sync.models import JoorAccount
from shopify_app.models import Shop
from shopify_app.sandbox.app import ShopifySandbox
from shopify_app.sandbox.config import SandboxConfig as ShopifyConfig
from tests.shopify_app.app_support import installed_shop

SHOP = "demo.myshopify.com"
OTHER = "other.myshopify.com"
TOKENS = {"demo.myshopify.com": "shpat_ui_demo_token", "other.myshopify.com": "shpat_ui_other_token"}  # fake
JOOR_BASE = "http://joor.test"
SHOPIFY_BASE = "http://shopify.test"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """The settings page caches outside lookups; each test starts without them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sandboxes() -> Iterator[tuple[JoorSandbox, ShopifySandbox]]:
    """Both emulators in-process; every client built without a transport talks to them."""
    joor = JoorSandbox(JoorConfig(styles=4, seed=3, rate_limit="off"))
    shopify = ShopifySandbox(
        ShopifyConfig(
            shops=(SHOP, OTHER),
            static_tokens=TOKENS,
            rate_limit="off",
            deliver_webhooks="off",
        )
    )
    joor_budgets_reset()
    with transport_override(joor=httpx.WSGITransport(app=joor), shopify=httpx.WSGITransport(app=shopify)):
        yield joor, shopify
    shopify.close()


def make_ui_shop(domain: str = SHOP, **account: Any) -> Shop:
    shop = installed_shop(
        shop=domain,
        access_token=TOKENS[domain],
        refresh_token="",
        expires_in=None,
        admin_base_url=SHOPIFY_BASE,
    )
    if account is not None:
        JoorAccount.objects.create(
            shop=shop, api_generation="v2", base_url=JOOR_BASE, token=DEFAULT_TOKEN, **account
        )
    return shop


@pytest.fixture
def sandbox_mode(settings: Any) -> Any:
    settings.SANDBOX_MODE = True
    return settings


@pytest.fixture
def shop(db: Any) -> Shop:
    return make_ui_shop()


@pytest.fixture
def other_shop(db: Any) -> Shop:
    return make_ui_shop(OTHER)


def signed_in(domain: str = SHOP, *, enforce_csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf)
    response = client.get("/sandbox/login", {"shop": domain})
    assert response.status_code == 302 and response["Location"] == "/"
    return client


@pytest.fixture
def client_in(sandbox_mode: Any, shop: Shop) -> Client:
    """A browser signed in to the sandbox shop (CSRF not enforced: Django's test default)."""
    return signed_in()
