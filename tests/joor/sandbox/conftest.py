"""Fixtures for the JOOR sandbox tests: a fake clock/sleep and plain httpx clients over WSGI."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from joorsync.joor.sandbox.app import JoorSandbox, SandboxConfig
from joorsync.joor.sandbox.defaults import (
    DEFAULT_ACCOUNT_ID,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_PASSWORD,
    DEFAULT_TOKEN,
    DEFAULT_USERNAME,
)
from tests.clocks import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_sandbox(clock: FakeClock) -> Callable[..., JoorSandbox]:
    def factory(**overrides: Any) -> JoorSandbox:
        options: dict[str, Any] = {
            "styles": 12,
            "seed": 1,
            "rate_limit": "off",
            "clock": clock,
            "sleep": clock.sleep,
        }
        options.update(overrides)
        return JoorSandbox(SandboxConfig(**options))

    return factory


def client_for(
    app: JoorSandbox, *, token: str | None = DEFAULT_TOKEN, fmt: str | None = "json"
) -> httpx.Client:
    headers = {}
    if token is not None:
        headers["Authorization"] = f"OAuth2 {token}"
    if fmt is not None:
        headers["Accept"] = f"application/{fmt}"
    return httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://joor.test", headers=headers)


@pytest.fixture
def sandbox(make_sandbox: Callable[..., JoorSandbox]) -> JoorSandbox:
    return make_sandbox()


@pytest.fixture
def client(sandbox: JoorSandbox) -> httpx.Client:
    return client_for(sandbox)


GRANT = {
    "client_id": DEFAULT_CLIENT_ID,
    "client_secret": DEFAULT_CLIENT_SECRET,
    "grant_type": "password",
    "username": DEFAULT_USERNAME,
    "password": DEFAULT_PASSWORD,
}
ACCOUNT = {"account": DEFAULT_ACCOUNT_ID}


def raw_client(sb) -> httpx.Client:
    return httpx.Client(transport=httpx.WSGITransport(app=sb), base_url="http://joor.test")


def login(sb) -> dict:
    resp = raw_client(sb).post("/auth/", data=GRANT)
    assert resp.status_code == 200, resp.text
    return resp.json()
