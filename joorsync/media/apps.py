from django.apps import AppConfig


class MediaConfig(AppConfig):
    """Image sync between JOOR style images and Shopify product media (see docs/images.md)."""

    name = "joorsync.media"
    label = "joorsync_media"
    default_auto_field = "django.db.models.BigAutoField"
