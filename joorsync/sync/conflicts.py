"""Resolving conflicts: a person picks Shopify's value, JOOR's value or a new one.

A resolution is only a decision: `applied_at` stays empty until the next job for the link writes the
value to both sides (the engine sets it), so a resolution is never lost to a failed write. Resolving
queues that job at once (targeted, debounced per product).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from joorsync.sync.jobs import sync_job_request, sync_job_target_for_link
from joorsync.sync.models import Conflict, ProductLink, SyncJob
from joorsync.sync.selectors import conflicts_open_for
from shopify_app.models import Shop

RESOLUTIONS = (Conflict.Resolution.KEEP_SHOPIFY, Conflict.Resolution.KEEP_JOOR, Conflict.Resolution.CUSTOM)
_MISSING = object()


class ConflictNotOpen(ValueError):
    """The conflict was already resolved (by a person, a rule or both sides agreeing)."""


class ConflictResolutionInvalid(ValueError):
    """An unknown resolution, or a custom one without a value."""


def _check(resolution: str, value: Any) -> None:
    if resolution not in RESOLUTIONS:
        raise ConflictResolutionInvalid(f"resolution must be one of {', '.join(RESOLUTIONS)}")
    if resolution == Conflict.Resolution.CUSTOM and value is _MISSING:
        raise ConflictResolutionInvalid("a custom resolution needs a value")


def _resolve_locked(conflict: Conflict, resolution: str, value: Any, user: str) -> Conflict:
    if conflict.status != Conflict.Status.OPEN:
        raise ConflictNotOpen(f"conflict {conflict.pk} on {conflict.field_path} is already {conflict.status}")
    if resolution == Conflict.Resolution.KEEP_SHOPIFY:
        conflict.resolved_value = conflict.shopify_value
    elif resolution == Conflict.Resolution.KEEP_JOOR:
        conflict.resolved_value = conflict.joor_value
    else:
        conflict.resolved_value = value
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

    keep_shopify → Shopify's value, keep_joor → JOOR's value, custom → `value` (which may be null).
    Raises `ConflictNotOpen` when someone (or a job) settled it first: the row is locked while deciding.
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
) -> list[Conflict]:
    """Resolve many open conflicts of one shop the same way, chosen by ids and/or the filters of
    `conflicts_open_for`. Conflicts that are not open (or are another shop's) are skipped. One
    targeted job is queued per affected product. Returns the conflicts resolved."""
    _check(resolution, value)
    with transaction.atomic():
        qs = conflicts_open_for(shop=shop, field_path=field_path, product=product, older_than=older_than)
        if conflict_ids is not None:
            qs = qs.filter(pk__in=list(conflict_ids))
        locked = list(
            Conflict.objects.select_for_update()
            .filter(pk__in=qs.values("pk"), shop=shop, status=Conflict.Status.OPEN)
            .order_by("pk")
        )
        resolved = [_resolve_locked(conflict, resolution, value, user) for conflict in locked]
        _request_jobs(shop, (c.link_id for c in resolved))
    return resolved
