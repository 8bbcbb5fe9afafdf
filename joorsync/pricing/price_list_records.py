"""What the price-list pass works with: a linked variant, a list's plan, a refused price, the counts,
and the problem codes it lists under Problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from joorsync.pricing.models import PriceTypeRoute
from joorsync.sync.models import ProductLink

CENT = Decimal("0.01")
MISSING = "price_missing"
REFUSED = "price_list_refused"
DELETE_REFUSED = "price_list_delete_refused"


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
