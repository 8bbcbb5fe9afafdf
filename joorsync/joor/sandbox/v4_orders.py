"""v4 orders and their SKU line items (the order store is shared with v2, see `orders`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import orders
from .http import Request, Response
from .v2 import BadRequest
from .v4_common import (
    ItemError,
    V4BadRequest,
    ids_param,
    paged,
    run_bulk,
)

if TYPE_CHECKING:
    from .app import JoorSandbox


def get_orders(sb: JoorSandbox, req: Request) -> Response:
    ids = ids_param(req, "order_ids")
    try:
        if ids is not None:
            found = [o for oid in ids if (o := orders.find_order(sb, oid)) is not None]
        else:
            found = orders.filter_orders(sb, status=req.arg("status"), last_modified=req.arg("last_modified"))
    except BadRequest as exc:
        raise V4BadRequest(str(exc)) from exc
    return paged(req, found, orders.v4_order)


def orders_bulk_create(sb: JoorSandbox, req: Request) -> Response:
    def apply(index: int, item: dict[str, Any]) -> dict[str, Any]:
        result = orders.create_order(sb, item)
        if isinstance(result, dict):
            raise ItemError(result["status"], result["message"], **result["details"])
        return orders.v4_order(result)

    return run_bulk(req, apply)


def orders_bulk_update(sb: JoorSandbox, req: Request) -> Response:
    def apply(index: int, item: dict[str, Any]) -> dict[str, Any]:
        result = orders.update_order(sb, item)
        if isinstance(result, dict):
            raise ItemError(result["status"], result["message"], **result["details"])
        return orders.v4_order(result)

    return run_bulk(req, apply)


def get_line_items(sb: JoorSandbox, req: Request) -> Response:
    ids = ids_param(req, "order_ids")
    if not ids:
        raise V4BadRequest("order_ids is required")
    rows = [
        orders.v4_line(o, line)
        for oid in ids
        if (o := orders.find_order(sb, oid)) is not None
        for line in o.lines
    ]
    return paged(req, rows, lambda row: row)


def line_items_bulk_update(sb: JoorSandbox, req: Request) -> Response:
    def apply(index: int, item: dict[str, Any]) -> dict[str, Any]:
        result = orders.update_line(sb, item)
        if isinstance(result, dict):
            raise ItemError(result["status"], result["message"], **result["details"])
        return orders.v4_line(*result)

    return run_bulk(req, apply)
