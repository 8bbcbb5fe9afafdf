"""Recorded Shopify answers about orders, fulfilment orders and fulfilments replayed against the sandbox.

Same method as `test_recorded_parity.py` (see `replay.py`): the recorded requests go to a sandbox
holding equivalent state and every answer must equal the recorded one (ids matched one to one,
timestamps and cursors only present). Where a recording starts from state it did not create, that
state is made first through the API, as a merchant would have made it; such setup requests are not
compared.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from shopify_app.sandbox.app import ShopifySandbox

from .conftest import Gql, recorded
from .test_recorded_parity import Replayer, Step, body

SEED_PRODUCT = """
mutation Seed($input: ProductSetInput!) {
  productSet(input: $input, synchronous: true) {
    product { id variants(first: 5) { nodes { id } } }
    userErrors { field message }
  }
}
"""
SEED_ORDER = """
mutation Seed($order: OrderCreateOrderInput!) {
  orderCreate(order: $order) { order { id } userErrors { field message } }
}
"""
CANCEL = """
mutation Cancel($orderId: ID!, $restock: Boolean!, $reason: OrderCancelReason!, $refund: Boolean) {
  orderCancel(orderId: $orderId, restock: $restock, reason: $reason, refund: $refund) {
    job { id done }
    orderCancelUserErrors { field message code }
  }
}
"""


def documents(rec: dict[str, Any]) -> dict[str, str]:
    """The source project's replay documents of a recording, by file name."""
    return {path.rsplit("/", 1)[-1]: text for path, text in rec["_source"]["parityRequestDocuments"].items()}


def seed_product(replayer: Replayer, product: dict[str, Any], recorded: dict[str, str]) -> dict[str, Any]:
    """A product the recording found in its store: `recorded` maps its gids to `product`/`variant`."""
    answer = Gql(replayer.sandbox)(SEED_PRODUCT, {"input": product})["data"]["productSet"]
    assert answer["userErrors"] == [], answer
    made = {"product": answer["product"]["id"], "variant": answer["product"]["variants"]["nodes"][0]["id"]}
    for recorded_gid, what in recorded.items():
        replayer.ids.bind(recorded_gid, made[what])
    return made


def seed_order(
    sandbox: ShopifySandbox, order: dict[str, Any], *, number: int | None = None
) -> dict[str, Any]:
    """An order made through orderCreate (optionally named `#{number}`)."""
    if number is not None:
        sandbox.shop().next_order_number = number
    answer = Gql(sandbox)(SEED_ORDER, {"order": order})["data"]["orderCreate"]
    assert answer["userErrors"] == [], answer
    return answer["order"]


def money(amount: str, currency: str) -> dict[str, Any]:
    return {"shopMoney": {"amount": amount, "currencyCode": currency}}


@pytest.fixture
def usd_shop(make_sandbox: Callable[..., ShopifySandbox]) -> ShopifySandbox:
    """The 2025-01 very-big-test-store recordings: a USD shop."""
    return make_sandbox(products=0, shop_name="very-big-test-store", currency="USD")


@pytest.fixture
def cad_shop(make_sandbox: Callable[..., ShopifySandbox]) -> ShopifySandbox:
    """The harry-test-heelo recordings: a CAD shop whose location is "Shop location"."""
    sandbox = make_sandbox(products=0, shop_name="harry-test-heelo", currency="CAD")
    primary = sandbox.shop().primary_location()
    primary.name = "Shop location"
    return sandbox


def bind_shop_location(replayer: Replayer, recorded_gid: str = "gid://shopify/Location/106318430514") -> None:
    replayer.ids.bind(recorded_gid, f"gid://shopify/Location/{replayer.sandbox.shop().primary_location().id}")


# ----- orderCreate ---------------------------------------------------------------------------------
def test_order_create_parity(usd_shop: ShopifySandbox) -> None:
    rec = recorded("2025-01--order-create-parity.json")
    docs = documents(rec)
    replayer = Replayer(usd_shop)
    seed_product(
        replayer,
        {"title": "Hermes inventory-backed product"},
        {"gid://shopify/ProductVariant/48540157378793": "variant"},
    )
    usd_shop.shop().next_order_number = 1314
    replayer.run(
        Step(
            "create",
            docs["orderCreate-parity-plan.graphql"],
            rec["variables"],
            body(rec["mutation"]["response"]),
        )
    )
    replayer.run(
        Step(
            "read",
            docs["orderCreate-downstream-read.graphql"],
            rec["downstreamRead"]["variables"],
            body(rec["downstreamRead"]["response"]),
        )
    )
    replayer.check()


