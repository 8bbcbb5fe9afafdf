"""The linesheet section's URL, included into the merchant UI's namespace (`ui`)."""

from __future__ import annotations

from django.urls import path

from joorsync.linesheets.ui import views

urlpatterns = [
    path("settings/linesheets", views.linesheet_settings_save, name="linesheet_settings"),
]
