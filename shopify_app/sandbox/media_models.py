"""Records of a sandbox shop's files and product media (a product's media are files too).

A `FileRecord` is a `MediaImage`, `Video`, `ExternalVideo` or `GenericFile`. Product media order and
variant media live beside the records in `MediaState`, so a product record stays as it is.
"""

from __future__ import annotations

import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# A file stays UPLOADED within the request that created it, then processes for this many seconds of
# the sandbox's clock (a test's fake clock only moves when told to; recorded: an image read right after
# its creation is PROCESSING, a later poll finds it READY).
PROCESSING_SECONDS = 2.0
MEDIA_KINDS = ("MediaImage", "Video", "ExternalVideo")
CONTENT_TYPES = {
    "MediaImage": "IMAGE",
    "Video": "VIDEO",
    "ExternalVideo": "EXTERNAL_VIDEO",
    "GenericFile": "FILE",
}


@dataclass
class FileRecord:
    """One file of the shop; the fields Shopify derives (status, URLs) are worked out when read."""

    id: int
    kind: str  # GraphQL type: MediaImage, Video, ExternalVideo, GenericFile
    alt: str
    # The URL the file was made from. Kept for the sandbox's own use only: Shopify answers no field
    # with it (its `originalSource.url` is a short-lived copy), so the app cannot read it back.
    source: str
    filename: str
    created_at: str
    updated_at: str
    created_clock: float
    version: int  # the `?v=` of its CDN URLs (epoch seconds of its last change)
    fails: bool = False
    width: int | None = None
    height: int | None = None
    mime_type: str | None = None
    size: int | None = None
    product_image_id: int | None = None
    started: bool = False
    created_in: weakref.ref[Any] | None = None
    # An `originalSource` update of a READY image: the new source, when it was given, whether it fails.
    pending_source: str | None = None
    pending_clock: float = 0.0
    pending_fails: bool = False
    # A failed source update waits for fileAcknowledgeUpdateFailed (the image reads null until then).
    update_failed: bool = False

    @property
    def graphql_type(self) -> str:
        return self.kind

    @property
    def is_media(self) -> bool:
        return self.kind in MEDIA_KINDS


@dataclass
class MediaState:
    """Files of one shop, the media order of each product and the media of each variant."""

    files: dict[int, FileRecord] = field(default_factory=dict)
    product_media: dict[int, list[int]] = field(default_factory=dict)
    variant_media: dict[int, list[int]] = field(default_factory=dict)
    # URLs made to fail processing (`POST /_sandbox/media/failing-urls`).
    failing_urls: set[str] = field(default_factory=set)
    # Jobs handed out by productReorderMedia and the collection mutations (`job(id:)` reads them done).
    jobs: set[str] = field(default_factory=set)
    # The sandbox clock, for webhook bodies written outside a request's context.
    clock: Callable[[], float] | None = None

    def new_job(self) -> dict[str, Any]:
        """A Job as the mutation answers it: not done yet; read back through `job(id:)` it is."""
        job_id = f"gid://shopify/Job/{uuid.uuid4()}"
        self.jobs.add(job_id)
        return {"id": job_id, "done": False, "query": None}

    def media_of(self, product_id: int) -> list[FileRecord]:
        return [self.files[i] for i in self.product_media.get(product_id, []) if i in self.files]

    def products_of(self, file_id: int) -> list[int]:
        return [p for p, ids in self.product_media.items() if file_id in ids]

    def detach(self, file_id: int, product_id: int, variant_ids: list[int]) -> None:
        """Take a file off a product (and off that product's variants)."""
        ids = self.product_media.get(product_id)
        if ids and file_id in ids:
            ids.remove(file_id)
        for variant_id in variant_ids:
            attached = self.variant_media.get(variant_id)
            if attached and file_id in attached:
                attached.remove(file_id)

    def forget(self, file_id: int) -> None:
        """Delete a file everywhere it is used."""
        self.files.pop(file_id, None)
        for ids in [*self.product_media.values(), *self.variant_media.values()]:
            if file_id in ids:
                ids.remove(file_id)
