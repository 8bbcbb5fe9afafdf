"""The v2 style field table as data: names, kinds, maximum lengths and node nesting.

One description drives rendering (XML and JSON, in the document's element order) and write validation,
so the two can never disagree about a field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["str", "int", "decimal", "bool", "flag", "date"]


@dataclass(frozen=True, slots=True)
class Scalar:
    """A leaf field: `max_len` is the field table's MAX (characters for strings, digits for integers)."""

    name: str
    kind: Kind = "str"
    max_len: int | None = None


@dataclass(frozen=True, slots=True)
class Node:
    """A list node. `wrapper` is the outer element (None when the item element itself repeats, as
    `subcategories` does inside a category); `item` is the repeated element. `text_item` marks lists of
    plain strings (`materials/material`, `images/image_path`)."""

    name: str
    wrapper: str | None
    item: str
    fields: tuple[Scalar | Node, ...] = ()
    text_item: Scalar | None = None


COLOR_EXCLUSIONS = Node(
    "color_exclusions",
    "color_exclusions",
    "color_exclusion",
    (Scalar("color_name", "str", 100), Scalar("color_code", "str", 100)),
)

SUBCATEGORY = Node(
    "subcategory",
    None,
    "subcategory",
    (Scalar("subcategory_id", "int"), Scalar("subcategory_label", "str")),
)

SUBCATEGORIES = Node(
    "subcategories", None, "subcategories", (Scalar("subcategory_parent", "str"), SUBCATEGORY)
)

CATEGORIES = Node("categories", "categories", "category", (Scalar("category_parent", "str"), SUBCATEGORIES))

MATERIALS = Node("materials", "materials", "material", text_item=Scalar("material", "str", 125))

PRICES = Node(
    "prices",
    "prices",
    "price",
    (
        Scalar("price_label", "str", 50),
        Scalar("price_currency", "str", 3),
        Scalar("price_wholesale", "decimal"),
        Scalar("price_retail", "decimal"),
        Scalar("price_currency_retail", "str", 3),
    ),
)

DELIVERIES = Node(
    "deliveries",
    "deliveries",
    "delivery",
    (
        Scalar("delivery_name", "str", 100),
        Scalar("delivery_code", "str", 100),
        Scalar("style_display_order", "int"),
        Scalar("season_name", "str", 100),
        Scalar("season_year", "int"),
        Scalar("season_code", "str", 25),
        Scalar("date_cancel", "date"),
        Scalar("date_delivery_start", "date"),
        Scalar("date_delivery_end", "date"),
        Scalar("public", "flag"),
        Scalar("style_comments", "str", 255),
        COLOR_EXCLUSIONS,
    ),
)

COLORS = Node(
    "colors",
    "colors",
    "color",
    (
        Scalar("color_name", "str", 100),
        Scalar("color_code", "str", 100),
        Scalar("color_image", "str"),
        Scalar("color_hex", "str"),
        Scalar("minimum", "int", 5),
    ),
)

SIZES = Node(
    "sizes",
    "sizes",
    "size",
    (
        Scalar("size_name", "str", 50),
        Scalar("size_code", "str", 25),
        Scalar("size_description", "str", 100),
        Scalar("size_multiplier", "int"),
    ),
)

BADGES = Node(
    "badges",
    "badges",
    "badge",
    (
        Scalar("badge_id", "int"),
        Scalar("badge_name", "str", 255),
        Scalar("badge_upload_id", "int"),
        Scalar("badge_image_path", "str"),
    ),
)

TAGS = Node(
    "tags",
    "tags",
    "tag",
    (
        Scalar("tag_id", "int"),
        Scalar("tag_group", "str", 100),
        Scalar("tag_name", "str", 50),
        Scalar("tag_value", "str", 100),
        Scalar("tag_value_code", "str", 45),
    ),
)

UPCS = Node(
    "upcs",
    "upcs",
    "style_upc",
    (
        Scalar("sku_color_code", "str", 50),
        Scalar("sku_size", "str", 50),
        Scalar("upc", "str", 100),
        Scalar("inventory_available", "int"),
    ),
)

IMAGES = Node("images", "images", "image_path", text_item=Scalar("image_path", "str"))

STYLE_FIELDS: tuple[Scalar | Node, ...] = (
    Scalar("style_id", "int"),
    Scalar("style_name", "str", 100),
    Scalar("style_number", "str", 45),
    Scalar("style_identifier", "str", 100),
    Scalar("style_description", "str", 500),
    Scalar("made_to_order", "bool"),
    Scalar("division", "str", 100),
    Scalar("division_code", "str", 25),
    Scalar("style_country_origin", "str", 100),
    Scalar("fabrication", "str", 150),
    Scalar("fabrication_code", "str", 45),
    Scalar("silhouette", "str", 150),
    Scalar("silhouette_code", "str", 45),
    Scalar("measurements", "str", 255),
    Scalar("source_of_materials", "str", 100),
    Scalar("heel_height", "str", 45),
    Scalar("contains_fur", "bool"),
    Scalar("best_seller", "bool"),
    Scalar("minimum", "int", 5),
    CATEGORIES,
    MATERIALS,
    PRICES,
    DELIVERIES,
    COLORS,
    SIZES,
    BADGES,
    TAGS,
    UPCS,
    IMAGES,
)

STYLE_FIELD_NAMES = frozenset(f.name for f in STYLE_FIELDS)
SCALAR_STYLE_FIELDS = tuple(f for f in STYLE_FIELDS if isinstance(f, Scalar))
NODE_STYLE_FIELDS = tuple(f for f in STYLE_FIELDS if isinstance(f, Node))
REQUIRED_STYLE_FIELDS = ("style_name", "style_number", "style_identifier")
