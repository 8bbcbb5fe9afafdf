"""Reading the settings form: which connection fields changed, and the sync settings as the service
expects them. Credentials are write-only: an empty secret field means "keep the stored one" — unless
the JOOR API URL or auth URL changed, since stored credentials only ever go where they were entered
for: a new address needs them typed again."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Required, TypedDict

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
#: The secrets each API generation cannot connect without.
REQUIRED_SECRETS: dict[str, tuple[str, ...]] = {
    ApiGeneration.V2: ("token",),
    ApiGeneration.V4: ("client_id", "client_secret", "username", "password"),
}
SECRETS_CLEARED = (
    "The JOOR address changed, so the stored credentials no longer apply: enter them again for the new "
    "address."
)


@dataclass
class ConnectionInput:
    """The connection part of the form merged over the stored account (secrets kept when left empty,
    and dropped when the address changed: `secrets_cleared`)."""

    values: dict[str, str] = field(default_factory=dict)
    changed: bool = False
    secrets_cleared: bool = False

    def unsaved_account(self, *, shop: Any) -> JoorAccount:
        return JoorAccount(shop=shop, **self.values)

    def problem(self) -> str | None:
        """Why this connection must not be tried at all: stored credentials were cleared by an address
        change and not all were entered again. Checked before any request is made."""
        if not self.secrets_cleared:
            return None
        required = REQUIRED_SECRETS.get(self.values["api_generation"], ())
        return SECRETS_CLEARED if any(not self.values[name] for name in required) else None


def _address(url: str, *, default: str = "") -> str:
    return (url.strip() or default).rstrip("/")


def _moved(values: dict[str, str], account: JoorAccount | None) -> bool:
    """Whether the form points the account somewhere else than where its credentials were entered."""
    if account is None:
        return False
    if _address(values["base_url"]) != _address(account.base_url):
        return True
    if values["api_generation"] != ApiGeneration.V4:
        return False
    auth_default = settings.JOOR_AUTH_URL
    return _address(values["auth_url"], default=auth_default) != _address(
        account.auth_url, default=auth_default
    )


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
    if values["api_generation"] not in ApiGeneration.values:
        values["api_generation"] = ApiGeneration.V2
    moved = _moved(values, account)
    for name in SECRET_FIELDS:
        given = data.get(name, "").strip()
        values[name] = given if moved else given or stored[name]
        changed = changed or bool(given)
    return ConnectionInput(values=values, changed=changed or moved, secrets_cleared=moved)


class ConnectKwargs(TypedDict, total=False):
    """The connection arguments of `joor_account_connect`."""

    api_generation: Required[str]
    base_url: Required[str]
    auth_url: str
    token: str
    client_id: str
    client_secret: str
    username: str
    password: str
    account_id: str


def connect_kwargs(connection: ConnectionInput) -> ConnectKwargs:
    """Arguments for `joor_account_connect` (only the generation's own credentials)."""
    v = connection.values
    if v["api_generation"] == ApiGeneration.V2:
        return {"api_generation": v["api_generation"], "base_url": v["base_url"], "token": v["token"]}
    return {
        "api_generation": v["api_generation"],
        "base_url": v["base_url"],
        "auth_url": v["auth_url"],
        "client_id": v["client_id"],
        "client_secret": v["client_secret"],
        "username": v["username"],
        "password": v["password"],
        "account_id": v["account_id"],
    }


def settings_changes(data: QueryDict) -> dict[str, Any]:
    """The sync settings from the form, raw: `joor_account_update_settings` validates them."""
    warehouses = {
        key[len(WAREHOUSE_PREFIX) :]: value.strip()
        for key, value in data.items()
        if key.startswith(WAREHOUSE_PREFIX) and isinstance(value, str) and value.strip()
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
        # The table has its own section (`joorsync.stock`); kept only for a form that still sends it.
        **({"location_warehouses": warehouses} if any(k.startswith(WAREHOUSE_PREFIX) for k in data) else {}),
    }
