"""Writing a pair's images: the files-only `productSet` to Shopify and the uploads and deletes to
JOOR, and the `files` a new Shopify product is created with."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from joorsync.joor.client import JoorNotFound
from joorsync.joor.errors import JoorBadPayload, JoorPermanentError
from joorsync.media.plan import IMAGES_PATH, ImagePlan, ImageRules, color_path, plan_images
from joorsync.sync.canonical import CanonicalProduct
from joorsync.sync.engine.plan import Refusal, Side
from joorsync.sync.models import ProductLink

if TYPE_CHECKING:
    from joorsync.sync.engine.run import SyncRun

#: A JOOR upload that fails with these is a refusal of that image (its product's problem).
UPLOAD_REFUSALS: tuple[type[Exception], ...] = (JoorPermanentError, JoorBadPayload, ValueError)


class ImageWrites:
    """The writes of a run's image step (`ImageSync`)."""

    run: SyncRun
    stats: dict[str, int]

    def write_files(
        self, *, link: ProductLink, plan: ImagePlan, node: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        """A files-only productSet: the product's other fields and variants are not sent."""
        variants = node_variant_count(node)
        self.stats["files_only_writes"] += 1
        return self.run.shopify.writes.set_files(
            product_id=link.shopify_product_id, files=plan.files or [], variants_first=variants
        )

    def write_joor(self, *, link: ProductLink, plan: ImagePlan, product: CanonicalProduct) -> dict[str, str]:
        """Uploads and deletes in JOOR; returns key → stored path of what was uploaded. An image JOOR
        refuses is a problem of the product (and is not sent again while it stays the same)."""
        client = self.run.joor.client
        uploaded: dict[str, str] = {}
        for _key, path in plan.joor_deletes:
            self.stats["joor_deletes"] += 1
            try:
                client.style_image_delete(
                    style_number=product.style_number,
                    style_identifier=product.style_identifier,
                    filename=path,
                )
            except JoorNotFound:
                pass  # already gone
        for upload in plan.uploads:
            self.stats["joor_uploads"] += 1
            try:
                answer = client.style_image_upload(
                    style_number=product.style_number,
                    style_identifier=product.style_identifier,
                    filename=upload.filename,
                    display_order=upload.display_order,
                    url=upload.url,
                )
            except UPLOAD_REFUSALS as exc:
                reason = f"JOOR refused the upload ({exc})"[:500]
                plan.new_refused[upload.key] = reason
                plan.refusals.append(
                    Refusal(
                        side=Side.JOOR,
                        code="image_refused",
                        path=IMAGES_PATH,
                        message=f"Image {upload.name} is not sent to JOOR: {reason}",
                    )
                )
                continue
            uploaded[upload.key] = answer.image_path or ""
        for colour in list(plan.colour_uploads):
            self.stats["joor_uploads"] += 1
            try:
                answer = client.style_image_upload(
                    style_number=product.style_number,
                    style_identifier=product.style_identifier,
                    filename=colour.filename,
                    display_order=1,
                    url=colour.url,
                    color_code=colour.code,
                    retry=False,  # 5 credits a call: a failed upload is seen again next run
                )
            except UPLOAD_REFUSALS as exc:
                reason = f"JOOR refused the upload ({exc})"[:500]
                plan.new_refused[colour.key] = reason
                plan.held_colours.add(colour.code)
                plan.colour_uploads.remove(colour)
                plan.refusals.append(
                    Refusal(
                        side=Side.JOOR,
                        code="image_refused",
                        path=color_path(colour.code),
                        message=f"Image {colour.name} is not sent to JOOR: {reason}",
                    )
                )
                continue
            uploaded[colour.key] = answer.image_path or ""
        return uploaded


def node_variant_count(node: Mapping[str, Any]) -> int:
    variants = node.get("variants") or {}
    listed = variants.get("nodes") or variants.get("edges") or [] if isinstance(variants, dict) else variants
    return max(1, len(listed))


def create_files(product: CanonicalProduct) -> list[dict[str, Any]]:
    """The `files` of a new Shopify product: the style's images in JOOR's order."""
    images = product.joor.get("images")
    paths = [p for p in images if isinstance(p, str) and p] if isinstance(images, list) else []
    plan = plan_images(
        joor_paths=paths,
        joor_colors=None,
        shopify=[],
        agreed=None,
        rules=ImageRules(allow_shopify=True, allow_joor=False, propagate_deletes=False),
    )
    return plan.files or []
