"""The engine's image step for one run: plan a linked pair's images, write them with the pair's own
writes, record the agreement, and at the end of a batch put colour images on their variants.

Shopify's media reach a product through the same `productSet` the pair's content goes in (a
files-only `productSet` when only images changed), so images cost no call of their own. Shopify
processes new media asynchronously and shows a variant only a READY image: colour images are attached
at the end of the batch after a bounded wait (`MEDIA_WAIT_SECONDS`), one `productVariantAppendMedia`
per product; what is still processing then is attached by the next run, and a media that FAILED is a
problem of its product. JOOR gets Shopify's images through the v2 upload by URL (JOOR fetches the
image from Shopify's CDN), one call of 5 credits each, never retried (a retry would store a copy).
A colour's image changed in Shopify (the image its variants show) goes to JOOR the same way, with
`color_code`. Which image each variant shows comes with the bulk export (`ProductVariant.image`,
matched to the product's media by URL), so a full run reads nothing more for it; a product read on
its own (`Product`) has its variants' media read in batches of `VARIANT_READ_BATCH` per page of
styles. Both only for accounts whose colour images JOOR shows (v4) and that write to JOOR.

`ImageSync` joins the parts, each in its own module: `reads.py` (Shopify media, variant images,
JOOR colour images), `writes.py` (Shopify files, JOOR uploads and deletes), `agreement.py` (the
agreement stored after the writes), `attach.py` (colour images onto variants at the end of a
batch) and `history.py` (history and preview rows).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from joorsync.media.agreement import AgreementRecord, agreement_of
from joorsync.media.attach import PendingAttach, VariantAttach
from joorsync.media.history import image_changes, image_preview, image_writes
from joorsync.media.plan import ImagePlan, ImageRules, plan_images, shopify_media_of
from joorsync.media.reads import ImageReads
from joorsync.media.writes import ImageWrites, create_files
from joorsync.sync.canonical import CanonicalProduct
from joorsync.sync.engine.plan import PairPlan
from joorsync.sync.models import DeletePolicy, ProductLink

if TYPE_CHECKING:
    from joorsync.sync.engine.run import SyncRun

__all__ = [
    "ImageSync",
    "create_files",
    "image_changes",
    "image_preview",
    "image_sync_of",
    "image_writes",
    "images_unchanged",
]


@dataclass(slots=True)
class ImageSync(ImageReads, ImageWrites, AgreementRecord, VariantAttach):
    """One run's image work: the colour images read from JOOR, the attaches waiting for READY."""

    run: SyncRun
    colours: dict[str, dict[str, str]] = field(default_factory=dict)  # JOOR product id → code → path
    colours_off: bool = False
    pending: list[PendingAttach] = field(default_factory=list)
    shown: dict[str, str] = field(default_factory=dict)  # variant id → the media id it shows ("" none)
    to_read: list[str] = field(default_factory=list)  # variant ids of the page, read on first need
    # Calls of the image step of its own (images riding in a pair's productSet cost none).
    stats: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            (
                "files_only_writes",
                "status_reads",
                "variant_media_calls",
                "variant_image_reads",
                "joor_uploads",
                "joor_deletes",
            ),
            0,
        )
    )

    def plan(
        self, *, link: ProductLink, joor_product: CanonicalProduct, node: Mapping[str, Any], pair: PairPlan
    ) -> ImagePlan | None:
        """The pair's image plan; its refusals and notes join the pair's. None: the node was read
        without its media (nothing is compared)."""
        if "media" not in node:
            return None
        node = self.complete(node)
        agreed = agreement_of(link)
        known = {media_id: key for key, media_id in (agreed.media if agreed else {}).items()}
        images = joor_product.joor.get("images")
        paths = [p for p in images if isinstance(p, str) and p] if isinstance(images, list) else []
        settings = self.run.settings
        media = shopify_media_of(node, known=known)
        joor_colors = self.colour_images(link)
        plan = plan_images(
            joor_paths=paths,
            joor_colors=joor_colors,
            shopify=media,
            agreed=agreed,
            rules=ImageRules(
                allow_shopify=settings.allow_write_shopify,
                allow_joor=settings.allow_write_joor,
                propagate_deletes=self.run.account.delete_policy == DeletePolicy.ARCHIVE,
            ),
            variants=self.variant_images(link, media, node=node) if joor_colors is not None else None,
        )
        pair.refusals.extend(plan.refusals)
        pair.notes.extend(plan.notes)
        return plan


def images_unchanged(*, link: ProductLink, node: Mapping[str, Any], run: SyncRun | None = None) -> bool:
    """Whether the product's Shopify images are as last agreed (a merchant's added, removed or
    reordered image, or a variant showing another image, is a change to carry to JOOR, like an
    edited field). Variant images are read only with `run` and when the run compares them."""
    if "media" not in node:
        return True
    agreed = agreement_of(link)
    known = {media_id: key for key, media_id in (agreed.media if agreed else {}).items()}
    media = shopify_media_of(node, known=known)
    if any(m.key is None for m in media):
        return True  # still processing: compared once Shopify is done with it
    if agreed is None:
        return not any(m.is_image for m in media)
    colours = set(agreed.colors.values()) | set(agreed.retired)
    if [m.key for m in media if m.is_image and m.key not in colours] != agreed.shopify_order:
        return False
    if run is None or not agreed.variant_images:
        return True
    step = image_sync_of(run)
    shown = step.variant_images(link, media, node=node)
    if shown is None:
        return True
    return all(agreed.variant_images.get(v, key or "") == (key or "") for v, (_, key) in shown.items())


def image_sync_of(run: SyncRun) -> ImageSync:
    """The run's image step, made on first use."""
    found = run.__dict__.get("_image_sync")
    if found is None:
        found = ImageSync(run)
        run.__dict__["_image_sync"] = found
    return found
