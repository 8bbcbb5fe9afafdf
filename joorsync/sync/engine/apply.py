"""The apply step: what passed the gate is written to the sides and recorded. A preview (dry run)
swaps in `Preview`, which records the same entries as a plan a person can read and writes nothing:
the rest of the engine plans the same way either way.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from joorsync.joor.errors import JoorBadPayload, JoorPermanentError
from joorsync.joor.records import Style
from joorsync.pricing.categories import CATEGORY_PATH
from joorsync.stock.engine import joor_stock_flushed, joor_stock_queued, policy_written
from joorsync.sync.canonical import CanonicalProduct, parse_variant_path, variant_path
from joorsync.sync.engine import linkrows
from joorsync.sync.engine.pair import PairData, merged_product, variant_keys_of
from joorsync.sync.engine.plan import Decider, PairPlan, ProductCreate, Refusal, Side, WriteError
from joorsync.sync.joor_create import NewStylePrices
from joorsync.sync.models import Conflict, ProductLink
from shopify_app.admin.errors import ShopifyRequestError, ShopifyUserErrors

if TYPE_CHECKING:
    from joorsync.media.plan import ImagePlan
    from joorsync.sync.engine.run import SyncRun

PREVIEW_LIMIT = 200  # entries a preview keeps
#: Longest value an "updated" event keeps whole for the product's history; a longer one is kept cut
#: (and marked so), which the history shows but never offers to restore.
HISTORY_VALUE_LIMIT = 20_000

#: What one product's write can fail with without failing the shop's run.
WRITE_FAILURES = (WriteError, ShopifyUserErrors, ShopifyRequestError, JoorPermanentError, JoorBadPayload)


def media_sync() -> Any:
    """The image step's module (imported when first used: it builds on the engine's plan types)."""
    from joorsync.media import sync

    return sync


class Applier:
    def __init__(self, run: SyncRun) -> None:
        self.run = run
        self._problem_subjects: set[str] | None = None  # subjects with open problems, read once
        self._creates: dict[int, tuple[Style, ProductCreate]] = {}
        self._images: ImagePlan | None = None  # the pair being written's image plan

    # ------------------------------------------------------------------ one linked pair

    def pair(
        self,
        *,
        link: ProductLink,
        plan: PairPlan,
        data: PairData,
        node: Mapping[str, Any],
        open_conflicts: Mapping[str, Conflict],
    ) -> None:
        """Write one pair's plan, then record it. A write a side refuses is a problem of this
        product (its conflicts are still recorded); the agreement does not move."""
        run = self.run
        step = media_sync().image_sync_of(run)
        self._images = step.plan(link=link, joor_product=data.joor_product, node=node, pair=plan)
        try:
            node = self._write(link, plan, data, node)
        except WRITE_FAILURES as exc:
            run.counts.errors += 1
            run.counts.conflicts += linkrows.conflicts_record(
                job=run.job, link=link, plan=plan, open_conflicts=open_conflicts
            )
            refusal = Refusal(side="", code="write_refused", message=str(exc)[:2000])
            self.problems(link, [*plan.refusals, refusal])
            run.event(action="write_failed", level="error", link=link, message=str(exc))
            return
        opened = linkrows.link_record_pair(
            job=run.job,
            link=link,
            plan=plan,
            shopify_node=node,
            joor_product=data.joor_product,
            open_conflicts=open_conflicts,
        )
        self.problems(link, plan.refusals)
        for side in (Side.SHOPIFY, Side.JOOR):
            changes = written_changes(plan, side) + media_sync().image_changes(self._images, side)
            if side is Side.SHOPIFY:
                changes += run.shopify.category_changes(link.shopify_product_id)
            if changes:
                paths = [c["path"] for c in changes]
                run.event(
                    action="updated",
                    side=side,
                    link=link,
                    message=f"{side.label} updated: {', '.join(paths[:12])}"
                    + (f" and {len(paths) - 12} more" if len(paths) > 12 else ""),
                    details={"paths": paths, "changes": changes},
                )
        for note in plan.notes:
            run.event(action=note.action, level=note.level, side=note.side, link=link, message=note.message)
        self.count(plan, opened=opened)

    def _write(
        self, link: ProductLink, plan: PairPlan, data: PairData, node: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        run = self.run
        keys = variant_keys_of(link)
        product = data.joor_product
        images = self._images
        files = images.files if images is not None else None
        before = node
        if plan.shopify.changes:
            dropped = {_whole_variant(c.path) for c in plan.shopify.changes} - {None}
            writes = {c.path: c.new for c in plan.shopify.changes if _whole_variant(c.path) is None}
            merged = _named_colours(merged_product(data.flat_shopify, writes, like=product), data)
            if dropped:
                merged = replace(merged, variants=tuple(v for v in merged.variants if v.key not in dropped))
            returned = run.shopify.set_product(
                product_id=link.shopify_product_id,
                merged=merged,
                style_id=link.joor_style_id,
                node=node,
                variant_keys=keys,
                files=files,
                category=writes.get(CATEGORY_PATH),  # a restored category (a person's decision)
                policies={p.key: p.new for p in plan.policies},
            )
            node = returned or node
        elif files is not None and images is not None:
            node = media_sync().image_sync_of(run).write_files(link=link, plan=images, node=node) or node
        if plan.policies and not plan.shopify.changes:
            policies = {p.variant_id: p.new for p in plan.policies}
            run.shopify.set_policies(product_id=link.shopify_product_id, node=node, policies=policies)
        if plan.policies or plan.shopify.changes:
            policy_written(run, link=link, plan=plan, product=product, before=before, after=node)
        if plan.joor.changes:
            writes = {c.path: c.new for c in plan.joor.changes}
            merged_j = merged_product(data.flat_joor, writes, like=product)
            cleared = {c.path for c in plan.joor.changes if c.decided_by is Decider.CLEAR}
            run.joor.set_style(merged=merged_j, read=product, cleared=cleared)
        if images is not None and not images.wait:
            step = media_sync().image_sync_of(run)
            uploaded = step.write_joor(link=link, plan=images, product=product)
            plan.refusals.extend(r for r in images.refusals if r not in plan.refusals)
            step.record(link=link, plan=images, node=node, uploaded=uploaded, wrote_files=files is not None)
        barcodes = {v.key: v.barcode for v in product.variants}
        for write in plan.stock:
            if write.side is Side.SHOPIFY:
                run.shopify.queue_stock(
                    node=node,
                    variant_keys=keys,
                    key=write.key,
                    quantity=write.quantity,
                    link=link,
                    path=write.path,
                    base=plan.base,
                )
            else:
                levels = run.shopify.warehouse_split(node=node, variant_keys=keys, key=write.key)
                run.joor.queue_stock(
                    product=product,
                    key=write.key,
                    quantity=write.quantity,
                    upc=barcodes.get(write.key),
                    levels=levels,
                )
                written = levels or {run.joor.warehouse: write.quantity}
                joor_stock_queued(run, link=link, key=write.key, levels=written)
        return node

    def count(self, plan: PairPlan, *, opened: int) -> None:
        for side in (Side.SHOPIFY, Side.JOOR):
            written = bool(plan.update(side).changes) or any(w.side is side for w in plan.stock)
            written = written or (side is Side.SHOPIFY and bool(plan.policies))
            written = written or media_sync().image_writes(self._images, side)
            self.run.counts.side(side)["updated" if written else "unchanged"] += 1
        self.run.counts.conflicts += opened

    def flush_stock(self) -> None:
        """Send the batch's stock. A refused item is an error of this run, never a failed run: its
        difference stays, and is seen again next run."""
        run = self.run
        try:
            run.shopify.flush_stock()
        except WRITE_FAILURES as exc:
            run.counts.errors += 1
            run.event(action="stock_write_failed", level="error", side="shopify", message=str(exc)[:2000])
        failures = run.joor.flush_stock()
        for failure in failures:
            run.counts.errors += 1
            run.event(action="stock_write_failed", level="error", side="joor", message=failure)
        joor_stock_flushed(run, failed=bool(failures))
        media_sync().image_sync_of(run).flush()

    # ------------------------------------------------------------------ links, listings, problems

    def link(
        self, *, style: Style, product_id: str, method: str, new_product: bool = False
    ) -> ProductLink | None:
        return linkrows.link_make(
            shop=self.run.shop, style=style, product_id=product_id, method=method, new_product=new_product
        )

    def list_style(
        self,
        *,
        style: Style,
        product: CanonicalProduct,
        status: str,
        note: str,
        refusals: Iterable[Refusal] = (),
    ) -> None:
        row = linkrows.link_record_unmatched_joor(
            shop=self.run.shop, style=style, product=product, status=status, note=note
        )
        self.problems(row, list(refusals))

    def list_product(
        self,
        *,
        product_id: str,
        node: Mapping[str, Any],
        note: str,
        status: str = "",
        refusals: Iterable[Refusal] = (),
    ) -> ProductLink | None:
        row = linkrows.link_record_unmatched_shopify(
            shop=self.run.shop, product_id=product_id, node=node, note=note, status=status
        )
        self.problems(row, list(refusals))
        return row

    def mark(self, link: ProductLink, status: str) -> bool:
        linkrows.link_mark(link=link, status=status)
        return True

    def problems(self, link: ProductLink, refusals: list[Refusal]) -> None:
        run = self.run
        subject = linkrows.subject_of(link=link)
        if self._problem_subjects is None:
            self._problem_subjects = linkrows.problem_subjects(shop=run.shop)
        if not refusals and subject not in self._problem_subjects:
            return  # nothing to open and nothing open to solve: no query
        opened = linkrows.problems_record(
            shop=run.shop,
            subject=subject,
            refusals=refusals,
            job=run.job,
            link=link,
            title=link.shopify_title or link.joor_name or link.style_number,
        )
        if refusals:
            self._problem_subjects.add(subject)
        else:
            self._problem_subjects.discard(subject)
        run.counts.problems += len(opened)
        for problem in opened:
            run.event(
                action="problem",
                level="warning",
                side=problem.side,
                link=link,
                message=problem.message,
                details={"code": problem.code, "field_path": problem.field_path},
            )

    # ------------------------------------------------------------------ new products

    def queue_shopify_create(self, style: Style, create: ProductCreate) -> None:
        payload = self.run.shopify.create_payload(
            create.product, style_id=style.style_id, status=create.status
        )
        files = media_sync().create_files(create.product)  # the style's images come with it
        if files:
            payload["files"] = files
        self.run.shopify.queue_create(payload, token=style.style_id)
        self._creates[int(style.style_id or 0)] = (style, create)

    def flush_shopify_creates(self) -> list[tuple[Style, ProductCreate, dict[str, Any] | None, str | None]]:
        """(style, create, product as Shopify answered or None, error or None) per queued create."""
        done = []
        for style_id, node, error in self.run.shopify.flush_creates():
            style, create = self._creates.pop(style_id)
            done.append((style, create, node, error))
        return done

    def create_joor_style(
        self, grid: CanonicalProduct, *, new: NewStylePrices, product_id: str
    ) -> Style | None:
        return self.run.joor.create(grid, new=new)


class Preview(Applier):
    """The dry run's apply step: the plan becomes the preview a person reads; nothing is written."""

    def _keep(self, entry: dict[str, Any]) -> None:
        if len(self.run.preview) < PREVIEW_LIMIT:
            self.run.preview.append(entry)

    def pair(
        self,
        *,
        link: ProductLink,
        plan: PairPlan,
        data: PairData,
        node: Mapping[str, Any],
        open_conflicts: Mapping[str, Conflict],
    ) -> None:
        step = media_sync().image_sync_of(self.run)  # planned like a run's, never written
        self._images = step.plan(link=link, joor_product=data.joor_product, node=node, pair=plan)
        images = media_sync().image_preview(self._images)
        self.count(plan, opened=len([h for h in plan.holds if h.path not in open_conflicts]))
        if plan.changed or images:
            self._keep({**_preview(link, plan), **({"images": images} if images else {})})

    def flush_stock(self) -> None:
        return None

    def link(
        self, *, style: Style, product_id: str, method: str, new_product: bool = False
    ) -> ProductLink | None:
        self._keep({"link": method, "style_number": style.style_number, "shopify_product_id": product_id})
        return None

    def list_style(
        self,
        *,
        style: Style,
        product: CanonicalProduct,
        status: str,
        note: str,
        refusals: Iterable[Refusal] = (),
    ) -> None:
        return None

    def list_product(
        self,
        *,
        product_id: str,
        node: Mapping[str, Any],
        note: str,
        status: str = "",
        refusals: Iterable[Refusal] = (),
    ) -> ProductLink | None:
        return None

    def mark(self, link: ProductLink, status: str) -> bool:
        self._keep(
            {"style_number": link.style_number, "shopify_product_id": link.shopify_product_id, "mark": status}
        )
        return False

    def problems(self, link: ProductLink, refusals: list[Refusal]) -> None:
        return None

    def queue_shopify_create(self, style: Style, create: ProductCreate) -> None:
        self.run.counts.shopify["created"] += 1
        self._keep(
            {"create_in_shopify": style.style_number, "style_id": style.style_id, "status": create.status}
        )

    def flush_shopify_creates(self) -> list[tuple[Style, ProductCreate, dict[str, Any] | None, str | None]]:
        return []

    def create_joor_style(
        self, grid: CanonicalProduct, *, new: NewStylePrices, product_id: str
    ) -> Style | None:
        self.run.counts.joor["created"] += 1
        self._keep({"create_in_joor": grid.style_number, "shopify_product_id": product_id})
        return None


