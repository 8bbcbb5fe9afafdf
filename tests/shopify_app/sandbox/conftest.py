"""Fixtures for the Shopify sandbox tests: a fake clock, a sandbox and plain httpx clients over WSGI."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from shopify_app.sandbox.app import SandboxConfig, ShopifySandbox
from tests.conftest import shared_path

SHOP = "demo.myshopify.com"
TOKEN = "shpat_static"  # noqa: S105 - sandbox fixture token
VERSION = "2026-07"


class FakeClock:
    """Monotonic clock that only moves when told to."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_sandbox(clock: FakeClock) -> Iterator[Callable[..., ShopifySandbox]]:
    created: list[ShopifySandbox] = []

    def make(**overrides: Any) -> ShopifySandbox:
        options: dict[str, Any] = {
            "static_tokens": {SHOP: TOKEN},
            "products": 3,
            "clock": clock,
            "wall_start": 1_782_000_000.0,
            "deliver_webhooks": "sync",
        }
        options.update(overrides)
        sandbox = ShopifySandbox(SandboxConfig(**options))
        created.append(sandbox)
        return sandbox

    yield make
    for sandbox in created:
        sandbox.close()


@pytest.fixture
def sandbox(make_sandbox: Callable[..., ShopifySandbox]) -> ShopifySandbox:
    return make_sandbox()


def http(sandbox: ShopifySandbox) -> httpx.Client:
    return httpx.Client(transport=httpx.WSGITransport(app=sandbox), base_url=f"https://{SHOP}", timeout=5)


class Gql:
    """POSTs GraphQL to the sandbox over httpx; returns the decoded body."""

    def __init__(self, sandbox: ShopifySandbox, token: str = TOKEN, version: str = VERSION) -> None:
        self.sandbox = sandbox
        self.client = http(sandbox)
        self.token = token
        self.version = version
        self.last: httpx.Response | None = None

    def raw(self, query: str, variables: dict[str, Any] | None = None, **headers: str) -> httpx.Response:
        self.last = self.client.post(
            f"/admin/api/{self.version}/graphql.json",
            json={"query": query, "variables": variables or {}},
            headers={"X-Shopify-Access-Token": self.token, **headers},
        )
        return self.last

    def __call__(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.raw(query, variables)
        assert response.status_code == 200, response.text
        return response.json()

    def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = self(query, variables)
        assert "errors" not in body, body["errors"]
        return body["data"]


@pytest.fixture
def gql(sandbox: ShopifySandbox) -> Gql:
    return Gql(sandbox)


def recorded(name: str) -> dict[str, Any]:
    return json.loads(shared_path("reference", "shopify", "recorded", name).read_text(encoding="utf-8"))


def strip_codes(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"field": e["field"], "message": e["message"]} for e in errors]
