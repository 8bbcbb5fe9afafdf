"""v4 products and SKUs. A product is a v2 style; a SKU is one color × size of it.

Sources (JOOR pages under api-docs.jooraccess.com; "code only" = a public client sends it, JOOR's pages
do not show it; "sandbox convenience" = JOOR says nothing: do not rely on it):

Products
- Product object, in every answer (create, update, GET): `{id, name, external_id, product_identifier,
  description, order_minimum, categories[{id, name, parent_name, department}],
  product_trait_values[{trait: {id, name}, value, external_id}], tags[{name, value, code, parent_id}]}`
  [changelog/api-v4-product-03172021] (tags in answers: sandbox convenience; JOOR documents them in
  requests [v2.0/reference/create-products]). No page documents GET /v4/products; it answers the same
  object. `product_ids` filters GET (sandbox convenience).
- `id` is the v2 `style_id` as a numeric string ("111111" [changelog/api-v4-product-03172021]), so v2
  and v4 name a style alike. `product_identifier` is the v2 `style_number`, `external_id` the v2
  `style_identifier` (a create without either numbers the style "JOOR-<n>": sandbox convenience).
- Create fields [v2.0/reference/create-products]: `name` (required), `external_id`,
  `product_identifier`, `description`, `order_minimum` (integer), `category_ids` (numeric strings from
  GET /v4/categories), `product_trait_values[{trait_id | trait_name, value, external_id}]`, `tags[{name,
  value, code, parent_id}]`. A product whose `product_identifier` and `external_id` name an existing
  style is refused DUPLICATED with `details.product_id` (viveren reads the status, code only).
- Product traits are resolved by `trait_id` (JOOR's ids, GET /v4/traits) or by `trait_name` (JOOR's
  names, any case; also the old aliases "fabrication", "silhouette") [docs/how-to-create-catalog-data].
  Each maps to a v2 field: Division → division, Fabrication Name → fabrication, Silhouette Name →
  silhouette (their `external_id` → division_code / fabrication_code / silhouette_code, the three
  traits JOOR documents external ids for [changelog/api-v4-product-03172021]; other traits' external
  ids are not kept), Country of Origin → style_country_origin, Heel Height → heel_height, Contains Fur →
  contains_fur (values Yes/No; true/false/1/0 accepted: sandbox convenience), Materials → the v2
  materials list (one trait value per material: sandbox convenience). Color and Size are SKU traits and
  refused in product requests [docs/how-to-use-traits]. An unknown trait is refused INVALID.
- bulk_update [v2.0/reference/update-products]: `id` required (an item without it: INVALID "id is
  required"; viveren re-sends creates without `id`, code only), unknown id NOT_FOUND. The update
  fields are the create fields without `external_id`, which JOOR does not list and the sandbox
  ignores. Fields left out are kept; traits not named are kept; `tags` and `category_ids`, when given,
  replace the product's (JOOR: unknown; sandbox convenience).

SKUs
- SKU object, in every answer: `{id, product_id, external_id, sku_identifier, trait_values[{trait:
  {id, name}, value, external_id, order_minimum, order_nbr, status, hexColor, swatch, images}],
  identifiers[{type, value}]}` — the trait values as JOOR's GET /skus sample
  [docs/how-to-create-update-price-data] (the sample is cut before `identifiers`, which are the request
  field [v2.0/reference/update-skus]). `hexColor`/`swatch` are the v2 color's hex and swatch image,
  `images` the color's v4 images (null when none); size values have null there.
- SKU ids are base64 of `0|<product id>|<sku number>`, the shape of JOOR's sample id (see
  `model.sku_id_for`).
- GET /v4/skus: without a filter, every SKU of the account [docs/how-to-create-update-price-data];
  `product_ids` filters [same page]; `sku_ids` filters too (tolerated, sandbox convenience).
- Create fields [v2.0/reference/create-skus] [v2.0/reference/update-skus]: `product_id` (required),
  `external_id`, `sku_identifier`, `trait_values[]` and `identifiers[]`. A trait value names its trait
  by `trait_id` (JOOR's Color/Size ids) or `trait_name` "Color"/"Size" (any case; zumzie and the C#
  client send it, code only; JOOR's guide table shows both) and carries `value`, `external_id`,
  `order_minimum`, `status` (ACTIVE/INACTIVE), `order_nbr` (zumzie sends it, code only). Product
  traits in a SKU request are allowed [docs/how-to-use-traits] and ignored (sandbox convenience). One
  Color and one Size value per item (an item naming two colors is refused: sandbox convenience).
- The color's `external_id` is its v2 color code (the color's name when absent); sizes are matched by
  value, case-sensitively ("Small" and "small" are two sizes [docs/how-to-create-update-sku-data]);
  the size's `external_id` is its v2 size code. A create's `order_minimum`, `status` and `order_nbr`
  set up a color or size the product does not have yet; for one it has they are ignored (bulk_update
  changes them).
- `status` is per trait value: it applies to that color or size of the product (every SKU of it)
  [docs/how-to-create-update-sku-data]. The sandbox records it; it does not remove the color or size
  from orders as JOOR says INACTIVE does.
- Identifiers: `type` UPC, GTIN, EAN or MPN in any case ("upc" is JOOR's own example
  [docs/how-to-create-update-sku-data]), echoed as sent; the value is not checked for a format
  (zumzie sends "<barcode>::<id>"). The first UPC/EAN/GTIN is the SKU's v2 `upc`; a barcode already
  used by another SKU is refused DUPLICATED (sandbox convenience, as v2 refuses it).
- Full color × size grid: every color × size of a product must exist after a bulk_create, so a create
  that adds a color must send it in every size (and a new size in every color), else the product's new
  SKUs are all refused INVALID with a message naming the missing combinations. This follows JOOR's
  how-to page, which says partial grids are answered with an error
  [docs/how-to-create-update-sku-data]; JOOR's reference pages instead say JOOR creates the missing
  combinations [v2.0/reference/create-skus]. A SKU that exists already is refused DUPLICATED with
  `details.sku_id` (sandbox convenience; the joorsync client turns it into an update) and the
  product's other items are written if they complete the grid.
- bulk_update [v2.0/reference/update-skus]: `id` required. It may change the SKU's `external_id`,
  `sku_identifier`, identifiers (merged by type: the barcode is replaced, other types replaced by
  type; none removed — sandbox convenience) and its own trait values: a new `value` or `external_id`
  renames that color (or size) of the product, i.e. for all its SKUs (renaming into another existing
  color or size is refused INVALID); `order_minimum`, `status`, `order_nbr` apply to the color/size.
  What JOOR does with changed trait values is unknown.
- `POST /v4/skus/bulk_update_by_external_id` (code only: zumzie): the same update, the SKU found by
  its `external_id` (and `product_id` when given); NOT_FOUND when no SKU has it, INVALID when several do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .defaults import (
    COLOR_TRAIT_ID,
    CONTAINS_FUR_TRAIT_ID,
    COUNTRY_OF_ORIGIN_TRAIT_ID,
    DIVISION_TRAIT_ID,
    FABRICATION_TRAIT_ID,
    HEEL_HEIGHT_TRAIT_ID,
    MATERIALS_TRAIT_ID,
    SILHOUETTE_TRAIT_ID,
    SIZE_TRAIT_ID,
    V4_CATEGORIES,
)
from .http import Request, Response, json_response
from .model import SkuMeta, StyleRecord
from .v2 import write_style
from .v4_common import (
    ItemError,
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


@dataclass(frozen=True, slots=True)
class ProductTrait:
    """A JOOR product trait and the v2 field holding it (`materials`: the v2 materials list)."""

    id: str
    name: str
    field: str
    code_field: str | None = None
    aliases: tuple[str, ...] = ()


#: JOOR's product traits, in the order of JOOR's GET /traits sample (alphabetical).
PRODUCT_TRAITS = (
    ProductTrait(CONTAINS_FUR_TRAIT_ID, "Contains Fur", "contains_fur"),
    ProductTrait(COUNTRY_OF_ORIGIN_TRAIT_ID, "Country of Origin", "style_country_origin"),
    ProductTrait(DIVISION_TRAIT_ID, "Division", "division", "division_code"),
    ProductTrait(
        FABRICATION_TRAIT_ID, "Fabrication Name", "fabrication", "fabrication_code", ("fabrication",)
    ),
    ProductTrait(HEEL_HEIGHT_TRAIT_ID, "Heel Height", "heel_height"),
    ProductTrait(MATERIALS_TRAIT_ID, "Materials", "materials"),
    ProductTrait(SILHOUETTE_TRAIT_ID, "Silhouette Name", "silhouette", "silhouette_code", ("silhouette",)),
)
#: JOOR's SKU traits: (id, name) [v2.0/reference/create-skus].
SKU_TRAITS = ((COLOR_TRAIT_ID, "Color"), (SIZE_TRAIT_ID, "Size"))

_PRODUCT_TRAIT_BY_ID = {t.id: t for t in PRODUCT_TRAITS}
_PRODUCT_TRAIT_BY_NAME = {name.lower(): t for t in PRODUCT_TRAITS for name in (t.name, *t.aliases)}
_SKU_TRAIT_KIND = {COLOR_TRAIT_ID: "color", SIZE_TRAIT_ID: "size"}
_SKU_TRAIT_BY_NAME = {"color": "color", "style color": "color", "size": "size"}
IDENTIFIER_TYPES = ("UPC", "GTIN", "EAN", "MPN")
BARCODE_TYPES = ("UPC", "GTIN", "EAN")
TRAIT_STATUSES = ("ACTIVE", "INACTIVE")

_CATEGORY_BY_ID = {row[0]: row for row in V4_CATEGORIES}
_DEPARTMENT_OF = {row[4]: row[3] for row in V4_CATEGORIES}


# -- products ---------------------------------------------------------------------------------------


def category_view(row: tuple[str, str, str, str, str]) -> dict[str, Any]:
    return {"id": row[0], "name": row[1], "parent_name": row[2], "department": row[3]}


def _department(category_parent: Any) -> str | None:
    if not category_parent:
        return None
    label = str(category_parent)
    return _DEPARTMENT_OF.get(label) or "_".join(label.upper().replace("'", "").split())


def _product_categories(style: StyleRecord) -> list[dict[str, Any]]:
    """The style's v2 subcategories as v4 categories: the taxonomy row of the same id, else (a v2 write
    named a branch outside the taxonomy) built from the v2 labels."""
    result: list[dict[str, Any]] = []
    seen: set[str] = set()
    for cat in style.categories:
        for sub in cat.get("subcategories", []):
            for item in sub.get("subcategory", []):
                if item.get("subcategory_id") is None or str(item["subcategory_id"]) in seen:
                    continue
                key = str(item["subcategory_id"])
                seen.add(key)
                row = _CATEGORY_BY_ID.get(key)
                result.append(
                    category_view(row)
                    if row is not None
                    else {
                        "id": key,
                        "name": item.get("subcategory_label"),
                        "parent_name": sub.get("subcategory_parent"),
                        "department": _department(cat.get("category_parent")),
                    }
                )
    return result


def _trait_values(style: StyleRecord) -> list[dict[str, Any]]:
    f = style.fields
    values: list[dict[str, Any]] = []
    for trait in PRODUCT_TRAITS:
        ref = {"id": trait.id, "name": trait.name}
        if trait.field == "materials":
            values += [{"trait": ref, "value": m, "external_id": None} for m in style.materials]
            continue
        value = f.get(trait.field)
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            value = "Yes" if value else "No"
        code = f.get(trait.code_field) if trait.code_field else None
        values.append({"trait": ref, "value": str(value), "external_id": code})
    return values


def product_view(style: StyleRecord) -> dict[str, Any]:
    f = style.fields
    return {
        "id": style.product_id,
        "name": f.get("style_name"),
        "external_id": style.style_identifier or None,
        "product_identifier": style.style_number or None,
        "description": f.get("style_description"),
        "order_minimum": f.get("minimum"),
        "categories": _product_categories(style),
        "product_trait_values": _trait_values(style),
        "tags": [
            {
                "name": t.get("tag_name"),
                "value": t.get("tag_value"),
                "code": t.get("tag_value_code"),
                "parent_id": t.get("tag_parent_id"),
            }
            for t in style.tags
        ],
    }


def _objects(item: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = item.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ItemError("INVALID", f"{key} must be an array of objects")
    return value


def _product_trait(entry: dict[str, Any]) -> ProductTrait:
    trait_id, trait_name = entry.get("trait_id"), entry.get("trait_name")
    if trait_id not in (None, ""):
        if isinstance(trait_id, str) and trait_id in _SKU_TRAIT_KIND:
            raise ItemError("INVALID", "Color and Size are SKU traits: send them with the SKUs")
        trait = _PRODUCT_TRAIT_BY_ID.get(trait_id) if isinstance(trait_id, str) else None
        if trait is None:
            raise ItemError("INVALID", f"unknown trait_id {trait_id!r} (GET /v4/traits lists them)")
        return trait
    if isinstance(trait_name, str) and trait_name.strip():
        key = trait_name.strip().lower()
        if key in _SKU_TRAIT_BY_NAME:
            raise ItemError("INVALID", "Color and Size are SKU traits: send them with the SKUs")
        trait = _PRODUCT_TRAIT_BY_NAME.get(key)
        if trait is None:
            raise ItemError("INVALID", f"unknown trait_name {trait_name!r} (GET /v4/traits lists them)")
        return trait
    raise ItemError("INVALID", "each product_trait_values entry needs a trait_id or a trait_name")


def _categories_for(ids: Any) -> list[dict[str, Any]]:
    if not isinstance(ids, list):
        raise ItemError("INVALID", "category_ids must be an array of category ids (strings)")
    for cid in ids:
        if not isinstance(cid, str) or cid not in _CATEGORY_BY_ID:
            raise ItemError("INVALID", f"unknown category id {cid!r} (GET /v4/categories lists them)")
    nodes: list[dict[str, Any]] = []
    for cid in dict.fromkeys(ids):
        row = _CATEGORY_BY_ID[cid]
        subcategory = {"subcategory_id": int(row[0]), "subcategory_label": row[1]}
        nodes.append(
            {
                "category_parent": row[4],
                "subcategories": [{"subcategory_parent": row[2], "subcategory": [subcategory]}],
            }
        )
    return nodes


def _product_changes(
    item: dict[str, Any], *, creating: bool
) -> tuple[dict[str, Any], list[str | None] | None]:
    """The v2 changes an item asks for, and the tags' parent ids (None when `tags` is not sent)."""
    changes: dict[str, Any] = {}
    fields = [
        ("name", "style_name"),
        ("description", "style_description"),
        ("order_minimum", "minimum"),
        ("product_identifier", "style_number"),
    ]
    if creating:
        fields.append(("external_id", "style_identifier"))
    for key, field_name in fields:
        if key in item:
            changes[field_name] = item[key]
    materials: list[Any] | None = None
    for entry in _objects(item, "product_trait_values"):
        trait = _product_trait(entry)
        value = entry.get("value")
        if trait.field == "materials":
            materials = (materials or []) + ([] if value in (None, "") else [value])
            continue
        changes[trait.field] = value
        if trait.code_field and "external_id" in entry:
            changes[trait.code_field] = entry["external_id"]
    if materials is not None:
        changes["materials"] = materials
    parents: list[str | None] | None = None
    if "tags" in item:
        tags, parents = [], []
        for tag in _objects(item, "tags"):
            tags.append(
                {
                    "tag_group": tag.get("name"),
                    "tag_name": tag.get("name"),
                    "tag_value": tag.get("value"),
                    "tag_value_code": tag.get("code"),
                }
            )
            parent = tag.get("parent_id")
            parents.append(None if parent in (None, "") else str(parent))
        changes["tags"] = tags
    if "category_ids" in item:
        changes["categories"] = _categories_for(item.get("category_ids") or [])
    return changes, parents


