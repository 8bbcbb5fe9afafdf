"""The sandbox's one in-memory catalog, from which the v2 (style) and v4 (product/SKU) views are drawn.

A style is a v4 product; each color × size of a style is a SKU; a style's deliveries are links to
collections (linesheets), which belong to seasons; prices are kept per style and price type, with
optional per-SKU overrides written through v4 — the v2 `prices` node is the style-level view of them.
Nothing here locks: `state.SandboxState` serialises access.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from .defaults import WAREHOUSES


def opaque_id(kind: str, number: int) -> str:
    """A v4-style opaque id: base64 of `Kind:number`, as JOOR's ids look."""
    return base64.b64encode(f"{kind}:{number}".encode()).decode("ascii")


def decode_opaque_id(value: str, kind: str) -> int | None:
    """The number inside an opaque id of `kind`, or None when `value` is not one."""
    try:
        text = base64.b64decode(value.encode("ascii"), validate=True).decode("utf-8")
    except (ValueError, UnicodeError):
        return None
    prefix, _, number = text.partition(":")
    if prefix != kind or not number.isdigit():
        return None
    return int(number)


def sku_id_for(product_id: str, number: int) -> str:
    """A v4 SKU id: base64 of `0|<product id>|<sku number>`, the shape of JOOR's sample SKU id
    "MHw1NTE3MDk1fDE4MjMwODYy" = base64("0|5517095|18230862")
    [https://api-docs.jooraccess.com/docs/how-to-create-update-price-data]. (In that sample the middle
    number is not the sample's product id, 3295521: the sandbox puts the product id there; treat SKU
    ids as opaque.)"""
    return base64.b64encode(f"0|{product_id}|{number}".encode()).decode("ascii")


def price_id_for(sku_id: str, price_type_id: str) -> str:
    """The opaque v4 id of a SKU's price of one price type (JOOR shows only the placeholder
    "price_id_333" [https://api-docs.jooraccess.com/v2.0/reference/create-prices]). Derived, not
    stored: a SKU has at most one price per price type."""
    return base64.b64encode(f"Price|{sku_id}|{price_type_id}".encode()).decode("ascii")


def parse_price_id(value: str) -> tuple[str, str] | None:
    """`(sku_id, price_type_id)` of a price id made by `price_id_for`, or None."""
    try:
        text = base64.b64decode(value.encode("ascii"), validate=True).decode("utf-8")
    except (ValueError, UnicodeError):
        return None
    kind, _, rest = text.partition("|")
    sku_id, _, price_type_id = rest.partition("|")
    if kind != "Price" or not sku_id or not price_type_id:
        return None
    return sku_id, price_type_id


@dataclass(slots=True)
class PriceType:
    """A v4 price type; its `name` is the v2 `price_label`. `id` is a numeric string, as JOOR's "1234"
    [https://api-docs.jooraccess.com/v2.0/reference/get-orders-1]."""

    id: str
    name: str
    currency_code: str
    retail_currency_code: str


@dataclass(slots=True)
class Season:
    """A season. `id` is a numeric string, as JOOR's "33615"
    [https://api-docs.jooraccess.com/docs/how-to-create-update-collection-season-data]; `code` is the v2
    `season_code` (seasons created through v4 use their `external_id` as code)."""

    id: str
    name: str
    year: int | None
    code: str | None
    external_id: str | None = None


@dataclass(slots=True)
class Collection:
    """A linesheet: a v2 delivery as seen from the brand's account rather than from one style."""

    id: str
    name: str
    code: str | None
    season_id: str | None
    date_delivery_start: date | None
    date_delivery_end: date | None
    date_cancel: date | None
    external_id: str | None = None
    minimum_shipping_window: int | None = None


@dataclass(slots=True)
class StylePrice:
    price_type_id: str
    wholesale: Decimal | None
    retail: Decimal | None


