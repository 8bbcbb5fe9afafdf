"""Style images: v2 upload (`POST /v2/style-number/{sn}/{sid}/image/`) and v4 assets
(`POST /v4/assets/products`, `POST /v4/assets/sku_trait_values`). Images are recorded as paths on
JOOR's servers; v2 bytes are checked (JPEG or PNG, at most 4 MB) and then dropped.

v4 product assets [https://api-docs.jooraccess.com/reference/create-product-assets]: `asset.type`
"image", "swatch" or "video" (JOOR: video is a premium feature enabled per account — not emulated);
file names at most 100 characters ending in .gif, .jpeg, .jpg or .png (.mp4 for videos); one video
per product (a second one without `replace_all` is refused INVALID: sandbox reading of "one video per
product"). `replace_all=true` (default false) first deletes the product's existing assets of each type
the request uploads, and only those. The size limits (10 MB, 15 MB for videos) cannot be checked: the
sandbox never fetches `source_url`. The body's fields are not on a readable JOOR page; the sandbox
takes viveren's (code only): `[{product: {id}, asset: {type, filename, source_url}, display_order}]`.
Images land in the v2 style's `images`; swatches and videos have no v2 counterpart. `display_order`
orders a product's assets (lowest first; assets without one keep their place after them: sandbox
convenience, JOOR's base — 0 or 1 — is unknown; viveren sends 0-based positions). The answer lists
`{product_id, type, filename, url, display_order}` per asset (JOOR's answer is unknown).

`POST /v4/assets/sku_trait_values` (code only: viveren; no JOOR page): `[{product: {id},
sku_trait_value: {trait: {id | name}, value: {external_id | value}}, asset: {type, filename,
source_url}}]` attaches a swatch (the v2 color's `color_image`) or an image to one color of the
product. Only Color values take assets (sandbox reading).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from .defaults import COLOR_TRAIT_ID
from .http import Request, Response, json_response, v2_document, v2_error
from .render import envelope
from .v2 import BadRequest, by_number
from .v4_common import ItemError, bulk_items, item_error, style_of_product

if TYPE_CHECKING:
    from .app import JoorSandbox
    from .model import StyleRecord

MAX_IMAGE_BYTES = 4 * 1024 * 1024
_FILENAME_RE = re.compile(r"^[^/\\\x00]{1,200}\.(jpe?g|png)$", re.IGNORECASE)
# v4 asset file names per asset type [https://api-docs.jooraccess.com/reference/create-product-assets].
_V4_NAME = r"^(?=.{1,100}$)[^/\\\x00]+\."
V4_ASSET_NAMES = {
    "image": re.compile(_V4_NAME + r"(gif|jpe?g|png)$", re.IGNORECASE),
    "swatch": re.compile(_V4_NAME + r"(gif|jpe?g|png)$", re.IGNORECASE),
    "video": re.compile(_V4_NAME + r"mp4$", re.IGNORECASE),
}


def image_kind(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    return None


def _path(sb: JoorSandbox, filename: str) -> str:
    return f"/img/uploads/accounts/{sb.config.account_id}/images/{filename}"


def _place(style: StyleRecord, path: str, *, display_order: int | None, replace: bool) -> None:
    images = [] if replace else [p for p in style.images if p != path]
    position = len(images) if display_order is None else max(0, min(display_order - 1, len(images)))
    images.insert(position, path)
    style.images = images


def upload_image(sb: JoorSandbox, req: Request, fmt: str) -> Response:
    style = by_number(sb, req)
    if style is None:
        return v2_error(404, "Style not found", log_id=req.log_id, fmt=fmt)
    filename = (req.arg("filename") or "").strip()
    if not _FILENAME_RE.match(filename):
        raise BadRequest("filename is required: a .jpg, .jpeg or .png file name")
    raw_order = req.arg("display_order")
    if raw_order is not None and not raw_order.strip().isdigit():
        raise BadRequest("display_order must be an integer")
    url = req.arg("url")
    if url:
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise BadRequest("url must be an http(s) URL")
    else:
        if not req.body:
            raise BadRequest("send the image as the request body, or a url")
        if len(req.body) > MAX_IMAGE_BYTES:
            raise BadRequest("images are limited to 4 MB")
        if image_kind(req.body) is None:
            raise BadRequest("the image must be a JPEG or PNG")
    path = _path(sb, filename)
    color_code = req.arg("color_code")
    if (req.arg("swatch") or "").lower() == "true":
        color = next((c for c in style.colors if c["color_code"] == color_code), None)
        if color is None:
            raise BadRequest("swatch=true needs the color_code of one of the style's colors")
        color["color_image"] = path
    else:
        if color_code and not any(c["color_code"] == color_code for c in style.colors):
            raise BadRequest(f"color_code {color_code} is not a color of the style")
        replace = (req.arg("replace_existing") or "").lower() in ("true", "1")
        _place(style, path, display_order=int(raw_order) if raw_order else None, replace=replace)
    style.modified = sb.now()
    doc = {"response": envelope(comment="Image uploaded", log_id=req.log_id), "image_path": path}
    return v2_document(200, doc, fmt)


def _v4_asset(item: Any, types: tuple[str, ...]) -> tuple[str, str]:
    """`(type, filename)` of an item's `asset`, validated (source_url an http(s) URL)."""
    asset = item.get("asset") if isinstance(item.get("asset"), dict) else {}
    kind, filename = asset.get("type"), asset.get("filename")
    if kind not in types:
        raise ItemError("INVALID", f"asset.type must be {' or '.join(types)}")
    if not isinstance(filename, str) or not V4_ASSET_NAMES[kind].match(filename):
        allowed = ".mp4" if kind == "video" else ".gif, .jpeg, .jpg or .png"
        raise ItemError("INVALID", f"asset.filename: at most 100 characters, ending in {allowed}")
    source = urlparse(str(asset.get("source_url") or ""))
    if source.scheme not in ("http", "https") or not source.netloc:
        raise ItemError("INVALID", "asset.source_url must be an http(s) URL")
    return kind, filename