def _write(
    sb: JoorSandbox, changes: dict[str, Any], style: StyleRecord | None, parents: list[str | None] | None
) -> StyleRecord:
    try:
        style, _ = write_style(sb, changes, style, creating_requires_variants=False)
    except WriteError as exc:
        raise ItemError("INVALID", "; ".join(exc.problems)) from exc
    if parents is not None:
        for tag, parent in zip(style.tags, parents, strict=False):
            tag["tag_parent_id"] = parent
    return style


def get_products(sb: JoorSandbox, req: Request) -> Response:
    ids = ids_param(req, "product_ids")
    styles = sb.catalog.sorted_styles()
    if ids is not None:
        wanted = set(ids)
        styles = [s for s in styles if s.product_id in wanted]
    return paged(req, styles, product_view)


def products_bulk_create(sb: JoorSandbox, req: Request) -> Response:
    def apply(index: int, item: dict[str, Any]) -> dict[str, Any]:
        if not item.get("name"):
            raise ItemError("INVALID", "name is required")
        changes, parents = _product_changes(item, creating=True)
        number = changes.get("style_number") or changes.get("style_identifier")
        changes["style_number"] = number or f"JOOR-{sb.catalog.next_style_id}"
        changes["style_identifier"] = changes.get("style_identifier") or changes["style_number"]
        existing = sb.catalog.find_by_number(str(changes["style_number"]), str(changes["style_identifier"]))
        if existing is not None:
            raise ItemError(
                "DUPLICATED", "a product with this identifier already exists", product_id=existing.product_id
            )
        return product_view(_write(sb, changes, None, parents))

    return run_bulk(req, apply)


