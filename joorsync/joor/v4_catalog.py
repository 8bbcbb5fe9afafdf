"""Typed catalog calls of `JoorClient`: price types and SKU-level prices, prices for every price type
of the account, collections (linesheets), the colors' images, and stock per warehouse.

Reads return the records of `records_catalog`; writes return a `BulkResult` (v4: JOOR accepts part of
a batch) or JOOR's inventory log (v2). Shapes and sources: docs/joor-api.md ("Catalog: images,
linesheets, warehouses, prices").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from .client_results import BulkResult, InventoryResult
from .errors import JoorBadPayload
from .records_catalog import (
    Collection,
    CollectionWrite,
    ColorImages,
    MissingPriceTypes,
    PriceType,
    SkuPrice,
    StockLevel,
)
from .wire_catalog import parse_collection, parse_color_images, parse_price_type, parse_sku_price

if TYPE_CHECKING:
    from .v4 import BulkResource

#: A price given for a SKU: (wholesale, retail or None). Values are exact: never rounded.
PriceValues = tuple[Decimal | str, Decimal | str | None]


def money_text(value: Decimal | str, what: str) -> str:
    """A JOOR money string ("100.00" [https://api-docs.jooraccess.com/v2.0/reference/create-prices]).
    A value that needs rounding to two decimals is refused rather than changed."""
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{what} is not an amount: {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"{what} must be a non-negative amount, not {value!r}")
    exact = amount.quantize(Decimal("0.01"))
    if exact != amount:
        raise ValueError(f"{what} {value} has more than two decimals: JOOR keeps cents")
    return f"{exact:.2f}"


class V4CatalogMixin:
    """Needs `JoorClient`'s `_v4_pages`, `_v4_by_ids`, `bulk_create`, `bulk_update`, `upsert_prices`,
    `iter_skus` and `bulk_inventory`."""

    if TYPE_CHECKING:

        def _v4_pages(
            self,
            path: str,
            params: Mapping[str, Any] | None = None,
            *,
            page_size: int = ...,
            limit: int | None = ...,
        ) -> Iterator[dict[str, Any]]: ...

        def iter_prices(
            self, *, sku_ids: Iterable[str], page_size: int = ...
        ) -> Iterator[dict[str, Any]]: ...

        def iter_skus(
            self, *, product_ids: Iterable[str], page_size: int = ...
        ) -> Iterator[dict[str, Any]]: ...

        def iter_collections(self, *, page_size: int = ...) -> Iterator[dict[str, Any]]: ...

        def upsert_prices(self, items: Iterable[Mapping[str, Any]]) -> BulkResult: ...

        def bulk_create(self, resource: BulkResource, items: Iterable[Mapping[str, Any]]) -> BulkResult: ...

        def bulk_update(self, resource: BulkResource, items: Iterable[Mapping[str, Any]]) -> BulkResult: ...

        def bulk_inventory(
            self,
            items: Iterable[Mapping[str, Any]],
            *,
            replace_all: bool = ...,
            dec_pending: bool | None = ...,
            batch_size: int = ...,
        ) -> list[InventoryResult]: ...

    # -- prices ---------------------------------------------------------------------------------

    def price_types_list(self) -> list[PriceType]:
        """`GET /v4/price_types`: every price type of the account (each currency can have several)."""
        return [parse_price_type(obj) for obj in self._v4_pages("/v4/price_types")]

    def sku_prices_list(self, *, sku_ids: Iterable[str]) -> list[SkuPrice]:
        """`GET /v4/prices?sku_ids=…`: each SKU's price per price type."""
        return [parse_sku_price(obj) for obj in self.iter_prices(sku_ids=sku_ids)]

    def sku_prices_set_all_types(
        self,
        *,
        sku_ids: Sequence[str],
        prices: Mapping[str, PriceValues],
        per_sku: Mapping[tuple[str, str], PriceValues] | None = None,
    ) -> BulkResult:
        """Give SKUs (typically a new style's) a price in every price type of the account.

        `prices` maps each price type id to (wholesale, retail); `per_sku` overrides one SKU's price in
        one price type ((sku id, price type id) → values). A price type of the account missing from
        `prices` raises `MissingPriceTypes` before anything is sent: no price is ever invented. Prices
        JOOR already has are updated by their id (`upsert_prices`)."""
        if not sku_ids:
            raise ValueError("no SKU to price")
        types = self.price_types_list()
        known = {pt.id for pt in types}
        unknown = sorted(set(prices) - known)
        if unknown:
            raise ValueError(f"not price types of this account: {', '.join(unknown)}")
        missing = [pt for pt in types if pt.id not in prices]
        if missing:
            raise MissingPriceTypes(missing)
        overrides = dict(per_sku or {})
        stray = sorted(f"{s}/{t}" for s, t in overrides if s not in sku_ids or t not in known)
        if stray:
            raise ValueError(f"per_sku names SKUs or price types not being priced: {', '.join(stray)}")
        items = []
        for sku_id in sku_ids:
            for pt in types:
                wholesale, retail = overrides.get((sku_id, pt.id), prices[pt.id])
                item = {
                    "sku_id": sku_id,
                    "price_type_id": pt.id,
                    "wholesale_value": money_text(wholesale, f"wholesale price ({pt.name})"),
                }
                if retail is not None:
                    item["retail_value"] = money_text(retail, f"retail price ({pt.name})")
                items.append(item)
        return self.upsert_prices(items)

    # -- linesheets -----------------------------------------------------------------------------

    def collections_list(self) -> list[Collection]:
        """`GET /v4/collections`: every linesheet with its ship window, season and products in order."""
        return [parse_collection(obj) for obj in self.iter_collections()]

    def collections_create(self, collections: Iterable[CollectionWrite]) -> BulkResult:
        """`POST /v4/collections/bulk_create` (each needs `external_id`)."""
        return self.bulk_create("collections", [c.create_payload() for c in collections])

    def collections_update(self, collections: Iterable[CollectionWrite]) -> BulkResult:
        """`POST /v4/collections/bulk_update` (each needs `id` and `name`; `items` given replace the
        collection's products)."""
        return self.bulk_update("collections", [c.update_payload() for c in collections])

    # -- images of colors -----------------------------------------------------------------------

    def color_images_list(self, *, product_ids: Iterable[str]) -> list[ColorImages]:
        """Each color's swatch and own images, per product, from `GET /v4/skus?product_ids=`."""
        skus = list(self.iter_skus(product_ids=product_ids))
        try:
            return parse_color_images(skus)
        except JoorBadPayload as exc:
            raise JoorBadPayload(f"JOOR GET /v4/skus: {exc}") from exc

    # -- stock ----------------------------------------------------------------------------------

    def stock_set(
        self, levels: Iterable[StockLevel], *, dec_pending: bool | None = None
    ) -> list[InventoryResult]:
        """Set absolute stock figures per SKU and warehouse through `POST /v2/bulk-inventory`
        (`overwrite=0`: only the SKU × warehouse figures sent change). A line may pass with a warning
        `message` (a warehouse not set up in JOOR's Order Settings, where JOOR documents "unexpected
        results")."""
        return self.bulk_inventory([level.item() for level in levels], dec_pending=dec_pending)
