"""Automatic linking of Shopify products to JOOR styles, never guessing.

Keys are tried in order of strength: the identity metafield `joor.style_id` (products this app
created), barcode/UPC, SKU, then style number. A key links a pair only when it is unambiguous in both
directions: the product's key values point at exactly one style and that style's point back at exactly
this product. Anything else is reported as ambiguous or unmatched, for a person to decide.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class JoorItem:
    style_id: int
    style_number: str
    style_identifier: str
    upcs: frozenset[str] = frozenset()
    skus: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ShopifyItem:
    product_id: str
    barcodes: frozenset[str] = frozenset()
    skus: frozenset[str] = frozenset()
    style_id: int | None = None  # from the `joor.style_id` identity metafield
    style_number: str = ""  # from the `joor.style_number` identity metafield
    style_identifier: str = ""


@dataclass(frozen=True, slots=True)
class Match:
    product_id: str
    style_id: int
    method: str  # "style_id" | "barcode" | "sku" | "style_number"


@dataclass(frozen=True, slots=True)
class Ambiguity:
    method: str
    product_ids: tuple[str, ...]
    style_ids: tuple[int, ...]


@dataclass(slots=True)
class MatchResult:
    matches: list[Match] = field(default_factory=list)
    ambiguous: list[Ambiguity] = field(default_factory=list)
    unmatched_shopify: list[str] = field(default_factory=list)
    unmatched_joor: list[int] = field(default_factory=list)


def _style_number_keys(item: ShopifyItem) -> set[str]:
    keys: set[str] = set()
    if item.style_number:
        keys.add(f"{item.style_number}\x1f{item.style_identifier or item.style_number}")
    return keys


def match_items(
    *, shopify: Iterable[ShopifyItem], joor: Iterable[JoorItem], require_complete: bool = False
) -> MatchResult:
    """Match the two sets. With `require_complete` (used when `joor` is only part of the catalog, one
    page at a time) a barcode or SKU match also needs every barcode/SKU of the product to belong to
    that style: a product with keys pointing elsewhere may belong to a style not seen yet."""
    products = {p.product_id: p for p in shopify}
    styles = {s.style_id: s for s in joor}
    result = MatchResult()
    ambiguous_products: set[str] = set()
    ambiguous_styles: set[int] = set()

    strategies = (
        ("style_id", lambda p: {p.style_id} if p.style_id is not None else set(), lambda s: {s.style_id}),
        ("barcode", lambda p: set(p.barcodes), lambda s: set(s.upcs)),
        ("sku", lambda p: set(p.skus), lambda s: set(s.skus)),
        (
            "style_number",
            _style_number_keys,
            lambda s: {f"{s.style_number}\x1f{s.style_identifier or s.style_number}"},
        ),
    )
    for method, product_keys, style_keys in strategies:
        open_products = {pid: p for pid, p in products.items() if pid not in ambiguous_products}
        open_styles = {sid: s for sid, s in styles.items() if sid not in ambiguous_styles}
        by_key: dict[object, set[int]] = defaultdict(set)
        for sid, style in open_styles.items():
            for key in style_keys(style):
                if key not in (None, ""):
                    by_key[key].add(sid)
        candidates: dict[str, set[int]] = {}
        for pid, product in open_products.items():
            found: set[int] = set()
            for key in product_keys(product):
                found |= by_key.get(key, set())
            if found:
                candidates[pid] = found
        wanted_by: dict[int, set[str]] = defaultdict(set)
        for pid, sids in candidates.items():
            for sid in sids:
                wanted_by[sid].add(pid)
        for pid, sids in sorted(candidates.items()):
            if pid in ambiguous_products:
                continue
            rivals = set().union(*(wanted_by[sid] for sid in sids))
            complete = True
            if require_complete and len(sids) == 1 and method in ("barcode", "sku"):
                (only,) = sids
                complete = {k for k in product_keys(open_products[pid]) if k} <= style_keys(open_styles[only])
            if len(sids) == 1 and rivals == {pid} and complete:
                (sid,) = sids
                result.matches.append(Match(product_id=pid, style_id=sid, method=method))
                del products[pid]
                del styles[sid]
            else:
                group_styles = set(sids)
                for rival in rivals:
                    group_styles |= candidates.get(rival, set())
                result.ambiguous.append(
                    Ambiguity(
                        method=method,
                        product_ids=tuple(sorted(rivals)),
                        style_ids=tuple(sorted(group_styles)),
                    )
                )
                ambiguous_products |= rivals
                ambiguous_styles |= group_styles
    result.unmatched_shopify = sorted(pid for pid in products if pid not in ambiguous_products)
    result.unmatched_joor = sorted(sid for sid in styles if sid not in ambiguous_styles)
    return result
