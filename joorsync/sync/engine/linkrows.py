"""Link-row bookkeeping in one place: making links, recording unmatched items (with their barcodes,
so that any later match considers them), recording a pair's outcome (agreement, conflicts, variant
links), and per-product problems.

API writes come first and these records last (in one transaction): if a write fails, nothing here
moves, and the next run sees the same difference again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from joorsync.core.text import strip_controls
from joorsync.joor.records import Style
from joorsync.sync.canonical import CanonicalProduct, snapshot_hash, split_variant_key
from joorsync.sync.engine.pair import variant_keys_of
from joorsync.sync.engine.plan import PairPlan, Refusal
from joorsync.sync.models import Conflict, ProductLink, ProductProblem, SyncJob, VariantLink
from joorsync.sync.shopify_mapping import product_to_canonical, variant_node_map
from shopify_app.models import Shop

#: Rows that take part in automatic matching again on every run.
OPEN_STATUSES = (
    ProductLink.Status.UNMATCHED_SHOPIFY,
    ProductLink.Status.UNMATCHED_JOOR,
    ProductLink.Status.AMBIGUOUS,
)


def link_make(
    *, shop: Shop, style: Style, product_id: str, method: str, new_product: bool = False
) -> ProductLink:
    """Create or complete the link row for a style (rows may exist as unmatched/ambiguous on either
    side: they become this one link). `new_product`: the product was just created, so no row can
    hold it yet."""
    with transaction.atomic():
        link = ProductLink.objects.select_for_update().filter(shop=shop, joor_style_id=style.style_id).first()
        if link is None:
            link = ProductLink(shop=shop, joor_style_id=style.style_id)
        if not new_product:
            ProductLink.objects.filter(shop=shop, shopify_product_id=product_id).exclude(pk=link.pk).delete()
        link.shopify_product_id = product_id
        link.status = ProductLink.Status.LINKED
        link.method = method
        link.style_number = style.style_number or ""
        link.style_identifier = style.style_identifier or ""
        link.joor_name = (style.style_name or "")[:255]
        link.note = ""
        link.save()
    return link


def link_record_unmatched_joor(
    *, shop: Shop, style: Style, product: CanonicalProduct, status: str, note: str
) -> ProductLink:
    """A style no product is linked to; its UPCs are kept so a product with them is never created
    a second time."""
    note = strip_controls(note)[:2000]  # may quote JOOR's or Shopify's error text
    with transaction.atomic():
        link, _ = ProductLink.objects.update_or_create(
            shop=shop,
            joor_style_id=style.style_id,
            defaults={
                "status": status,
                "style_number": style.style_number or "",
                "style_identifier": style.style_identifier or "",
                "joor_name": (style.style_name or "")[:255],
                "note": note,
            },
        )
        variant_links_update(link=link, shopify_node=None, joor_product=product)
    return link


def link_record_unmatched_shopify(
    *, shop: Shop, product_id: str, node: Mapping[str, Any], note: str, status: str = ""
) -> ProductLink:
    """A product no style is linked to, with the reason; its barcodes are kept for matching."""
    status = status or ProductLink.Status.UNMATCHED_SHOPIFY
    note = strip_controls(note)[:2000]  # may quote JOOR's or Shopify's error text
    with transaction.atomic():
        link, created = ProductLink.objects.get_or_create(
            shop=shop,
            shopify_product_id=product_id,
            defaults={"status": status, "shopify_title": str(node.get("title") or "")[:255], "note": note},
        )
        if not created and link.status in OPEN_STATUSES:
            link.status = status
            link.note = note
            link.shopify_title = str(node.get("title") or link.shopify_title)[:255]
            link.save(update_fields=["status", "note", "shopify_title", "updated_at"])
        if link.status in OPEN_STATUSES and link.joor_style_id is None:
            variant_links_update(link=link, shopify_node=node, joor_product=product_to_canonical(node))
    return link


def links_sharing_barcodes(
    *, shop: Shop, barcodes: Iterable[str], exclude: Iterable[int] = ()
) -> list[ProductLink]:
    """Rows (linked or not) that hold any of these barcodes/UPCs."""
    wanted = [b for b in barcodes if b]
    if not wanted:
        return []
    ids = (
        VariantLink.objects.filter(product_link__shop=shop, upc__in=wanted)
        .exclude(product_link_id__in=list(exclude))
        .values_list("product_link_id", flat=True)
        .distinct()
    )
    return list(ProductLink.objects.filter(pk__in=list(ids)))


def link_record_pair(
    *,
    job: SyncJob,
    link: ProductLink,
    plan: PairPlan,
    shopify_node: Mapping[str, Any],
    joor_product: CanonicalProduct,
    open_conflicts: Mapping[str, Conflict],
) -> int:
    """Record what one run did for a pair; returns the number of conflicts opened."""
    now = timezone.now()
    with transaction.atomic():
        opened = conflicts_record(job=job, link=link, plan=plan, open_conflicts=open_conflicts)
        for path in plan.converged:
            conflict = open_conflicts[path]
            Conflict.objects.filter(pk=conflict.pk, status=Conflict.Status.OPEN).update(
                status=Conflict.Status.RESOLVED,
                resolution=Conflict.Resolution.CONVERGED,
                resolved_value=plan.snapshot.get(path),
                resolved_by="sync",
                resolved_at=now,
                applied_at=now,
                updated_at=now,
            )
        if plan.applying:
            # Only decisions still standing: one a person undid meanwhile stays open as they left it.
            Conflict.objects.filter(
                pk__in=plan.applying, status=Conflict.Status.RESOLVED, applied_at__isnull=True
            ).update(applied_at=now, updated_at=now)
        for path, (shopify, joor) in plan.refreshed.items():
            Conflict.objects.filter(pk=open_conflicts[path].pk, status=Conflict.Status.OPEN).update(
                shopify_value=shopify, joor_value=joor, updated_at=now
            )
        link.snapshot = plan.snapshot
        link.snapshot_hash = snapshot_hash(plan.snapshot)
        link.last_synced_at = now
        link.shopify_title = str(shopify_node.get("title") or link.shopify_title)[:255]
        link.image_url = featured_image_url(shopify_node, default=link.image_url)
        link.joor_name = (joor_product.title or link.joor_name)[:255]
        updated_at = shopify_node.get("updatedAt")
        if updated_at:
            link.shopify_updated_at = updated_at
        link.save(
            update_fields=[
                "snapshot",
                "snapshot_hash",
                "last_synced_at",
                "shopify_title",
                "image_url",
                "joor_name",
                "shopify_updated_at",
                "updated_at",
            ]
        )
        variant_links_update(link=link, shopify_node=shopify_node, joor_product=joor_product)
    return opened


def featured_image_url(node: Mapping[str, Any], *, default: str = "") -> str:
    """The small preview of the product's featured image; `default` when the read did not ask for
    media (so a read without it never blanks the thumbnail), "" when the product has none."""
    if "featuredMedia" not in node:
        return default
    preview = ((node.get("featuredMedia") or {}).get("preview") or {}).get("image") or {}
    url = preview.get("url")
    return url if isinstance(url, str) and url.startswith("https://") and len(url) <= 2000 else ""


def conflicts_record(
    *, job: SyncJob, link: ProductLink, plan: PairPlan, open_conflicts: Mapping[str, Conflict]
) -> int:
    """Open a conflict for each hold of the plan (one open conflict per field); returns how many."""
    opened = 0
    for hold in plan.holds:
        if hold.path in open_conflicts:
            continue
        try:
            with transaction.atomic():
                Conflict.objects.create(
                    shop_id=link.shop_id,
                    link=link,
                    field_path=hold.path,
                    base_value=hold.base,
                    shopify_value=hold.shopify,
                    joor_value=hold.joor,
                    job=job,
                )
            opened += 1
        except IntegrityError:
            pass  # already open (another job got there first): the constraint keeps one
    return opened


def link_record_created(
    *,
    link: ProductLink,
    snapshot: dict[str, Any],
    shopify_node: Mapping[str, Any] | None,
    product: CanonicalProduct,
) -> None:
    """A product just created on one side: the agreement is what was created."""
    with transaction.atomic():
        fields: dict[str, Any] = {
            "snapshot": snapshot,
            "snapshot_hash": snapshot_hash(snapshot),
            "last_synced_at": timezone.now(),
            "shopify_title": (product.title or product.style_number)[:255],
        }
        if shopify_node and shopify_node.get("updatedAt"):
            fields["shopify_updated_at"] = parse_datetime(str(shopify_node["updatedAt"]))
        ProductLink.objects.filter(pk=link.pk).update(**fields)
        # With a whole product in the answer the variant ids are known now; after a bulk create they
        # are filled in by the next run that reads the product.
        full = shopify_node if shopify_node and "variants" in shopify_node else None
        variant_links_update(link=link, shopify_node=full, joor_product=product)


def link_mark(*, link: ProductLink, status: str) -> None:
    link.status = status
    link.save(update_fields=["status", "updated_at"])


def variant_links_update(
    *,
    link: ProductLink,
    shopify_node: Mapping[str, Any] | None,
    joor_product: CanonicalProduct,
) -> None:
    """Make the variant links match the product: one per colour × size, with the Shopify ids where
    Shopify has that variant and the barcode/UPC (the registry later matches consult)."""
    shopify_ids: dict[str, tuple[str, str]] = {}
    if shopify_node is not None:
        for vkey, n in variant_node_map(shopify_node, variant_keys=variant_keys_of(link)).items():
            shopify_ids[vkey] = (n["id"], (n.get("inventoryItem") or {}).get("id") or "")
    existing = {(v.color_code, v.size): v for v in link.variant_links.all()}
    wanted = {(v.color_code, v.size): v for v in joor_product.variants}
    to_create = []
    for key, variant in wanted.items():
        ids = shopify_ids.get(variant.key, ("", ""))
        current = existing.get(key)
        values = {
            "upc": (variant.barcode or "")[:100],
            "sku": (variant.sku or "")[:255],
            "shopify_variant_id": ids[0] or (current.shopify_variant_id if current else ""),
            "shopify_inventory_item_id": ids[1] or (current.shopify_inventory_item_id if current else ""),
        }
        if current is None:
            to_create.append(
                VariantLink(product_link=link, color_code=key[0][:100], size=key[1][:50], **values)
            )
        elif any(getattr(current, k) != v for k, v in values.items()):
            VariantLink.objects.filter(pk=current.pk).update(**values)
    # A variant only Shopify has (held for a person, or not synced) gets or keeps its link too, so
    # its colour code stays known and every variant of the product is accounted for.
    held = {split_variant_key(key): ids for key, ids in shopify_ids.items()}
    for key, ids in held.items():
        if key not in wanted and key not in existing:
            to_create.append(
                VariantLink(
                    product_link=link,
                    color_code=key[0][:100],
                    size=key[1][:50],
                    shopify_variant_id=ids[0],
                    shopify_inventory_item_id=ids[1],
                )
            )
    if to_create:
        VariantLink.objects.bulk_create(to_create, ignore_conflicts=True)
    stale = [v.pk for key, v in existing.items() if key not in wanted and key not in held]
    if stale:
        VariantLink.objects.filter(pk__in=stale).delete()


# -------------------------------------------------------------------------------- problems


def subject_of(*, link: ProductLink | None = None, shopify_id: str = "", style_id: int | None = None) -> str:
    if link is not None and link.pk:
        return f"link:{link.pk}"
    if shopify_id:
        return f"shopify:{shopify_id}"
    return f"joor:{style_id}"


def problem_subjects(*, shop: Shop) -> set[str]:
    """The subjects that have open problems (few): a product outside it needs no problem query."""
    return set(
        ProductProblem.objects.filter(shop=shop, status=ProductProblem.Status.OPEN).values_list(
            "subject", flat=True
        )
    )


def problems_record(
    *,
    shop: Shop,
    subject: str,
    refusals: Iterable[Refusal],
    job: SyncJob | None,
    link: ProductLink | None = None,
    title: str = "",
) -> list[ProductProblem]:
    """Make the subject's open problems exactly `refusals`: new ones opened, those no longer raised
    solved (the product changed so that it can be written). Returns the newly opened ones."""
    now = timezone.now()
    wanted = {(r.code, r.path[:255]): r for r in refusals}
    # A refusal's message can quote the other side's error answer: stored without control characters.
    messages = {key: strip_controls(r.message) for key, r in wanted.items()}
    current = {
        (p.code, p.field_path): p
        for p in ProductProblem.objects.filter(shop=shop, subject=subject, status=ProductProblem.Status.OPEN)
    }
    gone = [p.pk for key, p in current.items() if key not in wanted]
    if gone:
        ProductProblem.objects.filter(pk__in=gone).update(
            status=ProductProblem.Status.SOLVED, solved_at=now, updated_at=now
        )
    opened = []
    for key, refusal in wanted.items():
        existing = current.get(key)
        if existing is not None:
            if existing.message != messages[key]:
                ProductProblem.objects.filter(pk=existing.pk).update(message=messages[key], updated_at=now)
            continue
        try:
            with transaction.atomic():
                opened.append(
                    ProductProblem.objects.create(
                        shop=shop,
                        link=link if link is not None and link.pk else None,
                        subject=subject,
                        title=title[:255],
                        side=str(refusal.side)[:10],
                        code=refusal.code[:40],
                        field_path=refusal.path[:255],
                        message=messages[key],
                        details=refusal.details,
                        job=job,
                    )
                )
        except IntegrityError:
            pass  # opened meanwhile by another job
    return opened
