"""OAuth install: /auth and /auth/callback refuse every bad input and store an expiring offline token."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.signing import get_cookie_signer
from django.db import connection
from django.utils import timezone

from shopify_app.models import OAuthState, Shop
from tests.shopify_app.app_support import API_KEY, SHOP, TokenEndpoint, now_ts, signed_query

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(settings):
    fake = TokenEndpoint()
    settings.SHOPIFY_HTTP_TRANSPORT = fake.transport()
    settings.SHOPIFY_ADMIN_BASE_URL = ""
    settings.SHOPIFY_APP_URL = "https://app.example.test"
    return fake


def start_install(client, shop: str = SHOP) -> str:
    response = client.get("/auth", {"shop": shop})
    assert response.status_code == 302
    return parse_qs(urlsplit(response["Location"]).query)["state"][0]


def callback_params(state: str, *, shop: str = SHOP, code: str = "code-1", ts_offset: int = 0) -> dict:
    return signed_query(
        {
            "code": code,
            "host": "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvZGVtbw",
            "shop": shop,
            "state": state,
            "timestamp": now_ts(ts_offset),
        }
    )


@pytest.mark.parametrize("shop", ["evil.com", "a.myshopify.com.evil.com", "../x", "", "x.myshopify.com/"])
def test_auth_refuses_bad_shop_without_redirect(client, endpoint, shop):
    response = client.get("/auth", {"shop": shop})
    assert response.status_code == 400
    assert "Location" not in response
    assert not OAuthState.objects.exists()


def test_auth_without_shop_is_refused(client, endpoint):
    assert client.get("/auth").status_code == 400


def test_auth_redirects_to_the_shops_authorize_page(client, endpoint, settings):
    response = client.get("/auth", {"shop": "Demo.myshopify.com"})
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert (url.scheme, url.netloc, url.path) == ("https", SHOP, "/admin/oauth/authorize")
    query = parse_qs(url.query)
    assert query["client_id"] == [API_KEY]
    assert query["scope"] == [",".join(settings.SHOPIFY_SCOPES)]
    assert query["redirect_uri"] == ["https://app.example.test/auth/callback"]
    assert "shop" not in query  # real Shopify knows the shop from the host
    state = OAuthState.objects.get()
    assert query["state"] == [state.nonce] and state.shop_domain == SHOP and state.used_at is None
    assert "shopify_oauth_state" in response.cookies


def test_auth_with_admin_base_url_names_the_shop(client, endpoint, settings):
    settings.SHOPIFY_ADMIN_BASE_URL = "http://127.0.0.1:8702"
    response = client.get("/auth", {"shop": SHOP})
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == "http://127.0.0.1:8702/admin/oauth/authorize"
    assert parse_qs(url.query)["shop"] == [SHOP]


def test_auth_checks_shopify_signature_when_present(client, endpoint):
    good = signed_query({"shop": SHOP, "timestamp": now_ts()})
    assert client.get("/auth", good).status_code == 302
    forged = {**good, "hmac": "0" * 64}
    assert client.get("/auth", forged).status_code == 400
    stale = signed_query({"shop": SHOP, "timestamp": now_ts(-2 * 86400)})
    assert client.get("/auth", stale).status_code == 400
    tampered = {**good, "shop": "other.myshopify.com"}
    assert client.get("/auth", tampered).status_code == 400


def test_callback_happy_path_stores_an_expiring_token_encrypted(
    client, endpoint, django_capture_on_commit_callbacks
):
    state = start_install(client)
    endpoint.codes.add("code-1")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.get("/auth/callback", callback_params(state))
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/"
    assert parse_qs(location.query) == {"shop": [SHOP], "host": ["YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvZGVtbw"]}

    sent = endpoint.requests[0]
    assert sent["url"] == f"https://{SHOP}/admin/oauth/access_token"
    assert sent["body"]["code"] == "code-1" and sent["body"]["expiring"] == 1
    assert sent["headers"]["content-type"] == "application/json"

    shop = Shop.objects.get(shop_domain=SHOP)
    assert shop.access_token.startswith("shpat_") and shop.refresh_token.startswith("shprt_")
    assert shop.is_installed and shop.scope_list == ["read_products", "write_products"]
    assert timedelta(minutes=59) < shop.access_token_expires_at - timezone.now() <= timedelta(hours=1)
    assert shop.refresh_token_expires_at - timezone.now() > timedelta(days=89)
    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token, refresh_token FROM shopify_app_shop WHERE id = %s", [shop.pk])
        raw_access, raw_refresh = cursor.fetchone()
    assert shop.access_token not in raw_access and "shpat_" not in raw_access
    assert shop.refresh_token not in raw_refresh and "shprt_" not in raw_refresh
    assert OAuthState.objects.get(nonce=state).used_at is not None
    # This endpoint has no Admin API, so subscribing failed and a retry was queued for after commit.
    assert len(callbacks) == 1


def test_callback_refuses_forged_hmac(client, endpoint):
    state = start_install(client)
    params = {**callback_params(state), "hmac": "f" * 64}
    assert client.get("/auth/callback", params).status_code == 400
    assert not endpoint.requests and not Shop.objects.exists()


def test_callback_refuses_missing_hmac(client, endpoint):
    state = start_install(client)
    params = callback_params(state)
    del params["hmac"]
    assert client.get("/auth/callback", params).status_code == 400
    assert not endpoint.requests


def test_callback_refuses_tampered_parameter(client, endpoint):
    state = start_install(client)
    params = {**callback_params(state), "code": "other-code"}
    assert client.get("/auth/callback", params).status_code == 400
    assert not endpoint.requests


def test_callback_refuses_timestamp_older_than_a_day(client, endpoint):
    state = start_install(client)
    endpoint.codes.add("code-1")
    response = client.get("/auth/callback", callback_params(state, ts_offset=-(86400 + 60)))
    assert response.status_code == 400
    assert not endpoint.requests
    # The refused callback did not burn the state.
    assert OAuthState.objects.get(nonce=state).used_at is None


def test_callback_refuses_unknown_state(client, endpoint):
    start_install(client)
    endpoint.codes.add("code-1")
    # Even with a browser cookie matching it, a state the server never issued is refused.
    client.cookies.load({"shopify_oauth_state": _signed_cookie("not-a-state")})
    response = client.get("/auth/callback", callback_params("not-a-state"))
    assert response.status_code == 400
    assert not endpoint.requests


def test_callback_refuses_state_not_issued_to_this_browser(client, endpoint):
    state = start_install(client)
    client.cookies.clear()
    endpoint.codes.add("code-1")
    assert client.get("/auth/callback", callback_params(state)).status_code == 400
    assert not endpoint.requests
    # The refusal did not consume the state: the browser that holds the cookie can still finish.
    client.cookies.load({"shopify_oauth_state": _signed_cookie(state)})
    assert client.get("/auth/callback", callback_params(state)).status_code == 302


def test_callback_refuses_reused_state(client, endpoint):
    state = start_install(client)
    endpoint.codes.update({"code-1", "code-2"})
    assert client.get("/auth/callback", callback_params(state, code="code-1")).status_code == 302
    # The app removed its cookie; an attacker replaying the whole callback still carries it.
    client.cookies.load({"shopify_oauth_state": _signed_cookie(state)})
    response = client.get("/auth/callback", callback_params(state, code="code-2"))
    assert response.status_code == 400
    assert len(endpoint.requests) == 1


def test_callback_refuses_expired_state(client, endpoint):
    state = start_install(client)
    OAuthState.objects.filter(nonce=state).update(created_at=timezone.now() - timedelta(minutes=11))
    endpoint.codes.add("code-1")
    assert client.get("/auth/callback", callback_params(state)).status_code == 400
    assert not endpoint.requests


def test_callback_refuses_state_issued_for_another_shop(client, endpoint):
    state = start_install(client, shop="other.myshopify.com")
    endpoint.codes.add("code-1")
    assert client.get("/auth/callback", callback_params(state, shop=SHOP)).status_code == 400
    assert not endpoint.requests


@pytest.mark.parametrize("shop", ["evil.com", "a.myshopify.com.evil.com", "../x", ""])
def test_callback_refuses_bad_shop_even_when_signed(client, endpoint, shop):
    state = start_install(client)
    assert client.get("/auth/callback", callback_params(state, shop=shop)).status_code == 400
    assert not endpoint.requests


def test_callback_refused_code_leaves_no_shop(client, endpoint):
    state = start_install(client)  # the endpoint knows no code
    assert client.get("/auth/callback", callback_params(state)).status_code == 400
    assert len(endpoint.requests) == 1 and not Shop.objects.exists()


def _signed_cookie(value: str) -> str:
    """The state cookie as the app signs it (Django's signed cookies: salt = name + salt)."""
    return get_cookie_signer(salt="shopify_oauth_state" + "shopify_app.oauth-state").sign(value)
