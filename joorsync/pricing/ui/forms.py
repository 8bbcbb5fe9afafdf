"""The "Prices and product data" settings section: checked field by field so each refusal shows at
its own control, then handed to `pricing_settings_save`."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import QueryDict

from joorsync.pricing.categories import DEFAULT_CATEGORIES, GID, taxonomy_id_known, valid_taxonomy_id
from joorsync.pricing.models import PriceTypeRoute, PricingSettings
from joorsync.pricing.services import RouteInput

MAX_FACTOR = Decimal("999.9999")
MARKET_GID = "gid://shopify/Market/"
LOCATION_GID = "gid://shopify/CompanyLocation/"
#: Shopify takes at most 250 items in an input array (https://shopify.dev/docs/api/usage/limits).
MAX_LOCATIONS = 250


@dataclass
class RouteRow:
    index: int
    label: str
    currency: str
    destination: str = PriceTypeRoute.Destination.NONE
    amount: str = PriceTypeRoute.Amount.WHOLESALE
    factor: str = ""
    market: str = ""  # the Shopify market whose buyers see the price list
    locations: list[str] = field(default_factory=list)  # or the B2B company locations whose buyers do
    mapped: bool = False  # the price type Shopify's own price comes from (sync settings above)

    @property
    def prefix(self) -> str:
        return f"pt-{self.index}-"


@dataclass
class PricingForm:
    vendor: str = ""
    sku_prices: bool = True
    rows: list[RouteRow] = field(default_factory=list)
    categories: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    bound: bool = False
    types_error: str = ""
    markets: list[tuple[str, str]] = field(default_factory=list)  # (id, name) of the shop's markets
    markets_error: str = ""
    # (id, "Company — Location") of the shop's B2B company locations; empty without B2B.
    company_locations: list[tuple[str, str]] = field(default_factory=list)
    locations_error: str = ""

    destinations = PriceTypeRoute.Destination.choices
    amounts = PriceTypeRoute.Amount.choices

    @classmethod
    def initial(
        cls,
        *,
        settings: PricingSettings,
        routes: dict[tuple[str, str], PriceTypeRoute],
        types: list[tuple[str, str]],
        mapped: tuple[str, str] | None,
        categories: dict[str, str],
    ) -> PricingForm:
        pairs = sorted(set(types) | set(routes))
        rows = []
        for index, (label, currency) in enumerate(pairs):
            route = routes.get((label, currency))
            rows.append(
                RouteRow(
                    index=index,
                    label=label,
                    currency=currency,
                    destination=route.destination if route else PriceTypeRoute.Destination.NONE,
                    amount=route.amount if route else PriceTypeRoute.Amount.WHOLESALE,
                    factor="" if route is None or route.factor is None else f"{route.factor.normalize()}",
                    market=route.market_id if route else "",
                    locations=[str(v) for v in (route.company_location_ids or [])] if route else [],
                    mapped=_is_mapped(mapped, label, currency),
                )
            )
        lines = "\n".join(f"{name} = {value.removeprefix(GID)}" for name, value in sorted(categories.items()))
        return cls(vendor=settings.vendor, sku_prices=settings.sku_prices, rows=rows, categories=lines)

    @classmethod
    def bind(
        cls,
        data: QueryDict,
        *,
        mapped: tuple[str, str] | None,
        markets: list[tuple[str, str]] | None = None,
        company_locations: list[tuple[str, str]] | None = None,
    ) -> PricingForm:
        form = cls(
            markets=list(markets or []),
            company_locations=list(company_locations or []),
            vendor=data.get("vendor", ""),
            sku_prices=data.get("sku_prices") == "on",
            categories=data.get("categories", ""),
            bound=True,
        )
        count = int(data.get("pt-count", "0") or 0) if str(data.get("pt-count", "0")).isdigit() else 0
        for index in range(min(count, 200)):
            p = f"pt-{index}-"
            label, currency = data.get(p + "label", ""), data.get(p + "currency", "")
            if not label or not currency:
                continue
            form.rows.append(
                RouteRow(
                    index=index,
                    label=label[:50],
                    currency=currency[:3].upper(),
                    destination=data.get(p + "destination", PriceTypeRoute.Destination.NONE),
                    amount=data.get(p + "amount", PriceTypeRoute.Amount.WHOLESALE),
                    factor=data.get(p + "factor", "").strip(),
                    market=data.get(p + "market", "").strip()[:100],
                    locations=list(
                        dict.fromkeys(v.strip()[:100] for v in data.getlist(p + "locations") if v.strip())
                    ),
                    mapped=_is_mapped(mapped, label, currency),
                )
            )
        return form

    def is_valid(self) -> bool:
        if len(self.vendor) > 255:
            self.errors["vendor"] = "A vendor has at most 255 characters."
        for row in self.rows:
            if row.destination not in PriceTypeRoute.Destination.values:
                self.errors[row.prefix + "destination"] = "Choose where this price type goes."
            if row.amount not in PriceTypeRoute.Amount.values:
                self.errors[row.prefix + "amount"] = "Choose the wholesale or the retail price."
            self._check_market(row)
            if row.factor:
                try:
                    factor = Decimal(row.factor.replace(",", "."))
                except InvalidOperation:
                    factor = None
                if factor is None or not factor.is_finite() or factor <= 0 or factor > MAX_FACTOR:
                    self.errors[row.prefix + "factor"] = (
                        "Enter a number above 0, like 0.5 (at most 999.9999)."
                    )
                elif factor.as_tuple().exponent < -4:  # type: ignore[operator]
                    self.errors[row.prefix + "factor"] = "Use at most 4 decimals."
        self.mappings()
        return not self.errors

    def _check_market(self, row: RouteRow) -> None:
        """A price list reaches buyers through one catalog: of one of the shop's markets, or, on a shop
        with B2B, of some of its company locations; chosen whenever the markets could be listed."""
        known = {value for value, _ in self.markets}
        if row.market and known and row.market not in known:
            self.errors[row.prefix + "market"] = "Choose one of your Shopify markets."
        elif row.market and not row.market.startswith(MARKET_GID):
            self.errors[row.prefix + "market"] = "Choose one of your Shopify markets."
        elif (
            row.destination == PriceTypeRoute.Destination.PRICE_LIST
            and known
            and not row.market
            and not row.locations
        ):
            self.errors[row.prefix + "market"] = (
                "Choose the market or the B2B company locations whose buyers see this price list."
                if self.company_locations
                else "Choose the market whose buyers see this price list."
            )
        if not row.locations:
            return
        places = {value for value, _ in self.company_locations}
        if row.market:
            self.errors[row.prefix + "locations"] = (
                "Choose a market or company locations, not both: a price list is shown through one catalog."
            )
        elif any(not v.startswith(LOCATION_GID) or (places and v not in places) for v in row.locations):
            self.errors[row.prefix + "locations"] = "Choose among your B2B company locations."
        elif len(row.locations) > MAX_LOCATIONS:
            self.errors[row.prefix + "locations"] = f"Choose at most {MAX_LOCATIONS} company locations."

    def mappings(self) -> dict[str, str]:
        """The category lines as JOOR category → taxonomy GID (errors noted at the field)."""
        out: dict[str, str] = {}
        for number, line in enumerate(self.categories.splitlines(), 1):
            if not line.strip():
                continue
            name, sep, value = line.partition("=")
            name, value = name.strip(), value.strip()
            if not sep or not name or not value:
                self.errors["categories"] = f"Line {number}: write it as “JOOR category = taxonomy id”."
                continue
            if not valid_taxonomy_id(value):
                self.errors["categories"] = (
                    f"Line {number}: “{value}” is not a Shopify taxonomy category id (like aa-1-13)."
                )
                continue
            if not taxonomy_id_known(value):
                self.errors["categories"] = (
                    f"Line {number}: “{value}” cannot be checked here, so it is not sent. "
                    "Use a category of the built-in list (like aa-1-13 for tops)."
                )
                continue
            out[name[:200]] = value if value.startswith(GID) else GID + value
        return out

    def routes(self) -> list[RouteInput]:
        return [
            RouteInput(
                label=row.label,
                currency=row.currency,
                destination=row.destination,
                amount=row.amount,
                factor=Decimal(row.factor.replace(",", ".")) if row.factor else None,
                market_id=row.market,
                company_location_ids=tuple(row.locations),
            )
            for row in self.rows
        ]

    def context(self) -> dict[str, Any]:
        return {"form": self, "defaults": sorted(DEFAULT_CATEGORIES.items())}


def _is_mapped(mapped: tuple[str, str] | None, label: str, currency: str) -> bool:
    if mapped is None:
        return False
    want_label, want_currency = mapped
    return currency == want_currency and (not want_label or label == want_label)
