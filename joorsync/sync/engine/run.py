"""One execution of one job for one shop: the two sides, the account's rules, and the plan → gate →
apply cycle every product goes through.

A dry run is the same cycle without the apply step: the plan that passed the gate is the preview.
Writes are idempotent (productSet by id or by a handle derived from the style, style writes by style
number, absolute stock levels), so a job that dies anywhere can run again and converge.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from joorsync.joor.client import JoorClient
from joorsync.joor.errors import JoorBadPayload, JoorPermanentError
from joorsync.sync.canonical import CanonicalProduct, parse_variant_path
from joorsync.sync.engine import linkrows
from joorsync.sync.engine.gate import GateContext, review_pair
from joorsync.sync.engine.joor_side import JoorSide
from joorsync.sync.engine.pair import PairData, merged_product, pair_data, plan_pair, variant_keys_of
from joorsync.sync.engine.plan import Counts, Decider, PairPlan, Refusal, Side, WriteError
from joorsync.sync.engine.settings import gate_context_for, pair_settings_for, price_mapping_for
from joorsync.sync.engine.shopify_side import ShopifySide
from joorsync.sync.joor_mapping import PriceMapping
from joorsync.sync.models import Conflict, JoorAccount, ProductLink, SyncJob
from shopify_app.admin.client import AdminClient
from shopify_app.admin.errors import ShopifyRequestError, ShopifyUserErrors

PREVIEW_LIMIT = 200  # products whose planned writes a dry run keeps for the preview

ProgressFn = Callable[..., None]
EventFn = Callable[..., None]

#: What one product's write can fail with without failing the shop's run.
WRITE_FAILURES = (WriteError, ShopifyUserErrors, ShopifyRequestError, JoorPermanentError, JoorBadPayload)


@dataclass(slots=True)
class RunResult:
    counts: Counts
    api: dict[str, int]
    seconds: float
    preview: list[dict[str, Any]] = field(default_factory=list)

    def as_report(self) -> dict[str, Any]:
        return {**self.counts.as_dict(), "api": dict(self.api), "seconds": round(self.seconds, 3)}


class SyncRun:
    """One execution of one job. Construct with the job and both clients, then `run()`."""

    def __init__(
        self,
        *,
        job: SyncJob,
        joor: JoorClient,
        shopify: AdminClient,
        progress: ProgressFn | None = None,
        event: EventFn | None = None,
        bulk_poll_interval: float = 1.0,
        joor_page_size: int = 500,
    ) -> None:
        self.job = job
        self.shop = job.shop
        self.account: JoorAccount = job.shop.joor_account
        self.dry_run = job.dry_run
        self.direction = job.direction or self.account.direction
        self.settings = pair_settings_for(self.account, direction=self.direction)
        mapped = self.account.location_warehouses or {}
        self.shopify = ShopifySide(
            client=shopify,
            shop_id=self.shop.pk,
            location_ids=list(mapped.keys()),
            idempotency_prefix=f"joorsync-job-{job.pk}-{job.attempts}",
            bulk_poll_interval=bulk_poll_interval,
        )
        self._joor_client = joor
        self._joor: JoorSide | None = None
        self._prices: PriceMapping | None = None
        self._gate: GateContext | None = None
        self._warehouses = list(mapped.values())
        self.counts = Counts()
        self.preview: list[dict[str, Any]] = []
        self.progress = progress or (lambda **kwargs: None)
        self._event = event or (lambda **kwargs: None)
        self.joor_page_size = joor_page_size
        self._started = time.monotonic()
        self._joor_usage_start = _joor_usage(joor)
        self._shopify_usage_start = dict(shopify.usage)
        self.done = 0
        self._problem_subjects: set[str] | None = None  # subjects with open problems, read once

    @property
    def joor(self) -> JoorSide:
        """Built on first use: its price mapping needs the shop's currency (one Shopify read)."""
        if self._joor is None:
            self._joor = JoorSide(
                client=self._joor_client,
                prices=self.prices,
                api_generation=self.account.api_generation,
                warehouses=self._warehouses,
                wholesale_factor=self.account.wholesale_factor,
            )
        return self._joor

    @property
    def prices(self) -> PriceMapping:
        if self._prices is None:
            self._prices = price_mapping_for(self.account, currency=self.shopify.currency)
        return self._prices

    @property
    def gate(self) -> GateContext:
        if self._gate is None:
            self._gate = gate_context_for(self.account, settings=self.settings, prices=self.prices)
        return self._gate

    # ------------------------------------------------------------------ entry

    def run(self) -> RunResult:
        from joorsync.sync.engine import catalog, targeted

        if self.job.kind in (SyncJob.Kind.TARGETED, SyncJob.Kind.RESOLVE):
            targeted.run_targeted(self, self.job.target or {})
        else:
            catalog.run_catalog(self, incremental=self.job.kind == SyncJob.Kind.INCREMENTAL)
            self.event(action="summary", message=_summary(self.counts, dry_run=self.dry_run))
        return RunResult(
            counts=self.counts,
            api=self.api_usage(),
            seconds=time.monotonic() - self._started,
            preview=self.preview,
        )

    def report_final(self, result: RunResult) -> None:
        """The job row gets the final counters and API usage (what `sync --json` prints)."""
        self.progress(
            done=self.done,
            counters={**result.counts.as_dict(), "seconds": round(result.seconds, 3)},
            api_usage=result.api,
        )

    def api_usage(self) -> dict[str, int]:
        joor_now = _joor_usage(self._joor_client)
        shopify_now = self.shopify.client.usage
        return {
            "joor_requests": joor_now["requests"] - self._joor_usage_start["requests"],
            "joor_credits": joor_now["credits"] - self._joor_usage_start["credits"],
            "shopify_requests": shopify_now.get("requests", 0) - self._shopify_usage_start.get("requests", 0),
            "shopify_cost": shopify_now.get("cost", 0) - self._shopify_usage_start.get("cost", 0),
        }

    def event(self, **kwargs: Any) -> None:
        self._event(**kwargs)

    # ------------------------------------------------------------------ one linked pair

    def sync_pair(self, link: ProductLink, product: CanonicalProduct, node: Mapping[str, Any]) -> None:
        """Plan, gate, apply and record one linked pair. A write one side refuses is a problem of
        this product; the rest of the run goes on."""
        data = pair_data(link=link, joor_product=product, shopify_node=node, settings=self.settings)
        open_conflicts = {c.field_path: c for c in link.conflicts.filter(status=Conflict.Status.OPEN)}
        resolving = {
            c.field_path: c
            for c in link.conflicts.filter(status=Conflict.Status.RESOLVED, applied_at__isnull=True)
        }
        plan = plan_pair(
            link=link, data=data, settings=self.settings, open_conflicts=open_conflicts, resolving=resolving
        )
        review_pair(plan, shopify=data.cmp_shopify, ctx=self.gate)
        if plan.shopify.changes and data.foreign_variants:
            # productSet replaces the variant list: a product with variants outside Color × Size
            # would lose them, so nothing is written to it.
            for change in plan.shopify.changes:
                plan.keep_base(change.path)
            plan.shopify.changes = []
            plan.refusals.append(
                Refusal(
                    side=Side.SHOPIFY,
                    code="foreign_variants",
                    message=f"{data.foreign_variants} Shopify variants are not Color × Size variants; "
                    "nothing is written to this product until they are",
                )
            )
        if self.dry_run:
            self._count(plan, opened=len([h for h in plan.holds if h.path not in open_conflicts]))
            if len(self.preview) < PREVIEW_LIMIT and plan.changed:
                self.preview.append(_preview(link, plan))
            return
        try:
            node = self._apply(link, plan, data, node)
        except WRITE_FAILURES as exc:
            self.counts.errors += 1
            refusal = Refusal(side="", code="write_refused", message=str(exc)[:2000])
            self.counts.conflicts += linkrows.conflicts_record(
                job=self.job, link=link, plan=plan, open_conflicts=open_conflicts
            )
            self._problems(link, [*plan.refusals, refusal])
            self.event(action="write_failed", level="error", link=link, message=str(exc))
            return
        opened = linkrows.link_record_pair(
            job=self.job,
            link=link,
            plan=plan,
            shopify_node=node,
            joor_product=data.joor_product,
            open_conflicts=open_conflicts,
        )
        self._problems(link, plan.refusals)
        for side in (Side.SHOPIFY, Side.JOOR):
            paths = [c.path for c in plan.update(side).changes] + [
                w.path for w in plan.stock if w.side is side
            ]
            if paths:
                self.event(
                    action="updated",
                    side=side,
                    link=link,
                    message=f"{side.label} updated: {', '.join(paths[:12])}"
                    + (f" and {len(paths) - 12} more" if len(paths) > 12 else ""),
                    details={"paths": paths},
                )
        for note in plan.notes:
            self.event(action=note.action, level=note.level, side=note.side, link=link, message=note.message)
        self._count(plan, opened=opened)

    def _apply(
        self, link: ProductLink, plan: PairPlan, data: PairData, node: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        keys = variant_keys_of(link)
        product = data.joor_product
        if plan.shopify.changes:
            dropped = {_whole_variant(c.path) for c in plan.shopify.changes} - {None}
            writes = {c.path: c.new for c in plan.shopify.changes if _whole_variant(c.path) is None}
            merged = merged_product(data.flat_shopify, writes, like=product)
            if dropped:
                merged = replace(merged, variants=tuple(v for v in merged.variants if v.key not in dropped))
            returned = self.shopify.set_product(
                product_id=link.shopify_product_id,
                merged=merged,
                style_id=link.joor_style_id,
                node=node,
                variant_keys=keys,
            )
            node = returned or node
        if plan.joor.changes:
            writes = {c.path: c.new for c in plan.joor.changes}
            merged_j = merged_product(data.flat_joor, writes, like=product)
            cleared = {c.path for c in plan.joor.changes if c.decided_by is Decider.CLEAR}
            self.joor.set_style(merged=merged_j, read=product, cleared=cleared)
        barcodes = {v.key: v.barcode for v in product.variants}
        for write in plan.stock:
            if write.side is Side.SHOPIFY:
                self.shopify.queue_stock(node=node, variant_keys=keys, key=write.key, quantity=write.quantity)
            else:
                self.joor.queue_stock(
                    product=product, key=write.key, quantity=write.quantity, upc=barcodes.get(write.key)
                )
        return node

    def _problems(self, link: ProductLink, refusals: list[Refusal]) -> None:
        subject = linkrows.subject_of(link=link)
        if self._problem_subjects is None:
            self._problem_subjects = linkrows.problem_subjects(shop=self.shop)
        if not refusals and subject not in self._problem_subjects:
            return  # nothing to open and nothing open to solve: no query
        opened = linkrows.problems_record(
            shop=self.shop,
            subject=subject,
            refusals=refusals,
            job=self.job,
            link=link,
            title=link.shopify_title or link.joor_name or link.style_number,
        )
        if refusals:
            self._problem_subjects.add(subject)
        else:
            self._problem_subjects.discard(subject)
        self.counts.problems += len(opened)
        for problem in opened:
            self.event(
                action="problem",
                level="warning",
                side=problem.side,
                link=link,
                message=problem.message,
                details={"code": problem.code, "field_path": problem.field_path},
            )

    def record_problems(self, link: ProductLink, refusals: list[Refusal]) -> None:
        if not self.dry_run:
            self._problems(link, refusals)

    def _count(self, plan: PairPlan, *, opened: int) -> None:
        for side in (Side.SHOPIFY, Side.JOOR):
            written = bool(plan.update(side).changes) or any(w.side is side for w in plan.stock)
            self.counts.side(side)["updated" if written else "unchanged"] += 1
        self.counts.conflicts += opened

    def flush_stock(self) -> None:
        if self.dry_run:
            return
        self.shopify.flush_stock()
        for failure in self.joor.flush_stock():
            self.counts.errors += 1
            self.event(action="stock_write_failed", level="error", side="joor", message=failure)


def _whole_variant(path: str) -> str | None:
    """The variant key of a whole-variant path (`variants[C1/36]`), else None."""
    parsed = parse_variant_path(path)
    return parsed[0] if parsed is not None and not parsed[1] else None


def _preview(link: ProductLink, plan: PairPlan) -> dict[str, Any]:
    shopify = {c.path: c.new for c in plan.shopify.changes}
    joor = {c.path: c.new for c in plan.joor.changes}
    for write in plan.stock:
        (shopify if write.side is Side.SHOPIFY else joor)[write.path] = write.quantity
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


def _summary(counts: Counts, *, dry_run: bool) -> str:
    def side(name: str, numbers: Mapping[str, int]) -> str:
        return f"{name}: " + ", ".join(f"{count} {what}" for what, count in numbers.items())

    verb = "Would change" if dry_run else "Done"
    return (
        f"{verb}. {side('Shopify', counts.shopify)}; {side('JOOR', counts.joor)}; "
        f"{counts.conflicts} new conflicts; {counts.problems} new problems; {counts.errors} errors."
    )


def _joor_usage(client: JoorClient) -> dict[str, int]:
    usage = client.usage
    return {"requests": int(getattr(usage, "requests", 0)), "credits": int(getattr(usage, "credits", 0))}
