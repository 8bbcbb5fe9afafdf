"""Reads over the sync data. Every selector is scoped to one shop: no query here crosses shops."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from joorsync.sync.merge import DEFAULT_OWNERSHIP, FieldGroup, Ownership
from joorsync.sync.models import (
    Conflict,
    JoorAccount,
    ProductLink,
    ProductProblem,
    SyncEvent,
    SyncJob,
    VariantLink,
)
from shopify_app.models import Shop


def shop_has_admin_access(*, shop: Shop) -> bool:
    """Whether the app can call the shop's Admin API: it holds a token and was not uninstalled.

    Looser than `Shop.is_installed` on purpose: a shop registered with a static token by an operator
    may have no install time, and still syncs.
    """
    return bool(shop.access_token) and shop.uninstalled_at is None


def joor_account_get(*, shop: Shop) -> JoorAccount | None:
    return JoorAccount.objects.filter(shop=shop).first()


def joor_account_ownership(*, account: JoorAccount) -> dict[FieldGroup, Ownership]:
    """The owner of every field group: the account's overrides over the defaults (bad values ignored)."""
    owners = dict(DEFAULT_OWNERSHIP)
    for group, owner in (account.ownership or {}).items():
        if group in FieldGroup._value2member_map_ and owner in Ownership._value2member_map_:
            owners[FieldGroup(group)] = Ownership(owner)
    return owners


# -- conflicts ----------------------------------------------------------------------------------


def conflicts_open_for(
    *,
    shop: Shop,
    field_path: str | None = None,
    product: ProductLink | int | None = None,
    older_than: timedelta | None = None,
) -> QuerySet[Conflict]:
    """Open conflicts of one shop, oldest first, optionally for one field path, one product link
    (instance or id) or older than an age."""
    qs = Conflict.objects.filter(shop=shop, status=Conflict.Status.OPEN)
    if field_path is not None:
        qs = qs.filter(field_path=field_path)
    if product is not None:
        qs = qs.filter(link_id=product.pk if isinstance(product, ProductLink) else int(product))
    if older_than is not None:
        qs = qs.filter(created_at__lt=timezone.now() - older_than)
    return qs.select_related("link").order_by("created_at", "pk")


def conflict_get(*, shop: Shop, conflict_id: int) -> Conflict:
    """One conflict of the shop; another shop's conflict raises `Conflict.DoesNotExist` like a missing one."""
    return Conflict.objects.select_related("link").get(shop=shop, pk=conflict_id)


def conflicts_resolved_unapplied(*, shop: Shop, link: ProductLink | None = None) -> QuerySet[Conflict]:
    """Resolutions a person decided that no job has written to both sides yet (the engine's input)."""
    qs = Conflict.objects.filter(shop=shop, status=Conflict.Status.RESOLVED, applied_at__isnull=True)
    if link is not None:
        qs = qs.filter(link=link)
    return qs.order_by("resolved_at", "pk")


# -- problems -----------------------------------------------------------------------------------


def product_problems_open_for(
    *, shop: Shop, link: ProductLink | int | None = None, side: str | None = None
) -> QuerySet[ProductProblem]:
    """Changes the write gate refused and that still wait for the product to change, oldest first,
    optionally for one product link (instance or id) or the side the write was for."""
    qs = ProductProblem.objects.filter(shop=shop, status=ProductProblem.Status.OPEN)
    if link is not None:
        qs = qs.filter(link_id=link.pk if isinstance(link, ProductLink) else int(link))
    if side is not None:
        qs = qs.filter(side=side)
    return qs.select_related("link").order_by("created_at", "pk")


# -- jobs and events ----------------------------------------------------------------------------


def sync_jobs_for(*, shop: Shop, status: str | None = None, kind: str | None = None) -> QuerySet[SyncJob]:
    qs = SyncJob.objects.filter(shop=shop)
    if status is not None:
        qs = qs.filter(status=status)
    if kind is not None:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-pk")


def sync_job_get(*, shop: Shop, job_id: int) -> SyncJob:
    """One job of the shop; another shop's job raises `SyncJob.DoesNotExist`."""
    return SyncJob.objects.get(shop=shop, pk=job_id)


def sync_job_running_for(*, shop: Shop) -> SyncJob | None:
    return SyncJob.objects.filter(shop=shop, status=SyncJob.Status.RUNNING).first()


def sync_job_active_exists(*, shop: Shop, kinds: tuple[str, ...] | None = None) -> bool:
    """Whether the shop has a queued or running job (of one of `kinds`)."""
    qs = SyncJob.objects.filter(shop=shop, status__in=(SyncJob.Status.QUEUED, SyncJob.Status.RUNNING))
    if kinds is not None:
        qs = qs.filter(kind__in=kinds)
    return qs.exists()


def sync_job_queued_exists(*, shop: Shop, kind: str) -> bool:
    """Whether a job of this kind waits for a worker and has read nothing yet (previews aside)."""
    return SyncJob.objects.filter(shop=shop, kind=kind, status=SyncJob.Status.QUEUED, dry_run=False).exists()


def sync_events_for(
    *, shop: Shop, job: SyncJob | None = None, link: ProductLink | None = None
) -> QuerySet[SyncEvent]:
    # Events written without `sync_event_record` may lack the shop column; their job still has it.
    qs = SyncEvent.objects.filter(Q(shop=shop) | Q(shop__isnull=True, job__shop=shop))
    if job is not None:
        qs = qs.filter(job=job)
    if link is not None:
        qs = qs.filter(link=link)
    return qs.order_by("pk")


# -- links --------------------------------------------------------------------------------------


def product_link_for_shopify_product(*, shop: Shop, shopify_product_id: str) -> ProductLink | None:
    return ProductLink.objects.filter(shop=shop, shopify_product_id=shopify_product_id).first()


def product_link_for_inventory_item(*, shop: Shop, inventory_item_ids: tuple[str, ...]) -> ProductLink | None:
    """The product link whose variant stocks one of these inventory item ids (GID or numeric form)."""
    variant = (
        VariantLink.objects.filter(product_link__shop=shop, shopify_inventory_item_id__in=inventory_item_ids)
        .select_related("product_link")
        .first()
    )
    return variant.product_link if variant is not None else None
