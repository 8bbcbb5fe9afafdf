"""Wholesale pricing through the Admin client: price lists, fixed prices, catalogs, markets, quantity rules.

Thin typed calls over the `.graphql` operations (`PriceLists`, `PriceListPrices`, `PriceListCreate`,
`PriceListFixedPricesAdd`, `PriceListFixedPricesDelete`, `PriceListFixedPricesByProductUpdate`,
`Catalogs`, `CatalogCreate`, `CatalogUpdate`, `Markets`, `CompanyLocations`, `QuantityRulesAdd`, `QuantityRulesDelete`). Creating a price
list or a catalog makes a new record each time, so those are never resent after an ambiguous failure;
the others set state and may be.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from shopify_app.admin.client import MAX_PAGE_SIZE, AdminClient
from shopify_app.admin.types import MutationResult, nodes_of, user_errors_from

# Per page, under Shopify's 1000-point cap per query: a market lists up to 25 of its countries, a price
# costs four objects.
MARKETS_PAGE = 5
MARKET_COUNTRIES = 25
PRICES_PAGE = 200
PRICE_LISTS_PAGE = 100
# A catalog asks for up to 50 company locations (or 10 markets): about 54 points each, so 15 a page stays
# under the 1000-point cap as Shopify counts fields of each catalog type.
CATALOGS_PAGE = 15


@dataclass(frozen=True)
class PriceListInfo:
    id: str
    name: str
    currency: str
    adjustment_type: str | None = None
    adjustment_value: float | None = None
    fixed_prices_count: int = 0
    catalog_id: str | None = None
    catalog_title: str | None = None

    @classmethod
    def from_payload(cls, raw: Mapping[str, Any]) -> PriceListInfo:
        adjustment = (raw.get("parent") or {}).get("adjustment") or {}
        catalog = raw.get("catalog") or {}
        return cls(
            id=raw["id"],
            name=raw["name"],
            currency=raw["currency"],
            adjustment_type=adjustment.get("type"),
            adjustment_value=adjustment.get("value"),
            fixed_prices_count=int(raw.get("fixedPricesCount") or 0),
            catalog_id=catalog.get("id"),
            catalog_title=catalog.get("title"),
        )


@dataclass(frozen=True)
class ListPrice:
    """How a price list prices one variant: FIXED (set for it) or RELATIVE (derived from its price)."""

    variant_id: str
    sku: str | None
    origin_type: str
    amount: Decimal
    currency: str
    compare_at: Decimal | None = None

    @classmethod
    def from_payload(cls, raw: Mapping[str, Any]) -> ListPrice:
        variant = raw.get("variant") or {}
        compare = raw.get("compareAtPrice")
        return cls(
            variant_id=variant.get("id", ""),
            sku=variant.get("sku"),
            origin_type=raw["originType"],
            amount=Decimal(raw["price"]["amount"]),
            currency=raw["price"]["currencyCode"],
            compare_at=Decimal(compare["amount"]) if compare else None,
        )


@dataclass(frozen=True)
class CatalogInfo:
    id: str
    kind: str  # "MarketCatalog" or "CompanyLocationCatalog"
    title: str
    status: str
    price_list_id: str | None = None
    market_ids: tuple[str, ...] = ()
    company_location_ids: tuple[str, ...] = ()

    @classmethod
    def from_payload(cls, raw: Mapping[str, Any]) -> CatalogInfo:
        return cls(
            id=raw["id"],
            kind=raw.get("__typename") or "",
            title=raw["title"],
            status=raw["status"],
            price_list_id=(raw.get("priceList") or {}).get("id"),
            market_ids=tuple(n["id"] for n in nodes_of(raw.get("markets"))),
            company_location_ids=tuple(n["id"] for n in nodes_of(raw.get("companyLocations"))),
        )


@dataclass(frozen=True)
class MarketInfo:
    id: str
    name: str
    handle: str
    status: str
    type: str
    base_currency: str | None = None
    countries: tuple[str, ...] = ()

    @classmethod
    def from_payload(cls, raw: Mapping[str, Any]) -> MarketInfo:
        regions = ((raw.get("conditions") or {}).get("regionsCondition") or {}).get("regions")
        base = ((raw.get("currencySettings") or {}).get("baseCurrency") or {}).get("currencyCode")
        return cls(
            id=raw["id"],
            name=raw["name"],
            handle=raw["handle"],
            status=raw["status"],
            type=raw["type"],
            base_currency=base,
            countries=tuple(n["code"] for n in nodes_of(regions) if n.get("code")),
        )


@dataclass(frozen=True)
class CompanyLocationInfo:
    """A B2B company location a catalog (and its price list) can be made for."""

    id: str
    name: str
    company_name: str
    currency: str | None = None

    @classmethod
    def from_payload(cls, raw: Mapping[str, Any]) -> CompanyLocationInfo:
        return cls(
            id=raw["id"],
            name=raw.get("name") or "",
            company_name=(raw.get("company") or {}).get("name") or "",
            currency=raw.get("currency"),
        )


@dataclass(frozen=True)
class PriceListResult(MutationResult):
    price_list: PriceListInfo | None = None


@dataclass(frozen=True)
class FixedPricesResult(MutationResult):
    prices: list[ListPrice] = field(default_factory=list)


@dataclass(frozen=True)
class FixedPricesDeleteResult(MutationResult):
    deleted_variant_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CatalogResult(MutationResult):
    catalog: CatalogInfo | None = None


@dataclass(frozen=True)
class QuantityRulesResult(MutationResult):
    rules: list[dict[str, Any]] = field(default_factory=list)


def money(amount: Decimal | str, currency: str) -> dict[str, str]:
    """A `MoneyInput`."""
    return {"amount": str(amount), "currencyCode": currency}


# ----- reads ---------------------------------------------------------------------------------------
def price_lists(client: AdminClient) -> list[PriceListInfo]:
    return [
        PriceListInfo.from_payload(n)
        for n in client.paginate("PriceLists", {"first": PRICE_LISTS_PAGE}, "priceLists")
    ]


def price_list_prices(
    client: AdminClient, *, price_list_id: str, origin_type: str | None = None, query: str | None = None
) -> list[ListPrice]:
    """Every price of a list (FIXED or RELATIVE only when `origin_type` says so, filtered by `query`
    such as `product_id:123`)."""
    variables = {"id": price_list_id, "first": PRICES_PAGE, "originType": origin_type, "query": query}
    return [
        ListPrice.from_payload(n) for n in client.paginate("PriceListPrices", variables, "priceList.prices")
    ]


def price_list_fixed_prices(client: AdminClient, *, price_list_id: str) -> list[ListPrice] | None:
    """A list's fixed prices, or None when the list no longer exists (deleted in Shopify: `priceList`
    is null for an unknown id, the 2026-07 schema's `priceList(id:): PriceList`)."""
    variables: dict[str, Any] = {"id": price_list_id, "first": PRICES_PAGE, "originType": "FIXED"}
    out: list[ListPrice] = []
    while True:
        found = client.execute("PriceListPrices", variables).data.get("priceList")
        if found is None:
            return out if "after" in variables else None
        connection = found.get("prices") or {}
        out += [ListPrice.from_payload(n) for n in nodes_of(connection)]
        info = connection.get("pageInfo") or {}
        cursor = info.get("endCursor")
        if not info.get("hasNextPage") or not cursor or cursor == variables.get("after"):
            return out
        variables = {**variables, "after": cursor}


