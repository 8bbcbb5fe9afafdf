"""Registers the Markets and B2B pricing resolvers, and finds their records by gid (`node`/`nodes`)."""

from __future__ import annotations

from typing import Any

from shopify_app.sandbox import catalogs as _catalogs  # noqa: F401
from shopify_app.sandbox import markets as _markets  # noqa: F401
from shopify_app.sandbox import price_lists as _price_lists  # noqa: F401
from shopify_app.sandbox import quantity_rules as _quantity_rules  # noqa: F401
from shopify_app.sandbox.inventory_levels import find_level
from shopify_app.sandbox.markets import find_market
from shopify_app.sandbox.price_lists import find_catalog, find_price_list
from shopify_app.sandbox.store import ShopState


def find_pricing_node(state: ShopState, value: str) -> Any:
    """Price lists, catalogs, markets and inventory levels by gid."""
    for find in (find_price_list, find_catalog, find_market, find_level):
        found = find(state, value)
        if found is not None:
            return found
    return None
