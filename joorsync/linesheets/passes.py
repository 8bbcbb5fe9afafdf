"""The linesheet pass: run after a full or incremental catalog pass (one-product jobs skip it), in the
directions the shop chose. It reads what the catalog pass just agreed on, so it costs no JOOR read
for JOOR → Shopify, and it records one summary event with its own API calls and cost.

A collection or linesheet a side refuses is a problem of that collection (subject `linesheet:<id>`),
never a failed run; a side that does not answer at all ends the pass with a warning, the catalog
run's work stands.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from joorsync.linesheets.models import LinesheetLink
from joorsync.linesheets.plan import Refused
from joorsync.linesheets.selectors import linesheet_links, linesheet_settings_get
from joorsync.sync.engine import linkrows
from joorsync.sync.engine.plan import Refusal
from joorsync.sync.engine.steps import catalog_step
from joorsync.sync.jobs import sync_event_record
from joorsync.sync.models import ProductLink

if TYPE_CHECKING:
    from joorsync.linesheets.to_shopify import Outcome
    from joorsync.sync.engine.run import SyncRun

SUMMARY_ACTION = "linesheets_summary"


@dataclass(slots=True)
class PassCounts:
    created: int = 0
    updated: int = 0
    added: int = 0
    removed: int = 0
    moved: int = 0
    put_back: int = 0
    adopted: int = 0
    titles_kept: int = 0
    problems: int = 0
    joor_written: int = 0
    previews: list[dict[str, Any]] = field(default_factory=list)

    def preview(self, key: str, *, created: bool, wanted: list[str], base: list[str]) -> None:
        self.previews.append(
            {
                "linesheet": key,
                "create": created,
                "add": len(set(wanted) - set(base)),
                "remove": len(set(base) - set(wanted)),
            }
        )

    def as_dict(self) -> dict[str, int]:
        return {
            "collections_created": self.created,
            "collections_updated": self.updated,
            "products_added": self.added,
            "products_removed": self.removed,
            "products_moved": self.moved,
            "products_put_back": self.put_back,
            "collections_found": self.adopted,
            "titles_kept": self.titles_kept,
            "joor_linesheets_written": self.joor_written,
            "problems": self.problems,
        }


class LinesheetPass:
    def __init__(self, run: SyncRun, *, poll_interval: float = 1.0) -> None:
        self.run = run
        self.shop = run.shop
        self.preview = run.dry_run
        self.poll_interval = poll_interval
        self.counts = PassCounts()

    def execute(self) -> None:
        from joorsync.linesheets.to_joor import ShopifyToJoor
        from joorsync.linesheets.to_shopify import JoorToShopify

        settings = linesheet_settings_get(shop=self.shop)
        if not (settings.joor_to_shopify or settings.shopify_to_joor):
            return
        shopify_usage = dict(self.run.shopify.client.usage)
        joor_client = self.run.joor.client
        joor_usage = (joor_client.usage.requests, joor_client.usage.credits)
        skipped: list[str] = []
        with catalog_step(self.run, action="linesheets_stopped", what="Linesheets and collections"):
            links = linesheet_links(shop=self.shop)
            if settings.shopify_to_joor:
                if self.run.settings.allow_write_joor:
                    ShopifyToJoor(self).execute(links, chosen=list(settings.shopify_collections or []))
                else:
                    skipped.append("Shopify → JOOR (the sync direction does not write to JOOR)")
            if settings.joor_to_shopify:
                if self.run.settings.allow_write_shopify:
                    JoorToShopify(self).execute(linesheet_links(shop=self.shop))
                else:
                    skipped.append("JOOR → Shopify (the sync direction does not write to Shopify)")
        now = self.run.shopify.client.usage
        usage = {
            "shopify_requests": now.get("requests", 0) - shopify_usage.get("requests", 0),
            "shopify_cost": now.get("cost", 0) - shopify_usage.get("cost", 0),
            "joor_requests": joor_client.usage.requests - joor_usage[0],
            "joor_credits": joor_client.usage.credits - joor_usage[1],
        }
        # Written to the job's log directly: also where a run keeps no other events (the benchmark).
        sync_event_record(
            job=self.run.job,
            action=SUMMARY_ACTION,
            message=self._summary(skipped),
            details={
                **self.counts.as_dict(),
                "api": usage,
                **({"preview": self.counts.previews} if self.preview else {}),
            },
        )

    def _summary(self, skipped: list[str]) -> str:
        c = self.counts
        verb = "Would sync" if self.preview else "Linesheets"
        text = (
            f"{verb}: {c.created} collections created, {c.updated} updated; {c.added} products added, "
            f"{c.removed} removed, {c.moved} moved, {c.put_back} put back; {c.joor_written} JOOR linesheets "
            f"written; {c.problems} problems."
        )
        if c.titles_kept:
            text += f" {c.titles_kept} collections keep the title a person gave them."
        if self.preview:
            text = f"Would sync {len(c.previews)} linesheets (nothing written)."
        if skipped:
            text += " Not synced: " + "; ".join(skipped) + "."
        return text

    # ------------------------------------------------------------------ recording

    def problems(self, link: LinesheetLink, refusals: list[Refused], *, side: str = "shopify") -> None:
        """The link's open problems become exactly `refusals` (none: the earlier ones are solved)."""
        opened = linkrows.problems_record(
            shop=self.shop,
            subject=f"linesheet:{link.pk}",
            refusals=[Refusal(side=side, code=r.code, message=r.message) for r in refusals],
            job=self.run.job,
            title=f"Collection “{link.title or link.joor_key}”"[:255],
        )
        self.counts.problems += len(opened)
        if refusals:
            self.run.event(
                action="linesheet_refused",
                level="error",
                side=side,
                message=f"“{link.title or link.joor_key}”: " + "; ".join(r.message for r in refusals),
                details={"linesheet": link.joor_key},
            )

    def record_collection(self, link: LinesheetLink, outcome: Outcome) -> None:
        """Events on the products whose membership changed (a new collection's first fill is counted
        in the summary only), and the collection's own line."""
        plan = outcome.plan
        c = self.counts
        c.created += int(outcome.created)
        c.updated += int(not outcome.created and bool(outcome.attrs or not plan.empty))
        c.added += len(plan.add)
        c.removed += len(plan.remove)
        c.moved += len(plan.moves)
        c.put_back += len(plan.put_back)
        c.adopted += int(outcome.adopted)
        c.titles_kept += int(outcome.title_kept is not None)
        name = link.title or link.joor_key
        changes: list[tuple[str, str, str]] = []
        if not outcome.created:
            put_back = set(plan.put_back)
            changes += [
                (
                    p,
                    "linesheet_put_back" if p in put_back else "linesheet_added",
                    f"put back into collection “{name}”: it is still on JOOR linesheet “{name}”, which decides"
                    if p in put_back
                    else f"added to collection “{name}” (JOOR linesheet “{name}”)",
                )
                for p in plan.add
            ]
        changes += [
            (p, "linesheet_removed", f"taken out of collection “{name}”: it left JOOR linesheet “{name}”")
            for p in plan.remove
        ]
        if changes:
            links = {
                pl.shopify_product_id: pl
                for pl in ProductLink.objects.filter(
                    shop=self.shop, shopify_product_id__in=[p for p, _, _ in changes]
                )
            }
            for product, action, message in changes:
                self.run.event(
                    action=action,
                    side="shopify",
                    link=links.get(product),
                    message=message,
                    details={
                        "linesheet": link.joor_key,
                        "collection": link.shopify_collection_id,
                        "product": product,
                    },
                )
        if outcome.title_kept is not None:
            kept, joor_name = outcome.title_kept
            self.run.event(
                action="linesheet_title_kept",
                level="warning",
                side="shopify",
                message=f"Collection “{kept}” keeps the title it was given in Shopify: JOOR renamed the "
                f"linesheet to “{joor_name}” since, and a person's title is not overwritten (rename the "
                "collection in Shopify to follow JOOR)",
                details={
                    "linesheet": link.joor_key,
                    "collection": link.shopify_collection_id,
                    "kept": kept,
                    "joor": joor_name,
                },
            )
        if outcome.created or outcome.adopted or outcome.attrs or not plan.empty or outcome.kept:
            what = Counter({"added": len(plan.add), "removed": len(plan.remove), "moved": len(plan.moves)})
            parts = [f"{n} {k}" for k, n in what.items() if n]
            if outcome.adopted:
                parts.insert(0, "already in Shopify (made for this linesheet before), taken over")
            if outcome.attrs:
                parts.append("changed: " + ", ".join(sorted(outcome.attrs)))
            if outcome.kept:
                parts.append("kept (empty in JOOR): " + ", ".join(sorted(outcome.kept)))
            self.run.event(
                action="linesheet_collection_created" if outcome.created else "linesheet_collection_updated",
                side="shopify",
                message=f"Collection “{name}”: " + ("; ".join(parts) or "created"),
                details={"linesheet": link.joor_key, "collection": link.shopify_collection_id},
            )


def linesheets_pass(run: SyncRun) -> None:
    """The pass after a catalog run (the engine's one call)."""
    LinesheetPass(run, poll_interval=getattr(run.shopify, "_bulk_poll_interval", 1.0)).execute()
