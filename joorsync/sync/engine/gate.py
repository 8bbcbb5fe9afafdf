"""The write gate: every planned write passes through here before anything is sent.

Its rules keep both catalogs safe (the invariants in `joorsync.sync.invariants` check them):
- no empty value over a non-empty one unless a person chose "clear this field" (a blank carried over
  by the merge is held as a conflict; one decided by an ownership rule is refused as a problem);
- no invented price: a price is written only when the other side has one, and a product without a
  mapped price is created as a draft;
- JOOR holds one price per style: a Shopify variant price that differs from its siblings is held;
- stock is written only as figures its owner reported in this run, never as a side effect;
- every value within the target side's limits; a refused value is a problem of its one product;
- new Shopify products in the account's status (draft by default), Shopify drafts kept from JOOR.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from joorsync.sync.canonical import JsonValue, is_blank, parse_variant_path, split_variant_key
from joorsync.sync.engine.limits import SHOPIFY_MAX_VARIANTS, identity_problems, value_problems
from joorsync.sync.engine.plan import (
    Change,
    Decider,
    Hold,
    Note,
    PairPlan,
    ProductCreate,
    Refusal,
    Side,
)
from joorsync.sync.merge import FieldGroup, Ownership, field_group

PRICE_ATTRIBUTES = ("price", "compare_at_price")


@dataclass(frozen=True, slots=True)
class GateContext:
    ownership: Mapping[FieldGroup, Ownership]
    currency: str  # the shop's (or the mapping's) currency: what "a mapped price" means
    price_label: str
    new_product_status: str  # DRAFT / ACTIVE
    sync_shopify_drafts: bool
    price_field: str = "price_retail"
    per_sku_prices: bool = False  # JOOR v4: each SKU keeps its own price (`joorsync.pricing`)

    def owner(self, path: str) -> Ownership:
        return self.ownership.get(field_group(path), Ownership.TWO_WAY)

    def price_wanted(self) -> str:
        label = f" for price label {self.price_label}" if self.price_label else ""
        kind = self.price_field.removeprefix("price_")
        return f"JOOR has no {self.currency or 'shop-currency'} {kind} price{label}"


# -------------------------------------------------------------------------------- one linked pair


def review_pair(plan: PairPlan, *, shopify: Mapping[str, JsonValue], ctx: GateContext) -> None:
    """Pass or refuse every entry of `plan` in place. `shopify` is the product as Shopify holds it
    now (flattened), for the rules that look at a whole style (one price per style)."""
    for update in (plan.shopify, plan.joor):
        kept: list[Change] = []
        for change in update.changes:
            if _review_change(plan, update.side, change, ctx):
                kept.append(change)
            else:
                plan.keep_base(change.path)
        update.changes = kept
    _casepack_prices(plan, shopify)
    if not ctx.per_sku_prices:
        _one_price_per_style(plan, shopify)
    _review_stock(plan, ctx)


def _review_change(plan: PairPlan, side: Side, change: Change, ctx: GateContext) -> bool:
    if is_blank(change.new) and not is_blank(change.old) and change.decided_by is not Decider.CLEAR:
        parsed = parse_variant_path(change.path)
        if parsed is not None and parsed[1] in PRICE_ATTRIBUTES:
            plan.refusals.append(
                Refusal(
                    side=side,
                    code="no_price",
                    path=change.path,
                    message=f"{side.other.label} has no price here; {side.label}'s price is kept",
                )
            )
        elif change.decided_by is Decider.MERGE:
            shopify, joor = (change.new, change.old) if side is Side.JOOR else (change.old, change.new)
            plan.holds.append(
                Hold(
                    change.path,
                    plan.base.get(change.path),
                    shopify,
                    joor,
                    reason=f"emptied in {side.other.label}: a person decides whether to clear it",
                )
            )
        else:
            plan.refusals.append(
                Refusal(
                    side=side,
                    code="blank_value",
                    path=change.path,
                    message=f"{side.other.label}'s value is empty; {side.label}'s is not cleared "
                    "unless a person chooses to clear it",
                )
            )
        return False
    problems = value_problems(side, change.path, change.new)
    if problems:
        plan.refusals.append(
            Refusal(side=side, code="too_long", path=change.path, message="; ".join(problems))
        )
        return False
    return True


def _key(path: str) -> str:
    return (parse_variant_path(path) or ("", ""))[0]


def _pack_keys(flat: Mapping[str, JsonValue]) -> set[str]:
    """Variant keys of casepack sizes (`size_multiplier` > 1 in `joor.sizes`)."""
    sizes = flat.get("metafields.joor.sizes")
    packs = {
        str(s.get("size_name"))
        for s in sizes or []
        if isinstance(s, dict) and isinstance(s.get("size_multiplier"), int) and s["size_multiplier"] > 1
    }
    return {
        key
        for key in {_key(path) for path in flat if path.startswith("variants[")}
        if split_variant_key(key)[1] in packs
    }


def _casepack_prices(plan: PairPlan, shopify: Mapping[str, JsonValue]) -> None:
    """JOOR prices a casepack as its unit price × its units: a Shopify price of the pack itself
    cannot be written there, and is held for a person (its unit sizes' prices can be)."""
    packs = _pack_keys(shopify)
    for change in list(plan.joor.changes):
        if _attribute(change.path) not in PRICE_ATTRIBUTES or _key(change.path) not in packs:
            continue
        if change.decided_by in (Decider.PERSON, Decider.CLEAR):
            continue
        plan.joor.changes.remove(change)
        plan.keep_base(change.path)
        reason = "JOOR prices a casepack as its unit price × its units; change the unit sizes' price"
        plan.holds.append(Hold(change.path, plan.base.get(change.path), change.new, change.old, reason))
        plan.notes.append(
            Note(
                action="price_not_representable",
                side=Side.JOOR,
                level="warning",
                message=f"{change.path}: {reason}; held for a person to decide",
            )
        )


def _one_price_per_style(plan: PairPlan, shopify: Mapping[str, JsonValue]) -> None:
    """JOOR v2 keeps one price per style: Shopify variant prices that differ from each other cannot
    be written there, and are held for a person instead of being reverted on the next run."""
    for attribute in PRICE_ATTRIBUTES:
        changes = [c for c in plan.joor.changes if _attribute(c.path) == attribute]
        if not changes:
            continue
        packs = _pack_keys(shopify)
        after = {
            path: value
            for path, value in shopify.items()
            if _attribute(path) == attribute and value is not None
        }
        after.update({c.path: c.new for c in changes})
        after = {path: value for path, value in after.items() if _key(path) not in packs}
        if len(set(after.values())) <= 1:
            continue
        for change in changes:
            if change.decided_by in (Decider.PERSON, Decider.CLEAR):
                continue  # a person's decision: written, and JOOR's one price follows it
            plan.joor.changes.remove(change)
            plan.keep_base(change.path)
            reason = "JOOR has one price per style; this variant's Shopify price differs from the others"
            plan.holds.append(Hold(change.path, plan.base.get(change.path), change.new, change.old, reason))
            plan.notes.append(
                Note(
                    action="price_not_representable",
                    side=Side.JOOR,
                    level="warning",
                    message=f"{change.path}: {reason}; held for a person to decide",
                )
            )


def _review_stock(plan: PairPlan, ctx: GateContext) -> None:
    kept = []
    for write in plan.stock:
        owner = ctx.owner(write.path)
        owned = owner is Ownership.TWO_WAY or owner.value == write.read_from.value
        read = isinstance(write.read_value, int) and write.read_value == write.quantity
        if write.decided_by is Decider.PERSON or (owned and read and write.side is not write.read_from):
            kept.append(write)
            continue
        plan.keep_base(write.path)
        plan.refusals.append(
            Refusal(
                side=write.side,
                code="stock_not_owned",
                path=write.path,
                message=f"stock for {write.key} is written only as {owner.value}'s own figure",
            )
        )
    plan.stock = kept


def _attribute(path: str) -> str:
    parsed = parse_variant_path(path)
    return parsed[1] if parsed else ""


# -------------------------------------------------------------------------------- new products


def review_create(create: ProductCreate, *, ctx: GateContext, shopify_status: str = "") -> bool:
    """Whether `create` may be sent; refusals (and the draft status of an unpriced product) are
    recorded on it. `shopify_status` is the source product's status when creating in JOOR."""
    product = create.product
    values = {
        "title": product.title,
        "description": product.description,
        "product_type": product.product_type,
        "tags": list(product.tags),
    }
    for variant in product.variants:
        for attribute in ("color_name", "barcode", "sku"):
            values[f"variants[{variant.key}].{attribute}"] = getattr(variant, attribute)
    for path, value in values.items():
        for problem in value_problems(create.side, path, value):
            create.refusals.append(Refusal(side=create.side, code="too_long", path=path, message=problem))
    if create.side is Side.SHOPIFY:
        if len(product.variants) > SHOPIFY_MAX_VARIANTS:
            create.refusals.append(
                Refusal(
                    side=create.side,
                    code="too_many_variants",
                    message=f"{len(product.variants)} variants; Shopify allows {SHOPIFY_MAX_VARIANTS}",
                )
            )
        if create.refusals:
            return False
        create.status = ctx.new_product_status or "DRAFT"
        if any(v.price is None for v in product.variants):
            create.status = "DRAFT"
            create.refusals.append(
                Refusal(
                    side=create.side,
                    code="no_price",
                    message=f"{ctx.price_wanted()}: created as a draft without a price "
                    "(set one in JOOR, or choose another price label in Settings)",
                )
            )
        return True
    for problem in identity_problems(product.style_number, product.style_identifier):
        create.refusals.append(Refusal(side=create.side, code="too_long", message=problem))
    if shopify_status and shopify_status != "ACTIVE" and not ctx.sync_shopify_drafts:
        create.refusals.append(
            Refusal(
                side=create.side,
                code="draft",
                message=f"the product is {shopify_status.lower()} in Shopify; drafts are not sent to "
                "JOOR (Settings)",
            )
        )
    return not create.refusals
