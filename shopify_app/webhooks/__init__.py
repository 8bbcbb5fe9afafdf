"""Webhook receipt: signature check, topic registry, built-in handlers."""

from shopify_app.webhooks.registry import (
    register_shop_erase_hook,
    register_uninstall_hook,
    register_webhook_handler,
    unregister_shop_erase_hook,
    unregister_uninstall_hook,
    unregister_webhook_handler,
)

__all__ = [
    "register_shop_erase_hook",
    "register_uninstall_hook",
    "register_webhook_handler",
    "unregister_shop_erase_hook",
    "unregister_uninstall_hook",
    "unregister_webhook_handler",
]
