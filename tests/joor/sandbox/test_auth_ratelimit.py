"""v2 authentication and JOOR's credit rate limit, on a fake clock."""

from __future__ import annotations

import base64

import pytest

from joorsync.joor.sandbox.defaults import DEFAULT_ACCOUNT_ID, DEFAULT_TOKEN
from joorsync.joor.sandbox.ratelimit import parse_rate_limit

from .conftest import client_for


def test_token_as_issued_and_base64_encoded_are_accepted(sandbox) -> None:
    plain = client_for(sandbox, token=DEFAULT_TOKEN).get("/v2/style", params={"count": 1})
    encoded = base64.b64encode(DEFAULT_TOKEN.encode()).decode()
    double = client_for(sandbox, token=encoded).get("/v2/style", params={"count": 1})
    assert plain.status_code == double.status_code == 200


@pytest.mark.parametrize(
    "header", [None, "OAuth2 wrong-token", "OAuth2 ", "Basic c2FuZGJveC10b2tlbg==", "Bearer nope"]
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
