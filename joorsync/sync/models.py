"""Sync state per shop: the JOOR connection, product/variant links with their last-synced snapshot,
conflicts waiting for a person, and the jobs that did the work.

Models hold data and database-level guarantees (unique links, one open conflict per field, one running
job per shop); writes go through the service modules (`accounts`, `jobs`, `conflicts`, `schedules`, the
engine), named reads through `joorsync.sync.selectors`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from joorsync.core.fields import EncryptedTextField


class ApiGeneration(models.TextChoices):
    V2 = "v2", "JOOR API v2 (styles)"
    V4 = "v4", "JOOR API v4 (products, SKUs, prices)"


class Direction(models.TextChoices):
    BOTH = "both", "Both ways"
    JOOR_TO_SHOPIFY = "joor-to-shopify", "JOOR → Shopify only"
    SHOPIFY_TO_JOOR = "shopify-to-joor", "Shopify → JOOR only"


class NewProductStatus(models.TextChoices):
    DRAFT = "DRAFT", "Draft (a person publishes it)"
    ACTIVE = "ACTIVE", "Active (on sale at once)"


class DeletePolicy(models.TextChoices):
    FLAG = "flag", "Flag the link and ask"
    ARCHIVE = "archive", "Archive on the other side"


class JoorAccount(models.Model):
    """A shop's JOOR connection and sync settings. Credentials are encrypted at rest and write-only."""

    shop = models.OneToOneField("shopify_app.Shop", on_delete=models.CASCADE, related_name="joor_account")
    api_generation = models.CharField(max_length=2, choices=ApiGeneration.choices, default=ApiGeneration.V2)
    base_url = models.URLField(default="https://api.jooraccess.com")
    auth_url = models.URLField(blank=True, default="")
    # v2
    token = EncryptedTextField(blank=True, default="")
    # v4 (password grant)
    client_id = EncryptedTextField(blank=True, default="")
    client_secret = EncryptedTextField(blank=True, default="")
    username = EncryptedTextField(blank=True, default="")
    password = EncryptedTextField(blank=True, default="")
    account_id = models.CharField(max_length=64, blank=True, default="")

    # Which JOOR price feeds Shopify's price and compare-at price (wholesale prices go to metafields).
    price_label = models.CharField(max_length=50, blank=True, default="")
    price_currency = models.CharField(max_length=3, blank=True, default="")
    price_field = models.CharField(
        max_length=20,
        choices=[("price_retail", "Retail price"), ("price_wholesale", "Wholesale price")],
        default="price_retail",
    )
    compare_at_field = models.CharField(
        max_length=20,
        blank=True,
        default="",
        choices=[("", "None"), ("price_retail", "Retail price"), ("price_wholesale", "Wholesale price")],
    )
    # Creating a JOOR style from a Shopify product needs a wholesale price, which Shopify does not
    # have: wholesale = Shopify price × this factor. Empty: such products are listed, not created.
    wholesale_factor = models.DecimalField(max_digits=5, decimal_places=3, null=True, blank=True)
    ownership = models.JSONField(
        default=dict, blank=True, help_text="Field group → two-way|joor|shopify|ignore."
    )
    direction = models.CharField(max_length=20, choices=Direction.choices, default=Direction.BOTH)
    sync_interval_minutes = models.PositiveIntegerField(default=15, help_text="0 turns scheduled syncs off.")
    location_warehouses = models.JSONField(
        default=dict, blank=True, help_text="Shopify location GID → JOOR warehouse name."
    )
    delete_policy = models.CharField(max_length=10, choices=DeletePolicy.choices, default=DeletePolicy.FLAG)
    # Products created in Shopify from JOOR styles start in this status; a product without a mapped
    # price is always created as a draft, whatever this says.
    new_product_status = models.CharField(
        max_length=6, choices=NewProductStatus.choices, default=NewProductStatus.DRAFT
    )
    # Shopify drafts are work in progress: they reach JOOR only when this is on.
    sync_shopify_drafts = models.BooleanField(default=False)
    last_joor_sync_at = models.DateTimeField(null=True, blank=True)
    last_shopify_sync_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "JOOR account"
        verbose_name_plural = "JOOR accounts"

    def __str__(self) -> str:
        return f"JOOR account of {self.shop_id}"


