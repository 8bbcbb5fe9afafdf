"""`/settings`: the JOOR connection (write-only credentials, "Test connection"), the sync settings, the
"Orders" section (its own form, saved by `joorsync.orders.ui.views.order_settings_save`) and the
"Notifications" section (its own form, saved by `joorsync.notifications.ui.views`).

Stored credentials are used only with the address they were entered for: when the form changes the
JOOR API URL or auth URL, the stored ones are left out, and neither Save nor "Test connection" sends a
request until they are entered again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from joorsync.notifications.ui.forms import NotificationSettingsForm, notifications_form_for
from joorsync.orders.selectors import order_settings_get
from joorsync.orders.ui.forms import OrderSettingsForm
from joorsync.stock.ui.forms import StockLocationsForm
from joorsync.sync.accounts import (
    JoorAccountInvalid,
    JoorConnectionError,
    joor_account_check_urls,
    joor_account_connect,
    joor_account_update_settings,
)
from joorsync.sync.merge import FieldGroup
from joorsync.sync.models import (
    ApiGeneration,
    DeletePolicy,
    Direction,
    JoorAccount,
    NewProductStatus,
    SyncJob,
)
from joorsync.sync.selectors import joor_account_get, joor_account_ownership, sync_job_queued_exists
from joorsync.sync.ui.auth import shop_required
from joorsync.sync.ui.forms import (
    OWNERSHIP_CHOICES,
    OWNERSHIP_LABELS,
    SECRET_FIELDS,
    WAREHOUSE_PREFIX,
    connect_kwargs,
    connection_input,
    settings_changes,
)
from joorsync.sync.ui.outside import joor_connection_check, joor_price_choices, shopify_locations
from joorsync.sync.ui.views.common import page, redirect_to

PRICE_FIELDS = [("price_retail", "Retail price"), ("price_wholesale", "Wholesale price")]
NEW_PRODUCT_STATUSES = [(NewProductStatus.DRAFT.value, "Draft"), (NewProductStatus.ACTIVE.value, "Active")]


def _values(account: JoorAccount | None, data: QueryDict | None) -> dict[str, Any]:
    """What the inputs show: the submitted values after an error, else the stored ones. Never a secret."""
    if data is not None:
        shown: dict[str, Any] = {k: v for k, v in data.items() if k not in SECRET_FIELDS}
        shown["ownership"] = {g.value: data.get(f"owner_{g.value}", "") for g in FieldGroup}
        shown["warehouses"] = {
            k[len(WAREHOUSE_PREFIX) :]: v for k, v in data.items() if k.startswith(WAREHOUSE_PREFIX)
        }
        return shown
    if account is None:
        return {
            "api_generation": "v2",
            "ownership": {},
            "warehouses": {},
            "sync_interval_minutes": 15,
            "new_product_status": NewProductStatus.DRAFT.value,
        }
    return {
        "api_generation": account.api_generation,
        "base_url": account.base_url,
        "auth_url": account.auth_url,
        "account_id": account.account_id,
        "price_label": account.price_label,
        "price_currency": account.price_currency,
        "price_field": account.price_field,
        "compare_at_field": account.compare_at_field,
        "wholesale_factor": "" if account.wholesale_factor is None else str(account.wholesale_factor),
        "direction": account.direction,
        "sync_interval_minutes": account.sync_interval_minutes,
        "delete_policy": account.delete_policy,
        "new_product_status": account.new_product_status,
        "sync_shopify_drafts": account.sync_shopify_drafts,
        "ownership": {g.value: o.value for g, o in joor_account_ownership(account=account).items()},
        "warehouses": dict(account.location_warehouses or {}),
    }


def _render(
    request: HttpRequest,
    *,
    data: QueryDict | None = None,
    error: str = "",
    test_result: str = "",
    test_ok: bool = False,
    orders_form: OrderSettingsForm | None = None,
    notifications_form: NotificationSettingsForm | None = None,
    status: int = 200,
    sections: dict[str, Any] | None = None,
) -> HttpResponse:
    shop = request.shop  # type: ignore[attr-defined]
    account = joor_account_get(shop=shop)
    values = _values(account, data)
    prices = joor_price_choices(account=account) if account is not None else None
    places = shopify_locations(shop=shop)
    if orders_form is None:
        orders_form = OrderSettingsForm(settings=order_settings_get(shop=shop), locations=places.locations)
    if notifications_form is None:
        notifications_form = notifications_form_for(shop=shop)
    error_field, error = field_error(error) if error else ("", "")
    known = dict(places.locations)
    for gid in values["warehouses"]:
        known.setdefault(gid, gid)  # a mapped location Shopify did not list still shows (by its id)
    context = {
        "account": account,
        "v": values,
        "secrets_set": {name: bool(account and getattr(account, name)) for name in SECRET_FIELDS},
        "generations": ApiGeneration.choices,
        "directions": Direction.choices,
        "delete_policies": DeletePolicy.choices,
        "new_product_statuses": NEW_PRODUCT_STATUSES,
        "price_fields": PRICE_FIELDS,
        "compare_fields": [("", "None"), *PRICE_FIELDS],
        "owner_rows": [
            (g.value, OWNERSHIP_LABELS[g], values["ownership"].get(g.value, "")) for g in FieldGroup
        ],
        "owner_choices": OWNERSHIP_CHOICES,
        "prices": prices,
        "locations": [(gid, name, values["warehouses"].get(gid, "")) for gid, name in known.items()],
        "locations_error": places.error,
        "warehouse_prefix": WAREHOUSE_PREFIX,
        "error": error,
        # The refusal shown at its field (the banner above the form then only points to it).
        "field_errors": {error_field: error} if error_field else {},
        "error_anchor": FIELD_IDS.get(error_field, ""),
        "test_result": test_result,
        "test_ok": test_ok,
        "orders_form": orders_form,
        "notifications_form": notifications_form,
        "stock_form": StockLocationsForm(account=account, locations=places.locations),
        **(sections or {}),  # a section's own form as submitted, with its refusals
    }
    return page(request, "sync/settings.html", context, nav="settings", status=status)


def settings_render(
    request: HttpRequest,
    *,
    orders_form: OrderSettingsForm | None = None,
    notifications_form: NotificationSettingsForm | None = None,
    status: int,
    sections: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page with one section as submitted (its refusals at their fields), the rest as stored: for
    the order and notification settings' own saves (`joorsync.orders.ui.views`,
    `joorsync.notifications.ui.views`)."""
    return _render(
        request,
        orders_form=orders_form,
        notifications_form=notifications_form,
        status=status,
        sections=sections,
    )


