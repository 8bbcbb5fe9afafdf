"""What the app keeps about a linked product's images: the last agreement and the identity map.

The map says which Shopify media and which JOOR image path are the same image (one key each). The
key also travels in the file names the app gives (`<name>--<key>.<ext>` in Shopify and in JOOR), so a
lost map is rebuilt from the names the two sides show; the map is what knows a Shopify media that is
still processing (it has no URL, hence no name, until READY).
"""

from __future__ import annotations

from django.db import models


class ImageAgreement(models.Model):
    """One linked product's images as both sides last agreed on them, and the identity map."""

    link = models.OneToOneField("sync.ProductLink", on_delete=models.CASCADE, related_name="image_agreement")
    # Style image keys both sides held after the last sync (the base of the three-way comparison).
    keys = models.JSONField(default=list)
    # Each side's order of those images as last seen, to tell which side reordered.
    joor_order = models.JSONField(default=list)
    shopify_order = models.JSONField(default=list)
    # Colour code → the key of the colour's image shown on that colour's Shopify variants.
    colors = models.JSONField(default=dict)
    # Identity map: key → Shopify media id, key → JOOR image path.
    media = models.JSONField(default=dict)
    paths = models.JSONField(default=dict)
    # Key → why JOOR refused its upload (not sent again while the Shopify image stays the same).
    refused = models.JSONField(default=dict)
    # Shopify variant id → the key of the image it showed after the last sync: a variant showing
    # another image is a merchant's change of that colour's image.
    variant_images = models.JSONField(default=dict)
    # Keys of Shopify images that are or were only a colour's image (shown on variants, or replaced
    # as a colour's image): they stay where they are and are never taken for new style images.
    retired = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "image agreement"

    def __str__(self) -> str:
        return f"images of link {self.link_id}: {len(self.keys or [])}"
