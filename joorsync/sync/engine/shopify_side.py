"""The engine's Shopify side: reading products (bulk export, one product), the wire shapes they come
in, and every write to Shopify (productSet, bulk creates, stock).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.utils.text import slugify

from joorsync.pricing.categories import (
    CATEGORY_PATH,
    TAGS_WRITTEN_KEY,
    category_tags_to_write,
    category_to_write,
)
from joorsync.stock.places import LEVELS_KEY, StockPlaces, level_of, stock_places
from joorsync.sync.canonical import CanonicalProduct
from joorsync.sync.engine.shopify_writes import ShopifyWrites, StockHold, bulk_finish_waiter
from joorsync.sync.joor_mapping import with_variant_skus
from joorsync.sync.matching import ShopifyItem
from joorsync.sync.shopify_mapping import (
    COMPARED_STOCK_KEY,
    canonical_to_product_set,
    product_identity,
    product_metafields,
    variant_node_map,
)
from shopify_app.admin.bulk import CHILDREN_KEY, run_bulk_query
from shopify_app.admin.client import MAX_NODES_PER_CALL, AdminClient
from shopify_app.admin.errors import ShopifyTransientError
from shopify_app.admin.inventory import locations_all
from shopify_app.admin.operations import load_operation

EXPORT_ATTEMPTS = 3
MEDIA_KINDS = ("MediaImage", "Video", "ExternalVideo", "Model3d")  # the export's media rows
#: Alias prefix of the per-location levels the export asks for (`stockAt0`, `stockAt1`, …).
LEVEL_ALIAS = "stockAt"


@dataclass(frozen=True, slots=True)
class StockToken:
    """What a held stock write needs to put the agreement back: the link, the field path, and the
    last agreed figure (`had_base`: there was one)."""

    link: Any
    path: str
    had_base: bool
    base: Any


@dataclass(frozen=True, slots=True)
class PendingStock:
    """JOOR's total for one variant, waiting for the batch's stock flush."""

    variant_id: str
    item_id: str
    total: int
    product: Mapping[str, Any]
    token: StockToken


def below_zero_message(*, total: int, target: int) -> str:
    return (
        f"JOOR's total is {total}, but the other mapped Shopify locations already hold {total - target}: "
        "the receiving location would go below zero, so no stock is written for this variant"
    )


def _variant_nodes(node: Mapping[str, Any]) -> list[dict[str, Any]]:
    variants = node.get("variants") or {}
    if isinstance(variants, dict):
        return list(variants.get("nodes") or [e["node"] for e in variants.get("edges") or []])
    return list(variants)


def products_export_query(search: str | None, *, locations: Sequence[str] = ()) -> str:
    """`ProductsExport.graphql`, narrowed by a product search when given, with each variant's level
    at each of `locations` (`inventoryLevel(locationId:)` is a single field, not a connection, so it
    costs no extra nesting level of the bulk query). A bulk query takes no variables, so the search
    and the location ids go into the document as string literals (JSON quoting is valid GraphQL
    string syntax)."""
    document = load_operation("ProductsExport")
    if locations:
        levels = " ".join(
            f"{LEVEL_ALIAS}{n}: inventoryLevel(locationId: {json.dumps(location)}) "
            '{ id quantities(names: ["available"]) { name quantity } }'
            for n, location in enumerate(locations)
        )
        document = document.replace("inventoryItem {", f"inventoryItem {{ {levels}", 1)
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
        location_ids: list[str] | None = None,
        idempotency_prefix: str,
        bulk_poll_interval: float = 1.0,
        warehouses: Mapping[str, str] | None = None,
        receiving: str | None = None,
    ) -> None:
        """`warehouses` is the account's location ↔ warehouse table, `receiving` the location marked
        to receive JOOR's stock (`location_ids` alone: the first receives, nothing is mapped)."""
        self.client = client
        self._warehouses = dict(warehouses or {})
        self._receiving = receiving or (None if warehouses else next(iter(location_ids or ()), None))
        self._places: StockPlaces | None = None
        # Variant id → its stock as read this run (levels at the read locations, Shopify's total).
        self._stock: dict[str, dict[str, Any]] = {}
        self._pending_stock: list[PendingStock] = []
        #: Told of each stock write Shopify did not take (set by the run, which records it).
        self.on_stock_held: Callable[[StockHold], None] = lambda held: None
        self._bulk_poll_interval = bulk_poll_interval
        self._currency = ""
        self._shop_id = shop_id
        self._prefix = idempotency_prefix
        self._writes: ShopifyWrites | None = None
        self.vendor = ""  # every product write sends it when set (a setting: `joorsync.pricing`)
        #: The shop's own JOOR category → taxonomy lines (`joorsync.pricing.categories`).
        self.category_mappings: dict[str, str] = {}
        # Product id → the history row of this run's mapped category write (its "old" is absent when
        # the product was read without its category).
        self._category_writes: dict[str, dict[str, Any]] = {}

    # ------------------------------------------------------------------ reads

    @property
    def currency(self) -> str:
        if not self._currency:
            self._currency = self.client.shop().currency_code
        return self._currency

    @property
    def places(self) -> StockPlaces:
        """Where stock is counted, written and received (the shop's locations read once, when the
        table marks no receiving location)."""
        if self._places is None:
            marked = self._receiving and (self._receiving in self._warehouses or not self._warehouses)
            locations = None if marked else locations_all(self.client)
            self._places = stock_places(
                warehouses=self._warehouses, receiving=self._receiving, locations=locations
            )
        return self._places

    @property
    def location_id(self) -> str | None:
        """The location that receives JOOR's stock (and a new product's)."""
        return self.places.receiving

    def product(self, product_id: str) -> dict[str, Any] | None:
        """One product, with each variant's stock at the read locations (one small query each)."""
        node = self.client.product(product_id)
        if node is not None:
            variants = _variant_nodes(node)
            found = self._levels_read([v["id"] for v in variants if v.get("id")])
            for variant in variants:
                variant[LEVELS_KEY] = found.get(str(variant.get("id") or ""), {})
                self._keep_stock(variant)
        return node

    def _levels_read(self, variant_ids: list[str]) -> dict[str, dict[str, int | None]]:
        """Variant id → location → `available` (None: not stocked there), at every read location."""
        found: dict[str, dict[str, int | None]] = {vid: {} for vid in variant_ids}
        for location in self.places.read_locations():
            for start in range(0, len(variant_ids), MAX_NODES_PER_CALL):
                chunk = variant_ids[start : start + MAX_NODES_PER_CALL]
                answer = self.client.execute("VariantStockAt", {"ids": chunk, "locationId": location})
                for n in answer.data.get("nodes") or []:
                    if n and n.get("id") in found:
                        level = (n.get("inventoryItem") or {}).get("inventoryLevel")
                        found[n["id"]][location] = level_of(level)
        return found

    def _keep_stock(self, variant: dict[str, Any]) -> None:
        """Work out the variant's compared figure and keep what its stock writes need."""
        variant[COMPARED_STOCK_KEY] = self.places.counted(variant)
        if variant.get("id"):
            self._stock[variant["id"]] = {
                LEVELS_KEY: variant.get(LEVELS_KEY),
                "inventoryQuantity": variant.get("inventoryQuantity"),
            }

    def export(self, *, since: datetime | None) -> Iterator[dict[str, Any]]:
        """Every product, or those updated since `since`, through a bulk query: bulk operations do
        not draw on the cost bucket that paged product queries (with their variants) drain fast."""
        search = None
        if since is not None:
            search = f"updated_at:>'{since.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}'"
        read = self.places.read_locations()
        for root in self._bulk_export(search, read):
            children = root.pop(CHILDREN_KEY, {})
            variants = children.get("ProductVariant", [])
            for variant in variants:
                item = variant.get("inventoryItem") or {}
                variant[LEVELS_KEY] = {
                    location: level_of(item.pop(f"{LEVEL_ALIAS}{n}", None)) for n, location in enumerate(read)
                }
                self._keep_stock(variant)
            root["variants"] = {"nodes": variants}
            root["metafields"] = {"nodes": children.get("Metafield", [])}
            root["media"] = {"nodes": [m for kind in MEDIA_KINDS for m in children.get(kind, [])]}
            yield root

    def _bulk_export(self, search: str | None, locations: list[str]) -> Iterator[dict[str, Any]]:
        """Started again when starting it failed in transit: a bulk query only reads, so a second
        one is harmless (Shopify runs several at once)."""
        document = products_export_query(search, locations=locations)
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
                vendor=self.vendor,
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
        files: list[dict[str, Any]] | None = None,
        category: str | None = None,
        policies: Mapping[str, str] | None = None,
    ) -> dict[str, Any] | None:
        """productSet of the whole product by id; returns the product as Shopify now has it.
        A made-to-order style's variants are sent CONTINUE (`canonical_to_product_set`); `policies`
        (variant key → policy, `joorsync.stock.engine.policy_review`) are the others' planned ones.
        `category`: a taxonomy category a person's decision puts back (the plan records it); without
        it, the one mapped from JOOR's categories when they changed (recorded by `category_changes`)."""
        variant_ids = {key: n["id"] for key, n in variant_node_map(node, variant_keys=variant_keys).items()}
        metafields = product_metafields(node)
        mapped = None
        if category is None:
            mapped = category = category_to_write(
                categories=merged.joor.get("categories"),
                previous=metafields.get("categories"),
                mappings=self.category_mappings,
                created=False,
            )
        tags = category_tags_to_write(
            categories=merged.joor.get("categories"),
            written=metafields.get(TAGS_WRITTEN_KEY),
            current_tags=node.get("tags") or (),
            created=False,
        )
        returned = self.writes.set_product(
            product_id=product_id,
            merged=merged,
            style_id=style_id,
            variant_ids=variant_ids,
            files=files,
            policies=policies,
            category=category,
            category_tags=tags,
        )
        if mapped:
            row: dict[str, Any] = {"path": CATEGORY_PATH, "new": mapped, "by": "merge"}
            if "category" in node:  # read with the product: what a restore puts back
                row["old"] = (node.get("category") or {}).get("id")
            if row.get("old") != mapped:
                self._category_writes[product_id] = row
        return returned

    def set_policies(self, *, product_id: str, node: Mapping[str, Any], policies: Mapping[str, str]) -> None:
        """The variants' selling policies only (variant id → policy), in one call for the product."""
        self.writes.set_policies(product_id=product_id, product=node, policies=policies)

    def category_changes(self, product_id: str) -> list[dict[str, Any]]:
        """The product history's row for the category this run mapped and wrote to `product_id`
        (JOOR's category changed since the last sync), with the category it had before."""
        row = self._category_writes.pop(product_id, None)
        return [row] if row else []

    def queue_stock(
        self,
        *,
        node: Mapping[str, Any],
        variant_keys: Mapping[str, tuple[str, str]],
        key: str,
        quantity: int,
        link: Any = None,
        path: str = "",
        base: Mapping[str, Any] | None = None,
    ) -> bool:
        """Queue JOOR's total `quantity` for one variant: what the receiving location must hold is
        worked out when the batch is flushed (a variant this run just made is read then). `link`,
        `path` and `base` (the last agreement) come back with a write Shopify does not take."""
        found = variant_node_map(node, variant_keys=variant_keys).get(key)
        item_id = (found.get("inventoryItem") or {}).get("id") if found else None
        if not found or not item_id:
            return False
        had = base is not None and path in base
        self._pending_stock.append(
            PendingStock(
                variant_id=str(found.get("id") or ""),
                item_id=item_id,
                total=quantity,
                product=node,
                token=StockToken(link=link, path=path, had_base=had, base=(base or {}).get(path)),
            )
        )
        return True

    def receiving_target(
        self, *, node: Mapping[str, Any], variant_keys: Mapping[str, tuple[str, str]], key: str, total: int
    ) -> int | None:
        """What the receiving location must hold for Shopify's counted figure to equal `total`
        (None: not known before the write, e.g. a variant not read yet)."""
        found = variant_node_map(node, variant_keys=variant_keys).get(key)
        read = self._stock.get(str((found or {}).get("id") or ""))
        return self.places.receiving_target(read, total) if read is not None else None

    def warehouse_split(
        self, *, node: Mapping[str, Any], variant_keys: Mapping[str, tuple[str, str]], key: str
    ) -> dict[str, int] | None:
        """JOOR warehouse → the figure Shopify holds for it, for a write to JOOR (None: not read)."""
        found = variant_node_map(node, variant_keys=variant_keys).get(key)
        read = self._stock.get(str((found or {}).get("id") or ""))
        return self.places.warehouse_split(read) if read is not None else None

    def create_payload(
        self, product: CanonicalProduct, *, style_id: int | None, status: str
    ) -> dict[str, Any]:
        payload = canonical_to_product_set(
            product,
            style_id=style_id,
            status=status,
            location_id=self.location_id,
            include_inventory=bool(self.location_id),
            vendor=self.vendor or None,
            category=category_to_write(
                categories=product.joor.get("categories"),
                previous=None,
                mappings=self.category_mappings,
                created=True,
            ),
            category_tags=category_tags_to_write(
                categories=product.joor.get("categories"), written=None, current_tags=(), created=True
            ),
        )
        payload["handle"] = style_handle(product.style_number, style_id)
        return payload

    def queue_create(self, payload: dict[str, Any], *, token: Any) -> None:
        self.writes.create_product(payload=payload, handle=payload["handle"], token=token)

    def flush_creates(self) -> list[tuple[Any, dict[str, Any] | None, str | None]]:
        return self.writes.flush_creates() if self._writes is not None else []

    def flush_stock(self) -> None:
        """Write the batch's stock into the receiving location: activating the item there first when
        it is not stocked there, else `inventorySetQuantities` against the figure read this run.
        What Shopify did not take goes to `on_stock_held`."""
        pending, self._pending_stock = self._pending_stock, []
        unread = [p.variant_id for p in pending if p.variant_id and p.variant_id not in self._stock]
        if unread:
            for variant_id, levels in self._levels_read(unread).items():
                self._stock[variant_id] = {LEVELS_KEY: levels, "inventoryQuantity": None}
        places = self.places
        for item in pending:
            read = self._stock.get(item.variant_id) or {}
            target = places.receiving_target(read, item.total)
            entry = {
                "inventoryItemId": item.item_id,
                "locationId": places.receiving or "",
                "quantity": item.total,
            }
            if target is None:
                self.on_stock_held(
                    StockHold(entry, "no Shopify location receives JOOR's stock", False, item.token)
                )
                continue
            if target < 0:
                message = below_zero_message(total=item.total, target=target)
                self.on_stock_held(StockHold({**entry, "quantity": target}, message, False, item.token))
                continue
            here = places.receiving_level(read)
            self.writes.set_quantity(
                inventory_item_id=item.item_id,
                quantity=target,
                product=item.product,
                location_id=places.receiving,
                change_from=here,
                activate=here is None,
                token=item.token,
            )
        if self._writes is not None:
            for held in self.writes.flush_quantities():
                self.on_stock_held(held)

    def archive(self, product_id: str) -> bool:
        result = self.client.product_update({"id": product_id, "status": "ARCHIVED"})
        return not result.user_errors
