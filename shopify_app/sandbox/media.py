"""Files and product media: how a source URL becomes a file, how it processes, how Shopify names it.

Recorded behaviour (`reference/shopify/recorded/`, product-create-media-parity, file-create-*,
media-file-*, file-acknowledge-update-failed-parity):
- a created file reads UPLOADED in the answer of the request that made it, then PROCESSING (images,
  generic files) or UPLOADED (videos) while it processes, then READY — or FAILED when its source is not
  what it claims to be (recorded: `https://example.com/not-an-image.jpg`);
- until READY an image has no `image`, `preview.image` or `mimeType`; a generic file has no `url`;
- a READY file is served from `https://cdn.shopify.com/s/files/1/{shop}/files/{filename}?v={epoch}`,
  the filename being the one given, else the source's last path segment (`…/600x400/png` →
  `png.png`); a name already taken gets `_{uuid}` before its extension (duplicateResolutionMode
  APPEND_UUID, the default).

The sandbox cannot download anything, so it decides what a source holds from the URL alone: its
extension, a `{width}x{height}` in its path (placeholder services), or — for a staged upload made
through the sandbox — the uploaded bytes. Sources on reserved example domains (RFC 2606), sources whose
extension is not of the declared kind, missing staged uploads, and URLs a test marks failing
(`POST /_sandbox/media/failing-urls`) fail processing.
"""

from __future__ import annotations

import posixpath
import re
import struct
import uuid
import weakref
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from shopify_app.sandbox.media_models import CONTENT_TYPES, PROCESSING_SECONDS, FileRecord
from shopify_app.sandbox.models import parse_gid, shop_number
from shopify_app.sandbox.resolvers import Context
from shopify_app.sandbox.store import ShopState

IMAGE_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "heic": "image/heic",
    "avif": "image/avif",
}
VIDEO_TYPES = {"mp4": "video/mp4", "mov": "video/quicktime", "webm": "video/webm", "m4v": "video/mp4"}
OTHER_TYPES = {
    "pdf": "application/pdf",
    "txt": "text/plain",
    "csv": "text/csv",
    "zip": "application/zip",
    "glb": "model/gltf-binary",
    "gltf": "model/gltf+json",
    "usdz": "model/vnd.usdz+zip",
    "json": "application/json",
}
RESERVED_HOSTS = ("example.com", "example.net", "example.org")
RESERVED_SUFFIXES = (".example", ".invalid", ".test")
# A placeholder service's size in the path (`placehold.co/600x400/png`); else this size is assumed.
_SIZE = re.compile(r"(?<![0-9])(\d{1,5})x(\d{1,5})(?![0-9])")
DEFAULT_SIZE = (1024, 1024)
STAGED_PREFIX = "/_sandbox/staged-uploads/"
MAX_ALT = 512  # recorded: fileCreate/fileUpdate ALT_VALUE_LIMIT_EXCEEDED beyond 512 characters
YOUTUBE = re.compile(r"(?:youtube\.com/(?:watch\?(?:.*&)?v=|embed/|shorts/)|youtu\.be/)([\w-]{6,})")
VIMEO = re.compile(r"vimeo\.com/(?:video/)?(\d+)")