def _product(sb: JoorSandbox, item: Any) -> StyleRecord:
    if not isinstance(item, dict):
        raise ItemError("INVALID", "each item must be an object")
    raw = item.get("product")
    product = raw if isinstance(raw, dict) else {}
    style = style_of_product(sb, product.get("id"))
    if style is None:
        raise ItemError("INVALID", "product.id must name an existing product", product_id=product.get("id"))
    return style


def _product_named(item: Any) -> dict[str, Any]:
    product = item.get("product") if isinstance(item, dict) else None
    return {"product_id": product["id"]} if isinstance(product, dict) and product.get("id") else {}


def _ordered(paths: list[str], orders: dict[str, int]) -> list[str]:
    """Assets with a display_order first, by it; the others after them, in their order."""
    return sorted(paths, key=lambda p: (p not in orders, orders.get(p, 0)))


def product_assets(sb: JoorSandbox, req: Request) -> Response:
    replace_all = (req.arg("replace_all") or "").strip().lower() == "true"
    data: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    replaced: set[tuple[int, str]] = set()
    for index, item in enumerate(bulk_items(req)):
        try:
            style = _product(sb, item)
            kind, filename = _v4_asset(item, ("image", "swatch", "video"))
            order = item.get("display_order")
            if order is not None and (not isinstance(order, int) or isinstance(order, bool)):
                raise ItemError("INVALID", "display_order must be an integer")
            replace = replace_all and (style.style_id, kind) not in replaced
            if kind == "video" and style.videos and not replace:
                raise ItemError("INVALID", "a product has one video: send replace_all=true to replace it")
        except ItemError as exc:
            errors.append(
                item_error(exc.status, exc.message, index, item, **{**_product_named(item), **exc.details})
            )
            continue
        replaced.add((style.style_id, kind))
        path = _path(sb, filename)
        attr = {"image": "images", "swatch": "swatches", "video": "videos"}[kind]
        current = [] if replace else [p for p in getattr(style, attr) if p != path]
        if replace:
            for old in getattr(style, attr):
                style.asset_order.pop(old, None)
        if order is None:
            style.asset_order.pop(path, None)
        else:
            style.asset_order[path] = order
        setattr(style, attr, _ordered([*current, path], style.asset_order))
        style.modified = sb.now()
        data.append(
            {
                "product_id": style.product_id,
                "type": kind,
                "filename": filename,
                "url": path,
                "display_order": order,
            }
        )
    return json_response(200, {"data": data, "errors": errors})


def sku_trait_value_assets(sb: JoorSandbox, req: Request) -> Response:
    data: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for index, item in enumerate(bulk_items(req)):
        try:
            style = _product(sb, item)
            raw_ref = item.get("sku_trait_value")
            ref = raw_ref if isinstance(raw_ref, dict) else {}
            raw_trait = ref.get("trait")
            trait = raw_trait if isinstance(raw_trait, dict) else {}
            if trait.get("id") != COLOR_TRAIT_ID and str(trait.get("name") or "").strip().lower() != "color":
                raise ItemError("INVALID", "sku_trait_value.trait must be the Color trait (id or name)")
            value = ref.get("value")
            wanted = value if isinstance(value, dict) else {"value": value}
            code, name = wanted.get("external_id"), wanted.get("value") or wanted.get("name")
            color = next(
                (
                    c
                    for c in style.colors
                    if (code not in (None, "") and c["color_code"] == str(code))
                    or (code in (None, "") and name and c["color_name"] == name)
                ),
                None,
            )
            if color is None:
                raise ItemError("INVALID", "sku_trait_value.value names no color of the product")
            kind, filename = _v4_asset(item, ("swatch", "image"))
        except ItemError as exc:
            errors.append(
                item_error(exc.status, exc.message, index, item, **{**_product_named(item), **exc.details})
            )
            continue
        path = _path(sb, filename)
        if kind == "swatch":
            color["color_image"] = path
        else:
            color["v4_images"] = [p for p in color.get("v4_images") or [] if p != path] + [path]
        style.modified = sb.now()
        data.append(
            {
                "product_id": style.product_id,
                "sku_trait_value": {
                    "trait": {"id": COLOR_TRAIT_ID, "name": "Color"},
                    "value": color["color_name"],
                    "external_id": color["color_code"],
                },
                "type": kind,
                "filename": filename,
                "url": path,
            }
        )
    return json_response(200, {"data": data, "errors": errors})