def _named_colours(merged: CanonicalProduct, data: PairData) -> CanonicalProduct:
    """A variant written without a colour name (its name not synced) takes the name Shopify already
    shows for that colour, else JOOR's: a colour code never becomes a Shopify option value."""
    names = {v.color_code: v.color_name for v in data.shopify_product.variants if v.color_name}
    joor_names = {v.color_code: v.color_name for v in data.joor_product.variants if v.color_name}
    return replace(
        merged,
        variants=tuple(
            v
            if v.color_name
            else replace(v, color_name=names.get(v.color_code) or joor_names.get(v.color_code))
            for v in merged.variants
        ),
    )


def _whole_variant(path: str) -> str | None:
    """The variant key of a whole-variant path (`variants[C1/36]`), else None."""
    parsed = parse_variant_path(path)
    return parsed[0] if parsed is not None and not parsed[1] else None


def _preview(link: ProductLink, plan: PairPlan) -> dict[str, Any]:
    shopify = {c.path: c.new for c in plan.shopify.changes}
    joor = {c.path: c.new for c in plan.joor.changes}
    for write in plan.stock:
        (shopify if write.side is Side.SHOPIFY else joor)[write.path] = write.quantity
    for policy in plan.policies:
        shopify[variant_path(policy.key, "inventory_policy")] = policy.new
    return {
        "style_number": link.style_number,
        "shopify_product_id": link.shopify_product_id,
        "shopify_writes": shopify,
        "joor_writes": joor,
        "conflicts": [
            {"field_path": h.path, "base": h.base, "shopify": h.shopify, "joor": h.joor, "reason": h.reason}
            for h in plan.holds
        ],
        "problems": [
            {"field_path": r.path, "side": str(r.side), "message": r.message} for r in plan.refusals
        ],
    }


