"""The safety test's view of the world: both sandboxes read as the contract's `Observed`, and the
people who edit them — the merchant in Shopify's admin, the brand in JOOR's web UI — with a record
of what they did, which the contract needs to tell their changes from the app's."""

from __future__ import annotations

import itertools
from collections import defaultdict
from typing import Any

from joorsync.joor.sandbox import v2
from joorsync.joor.sandbox.catalog import ean13_check_digit
from joorsync.joor.sandbox.views import effective_prices
from joorsync.joor.sandbox.writes import WriteError
from joorsync.pricing.categories import without_category_tags
from joorsync.sync.canonical import money
from joorsync.sync.invariants import (
    ABSENT,
    JoorPrice,
    JoorSku,
    JoorStyle,
    Observed,
    PeopleDid,
    ShopifyProduct,
    ShopifyVariant,
    Slot,
    observe,
    sku_item,
    values,
)
from joorsync.sync.models import JoorAccount
from shopify_app.sandbox.models import Product, parse_gid
from shopify_app.sandbox.products import apply_product_set, validate_product_set
from shopify_app.sandbox.store import Change, ShopState
from tests.sync.engine_support import World

COLOR, SIZE = "Color", "Size"


# -- reading both sandboxes --------------------------------------------------------------------------


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def shopify_products(world: World) -> list[ShopifyProduct]:
    sandbox = world.shopify_sandbox
    state = sandbox.shop()
    with sandbox.lock:
        return [_shopify_product(state, product) for product in state.products.values()]


def _shopify_product(state: ShopState, product: Product) -> ShopifyProduct:
    identity = {m.key: m.value for m in product.metafields if m.namespace == "joor"}
    style_id = _text(identity.get("style_id"))
    variants = []
    for variant in product.variants:
        options = dict(variant.selected_options)
        variants.append(
            ShopifyVariant(
                id=f"gid://shopify/ProductVariant/{variant.id}",
                color=options.get(COLOR),
                size=options.get(SIZE),
                sku=variant.sku,
                barcode=variant.barcode,
                price=money(variant.price) or "0.00",
                inventory=state.inventory_quantity(variant),
            )
        )
    return ShopifyProduct(
        id=f"gid://shopify/Product/{product.id}",
        title=product.title,
        description=product.description_html,
        product_type=product.product_type,
        status=product.status,
        # The app's category tags are Shopify's alone: observed as the sync compares tags.
        tags=tuple(without_category_tags(product.tags)),
        variants=tuple(variants),
        style_id=int(style_id) if style_id.isdigit() else None,
        style_number=_text(identity.get("style_number")),
        style_identifier=_text(identity.get("style_identifier")),
    )


def joor_styles(world: World) -> list[JoorStyle]:
    sandbox = world.joor_sandbox
    catalog = sandbox.catalog
    with sandbox.lock:
        styles = []
        for style in catalog.sorted_styles():
            names = {str(c["color_code"]): _text(c.get("color_name")) for c in style.colors}
            skus = []
            for color_code, size in style.combos():
                entry = style.upc_entry(color_code, size) or {}
                skus.append(
                    JoorSku(
                        color_code=color_code,
                        color_name=names.get(color_code, ""),
                        size=size,
                        upc=entry.get("upc") or None,
                        inventory=int(entry.get("inventory_available") or 0),
                    )
                )
            prices = []
            for price in effective_prices(catalog, style):
                kind = catalog.price_types[price.price_type_id]
                prices.append(
                    JoorPrice(kind.name, kind.currency_code, money(price.wholesale), money(price.retail))
                )
            styles.append(
                JoorStyle(
                    id=style.style_id,
                    style_number=style.style_number,
                    style_identifier=style.style_identifier,
                    name=_text(style.fields.get("style_name")),
                    description=_text(style.fields.get("style_description")),
                    silhouette=_text(style.fields.get("silhouette")),
                    tags=tuple(sorted({_text(t.get("tag_value")) for t in style.tags if t.get("tag_value")})),
                    prices=tuple(prices),
                    skus=tuple(skus),
                    packs=tuple(
                        (s["size_name"], s["size_multiplier"])
                        for s in style.sizes
                        if (s.get("size_multiplier") or 1) > 1
                    ),
                )
            )
        return styles


def observe_world(world: World) -> Observed:
    account = JoorAccount.objects.select_related("shop").get(pk=world.account.pk)
    return observe(
        account=account,
        currency=world.shopify_sandbox.shop().currency,
        shopify=shopify_products(world),
        joor=joor_styles(world),
    )


# -- the people ----------------------------------------------------------------------------------------