def products_bulk_update(sb: JoorSandbox, req: Request) -> Response:
    def apply(index: int, item: dict[str, Any]) -> dict[str, Any]:
        if item.get("id") in (None, ""):
            raise ItemError("INVALID", "id is required")
        style = style_of_product(sb, item.get("id"))
        if style is None:
            raise ItemError("NOT_FOUND", f"product {item.get('id')!r} not found")
        changes, parents = _product_changes(item, creating=False)
        return product_view(_write(sb, changes, style, parents))

    return run_bulk(req, apply)


# -- SKUs -------------------------------------------------------------------------------------------


def _color(style: StyleRecord, code: str) -> dict[str, Any]:
    return next(c for c in style.colors if c["color_code"] == code)


def _size(style: StyleRecord, name: str) -> dict[str, Any]:
    return next(s for s in style.sizes if s["size_name"] == name)


def _order_nbr(rows: list[dict[str, Any]], row: dict[str, Any]) -> int:
    stored = row.get("v4_order_nbr")
    return stored if isinstance(stored, int) else next(i for i, r in enumerate(rows, 1) if r is row)


def sku_view(style: StyleRecord, combo: tuple[str, str]) -> dict[str, Any]:
    sku_id = style.sku_ids[combo]
    color = _color(style, combo[0])
    size = _size(style, combo[1])
    meta = style.sku_meta.get(sku_id) or SkuMeta()
    entry = style.upc_entry(*combo)
    identifiers = (
        [{"type": entry.get("identifier_type") or "UPC", "value": entry["upc"]}]
        if entry and entry.get("upc")
        else []
    )
    identifiers += [dict(i) for i in meta.other_identifiers]
    return {
        "id": sku_id,
        "product_id": style.product_id,
        "external_id": meta.external_id,
        "sku_identifier": meta.sku_identifier,
        "trait_values": [
            {
                "trait": {"id": COLOR_TRAIT_ID, "name": "Color"},
                "value": color["color_name"],
                "external_id": color["color_code"],
                "order_minimum": color.get("minimum"),
                "order_nbr": _order_nbr(style.colors, color),
                "status": color.get("v4_status") or "ACTIVE",
                "hexColor": color.get("color_hex"),
                "swatch": color.get("color_image"),
                "images": list(color["v4_images"]) if color.get("v4_images") else None,
            },
            {
                "trait": {"id": SIZE_TRAIT_ID, "name": "Size"},
                "value": size["size_name"],
                "external_id": size.get("size_code"),
                "order_minimum": size.get("v4_order_minimum"),
                "order_nbr": _order_nbr(style.sizes, size),
                "status": size.get("v4_status") or "ACTIVE",
                "hexColor": None,
                "swatch": None,
                "images": None,
            },
        ],
        "identifiers": identifiers,
    }


