from django.apps import AppConfig


class LinesheetsConfig(AppConfig):
    """JOOR linesheets (deliveries) ↔ Shopify collections: membership, display order, ship windows."""

    name = "joorsync.linesheets"
    label = "linesheets"
