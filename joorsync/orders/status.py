"""An imported order's life after the import, both ways.

JOOR → Shopify: a JOOR order cancelled or changed after its import. While the Shopify order has no
fulfilment, a cancellation cancels it (stock restocked) and a change replaces it (the old one is
cancelled, the new document imported); once anything is fulfilled, nothing is touched and the order
waits for a person (CONFLICT), as a fulfilled order cannot be taken back by a program.

Shopify → JOOR: fulfilment and cancellation reach JOOR where its API can take them. JOOR's v4
`orders/bulk_update` sets a status [https://api-docs.jooraccess.com/v2.0/reference/update-order-status]
whose values are IN_PROGRESS, NOTES, PENDING, APPROVED and CANCELLED: a cancellation is sent; v4 has
no shipped status, so a fulfilment is recorded on the order as not sendable. JOOR's v2 API has no
order write at all: a v2 connection records both as not sendable. What could not be sent is shown.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from joorsync.joor.client import JoorClient
from joorsync.joor.errors import JoorBadPayload, JoorPermanentError
from joorsync.orders.events import order_event_record
from joorsync.orders.imports import ImportContext
from joorsync.orders.joor_documents import WholesaleOrder
from joorsync.orders.lines import Hold, resolve_lines
from joorsync.orders.models import ImportedOrder, OrderEvent
from joorsync.orders.shopify_orders import (
    ShopifyOrderRefused,
    ShopifyOrderState,
    order_cancel,
    order_get,
    order_update,
    order_update_fields,
)
from joorsync.sync.models import ApiGeneration, JoorAccount, SyncJob

logger = logging.getLogger(__name__)
State = ImportedOrder.State
NOT_SENDABLE_V2 = "JOOR's v2 API cannot change an order: update it in JOOR by hand."
NOT_SENDABLE_SHIPPED = "JOOR's API has no shipped status for an order, so JOOR still shows it as approved: mark it shipped in JOOR."


def order_joor_change_apply(*, order: ImportedOrder, ctx: ImportContext) -> str:
    """React to a JOOR change of an imported order (see the module docstring); returns the new state.

    A change that leaves the lines and money alone (PO number, ship window, terms, address, comments)
    is written onto the Shopify order with `orderUpdate`, fulfilled or not.
    """
    shopify, job = ctx.shopify, ctx.job
    new = WholesaleOrder.from_json(order.document)
    current = order_get(shopify, order.shopify_order_id) if order.shopify_order_id else None
    cancelled_in_joor = new.status == "CANCELLED"
    if current is not None and current.cancelled_at:
        # Already cancelled in Shopify: nothing more to undo there.
        _set(
            order,
            state=State.CANCELLED if cancelled_in_joor else State.CONFLICT,
            imported_fingerprint=order.fingerprint,
        )
        return order.state
    if (
        current is not None
        and not cancelled_in_joor
        and new.goods_fingerprint() == order.imported_goods_fingerprint
    ):
        return _update_in_place(order, new, current, ctx)
    if current is not None and current.fulfilled_any:
        reason = "cancelled" if cancelled_in_joor else "changed"
        _set(
            order,
            state=State.CONFLICT,
            hold_code="CHANGED_AFTER_FULFILMENT",
            hold_message=(
                f"The order was {reason} in JOOR after Shopify order {order.shopify_order_name} was (partly) "
                "fulfilled. Nothing was changed in Shopify: decide what to do with it there, then mark this resolved."
            ),
        )
        order_event_record(
            order=order,
            action="conflict",
            level=OrderEvent.Level.WARNING,
            message=order.hold_message,
            job=job,
        )
        return State.CONFLICT
    if current is not None:
        note = (
            "Cancelled in JOOR"
            if cancelled_in_joor
            else "Lines or prices changed in JOOR: replaced by a new import"
        )
        try:
            order_cancel(shopify, current.id, note=note)
        except ShopifyOrderRefused as exc:
            _set(order, state=State.CONFLICT, hold_code="CANCEL_REFUSED", hold_message=str(exc))
            order_event_record(
                order=order, action="conflict", level=OrderEvent.Level.ERROR, message=str(exc), job=job
            )
            return State.CONFLICT
        order_event_record(
            order=order,
            action="cancelled",
            message=f"{note}; Shopify order {current.name} cancelled and its stock restocked.",
            job=job,
        )
    if cancelled_in_joor:
        _set(
            order,
            state=State.CANCELLED,
            imported_fingerprint=order.fingerprint,
            shopify_cancelled_at=timezone.now(),
        )
        return State.CANCELLED
    # A changed order is imported again as a new Shopify order (the old one is cancelled above).
    _set(
        order,
        state=State.RECEIVED,
        shopify_order_id="",
        shopify_order_name="",
        imported_fingerprint="",
        imported_goods_fingerprint="",
        shopify_fulfillment_status="",
        shopify_financial_status="",
    )
    return State.RECEIVED


def _update_in_place(
    order: ImportedOrder, new: WholesaleOrder, current: ShopifyOrderState, ctx: ImportContext
) -> str:
    try:
        resolution = resolve_lines(new, ctx.index)
        order_update(ctx.shopify, current.id, order_update_fields(new, resolution, ctx.settings))
    except (Hold, ShopifyOrderRefused) as exc:
        _set(order, state=State.CONFLICT, hold_code="UPDATE_REFUSED", hold_message=str(exc))
        order_event_record(
            order=order, action="conflict", level=OrderEvent.Level.ERROR, message=str(exc), job=ctx.job
        )
        return State.CONFLICT
    _set(order, imported_fingerprint=order.fingerprint)
    order_event_record(
        order=order,
        action="updated",
        message=f"Changed in JOOR (not its lines or prices): Shopify order {current.name} updated to match.",
        job=ctx.job,
    )
    return State.IMPORTED


def _set(order: ImportedOrder, **values: object) -> None:
    values["updated_at"] = timezone.now()
    ImportedOrder.objects.filter(pk=order.pk).update(**values)
    for key, value in values.items():
        setattr(order, key, value)


def order_shopify_status_record(
    *,
    order: ImportedOrder,
    fulfillment_status: str | None,
    financial_status: str | None,
    cancelled_at: str | None,
) -> bool:
    """Note what Shopify says of the order (a webhook, a read); True when it changed something that
    JOOR should hear about."""
    cancelled = parse_datetime(cancelled_at) if cancelled_at else None
    with transaction.atomic():
        row = ImportedOrder.objects.select_for_update().get(pk=order.pk)
        fulfilment = (fulfillment_status or row.shopify_fulfillment_status or "").upper()
        changed = fulfilment != row.shopify_fulfillment_status or (
            cancelled is not None and row.shopify_cancelled_at is None
        )
        ImportedOrder.objects.filter(pk=row.pk).update(
            shopify_fulfillment_status=fulfilment[:30],
            shopify_financial_status=(financial_status or row.shopify_financial_status or "").upper()[:30],
            shopify_cancelled_at=cancelled or row.shopify_cancelled_at,
            status_push_due=row.status_push_due or changed,
            updated_at=timezone.now(),
        )
    return changed


def order_status_push(
    *, order: ImportedOrder, joor: JoorClient, account: JoorAccount, job: SyncJob | None = None
) -> None:
    """Send the Shopify order's state to JOOR where the API allows; record what it does not allow."""
    row = ImportedOrder.objects.get(pk=order.pk)
    if (
        row.state == State.CANCELLED
        and row.shopify_cancelled_at
        and WholesaleOrder.from_json(row.document).status == "CANCELLED"
    ):
        _set(row, status_push_due=False)  # the cancellation came from JOOR
        return
    note = ""
    sent = row.joor_status_sent
    if row.shopify_cancelled_at is not None:
        if account.api_generation != ApiGeneration.V4:
            note = "Cancelled in Shopify. " + NOT_SENDABLE_V2
        elif sent != "CANCELLED":
            try:
                result = joor.bulk_update("orders", [{"id": row.joor_order_id, "status": "CANCELLED"}])
            except (JoorPermanentError, JoorBadPayload) as exc:
                note = f"Cancelled in Shopify; JOOR refused the cancellation: {exc}"
            else:
                if result.ok:
                    sent = "CANCELLED"
                    order_event_record(
                        order=row, action="joor_status", message="Cancelled in JOOR, as in Shopify.", job=job
                    )
                else:
                    note = "Cancelled in Shopify; JOOR refused the cancellation: " + "; ".join(
                        f.message for f in result.failures
                    )
    elif row.shopify_fulfillment_status in ("FULFILLED", "PARTIALLY_FULFILLED"):
        word = "Fulfilled" if row.shopify_fulfillment_status == "FULFILLED" else "Partly fulfilled"
        note = f"{word} in Shopify. " + (
            NOT_SENDABLE_SHIPPED if account.api_generation == ApiGeneration.V4 else NOT_SENDABLE_V2
        )
    if note and note != row.status_note:
        order_event_record(
            order=row, action="joor_status", level=OrderEvent.Level.WARNING, message=note, job=job
        )
    _set(row, status_push_due=False, joor_status_sent=sent, status_note=note)


def order_conflict_resolve(*, order: ImportedOrder, by: str) -> bool:
    """A person has dealt with an order JOOR changed after it was fulfilled (in Shopify, by hand): the
    JOOR document is taken as the one the Shopify order now stands for. False if not in conflict."""
    row = ImportedOrder.objects.filter(pk=order.pk, state=State.CONFLICT).first()
    if row is None:
        return False
    cancelled = WholesaleOrder.from_json(row.document).status == "CANCELLED"
    _set(
        row,
        state=State.CANCELLED if cancelled else State.IMPORTED,
        imported_fingerprint=row.fingerprint,
        imported_goods_fingerprint=WholesaleOrder.from_json(row.document).goods_fingerprint(),
        hold_code="",
        hold_message="",
    )
    order_event_record(order=row, action="resolved", message=f"Marked resolved by {by or 'a person'}.")
    return True