def get_skus(sb: JoorSandbox, req: Request) -> Response:
    product_ids = ids_param(req, "product_ids")
    sku_ids = ids_param(req, "sku_ids")
    if product_ids is None:
        styles = sb.catalog.sorted_styles()
    else:
        found = (style_of_product(sb, pid) for pid in dict.fromkeys(product_ids))
        styles = [s for s in found if s is not None]
    rows = [(style, combo) for style in styles for combo in style.sku_ids]
    if sku_ids is not None:
        wanted = set(sku_ids)
        rows = [(style, combo) for style, combo in rows if style.sku_ids[combo] in wanted]
    return paged(req, rows, lambda row: sku_view(*row))


def _sku_trait_kind(entry: dict[str, Any]) -> str:
    """ "color", "size" or "product" (a product trait, allowed in SKU requests and ignored)."""
    trait_id, trait_name = entry.get("trait_id"), entry.get("trait_name")
    if trait_id not in (None, ""):
        if isinstance(trait_id, str) and trait_id in _SKU_TRAIT_KIND:
            return _SKU_TRAIT_KIND[trait_id]
        if isinstance(trait_id, str) and trait_id in _PRODUCT_TRAIT_BY_ID:
            return "product"
        raise ItemError("INVALID", f"unknown trait_id {trait_id!r} (GET /v4/traits lists them)")
    if isinstance(trait_name, str) and trait_name.strip():
        key = trait_name.strip().lower()
        if key in _SKU_TRAIT_BY_NAME:
            return _SKU_TRAIT_BY_NAME[key]
        if key in _PRODUCT_TRAIT_BY_NAME:
            return "product"
        raise ItemError("INVALID", f"unknown trait_name {trait_name!r} (GET /v4/traits lists them)")
    raise ItemError("INVALID", "each trait value needs a trait_id or a trait_name")


