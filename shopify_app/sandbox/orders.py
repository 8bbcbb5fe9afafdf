"""Order mutations: orderCreate, orderUpdate, orderCancel, orderMarkAsPaid, orderDelete, tagsAdd/Remove.

Importing this module registers every order-side resolver (reads in `order_resolvers`, fulfilment
mutations in `fulfillment_mutations`). Webhooks (orders/*, fulfillments/*) go out as `Change`s once the
request is done, as for products.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo

from shopify_app.sandbox import fulfillment_mutations as _fulfillment_mutations  # noqa: F401 - registers
from shopify_app.sandbox import order_money as m
from shopify_app.sandbox import order_resolvers as _order_resolvers  # noqa: F401 - registers reads
from shopify_app.sandbox.models import gid, parse_gid
from shopify_app.sandbox.normalize import normalize_phone, normalize_tags
from shopify_app.sandbox.order_create import create_order
from shopify_app.sandbox.order_inputs import address_in, attributes_in, metafields_in
from shopify_app.sandbox.order_inventory import release
from shopify_app.sandbox.order_lookup import order_by_gid
from shopify_app.sandbox.order_models import Order, Refund, Transaction
from shopify_app.sandbox.order_parties import forget_order
from shopify_app.sandbox.order_payloads import order_changes
from shopify_app.sandbox.payloads import product_json
from shopify_app.sandbox.resolvers import ctx, resolves
from shopify_app.sandbox.store import Change, ShopState

MAX_STAFF_NOTE = 255
ORDER_MISSING = "Order does not exist"
UPDATABLE = (
    "email",
    "phone",
    "note",
    "tags",
    "shippingAddress",
    "customAttributes",
    "metafields",
    "poNumber",
)


def _error(field: list[str] | None, message: str, code: str | None = None) -> dict[str, Any]:
    return {"field": field, "message": message, "code": code}


@resolves("Mutation", "orderCreate")
def order_create(
    _: Any, info: GraphQLResolveInfo, order: dict[str, Any], options: dict[str, Any] | None = None
) -> dict[str, Any]:
    context = ctx(info)
    created, errors = create_order(context.state, order, options, context.api_version, context.changes)
    return {"order": created, "userErrors": errors}


# ----- orderUpdate ---------------------------------------------------------------------------------
@resolves("Mutation", "orderUpdate")
def order_update(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
    """Recorded: 2025-01 order-update-parity; unknown id (order-update-unknown-id) and an input with
    only the id, or an unreadable phone (2026-04 orderUpdate-input-validation) are userErrors."""
    context = ctx(info)
    state = context.state
    order = order_by_gid(state, input["id"])
    if order is None:
        return {"order": None, "userErrors": [_error(["id"], ORDER_MISSING)]}
    if not any(key in input for key in UPDATABLE):
        return {"order": order, "userErrors": [_error(None, "No valid update parameters have been provided")]}
    phone = input.get("phone")
    if phone and normalize_phone(phone) is None:
        return {"order": order, "userErrors": [_error(["phone"], "Phone is invalid")]}
    now = state.now()
    for key, attribute in (("email", "email"), ("note", "note"), ("poNumber", "po_number")):
        if key in input:
            setattr(order, attribute, input[key])
    if "phone" in input:
        order.phone = normalize_phone(phone) if phone else None
    if "tags" in input:
        order.tags = normalize_tags(input["tags"])
    if "shippingAddress" in input:
        order.shipping_address = address_in(state, input["shippingAddress"])
    if "customAttributes" in input:
        order.custom_attributes = attributes_in(input["customAttributes"])
    if input.get("metafields"):
        order.metafields = metafields_in(
            state, gid("Order", order.id), order.metafields, input["metafields"], now
        )
    order.updated_at = now
    context.changes.extend(order_changes(state, order, "orders/updated"))
    return {"order": order, "userErrors": []}


# ----- orderCancel ---------------------------------------------------------------------------------
def cancel_problems(order: Order | None, args: dict[str, Any]) -> list[dict[str, Any]]:
    """Recorded: 2026-04 orderCancel-error-messages (staff note length, refund with refundMethod,
    already cancelled) and 2025-01 fulfillment-multi-tracking-info (outstanding fulfilments)."""
    if order is None:
        return [_error(["orderId"], ORDER_MISSING, "NOT_FOUND")]
    if len(args.get("staffNote") or "") > MAX_STAFF_NOTE:
        return [_error(["staffNote"], "Staff note is too long. Maximum length is 255 characters.", "INVALID")]
    if args.get("refund") is not None and args.get("refundMethod") is not None:
        message = "Only one of the arguments `refund` or `refund_method` is allowed."
        return [_error(["refund"], message, "INVALID")]
    if order.cancelled_at is not None:
        return [_error(["orderId"], "Cannot cancel an order that has already been canceled", "INVALID")]
    if any(f.status == "SUCCESS" for f in order.fulfillments):
        return [_error(["orderId"], "Cannot cancel an order that has outstanding fulfillments", "INVALID")]
    return []


def cancel_order(state: ShopState, changes: list[Change], order: Order, args: dict[str, Any]) -> None:
    """Cancel now (the answer's job reports `done: false` but reads already see it; recorded:
    orderCancel-parity). Authorisations are voided; with a refund the money goes back in a REFUND
    transaction; the lines come off the order unless received money stays unrefunded (recorded:
    orderCancel-restock-refundMethod-parity and fulfillment-create-preconditions); restock returns
    the stock claimed at creation."""
    now = state.now()
    refund_method = args.get("refundMethod") or {}
    refund = bool(args.get("refund")) or bool(refund_method.get("originalPaymentMethodsRefund"))
    _void_authorizations(state, order, now)
    owed = m.net_payment(order)
    if refund and owed.positive:
        _refund(state, order, owed, now)
    remove = not m.net_payment(order).positive
    for line in order.line_items:
        if args.get("restock"):
            release(state, changes, line, line.claimed)
        if remove:
            line.removed = line.quantity - order.fulfilled_quantity(line.id)
    for fo in order.fulfillment_orders:
        if fo.fulfillable:
            fo.status = "CLOSED"
            fo.updated_at = now
            if remove:
                for foli in fo.line_items:
                    foli.total -= foli.remaining
                    foli.remaining = 0
    order.cancelled_at, order.cancel_reason = now, args["reason"]
    order.staff_note = args.get("staffNote")
    order.financial_status = None
    order.updated_at = now
    m.settle_closed(order, now)
    changes.extend(order_changes(state, order, "orders/cancelled", "orders/updated"))


def _void_authorizations(state: ShopState, order: Order, now: str) -> None:
    held = m.capturable(order)
    auth = next((t for t in order.transactions if t.kind == "AUTHORIZATION" and t.succeeded), None)
    if held.positive and auth is not None:
        order.transactions.append(
            Transaction(
                state.next_id(),
                "VOID",
                "SUCCESS",
                auth.gateway,
                held,
                now,
                now,
                auth.test,
                auth.id,
                order_id=order.id,
            )
        )


def _refund(state: ShopState, order: Order, amount: Any, now: str) -> None:
    paid = next((t for t in order.transactions if t.kind in m.PAID_KINDS and t.succeeded), None)
    gateway = paid.gateway if paid else "manual"
    transaction = Transaction(
        state.next_id(),
        "REFUND",
        "SUCCESS",
        gateway,
        amount,
        now,
        now,
        bool(paid and paid.test),
        paid.id if paid else None,
        order_id=order.id,
    )
    order.transactions.append(transaction)
    order.refunds.append(Refund(state.next_id(), now, amount, [transaction.id], order_id=order.id))


@resolves("Mutation", "orderCancel")
def order_cancel(_: Any, info: GraphQLResolveInfo, orderId: str, **args: Any) -> dict[str, Any]:  # noqa: N803
    context = ctx(info)
    order = order_by_gid(context.state, orderId)
    problems = cancel_problems(order, args)
    if problems:
        plain = [{"field": p["field"], "message": p["message"]} for p in problems]
        return {"job": None, "orderCancelUserErrors": problems, "userErrors": plain}
    assert order is not None
    cancel_order(context.state, context.changes, order, args)
    job = {"id": f"gid://shopify/Job/{uuid.uuid4()}", "done": False}
    return {"job": job, "orderCancelUserErrors": [], "userErrors": []}


# ----- orderMarkAsPaid -----------------------------------------------------------------------------
@resolves("Mutation", "orderMarkAsPaid")
def order_mark_as_paid(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
    """Recorded (2026-04 orderMarkAsPaid-state-and-money): a manual SALE for what is outstanding
    (capturing an authorisation instead when there is one, as the schema describes); an order already
    paid or with nothing outstanding is refused."""
    context = ctx(info)
    state = context.state
    order = order_by_gid(state, input["id"])
    if order is None:
        return {"order": None, "userErrors": [_error(["id"], ORDER_MISSING)]}
    due = m.outstanding(order) + m.capturable(order)
    if m.display_financial_status(order) == "PAID" or not due.positive or order.cancelled_at is not None:
        return {"order": order, "userErrors": [_error(["id"], "Order cannot be marked as paid.")]}
    now = state.now()
    auth = next((t for t in order.transactions if t.kind == "AUTHORIZATION" and t.succeeded), None)
    held = m.capturable(order)
    if held.positive and auth is not None:
        order.transactions.append(
            Transaction(
                state.next_id(),
                "CAPTURE",
                "SUCCESS",
                auth.gateway,
                held,
                now,
                now,
                auth.test,
                auth.id,
                order_id=order.id,
            )
        )
    rest = m.outstanding(order)
    if rest.positive:
        order.transactions.append(
            Transaction(
                state.next_id(), "SALE", "SUCCESS", "manual", rest, now, now, order.test, order_id=order.id
            )
        )
    order.financial_status = None
    order.updated_at = now
    m.settle_closed(order, now)
    context.changes.extend(order_changes(state, order, "orders/paid", "orders/updated"))
    return {"order": order, "userErrors": []}


# ----- orderDelete ---------------------------------------------------------------------------------
@resolves("Mutation", "orderDelete")
def order_delete(_: Any, info: GraphQLResolveInfo, orderId: str) -> dict[str, Any]:  # noqa: N803
    """Recorded (2026-04 order-delete-snapshot-staging): deletes fulfilled orders too; unknown →
    NOT_FOUND."""
    context = ctx(info)
    state = context.state
    order = order_by_gid(state, orderId)
    if order is None:
        return {"deletedId": None, "userErrors": [_error(["orderId"], ORDER_MISSING, "NOT_FOUND")]}
    forget_order(state, order, m.grand_total(order).shop)
    del state.orders[order.id]
    context.changes.append(Change("orders/delete", {"id": order.id}))
    return {"deletedId": gid("Order", order.id), "userErrors": []}


# ----- tagsAdd / tagsRemove ------------------------------------------------------------------------
def _tag_order(state: ShopState, changes: list[Change], number: int, tags: list[str], add: bool) -> Any:
    order = state.orders.get(number)
    if order is None:
        return None
    order.tags = _retagged(order.tags, tags, add)
    order.updated_at = state.now()
    changes.extend(order_changes(state, order, "orders/updated"))
    return order


def _tag_product(state: ShopState, changes: list[Change], number: int, tags: list[str], add: bool) -> Any:
    product = state.products.get(number)
    if product is None:
        return None
    product.tags = _retagged(product.tags, tags, add)
    product.updated_at = state.now()
    changes.append(Change("products/update", product_json(state, product)))
    return product


# gid kind → (state, changes, number, tags, add) → the tagged record, or None when there is none.
# Other domains add their taggable resources here.
TAGGABLE: dict[str, Callable[[ShopState, list[Change], int, list[str], bool], Any]] = {
    "Order": _tag_order,
    "Product": _tag_product,
}


def _retagged(current: list[str], given: list[str], add: bool) -> list[str]:
    """Recorded (2025-01 tags-add-multi-resource): comma-separated values split; adding a tag that
    differs only in case keeps the existing spelling, tags sorted ignoring case; removing matches the
    exact spelling (`red` leaves `Red`)."""
    wanted = normalize_tags(given)
    if add:
        return normalize_tags([*current, *wanted])
    return [tag for tag in current if tag not in wanted]


def _tags(info: GraphQLResolveInfo, id: str, tags: list[str], add: bool) -> dict[str, Any]:  # noqa: A002
    context = ctx(info)
    kind = id.split("/")[3] if id.startswith("gid://shopify/") and id.count("/") >= 4 else ""
    tagger = TAGGABLE.get(kind)
    number = parse_gid(id, kind) if tagger else None
    record = tagger(context.state, context.changes, number, tags, add) if tagger and number else None
    if record is None:
        # Recorded: an unsupported id is a top-level RESOURCE_NOT_FOUND "invalid id".
        raise GraphQLError("invalid id", extensions={"code": "RESOURCE_NOT_FOUND"})
    return {"node": record, "userErrors": []}


@resolves("Mutation", "tagsAdd")
def tags_add(_: Any, info: GraphQLResolveInfo, id: str, tags: list[str]) -> dict[str, Any]:  # noqa: A002
    return _tags(info, id, tags, True)


@resolves("Mutation", "tagsRemove")
def tags_remove(_: Any, info: GraphQLResolveInfo, id: str, tags: list[str]) -> dict[str, Any]:  # noqa: A002
    return _tags(info, id, tags, False)
