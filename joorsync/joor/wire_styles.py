"""Generic document tree (dicts, lists, text, JSON numbers) → typed style records.

Both wire formats are first turned into the same kind of tree (JSON by `json.loads`, XML by
`wire_xml.element_to_tree`), then this module maps one `style` node of that tree to a `Style`. It absorbs
the XML-to-JSON shape quirks in one place: a list node may be a list, a single object, a wrapper
(`{"price": obj | list}`), a list of wrappers, or empty/absent. The mapping is table-driven (one spec per
record type) so the per-field work is a dict lookup and one converter call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from joorsync.joor.records import (
    Badge,
    Category,
    Color,
    ColorRef,
    Delivery,
    Price,
    Size,
    Style,
    StyleUpc,
    Subcategory,
    SubcategoryItem,
    Tag,
)
from joorsync.joor.wire_values import BadValue, show, to_bool, to_date, to_decimal, to_int, to_str

REQUIRED_STYLE_FIELDS = ("style_id", "style_number", "style_identifier", "style_name")

Converter = Callable[[Any], Any]


class StyleInvalid(ValueError):
    """A style node that cannot become a record: every problem found, each with its field path."""

    def __init__(self, style_id: str | None, problems: list[str]) -> None:
        self.style_id = style_id
        self.problems = problems
        where = f"style {style_id}" if style_id is not None else "style without style_id"
        super().__init__(f"{where}: " + "; ".join(problems))


@dataclass(frozen=True, slots=True)
class _ListField:
    """A list node: its wire name, the wrapper tag of its items, and how to read one item."""

    name: str
    wrapper: str | None
    item: _Spec | None  # None: the items are text (materials, images)


@dataclass(frozen=True, slots=True)
class _Spec:
    """How to build one record type: scalar fields (name, converter, alternative wire name) and lists."""

    cls: type
    scalars: tuple[tuple[str, Converter, str | None], ...]
    lists: tuple[_ListField, ...] = ()


def _scalars(*pairs: tuple[str, Converter] | tuple[str, Converter, str]) -> tuple:
    return tuple((p[0], p[1], p[2] if len(p) > 2 else None) for p in pairs)


_PRICE = _Spec(
    Price,
    _scalars(
        ("price_label", to_str),
        ("price_currency", to_str),
        ("price_wholesale", to_decimal),
        ("price_retail", to_decimal),
        ("price_currency_retail", to_str),
    ),
)
_COLOR_REF = _Spec(ColorRef, _scalars(("color_name", to_str), ("color_code", to_str)))
_DELIVERY = _Spec(
    Delivery,
    _scalars(
        ("delivery_name", to_str),
        ("delivery_code", to_str),
        ("style_display_order", to_int),
        ("season_name", to_str),
        ("season_year", to_int),
        ("season_code", to_str),
        ("date_cancel", to_date),
        ("date_delivery_start", to_date),
        ("date_delivery_end", to_date),
        ("public", to_bool),
        ("style_comments", to_str),
    ),
    (_ListField("color_exclusions", "color_exclusion", _COLOR_REF),),
)
_SUBCATEGORY_ITEM = _Spec(
    SubcategoryItem,
    _scalars(
        ("subcategory_id", to_int, "sub_category_id"),
        ("subcategory_label", to_str),
    ),
)
_SUBCATEGORY = _Spec(
    Subcategory,
    _scalars(("subcategory_parent", to_str)),
    (_ListField("subcategory", None, _SUBCATEGORY_ITEM),),
)
_CATEGORY = _Spec(
    Category,
    _scalars(("category_parent", to_str)),
    (_ListField("subcategories", None, _SUBCATEGORY),),
)
_COLOR = _Spec(
    Color,
    _scalars(
        ("color_name", to_str),
        ("color_code", to_str),
        ("minimum", to_int),
        ("color_image", to_str),
        ("color_hex", to_str),
    ),
)
_SIZE = _Spec(
    Size,
    _scalars(
        ("size_name", to_str),
        ("size_code", to_str),
        ("size_description", to_str),
        ("size_multiplier", to_int),
    ),
)
_BADGE = _Spec(
    Badge,
    _scalars(
        ("badge_id", to_int),
        ("badge_name", to_str),
        ("badge_upload_id", to_int),
        ("badge_image_path", to_str),
    ),
)
_TAG = _Spec(
    Tag,
    _scalars(
        ("tag_id", to_int),
        ("tag_group", to_str),
        ("tag_name", to_str),
        ("tag_value", to_str),
        ("tag_value_code", to_str),
    ),
)
_STYLE_UPC = _Spec(
    StyleUpc,
    _scalars(
        ("sku_color_code", to_str),
        ("sku_size", to_str),
        ("upc", to_str),
        ("inventory_available", to_int),
    ),
)
_STYLE = _Spec(
    Style,
    _scalars(
        ("style_id", to_int),
        ("style_name", to_str),
        ("style_number", to_str),
        ("style_identifier", to_str),
        ("style_description", to_str),
        ("made_to_order", to_bool),
        ("division", to_str),
        ("division_code", to_str),
        ("style_country_origin", to_str),
        ("fabrication", to_str),
        ("fabrication_code", to_str),
        ("measurements", to_str),
        ("silhouette", to_str),
        ("silhouette_code", to_str),
        ("source_of_materials", to_str),
        ("heel_height", to_str),
        ("contains_fur", to_bool),
        ("best_seller", to_bool),
        ("minimum", to_int),
    ),
    (
        _ListField("materials", "material", None),
        _ListField("prices", "price", _PRICE),
        _ListField("deliveries", "delivery", _DELIVERY),
        _ListField("categories", "category", _CATEGORY),
        _ListField("colors", "color", _COLOR),
        _ListField("sizes", "size", _SIZE),
        _ListField("badges", "badge", _BADGE),
        _ListField("tags", "tag", _TAG),
        _ListField("upcs", "style_upc", _STYLE_UPC),
        _ListField("images", "image_path", None),
    ),
)


def list_items(raw: Any, wrapper: str | None) -> list[Any]:
    """The items of a list node in any of its shapes (see the module docstring). Blank → []."""
    kind = type(raw)
    if kind is list:
        if wrapper is not None and any(type(x) is dict and wrapper in x and len(x) == 1 for x in raw):
            items: list[Any] = []
            for x in raw:
                if type(x) is dict and wrapper in x and len(x) == 1:
                    items.extend(list_items(x[wrapper], None))
                else:
                    items.append(x)
            return items
        return raw
    if kind is dict:
        if wrapper is not None and wrapper in raw:
            return list_items(raw[wrapper], None)
        return [raw] if raw else []
    if raw is None or (kind is str and (not raw or raw.isspace())):
        return []
    return [raw]


def _build(spec: _Spec, raw: dict[str, Any], path: str, problems: list[str]) -> Any:
    values: dict[str, Any] = {}
    get = raw.get
    for name, convert, alias in spec.scalars:
        value = get(name)
        if value is None and alias is not None:
            value = get(alias)
        try:
            values[name] = convert(value)
        except BadValue as exc:
            problems.append(f"{path}{name}: {exc}")
            values[name] = None
    for lf in spec.lists:
        values[lf.name] = _build_list(lf, raw.get(lf.name), f"{path}{lf.name}", problems)
    return spec.cls(**values)


def _build_list(lf: _ListField, raw: Any, path: str, problems: list[str]) -> list[Any]:
    items = list_items(raw, lf.wrapper)
    out: list[Any] = []
    if lf.item is None:
        for index, item in enumerate(items):
            if type(item) is dict and lf.wrapper is not None and lf.wrapper in item:
                item = item[lf.wrapper]
            try:
                text = to_str(item)
            except BadValue as exc:
                problems.append(f"{path}[{index}]: {exc}")
                continue
            if text is not None:
                out.append(text)
        return out
    for index, item in enumerate(items):
        if type(item) is dict:
            out.append(_build(lf.item, item, f"{path}[{index}].", problems))
        elif item is None or (type(item) is str and (not item or item.isspace())):
            continue
        else:
            problems.append(f"{path}[{index}]: expected an object, got {show(item)}")
    return out


def style_id_text(raw: Any) -> str | None:
    """The style's id as text for problem reports, whatever its shape (None when absent or not scalar)."""
    if type(raw) is not dict:
        return None
    try:
        return to_str(raw.get("style_id"))
    except BadValue:
        return None


def style_from_tree(raw: Any) -> Style:
    """Build a `Style` from one style node of a parsed document; raise `StyleInvalid` listing every
    problem (unreadable values and missing required fields) when it cannot be accepted as it is."""
    if type(raw) is not dict:
        raise StyleInvalid(None, [f"expected a style object, got {show(raw)}"])
    problems: list[str] = []
    style = _build(_STYLE, raw, "", problems)
    for name in REQUIRED_STYLE_FIELDS:
        if getattr(style, name) is None and not any(p.startswith(f"{name}:") for p in problems):
            problems.append(f"missing required field {name}")
    if problems:
        raise StyleInvalid(style_id_text(raw), problems)
    return style