@dataclass(slots=True)
class DeliveryLink:
    """A style's place in a collection: the per-style half of a v2 `delivery` node."""

    collection_id: str
    style_display_order: int | None = None
    public: bool = True
    style_comments: str | None = None
    color_exclusions: list[dict[str, Any]] = field(default_factory=list)
    # The exact SKUs a v4 collection item names (None: all SKUs of the product, less the v2 color
    # exclusions). v2 shows a subset as the colors it leaves out entirely.
    sku_ids: list[str] | None = None
    # Made through the API (a v2 style write or a v4 collection write) rather than in JOOR's web UI:
    # `delivery_overwrite=2` replaces only these.
    via_api: bool = False


@dataclass(slots=True)
class SkuMeta:
    """What v4 adds to a color × size: its own external id and identifier, and the identifiers that
    are not its barcode (the barcode is the v2 `upcs` entry). Status is per color and per size, kept on
    the color/size dicts as `v4_status` (with `v4_order_nbr`, and for sizes `v4_order_minimum`)."""

    external_id: str | None = None
    sku_identifier: str | None = None
    other_identifiers: list[dict[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class StyleRecord:
    """One style. `fields` holds the scalar v2 fields (typed Python values, None when empty);
    `categories`, `materials`, `colors`, `sizes`, `badges`, `tags`, `upcs`, `images` hold the v2 nodes
    as lists of plain dicts (or strings) in v2 field names; v4-only values ride along in `v4_*` keys
    of those dicts (and `tag_parent_id`, `identifier_type`), which the v2 view does not show.
    `swatches`/`videos` are v4 product assets with no v2 counterpart; `asset_order` keeps the
    `display_order` of v4-uploaded assets by path. A color's own image (v2 `color_code` upload, v4
    SKU trait value image) is its `v4_images`; its swatch is its v2 `color_image`."""

    style_id: int
    fields: dict[str, Any]
    created: datetime
    modified: datetime
    categories: list[dict[str, Any]] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    prices: list[StylePrice] = field(default_factory=list)
    deliveries: list[DeliveryLink] = field(default_factory=list)
    colors: list[dict[str, Any]] = field(default_factory=list)
    sizes: list[dict[str, Any]] = field(default_factory=list)
    badges: list[dict[str, Any]] = field(default_factory=list)
    tags: list[dict[str, Any]] = field(default_factory=list)
    upcs: list[dict[str, Any]] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    swatches: list[str] = field(default_factory=list)
    videos: list[str] = field(default_factory=list)
    asset_order: dict[str, int] = field(default_factory=dict)
    # JOOR's upload id per image path (the v2 image DELETE answer names it) and a v4 asset's
    # `external_id` per path.
    upload_ids: dict[str, int] = field(default_factory=dict)
    asset_external_ids: dict[str, str] = field(default_factory=dict)
    sku_ids: dict[tuple[str, str], str] = field(default_factory=dict)
    sku_meta: dict[str, SkuMeta] = field(default_factory=dict)
    sku_prices: dict[tuple[str, str], StylePrice] = field(default_factory=dict)
    quirk_key: str = ""

    @property
    def product_id(self) -> str:
        """The v4 product id: the v2 `style_id` as a numeric string (JOOR shows product ids such as
        "111111" and "3295521" [https://api-docs.jooraccess.com/changelog/api-v4-product-03172021])."""
        return str(self.style_id)

    @property
    def style_number(self) -> str:
        return str(self.fields.get("style_number") or "")

    @property
    def style_identifier(self) -> str:
        return str(self.fields.get("style_identifier") or "")

    def combos(self) -> list[tuple[str, str]]:
        """Every color × size of the style, colors outer, in document order: its SKUs."""
        return [(str(c["color_code"]), str(s["size_name"])) for c in self.colors for s in self.sizes]

    def upc_entry(self, color_code: str, size_name: str) -> dict[str, Any] | None:
        for entry in self.upcs:
            if entry.get("sku_color_code") == color_code and entry.get("sku_size") == size_name:
                return entry
        return None


def order_line_id(number: int) -> str:
    """The v4 id of the `number`-th order line: a numeric string, in a range of its own so that an order
    id passed where a line item id belongs finds nothing."""
    return str(10_000_000 + number)


@dataclass(slots=True)
class Address:
    """A billing or shipping address of a retailer or an order. `code` is JOOR's `billing_code` /
    `shipping_code` (names from the export-validation list
    [https://api-docs.jooraccess.com/v2.0/reference/introduction-5]; the connection page shows
    `billing_addresses › billing_address › billing_code`
    [https://api-docs.jooraccess.com/v2.0/reference/connection-get]); the other field names are the
    sandbox's own. `country_code` is ISO 3166-1 alpha-2."""

    code: str | None = None
    company_name: str | None = None
    contact_name: str | None = None
    address_1: str | None = None
    address_2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    country_code: str | None = None
    phone: str | None = None


#: The order-document fields a retailer gives an order placed without them (same names on both).
RETAILER_ORDER_DEFAULTS = (
    "customer_contact_name",
    "customer_contact_email",
    "customer_contact_phone",
    "customer_buyer_name",
    "payment_method_name",
    "payment_method_code",
    "payment_terms",
    "shipping_method_name",
    "shipping_method_code",
    "sales_representative",
    "sales_representative_code",
    "sales_representative_email",
    "warehouse_code",
    "tax_id_label",
    "tax_rate",
)


@dataclass(slots=True)
class Retailer:
    """A retailer (a brand's connection) that orders come from. `id` is the v4 `retailer_id`, a numeric
    string as in JOOR's examples ("999999") [https://api-docs.jooraccess.com/v2.0/reference/get-orders-1];
    `code` is the v2 `customer_code`, `group_name`/`group_code` the v2 customer group
    [https://api-docs.jooraccess.com/v2.0/reference/connection-get].

    The rest are the defaults an order placed without them takes, named as the order document's fields
    (`RETAILER_ORDER_DEFAULTS`, plus the two addresses). `customer_contact_name`/`_email`,
    `customer_buyer_name`, `sales_rep_code` (here `sales_representative_code`) and warehouses are
    connection fields in JOOR [https://api-docs.jooraccess.com/v2.0/reference/connection-get]; the others
    are the sandbox's (JOOR's connection page is cut off before them)."""

    id: str
    name: str
    code: str
    group_name: str | None = None
    group_code: str | None = None
    customer_contact_name: str | None = None
    customer_contact_email: str | None = None
    customer_contact_phone: str | None = None
    customer_buyer_name: str | None = None
    billing_address: Address | None = None
    shipping_address: Address | None = None
    payment_method_name: str | None = None
    payment_method_code: str | None = None
    payment_terms: str | None = None
    shipping_method_name: str | None = None
    shipping_method_code: str | None = None
    sales_representative: str | None = None
    sales_representative_code: str | None = None
    sales_representative_email: str | None = None
    warehouse_code: str | None = None
    tax_id_label: str | None = None
    tax_rate: Decimal | None = None


@dataclass(slots=True)
class OrderLine:
    """One SKU line of an order. `id` is the v4 line item id, a numeric string ("12345678" in
    https://api-docs.jooraccess.com/v2.0/reference/update-line-item-quantity).

    `price` is the final unit price (after a line discount: JOOR's `item_price`
    [https://api-docs.jooraccess.com/reference/add-new-item]); `wholesale` and `retail` are the SKU's
    wholesale and suggested retail prices in the order's price type when the line was priced (None:
    `price` is the wholesale price, no retail price known)."""

    id: str
    style_id: int
    sku_id: str
    color_code: str
    size_name: str
    upc: str | None
    quantity: int
    price: Decimal
    wholesale: Decimal | None = None
    retail: Decimal | None = None

    @property
    def wholesale_price(self) -> Decimal:
        return self.wholesale if self.wholesale is not None else self.price


@dataclass(slots=True)
class Order:
    """One order. `status` is the order's status in JOOR: the v4 statuses IN_PROGRESS, NOTES, PENDING,
    APPROVED, CANCELLED, plus SHIPPED, which only v2 can see (`order_type` 2 and 7) and v4 reads as
    APPROVED (see `orders.v4_status`).

    v2 export marking: `exported_at` is when a `sync=1` request last returned the order (export
    success); `export_failed`/`export_failure` say that a `sync=1` request with `check` left it out
    (Failed export status, with the reason). `missing_export_fields` names the fields JOOR's export
    validation finds missing on the order (set through the sandbox control hook only).
    `integration_status` is what v4 `bulk_update` last recorded (JOOR: "not yet available").

    The wholesale-order fields (contact, addresses, payment, shipping, sales rep, warehouse, codes,
    money) carry the order document's names (see `order_documents`); an order takes them from its
    retailer and collection when placed. `order_discount` and `shipping_cost` are amounts in the
    order's currency; `tax_amount` None means "computed from `tax_rate`".

    `id` is the v4 order id: the same number as the v2 `order_id`, as a string — JOOR tells integrators
    to take the id from v2 GET orders and use it in v4
    [https://api-docs.jooraccess.com/v2.0/reference/update-order-status]."""

    number: int
    po_number: str
    retailer_id: str
    customer_name: str
    customer_code: str
    price_type_id: str
    collection_id: str | None
    status: str
    created: datetime
    modified: datetime
    start_ship_date: date | None
    complete_ship_date: date | None
    lines: list[OrderLine] = field(default_factory=list)
    exported_at: datetime | None = None
    export_failed: bool = False
    export_failure: str | None = None
    customer_group_name: str | None = None
    customer_group_code: str | None = None
    missing_export_fields: list[str] = field(default_factory=list)
    integration_status: str | None = None
    cancel_date: date | None = None
    customer_contact_name: str | None = None
    customer_contact_email: str | None = None
    customer_contact_phone: str | None = None
    customer_buyer_name: str | None = None
    billing_address: Address | None = None
    shipping_address: Address | None = None
    payment_method_name: str | None = None
    payment_method_code: str | None = None
    payment_terms: str | None = None
    shipping_method_name: str | None = None
    shipping_method_code: str | None = None
    sales_representative: str | None = None
    sales_representative_code: str | None = None
    sales_representative_email: str | None = None
    warehouse_code: str | None = None
    warehouse_name: str | None = None
    order_season_code: str | None = None
    order_delivery_code: str | None = None
    comments: str | None = None
    order_discount: Decimal = Decimal("0.00")
    shipping_cost: Decimal = Decimal("0.00")
    tax_id_label: str | None = None
    tax_rate: Decimal | None = None
    tax_amount: Decimal | None = None

    @property
    def id(self) -> str:
        return str(self.number)


@dataclass(slots=True)
class _Indexes:
    """Lookups by style number, UPC and SKU id, kept per style so one style can be re-indexed alone."""

    by_number: dict[tuple[str, str], int] = field(default_factory=dict)
    by_upc: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    by_sku: dict[str, tuple[int, tuple[str, str]]] = field(default_factory=dict)
    keys: dict[int, tuple[tuple[str, str], list[str], list[str]]] = field(default_factory=dict)

    def add(self, style: StyleRecord) -> None:
        number = (style.style_number, style.style_identifier)
        self.by_number.setdefault(number, style.style_id)
        upcs = []
        for entry in style.upcs:
            upc = str(entry.get("upc") or "")
            if upc and upc not in self.by_upc:
                self.by_upc[upc] = (style.style_id, entry)
                upcs.append(upc)
        for combo, sku_id in style.sku_ids.items():
            self.by_sku[sku_id] = (style.style_id, combo)
        self.keys[style.style_id] = (number, upcs, list(style.sku_ids.values()))

    def remove(self, style_id: int) -> None:
        keys = self.keys.pop(style_id, None)
        if keys is None:
            return
        number, upcs, skus = keys
        if self.by_number.get(number) == style_id:
            del self.by_number[number]
        for upc in upcs:
            if self.by_upc.get(upc, (None,))[0] == style_id:
                del self.by_upc[upc]
        for sku_id in skus:
            if self.by_sku.get(sku_id, (None,))[0] == style_id:
                del self.by_sku[sku_id]


@dataclass(slots=True)
class Catalog:
    """The whole account: styles by id plus the registries they refer to, and the id counters."""

    seed: int
    styles: dict[int, StyleRecord] = field(default_factory=dict)
    price_types: dict[str, PriceType] = field(default_factory=dict)
    seasons: dict[str, Season] = field(default_factory=dict)
    collections: dict[str, Collection] = field(default_factory=dict)
    orders: dict[int, Order] = field(default_factory=dict)
    retailers: dict[str, Retailer] = field(default_factory=dict)
    # Warehouse code -> name: the brand's warehouses an order ships from (the two seeded by default).
    warehouses: dict[str, str] = field(default_factory=lambda: dict(WAREHOUSES))
    bulk_jobs: dict[int, dict[str, Any]] = field(default_factory=dict)
    next_style_id: int = 1
    next_sku: int = 1
    next_price_type: int = 1234  # numeric ids from JOOR's own examples: price type "1234",
    next_season: int = 33615  # season "33615"
    next_collection: int = 1
    next_order: int = 1
    next_line: int = 1
    next_inventory_log: int = 1
    next_upload: int = 1  # uploads so far: the seed of the random string JOOR appends to file names
    next_upload_id: int = 4822671  # JOOR's example upload_id
    _index: _Indexes | None = None

    # -- lookups ---------------------------------------------------------------------------------

    def touch(self, style: StyleRecord | None = None) -> None:
        """Record that a style (its number, UPCs or SKUs) changed, was added or was removed; with no
        style, that anything may have changed. Every such change must call this."""
        if self._index is None:
            return
        if style is None:
            self._index = None
            return
        self._index.remove(style.style_id)
        if self.styles.get(style.style_id) is style:
            self._index.add(style)

    def _indexes(self) -> _Indexes:
        if self._index is None:
            index = _Indexes()
            for style in self.styles.values():
                index.add(style)
            self._index = index
        return self._index

    def sorted_styles(self) -> list[StyleRecord]:
        return [self.styles[k] for k in sorted(self.styles)]

    def find_by_number(self, style_number: str, style_identifier: str) -> StyleRecord | None:
        style_id = self._indexes().by_number.get((style_number, style_identifier))
        return self.styles.get(style_id) if style_id is not None else None

    def find_upc(self, upc: str) -> tuple[StyleRecord, dict[str, Any]] | None:
        found = self._indexes().by_upc.get(upc)
        if found is None or found[0] not in self.styles:
            return None
        return self.styles[found[0]], found[1]

    def find_sku(self, sku_id: str) -> tuple[StyleRecord, tuple[str, str]] | None:
        found = self._indexes().by_sku.get(sku_id)
        if found is None or found[0] not in self.styles:
            return None
        return self.styles[found[0]], found[1]

    def price_type_for(self, currency: str, label: str) -> PriceType | None:
        for pt in self.price_types.values():
            if pt.currency_code == currency and pt.name == label:
                return pt
        return None

    def collection_by_code(self, code: str | None, name: str | None) -> Collection | None:
        for col in self.collections.values():
            if code and col.code == code:
                return col
        if not code and name:
            for col in self.collections.values():
                if col.name == name:
                    return col
        return None

    def order_defaults(self, retailer: Retailer, collection_id: str | None) -> dict[str, Any]:
        """The Order fields an order takes from its retailer and collection when it is placed (copies:
        editing the retailer later does not reach placed orders). The collection gives the ship dates
        (JOOR: an order takes the collection's start and end dates
        [https://api-docs.jooraccess.com/v2.0/reference/create-order]), its code (`order_delivery_code`)
        and its season's code (`order_season_code`); the cancel date is the collection's, else two weeks
        after the complete-ship date (sandbox reading: JOOR documents no default)."""
        collection = self.collections.get(collection_id or "")
        season = self.seasons.get(collection.season_id or "") if collection else None
        values: dict[str, Any] = {name: getattr(retailer, name) for name in RETAILER_ORDER_DEFAULTS}
        start = collection.date_delivery_start if collection else None
        end = collection.date_delivery_end if collection else None
        cancel = collection.date_cancel if collection else None
        values.update(
            customer_name=retailer.name,
            customer_code=retailer.code,
            customer_group_name=retailer.group_name,
            customer_group_code=retailer.group_code,
            billing_address=replace(retailer.billing_address) if retailer.billing_address else None,
            shipping_address=replace(retailer.shipping_address) if retailer.shipping_address else None,
            warehouse_name=self.warehouses.get(retailer.warehouse_code or ""),
            order_season_code=season.code if season else None,
            order_delivery_code=collection.code if collection else None,
            start_ship_date=start,
            complete_ship_date=end,
            cancel_date=cancel or (end + timedelta(days=14) if end else None),
        )
        return values

    def season_for(self, name: str | None, year: int | None, code: str | None) -> Season | None:
        for season in self.seasons.values():
            if code and season.code == code:
                return season
            if not code and season.name == name and season.year == year:
                return season
        return None

    # -- creation ------------------------------------------------------------------------------
    def add_price_type(self, name: str, currency: str, retail_currency: str | None = None) -> PriceType:
        existing = self.price_type_for(currency, name)
        if existing is not None:
            return existing
        pt = PriceType(str(self.next_price_type), name, currency, retail_currency or currency)
        self.next_price_type += 1
        self.price_types[pt.id] = pt
        return pt

    def add_season(
        self, name: str, year: int | None, code: str | None, external_id: str | None = None
    ) -> Season:
        existing = self.season_for(name, year, code)
        if existing is not None:
            return existing
        season = Season(str(self.next_season), name, year, code, external_id)
        self.next_season += 1
        self.seasons[season.id] = season
        return season

    def add_collection(self, **kwargs: Any) -> Collection:
        col = Collection(id=opaque_id("Collection", self.next_collection), **kwargs)
        self.next_collection += 1
        self.collections[col.id] = col
        return col

    def sync_skus(self, style: StyleRecord) -> None:
        """Give every color × size of `style` a SKU id (kept for combos that survive an edit) and drop
        the ids, metadata and prices of combos that no longer exist."""
        combos = style.combos()
        live = set(combos)
        for combo in combos:
            if combo not in style.sku_ids:
                style.sku_ids[combo] = sku_id_for(style.product_id, self.next_sku)
                self.next_sku += 1
        for combo in [c for c in style.sku_ids if c not in live]:
            sku_id = style.sku_ids.pop(combo)
            style.sku_meta.pop(sku_id, None)
            for key in [k for k in style.sku_prices if k[0] == sku_id]:
                del style.sku_prices[key]
        style.sku_ids = {combo: style.sku_ids[combo] for combo in combos}
        self.touch(style)

    def rename_color(self, style: StyleRecord, old_code: str, new_code: str) -> None:
        """Change a color's code (its v4 `external_id`) everywhere the style refers to it; SKU ids and
        prices stay. Order lines of its SKUs follow (they name the SKU, and show its color)."""
        self._rekey(style, lambda c: ((new_code if c[0] == old_code else c[0]), c[1]))
        for color in style.colors:
            if color["color_code"] == old_code:
                color["color_code"] = new_code
        for entry in style.upcs:
            if entry.get("sku_color_code") == old_code:
                entry["sku_color_code"] = new_code
        for link in style.deliveries:
            for excluded in link.color_exclusions:
                if excluded.get("color_code") == old_code:
                    excluded["color_code"] = new_code

    def rename_size(self, style: StyleRecord, old_name: str, new_name: str) -> None:
        """Change a size's name (its v4 `value`) everywhere the style refers to it, as `rename_color`."""
        self._rekey(style, lambda c: (c[0], (new_name if c[1] == old_name else c[1])))
        for size in style.sizes:
            if size["size_name"] == old_name:
                size["size_name"] = new_name
        for entry in style.upcs:
            if entry.get("sku_size") == old_name:
                entry["sku_size"] = new_name

    def _rekey(self, style: StyleRecord, new_combo: Any) -> None:
        renamed = {combo: new_combo(combo) for combo in style.sku_ids}
        style.sku_ids = {renamed[combo]: sku_id for combo, sku_id in style.sku_ids.items()}
        by_sku = {sku_id: combo for combo, sku_id in style.sku_ids.items()}
        for order in self.orders.values():
            for line in order.lines:
                if line.style_id == style.style_id and line.sku_id in by_sku:
                    line.color_code, line.size_name = by_sku[line.sku_id]
        self.touch(style)
