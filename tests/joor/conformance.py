"""Sending the requests of `conformance_cases.py` to a sandbox exactly as their clients build them."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import httpx

from joorsync.joor.sandbox.app import JoorSandbox

from .conformance_cases import CASES, ConformanceCase


def case(case_id: str) -> ConformanceCase:
    return next(c for c in CASES if c.id == case_id)


def fill(value: Any, ctx: dict[str, str]) -> Any:
    """`value` with every `{name}` placeholder replaced from `ctx` (strings, bytes, lists, dicts)."""
    if isinstance(value, bytes):
        for key, sub in ctx.items():
            value = value.replace(b"{" + key.encode() + b"}", sub.encode())
        return value
    if isinstance(value, str):
        for key, sub in ctx.items():
            value = value.replace("{" + key + "}", sub)
        return value
    if isinstance(value, list):
        return [fill(v, ctx) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, ctx) for k, v in value.items()}
    return value


def send(
    sb: JoorSandbox,
    the_case: ConformanceCase,
    ctx: dict[str, str],
    *,
    body: Any = None,
    authorization: str | None = None,
) -> httpx.Response:
    """One request as its client sends it: method, path and query, headers, body bytes.

    `authorization` replaces the client's own header where a test is about something else.
    """
    headers = fill(dict(the_case.headers), ctx)
    if authorization is not None:
        headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
        headers["Authorization"] = authorization
    payload = fill(the_case.body if body is None else body, ctx)
    content = payload if isinstance(payload, bytes) or payload is None else json.dumps(payload).encode()
    path = fill(the_case.path, {k: quote(v, safe="") for k, v in ctx.items()})
    client = httpx.Client(transport=httpx.WSGITransport(app=sb), base_url=f"http://{the_case.host}")
    with client:
        return client.request(the_case.method, path, content=content, headers=headers)


def present(doc: Any, path: str) -> bool:
    """Whether a dotted read path (`data.*.id`, `data.0.id`, `errors.*.status`) resolves in `doc`.

    `*` needs a non-empty list whose every element has the rest, except under `errors`, which a client
    iterates whether or not anything is in it.
    """
    head, _, rest = path.partition(".")
    if head == "*":
        if not isinstance(doc, list):
            return False
        return all(present(item, rest) for item in doc) if rest else True
    if isinstance(doc, list):
        if not head.isdigit() or int(head) >= len(doc):
            return False
        value = doc[int(head)]
    elif isinstance(doc, dict):
        if head not in doc:
            return False
        value = doc[head]
    else:
        return False
    if not rest:
        return True
    if head == "errors" and rest.startswith("*") and value == []:
        return True
    if rest.startswith("*") and value == []:
        return False
    return present(value, rest)
