"""v4 products and SKUs. A product is a style; a SKU is one color × size of it. A SKU bulk_create must
leave every color × size of the product existing (adding a color means sending it in every size)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .defaults import (
    COLOR_TRAIT_ID,
    SIZE_TRAIT_ID,
)
from .http import Request, Response, json_response
from .model import SkuMeta, StyleRecord, opaque_id
from .v2 import write_style
from .v4_common import (
    ItemError,
    V4BadRequest,
    bulk_items,
    ids_param,
    item_error,
    paged,
    run_bulk,
    style_of_product,
)
from .writes import WriteError

if TYPE_CHECKING:
    from .app import JoorSandbox


IDENTIFIER_TYPES = ("UPC", "GTIN", "EAN", "MPN")
TRAIT_NAMES = {"color": COLOR_TRAIT_ID, "style color": COLOR_TRAIT_ID, "size": SIZE_TRAIT_ID}
PRODUCT_TRAITS = {
    "division": "division",
    "fabrication": "fabrication",
    "silhouette": "silhouette",
    "country of origin": "style_country_origin",
}


def product_view(style: StyleRecord) -> dict[str, Any]:
    f = style.fields
    traits = [
        {"trait_name": name.title(), "value": f.get(field)}
        for name, field in PRODUCT_TRAITS.items()
        if f.get(field)
    ]
    category_ids = [
        opaque_id("Category", int(item["subcategory_id"]))
        for cat in style.categories
        for sub in cat.get("subcategories", [])
        for item in sub.get("subcategory", [])
        if item.get("subcategory_id") is not None
    ]
    return {
        "id": style.product_id,
        "name": f.get("style_name"),
        "external_id": style.style_identifier,
        "product_identifier": style.style_number,
        "description": f.get("style_description"),
        "order_minimum": f.get("minimum"),
        "category_ids": category_ids,
        "product_trait_values": traits,
        "tags": [
            {
                "name": t.get("tag_name"),
                "value": t.get("tag_value"),
                "code": t.get("tag_value_code"),
                "group": t.get("tag_group"),
            }
            for t in style.tags
        ],
        "sku_ids": list(style.sku_ids.values()),
        "created_at": style.created.isoformat(),
        "updated_at": style.modified.isoformat(),
    }


def _product_changes(sb: JoorSandbox, item: dict[str, Any], *, new_id: int | None) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if "name" in item:
        changes["style_name"] = item["name"]
    if "description" in item:
        changes["style_description"] = item["description"]
    if "order_minimum" in item:
        changes["minimum"] = item["order_minimum"]
    if "product_identifier" in item:
        changes["style_number"] = item["product_identifier"]
    if "external_id" in item:
        changes["style_identifier"] = item["external_id"]
    if new_id is not None:
        fallback = changes.get("style_number") or changes.get("style_identifier") or f"JOOR-{new_id}"
        changes.setdefault("style_number", fallback)
        changes.setdefault("style_identifier", changes["style_number"])
    for trait in item.get("product_trait_values") or []:
        if not isinstance(trait, dict):
            raise ItemError("INVALID", "product_trait_values entries must be objects")
        name = str(trait.get("trait_name") or "").lower()
        if name not in PRODUCT_TRAITS:
            raise ItemError(
                "INVALID", f"unknown product trait {trait.get('trait_name') or trait.get('trait_id')!r}"
            )
        changes[PRODUCT_TRAITS[name]] = trait.get("value")
    if "tags" in item:
        tags = []
        for tag in item.get("tags") or []:
            if not isinstance(tag, dict):
                raise ItemError("INVALID", "tags entries must be objects")
            tags.append(
                {
                    "tag_group": tag.get("group") or tag.get("name"),
                    "tag_name": tag.get("name"),
                    "tag_value": tag.get("value"),
                    "tag_value_code": tag.get("code"),
                }
            )
        changes["tags"] = tags
    if "category_ids" in item:
        changes["categories"] = _categories_for(sb, item.get("category_ids") or [])
    return changes


def _categories_for(sb: JoorSandbox, ids: list[Any]) -> list[dict[str, Any]]:
    known: dict[str, tuple[str, str, dict[str, Any]]] = {}
    for style in sb.catalog.styles.values():
        for cat in style.categories:
            for sub in cat.get("subcategories", []):
                for item in sub.get("subcategory", []):
                    if item.get("subcategory_id") is not None:
                        key = opaque_id("Category", int(item["subcategory_id"]))
                        known[key] = (cat.get("category_parent"), sub.get("subcategory_parent"), item)
    result = []
    for cid in ids:
        if cid not in known:
            raise ItemError("INVALID", f"unknown category id {cid!r}")
        parent, sub_parent, item = known[cid]
        result.append(
            {
                "category_parent": parent,
                "subcategories": [{"subcategory_parent": sub_parent, "subcategory": [dict(item)]}],
            }
        )
    return result


def get_products(sb: JoorSandbox, req: Request) -> Response:
    ids = ids_param(req, "product_ids") or ids_param(req, "ids")
    styles = sb.catalog.sorted_styles()
    if ids is not None:
        wanted = set(ids)
        styles = [s for s in styles if s.product_id in wanted]
    return paged(req, styles, product_view)


def products_bulk_create(sb: JoorSandbox, req: Request) -> Response:
    def apply(index: int, item: dict[str, Any]) -> dict[str, Any]:
        if not item.get("name"):
            raise ItemError("INVALID", "name is required")
        changes = _product_changes(sb, item, new_id=sb.catalog.next_style_id)
        existing = sb.catalog.find_by_number(str(changes["style_number"]), str(changes["style_identifier"]))
        if existing is not None:
            raise ItemError(
                "DUPLICATED", "a product with this identifier already exists", product_id=existing.product_id
            )
        try:
            style, _ = write_style(sb, changes, None, creating_requires_variants=False)
        except WriteError as exc:
            raise ItemError("INVALID", "; ".join(exc.problems)) from exc
        return product_view(style)

    return run_bulk(req, apply)


def products_bulk_update(sb: JoorSandbox, req: Request) -> Response:
    def apply(index: int, item: dict[str, Any]) -> dict[str, Any]:
        style = style_of_product(sb, item.get("id"))
        if style is None:
            raise ItemError("NOT_FOUND", f"product {item.get('id')!r} not found")
        try:
            write_style(sb, _product_changes(sb, item, new_id=None), style)
        except WriteError as exc:
            raise ItemError("INVALID", "; ".join(exc.problems)) from exc
        return product_view(style)

    return run_bulk(req, apply)


def sku_view(style: StyleRecord, combo: tuple[str, str]) -> dict[str, Any]:
    sku_id = style.sku_ids[combo]
    color = next(c for c in style.colors if c["color_code"] == combo[0])
    size = next(s for s in style.sizes if s["size_name"] == combo[1])
    meta = style.sku_meta.get(sku_id)
    entry = style.upc_entry(*combo)
    identifiers = [{"type": "UPC", "value": entry["upc"]}] if entry and entry.get("upc") else []
    return {
        "id": sku_id,
        "product_id": style.product_id,
        "external_id": meta.external_id if meta else None,
        "sku_identifier": meta.sku_identifier if meta else None,
        "status": meta.status if meta else "ACTIVE",
        "trait_values": [
            {
                "trait_id": COLOR_TRAIT_ID,
                "value": color["color_name"],
                "external_id": color["color_code"],
                "order_minimum": color.get("minimum"),
            },
            {
                "trait_id": SIZE_TRAIT_ID,
                "value": size["size_name"],
                "external_id": size.get("size_code"),
                "size_multiplier": size.get("size_multiplier"),
            },
        ],
        "identifiers": identifiers,
        "inventory_available": entry.get("inventory_available") if entry else 0,
    }


def get_skus(sb: JoorSandbox, req: Request) -> Response:
    product_ids = ids_param(req, "product_ids")
    sku_ids = ids_param(req, "sku_ids") or ids_param(req, "ids")
    if product_ids is None and sku_ids is None:
        raise V4BadRequest("product_ids or sku_ids is required")
    rows: list[tuple[StyleRecord, tuple[str, str]]] = []
    if product_ids is not None:
        for pid in product_ids:
            style = style_of_product(sb, pid)
            if style is not None:
                rows += [(style, combo) for combo in style.sku_ids]
    if sku_ids is not None:
        wanted = set(sku_ids)
        if product_ids is not None:
            rows = [r for r in rows if r[0].sku_ids[r[1]] in wanted]
        else:
            rows = [found for sid in sku_ids if (found := sb.catalog.find_sku(sid)) is not None]
    return paged(req, rows, lambda row: sku_view(*row))


def _trait(values: Any, trait_id: str) -> dict[str, Any] | None:
    for value in values or []:
        if not isinstance(value, dict):
            continue
        tid = value.get("trait_id") or TRAIT_NAMES.get(str(value.get("trait_name") or "").lower())
        if tid == trait_id:
            return value
    return None


def _identifiers(item: dict[str, Any]) -> str | None:
    """The UPC among a SKU's identifiers (UPC, GTIN or EAN), validated."""
    upc = None
    for ident in item.get("identifiers") or []:
        if not isinstance(ident, dict) or ident.get("type") not in IDENTIFIER_TYPES or not ident.get("value"):
            raise ItemError("INVALID", f"identifiers: type one of {', '.join(IDENTIFIER_TYPES)} and a value")
        if ident["type"] != "MPN":
            upc = str(ident["value"])
    return upc


