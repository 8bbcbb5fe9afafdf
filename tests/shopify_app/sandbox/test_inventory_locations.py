"""Stock across locations in the sandbox: compare-and-swap, idempotency keys, stocking, totals, orders."""

from __future__ import annotations

from typing import Any

import pytest

from shopify_app.sandbox.app import ShopifySandbox
from shopify_app.sandbox.models import Variant

from .conftest import Gql

SET = """
mutation Set($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { changes { name delta location { id } } }
    userErrors { field message code }
  }
}
"""
ADJUST = """
mutation Adjust($input: InventoryAdjustQuantitiesInput!, $key: String!) {
  inventoryAdjustQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { changes { name delta ledgerDocumentUri } }
    userErrors { field message code }
  }
}
"""
ACTIVATE = """
mutation Activate($item: ID!, $location: ID!, $available: Int, $key: String!) {
  inventoryActivate(inventoryItemId: $item, locationId: $location, available: $available) @idempotent(key: $key) {
    inventoryLevel { id isActive quantities(names: ["available", "on_hand"]) { name quantity } }
    userErrors { field message }
  }
}
"""
TOTALS = """
query Totals($product: ID!, $variant: ID!) {
  product(id: $product) { totalInventory }
  productVariant(id: $variant) {
    inventoryQuantity
    inventoryItem {
      inventoryLevels(first: 5) {
        nodes { location { id } quantities(names: ["available", "committed", "on_hand"]) { name quantity } }
      }
    }
  }
}
"""


def gid(kind: str, number: int) -> str:
    return f"gid://shopify/{kind}/{number}"


def first_variant(sandbox: ShopifySandbox) -> Variant:
    return next(iter(sandbox.shop().products.values())).variants[0]


def locations(sandbox: ShopifySandbox) -> tuple[int, int]:
    """(primary, second) location ids of the seeded shop."""
    state = sandbox.shop()
    primary = state.primary_location().id
    return primary, next(number for number in state.locations if number != primary)


def quantity(variant: Variant, location: int, value: int, change_from: Any) -> dict[str, Any]:
    return {
        "inventoryItemId": gid("InventoryItem", variant.inventory_item_id),
        "locationId": gid("Location", location),
        "quantity": value,
        "changeFromQuantity": change_from,
    }


def set_input(*quantities: dict[str, Any], name: str = "available") -> dict[str, Any]:
    return {"name": name, "reason": "correction", "quantities": list(quantities)}


def available(sandbox: ShopifySandbox, variant: Variant, location: int) -> int:
    level = sandbox.shop().level(variant.inventory_item_id, location, create=False)
    assert level is not None
    return level.available


# ----- compare-and-swap ----------------------------------------------------------------------------
def test_stale_change_from_quantity_changes_nothing(sandbox: ShopifySandbox, gql: Gql) -> None:
    variant = first_variant(sandbox)
    primary, second = locations(sandbox)
    before = (available(sandbox, variant, primary), available(sandbox, variant, second))
    entries = [
        quantity(variant, primary, before[0] + 1, before[0]),
        quantity(variant, second, 5, before[1] + 7),  # someone changed it meanwhile
    ]
    answer = gql.data(SET, {"input": set_input(*entries), "key": "cas-1"})["inventorySetQuantities"]
    assert answer["inventoryAdjustmentGroup"] is None
    assert answer["userErrors"] == [
        {
            "field": ["input", "quantities", "1", "changeFromQuantity"],
            "message": "The changeFromQuantity value does not match persisted value.",
            "code": "CHANGE_FROM_QUANTITY_STALE",
        }
    ]
    assert (available(sandbox, variant, primary), available(sandbox, variant, second)) == before


def test_null_change_from_quantity_skips_the_check(sandbox: ShopifySandbox, gql: Gql) -> None:
    variant = first_variant(sandbox)
    primary, _ = locations(sandbox)
    answer = gql.data(SET, {"input": set_input(quantity(variant, primary, 11, None)), "key": "no-check"})
    assert answer["inventorySetQuantities"]["userErrors"] == []
    assert available(sandbox, variant, primary) == 11


def test_changes_are_listed_by_quantity_name(sandbox: ShopifySandbox, gql: Gql) -> None:
    variant = first_variant(sandbox)
    primary, second = locations(sandbox)
    entries = [quantity(variant, primary, 3, None), quantity(variant, second, 4, None)]
    group = gql.data(SET, {"input": set_input(*entries), "key": "two"})["inventorySetQuantities"][
        "inventoryAdjustmentGroup"
    ]
    assert [change["name"] for change in group["changes"]] == ["available", "available", "on_hand", "on_hand"]


