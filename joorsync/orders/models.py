"""What the app holds about wholesale orders: per-shop settings, one row per JOOR order (the durable
record that makes the import exactly-once), the retailer ↔ Shopify customer/company links, each read
from JOOR's order export, and a per-order history a merchant can read."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class JoorOrderType(models.IntegerChoices):
    """JOOR's v2 `order_type` filter [https://api-docs.jooraccess.com/v2.0/reference/get-orders]."""

    APPROVED_AND_SHIPPED = 2, "Approved and shipped"
    APPROVED = 6, "Approved"
    SHIPPED = 7, "Shipped"
    PENDING = 3, "Pending"
    ALL_BUT_CANCELLED = 4, "Every status but cancelled"


#: The JOOR statuses each `JoorOrderType` reads (JOOR's v2 `order_type` table; IN_PROGRESS under 4 is
#: the sandbox's reading, JOOR does not say).
STATUSES_BY_ORDER_TYPE: dict[int, frozenset[str]] = {
    JoorOrderType.APPROVED_AND_SHIPPED: frozenset({"APPROVED", "SHIPPED"}),
    JoorOrderType.APPROVED: frozenset({"APPROVED"}),
    JoorOrderType.SHIPPED: frozenset({"SHIPPED"}),
    JoorOrderType.PENDING: frozenset({"PENDING"}),
    JoorOrderType.ALL_BUT_CANCELLED: frozenset({"APPROVED", "SHIPPED", "PENDING", "NOTES", "IN_PROGRESS"}),
}


class OrderSettings(models.Model):
    """How one shop's JOOR orders become Shopify orders. Created with the defaults on first use."""

    class RetailerMode(models.TextChoices):
        CUSTOMER = "customer", "A Shopify customer (found by e-mail, or created)"
        COMPANY = "company", "A B2B company with a location and a contact (Shopify Plus)"

    class Payment(models.TextChoices):
        PENDING = "PENDING", "Payment pending (invoiced on terms)"
        PAID = "PAID", "Paid"

    class Inventory(models.TextChoices):
        BYPASS = "BYPASS", "Leave stock alone"
        DECREMENT_IGNORING_POLICY = "DECREMENT_IGNORING_POLICY", "Claim stock, even below zero"
        DECREMENT_OBEYING_POLICY = "DECREMENT_OBEYING_POLICY", "Claim stock; hold the order when short"

    class Tax(models.TextChoices):
        AS_JOOR = "joor", "Taxes as the JOOR order carries them"
        NONE = "none", "No taxes (tax-exempt wholesale)"

    shop = models.OneToOneField("shopify_app.Shop", on_delete=models.CASCADE, related_name="order_settings")
    enabled = models.BooleanField(default=False, help_text="Import orders on a schedule.")
    interval_minutes = models.PositiveIntegerField(default=30)
    order_type = models.PositiveSmallIntegerField(
        choices=JoorOrderType.choices, default=JoorOrderType.APPROVED
    )
    retailer_mode = models.CharField(
        max_length=10, choices=RetailerMode.choices, default=RetailerMode.CUSTOMER
    )
    financial_status = models.CharField(max_length=10, choices=Payment.choices, default=Payment.PENDING)
    mark_fulfilled = models.BooleanField(default=False, help_text="Create orders as already fulfilled.")
    inventory_behaviour = models.CharField(max_length=30, choices=Inventory.choices, default=Inventory.BYPASS)
    tax_mode = models.CharField(max_length=10, choices=Tax.choices, default=Tax.AS_JOOR)
    #: Country code (ISO 3166-1 alpha-2, upper case) → a `Tax` value, over `tax_mode`.
    tax_by_country = models.JSONField(default=dict, blank=True)
    #: Shopify location gid that fulfils orders without a mapped warehouse; blank: Shopify's choice.
    default_location_id = models.CharField(max_length=100, blank=True, default="")
    #: JOOR warehouse code (or linesheet/delivery name) → Shopify location gid.
    warehouse_locations = models.JSONField(default=dict, blank=True)
    tags = models.CharField(max_length=255, blank=True, default="JOOR, wholesale")
    send_status_to_joor = models.BooleanField(default=True)
    #: Orders modified in JOOR since this time are checked against their Shopify order.
    changes_checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "order settings"

    def __str__(self) -> str:
        return f"order settings of {self.shop_id}"


