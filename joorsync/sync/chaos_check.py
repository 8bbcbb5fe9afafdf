"""What the chaos bench checks once everything has converged, read through both services' APIs.

Both catalogs are read with the app's own clients (JOOR v2 style pages, Shopify's `products` query)
into the safety contract's records (`joorsync.sync.invariants`), once before the first sync and once
at the end, and judged:

- **lost**: a JOOR style or a Shopify product of the starting catalogs that is gone from its side or
  has no counterpart on the other side (every JOOR style becomes a Shopify product; every
  Shopify-only product becomes a JOOR style under the bench's settings);
- **duplicated**: a style with two Shopify products or a product with two styles (by the
  `joor.style_id` identity metafield and by shared barcodes/UPCs), more items than the two starting
  catalogs make, and the contract's `no_product_duplicated` (barcodes, style ids, style numbers,
  UPCs) plus SKUs and Color × Size variants repeated in Shopify;
- **blanked**: the contract's `nothing_blanked_unless_cleared` between the two readings (no person
  edited anything in between), and a counterpart whose title is empty.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from joorsync.joor.client import JoorClient
from joorsync.joor.records import Style
from joorsync.pricing.categories import without_category_tags
from joorsync.sync import invariants
from joorsync.sync.canonical import money
from joorsync.sync.invariants import JoorPrice, JoorSku, JoorStyle, ShopifyProduct, ShopifyVariant
from shopify_app.admin.client import AdminClient

COLOR, SIZE = "Color", "Size"
#: Lines of each kind kept in the report (the counts are always complete).
MAX_EXAMPLES = 10


@dataclass(frozen=True)
class Catalogs:
    """Both catalogs at one moment."""

    shopify: Mapping[str, ShopifyProduct]
    joor: Mapping[int, JoorStyle]


@dataclass
class Verdict:
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    blanked: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "lost": len(self.lost),
            "duplicated": len(self.duplicated),
            "blanked": len(self.blanked),
            "examples": {
                name: lines[:MAX_EXAMPLES]
                for name, lines in (
                    ("lost", self.lost),
                    ("duplicated", self.duplicated),
                    ("blanked", self.blanked),
                )
                if lines
            },
        }


# -- reading --------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def shopify_record(node: Mapping[str, Any]) -> ShopifyProduct:
    """One product of Shopify's `products` query as the contract's record."""
    identity = {
        m.get("key"): m.get("value")
        for m in (node.get("metafields") or {}).get("nodes", [])
        if m.get("namespace") == "joor"
    }
    style_id = _text(identity.get("style_id"))
    variants = []
    for variant in (node.get("variants") or {}).get("nodes", []):
        options = {o.get("name"): o.get("value") for o in variant.get("selectedOptions") or []}
        variants.append(
            ShopifyVariant(
                id=str(variant["id"]),
                color=options.get(COLOR),
                size=options.get(SIZE),
                sku=variant.get("sku") or None,
                barcode=variant.get("barcode") or None,
                price=money(variant.get("price")) or "0.00",
                inventory=int(variant.get("inventoryQuantity") or 0),
            )
        )
    return ShopifyProduct(
        id=str(node["id"]),
        title=_text(node.get("title")),
        description=_text(node.get("descriptionHtml")),
        product_type=_text(node.get("productType")),
        status=_text(node.get("status")),
        # The app's category tags are Shopify's alone: observed as the sync compares tags.
        tags=tuple(without_category_tags(node.get("tags") or ())),
        variants=tuple(variants),
        style_id=int(style_id) if style_id.isdigit() else None,
        style_number=_text(identity.get("style_number")),
        style_identifier=_text(identity.get("style_identifier")),
    )


def joor_record(style: Style) -> JoorStyle:
    """One v2 style as the contract's record (its SKUs are the UPC rows JOOR lists)."""
    names = {_text(c.color_code): _text(c.color_name) for c in style.colors}
    skus = tuple(
        JoorSku(
            color_code=_text(row.sku_color_code),
            color_name=names.get(_text(row.sku_color_code), ""),
            size=_text(row.sku_size),
            upc=row.upc or None,
            inventory=int(row.inventory_available or 0),
        )
        for row in style.upcs
    )
    prices = tuple(
        JoorPrice(
            _text(p.price_label),
            _text(p.price_currency),
            money(p.price_wholesale) if p.price_wholesale is not None else None,
            money(p.price_retail) if p.price_retail is not None else None,
        )
        for p in style.prices
    )
    return JoorStyle(
        id=int(style.style_id or 0),
        style_number=_text(style.style_number),
        style_identifier=_text(style.style_identifier),
        name=_text(style.style_name),
        description=_text(style.style_description),
        silhouette=_text(style.silhouette),
        tags=tuple(sorted({_text(t.tag_value) for t in style.tags if t.tag_value})),
        prices=prices,
        skus=skus,
        packs=tuple(
            (_text(z.size_name), int(z.size_multiplier or 1))
            for z in style.sizes
            if (z.size_multiplier or 1) > 1
        ),
    )


