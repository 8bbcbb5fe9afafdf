"""Where stock is counted, written and received in one run: the account's location ↔ warehouse table
read against the shop's locations, and the arithmetic both directions need.

JOOR reports only each SKU's total (no read per warehouse), Shopify a figure per location. So:
- the Shopify figure compared with JOOR's total is the sum of `available` over the mapped locations
  (over every location, Shopify's own `inventoryQuantity`, when nothing is mapped);
- Shopify → JOOR writes each mapped location's `available` into its warehouse (nothing mapped: the
  total into one warehouse, `DEFAULT_WAREHOUSE`);
- JOOR → Shopify writes into the receiving location JOOR's total minus what the other counted locations
  hold, never a negative figure.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from shopify_app.admin.inventory import StockLocation, location_default

#: On a variant node as the engine keeps it: location GID → `available` there (None: not stocked).
LEVELS_KEY = "stockLevels"
#: The JOOR warehouse Shopify's total goes to when no location is mapped: the one every JOOR account
#: has, where stock loaded without a warehouse lands (a figure written anywhere else would be added to
#: what Default holds, since JOOR's total is the sum over its warehouses).
DEFAULT_WAREHOUSE = "Default"


def warehouses_fingerprint(names: Iterable[str]) -> str:
    """A short, order-free name for a set of JOOR warehouses (what a recorded write went into)."""
    text = json.dumps(sorted({n.strip().casefold() for n in names if n and n.strip()}))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def level_of(raw: Mapping[str, Any] | None) -> int | None:
    """`available` of an `InventoryLevel` answer; None when there is no level (not stocked there)."""
    if not raw:
        return None
    for quantity in raw.get("quantities") or ():
        if quantity.get("name") == "available":
            return int(quantity.get("quantity") or 0)
    return 0


@dataclass(frozen=True)
class StockPlaces:
    """The run's stock places. `warehouses` is the account's table (location GID → JOOR warehouse, in
    the table's order; empty when nothing is mapped); `receiving` the location JOOR's stock goes to."""

    warehouses: dict[str, str] = field(default_factory=dict)
    receiving: str | None = None

    @property
    def mapped(self) -> bool:
        return bool(self.warehouses)

    def read_locations(self) -> list[str]:
        """The locations whose levels a run reads: the mapped ones and the receiving one."""
        places = list(self.warehouses)
        if self.receiving and self.receiving not in places:
            places.append(self.receiving)
        return places

    def levels(self, variant: Mapping[str, Any]) -> dict[str, int | None] | None:
        levels = variant.get(LEVELS_KEY)
        return dict(levels) if isinstance(levels, Mapping) else None

    def counted(self, variant: Mapping[str, Any]) -> int | None:
        """The figure compared with JOOR's total: the sum over the mapped locations, else Shopify's
        own total (also when the levels were not read)."""
        levels = self.levels(variant)
        if not self.mapped or levels is None:
            quantity = variant.get("inventoryQuantity")
            return int(quantity) if isinstance(quantity, int) else None
        return sum(levels.get(location) or 0 for location in self.warehouses)

    def receiving_level(self, variant: Mapping[str, Any]) -> int | None:
        """`available` at the receiving location as read; None when the item is not stocked there."""
        levels = self.levels(variant) or {}
        return levels.get(self.receiving) if self.receiving else None

    def receiving_target(self, variant: Mapping[str, Any], total: int) -> int | None:
        """What the receiving location must hold for the counted figure to equal JOOR's `total`
        (negative when the other locations already hold more); None without a receiving location or
        without the levels read this run."""
        levels = self.levels(variant)
        if not self.receiving or levels is None:
            return None
        here = levels.get(self.receiving) or 0
        if self.mapped:
            others = sum(
                levels.get(location) or 0 for location in self.warehouses if location != self.receiving
            )
        else:
            quantity = variant.get("inventoryQuantity")
            others = (int(quantity) if isinstance(quantity, int) else here) - here
        return total - others

    def warehouse_split(self, variant: Mapping[str, Any]) -> dict[str, int] | None:
        """JOOR warehouse → the figure Shopify holds for it (a location not stocking the item holds 0);
        None when the levels were not read this run (nothing is then written per warehouse)."""
        if not self.mapped:
            counted = self.counted(variant)
            return None if counted is None else {DEFAULT_WAREHOUSE: counted}
        levels = self.levels(variant)
        if levels is None:
            return None
        return {warehouse: levels.get(location) or 0 for location, warehouse in self.warehouses.items()}


def stock_places(
    *, warehouses: Mapping[str, str], receiving: str | None, locations: Iterable[StockLocation] | None
) -> StockPlaces:
    """The receiving location: the one marked in the table; else the shop's default location (where
    Shopify ships from, else its primary) when it is mapped or nothing is; else the first mapped one.
    `locations` is read only when no location is marked (None: not available)."""
    table = dict(warehouses)
    if receiving and (receiving in table or not table):
        return StockPlaces(table, receiving)
    default = location_default(list(locations or ()))
    if default is not None and (not table or default.id in table):
        return StockPlaces(table, default.id)
    return StockPlaces(table, next(iter(table), None))
