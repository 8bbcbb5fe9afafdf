"""The order pages' URLs, included into the merchant UI's namespace (`ui`) by `joorsync.sync.ui.urls`."""

from __future__ import annotations

from django.urls import path

from joorsync.orders.ui import views
from joorsync.sync.ui.views import exports

urlpatterns = [
    path("orders", views.order_list, name="orders"),
    path("orders/export.csv", exports.orders_csv, name="orders_export"),
    path("orders/import", views.orders_import, name="orders_import"),
    path("orders/<int:order_id>", views.order_detail, name="order"),
    path("orders/<int:order_id>/retry", views.order_retry_view, name="order_retry"),
    path("orders/<int:order_id>/resolve", views.order_resolve_view, name="order_resolve"),
    path("settings/orders", views.order_settings_save, name="order_settings"),
]
