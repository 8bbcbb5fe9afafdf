"""One JOOR order into Shopify, exactly once.

The row is set CREATING (committed) before `orderCreate` is sent, and IMPORTED with the Shopify id
after. A row found CREATING was interrupted somewhere between the two: the order is looked up by its
tag first, and adopted if Shopify has it; only when Shopify has no such order is it created. An
order that cannot be imported whole is HELD with the reason and the lines named, and retried when
its links or document change (`order_retry`), never imported in part.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone

from joorsync.orders.events import order_event_record
from joorsync.orders.joor_documents import WholesaleOrder
from joorsync.orders.lines import Hold, VariantIndex, order_checks, resolve_lines
from joorsync.orders.models import ImportedOrder, OrderEvent, OrderSettings, RetailerLink
from joorsync.orders.shopify_orders import (
    ShopifyOrderRefused,
    ShopifyOrderState,
    company_by_external_id,
    company_create,
    customer_by_email,
    fulfillment_order_move,
    order_create,
    order_create_variables,
    order_tag,
    orders_tagged,
    split_name,
)
from joorsync.sync.models import SyncJob
from shopify_app.admin.client import AdminClient
from shopify_app.admin.errors import ShopifyError, ShopifyGraphQLError

logger = logging.getLogger(__name__)
State = ImportedOrder.State


@dataclass
class ImportContext:
    """What every order of one run shares: clients, settings, the variant index, the shop currency."""

    shopify: AdminClient
    settings: OrderSettings
    index: VariantIndex
    shop_currency: str
    primary_location_id: str
    job: SyncJob | None = None


def _hold(row: ImportedOrder, hold: Hold, ctx: ImportContext) -> None:
    ImportedOrder.objects.filter(pk=row.pk).update(
        state=State.HELD,
        hold_code=hold.code,
        hold_message=hold.message,
        hold_details=hold.details or None,
        creating_since=None,
        updated_at=timezone.now(),
    )
    if (row.hold_code, row.hold_message) != (hold.code, hold.message):
        order_event_record(
            order=row,
            action="held",
            message=hold.message,
            level=OrderEvent.Level.WARNING,
            details={"code": hold.code, **hold.details},
            job=ctx.job,
        )


def _imported(row: ImportedOrder, state: ShopifyOrderState, ctx: ImportContext, *, adopted: bool) -> None:
    ImportedOrder.objects.filter(pk=row.pk).update(
        state=State.IMPORTED,
        shopify_order_id=state.id,
        shopify_order_name=state.name,
        shopify_financial_status=state.financial_status,
        shopify_fulfillment_status=state.fulfillment_status,
        imported_fingerprint=row.fingerprint,
        imported_goods_fingerprint=WholesaleOrder.from_json(row.document).goods_fingerprint(),
        imported_at=timezone.now(),
        creating_since=None,
        hold_code="",
        hold_message="",
        hold_details=None,
        updated_at=timezone.now(),
    )
    message = (
        f"Found Shopify order {state.name}, created by an interrupted attempt, and linked it."
        if adopted
        else f"Imported as Shopify order {state.name}."
    )
    order_event_record(
        order=row, action="imported", message=message, details={"shopify_order_id": state.id}, job=ctx.job
    )


def _find_created(row: ImportedOrder, ctx: ImportContext) -> ShopifyOrderState | None:
    """The Shopify order an interrupted create may have made. Shopify's order search can lag behind a
    create by seconds, so a very recent attempt is given `ORDER_SEARCH_SETTLE_SECONDS` first."""
    settle = float(django_settings.ORDER_SEARCH_SETTLE_SECONDS)
    if row.creating_since is not None and settle > 0:
        waited = (timezone.now() - row.creating_since).total_seconds()
        if waited < settle:
            time.sleep(settle - waited)
    found = orders_tagged(ctx.shopify, order_tag(row.joor_order_id))
    # A cancelled order with the tag is one this JOOR order replaced (changed in JOOR): not the one.
    live = [
        o for o in found if not o.cancelled_at and o.source_identifier in ("", f"joor:{row.joor_order_id}")
    ]
    return live[0] if live else None


def _customer_part(order: WholesaleOrder, ctx: ImportContext) -> tuple[dict[str, Any] | None, str]:
    """The `customer` input and company location id for the order's retailer (raises `Hold`)."""
    shop_id = ctx.settings.shop_id
    code = order.retailer_code or order.email
    link = RetailerLink.objects.filter(shop_id=shop_id, retailer_code=code).first() if code else None
    if ctx.settings.retailer_mode == OrderSettings.RetailerMode.COMPANY and code:
        if link is None or not link.shopify_company_location_id:
            refs = company_by_external_id(ctx.shopify, code)
            if refs is None or not refs.location_id:
                existing = _email_free(order, ctx, code)
                refs = company_create(ctx.shopify, order, existing_customer_id=existing)
            link, _ = RetailerLink.objects.update_or_create(
                shop_id=shop_id,
                retailer_code=code,
                defaults={
                    "retailer_name": order.retailer_name[:255],
                    "email": order.email[:255],
                    "shopify_company_id": refs.company_id,
                    "shopify_company_location_id": refs.location_id,
                    "shopify_customer_id": refs.contact_customer_id,
                },
            )
        customer = {"toAssociate": {"id": link.shopify_customer_id}} if link.shopify_customer_id else None
        return customer, link.shopify_company_location_id
    if link is not None and link.shopify_customer_id:
        return {"toAssociate": {"id": link.shopify_customer_id}}, ""
    if order.email:
        existing = _email_free(order, ctx, code)
        if existing:
            RetailerLink.objects.update_or_create(
                shop_id=shop_id,
                retailer_code=code,
                defaults={
                    "retailer_name": order.retailer_name[:255],
                    "email": order.email[:255],
                    "shopify_customer_id": existing,
                },
            )
            return {"toAssociate": {"id": existing}}, ""
    first, last = split_name(order.contact_name or order.buyer_name or order.retailer_name)
    upsert = {
        "email": order.email or None,
        "firstName": first or None,
        "lastName": last or None,
        "note": f"JOOR retailer {order.retailer_name} ({order.retailer_code})"[:5000],
        "tags": ["JOOR retailer"],
    }
    return {"toUpsert": {k: v for k, v in upsert.items() if v}}, ""


