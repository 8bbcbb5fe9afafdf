"""Shopify product ↔ canonical product.

Shopify holds the canonical content in its own fields (title, descriptionHtml, productType, tags,
variants with Color/Size options) and everything JOOR-only in `joor.*` product metafields, plus three
identity metafields (`joor.style_id`, `joor.style_number`, `joor.style_identifier`) that let a product
be recognised even without a stored link.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from joorsync.joor.records import Style
from joorsync.pricing.categories import TAGS_WRITTEN_KEY, without_category_tags
from joorsync.sync.canonical import CanonicalProduct, CanonicalVariant, JsonValue, money

NAMESPACE = "joor"
COLOR_OPTION = "Color"
SIZE_OPTION = "Size"
IDENTITY_KEYS = ("style_id", "style_number", "style_identifier")
#: On a variant node: its stock as the engine compares it (the sum over the mapped locations), when the
#: Shopify side worked it out; without it, Shopify's own total (`inventoryQuantity`) is compared.
COMPARED_STOCK_KEY = "comparedStock"


def _metafield_type(annotation: Any) -> str:
    """A fixed Shopify metafield type per JOOR field, so a key never changes type between writes."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    base = args[0] if typing.get_origin(annotation) is not list and len(args) == 1 else annotation
    if typing.get_origin(base) is list:
        return "json"
    if base is bool:
        return "boolean"
    if base is int:
        return "number_integer"
    if base is str:
        return "multi_line_text_field"
    return "json"


METAFIELD_TYPES: dict[str, str] = {
    name: _metafield_type(hint) for name, hint in typing.get_type_hints(Style).items()
}


def metafield_value(key: str, value: JsonValue) -> dict[str, str]:
    """`MetafieldInput` for one `joor.*` value."""
    kind = METAFIELD_TYPES.get(key, "json")
    if kind == "boolean":
        text = "true" if value else "false"
    elif kind in ("number_integer", "multi_line_text_field"):
        text = str(value)
    else:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return {"namespace": NAMESPACE, "key": key, "type": kind, "value": text}


def parse_metafield(node: Mapping[str, Any]) -> JsonValue:
    kind, text = node.get("type"), node.get("value")
    if text is None:
        return None
    if kind == "boolean":
        return text == "true"
    if kind == "number_integer":
        return int(text)
    if kind == "json":
        return json.loads(text)
    return text


def _nodes(connection: Any) -> list[dict[str, Any]]:
    """A GraphQL connection as a list of nodes (`nodes` or `edges { node }`), or a plain list."""
    if connection is None:
        return []
    if isinstance(connection, list):
        return connection
    if "nodes" in connection:
        return list(connection["nodes"])
    return [edge["node"] for edge in connection.get("edges", [])]


def product_metafields(product: Mapping[str, Any]) -> dict[str, JsonValue]:
    return {
        node["key"]: parse_metafield(node)
        for node in _nodes(product.get("metafields"))
        if node.get("namespace", NAMESPACE) == NAMESPACE
    }


def _variant_entries(
    product: Mapping[str, Any],
    metafields: Mapping[str, JsonValue],
    variant_keys: Mapping[str, tuple[str, str]] | None,
) -> list[tuple[CanonicalVariant, Mapping[str, Any]]]:
    name_to_code = {
        c.get("color_name"): c.get("color_code")
        for c in metafields.get("colors") or []
        if isinstance(c, dict) and c.get("color_name")
    }
    entries: list[tuple[CanonicalVariant, Mapping[str, Any]]] = []
    for node in _nodes(product.get("variants")):
        options = {o["name"]: o["value"] for o in node.get("selectedOptions") or []}
        color_name = options.get(COLOR_OPTION)
        size = options.get(SIZE_OPTION)
        linked = (variant_keys or {}).get(node["id"])
        if linked is not None:
            color_code, size = linked
        else:
            if color_name is None or size is None:
                continue  # not a Color/Size variant: not part of a JOOR style
            color_code = name_to_code.get(color_name) or color_name
        variant = CanonicalVariant(
            color_code=color_code,
            size=size,
            color_name=color_name,
            sku=node.get("sku") or None,
            barcode=node.get("barcode") or None,
            price=money(node.get("price")),
            compare_at_price=money(node.get("compareAtPrice")),
            inventory=node.get(COMPARED_STOCK_KEY, node.get("inventoryQuantity")),
        )
        entries.append((variant, node))
    return entries


def variant_node_map(
    product: Mapping[str, Any], *, variant_keys: Mapping[str, tuple[str, str]] | None = None
) -> dict[str, Mapping[str, Any]]:
    """Variant key (`C1/36`) → the Shopify variant node, by the same rules as `product_to_canonical`."""
    return {v.key: node for v, node in _variant_entries(product, product_metafields(product), variant_keys)}