def skus_bulk_create(sb: JoorSandbox, req: Request) -> Response:
    """Every color × size of a product must exist after the request: a bulk_create that adds a color
    (or size) must carry that color with every size (every color). Items are grouped by product; an
    item naming an existing SKU is refused as DUPLICATED (with `details.sku_id`) and the product's
    other items are written if, with the existing SKUs, they complete the grid — else all are refused."""
    items = bulk_items(req)
    errors: list[dict[str, Any]] = []
    data: list[dict[str, Any]] = []
    groups: dict[int, list[tuple[int, dict[str, Any], dict[str, Any], dict[str, Any], str | None]]] = {}
    catalog = sb.catalog
    seen_upcs: dict[str, int] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            errors.append(item_error("INVALID", "each item must be an object", index))
            continue
        style = style_of_product(sb, item.get("product_id"))
        if style is None:
            errors.append(
                item_error("INVALID", "product_id is required and must name an existing product", index)
            )
            continue
        color = _trait(item.get("trait_values"), COLOR_TRAIT_ID)
        size = _trait(item.get("trait_values"), SIZE_TRAIT_ID)
        if color is None or size is None or not color.get("value") or not size.get("value"):
            errors.append(item_error("INVALID", "trait_values needs a Color and a Size value", index))
            continue
        try:
            upc = _identifiers(item)
        except ItemError as exc:
            errors.append(item_error(exc.status, exc.message, index))
            continue
        if upc is not None:
            owner = catalog.find_upc(upc)
            if owner is not None or upc in seen_upcs:
                errors.append(
                    item_error("DUPLICATED", f"identifier {upc} is already used", index, identifier=upc)
                )
                continue
            seen_upcs[upc] = index
        groups.setdefault(style.style_id, []).append((index, item, color, size, upc))
    for style_id, group in groups.items():
        style = catalog.styles[style_id]
        created, refused = _create_skus_for(sb, style, group)
        data += created
        errors += refused
    errors.sort(key=lambda e: e["details"]["index"])
    return json_response(200, {"data": data, "errors": errors})


