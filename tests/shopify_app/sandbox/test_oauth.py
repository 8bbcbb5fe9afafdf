"""OAuth: authorize signing (checked by ShopifyAPI), code exchange, expiry, refresh, token exchange."""

from __future__ import annotations

import base64
import time
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
import shopify
import shopify.session_token

from shopify_app.sandbox.app import ShopifySandbox

from .conftest import SHOP, FakeClock, Gql, http

CLIENT = {"client_id": "sandbox-api-key", "client_secret": "sandbox-api-secret"}


def authorize(client: httpx.Client, **extra: str) -> dict[str, str]:
    params = {
        "client_id": "sandbox-api-key",
        "scope": "read_products,write_products",
        "redirect_uri": "https://app.example.com/auth/callback",
        "state": "nonce-123",
        **extra,
    }
    response = client.get("/admin/oauth/authorize", params=params)
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == "https://app.example.com/auth/callback"
    return dict(parse_qsl(location.query))


def test_authorize_redirects_with_a_callback_shopify_api_accepts(sandbox: ShopifySandbox) -> None:
    sandbox.config.wall_start = None
    real = ShopifySandbox(type(sandbox.config)(static_tokens={}))  # real wall clock for the 24 h check
    callback = authorize(http(real))
    assert set(callback) == {"code", "hmac", "host", "shop", "state", "timestamp"}
    assert callback["shop"] == SHOP and callback["state"] == "nonce-123"
    host = base64.urlsafe_b64decode(callback["host"] + "==").decode()
    assert host == "admin.shopify.com/store/demo"
    assert abs(int(callback["timestamp"]) - time.time()) < 60
    shopify.Session.secret = "sandbox-api-secret"
    assert shopify.Session.validate_params(callback)
    tampered = {**callback, "shop": "evil.myshopify.com"}
    assert not shopify.Session.validate_params(tampered)
    shopify.Session.secret = "another-secret"
    assert not shopify.Session.validate_params(callback)
    real.close()


def test_authorize_rejects_unknown_client_and_non_http_redirect(sandbox: ShopifySandbox) -> None:
    client = http(sandbox)
    bad_client = client.get(
        "/admin/oauth/authorize",
        params={
            "client_id": "nope",
            "scope": "read_products",
            "redirect_uri": "https://app/cb",
            "state": "x",
        },
    )
    assert bad_client.status_code == 400
    bad_redirect = client.get(
        "/admin/oauth/authorize",
        params={
            "client_id": "sandbox-api-key",
            "scope": "read_products",
            "redirect_uri": "javascript:alert(1)",
        },
    )
    assert bad_redirect.status_code == 400
    unknown_shop = client.get(
        "/admin/oauth/authorize",
        params={
            "client_id": "sandbox-api-key",
            "redirect_uri": "https://app/cb",
            "shop": "other.myshopify.com",
        },
    )
    assert unknown_shop.status_code == 404


def test_code_exchange_is_single_use_and_gives_expiring_tokens(
    sandbox: ShopifySandbox, clock: FakeClock
) -> None:
    client = http(sandbox)
    code = authorize(client)["code"]
    response = client.post("/admin/oauth/access_token", json={**CLIENT, "code": code, "expiring": 1})
    assert response.status_code == 200
    body = response.json()
    assert body["access_token"].startswith("shpat_") and body["refresh_token"].startswith("shprt_")
    assert body["expires_in"] == 3600 and body["refresh_token_expires_in"] == 7_776_000
    assert body["scope"] == "read_products,write_products"
    again = client.post("/admin/oauth/access_token", json={**CLIENT, "code": code, "expiring": 1})
    assert again.status_code == 400 and again.json()["error"] == "invalid_request"

    gql = Gql(sandbox, token=body["access_token"])
    assert gql.data("{ shop { myshopifyDomain } }")["shop"]["myshopifyDomain"] == SHOP
    clock.advance(3601)
    expired = gql.raw("{ shop { name } }")
    assert expired.status_code == 401
    assert expired.json() == {
        "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
    }


def test_code_exchange_without_expiring_gives_a_non_expiring_token(
    sandbox: ShopifySandbox, clock: FakeClock
) -> None:
    client = http(sandbox)
    code = authorize(client)["code"]
    body = client.post("/admin/oauth/access_token", data={**CLIENT, "code": code}).json()
    assert set(body) == {"access_token", "scope"}
    clock.advance(10 * 86400)
    assert Gql(sandbox, token=body["access_token"]).raw("{ shop { name } }").status_code == 200


def test_codes_expire_and_bad_client_credentials_fail(sandbox: ShopifySandbox, clock: FakeClock) -> None:
    client = http(sandbox)
    code = authorize(client)["code"]
    wrong = client.post("/admin/oauth/access_token", json={**CLIENT, "client_secret": "x", "code": code})
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_client"
    clock.advance(601)
    late = client.post("/admin/oauth/access_token", json={**CLIENT, "code": authorize(client)["code"]})
    assert late.status_code == 200  # a fresh code still works
    stale = client.post("/admin/oauth/access_token", json={**CLIENT, "code": code})
    assert stale.status_code == 400


