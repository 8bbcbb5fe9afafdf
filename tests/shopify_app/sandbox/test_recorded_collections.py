"""Recorded Shopify answers about collections replayed against the sandbox.

Same method as `test_recorded_orders.py` (see `replay.py`). The products and collections a recording
found in its store are made first through the API (titles and handles as recorded) and bound to the
recorded ids; store-wide lists of those stores' other collections are left out of the comparison.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from shopify_app.sandbox.app import ShopifySandbox

from .conftest import Gql, recorded
from .test_recorded_orders import documents
from .test_recorded_parity import Replayer, Step, body, document

SEED_PRODUCT = """
mutation Seed($input: ProductSetInput!) {
  productSet(input: $input, synchronous: true) { product { id variants(first: 1) { nodes { id } } } userErrors { message } }
}
"""
SEED_COLLECTION = """
mutation Seed($input: CollectionInput!) { collectionCreate(input: $input) { collection { id } userErrors { message } } }
"""
COLLECTION_READ = """
query CollectionRead($id: ID!) {
  collection(id: $id) { id title handle products(first: 10) { nodes { id title handle } pageInfo { hasNextPage hasPreviousPage } } }
}
"""
PRODUCT_COLLECTIONS = """
  id collections(first: 10) { nodes { id title handle } pageInfo { hasNextPage hasPreviousPage } }