def product_to_canonical(
    product: Mapping[str, Any],
    *,
    variant_keys: Mapping[str, tuple[str, str]] | None = None,
    style_number: str = "",
    style_identifier: str = "",
) -> CanonicalProduct:
    """Map one product as the `ProductFields` fragment (or the bulk export) returns it.

    A variant's JOOR colour code comes from its stored link (`variant_keys`: variant GID →
    (color code, size)), else from the `joor.colors` list by colour name, else the name itself.
    """
    metafields = product_metafields(product)
    entries = _variant_entries(product, metafields, variant_keys)
    identity = {key: metafields.pop(key, None) for key in IDENTITY_KEYS}
    metafields.pop(TAGS_WRITTEN_KEY, None)  # the app's own record, not compared with JOOR
    return CanonicalProduct(
        style_number=style_number or str(identity["style_number"] or ""),
        style_identifier=style_identifier or str(identity["style_identifier"] or ""),
        title=product.get("title"),
        description=product.get("descriptionHtml") or None,
        product_type=product.get("productType") or None,
        # The app's category tags (`joor-category:…`) are Shopify's alone: never compared, never sent to JOOR.
        tags=tuple(sorted(set(without_category_tags(product.get("tags") or ())))),
        variants=tuple(v for v, _ in entries),
        joor=metafields,
    )


def product_identity(product: Mapping[str, Any]) -> dict[str, JsonValue]:
    """The `joor.style_id/style_number/style_identifier` metafields of a product (None when absent)."""
    metafields = product_metafields(product)
    return {key: metafields.get(key) for key in IDENTITY_KEYS}


def _option_values(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        seen.setdefault(value, None)
    return list(seen)


def color_option_names(product: CanonicalProduct) -> dict[str, str]:
    """Colour code → option value. Two colours sharing a name are told apart by their code."""
    names: dict[str, str] = {}
    used: dict[str, str] = {}
    for variant in product.variants:
        if variant.color_code in names:
            continue
        name = variant.color_name or variant.color_code
        if name in used and used[name] != variant.color_code:
            name = f"{name} ({variant.color_code})"
        names[variant.color_code] = name
        used[name] = variant.color_code
    return names


def canonical_to_product_set(
    product: CanonicalProduct,
    *,
    style_id: int | None,
    status: str | None = None,
    vendor: str | None = None,
    category: str | None = None,
    location_id: str | None = None,
    include_inventory: bool = False,
    inventory_policy: str | None = None,
    category_tags: Sequence[str] | None = None,
) -> dict[str, Any]:
    """`ProductSetInput` for the whole product (productSet replaces the list fields it is sent).

    `category_tags` (`joorsync.pricing.categories`) go next to the product's own tags, and are
    recorded in the `joor.category_tags` metafield; None sends no category tag and no record.

    Inventory is set only when asked (creating a product); afterwards it moves through
    `inventorySetQuantities`, never through a productSet that could overwrite a sale.
    A made-to-order style's variants sell without stock limits (`CONTINUE`); other variants get
    `inventory_policy` when given, else keep what Shopify has (a new variant: `DENY`).
    """
    colors = color_option_names(product)
    sizes = _option_values(v.size for v in product.variants)
    variants = []
    for variant in product.variants:
        entry: dict[str, Any] = {
            "optionValues": [
                {"optionName": COLOR_OPTION, "name": colors[variant.color_code]},
                {"optionName": SIZE_OPTION, "name": variant.size},
            ],
        }
        if variant.price is not None:  # never an invented 0.00: without a mapped price, none is sent
            entry["price"] = variant.price
        if variant.compare_at_price is not None:
            entry["compareAtPrice"] = variant.compare_at_price
        entry["barcode"] = variant.barcode or ""
        entry["sku"] = variant.sku or ""
        if product.joor.get("made_to_order") is True:
            entry["inventoryPolicy"] = "CONTINUE"  # made to order: sells without a stock limit
        elif inventory_policy:
            entry["inventoryPolicy"] = inventory_policy
        if include_inventory and location_id and variant.inventory is not None:
            entry["inventoryQuantities"] = [
                {"locationId": location_id, "name": "available", "quantity": max(variant.inventory, 0)}
            ]
        variants.append(entry)
    metafields = [
        metafield_value(key, value) for key, value in sorted(product.joor.items()) if value is not None
    ]
    identity = {
        "style_id": style_id,
        "style_number": product.style_number,
        "style_identifier": product.style_identifier,
    }
    metafields.extend(
        metafield_value(key, value) for key, value in identity.items() if value not in (None, "")
    )
    tags = without_category_tags(product.tags)
    if category_tags is not None:
        tags.extend(category_tags)
        metafields.append(metafield_value(TAGS_WRITTEN_KEY, list(category_tags)))
    payload: dict[str, Any] = {
        "title": product.title or product.style_number,
        "descriptionHtml": product.description or "",
        "productType": product.product_type or "",
        "tags": tags,
        "productOptions": [
            {"name": COLOR_OPTION, "values": [{"name": name} for name in _option_values(colors.values())]},
            {"name": SIZE_OPTION, "values": [{"name": size} for size in sizes]},
        ],
        "variants": variants,
        "metafields": metafields,
    }
    if status:
        payload["status"] = status
    if vendor:
        payload["vendor"] = vendor
    if category:  # a taxonomy GID; absent leaves Shopify's category as it is
        payload["category"] = category
    return payload
