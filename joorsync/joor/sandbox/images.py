"""Style images: v2 upload and delete (`POST|DELETE /v2/style-number/{sn}/{sid}/image/`) and v4 assets
(`POST /v4/assets/products`, `POST /v4/assets/sku_trait_values`). Images are recorded as paths on
JOOR's servers; v2 bytes are checked and then dropped.

v2 upload [https://api-docs.jooraccess.com/v2.0/reference/image-post]
[https://api-docs.jooraccess.com/v2.0/reference/introduction-2]:
- Query: `filename` (required, at most 69 characters), `display_order` (required, integer),
  `replace_existing` (style images are deleted first), `color_code` (the image belongs to that style
  color, one per color; required with `swatch`), `swatch=true` (the color's swatch, one per color),
  `url` (a public image URL; required when no binary body is sent).
- JPEG or PNG only (.jpeg/.jpg/.png), at most 4 MB; a binary body is sent with its Content-Type
  (JOOR: "use the appropriate Content Type Headers"): the sandbox takes image/jpeg (image/jpg) and
  image/png, refuses other types with 415 and a body whose bytes are not the declared type with 400.
  Over 4 MB is 400 (JOOR's status is not documented). A URL is never fetched: its size and type cannot
  be checked.
- JOOR appends a randomly generated string to every uploaded file name, so the stored name is read
  back from the style GET [https://api-docs.jooraccess.com/v2.0/reference/image-delete]: the sandbox
  stores `<stem>-<6 hex><ext>`, the hex derived from the sandbox seed and an upload counter
  (reproducible).
- Where each image shows: style images in the v2 style's `images` (ordered by `display_order`,
  1-based); a color image in v4 `GET /v4/skus` as the color trait value's `images`; a swatch as the
  v2 color's `color_image` and the v4 trait value's `swatch`.
- Answer: JOOR's example is not readable (it starts with an XML declaration). The sandbox answers the
  v2 envelope plus `image_path` and `upload_id`.

v2 delete [https://api-docs.jooraccess.com/v2.0/reference/image-delete]: `?filename=` the stored name
(with JOOR's suffix). Only style-level images can be deleted; color and swatch images can only be
overwritten (the sandbox answers 400 for them, 404 for a name the style does not have). Answer, as
JOOR's example: `{"style_image_deleted": {"response": "<uuid>"}, "image_deleted": {"style_number",
"style_identifier", "upload_id"}}`.

v4 product assets [https://api-docs.jooraccess.com/reference/create-product-assets]: `asset.type`
"image", "swatch" or "video" (JOOR: video is a premium feature enabled per account — not emulated);
file names at most 100 characters ending in .gif, .jpeg, .jpg or .png (.mp4 for videos); one video
per product (a second one without `replace_all` is refused INVALID: sandbox reading of "one video per
product"). `replace_all=true` (default false) first deletes the product's existing assets of each type
the request uploads, and only those. The size limits (10 MB, 15 MB for videos) cannot be checked: the
sandbox never fetches `source_url`. The body's fields are not on a readable JOOR page; the sandbox
takes viveren's (code only): `[{product: {id}, asset: {type, filename, source_url}, display_order}]`,
plus the optional `asset.external_id` (Productsup's JOOR export names `asset_external_id` as its one
optional attribute [https://help.productsup.com/en/29544-78339-add-joor-export.html]; viveren leaves it
out because "JOOR requires it to be globally unique across the account": the sandbox refuses one that
another asset of the account carries, DUPLICATED). The stored name carries JOOR's random suffix, as
for v2. Images land in the v2 style's `images`; swatches and videos have no v2 counterpart.
`display_order` orders a product's assets (lowest first; assets without one keep their place after
them: sandbox convenience, JOOR's base — 0 or 1 — is unknown; viveren sends 0-based positions). The
answer lists `{product_id, type, filename, url, display_order, external_id}` per asset (JOOR's answer is
unknown).

`POST /v4/assets/sku_trait_values` (code only: viveren; no JOOR page): `[{product: {id},
sku_trait_value: {trait: {id | name}, value: {external_id | value}}, asset: {type, filename,
source_url}}]` attaches a swatch (the v2 color's `color_image`) or an image to one color of the
product. Only Color values take assets (sandbox reading).
"""

from __future__ import annotations

import hashlib
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
MAX_V2_FILENAME = 69
_FILENAME_RE = re.compile(r"^[^/\\\x00]+\.(jpe?g|png)$", re.IGNORECASE)
_CONTENT_TYPES = {"image/jpeg": "jpeg", "image/jpg": "jpeg", "image/pjpeg": "jpeg", "image/png": "png"}
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


