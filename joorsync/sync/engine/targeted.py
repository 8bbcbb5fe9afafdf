"""One-product runs: a Shopify webhook, a conflict resolution, a manual link — and batches of them
(the webhooks of one shop collected in one job).

A product Shopify reports that has no link yet is linked when it names its style (identity
metafields) or when its barcodes are exactly a known unlinked style's UPCs; otherwise it is created
in JOOR when the direction, the price mapping and the gate allow, or listed with the reason.

A batch records after each product where it is (`batch_next`), so a resumed job goes on with the
next one, and between two products it may step aside for a job a person asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from joorsync.joor.client import JoorNotFound
from joorsync.joor.records import Style
from joorsync.sync.engine import creating, linkrows
from joorsync.sync.engine.catalog import shopify_product_gone, shopify_side_unchanged
from joorsync.sync.jobs import target_items
from joorsync.sync.models import Conflict, ProductLink, SyncJob, VariantLink
from joorsync.sync.shopify_mapping import product_identity

if TYPE_CHECKING:
    from joorsync.sync.engine.run import SyncRun

BATCH_CHECKPOINT = "batch_next"


def run_batch(run: SyncRun, target: Mapping[str, Any]) -> None:
    """Every product of the job's target, one after the other, from where a resumed job stopped."""
    from joorsync.sync.engine.run import TRANSIENT_FAILURES

    items = target_items(target) or [{}]
    batch = len(items) > 1
    start = int((run.job.checkpoint or {}).get(BATCH_CHECKPOINT, 0)) if batch else 0
    run.done = start
    run.total = len(items)
    for index in range(start, len(items)):
        item = items[index]
        try:
            run_targeted(run, item)
        except TRANSIENT_FAILURES as exc:
            link = _link_of(run, item)
            run.product_failed(exc, link=link, subject=_subject_of(item), title=_title_of(item))
        run.done = index + 1
        if batch:
            run.report_progress(checkpoint={BATCH_CHECKPOINT: index + 1})
            if index + 1 < len(items):
                run.yield_point()


def _link_of(run: SyncRun, target: Mapping[str, Any]) -> ProductLink | None:
    shop = run.shop
    if target.get("link_id"):
        return ProductLink.objects.filter(shop=shop, pk=target["link_id"]).first()
    if target.get("shopify_product_id"):
        return ProductLink.objects.filter(shop=shop, shopify_product_id=target["shopify_product_id"]).first()
    if target.get("joor_style_id"):
        return ProductLink.objects.filter(shop=shop, joor_style_id=target["joor_style_id"]).first()
    return None


def _subject_of(target: Mapping[str, Any]) -> str:
    if target.get("shopify_product_id"):
        return f"shopify:{target['shopify_product_id']}"
    if target.get("joor_style_id"):
        return f"joor:{target['joor_style_id']}"
    return ""


def _title_of(target: Mapping[str, Any]) -> str:
    return str(target.get("shopify_product_id") or target.get("joor_style_id") or "")


def run_targeted(run: SyncRun, target: Mapping[str, Any]) -> None:
    link = _link_of(run, target)
    node: Mapping[str, Any] | None = None
    waiting = link is None or (link.status in linkrows.OPEN_STATUSES and link.joor_style_id is None)
    if waiting and target.get("shopify_product_id"):
        link, node = _new_shopify_product(run, str(target["shopify_product_id"]))
    if link is None or link.status != ProductLink.Status.LINKED or link.joor_style_id is None:
        run.event(
            action="targeted_skipped",
            level="info",
            link=link if link is not None and link.pk else None,
            message=(link.note if link is not None and link.note else "no linked pair for this product"),
            details=dict(target),
        )
        return
    node = node or run.shopify.product(link.shopify_product_id)
    if node is None:
        shopify_product_gone(run, link)
        return
    if (
        run.job.trigger == SyncJob.Trigger.WEBHOOK
        and shopify_side_unchanged(run, link, node)
        and not link.conflicts.filter(status=Conflict.Status.RESOLVED, applied_at__isnull=True).exists()
    ):
        # The webhook reported this app's own write: Shopify holds what was agreed, so there is
        # nothing to carry to JOOR and no JOOR credit to spend finding that out.
        run.product_done()
        return
    style = run.joor.style(link.joor_style_id)
    run.sync_pair(link, run.joor.canonical(style), node)
    run.apply.flush_stock()


def _new_shopify_product(
    run: SyncRun, product_id: str
) -> tuple[ProductLink | None, Mapping[str, Any] | None]:
    node = run.shopify.product(product_id)
    if node is None:
        return None, None
    style, method = _named_style(run, node)
    if style is None:
        style, method, note = _style_by_barcodes(run, product_id, node)
        if note:
            run.apply.list_product(
                product_id=product_id, node=node, note=note, status=ProductLink.Status.AMBIGUOUS
            )
            return None, node
    if style is None or style.style_id is None:
        return creating.create_in_joor(run, product_id, node), node
    taken = ProductLink.objects.filter(
        shop=run.shop, joor_style_id=style.style_id, status=ProductLink.Status.LINKED
    ).exclude(shopify_product_id=product_id)
    if taken.exists():
        run.event(
            action="ambiguous_match",
            level="warning",
            side="both",
            message=f"style {style.style_number} is already linked to another product",
            details={"products": [product_id], "styles": [style.style_id]},
        )
        return None, node
    return run.apply.link(style=style, product_id=product_id, method=method), node


def _named_style(run: SyncRun, node: Mapping[str, Any]) -> tuple[Style | None, str]:
    """The style the product's identity metafields name, if JOOR has it."""
    identity = product_identity(node)
    try:
        if str(identity.get("style_id") or "").isdigit():
            return run.joor.style(int(identity["style_id"])), ProductLink.Method.STYLE_NUMBER
        if identity.get("style_number"):
            number = str(identity["style_number"])
            found = run.joor.style_by_number(number, str(identity.get("style_identifier") or number))
            return found, ProductLink.Method.STYLE_NUMBER
    except JoorNotFound:
        pass
    return None, ""


def _style_by_barcodes(
    run: SyncRun, product_id: str, node: Mapping[str, Any]
) -> tuple[Style | None, str, str]:
    """(style, method, note): the one known style whose UPCs are exactly what the product's
    barcodes point at; a note when the barcodes point at styles that cannot be linked now."""
    from joorsync.sync.engine.shopify_side import shopify_item

    barcodes = shopify_item(node).barcodes
    holders = [
        row
        for row in linkrows.links_sharing_barcodes(shop=run.shop, barcodes=barcodes)
        if row.joor_style_id is not None and row.shopify_product_id != product_id
    ]
    if not holders:
        return None, "", ""
    names = ", ".join(sorted({h.style_number or str(h.joor_style_id) for h in holders}))
    if len(holders) == 1 and holders[0].status in linkrows.OPEN_STATUSES:
        upcs = set(VariantLink.objects.filter(product_link=holders[0]).values_list("upc", flat=True))
        style_id = holders[0].joor_style_id
        if barcodes <= upcs and style_id is not None:  # holders all have a style
            try:
                return run.joor.style(style_id), ProductLink.Method.BARCODE, ""
            except JoorNotFound:
                return None, "", ""
    return None, "", f"its barcodes belong to JOOR style {names}, which is linked or does not match exactly"