# ----- idempotency ---------------------------------------------------------------------------------
def test_same_key_applies_once_and_other_input_is_refused(sandbox: ShopifySandbox, gql: Gql) -> None:
    variant = first_variant(sandbox)
    primary, _ = locations(sandbox)
    before = available(sandbox, variant, primary)
    change = {
        "inventoryItemId": gid("InventoryItem", variant.inventory_item_id),
        "locationId": gid("Location", primary),
        "delta": 2,
        "changeFromQuantity": before,
    }
    variables = {"input": {"name": "available", "reason": "received", "changes": [change]}, "key": "k-1"}
    first = gql.data(ADJUST, variables)["inventoryAdjustQuantities"]
    second = gql.data(ADJUST, variables)["inventoryAdjustQuantities"]
    assert first == second and first["userErrors"] == []
    assert available(sandbox, variant, primary) == before + 2
    other = {**variables, "input": {**variables["input"], "reason": "correction"}}
    refused = gql.data(ADJUST, other)["inventoryAdjustQuantities"]
    assert refused["userErrors"] == [
        {
            "field": ["input"],
            "message": "The same idempotency key cannot be used with different operation parameters.",
            "code": "IDEMPOTENCY_KEY_PARAMETER_MISMATCH",
        }
    ]
    assert available(sandbox, variant, primary) == before + 2


def test_a_refused_attempt_does_not_use_up_its_key(sandbox: ShopifySandbox, gql: Gql) -> None:
    variant = first_variant(sandbox)
    primary, _ = locations(sandbox)
    current = available(sandbox, variant, primary)
    stale = gql.data(SET, {"input": set_input(quantity(variant, primary, 9, current + 1)), "key": "retry"})
    assert stale["inventorySetQuantities"]["userErrors"][0]["code"] == "CHANGE_FROM_QUANTITY_STALE"
    fixed = gql.data(SET, {"input": set_input(quantity(variant, primary, 9, current)), "key": "retry"})
    assert fixed["inventorySetQuantities"]["userErrors"] == []
    assert available(sandbox, variant, primary) == 9


def test_blank_key_is_refused(sandbox: ShopifySandbox, gql: Gql) -> None:
    variant = first_variant(sandbox)
    primary, _ = locations(sandbox)
    body = gql(SET, {"input": set_input(quantity(variant, primary, 1, None)), "key": "  "})
    assert body["data"]["inventorySetQuantities"] is None
    assert body["errors"][0]["message"] == "The idempotency key cannot be an empty string or whitespace only."


@pytest.mark.parametrize("version", ["2026-04", "2026-07"])
def test_adjust_and_activate_need_the_directive_from_2026_04(sandbox: ShopifySandbox, version: str) -> None:
    variant = first_variant(sandbox)
    primary, second = locations(sandbox)
    client = Gql(sandbox, version=version)
    adjust = client(
        "mutation($input: InventoryAdjustQuantitiesInput!) { inventoryAdjustQuantities(input: $input) "
        "{ userErrors { code } } }",
        {
            "input": {
                "name": "available",
                "reason": "correction",
                "changes": [
                    {
                        "inventoryItemId": gid("InventoryItem", variant.inventory_item_id),
                        "locationId": gid("Location", primary),
                        "delta": 1,
                        "changeFromQuantity": None,
                    }
                ],
            }
        },
    )
    assert adjust["errors"][0]["extensions"] == {"code": "BAD_REQUEST"}
    assert adjust["data"] == {"inventoryAdjustQuantities": None}
    activate = client(
        "mutation($item: ID!, $location: ID!) { inventoryActivate(inventoryItemId: $item, locationId: $location) "
        "{ userErrors { message } } }",
        {"item": gid("InventoryItem", variant.inventory_item_id), "location": gid("Location", second)},
    )
    assert activate["errors"][0]["message"] == (
        "The @idempotent directive is required for this mutation but was not provided."
    )
    older = Gql(sandbox, version="2025-10")(
        "mutation($item: ID!, $location: ID!) { inventoryActivate(inventoryItemId: $item, locationId: $location) "
        "{ userErrors { message } } }",
        {"item": gid("InventoryItem", variant.inventory_item_id), "location": gid("Location", second)},
    )
    assert older["data"]["inventoryActivate"]["userErrors"] == []


# ----- stocking ------------------------------------------------------------------------------------
def test_unstocked_item_is_refused_then_activated(sandbox: ShopifySandbox, gql: Gql) -> None:
    variant = first_variant(sandbox)
    _, second = locations(sandbox)
    level = sandbox.shop().level(variant.inventory_item_id, second, create=False)
    assert level is not None
    level.is_active = False
    refused = gql.data(SET, {"input": set_input(quantity(variant, second, 3, None)), "key": "unstocked"})
    assert refused["inventorySetQuantities"]["userErrors"] == [
        {
            "field": ["input", "quantities", "0", "locationId"],
            "message": "The specified inventory item is not stocked at the location.",
            "code": "ITEM_NOT_STOCKED_AT_LOCATION",
        }
    ]
    kept = level.available
    activated = gql.data(
        ACTIVATE,
        {
            "item": gid("InventoryItem", variant.inventory_item_id),
            "location": gid("Location", second),
            "key": "a",
        },
    )["inventoryActivate"]
    assert activated["userErrors"] == [] and activated["inventoryLevel"]["isActive"] is True
    assert activated["inventoryLevel"]["quantities"][0] == {"name": "available", "quantity": kept}
    applied = gql.data(SET, {"input": set_input(quantity(variant, second, 3, kept)), "key": "stocked"})
    assert applied["inventorySetQuantities"]["userErrors"] == []