class ProductLink(models.Model):
    """A Shopify product ↔ JOOR style pair (either side may be missing: unmatched or deleted)."""

    class Status(models.TextChoices):
        LINKED = "linked", "Linked"
        UNMATCHED_SHOPIFY = "unmatched_shopify", "Only in Shopify"
        UNMATCHED_JOOR = "unmatched_joor", "Only in JOOR"
        AMBIGUOUS = "ambiguous", "Ambiguous match"
        DELETED_SHOPIFY = "deleted_shopify", "Deleted in Shopify"
        DELETED_JOOR = "deleted_joor", "Deleted in JOOR"
        UNLINKED = "unlinked", "Unlinked by hand"

    class Method(models.TextChoices):
        BARCODE = "barcode", "Barcode/UPC"
        SKU = "sku", "SKU"
        STYLE_NUMBER = "style_number", "Style number"
        MANUAL = "manual", "By hand"
        CREATED = "created", "Created by sync"

    shop = models.ForeignKey("shopify_app.Shop", on_delete=models.CASCADE, related_name="product_links")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.LINKED)
    method = models.CharField(max_length=20, choices=Method.choices, blank=True, default="")
    shopify_product_id = models.CharField(max_length=64, blank=True, default="")
    shopify_title = models.CharField(max_length=255, blank=True, default="")
    # The product's featured image in Shopify (a small preview), for the pages that name it.
    image_url = models.URLField(max_length=2000, blank=True, default="")
    shopify_updated_at = models.DateTimeField(null=True, blank=True)
    joor_style_id = models.BigIntegerField(null=True, blank=True)
    joor_product_id = models.CharField(max_length=128, blank=True, default="")  # v4 id
    style_number = models.CharField(max_length=45, blank=True, default="")
    style_identifier = models.CharField(max_length=100, blank=True, default="")
    joor_name = models.CharField(max_length=255, blank=True, default="")
    joor_modified_at = models.DateTimeField(null=True, blank=True)
    snapshot = models.JSONField(
        null=True, blank=True, help_text="Flattened canonical product at the last sync."
    )
    snapshot_hash = models.CharField(max_length=64, blank=True, default="")
    last_synced_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, default="")
    #: What an unlink took away (status, note, variant links), kept so that a person can undo it.
    unlink_undo = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "shopify_product_id"],
                condition=~Q(shopify_product_id=""),
                name="uniq_link_shopify_product",
            ),
            models.UniqueConstraint(
                fields=["shop", "joor_style_id"],
                condition=Q(joor_style_id__isnull=False),
                name="uniq_link_joor_style",
            ),
        ]
        indexes = [
            models.Index(fields=["shop", "status"]),
            models.Index(fields=["shop", "style_number", "style_identifier"]),
        ]

    def __str__(self) -> str:
        return f"{self.style_number or '?'} ↔ {self.shopify_product_id or '?'}"


