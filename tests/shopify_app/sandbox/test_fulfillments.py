"""Fulfilment in the Shopify sandbox: partial and full fulfilments, their refusals, cancelling them,
tracking and events, moving fulfilment orders, stock, webhooks and the merchant's fulfil route."""

from __future__ import annotations

from typing import Any

from shopify_app.sandbox.app import ShopifySandbox
from shopify_app.sandbox.order_control import fulfill_order

from .conftest import SHOP, Gql, http
from .test_orders import CANCEL, READ, available, created, custom_line, first_variant, hooked, read, usd

__all__ = ["hooked"]  # the webhook fixture, shared with test_orders

FULFILL = """
mutation Fulfill($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment {
      id name status displayStatus
      trackingInfo { number url company }
      fulfillmentLineItems(first: 10) { nodes { quantity lineItem { id } } }
    }
    userErrors { field message }
  }
}
"""
MOVE = """
mutation Move($id: ID!, $to: ID!, $items: [FulfillmentOrderLineItemInput!]) {
  fulfillmentOrderMove(id: $id, newLocationId: $to, fulfillmentOrderLineItems: $items) {
    movedFulfillmentOrder { id status assignedLocation { location { id } } lineItems(first: 5) { nodes { totalQuantity remainingQuantity } } }
    originalFulfillmentOrder { id status lineItems(first: 5) { nodes { totalQuantity remainingQuantity } } }
    remainingFulfillmentOrder { id }
    userErrors { field message code }
  }
}
"""


def fulfillment_order(sandbox: ShopifySandbox, order_id: str, index: int = 0) -> tuple[str, list[str]]:
    """A fulfilment order's gid and the gids of its line items."""
    order = sandbox.shop().orders[int(order_id.rsplit("/", 1)[1])]
    fo = order.fulfillment_orders[index]
    return (
        f"gid://shopify/FulfillmentOrder/{fo.id}",
        [f"gid://shopify/FulfillmentOrderLineItem/{foli.id}" for foli in fo.line_items],
    )


def fulfill(gql: Gql, groups: list[dict[str, Any]], tracking: dict[str, Any] | None = None) -> dict[str, Any]:
    variables: dict[str, Any] = {"lineItemsByFulfillmentOrder": groups}
    if tracking is not None:
        variables["trackingInfo"] = tracking
    return gql.data(FULFILL, {"fulfillment": variables})["fulfillmentCreate"]


def paid_order(gql: Gql, *lines: dict[str, Any]) -> dict[str, Any]:
    total = sum(float(line["priceSet"]["shopMoney"]["amount"]) * line["quantity"] for line in lines)
    return created(
        gql, {"lineItems": list(lines), "transactions": [{"kind": "SALE", "amountSet": usd(f"{total:.2f}")}]}
    )


