"""Each SKU's own prices, read through JOOR API v4, so that every variant gets its own price.

JOOR's v2 style carries one price per price type for the whole style (the first SKU's); a style whose
SKUs cost different amounts (a size 44 dearer than the rest) has those prices only in v4
(`GET /v4/skus?product_ids=`, `GET /v4/prices?sku_ids=`). A SKU is placed on the style's grid by its
Color trait value's `external_id` (the v2 color code, else the color name) and its Size value; the v4
product id is the v2 style id. Reads are batched per page of styles: one SKU query per 50 styles and
one price query per 50 SKUs (1 credit each).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from joorsync.joor.client import JoorClient
from joorsync.joor.records import Price, Style
from joorsync.joor.records_catalog import SkuPrice
from joorsync.joor.v4 import COLOR_TRAIT_ID, SIZE_TRAIT_ID, trait_id_of
from joorsync.joor.wire import StylesPage
from joorsync.joor.wire_catalog import parse_sku_price
from joorsync.sync.canonical import CanonicalProduct
from joorsync.sync.joor_mapping import PriceMapping

Combo = tuple[str, str]  # (color code, size)
PAGE_SIZE = 500


@dataclass(frozen=True, slots=True)
class StyleSkuPrices:
    """One style's SKUs on its colour × size grid: the v4 SKU id and its price in each price type."""

    sku_ids: Mapping[Combo, str] = field(default_factory=dict)
    prices: Mapping[Combo, tuple[SkuPrice, ...]] = field(default_factory=dict)

    def records(self) -> dict[Combo, list[Price]]:
        """The SKU prices as the v2 price records the mapping chooses from."""
        return {
            combo: [
                Price(
                    price_label=p.price_type.name,
                    price_currency=p.price_type.currency_code,
                    price_wholesale=p.wholesale_value,
                    price_retail=p.retail_value,
                    price_currency_retail=p.price_type.retail_currency_code,
                )
                for p in rows
            ]
            for combo, rows in self.prices.items()
        }


def _combo(sku: Mapping[str, Any]) -> Combo | None:
    color = size = None
    for value in sku.get("trait_values") or []:
        if not isinstance(value, Mapping):
            continue
        trait = trait_id_of(value)
        if trait == COLOR_TRAIT_ID:
            color = value.get("external_id") or value.get("value")
        elif trait == SIZE_TRAIT_ID:
            size = value.get("value")
    if not color or not size:
        return None
    return str(color), str(size)


def style_sku_prices_read(client: JoorClient, *, style_ids: Iterable[int]) -> dict[int, StyleSkuPrices]:
    """Every given style's SKUs and their prices, in as few requests as the id filters allow."""
    wanted = [str(i) for i in dict.fromkeys(style_ids)]
    if not wanted:
        return {}
    placed: dict[str, tuple[int, Combo]] = {}
    grids: dict[int, dict[Combo, str]] = {}
    for sku in client.iter_skus(product_ids=wanted, page_size=PAGE_SIZE):
        product = str(sku.get("product_id") or "")
        combo = _combo(sku)
        if not product.isdigit() or combo is None or not sku.get("id"):
            continue
        style_id = int(product)
        placed[str(sku["id"])] = (style_id, combo)
        grids.setdefault(style_id, {})[combo] = str(sku["id"])
    rows: dict[int, dict[Combo, list[SkuPrice]]] = {}
    if placed:
        for raw in client.iter_prices(sku_ids=list(placed), page_size=PAGE_SIZE):
            price = parse_sku_price(raw)
            where = placed.get(price.sku_id)
            if where is not None:
                rows.setdefault(where[0], {}).setdefault(where[1], []).append(price)
    return {
        style_id: StyleSkuPrices(
            sku_ids=grid,
            prices={combo: tuple(found) for combo, found in rows.get(style_id, {}).items()},
        )
        for style_id, grid in grids.items()
    }


