from django.apps import AppConfig


class SyncConfig(AppConfig):
    """The two-way sync: the only part of the project that knows both JOOR and Shopify."""

    name = "joorsync.sync"
    label = "sync"

    def ready(self) -> None:
        from joorsync.sync.webhooks import register_sync_hooks

        register_sync_hooks()
