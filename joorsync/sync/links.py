"""Links made and undone by a person: the decisions automatic matching leaves open.

A hand-made link starts without a snapshot, so its first sync settles differences the way a first
link does (the account's direction picks the winner) and records the agreement.
"""

from __future__ import annotations

from django.db import transaction

from joorsync.sync.jobs import sync_job_request, sync_job_target_for_link
from joorsync.sync.models import ProductLink, SyncJob
from shopify_app.models import Shop


class LinkRefused(ValueError):
    """The link cannot be made as asked (the message says why)."""


def product_link_manual(
    *, shop: Shop, shopify_product_id: str, joor_style_id: int, style_number: str = "", user: str
) -> ProductLink:
    """Link a Shopify product to a JOOR style. Either may have had a row of its own (unmatched,
    ambiguous); those rows become this one link. A side already linked elsewhere is refused."""
    if not shopify_product_id.startswith("gid://shopify/Product/"):
        raise LinkRefused("not a Shopify product id")
    with transaction.atomic():
        rows = list(
            ProductLink.objects.select_for_update().filter(shop=shop, shopify_product_id=shopify_product_id)
        ) + list(ProductLink.objects.select_for_update().filter(shop=shop, joor_style_id=joor_style_id))
        for row in rows:
            if row.status == ProductLink.Status.LINKED and (
                row.shopify_product_id != shopify_product_id or row.joor_style_id != joor_style_id
            ):
                raise LinkRefused(f"already linked: {row}; unlink it first")
        keep = next((r for r in rows if r.joor_style_id == joor_style_id), None) or (
            rows[0] if rows else None
        )
        for row in rows:
            if keep is not None and row.pk != keep.pk:
                row.delete()
        link = keep or ProductLink(shop=shop)
        link.shopify_product_id = shopify_product_id
        link.joor_style_id = joor_style_id
        link.style_number = link.style_number or style_number
        link.status = ProductLink.Status.LINKED
        link.method = ProductLink.Method.MANUAL
        link.snapshot = None
        link.snapshot_hash = ""
        link.note = f"linked by {user}"
        link.save()
        sync_job_request(
            shop=shop,
            kind=SyncJob.Kind.TARGETED,
            target=sync_job_target_for_link(link=link),
            trigger=SyncJob.Trigger.MANUAL,
        )
    return link


def product_link_unlink(*, link: ProductLink, user: str) -> ProductLink:
    """Stop syncing a pair. The row stays (marked unlinked), so automatic matching does not simply
    link the two again on the next run."""
    with transaction.atomic():
        ProductLink.objects.filter(pk=link.pk).update(
            status=ProductLink.Status.UNLINKED, note=f"unlinked by {user}"
        )
        link.variant_links.all().delete()
    link.refresh_from_db()
    return link
