"""Reading the settings form: which connection fields changed, and the sync settings as the service
expects them. Credentials are write-only: an empty secret field means "keep the stored one"."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import QueryDict

from joorsync.sync.merge import DEFAULT_OWNERSHIP, FieldGroup, Ownership
from joorsync.sync.models import ApiGeneration, JoorAccount

SECRET_FIELDS = ("token", "client_id", "client_secret", "username", "password")
PLAIN_CONNECTION_FIELDS = ("api_generation", "base_url", "auth_url", "account_id")
OWNERSHIP_LABELS = {
    FieldGroup.CONTENT: "Content",
    FieldGroup.IDENTIFIERS: "Identifiers",
    FieldGroup.PRICES: "Prices",
    FieldGroup.INVENTORY: "Inventory",
    FieldGroup.JOOR_FIELDS: "JOOR fields",
}
OWNERSHIP_CHOICES = [
    (Ownership.TWO_WAY.value, "Two-way"),
    (Ownership.JOOR.value, "JOOR owns"),
    (Ownership.SHOPIFY.value, "Shopify owns"),
    (Ownership.IGNORE.value, "Not synced"),
]
WAREHOUSE_PREFIX = "warehouse:"


@dataclass
class ConnectionInput:
    """The connection part of the form merged over the stored account (secrets kept when left empty)."""

    values: dict[str, str] = field(default_factory=dict)
    changed: bool = False

    def unsaved_account(self, *, shop: Any) -> JoorAccount:
        return JoorAccount(shop=shop, **self.values)


def connection_input(data: QueryDict, *, account: JoorAccount | None) -> ConnectionInput:
    stored = {
        name: getattr(account, name) if account is not None else ""
        for name in (*SECRET_FIELDS, *PLAIN_CONNECTION_FIELDS)
    }
    values: dict[str, str] = {}
    changed = account is None
    for name in PLAIN_CONNECTION_FIELDS:
        given = data.get(name, "").strip()
        default = stored[name] or ("v2" if name == "api_generation" else "")
        if name == "base_url" and not default:
            default = settings.JOOR_API_BASE_URL
        values[name] = given or default
        changed = changed or values[name] != stored[name]
    for name in SECRET_FIELDS:
        given = data.get(name, "").strip()
        values[name] = given or stored[name]
        changed = changed or bool(given)
    if values["api_generation"] not in ApiGeneration.values:
        values["api_generation"] = ApiGeneration.V2
    return ConnectionInput(values=values, changed=changed)


def connect_kwargs(connection: ConnectionInput) -> dict[str, str]:
    """Arguments for `joor_account_connect` (only the generation's own credentials)."""
    v = connection.values
    common = {"api_generation": v["api_generation"], "base_url": v["base_url"]}
    if v["api_generation"] == ApiGeneration.V2:
        return {**common, "token": v["token"]}
    return {
        **common,
        "auth_url": v["auth_url"],
        **{name: v[name] for name in ("client_id", "client_secret", "username", "password", "account_id")},
    }


def settings_changes(data: QueryDict) -> dict[str, Any]:
    """The sync settings from the form, raw: `joor_account_update_settings` validates them."""
    warehouses = {
        key[len(WAREHOUSE_PREFIX) :]: value.strip()
        for key, value in data.items()
        if key.startswith(WAREHOUSE_PREFIX) and value.strip()
    }
    ownership = {
        group.value: data.get(f"owner_{group.value}", DEFAULT_OWNERSHIP[group].value) for group in FieldGroup
    }
    return {
        "price_label": data.get("price_label", ""),
        "price_currency": data.get("price_currency", ""),
        "price_field": data.get("price_field", "price_retail"),
        "compare_at_field": data.get("compare_at_field", ""),
        "wholesale_factor": data.get("wholesale_factor", "").strip(),
        "direction": data.get("direction", ""),
        "sync_interval_minutes": data.get("sync_interval_minutes", ""),
        "delete_policy": data.get("delete_policy", ""),
        "new_product_status": data.get("new_product_status", ""),
        # An unticked checkbox is not sent at all: absent means off.
        "sync_shopify_drafts": data.get("sync_shopify_drafts", ""),
        "ownership": ownership,
        "location_warehouses": warehouses,
    }
