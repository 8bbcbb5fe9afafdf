"""In-memory records of a shop's price lists, catalogs, markets and quantity rules.

A price list prices every variant of the shop: a *fixed* price where one was set, otherwise a
*relative* one derived from the variant's own price by the list's parent adjustment. A catalog (for
markets or for B2B company locations) carries at most one price list; a market is a set of countries
with a base currency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

# English names of currencies as Shopify shows them in `CurrencySetting.currencyName` (recorded:
# "US Dollar", "Euro", "Canadian Dollar", "Central African CFA Franc"); other codes fall back to the
# real schema's `CurrencyCode` description.
CURRENCY_NAMES = {
    "AED": "United Arab Emirates Dirham",
    "AUD": "Australian Dollar",
    "BRL": "Brazilian Real",
    "CAD": "Canadian Dollar",
    "CHF": "Swiss Franc",
    "CNY": "Chinese Yuan",
    "CZK": "Czech Koruna",
    "DKK": "Danish Krone",
    "EUR": "Euro",
    "GBP": "British Pound",
    "HKD": "Hong Kong Dollar",
    "ILS": "Israeli New Shekel",
    "INR": "Indian Rupee",
    "JPY": "Japanese Yen",
    "KRW": "South Korean Won",
    "MXN": "Mexican Peso",
    "NOK": "Norwegian Krone",
    "NZD": "New Zealand Dollar",
    "PLN": "Polish Zloty",
    "SEK": "Swedish Krona",
    "SGD": "Singapore Dollar",
    "USD": "US Dollar",
    "XAF": "Central African CFA Franc",
    "ZAR": "South African Rand",
}
CENT = Decimal("0.01")


def decimal_text(value: Decimal) -> str:
    """A money amount as Shopify's `Decimal` scalar prints it: no trailing zeros but one decimal
    (recorded: "902.45", "9.5", "95.0", "14.0")."""
    text = format(value.quantize(CENT, rounding=ROUND_HALF_UP).normalize(), "f")
    return text if "." in text else f"{text}.0"


@dataclass
class FixedPrice:
    variant_id: int
    amount: Decimal
    currency: str
    compare_at: Decimal | None = None
    compare_at_currency: str | None = None


@dataclass
class QuantityRule:
    variant_id: int
    minimum: int
    maximum: int | None
    increment: int


@dataclass
class PriceList:
    id: int
    name: str
    currency: str
    adjustment_type: str
    adjustment_value: float
    compare_at_mode: str = "ADJUSTED"
    catalog_id: int | None = None
    fixed: dict[int, FixedPrice] = field(default_factory=dict)
    rules: dict[int, QuantityRule] = field(default_factory=dict)
    graphql_type = "PriceList"

    def relative(self, amount: Decimal) -> Decimal:
        """A variant price moved by the parent adjustment, to the cent."""
        factor = Decimal(str(self.adjustment_value)) / 100
        sign = -1 if self.adjustment_type == "PERCENTAGE_DECREASE" else 1
        return (amount * (1 + sign * factor)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Catalog:
    id: int
    title: str
    status: str
    # "MARKET" or "COMPANY_LOCATION" (the `CatalogType` it answers to).
    kind: str
    market_ids: list[int] = field(default_factory=list)
    company_location_ids: list[int] = field(default_factory=list)
    price_list_id: int | None = None

    @property
    def graphql_type(self) -> str:
        return "MarketCatalog" if self.kind == "MARKET" else "CompanyLocationCatalog"


@dataclass
class Market:
    id: int
    name: str
    handle: str
    status: str = "DRAFT"
    countries: list[str] = field(default_factory=list)
    base_currency: str | None = None
    local_currencies: bool = False
    rounding_enabled: bool = False
    manual_rate: str | None = None
    created_at: str = ""
    updated_at: str = ""
    graphql_type = "Market"

    @property
    def type(self) -> str:
        return "REGION" if self.countries else "NONE"


@dataclass
class PricingState:
    """Everything of one shop's Markets and B2B pricing."""

    price_lists: dict[int, PriceList] = field(default_factory=dict)
    catalogs: dict[int, Catalog] = field(default_factory=dict)
    markets: dict[int, Market] = field(default_factory=dict)

    def catalog_of(self, price_list: PriceList) -> Catalog | None:
        return self.catalogs.get(price_list.catalog_id) if price_list.catalog_id is not None else None

    def detach_price_list(self, price_list_id: int) -> None:
        for catalog in self.catalogs.values():
            if catalog.price_list_id == price_list_id:
                catalog.price_list_id = None
        if price_list_id in self.price_lists:
            self.price_lists[price_list_id].catalog_id = None

    def attach(self, catalog: Catalog, price_list: PriceList) -> None:
        """Give the catalog this price list (one each way; any earlier pairing of either is undone)."""
        if catalog.price_list_id is not None and catalog.price_list_id != price_list.id:
            self.detach_price_list(catalog.price_list_id)
        if price_list.catalog_id is not None and price_list.catalog_id != catalog.id:
            previous = self.catalogs.get(price_list.catalog_id)
            if previous is not None:
                previous.price_list_id = None
        catalog.price_list_id = price_list.id
        price_list.catalog_id = catalog.id
