"""The engine's Shopify side: reading products (bulk export, one product), the wire shapes they come
in, and every write to Shopify (productSet, bulk creates, stock).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from django.utils.text import slugify

from joorsync.sync.canonical import CanonicalProduct
from joorsync.sync.engine.shopify_writes import ShopifyWrites, bulk_finish_waiter
from joorsync.sync.joor_mapping import with_variant_skus
from joorsync.sync.matching import ShopifyItem
from joorsync.sync.shopify_mapping import (
    canonical_to_product_set,
    product_identity,
    variant_node_map,
)
from shopify_app.admin.bulk import CHILDREN_KEY, run_bulk_query
from shopify_app.admin.client import AdminClient
from shopify_app.admin.errors import ShopifyTransientError
from shopify_app.admin.operations import load_operation

EXPORT_ATTEMPTS = 3


def products_export_query(search: str | None) -> str:
    """`ProductsExport.graphql`, narrowed by a product search when given. A bulk query takes no
    variables, so the search goes into the document as a string literal (JSON quoting is valid
    GraphQL string syntax)."""
    document = load_operation("ProductsExport")
    if search is None:
        return document
    return document.replace("products {", f"products(query: {json.dumps(search)}) {{", 1)


def style_handle(style_number: str, style_id: int | None) -> str:
    """The handle a product created for a style gets: readable, and unique through the style id, so
    creating it again after a crash finds the same product instead of making a second one."""
    base = slugify(style_number)[:200] or "style"
    return f"{base}-{style_id}" if style_id is not None else base


def generated_skus(product: CanonicalProduct) -> CanonicalProduct:
    """JOOR v2 has no SKU strings; new Shopify variants get `<style number>-<color>-<size>`."""
    return with_variant_skus(
        product,
        {
            (v.color_code, v.size): v.sku or f"{product.style_number}-{v.color_code}-{v.size}"
            for v in product.variants
        },
    )


def shopify_item(node: Mapping[str, Any]) -> ShopifyItem:
    """What matching needs of a product: its barcodes, SKUs and identity metafields."""
    identity = product_identity(node)
    variants = node.get("variants") or {}
    nodes = variants.get("nodes", []) if isinstance(variants, dict) else variants
    style_id = identity.get("style_id")
    return ShopifyItem(
        product_id=node["id"],
        barcodes=frozenset(v["barcode"] for v in nodes if v.get("barcode")),
        skus=frozenset(v["sku"] for v in nodes if v.get("sku")),
        style_id=int(style_id) if isinstance(style_id, int | str) and str(style_id).isdigit() else None,
        style_number=str(identity.get("style_number") or ""),
        style_identifier=str(identity.get("style_identifier") or ""),
    )


class ShopifySide:
    """One run's view of one shop's Shopify catalog."""

    def __init__(
        self,
        *,
        client: AdminClient,
        shop_id: int,
        location_ids: list[str],
        idempotency_prefix: str,
        bulk_poll_interval: float = 1.0,
    ) -> None:
        self.client = client
        self._mapped_locations = location_ids
        self._location_id: str | None = None
        self._bulk_poll_interval = bulk_poll_interval
        self._currency = ""
        self._shop_id = shop_id
        self._prefix = idempotency_prefix
        self._writes: ShopifyWrites | None = None

    # ------------------------------------------------------------------ reads

    @property
    def currency(self) -> str:
        if not self._currency:
            self._currency = self.client.shop().currency_code
        return self._currency

    @property
    def location_id(self) -> str | None:
        if self._location_id is None:
            if self._mapped_locations:
                self._location_id = self._mapped_locations[0]
            else:
                locations = self.client.locations()
                self._location_id = locations[0].id if locations else ""
        return self._location_id or None

    def product(self, product_id: str) -> dict[str, Any] | None:
        return self.client.product(product_id)

    def export(self, *, since: datetime | None) -> Iterator[dict[str, Any]]:
        """Every product, or those updated since `since`, through a bulk query: bulk operations do
        not draw on the cost bucket that paged product queries (with their variants) drain fast."""
        search = None
        if since is not None:
            search = f"updated_at:>'{since.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}'"
        for root in self._bulk_export(search):
            children = root.pop(CHILDREN_KEY, {})
            root["variants"] = {"nodes": children.get("ProductVariant", [])}
            root["metafields"] = {"nodes": children.get("Metafield", [])}
            yield root

    def _bulk_export(self, search: str | None) -> Iterator[dict[str, Any]]:
        """Started again when starting it failed in transit: a bulk query only reads, so a second
        one is harmless (Shopify runs several at once)."""
        document = products_export_query(search)
        wait = bulk_finish_waiter(self.client, shop_id=self._shop_id, poll_interval=self._bulk_poll_interval)
        for attempt in range(1, EXPORT_ATTEMPTS + 1):
            try:
                result = run_bulk_query(
                    self.client, document, poll_interval=self._bulk_poll_interval, wait=wait
                )
                break
            except ShopifyTransientError:
                if attempt == EXPORT_ATTEMPTS:
                    raise
        return iter(result)

    # ------------------------------------------------------------------ writes

    @property
    def writes(self) -> ShopifyWrites:
        if self._writes is None:
            self._writes = ShopifyWrites(
                client=self.client,
                location_id=self.location_id,
                idempotency_prefix=self._prefix,
                shop_id=self._shop_id,
                bulk_poll_interval=self._bulk_poll_interval,
                bulk_wait=bulk_finish_waiter(
                    self.client, shop_id=self._shop_id, poll_interval=self._bulk_poll_interval
                ),
            )
        return self._writes

    def set_product(
        self,
        *,
        product_id: str,
        merged: CanonicalProduct,
        style_id: int | None,
        node: Mapping[str, Any],
        variant_keys: Mapping[str, tuple[str, str]],
    ) -> dict[str, Any] | None:
        """productSet of the whole product by id; returns the product as Shopify now has it."""
        variant_ids = {key: n["id"] for key, n in variant_node_map(node, variant_keys=variant_keys).items()}
        return self.writes.set_product(
            product_id=product_id, merged=merged, style_id=style_id, variant_ids=variant_ids
        )

    def queue_stock(
        self,
        *,
        node: Mapping[str, Any],
        variant_keys: Mapping[str, tuple[str, str]],
        key: str,
        quantity: int,
    ) -> bool:
        found = variant_node_map(node, variant_keys=variant_keys).get(key)
        item_id = (found.get("inventoryItem") or {}).get("id") if found else None
        if not item_id:
            return False
        self.writes.set_quantity(inventory_item_id=item_id, quantity=quantity, product=node)
        return True

    def create_payload(
        self, product: CanonicalProduct, *, style_id: int | None, status: str
    ) -> dict[str, Any]:
        payload = canonical_to_product_set(
            product,
            style_id=style_id,
            status=status,
            location_id=self.location_id,
            include_inventory=bool(self.location_id),
        )
        payload["handle"] = style_handle(product.style_number, style_id)
        return payload

    def queue_create(self, payload: dict[str, Any], *, token: Any) -> None:
        self.writes.create_product(payload=payload, handle=payload["handle"], token=token)

    def flush_creates(self) -> list[tuple[Any, dict[str, Any] | None, str | None]]:
        return self.writes.flush_creates() if self._writes is not None else []

    def flush_stock(self) -> None:
        if self._writes is not None:
            self.writes.flush_quantities()

    def archive(self, product_id: str) -> bool:
        result = self.client.product_update({"id": product_id, "status": "ARCHIVED"})
        return not result.user_errors