def catalogs(
    client: AdminClient, *, catalog_type: str | None = None, query: str | None = None
) -> list[CatalogInfo]:
    variables = {"first": CATALOGS_PAGE, "type": catalog_type, "query": query}
    return [CatalogInfo.from_payload(n) for n in client.paginate("Catalogs", variables, "catalogs")]


def markets(client: AdminClient) -> list[MarketInfo]:
    variables = {"first": MARKETS_PAGE, "regionsFirst": MARKET_COUNTRIES}
    return [MarketInfo.from_payload(n) for n in client.paginate("Markets", variables, "markets")]


def company_locations(client: AdminClient) -> list[CompanyLocationInfo]:
    """The shop's B2B company locations (none: the shop has no B2B), by company and location name."""
    return [
        CompanyLocationInfo.from_payload(n)
        for n in client.paginate("CompanyLocations", {"first": MAX_PAGE_SIZE}, "companyLocations")
    ]


# ----- writes --------------------------------------------------------------------------------------
def price_list_create(
    client: AdminClient,
    *,
    name: str,
    currency: str,
    adjustment_type: str = "PERCENTAGE_DECREASE",
    adjustment_value: float = 0,
    catalog_id: str | None = None,
) -> PriceListResult:
    """A new price list; variants without a fixed price get their own price moved by the adjustment."""
    input_: dict[str, Any] = {
        "name": name,
        "currency": currency,
        "parent": {"adjustment": {"type": adjustment_type, "value": adjustment_value}},
    }
    if catalog_id is not None:
        input_["catalogId"] = catalog_id
    payload = (
        client.execute("PriceListCreate", {"input": input_}, idempotent=False).data.get("priceListCreate")
        or {}
    )
    raw = payload.get("priceList")
    return PriceListResult(
        user_errors=user_errors_from(payload), price_list=PriceListInfo.from_payload(raw) if raw else None
    )


