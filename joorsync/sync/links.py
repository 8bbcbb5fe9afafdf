"""Links made and undone by a person: the decisions automatic matching leaves open.

A hand-made link starts without a snapshot, so its first sync settles differences the way a first
link does (the account's direction picks the winner) and records the agreement.
"""

from __future__ import annotations

from django.db import transaction

from joorsync.sync.jobs import sync_job_request, sync_job_target_for_link
from joorsync.sync.models import ProductLink, SyncJob, VariantLink
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


VARIANT_FIELDS = (
    "color_code",
    "size",
    "shopify_variant_id",
    "shopify_inventory_item_id",
    "joor_sku_id",
    "upc",
    "sku",
)


def product_link_unlink(*, link: ProductLink, user: str) -> ProductLink:
    """Stop syncing a pair. The row stays (marked unlinked), so automatic matching does not simply
    link the two again on the next run; what the unlink took away is kept for `product_link_relink`."""
    with transaction.atomic():
        locked = ProductLink.objects.select_for_update().get(pk=link.pk)
        undo = {
            "status": locked.status,
            "note": locked.note,
            "variants": [
                dict(zip(VARIANT_FIELDS, row, strict=True))
                for row in locked.variant_links.values_list(*VARIANT_FIELDS)
            ],
        }
        ProductLink.objects.filter(pk=link.pk).update(
            status=ProductLink.Status.UNLINKED, note=f"unlinked by {user}", unlink_undo=undo
        )
        locked.variant_links.all().delete()
    link.refresh_from_db()
    return link


def product_link_relink(*, link: ProductLink, user: str) -> bool:
    """Undo an unlink: the pair syncs again with its variant links as they were. False when there is
    nothing to undo (not unlinked, or unlinked before undo was kept)."""
    with transaction.atomic():
        locked = ProductLink.objects.select_for_update().get(pk=link.pk)
        undo = locked.unlink_undo
        if locked.status != ProductLink.Status.UNLINKED or not isinstance(undo, dict):
            return False
        VariantLink.objects.bulk_create(
            [
                VariantLink(product_link=locked, **{k: v for k, v in row.items() if k in VARIANT_FIELDS})
                for row in undo.get("variants") or []
            ],
            ignore_conflicts=True,
        )
        ProductLink.objects.filter(pk=link.pk).update(
            status=undo.get("status") or ProductLink.Status.LINKED,
            note=f"linked again by {user} (unlink undone)",
            unlink_undo=None,
        )
    link.refresh_from_db()
    return True
