"""The price-list pass: every JOOR price type routed to a Shopify price list is written there, one
fixed price per linked variant, after a full or incremental catalog pass (one-product jobs skip it).

Plan → gate → apply, like the pair sync: the pass reads each list's fixed prices once (paged), plans
only the prices that differ, refuses what it cannot price (a variant without a JOOR price in that type
gets none — a problem of the product naming the price type, never a zero), then writes with
`priceListFixedPricesAdd` in batches of `BATCH` and records every change in the product's history.
A price type taken off price lists has its list's fixed prices deleted the same way (recorded).

A refused price or deletion is the problem of the product of the variant Shopify names (the error's
`field`, `["prices", "3", …]`, is the index in the batch); the rest of the batch is sent again
without it, so one bad variant never holds the others back nor stops the pass.

The list follows Shopify and the route's row: a list deleted in Shopify is found by its name or made
again (every fixed price set again), and the list's catalog is moved to the market or company
locations the row names now (`catalogUpdate`), each said in the job's log.

Its parts: the list's catalog (`price_list_catalogs`), the linked variants and their JOOR prices
(`price_list_targets`), the batched writes and refusals (`price_list_writes`), and what they share
(`price_list_records`, `price_list_text`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from joorsync.pricing.models import PriceTypeRoute
from joorsync.pricing.price_list_catalogs import PriceListCatalogsMixin
from joorsync.pricing.price_list_records import CENT, MISSING, Counts, ListPlan, Refused, Target
from joorsync.pricing.price_list_targets import PriceListTargetsMixin
from joorsync.pricing.price_list_text import labels_listed, list_name, path_key, summary_text
from joorsync.pricing.price_list_writes import PriceListWritesMixin, refusal_problems
from joorsync.pricing.services import price_type_route_list_set
from joorsync.sync.engine import linkrows
from joorsync.sync.engine.plan import Refusal
from joorsync.sync.engine.steps import catalog_step
from joorsync.sync.jobs import sync_event_record
from joorsync.sync.models import ProductLink
from joorsync.sync.ui.labels import field_labels, variant_names_of
from shopify_app.admin import pricing as api
from shopify_app.admin.errors import ShopifyError

if TYPE_CHECKING:
    from joorsync.sync.engine.run import SyncRun

SUMMARY_ACTION = "price_lists_summary"
PROBLEM_PREFIX = "price_lists:"


class PriceListPass(PriceListCatalogsMixin, PriceListTargetsMixin, PriceListWritesMixin):
    def __init__(self, run: SyncRun, *, incremental: bool) -> None:
        self.run = run
        self.shop = run.shop
        self.incremental = incremental
        self.preview = run.dry_run
        self.counts = Counts()
        self.client = run.shopify.client
        self._lists: list[api.PriceListInfo] | None = None  # the shop's price lists, read once
        self._catalogs: list[api.CatalogInfo] | None = None  # the shop's catalogs, read when needed
        self._places: dict[str, str] | None = None  # market and company-location names, for the log

    # ------------------------------------------------------------------ entry

    def execute(self) -> None:
        routes = [
            r
            for r in PriceTypeRoute.objects.filter(shop=self.shop).order_by("label", "currency")
            if r.destination == PriceTypeRoute.Destination.PRICE_LIST or r.price_list_id
        ]
        if not routes:
            return
        if not self.run.settings.allow_write_shopify:
            self._summary(skipped="the sync direction does not write to Shopify")
            return
        before = dict(self.client.usage)
        with catalog_step(self.run, action="price_lists_stopped", what="Shopify price lists"):
            self._execute(routes)
        now = self.client.usage
        self._summary(
            usage={
                "shopify_requests": now.get("requests", 0) - before.get("requests", 0),
                "shopify_cost": now.get("cost", 0) - before.get("cost", 0),
            }
        )

    def _execute(self, routes: list[PriceTypeRoute]) -> None:
        active = [r for r in routes if r.destination == PriceTypeRoute.Destination.PRICE_LIST]
        stale = [r for r in routes if r.destination != PriceTypeRoute.Destination.PRICE_LIST]
        fresh: set[int] = set()
        lists: dict[int, str] = {}
        held: dict[int, dict[str, Decimal]] = {}
        for route in active:
            stored = self._held(route)  # None: no list stored, or the stored one was deleted in Shopify
            found, created = self._list_of(route)
            if found:
                lists[route.pk] = found
            if created:
                fresh.add(route.pk)
            else:
                if stored is not None:
                    held[route.pk] = stored
                self._follow(route, found)
        links = self._scope(whole=bool(fresh) or not self.incremental)
        targets = self._targets(links)
        prices = self._joor_prices(links)
        plans: list[ListPlan] = []
        missing: dict[int, dict[int, list[Target]]] = defaultdict(lambda: defaultdict(list))
        for route in active:
            # A list made in this run holds nothing yet: no need to read it.
            current = held.get(route.pk)
            if current is None:
                current = self._fixed(lists[route.pk]) if route.pk in lists and route.pk not in fresh else {}
            plan = ListPlan(route=route, price_list_id=lists.get(route.pk, ""))
            for target in targets:
                wanted = self._wanted(route, target, prices)
                if wanted is None:  # never invented: the product is told which price type lacks it
                    missing[target.link.pk][route.pk].append(target)
                    continue
                old = current.get(target.variant_id)
                if old != wanted:
                    plan.adds[target.variant_id] = (target, old, wanted)
            if not (self.incremental or fresh):  # a variant no longer linked keeps no price of ours
                linked = {t.variant_id for t in targets}
                for variant_id, old in current.items():
                    if variant_id not in linked and not self._still_linked(variant_id):
                        plan.deletes[variant_id] = (None, old)
            plans.append(plan)
        by_variant = {t.variant_id: t for t in targets}
        for route in stale:  # taken off price lists: the list keeps none of the app's prices
            current = self._fixed(route.price_list_id)
            plan = ListPlan(route=route, price_list_id=route.price_list_id)
            for variant_id, old in current.items():
                plan.deletes[variant_id] = (by_variant.get(variant_id) or self._target_of(variant_id), old)
            plans.append(plan)
        refused: dict[int, list[Refused]] = defaultdict(list)
        changes: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for plan in plans:
            self._apply(plan, changes, refused)
        self._record(links, missing, changes, refused, {r.pk: r for r in routes})

    # ------------------------------------------------------------------ reading

    def _held(self, route: PriceTypeRoute) -> dict[str, Decimal] | None:
        """The stored list's fixed prices (the run's one read of them). A list Shopify no longer has
        (deleted there) is forgotten, so that it is found by its name or made again."""
        if not route.price_list_id:
            return None
        prices = api.price_list_fixed_prices(self.client, price_list_id=route.price_list_id)
        if prices is not None:
            return {p.variant_id: p.amount.quantize(CENT) for p in prices}
        gone, name = route.price_list_id, list_name(route)
        self.counts.lists_missing += 1
        self.run.event(
            action="price_list_missing",
            level="warning",
            side="shopify",
            message=f"Shopify price list “{name}” (JOOR price type {route.label} ({route.currency})) was "
            + (
                "deleted in Shopify: a real run finds it by its name or makes it again and sets every "
                "fixed price again."
                if self.preview
                else "deleted in Shopify: it is found by its name or made again, and every fixed price "
                "is set again."
            ),
            details={"price_list": gone, "catalog": route.catalog_id},
        )
        if self.preview:
            route.price_list_id, route.catalog_id = "", ""
        else:
            price_type_route_list_set(route=route, price_list_id="", catalog_id="")
        return None

    def _list_of(self, route: PriceTypeRoute) -> tuple[str, bool]:
        """The route's price list id (found by its name before one is made); whether it was made now."""
        if route.price_list_id:
            return route.price_list_id, False
        name = list_name(route)
        if self._lists is None:
            self._lists = api.price_lists(self.client)
        existing = next((p for p in self._lists if p.name == name and p.currency == route.currency), None)
        if existing is not None:
            if not self.preview:
                price_type_route_list_set(
                    route=route, price_list_id=existing.id, catalog_id=existing.catalog_id or ""
                )
            return existing.id, False
        if self.preview:
            self.counts.lists_created += 1
            return "", True
        catalog_id = self._catalog_for(route)
        result = api.price_list_create(
            self.client, name=name, currency=route.currency, adjustment_value=0, catalog_id=catalog_id
        )
        if result.user_errors or result.price_list is None:
            raise ShopifyError(
                f"price list “{name}” could not be made: " + "; ".join(e.message for e in result.user_errors)
            )
        price_type_route_list_set(
            route=route, price_list_id=result.price_list.id, catalog_id=catalog_id or ""
        )
        self.counts.lists_created += 1
        self.run.event(
            action="price_list_created",
            side="shopify",
            message=f"Shopify price list “{name}” made for JOOR price type {route.label} ({route.currency})",
            details={"price_list": result.price_list.id, "catalog": catalog_id},
        )
        return result.price_list.id, True

    # ------------------------------------------------------------------ recording

    def _record(
        self,
        links: list[ProductLink],
        missing: Mapping[int, Mapping[int, list[Target]]],
        changes: Mapping[int, list[dict[str, Any]]],
        refused: Mapping[int, list[Refused]],
        routes: Mapping[int, PriceTypeRoute],
    ) -> None:
        lacking = {pk for pk, by_route in missing.items() if any(by_route.values())}
        self.counts.products_missing = len(lacking)
        self.counts.products_refused = len([pk for pk, rows in refused.items() if rows])
        if self.preview:
            self.counts.problems = len(lacking)
            return
        by_pk = {link.pk: link for link in links}
        for pk, rows in changes.items():
            link = by_pk.get(pk) or ProductLink.objects.filter(pk=pk).first()
            if link is None:
                continue
            paths = [r["path"] for r in rows]
            self.run.event(
                action="updated",
                side="shopify",
                link=link,
                message="Shopify price lists updated: "
                + field_labels(paths, variant_names_of(link.snapshot)),
                details={"paths": paths, "changes": rows},
            )
        troubled: set[int] = set()
        for pk in set(by_pk) | set(refused):
            link = by_pk.get(pk) or ProductLink.objects.filter(pk=pk).first()
            if link is None:
                continue
            refusals = refusal_problems(refused.get(pk, []))
            for route_pk, targets in (missing.get(pk) or {}).items():
                route = routes[route_pk]
                refusals.append(
                    Refusal(
                        side="shopify",
                        code=MISSING,
                        path=f"price_list[{path_key(route)}]",
                        message=f"No JOOR price of type {route.label} ({route.currency}) for "
                        + labels_listed([t.label or t.key for t in targets])
                        + f": no price was set for them in price list “{list_name(route)}”",
                        details={
                            "price_type": route.label,
                            "currency": route.currency,
                            "variants": [t.key for t in targets],
                        },
                    )
                )
            opened = linkrows.problems_record(
                shop=self.shop,
                subject=f"{PROBLEM_PREFIX}{pk}",
                refusals=refusals,
                job=self.run.job,
                link=link,
                title=(link.shopify_title or link.joor_name or link.style_number)[:255],
            )
            if refusals:
                troubled.add(pk)
            if opened:
                self.run.event(
                    action="price_list_refused",
                    level="error",
                    side="shopify",
                    link=link,
                    message="; ".join(r.message for r in refusals)[:2000],
                )
        self.counts.problems = len(troubled)

    def _summary(self, *, skipped: str = "", usage: Mapping[str, Any] | None = None) -> None:
        if skipped:
            text = f"Price lists not synced: {skipped}."
        else:
            text = summary_text(self.counts, preview=self.preview)
        sync_event_record(
            job=self.run.job,
            action=SUMMARY_ACTION,
            message=text,
            details={**self.counts.as_dict(), "api": dict(usage or {})},
        )


def price_lists_pass(run: SyncRun, *, incremental: bool) -> None:
    """The pass after a catalog run (the engine's one call)."""
    PriceListPass(run, incremental=incremental).execute()
