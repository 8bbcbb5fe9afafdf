"""The engine's stock steps between read, plan and write:
- JOOR's figure compared is its total less what it holds outside the warehouses the app writes
  (`outside_review`, measured by reading a style back right after the app's own writes: JOOR's API
  reads only totals);
- a made-to-order style's variants sell without stock limits, and go back only where the app set it
  (`policy_review`, `policy_written`);
- a JOOR figure the receiving location cannot take is refused before anything is written, and a write
  Shopify did not take is held where the merchant sees it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from joorsync.joor.errors import JoorError
from joorsync.joor.wire_catalog import stock_totals_of
from joorsync.stock.places import DEFAULT_WAREHOUSE, warehouses_fingerprint
from joorsync.stock.services import (
    STOCK_BELOW_ZERO,
    StockState,
    policy_marks_created,
    stock_hold_record,
    stock_state_save,
    stock_states_of,
    stock_states_of_link,
)
from joorsync.sync.canonical import CanonicalProduct, parse_variant_path, variant_key, variant_path
from joorsync.sync.engine.pair import variant_keys_of
from joorsync.sync.engine.plan import PairPlan, PolicyWrite, Refusal, Side
from joorsync.sync.engine.shopify_side import ShopifySide, below_zero_message
from joorsync.sync.engine.shopify_writes import StockHold
from joorsync.sync.merge import Ownership, field_group
from joorsync.sync.shopify_mapping import variant_node_map

if TYPE_CHECKING:
    from joorsync.sync.engine.pair import PairData
    from joorsync.sync.engine.run import SyncRun
    from joorsync.sync.models import ProductLink

CONTINUE = "CONTINUE"
DENY = "DENY"
POLICIES = (CONTINUE, DENY)


class StockLedger:
    """One run's copy of the app's stock records (read once per run, kept in step as the run records),
    and the JOOR stock writes waiting for their batch to be sent."""

    def __init__(self, run: SyncRun) -> None:
        self.run = run
        self._states: dict[int, dict[str, StockState]] | None = None
        # Style id → [(link id, variant key, figures written per warehouse)], for the next flush.
        self._queued: dict[int, list[tuple[int, str, Mapping[str, int]]]] = {}
        self.readbacks = 0  # styles read back after a stock write (what the measuring costs)

    def states(self, link_id: int) -> dict[str, StockState]:
        if self._states is None:
            self._states = stock_states_of(shop_id=self.run.shop.pk)
        return self._states.setdefault(link_id, {})

    def reload(self, link_id: int) -> None:
        """Read one link's records again (after a bulk write of them)."""
        if self._states is not None:
            self._states[link_id] = stock_states_of_link(link_id=link_id)

    def save(self, link_id: int, key: str, **values: Any) -> None:
        stock_state_save(link_id=link_id, variant_key=key, known=self.states(link_id), **values)

    @property
    def fingerprint(self) -> str:
        """The warehouses this run writes Shopify's figures into: the mapped ones, else Default."""
        return warehouses_fingerprint(self.run.shopify.places.warehouses.values() or [DEFAULT_WAREHOUSE])

    def queue(self, *, link_id: int, style_id: int, key: str, levels: Mapping[str, int]) -> None:
        self._queued.setdefault(style_id, []).append((link_id, key, dict(levels)))

    def flushed(self, *, failed: bool) -> None:
        """The batch went out: each style written is read back once, and what JOOR holds outside the
        warehouses just written is its total less what was written (exact at that moment, as the
        writes are absolute). After a failed item nothing is measured from this batch (JOOR does not
        say which SKU an item was), and the records stay as they were; so does a style JOOR does not
        answer for."""
        queued, self._queued = self._queued, {}
        if failed:
            return
        for style_id, entries in queued.items():
            self.readbacks += 1
            try:
                totals = stock_totals_of(self.run.joor.style(style_id))
            except JoorError:
                continue
            by_key = {variant_key(color, size): total for (color, size), total in totals.items()}
            for link_id, key, levels in entries:
                if key in by_key:
                    written = sum(levels.values())
                    self.save(
                        link_id,
                        key,
                        written=written,
                        outside=max(0, by_key[key] - written),
                        warehouses=warehouses_fingerprint(levels),
                    )


_LEDGERS: WeakKeyDictionary[Any, StockLedger] = WeakKeyDictionary()


def ledger_of(run: SyncRun) -> StockLedger:
    ledger = _LEDGERS.get(run)
    if ledger is None:
        ledger = _LEDGERS[run] = StockLedger(run)
    return ledger


def outside_review(run: SyncRun, *, link: ProductLink, data: PairData) -> None:
    """JOOR's figure as compared: its total less what it holds outside the warehouses the app writes.

    JOOR's API reads only a SKU's total over every warehouse. Right after the app has written its
    figures into the mapped warehouses, the style is read back, and the total less the figures
    written is what the other warehouses hold (`outside`). It is kept until the next such write (or
    the table changes), so that stock is never written to Shopify, and so never back into a mapped
    warehouse to be counted twice. A total below the outside figure compares as 0."""
    states = ledger_of(run).states(link.pk) if link.pk else {}
    if not states:
        return
    fingerprint = ledger_of(run).fingerprint
    for key, state in states.items():
        if not state.outside or state.warehouses != fingerprint:
            continue  # nothing outside, or measured against another table: JOOR's total as it is
        path = variant_path(key, "inventory")
        total = data.cmp_joor.get(path)
        if isinstance(total, int) and not isinstance(total, bool):
            data.cmp_joor[path] = max(0, total - state.outside)