def _create_skus_for(
    sb: JoorSandbox,
    style: StyleRecord,
    group: list[tuple[int, dict[str, Any], dict[str, Any], dict[str, Any], str | None]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(created SKU views, errors) for one product's items: the new SKUs are created together or not
    at all; duplicates are refused one by one."""
    colors = [dict(c) for c in style.colors]
    sizes = [dict(s) for s in style.sizes]
    wanted: dict[tuple[str, str], tuple[int, dict[str, Any], str | None]] = {}
    errors: list[dict[str, Any]] = []
    for index, item, color, size, upc in group:
        code = str(color.get("external_id") or "")
        name = str(color["value"])
        match = next(
            (
                c
                for c in colors
                if (code and c["color_code"] == code) or (not code and c["color_name"] == name)
            ),
            None,
        )
        if match is None:
            match = {
                "color_name": name,
                "color_code": code or name,
                "color_image": None,
                "color_hex": None,
                "minimum": color.get("order_minimum"),
            }
            colors.append(match)
        size_name = str(size["value"])
        size_match = next((s for s in sizes if s["size_name"] == size_name), None)
        if size_match is None:
            size_match = {
                "size_name": size_name,
                "size_code": size.get("external_id") or size_name,
                "size_description": size_name,
                "size_multiplier": None,
            }
            sizes.append(size_match)
        combo = (match["color_code"], size_name)
        if combo in style.sku_ids:
            errors.append(
                item_error(
                    "DUPLICATED",
                    f"SKU {combo[0]}/{combo[1]} already exists",
                    index,
                    sku_id=style.sku_ids[combo],
                    product_id=style.product_id,
                )
            )
            continue
        if combo in wanted:
            errors.append(
                item_error(
                    "DUPLICATED",
                    f"SKU {combo[0]}/{combo[1]} appears twice in the request",
                    index,
                    product_id=style.product_id,
                )
            )
            continue
        wanted[combo] = (index, item, upc)
    if not wanted:
        return [], errors
    missing = [
        (c["color_code"], s["size_name"])
        for c in colors
        for s in sizes
        if (c["color_code"], s["size_name"]) not in style.sku_ids
        and (c["color_code"], s["size_name"]) not in wanted
    ]
    if missing:
        return [], errors + [
            item_error(
                "INVALID",
                "every color × size combination of the product must be created together; missing "
                + ", ".join(f"{c}/{s}" for c, s in missing),
                index,
                product_id=style.product_id,
                missing=[{"color": c, "size": s} for c, s in missing],
            )
            for index, _, _ in wanted.values()
        ]
    style.colors, style.sizes = colors, sizes
    sb.catalog.sync_skus(style)
    for combo, (_, item, upc) in wanted.items():
        sku_id = style.sku_ids[combo]
        style.sku_meta[sku_id] = SkuMeta(
            item.get("external_id"), item.get("sku_identifier"), str(item.get("status") or "ACTIVE")
        )
        if upc is not None:
            style.upcs.append(
                {"sku_color_code": combo[0], "sku_size": combo[1], "upc": upc, "inventory_available": 0}
            )
    sb.catalog.touch(style)
    style.modified = sb.now()
    return [sku_view(style, combo) for combo in wanted], errors


def skus_bulk_update(sb: JoorSandbox, req: Request) -> Response:
    def apply(index: int, item: dict[str, Any]) -> dict[str, Any]:
        found = sb.catalog.find_sku(str(item.get("id") or ""))
        if found is None:
            raise ItemError("NOT_FOUND", f"SKU {item.get('id')!r} not found")
        style, combo = found
        sku_id = style.sku_ids[combo]
        if "trait_values" in item:
            color, size = (
                _trait(item["trait_values"], COLOR_TRAIT_ID),
                _trait(item["trait_values"], SIZE_TRAIT_ID),
            )
            if (color and color.get("external_id") not in (None, combo[0])) or (
                size and size.get("value") not in (None, combo[1])
            ):
                raise ItemError("INVALID", "a SKU's color and size cannot change; create a new SKU")
        status = item.get("status")
        if status is not None and status not in ("ACTIVE", "INACTIVE"):
            raise ItemError("INVALID", "status must be ACTIVE or INACTIVE")
        upc = _identifiers(item) if "identifiers" in item else None
        if upc is not None:
            owner = sb.catalog.find_upc(upc)
            if owner is not None and owner[1] is not style.upc_entry(*combo):
                raise ItemError("DUPLICATED", f"identifier {upc} is already used", identifier=upc)
        meta = style.sku_meta.setdefault(sku_id, SkuMeta())
        if "external_id" in item:
            meta.external_id = item["external_id"]
        if "sku_identifier" in item:
            meta.sku_identifier = item["sku_identifier"]
        if status is not None:
            meta.status = status
        if upc is not None:
            entry = style.upc_entry(*combo)
            if entry is None:
                style.upcs.append(
                    {"sku_color_code": combo[0], "sku_size": combo[1], "upc": upc, "inventory_available": 0}
                )
            else:
                entry["upc"] = upc
            sb.catalog.touch(style)
        style.modified = sb.now()
        return sku_view(style, combo)

    return run_bulk(req, apply)
