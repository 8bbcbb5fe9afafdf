"""The engine's JOOR side: reading styles (pages, one style), mapping them with the account's price
mapping, and every write to JOOR (style writes, new styles through v2 or v4, stock).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from joorsync.joor.client import JoorClient
from joorsync.joor.records import Style
from joorsync.joor.wire import StylesPage
from joorsync.sync.canonical import CanonicalProduct
from joorsync.sync.engine.joor_writes import JoorWrites
from joorsync.sync.joor_create import NewStylePrices, style_create_v2, style_create_v4
from joorsync.sync.joor_mapping import PriceMapping, style_to_canonical
from joorsync.sync.matching import JoorItem
from joorsync.sync.models import ApiGeneration

DEFAULT_WAREHOUSE = "Shopify"


def joor_item(style: Style) -> JoorItem:
    """What matching needs of a style: its identity and UPCs."""
    return JoorItem(
        style_id=int(style.style_id or 0),
        style_number=style.style_number or "",
        style_identifier=style.style_identifier or "",
        upcs=frozenset(u.upc for u in style.upcs if u.upc),
    )


class JoorSide:
    """One run's view of one account's JOOR catalog."""

    def __init__(
        self,
        *,
        client: JoorClient,
        prices: PriceMapping,
        api_generation: str,
        warehouses: list[str],
        wholesale_factor: Decimal | None,
    ) -> None:
        self.client = client
        self.prices = prices
        self.api_generation = api_generation
        self.warehouse = warehouses[0] if warehouses else DEFAULT_WAREHOUSE
        self.wholesale_factor = wholesale_factor
        self._writes: JoorWrites | None = None

    # ------------------------------------------------------------------ reads

    def pages(self, *, page_size: int, start_from: int, window: dict[str, Any]) -> Iterator[StylesPage]:
        return self.client.iter_style_pages(page_size=page_size, start_from=start_from, **window)

    def style(self, style_id: int) -> Style:
        return self.client.get_style(style_id)

    def style_by_number(self, number: str, identifier: str) -> Style:
        return self.client.get_style_by_number(number, identifier)

    def canonical(self, style: Style) -> CanonicalProduct:
        return style_to_canonical(style, prices=self.prices)

    # ------------------------------------------------------------------ writes

    @property
    def writes(self) -> JoorWrites:
        if self._writes is None:
            self._writes = JoorWrites(client=self.client, prices=self.prices, warehouse=self.warehouse)
        return self._writes

    def set_style(self, *, merged: CanonicalProduct, read: CanonicalProduct, cleared: set[str]) -> None:
        """One style write. UPC rows carry the stock JOOR reported in this run, so a catalog write
        never changes stock (JOOR sets a UPC sent without a figure to 0)."""
        self.writes.set_style(
            merged=merged, stock={v.key: v.inventory for v in read.variants}, cleared=cleared
        )

    def queue_stock(self, *, product: CanonicalProduct, key: str, quantity: int, upc: str | None) -> None:
        self.writes.set_quantity(product=product, variant_key=key, quantity=quantity, upc=upc)

    def flush_stock(self) -> list[str]:
        return self.writes.flush_quantities() if self._writes is not None else []

    def create(self, grid: CanonicalProduct, *, new: NewStylePrices) -> Style:
        if self.api_generation == ApiGeneration.V4:
            return style_create_v4(self.client, grid, new=new)
        return style_create_v2(self.client, grid, prices=self.prices, new=new)
