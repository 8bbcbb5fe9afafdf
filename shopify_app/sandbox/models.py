"""In-memory records of one sandbox shop: products, variants, inventory, locations, metafields."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any

_LEVEL_SEQ = itertools.count(1)


def shop_number(domain: str) -> int:
    """Stable numeric id of a shop (the same in every process, unlike `hash()`)."""
    return int(hashlib.sha256(domain.encode()).hexdigest()[:12], 16) % 10**11


def gid(kind: str, number: int) -> str:
    return f"gid://shopify/{kind}/{number}"


def parse_gid(value: Any, kind: str) -> int | None:
    """The numeric id of `gid://shopify/{kind}/{n}`, or None when it is not such a gid."""
    if not isinstance(value, str):
        return None
    prefix = f"gid://shopify/{kind}/"
    if not value.startswith(prefix):
        return None
    tail = value[len(prefix) :].split("?", 1)[0]
    return int(tail) if tail.isdigit() else None


@dataclass
class Location:
    id: int
    name: str
    is_primary: bool = False
    is_active: bool = True
    created_at: str = ""
    updated_at: str = ""
    fulfills_online_orders: bool = True
    address: dict[str, Any] = field(default_factory=dict)
    graphql_type = "Location"


@dataclass
class Metafield:
    id: int
    owner_gid: str
    namespace: str
    key: str
    type: str
    value: str
    created_at: str
    updated_at: str
    graphql_type = "Metafield"

    @property
    def compare_digest(self) -> str:
        """Opaque digest that changes whenever the value changes (compare-and-set in metafieldsSet)."""
        raw = f"{self.id}:{self.type}:{self.value}:{self.updated_at}".encode()
        return hashlib.sha256(raw).hexdigest()

    @property
    def owner_type(self) -> str:
        """`MetafieldOwnerType` of the owner: `PRODUCTVARIANT`, `CUSTOMER`, `COMPANY_LOCATION`…"""
        kind = self.owner_gid.split("/")[3] if self.owner_gid.count("/") >= 4 else "Product"
        return (
            re.sub(r"(?<=[a-z])(?=[A-Z])", "_", kind).upper() if kind.startswith("Company") else kind.upper()
        )

    def json_value(self) -> Any:
        if self.type.startswith("list.") or self.type in (
            "json",
            "boolean",
            "number_integer",
            "number_decimal",
        ):
            try:
                return json.loads(self.value)
            except ValueError:
                return self.value
        return self.value


@dataclass
class OptionValue:
    id: int
    name: str


@dataclass
class ProductOption:
    id: int
    name: str
    position: int
    values: list[OptionValue] = field(default_factory=list)


@dataclass
class Variant:
    id: int
    product_id: int
    inventory_item_id: int
    selected_options: list[tuple[str, str]]
    sku: str | None = None
    barcode: str | None = None
    price: str = "0.00"
    compare_at_price: str | None = None
    position: int = 1
    taxable: bool = True
    inventory_policy: str = "DENY"
    tracked: bool = True
    requires_shipping: bool = True
    created_at: str = ""
    updated_at: str = ""
    item_created_at: str = ""
    item_updated_at: str = ""
    metafields: list[Metafield] = field(default_factory=list)
    graphql_type = "ProductVariant"

    @property
    def title(self) -> str:
        values = [value for _, value in self.selected_options]
        return " / ".join(values) if values else "Default Title"


@dataclass
class Product:
    id: int
    title: str
    handle: str
    created_at: str
    updated_at: str
    description_html: str = ""
    vendor: str = ""
    product_type: str = ""
    status: str = "ACTIVE"
    tags: list[str] = field(default_factory=list)
    options: list[ProductOption] = field(default_factory=list)
    variants: list[Variant] = field(default_factory=list)
    metafields: list[Metafield] = field(default_factory=list)
    published_at: str | None = None
    category: str | None = None  # a `gid://shopify/TaxonomyCategory/…` id (`taxonomy.py`)
    graphql_type = "Product"


@dataclass
class InventoryLevel:
    """Quantities of one inventory item at one location."""

    inventory_item_id: int
    location_id: int
    available: int = 0
    on_hand: int = 0
    created_at: str = ""
    updated_at: str = ""
    # Deactivated levels keep their quantities but no longer count (see `inventory_levels.py`).
    is_active: bool = True
    # The other named quantities (`incoming`, `damaged`, …) and when each last changed.
    states: dict[str, int] = field(default_factory=dict)
    changed: dict[str, str] = field(default_factory=dict)
    # Creation order: Shopify lists an item's (and a location's) levels in the order they were made.
    seq: int = field(default_factory=lambda: next(_LEVEL_SEQ))
    graphql_type = "InventoryLevel"

    @property
    def level_gid(self) -> str:
        return f"gid://shopify/InventoryLevel/{self.location_id}?inventory_item_id={self.inventory_item_id}"


@dataclass
class InventoryItemRef:
    """Handle on a variant's inventory item (the item lives inside the variant record)."""

    variant: Variant
    graphql_type = "InventoryItem"


@dataclass
class WebhookSubscription:
    id: int
    topic: str
    uri: str
    api_version: str
    created_at: str
    updated_at: str
    format: str = "JSON"
    include_fields: list[str] = field(default_factory=list)
    filter: str | None = None
    graphql_type = "WebhookSubscription"


@dataclass
class ProductSetOperation:
    id: int
    status: str
    product_id: int | None = None
    user_errors: list[dict[str, Any]] = field(default_factory=list)
    polls: int = 0
    pending: Any = None
    graphql_type = "ProductSetOperation"


@dataclass
class BulkOperation:
    id: int
    type: str
    query: str
    status: str
    created_at: str
    completed_at: str | None = None
    object_count: int = 0
    root_object_count: int = 0
    file_size: int | None = None
    url: str | None = None
    error_code: str | None = None
    result: bytes | None = None
    pending: Any = None
    reads: int = 0
    graphql_type = "BulkOperation"
