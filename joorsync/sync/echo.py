"""Recognising the webhooks Shopify sends back for the sync's own writes, before they queue a job.

Right before a `productSet` or `inventorySetQuantities` request the sync records what it is about to
write: a hash of the product content, or one quantity at one location. A stock write records the
product as it leaves it as well, because Shopify sends `products/update` for a stock change too. A
`products/*` or `inventory_levels/update` webhook that shows exactly such a state, for an event within
an hour of the write, is our own echo and costs nothing. Both sides are reduced to the same normal
form (tags as a sorted set, money to cents, null and "" alike, variants keyed by their option values),
so a `ProductSetInput`, a product as the Admin API returns it and Shopify's REST-shaped payload for the
same product hash alike, and any edit made after our write does not.

Stock set by a create is expected per SKU, since its inventory items have no id yet. The create's own
`products/create` echo names each variant's inventory item, so it keys those expectations by item as
well: the stock webhooks that follow are then known without waiting for the variants to be linked.

Time is the webhook's event time (`X-Shopify-Triggered-At`), not when it is received or processed: a
delivery Shopify retries for hours after an outage, or one that waited in the queue while the workers
were down, is judged by when it happened. An expectation is not used up by its first match (one
write can fire several webhooks). A webhook showing a newer expectation of the same product or item,
or some other state of it, supersedes the older ones at its event time: webhooks of later events no
longer match them (so a merchant reverting to our value later is seen as the edit it is), while a
webhook of an earlier event, arriving late or out of order, still does. Rows are kept for as long as
Shopify retries a delivery.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from joorsync.sync.models import ShopifyWriteEcho, VariantLink
from shopify_app.models import Shop

ECHO_WINDOW = timedelta(hours=1)
#: Shopify's clock against ours: an event may be stamped a little before our record of the write.
CLOCK_SKEW = timedelta(minutes=2)
#: Shopify retries a delivery 8 times over 4 hours: an echo of a write may arrive that late.
RETENTION = ECHO_WINDOW + timedelta(hours=5)
PRUNE_EVERY_SECONDS = 60.0
PRODUCT_GID = "gid://shopify/Product/"
PRODUCT_TOPICS = frozenset({"products/create", "products/update"})
STOCK_TOPIC = "inventory_levels/update"

Kind = ShopifyWriteEcho.Kind
_last_prune = 0.0


# -- normal form -------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _money(value: Any) -> str:
    """`53`, `"53.0"` and `"53.00"` alike; null and "" alike."""
    text = _text(value)
    if not text:
        return ""
    try:
        return str(Decimal(text).quantize(Decimal("0.01")))
    except InvalidOperation:
        return text


def _tags(value: Any) -> list[str]:
    """Shopify splits tags on commas, trims them and keeps each once."""
    items = value.split(",") if isinstance(value, str) else list(value or ())
    return sorted({part.strip() for item in items for part in str(item).split(",") if part.strip()})


def _numeric_id(value: Any) -> str:
    """`gid://shopify/InventoryItem/5`, `5` and `"5"` → `"5"`."""
    text = _text(value)
    return text.rsplit("/", 1)[-1] if text else ""


def _product_gid(value: Any) -> str:
    number = _numeric_id(value)
    return f"{PRODUCT_GID}{number}" if number else ""


def _digest(value: Any) -> str:
    body = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def _content_hash(
    *, title: Any, body: Any, product_type: Any, tags: Any, variants: list[tuple[Any, ...]]
) -> str:
    return _digest(
        {
            "title": _text(title),
            "body": _text(body),
            "type": _text(product_type),
            "tags": _tags(tags),
            "variants": sorted(variants),
        }
    )


def _variant(options: dict[str, str], item: Mapping[str, Any], *, sku: Any, compare_at: Any) -> tuple:
    return (
        sorted((name.strip().lower(), value.strip()) for name, value in options.items()),
        _text(sku),
        _text(item.get("barcode")),
        # A new variant sent without a price gets 0.00; the sync leaves a price out only where it
        # knows none, which for a variant Shopify already has means 0.00 as well.
        _money(item.get("price")) or "0.00",
        _money(compare_at),
    )


def product_input_hash(product_input: Mapping[str, Any]) -> tuple[str, str] | None:
    """(content hash, status or "") of a `ProductSetInput`; None when it leaves content unsaid (a field
    left out keeps whatever Shopify has, which cannot be foreseen)."""
    if any(key not in product_input for key in ("title", "descriptionHtml", "productType", "tags")):
        return None
    variants_in = product_input.get("variants")
    if not isinstance(variants_in, list) or not variants_in:
        return None
    variants = []
    for item in variants_in:
        options: dict[str, str] = {}
        for value in item.get("optionValues") or ():
            name, label = value.get("optionName"), value.get("name")
            if not isinstance(name, str) or not isinstance(label, str):
                return None  # options given by id: the names are Shopify's to tell
            options[name] = label
        sku = item["sku"] if "sku" in item else (item.get("inventoryItem") or {}).get("sku")
        variants.append(_variant(options, item, sku=sku, compare_at=item.get("compareAtPrice")))
    content = _content_hash(
        title=product_input["title"],
        body=product_input["descriptionHtml"],
        product_type=product_input["productType"],
        tags=product_input["tags"],
        variants=variants,
    )
    return content, _text(product_input.get("status")).lower()


def product_payload_hash(payload: Mapping[str, Any]) -> tuple[str, str] | None:
    """(content hash, status) of a REST-shaped `products/*` webhook payload; None if it cannot be read."""
    options = payload.get("options")
    variants_in = payload.get("variants")
    if not isinstance(options, list) or not isinstance(variants_in, list) or not variants_in:
        return None
    names = [
        _text(option.get("name"))
        for option in sorted(options, key=lambda option: option.get("position") or 0)
        if isinstance(option, Mapping)
    ]
    variants = []
    for item in variants_in:
        values = [item.get(f"option{position}") for position in range(1, len(names) + 1)]
        options_of = {
            name: str(value) for name, value in zip(names, values, strict=True) if value is not None
        }
        variants.append(
            _variant(options_of, item, sku=item.get("sku"), compare_at=item.get("compare_at_price"))
        )
    content = _content_hash(
        title=payload.get("title"),
        body=payload.get("body_html"),
        product_type=payload.get("product_type"),
        tags=payload.get("tags"),
        variants=variants,
    )
    return content, _text(payload.get("status")).lower()


def product_node_hash(node: Mapping[str, Any]) -> tuple[str, str] | None:
    """(content hash, status) of a product as the Admin API returns it (`ProductFields`, or a bulk
    export's node); None when it lacks what the hash needs."""
    if any(key not in node for key in ("title", "descriptionHtml", "productType", "tags")):
        return None
    variants_in = node.get("variants")
    nodes = variants_in.get("nodes") if isinstance(variants_in, Mapping) else variants_in
    if not isinstance(nodes, list) or not nodes:
        return None
    variants = []
    for item in nodes:
        if not isinstance(item, Mapping):
            return None
        options = {
            str(option.get("name")): str(option.get("value"))
            for option in item.get("selectedOptions") or ()
            if isinstance(option, Mapping) and option.get("name") is not None
        }
        variants.append(_variant(options, item, sku=item.get("sku"), compare_at=item.get("compareAtPrice")))
    content = _content_hash(
        title=node["title"],
        body=node["descriptionHtml"],
        product_type=node["productType"],
        tags=node["tags"],
        variants=variants,
    )
    return content, _text(node.get("status")).lower()


def _stock_hash(*, location_id: Any, quantity: Any, sku: str = "") -> str:
    return _digest({"location": _numeric_id(location_id), "available": int(quantity), "sku": sku})


# -- recording ---------------------------------------------------------------------------------


def shopify_echo_expect_product(
    *, shop_id: int, product_input: Mapping[str, Any], product_id: str | None, handle: str | None
) -> None:
    """Record a `ProductSetInput` about to be sent (a create has a handle and no id yet)."""
    shopify_echo_expect_products(shop_id=shop_id, products=[(product_input, product_id, handle)])


def shopify_echo_expect_products(
    *, shop_id: int, products: Iterable[tuple[Mapping[str, Any], str | None, str | None]]
) -> None:
    """`shopify_echo_expect_product` for many (input, product id, handle) at once: a bulk create."""
    rows = []
    for product_input, product_id, handle in products:
        hashed = product_input_hash(product_input)
        product_gid = _product_gid(product_id)
        handle = _text(handle or product_input.get("handle"))
        if hashed is None or not (product_gid or handle):
            continue
        keys = {"shop_id": shop_id, "shopify_product_id": product_gid, "handle": handle}
        rows.append(ShopifyWriteEcho(kind=Kind.PRODUCT, content_hash=hashed[0], status=hashed[1], **keys))
        # Stock set with a create lands on inventory items that have no id yet: keyed by SKU.
        rows.extend(
            ShopifyWriteEcho(kind=Kind.STOCK, sku=sku, content_hash=content, **keys)
            for sku, content in _input_stock(product_input)
        )
    ShopifyWriteEcho.objects.bulk_create(rows, batch_size=500)
    _prune()


def _input_stock(product_input: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    """(sku, stock hash) of the `available` quantities a `ProductSetInput` sets."""
    for variant in product_input.get("variants") or ():
        sku = _text(variant.get("sku"))
        for level in variant.get("inventoryQuantities") or ():
            if sku and level.get("name") == "available" and level.get("quantity") is not None:
                yield (
                    sku,
                    _stock_hash(location_id=level.get("locationId"), quantity=level["quantity"], sku=sku),
                )


def shopify_echo_expect_stock(
    *,
    shop_id: int,
    quantities: Iterable[Mapping[str, Any]],
    products: Iterable[Mapping[str, Any]] = (),
) -> None:
    """Record `inventorySetQuantities` quantities (`available`) about to be sent, and the products
    they belong to as Shopify has them (`products`: Admin API nodes), whose `products/update` a stock
    change fires as well."""
    rows = [
        ShopifyWriteEcho(
            shop_id=shop_id,
            kind=Kind.STOCK,
            inventory_item_id=_numeric_id(entry.get("inventoryItemId")),
            content_hash=_stock_hash(location_id=entry.get("locationId"), quantity=entry["quantity"]),
        )
        for entry in quantities
        if entry.get("inventoryItemId") and entry.get("quantity") is not None
    ]
    for node in products:
        hashed = product_node_hash(node)
        product_gid = _product_gid(node.get("id"))
        if hashed is not None and product_gid:
            rows.append(
                ShopifyWriteEcho(
                    shop_id=shop_id,
                    kind=Kind.PRODUCT,
                    shopify_product_id=product_gid,
                    handle=_text(node.get("handle")),
                    content_hash=hashed[0],
                    status=hashed[1],
                )
            )
    ShopifyWriteEcho.objects.bulk_create(rows, batch_size=500)
    _prune()


def _prune() -> None:
    """Drop rows no retried delivery can match any more, at most once a minute per process: one
    indexed DELETE."""
    global _last_prune  # noqa: PLW0603 - a per-process throttle, nothing to share
    now = time.monotonic()
    if now - _last_prune < PRUNE_EVERY_SECONDS:
        return
    _last_prune = now
    ShopifyWriteEcho.objects.filter(created_at__lt=timezone.now() - RETENTION).delete()


# -- matching ----------------------------------------------------------------------------------


def shopify_echo_matches(
    *, shop: Shop, topic: str, payload: Mapping[str, Any], at: datetime | None = None
) -> bool:
    """Whether a webhook shows exactly a state the sync wrote within the hour before its event (then
    it needs no job). `at`: the event time (`X-Shopify-Triggered-At`); now when unknown, or when it
    names a time no delivery of a recorded write can have (a clock gone wrong)."""
    now = timezone.now()
    if at is None or not now - RETENTION <= at <= now + CLOCK_SKEW:
        at = now
    if topic in PRODUCT_TOPICS:
        return _product_matches(shop, payload, at)
    if topic == STOCK_TOPIC:
        return _stock_matches(shop, payload, at)
    return False


def _valid_at(at: datetime) -> Q:
    """Rows that can be the cause of an event at `at`: written within the hour before it (give or
    take the clocks' skew) and not superseded by a state Shopify showed before it."""
    return Q(created_at__gte=at - ECHO_WINDOW, created_at__lte=at + CLOCK_SKEW) & (
        Q(superseded_at__isnull=True) | Q(superseded_at__gt=at)
    )


def _usable(row: ShopifyWriteEcho, at: datetime) -> bool:
    return at - ECHO_WINDOW <= row.created_at <= at + CLOCK_SKEW and (
        row.superseded_at is None or row.superseded_at > at
    )


def _newest_first(rows: Iterable[ShopifyWriteEcho]) -> list[ShopifyWriteEcho]:
    """Sorted here rather than by the query: the few rows of one product or item sort for free, and
    this runs while Shopify waits for the webhook's answer."""
    return sorted(rows, key=lambda row: (row.created_at, row.pk), reverse=True)


def _settle(candidates: list[ShopifyWriteEcho], match: ShopifyWriteEcho | None, at: datetime) -> None:
    """Shopify showed, at `at`, the state of `match` (or another state altogether): the expectations
    written before it (all of them, for another state) are superseded from `at` on — webhooks of
    later events showing them again are somebody's edits, webhooks of earlier events may still match
    them."""
    if match is None:
        stale = [row.pk for row in candidates]
    else:
        stale = [row.pk for row in candidates if row.created_at < match.created_at]
    if stale:
        ShopifyWriteEcho.objects.filter(
            Q(superseded_at__isnull=True) | Q(superseded_at__gt=at), pk__in=stale
        ).update(superseded_at=at)


def _product_matches(shop: Shop, payload: Mapping[str, Any], at: datetime) -> bool:
    product_gid = _product_gid(payload.get("admin_graphql_api_id") or payload.get("id"))
    handle = _text(payload.get("handle"))
    if not (product_gid or handle):
        return False
    # Every row of this product, of both kinds, in one query: each side of the OR names the shop, so
    # SQLite serves it from the two indexes. The stock rows are for `_key_stock_by_item`.
    keys = Q(shop=shop, shopify_product_id=product_gid) if product_gid else Q()
    if handle:
        keys |= Q(shop=shop, handle=handle)
    rows = list(ShopifyWriteEcho.objects.filter(keys))
    candidates = _newest_first(
        row
        for row in rows
        if row.kind == Kind.PRODUCT
        and _usable(row, at)
        and (row.shopify_product_id == product_gid if row.shopify_product_id else row.handle == handle)
    )
    if not candidates:
        return False
    hashed = product_payload_hash(payload)
    match = None
    if hashed is not None:
        content, status = hashed
        match = next(
            (row for row in candidates if row.content_hash == content and _status_agrees(row, status)),
            None,
        )
    _settle(candidates, match, at)
    if match is not None:
        _key_stock_by_item(match, payload, rows)
    return match is not None


def _key_stock_by_item(
    match: ShopifyWriteEcho, payload: Mapping[str, Any], rows: list[ShopifyWriteEcho]
) -> None:
    """Give the SKU-keyed stock expectations of this write the inventory items its echo names."""
    items = {
        _text(variant.get("sku")): _numeric_id(variant.get("inventory_item_id"))
        for variant in payload.get("variants") or ()
        if isinstance(variant, Mapping)
    }
    keyed = [
        (items[row.sku], row.pk)
        for row in rows
        if row.kind == Kind.STOCK
        and row.shopify_product_id == match.shopify_product_id
        and row.handle == match.handle
        and not row.inventory_item_id
        and row.sku
        and items.get(row.sku)
    ]
    if keyed:
        # This runs while Shopify waits for the webhook's answer: one prepared UPDATE per row is ~20×
        # cheaper than bulk_update's CASE of a dozen primary keys.
        table = connection.ops.quote_name(ShopifyWriteEcho._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET inventory_item_id = %s WHERE id = %s",  # noqa: S608 - our table name
                keyed,
            )


def _status_agrees(row: ShopifyWriteEcho, status: str) -> bool:
    """A write that left the status alone learns it from its first echo; later states must keep it."""
    if row.status:
        return row.status == status
    if ShopifyWriteEcho.objects.filter(pk=row.pk, status="").update(status=status):
        row.status = status
        return True
    row.refresh_from_db(fields=["status"])
    return row.status == status


def _stock_matches(shop: Shop, payload: Mapping[str, Any], at: datetime) -> bool:
    item = _numeric_id(payload.get("inventory_item_id"))
    available = payload.get("available")
    if not item or isinstance(available, bool) or not isinstance(available, int):
        return False
    location = payload.get("location_id")
    recent = ShopifyWriteEcho.objects.filter(_valid_at(at), shop=shop, kind=Kind.STOCK)
    candidates = _newest_first(recent.filter(inventory_item_id=item))
    match = _stock_match(candidates, location, available)
    if match is None:
        # Stock set by a create is keyed by SKU until its echo names the item; a linked variant does too.
        skus = [
            sku
            for sku in VariantLink.objects.filter(
                product_link__shop=shop,
                shopify_inventory_item_id__in=(item, f"gid://shopify/InventoryItem/{item}"),
            ).values_list("sku", flat=True)
            if sku
        ]
        if skus:
            candidates = _newest_first(
                [*candidates, *(row for row in recent.filter(sku__in=skus) if not row.inventory_item_id)]
            )
            match = _stock_match(candidates, location, available)
    if not candidates:
        return False
    _settle(candidates, match, at)
    return match is not None


def _stock_match(
    candidates: list[ShopifyWriteEcho], location: Any, available: int
) -> ShopifyWriteEcho | None:
    return next(
        (
            row
            for row in candidates
            if row.content_hash == _stock_hash(location_id=location, quantity=available, sku=row.sku)
        ),
        None,
    )
