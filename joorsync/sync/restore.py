"""Putting back the value a write of the app replaced, from the product's history.

A restore is a person's decision about one field, so it is recorded and written the way a conflict's
resolution is: a resolved `Conflict` row (resolution `restored`) that the next job for the product
writes to both sides through the plan and the write gate, and that the conflicts list shows with who
asked. Nothing is written here.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from joorsync.pricing.categories import CATEGORY_PATH
from joorsync.sync.canonical import is_blank
from joorsync.sync.history import change_restore_refusal
from joorsync.sync.jobs import sync_event_record, sync_job_request, sync_job_target_for_link
from joorsync.sync.models import Conflict, ProductLink, SyncEvent, SyncJob


class RestoreRefused(ValueError):
    """The write cannot be put back (the message says why, in a merchant's words)."""


def _recorded_change(event: SyncEvent, path: str) -> dict[str, Any]:
    details = event.details if isinstance(event.details, dict) else {}
    for row in details.get("changes") or []:
        if isinstance(row, dict) and row.get("path") == path:
            return row
    raise RestoreRefused("That write did not change this field.")


def _is_latest(event: SyncEvent, path: str) -> bool:
    """Whether no later write of the app changed the same field on the same side."""
    later = SyncEvent.objects.filter(
        link_id=event.link_id, action="updated", side=event.side, pk__gt=event.pk
    )
    for details in later.values_list("details", flat=True):
        if isinstance(details, dict) and path in (details.get("paths") or []):
            return False
    return True


def product_change_restore(*, link: ProductLink, event: SyncEvent, path: str, user: str) -> Conflict:
    """Ask for the value before `event`'s write of `path` to stand again on both sides.

    Refused (`RestoreRefused`) when the write is no longer the current value, another decision waits
    on the field, the value before was not kept whole, or it is stock. An empty value before clears
    the field on both sides, only where the field may be empty. Queues the product's job.
    """
    if event.link_id != link.pk or event.action != "updated" or event.shop_id != link.shop_id:
        raise RestoreRefused("That change is not this product's.")
    change = _recorded_change(event, path)
    with transaction.atomic():
        locked = ProductLink.objects.select_for_update().get(pk=link.pk)
        refusal = change_restore_refusal(link=locked, change=change)
        if not refusal and not _is_latest(event, path):
            refusal = "A later write changed this field."
        if refusal:
            raise RestoreRefused(refusal)
        old = change.get("old")
        clearing = is_blank(old)
        now = timezone.now()
        # The category is Shopify's alone (no agreed value): what the app wrote is what it holds.
        current = change.get("new") if path == CATEGORY_PATH else (locked.snapshot or {}).get(path)
        decision = Conflict.objects.create(
            shop_id=locked.shop_id,
            link=locked,
            field_path=path,
            base_value=current,
            shopify_value=current,
            joor_value=current,
            status=Conflict.Status.RESOLVED,
            resolution=Conflict.Resolution.CLEAR if clearing else Conflict.Resolution.RESTORED,
            resolved_value=None if clearing else old,
            resolved_by=user[:255],
            resolved_at=now,
        )
        sync_event_record(
            action="restore_requested",
            shop=locked.shop,
            link=locked,
            message="Restore of the earlier value asked",
            details={"field_path": path, "value": None if clearing else old, "from_event": event.pk},
        )
        sync_job_request(
            shop=locked.shop,
            kind=SyncJob.Kind.TARGETED,
            target=sync_job_target_for_link(link=locked),
            trigger=SyncJob.Trigger.MANUAL,
        )
    return decision