def _text(value: Any, key: str) -> str | None:
    """A string field (a JSON number is taken as its digits); None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ItemError("INVALID", f"{key} must be a string")
    return str(value)


def _count(value: Any, key: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ItemError("INVALID", f"trait_values: {key} must be a non-negative integer")
    return value


def _trait_value(entry: dict[str, Any]) -> dict[str, Any]:
    """The validated fields a trait value carries (only those sent)."""
    out: dict[str, Any] = {}
    if "value" in entry:
        out["value"] = _text(entry["value"], "trait_values: value")
    if "external_id" in entry:
        out["external_id"] = _text(entry["external_id"], "trait_values: external_id")
    for key in ("order_minimum", "order_nbr"):
        if key in entry:
            out[key] = _count(entry[key], key)
    if "status" in entry and entry["status"] is not None:
        if entry["status"] not in TRAIT_STATUSES:
            raise ItemError("INVALID", "trait_values: status must be ACTIVE or INACTIVE")
        out["status"] = entry["status"]
    return out


def _sku_traits(item: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The item's Color and Size values (None when not sent)."""
    found: dict[str, dict[str, Any]] = {}
    for entry in _objects(item, "trait_values"):
        kind = _sku_trait_kind(entry)
        if kind == "product":
            continue
        if kind in found:
            raise ItemError("INVALID", f"one {kind.title()} value per SKU: send one item per color × size")
        found[kind] = _trait_value(entry)
    return found.get("color"), found.get("size")


