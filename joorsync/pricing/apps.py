from django.apps import AppConfig


class PricingConfig(AppConfig):
    """Prices beyond the one mapped price: each SKU's own price, every JOOR price type's destination,
    factors for styles created from Shopify, casepacks, vendor and product categories."""

    name = "joorsync.pricing"
    label = "pricing"
