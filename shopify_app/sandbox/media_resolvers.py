"""Read side of files and product media: `files`, `job`, `product.media`/`images`,
`variant.media`/`image` and the MediaImage, Video, ExternalVideo and GenericFile objects, as the
recordings show them."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from graphql import GraphQLResolveInfo

from shopify_app.sandbox import search
from shopify_app.sandbox.media import cdn_url, external_video, image_ready, status
from shopify_app.sandbox.media_models import CONTENT_TYPES, FileRecord
from shopify_app.sandbox.models import Product, Variant, gid
from shopify_app.sandbox.pagination import connection
from shopify_app.sandbox.resolvers import Context, ctx, page, resolves

KINDS = ("MediaImage", "Video", "ExternalVideo", "GenericFile")
MEDIA_KINDS = ("MediaImage", "Video", "ExternalVideo")
# Why a file FAILED, in the words of the schema's FileErrorCode / MediaErrorCode descriptions (no
# recording shows a failed file's errors).
FAILURES = {
    "MediaImage": (
        "IMAGE_DOWNLOAD_FAILURE",
        "could not be processed because the image could not be downloaded.",
    ),
    "GenericFile": (
        "GENERIC_FILE_DOWNLOAD_FAILURE",
        "could not be processed because the source could not be downloaded.",
    ),
    "Video": ("VIDEO_VALIDATION_ERROR", "failed validation."),
    "ExternalVideo": (
        "EXTERNAL_VIDEO_NOT_FOUND",
        "could not be created because the external video could not be found.",
    ),
}
JOB_ID = re.compile(r"gid://shopify/Job/[0-9A-Za-z-]+")
QUERY_ROOT = object()  # `Job.query`: resolvers of QueryRoot fields ignore their source


def _errors(context: Context, record: FileRecord, subject: str) -> list[dict[str, Any]]:
    if status(context, record) != "FAILED":
        return []
    code, text = FAILURES[record.kind]
    message = f"{subject} {text}" if record.kind != "Video" else "Video failed validation."
    return [{"code": code, "message": message, "details": None}]


@resolves("MediaImage", "id")
@resolves("Video", "id")
@resolves("ExternalVideo", "id")
@resolves("GenericFile", "id")
def _file_id(record: FileRecord, info: GraphQLResolveInfo) -> str:
    return gid(record.kind, record.id)


@resolves("MediaImage", "fileStatus", "status")
@resolves("Video", "fileStatus", "status")
@resolves("ExternalVideo", "fileStatus", "status")
@resolves("GenericFile", "fileStatus")
def _file_status(record: FileRecord, info: GraphQLResolveInfo) -> str:
    return status(ctx(info), record)


@resolves("MediaImage", "fileErrors")
@resolves("Video", "fileErrors")
@resolves("ExternalVideo", "fileErrors")
@resolves("GenericFile", "fileErrors")
def _file_errors(record: FileRecord, info: GraphQLResolveInfo) -> list[dict[str, Any]]:
    return _errors(ctx(info), record, "File")


@resolves("MediaImage", "mediaErrors")
@resolves("Video", "mediaErrors")
@resolves("ExternalVideo", "mediaErrors")
def _media_errors(record: FileRecord, info: GraphQLResolveInfo) -> list[dict[str, Any]]:
    return _errors(ctx(info), record, "Media")


@resolves("MediaImage", "mediaWarnings")
@resolves("Video", "mediaWarnings")
@resolves("ExternalVideo", "mediaWarnings")
def _media_warnings(record: FileRecord, info: GraphQLResolveInfo) -> list[dict[str, Any]]:
    return []


@resolves("MediaImage", "mediaContentType")
@resolves("Video", "mediaContentType")
@resolves("ExternalVideo", "mediaContentType")
def _content_type(record: FileRecord, info: GraphQLResolveInfo) -> str:
    return CONTENT_TYPES[record.kind]


@resolves("MediaImage", "mimeType")
@resolves("GenericFile", "mimeType")
def _mime_type(record: FileRecord, info: GraphQLResolveInfo) -> str | None:
    """Known once processed (recorded: null while UPLOADED or PROCESSING)."""
    return record.mime_type if status(ctx(info), record) == "READY" else None


def image_of(context: Context, record: FileRecord) -> dict[str, Any] | None:
    if record.kind != "MediaImage" or not image_ready(context, record):
        return None
    return {
        "id": gid("ImageSource", record.id),
        "url": cdn_url(context.state, record),
        "altText": record.alt,
        "width": record.width,
        "height": record.height,
    }


@resolves("MediaImage", "image")
def _image(record: FileRecord, info: GraphQLResolveInfo) -> dict[str, Any] | None:
    return image_of(ctx(info), record)


@resolves("MediaImage", "preview")
@resolves("Video", "preview")
@resolves("ExternalVideo", "preview")
@resolves("GenericFile", "preview")
def _preview(record: FileRecord, info: GraphQLResolveInfo) -> dict[str, Any]:
    """An image's preview is the image itself; it stays while a source update processes (recorded
    2026-04 media-file-update-source-semantics). Videos and documents have no preview here."""
    context = ctx(info)
    current = status(context, record)
    image = None
    if record.kind == "MediaImage" and current == "READY":
        image = {
            "id": gid("ImageSource", record.id),
            "url": cdn_url(context.state, record),
            "altText": record.alt,
            "width": record.width,
            "height": record.height,
        }
    return {"status": current, "image": image}


@resolves("GenericFile", "url")
def _generic_url(record: FileRecord, info: GraphQLResolveInfo) -> str | None:
    context = ctx(info)
    return cdn_url(context.state, record) if status(context, record) == "READY" else None


@resolves("GenericFile", "originalFileSize")
def _generic_size(record: FileRecord, info: GraphQLResolveInfo) -> int | None:
    return record.size if status(ctx(info), record) == "READY" else None


def _video(record: FileRecord) -> tuple[str, str, str]:
    return external_video(record.source) or ("YOUTUBE", record.source, record.source)


@resolves("ExternalVideo", "originUrl")
def _origin_url(record: FileRecord, info: GraphQLResolveInfo) -> str:
    return _video(record)[1]


@resolves("ExternalVideo", "embedUrl")
def _embed_url(record: FileRecord, info: GraphQLResolveInfo) -> str:
    return _video(record)[2]


@resolves("ExternalVideo", "host")
def _host(record: FileRecord, info: GraphQLResolveInfo) -> str:
    return _video(record)[0]


# ----- product and variant media ------------------------------------------------------------------
def _positioned(records: list[FileRecord]) -> dict[int, int]:
    return {record.id: position for position, record in enumerate(records, start=1)}


@resolves("Product", "media")
def _product_media(product: Product, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    records = ctx(info).state.media.media_of(product.id)
    if args.get("sortKey") == "ID":
        records = sorted(records, key=lambda r: r.id)
    positions = _positioned(records)
    return page(records, args, lambda r: str(positions[r.id]))


@resolves("Product", "mediaCount")
def _media_count(product: Product, info: GraphQLResolveInfo) -> dict[str, Any]:
    return {"count": len(ctx(info).state.media.media_of(product.id)), "precision": "EXACT"}


@resolves("Product", "featuredMedia")
def _featured_media(product: Product, info: GraphQLResolveInfo) -> FileRecord | None:
    """The first media once it can be shown (recorded: null while the only image processes)."""
    context = ctx(info)
    for record in context.state.media.media_of(product.id):
        if status(context, record) == "READY":
            return record
    return None


def product_images(context: Context, product: Product) -> list[dict[str, Any]]:
    """The product's ready images as `Image` objects, in media order (ids are ProductImage ids)."""
    images = []
    for record in context.state.media.media_of(product.id):
        shown = image_of(context, record)
        if shown is None:
            continue
        if record.product_image_id is None:
            record.product_image_id = context.state.next_id()
        images.append({**shown, "id": gid("ProductImage", record.product_image_id), "_media": record.id})
    return images


