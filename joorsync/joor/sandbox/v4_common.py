"""Shared machinery of the v4 endpoints: list paging with `meta`, bulk bodies (a JSON array of at most
100 items) answered item by item, and request-level errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .defaults import (
    V4_DEFAULT_PAGE_SIZE,
    V4_MAX_BULK_ITEMS,
    V4_MAX_PAGE_SIZE,
)
from .http import Request, Response, json_response
from .model import StyleRecord, decode_opaque_id

if TYPE_CHECKING:
    from .app import JoorSandbox


class V4BadRequest(Exception):
    """A request refused as a whole: 400 with the v4 error envelope."""


def ids_param(req: Request, name: str) -> list[str] | None:
    raw = req.arg(name)
    if raw is None:
        return None
    return [part.strip() for part in raw.split(",") if part.strip()]


def paged(req: Request, items: list[Any], render: Callable[[Any], dict[str, Any]]) -> Response:
    page = int_arg(req, "page", 1, 1, None)
    size = int_arg(req, "page_size", V4_DEFAULT_PAGE_SIZE, 1, V4_MAX_PAGE_SIZE)
    chunk = items[(page - 1) * size : page * size]
    meta = {"page": page, "page_size": size, "total": len(items), "has_more": page * size < len(items)}
    return json_response(200, {"data": [render(i) for i in chunk], "errors": [], "meta": meta})


def int_arg(req: Request, name: str, default: int, low: int, high: int | None) -> int:
    raw = req.arg(name)
    if raw is None or raw == "":
        return default
    if not raw.strip().isdigit():
        raise V4BadRequest(f"{name} must be an integer")
    value = int(raw)
    if value < low or (high is not None and value > high):
        raise V4BadRequest(
            f"{name} must be between {low} and {high}" if high else f"{name} must be at least {low}"
        )
    return value


def bulk_items(req: Request) -> list[Any]:
    try:
        data = req.json_body()
    except ValueError as exc:
        raise V4BadRequest(str(exc)) from exc
    if not isinstance(data, list):
        raise V4BadRequest("body must be a JSON array of items")
    if not data:
        raise V4BadRequest("body holds no items")
    if len(data) > V4_MAX_BULK_ITEMS:
        raise V4BadRequest(f"at most {V4_MAX_BULK_ITEMS} items per request, got {len(data)}")
    return data


def item_error(status: str, message: str, index: int, /, **details: Any) -> dict[str, Any]:
    return {"status": status, "message": message, "details": {"index": index, **details}}


def run_bulk(
    req: Request, apply: Callable[[int, dict[str, Any]], dict[str, Any] | list[dict[str, Any]]]
) -> Response:
    """Run `apply` per item: it returns the written object(s) or raises `ItemError`."""
    data: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for index, item in enumerate(bulk_items(req)):
        if not isinstance(item, dict):
            errors.append(item_error("INVALID", "each item must be an object", index))
            continue
        try:
            result = apply(index, item)
        except ItemError as exc:
            errors.append(item_error(exc.status, exc.message, index, **exc.details))
            continue
        data += result if isinstance(result, list) else [result]
    return json_response(200, {"data": data, "errors": errors})


class ItemError(Exception):
    def __init__(self, status: str, message: str, /, **details: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details


def style_of_product(sb: JoorSandbox, product_id: Any) -> StyleRecord | None:
    number = decode_opaque_id(str(product_id), "Style") if isinstance(product_id, str) else None
    return sb.catalog.styles.get(number) if number is not None else None