def price_list_fixed_prices_add(
    client: AdminClient, *, price_list_id: str, prices: Sequence[Mapping[str, Any]]
) -> FixedPricesResult:
    """Fix prices per variant: each entry `{variantId, price: MoneyInput, compareAtPrice?: MoneyInput}`,
    in the list's currency."""
    payload = (
        client.execute(
            "PriceListFixedPricesAdd", {"priceListId": price_list_id, "prices": [dict(p) for p in prices]}
        ).data.get("priceListFixedPricesAdd")
        or {}
    )
    return FixedPricesResult(
        user_errors=user_errors_from(payload),
        prices=[ListPrice.from_payload(p) for p in payload.get("prices") or []],
    )


def price_list_fixed_prices_delete(
    client: AdminClient, *, price_list_id: str, variant_ids: Sequence[str]
) -> FixedPricesDeleteResult:
    """Drop the variants' fixed prices; `deleted_variant_ids` says whose were dropped."""
    payload = (
        client.execute(
            "PriceListFixedPricesDelete", {"priceListId": price_list_id, "variantIds": list(variant_ids)}
        ).data.get("priceListFixedPricesDelete")
        or {}
    )
    return FixedPricesDeleteResult(
        user_errors=user_errors_from(payload),
        deleted_variant_ids=[str(v) for v in payload.get("deletedFixedPriceVariantIds") or []],
    )


def price_list_fixed_prices_by_product_update(
    client: AdminClient,
    *,
    price_list_id: str,
    prices_to_add: Sequence[Mapping[str, Any]] = (),
    product_ids_to_delete: Sequence[str] = (),
) -> MutationResult:
    """One fixed price for every variant of each product (`{productId, price, compareAtPrice?}`), or none."""
    variables = {
        "priceListId": price_list_id,
        "pricesToAdd": [dict(p) for p in prices_to_add],
        "pricesToDeleteByProductIds": list(product_ids_to_delete),
    }
    payload = (
        client.execute("PriceListFixedPricesByProductUpdate", variables).data.get(
            "priceListFixedPricesByProductUpdate"
        )
        or {}
    )
    return MutationResult(user_errors=user_errors_from(payload))


def catalog_create(
    client: AdminClient,
    *,
    title: str,
    status: str = "ACTIVE",
    market_ids: Sequence[str] | None = None,
    company_location_ids: Sequence[str] | None = None,
    price_list_id: str | None = None,
) -> CatalogResult:
    """A catalog for markets or for B2B company locations (exactly one of the two)."""
    context: dict[str, Any] = {}
    if market_ids is not None:
        context["marketIds"] = list(market_ids)
    if company_location_ids is not None:
        context["companyLocationIds"] = list(company_location_ids)
    input_: dict[str, Any] = {"title": title, "status": status, "context": context}
    if price_list_id is not None:
        input_["priceListId"] = price_list_id
    payload = (
        client.execute("CatalogCreate", {"input": input_}, idempotent=False).data.get("catalogCreate") or {}
    )
    raw = payload.get("catalog")
    return CatalogResult(
        user_errors=user_errors_from(payload), catalog=CatalogInfo.from_payload(raw) if raw else None
    )


def catalog_update(
    client: AdminClient,
    *,
    catalog_id: str,
    market_ids: Sequence[str] | None = None,
    company_location_ids: Sequence[str] | None = None,
    price_list_id: str | None = None,
) -> CatalogResult:
    """Set a catalog's markets or company locations (its whole context, replacing the earlier one) and/or
    give it a price list. Shopify refuses a context of the other kind (a market catalog stays one)."""
    input_: dict[str, Any] = {}
    if market_ids is not None:
        input_["context"] = {"marketIds": list(market_ids)}
    elif company_location_ids is not None:
        input_["context"] = {"companyLocationIds": list(company_location_ids)}
    if price_list_id is not None:
        input_["priceListId"] = price_list_id
    payload = (
        client.execute("CatalogUpdate", {"id": catalog_id, "input": input_}).data.get("catalogUpdate") or {}
    )
    raw = payload.get("catalog")
    return CatalogResult(
        user_errors=user_errors_from(payload), catalog=CatalogInfo.from_payload(raw) if raw else None
    )


def quantity_rules_add(
    client: AdminClient, *, price_list_id: str, rules: Sequence[Mapping[str, Any]]
) -> QuantityRulesResult:
    """Minimum, maximum and increment per variant: `{variantId, minimum, maximum?, increment}`."""
    payload = (
        client.execute(
            "QuantityRulesAdd", {"priceListId": price_list_id, "quantityRules": [dict(r) for r in rules]}
        ).data.get("quantityRulesAdd")
        or {}
    )
    return QuantityRulesResult(
        user_errors=user_errors_from(payload), rules=list(payload.get("quantityRules") or [])
    )


def quantity_rules_delete(
    client: AdminClient, *, price_list_id: str, variant_ids: Sequence[str]
) -> MutationResult:
    payload = (
        client.execute(
            "QuantityRulesDelete", {"priceListId": price_list_id, "variantIds": list(variant_ids)}
        ).data.get("quantityRulesDelete")
        or {}
    )
    return MutationResult(user_errors=user_errors_from(payload))
