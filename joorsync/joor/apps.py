from django.apps import AppConfig


class JoorConfig(AppConfig):
    """The JOOR API package. It has no models; it is an app only to ship its management commands."""

    name = "joorsync.joor"
    label = "joor"
