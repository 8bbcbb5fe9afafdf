"""Authentication (token endpoint, v2 and v4 Authorization headers) and JOOR's credit rate limit with
its headers, on a fake clock. Sources: docs/joor-api/auth-products.md §2-3, clients.md."""

from __future__ import annotations

import base64
import uuid

import pytest

from joorsync.joor.sandbox.defaults import DEFAULT_ACCOUNT_ID, DEFAULT_TOKEN
from joorsync.joor.sandbox.ratelimit import parse_rate_limit

from .conftest import ACCOUNT, GRANT, client_for, login, raw_client


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_token_as_issued_and_base64_encoded_are_accepted(sandbox) -> None:
    plain = client_for(sandbox, token=DEFAULT_TOKEN).get("/v2/style", params={"count": 1})
    encoded = base64.b64encode(DEFAULT_TOKEN.encode()).decode()
    double = client_for(sandbox, token=encoded).get("/v2/style", params={"count": 1})
    assert plain.status_code == double.status_code == 200


@pytest.mark.parametrize(
    "header",
    [None, "OAuth2 wrong-token", "OAuth2 ", "Basic c2FuZGJveC10b2tlbg==", "Bearer nope", DEFAULT_TOKEN],
)
def test_missing_or_wrong_auth_is_401(sandbox, header) -> None:
    client = client_for(sandbox, token=None)
    headers = {"Authorization": header} if header is not None else {}
    resp = client.get("/v2/style", headers=headers)
    assert resp.status_code == 401
    assert resp.json()["response"]["code"] == "401"


def test_several_tokens_can_be_active(make_sandbox) -> None:
    sb = make_sandbox(tokens=("first", "second"))
    assert client_for(sb, token="second").get("/v2/style/1252163").status_code == 200
    assert client_for(sb, token="third").get("/v2/style/1252163").status_code == 401


def test_unauthenticated_requests_cost_no_credits(make_sandbox) -> None:
    sb = make_sandbox(rate_limit="real")
    client_for(sb, token="bad").get("/v2/style")
    assert sb.credits_used == 0


def test_credit_accounting_get_1_write_5(make_sandbox) -> None:
    sb = make_sandbox(rate_limit="real")
    client = client_for(sb)
    client.get("/v2/style", params={"count": 1})
    client.get("/v2/style/1")  # a 404 is still a processed request
    client.post(
        "/v2/bulk-inventory",
        json={"inventory_items": {"inventory_item": [{"warehouse": "W", "inventory": 1, "upc": "1"}]}},
    )
    client.put("/v2/style-number/x/y", json={"style": {}})
    assert sb.credits_used == 1 + 1 + 5 + 5
    assert sb.credits_in_window() == 12


def test_window_limit_429_retry_after_and_reset(make_sandbox, clock) -> None:
    sb = make_sandbox(rate_limit="scale=0.1")  # 30 credits per 300 s window
    client = client_for(sb)
    for _ in range(30):
        assert client.get("/v2/style/1252163").status_code == 200
    clock.advance(100)
    throttled = client.get("/v2/style/1252163")
    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"] == "200"
    assert throttled.headers["X-Throttling-Account-Id"] == DEFAULT_ACCOUNT_ID
    assert throttled.json()["response"]["code"] == "429"
    assert sb.credits_used == 30  # throttled requests cost nothing
    clock.advance(199)
    assert client.get("/v2/style/1252163").status_code == 429
    clock.advance(1)
    assert client.get("/v2/style/1252163").status_code == 200
    assert sb.credits_in_window() == 1


def test_write_needs_five_credits_left(make_sandbox) -> None:
    sb = make_sandbox(rate_limit="scale=0.1")
    client = client_for(sb)
    for _ in range(27):
        client.get("/v2/style/1252163")
    assert client.put("/v2/style-number/a/b", json={"style": {}}).status_code == 429
    assert client.get("/v2/style/1252163").status_code == 200
    assert sb.credits_used == 28


def test_real_limit_is_300_credits(make_sandbox) -> None:
    sb = make_sandbox(rate_limit="real", styles=1)
    client = client_for(sb)
    statuses = [client.get("/v2/style/1252163").status_code for _ in range(301)]
    assert statuses[:300] == [200] * 300
    assert statuses[300] == 429


def test_rate_limit_off_still_counts(make_sandbox) -> None:
    sb = make_sandbox(rate_limit="off", styles=1)
    client = client_for(sb)
    for _ in range(310):
        assert client.get("/v2/style/1252163").status_code == 200
    assert sb.credits_used == 310


@pytest.mark.parametrize(
    "mode,allowance", [("real", 300), ("off", None), ("scale=2", 600), ("scale=0.1", 30)]
)
def test_parse_rate_limit(mode, allowance) -> None:
    assert parse_rate_limit(mode) == allowance


@pytest.mark.parametrize("mode", ["fast", "scale=", "scale=-1", "scale=abc", "scale=0"])
def test_parse_rate_limit_rejects(mode) -> None:
    with pytest.raises(ValueError):
        parse_rate_limit(mode)


# -- token endpoint -----------------------------------------------------------------------------