@pytest.mark.parametrize(
    "case", ["pendingNoTax", "paidTaxShipping", "fixedDiscount", "authorization", "presentmentMoney"]
)
def test_order_create_math_matrix(cad_shop: ShopifySandbox, case: str) -> None:
    rec = recorded("2025-01--order-create-math-matrix.json")
    recorded_case = rec["cases"][case]
    name = recorded_case["response"]["payload"]["data"]["orderCreate"]["order"]["name"]
    cad_shop.shop().next_order_number = int(name.lstrip("#"))
    replayer = Replayer(cad_shop)
    replayer.run(Step(case, rec["document"], recorded_case["variables"], body(recorded_case["response"])))
    replayer.check()


def test_order_create_line_item_fields(cad_shop: ShopifySandbox) -> None:
    rec = recorded("2025-01--order-create-line-item-fields.json")
    replayer = Replayer(cad_shop)
    seed_product(replayer, {"title": "Line item product"}, {"gid://shopify/Product/9801098789170": "product"})
    replayer.run(Step("create", rec["document"], rec["variables"], body(rec["mutation"]["response"])))
    read = rec["downstreamRead"]
    replayer.run(Step("read", read["document"], read["variables"], body(read["response"])))
    replayer.run(
        Step(
            "cleanup",
            "mutation Cleanup($orderId: ID!) { orderCancel(orderId: $orderId, reason: OTHER, restock: false) "
            "{ job { id done } userErrors { field message } } }",
            rec["cleanup"]["variables"],
            body(rec["cleanup"]["response"]),
        )
    )
    replayer.check()


def test_order_create_assigns_the_shop_location(cad_shop: ShopifySandbox) -> None:
    rec = recorded("2025-01--order-create-fulfillment-assigned-location.json")["operations"]
    replayer = Replayer(cad_shop)
    bind_shop_location(replayer)
    cad_shop.shop().next_order_number = 1721
    for name in ("create", "downstreamRead"):
        op = rec[name]
        replayer.run(Step(name, op["query"], op["variables"], body(op["response"])))
    replayer.check()


def test_order_create_state_derived_payment_and_count(cad_shop: ShopifySandbox) -> None:
    rec = recorded("2025-01--orderCreate-state-derived-payment-and-count.json")
    replayer = Replayer(cad_shop)
    cad_shop.shop().next_order_number = 1718
    for name in ("firstCreate", "secondCreate", "countRead"):
        op = rec["operations"][name]
        replayer.run(Step(name, op["query"], op["variables"], body(op["response"])))
    for index, op in enumerate(rec["cleanup"]):
        replayer.run(Step(f"cleanup{index}", op["query"], op["variables"], body(op["response"])))
    replayer.check()


def test_order_create_without_order(usd_shop: ShopifySandbox) -> None:
    rec = recorded("2025-01--order-create-missing-order.json")
    # Sent as the capture script wrote it: a `#graphql` line, then the document indented by two.
    query = "#graphql\n  " + rec["query"]
    replayer = Replayer(usd_shop)
    replayer.run(Step("missing", query, rec["variables"], body(rec["mutation"]["response"])))
    replayer.check()
    assert usd_shop.shop().orders == {}


# ----- orderUpdate, orderCancel, orderMarkAsPaid ---------------------------------------------------
def test_order_update(usd_shop: ShopifySandbox) -> None:
    rec = recorded("2025-01--order-update-parity.json")
    docs = documents(rec)
    replayer = Replayer(usd_shop)
    # The order the recording updates: #1323, whose customer is Hermes Operator.
    seed = seed_order(
        usd_shop,
        {
            "email": "hermes-order-probe-1776899624464@example.com",
            "customer": {
                "toUpsert": {
                    "email": "hermes-order-probe-1776899624464@example.com",
                    "firstName": "Hermes",
                    "lastName": "Operator",
                }
            },
            "lineItems": [{"title": "Order update probe", "quantity": 1, "priceSet": money("10.00", "USD")}],
        },
        number=1323,
    )
    replayer.ids.bind(rec["variables"]["input"]["id"], seed["id"])
    plan = docs["orderUpdate-expanded-parity-plan.graphql"]
    replayer.run(Step("update", plan, rec["variables"], body(rec["mutation"]["response"])))
    read = rec["downstreamRead"]
    replayer.run(
        Step("read", docs["orderUpdate-downstream-read.graphql"], read["variables"], body(read["response"]))
    )
    replayer.check()


