"""Test scaffolding shared by the client tests: a fake clock and tiny scripted WSGI apps.

The scripted apps stand in for JOOR only where the real sandbox cannot produce an answer on demand
(a precise sequence of statuses, a hostile body); everything else runs against the sandbox.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | dict | None = None
    headers: dict[str, str] = field(default_factory=dict)
    raise_exc: BaseException | None = None
    raise_in_body: BaseException | None = None


class ConnectionDroppedForTest(Exception):
    """What an in-process app raises to play a cut connection."""


def envelope(
    styles: list[dict] | dict | None = None,
    *,
    code: str = "0",
    comment: str = "",
    log_id: str = "L-1",
    next_start: int | None = None,
    start_from: int = 0,
    **extra: Any,
) -> dict:
    response: dict[str, Any] = {"code": code, "comment": comment, "log_id": log_id, "start_from": start_from}
    if next_start is not None:
        response["next_start"] = next_start
    doc: dict[str, Any] = {"response": response}
    if styles is not None:
        doc["styles"] = {"style": styles}
    doc.update(extra)
    return doc


def style(style_id: int, **fields: Any) -> dict:
    base = {
        "style_id": str(style_id),
        "style_name": f"Style {style_id}",
        "style_number": f"SN{style_id}",
        "style_identifier": f"ID{style_id}",
    }
    base.update(fields)
    return base


class ScriptedApp:
    """A WSGI app answering from a script: a list of replies, or a function of the request."""

    def __init__(self, script: Iterable[Reply] | Callable[[Seen], Reply]) -> None:
        self._fn = script if callable(script) else None
        self._queue = [] if callable(script) else list(script)
        self.seen: list[Seen] = []

    def __call__(self, environ: dict, start_response: Callable) -> Iterator[bytes] | list[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        headers = {k[5:].replace("_", "-").title(): v for k, v in environ.items() if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        seen = Seen(
            environ["REQUEST_METHOD"],
            environ.get("RAW_URI", environ["PATH_INFO"]),
            parse_qs(environ.get("QUERY_STRING", "")),
            headers,
            body,
        )
        self.seen.append(seen)
        reply = self._fn(seen) if self._fn else self._queue.pop(0)
        if reply.raise_exc is not None:
            raise reply.raise_exc
        payload = reply.body
        if isinstance(payload, dict | list):
            payload = json.dumps(payload).encode()
        elif isinstance(payload, str):
            payload = payload.encode()
        payload = payload or b""
        content_type = "application/xml" if payload.lstrip()[:1] == b"<" else "application/json"
        start_response(f"{reply.status} X", [("Content-Type", content_type), *reply.headers.items()])
        if reply.raise_in_body is not None:
            exc = reply.raise_in_body

            def chunks() -> Iterator[bytes]:
                yield payload[: len(payload) // 2]
                raise exc

            return chunks()
        return [payload]
