"""Staff admin for the sync state: look at every shop's links, conflicts and jobs, and act on them.

The pages are read-only on purpose: every write to sync state goes through the services (settings
validation and schedules in `accounts`, links in `links`, resolutions in `conflicts`, jobs in `jobs`),
and the actions here are thin calls into those same services. JOOR credentials are never rendered:
the encrypted fields are excluded from every form and shown only as "set" / "not set".
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from joorsync.sync.conflicts import ConflictNotOpen, ConflictResolutionInvalid, conflict_resolve
from joorsync.sync.jobs import SyncJobStateError, sync_job_request, sync_job_retry, sync_job_target_for_link
from joorsync.sync.models import (
    Conflict,
    JoorAccount,
    ProductLink,
    ProductProblem,
    SyncEvent,
    SyncJob,
    VariantLink,
)
from joorsync.sync.ui.labels import field_label
from shopify_app.models import Shop

#: The encrypted JoorAccount fields: excluded from forms, shown only as set / not set.
SECRET_FIELDS = ("token", "client_id", "client_secret", "username", "password")
VALUE_PREVIEW_LENGTH = 60


def _preview(value: Any, limit: int = VALUE_PREVIEW_LENGTH) -> str:
    """A JSON value as one short line for a list column."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _pretty(value: Any) -> str:
    """A JSON value laid out for a detail page."""
    if value in (None, "", {}, []):
        return "—"
    return format_html("<pre>{}</pre>", json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _numeric_id(gid: str) -> str:
    """`gid://shopify/Product/123` → `123` (what a person searches the Shopify admin for)."""
    return gid.rsplit("/", 1)[-1] if gid else ""


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shows every field, edits none, adds and deletes nothing: changes go through the services."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        shown = [name for name in (self.fields or ()) if isinstance(name, str)]
        concrete = [
            f.name
            for f in self.model._meta.concrete_fields
            if f.name not in (self.exclude or ()) and not f.primary_key
        ]
        return list(dict.fromkeys([*super().get_readonly_fields(request, obj), *shown, *concrete]))

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        context = {
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context=context)


def _request_full_sync(admin_: admin.ModelAdmin, request: HttpRequest, shops: Iterable[Shop]) -> None:
    queued = []
    for shop in shops:
        job = sync_job_request(shop=shop, kind=SyncJob.Kind.FULL, trigger=SyncJob.Trigger.MANUAL)
        queued.append(f"{shop.shop_domain} (job {job.pk})")
    if queued:
        admin_.message_user(request, f"Full sync queued for {', '.join(queued)}.", messages.SUCCESS)


# -- JOOR accounts --------------------------------------------------------------------------------


@admin.register(JoorAccount)
class JoorAccountAdmin(ReadOnlyAdmin):
    list_display = (
        "shop",
        "api_generation",
        "base_url",
        "credentials",
        "direction",
        "sync_interval_minutes",
        "price_label",
        "price_currency",
        "last_joor_sync_at",
        "last_shopify_sync_at",
    )
    list_filter = ("api_generation", "direction", "delete_policy")
    search_fields = ("shop__shop_domain", "account_id", "base_url")
    list_select_related = ("shop",)
    autocomplete_fields = ("shop",)
    exclude = SECRET_FIELDS
    fieldsets = (
        (None, {"fields": ("shop", "api_generation", "base_url", "auth_url", "account_id")}),
        (
            "Credentials (write-only: change them with joor_connect or the app's settings page)",
            {
                "fields": (
                    "token_status",
                    "client_id_status",
                    "client_secret_status",
                    "username_status",
                    "password_status",
                )
            },
        ),
        (
            "Sync settings",
            {
                "fields": (
                    "direction",
                    "sync_interval_minutes",
                    "price_label",
                    "price_currency",
                    "price_field",
                    "compare_at_field",
                    "wholesale_factor",
                    "new_product_status",
                    "sync_shopify_drafts",
                    "delete_policy",
                    "ownership_display",
                    "location_warehouses_display",
                )
            },
        ),
        ("History", {"fields": ("last_joor_sync_at", "last_shopify_sync_at", "created_at", "updated_at")}),
    )
    readonly_fields = (
        "token_status",
        "client_id_status",
        "client_secret_status",
        "username_status",
        "password_status",
        "ownership_display",
        "location_warehouses_display",
    )
    actions = ("resync_shop",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The pretty JSON columns replace the raw ones; secrets are excluded, not read-only.
        fields = super().get_readonly_fields(request, obj)
        return [f for f in fields if f not in ("ownership", "location_warehouses", *SECRET_FIELDS)]

    @staticmethod
    def _status(value: str) -> str:
        return "set" if value else "not set"

    @admin.display(description="credentials")
    def credentials(self, obj: JoorAccount) -> str:
        names = (
            ("token",)
            if obj.api_generation == "v2"
            else ("client_id", "client_secret", "username", "password")
        )
        missing = [name for name in names if not getattr(obj, name)]
        return "set" if not missing else f"missing {', '.join(missing)}"

    @admin.display(description="token")
    def token_status(self, obj: JoorAccount) -> str:
        return self._status(obj.token)

    @admin.display(description="client ID")
    def client_id_status(self, obj: JoorAccount) -> str:
        return self._status(obj.client_id)

    @admin.display(description="client secret")
    def client_secret_status(self, obj: JoorAccount) -> str:
        return self._status(obj.client_secret)

    @admin.display(description="username")
    def username_status(self, obj: JoorAccount) -> str:
        return self._status(obj.username)

    @admin.display(description="password")
    def password_status(self, obj: JoorAccount) -> str:
        return self._status(obj.password)

    @admin.display(description="field ownership")
    def ownership_display(self, obj: JoorAccount) -> str:
        return _pretty(obj.ownership)

    @admin.display(description="location → warehouse")
    def location_warehouses_display(self, obj: JoorAccount) -> str:
        return _pretty(obj.location_warehouses)

    @admin.action(description="Resync shop (full sync now)", permissions=["change"])
    def resync_shop(self, request: HttpRequest, queryset: QuerySet[JoorAccount]) -> None:
        _request_full_sync(self, request, (account.shop for account in queryset.select_related("shop")))


# -- links ----------------------------------------------------------------------------------------


class VariantLinkInline(admin.TabularInline):
    model = VariantLink
    fields = (
        "color_code",
        "size",
        "sku",
        "upc",
        "shopify_variant_id",
        "shopify_inventory_item_id",
        "joor_sku_id",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProductLink)
class ProductLinkAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "shop",
        "status",
        "method",
        "style_number",
        "joor_side",
        "shopify_side",
        "open_conflicts",
        "last_synced_at",
    )
    list_filter = ("status", "method", "shop")
    search_fields = (
        "style_number",
        "style_identifier",
        "joor_name",
        "shopify_title",
        "shopify_product_id",
        "joor_product_id",
        "=joor_style_id",
    )
    list_select_related = ("shop",)
    autocomplete_fields = ("shop",)
    exclude = ("snapshot",)
    readonly_fields = ("snapshot_display",)
    inlines = (VariantLinkInline,)
    date_hierarchy = "last_synced_at"
    actions = ("sync_products",)

    @admin.display(description="JOOR style", ordering="joor_style_id")
    def joor_side(self, obj: ProductLink) -> str:
        if obj.joor_style_id is None and not obj.joor_product_id:
            return "—"
        name = f" {obj.joor_name}" if obj.joor_name else ""
        return f"#{obj.joor_style_id or obj.joor_product_id}{name}"

    @admin.display(description="Shopify product", ordering="shopify_product_id")
    def shopify_side(self, obj: ProductLink) -> str:
        if not obj.shopify_product_id:
            return "—"
        title = f" {obj.shopify_title}" if obj.shopify_title else ""
        return f"#{_numeric_id(obj.shopify_product_id)}{title}"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProductLink]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                open_conflict_count=Count("conflicts", filter=Q(conflicts__status=Conflict.Status.OPEN))
            )
        )

    @admin.display(description="open conflicts", ordering="open_conflict_count")
    def open_conflicts(self, obj: ProductLink) -> str:
        count = getattr(obj, "open_conflict_count", 0)
        if not count:
            return "0"
        url = reverse("admin:sync_conflict_changelist")
        query = urlencode({"link__id__exact": str(obj.pk), "status__exact": Conflict.Status.OPEN.value})
        return format_html('<a href="{}?{}">{}</a>', url, query, count)

    @admin.display(description="snapshot (last synced values)")
    def snapshot_display(self, obj: ProductLink) -> str:
        return _pretty(obj.snapshot)

    @admin.action(description="Sync selected products now", permissions=["change"])
    def sync_products(self, request: HttpRequest, queryset: QuerySet[ProductLink]) -> None:
        jobs: set[int] = set()
        for link in queryset.select_related("shop").order_by("pk"):
            job = sync_job_request(
                shop=link.shop,
                kind=SyncJob.Kind.TARGETED,
                target=sync_job_target_for_link(link=link),
                trigger=SyncJob.Trigger.MANUAL,
            )
            jobs.add(job.pk)
        self.message_user(
            request,
            f"Queued {len(jobs)} product sync job(s) for {queryset.count()} link(s).",
            messages.SUCCESS,
        )


