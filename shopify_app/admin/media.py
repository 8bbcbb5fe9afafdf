"""Product media and files through the Admin API: read a product's media, wait for files to process,
delete, reorder and attach media to variants, and the Files API calls.

The app's main way to give a product its images is `productSet(input: {files: [...]})` (list semantics:
files left out are deleted), sent with `AdminClient.product_set`. Shopify answers no field with the URL
a media was made from (`MediaImage.image.url` is its own CDN copy, named after the file), so whoever
needs to know which source a media came from keeps that link itself — e.g. a product metafield, or a
`filename` of its choosing, which Shopify keeps in the CDN URL and lets `files(query: "filename:…")`
find.

Functions take the client first, like `shopify_app.admin.bulk`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from shopify_app.admin.errors import ShopifyTimeout
from shopify_app.admin.types import MutationResult, nodes_of, user_errors_from

if TYPE_CHECKING:
    from shopify_app.admin.client import AdminClient

# Shopify's processing states: the first two mean "ask again later".
PENDING_STATUSES = frozenset({"UPLOADED", "PROCESSING"})
MAX_IDS_PER_CALL = 250


@dataclass(frozen=True)
class MediaItem:
    """One media or file as Shopify reports it."""

    id: str
    type: str  # MediaImage, Video, ExternalVideo, GenericFile
    status: str  # UPLOADED, PROCESSING, READY, FAILED
    alt: str | None = None
    url: str | None = None  # the image's (or document's) CDN URL, once READY
    width: int | None = None
    height: int | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def pending(self) -> bool:
        return self.status in PENDING_STATUSES

    @property
    def failed(self) -> bool:
        return self.status == "FAILED"

    @classmethod
    def from_payload(cls, raw: Mapping[str, Any]) -> MediaItem:
        image = raw.get("image") or {}
        errors = raw.get("mediaErrors") or raw.get("fileErrors") or []
        return cls(
            id=raw["id"],
            type=raw.get("__typename") or "",
            status=raw.get("status") or raw.get("fileStatus") or "",
            alt=raw.get("alt"),
            url=image.get("url") or raw.get("url"),
            width=image.get("width"),
            height=image.get("height"),
            errors=[f"{e.get('code')}: {e.get('message')}" for e in errors],
        )


@dataclass(frozen=True)
class ProductMedia:
    """A product's media in position order and the media id each variant shows (None: none)."""

    product_id: str
    media: list[MediaItem]
    variant_media: dict[str, str | None]


@dataclass(frozen=True)
class Job:
    id: str
    done: bool

    @classmethod
    def from_payload(cls, raw: Mapping[str, Any]) -> Job:
        return cls(id=raw["id"], done=bool(raw.get("done")))


@dataclass(frozen=True)
class JobResult(MutationResult):
    """A mutation Shopify finishes in the background: poll `job(id:)` (see `job_await`)."""

    job: Job | None = None


@dataclass(frozen=True)
class MediaDeleteResult(MutationResult):
    deleted_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class VariantMediaResult(MutationResult):
    variant_media: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class FilesResult(MutationResult):
    files: list[MediaItem] = field(default_factory=list)


def _first_media_id(variant: Mapping[str, Any]) -> str | None:
    shown = nodes_of(variant.get("media"))
    return shown[0]["id"] if shown else None


# ----- reads --------------------------------------------------------------------------------------
def product_media_get(client: AdminClient, *, product_id: str) -> ProductMedia | None:
    """All media of a product (paged past the first 50) and each variant's media; None: no product."""
    variables: dict[str, Any] = {"id": product_id}
    media: list[MediaItem] = []
    variant_media: dict[str, str | None] = {}
    while True:
        product = client.execute("ProductMedia", variables).data.get("product")
        if product is None:
            return None
        connection = product.get("media") or {}
        media.extend(MediaItem.from_payload(node) for node in nodes_of(connection))
        if not variant_media:
            variant_media = {v["id"]: _first_media_id(v) for v in nodes_of(product.get("variants"))}
        info = connection.get("pageInfo") or {}
        if not info.get("hasNextPage") or not info.get("endCursor"):
            return ProductMedia(product_id=product["id"], media=media, variant_media=variant_media)
        variables["after"] = info["endCursor"]


def files_status_get(client: AdminClient, *, file_ids: Sequence[str]) -> dict[str, MediaItem | None]:
    """The current state of each file or media id (None where Shopify has no such file)."""
    found: dict[str, MediaItem | None] = {}
    for start in range(0, len(file_ids), MAX_IDS_PER_CALL):
        chunk = list(file_ids[start : start + MAX_IDS_PER_CALL])
        nodes = client.execute("FileStatus", {"ids": chunk}).data.get("nodes") or [None] * len(chunk)
        for file_id, node in zip(chunk, nodes, strict=True):
            found[file_id] = MediaItem.from_payload(node) if node and "fileStatus" in node else None
    return found


