"""State of one sandbox shop and the primitive operations on it.

Callers hold the sandbox lock; nothing here locks on its own.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from shopify_app.sandbox import search
from shopify_app.sandbox.collection_models import CollectionState
from shopify_app.sandbox.company_models import Company, CompanyContact, CompanyLocation, RoleAssignment
from shopify_app.sandbox.customer_models import Customer
from shopify_app.sandbox.handles import FALLBACK_HANDLE, normalize_handle, unique_handle
from shopify_app.sandbox.media_models import MediaState
from shopify_app.sandbox.models import (
    BulkOperation,
    InventoryLevel,
    Location,
    Metafield,
    Product,
    ProductSetOperation,
    Variant,
    WebhookSubscription,
    gid,
)
from shopify_app.sandbox.order_models import Order
from shopify_app.sandbox.pricing_models import PricingState


@dataclass
class Change:
    """A change to report as webhooks once the request is done."""

    topic: str  # header form, e.g. "products/update"
    payload: dict[str, Any]


@dataclass
class ShopState:
    domain: str
    name: str
    currency: str
    now: Callable[[], str]
    ids: Iterator[int]
    created_at: str = ""
    # Where metafields without a namespace go (recorded: `app--{app id}`).
    app_namespace: str = "app--0"
    products: dict[int, Product] = field(default_factory=dict)
    locations: dict[int, Location] = field(default_factory=dict)
    levels: dict[tuple[int, int], InventoryLevel] = field(default_factory=dict)
    subscriptions: dict[int, WebhookSubscription] = field(default_factory=dict)
    product_operations: dict[int, ProductSetOperation] = field(default_factory=dict)
    bulk_operations: dict[int, BulkOperation] = field(default_factory=dict)
    staged_uploads: dict[str, bytes | None] = field(default_factory=dict)
    idempotency: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    # Customers and B2B (see `customers.py`, `companies.py`).
    shopify_plus: bool = False
    customers: dict[int, Customer] = field(default_factory=dict)
    companies: dict[int, Company] = field(default_factory=dict)
    company_locations: dict[int, CompanyLocation] = field(default_factory=dict)
    company_contacts: dict[int, CompanyContact] = field(default_factory=dict)
    role_assignments: dict[int, RoleAssignment] = field(default_factory=dict)
    # (namespace, key) of CUSTOMER metafield definitions of type `id` (what `customId` identifiers need).
    customer_custom_ids: set[tuple[str, str]] = field(default_factory=set)
    # Orders (see `orders.py`); the next order is named `#{next_order_number}`.
    orders: dict[int, Order] = field(default_factory=dict)
    next_order_number: int = 1001
    # Files and product media (see `media.py`), collections (see `collections.py`).
    media: MediaState = field(default_factory=MediaState)
    collections: CollectionState = field(default_factory=CollectionState)
    # Price lists, catalogs, markets and quantity rules (see `price_lists.py`, `markets.py`).
    pricing: PricingState = field(default_factory=PricingState)

    def next_id(self) -> int:
        return next(self.ids)

    # ----- lookups -------------------------------------------------------------------------------
    def variants(self) -> Iterable[Variant]:
        for product in self.products.values():
            yield from product.variants

    def variant(self, variant_id: int | None) -> Variant | None:
        if variant_id is None:
            return None
        for variant in self.variants():
            if variant.id == variant_id:
                return variant
        return None

    def variant_by_item(self, item_id: int | None) -> Variant | None:
        if item_id is None:
            return None
        for variant in self.variants():
            if variant.inventory_item_id == item_id:
                return variant
        return None

    def product_of(self, variant: Variant) -> Product:
        return self.products[variant.product_id]

    def product_by_handle(self, handle: str) -> Product | None:
        for product in self.products.values():
            if product.handle == handle:
                return product
        return None

    def metafield(self, metafield_id: int) -> Metafield | None:
        owners: Iterator[Any] = itertools.chain(
            self.products.values(), self.variants(), self.collections.collections.values()
        )
        for owner in owners:
            for metafield in owner.metafields:
                if metafield.id == metafield_id:
                    return metafield
        return None

    def find_node(self, value: str) -> Any:
        """Resolve any supported gid to its record (for `node`/`nodes`)."""
        from shopify_app.sandbox.models import InventoryItemRef, parse_gid

        if (number := parse_gid(value, "Product")) is not None:
            return self.products.get(number)
        if (number := parse_gid(value, "ProductVariant")) is not None:
            return self.variant(number)
        if (number := parse_gid(value, "InventoryItem")) is not None:
            found = self.variant_by_item(number)
            return InventoryItemRef(found) if found else None
        if (number := parse_gid(value, "Location")) is not None:
            return self.locations.get(number)
        if (number := parse_gid(value, "Metafield")) is not None:
            return self.metafield(number)
        if (number := parse_gid(value, "ProductSetOperation")) is not None:
            return self.product_operations.get(number)
        if (number := parse_gid(value, "BulkOperation")) is not None:
            return self.bulk_operations.get(number)
        if (number := parse_gid(value, "WebhookSubscription")) is not None:
            return self.subscriptions.get(number)
        from shopify_app.sandbox.customers import find_customer_node

        if (found := find_customer_node(self, value)) is not None:
            return found
        from shopify_app.sandbox.order_lookup import find_order_node

        if (found := find_order_node(self, value)) is not None:
            return found
        from shopify_app.sandbox.pricing_api import find_pricing_node

        if (found := find_pricing_node(self, value)) is not None:
            return found
        from shopify_app.sandbox.media import find_catalog_node

        return find_catalog_node(self, value)

    # ----- handles -------------------------------------------------------------------------------
    def handle_taken(self, handle: str, *, except_id: int | None = None) -> bool:
        return any(p.handle == handle and p.id != except_id for p in self.products.values())

    def generated_handle(self, title: str, *, except_id: int | None = None) -> str:
        base = normalize_handle(title) or FALLBACK_HANDLE
        return unique_handle(base, lambda h: self.handle_taken(h, except_id=except_id))

    # ----- inventory -----------------------------------------------------------------------------
    def level(self, item_id: int, location_id: int, *, create: bool = True) -> InventoryLevel | None:
        key = (item_id, location_id)
        found = self.levels.get(key)
        if found is None and create:
            now = self.now()
            found = InventoryLevel(item_id, location_id, created_at=now, updated_at=now)
            self.levels[key] = found
        return found

    def item_levels(self, item_id: int, *, include_inactive: bool = False) -> list[InventoryLevel]:
        """The item's levels in creation order; deactivated ones only when asked for."""
        # A shop has a handful of locations: look each up rather than scanning every level.
        found = (self.levels.get((item_id, location_id)) for location_id in self.locations)
        kept = [lvl for lvl in found if lvl is not None and (lvl.is_active or include_inactive)]
        return sorted(kept, key=lambda lvl: lvl.seq)

    def location_levels(self, location_id: int, *, include_inactive: bool = False) -> list[InventoryLevel]:
        kept = [
            lvl
            for (_, loc), lvl in self.levels.items()
            if loc == location_id and (lvl.is_active or include_inactive)
        ]
        return sorted(kept, key=lambda lvl: lvl.seq)

    def inventory_quantity(self, variant: Variant) -> int:
        return sum(lvl.available for lvl in self.item_levels(variant.inventory_item_id))

    def total_inventory(self, product: Product) -> int:
        """Sum over tracked variants only (recorded: an untracked variant's stock is left out)."""
        return sum(self.inventory_quantity(v) for v in product.variants if v.tracked)

    def primary_location(self) -> Location:
        for location in self.locations.values():
            if location.is_primary:
                return location
        return next(iter(self.locations.values()))

    # ----- deletion ------------------------------------------------------------------------------
    def delete_product(self, product: Product) -> None:
        items = {v.inventory_item_id for v in product.variants}
        for key in [key for key in self.levels if key[0] in items]:
            del self.levels[key]
        del self.products[product.id]

    def drop_variant(self, variant: Variant) -> None:
        for key in [key for key in self.levels if key[0] == variant.inventory_item_id]:
            del self.levels[key]

    # ----- search --------------------------------------------------------------------------------
    def search_products(self, query: str | None) -> list[Product]:
        groups = search.parse(query)

        def values(product: Product) -> Callable[[str | None], list[Any]]:
            def of(name: str | None) -> list[Any]:
                variants = product.variants
                table: dict[str | None, list[Any]] = {
                    None: [product.title, product.vendor, product.product_type, *product.tags]
                    + [v.sku for v in variants],
                    "title": [product.title],
                    "handle": [product.handle],
                    "sku": [v.sku for v in variants],
                    "barcode": [v.barcode for v in variants],
                    "vendor": [product.vendor],
                    "product_type": [product.product_type],
                    "status": [product.status],
                    "tag": product.tags,
                    "tags": product.tags,
                    "id": [product.id],
                    "updated_at": [product.updated_at],
                    "created_at": [product.created_at],
                    "published_at": [product.published_at],
                }
                return table.get(name, [])

            return of

        if not groups:
            return list(self.products.values())
        result = []
        for product in self.products.values():
            if search.matches(groups, values(product)):
                result.append(product)
        return result

    def search_variants(self, query: str | None) -> list[Variant]:
        groups = search.parse(query)
        everything = list(self.variants())
        if not groups:
            return everything

        def values(variant: Variant) -> Callable[[str | None], list[Any]]:
            product = self.product_of(variant)

            def of(name: str | None) -> list[Any]:
                table: dict[str | None, list[Any]] = {
                    None: [variant.title, variant.sku, product.title],
                    "sku": [variant.sku],
                    "barcode": [variant.barcode],
                    "title": [variant.title],
                    "product_id": [variant.product_id],
                    "id": [variant.id],
                    "updated_at": [variant.updated_at],
                    "created_at": [variant.created_at],
                    "product_status": [product.status],
                }
                return table.get(name, [])

            return of

        return [variant for variant in everything if search.matches(groups, values(variant))]

    def gid(self, kind: str, number: int) -> str:
        return gid(kind, number)