def _email_free(order: WholesaleOrder, ctx: ImportContext, code: str) -> str:
    """The id of the Shopify customer with the order's e-mail, if it may be this retailer's; `Hold`
    when it is already another JOOR retailer's customer."""
    if not order.email:
        return ""
    found = customer_by_email(ctx.shopify, order.email)
    if not found:
        return ""
    customer_id = str(found.get("id") or "")
    other = (
        RetailerLink.objects.filter(shop_id=ctx.settings.shop_id, shopify_customer_id=customer_id)
        .exclude(retailer_code=code)
        .first()
    )
    if other is not None:
        raise Hold(
            "EMAIL_TAKEN",
            f"The retailer's e-mail {order.email} belongs to Shopify customer {found.get('displayName') or customer_id}, "
            f"who already receives the orders of JOOR retailer {other.retailer_name or other.retailer_code}. "
            "Correct the e-mail in JOOR, or link the retailers by hand, then retry.",
            {"email": order.email, "customer_id": customer_id, "other_retailer": other.retailer_code},
        )
    return customer_id


def _fulfil_location(order: WholesaleOrder, ctx: ImportContext) -> str:
    """The mapped location of the order's JOOR warehouse, else of its linesheet (delivery), else the
    default location; blank leaves the choice to Shopify."""
    mapping = ctx.settings.warehouse_locations or {}
    for key in (order.warehouse_code, order.delivery):
        if key and mapping.get(key):
            return str(mapping[key])
    return str(ctx.settings.default_location_id or "")


