"""Offline tokens: refreshed before expiry, refreshed once on a 401, never stored in plaintext."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest
from django.db import connection
from django.utils import timezone

from shopify_app.admin.errors import ShopifyAuthError
from shopify_app.models import Shop
from shopify_app.services.tokens import (
    ShopNotInstalled,
    ShopReauthorizationRequired,
    shop_access_token_get,
    shop_admin_client,
    shop_token_refresh,
)
from tests.shopify_app.app_support import SHOP, TokenEndpoint, installed_shop

pytestmark = pytest.mark.django_db

SHOP_DATA = {
    "id": "gid://shopify/Shop/1",
    "name": "Demo",
    "myshopifyDomain": SHOP,
    "currencyCode": "EUR",
    "ianaTimezone": "Europe/Paris",
    "plan": {"displayName": "Basic", "partnerDevelopment": True, "shopifyPlus": False},
}


class FakeAdmin(TokenEndpoint):
    """The token endpoint plus a GraphQL endpoint accepting only tokens it issued (or `valid`)."""

    def __init__(self, valid: set[str] | None = None) -> None:
        super().__init__()
        self.valid = set(valid or ())
        self.graphql_tokens: list[str] = []
        self.accept_refreshed = True

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/graphql.json"):
            token = request.headers.get("X-Shopify-Access-Token", "")
            self.graphql_tokens.append(token)
            if token not in self.valid:
                return httpx.Response(401, json={"errors": "[API] Invalid API key or access token"})
            return httpx.Response(200, json={"data": {"shop": SHOP_DATA}})
        response = super().handle(request)
        if response.status_code == 200 and self.accept_refreshed:
            self.valid.add(json.loads(response.content)["access_token"])
        return response


@pytest.fixture
def admin(settings):
    fake = FakeAdmin(valid={"shpat_current"})
    fake.refresh_tokens.add("shprt_current")
    settings.SHOPIFY_HTTP_TRANSPORT = fake.transport()
    settings.SHOPIFY_ADMIN_BASE_URL = ""
    return fake


def test_fresh_token_is_returned_without_refresh(admin):
    shop = installed_shop(expires_in=timedelta(minutes=30))
    assert shop_access_token_get(shop=shop) == "shpat_current"
    assert admin.requests == []


def test_token_close_to_expiry_is_refreshed_first(admin):
    shop = installed_shop(expires_in=timedelta(minutes=4))
    token = shop_access_token_get(shop=shop)
    assert token != "shpat_current" and token.startswith("shpat_")
    assert admin.requests[0]["body"] == {
        "client_id": "sandbox-api-key",
        "client_secret": "sandbox-api-secret",
        "grant_type": "refresh_token",
        "refresh_token": "shprt_current",
    }
    stored = Shop.objects.get(pk=shop.pk)
    assert stored.access_token == token and stored.refresh_token.startswith("shprt_0001")
    assert stored.access_token_expires_at - timezone.now() > timedelta(minutes=59)
    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token, refresh_token FROM shopify_app_shop WHERE id = %s", [shop.pk])
        raw = " ".join(cursor.fetchone())
    assert token not in raw and stored.refresh_token not in raw


def test_expired_token_is_refreshed(admin):
    shop = installed_shop(expires_in=timedelta(minutes=-10))
    assert shop_access_token_get(shop=shop) != "shpat_current"
    assert len(admin.requests) == 1


def test_static_token_never_refreshes(admin):
    shop = installed_shop(expires_in=None, refresh_token="")
    assert shop_access_token_get(shop=shop) == "shpat_current"
    assert admin.requests == []


def test_no_token_means_not_installed(admin):
    shop = installed_shop(access_token="", refresh_token="")
    with pytest.raises(ShopNotInstalled):
        shop_access_token_get(shop=shop)


def test_expired_refresh_token_requires_reauthorization(admin):
    shop = installed_shop(expires_in=timedelta(minutes=1))
    Shop.objects.filter(pk=shop.pk).update(refresh_token_expires_at=timezone.now() - timedelta(seconds=1))
    shop.refresh_from_db()
    with pytest.raises(ShopReauthorizationRequired):
        shop_access_token_get(shop=shop)
    assert admin.requests == []


def test_refused_refresh_requires_reauthorization(admin):
    shop = installed_shop(expires_in=timedelta(minutes=1), refresh_token="shprt_revoked")
    with pytest.raises(ShopReauthorizationRequired):
        shop_access_token_get(shop=shop)
    assert Shop.objects.get(pk=shop.pk).access_token == "shpat_current"


def test_refresh_by_another_worker_is_reused_not_repeated(admin):
    shop = installed_shop()
    stale_view = Shop.objects.get(pk=shop.pk)
    first = shop_token_refresh(shop=shop, rejected_token="shpat_current")
    # A second worker that got a 401 with the same old token finds the new one under the lock.
    second = shop_token_refresh(shop=stale_view, rejected_token="shpat_current")
    assert first == second and len(admin.requests) == 1
    assert stale_view.access_token == first


def test_admin_client_refreshes_once_on_401(admin):
    shop = installed_shop()
    admin.valid.discard("shpat_current")  # revoked early, though not yet expired by our clock
    with shop_admin_client(shop=shop) as client:
        info = client.shop()
    assert info.myshopify_domain == SHOP
    assert len(admin.requests) == 1  # one refresh
    assert admin.graphql_tokens[0] == "shpat_current"
    assert admin.graphql_tokens[1] == Shop.objects.get(pk=shop.pk).access_token != "shpat_current"


def test_admin_client_gives_up_after_one_refresh(admin):
    shop = installed_shop()
    admin.valid.clear()
    admin.accept_refreshed = False  # the refreshed token is refused too
    with pytest.raises(ShopifyAuthError), shop_admin_client(shop=shop) as client:
        client.shop()
    assert len(admin.requests) == 1


def test_static_token_client_has_no_refresh(admin):
    shop = installed_shop(expires_in=None, refresh_token="", access_token="shpat_static")
    with pytest.raises(ShopifyAuthError), shop_admin_client(shop=shop) as client:
        client.shop()
    assert admin.requests == []
