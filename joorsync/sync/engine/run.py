"""One execution of one job for one shop: the two sides, the account's rules, and the plan → gate →
apply cycle every product goes through.

A dry run is the same cycle with `apply.Preview` as the apply step: the plan that passed the gate
becomes the preview, and nothing is written.
Writes are idempotent (productSet by id or by a handle derived from the style, style writes by style
number, absolute stock levels), so a job that dies anywhere can run again and converge.

A side that fails transiently for one product (after the clients' own bounded retries with backoff)
makes a problem of that product, listed on /problems and solved by its next successful sync; the run
goes on. Only when product after product fails that way (the side is down) does the run stop, with
the reason, to resume from its checkpoint on retry.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import transaction

from joorsync.joor.client import JoorClient
from joorsync.joor.errors import JoorRateLimited, JoorTransientError
from joorsync.pricing.selectors import (
    category_mappings,
    price_type_factors,
    pricing_settings_get,
    sku_price_book_for,
)
from joorsync.stock.engine import outside_review, policy_review, stock_held, stock_review
from joorsync.sync.accounts import location_warehouses_of
from joorsync.sync.canonical import CanonicalProduct, parse_variant_path
from joorsync.sync.engine import linkrows
from joorsync.sync.engine.apply import Applier, Preview
from joorsync.sync.engine.gate import GateContext, review_pair
from joorsync.sync.engine.joor_side import JoorSide
from joorsync.sync.engine.pair import PairData, pair_data, plan_pair, variant_keys_of
from joorsync.sync.engine.plan import Counts, PairPlan, Refusal, Side
from joorsync.sync.engine.settings import gate_context_for, pair_settings_for, price_mapping_for
from joorsync.sync.engine.shopify_side import ShopifySide
from joorsync.sync.joor_mapping import PriceMapping
from joorsync.sync.merge import Ownership
from joorsync.sync.models import Conflict, JoorAccount, ProductLink, ProductProblem, SyncJob
from shopify_app.admin.client import AdminClient
from shopify_app.admin.errors import ShopifyThrottled, ShopifyTimeout, ShopifyTransientError

ProgressFn = Callable[..., None]
EventFn = Callable[..., object]  # what it returns is not used
YieldFn = Callable[[], None]

#: Failures that say nothing about the product: the side did not answer (5xx, timeouts, throttling)
#: even after the client's own retries. They become a problem of that one product.
TRANSIENT_FAILURES: tuple[type[Exception], ...] = (
    ShopifyTransientError,
    ShopifyThrottled,
    ShopifyTimeout,
    JoorTransientError,
    JoorRateLimited,
)
#: Products in a row failing that way before the run stops: then the side is down, not one product.
TRANSIENT_STREAK_LIMIT = 10
UNAVAILABLE = "unavailable"  # the problem code of a product a side did not answer for
#: Within a batch the job row hears of progress after this many products, or after this many seconds
#: with at least one more product through: each report is one UPDATE of the row.
PROGRESS_EVERY = 25
PROGRESS_SECONDS = 2.0


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
        yield_point: YieldFn | None = None,
    ) -> None:
        self.job = job
        self.shop = job.shop
        self.account: JoorAccount = job.shop.joor_account
        self.dry_run = job.dry_run
        self.direction = job.direction or self.account.direction
        self.settings = pair_settings_for(self.account, direction=self.direction)
        mapped, receiving = location_warehouses_of(self.account.location_warehouses)
        self.shopify = ShopifySide(
            client=shopify,
            shop_id=self.shop.pk,
            warehouses=mapped,
            receiving=receiving,
            idempotency_prefix=f"joorsync-job-{job.pk}-{job.attempts}",
            bulk_poll_interval=bulk_poll_interval,
        )
        self.shopify.on_stock_held = lambda held: stock_held(self, held)
        self.shopify.vendor = pricing_settings_get(shop=self.shop).vendor
        self.shopify.category_mappings = category_mappings(shop=self.shop)
        self._joor_client = joor
        self._joor: JoorSide | None = None
        self._prices: PriceMapping | None = None
        self._gate: GateContext | None = None
        self._warehouses = sorted(mapped.values(), key=lambda name: name != mapped.get(receiving or ""))
        self.counts = Counts()
        self.preview: list[dict[str, Any]] = []
        self.progress = progress or (lambda **kwargs: None)
        self._event = event or (lambda **kwargs: None)
        # Called between two products of a batch, its checkpoint saved: may raise to pause the batch.
        self.yield_point = yield_point or (lambda: None)
        self._transient_streak = 0
        self.joor_page_size = joor_page_size
        self._started = time.monotonic()
        self._joor_usage_start = _joor_usage(joor)
        self._shopify_usage_start = dict(shopify.usage)
        # Progress counts products (linked pairs, creations, unmatched ones considered). `done` is this
        # attempt's count; the row never shows less than an earlier attempt of the job showed.
        self.done = 0
        self.total: int | None = None  # None until it can honestly be known
        self._shown_before = max(0, int(job.progress_done or 0))
        self._reported = 0
        self._reported_at = time.monotonic()
        self.apply: Applier = Preview(self) if self.dry_run else Applier(self)

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
                sku_prices=sku_price_book_for(account=self.account, client=self._joor_client),
                type_factors=price_type_factors(shop=self.shop),
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
            self._gate = replace(
                gate_context_for(self.account, settings=self.settings, prices=self.prices),
                per_sku_prices=self.joor.sku_prices is not None,
            )
        return self._gate

    # ------------------------------------------------------------------ entry

    def run(self) -> RunResult:
        from joorsync.sync.engine import catalog, targeted

        if self.job.kind in (SyncJob.Kind.TARGETED, SyncJob.Kind.RESOLVE):
            targeted.run_batch(self, self.job.target or {})
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
        """The job row gets the final counters and API usage (what `sync --json` prints); every
        product was considered, so done and total are one figure."""
        done, _ = self.progress_shown()
        self.progress(
            done=done,
            total=done,
            counters={**result.counts.as_dict(), "seconds": round(result.seconds, 3)},
            api_usage=result.api,
        )

    # ------------------------------------------------------------------ progress

    def progress_shown(self) -> tuple[int, int | None]:
        """Done and total as the job row shows them: done never goes back (a resumed attempt counts
        again from its checkpoint) and never passes the total."""
        done = max(self._shown_before, self.done)
        return done, (None if self.total is None else max(self.total, done))

    def report_progress(self, *, checkpoint: Mapping[str, Any] | None = None) -> None:
        """One report to the job row now (with a checkpoint: the end of a batch)."""
        done, total = self.progress_shown()
        values: dict[str, Any] = {
            "done": done,
            "counters": self.counts.as_dict(),
            "api_usage": self.api_usage(),
        }
        if total is not None:
            values["total"] = total
        if checkpoint is not None:
            values["checkpoint"] = dict(checkpoint)
        self.progress(**values)
        self._reported = self.done
        self._reported_at = time.monotonic()

    def advance(self, count: int = 1) -> None:
        """`count` more products went through; reported every `PROGRESS_EVERY` products or
        `PROGRESS_SECONDS`, whichever comes first."""
        self.done += count
        if self.done - self._reported >= PROGRESS_EVERY or (
            self.done > self._reported and time.monotonic() - self._reported_at >= PROGRESS_SECONDS
        ):
            self.report_progress()

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

    # ------------------------------------------------------------------ one product's failure

    def product_failed(
        self,
        exc: Exception,
        *,
        link: ProductLink | None = None,
        subject: str = "",
        title: str = "",
        refusals: list[Refusal] | None = None,
    ) -> None:
        """A side did not answer for one product (`TRANSIENT_FAILURES`): a problem of that product,
        the run goes on. Raises `exc` once `TRANSIENT_STREAK_LIMIT` products in a row failed so."""
        self._transient_streak += 1
        if self._transient_streak >= TRANSIENT_STREAK_LIMIT:
            raise exc
        self.counts.errors += 1
        side = Side.JOOR if isinstance(exc, JoorTransientError | JoorRateLimited) else Side.SHOPIFY
        message = (
            f"{side.label} did not answer for this product ({type(exc).__name__}: {exc}); "
            "it is synced again by the next run"
        )[:2000]
        refusal = Refusal(side=side, code=UNAVAILABLE, message=message)
        linked = link is not None and bool(link.pk)
        subject = linkrows.subject_of(link=link) if linked else subject
        if refusals is None and subject:
            # Nothing was planned for it this time: the product keeps the problems it has.
            refusals = [
                Refusal(side=p.side, code=p.code, message=p.message, path=p.field_path, details=p.details)
                for p in ProductProblem.objects.filter(
                    shop=self.shop, subject=subject, status=ProductProblem.Status.OPEN
                ).exclude(code=UNAVAILABLE)
            ]
        if linked and link is not None:
            self.apply.problems(link, [*(refusals or []), refusal])
        elif subject and not self.dry_run:
            opened = linkrows.problems_record(
                shop=self.shop,
                subject=subject,
                refusals=[*(refusals or []), refusal],
                job=self.job,
                title=title,
            )
            self.counts.problems += len(opened)
        self.event(
            action="product_failed",
            level="error",
            side=side,
            link=link if link is not None and link.pk else None,
            message=message,
        )

    def product_done(self) -> None:
        """A product went through: the side answers, so the next failure counts from one again."""
        self._transient_streak = 0

    # ------------------------------------------------------------------ one linked pair

    def sync_pair(self, link: ProductLink, product: CanonicalProduct, node: Mapping[str, Any]) -> None:
        """Plan, gate, apply and record one linked pair. A write one side refuses is a problem of
        this product; the rest of the run goes on."""
        data = pair_data(link=link, joor_product=product, shopify_node=node, settings=self.settings)
        outside_review(self, link=link, data=data)  # JOOR's stock outside the written warehouses
        open_conflicts = {c.field_path: c for c in link.conflicts.filter(status=Conflict.Status.OPEN)}
        with transaction.atomic():
            # Read under the rows' locks: an undo still in progress is waited for, never half-seen.
            resolving = {
                c.field_path: c
                for c in link.conflicts.select_for_update().filter(
                    status=Conflict.Status.RESOLVED, applied_at__isnull=True
                )
            }
        plan = plan_pair(
            link=link, data=data, settings=self.settings, open_conflicts=open_conflicts, resolving=resolving
        )
        review_pair(plan, shopify=data.cmp_shopify, ctx=self.gate)
        _unpriced(plan, data, self.gate)
        _one_sided_variants(plan, data, held=set(open_conflicts) | set(resolving))
        stock_review(plan, shopify=self.shopify, node=node, variant_keys=variant_keys_of(link))
        keys = variant_keys_of(link)
        policy_review(plan, run=self, link=link, product=product, node=node, variant_keys=keys)
        if data.foreign_variants:
            # productSet replaces the variant list: a product with variants outside Color × Size
            # would lose them, so nothing is written to it; and those variants are compared with
            # nothing, so the product stays a listed problem until they are Color × Size again.
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
        try:
            self.apply.pair(link=link, plan=plan, data=data, node=node, open_conflicts=open_conflicts)
        except TRANSIENT_FAILURES as exc:
            self.product_failed(exc, link=link, refusals=plan.refusals)
        else:
            self.product_done()


def _unpriced(plan: PairPlan, data: PairData, gate: GateContext) -> None:
    """Prices are never invented: a variant Shopify would gain without a price is not created, and
    a style without a mapped price stays a listed problem for as long as it has none."""
    if gate.owner("variants[-/-].price") is Ownership.IGNORE:
        return
    existing = {key for key, _ in _variant_paths(data.cmp_shopify)}
    priced = {
        key
        for key, attribute in _variant_paths(
            {c.path: c.new for c in plan.shopify.changes if c.new is not None}
        )
        if attribute == "price"
    }
    new_keys = (
        {key for key, _ in _variant_paths({c.path: 1 for c in plan.shopify.changes})} - existing - priced
    )
    if new_keys:
        for change in [
            c for c in plan.shopify.changes if (parse_variant_path(c.path) or ("",))[0] in new_keys
        ]:
            plan.shopify.changes.remove(change)
            plan.keep_base(change.path)
        for key in sorted(new_keys):
            plan.refusals.append(
                Refusal(
                    side=Side.SHOPIFY,
                    code="no_price",
                    path=f"variants[{key}]",
                    message=f"{gate.price_wanted()}: variant {key} is not added to Shopify without a price",
                )
            )
    if data.shopify_product.variants and not any(v.price is not None for v in data.joor_product.variants):
        plan.refusals.append(
            Refusal(
                side=Side.SHOPIFY,
                code="no_price",
                message=f"{gate.price_wanted()}: this product's prices are not synced until it has one",
            )
        )


def _one_sided_variants(plan: PairPlan, data: PairData, *, held: set[str]) -> None:
    """A variant on one side only that this run neither writes nor holds (its fields ignored, its
    write refused) is listed as a problem: every difference is synced, held or explained."""
    keys_s = {key for key, _ in _variant_paths(data.cmp_shopify)}
    keys_j = {key for key, _ in _variant_paths(data.cmp_joor)}
    paths = [c.path for c in plan.shopify.changes + plan.joor.changes] + [h.path for h in plan.holds]
    paths += list(held) + [r.path for r in plan.refusals]
    covered = {key for key, _ in _variant_paths(dict.fromkeys(paths))}
    for key in sorted((keys_s ^ keys_j) - covered):
        side = Side.SHOPIFY if key in keys_s else Side.JOOR
        plan.refusals.append(
            Refusal(
                side=side.other,
                code="variant_one_side",
                path=f"variants[{key}]",
                message=f"variant {key} is only in {side.label} and is not written to {side.other.label} "
                "(its fields are not synced under the current field ownership)",
            )
        )


def _variant_paths(flat: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [parsed for parsed in (parse_variant_path(p) for p in flat) if parsed is not None]


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