def _kept(value: Any) -> tuple[Any, bool]:
    """A value as the history keeps it, and whether it had to be cut."""
    if isinstance(value, str) and len(value) > HISTORY_VALUE_LIMIT:
        return value[:HISTORY_VALUE_LIMIT], True
    if not isinstance(value, str | int | float | bool | type(None)):
        text = json.dumps(value, sort_keys=True, default=str)
        if len(text) > HISTORY_VALUE_LIMIT:
            return text[:HISTORY_VALUE_LIMIT], True
    return value, False


def written_changes(plan: PairPlan, side: Side) -> list[dict[str, Any]]:
    """What a pair's write changes on one side, before and after, and who decided it: the record a
    product's history shows and restores from. Stock keeps the figure written (the one it replaced
    is the other side's business: stock moves with sales and is never restored)."""
    rows: list[dict[str, Any]] = []
    for change in plan.update(side).changes:
        old, old_cut = _kept(change.old)
        new, new_cut = _kept(change.new)
        row: dict[str, Any] = {"path": change.path, "old": old, "new": new, "by": str(change.decided_by)}
        if old_cut or new_cut:
            row["cut"] = True
        rows.append(row)
    for write in plan.stock:
        if write.side is side:
            path = write.path or variant_path(write.key, "inventory")
            rows.append({"path": path, "new": write.quantity, "by": str(write.decided_by), "stock": True})
    if side is Side.SHOPIFY:
        # Made to order (JOOR) → the variant's selling policy; a stock setting, never restored.
        for policy in plan.policies:
            path = variant_path(policy.key, "inventory_policy")
            rows.append({"path": path, "old": policy.old, "new": policy.new, "by": "merge", "stock": True})
    return rows
