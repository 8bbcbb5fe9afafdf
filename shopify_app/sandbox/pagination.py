"""Cursor connections (`first/after/last/before`, `pageInfo`) with Shopify-style opaque cursors."""

from __future__ import annotations

import base64
import contextvars
import json
from collections.abc import Callable, Sequence
from typing import Any

from graphql import GraphQLError

MAX_PAGE_SIZE = 250
# Set while a bulk query runs: connections then return every item, unpaginated.
BULK_MODE: contextvars.ContextVar[bool] = contextvars.ContextVar("shopify_sandbox_bulk", default=False)


def encode_cursor(last_id: int, last_value: Any) -> str:
    raw = json.dumps({"last_id": last_id, "last_value": last_value}, separators=(",", ":"))
    return base64.b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> dict[str, Any]:
    try:
        data = json.loads(base64.b64decode(cursor.encode(), validate=True))
    except (ValueError, UnicodeDecodeError) as exc:
        raise GraphQLError("Invalid cursor for current pagination sort.") from exc
    if not isinstance(data, dict) or "last_id" not in data:
        raise GraphQLError("Invalid cursor for current pagination sort.")
    return data


def connection(
    items: Sequence[Any],
    *,
    id_of: Callable[[Any], int],
    value_of: Callable[[Any], Any] | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    reverse: bool = False,
) -> dict[str, Any]:
    """Slice `items` (already in sort order) into a connection dict."""
    if BULK_MODE.get():
        ordered = list(reversed(items)) if reverse else list(items)
        return {
            "edges": [{"cursor": "", "node": item} for item in ordered],
            "nodes": ordered,
            "pageInfo": {
                "hasNextPage": False,
                "hasPreviousPage": False,
                "startCursor": None,
                "endCursor": None,
            },
        }
    if first is None and last is None:
        raise GraphQLError("you must provide one of first or last")
    if first is not None and last is not None:
        raise GraphQLError("providing both first and last is not supported")
    for name, size in (("first", first), ("last", last)):
        if size is not None and size > MAX_PAGE_SIZE:
            raise GraphQLError(f"The {name} argument must be less than or equal to {MAX_PAGE_SIZE}.")
        if size is not None and size < 0:
            raise GraphQLError(f"The {name} argument must be greater than or equal to 0.")
    value_of = value_of or id_of
    ordered = list(reversed(items)) if reverse else list(items)
    keys = [(value_of(item), id_of(item)) for item in ordered]

    def position(cursor: str, *, after_side: bool) -> int:
        """Index just past (after) or at (before) the cursor's item; survives the item being deleted."""
        data = decode_cursor(cursor)
        for index, (_, item_id) in enumerate(keys):
            if item_id == data["last_id"]:
                return index + 1 if after_side else index
        marker = (data.get("last_value"), data["last_id"])
        try:
            for index, key in enumerate(keys):
                if (key < marker) if reverse else (key > marker):
                    return index
        except TypeError as exc:
            raise GraphQLError("Invalid cursor for current pagination sort.") from exc
        return len(keys)

    start, end = 0, len(ordered)
    if after:
        start = position(after, after_side=True)
    if before:
        end = position(before, after_side=False)
    window = ordered[start:end]
    has_next = end < len(ordered)
    has_previous = start > 0
    if first is not None:
        has_next = has_next or len(window) > first
        window = window[:first]
    if last is not None:
        has_previous = has_previous or len(window) > last
        window = window[len(window) - last :] if last else []
    edges = [{"cursor": encode_cursor(id_of(item), value_of(item)), "node": item} for item in window]
    return {
        "edges": edges,
        "nodes": [edge["node"] for edge in edges],
        "pageInfo": {
            "hasNextPage": has_next,
            "hasPreviousPage": has_previous,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }
