"""Style images: v2 upload and delete, a style's images in display order, v4 product assets.

Shapes and limits, each with its JOOR page, are in docs/joor-api.md ("Catalog: images, linesheets,
warehouses, prices"). JOOR appends a random string to every uploaded file name, so an upload sent twice
is stored twice: a write that would add a second copy is sent once, never retried (`max_retries=0`);
one that replaces (`replace_existing`, a color image or swatch, `replace_all`) is retried like any call.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlparse

import httpx

from .client_results import BulkResult
from .errors import JoorBadPayload
from .records_catalog import (
    V2_IMAGE_MAX_BYTES,
    ImageDeletion,
    ImageUpload,
    ProductAsset,
    StyleImages,
    check_v2_image_filename,
    image_content_type,
)
from .v4 import V4_BATCH_SIZE
from .wire import parse_envelope
from .wire_catalog import parse_image_deletion, parse_image_upload, style_images_of

if TYPE_CHECKING:
    from .records import Style


def _style_path(style_number: str, style_identifier: str) -> str:
    if not style_number or not style_identifier:
        raise ValueError("a style is addressed by its style number and style identifier")
    return f"/v2/style-number/{quote(style_number, safe='')}/{quote(style_identifier, safe='')}"


def _answer_object(response: httpx.Response, label: str, *, written: bool) -> dict[str, Any]:
    """A v2 write answer as a JSON object. An unreadable answer to a write that may have been stored
    is not retried (a retry would store a second copy): it is a `JoorBadPayload`."""
    try:
        doc = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        hint = "; the image may have been stored: read the style's images before sending it again"
        raise JoorBadPayload(f"JOOR {label}: the answer is not valid JSON{hint if written else ''}") from None
    if not isinstance(doc, dict):
        raise JoorBadPayload(f"JOOR {label}: the answer is not a JSON object")
    return doc


def _asset_batches(
    payloads: Sequence[dict[str, Any]], *, keep_products_whole: bool
) -> list[list[dict[str, Any]]]:
    """Requests of at most 100 assets. With `replace_all` each request first deletes its products'
    assets, so a product's assets never span two requests (a product with more than 100 is refused)."""
    if not keep_products_whole:
        return [list(payloads[i : i + V4_BATCH_SIZE]) for i in range(0, len(payloads), V4_BATCH_SIZE)]
    groups: dict[str, list[dict[str, Any]]] = {}
    for payload in payloads:
        groups.setdefault(str(payload["product"]["id"]), []).append(payload)
    batches: list[list[dict[str, Any]]] = []
    current: list[dict[str, Any]] = []
    for product_id, group in groups.items():
        if len(group) > V4_BATCH_SIZE:
            raise ValueError(
                f"replace_all replaces a product's assets per request: product {product_id} has "
                f"{len(group)} assets, more than one request of {V4_BATCH_SIZE} holds"
            )
        if current and len(current) + len(group) > V4_BATCH_SIZE:
            batches.append(current)
            current = []
        current.extend(group)
    if current:
        batches.append(current)
    return batches


