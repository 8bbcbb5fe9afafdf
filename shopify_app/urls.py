from django.urls import path

from shopify_app.views import embedded, install, webhooks

app_name = "shopify_app"
urlpatterns = [
    path("", embedded.home, name="home"),
    path("auth", install.auth_start, name="auth"),
    path("auth/callback", install.auth_callback, name="auth_callback"),
    path("api/session", embedded.api_session, name="api_session"),
    path("webhooks", webhooks.webhooks, name="webhooks"),
]
