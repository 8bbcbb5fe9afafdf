"""JOOR style ↔ canonical product.

What maps onto Shopify's own product fields: style_name → title, style_description → description,
silhouette → product type (JOOR's own integration pairs these two), tag values → tags, colors × sizes →
variants (UPC → barcode, inventory_available → inventory, the mapped price label → price and
compare-at price). Everything else JOOR knows (division, fabrication, deliveries, every price label,
casepacks, …) travels as `joor.*` metafields, so JOOR → Shopify → JOOR loses nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from joorsync.joor.records import Price, Style, Tag, style_to_dict
from joorsync.pricing.categories import is_category_tag
from joorsync.sync.canonical import CanonicalProduct, CanonicalVariant, JsonValue, money

# Style fields that become Shopify product fields or variants; every other field is a `joor.*` metafield.
# (style_id is identity: it lives on the link and in the `joor.style_id` identity metafield.)
MAPPED_STYLE_FIELDS = frozenset(
    {"style_id", "style_name", "style_number", "style_identifier", "style_description", "silhouette", "upcs"}
)
# The full JOOR records whose Shopify projection is partial (tag values, color names, one price)
# are also kept whole, so writing back to JOOR can restore what Shopify cannot hold.
JOOR_FIELD_KEYS: tuple[str, ...] = tuple(
    name for name in Style.__dataclass_fields__ if name not in MAPPED_STYLE_FIELDS
)


@dataclass(frozen=True, slots=True)
class PriceMapping:
    """Which JOOR price feeds Shopify's price and compare-at price.

    `currency` is the account's chosen currency, else the shop's: a price in another currency is
    never taken for the shop's. Without a label, the first label (alphabetically) in that currency
    whose mapped price is set is used; with one, only that label counts.
    """

    label: str = ""
    currency: str = ""
    price_field: str = "price_retail"
    compare_at_field: str = ""

    def matches(self, label: str | None, currency: str | None) -> bool:
        return (not self.label or label == self.label) and (not self.currency or currency == self.currency)

    def choose(self, entries: list[tuple[str | None, str | None, Any]]) -> int | None:
        """Index of the entry (label, currency, value of the mapped field) that maps, or None.
        Reading from JOOR and writing back to it both choose through here."""
        order = sorted(range(len(entries)), key=lambda i: (entries[i][1] or "", entries[i][0] or ""))
        candidates = [i for i in order if self.matches(entries[i][0], entries[i][1])]
        if not self.label:
            candidates = [i for i in candidates if _usable(entries[i][2], self.price_field)]
        return candidates[0] if candidates else None

    def pick(self, prices: list[Price]) -> Price | None:
        index = self.choose(
            [(p.price_label, p.price_currency, getattr(p, self.price_field, None)) for p in prices]
        )
        return prices[index] if index is not None else None


def _usable(value: Any, field_name: str) -> bool:
    if value in (None, ""):
        return False
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        return False
    return not (amount == 0 and field_name == "price_retail")


def style_to_canonical(
    style: Style,
    *,
    prices: PriceMapping,
    sku_prices: Mapping[tuple[str, str], list[Price]] | None = None,
) -> CanonicalProduct:
    """Map one JOOR style. Variants are the full colors × sizes grid, as JOOR sells it.

    `sku_prices` (colour code, size) → that SKU's own prices (JOOR v4): each variant takes its own
    SKU's price, the style's price only where its SKU has none in the mapped price type. A casepack
    size (`size_multiplier` > 1) is a pack variant priced at the unit price × its unit count."""
    plain = style_to_dict(style)
    chosen = prices.pick(style.prices)
    multipliers = {s.size_name: pack_units(s.size_multiplier) for s in style.sizes}
    upcs = {(u.sku_color_code, u.sku_size): u for u in style.upcs}
    variants = []
    for color in style.colors:
        for size in style.sizes:
            if color.color_code is None or size.size_name is None:
                continue
            upc = upcs.get((color.color_code, size.size_name))
            own = prices.pick((sku_prices or {}).get((color.color_code, size.size_name)) or [])
            source = own or chosen
            units = multipliers.get(size.size_name, 1)
            price = _times(_money_of(source, prices.price_field), units)
            compare_at = (
                _times(_money_of(source, prices.compare_at_field), units) if prices.compare_at_field else None
            )
            variants.append(
                CanonicalVariant(
                    color_code=color.color_code,
                    size=size.size_name,
                    color_name=color.color_name,
                    barcode=upc.upc if upc else None,
                    price=price,
                    compare_at_price=compare_at,
                    # Shopify counts every variant; a SKU JOOR holds no stock for counts 0.
                    inventory=(upc.inventory_available if upc else None) or 0,
                )
            )
    joor: dict[str, JsonValue] = {}
    for key in JOOR_FIELD_KEYS:
        value = plain[key]
        if value is None or value == []:
            continue
        joor[key] = value
    return CanonicalProduct(
        style_number=style.style_number or "",
        style_identifier=style.style_identifier or "",
        title=style.style_name,
        description=style.style_description,
        product_type=style.silhouette,
        tags=tuple(
            sorted({t.tag_value for t in style.tags if t.tag_value and not is_category_tag(t.tag_value)})
        ),
        variants=tuple(variants),
        joor=joor,
    )


def pack_units(multiplier: int | None) -> int:
    """The units a size stands for: a casepack's `size_multiplier`, else 1."""
    return multiplier if isinstance(multiplier, int) and multiplier > 1 else 1


