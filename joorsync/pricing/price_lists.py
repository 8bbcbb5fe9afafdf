"""The price-list pass: every JOOR price type routed to a Shopify price list is written there, one
fixed price per linked variant, after a full or incremental catalog pass (one-product jobs skip it).

Plan → gate → apply, like the pair sync: the pass reads each list's fixed prices once (paged), plans
only the prices that differ, refuses what it cannot price (a variant without a JOOR price in that type
gets none — a problem of the product naming the price type, never a zero), then writes with
`priceListFixedPricesAdd` in batches of `BATCH` and records every change in the product's history.
A price type taken off price lists has its list's fixed prices deleted the same way (recorded).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from joorsync.pricing.models import PriceTypeRoute
from joorsync.pricing.services import price_type_route_list_set
from joorsync.pricing.sku_prices import StyleSkuPrices, book_style_ids, book_styles_ensure
from joorsync.sync.canonical import JOOR_PREFIX, variant_key
from joorsync.sync.engine import linkrows
from joorsync.sync.engine.plan import Refusal
from joorsync.sync.engine.steps import catalog_step
from joorsync.sync.jobs import sync_event_record
from joorsync.sync.models import ProductLink, VariantLink
from shopify_app.admin import pricing as api
from shopify_app.admin.errors import ShopifyError

if TYPE_CHECKING:
    from joorsync.sync.engine.run import SyncRun

SUMMARY_ACTION = "price_lists_summary"
#: Shopify takes at most 250 items in an input array (https://shopify.dev/docs/api/usage/limits).
BATCH = 250
CENT = Decimal("0.01")
PROBLEM_PREFIX = "price_lists:"
MISSING = "price_missing"
REFUSED = "price_list_refused"


def list_name(route: PriceTypeRoute) -> str:
    """The name the app gives (and finds) its price list by."""
    return f"JOOR {route.label} ({route.currency})"


def path_key(route: PriceTypeRoute) -> str:
    """`USD-1` for label 1 in USD; a label that already names its currency stays as it is."""
    return (
        route.label if route.label.upper().startswith(route.currency) else f"{route.currency}-{route.label}"
    )


def price_path(route: PriceTypeRoute, key: str) -> str:
    return f"price_list[{path_key(route)}].variants[{key}]"


def _amount(value: Any) -> Decimal | None:
    """A JOOR price as a positive amount in cents; None when there is none (blank, zero, not a number)."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount <= 0:
        return None
    return amount.quantize(CENT)


@dataclass(slots=True)
class Target:
    """One linked variant as the pass sees it."""

    link: ProductLink
    key: str
    variant_id: str
    units: int
    combo: tuple[str, str] = ("", "")


@dataclass(slots=True)
class ListPlan:
    route: PriceTypeRoute
    price_list_id: str
    adds: dict[str, tuple[Target, Decimal | None, Decimal]] = field(default_factory=dict)
    deletes: dict[str, tuple[Target | None, Decimal]] = field(default_factory=dict)


@dataclass(slots=True)
class Counts:
    lists_created: int = 0
    prices_set: int = 0
    prices_deleted: int = 0
    problems: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "price_lists_created": self.lists_created,
            "prices_set": self.prices_set,
            "prices_deleted": self.prices_deleted,
            "problems": self.problems,
        }