class ImportedOrder(models.Model):
    """One JOOR order and what became of it in Shopify. The unique (shop, JOOR order) pair and the
    CREATING state written before the Shopify call are what make an import happen once."""

    class State(models.TextChoices):
        RECEIVED = "received", "Waiting to import"
        HELD = "held", "Held"
        CREATING = "creating", "Being created"
        IMPORTED = "imported", "Imported"
        CANCELLED = "cancelled", "Cancelled"
        CONFLICT = "conflict", "Needs a decision"
        SKIPPED = "skipped", "Not imported"

    shop = models.ForeignKey("shopify_app.Shop", on_delete=models.CASCADE, related_name="imported_orders")
    joor_order_id = models.CharField(max_length=64)
    joor_status = models.CharField(max_length=30, blank=True, default="")
    joor_modified_at = models.DateTimeField(null=True, blank=True)
    po_number = models.CharField(max_length=255, blank=True, default="")
    retailer_code = models.CharField(max_length=100, blank=True, default="")
    retailer_name = models.CharField(max_length=255, blank=True, default="")
    currency = models.CharField(max_length=3, blank=True, default="")
    total = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    units = models.PositiveIntegerField(default=0)
    #: The order as read from JOOR, normalised (`joor_documents.WholesaleOrder.as_json`).
    document = models.JSONField(default=dict, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True, default="")
    #: The fingerprint of the document the Shopify order was made from: a different `fingerprint`
    #: means JOOR changed the order after it was imported.
    imported_fingerprint = models.CharField(max_length=64, blank=True, default="")
    #: The same for the lines and money alone: a change elsewhere is written onto the Shopify order.
    imported_goods_fingerprint = models.CharField(max_length=64, blank=True, default="")
    state = models.CharField(max_length=10, choices=State.choices, default=State.RECEIVED)
    hold_code = models.CharField(max_length=40, blank=True, default="")
    hold_message = models.TextField(blank=True, default="")
    hold_details = models.JSONField(null=True, blank=True)
    #: When the Shopify order was asked for; an order left CREATING is looked up before a new try.
    creating_since = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    shopify_order_id = models.CharField(max_length=64, blank=True, default="")
    shopify_order_name = models.CharField(max_length=64, blank=True, default="")
    shopify_fulfillment_status = models.CharField(max_length=30, blank=True, default="")
    shopify_financial_status = models.CharField(max_length=30, blank=True, default="")
    shopify_cancelled_at = models.DateTimeField(null=True, blank=True)
    #: The status last set on the JOOR order by the app, and what JOOR could not be told.
    joor_status_sent = models.CharField(max_length=30, blank=True, default="")
    status_note = models.TextField(blank=True, default="")
    status_push_due = models.BooleanField(default=False)
    imported_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shop", "joor_order_id"], name="one_import_per_joor_order"),
            models.UniqueConstraint(
                fields=["shop", "shopify_order_id"],
                condition=~Q(shopify_order_id=""),
                name="one_joor_order_per_shopify_order",
            ),
        ]
        indexes = [models.Index(fields=["shop", "state", "updated_at"])]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"JOOR order {self.joor_order_id} ({self.state})"


class OrderEvent(models.Model):
    """One thing that happened to an order, in words a merchant reads on the order's page."""

    class Level(models.TextChoices):
        INFO = "info", "Info"
        WARNING = "warning", "Warning"
        ERROR = "error", "Error"

    shop = models.ForeignKey("shopify_app.Shop", on_delete=models.CASCADE, related_name="order_events")
    order = models.ForeignKey(ImportedOrder, on_delete=models.CASCADE, related_name="events")
    job = models.ForeignKey(
        "sync.SyncJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.INFO)
    action = models.CharField(max_length=40)
    message = models.TextField()
    details = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["order", "created_at"])]

    def __str__(self) -> str:
        return f"{self.action}: {self.message[:60]}"


class RetailerLink(models.Model):
    """A JOOR retailer (by its customer code) and the Shopify customer or B2B company location its
    orders go to. Unique per shop, so one e-mail never ends up meaning two retailers."""

    shop = models.ForeignKey("shopify_app.Shop", on_delete=models.CASCADE, related_name="retailer_links")
    retailer_code = models.CharField(max_length=100)
    retailer_name = models.CharField(max_length=255, blank=True, default="")
    email = models.CharField(max_length=255, blank=True, default="")
    shopify_customer_id = models.CharField(max_length=64, blank=True, default="")
    shopify_company_id = models.CharField(max_length=64, blank=True, default="")
    shopify_company_location_id = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shop", "retailer_code"], name="one_link_per_retailer"),
        ]

    def __str__(self) -> str:
        return f"{self.retailer_code} → {self.shopify_company_location_id or self.shopify_customer_id}"


class OrderPull(models.Model):
    """One read of JOOR's order export. Written before JOOR is asked to mark orders exported and
    finished after what it returned is stored: an unfinished pull means orders may have been marked
    exported without being stored, and the next run looks for them (`pull.order_pull_recover`)."""

    shop = models.ForeignKey("shopify_app.Shop", on_delete=models.CASCADE, related_name="order_pulls")
    job = models.ForeignKey(
        "sync.SyncJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField()
    marking_started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    recovered_at = models.DateTimeField(null=True, blank=True)
    received = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    joor_calls = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["shop", "finished_at"])]

    def __str__(self) -> str:
        return f"order pull of {self.shop_id} at {self.started_at:%Y-%m-%d %H:%M}"
