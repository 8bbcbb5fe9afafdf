"""The merchant UI's URLs (namespace `ui`), included at the site root before `shopify_app.urls`."""

from __future__ import annotations

from pathlib import Path

from django.urls import include, path, re_path
from django.views.static import serve

from joorsync.notifications.ui import views as notifications
from joorsync.pricing.ui import views as pricing
from joorsync.stock.ui import views as stock_views
from joorsync.sync.ui.views import (
    conflicts,
    dashboard,
    exports,
    history,
    jobs,
    links,
    problems,
    sandbox,
    settings,
)
from joorsync.sync.ui.views.links_bulk import links_bulk

app_name = "ui"

STATIC_DIR = Path(__file__).resolve().parents[1] / "static" / "joorsync"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("jobs", jobs.job_list, name="jobs"),
    path("jobs/start", dashboard.job_start, name="job_start"),
    path("jobs/<int:job_id>", jobs.job_detail, name="job"),
    path("jobs/<int:job_id>/retry", jobs.job_retry, name="job_retry"),
    path("conflicts", conflicts.conflict_list, name="conflicts"),
    path("conflicts/export.csv", exports.conflicts_csv, name="conflicts_export"),
    path("conflicts/bulk", conflicts.conflicts_bulk, name="conflicts_bulk"),
    path("conflicts/<int:conflict_id>", conflicts.conflict_detail, name="conflict"),
    path("conflicts/<int:conflict_id>/resolve", conflicts.conflict_resolve_view, name="conflict_resolve"),
    path("conflicts/<int:conflict_id>/clear", conflicts.conflict_clear_confirm, name="conflict_clear"),
    path("conflicts/<int:conflict_id>/undo", conflicts.conflict_undo, name="conflict_undo"),
    path("problems", problems.problem_list, name="problems"),
    path("problems/export.csv", exports.problems_csv, name="problems_export"),
    path("links", links.link_list, name="links"),
    path("links/export.csv", exports.links_csv, name="links_export"),
    path("links/bulk", links_bulk, name="links_bulk"),
    path("links/<int:link_id>/link", links.link_make, name="link_make"),
    path("links/<int:link_id>/unlink", links.link_unlink, name="link_unlink"),
    path("links/<int:link_id>/relink", links.link_relink, name="link_relink"),
    path("links/<int:link_id>/history", history.product_history, name="product_history"),
    path("links/<int:link_id>/history/restore", history.product_restore, name="product_restore"),
    path("settings", settings.settings_page, name="settings"),
    path("settings/test", settings.settings_test, name="settings_test"),
    path("settings/notifications", notifications.notification_settings_save, name="notification_settings"),
    path("", include("joorsync.linesheets.ui.urls")),
    path("settings/stock", stock_views.stock_settings_save, name="stock_settings"),
    path("settings/prices", pricing.pricing_settings_save_view, name="pricing_settings"),
    path("", include("joorsync.orders.ui.urls")),
    path("sandbox/login", sandbox.sandbox_login, name="sandbox_login"),
    path("sandbox/logout", sandbox.sandbox_logout, name="sandbox_logout"),
    # The UI's own CSS and htmx, served by Django so pages work with DEBUG off and no static host.
    re_path(r"^static/joorsync/(?P<path>[\w.-]+)$", serve, {"document_root": STATIC_DIR}, name="static"),
]
