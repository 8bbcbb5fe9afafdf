"""Shared machinery of the v4 catalog endpoints: list answers, bulk bodies answered item by item, and
request-level errors. Each rule says where it comes from; "sandbox convenience" means JOOR documents
nothing about it: do not rely on it against JOOR.

- Envelope `{"data": [...], "errors": [...]}`, an error entry `{status, message, details: {}}`
  [https://api-docs.jooraccess.com/v2.0/reference/get-orders-1]
  [https://api-docs.jooraccess.com/v2.0/reference/get-collections]; a successful write answers
  `"errors": []` [https://api-docs.jooraccess.com/v2.0/reference/create-prices].
- Writes are a JSON array of items [https://api-docs.jooraccess.com/v2.0/reference/create-products].
  An empty array `[]` is answered 200 `{"data": [], "errors": []}`: JOOR's answer is undocumented;
  zumzie posts `[]` whenever it has nothing to write (code only, docs/joor-api/clients.md §7.9).
- At most 100 items per request, else 400 `BATCH_TOO_LARGE`: an assumption (JOOR documents no limit).
- A batch answers 200 with the written items in `data` and one `errors` entry per refused item, the
  other items being written: an assumption (JOOR does not document partial success). `status` values
  used: INVALID, NOT_FOUND, DUPLICATED (viveren reads DUPLICATED on products and prices, code only).
- `details.index` (the item's position in the request) is a sandbox convenience, do not rely on it.
  Every item error also names the item in `details` by what the client itself sent, when it sent it:
  `id`, `external_id`, `product_id`, `sku_id`.
- Request-level problems (body not JSON, not an array, bad query parameter) answer 400 `BAD_REQUEST`:
  sandbox convenience.
- Paging: JOOR documents none for v4 lists (JOOR's SKU guide: without a filter "the API" gives all
  SKUs [https://api-docs.jooraccess.com/docs/how-to-create-update-price-data]). `page` (1-based) and
  `page_size` (default 100, at most 500) are honoured because a public client sends them (viveren,
  code only); a request with neither gets the whole list (as `v4_orders` does). There is no `meta`
  block. The sandbox instance's `config.v4_paging` switches this: "pages" (default) as just said,
  "ignore" answers the whole list whatever `page`/`page_size` say, "fixed" ignores them and always
  answers the first 100 items — so that a client's termination can be tested against servers that
  do not page the way it expects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from .defaults import (
    V4_DEFAULT_PAGE_SIZE,
    V4_MAX_BULK_ITEMS,
    V4_MAX_PAGE_SIZE,
)
from .http import Request, Response, json_response
from .model import StyleRecord

if TYPE_CHECKING:
    from .app import JoorSandbox

#: Values of the sandbox setting `config.v4_paging` (see the module docstring).
V4_PAGING_MODES = ("pages", "ignore", "fixed")
#: Item fields that name an item in an error's `details` (when the item carries them).
NAMING_KEYS = ("id", "external_id", "product_id", "sku_id")

_PAGING: ContextVar[str] = ContextVar("v4_paging", default="pages")


class V4BadRequest(Exception):
    """A request refused as a whole: 400 with the v4 error envelope and `status` (BAD_REQUEST unless
    told otherwise)."""

    def __init__(self, message: str, status: str = "BAD_REQUEST") -> None:
        super().__init__(message)
        self.status = status


def paging_mode(sb: JoorSandbox) -> str:
    mode = getattr(sb.config, "v4_paging", "pages")
    if mode not in V4_PAGING_MODES:
        raise ValueError(f"v4_paging must be one of {', '.join(V4_PAGING_MODES)}, not {mode!r}")
    return str(mode)


@contextmanager
def paging_for(sb: JoorSandbox) -> Iterator[None]:
    """Make `paged` follow `sb`'s paging setting while one request is handled."""
    token = _PAGING.set(paging_mode(sb))
    try:
        yield
    finally:
        _PAGING.reset(token)


def ids_param(req: Request, name: str) -> list[str] | None:
    """A comma-separated id filter (`?product_ids=1,2`); None when absent. JOOR's one example names a
    single id (`product_ids=3295521` [https://api-docs.jooraccess.com/docs/how-to-create-update-price-data]);
    commas for several are a sandbox convenience."""
    raw = req.arg(name)
    if raw is None:
        return None
    return [part.strip() for part in raw.split(",") if part.strip()]


def paged(req: Request, items: list[Any], render: Callable[[Any], dict[str, Any]]) -> Response:
    """A list answer `{"data": [...], "errors": []}`, paged as the module docstring says."""
    mode = _PAGING.get()
    if mode == "ignore" or (mode == "pages" and req.arg("page") is None and req.arg("page_size") is None):
        chunk = items
    elif mode == "fixed":
        chunk = items[:V4_DEFAULT_PAGE_SIZE]
    else:
        page = int_arg(req, "page", 1, 1, None)
        size = int_arg(req, "page_size", V4_DEFAULT_PAGE_SIZE, 1, V4_MAX_PAGE_SIZE)
        chunk = items[(page - 1) * size : page * size]
    return json_response(200, {"data": [render(i) for i in chunk], "errors": []})


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
    """The items of a bulk body (possibly none); V4BadRequest when it is not a JSON array of at most
    100 items."""
    try:
        data = req.json_body()
    except ValueError as exc:
        raise V4BadRequest(str(exc)) from exc
    if not isinstance(data, list):
        raise V4BadRequest("body must be a JSON array of items")
    if len(data) > V4_MAX_BULK_ITEMS:
        raise V4BadRequest(
            f"at most {V4_MAX_BULK_ITEMS} items per request, got {len(data)}", status="BATCH_TOO_LARGE"
        )
    return data


def name_item(item: Any) -> dict[str, Any]:
    """What the client sent that names `item`: its `id`, `external_id`, `product_id`, `sku_id`."""
    if not isinstance(item, dict):
        return {}
    return {
        key: item[key]
        for key in NAMING_KEYS
        if isinstance(item.get(key), str | int) and not isinstance(item.get(key), bool) and item[key] != ""
    }


def item_error(status: str, message: str, index: int, item: Any = None, /, **details: Any) -> dict[str, Any]:
    """One `errors` entry about the item at `index`: `details` holds `index` (sandbox convenience),
    the given details, and whatever names the item in what the client sent (`item`)."""
    return {"status": status, "message": message, "details": {"index": index, **name_item(item), **details}}


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
            errors.append(item_error(exc.status, exc.message, index, item, **exc.details))
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
    """The style a v4 product id names: the v2 style id as a numeric string. JOOR types product ids as
    strings [https://api-docs.jooraccess.com/v2.0/reference/create-skus]; a JSON number is not one."""
    if not isinstance(product_id, str) or not product_id.strip().isdigit():
        return None
    return sb.catalog.styles.get(int(product_id.strip()))
