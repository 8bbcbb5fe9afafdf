"""Catalogs: `catalogCreate/Update/Delete`, `catalog(id:)`, `catalogs`, `catalogsCount`.

A catalog serves either markets (`MarketCatalog`) or B2B company locations (`CompanyLocationCatalog`)
and carries at most one price list. Recorded behaviour (2026-04 catalog-* and delete-cascades-parity):
deleting a catalog deletes its price list; deleting a market leaves its catalogs without it; an
unknown catalog is "Catalog does not exist" (CATALOG_NOT_FOUND, no full stop); `catalogsCount(limit:)`
counts up to the limit and says AT_LEAST when there are more; `catalogs(sortKey: TITLE)` orders by the
lower-cased title.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLResolveInfo

from shopify_app.sandbox import search
from shopify_app.sandbox.company_models import CompanyLocation
from shopify_app.sandbox.models import gid, parse_gid
from shopify_app.sandbox.pagination import connection
from shopify_app.sandbox.price_lists import delete_price_list, find_catalog, find_price_list
from shopify_app.sandbox.pricing_models import Catalog, Market, PriceList
from shopify_app.sandbox.resolvers import ctx, page, resolves
from shopify_app.sandbox.store import ShopState

NOT_FOUND = "Catalog does not exist"
CATALOG_SORT: dict[str, Callable[[Catalog], Any]] = {
    "ID": lambda c: str(c.id),
    "RELEVANCE": lambda c: str(c.id),
    "TITLE": lambda c: c.title.lower(),
    "TYPE": lambda c: c.kind,
}


def _error(field: list[str] | None, message: str, code: str) -> dict[str, Any]:
    return {"field": field, "message": message, "code": code}


def _values(catalog: Catalog) -> Callable[[str | None], list[Any]]:
    # A `title:` term matches a word of the title as well as the whole title.
    table: dict[str | None, list[Any]] = {
        None: [catalog.title],
        "title": [catalog.title, *catalog.title.split()],
        "status": [catalog.status],
        "id": [catalog.id],
    }
    return lambda name: table.get(name, [])


def search_catalogs(state: ShopState, kind: str | None, query: str | None) -> list[Catalog]:
    groups = search.parse(query)
    return [
        catalog
        for catalog in state.pricing.catalogs.values()
        if (kind in (None, catalog.kind)) and search.matches(groups, _values(catalog))
    ]


# ----- reads ---------------------------------------------------------------------------------------
@resolves("QueryRoot", "catalog")
def _catalog(_: Any, info: GraphQLResolveInfo, id: str) -> Catalog | None:  # noqa: A002
    return find_catalog(ctx(info).state, id)


@resolves("QueryRoot", "catalogs")
def _catalogs(_: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    key = CATALOG_SORT.get(args.get("sortKey") or "ID", CATALOG_SORT["ID"])
    found = search_catalogs(ctx(info).state, args.get("type"), args.get("query"))
    ordered = sorted(found, key=lambda c: (key(c), c.id))
    return connection(
        ordered,
        id_of=lambda c: c.id,
        value_of=key,
        first=args.get("first"),
        after=args.get("after"),
        last=args.get("last"),
        before=args.get("before"),
        reverse=bool(args.get("reverse")),
    )


def count(total: int, limit: int | None) -> dict[str, Any]:
    if limit is not None and total > limit:
        return {"count": limit, "precision": "AT_LEAST"}
    return {"count": total, "precision": "EXACT"}


@resolves("QueryRoot", "catalogsCount")
def _catalogs_count(_: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    found = search_catalogs(ctx(info).state, args.get("type"), args.get("query"))
    return count(len(found), args.get("limit"))


@resolves("MarketCatalog", "id")
@resolves("CompanyLocationCatalog", "id")
def _catalog_id(catalog: Catalog, info: GraphQLResolveInfo) -> str:
    return gid(catalog.graphql_type, catalog.id)


@resolves("MarketCatalog", "priceList")
@resolves("CompanyLocationCatalog", "priceList")
def _catalog_price_list(catalog: Catalog, info: GraphQLResolveInfo) -> PriceList | None:
    if catalog.price_list_id is None:
        return None
    return ctx(info).state.pricing.price_lists.get(catalog.price_list_id)


def _markets(state: ShopState, catalog: Catalog, args: dict[str, Any]) -> list[Market]:
    markets = [state.pricing.markets[m] for m in catalog.market_ids if m in state.pricing.markets]
    if args.get("type"):
        markets = [m for m in markets if m.type == args["type"]]
    if args.get("status"):
        markets = [m for m in markets if m.status == args["status"]]
    return markets


@resolves("MarketCatalog", "markets")
def _catalog_markets(catalog: Catalog, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    return connection(
        _markets(ctx(info).state, catalog, args),
        id_of=lambda m: m.id,
        value_of=lambda m: m.name,
        first=args.get("first"),
        after=args.get("after"),
        last=args.get("last"),
        before=args.get("before"),
        reverse=bool(args.get("reverse")),
    )


@resolves("MarketCatalog", "marketsCount")
def _catalog_markets_count(catalog: Catalog, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    return count(len(_markets(ctx(info).state, catalog, args)), args.get("limit"))


def _company_locations(state: ShopState, catalog: Catalog) -> list[CompanyLocation]:
    return [state.company_locations[c] for c in catalog.company_location_ids if c in state.company_locations]


@resolves("CompanyLocationCatalog", "companyLocations")
def _catalog_company_locations(catalog: Catalog, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    return page(_company_locations(ctx(info).state, catalog), args)


@resolves("CompanyLocationCatalog", "companyLocationsCount")
def _catalog_company_locations_count(catalog: Catalog, info: GraphQLResolveInfo) -> dict[str, Any]:
    return count(len(_company_locations(ctx(info).state, catalog)), None)


# ----- writes --------------------------------------------------------------------------------------
def _context(state: ShopState, context: dict[str, Any] | None) -> tuple[str | None, list[int], list[dict]]:
    """The catalog kind and context ids an input names, or the errors why it names none."""
    context = context or {}
    markets, locations = context.get("marketIds"), context.get("companyLocationIds")
    if (markets is None) == (locations is None):
        return (
            None,
            [],
            [
                _error(
                    ["input", "context"],
                    "Must provide exactly one context type.",
                    "MUST_PROVIDE_EXACTLY_ONE_CONTEXT_TYPE",
                )
            ],
        )
    if markets is not None:
        ids = [parse_gid(value, "Market") for value in markets]
        if any(number not in state.pricing.markets for number in ids):
            return (
                None,
                [],
                [_error(["input", "context", "marketIds"], "Market not found.", "MARKET_NOT_FOUND")],
            )
        return "MARKET", [number for number in ids if number is not None], []
    ids = [parse_gid(value, "CompanyLocation") for value in locations or []]
    if any(number not in state.company_locations for number in ids):
        return (
            None,
            [],
            [
                _error(
                    ["input", "context", "companyLocationIds"],
                    "The company location could not be found.",
                    "COMPANY_LOCATION_NOT_FOUND",
                )
            ],
        )
    return "COMPANY_LOCATION", [number for number in ids if number is not None], []


def _price_list_errors(state: ShopState, value: Any) -> list[dict[str, Any]]:
    if value is not None and find_price_list(state, value) is None:
        return [_error(["input", "priceListId"], "Price list not found.", "PRICE_LIST_NOT_FOUND")]
    return []


@resolves("Mutation", "catalogCreate")
def catalog_create(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
    state = ctx(info).state
    errors: list[dict[str, Any]] = []
    if not input["title"].strip():
        errors.append(_error(["input", "title"], "Title can't be blank", "BLANK"))
    kind, ids, context_errors = _context(state, input["context"])
    errors += context_errors + _price_list_errors(state, input.get("priceListId"))
    if errors or kind is None:
        return {"catalog": None, "userErrors": errors}
    catalog = Catalog(id=state.next_id(), title=input["title"], status=input["status"], kind=kind)
    if kind == "MARKET":
        catalog.market_ids = ids
    else:
        catalog.company_location_ids = ids
    state.pricing.catalogs[catalog.id] = catalog
    if input.get("priceListId") is not None:
        price_list = find_price_list(state, input["priceListId"])
        assert price_list is not None  # checked above
        state.pricing.attach(catalog, price_list)
    return {"catalog": catalog, "userErrors": []}


@resolves("Mutation", "catalogUpdate")
def catalog_update(_: Any, info: GraphQLResolveInfo, id: str, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
    state = ctx(info).state
    catalog = find_catalog(state, id)
    if catalog is None:
        return {"catalog": None, "userErrors": [_error(["id"], NOT_FOUND, "CATALOG_NOT_FOUND")]}
    errors = _price_list_errors(state, input.get("priceListId"))
    if input.get("title") is not None and not input["title"].strip():
        errors.append(_error(["input", "title"], "Title can't be blank", "BLANK"))
    kind: str | None = None
    ids: list[int] = []
    if input.get("context") is not None:
        kind, ids, context_errors = _context(state, input["context"])
        if kind is not None and kind != catalog.kind:
            context_errors = [
                _error(
                    ["input", "context"], "Cannot change context to specified type.", "INVALID_CONTEXT_CHANGE"
                )
            ]
        errors += context_errors
    if errors:
        return {"catalog": None, "userErrors": errors}
    if input.get("title") is not None:
        catalog.title = input["title"]
    if input.get("status") is not None:
        catalog.status = input["status"]
    if kind == "MARKET":
        catalog.market_ids = ids
    elif kind == "COMPANY_LOCATION":
        catalog.company_location_ids = ids
    if input.get("priceListId") is not None:
        price_list = find_price_list(state, input["priceListId"])
        assert price_list is not None  # checked above
        state.pricing.attach(catalog, price_list)
    return {"catalog": catalog, "userErrors": []}


@resolves("Mutation", "catalogDelete")
def catalog_delete(
    _: Any,
    info: GraphQLResolveInfo,
    id: str,  # noqa: A002
    deleteDependentResources: bool | None = None,  # noqa: N803
) -> dict[str, Any]:
    state = ctx(info).state
    catalog = find_catalog(state, id)
    if catalog is None:
        return {"deletedId": None, "userErrors": [_error(["id"], NOT_FOUND, "CATALOG_NOT_FOUND")]}
    if catalog.price_list_id is not None and catalog.price_list_id in state.pricing.price_lists:
        delete_price_list(state, state.pricing.price_lists[catalog.price_list_id])
    del state.pricing.catalogs[catalog.id]
    return {"deletedId": gid(catalog.graphql_type, catalog.id), "userErrors": []}