def test_order_cancel_unpaid(usd_shop: ShopifySandbox) -> None:
    rec = recorded("2026-04--orderCancel-parity.json")
    docs = documents(rec)
    replayer = Replayer(usd_shop)
    seed = seed_order(
        usd_shop,
        {"lineItems": [{"title": "Order cancel probe", "quantity": 1, "priceSet": money("15.00", "USD")}]},
        number=1286,
    )
    replayer.ids.bind(rec["variables"]["orderId"], seed["id"])
    replayer.run(
        Step(
            "cancel",
            docs["orderCancel-parity.graphql"],
            rec["variables"],
            body(rec["mutation"]["response"]),
            version="2026-04",
        )
    )
    read = rec["downstreamRead"]
    replayer.run(
        Step(
            "read",
            docs["order-management-downstream-read.graphql"],
            read["variables"],
            body(read["response"]),
            version="2026-04",
        )
    )
    replayer.check()


def test_order_cancel_with_refund_and_restock(cad_shop: ShopifySandbox) -> None:
    rec = recorded("2026-04--orderCancel-restock-refundMethod-parity.json")
    docs = documents(rec)
    replayer = Replayer(cad_shop)
    seed = seed_order(
        cad_shop,
        {
            "lineItems": [
                {
                    "title": "Order cancel restock/refundMethod item",
                    "quantity": 2,
                    "priceSet": money("10.00", "CAD"),
                }
            ],
            "transactions": [
                {"kind": "SALE", "status": "SUCCESS", "gateway": "manual", "amountSet": money("20.00", "CAD")}
            ],
        },
        number=1390,
    )
    replayer.ids.bind(rec["variables"]["orderId"], seed["id"])
    replayer.run(
        Step(
            "cancel",
            docs["orderCancel-restock-refundMethod-parity.graphql"],
            rec["variables"],
            body(rec["mutation"]["response"]),
            version="2026-04",
        )
    )
    read = rec["downstreamRead"]
    replayer.run(
        Step(
            "read",
            docs["orderCancel-restock-refundMethod-downstream-read.graphql"],
            read["variables"],
            body(read["response"]),
            version="2026-04",
        )
    )
    replayer.check()


ORDER_STATE = """
fragment State on Order {
  id name createdAt updatedAt closed closedAt cancelledAt cancelReason presentmentCurrencyCode
  displayFinancialStatus displayFulfillmentStatus paymentGatewayNames
  totalOutstandingSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
  currentTotalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
  totalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
  transactions { id kind status gateway amountSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } } }
}
"""
MARK_AS_PAID_SETUP = (
    "mutation Setup($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {"
    " orderCreate(order: $order, options: $options) { order { ...State } userErrors { field message } } }"
    + ORDER_STATE
)
MARK_AS_PAID_HYDRATE = "query Hydrate($id: ID!) { order(id: $id) { ...State } }" + ORDER_STATE


def test_order_mark_as_paid(cad_shop: ShopifySandbox) -> None:
    """The setup documents are not recorded: these select exactly what the recorded answers hold."""
    rec = recorded("2026-04--orderMarkAsPaid-state-and-money.json")
    mark = documents(rec)["orderMarkAsPaid-state-and-money.graphql"]
    replayer = Replayer(cad_shop)
    cad_shop.shop().next_order_number = 1297
    for name, setup in rec["setup"].items():
        replayer.run(
            Step(
                f"{name}Create",
                MARK_AS_PAID_SETUP,
                setup["variables"],
                body(setup["response"]),
                version="2026-04",
            )
        )
        hydrate = setup["hydrate"]
        replayer.run(
            Step(
                f"{name}Hydrate",
                MARK_AS_PAID_HYDRATE,
                hydrate["variables"],
                body(hydrate["response"]),
                version="2026-04",
            )
        )
    for name, case in rec["cases"].items():
        replayer.run(Step(name, mark, case["variables"], body(case["response"]), version="2026-04"))
    replayer.check()


# ----- orders, ordersCount -------------------------------------------------------------------------
def catalog_order(email: str, tags: list[str]) -> dict[str, Any]:
    """A paid, unfulfilled CAD order of 55.00 like those the catalog recording lists."""
    return {
        "email": email,
        "tags": tags,
        "lineItems": [{"title": "Catalog item", "quantity": 1, "priceSet": money("55.00", "CAD")}],
        "transactions": [
            {"kind": "SALE", "status": "SUCCESS", "gateway": "manual", "amountSet": money("55.00", "CAD")}
        ],
    }