def _times(amount: str | None, units: int) -> str | None:
    if amount is None or units == 1:
        return amount
    return money(Decimal(amount) * units)


def _money_of(price: Price | None, field_name: str) -> str | None:
    if price is None or not field_name:
        return None
    value = getattr(price, field_name)
    if value is None or (isinstance(value, Decimal) and value == 0 and field_name == "price_retail"):
        return None  # JOOR writes 0.00 for "no retail price in this currency"
    return money(value)


def canonical_to_style_fields(
    product: CanonicalProduct,
    *,
    prices: PriceMapping,
    current: Style | None = None,
    send_prices: bool = True,
) -> dict[str, Any]:
    """v2 style fields for a write to JOOR (POST /v2/style-number): the canonical values laid over
    the JOOR-only fields, and over the current style where Shopify holds only a projection.

    Without `send_prices` no `prices` are sent and JOOR keeps its own: a v2 price list is one price
    per style, and sending it replaces every SKU's own price (those are written through v4)."""
    fields: dict[str, Any] = dict(product.joor)
    fields.update(
        {
            "style_number": product.style_number,
            "style_identifier": product.style_identifier,
            "style_name": product.title,
            "style_description": product.description,
            "silhouette": product.product_type,
        }
    )
    fields["tags"] = _merge_tags(current.tags if current else [], product.joor.get("tags"), product.tags)
    fields["colors"] = _colors(product)
    fields["sizes"] = _sizes(product)
    if send_prices:
        fields["prices"] = _prices(product, prices=prices)
    else:
        fields.pop("prices", None)
    fields["upcs"] = [
        {
            "sku_color_code": v.color_code,
            "sku_size": v.size,
            "upc": v.barcode,
            "inventory_available": v.inventory,
        }
        for v in product.variants
        if v.barcode
    ]
    return {key: value for key, value in fields.items() if value is not None}


def _merge_tags(current: list[Tag], kept: JsonValue, values: tuple[str, ...]) -> list[dict[str, Any]]:
    """Keep JOOR's tag records whose value is still wanted; new values get a tag in group "Shopify"."""
    records: list[dict[str, Any]] = [dict(t) for t in kept] if isinstance(kept, list) else []
    if not records:
        records = [
            {"tag_id": t.tag_id, "tag_group": t.tag_group, "tag_name": t.tag_name, "tag_value": t.tag_value}
            for t in current
        ]
    wanted = set(values)
    # A value in the app's reserved category-tag form is not part of the compared tags: kept as it is.
    out = [r for r in records if r.get("tag_value") in wanted or is_category_tag(r.get("tag_value"))]
    present = {r.get("tag_value") for r in out}
    out.extend(
        {"tag_group": "Shopify", "tag_name": "Shopify tag", "tag_value": value}
        for value in sorted(wanted - present)
    )
    return out


def _colors(product: CanonicalProduct) -> list[dict[str, Any]]:
    known = {c.get("color_code"): c for c in product.joor.get("colors") or [] if isinstance(c, dict)}
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for v in product.variants:
        if v.color_code in seen:
            continue
        seen.add(v.color_code)
        color = dict(known.get(v.color_code) or {"color_code": v.color_code})
        color["color_name"] = v.color_name or color.get("color_name") or v.color_code
        out.append(color)
    return out


def _sizes(product: CanonicalProduct) -> list[dict[str, Any]]:
    known = {s.get("size_name"): s for s in product.joor.get("sizes") or [] if isinstance(s, dict)}
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for v in product.variants:
        if v.size in seen:
            continue
        seen.add(v.size)
        out.append(dict(known.get(v.size) or {"size_name": v.size}))
    return out


def _prices(product: CanonicalProduct, *, prices: PriceMapping) -> list[dict[str, Any]]:
    """JOOR's price list with the mapped label's price set from the (style-level) canonical price."""
    listed = [dict(p) for p in product.joor.get("prices") or [] if isinstance(p, dict)]
    units = _size_units(product)
    singles = [v for v in product.variants if units.get(v.size, 1) == 1]
    style_price = next((v.price for v in singles if v.price is not None), None)
    style_compare = next((v.compare_at_price for v in singles if v.compare_at_price is not None), None)
    index = prices.choose(
        [(p.get("price_label"), p.get("price_currency"), p.get(prices.price_field)) for p in listed]
    )
    if index is not None:
        entry = listed[index]
        if style_price is not None:
            entry[prices.price_field] = style_price
        if prices.compare_at_field and style_compare is not None:
            entry[prices.compare_at_field] = style_compare
    return listed


def _size_units(product: CanonicalProduct) -> dict[str, int]:
    """Size name → units, from the sizes JOOR holds (`joor.sizes`): a casepack counts its units."""
    return {
        str(s.get("size_name")): pack_units(s.get("size_multiplier"))
        for s in product.joor.get("sizes") or []
        if isinstance(s, dict) and s.get("size_name") is not None
    }


def with_variant_skus(product: CanonicalProduct, skus: dict[tuple[str, str], str]) -> CanonicalProduct:
    """The same product with SKUs filled in (JOOR v2 has no SKU string; v4 has sku_identifier)."""
    return replace(
        product,
        variants=tuple(replace(v, sku=skus.get((v.color_code, v.size), v.sku)) for v in product.variants),
    )