@admin.register(VariantLink)
class VariantLinkAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "product_link",
        "color_code",
        "size",
        "sku",
        "upc",
        "shopify_variant_id",
        "joor_sku_id",
    )
    list_filter = ("product_link__shop",)
    search_fields = ("sku", "upc", "shopify_variant_id", "joor_sku_id", "product_link__style_number")
    list_select_related = ("product_link",)
    autocomplete_fields = ("product_link",)


# -- conflicts ------------------------------------------------------------------------------------


@admin.register(Conflict)
class ConflictAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "shop",
        "product",
        "field",
        "field_path",
        "shopify_preview",
        "joor_preview",
        "status",
        "resolution",
        "created_at",
        "resolved_by",
    )
    list_filter = ("status", "resolution", "shop")
    search_fields = ("field_path", "link__style_number", "link__shopify_title", "link__joor_name")
    list_select_related = ("shop", "link")
    autocomplete_fields = ("shop", "link", "job")
    exclude = ("base_value", "shopify_value", "joor_value", "resolved_value")
    readonly_fields = ("base_display", "shopify_display", "joor_display", "resolved_display")
    date_hierarchy = "created_at"
    actions = ("resolve_keep_shopify", "resolve_keep_joor")

    @admin.display(description="product", ordering="link__style_number")
    def product(self, obj: Conflict) -> str:
        return obj.link.style_number or obj.link.shopify_title or f"link {obj.link_id}"

    @admin.display(description="field", ordering="field_path")
    def field(self, obj: Conflict) -> str:
        """The merchant's name for the field; the raw path stays in its own column for searching."""
        return field_label(obj.field_path)

    @admin.display(description="Shopify value")
    def shopify_preview(self, obj: Conflict) -> str:
        return _preview(obj.shopify_value)

    @admin.display(description="JOOR value")
    def joor_preview(self, obj: Conflict) -> str:
        return _preview(obj.joor_value)

    @admin.display(description="base (last synced)")
    def base_display(self, obj: Conflict) -> str:
        return _pretty(obj.base_value)

    @admin.display(description="Shopify value")
    def shopify_display(self, obj: Conflict) -> str:
        return _pretty(obj.shopify_value)

    @admin.display(description="JOOR value")
    def joor_display(self, obj: Conflict) -> str:
        return _pretty(obj.joor_value)

    @admin.display(description="resolved value")
    def resolved_display(self, obj: Conflict) -> str:
        return _pretty(obj.resolved_value)

    def _resolve(self, request: HttpRequest, queryset: QuerySet[Conflict], resolution: str) -> None:
        resolved = skipped = 0
        emptying: list[str] = []
        for conflict in queryset.order_by("pk"):
            try:
                conflict_resolve(conflict=conflict, resolution=resolution, user=request.user.get_username())
            except ConflictNotOpen:
                skipped += 1
            except ConflictResolutionInvalid:
                emptying.append(f"#{conflict.pk}")
            else:
                resolved += 1
        label = Conflict.Resolution(resolution).label
        self.message_user(request, f"{resolved} conflict(s) resolved: {label}.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"{skipped} conflict(s) were not open and were skipped.", messages.WARNING
            )
        if emptying:
            self.message_user(
                request,
                f"Left open because the kept value is empty (a person clears a field in the app): "
                f"{', '.join(emptying)}.",
                messages.WARNING,
            )

    @admin.action(description="Resolve selected conflicts: keep Shopify", permissions=["change"])
    def resolve_keep_shopify(self, request: HttpRequest, queryset: QuerySet[Conflict]) -> None:
        self._resolve(request, queryset, Conflict.Resolution.KEEP_SHOPIFY)

    @admin.action(description="Resolve selected conflicts: keep JOOR", permissions=["change"])
    def resolve_keep_joor(self, request: HttpRequest, queryset: QuerySet[Conflict]) -> None:
        self._resolve(request, queryset, Conflict.Resolution.KEEP_JOOR)