def test_orders_search_count_and_paging(cad_shop: ShopifySandbox) -> None:
    rec = recorded("2026-04--order-catalog-count-read.json")
    docs = documents(rec)
    replayer = Replayer(cad_shop)
    nodes = rec["response"]["data"]["seedCatalog"]["nodes"]
    tags = ["draft-order-complete", "merchant-realistic", "parity-probe"]
    for node in reversed(nodes):  # #1492, then #1494
        made = seed_order(cad_shop, catalog_order(node["email"], tags), number=int(node["name"][1:]))
        replayer.ids.bind(node["id"], made["id"])
    for node in reversed(rec["response"]["data"]["byStatus"]["nodes"]):  # newer paid, unfulfilled orders
        made = seed_order(
            cad_shop, catalog_order(f"{node['name'][1:]}@example.com", []), number=int(node["name"][1:])
        )
        replayer.ids.bind(node["id"], made["id"])
    sandbox_id = replayer.ids.ids[("Order", "8837991727410")]

    def read_variables(_: Replayer) -> dict[str, Any]:
        variables = dict(rec["variables"])
        for key in ("idQuery", "combinedQuery"):
            variables[key] = variables[key].replace("8837991727410", sandbox_id)
        return variables

    def next_page_variables(r: Replayer) -> dict[str, Any]:
        cursor = r.answers["read"]["data"]["recent"]["pageInfo"]["endCursor"]
        return {**rec["nextPage"]["variables"], "after": cursor}

    replayer.run(
        Step(
            "read",
            docs["order-catalog-count-read.graphql"],
            read_variables,
            body(rec["response"]),
            version="2026-04",
        )
    )
    replayer.run(
        Step(
            "nextPage",
            docs["order-catalog-count-next-page.graphql"],
            next_page_variables,
            body(rec["nextPage"]["response"]),
            version="2026-04",
        )
    )
    replayer.check()


EMPTY_STATE_READ = """
query OrderEmptyStateRead($missingOrderId: ID!, $first: Int!) {
  order(id: $missingOrderId) { id name }
  orders(first: $first, sortKey: CREATED_AT, reverse: true) {
    edges { cursor node { id name } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
  ordersCount { count precision }
}
"""


def test_orders_catalog_and_unknown_order(usd_shop: ShopifySandbox) -> None:
    """The recorded answer holds only `id` and `name` of the listed order, so the document asks for
    those (the source project's document asks for more)."""
    rec = recorded("2025-01--order-empty-state.json")
    for number in range(1261, 1331):  # 70 orders, the newest #1330
        seed_order(
            usd_shop,
            {"lineItems": [{"title": "Catalog item", "quantity": 1, "priceSet": money("1.00", "USD")}]},
            number=number,
        )
    replayer = Replayer(usd_shop)
    replayer.run(Step("read", EMPTY_STATE_READ, rec["variables"], body(rec["response"])))
    replayer.check()


# ----- tagsAdd / tagsRemove ------------------------------------------------------------------------
def test_tags_add_and_remove_on_orders_and_products(cad_shop: ShopifySandbox) -> None:
    rec = recorded("2025-01--tags-add-multi-resource.json")
    replayer = Replayer(cad_shop)
    stamp = "1781386735737"
    base = f"hermes-tags-base-{stamp}"
    seed_product(
        replayer,
        {"title": f"Hermes Tags Product {stamp}", "tags": [base]},
        {"gid://shopify/Product/10213056479538": "product"},
    )
    order = seed_order(
        cad_shop,
        {"tags": [base], "lineItems": [{"title": "Tags", "quantity": 1, "priceSet": money("1.00", "CAD")}]},
        number=1424,
    )
    replayer.ids.bind("gid://shopify/Order/8819872727346", order["id"])
    normalized = seed_order(
        cad_shop,
        {"tags": ["Red"], "lineItems": [{"title": "Tags", "quantity": 1, "priceSet": money("1.00", "CAD")}]},
    )
    replayer.ids.bind("gid://shopify/Order/8819872891186", normalized["id"])
    for name in ("productAdd", "orderAdd", "unsupportedAdd"):
        case = rec["cases"][name]
        replayer.run(Step(name, case["query"], case["variables"], body(case["response"])))
    order_record = cad_shop.shop().orders[int(normalized["id"].rsplit("/", 1)[1])]
    for name, case in rec["normalizationCases"]["order"].items():
        order_record.tags = ["Red"]  # each case starts from the order tagged `Red` alone
        query = case.get("query") or rec["normalizationCases"]["order"]["commaStringAdd"]["query"]
        if name.endswith("Remove"):
            query = query.replace(
                "mutation TagsAddMultiResource", "mutation TagsRemoveMultiResource"
            ).replace("tagsAdd(", "tagsRemove(")
        replayer.run(Step(name, query, case["variables"], body(case["response"])))
    read = rec["downstreamRead"]
    replayer.run(
        Step(
            "read",
            "query Read($productId: ID!, $orderId: ID!) { product(id: $productId) { id title tags } "
            "order(id: $orderId) { id name tags } }",
            {"productId": read["variables"]["productId"], "orderId": read["variables"]["orderId"]},
            {"data": {k: read["response"]["data"][k] for k in ("product", "order")}},
        )
    )
    replayer.check()


