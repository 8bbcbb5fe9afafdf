"""Reading JOOR's order export without losing or doubling an order.

JOOR marks orders exported when a `sync=1` request returns them, and leaves exported orders out of
`export_status=2` from then on [https://api-docs.jooraccess.com/v2.0/reference/get-orders]. A worker
that dies after JOOR answered a `sync=1` page and before the orders were stored would lose them. So a
pull goes:

1. an `OrderPull` row is written (its start time);
2. preview: `sync=0&export_status=2` — nothing is marked — and every order is stored;
3. marking: `marking_started_at` is written, then `sync=1&export_status=2`, storing every order
   returned (an order already stored is a no-op);
4. `finished_at` is written.

An order that JOOR marks in step 3 was either stored in step 2 or became exportable after the pull
started, so its modified date is after `started_at`. A pull that never finished step 3 is recovered
by reading `sync=0&export_status=3` (exported) modified since `started_at`, and storing what is
missing. The unique (shop, JOOR order) row makes every store idempotent.

Changes after an import (cancelled, edited in JOOR) are read with `sync=0&export_status=4`
("modified since last export") over `order_type=8` (every status) since the last check.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from joorsync.joor.client import JoorClient
from joorsync.joor.errors import JoorAuthError
from joorsync.orders.events import order_event_record
from joorsync.orders.joor_documents import WholesaleOrder, parse_v2_order
from joorsync.orders.models import ImportedOrder, OrderEvent, OrderPull, OrderSettings
from joorsync.orders.v4_read import v4_order_documents
from joorsync.sync.models import SyncJob
from shopify_app.models import Shop

logger = logging.getLogger(__name__)

#: JOOR's v2 `export_status` values [https://api-docs.jooraccess.com/v2.0/reference/get-orders].
NOT_EXPORTED = 2
EXPORTED = 3
MODIFIED_SINCE_EXPORT = 4
#: `order_type=8`: every status, cancelled included.
EVERY_ORDER_TYPE = 8
#: Clock difference tolerated between JOOR's modified dates and ours.
CLOCK_SKEW = timedelta(minutes=10)
#: The hold of an order JOOR's export checks refused (see `_follow_joor_export_checks`).
JOOR_EXPORT_REFUSED = "JOOR_EXPORT_FAILED"
#: States whose document a change in JOOR simply replaces (nothing was created in Shopify).
NOT_CREATED = (ImportedOrder.State.RECEIVED, ImportedOrder.State.HELD, ImportedOrder.State.SKIPPED)


@dataclass
class PullCounts:
    received: int = 0
    new: int = 0
    changed: int = 0
    through_v4: bool = False

    def add(self, outcome: str) -> None:
        self.received += 1
        if outcome == "new":
            self.new += 1
        elif outcome == "changed":
            self.changed += 1


def order_store(
    *, shop: Shop, document: Mapping[str, Any], importable: bool = True
) -> tuple[ImportedOrder | None, str]:
    """Store one JOOR order document: "new", "changed", "same" or "ignored" (no order id, or an
    order the import does not take and has not seen). Idempotent; safe under concurrent calls."""
    parsed = parse_v2_order(document)
    if not parsed.order_id:
        logger.warning("JOOR order without an order_id ignored (shop %s)", shop.pk)
        return None, "ignored"
    values = _row_values(parsed)
    with transaction.atomic():
        row = (
            ImportedOrder.objects.select_for_update().filter(shop=shop, joor_order_id=parsed.order_id).first()
        )
        if row is None:
            if not importable:
                return None, "ignored"
            try:
                with transaction.atomic():
                    row = ImportedOrder.objects.create(shop=shop, joor_order_id=parsed.order_id, **values)
            except IntegrityError:  # stored by a concurrent pull a moment ago
                row = ImportedOrder.objects.select_for_update().get(shop=shop, joor_order_id=parsed.order_id)
            else:
                return row, "new"
        if row.fingerprint == values["fingerprint"]:
            return row, "same"
        update = dict(values)
        if row.state in NOT_CREATED:
            update.update(
                state=ImportedOrder.State.RECEIVED, hold_code="", hold_message="", hold_details=None
            )
        ImportedOrder.objects.filter(pk=row.pk).update(**update, updated_at=timezone.now())
        row.refresh_from_db()
        return row, "changed"


def _row_values(parsed: WholesaleOrder) -> dict[str, Any]:
    return {
        "joor_status": parsed.status[:30],
        "joor_modified_at": parsed.modified,
        "po_number": parsed.po_number[:255],
        "retailer_code": parsed.retailer_code[:100],
        "retailer_name": parsed.retailer_name[:255],
        "currency": parsed.currency[:3],
        "total": parsed.total,
        "units": parsed.units,
        "document": parsed.as_json(),
        "fingerprint": parsed.fingerprint(),
    }


def _store_all(
    shop: Shop, documents: Iterable[Mapping[str, Any]], counts: PullCounts, *, importable: bool
) -> set[str]:
    """Store every document; returns the JOOR ids stored."""
    seen: set[str] = set()
    for document in documents:
        row, outcome = order_store(shop=shop, document=document, importable=importable)
        if outcome != "ignored":
            counts.add(outcome)
        if row is not None:
            seen.add(row.joor_order_id)
    return seen


def order_pull_recover(*, shop: Shop, joor: JoorClient, settings: OrderSettings) -> int:
    """Store orders an interrupted pull may have let JOOR mark exported; returns how many were new."""
    new = 0
    for pull in OrderPull.objects.filter(shop=shop, finished_at__isnull=True, recovered_at__isnull=True):
        if pull.marking_started_at is not None:
            counts = PullCounts()
            _store_all(
                shop,
                joor.iter_orders(
                    sync=False,
                    order_type=settings.order_type,
                    export_status=EXPORTED,
                    modified_since=pull.started_at - CLOCK_SKEW,
                    modified_until=timezone.now() + CLOCK_SKEW,
                ),
                counts,
                importable=True,
            )
            new += counts.new
            logger.info("order pull %s of shop %s recovered: %d new order(s)", pull.pk, shop.pk, counts.new)
        OrderPull.objects.filter(pk=pull.pk).update(recovered_at=timezone.now())
    return new


def order_pull(
    *,
    shop: Shop,
    joor: JoorClient,
    settings: OrderSettings,
    job: SyncJob | None = None,
    v4_fallback: bool = False,
) -> PullCounts:
    """Steps 1–4 of the module docstring, after recovering any interrupted pull. With `v4_fallback`
    (a v4 connection), an export that refuses the connection's token is read through v4 instead."""
    try:
        return _order_pull_v2(shop=shop, joor=joor, settings=settings, job=job)
    except JoorAuthError:
        if not v4_fallback:
            raise
        logger.info("shop %s: JOOR's v2 order export refused the v4 token; reading v4 orders", shop.pk)
        return order_pull_v4(shop=shop, joor=joor, settings=settings)