class SkuPriceBook:
    """The SKU prices of the styles a run has read, fetched a page at a time; and the writes that
    give each SKU its own new price (v4 price updates by id, one request per style written)."""

    def __init__(self, client: JoorClient) -> None:
        self.client = client
        self._styles: dict[int, StyleSkuPrices] = {}
        self._numbers: dict[tuple[str, str], int] = {}

    def pages(self, pages: Iterable[StylesPage]) -> Iterator[StylesPage]:
        for page in pages:
            self.load(page.styles)
            yield page

    def load(self, styles: Sequence[Style]) -> None:
        for s in styles:
            if s.style_id is not None:
                self._numbers[(s.style_number or "", s.style_identifier or "")] = s.style_id
        missing = [s.style_id for s in styles if s.style_id is not None and s.style_id not in self._styles]
        if not missing:
            return
        found = style_sku_prices_read(self.client, style_ids=missing)
        for style_id in missing:
            self._styles[style_id] = found.get(style_id, StyleSkuPrices())

    def write(self, product: CanonicalProduct, *, prices: PriceMapping) -> int:
        """Give each SKU of `product` its variant's price in the mapped price type; returns how many
        prices changed. Casepack sizes are left alone (their Shopify price is the pack's), and so is
        a SKU without a price in that type (none is invented)."""
        style_id = self._numbers.get((product.style_number, product.style_identifier))
        book = self._styles.get(style_id) if style_id is not None else None
        if book is None:
            return 0
        units = {
            str(s.get("size_name")): s.get("size_multiplier")
            for s in product.joor.get("sizes") or []
            if isinstance(s, dict)
        }
        wanted = {(v.color_code, v.size): v.price for v in product.variants if (units.get(v.size) or 1) <= 1}
        updates = sku_price_updates(book, wanted=wanted, prices=prices)
        if updates:
            self.client.bulk_update("prices", updates).raise_for_failures()
            self.forget(style_id)
        return len(updates)

    def of(self, style: Style) -> StyleSkuPrices | None:
        if style.style_id is None:
            return None
        if style.style_id not in self._styles:
            self.load([style])
        return self._styles.get(style.style_id)

    def forget(self, style_id: int | None) -> None:
        """After a write: the next read of the style asks JOOR again."""
        if style_id is not None:
            self._styles.pop(style_id, None)


def sku_price_updates(
    book: StyleSkuPrices, *, wanted: Mapping[Combo, str | None], prices: PriceMapping
) -> list[dict[str, Any]]:
    """v4 price updates (by price id) that give each SKU the price `wanted` for it, in the price type
    the mapping reads it from. A SKU without a price in that type is left alone: no price row is
    invented."""
    key = "wholesale_value" if prices.price_field == "price_wholesale" else "retail_value"
    updates = []
    for combo, value in wanted.items():
        rows = list(book.prices.get(combo, ()))
        if value is None or not rows:
            continue
        index = prices.choose(
            [
                (
                    p.price_type.name,
                    p.price_type.currency_code,
                    p.wholesale_value if key == "wholesale_value" else p.retail_value,
                )
                for p in rows
            ]
        )
        current = rows[index] if index is not None else None
        if current is None or current.id is None:
            continue
        now = current.wholesale_value if key == "wholesale_value" else current.retail_value
        if now is not None and Decimal(str(now)) == Decimal(value):
            continue
        updates.append({"id": current.id, key: f"{Decimal(value).quantize(Decimal('0.01'))}"})
    return updates


def book_styles_ensure(book: SkuPriceBook, *, style_ids: Iterable[int]) -> dict[int, StyleSkuPrices]:
    """The SKU prices of these styles: what the run's book already read, the rest read now (batched)."""
    wanted = list(dict.fromkeys(style_ids))
    missing = [i for i in wanted if i not in book._styles]
    if missing:
        found = style_sku_prices_read(book.client, style_ids=missing)
        for style_id in missing:
            book._styles[style_id] = found.get(style_id, StyleSkuPrices())
    return {i: book._styles[i] for i in wanted}


def book_style_ids(book: SkuPriceBook) -> set[int]:
    """The styles the run read (an incremental run: the styles JOOR changed)."""
    return set(book._styles)
