"""Markets: `marketCreate/Update/Delete`, `market(id:)`, `markets`.

Recorded behaviour (2026-04 market-* recordings, 2025-01 market-create-currency-settings and
market-update-linkage):
- a new market is a DRAFT (not `enabled`) unless it is created enabled/ACTIVE; its handle comes from
  its name, made unique (`Europe!` after `Europe` → `europe-1`); names are unique regardless of case;
- a market of countries is of type REGION (its regions are countries with a stable id per country),
  one without conditions of type NONE;
- `markets` lists by name;
- linking an unknown catalog answers CUSTOMIZATIONS_NOT_FOUND naming the missing ids; deleting a
  market leaves its catalogs without it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from graphql import GraphQLResolveInfo

from shopify_app.sandbox import search
from shopify_app.sandbox.geo import COUNTRY_NAMES
from shopify_app.sandbox.handles import normalize_handle, unique_handle
from shopify_app.sandbox.models import gid, parse_gid
from shopify_app.sandbox.pagination import connection
from shopify_app.sandbox.pricing_models import CURRENCY_NAMES, Catalog, Market
from shopify_app.sandbox.resolvers import ctx, resolves
from shopify_app.sandbox.store import ShopState

# A stable id per country region (Shopify's regions keep their id across markets).
REGION_IDS = {code: 4_062_110_000_000 + index for index, code in enumerate(sorted(COUNTRY_NAMES))}


@dataclass
class RegionsCondition:
    """A market's countries (an object, not a dict, so that `regions` pages them)."""

    regions: list[dict[str, Any]]
    application_level: str = "SPECIFIED"


def _error(field: list[str] | None, message: str, code: str | None) -> dict[str, Any]:
    return {"field": field, "message": message, "code": code}


def find_market(state: ShopState, value: Any) -> Market | None:
    number = parse_gid(value, "Market")
    return state.pricing.markets.get(number) if number is not None else None


def find_region(value: Any) -> dict[str, Any] | None:
    number = parse_gid(value, "MarketRegionCountry")
    code = next((c for c, n in REGION_IDS.items() if n == number), None)
    return {"__typename": "MarketRegionCountry", "code": code} if code else None


def currency_setting(code: str, manual_rate: str | None = None) -> dict[str, Any]:
    return {
        "currencyCode": code,
        "currencyName": CURRENCY_NAMES.get(code, code),
        "enabled": True,
        "manualRate": manual_rate,
        "rateUpdatedAt": None,
    }


def market_catalogs(state: ShopState, market: Market) -> list[Catalog]:
    return sorted(
        (c for c in state.pricing.catalogs.values() if market.id in c.market_ids), key=lambda c: c.id
    )


# ----- reads ---------------------------------------------------------------------------------------
def _market_values(market: Market) -> Any:
    table: dict[str | None, list[Any]] = {
        None: [market.name],
        "name": [market.name],
        "handle": [market.handle],
        "status": [market.status],
        "id": [market.id],
    }
    return lambda name: table.get(name, [])


MARKET_SORT: dict[str, Callable[[Any], Any]] = {
    "NAME": lambda m: m.name,
    "ID": lambda m: m.id,
    "CREATED_AT": lambda m: m.created_at,
    "UPDATED_AT": lambda m: m.updated_at,
    "STATUS": lambda m: m.status,
    "MARKET_TYPE": lambda m: m.type,
    "MARKET_CONDITION_TYPES": lambda m: m.type,
}


@resolves("QueryRoot", "market")
def _market(_: Any, info: GraphQLResolveInfo, id: str) -> Market | None:  # noqa: A002
    return find_market(ctx(info).state, id)