def files_await_processed(
    client: AdminClient, *, file_ids: Iterable[str], poll_interval: float = 1.0, timeout: float = 120.0
) -> dict[str, MediaItem | None]:
    """Poll until no file is UPLOADED or PROCESSING; READY and FAILED both end the wait."""
    waiting = list(dict.fromkeys(file_ids))
    deadline = client.clock() + timeout
    states = files_status_get(client, file_ids=waiting)
    while any(item is not None and item.pending for item in states.values()):
        if client.clock() >= deadline:
            pending = [i for i, item in states.items() if item is not None and item.pending]
            raise ShopifyTimeout(f"files still processing after {timeout}s: {', '.join(pending[:5])}")
        client.sleep(poll_interval)
        states = files_status_get(client, file_ids=waiting)
    return states


def job_get(client: AdminClient, *, job_id: str) -> Job | None:
    raw = client.execute("Job", {"id": job_id}).data.get("job")
    return Job.from_payload(raw) if raw else None


def job_await(client: AdminClient, *, job: Job, poll_interval: float = 1.0, timeout: float = 120.0) -> Job:
    """Poll a background job until it is done."""
    deadline = client.clock() + timeout
    while not job.done:
        if client.clock() >= deadline:
            raise ShopifyTimeout(f"job {job.id} not done after {timeout}s")
        client.sleep(poll_interval)
        job = job_get(client, job_id=job.id) or Job(id=job.id, done=True)
    return job


# ----- product media writes -----------------------------------------------------------------------
def product_media_delete(
    client: AdminClient, *, product_id: str, media_ids: Sequence[str]
) -> MediaDeleteResult:
    payload = (
        client.execute("ProductDeleteMedia", {"productId": product_id, "mediaIds": list(media_ids)}).data.get(
            "productDeleteMedia"
        )
        or {}
    )
    return MediaDeleteResult(
        user_errors=user_errors_from(payload, "mediaUserErrors"),
        deleted_ids=list(payload.get("deletedMediaIds") or []),
    )


def product_media_reorder(
    client: AdminClient, *, product_id: str, moves: Sequence[tuple[str, int]]
) -> JobResult:
    """Move media to new positions (0-based), applied in the order given."""
    variables = {
        "id": product_id,
        "moves": [{"id": media_id, "newPosition": str(p)} for media_id, p in moves],
    }
    payload = client.execute("ProductReorderMedia", variables).data.get("productReorderMedia") or {}
    raw = payload.get("job")
    return JobResult(
        user_errors=user_errors_from(payload, "mediaUserErrors"), job=Job.from_payload(raw) if raw else None
    )


def _variant_media(
    client: AdminClient, operation: str, product_id: str, pairs: Mapping[str, str]
) -> VariantMediaResult:
    variables = {
        "productId": product_id,
        "variantMedia": [{"variantId": variant, "mediaIds": [media]} for variant, media in pairs.items()],
    }
    root = operation[0].lower() + operation[1:]
    payload = client.execute(operation, variables).data.get(root) or {}
    return VariantMediaResult(
        user_errors=user_errors_from(payload),
        variant_media={v["id"]: _first_media_id(v) for v in payload.get("productVariants") or []},
    )


def variant_media_append(
    client: AdminClient, *, product_id: str, pairs: Mapping[str, str]
) -> VariantMediaResult:
    """Show a READY image of the product on each variant (variant id → media id; one image each)."""
    return _variant_media(client, "ProductVariantAppendMedia", product_id, pairs)


def variant_media_detach(
    client: AdminClient, *, product_id: str, pairs: Mapping[str, str]
) -> VariantMediaResult:
    return _variant_media(client, "ProductVariantDetachMedia", product_id, pairs)


# ----- Files API ----------------------------------------------------------------------------------
def _files(payload: Mapping[str, Any]) -> FilesResult:
    return FilesResult(
        user_errors=user_errors_from(payload),
        files=[MediaItem.from_payload(f) for f in payload.get("files") or []],
    )


def file_create(client: AdminClient, *, files: Sequence[Mapping[str, Any]]) -> FilesResult:
    """fileCreate (each call makes new files: never retried when its outcome is unknown)."""
    payload = (
        client.execute("FileCreate", {"files": [dict(f) for f in files]}, idempotent=False).data.get(
            "fileCreate"
        )
        or {}
    )
    return _files(payload)


def file_update(client: AdminClient, *, files: Sequence[Mapping[str, Any]]) -> FilesResult:
    payload = client.execute("FileUpdate", {"files": [dict(f) for f in files]}).data.get("fileUpdate") or {}
    return _files(payload)


def file_delete(client: AdminClient, *, file_ids: Sequence[str]) -> MediaDeleteResult:
    payload = client.execute("FileDelete", {"fileIds": list(file_ids)}).data.get("fileDelete") or {}
    return MediaDeleteResult(
        user_errors=user_errors_from(payload), deleted_ids=list(payload.get("deletedFileIds") or [])
    )
