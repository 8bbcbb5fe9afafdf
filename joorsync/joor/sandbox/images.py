"""Style images: v2 upload (`POST /v2/style-number/{sn}/{sid}/image/`) and v4 product assets
(`POST /v4/assets/products`). Images are recorded as paths on JOOR's servers; the bytes are checked
(JPEG or PNG, at most 4 MB) and then dropped."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from .http import Request, Response, json_response, v2_document, v2_error
from .render import envelope
from .v2 import BadRequest, by_number
from .v4_common import ItemError, bulk_items, item_error, style_of_product

if TYPE_CHECKING:
    from .app import JoorSandbox
    from .model import StyleRecord

MAX_IMAGE_BYTES = 4 * 1024 * 1024
_FILENAME_RE = re.compile(r"^[^/\\\x00]{1,200}\.(jpe?g|png)$", re.IGNORECASE)


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


def product_assets(sb: JoorSandbox, req: Request) -> Response:
    replace_all = (req.arg("replace_all") or "").lower() == "true"
    data: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    replaced: set[int] = set()
    for index, item in enumerate(bulk_items(req)):
        try:
            if not isinstance(item, dict):
                raise ItemError("INVALID", "each item must be an object")
            product = item.get("product") if isinstance(item.get("product"), dict) else {}
            style = style_of_product(sb, product.get("id"))
            if style is None:
                raise ItemError("INVALID", "product.id must name an existing product")
            asset = item.get("asset") if isinstance(item.get("asset"), dict) else {}
            filename = str(asset.get("filename") or "")
            source = urlparse(str(asset.get("source_url") or ""))
            if asset.get("type") != "image" or not _FILENAME_RE.match(filename):
                raise ItemError("INVALID", "asset needs type image and a .jpg/.jpeg/.png filename")
            if source.scheme not in ("http", "https") or not source.netloc:
                raise ItemError("INVALID", "asset.source_url must be an http(s) URL")
            order = item.get("display_order")
            if order is not None and (not isinstance(order, int) or isinstance(order, bool)):
                raise ItemError("INVALID", "display_order must be an integer")
        except ItemError as exc:
            errors.append(item_error(exc.status, exc.message, index, **exc.details))
            continue
        replace = replace_all and style.style_id not in replaced
        replaced.add(style.style_id)
        path = _path(sb, filename)
        _place(style, path, display_order=order, replace=replace)
        style.modified = sb.now()
        data.append(
            {"product_id": style.product_id, "filename": filename, "url": path, "display_order": order}
        )
    return json_response(200, {"data": data, "errors": errors})
