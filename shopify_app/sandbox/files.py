"""The Files API: fileCreate, fileUpdate, fileDelete, fileAcknowledgeUpdateFailed.

Recorded (reference/shopify/recorded: file-create-delete-parity, file-update-parity,
files-upload-live-capture, media-file-update-source-semantics, file-acknowledge-update-failed-parity,
media-file-delete-typed-gid-roundtrip, file-update-product-reference-local-staging,
media-file-cascade-variant-media-clear) and, for the validation branches those do not reach, as
Shopify answered the shopify-draft-proxy project's captures (media-file-create-validation-branches,
media-file-user-error-aggregation, media-file-update-mixed-batch-partial-success).
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from shopify_app.sandbox import media_resolvers as _media_resolvers  # noqa: F401 - registers reads
from shopify_app.sandbox.media import (
    MAX_ALT,
    base_filename,
    describe,
    extension,
    file_by_gid,
    kind_of,
    new_file,
    reprocess,
    status,
    unique_filename,
    url_ok,
)
from shopify_app.sandbox.media_models import FileRecord
from shopify_app.sandbox.media_mutations import product_changed
from shopify_app.sandbox.models import Product, gid, parse_gid
from shopify_app.sandbox.resolvers import Context, ctx, resolves

NON_READY = "Non-ready files cannot be updated."


def files_error(field: list[str] | None, message: str, code: str) -> dict[str, Any]:
    return {"field": field, "message": message, "code": code}


def _gid_of(record: FileRecord) -> str:
    return gid(record.kind, record.id)


def _missing(ids: list[str], *, quoted: bool) -> str:
    """fileUpdate quotes the ids in brackets, fileDelete and fileAcknowledgeUpdateFailed do not
    (recorded: 'File id ["gid…"] does not exist.', 'File ids a,b do not exist.')."""
    if quoted:
        listed = "[" + ", ".join(f'"{value}"' for value in ids) + "]"
        return f"File id {listed} does not exist." if len(ids) == 1 else f"File ids {listed} do not exist."
    return f"File id {ids[0]} does not exist." if len(ids) == 1 else f"File ids {','.join(ids)} do not exist."


# ----- fileCreate ---------------------------------------------------------------------------------
def _create_error(context: Context, item: dict[str, Any], index: int) -> dict[str, Any] | None:
    """At most one problem per input, in Shopify's order: source, filename, duplicate mode, alt."""
    path = ["files", str(index)]
    source = item.get("originalSource") or ""
    if not url_ok(source):
        return files_error([*path, "originalSource"], "File URL is invalid", "INVALID_IMAGE_SOURCE_URL")
    filename = item.get("filename")
    source_ext = extension(source.split("?", 1)[0])
    if filename and extension(filename) and source_ext and extension(filename) != source_ext:
        return files_error(
            [*path, "filename"],
            "Provided filename extension must match original source.",
            "MISMATCHED_FILENAME_AND_ORIGINAL_SOURCE",
        )
    mode = item.get("duplicateResolutionMode") or "APPEND_UUID"
    if mode == "REPLACE" and not filename:
        return files_error(
            [*path, "filename"],
            "Missing filename argument when attempting to use REPLACE duplicate mode.",
            "MISSING_FILENAME_FOR_DUPLICATE_MODE_REPLACE",
        )
    if len(item.get("alt") or "") > MAX_ALT:
        return files_error(
            [*path, "alt"],
            f"The alt value exceeds the maximum limit of {MAX_ALT} characters.",
            "ALT_VALUE_LIMIT_EXCEEDED",
        )
    if item.get("contentType") == "MODEL_3D":
        return files_error([*path, "contentType"], "3D models are not served by the sandbox.", "INVALID")
    if mode == "RAISE_ERROR" and _named(context, _filename_for(context, item)) is not None:
        return files_error([*path, "filename"], "Filename already exists.", "FILENAME_ALREADY_EXISTS")
    return None


def _filename_for(context: Context, item: dict[str, Any]) -> str:
    source = item["originalSource"].strip()
    kind = kind_of(source, item.get("filename"), item.get("contentType"))
    # A document keeps its source's name (recorded: a PDF created as `…-generic.pdf` is served as
    # `dummy.pdf`, the name in its source URL).
    given = None if kind == "GenericFile" else item.get("filename")
    return base_filename(source, given, kind, describe(context.state, source, kind)["mime"])


