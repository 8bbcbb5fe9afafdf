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
from joorsync.sync.ui.labels import field_labels, variant_label, variant_names_of
from shopify_app.admin import pricing as api
from shopify_app.admin.errors import ShopifyError
from shopify_app.admin.types import UserError

if TYPE_CHECKING:
    from joorsync.sync.engine.run import SyncRun

SUMMARY_ACTION = "price_lists_summary"
#: Shopify takes at most 250 items in an input array (https://shopify.dev/docs/api/usage/limits).
BATCH = 250
CENT = Decimal("0.01")
PROBLEM_PREFIX = "price_lists:"
MISSING = "price_missing"
REFUSED = "price_list_refused"
DELETE_REFUSED = "price_list_delete_refused"
#: A deletion answered with this code found no fixed price left to delete: what it was for.
NOT_FIXED = "PRICE_NOT_FIXED"
MARKET_CATALOG = "MarketCatalog"
LOCATION_CATALOG = "CompanyLocationCatalog"
CATALOG_TYPE = {MARKET_CATALOG: "MARKET", LOCATION_CATALOG: "COMPANY_LOCATION"}


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


def route_context(route: PriceTypeRoute) -> tuple[str, tuple[str, ...]] | None:
    """The catalog the row asks for: its type and market or company-location ids; None when the row
    names neither (the list then stays where it is)."""
    if route.market_id:
        return MARKET_CATALOG, (route.market_id,)
    locations = tuple(str(v) for v in route.company_location_ids or [])
    return (LOCATION_CATALOG, locations) if locations else None


def _count(number: int, one: str, many: str) -> str:
    """“1 product”, “191 products”, “no products”."""
    return f"{number or 'no'} {one if number == 1 else many}"


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
    #: The variant as Shopify shows it ("Gris Chiné / 36"): the colour's name, not JOOR's code.
    label: str = ""


@dataclass(slots=True)
class ListPlan:
    route: PriceTypeRoute
    price_list_id: str
    adds: dict[str, tuple[Target, Decimal | None, Decimal]] = field(default_factory=dict)
    deletes: dict[str, tuple[Target | None, Decimal]] = field(default_factory=dict)


@dataclass(slots=True)
class Refused:
    """One variant's price Shopify would not set or delete."""

    route: PriceTypeRoute
    code: str
    key: str
    message: str
    label: str = ""


