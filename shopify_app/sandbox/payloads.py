"""Webhook payloads in Shopify's REST format (what products/* and inventory_levels/* webhooks carry)."""

from __future__ import annotations

from typing import Any

from shopify_app.sandbox.models import InventoryLevel, Product, Variant, gid
from shopify_app.sandbox.store import ShopState


def rest_time(iso: str | None) -> str | None:
    """GraphQL `2026-07-19T13:09:37Z` → REST `2026-07-19T13:09:37+00:00`."""
    if not iso:
        return iso
    return iso[:-1] + "+00:00" if iso.endswith("Z") else iso


def variant_json(state: ShopState, product: Product, variant: Variant) -> dict[str, Any]:
    options = [value for _, value in variant.selected_options] + [None, None, None]
    return {
        "id": variant.id,
        "product_id": product.id,
        "title": variant.title,
        "price": variant.price,
        "sku": variant.sku or "",
        "position": variant.position,
        "inventory_policy": variant.inventory_policy.lower(),
        "compare_at_price": variant.compare_at_price,
        "option1": options[0],
        "option2": options[1],
        "option3": options[2],
        "created_at": rest_time(variant.created_at),
        "updated_at": rest_time(variant.updated_at),
        "taxable": variant.taxable,
        "barcode": variant.barcode,
        "inventory_item_id": variant.inventory_item_id,
        "inventory_quantity": state.inventory_quantity(variant),
        "old_inventory_quantity": state.inventory_quantity(variant),
        "admin_graphql_api_id": gid("ProductVariant", variant.id),
    }


def product_json(state: ShopState, product: Product) -> dict[str, Any]:
    return {
        "admin_graphql_api_id": gid("Product", product.id),
        "body_html": product.description_html,
        "created_at": rest_time(product.created_at),
        "handle": product.handle,
        "id": product.id,
        "product_type": product.product_type,
        "published_at": rest_time(product.published_at),
        "template_suffix": None,
        "title": product.title,
        "updated_at": rest_time(product.updated_at),
        "vendor": product.vendor,
        "status": product.status.lower(),
        "published_scope": "global",
        "tags": ", ".join(product.tags),
        "variants": [variant_json(state, product, v) for v in product.variants],
        "options": [
            {
                "name": option.name,
                "id": option.id,
                "product_id": product.id,
                "position": option.position,
                "values": [value.name for value in option.values],
            }
            for option in product.options
        ],
        **_media(state, product),
        "variant_gids": [
            {"admin_graphql_api_id": gid("ProductVariant", v.id), "updated_at": v.updated_at}
            for v in product.variants
        ],
        "has_variants_that_requires_components": False,
        "category": _category(product),
    }


def _category(product: Product) -> dict[str, Any] | None:
    from shopify_app.sandbox.taxonomy import rest_category

    return rest_category(product.category)


def _media(state: ShopState, product: Product) -> dict[str, Any]:
    from shopify_app.sandbox.media import rest_media  # images, image, media

    return rest_media(state, product)


def inventory_level_json(level: InventoryLevel) -> dict[str, Any]:
    return {
        "inventory_item_id": level.inventory_item_id,
        "location_id": level.location_id,
        "available": level.available,
        "updated_at": rest_time(level.updated_at),
        "admin_graphql_api_id": level.level_gid,
    }
