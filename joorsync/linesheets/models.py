"""Which JOOR linesheet is which Shopify collection, what the two last agreed on, and the shop's
linesheet settings.

Writes go through `joorsync.linesheets.services`, reads through `joorsync.linesheets.selectors`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class LinesheetDirection(models.TextChoices):
    OFF = "off", "Off"
    JOOR_TO_SHOPIFY = "joor-to-shopify", "JOOR linesheets become Shopify collections"
    SHOPIFY_TO_JOOR = "shopify-to-joor", "Chosen Shopify collections become JOOR linesheets"
    BOTH = "both", "Both"


class LinesheetSettings(models.Model):
    """One row per shop, made with the defaults on first use: nothing is synced until a person turns
    it on (collections are visible to the merchant's staff and themes)."""

    shop = models.OneToOneField(
        "shopify_app.Shop", on_delete=models.CASCADE, related_name="linesheet_settings"
    )
    direction = models.CharField(
        max_length=20, choices=LinesheetDirection.choices, default=LinesheetDirection.OFF
    )
    #: Shopify collection ids (gids) the merchant chose to send to JOOR as linesheets.
    shopify_collections = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"linesheets of shop {self.shop_id}: {self.direction}"

    @property
    def joor_to_shopify(self) -> bool:
        return self.direction in (LinesheetDirection.JOOR_TO_SHOPIFY, LinesheetDirection.BOTH)

    @property
    def shopify_to_joor(self) -> bool:
        return self.direction in (LinesheetDirection.SHOPIFY_TO_JOOR, LinesheetDirection.BOTH)


class LinesheetLink(models.Model):
    """A JOOR linesheet (v2 delivery / v4 collection) ↔ a Shopify collection.

    The side a link comes from owns it: a JOOR linesheet's membership and order are written to its
    collection, a chosen Shopify collection's to its linesheet. `members` is the last agreed
    membership in order (Shopify product gids); `attrs` the last agreed title and collection metafields.
    """

    class Origin(models.TextChoices):
        JOOR = "joor", "JOOR linesheet"
        SHOPIFY = "shopify", "Shopify collection"

    class Status(models.TextChoices):
        ACTIVE = "active", "In sync"
        GONE_JOOR = "gone-joor", "Gone from JOOR"
        GONE_SHOPIFY = "gone-shopify", "Deleted in Shopify"
        STOPPED = "stopped", "No longer chosen"

    shop = models.ForeignKey("shopify_app.Shop", on_delete=models.CASCADE, related_name="linesheet_links")
    origin = models.CharField(max_length=10, choices=Origin.choices)
    #: The delivery's code (else its name); for a Shopify collection, the code it was given in JOOR.
    joor_key = models.CharField(max_length=200)
    joor_collection_id = models.CharField(max_length=64, blank=True, default="")
    shopify_collection_id = models.CharField(max_length=100, blank=True, default="")
    title = models.CharField(max_length=255, blank=True, default="")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    members = models.JSONField(default=list, blank=True)
    attrs = models.JSONField(default=dict, blank=True)
    #: The collection's `updatedAt` as read after this app's last writes: another value means someone
    #: else changed the collection since, and its products are read again…
    shopify_updated_at = models.CharField(max_length=40, blank=True, default="")
    #: …and its product count then (the timestamp has a one-second resolution; the count catches a
    #: product taken out within the same second).
    shopify_products_count = models.IntegerField(null=True, blank=True)
    #: The `updatedAt` whose product order was read and found as agreed at least a second later. A
    #: reorder by a person within the second of the app's write leaves `updatedAt` and the count as
    #: they were, so until this equals `shopify_updated_at` the first page of products is compared.
    order_checked_at = models.CharField(max_length=40, blank=True, default="")
    synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shop", "joor_key"], name="uniq_linesheet_joor_key"),
            models.UniqueConstraint(
                fields=["shop", "shopify_collection_id"],
                condition=~Q(shopify_collection_id=""),
                name="uniq_linesheet_collection",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.origin} linesheet {self.joor_key} ↔ {self.shopify_collection_id or '-'}"