class PriceListPass:
    def __init__(self, run: SyncRun, *, incremental: bool) -> None:
        self.run = run
        self.shop = run.shop
        self.incremental = incremental
        self.preview = run.dry_run
        self.counts = Counts()
        self.client = run.shopify.client

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
        for route in active:
            found, created = self._list_of(route)
            if found:
                lists[route.pk] = found
            if created:
                fresh.add(route.pk)
        links = self._scope(whole=bool(fresh) or not self.incremental)
        targets = self._targets(links)
        prices = self._joor_prices(links)
        plans: list[ListPlan] = []
        missing: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
        for route in active:
            current = self._fixed(lists[route.pk]) if route.pk in lists else {}
            plan = ListPlan(route=route, price_list_id=lists.get(route.pk, ""))
            for target in targets:
                wanted = self._wanted(route, target, prices)
                if wanted is None:  # never invented: the product is told which price type lacks it
                    missing[target.link.pk][route.pk].append(target.key)
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
        refused: dict[int, list[Refusal]] = defaultdict(list)
        changes: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for plan in plans:
            self._apply(plan, changes, refused)
        self._record(links, missing, changes, refused, {r.pk: r for r in routes})

    # ------------------------------------------------------------------ reading

    def _list_of(self, route: PriceTypeRoute) -> tuple[str, bool]:
        """The route's price list id (found by its name before one is made); whether it was made now."""
        if route.price_list_id:
            return route.price_list_id, False
        name = list_name(route)
        existing = next(
            (p for p in api.price_lists(self.client) if p.name == name and p.currency == route.currency), None
        )
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

    def _catalog_for(self, route: PriceTypeRoute) -> str | None:
        """A catalog of the chosen market for the list: the one made before, else a new one. No market
        chosen: the list is made without a catalog (it holds prices, buyers see them once attached)."""
        if route.catalog_id:
            return route.catalog_id
        if not route.market_id:
            return None
        title = list_name(route)
        for catalog in api.catalogs(self.client, catalog_type="MARKET"):
            if catalog.title == title and catalog.price_list_id is None:
                return catalog.id
        result = api.catalog_create(self.client, title=title, market_ids=[route.market_id])
        if result.user_errors or result.catalog is None:
            raise ShopifyError(
                f"catalog “{title}” could not be made: " + "; ".join(e.message for e in result.user_errors)
            )
        return result.catalog.id

    def _fixed(self, price_list_id: str) -> dict[str, Decimal]:
        if not price_list_id:
            return {}
        return {
            p.variant_id: p.amount.quantize(CENT)
            for p in api.price_list_prices(self.client, price_list_id=price_list_id, origin_type="FIXED")
        }

    def _scope(self, *, whole: bool) -> list[ProductLink]:
        links = ProductLink.objects.filter(
            shop=self.shop, status=ProductLink.Status.LINKED, joor_style_id__isnull=False
        ).exclude(shopify_product_id="")
        book = self.run.joor.sku_prices
        if not whole and book is not None:  # incremental: the styles JOOR changed
            links = links.filter(joor_style_id__in=book_style_ids(book))
        return list(links.prefetch_related("variant_links").order_by("pk"))

    def _targets(self, links: Iterable[ProductLink]) -> list[Target]:
        out = []
        for link in links:
            units = _units(link.snapshot or {})
            for v in link.variant_links.all():
                if v.shopify_variant_id:
                    out.append(
                        Target(
                            link=link,
                            key=variant_key(v.color_code, v.size),
                            variant_id=_gid(v.shopify_variant_id),
                            units=units.get(v.size, 1),
                            combo=(v.color_code, v.size),
                        )
                    )
        return out

    def _joor_prices(self, links: list[ProductLink]) -> dict[int, StyleSkuPrices]:
        book = self.run.joor.sku_prices
        if book is None:
            return {}
        return book_styles_ensure(book, style_ids=[int(link.joor_style_id or 0) for link in links])

    def _wanted(
        self, route: PriceTypeRoute, target: Target, prices: Mapping[int, StyleSkuPrices]
    ) -> Decimal | None:
        """The variant's JOOR price in the route's type and amount: its SKU's own (v4), else, for an
        account with style prices only (v2), the style's price of that type."""
        retail = route.amount == PriceTypeRoute.Amount.RETAIL
        link = target.link
        if self.run.joor.sku_prices is not None:
            book = prices.get(int(link.joor_style_id or 0))
            rows = book.prices.get(target.combo, ()) if book is not None else ()
            value = next(
                (
                    p.retail_value if retail else p.wholesale_value
                    for p in rows
                    if p.price_type.name == route.label
                    and (p.price_type.currency_code or "").upper() == route.currency
                ),
                None,
            )
        else:
            listed = (link.snapshot or {}).get(JOOR_PREFIX + "prices") or []
            value = next(
                (
                    p.get("price_retail" if retail else "price_wholesale")
                    for p in listed
                    if isinstance(p, dict)
                    and p.get("price_label") == route.label
                    and str(p.get("price_currency") or "").upper() == route.currency
                ),
                None,
            )
        amount = _amount(value)
        return None if amount is None else (amount * target.units).quantize(CENT)

    def _still_linked(self, variant_id: str) -> bool:
        return VariantLink.objects.filter(
            product_link__shop=self.shop, shopify_variant_id__in=[variant_id, variant_id.rsplit("/", 1)[-1]]
        ).exists()

    def _target_of(self, variant_id: str) -> Target | None:
        found = (
            VariantLink.objects.filter(
                product_link__shop=self.shop,
                shopify_variant_id__in=[variant_id, variant_id.rsplit("/", 1)[-1]],
            )
            .select_related("product_link")
            .first()
        )
        if found is None:
            return None
        return Target(
            link=found.product_link,
            key=variant_key(found.color_code, found.size),
            variant_id=variant_id,
            units=1,
        )

    # ------------------------------------------------------------------ writing

    def _apply(
        self,
        plan: ListPlan,
        changes: dict[int, list[dict[str, Any]]],
        refused: dict[int, list[Refusal]],
    ) -> None:
        route = plan.route
        adds = list(plan.adds.items())
        deletes = list(plan.deletes.items())
        if self.preview or not plan.price_list_id:
            self.counts.prices_set += len(adds)
            self.counts.prices_deleted += len(deletes)
            return
        for start in range(0, len(adds), BATCH):
            chunk = adds[start : start + BATCH]
            result = api.price_list_fixed_prices_add(
                self.client,
                price_list_id=plan.price_list_id,
                prices=[
                    {"variantId": vid, "price": api.money(new, route.currency)} for vid, (_, _, new) in chunk
                ],
            )
            if result.user_errors:
                message = "; ".join(e.message for e in result.user_errors)[:1500]
                for _, (target, _, _) in chunk:
                    refused[target.link.pk].append(
                        Refusal(
                            side="shopify",
                            code=REFUSED,
                            path=f"price_list[{path_key(route)}]",
                            message=f"Shopify refused the prices of price list “{list_name(route)}”: {message}",
                        )
                    )
                continue
            self.counts.prices_set += len(chunk)
            for _, (target, old, new) in chunk:
                changes[target.link.pk].append(
                    {
                        "path": price_path(route, target.key),
                        "old": _text(old),
                        "new": _text(new),
                        "by": "merge",
                    }
                )
        for start in range(0, len(deletes), BATCH):
            part = deletes[start : start + BATCH]
            done = api.price_list_fixed_prices_delete(
                self.client, price_list_id=plan.price_list_id, variant_ids=[vid for vid, _ in part]
            )
            if done.user_errors:
                raise ShopifyError(
                    f"fixed prices of “{list_name(route)}” not deleted: "
                    + "; ".join(e.message for e in done.user_errors)
                )
            self.counts.prices_deleted += len(part)
            why = "ownership" if route.destination != PriceTypeRoute.Destination.PRICE_LIST else "merge"
            for variant_id, (owner, old) in part:
                if owner is not None:
                    changes[owner.link.pk].append(
                        {"path": price_path(route, owner.key), "old": _text(old), "new": None, "by": why}
                    )
                else:
                    self.run.event(
                        action="price_list_price_deleted",
                        side="shopify",
                        message=f"Price list “{list_name(route)}”: the fixed price of variant {variant_id}, "
                        "no longer linked to a JOOR SKU, was deleted",
                        details={"variant": variant_id, "old": _text(old)},
                    )

    # ------------------------------------------------------------------ recording

    def _record(
        self,
        links: list[ProductLink],
        missing: Mapping[int, Mapping[int, list[str]]],
        changes: Mapping[int, list[dict[str, Any]]],
        refused: Mapping[int, list[Refusal]],
        routes: Mapping[int, PriceTypeRoute],
    ) -> None:
        if self.preview:
            self.counts.problems = sum(len(m) for m in missing.values())
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
                + ", ".join(paths[:12])
                + (f" and {len(paths) - 12} more" if len(paths) > 12 else ""),
                details={"paths": paths, "changes": rows},
            )
        for pk in set(by_pk) | set(refused):
            link = by_pk.get(pk) or ProductLink.objects.filter(pk=pk).first()
            if link is None:
                continue
            refusals = list(refused.get(pk, []))
            for route_pk, keys in (missing.get(pk) or {}).items():
                route = routes[route_pk]
                refusals.append(
                    Refusal(
                        side="shopify",
                        code=MISSING,
                        path=f"price_list[{path_key(route)}]",
                        message=f"No JOOR price of type {route.label} ({route.currency}) for "
                        + ", ".join(keys[:12])
                        + (f" and {len(keys) - 12} more" if len(keys) > 12 else "")
                        + f": no price was set for them in price list “{list_name(route)}”",
                        details={"price_type": route.label, "currency": route.currency, "variants": keys},
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
            self.counts.problems += len(refusals)
            if opened:
                self.run.event(
                    action="price_list_refused",
                    level="error",
                    side="shopify",
                    link=link,
                    message="; ".join(r.message for r in refusals)[:2000],
                )

    def _summary(self, *, skipped: str = "", usage: Mapping[str, Any] | None = None) -> None:
        c = self.counts
        verb = "Would write" if self.preview else "Price lists"
        text = (
            f"{verb}: {c.lists_created} price lists made, {c.prices_set} fixed prices set, "
            f"{c.prices_deleted} deleted; {c.problems} variants' products with problems."
        )
        if skipped:
            text = f"Price lists not synced: {skipped}."
        sync_event_record(
            job=self.run.job,
            action=SUMMARY_ACTION,
            message=text,
            details={**c.as_dict(), "api": dict(usage or {})},
        )


def _units(snapshot: Mapping[str, Any]) -> dict[str, int]:
    """Size → units in a casepack (a pack variant's fixed price is the unit price × its units)."""
    out: dict[str, int] = {}
    for size in snapshot.get(JOOR_PREFIX + "sizes") or []:
        if isinstance(size, dict) and size.get("size_name") is not None:
            try:
                out[str(size["size_name"])] = max(1, int(size.get("size_multiplier") or 1))
            except (TypeError, ValueError):
                out[str(size["size_name"])] = 1
    return out


def _gid(variant_id: str) -> str:
    return variant_id if variant_id.startswith("gid://") else f"gid://shopify/ProductVariant/{variant_id}"


def _text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def price_lists_pass(run: SyncRun, *, incremental: bool) -> None:
    """The pass after a catalog run (the engine's one call)."""
    PriceListPass(run, incremental=incremental).execute()
