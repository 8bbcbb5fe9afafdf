"""The three-way merge, case by case: one side changed, both changed, ownership, held conflicts."""

import pytest

from joorsync.sync.canonical import (
    CanonicalProduct,
    CanonicalVariant,
    flatten,
    money,
    parse_variant_path,
    snapshot_hash,
    split_variant_key,
    unflatten,
    variant_key,
)
from joorsync.sync.merge import Action, FieldGroup, Ownership, field_group, merge_product

BASE = {"title": "Top", "tags": ["a"], "variants[C1/36].price": "10.00", "metafields.joor.division": "W"}


def test_unchanged_everywhere_plans_nothing_and_keeps_snapshot():
    plan = merge_product(base=BASE, shopify=dict(BASE), joor=dict(BASE))
    assert not plan.changed
    assert plan.snapshot == BASE


def test_only_shopify_changed_writes_joor():
    plan = merge_product(base=BASE, shopify={**BASE, "title": "Top v2"}, joor=dict(BASE))
    assert plan.joor_writes == {"title": "Top v2"}
    assert plan.shopify_writes == {}
    assert plan.snapshot["title"] == "Top v2"


def test_only_joor_changed_writes_shopify():
    plan = merge_product(base=BASE, shopify=dict(BASE), joor={**BASE, "variants[C1/36].price": "12.00"})
    assert plan.shopify_writes == {"variants[C1/36].price": "12.00"}
    assert plan.joor_writes == {}
    assert plan.snapshot["variants[C1/36].price"] == "12.00"


def test_both_changed_differently_is_one_conflict_and_no_write():
    plan = merge_product(base=BASE, shopify={**BASE, "title": "S"}, joor={**BASE, "title": "J"})
    assert plan.shopify_writes == {} and plan.joor_writes == {}
    [conflict] = plan.conflicts
    assert (conflict.path, conflict.base, conflict.shopify, conflict.joor) == ("title", "Top", "S", "J")
    assert plan.snapshot["title"] == "Top"  # the old agreement stays until a person decides


def test_both_changed_to_the_same_value_converges_silently():
    plan = merge_product(base=BASE, shopify={**BASE, "title": "Same"}, joor={**BASE, "title": "Same"})
    assert not plan.changed
    assert plan.snapshot["title"] == "Same"


@pytest.mark.parametrize(
    ("owner", "expected_shopify", "expected_joor"),
    [
        (Ownership.JOOR, {"title": "J"}, {}),
        (Ownership.SHOPIFY, {}, {"title": "S"}),
        (Ownership.IGNORE, {}, {}),
    ],
)
def test_ownership_decides_without_a_conflict(owner, expected_shopify, expected_joor):
    plan = merge_product(
        base=BASE,
        shopify={**BASE, "title": "S"},
        joor={**BASE, "title": "J"},
        ownership={FieldGroup.CONTENT: owner},
    )
    assert plan.conflicts == []
    assert plan.shopify_writes == expected_shopify
    assert plan.joor_writes == expected_joor


def test_joor_owned_field_reverts_a_shopify_only_edit():
    plan = merge_product(
        base=BASE,
        shopify={**BASE, "metafields.joor.division": "edited in shopify"},
        joor=dict(BASE),
    )
    assert plan.shopify_writes == {"metafields.joor.division": "W"}


def test_ignored_field_is_not_tracked_in_the_snapshot():
    plan = merge_product(
        base=BASE,
        shopify={**BASE, "title": "S"},
        joor=dict(BASE),
        ownership={FieldGroup.CONTENT: Ownership.IGNORE},
    )
    assert "title" not in plan.snapshot and "tags" not in plan.snapshot
    assert not plan.joor_writes


def test_held_path_is_left_alone_until_both_sides_agree():
    held = {"title"}
    plan = merge_product(base=BASE, shopify={**BASE, "title": "S"}, joor={**BASE, "title": "J2"}, held=held)
    assert plan.conflicts == [] and not plan.shopify_writes and not plan.joor_writes
    assert [d.action for d in plan.decisions] == [Action.HELD]
    agreed = merge_product(base=BASE, shopify={**BASE, "title": "X"}, joor={**BASE, "title": "X"}, held=held)
    assert agreed.resolved == ["title"]
    assert agreed.snapshot["title"] == "X"


def test_blocked_direction_leaves_the_change_pending():
    plan = merge_product(base=BASE, shopify={**BASE, "title": "S"}, joor=dict(BASE), allow_write_joor=False)
    assert plan.joor_writes == {}
    assert plan.snapshot["title"] == "Top"  # seen again next run


def test_first_comparison_without_snapshot_holds_every_two_way_difference_as_a_conflict():
    plan = merge_product(
        base=None,
        shopify={"title": "S", "description": "same", "metafields.joor.division": "Men"},
        joor={"title": "J", "description": "same", "metafields.joor.division": "Women"},
    )
    assert [c.path for c in plan.conflicts] == ["title"]
    assert plan.shopify_writes == {"metafields.joor.division": "Women"}  # an owned field follows its owner
    assert "title" not in plan.snapshot and plan.snapshot["description"] == "same"


def test_a_path_missing_from_an_existing_base_counts_as_empty_there():
    plan = merge_product(
        base={"title": "T"}, shopify={"title": "T", "product_type": "Dress"}, joor={"title": "T"}
    )
    assert plan.joor_writes == {"product_type": "Dress"}


def test_new_variant_on_one_side_is_written_to_the_other():
    new = {"variants[C2/38].sku": "SKU-2", "variants[C2/38].price": "10.00"}
    plan = merge_product(base=BASE, shopify=dict(BASE), joor={**BASE, **new})
    assert plan.shopify_writes == new


def test_field_groups():
    assert field_group("title") is FieldGroup.CONTENT
    assert field_group("variants[C1/36].price") is FieldGroup.PRICES
    assert field_group("variants[C1/36].inventory") is FieldGroup.INVENTORY
    assert field_group("variants[C1/36].barcode") is FieldGroup.IDENTIFIERS
    assert field_group("metafields.joor.prices") is FieldGroup.JOOR_FIELDS


def test_variant_keys_escape_separators_and_round_trip():
    key = variant_key("C/1]", "3%6")
    assert key.count("/") == 1
    assert split_variant_key(key) == ("C/1]", "3%6")
    assert parse_variant_path(f"variants[{key}].price") == (key, "price")
    assert parse_variant_path("title") is None


def test_money_normalizes_number_shapes():
    assert money(53) == money("53.00") == money("53.0") == "53.00"
    assert money("68.5") == "68.50"
    assert money(None) is None and money("") is None


def test_flatten_unflatten_round_trip_and_stable_hash():
    product = CanonicalProduct(
        style_number="S1",
        style_identifier="S1",
        title="Top",
        tags=("b", "a", "a"),
        variants=(CanonicalVariant(color_code="C1", size="36", sku="X", price="1.00", inventory=3),),
        joor={"division": "W", "prices": [{"price_label": "USD", "price_wholesale": 10}]},
    )
    flat = flatten(product)
    assert flat["tags"] == ["a", "b"]
    assert flat["variants[C1/36].inventory"] == 3
    back = unflatten(flat, style_number="S1", style_identifier="S1")
    assert flatten(back) == flat
    assert snapshot_hash(flat) == snapshot_hash(dict(reversed(list(flat.items()))))
    assert snapshot_hash(flat) != snapshot_hash({**flat, "title": "Top!"})
