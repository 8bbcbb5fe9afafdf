"""Reading a pair's images: every page of a product's Shopify media, which image each variant shows
(from the bulk export, or `VariantMedia` in batches), and JOOR's colour images (v4)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from joorsync.joor.errors import JoorAuthError, JoorBadPayload, JoorPermanentError
from joorsync.media.plan import ShopifyMedia, joor_colour_images
from joorsync.sync.models import ApiGeneration, ProductLink
from shopify_app.admin.media import product_media_get

if TYPE_CHECKING:
    from joorsync.sync.engine.run import SyncRun

#: Variants per `VariantMedia` read: about 4 cost points each, under a query's 1,000-point cap.
VARIANT_READ_BATCH = 200
#: Reading colour images failing with these turns colour images off for the run (not transient).
COLOUR_READ_FAILURES: tuple[type[Exception], ...] = (
    JoorPermanentError,
    JoorBadPayload,
    JoorAuthError,
    ValueError,
)


class ImageReads:
    """The reads of a run's image step (`ImageSync`), with what they keep for the run."""

    run: SyncRun
    colours: dict[str, dict[str, str]]
    colours_off: bool
    shown: dict[str, str]
    to_read: list[str]
    stats: dict[str, int]

    def colour_images(self, link: ProductLink) -> dict[str, str] | None:
        """Colour code → its image path, from JOOR v4 (None: not readable for this account)."""
        if self.colours_off or self.run.account.api_generation != ApiGeneration.V4:
            return None
        product_id = link.joor_product_id or str(link.joor_style_id or "")
        if not product_id:
            return None
        if product_id not in self.colours:
            self.prefetch([product_id])
        return self.colours.get(product_id, {})

    def prefetch(self, product_ids: list[str], *, variant_ids: Iterable[str] = ()) -> None:
        """Read the colour images of many JOOR products in one `GET /v4/skus` (a page's styles), and
        note the page's Shopify variants read one product at a time (not exported), whose images are
        read together when first needed."""
        if self.compares_variants:
            self.to_read = [v for v in dict.fromkeys(variant_ids) if v and v not in self.shown]
        wanted = [p for p in product_ids if p and p not in self.colours]
        if not wanted or self.colours_off or self.run.account.api_generation != ApiGeneration.V4:
            return
        try:
            found = self.run.joor.client.color_images_list(product_ids=wanted)
        except COLOUR_READ_FAILURES as exc:
            self.colours_off = True
            self.run.event(
                action="colour_images_unreadable",
                level="warning",
                side="joor",
                message=f"JOOR's colour images could not be read ({exc}); colour images are left as they are",
            )
            return
        for product_id in wanted:
            self.colours.setdefault(product_id, {})
        by_product: dict[str, list[Any]] = {}
        for colour in found:
            by_product.setdefault(str(colour.product_id or ""), []).append(colour)
        for product_id, colours in by_product.items():
            self.colours[product_id] = joor_colour_images(colours)

    @property
    def compares_variants(self) -> bool:
        """Whether a merchant's variant images are compared: JOOR shows colour images (v4) and the
        run may write to JOOR (else they are not read: nothing could be sent)."""
        return (
            not self.colours_off
            and self.run.account.api_generation == ApiGeneration.V4
            and self.run.settings.allow_write_joor
        )

    def variant_media(self, link: ProductLink, *, node: Mapping[str, Any] | None = None) -> dict[str, str]:
        """Variant id → the media id each of the link's variants shows ("" none). An exported node
        says it (`exported_variant_media`); otherwise, or for an image its media do not name, it is
        read with the page's other variants (`VariantMedia`, `VARIANT_READ_BATCH` a call)."""
        ids = [v.shopify_variant_id for v in link.variant_links.all() if v.shopify_variant_id]
        exported = exported_variant_media(node) if node is not None else None
        if exported is not None:
            for variant_id in ids:
                media_id = exported.get(variant_id, "")  # not on the product any more: shows nothing
                if media_id is not None:
                    self.shown[variant_id] = media_id
        missing = [v for v in ids if v not in self.shown]
        if missing:
            wanted = list(dict.fromkeys([*missing, *(v for v in self.to_read if v not in self.shown)]))
            self.to_read = []
            client = self.run.shopify.client
            for start in range(0, len(wanted), VARIANT_READ_BATCH):
                chunk = wanted[start : start + VARIANT_READ_BATCH]
                self.stats["variant_image_reads"] += 1
                answer = client.execute("VariantMedia", {"ids": chunk})
                for variant_id in chunk:
                    self.shown[variant_id] = ""
                for read in answer.data.get("nodes") or []:
                    if read and read.get("id"):
                        first = ((read.get("media") or {}).get("nodes") or [{}])[0]
                        self.shown[read["id"]] = str((first or {}).get("id") or "")
        return {v: self.shown.get(v, "") for v in ids}

    def variant_images(
        self, link: ProductLink, media: list[ShopifyMedia], *, node: Mapping[str, Any] | None = None
    ) -> dict[str, tuple[str, str | None]] | None:
        """Variant id → (colour code, key of the image it shows); None when not compared."""
        if not self.compares_variants:
            return None
        shown = self.variant_media(link, node=node)
        keys = {m.media_id: m.key for m in media}
        colours = {v.shopify_variant_id: v.color_code for v in link.variant_links.all()}
        return {
            variant_id: (colours[variant_id], keys.get(media_id) if media_id else None)
            for variant_id, media_id in shown.items()
        }

    def complete(self, node: Mapping[str, Any]) -> Mapping[str, Any]:
        """The node with every media: a product read with only its first page of media gets the
        rest, since a productSet `files` list deletes whatever it leaves out."""
        media = node.get("media")
        if not isinstance(media, dict) or not (media.get("pageInfo") or {}).get("hasNextPage"):
            return node
        found = product_media_get(self.run.shopify.client, product_id=str(node["id"]))
        if found is None:
            return node
        nodes = [
            {
                "__typename": m.type,
                "id": m.id,
                "status": m.status,
                "image": {"url": m.url} if m.url else None,
                "mediaErrors": [{"message": e} for e in m.errors],
            }
            for m in found.media
        ]
        return {**node, "media": {"nodes": nodes}}


def exported_variant_media(node: Mapping[str, Any]) -> dict[str, str | None] | None:
    """Variant id → the media id it shows ("" none), from a node whose variants carry `image` (the
    bulk export); None when they do not (a `Product` read). The variant's image is matched to the
    product's media by URL path: both are the same CDN file, and the path is compared without the
    query string (`?v=…`, a version stamp). An image no media of the node matches is None (read)."""
    variants = node.get("variants") or {}
    listed = (variants.get("nodes") or []) if isinstance(variants, dict) else variants
    if not listed or not all(isinstance(v, Mapping) and "image" in v for v in listed):
        return None
    media = node.get("media") or {}
    by_path: dict[str, str] = {}
    for item in (media.get("nodes") or []) if isinstance(media, dict) else media:
        url = ((item or {}).get("image") or {}).get("url")
        if url and item.get("id"):
            by_path.setdefault(_url_path(str(url)), str(item["id"]))
    found: dict[str, str | None] = {}
    for variant in listed:
        if not variant.get("id"):
            continue
        url = (variant.get("image") or {}).get("url")
        found[str(variant["id"])] = by_path.get(_url_path(str(url))) if url else ""
    return found


def _url_path(url: str) -> str:
    return urlsplit(url).path