def _identifiers(item: dict[str, Any]) -> list[dict[str, str]] | None:
    """The item's identifiers, types as sent (None when `identifiers` is not sent)."""
    if "identifiers" not in item:
        return None
    raw = item["identifiers"]
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ItemError("INVALID", "identifiers must be an array of {type, value}")
    out = []
    for ident in raw:
        kind = ident.get("type") if isinstance(ident, dict) else None
        value = ident.get("value") if isinstance(ident, dict) else None
        if (
            not isinstance(kind, str)
            or kind.strip().upper() not in IDENTIFIER_TYPES
            or isinstance(value, bool)
            or not isinstance(value, str | int)
            or str(value).strip() == ""
        ):
            raise ItemError(
                "INVALID", f"identifiers: type one of {', '.join(IDENTIFIER_TYPES)} (any case) and a value"
            )
        out.append({"type": kind, "value": str(value)})
    return out


def _barcode(identifiers: list[dict[str, str]]) -> dict[str, str] | None:
    return next((i for i in identifiers if i["type"].strip().upper() in BARCODE_TYPES), None)


def _set_identifiers(style: StyleRecord, combo: tuple[str, str], identifiers: list[dict[str, str]]) -> None:
    """Merge identifiers into a SKU: the first barcode becomes its v2 `upc`; other identifiers replace
    those of the same type."""
    meta = style.sku_meta.setdefault(style.sku_ids[combo], SkuMeta())
    barcode = _barcode(identifiers)
    if barcode is not None:
        entry = style.upc_entry(*combo)
        if entry is None:
            entry = {"sku_color_code": combo[0], "sku_size": combo[1], "upc": None, "inventory_available": 0}
            style.upcs.append(entry)
        entry["upc"], entry["identifier_type"] = barcode["value"], barcode["type"]
    others = [i for i in identifiers if i is not barcode]
    replaced = {i["type"].strip().upper() for i in others}
    kept = [i for i in meta.other_identifiers if i["type"].strip().upper() not in replaced]
    meta.other_identifiers = kept + [dict(i) for i in others]


def _barcode_owner_problem(
    sb: JoorSandbox, identifiers: list[dict[str, str]] | None, own: dict[str, Any] | None
) -> str | None:
    barcode = _barcode(identifiers or [])
    if barcode is None:
        return None
    owner = sb.catalog.find_upc(barcode["value"])
    if owner is not None and owner[1] is not own:
        return barcode["value"]
    return None


_Wanted = tuple[int, dict[str, Any], dict[str, Any], dict[str, Any], list[dict[str, str]] | None, SkuMeta]