def _named(context: Context, filename: str) -> FileRecord | None:
    for record in context.state.media.files.values():
        if record.filename == filename:
            return record
    return None


@resolves("Mutation", "fileCreate")
def file_create(_: Any, info: GraphQLResolveInfo, files: list[dict[str, Any]]) -> dict[str, Any]:
    context = ctx(info)
    errors = [e for index, item in enumerate(files) if (e := _create_error(context, item, index)) is not None]
    if errors:
        return {"files": [], "userErrors": errors}
    created = []
    for item in files:
        source = item["originalSource"].strip()
        kind = kind_of(source, item.get("filename"), item.get("contentType"))
        existing = _named(context, _filename_for(context, item))
        if (
            item.get("duplicateResolutionMode") == "REPLACE"
            and existing is not None
            and existing.kind == kind
        ):
            reprocess(context, existing, source)
            existing.alt = item.get("alt") or existing.alt
            existing.updated_at = context.state.now()
            created.append(existing)
            continue
        record = new_file(context, source=source, kind=kind, alt=item.get("alt"), filename=None)
        record.filename = unique_filename(context.state, _filename_for(context, item), except_id=record.id)
        created.append(record)
    return {"files": created, "userErrors": []}


# ----- fileUpdate ---------------------------------------------------------------------------------
def _update_errors(
    context: Context, item: dict[str, Any], record: FileRecord, index: int
) -> list[dict[str, Any]]:
    path = ["files", str(index)]
    if item.get("originalSource") is not None and item.get("previewImageSource") is not None:
        message = (
            "Cannot update the preview image and image at the same time because they are one and the same."
        )
        return [
            files_error([*path, "previewImageSource"], message, "INVALID"),
            files_error([*path, "originalSource"], message, "INVALID"),
        ]
    if len(item.get("alt") or "") > MAX_ALT:
        return [
            files_error(
                [*path, "alt"],
                f"The alt value exceeds the maximum limit of {MAX_ALT} characters.",
                "ALT_VALUE_LIMIT_EXCEEDED",
            )
        ]
    if item.get("originalSource") is not None:
        if record.kind not in ("MediaImage", "GenericFile"):
            return [
                files_error(
                    [*path, "originalSource"],
                    "Updating the original source is not supported for this media type.",
                    "INVALID",
                )
            ]
        if not url_ok(item["originalSource"]):
            return [files_error([*path, "originalSource"], "File URL is invalid", "INVALID_IMAGE_SOURCE_URL")]
    if item.get("previewImageSource") is not None and not url_ok(item["previewImageSource"]):
        return [
            files_error(
                [*path, "previewImageSource"],
                "Invalid image source url value provided",
                "INVALID_IMAGE_SOURCE_URL",
            )
        ]
    if item.get("filename") is not None:
        if record.kind not in ("MediaImage", "GenericFile"):
            return [
                files_error(
                    ["files"],
                    "Updating the filename is only supported on images and generic files",
                    "UNSUPPORTED_MEDIA_TYPE_FOR_FILENAME_UPDATE",
                )
            ]
        if extension(item["filename"]) != extension(record.filename):
            return [
                files_error(
                    ["files"],
                    "The filename extension provided must match the original filename.",
                    "INVALID_FILENAME_EXTENSION",
                )
            ]
    for value in [*(item.get("referencesToAdd") or []), *(item.get("referencesToRemove") or [])]:
        if _reference(context, value) is None:
            return [
                files_error(
                    ["files"], "The reference target does not exist", "REFERENCE_TARGET_DOES_NOT_EXIST"
                )
            ]
    return []


def _reference(context: Context, value: str) -> Product | None:
    number = parse_gid(value, "Product")
    return context.state.products.get(number) if number is not None else None


