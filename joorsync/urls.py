from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # Browsers and the admin ask for /favicon.ico whatever the page links.
    path("favicon.ico", RedirectView.as_view(url=static("joorsync/favicon.svg"), permanent=True)),
    # The merchant UI comes first: `/` is its dashboard.
    path("", include("joorsync.sync.ui.urls")),
    path("", include("shopify_app.urls")),
]
