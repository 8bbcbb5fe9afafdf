"""Reads: named queries over shopify_app's data."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db.models import QuerySet

from shopify_app.models import BulkOperationFinish, Shop, WebhookDelivery


def shop_get(*, shop_domain: str) -> Shop | None:
    return Shop.objects.filter(shop_domain=shop_domain).first()


def shop_admin_base_override_get(*, shop_domain: str) -> str:
    """The shop's own admin base URL (set by `shop_connect --admin-url`), or "" to use the default."""
    return Shop.objects.filter(shop_domain=shop_domain).values_list("admin_base_url", flat=True).first() or ""


def shop_installed_get(*, shop_domain: str) -> Shop | None:
    """The shop if it is installed now (has a token and no uninstall after its install)."""
    return (
        Shop.objects.filter(shop_domain=shop_domain, installed_at__isnull=False, uninstalled_at__isnull=True)
        .exclude(access_token="")
        .first()
    )


def shop_installed_list() -> QuerySet[Shop]:
    return Shop.objects.filter(installed_at__isnull=False, uninstalled_at__isnull=True).exclude(
        access_token=""
    )


def bulk_operation_finish_get(*, shop_domain: str, operation_gid: str) -> BulkOperationFinish | None:
    """The finish notice for a bulk operation, or None while the webhook has not arrived (poll this)."""
    return BulkOperationFinish.objects.filter(
        shop__shop_domain=shop_domain, operation_gid=operation_gid
    ).first()


def bulk_operation_finish_wait(
    *,
    shop_domain: str,
    operation_gid: str,
    timeout: float,
    poll_interval: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> BulkOperationFinish | None:
    """Block until the `bulk_operations/finish` webhook for the operation was recorded, or `timeout` passed.

    One indexed read per `poll_interval`: far cheaper than polling Shopify, whose answer then only
    has to confirm the final state.
    """
    deadline = clock() + timeout
    while True:
        finish = bulk_operation_finish_get(shop_domain=shop_domain, operation_gid=operation_gid)
        if finish is not None or clock() >= deadline:
            return finish
        sleep(min(poll_interval, max(0.0, deadline - clock())))


def bulk_operation_wait_fn(*, shop_domain: str, poll_interval: float = 1.0) -> Callable[[str, float], object]:
    """The `wait(operation_id, timeout)` callable `shopify_app.admin.bulk.await_bulk_operation` accepts."""

    def wait(operation_id: str, timeout: float) -> object:
        return bulk_operation_finish_wait(
            shop_domain=shop_domain, operation_gid=operation_id, timeout=timeout, poll_interval=poll_interval
        )

    return wait


def webhook_delivery_list(
    *, shop_domain: str | None = None, topic: str | None = None, status: str | None = None
) -> QuerySet[WebhookDelivery]:
    qs = WebhookDelivery.objects.all()
    if shop_domain is not None:
        qs = qs.filter(shop_domain=shop_domain)
    if topic is not None:
        qs = qs.filter(topic=topic)
    if status is not None:
        qs = qs.filter(status=status)
    return qs