"""


@pytest.fixture
def big_store(make_sandbox: Callable[..., ShopifySandbox]) -> ShopifySandbox:
    return make_sandbox(products=0, shop_name="very-big-test-store", currency="USD")


@pytest.fixture
def shop(make_sandbox: Callable[..., ShopifySandbox]) -> ShopifySandbox:
    return make_sandbox(products=0, shop_name="harry-test-heelo", currency="CAD")


def seed_product(replayer: Replayer, recorded_gid: str, title: str, handle: str, **fields: Any) -> str:
    made = Gql(replayer.sandbox).data(SEED_PRODUCT, {"input": {"title": title, "handle": handle, **fields}})
    assert made["productSet"]["userErrors"] == []
    product = made["productSet"]["product"]
    replayer.ids.bind(recorded_gid, product["id"])
    return product["id"]


def seed_collection(replayer: Replayer, recorded_gid: str, **fields: Any) -> str:
    made = Gql(replayer.sandbox).data(SEED_COLLECTION, {"input": fields})
    assert made["collectionCreate"]["userErrors"] == []
    collection = made["collectionCreate"]["collection"]["id"]
    replayer.ids.bind(recorded_gid, collection)
    return collection


def step(name: str, query: str, call: dict[str, Any], **extra: Any) -> Step:
    response = call.get("response", call)
    return Step(name, query, call.get("variables"), body(response), **extra)


def data_of(answer: dict[str, Any], *keys: str) -> dict[str, Any]:
    """`{"data": …}` with only `keys` of the recorded data (the rest is about the store's other collections)."""
    return {"data": {key: answer["data"][key] for key in keys}}


# ----- one collection's life in the very-big-test-store recordings --------------------------------
def test_collection_create_add_reorder_update_remove_delete(big_store: ShopifySandbox) -> None:
    create = recorded("2025-01--collection-create-parity.json")
    add = recorded("2025-01--collection-add-products-parity.json")
    reorder = recorded("2025-01--collection-reorder-products-parity.json")
    update = recorded("2025-01--collection-update-parity.json")
    remove = recorded("2025-01--collection-remove-products-parity.json")
    delete = recorded("2025-01--collection-delete-parity.json")
    replayer = Replayer(big_store)
    test_product = "gid://shopify/Product/8971842846953"
    backpack = "gid://shopify/Product/8397257572585"
    seed_product(replayer, test_product, "Test Product - 6635", "test-product-ge91cbbd6")
    seed_product(
        replayer,
        backpack,
        "ADIDAS | CLASSIC BACKPACK | LEGEND INK MULTICOLOUR",
        "adidas-classic-backpack-legend-ink-multicolour",
    )
    seed_collection(
        replayer,
        "gid://shopify/Collection/429826179305",
        title="ADIDAS",
        products=[replayer.ids.swap(backpack)],
    )
    collection = create["mutation"]["response"]["data"]["collectionCreate"]["collection"]["id"]

    replayer.run(
        step("create", documents(create)["collectionCreate-parity-plan.graphql"], create["mutation"])
    )
    replayer.run(
        Step(
            "createRead", COLLECTION_READ, {"id": collection}, data_of(create["downstreamRead"], "collection")
        )
    )

    add_docs = documents(add)
    replayer.run(step("add", add_docs["collectionAddProducts-parity-plan.graphql"], add["mutation"]))
    membership = add_docs["collectionAddProducts-downstream-read.graphql"]
    replayer.run(Step("addRead", membership, add["downstreamReadVariables"], body(add["downstreamRead"])))

    replayer.run(
        Step(
            "reorderBefore",
            membership,
            reorder["downstreamReadVariables"],
            body(reorder["initialCollectionRead"]),
        )
    )
    replayer.run(step("reorder", document("collectionReorderProducts-parity-plan"), reorder["mutation"]))
    reorder_read = document("collectionReorderProducts-downstream-read")
    replayer.run(
        Step("reorderRead", reorder_read, reorder["downstreamReadVariables"], body(reorder["downstreamRead"]))
    )

    replayer.run(
        step("update", documents(update)["collectionUpdate-parity-plan.graphql"], update["mutation"])
    )
    update_read = (
        "query UpdateRead($id: ID!, $productId: ID!) {"
        + COLLECTION_READ.split("{", 1)[1].rsplit("}", 1)[0]
        + f" product(id: $productId) {{ {PRODUCT_COLLECTIONS} }} }}"
    )
    variables = {"id": collection, "productId": test_product}
    replayer.run(
        Step("updateRead", update_read, variables, data_of(update["downstreamRead"], "collection", "product"))
    )

    replayer.run(
        step("remove", documents(remove)["collectionRemoveProducts-parity-plan.graphql"], remove["mutation"])
    )
    remove_read = (
        "query RemoveRead($id: ID!, $removed: ID!, $untouched: ID!) {"
        + COLLECTION_READ.split("{", 1)[1].rsplit("}", 1)[0]
        + f" removed: product(id: $removed) {{ {PRODUCT_COLLECTIONS} }}"
        + f" untouched: product(id: $untouched) {{ {PRODUCT_COLLECTIONS} }} }}"
    )
    variables = {"id": collection, "removed": test_product, "untouched": backpack}
    replayer.run(Step("removeRead", remove_read, variables, body(remove["downstreamRead"])))

    delete_doc = (
        "mutation Delete($input: CollectionDeleteInput!) "
        "{ collectionDelete(input: $input) { deletedCollectionId userErrors { field message } } }"
    )
    replayer.run(step("delete", delete_doc, delete["mutation"]))
    delete_read = (
        "query DeleteRead($id: ID!, $productId: ID!) { collection(id: $id) { id }"
        f" product(id: $productId) {{ {PRODUCT_COLLECTIONS} }} }}"
    )
    variables = {"id": collection, "productId": backpack}
    replayer.run(
        Step("deleteRead", delete_read, variables, data_of(delete["downstreamRead"], "collection", "product"))
    )
    replayer.check()


# ----- harry-test-heelo recordings ----------------------------------------------------------------
def test_collection_create_and_membership_windows(shop: ShopifySandbox) -> None:
    rec = recorded("2025-01--collection-create-and-add-products-parity.json")
    docs = {
        name.removeprefix("collectionCreate-and-add-products-").removesuffix(".graphql"): text
        for name, text in documents(rec).items()
    }
    replayer = Replayer(shop)
    seed = rec["seedProduct"]
    seed_product(replayer, seed["id"], seed["title"], seed["handle"], status=seed["status"])
    v = "2025-01"
    replayer.run(step("longTitle", docs["create"], rec["longTitle"], version=v))
    replayer.run(step("reservedLike", docs["create"], rec["reservedLike"], version=v))
    invalid = copy.deepcopy(rec["invalidSort"])
    # 2026-07 (the sandbox's schema) has one more CollectionSortOrder value than 2025-01.
    error = invalid["response"]["errors"][0]
    error["message"] = error["message"].replace(
        "BEST_SELLING, CREATED", "BEST_SELLING, MOST_RELEVANT, CREATED"
    )
    problem = error["extensions"]["problems"][0]
    problem["explanation"] = problem["explanation"].replace(
        "BEST_SELLING, CREATED", "BEST_SELLING, MOST_RELEVANT, CREATED"
    )
    replayer.run(step("invalidSort", docs["create"], invalid, version=v))
    for name, kind in (
        ("smartCreate", "create"),
        ("smartAdd", "add"),
        ("smartRemove", "remove"),
        ("customCreate", "create"),
        ("customAdd", "add"),
        ("customDuplicateAdd", "add"),
        ("customRead", "count-read"),
    ):
        replayer.run(step(name, docs[kind], rec[name], version=v))
    for name, product in rec["windowProducts"].items():
        replayer.run(step(f"{name}Create", docs["product-create"], product["create"], version=v))
        replayer.run(step(f"{name}Price", docs["price-update"], product["priceUpdate"], version=v))
    replayer.run(step("windowCreate", docs["create"], rec["windowCollectionCreate"], version=v))
    replayer.run(step("windowAdd", docs["add"], rec["windowCollectionAdd"], version=v))
    replayer.run(step("windowFirst", docs["window-read"], rec["windowFirstRead"], version=v))

    def after(r: Replayer) -> dict[str, Any]:
        cursor = r.answers["windowFirst"]["data"]["collection"]["products"]["pageInfo"]["endCursor"]
        return {**r.ids.swap(rec["windowAfterRead"]["variables"]), "after": cursor}

    replayer.run(
        Step("windowAfter", docs["after-read"], after, body(rec["windowAfterRead"]["response"]), version=v)
    )
    replayer.run(step("windowSort", docs["sort-read"], rec["windowSortRead"], version=v))
    replayer.check()


def test_collection_created_with_products_counts_them_afterwards(shop: ShopifySandbox) -> None:
    rec = recorded("2025-01--collection-create-initial-products-parity.json")
    docs = documents(rec)
    replayer = Replayer(shop)
    snowboard = seed_product(
        replayer,
        "gid://shopify/Product/9801098789170",
        "The Inventory Not Tracked Snowboard",
        "the-inventory-not-tracked-snowboard",
    )
    seed_product(replayer, "gid://shopify/Product/9801098821938", "Gift Card", "gift-card")
    seed_collection(
        replayer,
        "gid://shopify/Collection/494967390514",
        title="Home page",
        handle="frontpage",
        products=[snowboard],
    )
    replayer.run(step("create", docs["collectionCreate-initial-products-parity.graphql"], rec["mutation"]))
    read = docs["collectionCreate-initial-products-downstream-read.graphql"]
    replayer.run(Step("read", read, rec["downstreamReadVariables"], body(rec["downstreamRead"])))
    delete = "mutation($input: CollectionDeleteInput!) { collectionDelete(input: $input) { deletedCollectionId userErrors { field message } } }"
    replayer.run(step("cleanup", delete, rec["cleanup"]))
    replayer.check()


def test_collection_handle_deduplication(shop: ShopifySandbox) -> None:
    rec = recorded("2025-01--collection-handle-dedup-parity.json")
    replayer = Replayer(shop)
    for name, operation in rec["operations"].items():
        replayer.run(
            Step(
                name,
                operation["request"]["query"],
                operation["request"]["variables"],
                body(operation["response"]),
            )
        )
    for index, operation in enumerate(rec["cleanup"]):
        replayer.run(
            Step(
                f"cleanup{index}",
                operation["request"]["query"],
                operation["request"]["variables"],
                body(operation["response"]),
            )
        )
    replayer.check()


def test_smart_collection_rules_match_a_product(shop: ShopifySandbox) -> None:
    rec = recorded("2025-01--collection-smart-ruleset-membership-parity.json")
    docs = documents(rec)
    replayer = Replayer(shop)
    replayer.run(
        step("productSet", docs["collection-smart-ruleset-membership-product-set.graphql"], rec["productSet"])
    )
    replayer.run(
        step("smartCreate", docs["collection-smart-ruleset-membership-create.graphql"], rec["smartCreate"])
    )
    replayer.run(
        step("read", docs["collection-smart-ruleset-membership-read.graphql"], rec["downstreamRead"])
    )
    replayer.check()


def test_collection_lookups_pages_and_counts(shop: ShopifySandbox) -> None:
    rec = recorded("2026-04--collection-top-level-staged-read.json")["operations"]
    replayer = Replayer(shop)
    seed_collection(replayer, "gid://shopify/Collection/494967390514", title="Home page", handle="frontpage")
    seed_collection(
        replayer,
        "gid://shopify/Collection/494967423282",
        title="Automated Collection",
        ruleSet={
            "appliedDisjunctively": False,
            "rules": [{"column": "VARIANT_PRICE", "relation": "GREATER_THAN", "condition": "200.00"}],
        },
    )
    seed_collection(replayer, "gid://shopify/Collection/494967456050", title="Hydrogen")
    seed_collection(replayer, "gid://shopify/Collection/494967488818", title="Frontpage")
    for name, operation in rec.items():
        variables: Any = operation["variables"]
        if name == "initialPage2":

            def variables(r: Replayer, raw: dict[str, Any] = operation["variables"]) -> dict[str, Any]:
                cursor = r.answers["initialPage1"]["data"]["sharedFirstPage"]["pageInfo"]["endCursor"]
                return {**raw, "after": cursor}

        replayer.run(
            Step(name, operation["document"], variables, body(operation["response"]), version="2026-04")
        )
    replayer.check()


def test_collection_membership_jobs_and_smart_collection_refusals(shop: ShopifySandbox) -> None:
    rec = recorded("2026-04--collection-product-membership-job-parity.json")
    docs = documents(rec)
    replayer = Replayer(shop)
    seed = rec["seedProduct"]
    seed_product(replayer, seed["id"], seed["title"], seed["handle"])
    v = "2026-04"
    create = docs["collection-product-membership-job-create.graphql"]
    add = docs["collection-product-membership-job-add-v2.graphql"]
    remove = docs["collection-product-membership-job-remove.graphql"]
    read = docs["collection-product-membership-job-read.graphql"]
    for name, query in (
        ("smartCreate", create),
        ("customCreate", create),
        ("smartAddV2", add),
        ("smartRemove", remove),
        ("unknownAddV2", add),
        ("tooManyAddV2", add),
        ("successAddV2", add),
        ("successAddJobRead", read),
        ("unknownRemove", remove),
        ("tooManyRemove", remove),
        ("successRemove", remove),
        ("successRemoveJobRead", read),
    ):
        replayer.run(step(name, query, rec[name], version=v))
    replayer.check()
    assert (
        shop.shop()
        .collections.collections[
            int(
                replayer.ids.swap(
                    rec["customCreate"]["response"]["data"]["collectionCreate"]["collection"]["id"]
                ).rsplit("/", 1)[1]
            )
        ]
        .products
        == []
    )


REORDER_CREATE = """
mutation ReorderCreate($input: CollectionInput!) {
  collectionCreate(input: $input) { collection { id title handle sortOrder } userErrors { field message } }
}
"""
REORDER_ADD = """
mutation ReorderAdd($id: ID!, $productIds: [ID!]!) {
  collectionAddProducts(id: $id, productIds: $productIds) {
    collection { id title handle sortOrder products(first: 10) { nodes { id title handle } pageInfo { hasNextPage hasPreviousPage } } }
    userErrors { field message }
  }
}
"""
JOB_READ = "query JobRead($id: ID!) { job(id: $id) { id done } }"


def test_only_manually_sorted_collections_reorder(shop: ShopifySandbox) -> None:
    rec = recorded("2026-04--collection-reorder-products-manual-sort.json")
    docs = documents(rec)
    replayer = Replayer(shop)
    # Oldest first, as in the recording store (a BEST_SELLING collection lists the newest first).
    for product in sorted(rec["seedProducts"], key=lambda p: int(p["id"].rsplit("/", 1)[1])):
        seed_product(replayer, product["id"], product["title"], product["handle"], status=product["status"])
    v = "2026-04"
    move = docs["collectionReorderProducts-parity-plan.graphql"]
    read = docs["collectionReorderProducts-order-read.graphql"]
    for name in ("manualSorted", "nonManualSorted", "smartCollection"):
        part = rec[name]
        replayer.run(step(f"{name}Create", REORDER_CREATE, part["create"], version=v))
        if "add" in part:
            replayer.run(step(f"{name}Add", REORDER_ADD, part["add"], version=v))
        replayer.run(step(f"{name}Move", move, part["mutation"], version=v))
        if "jobRead" in part:

            def job(r: Replayer, name: str = name) -> dict[str, Any]:
                return {"id": r.answers[f"{name}Move"]["data"]["collectionReorderProducts"]["job"]["id"]}

            replayer.run(Step(f"{name}Job", JOB_READ, job, body(part["jobRead"]), version=v))
        if "downstreamRead" in part:
            replayer.run(
                Step(
                    f"{name}Read",
                    read,
                    part["downstreamReadVariables"],
                    body(part["downstreamRead"]),
                    version=v,
                )
            )
    replayer.check()


def test_product_create_joins_collections(shop: ShopifySandbox) -> None:
    rec = recorded("2025-01--productCreate-collections-to-join-parity.json")
    replayer = Replayer(shop)
    for name in ("firstCollection", "secondCollection"):
        call = rec["setup"][name]
        replayer.run(step(name, call["query"], call))
    replayer.run(step("mutation", rec["mutation"]["query"], rec["mutation"]))
    replayer.run(step("read", rec["downstreamRead"]["query"], rec["downstreamRead"]))
    unknown = rec["validation"]["unknownCollectionsIgnored"]
    replayer.run(step("unknownCollections", unknown["query"], unknown))
    replayer.check()


def test_metafields_set_on_a_collection(shop: ShopifySandbox) -> None:
    rec = recorded("2025-01--metafields-set-owner-expansion-parity.json")
    docs = documents(rec)
    replayer = Replayer(shop)
    product = rec["seedProduct"]
    made = Gql(shop).data(SEED_PRODUCT, {"input": {"title": product["title"]}})["productSet"]["product"]
    replayer.ids.bind(product["id"], made["id"])
    replayer.ids.bind(product["variants"]["nodes"][0]["id"], made["variants"]["nodes"][0]["id"])
    collection = rec["seedCollection"]
    seed_collection(replayer, collection["id"], title=collection["title"])
    replayer.run(
        step("set", docs["metafieldsSet-owner-expansion-no-compare-digest.graphql"], rec["mutation"])
    )
    read = docs["metafieldsSet-owner-expansion-downstream-read-no-compare-digest.graphql"]
    replayer.run(Step("read", read, rec["downstreamReadVariables"], body(rec["downstreamRead"])))
    replayer.check()


def test_custom_collection_detail(shop: ShopifySandbox) -> None:
    rec = recorded("2025-01--collection-detail.json")
    query = documents(rec)["collection-detail-read.graphql"]
    replayer = Replayer(shop)
    snowboard = seed_product(
        replayer,
        "gid://shopify/Product/9801098789170",
        "The Inventory Not Tracked Snowboard",
        "the-inventory-not-tracked-snowboard",
        vendor="harry-test-heelo",
        productType="snowboard",
        tags=["Accessory", "Sport", "Winter"],
    )
    custom = seed_collection(
        replayer,
        "gid://shopify/Collection/494967390514",
        title="Home page",
        handle="frontpage",
        products=[snowboard],
    )
    variables = {"customCollectionId": custom, "smartCollectionId": custom, "productId": snowboard}
    skip = {"data.smartCollection": "the recording store's smart collection holds 61 products"}
    replayer.run(Step("detail", query, lambda r: variables, body(rec), skip=skip))
    replayer.check()