@resolves("Product", "images")
def _product_images(product: Product, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    images = product_images(ctx(info), product)
    positions = {image["_media"]: index for index, image in enumerate(images, start=1)}
    return connection(
        images,
        id_of=lambda image: image["_media"],
        value_of=lambda image: str(positions[image["_media"]]),
        first=args.get("first"),
        after=args.get("after"),
        last=args.get("last"),
        before=args.get("before"),
        reverse=bool(args.get("reverse")),
    )


@resolves("Product", "featuredImage")
def _featured_image(product: Product, info: GraphQLResolveInfo) -> dict[str, Any] | None:
    images = product_images(ctx(info), product)
    return images[0] if images else None


@resolves("ProductVariant", "media")
def _variant_media(variant: Variant, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    media = ctx(info).state.media
    records = [media.files[i] for i in media.variant_media.get(variant.id, []) if i in media.files]
    return page(records, args)


@resolves("ProductVariant", "image")
def _variant_image(variant: Variant, info: GraphQLResolveInfo) -> dict[str, Any] | None:
    """The image the variant shows: its media's `Image` (the same URL as `MediaImage.image.url`, a
    ProductImage id as in `Product.images`), null when it shows none or the image is not ready.
    Schema 2026-07: "The featured image for the variant" (deprecated for `media`, still answered);
    a variant shows at most one image (https://shopify.dev/changelog/new-variant-media-editing-methods-and-mime-type-field).
    No recording reads it."""
    context = ctx(info)
    media = context.state.media
    for file_id in media.variant_media.get(variant.id, []):
        record = media.files.get(file_id)
        shown = image_of(context, record) if record is not None else None
        if record is None or shown is None:
            continue
        if record.product_image_id is None:
            record.product_image_id = context.state.next_id()
        return {**shown, "id": gid("ProductImage", record.product_image_id)}
    return None


# ----- files and jobs -----------------------------------------------------------------------------
FILE_SORT: dict[str, Callable[[FileRecord], Any]] = {
    "ID": lambda f: str(f.id),
    "CREATED_AT": lambda f: f.created_at,
    "UPDATED_AT": lambda f: f.updated_at,
    "FILENAME": lambda f: f.filename.lower(),
    "ORIGINAL_UPLOAD_SIZE": lambda f: f.size or 0,
    "RELEVANCE": lambda f: str(f.id),
}
MEDIA_TYPES = {
    "MediaImage": "IMAGE",
    "Video": "VIDEO",
    "ExternalVideo": "EXTERNAL_VIDEO",
    "GenericFile": "GENERIC_FILE",
}


@resolves("QueryRoot", "files")
def _files(_: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    context = ctx(info)
    media = context.state.media
    groups = search.parse(args.get("query"))

    def values(record: FileRecord) -> Callable[[str | None], list[Any]]:
        def of(name: str | None) -> list[Any]:
            products = media.products_of(record.id)
            table: dict[str | None, list[Any]] = {
                None: [record.filename, record.alt],
                "filename": [record.filename],
                "media_type": [MEDIA_TYPES[record.kind]],
                "status": [status(context, record)],
                "product_id": products,
                "used_in": ["product"] if products else [],
                "id": [record.id],
                "ids": [record.id],
                "created_at": [record.created_at],
                "updated_at": [record.updated_at],
                "original_upload_size": [record.size],
            }
            return table.get(name, [])

        return of

    records = [r for r in media.files.values() if search.matches(groups, values(r))]
    key = FILE_SORT.get(args.get("sortKey") or "ID", FILE_SORT["ID"])
    records.sort(key=lambda r: (key(r), r.id))
    return page(records, args, key)


@resolves("QueryRoot", "job")
def _job(_: Any, info: GraphQLResolveInfo, id: str) -> dict[str, Any] | None:  # noqa: A002
    """A job is done by the time anyone reads it (recorded: collection and media jobs read `done`
    right after the mutation that made them)."""
    if not JOB_ID.fullmatch(id):
        return None
    return {"__typename": "Job", "id": id, "done": True, "query": QUERY_ROOT}
