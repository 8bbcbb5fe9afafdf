"""A shop's settings for prices and product data beyond the sync settings of `JoorAccount`.

Writes go through `joorsync.pricing.services`, reads through `joorsync.pricing.selectors`.
"""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models


class PricingSettings(models.Model):
    """One row per shop, made with the defaults on first use."""

    shop = models.OneToOneField("shopify_app.Shop", on_delete=models.CASCADE, related_name="pricing_settings")
    #: Sent as the product's vendor in every product write; blank leaves Shopify's own vendor alone.
    vendor = models.CharField(max_length=255, blank=True, default="")
    #: Read each SKU's own price through JOOR API v4, so that no variant takes another's price.
    sku_prices = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "pricing settings"
        verbose_name_plural = "pricing settings"

    def __str__(self) -> str:
        return f"Pricing settings of {self.shop_id}"


class PriceTypeRoute(models.Model):
    """Where one JOOR price type (price label × currency) goes, and the factor that prices it for a
    style created from a Shopify product (JOOR wholesale = Shopify price × factor)."""

    class Destination(models.TextChoices):
        PRICE_LIST = "price_list", "A Shopify price list in its currency"
        NONE = "none", "Not synced (stays in JOOR)"

    class Amount(models.TextChoices):
        WHOLESALE = "wholesale", "Wholesale price"
        RETAIL = "retail", "Retail price"

    shop = models.ForeignKey("shopify_app.Shop", on_delete=models.CASCADE, related_name="price_type_routes")
    label = models.CharField(max_length=50)
    currency = models.CharField(max_length=3)
    destination = models.CharField(max_length=12, choices=Destination.choices, default=Destination.NONE)
    amount = models.CharField(max_length=10, choices=Amount.choices, default=Amount.WHOLESALE)
    factor = models.DecimalField(
        max_digits=7, decimal_places=4, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    #: The price list the app created for this price type (kept so that it is never made twice).
    price_list_id = models.CharField(max_length=100, blank=True, default="")
    #: The Shopify market whose buyers see the price list (its catalog is made for that market).
    market_id = models.CharField(max_length=100, blank=True, default="")
    #: Or, on a shop with B2B, the company locations whose buyers see it (a company-location catalog is
    #: made for them); a route has a market or company locations, never both.
    company_location_ids = models.JSONField(default=list, blank=True)
    #: The market or company-location catalog the app made for the price list.
    catalog_id = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shop", "label", "currency"], name="uniq_price_type_route"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.currency}) → {self.destination}"


class CategoryMapping(models.Model):
    """A JOOR category (parent › sub-category parent › sub-category, or any shorter tail of it) →
    a Shopify Standard Product Taxonomy category id. Overrides the built-in defaults."""

    shop = models.ForeignKey("shopify_app.Shop", on_delete=models.CASCADE, related_name="category_mappings")
    joor_category = models.CharField(max_length=200)
    taxonomy_id = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shop", "joor_category"], name="uniq_category_mapping"),
        ]

    def __str__(self) -> str:
        return f"{self.joor_category} → {self.taxonomy_id}"
