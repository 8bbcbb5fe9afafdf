from django.apps import AppConfig


class ShopifyAppConfig(AppConfig):
    """Shopify install, embedded auth, webhooks and the Admin GraphQL client."""

    name = "shopify_app"
    label = "shopify_app"