# ----- sources ------------------------------------------------------------------------------------
def url_ok(value: str | None) -> bool:
    """An absolute http(s) URL (what Shopify accepts as a source; `not-a-url` is refused)."""
    if not value or len(value) > 2048:
        return False
    parts = urlsplit(value.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in parts.netloc


def extension(name: str) -> str:
    """Lower-case extension of a file name or URL path, '' when it has none."""
    base = posixpath.basename(name)
    return base.rsplit(".", 1)[1].lower() if "." in base.strip(".") else ""


def last_segment(url: str) -> str:
    return unquote(posixpath.basename(urlsplit(url).path.rstrip("/")))


def staged_key(url: str) -> str | None:
    """The key of a sandbox staged upload this URL points at, if it does."""
    path = urlsplit(url).path
    if STAGED_PREFIX in path:
        return unquote(path.split(STAGED_PREFIX, 1)[1])
    return None


def sniff(data: bytes) -> tuple[str, int, int] | None:
    """MIME type and size of PNG, JPEG or GIF bytes; None when the bytes are none of them."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return "image/png", width, height
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return "image/gif", width, height
    if data.startswith(b"\xff\xd8"):
        index = 2
        while index + 9 < len(data):
            if data[index] != 0xFF:
                index += 1
                continue
            marker = data[index + 1]
            length = struct.unpack(">H", data[index + 2 : index + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                height, width = struct.unpack(">HH", data[index + 5 : index + 9])
                return "image/jpeg", width, height
            index += 2 + length
        return "image/jpeg", *DEFAULT_SIZE
    return None


def kind_of(url: str, filename: str | None, content_type: str | None) -> str:
    """GraphQL type of a new file: the declared content type, else inferred from the extension
    (recorded 2026-04 file-create-content-type-inference: documents, 3D models and extensionless
    sources become GenericFile)."""
    declared = {
        "IMAGE": "MediaImage",
        "VIDEO": "Video",
        "EXTERNAL_VIDEO": "ExternalVideo",
        "FILE": "GenericFile",
    }
    if content_type in declared:
        return declared[content_type]
    ext = extension(filename or "") or extension(urlsplit(url).path)
    if ext in IMAGE_TYPES:
        return "MediaImage"
    if ext in VIDEO_TYPES:
        return "Video"
    if YOUTUBE.search(url) or VIMEO.search(url):
        return "ExternalVideo"
    return "GenericFile"


def external_video(url: str) -> tuple[str, str, str] | None:
    """(host, originUrl, embedUrl) of a YouTube or Vimeo URL (recorded: a watch URL reads back as
    `https://youtu.be/{id}` and embeds from `https://www.youtube.com/embed/{id}`)."""
    found = YOUTUBE.search(url)
    if found:
        return "YOUTUBE", f"https://youtu.be/{found[1]}", f"https://www.youtube.com/embed/{found[1]}"
    found = VIMEO.search(url)
    if found:
        return "VIMEO", f"https://vimeo.com/{found[1]}", f"https://player.vimeo.com/video/{found[1]}"
    return None


def _reserved(host: str) -> bool:
    host = host.lower().split(":", 1)[0]
    return host in RESERVED_HOSTS or host.endswith(tuple(f".{h}" for h in RESERVED_HOSTS) + RESERVED_SUFFIXES)


def describe(state: ShopState, url: str, kind: str) -> dict[str, Any]:
    """What processing a source will find: whether it fails, its MIME type, size in pixels and bytes."""
    found: dict[str, Any] = {"fails": False, "mime": None, "width": None, "height": None, "size": None}
    key = staged_key(url)
    if url in state.media.failing_urls or (key is None and _reserved(urlsplit(url).netloc)):
        found["fails"] = True
        return found
    data = state.staged_uploads.get(key) if key is not None else None
    if key is not None and data is None:
        found["fails"] = True  # nothing was uploaded to that target
        return found
    ext = extension(urlsplit(url).path) or last_segment(url).lower()
    if kind == "MediaImage":
        if data is not None:
            sniffed = sniff(data)
            if sniffed is None:
                found["fails"] = True
                return found
            found["mime"], found["width"], found["height"] = sniffed
            found["size"] = len(data)
            return found
        if ext in VIDEO_TYPES or ext in OTHER_TYPES:
            found["fails"] = True
            return found
        size = _SIZE.search(urlsplit(url).path)
        found["width"], found["height"] = (int(size[1]), int(size[2])) if size else DEFAULT_SIZE
        found["mime"] = IMAGE_TYPES.get(ext, "image/jpeg")
        return found
    if kind == "ExternalVideo":
        found["fails"] = external_video(url) is None
        return found
    if kind == "Video":
        found["mime"] = VIDEO_TYPES.get(extension(urlsplit(url).path), "video/mp4")
        found["fails"] = (
            data is None and key is None and "external_video_id" not in parse_qs(urlsplit(url).query)
        )
        return found
    found["mime"] = (IMAGE_TYPES | VIDEO_TYPES | OTHER_TYPES).get(ext, "application/octet-stream")
    found["size"] = len(data) if data is not None else None
    return found


# ----- names and URLs -----------------------------------------------------------------------------
def base_filename(url: str, filename: str | None, kind: str, mime: str | None) -> str:
    """The file's name before de-duplication: the given one, else the source's last path segment,
    with the image type as extension when it has none (`…/600x400/png` → `png.png`)."""
    if filename:
        return filename
    name = last_segment(url) or "file"
    if kind == "MediaImage" and not extension(name):
        ext = name.lower() if name.lower() in IMAGE_TYPES else _extension_of(mime) or "jpg"
        name = f"{name}.{ext}"
    return name


def _extension_of(mime: str | None) -> str | None:
    for ext, known in IMAGE_TYPES.items():
        if known == mime:
            return ext
    return None


def unique_filename(state: ShopState, name: str, *, except_id: int | None = None) -> str:
    """`name`, or `{stem}_{uuid}.{ext}` when another file has it (APPEND_UUID)."""
    taken = {f.filename for f in state.media.files.values() if f.id != except_id}
    if name not in taken:
        return name
    stem, dot, ext = name.rpartition(".") if "." in name.strip(".") else (name, "", "")
    return f"{stem}_{uuid.uuid4()}{dot}{ext}"


def cdn_url(state: ShopState, record: FileRecord) -> str:
    digits = f"{shop_number(state.domain):012d}"
    return (
        f"https://cdn.shopify.com/s/files/1/{digits[:4]}/{digits[4:8]}/{digits[8:]}/files/"
        f"{record.filename}?v={record.version}"
    )


# ----- lifecycle ----------------------------------------------------------------------------------
def new_file(
    context: Context,
    *,
    source: str,
    kind: str,
    alt: str | None,
    filename: str | None = None,
) -> FileRecord:
    """A file made from `source`, stored in the shop (its name de-duplicated)."""
    state = context.state
    found = describe(state, source, kind)
    now = state.now()
    record = FileRecord(
        id=state.next_id(),
        kind=kind,
        alt=alt or "",
        source=source,
        filename="",
        created_at=now,
        updated_at=now,
        created_clock=context.sandbox.clock(),
        version=int(context.sandbox.wall()),
        fails=found["fails"],
        width=found["width"],
        height=found["height"],
        mime_type=found["mime"],
        size=found["size"],
        created_in=weakref.ref(context),
    )
    record.filename = unique_filename(state, base_filename(source, filename, kind, found["mime"]))
    state.media.files[record.id] = record
    state.media.clock = context.sandbox.clock
    return record


def status(context: Context, record: FileRecord) -> str:
    """UPLOADED → PROCESSING (images, generic files; videos stay UPLOADED) → READY or FAILED."""
    if record.created_in is not None and record.created_in() is context:
        return "UPLOADED"
    if not record.started:
        # Processing starts once the creating request is over (recorded: updatedAt moves then).
        record.started = True
        record.updated_at = context.state.now()
    if context.sandbox.clock() - record.created_clock < PROCESSING_SECONDS:
        return "UPLOADED" if record.kind in ("Video", "ExternalVideo") else "PROCESSING"
    return "FAILED" if record.fails else "READY"


def settle_update(context: Context, record: FileRecord) -> None:
    """Finish a source update of a READY image once it has had time to process."""
    if record.pending_source is None:
        return
    if context.sandbox.clock() - record.pending_clock < PROCESSING_SECONDS:
        return
    if record.pending_fails:
        record.update_failed = True
    else:
        found = describe(context.state, record.pending_source, record.kind)
        record.source = record.pending_source
        record.width, record.height, record.mime_type = found["width"], found["height"], found["mime"]
        record.version = int(context.sandbox.wall())
    record.pending_source = None


def image_ready(context: Context, record: FileRecord) -> bool:
    """Whether an image has a picture to show (READY, no source update in flight or failed)."""
    if status(context, record) != "READY":
        return False
    settle_update(context, record)
    return record.pending_source is None and not record.update_failed


def reprocess(context: Context, record: FileRecord, source: str) -> None:
    """A new source for a file that is not yet READY or not an image: process it from scratch."""
    found = describe(context.state, source, record.kind)
    record.source = source
    record.fails = found["fails"]
    record.width, record.height, record.mime_type = found["width"], found["height"], found["mime"]
    record.created_clock = context.sandbox.clock()
    record.version = int(context.sandbox.wall())


def file_by_gid(state: ShopState, value: Any) -> FileRecord | None:
    """A file by its gid; the number decides (recorded 2026-04 media-file-delete-typed-gid-roundtrip:
    `gid://shopify/Video/{n}` deletes MediaImage {n})."""
    if not isinstance(value, str):
        return None
    for kind in ("MediaImage", "Video", "ExternalVideo", "GenericFile", "Model3d", "MediaFile"):
        number = parse_gid(value, kind)
        if number is not None:
            return state.media.files.get(number)
    return None


def find_media_node(state: ShopState, value: str) -> Any:
    """Files by their exact gid (for `node`/`nodes`)."""
    for kind in ("MediaImage", "Video", "ExternalVideo", "GenericFile"):
        number = parse_gid(value, kind)
        if number is not None:
            found = state.media.files.get(number)
            return found if found is not None and found.kind == kind else None
    return None


def find_catalog_node(state: ShopState, value: str) -> Any:
    """Files and collections by gid (for `node`/`nodes`)."""
    number = parse_gid(value, "Collection")
    if number is not None:
        return state.collections.collections.get(number)
    return find_media_node(state, value)


# ----- webhook bodies -----------------------------------------------------------------------------
def rest_media(state: ShopState, product: Any) -> dict[str, Any]:
    """`images`, `image` and `media` of a products/* webhook body (Shopify's REST product shape)."""
    from shopify_app.sandbox.payloads import rest_time

    media = state.media
    variants_of: dict[int, list[int]] = {}
    for variant in product.variants:
        for file_id in media.variant_media.get(variant.id, []):
            variants_of.setdefault(file_id, []).append(variant.id)
    images: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    for position, record in enumerate(media.media_of(product.id), start=1):
        elapsed = (media.clock() - record.created_clock) if media.clock else 0.0
        current = "PROCESSING" if elapsed < PROCESSING_SECONDS else ("FAILED" if record.fails else "READY")
        ready = current == "READY" and record.kind == "MediaImage"
        preview = (
            {"width": record.width, "height": record.height, "src": cdn_url(state, record), "status": current}
            if ready
            else None
        )
        entries.append(
            {
                "id": record.id,
                "product_id": product.id,
                "position": position,
                "created_at": rest_time(record.created_at),
                "updated_at": rest_time(record.updated_at),
                "alt": record.alt or None,
                "status": current,
                "media_content_type": CONTENT_TYPES[record.kind],
                "preview_image": preview,
                "variant_ids": variants_of.get(record.id, []),
                "admin_graphql_api_id": f"gid://shopify/{record.kind}/{record.id}",
            }
        )
        if ready:
            if record.product_image_id is None:
                record.product_image_id = state.next_id()
            images.append(
                {
                    "id": record.product_image_id,
                    "alt": record.alt or None,
                    "position": len(images) + 1,
                    "product_id": product.id,
                    "created_at": rest_time(record.created_at),
                    "updated_at": rest_time(record.updated_at),
                    "admin_graphql_api_id": f"gid://shopify/ProductImage/{record.product_image_id}",
                    "width": record.width,
                    "height": record.height,
                    "src": cdn_url(state, record),
                    "variant_ids": variants_of.get(record.id, []),
                }
            )
    return {"images": images, "image": images[0] if images else None, "media": entries}
