from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # The merchant UI comes first: `/` is its dashboard.
    path("", include("joorsync.sync.ui.urls")),
    path("", include("shopify_app.urls")),
]