def order_pull_v4(*, shop: Shop, joor: JoorClient, settings: OrderSettings) -> PullCounts:
    """New orders, and status changes of stored ones, through JOOR's v4 orders (see `v4_read`)."""
    counts = PullCounts(through_v4=True)
    known = dict(ImportedOrder.objects.filter(shop=shop).values_list("joor_order_id", "joor_status"))
    for document, importable in v4_order_documents(joor=joor, order_type=settings.order_type, known=known):
        _, outcome = order_store(shop=shop, document=document, importable=importable)
        if outcome != "ignored":
            counts.add(outcome)
    return counts


def _order_pull_v2(
    *, shop: Shop, joor: JoorClient, settings: OrderSettings, job: SyncJob | None
) -> PullCounts:
    counts = PullCounts()
    counts.new += order_pull_recover(shop=shop, joor=joor, settings=settings)
    pull = OrderPull.objects.create(shop=shop, job=job, started_at=timezone.now())
    previewed = _store_all(
        shop,
        joor.iter_orders(sync=False, order_type=settings.order_type, export_status=NOT_EXPORTED),
        counts,
        importable=True,
    )
    if not previewed:
        # Nothing waits in JOOR: nothing to mark. An order placed since is read by the next pull.
        OrderPull.objects.filter(pk=pull.pk).update(finished_at=timezone.now())
        return counts
    OrderPull.objects.filter(pk=pull.pk).update(marking_started_at=timezone.now())
    marked = _store_all(
        shop,
        joor.iter_orders(sync=True, order_type=settings.order_type, export_status=NOT_EXPORTED),
        counts,
        importable=True,
    )
    _follow_joor_export_checks(shop, previewed=previewed, marked=marked)
    OrderPull.objects.filter(pk=pull.pk).update(
        finished_at=timezone.now(), received=counts.received, new=counts.new, changed=counts.changed
    )
    return counts


def _follow_joor_export_checks(shop: Shop, *, previewed: set[str], marked: set[str]) -> None:
    """JOOR's `sync=1` read leaves out (and marks failed) an order its export checks refuse — missing
    required export fields, deleted styles [https://api-docs.jooraccess.com/v2.0/reference/get-orders]
    — which the preview still showed. Such an order waits, held, until JOOR exports it."""
    refused = ImportedOrder.objects.filter(
        shop=shop, joor_order_id__in=previewed - marked, state=ImportedOrder.State.RECEIVED
    )
    for row in refused:
        ImportedOrder.objects.filter(pk=row.pk, state=ImportedOrder.State.RECEIVED).update(
            state=ImportedOrder.State.HELD,
            hold_code=JOOR_EXPORT_REFUSED,
            hold_message=(
                "JOOR did not hand this order over for export (its export checks failed, for example a "
                "required export field is missing, or it changed in JOOR meanwhile): see the order's "
                "export status in JOOR. It is imported as soon as JOOR exports it."
            ),
            updated_at=timezone.now(),
        )
        order_event_record(
            order=row,
            action="held",
            level=OrderEvent.Level.WARNING,
            message="JOOR did not export this order: its export checks failed.",
        )
    ImportedOrder.objects.filter(
        shop=shop, joor_order_id__in=marked, state=ImportedOrder.State.HELD, hold_code=JOOR_EXPORT_REFUSED
    ).update(state=ImportedOrder.State.RECEIVED, updated_at=timezone.now())


def order_changes_pull(
    *, shop: Shop, joor: JoorClient, settings: OrderSettings, v2: bool = True
) -> PullCounts:
    """Orders already stored that JOOR changed since the last check (any status, cancelled too).
    Without `v2` (a connection read through v4) there is nothing to read: v4 reads see status changes."""
    counts = PullCounts()
    started = timezone.now()
    since = settings.changes_checked_at
    if since is not None and v2:
        _store_all(
            shop,
            joor.iter_orders(
                sync=False,
                order_type=EVERY_ORDER_TYPE,
                export_status=MODIFIED_SINCE_EXPORT,
                modified_since=since - CLOCK_SKEW,
                modified_until=started + CLOCK_SKEW,
            ),
            counts,
            importable=False,
        )
    OrderSettings.objects.filter(pk=settings.pk).update(changes_checked_at=started)
    settings.changes_checked_at = started
    return counts
