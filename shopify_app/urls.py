from django.urls import path  # noqa: F401

app_name = "shopify_app"
urlpatterns: list = []
