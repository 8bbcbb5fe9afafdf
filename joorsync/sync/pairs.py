"""Syncing one linked pair: map both sides, merge against the snapshot, write, record.

The API writes come first and the database last (in one transaction): if a write fails, the snapshot
does not move, and the next run sees the same difference again — and, where one side was already
written, both sides now agree and the merge converges without writing anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from joorsync.sync.canonical import (
    CanonicalProduct,
    JsonValue,
    flatten,
    parse_variant_path,
    snapshot_hash,
)
from joorsync.sync.merge import FieldGroup, MergePlan, Ownership, merge_product
from joorsync.sync.models import Conflict, ProductLink, SyncJob, VariantLink
from joorsync.sync.shopify_mapping import product_to_canonical, variant_node_map
from joorsync.sync.writes import JoorWrites, ShopifyWrites, merged_product, split_inventory

PREVIEW_LIMIT = 200  # products whose planned writes a dry run keeps for the preview


@dataclass(slots=True)
class Counts:
    """What a run did, in the shape the `sync --json` report prints."""

    shopify: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("created", "updated", "deleted", "unchanged"), 0)
    )
    joor: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("created", "updated", "deleted", "unchanged"), 0)
    )
    conflicts: int = 0
    errors: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "shopify": dict(self.shopify),
            "joor": dict(self.joor),
            "conflicts": self.conflicts,
            "errors": self.errors,
        }


@dataclass(slots=True)
class PairSettings:
    """The account's rules, resolved once per run."""

    ownership: Mapping[FieldGroup, Ownership]
    allow_write_shopify: bool
    allow_write_joor: bool
    joor_has_skus: bool  # JOOR v2 has no SKU strings: SKUs then live in Shopify only
    compare_at_mapped: bool
    initial_winner: Ownership = Ownership.JOOR


@dataclass(slots=True)
class PairOutcome:
    plan: MergePlan
    shopify_written: bool = False
    joor_written: bool = False


def comparable(
    flat: Mapping[str, JsonValue], *, settings: PairSettings, joor_prices: bool
) -> dict[str, JsonValue]:
    """The paths both sides can hold. What only one side can hold is never compared (it would look
    like a change every run) but is still carried along in that side's writes."""
    out: dict[str, JsonValue] = {}
    for path, value in flat.items():
        parsed = parse_variant_path(path)
        if parsed is not None:
            attribute = parsed[1]
            if attribute == "sku" and not settings.joor_has_skus:
                continue
            if attribute == "compare_at_price" and not settings.compare_at_mapped:
                continue
            if attribute == "price" and not joor_prices:
                continue
        out[path] = value
    return out


def variant_keys_of(link: ProductLink) -> dict[str, tuple[str, str]]:
    return {
        v.shopify_variant_id: (v.color_code, v.size) for v in link.variant_links.all() if v.shopify_variant_id
    }


def pair_sync(
    *,
    job: SyncJob,
    link: ProductLink,
    joor_product: CanonicalProduct,
    shopify_node: Mapping[str, Any],
    settings: PairSettings,
    shopify_writes: ShopifyWrites | None,
    joor_writes: JoorWrites | None,
    counts: Counts,
    preview: list[dict[str, Any]] | None = None,
) -> PairOutcome:
    """Merge and write one pair. `shopify_writes`/`joor_writes` None means a dry run."""
    dry_run = shopify_writes is None or joor_writes is None
    shopify_product = product_to_canonical(
        shopify_node,
        variant_keys=variant_keys_of(link),
        style_number=joor_product.style_number,
        style_identifier=joor_product.style_identifier,
    )
    flat_s, flat_j = flatten(shopify_product), flatten(joor_product)
    joor_prices = any(v.price is not None for v in joor_product.variants)
    cmp_s = comparable(flat_s, settings=settings, joor_prices=joor_prices)
    cmp_j = comparable(flat_j, settings=settings, joor_prices=joor_prices)

    open_conflicts = {c.field_path: c for c in link.conflicts.filter(status=Conflict.Status.OPEN)}
    resolving = {
        c.field_path: c
        for c in link.conflicts.filter(status=Conflict.Status.RESOLVED, applied_at__isnull=True)
    }
    plan = merge_product(
        base=link.snapshot,
        shopify=cmp_s,
        joor=cmp_j,
        ownership=settings.ownership,
        held=set(open_conflicts) | set(resolving),
        allow_write_shopify=settings.allow_write_shopify,
        allow_write_joor=settings.allow_write_joor,
        initial_winner=settings.initial_winner,
    )
    # A person's decision is written to both sides and becomes the new agreement.
    for path, conflict in resolving.items():
        value = conflict.resolved_value
        if cmp_s.get(path) != value:
            plan.shopify_writes[path] = value
        if cmp_j.get(path) != value:
            plan.joor_writes[path] = value
        plan.snapshot[path] = value
    plan.resolved = [p for p in plan.resolved if p not in resolving]

    outcome = PairOutcome(plan=plan)
    if dry_run:
        _count(counts, plan)
        if preview is not None and len(preview) < PREVIEW_LIMIT and plan.changed:
            preview.append(_preview(link, plan))
        return outcome

    if plan.shopify_writes:
        content, stock = split_inventory(plan.shopify_writes)
        if content:
            merged = merged_product(flat_s, content, like=joor_product)
            returned = shopify_writes.set_product(
                product_id=link.shopify_product_id,
                merged=merged,
                style_id=link.joor_style_id,
                variant_ids=_variant_ids(shopify_node, link),
            )
            if returned:
                shopify_node = returned
        for key, quantity in stock.items():
            item_id = _inventory_item_of(shopify_node, link, key)
            if item_id:
                shopify_writes.set_quantity(inventory_item_id=item_id, quantity=quantity)
        outcome.shopify_written = True
    if plan.joor_writes:
        content, stock = split_inventory(plan.joor_writes)
        merged_j = merged_product(flat_j, content, like=joor_product)
        if content:
            joor_writes.set_style(merged=merged_j)
        barcodes = {v.key: v.barcode for v in merged_j.variants}
        for key, quantity in stock.items():
            joor_writes.set_quantity(
                product=joor_product, variant_key=key, quantity=quantity, upc=barcodes.get(key)
            )
        outcome.joor_written = True

    _record(
        job=job,
        link=link,
        plan=plan,
        open_conflicts=open_conflicts,
        resolving=resolving,
        shopify_node=shopify_node,
        joor_product=joor_product,
    )
    _count(counts, plan)
    return outcome