def _apply_update(context: Context, item: dict[str, Any], record: FileRecord) -> set[int]:
    """Apply one row; returns the products whose media changed."""
    state = context.state
    now = state.now()
    touched: set[int] = set()
    if item.get("alt") is not None:
        record.alt = item["alt"]
    source = item.get("originalSource")
    if source is not None:
        record.version = int(context.sandbox.wall())
        if record.kind == "MediaImage":
            # A READY image keeps its status; its picture is gone until the new source is processed
            # (recorded: image null, preview still showing, status READY).
            record.pending_source = source.strip()
            record.pending_clock = context.sandbox.clock()
            record.pending_fails = describe(state, source.strip(), record.kind)["fails"]
            record.update_failed = False
        else:
            record.source = source.strip()  # a document is replaced in place, under its name
    if item.get("filename") is not None:
        record.filename = unique_filename(state, item["filename"], except_id=record.id)
    media = state.media
    for value in item.get("referencesToAdd") or []:
        product = _reference(context, value)
        assert product is not None
        order = media.product_media.setdefault(product.id, [])
        if record.id not in order:
            order.append(record.id)
            touched.add(product.id)
    for value in item.get("referencesToRemove") or []:
        product = _reference(context, value)
        assert product is not None
        if record.id in media.product_media.get(product.id, []):
            media.detach(record.id, product.id, [v.id for v in product.variants])
            touched.add(product.id)
    record.updated_at = now
    return touched


@resolves("Mutation", "fileUpdate")
def file_update(_: Any, info: GraphQLResolveInfo, files: list[dict[str, Any]]) -> dict[str, Any]:
    """Every file must exist and be READY, else nothing changes; rows then succeed or fail one by one
    (recorded mixed batch)."""
    context = ctx(info)
    rows = [(item, file_by_gid(context.state, item["id"])) for item in files]
    missing = [item["id"] for item, record in rows if record is None]
    if missing:
        return {
            "files": [],
            "userErrors": [files_error(["files"], _missing(missing, quoted=True), "FILE_DOES_NOT_EXIST")],
        }
    if any(status(context, record) != "READY" for _, record in rows if record is not None):
        return {"files": [], "userErrors": [files_error(["files"], NON_READY, "NON_READY_STATE")]}
    updated, errors, touched = [], [], set()
    for index, (item, record) in enumerate(rows):
        assert record is not None
        problems = _update_errors(context, item, record, index)
        if problems:
            errors.extend(problems)
            continue
        touched |= _apply_update(context, item, record)
        updated.append(record)
    for product_id in sorted(touched):
        product_changed(context, context.state.products[product_id])
    return {"files": updated, "userErrors": errors}


# ----- fileDelete / fileAcknowledgeUpdateFailed ---------------------------------------------------
@resolves("Mutation", "fileDelete")
def file_delete(_: Any, info: GraphQLResolveInfo, fileIds: list[str]) -> dict[str, Any]:  # noqa: N803
    """Deleting a product's media file takes it off the product and its variants (recorded)."""
    context = ctx(info)
    rows = [(value, file_by_gid(context.state, value)) for value in fileIds]
    missing = [value for value, record in rows if record is None]
    if missing:
        error = files_error(["fileIds"], _missing(missing, quoted=False), "FILE_DOES_NOT_EXIST")
        return {"deletedFileIds": None, "userErrors": [error]}
    deleted, touched = [], set()
    for _value, record in rows:
        assert record is not None
        if _gid_of(record) in deleted:
            continue
        deleted.append(_gid_of(record))
        touched.update(context.state.media.products_of(record.id))
        context.state.media.forget(record.id)
    for product_id in sorted(touched):
        if product_id in context.state.products:
            product_changed(context, context.state.products[product_id])
    return {"deletedFileIds": deleted, "userErrors": []}


@resolves("Mutation", "fileAcknowledgeUpdateFailed")
def file_acknowledge_update_failed(_: Any, info: GraphQLResolveInfo, fileIds: list[str]) -> dict[str, Any]:  # noqa: N803
    """Clears a failed source update of READY files (the previous picture shows again)."""
    context = ctx(info)
    rows = [(value, file_by_gid(context.state, value)) for value in fileIds]
    missing = [value for value, record in rows if record is None]
    if missing:
        error = files_error(["fileIds"], _missing(missing, quoted=False), "FILE_DOES_NOT_EXIST")
        return {"files": None, "userErrors": [error]}
    not_ready = [value for value, record in rows if record is not None and status(context, record) != "READY"]
    if not_ready:
        if len(not_ready) == 1:
            message = f"File with id {not_ready[0]} is not in the READY state."
        else:
            message = f"Files with ids {', '.join(not_ready)} are not in the READY state."
        return {"files": None, "userErrors": [files_error(["fileIds"], message, "NON_READY_STATE")]}
    acknowledged = []
    for _value, record in rows:
        assert record is not None
        record.pending_source = None
        record.update_failed = False
        acknowledged.append(record)
    return {"files": acknowledged, "userErrors": []}