class VariantLink(models.Model):
    """A Shopify variant ↔ JOOR SKU (style + color code + size) inside one product link."""

    product_link = models.ForeignKey(ProductLink, on_delete=models.CASCADE, related_name="variant_links")
    color_code = models.CharField(max_length=100)
    size = models.CharField(max_length=50)
    shopify_variant_id = models.CharField(max_length=64, blank=True, default="")
    shopify_inventory_item_id = models.CharField(max_length=64, blank=True, default="")
    joor_sku_id = models.CharField(max_length=128, blank=True, default="")  # v4 id
    upc = models.CharField(max_length=100, blank=True, default="")
    sku = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product_link", "color_code", "size"], name="uniq_variant_link_sku"
            ),
        ]
        indexes = [
            models.Index(fields=["shopify_variant_id"]),
            models.Index(fields=["upc"]),
            # inventory_levels/update webhooks name only the inventory item.
            models.Index(fields=["shopify_inventory_item_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.color_code}/{self.size}"


class Conflict(models.Model):
    """A field changed differently on both sides since the last sync, held until a person decides."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    class Resolution(models.TextChoices):
        KEEP_SHOPIFY = "keep_shopify", "Kept Shopify's value"
        KEEP_JOOR = "keep_joor", "Kept JOOR's value"
        CUSTOM = "custom", "A new value"
        CLEAR = "clear", "Cleared the field on both sides"
        CONVERGED = "converged", "Both sides came to agree"
        OWNERSHIP = "ownership", "Decided by a field-ownership rule"
        # Not a conflict: a person asked from the product's history to put back the value a write
        # of the app replaced. Kept here because it is the same decision, written the same way.
        RESTORED = "restored", "Restored the earlier value"

    shop = models.ForeignKey("shopify_app.Shop", on_delete=models.CASCADE, related_name="conflicts")
    link = models.ForeignKey(ProductLink, on_delete=models.CASCADE, related_name="conflicts")
    field_path = models.CharField(max_length=255)
    base_value = models.JSONField(null=True, blank=True)
    shopify_value = models.JSONField(null=True, blank=True)
    joor_value = models.JSONField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolution = models.CharField(max_length=20, choices=Resolution.choices, blank=True, default="")
    resolved_value = models.JSONField(null=True, blank=True)
    resolved_by = models.CharField(max_length=255, blank=True, default="")
    resolved_at = models.DateTimeField(null=True, blank=True)
    # A resolution is decided in the UI first and written to both sides by the next job for its link.
    applied_at = models.DateTimeField(null=True, blank=True)
    job = models.ForeignKey(
        "SyncJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="conflicts"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["link", "field_path"], condition=Q(status="open"), name="uniq_open_conflict_per_field"
            ),
        ]
        indexes = [
            models.Index(fields=["shop", "status", "created_at"]),
            models.Index(fields=["shop", "field_path"]),
        ]

    def __str__(self) -> str:
        return f"{self.field_path} on {self.link_id} ({self.status})"


class SyncJob(models.Model):
    """One sync run. At most one runs per shop at a time (a partial unique constraint)."""

    class Kind(models.TextChoices):
        FULL = "full", "Full"
        INCREMENTAL = "incremental", "Incremental"
        TARGETED = "targeted", "One product"
        RESOLVE = "resolve", "Apply conflict resolutions"
        ORDERS = "orders", "Wholesale orders"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    class Trigger(models.TextChoices):
        MANUAL = "manual", "By hand"
        COMMAND = "command", "Command line"
        SCHEDULE = "schedule", "Schedule"
        WEBHOOK = "webhook", "Shopify webhook"
        CONFLICT = "conflict", "Conflict resolution"

    class Priority(models.IntegerChoices):
        """Which queued job of a shop runs next: the lowest number, then the oldest."""

        PERSON = 0, "Asked for by a person"
        SCHEDULE = 1, "Scheduled"
        WEBHOOK = 2, "Shopify webhook"

    shop = models.ForeignKey("shopify_app.Shop", on_delete=models.CASCADE, related_name="sync_jobs")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.INCREMENTAL)
    trigger = models.CharField(max_length=10, choices=Trigger.choices, blank=True, default="")
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.PERSON)
    direction = models.CharField(max_length=20, choices=Direction.choices, default=Direction.BOTH)
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    target = models.JSONField(null=True, blank=True, help_text="For targeted jobs: which product.")
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(null=True, blank=True)
    counters = models.JSONField(default=dict, blank=True)
    api_usage = models.JSONField(default=dict, blank=True)
    checkpoint = models.JSONField(default=dict, blank=True)
    plan = models.JSONField(null=True, blank=True, help_text="The planned writes of a dry run.")
    error = models.TextField(blank=True, default="")
    attempts = models.PositiveIntegerField(default=0)
    # Claims that ended by stepping aside for a person's job: not failures, so not held against
    # the attempt limit.
    yields = models.PositiveIntegerField(default=0)
    # The process that claimed it last (`joorsync.sync.workers.worker_identity`): on its machine, a
    # job whose worker is gone is recovered at once instead of after its heartbeat goes stale.
    worker = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shop"], condition=Q(status="running"), name="one_running_job_per_shop"
            ),
            # Webhooks of one shop collect in one batch job until a worker starts it.
            models.UniqueConstraint(
                fields=["shop"],
                condition=Q(
                    kind="targeted",
                    trigger="webhook",
                    status="queued",
                    dry_run=False,
                    started_at__isnull=True,
                ),
                name="one_open_webhook_batch_per_shop",
            ),
        ]
        indexes = [
            models.Index(fields=["shop", "status", "created_at"]),
            models.Index(fields=["shop", "status", "priority", "created_at"], name="sync_job_next_idx"),
        ]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} sync #{self.pk} of {self.shop_id} ({self.status})"


class SyncEvent(models.Model):
    """What happened to which product in which job: the per-job event log."""

    class Level(models.TextChoices):
        INFO = "info", "Info"
        WARNING = "warning", "Warning"
        ERROR = "error", "Error"

    # Events outside any job (a webhook marking a link deleted) carry only the shop.
    shop = models.ForeignKey(
        "shopify_app.Shop", null=True, blank=True, on_delete=models.CASCADE, related_name="sync_events"
    )
    job = models.ForeignKey(SyncJob, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    link = models.ForeignKey(
        ProductLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.INFO)
    action = models.CharField(max_length=40)
    side = models.CharField(max_length=10, blank=True, default="")
    message = models.TextField(blank=True, default="")
    details = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["job", "id"]), models.Index(fields=["shop", "id"])]

    def __str__(self) -> str:
        return f"{self.action} ({self.level})"


class ProductProblem(models.Model):
    """A change the write gate refused for one product (a value over a side's limit, no mapped price,
    a blank over a value, …): stored and shown until the product changes so that it can be written,
    and never a reason to fail the rest of the shop's run."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        SOLVED = "solved", "Solved"

    shop = models.ForeignKey("shopify_app.Shop", on_delete=models.CASCADE, related_name="product_problems")
    link = models.ForeignKey(
        ProductLink, null=True, blank=True, on_delete=models.CASCADE, related_name="problems"
    )
    # Which product: `link:<id>`, `shopify:<gid>` or `joor:<style id>` (a product may have no link yet).
    subject = models.CharField(max_length=100)
    title = models.CharField(max_length=255, blank=True, default="")
    side = models.CharField(max_length=10, blank=True, default="")  # the side the write was for
    code = models.CharField(max_length=40)
    field_path = models.CharField(max_length=255, blank=True, default="")
    message = models.TextField()
    details = models.JSONField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    job = models.ForeignKey(
        SyncJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="problems"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    solved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "subject", "code", "field_path"],
                condition=Q(status="open"),
                name="uniq_open_problem",
            ),
        ]
        indexes = [models.Index(fields=["shop", "status", "created_at"]), models.Index(fields=["link"])]

    def __str__(self) -> str:
        return f"{self.code} on {self.subject} ({self.status})"


class ShopifyWriteEcho(models.Model):
    """A state the sync is about to write to Shopify, so the webhooks Shopify sends back for our own
    writes are recognised before they queue a job.

    A product row holds the content hash of a `ProductSetInput` (keyed by product id, or by handle
    for a create), or of the product as a stock write leaves it; a stock row holds one quantity at
    one location (keyed by inventory item, or by SKU while a created product's items are not known
    yet). Rows are judged by the webhook's event time, so a delivery Shopify retries hours later is
    still known, and they are kept for as long as Shopify retries.
    """

    class Kind(models.TextChoices):
        PRODUCT = "product", "Product content"
        STOCK = "stock", "Stock at a location"

    shop = models.ForeignKey("shopify_app.Shop", on_delete=models.CASCADE, related_name="write_echoes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    shopify_product_id = models.CharField(max_length=64, blank=True, default="")
    handle = models.CharField(max_length=255, blank=True, default="")
    inventory_item_id = models.CharField(max_length=64, blank=True, default="")  # numeric id
    sku = models.CharField(max_length=255, blank=True, default="")
    # The product status written, lower-case; blank until known when the write left it unchanged.
    status = models.CharField(max_length=16, blank=True, default="")
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # When Shopify showed a newer state of the same product or item (its event time): from then on
    # this state seen again is somebody's edit. Webhooks of earlier events may still match it.
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "Shopify write echo"
        verbose_name_plural = "Shopify write echoes"
        indexes = [
            models.Index(fields=["shop", "shopify_product_id"]),
            models.Index(fields=["shop", "handle"]),
            models.Index(fields=["shop", "inventory_item_id"]),
            models.Index(fields=["shop", "sku"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} echo {self.content_hash[:12]}"