class People:
    """The merchant and the brand. Every edit goes through the sandbox's own "person edits in the
    admin / web UI" path and is recorded as the slots it set, so a step's changes can be told apart
    from the app's."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.edits: dict[Slot, Any] = {}
        self.created: set[str] = set()
        self.prices: dict[str, set[str]] = defaultdict(set)
        self._numbers = itertools.count(1)

    def fresh_barcode(self) -> str:
        """An EAN-13 that no generated catalog uses (the in-store prefix 29)."""
        body = f"29{next(self._numbers):010d}"
        return body + ean13_check_digit(body)

    def fresh_number(self) -> int:
        return next(self._numbers)

    def begin_step(self) -> None:
        self.edits = {}
        self.created = set()

    def did(self) -> PeopleDid:
        return PeopleDid(
            edits=dict(self.edits),
            created=frozenset(self.created),
            prices={item: frozenset(found) for item, found in self.prices.items()},
        )

    def _record_changes(self, before: Observed, after: Observed, items: set[str]) -> None:
        """Every slot of `items` whose value the person's edit changed (or removed)."""
        was, now = values(before), values(after)
        for slot in set(was) | set(now):
            if slot[0] in items and was.get(slot, ABSENT) != now.get(slot, ABSENT):
                self.edits[slot] = now.get(slot, ABSENT)

    # -- the merchant, in Shopify's admin --------------------------------------------------------
    def _shopify_edit(self, product_id: str, action: Any) -> Any:
        before = observe_world(self.world)
        result = action()
        after = observe_world(self.world)
        product = after.shopify.get(product_id) or before.shopify.get(product_id)
        items = {f"shopify:{product_id}"} | {
            f"shopify:{v.id}" for p in (before.shopify.get(product_id), product) if p for v in p.variants
        }
        self._record_changes(before, after, items)
        for variant in after.shopify[product_id].variants if product_id in after.shopify else ():
            if (f"shopify:{variant.id}", "price") in self.edits:
                self.prices[f"shopify:{product_id}"].add(variant.price)
        return result

    def merchant_update(self, product_id: str, changes: dict[str, Any]) -> None:
        self._shopify_edit(
            product_id, lambda: self.world.shopify_sandbox.merchant_update_product(product_id, changes)
        )

    def merchant_set_stock(self, variant_id: str, quantity: int) -> None:
        sandbox = self.world.shopify_sandbox
        state = sandbox.shop()
        variant = state.variant(parse_gid(variant_id, "ProductVariant"))
        assert variant is not None
        product_id = f"gid://shopify/Product/{variant.product_id}"
        location = f"gid://shopify/Location/{state.primary_location().id}"
        item = f"gid://shopify/InventoryItem/{variant.inventory_item_id}"
        self._shopify_edit(product_id, lambda: sandbox.merchant_set_inventory(item, location, quantity))

    def merchant_set_product(self, product_id: str, product_input: dict[str, Any]) -> None:
        """A product edit that changes options and variants (the admin's variant editor)."""
        sandbox = self.world.shopify_sandbox

        def action(state: ShopState, out: list[Change]) -> None:
            product = state.products[parse_gid(product_id, "Product") or 0]
            plan, errors = validate_product_set(state, product_input, product)
            if errors:
                raise ValueError(f"invalid merchant edit: {errors}")
            apply_product_set(state, product_input, product, plan, out)

        before = observe_world(self.world)
        self._shopify_edit(product_id, lambda: sandbox._merchant(None, action))
        after = observe_world(self.world)
        old = {v.id for v in before.shopify[product_id].variants}
        for variant in after.shopify[product_id].variants:
            if variant.id not in old:
                self.created.add(f"shopify:{variant.id}")
                self.prices[f"shopify:{product_id}"].add(variant.price)

    def merchant_create(self, product_input: dict[str, Any]) -> str:
        before = observe_world(self.world)
        product_id = self.world.shopify_sandbox.merchant_create_product(product_input)
        after = observe_world(self.world)
        product = after.shopify[product_id]
        self.created |= {f"shopify:{product_id}"} | {f"shopify:{v.id}" for v in product.variants}
        self._record_changes(before, after, self.created)
        self.prices[f"shopify:{product_id}"] |= {v.price for v in product.variants}
        return product_id

    # -- the brand, in JOOR's web UI --------------------------------------------------------------
    def brand_edit(self, style_id: int, changes: dict[str, Any]) -> bool:
        """Returns False when JOOR refused the edit (it validates like an API write)."""
        before = observe_world(self.world)
        try:
            self.world.joor_sandbox.edit_style(style_id, changes)
        except WriteError:
            return False
        after = observe_world(self.world)
        self._record_joor(before, after, style_id)
        return True

    def brand_set_stock(self, style_id: int, color_code: str, size: str, quantity: int) -> None:
        sandbox = self.world.joor_sandbox
        before = observe_world(self.world)
        with sandbox.lock:
            style = sandbox.catalog.styles[style_id]
            v2._set_inventory(sandbox, style, color_code, size, quantity)
        after = observe_world(self.world)
        self._record_joor(before, after, style_id)

    def brand_create(self, style: dict[str, Any]) -> int | None:
        sandbox = self.world.joor_sandbox
        before = observe_world(self.world)
        try:
            with sandbox.lock:
                record, _ = v2.write_style(sandbox, style, None)
        except WriteError:
            return None
        after = observe_world(self.world)
        created = after.joor[record.style_id]
        self.created |= {f"joor:{record.style_id}"} | {
            sku_item(record.style_id, s.color_code, s.size) for s in created.skus
        }
        self._record_joor(before, after, record.style_id)
        return record.style_id

    def _record_joor(self, before: Observed, after: Observed, style_id: int) -> None:
        items = {f"joor:{style_id}"}
        for state in (before, after):
            style = state.joor.get(style_id)
            items |= {sku_item(style_id, s.color_code, s.size) for s in style.skus} if style else set()
        self._record_changes(before, after, items)
        old = before.joor.get(style_id)
        new = after.joor[style_id]
        for sku in new.skus:
            item = sku_item(style_id, sku.color_code, sku.size)
            if old is None or all(item != sku_item(style_id, s.color_code, s.size) for s in old.skus):
                self.created.add(item)
        currency = after.settings.price_currency_used
        old_prices = set(old.prices) if old else set()
        for price in set(new.prices) - old_prices:
            if price.currency == currency:
                self.prices[f"joor:{style_id}"] |= {p for p in (price.wholesale, price.retail) if p}
