"""Django admin for shops and webhook records. Tokens are never shown, only whether one is set.

Not `admin.py`: `shopify_app.admin` is the Admin GraphQL client package, so AppConfig.ready() imports
this module instead of relying on admin autodiscovery.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from shopify_app.models import BulkOperationFinish, OAuthState, Shop, WebhookDelivery


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = ("shop_domain", "token_set", "access_token_expires_at", "installed_at", "uninstalled_at")
    search_fields = ("shop_domain",)
    exclude = ("access_token", "refresh_token")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = (
        "token_set",
        "refresh_token_set",
        "access_token_expires_at",
        "refresh_token_expires_at",
        "installed_at",
        "uninstalled_at",
        "created_at",
        "updated_at",
    )

    @admin.display(description="token set", boolean=True)
    def token_set(self, obj: Shop) -> bool:
        return bool(obj.access_token)

    @admin.display(description="refresh token set", boolean=True)
    def refresh_token_set(self, obj: Shop) -> bool:
        return bool(obj.refresh_token)


@admin.register(OAuthState)
class OAuthStateAdmin(admin.ModelAdmin):
    list_display = ("shop_domain", "created_at", "used_at")
    exclude = ("nonce",)
    readonly_fields = ("shop_domain", "created_at", "used_at")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("topic", "shop_domain", "status", "received_at", "processed_at")
    list_filter = ("status", "topic")
    search_fields = ("shop_domain", "event_id", "webhook_id")
    readonly_fields = tuple(f.name for f in WebhookDelivery._meta.get_fields() if f.concrete)


@admin.register(BulkOperationFinish)
class BulkOperationFinishAdmin(admin.ModelAdmin):
    list_display = ("operation_gid", "shop", "status", "error_code", "completed_at", "received_at")
    list_filter = ("status",)
    readonly_fields = tuple(f.name for f in BulkOperationFinish._meta.get_fields() if f.concrete)
