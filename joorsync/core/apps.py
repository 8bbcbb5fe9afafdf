from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Project-wide building blocks that belong to no single domain (encrypted fields, system checks)."""

    name = "joorsync.core"
    label = "core"

    def ready(self) -> None:
        from joorsync.core import checks

        checks.register()
