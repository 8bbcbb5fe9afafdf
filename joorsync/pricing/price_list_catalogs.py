"""The catalog a price list is attached to: found or made for the market or company locations the
route's row names, and moved when the row names others (`catalogUpdate`), each said in the job's log."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from joorsync.pricing.models import PriceTypeRoute
from joorsync.pricing.price_list_records import Counts
from joorsync.pricing.price_list_text import list_name
from joorsync.pricing.services import price_type_route_list_set
from shopify_app.admin import pricing as api
from shopify_app.admin.errors import ShopifyError

if TYPE_CHECKING:
    from joorsync.sync.engine.run import SyncRun
    from shopify_app.admin.client import AdminClient

MARKET_CATALOG = "MarketCatalog"
LOCATION_CATALOG = "CompanyLocationCatalog"


def route_context(route: PriceTypeRoute) -> tuple[str, tuple[str, ...]] | None:
    """The catalog the row asks for: its type and market or company-location ids; None when the row
    names neither (the list then stays where it is)."""
    if route.market_id:
        return MARKET_CATALOG, (route.market_id,)
    locations = tuple(str(v) for v in route.company_location_ids or [])
    return (LOCATION_CATALOG, locations) if locations else None


class PriceListCatalogsMixin:
    """Catalog methods of `PriceListPass` (needs its run, client, counts and catalogs read once)."""

    run: SyncRun
    client: AdminClient
    counts: Counts
    preview: bool
    _catalogs: list[api.CatalogInfo] | None
    _places: dict[str, str] | None

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
