"""Helpers of the linesheet tests: what JOOR's sandbox says a delivery holds, and what Shopify's has."""

from __future__ import annotations

from typing import Any

from joorsync.linesheets.models import LinesheetDirection, LinesheetSettings
from joorsync.sync.models import ProductLink
from shopify_app.admin import collections as api
from tests.sync.engine_support import World


def linesheets_on(world: World, direction: str = LinesheetDirection.JOOR_TO_SHOPIFY, **fields: Any) -> None:
    LinesheetSettings.objects.update_or_create(shop=world.shop, defaults={"direction": direction, **fields})


def expected_deliveries(world: World) -> dict[str, list[str]]:
    """Each JOOR delivery code → the Shopify product ids JOOR's display order puts on it (a style with
    every color excluded left out), read from the JOOR sandbox itself."""
    products = {
        link.joor_style_id: link.shopify_product_id for link in ProductLink.objects.filter(shop=world.shop)
    }
    placed: dict[str, list[tuple[Any, ...]]] = {}
    for style_id, product_id in products.items():
        style = world.joor_sandbox.style(style_id)
        colors = {c["color_code"] for c in style.get("colors") or []}
        for delivery in style.get("deliveries") or []:
            excluded = {e["color_code"] for e in delivery.get("color_exclusions") or []}
            if colors and colors <= excluded:
                continue
            order = delivery.get("style_display_order")
            placed.setdefault(delivery["delivery_code"], []).append(
                (order is None, order or 0, style["style_number"], product_id)
            )
    return {code: [row[-1] for row in sorted(rows)] for code, rows in placed.items()}


def shopify_collections(world: World) -> dict[str, dict[str, Any]]:
    """Every collection in the Shopify sandbox by title: its products in order and its metafields."""
    client = world.shopify_client()
    out = {}
    for collection in api.collections_iter(client):
        raw = (
            world.shopify_sandbox_collection(collection.id)
            if hasattr(world, "shopify_sandbox_collection")
            else None
        )
        out[collection.title] = {
            "id": collection.id,
            "sort_order": collection.sort_order,
            "products": api.collection_product_ids(client, collection_id=collection.id),
            "raw": raw,
        }
    return out
