"""Typed records for JOOR v2 styles, one dataclass per node of JOOR's v2 style field table.

The wire parsers (`wire.py`) turn every XML/JSON shape JOOR sends into these records, so the rest of the
application sees one model: integers are `int`, money is `Decimal`, flags are `bool`, dates are `date`
(or `datetime` when the wire value carried a time), absent or empty values are `None` and list nodes
are always lists. Codes (style numbers, colour/size codes, UPCs, season codes …) are always `str` with
leading zeros kept, because they are identifiers, not quantities.

`style_to_dict` renders a record as the normalized JSON-able dict the rest of the project prints and
compares: v2 field names in field-table order, canonical ordering for prices and UPCs, so that the XML
and the JSON answer for the same catalog give identical output.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

DateValue = dt.date | dt.datetime


@dataclass(frozen=True, slots=True)
class Price:
    """One `prices/price` node: a wholesale/retail price pair in one currency and price label."""

    price_label: str | None = None
    price_currency: str | None = None
    price_wholesale: Decimal | None = None
    price_retail: Decimal | None = None
    price_currency_retail: str | None = None


@dataclass(frozen=True, slots=True)
class ColorRef:
    """One `color_exclusions/color_exclusion` node: a colour left out of a delivery."""

    color_name: str | None = None
    color_code: str | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    """One `deliveries/delivery` node: the style's placement on a linesheet of a season."""

    delivery_name: str | None = None
    delivery_code: str | None = None
    style_display_order: int | None = None
    season_name: str | None = None
    season_year: int | None = None
    season_code: str | None = None
    date_cancel: DateValue | None = None
    date_delivery_start: DateValue | None = None
    date_delivery_end: DateValue | None = None
    # JOOR treats an absent `public` as "yes"; the record keeps what was sent (None when absent).
    public: bool | None = None
    style_comments: str | None = None
    color_exclusions: list[ColorRef] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SubcategoryItem:
    """One `subcategory` node (the wire calls the id `sub_category_id` or `subcategory_id`)."""

    subcategory_id: int | None = None
    subcategory_label: str | None = None


@dataclass(frozen=True, slots=True)
class Subcategory:
    """One `subcategories` node: a JOOR sub-category parent and its subcategory entries."""

    subcategory_parent: str | None = None
    subcategory: list[SubcategoryItem] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Category:
    """One `categories/category` node: a JOOR parent category with its sub-categories."""

    category_parent: str | None = None
    subcategories: list[Subcategory] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Color:
    """One `colors/color` node."""

    color_name: str | None = None
    color_code: str | None = None
    minimum: int | None = None
    color_image: str | None = None
    color_hex: str | None = None


@dataclass(frozen=True, slots=True)
class Size:
    """One `sizes/size` node."""

    size_name: str | None = None
    size_code: str | None = None
    size_description: str | None = None
    size_multiplier: int | None = None


@dataclass(frozen=True, slots=True)
class Badge:
    """One `badges/badge` node (JOOR's own badges have negative ids, e.g. -1 "Best Seller")."""

    badge_id: int | None = None
    badge_name: str | None = None
    badge_upload_id: int | None = None
    badge_image_path: str | None = None


@dataclass(frozen=True, slots=True)
class Tag:
    """One `tags/tag` node."""

    tag_id: int | None = None
    tag_group: str | None = None
    tag_name: str | None = None
    tag_value: str | None = None
    tag_value_code: str | None = None


@dataclass(frozen=True, slots=True)
class StyleUpc:
    """One `upcs/style_upc` node: the UPC and inventory of one colour × size SKU."""

    sku_color_code: str | None = None
    sku_size: str | None = None
    upc: str | None = None
    inventory_available: int | None = None


@dataclass(frozen=True, slots=True)
class Style:
    """One `styles/style` node. `style_id` is None only for a style not yet created in JOOR."""

    style_id: int | None = None
    style_name: str | None = None
    style_number: str | None = None
    style_identifier: str | None = None
    style_description: str | None = None
    made_to_order: bool | None = None
    division: str | None = None
    division_code: str | None = None
    style_country_origin: str | None = None
    fabrication: str | None = None
    fabrication_code: str | None = None
    measurements: str | None = None
    silhouette: str | None = None
    silhouette_code: str | None = None
    source_of_materials: str | None = None
    heel_height: str | None = None
    contains_fur: bool | None = None
    best_seller: bool | None = None
    minimum: int | None = None
    materials: list[str] = field(default_factory=list)
    prices: list[Price] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)
    colors: list[Color] = field(default_factory=list)
    sizes: list[Size] = field(default_factory=list)
    badges: list[Badge] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    upcs: list[StyleUpc] = field(default_factory=list)
    images: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str | None, str | None]:
        """The brand's own key for the style: JOOR addresses writes by (style_number, style_identifier)."""
        return (self.style_number, self.style_identifier)


RECORD_TYPES: tuple[type, ...] = (
    Price,
    ColorRef,
    Delivery,
    SubcategoryItem,
    Subcategory,
    Category,
    Color,
    Size,
    Badge,
    Tag,
    StyleUpc,
    Style,
)

_FIELD_NAMES: dict[type, tuple[str, ...]] = {
    cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in RECORD_TYPES
}


def decimal_to_number(value: Decimal) -> int | float:
    """JSON number for a Decimal: `int` when integral (53.00 → 53), else `float` (68.50 → 68.5).

    XML sends "53.00" where JSON sends 53: printing the number, not the text, makes both agree.
    """
    if not value.is_finite():
        raise ValueError(f"{value} has no JSON number form")
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _plain(value: Any) -> Any:
    kind = type(value)
    if value is None or kind is str or kind is int or kind is bool:
        return value
    if kind is Decimal:
        return decimal_to_number(value)
    if kind is list:
        return [_plain(item) for item in value]
    if kind is dt.date or kind is dt.datetime:
        return value.isoformat()
    names = _FIELD_NAMES.get(kind)
    if names is None:
        raise TypeError(f"cannot render {kind.__name__} in a style dict")
    return {name: _plain(getattr(value, name)) for name in names}


def _price_order(price: Price) -> tuple[str, str]:
    return (price.price_currency or "", price.price_label or "")


def sorted_upcs(style: Style) -> list[StyleUpc]:
    """UPCs in canonical order: colour position in `colors`, size position in `sizes`, then codes.

    UPCs naming a colour or size the style does not list sort after the known ones.
    """
    color_pos = {c.color_code: i for i, c in reversed(list(enumerate(style.colors)))}
    size_pos = {s.size_name: i for i, s in reversed(list(enumerate(style.sizes)))}
    unknown_color = len(style.colors)
    unknown_size = len(style.sizes)

    def order(upc: StyleUpc) -> tuple[int, int, str, str]:
        return (
            color_pos.get(upc.sku_color_code, unknown_color),
            size_pos.get(upc.sku_size, unknown_size),
            upc.sku_color_code or "",
            upc.sku_size or "",
        )

    return sorted(style.upcs, key=order)


def style_to_dict(style: Style) -> dict[str, Any]:
    """The normalized, JSON-able form of a style (see the module docstring for the rules)."""
    out: dict[str, Any] = {}
    for name in _FIELD_NAMES[Style]:
        if name == "prices":
            value: Any = sorted(style.prices, key=_price_order)
        elif name == "upcs":
            value = sorted_upcs(style)
        else:
            value = getattr(style, name)
        out[name] = _plain(value)
    return out
