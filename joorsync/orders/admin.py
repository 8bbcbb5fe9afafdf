"""Staff admin for wholesale orders: every shop's imported orders with their history, the retailer
links, the order settings and the reads of JOOR's order export.

Read-only on purpose, as the sync admin is: an order's state only moves through the order services
(`order_retry`, `order_conflict_resolve`, `orders_job_request`), which the actions here call, and the
settings change through the merchant's settings page (which also keeps the schedule in step). Field
labels are spelled here where the model's own would read badly ("Joor order id", "Po number").
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from joorsync.orders.imports import order_retry
from joorsync.orders.models import ImportedOrder, OrderEvent, OrderPull, OrderSettings, RetailerLink
from joorsync.orders.services import orders_job_request
from joorsync.orders.status import order_conflict_resolve
from joorsync.sync.admin import ReadOnlyAdmin, _pretty, _preview
from joorsync.sync.models import SyncJob


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    fields = ("created_at", "level", "action", "message", "job")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ("-created_at", "-id")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ImportedOrder)
class ImportedOrderAdmin(ReadOnlyAdmin):
    list_display = (
        "joor_order",
        "shop",
        "po",
        "retailer",
        "units",
        "total_display",
        "state",
        "shopify_order",
        "created_at",
    )
    list_filter = ("state", "shop")
    search_fields = (
        "joor_order_id",
        "po_number",
        "retailer_name",
        "retailer_code",
        "shopify_order_name",
    )
    list_select_related = ("shop",)
    date_hierarchy = "created_at"
    exclude = (
        "joor_order_id",
        "joor_status",
        "joor_modified_at",
        "po_number",
        "joor_status_sent",
        "document",
        "hold_details",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "shop",
                    "joor_order",
                    "joor_status_display",
                    "joor_modified_display",
                    "po",
                    "retailer_code",
                    "retailer_name",
                    "currency",
                    "total",
                    "units",
                )
            },
        ),
        (
            "Import",
            {
                "fields": (
                    "state",
                    "hold_code",
                    "hold_message",
                    "hold_details_display",
                    "attempts",
                    "creating_since",
                    "imported_at",
                    "fingerprint",
                    "imported_fingerprint",
                )
            },
        ),
        (
            "Shopify order",
            {
                "fields": (
                    "shopify_order_id",
                    "shopify_order_name",
                    "shopify_fulfillment_status",
                    "shopify_financial_status",
                    "shopify_cancelled_at",
                )
            },
        ),
        ("Status sent to JOOR", {"fields": ("joor_status_sent_display", "status_note", "status_push_due")}),
        ("The order as read from JOOR", {"fields": ("document_display",)}),
        ("History", {"fields": ("created_at", "updated_at")}),
    )
    readonly_fields = (
        "joor_order",
        "joor_status_display",
        "joor_modified_display",
        "po",
        "hold_details_display",
        "joor_status_sent_display",
        "document_display",
    )
    inlines = (OrderEventInline,)
    actions = ("retry_held", "mark_resolved", "import_now")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ImportedOrder]:
        # The list never shows the document; the change page reads it when it shows it.
        return super().get_queryset(request).defer("document")

    @admin.display(description="JOOR order", ordering="joor_order_id")
    def joor_order(self, obj: ImportedOrder) -> str:
        return obj.joor_order_id

    @admin.display(description="status in JOOR")
    def joor_status_display(self, obj: ImportedOrder) -> str:
        return obj.joor_status or "—"

    @admin.display(description="changed in JOOR")
    def joor_modified_display(self, obj: ImportedOrder) -> str:
        return f"{obj.joor_modified_at:%Y-%m-%d %H:%M}" if obj.joor_modified_at else "—"

    @admin.display(description="PO number", ordering="po_number")
    def po(self, obj: ImportedOrder) -> str:
        return obj.po_number or "—"

    @admin.display(description="retailer", ordering="retailer_name")
    def retailer(self, obj: ImportedOrder) -> str:
        return obj.retailer_name or obj.retailer_code or "—"

    @admin.display(description="total", ordering="total")
    def total_display(self, obj: ImportedOrder) -> str:
        return f"{obj.total} {obj.currency}".strip() if obj.total is not None else "—"

    @admin.display(description="Shopify order", ordering="shopify_order_name")
    def shopify_order(self, obj: ImportedOrder) -> str:
        return obj.shopify_order_name or "—"

    @admin.display(description="hold details")
    def hold_details_display(self, obj: ImportedOrder) -> str:
        return _pretty(obj.hold_details)

    @admin.display(description="status last set in JOOR")
    def joor_status_sent_display(self, obj: ImportedOrder) -> str:
        return obj.joor_status_sent or "—"

    @admin.display(description="JOOR document")
    def document_display(self, obj: ImportedOrder) -> str:
        return _pretty(obj.document)

    @admin.action(description="Retry selected held orders", permissions=["change"])
    def retry_held(self, request: HttpRequest, queryset: QuerySet[ImportedOrder]) -> None:
        retried = [order for order in queryset.order_by("pk") if order_retry(order=order)]
        self.message_user(
            request,
            f"{len(retried)} held order(s) will be imported at the next order run; "
            f"{queryset.count() - len(retried)} were not held and were left alone.",
            messages.SUCCESS,
        )

    @admin.action(description="Mark selected orders resolved", permissions=["change"])
    def mark_resolved(self, request: HttpRequest, queryset: QuerySet[ImportedOrder]) -> None:
        by = f"staff:{request.user.get_username()}"
        resolved = [order for order in queryset.order_by("pk") if order_conflict_resolve(order=order, by=by)]
        self.message_user(
            request,
            f"{len(resolved)} order(s) marked resolved; "
            f"{queryset.count() - len(resolved)} did not need a decision and were left alone.",
            messages.SUCCESS,
        )

    @admin.action(
        description="Import orders now for the shops of the selected orders", permissions=["change"]
    )
    def import_now(self, request: HttpRequest, queryset: QuerySet[ImportedOrder]) -> None:
        _import_now(self, request, {order.shop for order in queryset.select_related("shop")})


def _import_now(admin_: admin.ModelAdmin, request: HttpRequest, shops: set[Any]) -> None:
    queued = []
    for shop in sorted(shops, key=lambda s: s.shop_domain):
        job = orders_job_request(shop=shop, trigger=SyncJob.Trigger.MANUAL)
        queued.append(f"{shop.shop_domain} (job {job.pk})")
    if queued:
        admin_.message_user(request, f"Order import queued for {', '.join(queued)}.", messages.SUCCESS)


@admin.register(OrderEvent)
class OrderEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "shop", "order", "level", "action", "message_preview")
    list_filter = ("level", "action", "shop")
    search_fields = ("message", "action", "order__joor_order_id", "order__po_number")
    list_select_related = ("shop", "order")
    exclude = ("details",)
    readonly_fields = ("details_display",)
    date_hierarchy = "created_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[OrderEvent]:
        return super().get_queryset(request).defer("order__document")

    @admin.display(description="message")
    def message_preview(self, obj: OrderEvent) -> str:
        return _preview(obj.message, 100)

    @admin.display(description="details")
    def details_display(self, obj: OrderEvent) -> str:
        return _pretty(obj.details)


@admin.register(RetailerLink)
class RetailerLinkAdmin(ReadOnlyAdmin):
    list_display = (
        "retailer_code",
        "retailer_name",
        "shop",
        "email",
        "shopify_customer_id",
        "shopify_company_id",
        "updated_at",
    )
    list_filter = ("shop",)
    search_fields = (
        "retailer_code",
        "retailer_name",
        "email",
        "shopify_customer_id",
        "shopify_company_id",
    )
    list_select_related = ("shop",)


class SendsStatusFilter(admin.SimpleListFilter):
    """`send_status_to_joor`, titled as people say it (the field's own label would read "joor")."""

    title = "sends status to JOOR"
    parameter_name = "sends_status"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in ("yes", "no"):
            return queryset.filter(send_status_to_joor=self.value() == "yes")
        return queryset


@admin.register(OrderSettings)
class OrderSettingsAdmin(ReadOnlyAdmin):
    list_display = (
        "shop",
        "enabled",
        "interval_minutes",
        "order_type",
        "retailer_mode",
        "tax_mode",
        "send_to_joor",
        "updated_at",
    )
    list_filter = ("enabled", "retailer_mode", "tax_mode", SendsStatusFilter)
    search_fields = ("shop__shop_domain",)
    list_select_related = ("shop",)
    exclude = ("tax_by_country", "warehouse_locations", "send_status_to_joor", "changes_checked_at")
    fieldsets = (
        (None, {"fields": ("shop", "enabled", "interval_minutes", "order_type")}),
        (
            "How orders are created",
            {
                "fields": (
                    "retailer_mode",
                    "financial_status",
                    "mark_fulfilled",
                    "inventory_behaviour",
                    "tax_mode",
                    "tax_by_country_display",
                    "tags",
                )
            },
        ),
        ("Locations", {"fields": ("default_location_id", "warehouse_locations_display")}),
        ("JOOR", {"fields": ("send_to_joor", "changes_checked_display")}),
        ("History", {"fields": ("created_at", "updated_at")}),
    )
    readonly_fields = (
        "tax_by_country_display",
        "warehouse_locations_display",
        "send_to_joor",
        "changes_checked_display",
    )
    actions = ("import_now",)

    @admin.display(description="send status to JOOR", boolean=True)
    def send_to_joor(self, obj: OrderSettings) -> bool:
        return obj.send_status_to_joor

    @admin.display(description="JOOR changes checked up to")
    def changes_checked_display(self, obj: OrderSettings) -> str:
        return f"{obj.changes_checked_at:%Y-%m-%d %H:%M}" if obj.changes_checked_at else "—"

    @admin.display(description="taxes by country")
    def tax_by_country_display(self, obj: OrderSettings) -> str:
        return _pretty(obj.tax_by_country)

    @admin.display(description="JOOR warehouse → Shopify location")
    def warehouse_locations_display(self, obj: OrderSettings) -> str:
        return _pretty(obj.warehouse_locations)

    @admin.action(description="Import orders now for the selected shops", permissions=["change"])
    def import_now(self, request: HttpRequest, queryset: QuerySet[OrderSettings]) -> None:
        _import_now(self, request, {settings.shop for settings in queryset.select_related("shop")})


@admin.register(OrderPull)
class OrderPullAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "shop",
        "started_at",
        "finished_at",
        "received",
        "new",
        "changed",
        "joor_requests",
        "log",
    )
    list_filter = ("shop",)
    search_fields = ("shop__shop_domain",)
    list_select_related = ("shop", "job")
    exclude = ("joor_calls",)
    readonly_fields = ("joor_requests", "log")
    date_hierarchy = "started_at"

    @admin.display(description="requests to JOOR", ordering="joor_calls")
    def joor_requests(self, obj: OrderPull) -> int:
        return obj.joor_calls

    @admin.display(description="job")
    def log(self, obj: OrderPull) -> str:
        if obj.job_id is None:
            return "—"
        url = reverse("admin:sync_syncjob_changelist")
        return format_html('<a href="{}?{}">job {}</a>', url, urlencode({"id": obj.job_id}), obj.job_id)