# ----- fulfilments ---------------------------------------------------------------------------------
def test_fulfillment_with_several_tracking_numbers(cad_shop: ShopifySandbox) -> None:
    """fulfillmentTrackingInfoUpdateV2 (deprecated) is not served: its steps are left out."""
    rec = recorded("2025-01--fulfillment-multi-tracking-info.json")
    replayer = Replayer(cad_shop)
    bind_shop_location(replayer)
    cad_shop.shop().next_order_number = 1824
    steps = [
        ("orderCreate", rec["setup"]["orderCreate"]),
        ("hydrate", rec["setup"]["hydrateBeforeFulfillmentCreate"]),
        ("fulfillmentCreate", rec["fulfillmentCreate"]),
        ("trackingUpdate", rec["fulfillmentTrackingInfoUpdate"]),
        ("read", rec["downstreamRead"]),
        ("cancelRefused", rec["cleanup"]["cancel"]),
        ("delete", rec["cleanup"]["delete"]),
    ]
    for name, op in steps:
        replayer.run(Step(name, op["query"], op["variables"], body(op["response"])))
    replayer.check()


def test_fulfillment_events_tracking_and_cancel(cad_shop: ShopifySandbox) -> None:
    rec = recorded("2026-04--fulfillment-detail-events-lifecycle.json")
    replayer = Replayer(cad_shop)
    bind_shop_location(replayer)
    cad_shop.shop().next_order_number = 1013
    steps = [
        ("orderCreate", rec["setup"]["orderCreate"]),
        ("fulfillmentCreate", rec["setup"]["fulfillmentCreate"]),
        ("eventCreate", rec["fulfillmentEventCreate"]),
        ("detailRead", rec["detailRead"]),
        ("trackingUpdate", rec["fulfillmentTrackingInfoUpdate"]),
        ("cancel", rec["fulfillmentCancel"]),
        ("cleanup", rec["cleanup"]),
    ]
    for name, op in steps:
        replayer.run(Step(name, op["query"], op["variables"], body(op["response"]), version="2026-04"))
    replayer.check()


def test_fulfillment_top_level_reads(cad_shop: ShopifySandbox) -> None:
    """The recording reads an order fulfilled before it started (one unit, tracked); it is made first.
    `assignedFulfillmentOrders` (fulfilment services) is not served."""
    rec = recorded("2026-04--fulfillment-top-level-reads.json")
    replayer = Replayer(cad_shop)
    order = seed_order(
        cad_shop,
        {
            "lineItems": [
                {"title": "HAR-232 fulfillment probe", "quantity": 1, "priceSet": money("10.00", "CAD")}
            ],
            "transactions": [{"kind": "SALE", "gateway": "manual", "amountSet": money("10.00", "CAD")}],
        },
    )
    shipped = Gql(cad_shop)(
        "mutation Ship($fo: ID!) { fulfillmentCreate(fulfillment: {lineItemsByFulfillmentOrder: [{fulfillmentOrderId: $fo}],"
        ' trackingInfo: {number: "HAR232-20260425210757", url: "https://example.com/track/HAR232-20260425210757",'
        ' company: "Hermes"}}) { fulfillment { id } userErrors { field message } } }',
        {"fo": fulfillment_order_ids(cad_shop, order["id"])[0]},
    )["data"]["fulfillmentCreate"]
    assert shipped["userErrors"] == []
    setup = rec["setup"]
    replayer.ids.bind(setup["createdOrderId"], order["id"])
    replayer.ids.bind(setup["createdFulfillmentId"], shipped["fulfillment"]["id"])
    replayer.ids.bind(setup["createdFulfillmentOrderId"], fulfillment_order_ids(cad_shop, order["id"])[0])
    for name in ("detailRead", "catalogRead"):
        op = rec[name]
        replayer.run(Step(name, op["query"], op["variables"], body(op["response"]), version="2026-04"))
    replayer.check()