@resolves("QueryRoot", "markets")
def _markets(_: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = ctx(info).state
    groups = search.parse(args.get("query"))
    found = [
        m
        for m in state.pricing.markets.values()
        if (not args.get("type") or m.type == args["type"]) and search.matches(groups, _market_values(m))
    ]
    key = MARKET_SORT.get(args.get("sortKey") or "NAME", MARKET_SORT["NAME"])
    return connection(
        sorted(found, key=lambda m: (key(m), m.id)),
        id_of=lambda m: m.id,
        value_of=key,
        first=args.get("first"),
        after=args.get("after"),
        last=args.get("last"),
        before=args.get("before"),
        reverse=bool(args.get("reverse")),
    )


@resolves("Market", "id")
def _market_id(market: Market, info: GraphQLResolveInfo) -> str:
    return gid("Market", market.id)


@resolves("Market", "enabled")
def _market_enabled(market: Market, info: GraphQLResolveInfo) -> bool:
    return market.status == "ACTIVE"


@resolves("Market", "conditions")
def _market_conditions(market: Market, info: GraphQLResolveInfo) -> dict[str, Any]:
    if not market.countries:
        return {"conditionTypes": [], "regionsCondition": None}
    currency = currency_setting(market.base_currency or ctx(info).state.currency)
    regions = [
        {
            "__typename": "MarketRegionCountry",
            "id": gid("MarketRegionCountry", REGION_IDS[code]),
            "name": COUNTRY_NAMES[code],
            "code": code,
            "currency": currency,
            "_number": REGION_IDS[code],
        }
        for code in market.countries
    ]
    return {"conditionTypes": ["REGION"], "regionsCondition": RegionsCondition(regions)}


@resolves("RegionsCondition", "regions")
def _regions(condition: RegionsCondition, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    return connection(
        condition.regions,
        id_of=lambda region: region["_number"],
        first=args.get("first"),
        after=args.get("after"),
        last=args.get("last"),
        before=args.get("before"),
        reverse=bool(args.get("reverse")),
    )


@resolves("Market", "currencySettings")
def _market_currency(market: Market, info: GraphQLResolveInfo) -> dict[str, Any]:
    return {
        "baseCurrency": currency_setting(
            market.base_currency or ctx(info).state.currency, market.manual_rate
        ),
        "localCurrencies": market.local_currencies,
        "roundingEnabled": market.rounding_enabled,
    }


@resolves("Market", "catalogs")
def _market_catalogs(market: Market, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    return connection(
        market_catalogs(ctx(info).state, market),
        id_of=lambda c: c.id,
        first=args.get("first"),
        after=args.get("after"),
        last=args.get("last"),
        before=args.get("before"),
        reverse=bool(args.get("reverse")),
    )


@resolves("Market", "catalogsCount")
def _market_catalogs_count(market: Market, info: GraphQLResolveInfo) -> dict[str, Any]:
    return {"count": len(market_catalogs(ctx(info).state, market)), "precision": "EXACT"}


# ----- writes --------------------------------------------------------------------------------------
def _name_taken(state: ShopState, name: str, except_id: int | None = None) -> bool:
    return any(m.name.lower() == name.lower() and m.id != except_id for m in state.pricing.markets.values())


def _countries(conditions: dict[str, Any] | None) -> list[str] | None:
    regions = ((conditions or {}).get("regionsCondition") or {}).get("regions")
    if regions is None:
        return None
    return [region["countryCode"] for region in regions if region.get("countryCode")]


def _currency_errors(settings: dict[str, Any] | None) -> list[dict[str, Any]]:
    rate = (settings or {}).get("baseCurrencyManualRate")
    if rate is None:
        return []
    try:
        positive = Decimal(str(rate)) > 0
    except InvalidOperation:
        positive = False
    if positive:
        return []
    # Recorded (2025-01 market-create-currency-settings): no code for this one.
    return [_error(["input", "currencySettings", "baseCurrencyManualRate"], "Enter a rate above 0.", None)]


def _apply_currency(market: Market, settings: dict[str, Any] | None) -> None:
    if not settings:
        return
    if settings.get("baseCurrency") is not None:
        market.base_currency = settings["baseCurrency"]
    if settings.get("localCurrencies") is not None:
        market.local_currencies = settings["localCurrencies"]
    if settings.get("roundingEnabled") is not None:
        market.rounding_enabled = settings["roundingEnabled"]
    if settings.get("baseCurrencyManualRate") is not None:
        market.manual_rate = str(settings["baseCurrencyManualRate"])


def _status(data: dict[str, Any], current: str) -> str:
    if data.get("status") is not None:
        return data["status"]
    if data.get("enabled") is not None:
        return "ACTIVE" if data["enabled"] else "DRAFT"
    return current


def _missing_catalogs(state: ShopState, values: list[str] | None, field: str) -> list[dict[str, Any]]:
    missing = []
    for value in values or []:
        number = parse_gid(value, "MarketCatalog")
        if number is None or number not in state.pricing.catalogs:
            missing.append(value.rsplit("/", 1)[-1])
    if not missing:
        return []
    return [
        _error(
            ["input", field],
            f"The following customization IDs were not found: {', '.join(missing)}",
            "CUSTOMIZATIONS_NOT_FOUND",
        )
    ]


def _link(state: ShopState, market: Market, values: list[str] | None, *, linked: bool) -> None:
    for value in values or []:
        catalog = state.pricing.catalogs.get(parse_gid(value, "MarketCatalog") or -1)
        if catalog is None:
            continue
        if linked and market.id not in catalog.market_ids:
            catalog.market_ids.append(market.id)
        if not linked and market.id in catalog.market_ids:
            catalog.market_ids.remove(market.id)


@resolves("Mutation", "marketCreate")
def market_create(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
    state = ctx(info).state
    name = input["name"].strip()
    errors: list[dict[str, Any]] = []
    if not name:
        errors.append(_error(["input", "name"], "Name can't be blank", "BLANK"))
    elif _name_taken(state, name):
        errors.append(_error(["input", "name"], "Name has already been taken", "TAKEN"))
    errors += _currency_errors(input.get("currencySettings"))
    errors += _missing_catalogs(state, input.get("catalogs"), "catalogs")
    if errors:
        return {"market": None, "userErrors": errors}
    countries = _countries(input.get("conditions"))
    if countries is None:
        countries = [region["countryCode"] for region in input.get("regions") or []]
    handle_taken = {m.handle for m in state.pricing.markets.values()}
    now = state.now()
    market = Market(
        id=state.next_id(),
        name=name,
        handle=unique_handle(normalize_handle(input.get("handle") or name), handle_taken.__contains__),
        status=_status(input, "DRAFT"),
        countries=countries,
        created_at=now,
        updated_at=now,
    )
    _apply_currency(market, input.get("currencySettings"))
    state.pricing.markets[market.id] = market
    _link(state, market, input.get("catalogs"), linked=True)
    return {"market": market, "userErrors": []}


@resolves("Mutation", "marketUpdate")
def market_update(_: Any, info: GraphQLResolveInfo, id: str, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
    state = ctx(info).state
    market = find_market(state, id)
    if market is None:
        return {"market": None, "userErrors": [_error(["id"], "Market does not exist", "MARKET_NOT_FOUND")]}
    errors: list[dict[str, Any]] = []
    if input.get("name") is not None:
        if not input["name"].strip():
            errors.append(_error(["input", "name"], "Name can't be blank", "BLANK"))
        elif _name_taken(state, input["name"].strip(), market.id):
            errors.append(_error(["input", "name"], "Name has already been taken", "TAKEN"))
    errors += _currency_errors(input.get("currencySettings"))
    errors += _missing_catalogs(state, input.get("catalogsToAdd"), "catalogsToAdd")
    errors += _missing_catalogs(state, input.get("catalogsToDelete"), "catalogsToDelete")
    if errors:
        return {"market": None, "userErrors": errors}
    if input.get("name") is not None:
        market.name = input["name"].strip()
    if input.get("handle"):
        taken = {m.handle for m in state.pricing.markets.values() if m.id != market.id}
        market.handle = unique_handle(normalize_handle(input["handle"]), taken.__contains__)
    market.status = _status(input, market.status)
    conditions = input.get("conditions") or {}
    added = _countries(conditions.get("conditionsToAdd")) or []
    removed = set(_countries(conditions.get("conditionsToDelete")) or [])
    market.countries = [c for c in market.countries if c not in removed] + [
        c for c in added if c not in market.countries
    ]
    if input.get("removeCurrencySettings"):
        market.base_currency, market.local_currencies, market.rounding_enabled = None, False, False
        market.manual_rate = None
    _apply_currency(market, input.get("currencySettings"))
    _link(state, market, input.get("catalogsToAdd"), linked=True)
    _link(state, market, input.get("catalogsToDelete"), linked=False)
    market.updated_at = state.now()
    return {"market": market, "userErrors": []}


@resolves("Mutation", "marketDelete")
def market_delete(_: Any, info: GraphQLResolveInfo, id: str) -> dict[str, Any]:  # noqa: A002
    state = ctx(info).state
    market = find_market(state, id)
    if market is None:
        return {
            "deletedId": None,
            "userErrors": [_error(["id"], "Market does not exist", "MARKET_NOT_FOUND")],
        }
    for catalog in state.pricing.catalogs.values():
        if market.id in catalog.market_ids:
            catalog.market_ids.remove(market.id)
    del state.pricing.markets[market.id]
    return {"deletedId": gid("Market", market.id), "userErrors": []}