def stored_name(sb: JoorSandbox, filename: str) -> str:
    """The name JOOR stores an upload under: the client's name with a random string appended."""
    catalog = sb.catalog
    token = hashlib.sha256(f"{catalog.seed}:{catalog.next_upload}".encode()).hexdigest()[:6]
    catalog.next_upload += 1
    stem, dot, ext = filename.rpartition(".")
    return f"{stem}-{token}.{ext}" if dot else f"{filename}-{token}"


def _path(sb: JoorSandbox, filename: str) -> str:
    return f"/img/uploads/accounts/{sb.config.account_id}/images/{filename}"


def _upload_id(sb: JoorSandbox, style: StyleRecord, path: str) -> int:
    if path not in style.upload_ids:
        style.upload_ids[path] = sb.catalog.next_upload_id
        sb.catalog.next_upload_id += 1
    return style.upload_ids[path]


def _place(style: StyleRecord, path: str, *, display_order: int, replace: bool) -> None:
    images = [] if replace else [p for p in style.images if p != path]
    images.insert(max(0, min(display_order - 1, len(images))), path)
    style.images = images


def _unsupported_type(req: Request) -> str | None:
    """Why a binary upload's Content-Type is refused (415), or None; bad bytes or size raise 400."""
    if not req.body:
        raise BadRequest("send the image as the request body, or a url")
    declared = req.headers.get("content-type", "").split(";")[0].strip().lower()
    kind = _CONTENT_TYPES.get(declared)
    if kind is None:
        return f"Content-Type {declared or 'none'} is not accepted: send image/jpeg or image/png"
    if len(req.body) > MAX_IMAGE_BYTES:
        raise BadRequest("images are limited to 4 MB")
    if image_kind(req.body) != kind:
        raise BadRequest(f"the request body is not a {kind.upper()} image")
    return None


def upload_image(sb: JoorSandbox, req: Request, fmt: str) -> Response:
    style = by_number(sb, req)
    if style is None:
        return v2_error(404, "Style not found", log_id=req.log_id, fmt=fmt)
    filename = (req.arg("filename") or "").strip()
    if not _FILENAME_RE.match(filename):
        raise BadRequest("filename is required: a .jpg, .jpeg or .png file name")
    if len(filename) > MAX_V2_FILENAME:
        raise BadRequest(f"filename is limited to {MAX_V2_FILENAME} characters")
    raw_order = (req.arg("display_order") or "").strip()
    if not raw_order.isdigit():
        raise BadRequest("display_order is required and must be an integer")
    color_code = req.arg("color_code")
    swatch = (req.arg("swatch") or "").strip().lower() == "true"
    color = next((c for c in style.colors if c["color_code"] == color_code), None) if color_code else None
    if swatch and color is None:
        raise BadRequest("swatch=true needs the color_code of one of the style's colors")
    if color_code and color is None:
        raise BadRequest(f"color_code {color_code} is not a color of the style")
    url = req.arg("url")
    if url:
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise BadRequest("url must be an http(s) URL")
    else:
        refusal = _unsupported_type(req)
        if refusal is not None:
            return v2_error(415, refusal, log_id=req.log_id, fmt=fmt)
    path = _path(sb, stored_name(sb, filename))
    if color is not None and swatch:
        color["color_image"] = path
    elif color is not None:
        color["v4_images"] = [path]  # one image per style color
    else:
        replace = (req.arg("replace_existing") or "").strip().lower() in ("true", "1")
        _place(style, path, display_order=int(raw_order), replace=replace)
    style.modified = sb.now()
    doc = {
        "response": envelope(comment="Image uploaded", log_id=req.log_id),
        "image_path": path,
        "upload_id": _upload_id(sb, style, path),
    }
    return v2_document(200, doc, fmt)