def skus_bulk_create(sb: JoorSandbox, req: Request) -> Response:
    """Items are grouped by product; see the module docstring for the grid rule."""
    items = bulk_items(req)
    errors: list[dict[str, Any]] = []
    data: list[dict[str, Any]] = []
    groups: dict[int, list[_Wanted]] = {}
    seen_barcodes: set[str] = set()
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            errors.append(item_error("INVALID", "each item must be an object", index))
            continue
        try:
            style = style_of_product(sb, item.get("product_id"))
            if style is None:
                raise ItemError("INVALID", "product_id is required and must name an existing product")
            color, size = _sku_traits(item)
            if not color or not size or not color.get("value") or not size.get("value"):
                raise ItemError("INVALID", "trait_values needs a Color and a Size value")
            external_id = _text(item.get("external_id"), "external_id")
            sku_identifier = _text(item.get("sku_identifier"), "sku_identifier")
            identifiers = _identifiers(item)
            taken = _barcode_owner_problem(sb, identifiers, None)
            barcode = _barcode(identifiers or [])
            if taken is None and barcode is not None and barcode["value"] in seen_barcodes:
                taken = barcode["value"]
            if taken is not None:
                raise ItemError("DUPLICATED", f"identifier {taken} is already used", identifier=taken)
        except ItemError as exc:
            errors.append(item_error(exc.status, exc.message, index, item, **exc.details))
            continue
        if barcode is not None:
            seen_barcodes.add(barcode["value"])
        meta = SkuMeta(external_id, sku_identifier)
        groups.setdefault(style.style_id, []).append((index, item, color, size, identifiers, meta))
    for style_id, group in groups.items():
        created, refused = _create_skus_for(sb, sb.catalog.styles[style_id], group)
        data += created
        errors += refused
    errors.sort(key=lambda e: e["details"]["index"])
    return json_response(200, {"data": data, "errors": errors})


def _new_color(tv: dict[str, Any], code: str) -> dict[str, Any]:
    return {
        "color_name": tv["value"],
        "color_code": code,
        "color_image": None,
        "color_hex": None,
        "minimum": tv.get("order_minimum"),
        "v4_status": tv.get("status") or "ACTIVE",
        "v4_order_nbr": tv.get("order_nbr"),
    }


def _new_size(tv: dict[str, Any]) -> dict[str, Any]:
    return {
        "size_name": tv["value"],
        "size_code": tv.get("external_id") or tv["value"],
        "size_description": tv["value"],
        "size_multiplier": None,
        "v4_status": tv.get("status") or "ACTIVE",
        "v4_order_nbr": tv.get("order_nbr"),
        "v4_order_minimum": tv.get("order_minimum"),
    }