def test_partial_then_full_fulfilment(hooked: ShopifySandbox) -> None:
    gql = Gql(hooked)
    made = paid_order(gql, custom_line("Coat", 3))
    fo, (line,) = fulfillment_order(hooked, made["id"])
    first = fulfill(
        gql,
        [{"fulfillmentOrderId": fo, "fulfillmentOrderLineItems": [{"id": line, "quantity": 2}]}],
        {"number": "1Z1"},
    )
    assert first["userErrors"] == []
    assert (
        first["fulfillment"]["name"],
        first["fulfillment"]["status"],
        first["fulfillment"]["displayStatus"],
    ) == (
        "#1001-F1",
        "SUCCESS",
        "FULFILLED",
    )
    assert first["fulfillment"]["trackingInfo"] == [{"number": "1Z1", "url": None, "company": None}]
    middle = read(gql, made["id"])
    assert (middle["displayFulfillmentStatus"], middle["closed"]) == ("PARTIALLY_FULFILLED", False)
    assert middle["fulfillmentOrders"]["nodes"][0]["status"] == "IN_PROGRESS"
    assert middle["fulfillmentOrders"]["nodes"][0]["lineItems"]["nodes"] == [
        {"totalQuantity": 3, "remainingQuantity": 1}
    ]
    second = fulfill(gql, [{"fulfillmentOrderId": fo}])
    assert second["fulfillment"]["name"] == "#1001-F2"
    assert second["fulfillment"]["fulfillmentLineItems"]["nodes"][0]["quantity"] == 1
    done = read(gql, made["id"])
    assert (done["displayFulfillmentStatus"], done["closed"]) == (
        "FULFILLED",
        True,
    )  # paid and shipped: closed
    assert done["fulfillmentOrders"]["nodes"][0]["status"] == "CLOSED"
    topics = [d.topic for d in hooked.webhook_deliveries]
    assert topics == [
        "orders/create",
        "orders/paid",
        "fulfillments/create",
        "orders/partially_fulfilled",
        "orders/updated",
        "fulfillments/create",
        "orders/fulfilled",
        "orders/updated",
    ]
    shipped = hooked.webhook_deliveries[2].payload
    assert (shipped["name"], shipped["status"], shipped["tracking_number"]) == ("#1001-F1", "success", "1Z1")
    assert shipped["line_items"][0]["quantity"] == 2
    partial = hooked.webhook_deliveries[3].payload
    assert partial["fulfillment_status"] == "partial"
    assert partial["line_items"][0]["fulfillable_quantity"] == 1
    assert hooked.webhook_deliveries[6].payload["fulfillment_status"] == "fulfilled"