def test_token_answer_is_jooRs_sample(make_sandbox) -> None:
    sb = make_sandbox()
    data = login(sb)
    assert set(data) == {
        "access_token",
        "expires_in",
        "refresh_expires_in",
        "refresh_token",
        "token_type",
        "not-before-policy",
        "session_state",
        "scope",
    }
    assert (data["token_type"], data["expires_in"], data["refresh_expires_in"]) == ("Bearer", 36000, 7776000)
    assert data["scope"] == "email profile"
    assert str(uuid.UUID(data["session_state"])) == data["session_state"]
    policy = data["not-before-policy"]
    assert isinstance(policy, int) and not isinstance(policy, bool)
    assert abs(policy - sb.now().timestamp()) < 5  # a Unix timestamp, fixed per sandbox
    assert login(sb)["not-before-policy"] == policy


def test_token_endpoint_form_encodings(sandbox) -> None:
    client = raw_client(sandbox)
    multipart = client.post("/auth/", files={k: (None, v) for k, v in GRANT.items()})
    urlencoded = client.post("/auth", data=GRANT)
    body = "&".join(f"{k}={v}" for k, v in GRANT.items()).encode()  # the C# client: not URL-encoded
    labelled_multipart = client.post(
        "/auth",
        content=body,
        headers={"Content-Type": "multipart/form-data; boundary=---011000010111000001101001"},
    )
    assert [r.status_code for r in (multipart, urlencoded, labelled_multipart)] == [200, 200, 200]
    assert all(r.json()["access_token"] for r in (multipart, urlencoded, labelled_multipart))


# -- Authorization headers ----------------------------------------------------------------------


def test_v4_accepts_bearer_and_oauth2_base64(sandbox) -> None:
    access = login(sandbox)["access_token"]
    client = raw_client(sandbox)

    def status(header: str) -> int:
        return client.get("/v4/price_types", params=ACCOUNT, headers={"Authorization": header}).status_code

    assert status(f"Bearer {access}") == 200
    assert status(f"OAuth2 {_b64(DEFAULT_TOKEN)}") == 200
    assert status(f"OAuth2 {_b64(access)}") == 200
    assert status(f"OAuth2 {DEFAULT_TOKEN}") == 401  # OAuth2 takes the base64 form only
    assert status(f"Bearer {DEFAULT_TOKEN}") == 401  # Bearer takes an access token
    assert status(access) == 401  # no scheme (the C# client)
    assert status(f"Basic {_b64(access)}") == 401


def test_v2_accepts_oauth2_and_bearer_raw_or_base64(sandbox) -> None:
    access = login(sandbox)["access_token"]
    client = client_for(sandbox, token=None)

    def status(header: str) -> int:
        return client.get("/v2/style/1252163", headers={"Authorization": header}).status_code

    for token in (DEFAULT_TOKEN, access):
        for sent in (token, _b64(token)):
            assert status(f"OAuth2 {sent}") == 200
            assert status(f"Bearer {sent}") == 200
            assert status(sent) == 401  # no scheme


# -- rate-limit headers -------------------------------------------------------------------------


def test_every_authenticated_answer_names_the_throttling_account(sandbox) -> None:
    access = login(sandbox)["access_token"]
    v2 = client_for(sandbox)
    v4 = raw_client(sandbox)
    bearer = {"Authorization": f"Bearer {access}"}
    answers = [
        v2.get("/v2/style", params={"count": 1}),
        v2.get("/v2/style/1"),  # 404
        v2.get("/v2/style", params={"count": "x"}),  # 400
        client_for(sandbox, fmt=None).get("/v2/style"),  # 406
        v4.get("/v4/price_types", params=ACCOUNT, headers=bearer),
        v4.get("/v4/price_types", headers=bearer),  # 400: no account
        v4.post("/v4/orders/bulk_create", params=ACCOUNT, headers=bearer, json=[]),
    ]
    assert [r.headers.get("X-Throttling-Account-Id") for r in answers] == [DEFAULT_ACCOUNT_ID] * len(answers)
    unauthenticated = client_for(sandbox, token="bad").get("/v2/style")
    assert unauthenticated.status_code == 401
    assert "X-Throttling-Account-Id" not in unauthenticated.headers


@pytest.mark.parametrize("retry_after", [True, False])
def test_retry_after_can_be_left_out(make_sandbox, clock, retry_after) -> None:
    sb = make_sandbox(rate_limit="scale=0.01", retry_after=retry_after)  # 3 credits per window
    access = login(sb)["access_token"]
    v2 = client_for(sb)
    v4 = raw_client(sb)
    for _ in range(3):
        assert v2.get("/v2/style/1252163").status_code == 200
    throttled = [
        v2.get("/v2/style/1252163"),
        v4.get("/v4/price_types", params=ACCOUNT, headers={"Authorization": f"Bearer {access}"}),
    ]
    assert [r.status_code for r in throttled] == [429, 429]
    for resp in throttled:
        assert resp.headers["X-Throttling-Account-Id"] == DEFAULT_ACCOUNT_ID
        assert ("Retry-After" in resp.headers) is retry_after
