"""Validating and applying v2 style writes, shared by `POST/PUT /v2/style-number`, the sandbox's
"brand edits a style in JOOR's UI" hook and v4 product writes.

Validation follows the v2 field table (required fields, maximum lengths, types) and is all-or-nothing:
either every change applies or none does, with every problem listed.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from .model import Catalog, DeliveryLink, StylePrice, StyleRecord
from .schema import (
    NODE_STYLE_FIELDS,
    REQUIRED_STYLE_FIELDS,
    SCALAR_STYLE_FIELDS,
    STYLE_FIELD_NAMES,
    Node,
    Scalar,
)

_NODE_BY_NAME = {node.name: node for node in NODE_STYLE_FIELDS}
_INT_RE = re.compile(r"^[+-]?\d+$")
_TRUE = {"true", "1", "yes", "y"}
_FALSE = {"false", "0", "no", "n"}


class WriteError(Exception):
    """A write refused as a whole; `problems` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def as_list(value: Any, item: str | None = None) -> list[Any]:
    """Accept a list node in any of the shapes JOOR's own JSON shows: list, single object, `""`,
    or wrapped as `{"item": obj|list}`."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict) and item is not None and set(value) == {item}:
        return as_list(value[item])
    return [value]


def coerce_scalar(spec: Scalar, value: Any, path: str, problems: list[str]) -> Any:
    """The typed value of one field, or None (appending a problem) when it does not fit the table."""
    if value is None or (isinstance(value, str) and value.strip() == "" and spec.kind != "str"):
        return None
    kind = spec.kind
    if kind == "str":
        if isinstance(value, bool) or isinstance(value, dict | list):
            problems.append(f"{path}: must be a string")
            return None
        text = str(value)
        if spec.max_len is not None and len(text) > spec.max_len:
            problems.append(f"{path}: longer than {spec.max_len} characters ({len(text)})")
            return None
        return text if text != "" else None
    if kind == "int":
        if isinstance(value, bool):
            problems.append(f"{path}: must be an integer")
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int):
            number = value
        elif isinstance(value, str) and _INT_RE.match(value.strip()):
            number = int(value.strip())
        else:
            problems.append(f"{path}: must be an integer")
            return None
        if spec.max_len is not None and len(str(abs(number))) > spec.max_len:
            problems.append(f"{path}: more than {spec.max_len} digits")
            return None
        return number
    if kind == "decimal":
        if isinstance(value, bool):
            problems.append(f"{path}: must be a decimal number")
            return None
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            problems.append(f"{path}: must be a decimal number (use . as the decimal point)")
            return None
        if not amount.is_finite() or amount < 0 or amount >= Decimal(100000):
            problems.append(f"{path}: must be a non-negative decimal below 100000")
            return None
        return amount.quantize(Decimal("0.01"))
    if kind in ("bool", "flag"):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        problems.append(f"{path}: must be a boolean")
        return None
    if kind == "date":
        text = str(value).strip()
        try:
            if len(text) == 10:
                return date.fromisoformat(text)
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        except ValueError:
            problems.append(f"{path}: must be a date YYYY-MM-DD")
            return None
    return value


def _coerce_item(node: Node, raw: Any, path: str, problems: list[str]) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        problems.append(f"{path}: must be an object")
        return None
    out: dict[str, Any] = {}
    for spec in node.fields:
        key = spec.name
        value = raw.get(key)
        if key == "subcategory_id" and value is None:
            value = raw.get("sub_category_id")
        if isinstance(spec, Scalar):
            out[key] = coerce_scalar(spec, value, f"{path}.{key}", problems)
        else:
            out[key] = [
                item
                for i, entry in enumerate(as_list(value, spec.item))
                if (item := _coerce_item(spec, entry, f"{path}.{key}[{i}]", problems)) is not None
            ]
    return out


def coerce_node(node: Node, value: Any, problems: list[str]) -> list[Any]:
    items = as_list(value, node.item)
    if node.text_item is not None:
        out = []
        for i, entry in enumerate(items):
            text = coerce_scalar(node.text_item, entry, f"{node.name}[{i}]", problems)
            if text is not None:
                out.append(text)
        return out
    return [
        item
        for i, entry in enumerate(items)
        if (item := _coerce_item(node, entry, f"{node.name}[{i}]", problems)) is not None
    ]


def validate_changes(
    catalog: Catalog, raw: Any, *, existing: StyleRecord | None, creating: bool
) -> dict[str, Any]:
    """Typed changes from a v2 style object, raising WriteError listing every problem."""
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise WriteError(["style: must be an object of v2 style fields"])
    unknown = sorted(k for k in raw if k not in STYLE_FIELD_NAMES and k not in ("delivery_overwrite",))
    if unknown:
        problems.append(f"unknown field(s): {', '.join(unknown)}")
    changes: dict[str, Any] = {}
    for spec in SCALAR_STYLE_FIELDS:
        if spec.name in raw and spec.name != "style_id":
            changes[spec.name] = coerce_scalar(spec, raw[spec.name], spec.name, problems)
    for node in NODE_STYLE_FIELDS:
        if node.name in raw:
            changes[node.name] = coerce_node(node, raw[node.name], problems)
    for name in REQUIRED_STYLE_FIELDS:
        present = changes.get(name) if name in changes else (existing.fields.get(name) if existing else None)
        if not present and f"{name}:" not in " ".join(problems):
            problems.append(f"{name}: required")
    if creating:
        for node_name in ("prices", "colors", "sizes"):
            if not changes.get(node_name):
                problems.append(f"{node_name}: at least one {_NODE_BY_NAME[node_name].item} is required")
    _check_nodes(catalog, changes, existing, problems)
    if problems:
        raise WriteError(problems)
    return changes


def _check_nodes(
    catalog: Catalog, changes: dict[str, Any], existing: StyleRecord | None, problems: list[str]
) -> None:
    colors = changes["colors"] if "colors" in changes else (existing.colors if existing else [])
    sizes = changes["sizes"] if "sizes" in changes else (existing.sizes if existing else [])
    for i, color in enumerate(changes.get("colors", [])):
        if not color.get("color_name"):
            problems.append(f"colors[{i}].color_name: required")
        if not color.get("color_code"):
            color["color_code"] = color.get("color_name")
    codes = [c.get("color_code") for c in colors]
    if len(codes) != len(set(codes)):
        problems.append("colors: color_code values must be unique within a style")
    for i, size in enumerate(changes.get("sizes", [])):
        if not size.get("size_name"):
            problems.append(f"sizes[{i}].size_name: required")
        elif not size.get("size_code"):
            size["size_code"] = size["size_name"]
    names = [s.get("size_name") for s in sizes]
    if len(names) != len(set(names)):
        problems.append("sizes: size_name values must be unique within a style")
    for i, price in enumerate(changes.get("prices", [])):
        currency = price.get("price_currency")
        if not currency or not re.fullmatch(r"[A-Z]{3}", currency):
            problems.append(f"prices[{i}].price_currency: required, a 3-letter ISO code")
        if price.get("price_wholesale") is None:
            problems.append(f"prices[{i}].price_wholesale: required")
        retail_currency = price.get("price_currency_retail")
        if retail_currency and not re.fullmatch(r"[A-Z]{3}", retail_currency):
            problems.append(f"prices[{i}].price_currency_retail: a 3-letter ISO code")
    keys = [(p.get("price_currency"), p.get("price_label")) for p in changes.get("prices", [])]
    if len(keys) != len(set(keys)):
        problems.append("prices: one price per currency and price_label")
    for i, delivery in enumerate(changes.get("deliveries", [])):
        if not delivery.get("delivery_name") and not delivery.get("delivery_code"):
            problems.append(f"deliveries[{i}]: delivery_name or delivery_code is required")
    for i, tag in enumerate(changes.get("tags", [])):
        if not tag.get("tag_value"):
            problems.append(f"tags[{i}].tag_value: required")
        if tag.get("tag_id") is None and not (tag.get("tag_group") and tag.get("tag_name")):
            problems.append(f"tags[{i}]: tag_group and tag_name are required without tag_id")
    if "division_code" in changes and changes["division_code"]:
        division = changes.get("division", existing.fields.get("division") if existing else None)
        if not division:
            problems.append("division: required when division_code is given")
    color_codes, size_names = set(codes), set(names)
    seen_upcs: set[str] = set()
    seen_combos: set[tuple[Any, Any]] = set()
    for i, entry in enumerate(changes.get("upcs", [])):
        combo = (entry.get("sku_color_code"), entry.get("sku_size"))
        if combo in seen_combos:
            problems.append(f"upcs[{i}]: a second entry for color {combo[0]} / size {combo[1]}")
        seen_combos.add(combo)
        if entry.get("sku_color_code") not in color_codes:
            problems.append(
                f"upcs[{i}].sku_color_code: {entry.get('sku_color_code')!r} is not a color of the style"
            )
        if entry.get("sku_size") not in size_names:
            problems.append(f"upcs[{i}].sku_size: {entry.get('sku_size')!r} is not a size of the style")
        upc = entry.get("upc")
        if upc:
            if upc in seen_upcs:
                problems.append(f"upcs[{i}].upc: {upc} appears twice")
            seen_upcs.add(upc)
            owner = catalog.find_upc(upc)
            if owner is not None and (existing is None or owner[0].style_id != existing.style_id):
                problems.append(f"upcs[{i}].upc: {upc} already belongs to style {owner[0].style_id}")


def _price_type_for(catalog: Catalog, price: dict[str, Any]) -> str:
    currency = price["price_currency"]
    label = price.get("price_label")
    if not label:
        same = [pt for pt in catalog.price_types.values() if pt.currency_code == currency]
        label = same[0].name if same else f"{currency}-1"
    return catalog.add_price_type(label, currency, price.get("price_currency_retail")).id


def _delivery_link(catalog: Catalog, delivery: dict[str, Any]) -> DeliveryLink:
    col = catalog.collection_by_code(delivery.get("delivery_code"), delivery.get("delivery_name"))
    season = None
    if delivery.get("season_name") or delivery.get("season_code"):
        season = catalog.add_season(
            delivery.get("season_name") or delivery.get("season_code") or "",
            delivery.get("season_year"),
            delivery.get("season_code"),
        )
    if col is None:
        col = catalog.add_collection(
            name=delivery.get("delivery_name") or delivery.get("delivery_code") or "",
            code=delivery.get("delivery_code"),
            season_id=season.id if season else None,
            date_delivery_start=delivery.get("date_delivery_start"),
            date_delivery_end=delivery.get("date_delivery_end"),
            date_cancel=delivery.get("date_cancel"),
        )
    else:
        if delivery.get("delivery_name"):
            col.name = delivery["delivery_name"]
        if season is not None:
            col.season_id = season.id
        for key in ("date_delivery_start", "date_delivery_end", "date_cancel"):
            if delivery.get(key) is not None:
                setattr(col, key, delivery[key])
    public = delivery.get("public")
    return DeliveryLink(
        collection_id=col.id,
        style_display_order=delivery.get("style_display_order"),
        public=True if public is None else bool(public),
        style_comments=delivery.get("style_comments"),
        color_exclusions=list(delivery.get("color_exclusions") or []),
        via_api=True,
    )


def apply_changes(
    catalog: Catalog, style: StyleRecord, changes: dict[str, Any], *, delivery_overwrite: int = 1
) -> None:
    """Apply validated changes to `style` (kept consistent: SKUs, UPCs of removed combos)."""
    for spec in SCALAR_STYLE_FIELDS:
        if spec.name in changes:
            style.fields[spec.name] = changes[spec.name]
    for name in ("categories", "materials", "colors", "sizes", "badges", "tags", "images"):
        if name in changes:
            setattr(style, name, changes[name])
    if "prices" in changes:
        style.prices = [
            StylePrice(_price_type_for(catalog, p), p.get("price_wholesale"), p.get("price_retail"))
            for p in changes["prices"]
        ]
        style.sku_prices.clear()
    if "deliveries" in changes:
        links = [_delivery_link(catalog, d) for d in changes["deliveries"]]
        if delivery_overwrite == 3:
            known = {link.collection_id for link in style.deliveries}
            style.deliveries += [link for link in links if link.collection_id not in known]
        elif delivery_overwrite == 4:
            gone = {link.collection_id for link in links}
            style.deliveries = [link for link in style.deliveries if link.collection_id not in gone]
        elif delivery_overwrite == 2:
            sent = {link.collection_id for link in links}
            kept = [lk for lk in style.deliveries if not lk.via_api and lk.collection_id not in sent]
            style.deliveries = kept + links
        else:
            style.deliveries = links
    if "upcs" in changes:
        style.upcs = [_upc_row(style, entry) for entry in changes["upcs"]]
    catalog.sync_skus(style)
    live = set(style.combos())
    style.upcs = [u for u in style.upcs if (u.get("sku_color_code"), u.get("sku_size")) in live]
    catalog.touch(style)


def _upc_row(style: StyleRecord, entry: dict[str, Any]) -> dict[str, Any]:
    """A UPC row from a style write. A total equal to the stored one keeps its split over warehouses;
    a new total is held in the Default warehouse."""
    row = dict(entry, inventory_available=entry.get("inventory_available") or 0)
    old = style.upc_entry(str(entry.get("sku_color_code")), str(entry.get("sku_size")))
    if old is None:
        return row
    if "warehouse" in old and "warehouse" not in row:
        row["warehouse"] = old["warehouse"]
    if "stock" in old and int(old.get("inventory_available") or 0) == row["inventory_available"]:
        row["stock"] = dict(old["stock"])
    return row


def new_style(catalog: Catalog, *, now: datetime) -> StyleRecord:
    style_id = catalog.next_style_id
    catalog.next_style_id += 1
    style = StyleRecord(
        style_id=style_id, fields={}, created=now, modified=now, quirk_key=f"{catalog.seed}:{style_id}"
    )
    return style


def unique_number_problem(catalog: Catalog, style: StyleRecord | None, changes: dict[str, Any]) -> str | None:
    number = changes.get("style_number", style.style_number if style else None)
    identifier = changes.get("style_identifier", style.style_identifier if style else None)
    other = catalog.find_by_number(str(number), str(identifier))
    if other is not None and (style is None or other.style_id != style.style_id):
        return f"style_number/style_identifier {number}/{identifier} already used by style {other.style_id}"
    return None