def _create_skus_for(
    sb: JoorSandbox, style: StyleRecord, group: list[_Wanted]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(created SKU views, errors) for one product's items: the new SKUs are created together or not
    at all; duplicates are refused one by one."""
    colors = [dict(c) for c in style.colors]
    sizes = [dict(s) for s in style.sizes]
    wanted: dict[tuple[str, str], tuple[int, dict[str, Any], list[dict[str, str]] | None, SkuMeta]] = {}
    errors: list[dict[str, Any]] = []
    for index, item, color, size, identifiers, meta in group:
        code = color.get("external_id") or ""
        name = color["value"]
        match = next(
            (c for c in colors if (c["color_code"] == code if code else c["color_name"] == name)), None
        )
        if match is None:
            match = _new_color(color, code or name)
            colors.append(match)
        size_match = next((s for s in sizes if s["size_name"] == size["value"]), None)
        if size_match is None:
            size_match = _new_size(size)
            sizes.append(size_match)
        combo = (match["color_code"], size_match["size_name"])
        if combo in style.sku_ids:
            errors.append(
                item_error(
                    "DUPLICATED",
                    f"SKU {combo[0]}/{combo[1]} already exists",
                    index,
                    item,
                    sku_id=style.sku_ids[combo],
                )
            )
            continue
        if combo in wanted:
            errors.append(
                item_error(
                    "DUPLICATED", f"SKU {combo[0]}/{combo[1]} appears twice in the request", index, item
                )
            )
            continue
        wanted[combo] = (index, item, identifiers, meta)
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
        message = (
            "every color × size combination of the product must be created: send the full grid; missing "
            + ", ".join(f"{c}/{s}" for c, s in missing)
        )
        return [], errors + [
            item_error("INVALID", message, index, item) for index, item, _, _ in wanted.values()
        ]
    style.colors, style.sizes = colors, sizes
    sb.catalog.sync_skus(style)
    for combo, (_, _, identifiers, meta) in wanted.items():
        style.sku_meta[style.sku_ids[combo]] = meta
        if identifiers:
            _set_identifiers(style, combo, identifiers)
    sb.catalog.touch(style)
    style.modified = sb.now()
    return [sku_view(style, combo) for combo in wanted], errors


def _update_sku(
    sb: JoorSandbox,
    style: StyleRecord,
    combo: tuple[str, str],
    item: dict[str, Any],
    *,
    keyed_by_external_id: bool,
) -> dict[str, Any]:
    """Apply a bulk_update item to one SKU (validated first, then applied); the SKU's view."""
    color_tv, size_tv = _sku_traits(item)
    identifiers = _identifiers(item)
    for key in ("external_id", "sku_identifier"):
        if key in item:
            _text(item[key], key)
    color, size = _color(style, combo[0]), _size(style, combo[1])
    new_code = (color_tv or {}).get("external_id") or combo[0]
    new_size = (size_tv or {}).get("value") or combo[1]
    if new_code != combo[0] and any(c["color_code"] == new_code for c in style.colors):
        raise ItemError(
            "INVALID",
            f"the product already has a color {new_code!r}; a SKU's color can be renamed, not moved",
        )
    if new_size != combo[1] and any(s["size_name"] == new_size for s in style.sizes):
        raise ItemError(
            "INVALID", f"the product already has a size {new_size!r}; a SKU's size can be renamed, not moved"
        )
    taken = _barcode_owner_problem(sb, identifiers, style.upc_entry(*combo))
    if taken is not None:
        raise ItemError("DUPLICATED", f"identifier {taken} is already used", identifier=taken)
    catalog = sb.catalog
    if color_tv:
        if new_code != combo[0]:
            catalog.rename_color(style, combo[0], new_code)
        if color_tv.get("value"):
            color["color_name"] = color_tv["value"]
        if "order_minimum" in color_tv:
            color["minimum"] = color_tv["order_minimum"]
        _apply_meta(color, color_tv)
    if size_tv:
        if new_size != combo[1]:
            catalog.rename_size(style, combo[1], new_size)
        if "external_id" in size_tv:
            size["size_code"] = size_tv["external_id"] or new_size
        if "order_minimum" in size_tv:
            size["v4_order_minimum"] = size_tv["order_minimum"]
        _apply_meta(size, size_tv)
    combo = (new_code, new_size)
    meta = style.sku_meta.setdefault(style.sku_ids[combo], SkuMeta())
    if "external_id" in item and not keyed_by_external_id:
        meta.external_id = _text(item["external_id"], "external_id")
    if "sku_identifier" in item:
        meta.sku_identifier = _text(item["sku_identifier"], "sku_identifier")
    if identifiers:
        _set_identifiers(style, combo, identifiers)
    catalog.touch(style)
    style.modified = sb.now()
    return sku_view(style, combo)


def _apply_meta(row: dict[str, Any], tv: dict[str, Any]) -> None:
    if tv.get("status"):
        row["v4_status"] = tv["status"]
    if "order_nbr" in tv:
        row["v4_order_nbr"] = tv["order_nbr"]


def skus_bulk_update(sb: JoorSandbox, req: Request) -> Response:
    def apply(index: int, item: dict[str, Any]) -> dict[str, Any]:
        if item.get("id") in (None, ""):
            raise ItemError("INVALID", "id is required")
        found = sb.catalog.find_sku(str(item["id"]))
        if found is None:
            raise ItemError("NOT_FOUND", f"SKU {item['id']!r} not found")
        return _update_sku(sb, found[0], found[1], item, keyed_by_external_id=False)

    return run_bulk(req, apply)


def skus_bulk_update_by_external_id(sb: JoorSandbox, req: Request) -> Response:
    def apply(index: int, item: dict[str, Any]) -> dict[str, Any]:
        external_id = item.get("external_id")
        if external_id in (None, "") or isinstance(external_id, bool):
            raise ItemError("INVALID", "external_id is required")
        styles = sb.catalog.sorted_styles()
        if item.get("product_id") not in (None, ""):
            only = style_of_product(sb, item.get("product_id"))
            if only is None:
                raise ItemError("NOT_FOUND", f"product {item.get('product_id')!r} not found")
            styles = [only]
        matches = [
            (style, combo)
            for style in styles
            for combo, sku_id in style.sku_ids.items()
            if (meta := style.sku_meta.get(sku_id)) is not None and meta.external_id == str(external_id)
        ]
        if not matches:
            raise ItemError("NOT_FOUND", f"no SKU has external_id {str(external_id)!r}")
        if len(matches) > 1:
            raise ItemError(
                "INVALID",
                f"{len(matches)} SKUs have external_id {str(external_id)!r}; use bulk_update with their ids",
                sku_ids=[s.sku_ids[c] for s, c in matches],
            )
        return _update_sku(sb, matches[0][0], matches[0][1], item, keyed_by_external_id=True)

    return run_bulk(req, apply)
