"""The v2 style view of the catalog: one plain dict per style, in v2 field names and document order,
with typed Python values (None for empty). Both renderers (JSON and XML) start from this view, so a
correct parser reads identical records from either."""

from __future__ import annotations

from typing import Any

from .model import Catalog, StylePrice, StyleRecord
from .schema import SCALAR_STYLE_FIELDS


def effective_prices(catalog: Catalog, style: StyleRecord) -> list[StylePrice]:
    """The style-level price per price type: the first SKU's price (its own where v4 set one, else the
    style's); for a price type the style has no price in, the first SKU price set through v4. Price
    types only priced per SKU are appended."""
    order = [sid for sid in style.sku_ids.values()]
    result: list[StylePrice] = []
    seen: set[str] = set()
    type_ids = [p.price_type_id for p in style.prices]
    type_ids += sorted({pt for (_, pt) in style.sku_prices if pt not in type_ids})
    by_type = {p.price_type_id: p for p in style.prices}
    for pt_id in type_ids:
        if pt_id in seen or pt_id not in catalog.price_types:
            continue
        seen.add(pt_id)
        first = style.sku_prices.get((order[0], pt_id)) if order else None
        chosen = first or by_type.get(pt_id)
        if chosen is None:
            chosen = next(
                (style.sku_prices[(sid, pt_id)] for sid in order if (sid, pt_id) in style.sku_prices), None
            )
        if chosen is not None:
            result.append(chosen)
    return result


def sku_price(style: StyleRecord, sku_id: str, price_type_id: str) -> StylePrice | None:
    """A SKU's price for a price type: its own, else the style's."""
    own = style.sku_prices.get((sku_id, price_type_id))
    if own is not None:
        return own
    return next((p for p in style.prices if p.price_type_id == price_type_id), None)


def style_view(catalog: Catalog, style: StyleRecord) -> dict[str, Any]:
    view: dict[str, Any] = {}
    for scalar in SCALAR_STYLE_FIELDS:
        view[scalar.name] = style.fields.get(scalar.name)
    view["style_id"] = style.style_id
    ordered: dict[str, Any] = {}
    for key in (
        "style_id",
        "style_name",
        "style_number",
        "style_identifier",
        "style_description",
        "made_to_order",
        "division",
        "division_code",
        "style_country_origin",
        "fabrication",
        "fabrication_code",
        "silhouette",
        "silhouette_code",
        "measurements",
        "source_of_materials",
        "heel_height",
        "contains_fur",
        "best_seller",
        "minimum",
    ):
        ordered[key] = view[key]
    ordered["categories"] = [
        {
            "category_parent": c.get("category_parent"),
            "subcategories": [
                {
                    "subcategory_parent": sc.get("subcategory_parent"),
                    "subcategory": [
                        {
                            "subcategory_id": i.get("subcategory_id"),
                            "subcategory_label": i.get("subcategory_label"),
                        }
                        for i in sc.get("subcategory", [])
                    ],
                }
                for sc in c.get("subcategories", [])
            ],
        }
        for c in style.categories
    ]
    ordered["materials"] = list(style.materials)
    prices = []
    for price in effective_prices(catalog, style):
        pt = catalog.price_types[price.price_type_id]
        prices.append(
            {
                "price_label": pt.name,
                "price_currency": pt.currency_code,
                "price_wholesale": price.wholesale,
                "price_retail": price.retail,
                "price_currency_retail": pt.retail_currency_code,
            }
        )
    ordered["prices"] = prices
    deliveries = []
    for link in style.deliveries:
        col = catalog.collections.get(link.collection_id)
        if col is None:
            continue
        season = catalog.seasons.get(col.season_id) if col.season_id else None
        deliveries.append(
            {
                "delivery_name": col.name,
                "delivery_code": col.code,
                "style_display_order": link.style_display_order,
                "season_name": season.name if season else None,
                "season_year": season.year if season else None,
                "season_code": season.code if season else None,
                "date_cancel": col.date_cancel,
                "date_delivery_start": col.date_delivery_start,
                "date_delivery_end": col.date_delivery_end,
                "public": link.public,
                "style_comments": link.style_comments,
                "color_exclusions": [
                    {"color_name": e.get("color_name"), "color_code": e.get("color_code")}
                    for e in link.color_exclusions
                ],
            }
        )
    ordered["deliveries"] = deliveries
    ordered["colors"] = [
        {k: c.get(k) for k in ("color_name", "color_code", "color_image", "color_hex", "minimum")}
        for c in style.colors
    ]
    ordered["sizes"] = [
        {k: s.get(k) for k in ("size_name", "size_code", "size_description", "size_multiplier")}
        for s in style.sizes
    ]
    ordered["badges"] = [
        {k: b.get(k) for k in ("badge_id", "badge_name", "badge_upload_id", "badge_image_path")}
        for b in style.badges
    ]
    ordered["tags"] = [
        {k: t.get(k) for k in ("tag_id", "tag_group", "tag_name", "tag_value", "tag_value_code")}
        for t in style.tags
    ]
    ordered["upcs"] = [
        {k: u.get(k) for k in ("sku_color_code", "sku_size", "upc", "inventory_available")}
        for u in style.upcs
    ]
    ordered["images"] = list(style.images)
    return ordered
