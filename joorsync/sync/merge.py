"""Three-way merge of one product, field path by field path, against the last-synced snapshot.

Pure functions, no I/O: given the snapshot (base), the Shopify side and the JOOR side — each a
flattened canonical product — decide for every path whether to write Shopify, write JOOR, hold a
conflict, or do nothing, and what the next snapshot is.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from joorsync.sync.canonical import JOOR_PREFIX, JsonValue, parse_variant_path


class Ownership(enum.StrEnum):
    TWO_WAY = "two-way"  # both sides may change it; a change on both is a conflict
    JOOR = "joor"  # JOOR is the master: its value wins, Shopify edits are reverted
    SHOPIFY = "shopify"  # Shopify is the master
    IGNORE = "ignore"  # never synced


class FieldGroup(enum.StrEnum):
    CONTENT = "content"  # title, description, product type, tags
    IDENTIFIERS = "identifiers"  # sku, barcode, color name
    PRICES = "prices"  # Shopify price / compare-at ↔ the mapped JOOR retail price
    INVENTORY = "inventory"
    JOOR_FIELDS = "joor_fields"  # JOOR-only fields kept in `joor.*` metafields (wholesale prices …)


DEFAULT_OWNERSHIP: dict[FieldGroup, Ownership] = {
    FieldGroup.CONTENT: Ownership.TWO_WAY,
    FieldGroup.IDENTIFIERS: Ownership.TWO_WAY,
    FieldGroup.PRICES: Ownership.TWO_WAY,
    FieldGroup.INVENTORY: Ownership.SHOPIFY,
    FieldGroup.JOOR_FIELDS: Ownership.JOOR,
}

_VARIANT_GROUPS = {
    "color_name": FieldGroup.IDENTIFIERS,
    "sku": FieldGroup.IDENTIFIERS,
    "barcode": FieldGroup.IDENTIFIERS,
    "price": FieldGroup.PRICES,
    "compare_at_price": FieldGroup.PRICES,
    "inventory": FieldGroup.INVENTORY,
}


def field_group(path: str) -> FieldGroup:
    if path.startswith(JOOR_PREFIX):
        return FieldGroup.JOOR_FIELDS
    parsed = parse_variant_path(path)
    if parsed is not None:
        return _VARIANT_GROUPS.get(parsed[1], FieldGroup.IDENTIFIERS)
    return FieldGroup.CONTENT


class Action(enum.StrEnum):
    NONE = "none"
    WRITE_SHOPIFY = "write_shopify"
    WRITE_JOOR = "write_joor"
    CONFLICT = "conflict"
    HELD = "held"  # an open conflict still waits for a person
    RESOLVED = "resolved"  # an open conflict whose two sides now agree


@dataclass(frozen=True, slots=True)
class FieldDecision:
    path: str
    action: Action
    base: JsonValue
    shopify: JsonValue
    joor: JsonValue
    value: JsonValue = None  # the value written (WRITE_*) or agreed


@dataclass(slots=True)
class MergePlan:
    shopify_writes: dict[str, JsonValue] = field(default_factory=dict)
    joor_writes: dict[str, JsonValue] = field(default_factory=dict)
    conflicts: list[FieldDecision] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)  # held paths whose sides converged
    snapshot: dict[str, JsonValue] = field(default_factory=dict)
    decisions: list[FieldDecision] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.shopify_writes or self.joor_writes or self.conflicts or self.resolved)


_MISSING = object()


def merge_product(
    *,
    base: Mapping[str, JsonValue] | None,
    shopify: Mapping[str, JsonValue],
    joor: Mapping[str, JsonValue],
    ownership: Mapping[FieldGroup, Ownership] | None = None,
    held: Collection[str] = (),
    allow_write_shopify: bool = True,
    allow_write_joor: bool = True,
) -> MergePlan:
    """Plan the writes for one linked product.

    `base` None means the pair was never compared (a new link): nothing was ever agreed, so a
    two-way value that differs is a conflict for a person, never a silent overwrite; an owned field
    follows its owner. A path the base does not have (a variant or field added since) counts as
    empty there, so the side that added it wins. Paths in `held` have an open conflict and are
    left alone until a person resolves it (or both sides come to agree).
    A direction that forbids writing a side leaves that path's snapshot unmoved, so the change
    is still pending if the direction later allows it.
    """
    owners = {**DEFAULT_OWNERSHIP, **(ownership or {})}
    plan = MergePlan()
    held_set = set(held)
    paths = sorted(set(shopify) | set(joor) | set(base or {}))
    for path in paths:
        s = shopify.get(path)
        j = joor.get(path)
        b = base.get(path) if base is not None else _MISSING
        owner = owners[field_group(path)]
        decision = _decide(path=path, b=b, s=s, j=j, owner=owner, held=path in held_set)
        blocked = (decision.action is Action.WRITE_SHOPIFY and not allow_write_shopify) or (
            decision.action is Action.WRITE_JOOR and not allow_write_joor
        )
        if blocked:
            decision = FieldDecision(path, Action.NONE, decision.base, s, j)

        # The next snapshot holds what both sides agree on after this run's writes. Where they
        # don't agree yet (conflict, held, blocked direction) the old agreement stays, so the
        # change is seen again next run. Ignored fields are not tracked at all.
        if owner is not Ownership.IGNORE:
            if decision.action in (Action.WRITE_SHOPIFY, Action.WRITE_JOOR, Action.RESOLVED):
                agreed = decision.value
            elif decision.action is Action.NONE and s == j:
                agreed = s
            else:
                agreed = b
            if agreed is not _MISSING and not (agreed is None and path not in shopify and path not in joor):
                plan.snapshot[path] = agreed

        if decision.action is Action.WRITE_SHOPIFY:
            plan.shopify_writes[path] = decision.value
        elif decision.action is Action.WRITE_JOOR:
            plan.joor_writes[path] = decision.value
        elif decision.action is Action.CONFLICT:
            plan.conflicts.append(decision)
        elif decision.action is Action.RESOLVED:
            plan.resolved.append(path)
        if decision.action is not Action.NONE:
            plan.decisions.append(decision)
    return plan


def _decide(
    *,
    path: str,
    b: object,
    s: JsonValue,
    j: JsonValue,
    owner: Ownership,
    held: bool,
) -> FieldDecision:
    base_value = None if b is _MISSING else b
    if owner is Ownership.IGNORE:
        return FieldDecision(path, Action.NONE, base_value, s, j)
    if s == j:
        if held:
            return FieldDecision(path, Action.RESOLVED, base_value, s, j, value=s)
        return FieldDecision(path, Action.NONE, base_value, s, j, value=s)
    if held:
        return FieldDecision(path, Action.HELD, base_value, s, j)
    if b is _MISSING:
        if owner is Ownership.TWO_WAY:
            return FieldDecision(path, Action.CONFLICT, base_value, s, j)
        return _win(path, owner, base_value, s, j)
    s_changed, j_changed = s != b, j != b
    if owner is Ownership.TWO_WAY:
        if s_changed and not j_changed:
            return FieldDecision(path, Action.WRITE_JOOR, base_value, s, j, value=s)
        if j_changed and not s_changed:
            return FieldDecision(path, Action.WRITE_SHOPIFY, base_value, s, j, value=j)
        return FieldDecision(path, Action.CONFLICT, base_value, s, j)
    return _win(path, owner, base_value, s, j)


def _win(path: str, owner: Ownership, base_value: JsonValue, s: JsonValue, j: JsonValue) -> FieldDecision:
    if owner is Ownership.SHOPIFY:
        return FieldDecision(path, Action.WRITE_JOOR, base_value, s, j, value=s)
    return FieldDecision(path, Action.WRITE_SHOPIFY, base_value, s, j, value=j)
