"""Test scaffolding for the Admin GraphQL client: a scripted Shopify (WSGI), a fake clock, a flaky
transport. It serves prepared or recorded responses so the client's response handling can be tested;
behaviour tests against a real emulator live in test_admin_sandbox_contract.py."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from shopify_app.admin.client import AdminClient
from tests.conftest import SHARED_DIR, shared_path

SHOP = "demo.myshopify.com"
TOKEN = "shpat_0123456789abcdef0123456789abcdef"


def recorded(name: str) -> dict[str, Any]:
    return json.loads(shared_path("reference", "shopify", "recorded", name).read_text(encoding="utf-8"))


def recorded_keys(name: str, *path: str) -> list[str]:
    """Keys of a recorded mapping, for parametrize; one placeholder (whose test then skips) when the
    reference files are absent, so collection never fails."""
    file = SHARED_DIR / "reference" / "shopify" / "recorded" / name
    if not file.exists():
        return ["reference-absent"]
    node: Any = json.loads(file.read_text(encoding="utf-8"))
    for key in path:
        node = node[key]
    return sorted(node)


@dataclass
class Reply:
    body: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


def ok(
    data: dict[str, Any], *, requested: int = 1, actual: int = 1, available: float = 1990, rate: float = 100
) -> Reply:
    return Reply(
        {
            "data": data,
            "extensions": {
                "cost": {
                    "requestedQueryCost": requested,
                    "actualQueryCost": actual,
                    "throttleStatus": {
                        "maximumAvailable": 2000.0,
                        "currentlyAvailable": available,
                        "restoreRate": rate,
                    },
                }
            },
        }
    )


def throttled(*, requested: int = 752, available: float = 232, rate: float = 100) -> Reply:
    """The THROTTLED body as Shopify sends it: HTTP 200, no data, actualQueryCost null."""
    return Reply(
        {
            "errors": [
                {
                    "message": "Throttled",
                    "extensions": {
                        "code": "THROTTLED",
                        "documentation": "https://shopify.dev/api/usage/rate-limits",
                    },
                }
            ],
            "extensions": {
                "cost": {
                    "requestedQueryCost": requested,
                    "actualQueryCost": None,
                    "throttleStatus": {
                        "maximumAvailable": 2000.0,
                        "currentlyAvailable": available,
                        "restoreRate": rate,
                    },
                }
            },
        }
    )


@dataclass
class SeenRequest:
    method: str
    host: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body)

    @property
    def operation(self) -> str | None:
        return self.json.get("operationName")


class ScriptedShopify:
    """WSGI app: GraphQL POSTs get the next scripted reply (or a callable's answer); other paths are
    files (GET serves `files[path]`, POST records an upload and answers `upload_reply`)."""

    def __init__(self, replies: Iterable[Reply | Callable[[SeenRequest], Reply]] = ()) -> None:
        self.replies = list(replies)
        self.requests: list[SeenRequest] = []
        self.files: dict[str, bytes | Reply | Callable[[], Iterator[bytes]]] = {}
        self.uploads: list[SeenRequest] = []
        self.upload_reply = Reply("<PostResponse/>", status=201, headers={"Content-Type": "application/xml"})

    def add(self, *replies: Reply | Callable[[SeenRequest], Reply]) -> None:
        self.replies.extend(replies)

    @property
    def graphql_requests(self) -> list[SeenRequest]:
        return [r for r in self.requests if r.path.endswith("/graphql.json")]

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        seen = SeenRequest(
            environ["REQUEST_METHOD"], environ.get("HTTP_HOST", ""), environ["PATH_INFO"], headers, body
        )
        self.requests.append(seen)
        if seen.path.endswith("/graphql.json"):
            if not self.replies:
                reply = Reply({"errors": [{"message": "script exhausted"}]}, status=500)
            else:
                nxt = self.replies.pop(0)
                reply = nxt(seen) if callable(nxt) else nxt
        elif seen.method == "POST":
            self.uploads.append(seen)
            reply = self.upload_reply
        else:
            content = self.files.get(seen.path)
            if content is None:
                reply = Reply("not found", status=404)
            elif isinstance(content, Reply):
                reply = content
            else:
                start_response("200 OK", [("Content-Type", "application/jsonl")])
                return content() if callable(content) else [content]
        status_line = f"{reply.status} {'OK' if reply.status < 400 else 'Error'}"
        start_response(status_line, [("Content-Type", "application/json"), *reply.headers.items()])
        return [reply.encoded()]


class FakeClock:
    """Monotonic clock that only moves when the client sleeps (or a test advances it)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds


class FlakyTransport(httpx.BaseTransport):
    """Raises the given exceptions for the first requests, then delegates."""

    def __init__(self, inner: httpx.BaseTransport, failures: list[Exception]) -> None:
        self.inner = inner
        self.failures = list(failures)
        self.attempts = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.attempts += 1
        if self.failures:
            raise self.failures.pop(0)
        return self.inner.handle_request(request)


def make_client(
    app: Any, *, clock: FakeClock | None = None, transport: httpx.BaseTransport | None = None, **kwargs: Any
) -> tuple[AdminClient, FakeClock]:
    clock = clock or FakeClock()
    kwargs.setdefault("shop", SHOP)
    kwargs.setdefault("access_token", TOKEN)
    client = AdminClient(
        transport=transport or httpx.WSGITransport(app=app),
        sleep=clock.sleep,
        clock=clock,
        rng=random.Random(7),
        **kwargs,
    )
    return client, clock
