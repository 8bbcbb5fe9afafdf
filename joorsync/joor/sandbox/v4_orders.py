"""v4 orders and their SKU line items (the order store is shared with v2; the rules and their sources
are in the `orders` module docstring).

Envelope `{"data": [...], "errors": [...]}` [https://api-docs.jooraccess.com/v2.0/reference/get-orders-1].
Lists and bulk bodies follow `v4_common` (its docstring gives the sources): no `meta` (JOOR documents
no v4 order paging); `page`/`page_size` (viveren sends them, code only) are honoured as on every v4
list of the sandbox; `[]` is answered 200 `{"data": [], "errors": []}`; more than 100 items is a 400
BATCH_TOO_LARGE (an assumption); each refused item gives one `errors` entry and the others are written.
Other parameters viveren sends to `GET /v4/orders` (`date_approved_start/end`, `export_status`,
`sort_by`, `sort_order`) are ignored, as a server that ignores unknown parameters would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import orders
from .http import Request, Response
from .v2 import BadRequest
from .v4_common import ItemError, V4BadRequest, ids_param, paged, run_bulk

if TYPE_CHECKING:
    from .app import JoorSandbox


def _bulk(req: Request, write: Callable[[dict[str, Any]], dict[str, Any]]) -> Response:
    def apply(index: int, item: dict[str, Any]) -> dict[str, Any]:
        try:
            return write(item)
        except orders.OrderProblem as exc:
            raise ItemError(exc.status, exc.message, **exc.details) from None

    return run_bulk(req, apply)


def get_orders(sb: JoorSandbox, req: Request) -> Response:
    """`GET /v4/orders?account=…&order_ids=…`
    [https://api-docs.jooraccess.com/v2.0/reference/get-orders-1]."""
    ids = ids_param(req, "order_ids")
    try:
        if ids is not None:
            found = [o for oid in dict.fromkeys(ids) if (o := orders.find_order(sb, oid)) is not None]
        else:
            found = orders.filter_orders(sb, status=req.arg("status"), last_modified=req.arg("last_modified"))
    except BadRequest as exc:
        raise V4BadRequest(str(exc)) from exc
    return paged(req, found, orders.v4_order)


def orders_bulk_create(sb: JoorSandbox, req: Request) -> Response:
    """`POST /v4/orders/bulk_create` [https://api-docs.jooraccess.com/v2.0/reference/create-order]."""
    return _bulk(req, lambda item: orders.v4_order(orders.create_order(sb, item)))


def orders_bulk_update(sb: JoorSandbox, req: Request) -> Response:
    """`POST /v4/orders/bulk_update` [https://api-docs.jooraccess.com/v2.0/reference/update-order-status]."""
    return _bulk(req, lambda item: orders.v4_order(orders.update_order(sb, item)))


def get_line_items(sb: JoorSandbox, req: Request) -> Response:
    """`GET /v4/orders/sku_line_items?account=…[&order_ids=…][&line_item_ids=…]`
    [https://api-docs.jooraccess.com/v2.0/reference/get-order-line-items]."""
    rows = orders.lines_matching(sb, ids_param(req, "order_ids"), ids_param(req, "line_item_ids"))
    return paged(req, rows, lambda row: row)


def line_items_bulk_create(sb: JoorSandbox, req: Request) -> Response:
    """`POST /v4/orders/sku_line_items/bulk_create`
    [https://api-docs.jooraccess.com/v2.0/reference/add-new-item]."""
    return _bulk(req, lambda item: orders.v4_line(sb, *orders.add_line(sb, item)))


def line_items_bulk_update(sb: JoorSandbox, req: Request) -> Response:
    """`POST /v4/orders/sku_line_items/bulk_update`
    [https://api-docs.jooraccess.com/v2.0/reference/update-line-item-quantity]."""
    return _bulk(req, lambda item: orders.v4_line(sb, *orders.update_line(sb, item)))
