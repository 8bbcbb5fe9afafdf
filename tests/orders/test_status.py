"""After the import: JOOR's cancellations and changes reach the Shopify order (or a person, once
fulfilled), and Shopify's fulfilment and cancellation reach JOOR where its API can take them."""

from __future__ import annotations

from datetime import date

import pytest

from joorsync.joor.sandbox.defaults import DEFAULT_ACCOUNT_ID
from joorsync.orders.models import ImportedOrder, OrderEvent, RetailerLink
from joorsync.orders.status import NOT_SENDABLE_SHIPPED, NOT_SENDABLE_V2, order_conflict_resolve
from joorsync.orders.webhooks import customer_redact, order_changed
from shopify_app.models import WebhookDelivery
from tests.orders.orders_support import OrderWorld, make_order_world

pytestmark = pytest.mark.django_db
State = ImportedOrder.State

FULFIL = """
mutation Fulfil($fo: ID!) {
  fulfillmentCreate(fulfillment: {lineItemsByFulfillmentOrder: [{fulfillmentOrderId: $fo}]}) {
    fulfillment { id status }
    userErrors { field message }
  }
}
"""
CANCEL = """
mutation Cancel($id: ID!) {
  orderCancel(orderId: $id, restock: true, reason: CUSTOMER, notifyCustomer: false) {
    orderCancelUserErrors { field message code }
  }
}
"""
STATE = """
query State($id: ID!) { order(id: $id) { cancelledAt displayFulfillmentStatus fulfillmentOrders(first: 5) { nodes { id status } } } }
"""


def shopify(world: OrderWorld, document: str, operation: str, **variables: str) -> dict:
    return world.world.shopify_client().execute_document(document, variables, operation_name=operation).data


def fulfil(world: OrderWorld, row: ImportedOrder) -> None:
    state = shopify(world, STATE, "State", id=row.shopify_order_id)["order"]
    fo = state["fulfillmentOrders"]["nodes"][0]["id"]
    assert shopify(world, FULFIL, "Fulfil", fo=fo)["fulfillmentCreate"]["userErrors"] == []


def webhook(world: OrderWorld, row: ImportedOrder, topic: str, **payload: object) -> None:
    delivery = WebhookDelivery(
        shop_domain=world.shop.shop_domain,
        topic=topic,
        event_id=f"evt-{topic}-{row.pk}",
        payload={"admin_graphql_api_id": row.shopify_order_id, **payload},
    )
    order_changed(delivery=delivery)


def joor_change(world: OrderWorld, order_id: str, **changes: object) -> None:
    order = world.joor.catalog.orders[int(order_id)]
    with world.joor.lock:
        for key, value in changes.items():
            setattr(order, key, value)
        order.modified = world.joor.now()


def imported(world: OrderWorld) -> tuple[str, ImportedOrder]:
    order_id = world.place()
    world.run()
    row = world.row(order_id)
    assert row.state == State.IMPORTED
    return order_id, row


def test_cancelled_in_joor_cancels_the_unfulfilled_shopify_order() -> None:
    world = make_order_world()
    order_id, row = imported(world)
    joor_change(world, order_id, status="CANCELLED")
    world.run()
    row.refresh_from_db()
    assert row.state == State.CANCELLED
    assert shopify(world, STATE, "State", id=row.shopify_order_id)["order"]["cancelledAt"]
    assert OrderEvent.objects.filter(order=row, action="cancelled").exists()


PO = """query Po($id: ID!) { order(id: $id) { poNumber customAttributes { key value } } }"""


def test_new_lines_in_joor_before_fulfilment_replace_the_shopify_order() -> None:
    world = make_order_world()
    order_id, row = imported(world)
    old = row.shopify_order_id
    order = world.joor.catalog.orders[int(order_id)]
    joor_change(world, order_id, lines=[*order.lines[:1]])  # a line taken off the order
    world.run()
    row.refresh_from_db()
    assert row.state == State.IMPORTED and row.shopify_order_id != old
    assert shopify(world, STATE, "State", id=old)["order"]["cancelledAt"]
    live = [o for o in world.shopify_orders() if not o["cancelledAt"]]
    assert [o["id"] for o in live] == [row.shopify_order_id]