class CatalogAssetsMixin:
    """Image methods of `JoorClient` (needs its `_v2_call`, `get_style_by_number` and `_bulk_batch`)."""

    if TYPE_CHECKING:
        _v2_call: Callable[..., Any]

        def get_style_by_number(
            self, style_number: str, style_identifier: str, *, fmt: Any = ...
        ) -> Style: ...

        def _bulk_batch(
            self,
            path: str,
            batch: Sequence[Mapping[str, Any]],
            *,
            kind: str,
            params: Mapping[str, Any] | None = None,
            max_retries: int | None = None,
        ) -> BulkResult: ...

    # -- reads ----------------------------------------------------------------------------------

    def style_images_read(self, *, style_number: str, style_identifier: str) -> StyleImages:
        """A style's images in display order and each color's swatch, from the v2 style GET (JOOR's one
        documented read of a style's images; colors' own images come from `color_images_list`)."""
        return style_images_of(self.get_style_by_number(style_number, style_identifier))

    # -- v2 writes ------------------------------------------------------------------------------

    def style_image_upload(
        self,
        *,
        style_number: str,
        style_identifier: str,
        filename: str,
        display_order: int,
        url: str | None = None,
        content: bytes | None = None,
        color_code: str | None = None,
        swatch: bool = False,
        replace_existing: bool = False,
        retry: bool | None = None,
    ) -> ImageUpload:
        """`POST /v2/style-number/{sn}/{sid}/image/`: one image, from a public `url` or as `content`
        (JPEG or PNG bytes, at most 4 MB). With `color_code` the image is that color's (one per color),
        with `swatch=True` too its swatch; `replace_existing` deletes the style's other images first.
        `retry=False` sends even a replacing upload once (each upload costs credits); by default only
        a replacing one is retried (a retry of an adding one would store a second copy)."""
        check_v2_image_filename(filename)
        if isinstance(display_order, bool) or not isinstance(display_order, int) or display_order < 0:
            raise ValueError("display_order is a non-negative integer (JOOR requires it)")
        if swatch and not color_code:
            raise ValueError("a swatch belongs to a color: give its color_code")
        if (url is None) == (content is None):
            raise ValueError("send the image either by url or as content")
        params: dict[str, Any] = {"filename": filename, "display_order": display_order}
        if color_code:
            params["color_code"] = color_code
        if swatch:
            params["swatch"] = "true"
        if replace_existing:
            params["replace_existing"] = "true"
        content_type = None
        if url is not None:
            parsed = urlparse(url)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise ValueError("url must be a public http(s) URL")
            params["url"] = url
        else:
            assert content is not None
            if len(content) > V2_IMAGE_MAX_BYTES:
                raise ValueError("JOOR limits images to 4 MB")
            content_type = image_content_type(content)
        replaces = replace_existing or bool(color_code)
        path = f"{_style_path(style_number, style_identifier)}/image/"
        label = f"POST {path}"

        def parse(response: httpx.Response) -> ImageUpload:
            doc = _answer_object(response, label, written=True)
            from .client import check_envelope

            envelope = check_envelope(parse_envelope(response.content, fmt="json"), label)
            return parse_image_upload(doc, envelope.log_id)

        result: ImageUpload = self._v2_call(
            "POST",
            path,
            params=params,
            content=content,
            content_type=content_type,
            parse=parse,
            max_retries=None if replaces and retry is not False else 0,
        )
        return result

    def style_image_delete(self, *, style_number: str, style_identifier: str, filename: str) -> ImageDeletion:
        """`DELETE /v2/style-number/{sn}/{sid}/image/?filename=`: a style image by the name JOOR stored
        it under (as the style GET shows it). Color images and swatches cannot be deleted, only
        replaced; a name the style does not have is `JoorNotFound`."""
        if not filename:
            raise ValueError("filename is the stored name of the image")
        name = filename.rsplit("/", 1)[-1]
        path = f"{_style_path(style_number, style_identifier)}/image/"
        label = f"DELETE {path}"

        def parse(response: httpx.Response) -> ImageDeletion:
            return parse_image_deletion(_answer_object(response, label, written=False))

        result: ImageDeletion = self._v2_call("DELETE", path, params={"filename": name}, parse=parse)
        return result

    # -- v4 assets ------------------------------------------------------------------------------

    def product_assets_create(
        self, assets: Iterable[ProductAsset], *, replace_all: bool = False
    ) -> BulkResult:
        """`POST /v4/assets/products`: images, swatches, videos by `source_url`, ≤100 per request.

        `replace_all=True` makes JOOR delete the products' existing assets of the uploaded kinds
        (image assets, video assets) first; a product's assets then travel in one request, so that a
        second request does not delete what the first uploaded. Without it each asset is added (a
        re-sent asset is stored twice, so those requests are not retried)."""
        payloads = [asset.payload() for asset in assets]
        result = BulkResult()
        params = {"replace_all": "true"} if replace_all else None
        for batch in _asset_batches(payloads, keep_products_whole=replace_all):
            result.merge(
                self._bulk_batch(
                    "/v4/assets/products",
                    batch,
                    kind="created",
                    params=params,
                    max_retries=None if replace_all else 0,
                )
            )
        return result
