"""Webhook bodies: the one JSON object a delivery carries, or a refusal the view answers with 400.

The HMAC proves who signed a body, not that it can be recorded. Python's json accepts NaN and
Infinity (and turns 1e999 into inf), which no JSON column stores; it recurses once per bracket; and it
keeps NUL characters and lone surrogates, which PostgreSQL's jsonb refuses. Each of these would fail
the INSERT and answer 500, so each is refused here, before anything is recorded.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, NoReturn

#: Shopify's payloads nest a handful of levels; anything near this is not a Shopify payload.
MAX_DEPTH = 64

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class MalformedPayload(ValueError):
    """The body is not one JSON object the app can record. The message names the reason, never the
    body."""


def _no_constant(name: str) -> NoReturn:
    raise MalformedPayload(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise MalformedPayload("a number is out of range")
    return value


def _check_storable(payload: dict[str, Any]) -> None:
    """Walks the parsed tree without recursion: bounded depth, strings and keys a database keeps."""
    stack: list[tuple[Any, int]] = [(payload, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if _UNSTORABLE.search(value):
                raise MalformedPayload("a string holds a NUL character or a lone surrogate")
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise MalformedPayload(f"the body nests deeper than {MAX_DEPTH} levels")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str) and _UNSTORABLE.search(key):
                    raise MalformedPayload("a key holds a NUL character or a lone surrogate")
                stack.append((item, depth + 1))


def webhook_payload(body: bytes) -> dict[str, Any]:
    """The JSON object in `body` (strict UTF-8). Raises MalformedPayload for anything else.

    A key given twice keeps its last value: the sender signed both, so neither is forged.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedPayload("the body is not UTF-8") from None
    try:
        payload = json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except MalformedPayload:
        raise
    except RecursionError:
        raise MalformedPayload(f"the body nests deeper than {MAX_DEPTH} levels") from None
    except ValueError:  # JSONDecodeError, or an integer longer than Python converts
        raise MalformedPayload("the body is not JSON") from None
    if not isinstance(payload, dict):
        raise MalformedPayload("the body is not a JSON object")
    _check_storable(payload)
    return payload