@require_http_methods(["GET", "POST"])
@shop_required
def settings_page(request: HttpRequest) -> HttpResponse:
    """GET shows; POST saves (connecting first when the connection changed, then the sync settings)."""
    if request.method == "GET":
        return _render(request)
    shop = request.shop  # type: ignore[attr-defined]
    account = joor_account_get(shop=shop)
    connection = connection_input(request.POST, account=account)
    cleared = connection.problem()
    if cleared is not None:
        return _render(request, data=request.POST, error=cleared, status=400)
    try:
        if connection.changed:
            account = joor_account_connect(shop=shop, **connect_kwargs(connection))
        assert account is not None  # noqa: S101 - connect returned it, or it was stored already
        joor_account_update_settings(account=account, **settings_changes(request.POST))
    except (JoorAccountInvalid, JoorConnectionError) as exc:
        return _render(request, data=request.POST, error=str(exc), status=400)
    saved = "Settings saved."
    if sync_job_queued_exists(shop=shop, kind=SyncJob.Kind.FULL):
        saved += " A full sync is queued: it looks at every product again with these settings."
    messages.success(request, saved)
    return redirect_to(reverse("ui:settings"))


# The services name settings by field; the page names them as its labels do.
#: Each field's input id on the page, for the banner's link to the field a refusal is about.
FIELD_IDS = {
    "sync_interval_minutes": "s-int",
    "price_currency": "s-pcur",
    "price_label": "s-plabel",
    "price_field": "s-pfield",
    "compare_at_field": "s-cmp",
    "wholesale_factor": "s-factor",
    "delete_policy": "s-del",
    "direction": "s-dir",
    "new_product_status": "s-newstatus",
    "sync_shopify_drafts": "s-drafts",
    "api_generation": "s-gen",
    "base_url": "s-url",
    "auth_url": "s-auth",
}
FIELD_LABELS = {
    "sync_interval_minutes": "Sync every (minutes)",
    "price_currency": "Price currency",
    "price_label": "Price label",
    "price_field": "Price field",
    "compare_at_field": "Compare-at price",
    "wholesale_factor": "Wholesale factor",
    "delete_policy": "Delete policy",
    "direction": "Direction",
    "new_product_status": "New products from JOOR are created as",
    "sync_shopify_drafts": "Send Shopify drafts to JOOR",
    "location_warehouses": "Locations and warehouses",
    "api_generation": "API generation",
    "base_url": "JOOR API URL",
    "auth_url": "JOOR auth URL",
}


def labelled(message: str) -> str:
    return field_error(message)[1]


def field_error(message: str) -> tuple[str, str]:
    """The form field a refusal is about ("" when none) and its message in the field's own words."""
    for name, label in FIELD_LABELS.items():
        if message.startswith(name):
            return name, label + message[len(name) :]
    return "", message


def _url_problem(account: JoorAccount) -> str | None:
    """The form's URLs checked as Save checks them, so "Test connection" never goes where Save would
    not."""
    try:
        joor_account_check_urls(account)
    except JoorAccountInvalid as exc:
        return labelled(str(exc))
    return None


@require_POST
@shop_required
def settings_test(request: HttpRequest) -> HttpResponse:
    """ "Test connection": the entered connection (stored secrets where left empty), nothing saved."""
    account = joor_account_get(shop=request.shop)  # type: ignore[attr-defined]
    connection = connection_input(request.POST, account=account)
    candidate = connection.unsaved_account(shop=request.shop)  # type: ignore[attr-defined]
    if account is not None:
        candidate.pk = None
        candidate.shop_id = account.shop_id
    problem = connection.problem() or _url_problem(candidate) or joor_connection_check(account=candidate)
    return _render(
        request,
        data=request.POST,
        test_result=problem or "Connection OK: JOOR accepted the credentials.",
        test_ok=problem is None,
    )
