"""Finished bulk operations, as announced by the `bulk_operations/finish` webhook."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from shopify_app.models import BulkOperationFinish, Shop


def _aware(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed


def bulk_operation_finish_record(
    *,
    shop: Shop,
    operation_gid: str,
    status: str,
    error_code: str = "",
    operation_type: str = "",
    completed_at: str = "",
) -> BulkOperationFinish:
    """Store (or update) the finish notice for one operation so a waiting bulk runner can see it."""
    finish, _ = BulkOperationFinish.objects.update_or_create(
        shop=shop,
        operation_gid=operation_gid,
        defaults={
            "status": status.upper(),
            "error_code": (error_code or "").upper(),
            "operation_type": (operation_type or "").upper(),
            "completed_at": _aware(completed_at),
        },
    )
    return finish
