"""Exactly one Shopify order per JOOR order, whatever point the worker dies at or an answer is lost."""

from __future__ import annotations

import random

import httpx
import pytest

from joorsync.joor.sandbox.faults import FaultConfig
from joorsync.orders.models import ImportedOrder
from shopify_app.admin.errors import ShopifyTransientError
from tests.orders.orders_support import OrderWorld, make_order_world

pytestmark = pytest.mark.django_db
State = ImportedOrder.State


class WorkerKilled(BaseException):
    """The process dies: nothing after this point of the run happens."""


class Dies(httpx.BaseTransport):
    """Passes requests on; at request number `at` the server has done its work, then the worker dies
    (or, with `lose`, the answer is lost on the way back)."""

    def __init__(
        self, inner: httpx.BaseTransport, at: int | None, *, lose: bool = False, only: str = ""
    ) -> None:
        self.inner, self.at, self.lose, self.only, self.count = inner, at, lose, only, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        served = self.inner.handle_request(request)
        response = httpx.Response(served.status_code, headers=served.headers, content=served.read())
        if self.only and self.only.encode() not in request.content:
            return response
        self.count += 1
        if self.at is not None and self.count == self.at:
            if self.lose:
                raise httpx.ReadTimeout("answer lost", request=request)
            raise WorkerKilled
        return response


def shopify_inner(world: OrderWorld) -> httpx.BaseTransport:
    return httpx.WSGITransport(app=world.world.shopify_sandbox)


def joor_inner(world: OrderWorld) -> httpx.BaseTransport:
    return httpx.WSGITransport(app=world.world.joor_sandbox)


def assert_each_once(world: OrderWorld, expected: set[str]) -> None:
    shopify = world.shopify_orders()
    tags = [t for o in shopify for t in o["tags"] if t.startswith("joor-order-")]
    assert sorted(tags) == sorted(f"joor-order-{n}" for n in expected), (
        "a JOOR order is missing or doubled in Shopify"
    )
    rows = ImportedOrder.objects.filter(shop=world.shop)
    assert {r.joor_order_id for r in rows} == expected
    assert all(r.state == State.IMPORTED for r in rows)
    assert len({r.shopify_order_id for r in rows}) == len(expected)


def test_death_right_after_shopify_created_the_order() -> None:
    world = make_order_world()
    placed = {world.place(), world.place()}
    with pytest.raises(WorkerKilled):
        world.run(shopify_transport=Dies(shopify_inner(world), 1, only="OrderCreate"))
    assert len(world.shopify_orders()) == 1  # Shopify has it; our row still says CREATING
    assert ImportedOrder.objects.filter(shop=world.shop, state=State.CREATING).count() == 1
    world.run()
    assert_each_once(world, placed)
    adopted = ImportedOrder.objects.get(
        shop=world.shop, events__action="imported", events__message__contains="interrupted"
    )
    assert adopted.attempts == 1


def test_a_lost_answer_to_order_create_is_not_sent_again_blindly() -> None:
    world = make_order_world()
    placed = {world.place()}
    with pytest.raises(ShopifyTransientError) as lost:
        world.run(shopify_transport=Dies(shopify_inner(world), 1, lose=True, only="OrderCreate"))
    assert lost.value.maybe_applied
    world.run()
    assert_each_once(world, placed)


@pytest.mark.parametrize("seed", [1, 2])
def test_ten_deaths_at_random_points_then_a_clean_run(seed: int) -> None:
    world = make_order_world()
    rng = random.Random(seed)
    placed: set[str] = set()
    deaths = 0
    round_ = 0
    while deaths < 10 and round_ < 40:
        round_ += 1
        placed.add(world.place())
        if round_ % 3 == 0:
            placed.add(world.place())
        side = rng.choice(["joor", "shopify"])
        at = rng.randint(1, 3 if side == "joor" else 2)
        joor = Dies(joor_inner(world), at) if side == "joor" else None
        shopify = Dies(shopify_inner(world), at) if side == "shopify" else None
        try:
            world.run(joor_transport=joor, shopify_transport=shopify)
        except WorkerKilled:
            deaths += 1
    assert deaths == 10
    world.run()
    assert_each_once(world, placed)


def test_joor_429_and_5xx_mid_page_are_retried_and_nothing_is_lost() -> None:
    world = make_order_world()
    placed = {world.place() for _ in range(5)}
    world.joor.faults.reconfigure(FaultConfig.parse("5xx=0.25,429=0.25"))
    world.run()
    world.joor.faults.reconfigure(FaultConfig())
    assert_each_once(world, placed)


def test_a_very_recent_interrupted_create_is_looked_up_after_the_settle_time(
    settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_order_world()
    placed = {world.place()}
    with pytest.raises(WorkerKilled):
        world.run(shopify_transport=Dies(shopify_inner(world), 1, only="OrderCreate"))
    waits: list[float] = []
    monkeypatch.setattr("joorsync.orders.imports.time.sleep", waits.append)
    settings.ORDER_SEARCH_SETTLE_SECONDS = 30  # type: ignore[attr-defined]
    world.run()
    assert len(waits) == 1 and 25 < waits[0] <= 30
    assert_each_once(world, placed)


def test_a_replacement_interrupted_after_its_create_adopts_the_new_order_not_the_cancelled_one() -> None:
    world = make_order_world()
    order_id = world.place()
    world.run()
    old = world.row(order_id).shopify_order_id
    order = world.joor.catalog.orders[int(order_id)]
    with world.joor.lock:
        order.lines = order.lines[:1]
        order.modified = world.joor.now()
    with pytest.raises(WorkerKilled):
        world.run(shopify_transport=Dies(shopify_inner(world), 1, only="OrderCreate"))
    world.run()
    row = world.row(order_id)
    live = [o["id"] for o in world.shopify_orders() if not o["cancelledAt"]]
    assert row.state == State.IMPORTED and row.shopify_order_id != old
    assert live == [row.shopify_order_id]
