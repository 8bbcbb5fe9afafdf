"""The engine's JOOR side: reading styles (pages, one style), mapping them with the account's price
mapping, and every write to JOOR (style writes, new styles through v2 or v4, stock).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from joorsync.joor.client import JoorClient
from joorsync.joor.records import Style
from joorsync.joor.wire import StylesPage
from joorsync.pricing.sku_prices import SkuPriceBook
from joorsync.sync.canonical import CanonicalProduct
from joorsync.sync.engine.joor_writes import JoorWrites
from joorsync.sync.joor_create import NewStylePrices, style_create_v2, style_create_v4
from joorsync.sync.joor_mapping import PriceMapping, style_to_canonical
from joorsync.sync.matching import JoorItem
from joorsync.sync.models import ApiGeneration

DEFAULT_WAREHOUSE = "Default"  # JOOR's own; see `joorsync.stock.places.DEFAULT_WAREHOUSE`


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
        sku_prices: SkuPriceBook | None = None,
        type_factors: Mapping[tuple[str, str], Decimal] | None = None,
    ) -> None:
        self.client = client
        self.prices = prices
        self.api_generation = api_generation
        self.warehouse = warehouses[0] if warehouses else DEFAULT_WAREHOUSE
        self.wholesale_factor = wholesale_factor
        self._writes: JoorWrites | None = None
        self.sku_prices = sku_prices  # each SKU's own price (v4); None: the style's price for all
        self.type_factors = type_factors  # a new style's price per price type (v4: every type)

    # ------------------------------------------------------------------ reads

    def pages(self, *, page_size: int, start_from: int, window: dict[str, Any]) -> Iterator[StylesPage]:
        pages = self.client.iter_style_pages(page_size=page_size, start_from=start_from, **window)
        if self.sku_prices is None:
            return pages
        return self.sku_prices.pages(pages)

    def style(self, style_id: int) -> Style:
        return self.client.get_style(style_id)

    def style_by_number(self, number: str, identifier: str) -> Style:
        return self.client.get_style_by_number(number, identifier)

    def canonical(self, style: Style) -> CanonicalProduct:
        own = self.sku_prices.of(style) if self.sku_prices is not None else None
        return style_to_canonical(style, prices=self.prices, sku_prices=own.records() if own else None)

    # ------------------------------------------------------------------ writes

    @property
    def writes(self) -> JoorWrites:
        if self._writes is None:
            self._writes = JoorWrites(
                client=self.client,
                prices=self.prices,
                warehouse=self.warehouse,
                send_prices=self.sku_prices is None,
            )
        return self._writes

    def set_style(self, *, merged: CanonicalProduct, read: CanonicalProduct, cleared: set[str]) -> None:
        """One style write. UPC rows carry the stock JOOR reported in this run, so a catalog write
        never changes stock (JOOR sets a UPC sent without a figure to 0)."""
        self.writes.set_style(
            merged=merged, stock={v.key: v.inventory for v in read.variants}, cleared=cleared
        )
        if self.sku_prices is not None:
            self.sku_prices.write(merged, prices=self.prices)

    def queue_stock(
        self,
        *,
        product: CanonicalProduct,
        key: str,
        quantity: int,
        upc: str | None,
        levels: Mapping[str, int] | None = None,
    ) -> None:
        """Shopify's figure for one SKU: per JOOR warehouse when `levels` (warehouse → figure, from
        the mapped locations) is given, else `quantity` into the side's one warehouse."""
        for warehouse, figure in (levels or {self.warehouse: quantity}).items():
            self.writes.set_quantity(
                product=product, variant_key=key, quantity=figure, upc=upc, warehouse=warehouse
            )

    def flush_stock(self) -> list[str]:
        return self.writes.flush_quantities() if self._writes is not None else []

    def create(self, grid: CanonicalProduct, *, new: NewStylePrices) -> Style:
        if self.api_generation == ApiGeneration.V4:
            return style_create_v4(self.client, grid, new=new, factors=self.type_factors)
        return style_create_v2(self.client, grid, prices=self.prices, new=new)
