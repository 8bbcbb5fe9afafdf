"""Webhook topics: the GraphQL enum names the app subscribes to and the header form Shopify sends."""

from __future__ import annotations

# Registered through the Admin API at install time, each pointing at {SHOPIFY_APP_URL}/webhooks.
SUBSCRIBED_TOPICS: tuple[str, ...] = (
    "PRODUCTS_CREATE",
    "PRODUCTS_UPDATE",
    "PRODUCTS_DELETE",
    "INVENTORY_LEVELS_UPDATE",
    "APP_UNINSTALLED",
    "APP_SCOPES_UPDATE",
    "BULK_OPERATIONS_FINISH",
    # Imported wholesale orders (joorsync.orders): their fulfilment and cancellation go back to JOOR.
    "ORDERS_CANCELLED",
    "ORDERS_FULFILLED",
    "ORDERS_PARTIALLY_FULFILLED",
)

APP_UNINSTALLED = "app/uninstalled"
APP_SCOPES_UPDATE = "app/scopes_update"
BULK_OPERATIONS_FINISH = "bulk_operations/finish"
CUSTOMERS_DATA_REQUEST = "customers/data_request"
CUSTOMERS_REDACT = "customers/redact"
SHOP_REDACT = "shop/redact"

# Mandatory compliance topics: configured in the app's TOML on Shopify, never via the API.
COMPLIANCE_TOPICS: frozenset[str] = frozenset({CUSTOMERS_DATA_REQUEST, CUSTOMERS_REDACT, SHOP_REDACT})


_HEADER_BY_ENUM: dict[str, str] = {
    "PRODUCTS_CREATE": "products/create",
    "PRODUCTS_UPDATE": "products/update",
    "PRODUCTS_DELETE": "products/delete",
    "INVENTORY_LEVELS_UPDATE": "inventory_levels/update",
    "APP_UNINSTALLED": APP_UNINSTALLED,
    "APP_SCOPES_UPDATE": APP_SCOPES_UPDATE,
    "BULK_OPERATIONS_FINISH": BULK_OPERATIONS_FINISH,
    "ORDERS_CANCELLED": "orders/cancelled",
    "ORDERS_FULFILLED": "orders/fulfilled",
    "ORDERS_PARTIALLY_FULFILLED": "orders/partially_fulfilled",
}


def topic_header(enum_name: str) -> str:
    """`PRODUCTS_UPDATE` → `products/update`: the enum splits ambiguously, so the table is explicit."""
    return _HEADER_BY_ENUM[enum_name]
