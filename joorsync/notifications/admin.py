"""Staff admin for notifications: each shop's settings (who is mailed, which mails, the digest hour
and its schedule) and what was mailed, for answering "did the merchant hear about this?".

Read-only, as the order and sync admins are: settings change through the merchant's settings page,
which also keeps the digest schedule in line. The one action sends the daily summary now.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from joorsync.notifications.content import local_time
from joorsync.notifications.models import NotificationSent, NotificationSettings
from joorsync.notifications.schedules import digest_schedule_get
from joorsync.notifications.selectors import notification_zone
from joorsync.notifications.services import notify_digest
from joorsync.sync.admin import ReadOnlyAdmin


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(ReadOnlyAdmin):
    list_display = (
        "shop",
        "recipient",
        "on_failure",
        "on_new_items",
        "daily_digest",
        "digest_time",
        "last_digest_at",
        "updated_at",
    )
    list_filter = ("on_failure", "on_new_items", "daily_digest")
    search_fields = ("shop__shop_domain", "recipient")
    list_select_related = ("shop",)
    fieldsets = (
        (None, {"fields": ("shop", "recipient")}),
        ("Which mails", {"fields": ("on_failure", "on_new_items", "daily_digest")}),
        (
            "Daily summary",
            {"fields": ("digest_hour", "digest_clock", "shop_time_zone", "next_digest", "last_digest_at")},
        ),
        ("History", {"fields": ("contact_read_at", "created_at", "updated_at")}),
    )
    readonly_fields = ("next_digest",)
    actions = ("send_digest_now",)

    @admin.display(description="summary at")
    def digest_time(self, obj: NotificationSettings) -> str:
        return f"{obj.digest_hour:02d}:00 {notification_zone(settings=obj)}"

    @admin.display(description="next summary")
    def next_digest(self, obj: NotificationSettings) -> str:
        schedule = digest_schedule_get(shop=obj.shop)
        if schedule is None or schedule.next_run is None:
            return "— (no schedule: the summary is off or has no recipient)"
        return local_time(schedule.next_run, notification_zone(settings=obj))

    @admin.action(description="Send the daily summary now (when something needs attention)")
    def send_digest_now(self, request: HttpRequest, queryset: QuerySet[NotificationSettings]) -> None:
        sent, failed = 0, []
        for settings in queryset.select_related("shop"):
            NotificationSettings.objects.filter(pk=settings.pk).update(last_digest_at=None)
            try:
                sent += notify_digest(shop=settings.shop)
            except Exception as exc:  # the mail server's refusal is shown, not a server error
                failed.append(f"{settings.shop.shop_domain}: {type(exc).__name__}")
        text = (
            f"{sent} of {queryset.count()} summaries sent (none where the summary is off, has no "
            "recipient, or nothing needs attention)."
        )
        if failed:
            text += " Not sent: " + "; ".join(failed) + "."
        self.message_user(request, text, messages.SUCCESS if sent and not failed else messages.WARNING)


@admin.register(NotificationSent)
class NotificationSentAdmin(ReadOnlyAdmin):
    list_display = ("sent_at", "shop", "kind", "object_id", "variant")
    list_filter = ("kind",)
    search_fields = ("shop__shop_domain", "=object_id")
    list_select_related = ("shop",)
    date_hierarchy = "sent_at"
    ordering = ("-sent_at", "-pk")
