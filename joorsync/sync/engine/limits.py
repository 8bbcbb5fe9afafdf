"""What each side accepts, checked before anything is sent: a value over a limit is a problem for its
one product, never a refused request that fails the shop's run.

JOOR: the maximum lengths of JOOR's v2 style field table. Shopify: the Admin API's input limits
(255 characters for title, product type, vendor, tags, SKU and barcode; 2,048 variants a product).
"""

from __future__ import annotations

from dataclasses import dataclass

from joorsync.sync.canonical import JOOR_PREFIX, JsonValue, parse_variant_path, split_variant_key
from joorsync.sync.engine.plan import Side


@dataclass(frozen=True, slots=True)
class Limit:
    name: str  # the field as the side calls it
    length: int


# Canonical path (or variant attribute) → the JOOR v2 style field it is written to.
JOOR_PRODUCT_LIMITS = {
    "title": Limit("style_name", 100),
    "description": Limit("style_description", 500),
    "product_type": Limit("silhouette", 150),
}
JOOR_TAG_LIMIT = Limit("tag_value", 100)
JOOR_VARIANT_LIMITS = {
    "color_name": Limit("color_name", 100),
    "barcode": Limit("upc", 100),
}
JOOR_KEY_LIMITS = (Limit("sku_color_code", 50), Limit("sku_size", 50))
JOOR_STYLE_NUMBER = Limit("style_number", 45)
JOOR_STYLE_IDENTIFIER = Limit("style_identifier", 100)
JOOR_FIELD_LIMITS = {
    "division": 100,
    "division_code": 25,
    "style_country_origin": 100,
    "fabrication": 150,
    "fabrication_code": 45,
    "measurements": 255,
    "silhouette_code": 45,
    "source_of_materials": 100,
    "heel_height": 45,
}

SHOPIFY_PRODUCT_LIMITS = {
    "title": Limit("title", 255),
    "product_type": Limit("productType", 255),
}
SHOPIFY_TAG_LIMIT = Limit("tag", 255)
SHOPIFY_VARIANT_LIMITS = {
    "color_name": Limit("option value", 255),
    "sku": Limit("sku", 255),
    "barcode": Limit("barcode", 255),
}
SHOPIFY_MAX_VARIANTS = 2048


def _too_long(value: JsonValue, limit: Limit) -> str | None:
    if isinstance(value, str) and len(value) > limit.length:
        return f"{limit.name} is {len(value)} characters; the limit is {limit.length}"
    return None


def value_problems(side: Side, path: str, value: JsonValue) -> list[str]:
    """Why `value` cannot be written at `path` on `side` (empty when it can)."""
    out: list[str | None] = []
    parsed = parse_variant_path(path)
    if side is Side.JOOR:
        if parsed is not None:
            key, attribute = parsed
            if attribute in JOOR_VARIANT_LIMITS:
                out.append(_too_long(value, JOOR_VARIANT_LIMITS[attribute]))
            out.extend(
                _too_long(part, limit)
                for part, limit in zip(split_variant_key(key), JOOR_KEY_LIMITS, strict=True)
            )
        elif path == "tags":
            out.extend(_too_long(tag, JOOR_TAG_LIMIT) for tag in value or ())
        elif path in JOOR_PRODUCT_LIMITS:
            out.append(_too_long(value, JOOR_PRODUCT_LIMITS[path]))
        elif path.startswith(JOOR_PREFIX) and path[len(JOOR_PREFIX) :] in JOOR_FIELD_LIMITS:
            name = path[len(JOOR_PREFIX) :]
            out.append(_too_long(value, Limit(name, JOOR_FIELD_LIMITS[name])))
    else:
        if parsed is not None:
            key, attribute = parsed
            if attribute in SHOPIFY_VARIANT_LIMITS:
                out.append(_too_long(value, SHOPIFY_VARIANT_LIMITS[attribute]))
            out.append(_too_long(split_variant_key(key)[1], Limit("option value", 255)))
        elif path == "tags":
            out.extend(_too_long(tag, SHOPIFY_TAG_LIMIT) for tag in value or ())
        elif path in SHOPIFY_PRODUCT_LIMITS:
            out.append(_too_long(value, SHOPIFY_PRODUCT_LIMITS[path]))
    return [problem for problem in out if problem]


def identity_problems(style_number: str, style_identifier: str) -> list[str]:
    """A new JOOR style's number and identifier."""
    out = [_too_long(style_number, JOOR_STYLE_NUMBER), _too_long(style_identifier, JOOR_STYLE_IDENTIFIER)]
    return [problem for problem in out if problem]
