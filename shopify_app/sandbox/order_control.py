"""Sandbox-only order routes — what a merchant does in the Shopify admin — and their Python helpers.

  POST /_sandbox/orders/{id}/fulfill   ship lines: body `{"lines": {"<line item gid or id>": qty}}`,
                                       default everything unfulfilled; optional `"tracking"`
                                       (`{"number", "url", "company"}`)
  POST /_sandbox/orders/{id}/cancel    cancel: body `{"reason", "restock", "refund", "staffNote"}`,
                                       defaults OTHER, restock and refund
  GET  /_sandbox/orders                a JSON list of the shop's orders (REST JSON) with their
                                       fulfilment orders

Both changes fire the webhooks the admin action fires.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from shopify_app.sandbox.fulfillment_mutations import fulfilled_changes
from shopify_app.sandbox.fulfillments import Pick, create_fulfillment, fulfill_everything, tracking_in
from shopify_app.sandbox.models import parse_gid
from shopify_app.sandbox.order_models import Order
from shopify_app.sandbox.order_payloads import order_json
from shopify_app.sandbox.orders import cancel_order, cancel_problems
from shopify_app.sandbox.store import Change, ShopState

if TYPE_CHECKING:
    from shopify_app.sandbox.app import ShopifySandbox

CANCEL_REASONS = ("CUSTOMER", "DECLINED", "FRAUD", "INVENTORY", "STAFF", "OTHER")  # OrderCancelReason
ORDER_ROUTE = re.compile(r"^/_sandbox/orders(?:/(?P<id>\d+)/(?P<action>fulfill|cancel))?$")


def _order(state: ShopState, order_id: int | str) -> Order:
    number = order_id if isinstance(order_id, int) else parse_gid(order_id, "Order")
    if number is None and isinstance(order_id, str) and order_id.isdigit():
        number = int(order_id)
    order = state.orders.get(number) if number is not None else None
    if order is None:
        raise LookupError(f"unknown order {order_id}")
    return order


def _line_id(key: str) -> int:
    number = parse_gid(key, "LineItem") if key.startswith("gid://") else (int(key) if key.isdigit() else None)
    if number is None:
        raise ValueError(f"not a line item: {key}")
    return number


def _picks(order: Order, lines: dict[str, int]) -> dict[int, list[Pick]]:
    """Requested units per line → what to ship from which fulfilment order, grouped by location."""
    by_location: dict[int, list[Pick]] = {}
    for key, quantity in lines.items():
        line_id = _line_id(str(key))
        if order.line_item(line_id) is None:
            raise ValueError(f"order {order.name} has no line item {key}")
        wanted = int(quantity)
        for fo in order.fulfillment_orders:
            for foli in fo.line_items:
                if wanted and fo.fulfillable and foli.line_item_id == line_id and foli.remaining:
                    units = min(wanted, foli.remaining)
                    by_location.setdefault(fo.location_id, []).append((fo, foli, units))
                    wanted -= units
        if wanted:
            raise ValueError(f"line item {key} has fewer than {quantity} units left to fulfil")
    return by_location


def fulfill_order(
    sandbox: ShopifySandbox,
    order_id: int | str,
    lines: dict[str, int] | None = None,
    *,
    tracking: dict[str, Any] | None = None,
    shop: str | None = None,
) -> dict[str, Any]:
    """Ship an order's lines (all that remain by default), one fulfilment per location; fires
    fulfillments/create and orders/fulfilled or orders/partially_fulfilled. Returns the order's JSON."""

    def action(state: ShopState, out: list[Change]) -> dict[str, Any]:
        order = _order(state, order_id)
        if order.cancelled_at is not None:
            raise ValueError(f"order {order.name} is cancelled")
        info = tracking_in(tracking)
        if lines:
            shipped = [
                create_fulfillment(state, out, order, picks, info) for picks in _picks(order, lines).values()
            ]
        else:
            shipped = fulfill_everything(state, out, order, info)
        if not shipped:
            raise ValueError(f"order {order.name} has nothing left to fulfil")
        for fulfillment in shipped:
            out.extend(fulfilled_changes(state, order, fulfillment))
        return order_json(state, order)

    return sandbox._merchant(shop, action)


def cancel(
    sandbox: ShopifySandbox,
    order_id: int | str,
    *,
    reason: str = "OTHER",
    restock: bool = True,
    refund: bool = True,
    staff_note: str | None = None,
    shop: str | None = None,
) -> dict[str, Any]:
    """Cancel an order as the admin does (refunding and restocking by default); fires
    orders/cancelled. Raises ValueError with Shopify's message when it cannot be cancelled."""

    if reason not in CANCEL_REASONS:
        raise ValueError(f"reason must be one of {', '.join(CANCEL_REASONS)}")

    def action(state: ShopState, out: list[Change]) -> dict[str, Any]:
        order = _order(state, order_id)
        args = {"reason": reason, "restock": restock, "refund": refund, "staffNote": staff_note}
        problems = cancel_problems(order, args)
        if problems:
            raise ValueError(problems[0]["message"])
        cancel_order(state, out, order, args)
        return order_json(state, order)

    return sandbox._merchant(shop, action)


def list_orders(sandbox: ShopifySandbox, shop: str | None = None) -> list[dict[str, Any]]:
    state = sandbox.shop(shop)
    with sandbox.lock:
        return [
            {
                **order_json(state, order),
                "fulfillment_orders": [
                    {
                        "id": fo.id,
                        "status": fo.status.lower(),
                        "assigned_location_id": fo.location_id,
                        "line_items": [
                            {
                                "line_item_id": foli.line_item_id,
                                "quantity": foli.total,
                                "fulfillable_quantity": foli.remaining,
                            }
                            for foli in fo.line_items
                        ],
                    }
                    for fo in order.fulfillment_orders
                ],
            }
            for order in sorted(state.orders.values(), key=lambda o: o.id)
        ]


def route(sandbox: ShopifySandbox, method: str, path: str, environ: dict[str, Any]) -> tuple[int, Any] | None:
    """The answer (status, JSON) to an order route, or None when the path is not one."""
    match = ORDER_ROUTE.match(path)
    if match is None:
        return None
    shop = sandbox._shop_from(environ, sandbox._query(environ).get("shop"))
    if shop is None:
        return 404, {"errors": "Not Found"}
    if match["id"] is None:
        if method != "GET":
            return 405, {"errors": "Method Not Allowed"}
        return 200, list_orders(sandbox, shop)
    if method != "POST":
        return 405, {"errors": "Method Not Allowed"}
    try:
        data = json.loads(sandbox._body(environ) or b"{}")
    except ValueError:
        return 400, {"errors": "Malformed JSON body"}
    if not isinstance(data, dict):
        return 400, {"errors": "Expected a JSON object"}
    try:
        if match["action"] == "fulfill":
            order = fulfill_order(
                sandbox, int(match["id"]), data.get("lines"), tracking=data.get("tracking"), shop=shop
            )
        else:
            order = cancel(
                sandbox,
                int(match["id"]),
                reason=str(data.get("reason") or "OTHER").upper(),
                restock=bool(data.get("restock", True)),
                refund=bool(data.get("refund", True)),
                staff_note=data.get("staffNote"),
                shop=shop,
            )
    except LookupError as exc:
        return 404, {"errors": str(exc)}
    except (ValueError, TypeError) as exc:
        return 422, {"errors": str(exc)}
    return 200, {"order": order}
