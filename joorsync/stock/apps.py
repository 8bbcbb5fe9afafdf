from django.apps import AppConfig


class StockConfig(AppConfig):
    name = "joorsync.stock"
    label = "stock"
    verbose_name = "Stock"