def test_fulfilment_refusals_in_the_recorded_order(sandbox: ShopifySandbox) -> None:
    """Recorded wording and precedence: 2026-04 fulfillment-create-preconditions and
    fulfillment-create-multi-group (source project's fixtures of live Shopify)."""
    gql = Gql(sandbox)
    one = paid_order(gql, custom_line("A", 1))
    two = paid_order(gql, custom_line("B", 1))
    fo_one, (line_one,) = fulfillment_order(sandbox, one["id"])
    fo_two, _ = fulfillment_order(sandbox, two["id"])

    def errors(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
        answer = fulfill(gql, groups)
        assert answer["fulfillment"] is None
        return answer["userErrors"]

    zero = {
        "fulfillmentOrderId": "gid://shopify/FulfillmentOrder/999",
        "fulfillmentOrderLineItems": [{"id": line_one, "quantity": 0}],
    }
    assert errors([{"fulfillmentOrderId": fo_one}, zero]) == [
        {
            "field": [
                "fulfillment",
                "lineItemsByFulfillmentOrder",
                "1",
                "fulfillmentOrderLineItems",
                "0",
                "quantity",
            ],
            "message": "Quantity must be greater than 0",
        }
    ]
    assert errors([{"fulfillmentOrderId": "gid://shopify/FulfillmentOrder/999"}]) == [
        {"field": ["fulfillment"], "message": "Fulfillment order does not exist."}
    ]
    one_id, two_id = (o["id"].rsplit("/", 1)[1] for o in (one, two))
    assert errors([{"fulfillmentOrderId": fo_one}, {"fulfillmentOrderId": fo_two}]) == [
        {
            "field": ["fulfillment"],
            "message": f"All fulfillment orders must belong to the same order. Multiple orders with ids [{one_id}, {two_id}] were found.",
        }
    ]
    missing_line = [
        {
            "fulfillmentOrderId": fo_one,
            "fulfillmentOrderLineItems": [{"id": "gid://shopify/FulfillmentOrderLineItem/1", "quantity": 1}],
        }
    ]
    assert errors(missing_line) == [
        {"field": ["fulfillment"], "message": "Fulfillment order line item does not exist."}
    ]
    over = [{"fulfillmentOrderId": fo_one, "fulfillmentOrderLineItems": [{"id": line_one, "quantity": 2}]}]
    assert errors(over) == [
        {"field": ["fulfillment"], "message": "Invalid fulfillment order line item quantity requested."}
    ]
    assert fulfill(gql, [{"fulfillmentOrderId": fo_one}])["userErrors"] == []
    closed = fo_one.rsplit("/", 1)[1]
    assert errors([{"fulfillmentOrderId": fo_one}]) == [
        {
            "field": ["fulfillment"],
            "message": f"Fulfillment order {closed} has an unfulfillable status= closed.",
        }
    ]
    invalid = gql(
        FULFILL,
        {
            "fulfillment": {
                "lineItemsByFulfillmentOrder": [{"fulfillmentOrderId": "gid://shopify/FulfillmentOrder/0"}]
            }
        },
    )
    assert invalid["data"] == {"fulfillmentCreate": None}
    assert (invalid["errors"][0]["message"], invalid["errors"][0]["extensions"]) == (
        "invalid id",
        {"code": "RESOURCE_NOT_FOUND"},
    )


def test_fulfilment_orders_at_two_locations_cannot_ship_together(sandbox: ShopifySandbox) -> None:
    state = sandbox.shop()
    gql = Gql(sandbox)
    made = paid_order(gql, custom_line("A", 2))
    fo, (line,) = fulfillment_order(sandbox, made["id"])
    other = next(loc for loc in state.locations.values() if not loc.is_primary)
    moved = gql.data(
        MOVE, {"id": fo, "to": f"gid://shopify/Location/{other.id}", "items": [{"id": line, "quantity": 1}]}
    )
    new = moved["fulfillmentOrderMove"]["movedFulfillmentOrder"]["id"]
    answer = fulfill(gql, [{"fulfillmentOrderId": fo}, {"fulfillmentOrderId": new}])
    ids = f"{state.primary_location().id}, {other.id}"
    assert answer["userErrors"] == [
        {
            "field": ["fulfillment"],
            "message": f"All fulfillment orders must be assigned to a single location. Multiple locations with ids [{ids}] were found.",
        }
    ]


def test_cancelling_a_fulfilment_reopens_the_order(sandbox: ShopifySandbox) -> None:
    """Recorded (2025-01 fulfillment-cancel-parity): the closed fulfilment order stays closed, a new
    open one takes the units, the order reopens; cancelling again changes nothing."""
    gql = Gql(sandbox)
    made = paid_order(gql, custom_line("A", 1))
    fo, _ = fulfillment_order(sandbox, made["id"])
    shipped = fulfill(gql, [{"fulfillmentOrderId": fo}])["fulfillment"]["id"]
    assert read(gql, made["id"])["closed"] is True
    cancel = "mutation($id: ID!) { fulfillmentCancel(id: $id) { fulfillment { id status displayStatus } userErrors { field message } } }"
    for _ in range(2):
        answer = gql.data(cancel, {"id": shipped})["fulfillmentCancel"]
        assert answer == {
            "fulfillment": {"id": shipped, "status": "CANCELLED", "displayStatus": "CANCELED"},
            "userErrors": [],
        }
    after = read(gql, made["id"])
    assert (after["displayFulfillmentStatus"], after["closed"]) == ("UNFULFILLED", False)
    assert [(n["status"], n["lineItems"]["nodes"]) for n in after["fulfillmentOrders"]["nodes"]] == [
        ("CLOSED", [{"totalQuantity": 1, "remainingQuantity": 1}]),
        ("OPEN", [{"totalQuantity": 1, "remainingQuantity": 1}]),
    ]
    unknown = gql.data(cancel, {"id": "gid://shopify/Fulfillment/1"})["fulfillmentCancel"]
    assert unknown == {
        "fulfillment": None,
        "userErrors": [{"field": ["id"], "message": "Fulfillment not found."}],
    }
    reship = fulfill(gql, [{"fulfillmentOrderId": after["fulfillmentOrders"]["nodes"][1]["id"]}])
    assert reship["userErrors"] == [] and reship["fulfillment"]["name"] == "#1001-F2"


def test_an_order_with_fulfilments_cannot_be_cancelled(sandbox: ShopifySandbox) -> None:
    """Recorded: 2025-01 fulfillment-multi-tracking-info."""
    gql = Gql(sandbox)
    made = paid_order(gql, custom_line("A", 2))
    fo, (line,) = fulfillment_order(sandbox, made["id"])
    fulfill(gql, [{"fulfillmentOrderId": fo, "fulfillmentOrderLineItems": [{"id": line, "quantity": 1}]}])
    answer = gql.data(CANCEL, {"orderId": made["id"], "restock": True, "reason": "OTHER"})["orderCancel"]
    assert answer["job"] is None
    assert answer["orderCancelUserErrors"] == [
        {
            "field": ["orderId"],
            "message": "Cannot cancel an order that has outstanding fulfillments",
            "code": "INVALID",
        }
    ]


def test_tracking_updates_and_events(sandbox: ShopifySandbox) -> None:
    gql = Gql(sandbox)
    made = paid_order(gql, custom_line("A", 1))
    fo, _ = fulfillment_order(sandbox, made["id"])
    shipped = fulfill(
        gql,
        [{"fulfillmentOrderId": fo}],
        {"numbers": ["A1", "A2"], "urls": ["https://t/A1"], "company": "UPS"},
    )
    assert shipped["fulfillment"]["trackingInfo"] == [
        {"number": "A1", "url": "https://t/A1", "company": "UPS"},
        {"number": "A2", "url": None, "company": "UPS"},
    ]
    update = (
        "mutation($id: ID!, $t: FulfillmentTrackingInput!) { fulfillmentTrackingInfoUpdate(fulfillmentId: $id, "
        "trackingInfoInput: $t) { fulfillment { trackingInfo { number url company } } userErrors { field message } } }"
    )
    changed = gql.data(
        update,
        {"id": shipped["fulfillment"]["id"], "t": {"number": "B1", "url": "https://t/B1", "company": "DHL"}},
    )
    assert changed["fulfillmentTrackingInfoUpdate"]["fulfillment"]["trackingInfo"] == [
        {"number": "B1", "url": "https://t/B1", "company": "DHL"}
    ]
    unknown = gql.data(update, {"id": "gid://shopify/Fulfillment/1", "t": {"number": "x"}})[
        "fulfillmentTrackingInfoUpdate"
    ]
    assert unknown["userErrors"] == [{"field": ["fulfillmentId"], "message": "Fulfillment does not exist."}]
    event = (
        "mutation($e: FulfillmentEventInput!) { fulfillmentEventCreate(fulfillmentEvent: $e) { fulfillmentEvent { status } "
        "userErrors { field message } } }"
    )
    gql.data(
        event,
        {
            "e": {
                "fulfillmentId": shipped["fulfillment"]["id"],
                "status": "DELIVERED",
                "happenedAt": "2026-07-01T10:00:00Z",
            }
        },
    )
    detail = gql.data(
        "query($id: ID!) { fulfillment(id: $id) { displayStatus deliveredAt inTransitAt } }",
        {"id": shipped["fulfillment"]["id"]},
    )["fulfillment"]
    assert detail == {
        "displayStatus": "DELIVERED",
        "deliveredAt": "2026-07-01T10:00:00Z",
        "inTransitAt": None,
    }
    missing = gql.data(event, {"e": {"fulfillmentId": "gid://shopify/Fulfillment/1", "status": "DELIVERED"}})[
        "fulfillmentEventCreate"
    ]
    assert missing["userErrors"] == [
        {"field": ["fulfillmentEvent", "fulfillmentId"], "message": "Fulfillment does not exist."}
    ]


def test_moving_a_whole_fulfilment_order(sandbox: ShopifySandbox) -> None:
    """Recorded (2026-04 fulfillment-order-move-validation): moved and original are the same order,
    nothing remains; unknown location and closed fulfilment orders are refused."""
    state = sandbox.shop()
    gql = Gql(sandbox)
    made = paid_order(gql, custom_line("A", 2))
    fo, _ = fulfillment_order(sandbox, made["id"])
    other = next(loc for loc in state.locations.values() if not loc.is_primary)
    to = f"gid://shopify/Location/{other.id}"
    answer = gql.data(MOVE, {"id": fo, "to": to})["fulfillmentOrderMove"]
    assert answer["userErrors"] == []
    assert answer["movedFulfillmentOrder"]["id"] == answer["originalFulfillmentOrder"]["id"] == fo
    assert answer["movedFulfillmentOrder"]["assignedLocation"]["location"]["id"] == to
    assert answer["remainingFulfillmentOrder"] is None
    nowhere = gql.data(MOVE, {"id": fo, "to": "gid://shopify/Location/1"})["fulfillmentOrderMove"]
    assert nowhere["userErrors"] == [{"field": ["id"], "message": "Location not found.", "code": None}]
    fulfill(gql, [{"fulfillmentOrderId": fo}])
    closed = gql.data(MOVE, {"id": fo, "to": f"gid://shopify/Location/{state.primary_location().id}"})[
        "fulfillmentOrderMove"
    ]
    assert closed["userErrors"] == [{"field": None, "message": "Cannot change location.", "code": None}]
    invalid = gql(MOVE, {"id": "gid://shopify/FulfillmentOrder/0", "to": to})
    assert invalid["errors"][0]["message"] == "Invalid id: gid://shopify/FulfillmentOrder/0"


def test_moving_part_of_a_fulfilment_order(sandbox: ShopifySandbox) -> None:
    """Recorded (2026-04 fulfillment-order-move-multi-line): a new fulfilment order takes the moved
    units, the original keeps the rest and is also the remaining one."""
    state = sandbox.shop()
    gql = Gql(sandbox)
    made = paid_order(gql, custom_line("A", 2), custom_line("B", 3))
    fo, (first, second) = fulfillment_order(sandbox, made["id"])
    other = next(loc for loc in state.locations.values() if not loc.is_primary)
    items = [{"id": first, "quantity": 2}, {"id": second, "quantity": 1}]
    answer = gql.data(MOVE, {"id": fo, "to": f"gid://shopify/Location/{other.id}", "items": items})[
        "fulfillmentOrderMove"
    ]
    assert answer["userErrors"] == []
    moved = answer["movedFulfillmentOrder"]
    assert moved["id"] != fo and moved["lineItems"]["nodes"] == [
        {"totalQuantity": 2, "remainingQuantity": 2},
        {"totalQuantity": 1, "remainingQuantity": 1},
    ]
    assert answer["originalFulfillmentOrder"]["lineItems"]["nodes"] == [
        {"totalQuantity": 2, "remainingQuantity": 2}
    ]
    assert answer["remainingFulfillmentOrder"] == {"id": fo}
    too_many = gql.data(
        MOVE, {"id": fo, "to": f"gid://shopify/Location/{other.id}", "items": [{"id": second, "quantity": 5}]}
    )
    assert (
        too_many["fulfillmentOrderMove"]["userErrors"][0]["message"]
        == "Invalid fulfillment order line item quantity requested."
    )


def test_claimed_stock_follows_moves_and_leaves_on_fulfilment(sandbox: ShopifySandbox) -> None:
    state = sandbox.shop()
    gql = Gql(sandbox)
    variant = first_variant(sandbox)
    other = next(loc for loc in state.locations.values() if not loc.is_primary)
    primary_before = available(sandbox, variant)
    state.level(variant.inventory_item_id, other.id)
    other_before = available(sandbox, variant, other.id)
    made = created(
        gql,
        {"lineItems": [{"variantId": f"gid://shopify/ProductVariant/{variant.id}", "quantity": 2}]},
        {"inventoryBehaviour": "DECREMENT_IGNORING_POLICY"},
    )
    assert available(sandbox, variant) == primary_before - 2
    fo, _ = fulfillment_order(sandbox, made["id"])
    gql.data(MOVE, {"id": fo, "to": f"gid://shopify/Location/{other.id}"})
    assert available(sandbox, variant) == primary_before
    assert available(sandbox, variant, other.id) == other_before - 2
    level = state.level(variant.inventory_item_id, other.id, create=False)
    assert level is not None
    on_hand = level.on_hand
    fulfill(gql, [{"fulfillmentOrderId": fo}])
    assert (level.available, level.on_hand) == (other_before - 2, on_hand - 2)


def test_merchant_fulfil_route_and_helper(hooked: ShopifySandbox) -> None:
    gql = Gql(hooked)
    made = created(gql, {"lineItems": [custom_line("A", 2), custom_line("B", 1)]})
    number = made["id"].rsplit("/", 1)[1]
    first_line, second_line = (n["id"] for n in made["lineItems"]["nodes"])
    client = http(hooked)
    answer = client.post(
        f"/_sandbox/orders/{number}/fulfill",
        json={"lines": {first_line: 1}, "tracking": {"number": "T-1", "company": "UPS"}},
        headers={"X-Sandbox-Shop-Domain": SHOP},
    )
    assert answer.status_code == 200
    assert answer.json()["order"]["fulfillment_status"] == "partial"
    assert answer.json()["order"]["fulfillments"][0]["tracking_number"] == "T-1"
    assert "orders/partially_fulfilled" in [d.topic for d in hooked.webhook_deliveries]
    refused = client.post(
        f"/_sandbox/orders/{number}/fulfill", json={"lines": {second_line.rsplit("/", 1)[1]: 5}}
    )
    assert refused.status_code == 422
    assert (
        client.post(
            f"/_sandbox/orders/{number}/fulfill", json={"lines": {"gid://shopify/LineItem/1": 1}}
        ).status_code
        == 422
    )
    assert client.post("/_sandbox/orders/1/fulfill").status_code == 404
    assert client.post(f"/_sandbox/orders/{number}/fulfill", content=b"[1]").status_code == 400
    done = fulfill_order(hooked, made["id"])
    assert done["fulfillment_status"] == "fulfilled"
    assert hooked.webhook_deliveries[-2].topic == "orders/fulfilled"
    assert client.post(f"/_sandbox/orders/{number}/fulfill").status_code == 422  # nothing left
    assert read(gql, made["id"])["displayFulfillmentStatus"] == "FULFILLED"
    assert Gql(hooked).data(READ, {"id": made["id"]})["order"]["closed"] is False  # not paid: stays open


def test_cancelled_fulfilments_and_fulfilment_order_filters(hooked: ShopifySandbox) -> None:
    gql = Gql(hooked)
    made = paid_order(gql, custom_line("A", 1))
    fo, _ = fulfillment_order(hooked, made["id"])
    shipped = fulfill(gql, [{"fulfillmentOrderId": fo}])["fulfillment"]["id"]
    before = len(hooked.webhook_deliveries)
    gql.data("mutation($id: ID!) { fulfillmentCancel(id: $id) { userErrors { message } } }", {"id": shipped})
    assert [d.topic for d in hooked.webhook_deliveries[before:]] == ["fulfillments/update", "orders/updated"]
    assert hooked.webhook_deliveries[before].payload["status"] == "cancelled"
    filtered = gql.data(
        'query($id: ID!) { order(id: $id) { open: fulfillmentOrders(first: 5, query: "status:open") { nodes { id } } '
        "all: fulfillmentOrders(first: 5) { nodes { id status } } } "
        "openRoot: fulfillmentOrders(first: 5) { nodes { id } } closedRoot: fulfillmentOrders(first: 5, includeClosed: true, "
        'query: "status:closed") { nodes { id } } }',
        {"id": made["id"]},
    )
    statuses = [n["status"] for n in filtered["order"]["all"]["nodes"]]
    reopened = filtered["order"]["all"]["nodes"][1]["id"]
    assert statuses == ["CLOSED", "OPEN"]
    assert filtered["order"]["open"]["nodes"] == [{"id": reopened}]
    assert filtered["openRoot"]["nodes"] == [{"id": reopened}]
    assert filtered["closedRoot"]["nodes"] == [{"id": fo}]
