from django.apps import AppConfig


class OrdersConfig(AppConfig):
    """Wholesale orders: JOOR orders imported into Shopify once each, and their life sent back."""

    name = "joorsync.orders"
    label = "orders"

    def ready(self) -> None:
        from joorsync.orders.webhooks import register_order_hooks

        register_order_hooks()
