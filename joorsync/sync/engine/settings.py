"""The account's rules, resolved once per run: ownership, direction, price mapping, the gate's context."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from joorsync.sync.canonical import JsonValue, parse_variant_path
from joorsync.sync.engine.gate import GateContext
from joorsync.sync.joor_mapping import PriceMapping
from joorsync.sync.merge import DEFAULT_OWNERSHIP, FieldGroup, Ownership
from joorsync.sync.models import Direction, JoorAccount


@dataclass(slots=True)
class PairSettings:
    ownership: Mapping[FieldGroup, Ownership]
    allow_write_shopify: bool
    allow_write_joor: bool
    joor_has_skus: bool  # JOOR v2 has no SKU strings: SKUs then live in Shopify only
    compare_at_mapped: bool

    def owners(self) -> dict[FieldGroup, Ownership]:
        return {**DEFAULT_OWNERSHIP, **self.ownership}


def pair_settings_for(account: JoorAccount, *, direction: str) -> PairSettings:
    ownership: dict[FieldGroup, Ownership] = {}
    for group, owner in (account.ownership or {}).items():
        ownership[FieldGroup(group)] = Ownership(owner)
    return PairSettings(
        ownership=ownership,
        allow_write_shopify=direction in (Direction.BOTH, Direction.JOOR_TO_SHOPIFY),
        allow_write_joor=direction in (Direction.BOTH, Direction.SHOPIFY_TO_JOOR),
        # Styles are read through v2 (v4 credentials work there too), which has no SKU strings.
        joor_has_skus=False,
        compare_at_mapped=bool(account.compare_at_field),
    )


def price_mapping_for(account: JoorAccount, *, currency: str = "") -> PriceMapping:
    """The account's mapping; without a chosen currency, the shop's `currency`."""
    return PriceMapping(
        label=account.price_label,
        currency=account.price_currency or currency,
        price_field=account.price_field or "price_retail",
        compare_at_field=account.compare_at_field,
    )


def gate_context_for(account: JoorAccount, *, settings: PairSettings, prices: PriceMapping) -> GateContext:
    return GateContext(
        ownership=settings.owners(),
        currency=prices.currency,
        price_label=prices.label,
        new_product_status=account.new_product_status or "DRAFT",
        sync_shopify_drafts=bool(account.sync_shopify_drafts),
        price_field=prices.price_field,
    )


def comparable(
    flat: Mapping[str, JsonValue], *, settings: PairSettings, joor_prices: bool
) -> dict[str, JsonValue]:
    """The paths both sides can hold. What only one side can hold is never compared (it would look
    like a change every run) but is still carried along in that side's writes."""
    out: dict[str, JsonValue] = {}
    for path, value in flat.items():
        parsed = parse_variant_path(path)
        if parsed is not None:
            attribute = parsed[1]
            if attribute == "sku" and not settings.joor_has_skus:
                continue
            if attribute == "compare_at_price" and not settings.compare_at_mapped:
                continue
            if attribute == "price" and not joor_prices:
                continue
        out[path] = value
    return out