def test_other_changes_in_joor_are_written_onto_the_order_even_once_fulfilled() -> None:
    world = make_order_world()
    order_id, row = imported(world)
    fulfil(world, row)
    joor_change(world, order_id, po_number="PO-CHANGED", complete_ship_date=date(2027, 3, 31))
    world.run()
    row.refresh_from_db()
    assert row.state == State.IMPORTED and row.imported_fingerprint == row.fingerprint
    got = shopify(world, PO, "Po", id=row.shopify_order_id)["order"]
    assert got["poNumber"] == "PO-CHANGED"
    assert {"key": "Ship window complete", "value": "2027-03-31"} in got["customAttributes"]
    assert len(world.shopify_orders()) == 1
    assert OrderEvent.objects.filter(order=row, action="updated").exists()


def test_changed_in_joor_after_fulfilment_waits_for_a_person() -> None:
    world = make_order_world()
    order_id, row = imported(world)
    fulfil(world, row)
    joor_change(world, order_id, status="CANCELLED")
    world.run()
    row.refresh_from_db()
    assert row.state == State.CONFLICT and row.hold_code == "CHANGED_AFTER_FULFILMENT"
    assert not shopify(world, STATE, "State", id=row.shopify_order_id)["order"]["cancelledAt"]
    assert order_conflict_resolve(order=row, by="ana@brand.example")
    row.refresh_from_db()
    assert row.state == State.CANCELLED
    world.run()
    row.refresh_from_db()
    assert row.state == State.CANCELLED  # resolved stays resolved


def test_fulfilment_on_a_v2_connection_is_recorded_as_not_sendable() -> None:
    world = make_order_world()
    _, row = imported(world)
    fulfil(world, row)
    webhook(world, row, "orders/fulfilled", fulfillment_status="fulfilled")
    row.refresh_from_db()
    assert row.status_push_due and row.shopify_fulfillment_status == "FULFILLED"
    world.run()
    row.refresh_from_db()
    assert not row.status_push_due
    assert NOT_SENDABLE_V2 in row.status_note


def test_a_webhook_for_an_order_the_app_did_not_import_is_ignored() -> None:
    world = make_order_world()
    delivery = WebhookDelivery(
        shop_domain=world.shop.shop_domain,
        topic="orders/cancelled",
        event_id="e1",
        payload={
            "admin_graphql_api_id": "gid://shopify/Order/999999",
            "cancelled_at": "2026-11-30T00:00:00Z",
        },
    )
    order_changed(delivery=delivery)
    with pytest.raises(ValueError, match="admin_graphql_api_id"):
        order_changed(
            delivery=WebhookDelivery(
                shop_domain=world.shop.shop_domain, topic="orders/cancelled", event_id="e2", payload={}
            )
        )


def test_v4_connection_cancels_in_joor_and_says_shipped_cannot_be_sent() -> None:
    world = make_order_world(
        api_generation="v4",
        account_id=DEFAULT_ACCOUNT_ID,
        client_id="x",
        username="u",
        password="p",
        client_secret="s",
    )
    order_id, row = imported(world)
    other_id, other = imported(world)
    shopify(world, CANCEL, "Cancel", id=row.shopify_order_id)
    webhook(world, row, "orders/cancelled", cancelled_at="2026-11-30T10:00:00Z")
    fulfil(world, other)
    webhook(world, other, "orders/fulfilled", fulfillment_status="fulfilled")
    world.run()
    row.refresh_from_db()
    other.refresh_from_db()
    assert world.joor.catalog.orders[int(order_id)].status == "CANCELLED"
    assert row.joor_status_sent == "CANCELLED" and row.status_note == ""
    assert world.joor.catalog.orders[int(other_id)].status == "APPROVED"
    assert NOT_SENDABLE_SHIPPED in other.status_note


def test_customer_redaction_erases_the_retailers_contact_but_keeps_the_order_facts() -> None:
    world = make_order_world()
    _, row = imported(world)
    link = RetailerLink.objects.get(shop=world.shop)
    legacy = row.shopify_order_id.rsplit("/", 1)[1]
    customer = link.shopify_customer_id.rsplit("/", 1)[1]
    customer_redact(
        delivery=WebhookDelivery(
            shop_domain=world.shop.shop_domain,
            topic="customers/redact",
            event_id="redact-1",
            payload={
                "customer": {"id": int(customer), "email": link.email},
                "orders_to_redact": [int(legacy)],
            },
        )
    )
    row.refresh_from_db()
    link.refresh_from_db()
    assert link.email == ""
    assert row.document["email"] == "" and row.document["contact_name"] == ""
    assert row.document["shipping"]["contact_name"] == "" and row.document["shipping"]["phone"] == ""
    assert row.document["lines"] and row.document["retailer_name"]  # the order facts stay
