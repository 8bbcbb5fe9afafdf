"""Shops that installed the app, OAuth state nonces, received webhooks and finished bulk operations.

Models hold data only: every write goes through `shopify_app.services`, every read worth naming through
`shopify_app.selectors`.
"""

from __future__ import annotations

from django.db import models

from joorsync.core.fields import EncryptedTextField


class Shop(models.Model):
    """One Shopify store and the offline credentials the app holds for it.

    Tokens are encrypted at rest. An expiring offline token has `access_token_expires_at` set and comes
    with a refresh token; a static admin token (custom app, `shop_connect`) has no expiry.
    """

    shop_domain = models.CharField(max_length=255, unique=True)
    access_token = EncryptedTextField(blank=True, default="")
    access_token_expires_at = models.DateTimeField(null=True, blank=True)
    refresh_token = EncryptedTextField(blank=True, default="")
    refresh_token_expires_at = models.DateTimeField(null=True, blank=True)
    scopes = models.TextField(blank=True, default="", help_text="Granted access scopes, comma-separated.")
    api_version = models.CharField(max_length=16, blank=True, default="")
    admin_base_url = models.URLField(
        blank=True,
        default="",
        help_text="Overrides the admin host for this shop (e.g. a sandbox); empty means https://{shop}.",
    )
    installed_at = models.DateTimeField(null=True, blank=True)
    uninstalled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["shop_domain"]

    def __str__(self) -> str:
        return self.shop_domain

    @property
    def has_access_token(self) -> bool:
        return bool(self.access_token)

    @property
    def is_installed(self) -> bool:
        return self.installed_at is not None and self.uninstalled_at is None and bool(self.access_token)

    @property
    def scope_list(self) -> list[str]:
        return [s for s in (part.strip() for part in self.scopes.split(",")) if s]


class OAuthState(models.Model):
    """A single-use nonce tying an OAuth callback to the install request that started it."""

    nonce = models.CharField(max_length=64, unique=True)
    shop_domain = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "OAuth state"
        verbose_name_plural = "OAuth states"
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"OAuth state for {self.shop_domain}"


class WebhookDelivery(models.Model):
    """One received webhook, unique by Shopify's event id so retries and replays are processed once.

    Shopify does not send again an event the app answered with 200, so a handler that fails is retried
    here: each run is an attempt (`attempts`, `last_attempt_at`, the last `error`); a failed attempt
    waits until `next_attempt_at`, and after the last allowed one the delivery is `dead`.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        PROCESSING = "processing", "Processing"
        PROCESSED = "processed", "Processed"
        FAILED = "failed", "Failed (retried later)"
        IGNORED = "ignored", "Ignored"
        # Its handlers' prefilters told at receipt that there was nothing to do: no task was queued.
        HANDLED = "handled", "Handled at receipt"
        DEAD = "dead", "Gave up (every attempt failed)"

    shop = models.ForeignKey(Shop, null=True, blank=True, on_delete=models.CASCADE, related_name="webhooks")
    shop_domain = models.CharField(max_length=255)
    topic = models.CharField(max_length=100)
    event_id = models.CharField(max_length=255, unique=True)
    webhook_id = models.CharField(max_length=255, blank=True, default="")
    api_version = models.CharField(max_length=16, blank=True, default="")
    triggered_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, default="")
    attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["shop_domain", "topic"]),
            models.Index(fields=["status", "received_at"]),
            models.Index(fields=["status", "next_attempt_at"], name="webhook_retry_due_idx"),
        ]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.topic} for {self.shop_domain} ({self.status})"


class BulkOperationFinish(models.Model):
    """The `bulk_operations/finish` notice for one bulk operation, polled by whoever waits on it."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="bulk_operation_finishes")
    operation_gid = models.CharField(max_length=255)
    status = models.CharField(max_length=32, help_text="COMPLETED, FAILED, CANCELED, EXPIRED …")
    error_code = models.CharField(max_length=64, blank=True, default="")
    operation_type = models.CharField(max_length=16, blank=True, default="")
    completed_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "finished bulk operation"
        verbose_name_plural = "finished bulk operations"
        constraints = [
            models.UniqueConstraint(fields=["shop", "operation_gid"], name="uniq_bulk_finish_per_shop_op")
        ]

    def __str__(self) -> str:
        return f"{self.operation_gid} {self.status}"
