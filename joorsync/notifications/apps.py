from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Mails to the merchant about what needs attention: failures, new items, a daily summary."""

    name = "joorsync.notifications"
    label = "notifications"

    def ready(self) -> None:
        from joorsync.notifications.schedules import digest_schedule_erased
        from shopify_app.webhooks.registry import register_shop_erase_hook

        register_shop_erase_hook(digest_schedule_erased)