@dataclass(slots=True)
class Counts:
    lists_created: int = 0
    #: Stored lists found deleted in Shopify (found by name or made again).
    lists_missing: int = 0
    #: Catalogs moved to the market or company locations the row names now.
    catalogs_moved: int = 0
    prices_set: int = 0
    prices_deleted: int = 0
    #: Products with a variant without a JOOR price of a routed type / with a price Shopify refused.
    products_missing: int = 0
    products_refused: int = 0
    #: Products with any problem of the pass.
    problems: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "price_lists_created": self.lists_created,
            "price_lists_missing": self.lists_missing,
            "catalogs_moved": self.catalogs_moved,
            "prices_set": self.prices_set,
            "prices_deleted": self.prices_deleted,
            "products_missing_price": self.products_missing,
            "products_refused": self.products_refused,
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

    def _catalog_for(self, route: PriceTypeRoute) -> str | None:
        """A catalog of the chosen market, or of the chosen B2B company locations, for the list: the one
        made before, else a new one. Neither chosen: the list is made without a catalog (it holds
        prices, buyers see them once attached)."""
        locations = [str(v) for v in route.company_location_ids or []]
        if not route.market_id and not locations:
            return None
        title = list_name(route)
        kind = MARKET_CATALOG if route.market_id else LOCATION_CATALOG
        ids = (route.market_id,) if route.market_id else tuple(locations)
        markets, places = _context_ids(kind, ids)
        spare = _spare(self._catalog_list(), title=title, kind=kind, ids=ids)
        if spare is not None and _serves(spare, kind, ids):
            return spare.id
        self._catalogs = None  # a catalog is set or made: read them again when next needed
        if spare is not None:  # made for what the row named before: it serves the row's choice now
            result = api.catalog_update(
                self.client, catalog_id=spare.id, market_ids=markets, company_location_ids=places
            )
        else:
            result = api.catalog_create(
                self.client, title=title, market_ids=markets, company_location_ids=places
            )
        if result.user_errors or result.catalog is None:
            raise ShopifyError(
                f"catalog “{title}” could not be made: " + "; ".join(e.message for e in result.user_errors)
            )
        return result.catalog.id

    def _catalog_list(self) -> list[api.CatalogInfo]:
        if self._catalogs is None:
            self._catalogs = api.catalogs(self.client)
        return self._catalogs

    def _follow(self, route: PriceTypeRoute, price_list_id: str) -> None:
        """The list's catalog serves what the row names now. A catalog the app made (by id or title) is
        given the new markets or company locations (`catalogUpdate`); when Shopify refuses that, or the
        row changed from a market to company locations or back (a catalog keeps its kind), the list
        moves to the app's catalog of the new context, found by its title or made. A list in a catalog
        the merchant made in Shopify, or a row naming neither, is left where it is."""
        wanted = route_context(route)
        if wanted is None or not price_list_id:
            return
        kind, ids = wanted
        title = list_name(route)
        catalogs = self._catalog_list()
        holder = next((c for c in catalogs if c.price_list_id == price_list_id), None)
        if holder is not None:
            if _serves(holder, kind, ids):
                if holder.id != route.catalog_id and holder.title == title and not self.preview:
                    price_type_route_list_set(route=route, price_list_id=price_list_id, catalog_id=holder.id)
                return
            if holder.id != route.catalog_id and holder.title != title:
                return  # the merchant's own catalog: theirs to set in Shopify
        spare = _spare(catalogs, title=title, kind=kind, ids=ids)
        self.counts.catalogs_moved += 1
        if self.preview:
            return
        self._catalogs = None  # changed below: read again when next needed
        was = self._where(holder)
        markets, places = _context_ids(kind, ids)
        if holder is not None and holder.kind == kind:
            changed = api.catalog_update(
                self.client, catalog_id=holder.id, market_ids=markets, company_location_ids=places
            )
            if not changed.user_errors and changed.catalog is not None:
                self._followed(route, price_list_id, holder.id, was, self._where_ids(kind, ids), moved=False)
                return
        if spare is not None:
            result = api.catalog_update(
                self.client,
                catalog_id=spare.id,
                price_list_id=price_list_id,
                market_ids=None if _serves(spare, kind, ids) else markets,
                company_location_ids=None if _serves(spare, kind, ids) else places,
            )
        else:
            result = api.catalog_create(
                self.client,
                title=title,
                price_list_id=price_list_id,
                market_ids=markets,
                company_location_ids=places,
            )
        if result.user_errors or result.catalog is None:
            self.counts.catalogs_moved -= 1
            self.run.event(
                action="price_list_catalog_refused",
                level="warning",
                side="shopify",
                message=f"Price list “{title}” could not be shown to {self._where_ids(kind, ids)}: Shopify "
                "said " + "; ".join(e.message for e in result.user_errors) + ". The next run tries again.",
                details={"price_list": price_list_id, "catalog": holder.id if holder else None},
            )
            return
        now = self._where_ids(kind, ids)
        self._followed(route, price_list_id, result.catalog.id, was, now, moved=holder is not None)

    def _followed(
        self, route: PriceTypeRoute, price_list_id: str, catalog_id: str, was: str, now: str, *, moved: bool
    ) -> None:
        """Remember the list's catalog and tell the merchant where their buyers see it now."""
        price_type_route_list_set(route=route, price_list_id=price_list_id, catalog_id=catalog_id)
        name = list_name(route)
        if moved:
            text = (
                f"Price list “{name}” moved to a catalog for {now} (its catalog for {was} stays, "
                "without the price list), as chosen in the price settings."
            )
        elif was:
            text = f"Catalog of price list “{name}” now shown to {now} instead of {was}, as chosen in the price settings."
        else:
            text = f"Price list “{name}” now shown to {now} in a catalog, as chosen in the price settings."
        self.run.event(
            action="price_list_catalog_changed",
            side="shopify",
            message=text,
            details={"price_list": price_list_id, "catalog": catalog_id, "was": was, "now": now},
        )

    def _where(self, catalog: api.CatalogInfo | None) -> str:
        if catalog is None:
            return ""
        if catalog.kind == MARKET_CATALOG:
            return self._where_ids(MARKET_CATALOG, catalog.market_ids)
        return self._where_ids(LOCATION_CATALOG, catalog.company_location_ids)

    def _where_ids(self, kind: str, ids: Iterable[str]) -> str:
        """“market Europe” or “company locations Boutique Nord — Lille, …”, as the merchant names them."""
        if self._places is None:
            self._places = {}
            try:  # names are for the log only: ids where a read fails
                self._places |= {m.id: m.name for m in api.markets(self.client)}
            except ShopifyError:
                pass
            try:
                self._places |= {
                    c.id: " — ".join(p for p in (c.company_name, c.name) if p)
                    for c in api.company_locations(self.client)
                }
            except ShopifyError:  # a shop without B2B may refuse the read
                pass
        names = [self._places.get(i) or i for i in ids]
        if kind == MARKET_CATALOG:
            return ("market " if len(names) == 1 else "markets ") + ", ".join(names)
        return ("company location " if len(names) == 1 else "company locations ") + ", ".join(names)

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
            names = variant_names_of(link.snapshot)
            for v in link.variant_links.all():
                if v.shopify_variant_id:
                    key = variant_key(v.color_code, v.size)
                    out.append(
                        Target(
                            link=link,
                            key=key,
                            variant_id=_gid(v.shopify_variant_id),
                            units=units.get(v.size, 1),
                            combo=(v.color_code, v.size),
                            label=variant_label(key, names),
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
        key = variant_key(found.color_code, found.size)
        return Target(
            link=found.product_link,
            key=key,
            variant_id=variant_id,
            units=1,
            label=variant_label(key, variant_names_of(found.product_link.snapshot)),
        )

    # ------------------------------------------------------------------ writing

    def _apply(
        self,
        plan: ListPlan,
        changes: dict[int, list[dict[str, Any]]],
        refused: dict[int, list[Refused]],
    ) -> None:
        adds = list(plan.adds.items())
        deletes = list(plan.deletes.items())
        if self.preview or not plan.price_list_id:
            self.counts.prices_set += len(adds)
            self.counts.prices_deleted += len(deletes)
            return
        for start in range(0, len(adds), BATCH):
            self._add(plan, dict(adds[start : start + BATCH]), changes, refused)
        for start in range(0, len(deletes), BATCH):
            self._delete(plan, dict(deletes[start : start + BATCH]), changes, refused)

    def _add(
        self,
        plan: ListPlan,
        pending: dict[str, tuple[Target, Decimal | None, Decimal]],
        changes: dict[int, list[dict[str, Any]]],
        refused: dict[int, list[Refused]],
    ) -> None:
        """One batch of fixed prices. Shopify's documentation does not say whether the rest of a batch
        is written when some prices are refused (the sandbox writes none, as the payload's `prices` is
        then null), so the prices it answers as written are taken as written and the others, less the
        refused ones, are sent again: setting a fixed price twice is harmless either way."""
        route = plan.route
        while pending:
            items = list(pending.items())
            result = api.price_list_fixed_prices_add(
                self.client,
                price_list_id=plan.price_list_id,
                prices=[
                    {"variantId": vid, "price": api.money(new, route.currency)} for vid, (_, _, new) in items
                ],
            )
            written = set(pending) if not result.user_errors else {p.variant_id for p in result.prices}
            by_variant, general = _attributed(result.user_errors, [vid for vid, _ in items], "prices")
            if general:  # not about one price (e.g. the list is gone): every price still pending
                by_variant = {vid: general for vid in pending if vid not in written} | by_variant
            for variant_id in [v for v in pending if v in written]:
                target, old, new = pending.pop(variant_id)
                self.counts.prices_set += 1
                changes[target.link.pk].append(
                    {
                        "path": price_path(route, target.key),
                        "old": _text(old),
                        "new": _text(new),
                        "by": "merge",
                    }
                )
            for variant_id, errors in by_variant.items():
                if variant_id not in pending:
                    continue
                target, _, _ = pending.pop(variant_id)
                message = "; ".join(e.message for e in errors)
                refused[target.link.pk].append(
                    Refused(route=route, code=REFUSED, key=target.key, message=message, label=target.label)
                )
            if result.user_errors and not by_variant and not written:
                # Refused without naming a price nor writing one: nothing left to learn by sending it again.
                message = "; ".join(e.message for e in result.user_errors)
                for target, _, _ in pending.values():
                    refused[target.link.pk].append(
                        Refused(
                            route=route, code=REFUSED, key=target.key, message=message, label=target.label
                        )
                    )
                return

    def _delete(
        self,
        plan: ListPlan,
        pending: dict[str, tuple[Target | None, Decimal]],
        changes: dict[int, list[dict[str, Any]]],
        refused: dict[int, list[Refused]],
    ) -> None:
        """One batch of deletions, each refusal attributed like the prices' (`_add`); a variant with no
        fixed price left (PRICE_NOT_FIXED: removed in Shopify since it was read) needs none."""
        route = plan.route
        why = "ownership" if route.destination != PriceTypeRoute.Destination.PRICE_LIST else "merge"
        while pending:
            items = list(pending.items())
            done = api.price_list_fixed_prices_delete(
                self.client, price_list_id=plan.price_list_id, variant_ids=[vid for vid, _ in items]
            )
            gone = set(pending) if not done.user_errors else set(done.deleted_variant_ids)
            by_variant, general = _attributed(done.user_errors, [vid for vid, _ in items], "variantIds")
            if general:
                by_variant = {vid: general for vid in pending if vid not in gone} | by_variant
            for variant_id in [v for v in pending if v in gone]:
                owner, old = pending.pop(variant_id)
                self.counts.prices_deleted += 1
                self._deleted(route, variant_id, owner, old, why, changes)
            for variant_id, errors in by_variant.items():
                if variant_id not in pending:
                    continue
                owner, old = pending.pop(variant_id)
                if all(e.code == NOT_FIXED for e in errors):
                    self.run.event(
                        action="price_list_price_deleted",
                        side="shopify",
                        link=owner.link if owner is not None else None,
                        message=f"Price list “{list_name(route)}”: the fixed price of "
                        f"{owner.label if owner is not None else variant_id} was already removed in Shopify",
                        details={"variant": variant_id, "old": _text(old)},
                    )
                    continue
                message = "; ".join(e.message for e in errors)
                if owner is not None:
                    refused[owner.link.pk].append(
                        Refused(
                            route=route,
                            code=DELETE_REFUSED,
                            key=owner.key,
                            message=message,
                            label=owner.label,
                        )
                    )
                else:
                    self.run.event(
                        action="price_list_delete_refused",
                        level="warning",
                        side="shopify",
                        message=f"Price list “{list_name(route)}”: Shopify refused to delete the fixed price "
                        f"of variant {variant_id}, no longer linked to a JOOR SKU: {message}",
                        details={"variant": variant_id, "old": _text(old)},
                    )
            if done.user_errors and not by_variant and not gone:
                message = "; ".join(e.message for e in done.user_errors)
                for owner, _ in pending.values():
                    if owner is not None:
                        refused[owner.link.pk].append(
                            Refused(
                                route=route,
                                code=DELETE_REFUSED,
                                key=owner.key,
                                message=message,
                                label=owner.label,
                            )
                        )
                return

    def _deleted(
        self,
        route: PriceTypeRoute,
        variant_id: str,
        owner: Target | None,
        old: Decimal,
        why: str,
        changes: dict[int, list[dict[str, Any]]],
    ) -> None:
        if owner is not None:
            changes[owner.link.pk].append(
                {"path": price_path(route, owner.key), "old": _text(old), "new": None, "by": why}
            )
            return
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
            refusals = _refusals(refused.get(pk, []))
            for route_pk, targets in (missing.get(pk) or {}).items():
                route = routes[route_pk]
                refusals.append(
                    Refusal(
                        side="shopify",
                        code=MISSING,
                        path=f"price_list[{path_key(route)}]",
                        message=f"No JOOR price of type {route.label} ({route.currency}) for "
                        + _listed([t.label or t.key for t in targets])
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


def summary_text(c: Counts, *, preview: bool) -> str:
    """The pass in plain words for the job's log, e.g. “Price lists: 2 made, 6434 fixed prices set,
    none deleted. 191 products have variants without a JOOR price of the list's price type (listed
    under Problems).” Products are counted, each once however many of its variants lack a price."""
    would = "would be " if preview else ""
    made = f"{c.lists_created or 'none'} {would}made"
    if c.lists_missing:
        made += (
            f" ({_count(c.lists_missing, 'list', 'lists')} deleted in Shopify, found by name or made again)"
        )
    prices = _count(c.prices_set, "fixed price", "fixed prices")
    head = f"{made}, {prices} {would}set, {c.prices_deleted or 'none'} {would}deleted"
    if c.catalogs_moved:
        head += (
            f"; {_count(c.catalogs_moved, 'catalog', 'catalogs')} {would}moved to the market or company "
            "locations chosen in the price settings"
        )
    parts = [("Price lists (dry run, nothing written): " if preview else "Price lists: ") + head + "."]
    listed = "a real run lists them under Problems" if preview else "listed under Problems"
    if c.products_missing:
        parts.append(
            _count(c.products_missing, "product has", "products have")
            + f" variants without a JOOR price of the list's price type ({listed})."
        )
    if c.products_refused:
        parts.append(
            f"Shopify refused prices of {_count(c.products_refused, 'product', 'products')} (listed under Problems)."
        )
    return " ".join(parts)


def _context_ids(kind: str, ids: tuple[str, ...]) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    """(market ids, company-location ids) for a catalog of that kind: one of them, the other None."""
    return (ids, None) if kind == MARKET_CATALOG else (None, ids)


def _serves(catalog: api.CatalogInfo, kind: str, ids: Iterable[str]) -> bool:
    """Whether the catalog is of that kind and serves exactly those markets or company locations."""
    now = catalog.market_ids if catalog.kind == MARKET_CATALOG else catalog.company_location_ids
    return catalog.kind == kind and set(now) == set(ids)


def _spare(
    catalogs: Iterable[api.CatalogInfo], *, title: str, kind: str, ids: Iterable[str]
) -> api.CatalogInfo | None:
    """The app's catalog of that kind without a price list (made before, or left by a deleted list),
    one serving those ids first."""
    free = [c for c in catalogs if c.kind == kind and c.title == title and c.price_list_id is None]
    return next((c for c in free if _serves(c, kind, ids)), None) or next(iter(free), None)


def _attributed(
    errors: Iterable[UserError], variant_ids: list[str], argument: str
) -> tuple[dict[str, list[UserError]], list[UserError]]:
    """A batch's user errors by the variant they name (`field` = [argument, index, …], the index in
    the batch sent), and those naming none."""
    by_variant: dict[str, list[UserError]] = defaultdict(list)
    general: list[UserError] = []
    for error in errors:
        path = error.field or []
        index = int(path[1]) if len(path) > 1 and path[0] == argument and path[1].isdigit() else None
        if index is not None and index < len(variant_ids):
            by_variant[variant_ids[index]].append(error)
        else:
            general.append(error)
    return dict(by_variant), general


def _refusals(rows: Iterable[Refused]) -> list[Refusal]:
    """One problem per price list and kind of refusal, naming the product's variants and Shopify's words."""
    groups: dict[tuple[int, str], list[Refused]] = defaultdict(list)
    for row in rows:
        groups[(row.route.pk, row.code)].append(row)
    out = []
    for (_, code), group in groups.items():
        route = group[0].route
        keys = [r.key for r in group]
        said = "; ".join(dict.fromkeys(r.message for r in group))[:1500]
        what = "prices" if code == REFUSED else "deletion of the fixed prices"
        out.append(
            Refusal(
                side="shopify",
                code=code,
                path=f"price_list[{path_key(route)}]",
                message=f"Shopify refused the {what} of "
                + _listed([r.label or r.key for r in group])
                + f" in price list “{list_name(route)}”: {said}",
                details={"price_type": route.label, "currency": route.currency, "variants": keys},
            )
        )
    return out


def _listed(labels: list[str], limit: int = 12) -> str:
    """“Gris Chiné / 36, Gris Chiné / 37 and 4 more”."""
    return ", ".join(labels[:limit]) + (f" and {len(labels) - limit} more" if len(labels) > limit else "")


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
