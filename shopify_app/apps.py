from django.apps import AppConfig


class ShopifyAppConfig(AppConfig):
    """Shopify install, embedded auth, webhooks and the Admin GraphQL client."""

    name = "shopify_app"
    label = "shopify_app"
    verbose_name = "Shopify"

    def ready(self) -> None:
        # `shopify_app.admin` is the GraphQL client package, so the Django admin registrations live in
        # `model_admin` and are imported here rather than found by admin autodiscovery.
        from shopify_app import model_admin  # noqa: F401
        from shopify_app.webhooks.handlers import register_builtin_handlers

        register_builtin_handlers()