def test_totals_add_up_across_active_locations(sandbox: ShopifySandbox, gql: Gql) -> None:
    variant = first_variant(sandbox)
    product = sandbox.shop().product_of(variant)
    primary, second = locations(sandbox)
    entries = [quantity(v, primary, 4, None) for v in product.variants]
    entries += [quantity(v, second, 1, None) for v in product.variants]
    gql.data(SET, {"input": set_input(*entries), "key": "totals"})
    product.variants[-1].tracked = False  # an untracked variant's stock is not in the product total
    totals = gql.data(
        TOTALS, {"product": gid("Product", product.id), "variant": gid("ProductVariant", variant.id)}
    )
    assert totals["productVariant"]["inventoryQuantity"] == 5
    assert totals["product"]["totalInventory"] == 5 * (len(product.variants) - 1)
    second_level = sandbox.shop().level(variant.inventory_item_id, second, create=False)
    assert second_level is not None
    second_level.is_active = False
    after = gql.data(
        TOTALS, {"product": gid("Product", product.id), "variant": gid("ProductVariant", variant.id)}
    )
    assert after["productVariant"]["inventoryQuantity"] == 4
    assert len(after["productVariant"]["inventoryItem"]["inventoryLevels"]["nodes"]) == 1


def test_adjusting_a_state_moves_on_hand_and_needs_a_ledger(sandbox: ShopifySandbox, gql: Gql) -> None:
    variant = first_variant(sandbox)
    primary, _ = locations(sandbox)
    level = sandbox.shop().level(variant.inventory_item_id, primary, create=False)
    assert level is not None
    on_hand, ready = level.on_hand, level.available
    change = {
        "inventoryItemId": gid("InventoryItem", variant.inventory_item_id),
        "locationId": gid("Location", primary),
        "delta": 2,
        "changeFromQuantity": 0,
    }
    missing = gql.data(
        ADJUST, {"input": {"name": "damaged", "reason": "damaged", "changes": [change]}, "key": "d1"}
    )
    assert missing["inventoryAdjustQuantities"]["userErrors"][0]["code"] == "INVALID_QUANTITY_DOCUMENT"
    ledger = {**change, "ledgerDocumentUri": "https://example.com/damage/1"}
    done = gql.data(
        ADJUST, {"input": {"name": "damaged", "reason": "damaged", "changes": [ledger]}, "key": "d2"}
    )
    changes = done["inventoryAdjustQuantities"]["inventoryAdjustmentGroup"]["changes"]
    assert [(c["name"], c["delta"], c["ledgerDocumentUri"]) for c in changes] == [
        ("damaged", 2, "https://example.com/damage/1"),
        ("on_hand", 2, None),
    ]
    assert (level.on_hand, level.available, level.states["damaged"]) == (on_hand + 2, ready, 2)


# ----- orders --------------------------------------------------------------------------------------
def test_an_order_commits_stock_at_the_primary_location(sandbox: ShopifySandbox, gql: Gql) -> None:
    variant = first_variant(sandbox)
    primary, second = locations(sandbox)
    gql.data(
        SET,
        {
            "input": set_input(quantity(variant, primary, 6, None), quantity(variant, second, 2, None)),
            "key": "o",
        },
    )
    order = gql(
        "mutation($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) { orderCreate(order: $order, "
        "options: $options) { order { id } userErrors { field message } } }",
        {
            "order": {"lineItems": [{"variantId": gid("ProductVariant", variant.id), "quantity": 2}]},
            "options": {"inventoryBehaviour": "DECREMENT_OBEYING_POLICY"},
        },
    )
    assert order["data"]["orderCreate"]["userErrors"] == []
    product = sandbox.shop().product_of(variant)
    totals = gql.data(
        TOTALS, {"product": gid("Product", product.id), "variant": gid("ProductVariant", variant.id)}
    )
    levels = {
        node["location"]["id"]: {q["name"]: q["quantity"] for q in node["quantities"]}
        for node in totals["productVariant"]["inventoryItem"]["inventoryLevels"]["nodes"]
    }
    assert levels[gid("Location", primary)] == {"available": 4, "committed": 2, "on_hand": 6}
    assert levels[gid("Location", second)] == {"available": 2, "committed": 0, "on_hand": 2}
    assert totals["productVariant"]["inventoryQuantity"] == 6