# -- problems -------------------------------------------------------------------------------------


@admin.register(ProductProblem)
class ProductProblemAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "shop",
        "title",
        "side",
        "code",
        "field",
        "field_path",
        "message_preview",
        "status",
        "created_at",
    )
    list_filter = ("status", "side", "code", "shop")
    search_fields = ("title", "subject", "field_path", "message", "link__style_number")
    list_select_related = ("shop", "link")
    autocomplete_fields = ("shop", "link", "job")
    exclude = ("details",)
    readonly_fields = ("details_display",)
    date_hierarchy = "created_at"

    @admin.display(description="field", ordering="field_path")
    def field(self, obj: ProductProblem) -> str:
        return field_label(obj.field_path) if obj.field_path else "—"

    @admin.display(description="message")
    def message_preview(self, obj: ProductProblem) -> str:
        return _preview(obj.message, 100)

    @admin.display(description="details")
    def details_display(self, obj: ProductProblem) -> str:
        return _pretty(obj.details)


# -- jobs and events ------------------------------------------------------------------------------


@admin.register(SyncJob)
class SyncJobAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "shop",
        "kind",
        "trigger",
        "direction",
        "dry_run",
        "status",
        "progress",
        "created_at",
        "duration",
        "error_preview",
        "event_log",
    )
    list_filter = ("status", "kind", "trigger", "dry_run", "shop")
    search_fields = ("shop__shop_domain", "error", "=id")
    list_select_related = ("shop",)
    autocomplete_fields = ("shop",)
    exclude = ("counters", "api_usage", "checkpoint", "plan", "target")
    readonly_fields = (
        "progress",
        "target_display",
        "counters_display",
        "api_usage_display",
        "checkpoint_display",
        "plan_display",
    )
    date_hierarchy = "created_at"
    actions = ("retry_jobs",)

    @admin.display(description="progress")
    def progress(self, obj: SyncJob) -> str:
        if not obj.progress_total:
            return f"{obj.progress_done}" if obj.progress_done else "—"
        percent = min(100, round(100 * obj.progress_done / obj.progress_total))
        return f"{percent}% ({obj.progress_done}/{obj.progress_total})"

    @admin.display(description="duration")
    def duration(self, obj: SyncJob) -> str:
        if obj.started_at is None or obj.finished_at is None:
            return "—"
        return f"{(obj.finished_at - obj.started_at).total_seconds():.1f} s"

    @admin.display(description="error")
    def error_preview(self, obj: SyncJob) -> str:
        return _preview(obj.error, 80) if obj.error else ""

    @admin.display(description="events")
    def event_log(self, obj: SyncJob) -> str:
        url = reverse("admin:sync_syncevent_changelist")
        return format_html('<a href="{}?{}">events</a>', url, urlencode({"job__id__exact": obj.pk}))

    @admin.display(description="target")
    def target_display(self, obj: SyncJob) -> str:
        return _pretty(obj.target)

    @admin.display(description="counters")
    def counters_display(self, obj: SyncJob) -> str:
        return _pretty(obj.counters)

    @admin.display(description="API usage")
    def api_usage_display(self, obj: SyncJob) -> str:
        return _pretty(obj.api_usage)

    @admin.display(description="checkpoint")
    def checkpoint_display(self, obj: SyncJob) -> str:
        return _pretty(obj.checkpoint)

    @admin.display(description="dry-run plan")
    def plan_display(self, obj: SyncJob) -> str:
        return _pretty(obj.plan)

    @admin.action(description="Retry selected failed jobs", permissions=["change"])
    def retry_jobs(self, request: HttpRequest, queryset: QuerySet[SyncJob]) -> None:
        retried: list[str] = []
        refused: list[str] = []
        for job in queryset.order_by("pk"):
            try:
                sync_job_retry(job=job)
            except SyncJobStateError:
                refused.append(f"#{job.pk} ({job.status})")
            else:
                retried.append(f"#{job.pk}")
        if retried:
            self.message_user(request, f"Queued again: {', '.join(retried)}.", messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                f"Only failed or cancelled jobs are retried; left alone: {', '.join(refused)}.",
                messages.WARNING,
            )


@admin.register(SyncEvent)
class SyncEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "shop", "job", "link", "level", "action", "side", "message_preview")
    list_filter = ("level", "side", "action", "shop")
    search_fields = ("message", "action", "link__style_number")
    list_select_related = ("shop", "job", "link")
    autocomplete_fields = ("shop", "job", "link")
    exclude = ("details",)
    readonly_fields = ("details_display",)

    @admin.display(description="message")
    def message_preview(self, obj: SyncEvent) -> str:
        return _preview(obj.message, 100)

    @admin.display(description="details")
    def details_display(self, obj: SyncEvent) -> str:
        return _pretty(obj.details)
