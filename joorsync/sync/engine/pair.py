"""Planning one linked pair: map both sides, merge against the last agreement, and turn the merge's
decisions (and a person's resolutions) into plan entries for the gate.

Beyond the field-by-field merge, a pair plan sees what a field merge cannot:
- a variant present on one side only, where both had it (deleted there) or nothing was agreed yet
  (a new link): held as one conflict for the whole variant, never re-created or deleted silently;
- an ownership rule overwriting an edit: done, and said in a readable event on the product.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from joorsync.pricing.categories import CATEGORY_PATH
from joorsync.sync.canonical import (
    VARIANT_FIELDS,
    CanonicalProduct,
    JsonValue,
    flatten,
    parse_variant_path,
    unflatten,
    variant_path,
)
from joorsync.sync.engine.plan import Change, Decider, Hold, Note, PairPlan, Side, StockWrite
from joorsync.sync.engine.settings import PairSettings, comparable
from joorsync.sync.merge import Action, FieldDecision, Ownership, field_group, merge_product
from joorsync.sync.models import Conflict, ProductLink
from joorsync.sync.shopify_mapping import product_to_canonical

#: Snapshot key listing variant keys a person chose to keep out of Shopify (JOOR sells a full grid
#: of colours × sizes, so one cell of it cannot be deleted there).
EXCLUDED_KEY = "excluded_variants"

LABELS = {"title": "Title", "description": "Description", "product_type": "Product type", "tags": "Tags"}


@dataclass(slots=True)
class PairData:
    """Both sides of one pair as read in this run (what the plan's changes apply to)."""

    joor_product: CanonicalProduct
    shopify_product: CanonicalProduct
    flat_shopify: dict[str, JsonValue]
    flat_joor: dict[str, JsonValue]
    cmp_shopify: dict[str, JsonValue]
    cmp_joor: dict[str, JsonValue]
    foreign_variants: int = 0  # Shopify variants that are not Color × Size (never written over)


def variant_keys_of(link: ProductLink) -> dict[str, tuple[str, str]]:
    return {
        v.shopify_variant_id: (v.color_code, v.size) for v in link.variant_links.all() if v.shopify_variant_id
    }


def pair_data(
    *,
    link: ProductLink,
    joor_product: CanonicalProduct,
    shopify_node: Mapping[str, Any],
    settings: PairSettings,
) -> PairData:
    shopify_product = product_to_canonical(
        shopify_node,
        variant_keys=variant_keys_of(link),
        style_number=joor_product.style_number,
        style_identifier=joor_product.style_identifier,
    )
    flat_s, flat_j = flatten(shopify_product), flatten(joor_product)
    joor_prices = any(v.price is not None for v in joor_product.variants)
    excluded = set((link.snapshot or {}).get(EXCLUDED_KEY) or ())
    cmp_s = _without(comparable(flat_s, settings=settings, joor_prices=joor_prices), excluded)
    cmp_j = _without(comparable(flat_j, settings=settings, joor_prices=joor_prices), excluded)
    variants = shopify_node.get("variants") or {}
    count = (
        len(variants.get("nodes") or variants.get("edges") or [])
        if isinstance(variants, dict)
        else len(variants)
    )
    foreign = max(0, count - len(shopify_product.variants))
    return PairData(joor_product, shopify_product, flat_s, flat_j, cmp_s, cmp_j, foreign)


def _without(flat: dict[str, JsonValue], keys: set[str]) -> dict[str, JsonValue]:
    if not keys:
        return flat
    return {p: v for p, v in flat.items() if (parse_variant_path(p) or ("",))[0] not in keys}


def _keys(flat: Mapping[str, JsonValue], *, with_values: bool = False) -> set[str]:
    keys = set()
    for path, value in flat.items():
        parsed = parse_variant_path(path)
        if parsed is not None and parsed[1] and (value is not None or not with_values):
            keys.add(parsed[0])
    return keys


def variant_summary(flat: Mapping[str, JsonValue], key: str) -> dict[str, JsonValue] | None:
    found = {a: flat[variant_path(key, a)] for a in VARIANT_FIELDS if variant_path(key, a) in flat}
    return found or None


def whole_variant_path(key: str) -> str:
    return f"variants[{key}]"


def plan_pair(
    *,
    link: ProductLink,
    data: PairData,
    settings: PairSettings,
    open_conflicts: Mapping[str, Conflict],
    resolving: Mapping[str, Conflict],
) -> PairPlan:
    raw_base = dict(link.snapshot) if link.snapshot is not None else None
    excluded = list((raw_base or {}).pop(EXCLUDED_KEY, None) or ())
    base = raw_base
    plan = PairPlan(base=dict(base or {}))
    cmp_s, cmp_j = data.cmp_shopify, data.cmp_joor

    held = set(open_conflicts) | set(resolving)
    # Variants on one side only: deleted on the other, or never agreed (a new link).
    keys_s, keys_j, keys_b = _keys(cmp_s), _keys(cmp_j), _keys(base or {}, with_values=True)
    for key in sorted(keys_s ^ keys_j):
        whole = whole_variant_path(key)
        if base is not None and key not in keys_b:
            continue  # added on one side since the last agreement: the merge carries it over
        held.update(variant_path(key, a) for a in VARIANT_FIELDS)
        if whole in open_conflicts or whole in resolving:
            continue
        missing_on = Side.SHOPIFY if key not in keys_s else Side.JOOR
        reason = (
            f"deleted in {missing_on.label}"
            if base is not None
            else f"not in {missing_on.label}; nothing was agreed for this product yet"
        )
        plan.holds.append(
            Hold(
                whole,
                variant_summary(base or {}, key),
                variant_summary(cmp_s, key),
                variant_summary(cmp_j, key),
                reason=reason,
            )
        )
        plan.notes.append(
            Note(
                action="variant_one_side",
                side=missing_on,
                level="warning",
                message=f"Variant {key} {reason}; held for a person to decide",
            )
        )
    for path in list(open_conflicts) + list(resolving):
        parsed = parse_variant_path(path)
        if parsed is not None and not parsed[1]:
            held.update(variant_path(parsed[0], a) for a in VARIANT_FIELDS)

    merged = merge_product(
        base=base,
        shopify=cmp_s,
        joor=cmp_j,
        ownership=settings.ownership,
        held=held,
        allow_write_shopify=settings.allow_write_shopify,
        allow_write_joor=settings.allow_write_joor,
    )
    plan.snapshot = merged.snapshot
    owners = settings.owners()
    reverted: dict[Side, list[str]] = {Side.SHOPIFY: [], Side.JOOR: []}
    for decision in merged.decisions:
        if decision.action is Action.WRITE_SHOPIFY:
            _add_write(plan, Side.SHOPIFY, decision, owners, base, reverted)
        elif decision.action is Action.WRITE_JOOR:
            _add_write(plan, Side.JOOR, decision, owners, base, reverted)
        elif decision.action is Action.CONFLICT:
            reason = (
                "changed on both sides" if base is not None else "nothing was agreed for this product yet"
            )
            plan.holds.append(Hold(decision.path, decision.base, decision.shopify, decision.joor, reason))
    plan.converged = [p for p in merged.resolved if p in open_conflicts]
    for path, conflict in open_conflicts.items():
        if path in plan.converged:
            continue
        parsed = parse_variant_path(path)
        if parsed is not None and not parsed[1]:
            now = (variant_summary(cmp_s, parsed[0]), variant_summary(cmp_j, parsed[0]))
        else:
            now = (cmp_s.get(path), cmp_j.get(path))
        if now != (conflict.shopify_value, conflict.joor_value):
            plan.refreshed[path] = now  # "keep Shopify's" then keeps what Shopify holds now
    for side, paths in reverted.items():
        if paths:
            plan.notes.append(
                Note(
                    action="reverted_by_ownership",
                    side=side,
                    message=f"{side.label}'s edit of {_names(paths)} was replaced: "
                    f"{side.other.label} owns {'these fields' if len(paths) > 1 else 'this field'}",
                    details={"paths": paths},
                )
            )
    for path, conflict in resolving.items():
        _apply_resolution(plan, path, conflict, data, excluded, settings)
    if excluded:
        plan.snapshot[EXCLUDED_KEY] = sorted(set(excluded))
        plan.base[EXCLUDED_KEY] = sorted(set(excluded))
    return plan


def _add_write(
    plan: PairPlan,
    side: Side,
    decision: FieldDecision,
    owners: Mapping[Any, Ownership],
    base: Mapping[str, JsonValue] | None,
    reverted: dict[Side, list[str]],
) -> None:
    owner = owners[field_group(decision.path)]
    decided = Decider.OWNER if owner is not Ownership.TWO_WAY else Decider.MERGE
    source = side.other
    old = decision.shopify if side is Side.SHOPIFY else decision.joor
    parsed = parse_variant_path(decision.path)
    if parsed is not None and parsed[1] == "inventory":
        read = decision.joor if source is Side.JOOR else decision.shopify
        plan.stock.append(
            StockWrite(
                side=side,
                key=parsed[0],
                quantity=int(read) if isinstance(read, int) else 0,
                read_from=source,
                read_value=read,
                path=decision.path,
            )
        )
    else:
        plan.update(side).changes.append(Change(decision.path, old, decision.value, decided))
    if decided is Decider.OWNER and base is not None and decision.path in base and old != decision.base:
        reverted[side].append(decision.path)


def _apply_resolution(
    plan: PairPlan,
    path: str,
    conflict: Conflict,
    data: PairData,
    excluded: list[str],
    settings: PairSettings,
) -> None:
    """A person's decision is written to both sides and becomes the new agreement."""
    decided = Decider.CLEAR if conflict.resolution == Conflict.Resolution.CLEAR else Decider.PERSON
    parsed = parse_variant_path(path)
    plan.applying.append(conflict.pk)
    if path == CATEGORY_PATH:
        # Shopify alone holds the taxonomy category (mapped from JOOR's categories, never compared):
        # a restored one is written there only, and the agreement does not hold it.
        plan.shopify.changes.append(Change(path, conflict.shopify_value, conflict.resolved_value, decided))
        return
    if parsed is not None and not parsed[1]:
        _resolve_variant(plan, parsed[0], conflict.resolved_value, data, excluded)
        return
    value = conflict.resolved_value
    for side, current in ((Side.SHOPIFY, data.cmp_shopify), (Side.JOOR, data.cmp_joor)):
        if current.get(path) == value:
            continue
        if parsed is not None and parsed[1] == "inventory":
            plan.stock.append(
                StockWrite(side, parsed[0], int(value or 0), side.other, int(value or 0), path, decided)
            )
        else:
            plan.update(side).changes.append(Change(path, current.get(path), value, decided))
    plan.snapshot[path] = value


def _resolve_variant(plan: PairPlan, key: str, value: JsonValue, data: PairData, excluded: list[str]) -> None:
    """Keep a variant (write it where it is missing) or drop it (delete it in Shopify; keep it out of
    the comparison where JOOR's grid cannot drop it)."""
    summary_s = variant_summary(data.cmp_shopify, key)
    summary_j = variant_summary(data.cmp_joor, key)
    if value:
        for side, have in ((Side.SHOPIFY, summary_s), (Side.JOOR, summary_j)):
            if have:
                continue
            for attribute, new in value.items():
                p = variant_path(key, attribute)
                if attribute == "inventory":
                    continue  # stock follows its owner on the next run
                plan.update(side).changes.append(Change(p, None, new, Decider.PERSON))
        for attribute, new in value.items():
            plan.snapshot[variant_path(key, attribute)] = new
        return
    if summary_s:
        # One change for the whole variant: productSet is sent without it.
        plan.shopify.changes.append(Change(whole_variant_path(key), summary_s, None, Decider.CLEAR))
    if summary_j:
        excluded.append(key)
    for attribute in VARIANT_FIELDS:
        plan.snapshot.pop(variant_path(key, attribute), None)


def _names(paths: Iterable[str]) -> str:
    return ", ".join(LABELS.get(p, p) for p in paths)


def merged_product(
    flat: Mapping[str, JsonValue], writes: Mapping[str, JsonValue], *, like: CanonicalProduct
) -> CanonicalProduct:
    """One side's product with this run's writes laid over it. A variant whose every field is now
    empty was removed on the other side, and is left out."""
    product = unflatten(
        {**flat, **writes}, style_number=like.style_number, style_identifier=like.style_identifier
    )
    kept = tuple(
        v
        for v in product.variants
        if any(
            getattr(v, name) is not None for name in ("color_name", "sku", "barcode", "price", "inventory")
        )
    )
    return replace(product, variants=kept)
