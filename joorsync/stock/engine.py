"""The engine's stock steps between plan and write: a JOOR figure the receiving location cannot take is
refused before anything is written, and a write Shopify did not take is held where the merchant sees it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from joorsync.stock.services import STOCK_BELOW_ZERO, stock_hold_record
from joorsync.sync.canonical import parse_variant_path
from joorsync.sync.engine.plan import PairPlan, Refusal, Side
from joorsync.sync.engine.shopify_side import ShopifySide, below_zero_message
from joorsync.sync.engine.shopify_writes import StockHold

if TYPE_CHECKING:
    from joorsync.sync.engine.run import SyncRun


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
