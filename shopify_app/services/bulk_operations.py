"""Finished bulk operations, as announced by the `bulk_operations/finish` webhook."""

from __future__ import annotations

from shopify_app.models import BulkOperationFinish, Shop
from shopify_app.timestamps import aware_datetime


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
            "completed_at": aware_datetime(completed_at),
        },
    )
    return finish