def test_refresh_keeps_the_old_refresh_token_until_the_new_one_is_used(sandbox: ShopifySandbox) -> None:
    client = http(sandbox)
    first = client.post(
        "/admin/oauth/access_token", json={**CLIENT, "code": authorize(client)["code"], "expiring": 1}
    ).json()
    refresh = {**CLIENT, "grant_type": "refresh_token"}
    second = client.post(
        "/admin/oauth/access_token", json={**refresh, "refresh_token": first["refresh_token"]}
    )
    assert second.status_code == 200
    second_body = second.json()
    assert second_body["access_token"] != first["access_token"] and second_body["expires_in"] == 3600
    # old refresh token still valid while the new one is unused
    replay = client.post(
        "/admin/oauth/access_token", json={**refresh, "refresh_token": first["refresh_token"]}
    )
    assert replay.status_code == 200
    third = client.post(
        "/admin/oauth/access_token", json={**refresh, "refresh_token": second_body["refresh_token"]}
    )
    assert third.status_code == 200
    dead = client.post("/admin/oauth/access_token", json={**refresh, "refresh_token": first["refresh_token"]})
    assert dead.status_code == 400 and dead.json()["error"] == "invalid_grant"
    assert Gql(sandbox, token=third.json()["access_token"]).raw("{ shop { name } }").status_code == 200


def test_token_exchange_turns_a_session_token_into_an_offline_token(sandbox: ShopifySandbox) -> None:
    client = http(sandbox)
    session_token = sandbox.mint_session_token(SHOP, user_id="42")
    exchange = {
        **CLIENT,
        "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "subject_token": session_token,
        "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
        "requested_token_type": "urn:shopify:params:oauth:token-type:offline-access-token",
        "expiring": 1,
    }
    response = client.post("/admin/oauth/access_token", json=exchange)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["expires_in"] == 3600 and body["refresh_token"].startswith("shprt_")
    assert Gql(sandbox, token=body["access_token"]).raw("{ shop { name } }").status_code == 200

    forged = sandbox.oauth.mint_session_token(SHOP, user_id="1", ttl=60, now=None)[:-4] + "abcd"
    bad = client.post("/admin/oauth/access_token", json={**exchange, "subject_token": forged})
    assert bad.status_code == 401 and bad.json()["error"] == "invalid_subject_token"
    old = sandbox.mint_session_token(SHOP, now=sandbox.wall() - 3600)
    expired = client.post("/admin/oauth/access_token", json={**exchange, "subject_token": old})
    assert expired.status_code == 401 and expired.json()["error"] == "invalid_subject_token"


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_session_tokens_verify_with_shopify_api(make_sandbox) -> None:  # noqa: ANN001
    sandbox = make_sandbox(wall_start=time.time())
    token = sandbox.mint_session_token(SHOP, user_id="7")
    claims = shopify.session_token.decode_from_header(
        f"Bearer {token}", "sandbox-api-key", "sandbox-api-secret"
    )
    assert (
        claims["iss"] == f"https://{SHOP}/admin"
        and claims["sub"] == "7"
        and claims["aud"] == "sandbox-api-key"
    )


@pytest.mark.parametrize("headers", [{}, {"X-Shopify-Access-Token": "shpat_wrong"}])
def test_graphql_requires_a_valid_token(sandbox: ShopifySandbox, headers: dict[str, str]) -> None:
    response = http(sandbox).post(
        "/admin/api/2026-07/graphql.json", json={"query": "{ shop { name } }"}, headers=headers
    )
    assert response.status_code == 401
    assert "Invalid API key or access token" in response.json()["errors"]


def test_token_for_another_shop_and_unknown_versions_are_rejected(make_sandbox) -> None:  # noqa: ANN001
    sandbox = make_sandbox(shops=(SHOP, "other.myshopify.com"))
    other = sandbox.issue_access_token("other.myshopify.com")
    gql = Gql(sandbox, token=other)
    assert gql.raw("{ shop { name } }", **{"X-Sandbox-Shop-Domain": SHOP}).status_code == 401
    mine = gql.raw("{ shop { myshopifyDomain } }", **{"X-Sandbox-Shop-Domain": "other.myshopify.com"})
    assert mine.json()["data"]["shop"]["myshopifyDomain"] == "other.myshopify.com"
    assert Gql(sandbox, version="2024-13").raw("{ shop { name } }").status_code == 404
    assert Gql(sandbox, version="2025-01").raw("{ shop { name } }").status_code == 200


def test_expire_access_tokens_helper(sandbox: ShopifySandbox) -> None:
    token = sandbox.issue_access_token(expiring=True)
    gql = Gql(sandbox, token=token)
    assert gql.raw("{ shop { name } }").status_code == 200
    sandbox.expire_access_tokens(SHOP)
    assert gql.raw("{ shop { name } }").status_code == 401


def test_per_user_grant_gives_an_online_token(sandbox: ShopifySandbox, clock: FakeClock) -> None:
    client = http(sandbox)
    code = authorize(client, **{"grant_options[]": "per-user"})["code"]
    body = client.post("/admin/oauth/access_token", json={**CLIENT, "code": code}).json()
    assert body["expires_in"] == 86400 and body["associated_user"]["id"] == 1
    assert "refresh_token" not in body
    gql = Gql(sandbox, token=body["access_token"])
    assert gql.raw("{ shop { name } }").status_code == 200
    clock.advance(86401)
    assert gql.raw("{ shop { name } }").status_code == 401


def test_token_exchange_for_an_online_token(sandbox: ShopifySandbox) -> None:
    body = (
        http(sandbox)
        .post(
            "/admin/oauth/access_token",
            json={
                **CLIENT,
                "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
                "subject_token": sandbox.mint_session_token(SHOP, user_id="99"),
                "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
                "requested_token_type": "urn:shopify:params:oauth:token-type:online-access-token",
            },
        )
        .json()
    )
    assert body["associated_user"]["id"] == 99 and body["expires_in"] == 86400
