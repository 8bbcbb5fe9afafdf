"""A v4-only connection whose token JOOR's v2 order export refuses: orders are read through v4, stored
once, held for what v4 does not give (addresses), and their status changes seen."""

from __future__ import annotations

import pytest

from joorsync.joor.sandbox.defaults import DEFAULT_ACCOUNT_ID
from joorsync.orders.models import ImportedOrder
from tests.orders.orders_support import OrderWorld, make_order_world

pytestmark = pytest.mark.django_db
State = ImportedOrder.State


@pytest.fixture
def world() -> OrderWorld:
    world = make_order_world(
        api_generation="v4",
        account_id=DEFAULT_ACCOUNT_ID,
        client_id="x",
        username="u",
        password="p",
        client_secret="s",
    )
    world.joor.tokens.v4_tokens_on_v2 = False  # the stricter JOOR: a v4 token reaches no v2 endpoint
    return world


def test_v4_orders_are_stored_once_and_held_for_the_missing_address(world: OrderWorld) -> None:
    skus = world.skus(2)
    order_id = world.place([(skus[0], 4), (skus[1], 1)])
    pending = world.place(status="PENDING")
    result = world.run()
    row = world.row(order_id)
    assert row.document["read_through"] == "v4"
    assert [(line["sku_id"], line["quantity"]) for line in row.document["lines"]] == [
        (skus[0], 4),
        (skus[1], 1),
    ]
    assert row.currency == "USD" and row.retailer_code
    assert (row.state, row.hold_code) == (State.HELD, "NO_ADDRESS")
    assert "v4 API" in row.hold_message
    assert not ImportedOrder.objects.filter(shop=world.shop, joor_order_id=pending).exists()
    assert result.counters["new"] == 1
    assert world.run().counters.get("new", 0) == 0
    assert ImportedOrder.objects.filter(shop=world.shop).count() == 1


def test_a_status_change_is_seen_through_v4(world: OrderWorld) -> None:
    order_id = world.place()
    world.run()
    order = world.joor.catalog.orders[int(order_id)]
    with world.joor.lock:
        order.status = "CANCELLED"
        order.modified = world.joor.now()
    world.run()
    row = world.row(order_id)
    assert row.joor_status == "CANCELLED"
    assert row.state == State.SKIPPED  # held before, not in Shopify: nothing to undo there
