"""The JOOR side's writes: one v2 style write per changed style (5 credits), stock through
`bulk-inventory` in one batch per page. Both are idempotent (by style number; absolute stock levels).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from joorsync.joor.client import JoorClient
from joorsync.sync.canonical import CanonicalProduct, split_variant_key
from joorsync.sync.joor_mapping import PriceMapping, canonical_to_style_fields

#: Canonical paths that a person may clear → the v2 style field and its empty value.
CLEARABLE_STYLE_FIELDS: dict[str, tuple[str, Any]] = {
    "description": ("style_description", ""),
    "product_type": ("silhouette", ""),
    "tags": ("tags", []),
}


@dataclass(slots=True)
class JoorWrites:
    """Pending JOOR writes of one batch: style writes go at once, stock in one bulk-inventory call."""

    client: JoorClient
    prices: PriceMapping
    warehouse: str
    stock: list[dict[str, Any]] = field(default_factory=list)
    send_prices: bool = True  # False: SKU prices are written through v4 (`joorsync.pricing`)

    def set_style(
        self, *, merged: CanonicalProduct, stock: Mapping[str, int | None], cleared: Iterable[str] = ()
    ) -> None:
        """The style write. Its UPC rows carry `stock` (variant key → the figure JOOR reported in
        this run): JOOR sets a UPC row sent without one to 0, and stock moves only through
        bulk-inventory. A new SKU has no figure yet and starts at JOOR's 0. `cleared` are the
        canonical paths a person chose to empty: sent empty, where a missing value would keep them."""
        fields = canonical_to_style_fields(merged, prices=self.prices, send_prices=self.send_prices)
        for path in cleared:
            if path in CLEARABLE_STYLE_FIELDS:
                name, empty = CLEARABLE_STYLE_FIELDS[path]
                fields[name] = empty
        fields.pop("upcs", None)
        rows = []
        for v in merged.variants:
            figure = stock.get(v.key)
            if not v.barcode and not figure:
                continue
            row: dict[str, Any] = {"sku_color_code": v.color_code, "sku_size": v.size}
            if v.barcode:
                row["upc"] = v.barcode
            if figure is not None:
                row["inventory_available"] = figure
            rows.append(row)
        if rows:
            fields["upcs"] = rows
        self.client.style_upsert(fields)

    def set_quantity(
        self,
        *,
        product: CanonicalProduct,
        variant_key: str,
        quantity: int,
        upc: str | None,
        warehouse: str | None = None,
    ) -> None:
        """Queue one absolute figure of one SKU in one warehouse (default: the side's warehouse)."""
        color_code, size = split_variant_key(variant_key)
        item: dict[str, Any] = {
            "warehouse": warehouse or self.warehouse,
            "style_number": product.style_number,
            "style_identifier": product.style_identifier,
            "color_code": color_code,
            "size": size,
            "inventory": quantity,
        }
        if upc:
            item["upc"] = upc
        self.stock.append(item)

    def flush_quantities(self) -> list[str]:
        """Send the batch; the failed items' messages come back (the rest went through)."""
        stock, self.stock = self.stock, []
        if not stock:
            return []
        results = self.client.bulk_inventory(stock)
        return [f"{r.sku}: {r.message or r.status}" for r in results if not r.ok]
