"""Registers the inventory and location resolvers (levels across locations, quantities, activation)."""

from __future__ import annotations

from shopify_app.sandbox import inventory_activation as _inventory_activation  # noqa: F401
from shopify_app.sandbox import inventory_levels as _inventory_levels  # noqa: F401
from shopify_app.sandbox import inventory_quantities as _inventory_quantities  # noqa: F401
from shopify_app.sandbox import locations as _locations  # noqa: F401
