from django.apps import AppConfig


class SyncConfig(AppConfig):
    """The two-way sync: the only part of the project that knows both JOOR and Shopify."""

    name = "joorsync.sync"
    label = "sync"

    def ready(self) -> None:
        from django_q.signals import post_spawn

        from joorsync.sync.tasks import worker_started
        from joorsync.sync.webhooks import register_sync_hooks

        register_sync_hooks()
        post_spawn.connect(worker_started, dispatch_uid="joorsync.sync.worker_started")