def _count(counts: Counts, plan: MergePlan) -> None:
    if plan.shopify_writes:
        counts.shopify["updated"] += 1
    else:
        counts.shopify["unchanged"] += 1
    if plan.joor_writes:
        counts.joor["updated"] += 1
    else:
        counts.joor["unchanged"] += 1
    counts.conflicts += len(plan.conflicts)


def _preview(link: ProductLink, plan: MergePlan) -> dict[str, Any]:
    return {
        "style_number": link.style_number,
        "shopify_product_id": link.shopify_product_id,
        "shopify_writes": plan.shopify_writes,
        "joor_writes": plan.joor_writes,
        "conflicts": [
            {"field_path": c.path, "base": c.base, "shopify": c.shopify, "joor": c.joor}
            for c in plan.conflicts
        ],
    }


def _variant_ids(node: Mapping[str, Any], link: ProductLink) -> dict[str, str]:
    return {key: n["id"] for key, n in variant_node_map(node, variant_keys=variant_keys_of(link)).items()}


def _inventory_item_of(node: Mapping[str, Any], link: ProductLink, key: str) -> str | None:
    found = variant_node_map(node, variant_keys=variant_keys_of(link)).get(key)
    return (found.get("inventoryItem") or {}).get("id") if found else None


def _record(
    *,
    job: SyncJob,
    link: ProductLink,
    plan: MergePlan,
    open_conflicts: Mapping[str, Conflict],
    resolving: Mapping[str, Conflict],
    shopify_node: Mapping[str, Any],
    joor_product: CanonicalProduct,
) -> None:
    now = timezone.now()
    with transaction.atomic():
        for decision in plan.conflicts:
            try:
                with transaction.atomic():
                    Conflict.objects.create(
                        shop_id=link.shop_id,
                        link=link,
                        field_path=decision.path,
                        base_value=decision.base,
                        shopify_value=decision.shopify,
                        joor_value=decision.joor,
                        job=job,
                    )
            except IntegrityError:
                pass  # already open (another job got there first): the constraint keeps one
        for path in plan.resolved:
            conflict = open_conflicts.get(path)
            if conflict is not None:
                Conflict.objects.filter(pk=conflict.pk, status=Conflict.Status.OPEN).update(
                    status=Conflict.Status.RESOLVED,
                    resolution=Conflict.Resolution.CONVERGED,
                    resolved_value=plan.snapshot.get(path),
                    resolved_by="sync",
                    resolved_at=now,
                    applied_at=now,
                    updated_at=now,
                )
        if resolving:
            Conflict.objects.filter(pk__in=[c.pk for c in resolving.values()]).update(
                applied_at=now, updated_at=now
            )
        link.snapshot = plan.snapshot
        link.snapshot_hash = snapshot_hash(plan.snapshot)
        link.last_synced_at = now
        link.shopify_title = str(shopify_node.get("title") or link.shopify_title)[:255]
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
                "joor_name",
                "shopify_updated_at",
                "updated_at",
            ]
        )
        variant_links_update(link=link, shopify_node=shopify_node, joor_product=joor_product)


def variant_links_update(
    *, link: ProductLink, shopify_node: Mapping[str, Any] | None, joor_product: CanonicalProduct
) -> None:
    """Make the variant links match the product: one per JOOR colour × size, with the Shopify ids
    where Shopify has that variant."""
    shopify_ids: dict[str, tuple[str, str]] = {}
    if shopify_node is not None:
        for key, n in variant_node_map(shopify_node, variant_keys=variant_keys_of(link)).items():
            shopify_ids[key] = (n["id"], (n.get("inventoryItem") or {}).get("id") or "")
    existing = {(v.color_code, v.size): v for v in link.variant_links.all()}
    wanted = {(v.color_code, v.size): v for v in joor_product.variants}
    to_create = []
    for key, variant in wanted.items():
        ids = shopify_ids.get(variant.key, ("", ""))
        current = existing.get(key)
        values = {
            "upc": variant.barcode or "",
            "sku": variant.sku or "",
            "shopify_variant_id": ids[0] or (current.shopify_variant_id if current else ""),
            "shopify_inventory_item_id": ids[1] or (current.shopify_inventory_item_id if current else ""),
        }
        if current is None:
            to_create.append(VariantLink(product_link=link, color_code=key[0], size=key[1], **values))
        elif any(getattr(current, k) != v for k, v in values.items()):
            VariantLink.objects.filter(pk=current.pk).update(**values)
    if to_create:
        VariantLink.objects.bulk_create(to_create, ignore_conflicts=True)
    stale = [v.pk for key, v in existing.items() if key not in wanted]
    if stale:
        VariantLink.objects.filter(pk__in=stale).delete()
