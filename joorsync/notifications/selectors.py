"""Reads for notifications, each scoped to one shop: the settings, what needs attention (all of it, or
only what was never mailed), the last finished jobs, and whether a failure was already mailed."""

from __future__ import annotations

from datetime import UTC, tzinfo
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, QuerySet, Value

from joorsync.notifications.models import NotificationSent, NotificationSettings
from joorsync.notifications.shopify_contact import valid_time_zone
from joorsync.orders.models import ImportedOrder
from joorsync.sync.models import Conflict, ProductProblem, SyncJob
from shopify_app.models import Shop

Kind = NotificationSent.Kind
State = ImportedOrder.State
ORDER_KINDS = (SyncJob.Kind.ORDERS,)
SYNC_KINDS = tuple(kind for kind in SyncJob.Kind.values if kind not in ORDER_KINDS)
FINISHED = (SyncJob.Status.SUCCEEDED, SyncJob.Status.FAILED)


def notification_settings_find(*, shop: Shop) -> NotificationSettings | None:
    return NotificationSettings.objects.filter(shop=shop).select_related("shop").first()


def notification_zone(*, settings: NotificationSettings) -> tzinfo:
    """The clock of the digest hour and of times in mails: the shop's time zone, unless the merchant
    chose UTC or Shopify's is unknown."""
    name = settings.shop_time_zone
    if settings.digest_clock == NotificationSettings.Clock.SHOP and valid_time_zone(name):
        return ZoneInfo(name)
    return UTC


def _mailed(kind: str, variant: str | None = None) -> Exists:
    """Whether the outer row (of the same shop) was mailed as `kind`; `variant` names the outer field
    that tells a new occurrence of the row apart (blank when there is none)."""
    sent = NotificationSent.objects.filter(shop_id=OuterRef("shop_id"), kind=kind, object_id=OuterRef("pk"))
    return Exists(sent.filter(variant=OuterRef(variant) if variant else Value("")))


def problems_open(*, shop: Shop, new: bool = False) -> QuerySet[ProductProblem]:
    """Open product problems, oldest first; `new`: only those never mailed."""
    qs = ProductProblem.objects.filter(shop=shop, status=ProductProblem.Status.OPEN)
    if new:
        qs = qs.filter(~_mailed(Kind.PROBLEM))
    return qs.select_related("link").order_by("created_at", "pk")


def conflicts_open(*, shop: Shop, new: bool = False) -> QuerySet[Conflict]:
    """Open conflicts, oldest first; `new`: only those never mailed."""
    qs = Conflict.objects.filter(shop=shop, status=Conflict.Status.OPEN)
    if new:
        qs = qs.filter(~_mailed(Kind.CONFLICT))
    return qs.select_related("link").order_by("created_at", "pk")


def orders_held(*, shop: Shop, new: bool = False) -> QuerySet[ImportedOrder]:
    """Held orders, oldest first; `new`: only those never mailed as held for their present reason."""
    qs = ImportedOrder.objects.filter(shop=shop, state=State.HELD)
    if new:
        qs = qs.filter(~_mailed(Kind.ORDER_HELD, "hold_code"))
    return qs.defer("document").order_by("created_at", "pk")


def orders_needing_decision(*, shop: Shop, new: bool = False) -> QuerySet[ImportedOrder]:
    """Orders JOOR changed after their import, waiting for a person; `new`: only those never mailed
    for this version of the JOOR order."""
    qs = ImportedOrder.objects.filter(shop=shop, state=State.CONFLICT)
    if new:
        qs = qs.filter(~_mailed(Kind.ORDER_DECISION, "fingerprint"))
    return qs.defer("document").order_by("created_at", "pk")


def new_items_exist(*, shop: Shop) -> bool:
    """Whether anything needing attention was never mailed (a cheap check before a mail is planned)."""
    return any(
        qs.exists()
        for qs in (
            problems_open(shop=shop, new=True),
            conflicts_open(shop=shop, new=True),
            orders_held(shop=shop, new=True),
            orders_needing_decision(shop=shop, new=True),
        )
    )


def job_last_finished(*, shop: Shop, orders: bool) -> SyncJob | None:
    """The shop's last finished sync (or order import, with `orders`) that was not a preview."""
    return (
        SyncJob.objects.filter(
            shop=shop,
            status__in=FINISHED,
            dry_run=False,
            kind__in=ORDER_KINDS if orders else SYNC_KINDS,
            finished_at__isnull=False,
        )
        .defer("checkpoint", "plan", "api_usage")
        .order_by("-finished_at", "-pk")
        .first()
    )


def failure_mailed_since_success(*, job: SyncJob, fingerprint: str) -> bool:
    """Whether a failure with this reason was mailed and no job of the same family (syncs, or order
    imports) has succeeded since: the same failure again is not news."""
    last = (
        NotificationSent.objects.filter(shop_id=job.shop_id, kind=Kind.JOB_FAILED, fingerprint=fingerprint)
        .order_by("-sent_at", "-pk")
        .first()
    )
    if last is None:
        return False
    kinds = ORDER_KINDS if job.kind in ORDER_KINDS else SYNC_KINDS
    return not SyncJob.objects.filter(
        shop_id=job.shop_id,
        kind__in=kinds,
        status=SyncJob.Status.SUCCEEDED,
        dry_run=False,
        finished_at__gt=last.sent_at,
    ).exists()
