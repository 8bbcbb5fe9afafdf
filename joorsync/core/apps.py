from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Project-wide building blocks that belong to no single domain (encrypted fields)."""

    name = "joorsync.core"
    label = "core"
