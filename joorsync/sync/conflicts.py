"""Resolving conflicts: a person picks Shopify's value, JOOR's value, a new one, or clears the field.

A resolution is only a decision: `applied_at` stays empty until the next job for the link writes the
value to both sides (the engine sets it), so a resolution is never lost to a failed write. Resolving
queues that job at once (targeted, debounced per product).

Emptying a field is never a side effect: an empty kept or typed value is refused, and only the
`clear` resolution (`resolved_value` None) empties a field, on both sides. The engine reads a `clear`
resolution as the person's explicit permission to write the blank.

A person may take a decision back (`conflict_resolution_undo`) for as long as nothing may have written
it: not once a job recorded it as applied, nor while a job that can pick it up is running.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from joorsync.sync.canonical import is_blank, parse_variant_path
from joorsync.sync.jobs import sync_event_record, sync_job_request, sync_job_target_for_link, target_items
from joorsync.sync.models import Conflict, ProductLink, SyncJob
from joorsync.sync.selectors import conflicts_open_for
from shopify_app.models import Shop

RESOLUTIONS = (
    Conflict.Resolution.KEEP_SHOPIFY,
    Conflict.Resolution.KEEP_JOOR,
    Conflict.Resolution.CUSTOM,
    Conflict.Resolution.CLEAR,
)
#: Both sides require a title.
UNCLEARABLE_FIELDS = frozenset({"title"})
#: A variant without a price, compare-at price (a JOOR price), stock figure or SKU is not a thing to
#: agree on: these are changed, never emptied.
UNCLEARABLE_VARIANT_ATTRIBUTES = frozenset({"price", "compare_at_price", "inventory", "sku"})
EMPTY_VALUE_MESSAGE = "Type a value, or choose 'Clear this field' to empty it on both sides"
REQUIRED_VALUE_MESSAGE = "Type a value: this field cannot be empty on either side"
_SIDE_NAMES: dict[str, str] = {
    Conflict.Resolution.KEEP_SHOPIFY: "Shopify's",
    Conflict.Resolution.KEEP_JOOR: "JOOR's",
}
_MISSING = object()


class ConflictNotOpen(ValueError):
    """The conflict was already resolved (by a person, a rule or both sides agreeing)."""


class ConflictResolutionInvalid(ValueError):
    """An unknown resolution, or one that would empty a field without an explicit clear."""


class ResolutionUndoRefused(ValueError):
    """The decision cannot be taken back now (the message says why, in a merchant's words)."""


class ResolutionApplied(ResolutionUndoRefused):
    """The decision was already written to both sides: only the product's history can put it back."""


@dataclass(frozen=True)
class BulkResolution:
    """What a bulk resolve did: the conflicts decided, and those left open with the reason."""

    resolved: list[Conflict] = field(default_factory=list)
    refused: list[tuple[Conflict, str]] = field(default_factory=list)


def conflict_field_clearable(*, field_path: str) -> bool:
    """Whether a person may empty this field on both sides ("Clear this field")."""
    if field_path in UNCLEARABLE_FIELDS:
        return False
    parsed = parse_variant_path(field_path)
    return parsed is None or parsed[1] not in UNCLEARABLE_VARIANT_ATTRIBUTES


def _empty_message(field_path: str) -> str:
    return EMPTY_VALUE_MESSAGE if conflict_field_clearable(field_path=field_path) else REQUIRED_VALUE_MESSAGE


def _check(resolution: str, value: Any) -> None:
    """What can be refused before any conflict is read."""
    if resolution not in RESOLUTIONS:
        raise ConflictResolutionInvalid(f"resolution must be one of {', '.join(RESOLUTIONS)}")
    if resolution == Conflict.Resolution.CUSTOM and value is _MISSING:
        raise ConflictResolutionInvalid("a custom resolution needs a value")


def conflict_resolution_value(*, conflict: Conflict, resolution: str, value: Any = _MISSING) -> Any:
    """The value `resolution` would write to both sides, or `ConflictResolutionInvalid` when it would
    empty the field without the person saying so (or clear a field that must keep a value)."""
    _check(resolution, value)
    path = conflict.field_path
    parsed = parse_variant_path(path)
    if parsed is not None and not parsed[1]:
        # A whole variant present on one side only: keeping the side without it deletes it.
        if resolution == Conflict.Resolution.KEEP_SHOPIFY:
            return conflict.shopify_value
        if resolution == Conflict.Resolution.KEEP_JOOR:
            return conflict.joor_value
        raise ConflictResolutionInvalid("Keep Shopify's or JOOR's version of this variant")
    if resolution == Conflict.Resolution.CLEAR:
        if not conflict_field_clearable(field_path=path):
            raise ConflictResolutionInvalid(f"{path} cannot be cleared: it needs a value on both sides")
        return None
    if resolution == Conflict.Resolution.CUSTOM:
        chosen = value
    elif resolution == Conflict.Resolution.KEEP_SHOPIFY:
        chosen = conflict.shopify_value
    else:
        chosen = conflict.joor_value
    if is_blank(chosen):
        message = _empty_message(path)
        if resolution in _SIDE_NAMES:
            message = f"{_SIDE_NAMES[resolution]} value is empty. {message}"
        raise ConflictResolutionInvalid(message)
    return chosen


def _resolve_locked(conflict: Conflict, resolution: str, value: Any, user: str) -> Conflict:
    if conflict.status != Conflict.Status.OPEN:
        raise ConflictNotOpen(f"conflict {conflict.pk} on {conflict.field_path} is already {conflict.status}")
    conflict.resolved_value = conflict_resolution_value(conflict=conflict, resolution=resolution, value=value)
    conflict.status = Conflict.Status.RESOLVED
    conflict.resolution = resolution
    conflict.resolved_by = user[:255]
    conflict.resolved_at = timezone.now()
    conflict.applied_at = None
    conflict.save(
        update_fields=[
            "status",
            "resolution",
            "resolved_value",
            "resolved_by",
            "resolved_at",
            "applied_at",
            "updated_at",
        ]
    )
    return conflict


def _request_jobs(shop: Shop, link_ids: Iterable[int]) -> None:
    for link in ProductLink.objects.filter(shop=shop, pk__in=set(link_ids)).order_by("pk"):
        sync_job_request(
            shop=shop,
            kind=SyncJob.Kind.TARGETED,
            target=sync_job_target_for_link(link=link),
            trigger=SyncJob.Trigger.CONFLICT,
        )


def conflict_resolve(*, conflict: Conflict, resolution: str, user: str, value: Any = _MISSING) -> Conflict:
    """Decide one open conflict and queue a job that writes the decision to both sides.

    keep_shopify → Shopify's value, keep_joor → JOOR's value, custom → `value`, clear → empty on both
    sides. An empty kept or typed value raises `ConflictResolutionInvalid` (clearing is its own
    choice); `ConflictNotOpen` when someone (or a job) settled it first: the row is locked meanwhile.
    """
    _check(resolution, value)
    with transaction.atomic():
        locked = Conflict.objects.select_for_update().select_related("shop").get(pk=conflict.pk)
        _resolve_locked(locked, resolution, value, user)
        _request_jobs(locked.shop, [locked.link_id])
    return locked


def conflicts_resolve_bulk(
    *,
    shop: Shop,
    resolution: str,
    user: str,
    value: Any = _MISSING,
    conflict_ids: Iterable[int] | None = None,
    field_path: str | None = None,
    product: ProductLink | int | None = None,
    older_than: timedelta | None = None,
) -> BulkResolution:
    """Resolve many open conflicts of one shop the same way, chosen by ids and/or the filters of
    `conflicts_open_for`; one targeted job is queued per affected product.

    Every conflict follows the rules of `conflict_resolve`: one the resolution would empty (or may not
    clear) stays open and is listed in `refused` with the reason, so one blank never blocks the rest.
    Conflicts that are not open (or are another shop's) are skipped. Without ids and without a filter
    nothing is resolved: "every open conflict" is never a bulk decision.
    """
    _check(resolution, value)
    if conflict_ids is None and field_path is None and product is None and older_than is None:
        raise ConflictResolutionInvalid(
            "Choose conflicts, or filter them by field, product or age, before resolving them together"
        )
    if resolution == Conflict.Resolution.CUSTOM and is_blank(value):
        raise ConflictResolutionInvalid(EMPTY_VALUE_MESSAGE)
    result = BulkResolution()
    with transaction.atomic():
        qs = conflicts_open_for(shop=shop, field_path=field_path, product=product, older_than=older_than)
        if conflict_ids is not None:
            qs = qs.filter(pk__in=list(conflict_ids))
        locked = list(
            Conflict.objects.select_for_update()
            .filter(pk__in=qs.values("pk"), shop=shop, status=Conflict.Status.OPEN)
            .order_by("pk")
        )
        for conflict in locked:
            try:
                result.resolved.append(_resolve_locked(conflict, resolution, value, user))
            except ConflictResolutionInvalid as exc:
                result.refused.append((conflict, str(exc)))
        _request_jobs(shop, (c.link_id for c in result.resolved))
    return result


# -- undo ---------------------------------------------------------------------------------------

UNDO_ACTION = "resolution_undone"
#: Job kinds that sync every linked product of the shop, so any pending decision among them.
_CATALOG_KINDS = (SyncJob.Kind.FULL, SyncJob.Kind.INCREMENTAL)
_PRODUCT_KINDS = (SyncJob.Kind.TARGETED, SyncJob.Kind.RESOLVE)


def conflict_resolution_undoable(*, conflict: Conflict) -> bool:
    """Whether the page offers "Undo": a person's decision that no job has written yet. (A job that
    is running may still refuse the undo: `conflict_resolution_undo` checks that under a lock.)"""
    return (
        conflict.status == Conflict.Status.RESOLVED
        and conflict.resolution in RESOLUTIONS
        and conflict.applied_at is None
    )


def _job_covers(job: SyncJob, link: ProductLink) -> bool:
    if job.kind in _CATALOG_KINDS:
        return True
    for item in target_items(job.target):
        if item.get("link_id") == link.pk:
            return True
        if link.shopify_product_id and item.get("shopify_product_id") == link.shopify_product_id:
            return True
        if link.joor_style_id is not None and item.get("joor_style_id") == link.joor_style_id:
            return True
    return False


def _writing_job(link: ProductLink) -> SyncJob | None:
    """A running job that may have read the decision and be writing it now; None if there is none.

    The shop's waiting jobs are locked too: a job claimed now waits until this transaction ends, and
    then reads the conflict as the undo leaves it. (The engine reads a link's decisions after its job
    is marked running, and marks them applied in the transaction that records the product.)
    """
    active = list(
        SyncJob.objects.select_for_update()
        .filter(
            shop_id=link.shop_id,
            status__in=(SyncJob.Status.QUEUED, SyncJob.Status.RUNNING),
            dry_run=False,
            kind__in=(*_CATALOG_KINDS, *_PRODUCT_KINDS),
        )
        .order_by("pk")
    )
    return next(
        (job for job in active if job.status == SyncJob.Status.RUNNING and _job_covers(job, link)), None
    )


def conflict_resolution_undo(*, conflict: Conflict, user: str) -> Conflict:
    """Take back a person's decision that no job has written yet: the conflict is open again, as it
    was before the decision, and an event on the product records who undid what.

    Refused (`ResolutionUndoRefused`) when the conflict is not a person's decision, when a job that
    may be writing it is running (`ResolutionApplied` once it was written), or when a newer conflict
    is open on the same field. The job the decision queued stays queued: with nothing decided it
    simply syncs the product.
    """
    with transaction.atomic():
        locked = Conflict.objects.select_for_update().select_related("shop", "link").get(pk=conflict.pk)
        if locked.applied_at is not None:
            raise ResolutionApplied(
                f"The decision was written to both sides on {locked.applied_at:%Y-%m-%d %H:%M} UTC; "
                "it can no longer be undone here."
            )
        if not conflict_resolution_undoable(conflict=locked):
            raise ResolutionUndoRefused("There is no decision of a person on this conflict to undo.")
        if _writing_job(locked.link) is not None:
            raise ResolutionUndoRefused(
                "A sync that may be writing this decision is running now. "
                "Once it has finished, this page shows whether the decision was written."
            )
        newer = (
            Conflict.objects.filter(
                link_id=locked.link_id, field_path=locked.field_path, status=Conflict.Status.OPEN
            )
            .exclude(pk=locked.pk)
            .exists()
        )
        if newer:
            raise ResolutionUndoRefused("A newer conflict is open on this field: decide that one instead.")
        decided = {
            "resolution": locked.resolution,
            "resolved_value": locked.resolved_value,
            "resolved_by": locked.resolved_by,
            "resolved_at": locked.resolved_at.isoformat() if locked.resolved_at else None,
        }
        now = timezone.now()
        try:
            with transaction.atomic():
                reopened = Conflict.objects.filter(
                    pk=locked.pk, status=Conflict.Status.RESOLVED, applied_at__isnull=True
                ).update(
                    status=Conflict.Status.OPEN,
                    resolution="",
                    resolved_value=None,
                    resolved_by="",
                    resolved_at=None,
                    updated_at=now,
                )
        except IntegrityError:
            raise ResolutionUndoRefused(
                "A newer conflict is open on this field: decide that one instead."
            ) from None
        if not reopened:  # not reachable while the row is locked; kept as the rule it relies on
            raise ResolutionUndoRefused("The decision changed meanwhile; reload the page.")
        sync_event_record(
            action=UNDO_ACTION,
            shop=locked.shop,
            link=locked.link,
            message=f"Decision on {locked.field_path} undone by {user} before it was written; "
            "the conflict is open again",
            details={
                "conflict_id": locked.pk,
                "field_path": locked.field_path,
                "undone_by": user[:255],
                **decided,
            },
        )
    locked.refresh_from_db()
    return locked
