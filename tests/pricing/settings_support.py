"""The price settings section over the real views: a v4 world both sandboxes answer for, a signed-in
browser, and the section's HTML (shared by the section and B2B tests)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from joorsync.joor.sandbox.defaults import (
    DEFAULT_ACCOUNT_ID,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_PASSWORD,
    DEFAULT_USERNAME,
)
from joorsync.sync.clients import transport_override
from tests.sync.engine_support import JOOR_BASE, SHOP, World, make_world


@pytest.fixture
def world(settings: Any) -> Iterator[World]:
    settings.SANDBOX_MODE = True
    cache.clear()
    made = make_world(
        styles=2,
        api_generation="v4",
        auth_url=f"{JOOR_BASE}/auth/",
        client_id=DEFAULT_CLIENT_ID,
        client_secret=DEFAULT_CLIENT_SECRET,
        username=DEFAULT_USERNAME,
        password=DEFAULT_PASSWORD,
        account_id=DEFAULT_ACCOUNT_ID,
    )
    made.shop.installed_at = timezone.now()
    made.shop.save()
    with transport_override(
        joor=httpx.WSGITransport(app=made.joor_sandbox), shopify=httpx.WSGITransport(app=made.shopify_sandbox)
    ):
        yield made


@pytest.fixture
def browser(world: World) -> Client:
    client = Client()
    assert client.get("/sandbox/login", {"shop": SHOP}).status_code == 302
    return client


def pricing_section(html: str) -> str:
    start = html.index('id="pricing"')
    return html[start : html.index("</form>", start)]