def fulfillment_order_ids(sandbox: ShopifySandbox, order_gid: str) -> list[str]:
    order = sandbox.shop().orders[int(order_gid.rsplit("/", 1)[1])]
    return [f"gid://shopify/FulfillmentOrder/{fo.id}" for fo in order.fulfillment_orders]


SHIP = """
mutation Ship($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) { fulfillment { id } userErrors { field message } }
}
"""
UNSHIP = "mutation Unship($id: ID!) { fulfillmentCancel(id: $id) { fulfillment { id } userErrors { field message } } }"


def ship(sandbox: ShopifySandbox, fo: str, number: str, items: list[dict[str, Any]] | None = None) -> str:
    group: dict[str, Any] = {"fulfillmentOrderId": fo}
    if items is not None:
        group["fulfillmentOrderLineItems"] = items
    tracking = {"number": number, "url": f"https://example.com/track/{number}", "company": "Hermes"}
    answer = Gql(sandbox)(
        SHIP, {"fulfillment": {"lineItemsByFulfillmentOrder": [group], "trackingInfo": tracking}}
    )
    made = answer["data"]["fulfillmentCreate"]
    assert made["userErrors"] == [], made
    return made["fulfillment"]["id"]


def test_fulfillment_tracking_update_after_cancelled_fulfillments(
    make_sandbox: Callable[..., ShopifySandbox],
) -> None:
    """The recording starts from order #1330 as earlier captures left it — a tracked variant stocked at
    another location and two units of a custom item, each shipped once and the fulfilment cancelled —
    which is made first; then it ships one custom unit, updates the tracking and reads the order."""
    rec = recorded("2025-01--fulfillment-tracking-info-update-parity.json")
    sandbox = make_sandbox(products=0, currency="CAD")
    state = sandbox.shop()
    replayer = Replayer(sandbox)
    product = seed_product(replayer, {"title": "Test Product - 6635"}, {})
    variant = state.variant(int(product["variant"].rsplit("/", 1)[1]))
    assert variant is not None
    elsewhere = next(location for location in state.locations.values() if not location.is_primary)
    for key in [key for key in state.levels if key[0] == variant.inventory_item_id]:
        del state.levels[key]
    state.level(variant.inventory_item_id, elsewhere.id)
    order = seed_order(
        sandbox,
        {
            "lineItems": [
                {"variantId": product["variant"], "quantity": 1},
                {"title": "Custom installation service", "quantity": 2, "priceSet": money("10.00", "CAD")},
            ],
            "transactions": [{"kind": "SALE", "gateway": "manual", "amountSet": money("38.25", "CAD")}],
        },
        number=1330,
    )
    variant_fo, custom_fo = fulfillment_order_ids(sandbox, order["id"])
    Gql(sandbox)(UNSHIP, {"id": ship(sandbox, variant_fo, "HERMES-UPDATE-20260424235416")})
    custom_line = f"gid://shopify/FulfillmentOrderLineItem/{state.orders[int(order['id'].rsplit('/', 1)[1])].fulfillment_orders[1].line_items[0].id}"
    Gql(sandbox)(
        UNSHIP,
        {
            "id": ship(
                sandbox, custom_fo, "HERMES-UPDATE-20260424235744", [{"id": custom_line, "quantity": 1}]
            )
        },
    )
    replayer.ids.bind("gid://shopify/Order/6834528944361", order["id"])
    replayer.ids.bind("gid://shopify/FulfillmentOrder/7952742842601", custom_fo)
    replayer.ids.bind("gid://shopify/FulfillmentOrderLineItem/16472984649961", custom_line)
    create = rec["setup"]["fulfillmentCreate"]
    replayer.run(Step("fulfillmentCreate", create["query"], create["variables"], body(create["response"])))
    replayer.run(Step("trackingUpdate", rec["query"], rec["variables"], body(rec["mutation"]["response"])))
    read = rec["downstreamRead"]
    replayer.run(Step("read", read["query"], read["variables"], body(read["response"])))
    replayer.check()
