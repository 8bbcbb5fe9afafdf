"""What the app needs to mail a merchant: one settings row per shop, and one row per thing already
mailed, so that the same problem, conflict, held order or failure is never mailed twice.

Writes go through `joorsync.notifications.services`, reads through `joorsync.notifications.selectors`.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models


class NotificationSettings(models.Model):
    """Who gets the shop's mails and which ones. Made with the defaults on first use; the recipient is
    then the shop owner's e-mail as Shopify reports it (blank when it could not be read: the settings
    page asks for one, and nothing is sent without it)."""

    class Clock(models.TextChoices):
        SHOP = "shop", "Your shop's time zone"
        UTC = "utc", "UTC"

    shop = models.OneToOneField(
        "shopify_app.Shop", on_delete=models.CASCADE, related_name="notification_settings"
    )
    recipient = models.EmailField(max_length=254, blank=True, default="")
    on_failure = models.BooleanField(default=True, help_text="Mail when a sync or order import fails.")
    on_new_items = models.BooleanField(
        default=True, help_text="Mail when new problems, conflicts or held orders appear."
    )
    daily_digest = models.BooleanField(
        default=False, help_text="Mail a daily summary of what needs attention."
    )
    digest_hour = models.PositiveSmallIntegerField(default=8, validators=[MaxValueValidator(23)])
    digest_clock = models.CharField(max_length=4, choices=Clock.choices, default=Clock.SHOP)
    #: The shop's IANA time zone as Shopify reported it; blank when unknown (the digest hour is UTC).
    shop_time_zone = models.CharField(max_length=64, blank=True, default="")
    #: When Shopify was asked for the shop's e-mail and time zone (None: never, or not yet).
    contact_read_at = models.DateTimeField(null=True, blank=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "notification settings"

    def __str__(self) -> str:
        return f"notification settings of {self.shop_id}"


class NotificationSent(models.Model):
    """One thing already mailed (or taken by a mail being sent). `variant` tells a new occurrence of
    the same row apart: an order held again for another reason, an order changed again in JOOR, a job
    that failed again after a retry."""

    class Kind(models.TextChoices):
        JOB_FAILED = "job_failed", "A failed sync or order import"
        PROBLEM = "problem", "A product problem"
        CONFLICT = "conflict", "A conflict"
        ORDER_HELD = "order_held", "A held order"
        ORDER_DECISION = "order_decision", "An order needing a decision"

    shop = models.ForeignKey("shopify_app.Shop", on_delete=models.CASCADE, related_name="notifications_sent")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.BigIntegerField()
    variant = models.CharField(max_length=64, blank=True, default="")
    #: For failures: which reason, so that the same failure again is not mailed until a job succeeds.
    fingerprint = models.CharField(max_length=64, blank=True, default="")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "kind", "object_id", "variant"], name="one_notification_per_occurrence"
            ),
        ]
        indexes = [models.Index(fields=["shop", "kind", "fingerprint", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} mailed at {self.sent_at:%Y-%m-%d %H:%M}"