def delete_image(sb: JoorSandbox, req: Request, fmt: str) -> Response:
    style = by_number(sb, req)
    if style is None:
        return v2_error(404, "Style not found", log_id=req.log_id, fmt=fmt)
    filename = (req.arg("filename") or "").strip()
    if not filename:
        raise BadRequest("filename is required (the stored name, as the style GET shows it)")

    def named(path: str | None) -> bool:
        return bool(path) and (path == filename or str(path).rsplit("/", 1)[-1] == filename)

    path = next((p for p in style.images if named(p)), None)
    if path is None:
        color_owned = any(
            named(c.get("color_image")) or any(named(p) for p in c.get("v4_images") or [])
            for c in style.colors
        )
        if color_owned:
            raise BadRequest(
                "only style images can be deleted: color and swatch images can only be overwritten"
            )
        return v2_error(404, f"Image {filename} not found on the style", log_id=req.log_id, fmt=fmt)
    upload_id = _upload_id(sb, style, path)
    style.images = [p for p in style.images if p != path]
    style.upload_ids.pop(path, None)
    style.asset_order.pop(path, None)
    style.asset_external_ids.pop(path, None)
    style.modified = sb.now()
    doc = {
        "style_image_deleted": {"response": req.log_id},
        "image_deleted": {
            "style_number": style.style_number,
            "style_identifier": style.style_identifier,
            "upload_id": upload_id,
        },
    }
    return v2_document(200, doc, fmt)


def _v4_asset(item: Any, types: tuple[str, ...]) -> tuple[str, str, str | None]:
    """`(type, filename, external_id)` of an item's `asset`, validated (source_url an http(s) URL)."""
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
    external_id = asset.get("external_id")
    if external_id is not None and (not isinstance(external_id, str) or not external_id.strip()):
        raise ItemError("INVALID", "asset.external_id must be a non-empty string")
    return kind, filename, external_id


def _external_id_owner(sb: JoorSandbox, external_id: str) -> tuple[StyleRecord, str] | None:
    for style in sb.catalog.styles.values():
        for path, value in style.asset_external_ids.items():
            if value == external_id:
                return style, path
    return None


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


#: JOOR's two asset categories: `replace_all` deletes the existing assets of the categories a request
#: uploads ("image" and "swatch" are both image assets).
_CATEGORY = {"image": "image", "swatch": "image", "video": "video"}
_ATTRS = {"image": ("images", "swatches"), "video": ("videos",)}


def product_assets(sb: JoorSandbox, req: Request) -> Response:
    replace_all = (req.arg("replace_all") or "").strip().lower() == "true"
    data: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    replaced: set[tuple[int, str]] = set()
    for index, item in enumerate(bulk_items(req)):
        try:
            style = _product(sb, item)
            kind, filename, external_id = _v4_asset(item, ("image", "swatch", "video"))
            order = item.get("display_order")
            if order is not None and (not isinstance(order, int) or isinstance(order, bool)):
                raise ItemError("INVALID", "display_order must be an integer")
            category = _CATEGORY[kind]
            replace = replace_all and (style.style_id, category) not in replaced
            if kind == "video" and style.videos and not replace:
                raise ItemError("INVALID", "a product has one video: send replace_all=true to replace it")
            owner = _external_id_owner(sb, external_id) if external_id else None
            if owner is not None and not (
                replace and owner[0] is style and owner[1] in _paths(style, category)
            ):
                raise ItemError(
                    "DUPLICATED",
                    "asset.external_id is already used by another asset of the account",
                    external_id=external_id,
                )
        except ItemError as exc:
            errors.append(
                item_error(exc.status, exc.message, index, item, **{**_product_named(item), **exc.details})
            )
            continue
        replaced.add((style.style_id, category))
        if replace:
            for attr in _ATTRS[category]:
                for old in getattr(style, attr):
                    style.asset_order.pop(old, None)
                    style.asset_external_ids.pop(old, None)
                    style.upload_ids.pop(old, None)
                setattr(style, attr, [])
        path = _path(sb, stored_name(sb, filename))
        if order is not None:
            style.asset_order[path] = order
        if external_id:
            style.asset_external_ids[path] = external_id
        attr = {"image": "images", "swatch": "swatches", "video": "videos"}[kind]
        setattr(style, attr, _ordered([*getattr(style, attr), path], style.asset_order))
        style.modified = sb.now()
        data.append(
            {
                "product_id": style.product_id,
                "type": kind,
                "filename": filename,
                "url": path,
                "display_order": order,
                "external_id": external_id,
            }
        )
    return json_response(200, {"data": data, "errors": errors})


def _paths(style: StyleRecord, category: str) -> list[str]:
    return [p for attr in _ATTRS[category] for p in getattr(style, attr)]


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
            kind, filename, _external_id = _v4_asset(item, ("swatch", "image"))
        except ItemError as exc:
            errors.append(
                item_error(exc.status, exc.message, index, item, **{**_product_named(item), **exc.details})
            )
            continue
        path = _path(sb, stored_name(sb, filename))
        if kind == "swatch":
            color["color_image"] = path
        else:
            color["v4_images"] = [*(color.get("v4_images") or []), path]
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