def order_import(*, order_pk: int, ctx: ImportContext) -> str:
    """Import one stored order; returns its state afterwards. Raises only for failures worth a retry
    of the whole run (the order stays CREATING or RECEIVED and is taken again)."""
    with transaction.atomic():
        row = ImportedOrder.objects.select_for_update().filter(pk=order_pk).first()
        if row is None or row.state not in (State.RECEIVED, State.CREATING):
            return row.state if row else ""
        parsed = WholesaleOrder.from_json(row.document)
        if parsed.status not in IMPORTABLE_STATUSES:
            ImportedOrder.objects.filter(pk=row.pk).update(state=State.SKIPPED, updated_at=timezone.now())
            order_event_record(
                order=row,
                action="skipped",
                message=f"Not imported: the order is {parsed.status.replace('_', ' ').lower()} in JOOR.",
                job=ctx.job,
            )
            return State.SKIPPED
    if row.state == State.CREATING:
        found = _find_created(row, ctx)
        if found is not None:
            _imported(row, found, ctx, adopted=True)
            return State.IMPORTED
    try:
        order_checks(parsed, shop_currency=ctx.shop_currency)
        resolution = resolve_lines(parsed, ctx.index)
        customer, company_location_id = _customer_part(parsed, ctx)
    except Hold as hold:
        _hold(row, hold, ctx)
        return State.HELD
    except (ShopifyOrderRefused, ShopifyGraphQLError) as exc:
        _hold(row, Hold("SHOPIFY_REFUSED", str(exc), {}), ctx)
        return State.HELD
    location = _fulfil_location(parsed, ctx)
    variables = order_create_variables(
        order=parsed,
        resolution=resolution,
        settings=ctx.settings,
        customer=customer,
        company_location_id=company_location_id,
        fulfil_at=location or ctx.primary_location_id,
    )
    ImportedOrder.objects.filter(pk=row.pk).update(
        state=State.CREATING,
        creating_since=timezone.now(),
        attempts=row.attempts + 1,
        updated_at=timezone.now(),
    )
    row.creating_since = timezone.now()
    try:
        created = order_create(ctx.shopify, variables)
    except ShopifyOrderRefused as exc:
        _hold(row, Hold("SHOPIFY_REFUSED", str(exc), {"errors": [e.message for e in exc.user_errors]}), ctx)
        return State.HELD
    except ShopifyGraphQLError as exc:
        # Refused as a whole (nothing created): this order's problem, not the run's.
        _hold(row, Hold("SHOPIFY_REFUSED", str(exc), {"errors": exc.messages}), ctx)
        return State.HELD
    _imported(row, created, ctx, adopted=False)
    _after_create(row, parsed, created, ctx, location=location, customer=customer)
    return State.IMPORTED


#: JOOR statuses an order is imported in; others (cancelled, notes, in progress) are not.
IMPORTABLE_STATUSES = frozenset({"APPROVED", "SHIPPED", "PENDING"})


def _after_create(
    row: ImportedOrder,
    order: WholesaleOrder,
    created: ShopifyOrderState,
    ctx: ImportContext,
    *,
    location: str,
    customer: dict[str, Any] | None,
) -> None:
    """Best-effort follow-ups: remember the retailer's customer, move the order to its location."""
    code = order.retailer_code or order.email
    if code and created.customer_id and customer and "toUpsert" in customer:
        RetailerLink.objects.update_or_create(
            shop_id=row.shop_id,
            retailer_code=code,
            defaults={
                "retailer_name": order.retailer_name[:255],
                "email": order.email[:255],
                "shopify_customer_id": created.customer_id,
            },
        )
    if not location or ctx.settings.mark_fulfilled:
        return
    for fo_id, status, at in created.fulfillment_orders:
        if status == "OPEN" and at and at != location:
            try:
                fulfillment_order_move(ctx.shopify, fo_id, location)
            except ShopifyError as exc:
                order_event_record(
                    order=row,
                    action="location",
                    level=OrderEvent.Level.WARNING,
                    job=ctx.job,
                    message=f"Could not assign the order to its location ({exc}); Shopify's choice stays.",
                )
            else:
                order_event_record(
                    order=row,
                    action="location",
                    message="Sent to the Shopify location the order settings give for "
                    + _location_reason(order, ctx)
                    + ".",
                    job=ctx.job,
                )


def _location_reason(order: WholesaleOrder, ctx: ImportContext) -> str:
    mapping = ctx.settings.warehouse_locations or {}
    if order.warehouse_code and mapping.get(order.warehouse_code):
        return f"JOOR warehouse {order.warehouse_name or order.warehouse_code}"
    if order.delivery and mapping.get(order.delivery):
        return f"linesheet {order.delivery}"
    return "orders without a mapped warehouse"


def order_retry(*, order: ImportedOrder) -> bool:
    """A person (or a link change) asks for a held order to be tried again. False if it is not held."""
    updated = ImportedOrder.objects.filter(pk=order.pk, state=State.HELD).update(
        state=State.RECEIVED, updated_at=timezone.now()
    )
    if updated:
        order_event_record(order=order, action="retry", message="Retry asked for.")
    return bool(updated)


def held_orders_retry(*, shop_id: int) -> int:
    """Held orders whose reason may have gone away by itself (links, customers) are taken again."""
    return ImportedOrder.objects.filter(
        shop_id=shop_id, state=State.HELD, hold_code__in=("UNKNOWN_SKU", "SHOPIFY_REFUSED", "EMAIL_TAKEN")
    ).update(state=State.RECEIVED, updated_at=timezone.now())