def joor_stock_queued(run: SyncRun, *, link: ProductLink, key: str, levels: Mapping[str, int]) -> None:
    """Shopify's figures for one SKU are on their way into JOOR's warehouses (`levels`)."""
    if link.pk and link.joor_style_id is not None and levels:
        ledger_of(run).queue(link_id=link.pk, style_id=int(link.joor_style_id), key=key, levels=levels)


def joor_stock_flushed(run: SyncRun, *, failed: bool) -> None:
    ledger_of(run).flushed(failed=failed)


def policy_review(
    plan: PairPlan,
    *,
    run: SyncRun,
    link: ProductLink,
    product: CanonicalProduct,
    node: Mapping[str, Any],
    variant_keys: Mapping[str, tuple[str, str]],
) -> None:
    """Each linked variant's selling policy against what JOOR's made_to_order implies: a made-to-order
    style sells without stock limits (CONTINUE); one that is no longer made to order goes back to DENY
    only where the app set CONTINUE (a merchant's own CONTINUE stays). A policy not read this run, an
    unknown made_to_order, a direction that does not write Shopify or stock left unsynced: nothing."""
    made = product.joor.get("made_to_order")
    if not isinstance(made, bool) or not run.settings.allow_write_shopify:
        return
    if run.settings.owners().get(field_group(variant_path("-/-", "inventory"))) is Ownership.IGNORE:
        return
    marked: set[str] | None = None
    for key, variant in sorted(variant_node_map(node, variant_keys=variant_keys).items()):
        policy, variant_id = variant.get("inventoryPolicy"), variant.get("id")
        if policy not in POLICIES or not variant_id:
            continue
        if made and policy == DENY:
            plan.policies.append(PolicyWrite(key, str(variant_id), DENY, CONTINUE))
        elif not made and policy == CONTINUE:
            if marked is None:
                marked = {k for k, s in ledger_of(run).states(link.pk).items() if s.policy_set}
            if key in marked:
                plan.policies.append(PolicyWrite(key, str(variant_id), CONTINUE, DENY))


def policy_written(
    run: SyncRun,
    *,
    link: ProductLink,
    plan: PairPlan,
    product: CanonicalProduct,
    before: Mapping[str, Any],
    after: Mapping[str, Any] | None,
) -> None:
    """Record the policies the app set: the planned ones, and a made-to-order style's variants a
    productSet has just added (sent CONTINUE)."""
    ledger = ledger_of(run)
    for write in plan.policies:
        ledger.save(link.pk, write.key, policy_set=write.new == CONTINUE)
    if after is None or after is before or product.joor.get("made_to_order") is not True:
        return
    keys = variant_keys_of(link)
    had = set(variant_node_map(before, variant_keys=keys))
    for key, variant in variant_node_map(after, variant_keys=keys).items():
        if key not in had and variant.get("inventoryPolicy") == CONTINUE:
            ledger.save(link.pk, key, policy_set=True)


def policy_created(run: SyncRun, *, link: ProductLink, product: CanonicalProduct) -> None:
    """A product the app has just created for a made-to-order style was sent CONTINUE everywhere."""
    if product.joor.get("made_to_order") is True:
        policy_marks_created(link=link, keys=[v.key for v in product.variants])
        ledger_of(run).reload(link.pk)


def stock_review(
    plan: PairPlan,
    *,
    shopify: ShopifySide,
    node: Mapping[str, Any],
    variant_keys: Mapping[str, tuple[str, str]],
) -> None:
    """JOOR's total minus what the other mapped locations hold is what the receiving location gets;
    when that is below zero nothing is written for the variant and the product gets a problem."""
    kept = []
    for write in plan.stock:
        if write.side is Side.SHOPIFY:
            target = shopify.receiving_target(
                node=node, variant_keys=variant_keys, key=write.key, total=write.quantity
            )
            if target is not None and target < 0:
                plan.keep_base(write.path)
                plan.refusals.append(
                    Refusal(
                        side=Side.SHOPIFY,
                        code=STOCK_BELOW_ZERO,
                        path=write.path,
                        message=below_zero_message(total=write.quantity, target=target),
                    )
                )
                continue
        kept.append(write)
    plan.stock = kept


def stock_held(run: SyncRun, held: StockHold) -> None:
    """A stock write Shopify did not take: the figure's agreement goes back, the product gets a
    problem and an event saying why, and the next run compares it again. Never a failed run."""
    token = held.token
    link = getattr(token, "link", None)
    path = str(getattr(token, "path", "") or "")
    parsed = parse_variant_path(path)
    what = f"Stock of {parsed[0]}" if parsed else "Stock"
    if held.moved:
        message = (
            f"{what} changed in Shopify while JOOR's figure was being written ({held.reason}); "
            "nothing was written, and the next sync compares both figures again"
        )
    else:
        message = f"{what} was not written to Shopify: {held.reason}; the next sync tries again"
    linked = link if link is not None and getattr(link, "pk", None) else None
    if linked is not None and not run.dry_run and path:
        opened = stock_hold_record(
            job=run.job,
            link=linked,
            path=path,
            had_base=bool(getattr(token, "had_base", False)),
            base=getattr(token, "base", None),
            message=message,
        )
        if opened is not None:
            run.counts.problems += 1
    run.event(
        action="stock_held",
        level="warning",
        side="shopify",
        link=linked,
        message=message[:2000],
    )