def read_catalogs(*, joor: JoorClient, shopify: AdminClient) -> Catalogs:
    """Every style and every product, through the APIs (each client pages to the end, bounded)."""
    products = [shopify_record(node) for node in shopify.iter_products(page_size=250, variants_first=50)]
    styles = [joor_record(style) for style in joor.iter_styles(page_size=500)]
    return Catalogs(shopify={p.id: p for p in products}, joor={s.id: s for s in styles})


def _observed(catalogs: Catalogs, *, currency: str) -> invariants.Observed:
    """The catalogs alone (no app rows: the bench judges the services, not the app's records)."""
    return invariants.Observed(
        shopify=catalogs.shopify,
        joor=catalogs.joor,
        links=(),
        conflicts=(),
        problems=(),
        events=(),
        settings=invariants.Settings(
            currency=currency,
            ownership={},
            direction="both",
            price_label="",
            price_currency=currency,
            price_field="price_retail",
            new_product_status="DRAFT",
            sync_shopify_drafts=True,
        ),
    )


# -- judging --------------------------------------------------------------------------------------


def _counterparts(catalogs: Catalogs) -> tuple[dict[int, set[str]], dict[str, set[int]]]:
    """Style → the products that are it, product → the styles it is: by the product's identity
    metafield and by barcodes shared with the style's UPCs."""
    styles_of_upc: dict[str, set[int]] = defaultdict(set)
    for style in catalogs.joor.values():
        for sku in style.skus:
            if sku.upc:
                styles_of_upc[sku.upc].add(style.id)
    products_of_style: dict[int, set[str]] = defaultdict(set)
    styles_of_product: dict[str, set[int]] = defaultdict(set)
    for product in catalogs.shopify.values():
        found = {style_id for v in product.variants if v.barcode for style_id in styles_of_upc[v.barcode]}
        if product.style_id is not None and product.style_id in catalogs.joor:
            found.add(product.style_id)
        for style_id in found:
            products_of_style[style_id].add(product.id)
            styles_of_product[product.id].add(style_id)
    return products_of_style, styles_of_product


def _repeated(what: str, counts: Iterable[tuple[Any, int]]) -> list[str]:
    return [f"{what} {key!r} appears {n} times" for key, n in counts if n > 1]


def judge(*, before: Catalogs, after: Catalogs, currency: str) -> Verdict:
    """Lost, duplicated and blanked items between the starting catalogs and the converged ones."""
    verdict = Verdict()
    products_of_style, styles_of_product = _counterparts(after)
    for style_id, style in sorted(before.joor.items()):
        name = f"JOOR style {style.style_number} ({style_id})"
        if style_id not in after.joor:
            verdict.lost.append(f"{name} is gone from JOOR")
        elif not products_of_style.get(style_id):
            verdict.lost.append(f"{name} has no Shopify product")
    for product_id, product in sorted(before.shopify.items()):
        name = f'Shopify product "{product.title}" ({product_id})'
        if product_id not in after.shopify:
            verdict.lost.append(f"{name} is gone from Shopify")
        elif not styles_of_product.get(product_id):
            verdict.lost.append(f"{name} has no JOOR style")
    for style_id, products in sorted(products_of_style.items()):
        if len(products) > 1:
            verdict.duplicated.append(
                f"JOOR style {style_id} has {len(products)} Shopify products: {sorted(products)}"
            )
    for product_id, styles in sorted(styles_of_product.items()):
        if len(styles) > 1:
            verdict.duplicated.append(
                f"Shopify product {product_id} is {len(styles)} JOOR styles: {sorted(styles)}"
            )
    expected = len(before.joor) + len(before.shopify)
    for side, count in (("Shopify products", len(after.shopify)), ("JOOR styles", len(after.joor))):
        if count > expected:
            verdict.duplicated.append(
                f"{count} {side}, {count - expected} more than the {expected} there are"
            )
    after_state = _observed(after, currency=currency)
    verdict.duplicated += invariants.no_product_duplicated(after_state)
    skus = Counter(v.sku for p in after.shopify.values() for v in p.variants if v.sku)
    verdict.duplicated += _repeated("Shopify SKU", sorted(skus.items()))
    for product in after.shopify.values():
        combos = Counter((v.color, v.size) for v in product.variants)
        verdict.duplicated += _repeated(f"variant of {product.id}", sorted(combos.items(), key=str))
    for style in after.joor.values():
        combos = Counter((s.color_code, s.size) for s in style.skus)
        verdict.duplicated += _repeated(f"SKU of JOOR style {style.id}", sorted(combos.items(), key=str))
    verdict.blanked += invariants.nothing_blanked_unless_cleared(
        _observed(before, currency=currency), after_state, invariants.PeopleDid()
    )
    for style_id, products in sorted(products_of_style.items()):
        for product_id in sorted(products):
            if not after.shopify[product_id].title.strip() and after.joor[style_id].name.strip():
                verdict.blanked.append(f"Shopify product {product_id} of JOOR style {style_id} has no title")
            if not after.joor[style_id].name.strip() and after.shopify[product_id].title.strip():
                verdict.blanked.append(f"JOOR style {style_id} of Shopify product {product_id} has no name")
    return verdict
