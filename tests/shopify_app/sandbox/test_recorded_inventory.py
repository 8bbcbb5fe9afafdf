"""Recorded Shopify answers about stock across locations replayed against the sandbox.

Same method as `test_recorded_parity.py` (see `replay.py`): the recorded requests go to a sandbox
holding equivalent state and every answer must equal the recorded one (ids matched one to one,
timestamps and cursors only present). Requests a recording made without keeping their document are
rebuilt from the recorded answer (`select`). 2025-01 recordings that opted out of the compare check
with `ignoreCompareQuantity` (removed in 2026-04) are sent without it: at 2025-01 the sandbox, like
Shopify then, checks nothing unless asked.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from shopify_app.sandbox.app import ShopifySandbox

from .conftest import recorded
from .test_recorded_parity import LAGGING_TOTAL, Replayer, Step, body, inventory_setup, select

V2026_04 = "2026-04"
V2025_01 = "2025-01"
SHOP_LOCATIONS = [
    ("gid://shopify/Location/106318430514", "Shop location"),
    ("gid://shopify/Location/106318463282", "My Custom Location"),
]


@pytest.fixture
def shop(make_sandbox: Callable[..., ShopifySandbox]) -> ShopifySandbox:
    """A shop with two locations and no products (the recording stores' own products are not there)."""
    return make_sandbox(products=0)


def documents(rec: dict[str, Any]) -> dict[str, str]:
    """The source project's replay documents of a recording, by file name without `.graphql`."""
    return {
        path.rsplit("/", 1)[-1].removesuffix(".graphql"): text
        for path, text in rec["_source"]["parityRequestDocuments"].items()
    }


def without_ignore_compare(variables: dict[str, Any]) -> dict[str, Any]:
    """2025-01 `ignoreCompareQuantity: true` is the default of that version (and gone since 2026-04)."""
    cleaned = copy.deepcopy(variables)
    cleaned.get("input", {}).pop("ignoreCompareQuantity", None)
    return cleaned


def item_query(variables: dict[str, Any], key: str) -> Any:
    """The recorded variables, with the `inventory_item_id:` search term naming the sandbox's item."""

    def swap(replayer: Replayer) -> dict[str, Any]:
        swapped = replayer.ids.swap(variables)
        if isinstance(swapped.get(key), str) and swapped[key].startswith("inventory_item_id:"):
            number = swapped[key].split(":", 1)[1]
            item = replayer.ids.swap(f"gid://shopify/InventoryItem/{number}")
            swapped[key] = "inventory_item_id:" + item.rsplit("/", 1)[1]
        return swapped

    return swap


# ----- inventoryActivate --------------------------------------------------------------------------
def test_inventory_activate_on_hand(shop: ShopifySandbox) -> None:
    rec = recorded("2026-04--inventory-activate-on-hand.json")
    replayer = Replayer(shop)
    replayer.bind_locations(SHOP_LOCATIONS)
    for product in ("activateProduct", "conflictProduct", "outOfRangeProduct"):
        for step in ("create", "track"):
            call = rec["setup"][product][step]
            replayer.run(
                Step(f"{product}.{step}", call["query"], call["variables"], body(call["response"]), V2026_04)
            )
    for name in ("activateOnHand", "activateOnHandRead", "availableOnHandConflict", "alreadyActiveOnHand"):
        case = rec["cases"][name]
        replayer.run(Step(name, case["query"], case["variables"], body(case["response"]), V2026_04))
    case = rec["cases"]["onHandOutOfRange"]
    replayer.run(Step("onHandOutOfRange", case["query"], case["variables"], body(case["response"]), V2026_04))
    replayer.check()


def test_inventory_linkage(shop: ShopifySandbox) -> None:
    """2025-01: activation no-op and refusals, deactivation, bulk toggling, reads after each."""
    rec = recorded("2025-01--inventory-linkage-parity.json")
    docs = documents(rec)
    replayer = Replayer(shop)
    replayer.bind_locations([(loc["id"], loc["name"]) for loc in rec["locations"]])
    created = rec["createdProduct"]
    create = (
        "mutation Create($product: ProductCreateInput!) { productCreate(product: $product) { product"
        + select(created)
        + " } }"
    )
    replayer.run(
        Step(
            "create",
            create,
            {"product": {"title": created["title"]}},
            {"data": {"productCreate": {"product": created}}},
            V2025_01,
        )
    )
    # The two other products of the recording, made the same way.
    for item, variant_id, product_id in (
        ("53044947681513", "50897202315497", "9257220079849"),
        ("53044947714281", "50897202348265", "9257220112617"),
    ):
        answer = replayer.run(
            Step(
                "seed", create, {"product": {"title": f"linkage {item}"}}, {}, V2025_01, skip={"data": "seed"}
            )
        )
        product = answer["data"]["productCreate"]["product"]
        variant = product["variants"]["nodes"][0]
        replayer.ids.bind(f"gid://shopify/InventoryItem/{item}", variant["inventoryItem"]["id"])
        replayer.ids.bind(f"gid://shopify/ProductVariant/{variant_id}", variant["id"])
        replayer.ids.bind(f"gid://shopify/Product/{product_id}", product["id"])
    # The recorded calls that set `available` sent it; the replay document does not declare it.
    activate = (
        docs["inventoryActivate-parity-plan"]
        .replace("$locationId: ID!)", "$locationId: ID!, $available: Int)")
        .replace("locationId: $locationId)", "locationId: $locationId, available: $available)")
    )
    toggle = docs["inventoryBulkToggleActivation-parity-plan"]
    deactivate = docs["inventoryDeactivate-parity-plan"]
    plan = {
        "inventoryActivateNoOp": activate,
        "inventoryActivateAvailableError": activate,
        "inventoryActivateUnknownLocation": activate,
        "inventoryDeactivateOnlyLocationError": deactivate,
        "inventoryBulkToggleActivateNoOp": toggle,
        "inventoryBulkToggleUnknownLocation": toggle,
        "inventoryBulkToggleDeactivateOnlyLocationError": toggle,
        "inventoryActivateSecondLocation": activate,
        "inventoryDeactivateWithAlternateLocation": deactivate,
        "inventoryBulkToggleActivateSecondLocation": toggle,
        "inventoryBulkToggleDeactivateSecondLocation": toggle,
    }
    for name, query in plan.items():
        call = rec[name]
        replayer.run(Step(name, query, call["variables"], body(call["response"]), V2025_01))
        read = rec.get(f"downstreamReadAfter{name[0].upper()}{name[1:]}")
        if read is not None:
            data = read["data"]
            variables = {"id": data["inventoryItem"]["id"], "variantId": data["productVariant"]["id"]}
            query = (
                "query Read($id: ID!, $variantId: ID!) { inventoryItem(id: $id)"
                + select(data["inventoryItem"])
                + " productVariant(id: $variantId)"
                + select(data["productVariant"])
                + " }"
            )
            replayer.run(Step(f"{name}.read", query, variables, body(read), V2025_01))
    replayer.check()


# ----- deactivation keeps quantities --------------------------------------------------------------
def test_inventory_inactive_level_lifecycle(shop: ShopifySandbox) -> None:
    rec = recorded("2026-04--inventory-inactive-level-lifecycle-2026-04.json")
    docs = documents(rec)
    setup = rec["setup"]
    replayer = Replayer(shop)
    replayer.bind_locations([(loc["id"], loc["name"]) for loc in rec["locations"]])
    created = setup["productCreate"]
    replayer.run(
        Step(
            "create",
            "mutation Create($product: ProductCreateInput!) { productCreate(product: $product) { product"
            + select(created)
            + " } }",
            {"product": {"title": created["title"]}},
            {"data": {"productCreate": {"product": created}}},
            V2026_04,
        )
    )
    track = setup["trackInventory"]
    replayer.run(
        Step(
            "track",
            "mutation Track($productId: ID!, $variants: [ProductVariantsBulkInput!]!) { "
            "productVariantsBulkUpdate(productId: $productId, variants: $variants)"
            + select(body(track["response"])["data"]["productVariantsBulkUpdate"])
            + " }",
            track["variables"],
            body(track["response"]),
            V2026_04,
        )
    )
    set_quantities = (
        "mutation Set($input: InventorySetQuantitiesInput!, $idempotencyKey: String!) { "
        "inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey)"
        + select(body(setup["setPrimaryQuantity"]["response"])["data"]["inventorySetQuantities"])
        + " }"
    )
    activated = body(setup["inventoryActivateSecondaryLocation"]["response"])
    activate = (
        "mutation Activate($inventoryItemId: ID!, $locationId: ID!, $available: Int, $idempotencyKey: String!) { "
        "inventoryActivate(inventoryItemId: $inventoryItemId, locationId: $locationId, available: $available)"
        " @idempotent(key: $idempotencyKey)" + select(activated["data"]["inventoryActivate"]) + " }"
    )
    total = {
        f"data.{path}.totalInventory": LAGGING_TOTAL
        for path in ("inventoryActivate.inventoryLevel.item.variant.product",)
    }
    for name, query, skip in (
        ("setPrimaryQuantity", set_quantities, {}),
        ("inventoryActivateSecondaryLocation", activate, total),
        ("setSecondaryQuantity", set_quantities, {}),
    ):
        call = setup[name]
        replayer.run(Step(name, query, call["variables"], body(call["response"]), V2026_04, skip=skip))
    read_skip = {"data.inventoryItem.variant.product.totalInventory": LAGGING_TOTAL}
    for name, document, skip in (
        ("inventoryInactiveLifecycleDeactivate", "inventory-inactive-lifecycle-deactivate", {}),
        ("inventoryInactiveLifecycleReadAfterDeactivate", "inventory-inactive-lifecycle-read", read_skip),
        (
            "inventoryInactiveLifecycleReactivate",
            "inventory-inactive-lifecycle-reactivate",
            {"data.inventoryActivate.inventoryLevel.item.variant.product.totalInventory": LAGGING_TOTAL},
        ),
        ("inventoryInactiveLifecycleReadAfterReactivate", "inventory-inactive-lifecycle-read", read_skip),
    ):
        call = rec[name]
        replayer.run(
            Step(name, docs[document], call["variables"], body(call["response"]), V2026_04, skip=skip)
        )
    replayer.check()


def test_inventory_item_levels_connection_windowing(shop: ShopifySandbox) -> None:
    """Levels listed in creation order across added locations, with inactive ones, filters and windows."""
    rec = recorded("2026-04--inventory-item-levels-connection-windowing-2026-04.json")
    operations = rec["operations"]
    replayer = Replayer(shop)
    for name in (
        "sourceLocationAdd",
        "destinationLocationAdd",
        "productSet",
        "inventorySet",
        "inventoryActivate",
        "inventoryAdjust",
        "activeRead",
        "inventoryDeactivate",
        "inactiveRead",
    ):
        call = operations[name]
        replayer.run(
            Step(
                name,
                call["query"],
                item_query(call["variables"], "itemQuery"),
                body(call["response"]),
                V2026_04,
            )
        )
    edges = replayer.answers["inactiveRead"]["data"]["inventoryItem"]["allLevels"]["edges"]
    window = operations["windowRead"]
    variables = {
        **replayer.ids.swap(window["variables"]),
        "after": edges[0]["cursor"],
        "before": edges[1]["cursor"],
    }
    replayer.run(Step("windowRead", window["query"], lambda _: variables, body(window["response"]), V2026_04))
    replayer.check()


def test_inventory_location_levels_overlay_windowing(shop: ShopifySandbox) -> None:
    """2025-01: a location's levels, one item's level there, filtered and windowed."""
    rec = recorded("2025-01--inventory-location-levels-overlay-windowing.json")
    operations = rec["operations"]
    replayer = Replayer(shop)
    for name in ("locationAdd", "productSet", "inventorySet", "inventoryAdjust", "overlayRead", "itemRead"):
        call = operations[name]
        variables = item_query(without_ignore_compare(call["variables"]), "inventoryItemQuery")
        replayer.run(Step(name, call["query"], variables, body(call["response"]), V2025_01))
    edges = replayer.answers["overlayRead"]["data"]["location"]["inventoryLevels"]["edges"]
    window = operations["windowRead"]
    variables = {
        **replayer.ids.swap(window["variables"]),
        "after": edges[0]["cursor"],
        "before": edges[1]["cursor"],
    }
    replayer.run(Step("windowRead", window["query"], lambda _: variables, body(window["response"]), V2025_01))
    replayer.check()


def test_location_levels_are_listed_in_creation_order(shop: ShopifySandbox) -> None:
    """The first part of 2026-04 location-delete-inventory-level-cascade (location deletion itself is not
    served): a level made later is listed later, whatever its location's age; an unstocked default
    location drops out of the list."""
    rec = recorded("2026-04--location-delete-inventory-level-cascade.json")
    workflow = rec["workflow"]
    replayer = Replayer(shop)
    replayer.bind_locations(SHOP_LOCATIONS[:1])
    steps = [
        workflow["targetLocationAdd"],
        workflow["destinationLocationAdd"],
        workflow["productCreate"],
        workflow["productTrack"],
        workflow["destinationInventoryActivate"],
        workflow["defaultInventoryRead"],
        *workflow["defaultInventoryDeactivations"],
        workflow["targetInventoryActivate"],
        workflow["inventoryBeforeDelete"],
    ]
    for index, call in enumerate(steps):
        replayer.run(
            Step(
                f"{index}.{call['name']}", call["query"], call["variables"], body(call["response"]), V2026_04
            )
        )
    replayer.check()


# ----- inventoryAdjustQuantities ------------------------------------------------------------------
def test_inventory_adjust_zero_delta(shop: ShopifySandbox) -> None:
    rec = recorded("2026-04--inventory-adjust-zero-delta-noop.json")
    (query,) = documents(rec).values()
    replayer = Replayer(shop)
    replayer.bind_locations(SHOP_LOCATIONS[:1])
    for product in ("zeroProduct", "nonzeroProduct"):
        setup = rec["setup"][product]
        title = setup["create"]["data"]["productCreate"]["product"]["title"]
        for step in inventory_setup(setup, title=title):
            replayer.run(step)
    for name in ("allZero", "mixedZeroAndNonzero"):
        replayer.run(Step(name, query, rec[name]["variables"], body(rec[name]["response"]), V2026_04))
    replayer.check()


def test_inventory_adjust_on_hand_name_mirrors(shop: ShopifySandbox) -> None:
    """damaged, reserved, quality_control and safety_stock move on_hand with them; incoming does not."""
    rec = recorded("2026-04--inventory-adjust-on-hand-name-mirrors.json")
    docs = documents(rec)
    setup = rec["setup"]["product"]
    replayer = Replayer(shop)
    replayer.bind_locations(SHOP_LOCATIONS[:1])
    title = setup["create"]["data"]["productCreate"]["product"]["title"]
    for step in inventory_setup(setup, title=title):
        replayer.run(step)
    read_variables = {
        "productId": setup["productId"],
        "variantId": setup["variantId"],
        "inventoryItemId": setup["inventoryItemId"],
    }
    for name, case in rec["cases"].items():
        adjust = docs["inventory-adjust-on-hand-name-mirrors-adjust"]
        replayer.run(Step(name, adjust, case["variables"], body(case["response"]), V2026_04))
        read = docs["inventory-adjust-on-hand-name-mirrors-read"]
        replayer.run(Step(f"{name}.read", read, read_variables, body(case["downstreamRead"]), V2026_04))
    replayer.check()


def test_inventory_adjust_then_read_totals(shop: ShopifySandbox) -> None:
    rec = recorded("2025-01--inventory-adjust-then-has-out-of-stock-variants-parity.json")
    docs = documents(rec)
    replayer = Replayer(shop)
    replayer.bind_locations([("gid://shopify/Location/113884070194", "HAR-2332 Probe Source 1783701294047")])
    shop.shop().locations[sorted(shop.shop().locations)[1]].name = "HAR-2332 Probe Destination 1783701294047"
    replayer.ids.bind(
        "gid://shopify/Location/113884102962", f"gid://shopify/Location/{sorted(shop.shop().locations)[1]}"
    )
    setup_doc = docs["inventoryAdjust-then-hasOutOfStockVariants-setup"]
    adjust_doc = docs["inventoryAdjust-then-hasOutOfStockVariants-adjust"]
    read_doc = docs["inventoryAdjust-then-hasOutOfStockVariants-downstream"]
    replayer.run(
        Step("setup", setup_doc, rec["setup"]["variables"], body(rec["setup"]["response"]), V2025_01)
    )
    replayer.run(
        Step("adjust", adjust_doc, rec["adjust"]["variables"], body(rec["adjust"]["response"]), V2025_01)
    )
    product_id = rec["setup"]["response"]["data"]["productSet"]["product"]["id"]
    replayer.run(
        Step(
            "read",
            read_doc,
            {"id": product_id},
            body(rec["downstreamRead"]),
            V2025_01,
            skip={"data.product.totalInventory": LAGGING_TOTAL},
        )
    )
    replayer.check()


# ----- inventorySetQuantities, 2025-01 --------------------------------------------------------------
@pytest.mark.parametrize("case", ["damaged", "committed", "onHand", "availableTooHigh", "duplicatePair"])
def test_inventory_set_quantities_name_validation_2025_01(shop: ShopifySandbox, case: str) -> None:
    recording = recorded("2025-01--inventorySetQuantities-name-validation.json")["cases"][case]
    setup = recording["setup"]
    replayer = Replayer(shop)
    replayer.bind_locations(SHOP_LOCATIONS[:1])
    title = setup["create"]["data"]["productCreate"]["product"]["title"]
    for step in inventory_setup(setup, title=title):
        replayer.run(step)
    variables = without_ignore_compare(recording["variables"])
    replayer.run(Step(case, recording["query"], variables, body(recording["response"]), V2025_01))
    replayer.check()
