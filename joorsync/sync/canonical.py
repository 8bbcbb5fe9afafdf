"""The canonical product: the one shape that JOOR styles and Shopify products both map into.

A product is compared field by field through its *field paths* (`title`,
`variants[C1/36].price`, `metafields.joor.fabrication`): `flatten()` turns a product into a flat
mapping of path → JSON-able value, which is what snapshots store and what the merge compares.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import quote, unquote

JsonValue = Any  # str | int | float | bool | None | list | dict, as produced by `to_json_value`

# Only fields both sides can hold are compared; what only JOOR has lives in `joor`.
PRODUCT_FIELDS = ("title", "description", "product_type", "tags")
VARIANT_FIELDS = ("color_name", "sku", "barcode", "price", "compare_at_price", "inventory")
JOOR_PREFIX = "metafields.joor."


def money(value: Decimal | int | float | str | None) -> str | None:
    """Money as a two-decimal string, so 53, "53.00" and Decimal("53.0") compare equal."""
    if value is None or value == "":
        return None
    return f"{Decimal(str(value)).quantize(Decimal('0.01'))}"


@dataclass(frozen=True, slots=True)
class CanonicalVariant:
    color_code: str
    size: str
    color_name: str | None = None
    sku: str | None = None
    barcode: str | None = None
    price: str | None = None  # `money()` strings
    compare_at_price: str | None = None
    inventory: int | None = None

    @property
    def key(self) -> str:
        return variant_key(self.color_code, self.size)


@dataclass(frozen=True, slots=True)
class CanonicalProduct:
    style_number: str
    style_identifier: str
    title: str | None = None
    description: str | None = None
    product_type: str | None = None
    tags: tuple[str, ...] = ()
    variants: tuple[CanonicalVariant, ...] = ()
    # JOOR-only fields (division, fabrication, deliveries, wholesale prices, …), JSON-able values,
    # kept in Shopify as `joor.<key>` metafields so a round trip loses nothing.
    joor: Mapping[str, JsonValue] = field(default_factory=dict)

    def variant_map(self) -> dict[str, CanonicalVariant]:
        return {v.key: v for v in self.variants}


def variant_key(color_code: str, size: str) -> str:
    """`C1/36`, with `/`, `[`, `]` and `%` escaped inside each part so any code round-trips."""
    return f"{quote(color_code, safe='')}/{quote(size, safe='')}"


def split_variant_key(key: str) -> tuple[str, str]:
    color, size = key.split("/", 1)
    return unquote(color), unquote(size)


def variant_path(key: str, attribute: str) -> str:
    return f"variants[{key}].{attribute}"


def parse_variant_path(path: str) -> tuple[str, str] | None:
    """`variants[C1/36].price` → (`C1/36`, `price`); a whole variant `variants[C1/36]` → (`C1/36`,
    ``); None for non-variant paths."""
    if not path.startswith("variants["):
        return None
    rest = path[len("variants[") :]
    if "]." not in rest and rest.endswith("]"):
        return rest[:-1], ""
    key, _, attribute = rest.partition("].")
    return key, attribute


def flatten(product: CanonicalProduct) -> dict[str, JsonValue]:
    """Field path → value. Absent variants simply have no paths; `None` values are kept."""
    flat: dict[str, JsonValue] = {
        "title": product.title,
        "description": product.description,
        "product_type": product.product_type,
        "tags": sorted(set(product.tags)),
    }
    for variant in product.variants:
        for attribute in VARIANT_FIELDS:
            flat[variant_path(variant.key, attribute)] = getattr(variant, attribute)
    for key, value in product.joor.items():
        flat[JOOR_PREFIX + key] = value
    return flat


def unflatten(flat: Mapping[str, JsonValue], *, style_number: str, style_identifier: str) -> CanonicalProduct:
    """The inverse of `flatten` (used to build write payloads from merged values)."""
    variants: dict[str, dict[str, Any]] = {}
    joor: dict[str, JsonValue] = {}
    for path, value in flat.items():
        parsed = parse_variant_path(path)
        if parsed is not None:
            key, attribute = parsed
            variants.setdefault(key, {})[attribute] = value
        elif path.startswith(JOOR_PREFIX):
            joor[path[len(JOOR_PREFIX) :]] = value
    built = []
    for key, attrs in variants.items():
        color_code, size = split_variant_key(key)
        built.append(CanonicalVariant(color_code=color_code, size=size, **attrs))
    return CanonicalProduct(
        style_number=style_number,
        style_identifier=style_identifier,
        title=flat.get("title"),
        description=flat.get("description"),
        product_type=flat.get("product_type"),
        tags=tuple(flat.get("tags") or ()),
        variants=tuple(built),
        joor=joor,
    )


def is_blank(value: JsonValue) -> bool:
    """None, text of only whitespace, or a list/mapping holding nothing but such values (tags `[" "]`):
    what the write gate never writes over a value, and a conflict resolution never keeps or types."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return all(is_blank(item) for item in value)
    if isinstance(value, dict):
        return all(is_blank(item) for item in value.values())
    return False


def snapshot_hash(flat: Mapping[str, JsonValue]) -> str:
    """A stable digest of a flattened product, to tell "nothing changed" without a field walk."""
    encoded = json.dumps(flat, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()
