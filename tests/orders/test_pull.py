"""Reading JOOR's order export: each order stored once, none lost when the worker dies after JOOR
marked a page exported and before the page was stored."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from joorsync.joor.client import JoorClient
from joorsync.joor.sandbox.app import JoorSandbox
from joorsync.joor.sandbox.app import SandboxConfig as JoorConfig
from joorsync.joor.sandbox.defaults import DEFAULT_TOKEN
from joorsync.orders.models import ImportedOrder, OrderPull
from joorsync.orders.pull import order_changes_pull, order_pull
from joorsync.orders.selectors import order_settings_get
from shopify_app.models import Shop

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """Stands for the process dying: nothing after it runs."""


class DiesAfterMarking:
    """A JOOR client whose process dies right after JOOR answered the first `sync=1` page; `before`
    runs first (a retailer placing an order between the preview and the marking)."""

    def __init__(self, joor: JoorClient, before: Any = None) -> None:
        self.joor = joor
        self.before = before

    def iter_orders(self, *, sync: bool, **kwargs: Any) -> Iterator[dict[str, Any]]:
        if sync and self.before is not None:
            self.before()
        orders = self.joor.iter_orders(sync=sync, **kwargs)
        if sync:
            next(orders, None)  # JOOR has answered: the page is marked exported
            raise WorkerKilled
        yield from orders


@pytest.fixture
def sandbox() -> JoorSandbox:
    return JoorSandbox(JoorConfig(styles=4, seed=3, orders=6, rate_limit="off"))


@pytest.fixture
def shop() -> Shop:
    return Shop.objects.create(shop_domain="pull.myshopify.com", access_token="x")


def client(sandbox: JoorSandbox) -> JoorClient:
    return JoorClient(
        base_url="http://joor.test", token=DEFAULT_TOKEN, transport=httpx.WSGITransport(app=sandbox)
    )


def approved(sandbox: JoorSandbox) -> set[str]:
    return {str(n) for n, o in sandbox.catalog.orders.items() if o.status == "APPROVED"}


def a_sku(sandbox: JoorSandbox) -> str:
    style = next(iter(sandbox.catalog.styles.values()))
    return next(iter(style.sku_ids.values()))


def test_a_pull_stores_each_order_once_and_marks_them(sandbox: JoorSandbox, shop: Shop) -> None:
    settings = order_settings_get(shop=shop)
    expected = approved(sandbox)
    assert expected
    counts = order_pull(shop=shop, joor=client(sandbox), settings=settings)
    stored = set(ImportedOrder.objects.filter(shop=shop).values_list("joor_order_id", flat=True))
    assert stored == expected
    assert counts.new == len(expected)
    assert all(sandbox.catalog.orders[int(n)].exported_at is not None for n in expected)
    again = order_pull(shop=shop, joor=client(sandbox), settings=settings)
    assert (again.new, ImportedOrder.objects.filter(shop=shop).count()) == (0, len(expected))
    assert OrderPull.objects.filter(shop=shop, finished_at__isnull=False).count() == 2


def test_death_after_marking_loses_nothing(sandbox: JoorSandbox, shop: Shop) -> None:
    settings = order_settings_get(shop=shop)
    placed: list[str] = []

    def retailer_orders() -> None:
        view = sandbox.place_order(
            {"status": "APPROVED", "sku_line_items": [{"sku_id": a_sku(sandbox), "quantity": 3}]}
        )
        placed.append(str(view["order_id"]))

    with pytest.raises(WorkerKilled):
        order_pull(shop=shop, joor=DiesAfterMarking(client(sandbox), retailer_orders), settings=settings)  # type: ignore[arg-type]
    late = placed[0]
    assert sandbox.catalog.orders[int(late)].exported_at is not None  # JOOR marked it …
    assert not ImportedOrder.objects.filter(shop=shop, joor_order_id=late).exists()  # … and it was not stored
    assert OrderPull.objects.get(shop=shop).finished_at is None

    order_pull(shop=shop, joor=client(sandbox), settings=settings)  # the next run recovers it
    stored = list(ImportedOrder.objects.filter(shop=shop).values_list("joor_order_id", flat=True))
    assert sorted(stored) == sorted(approved(sandbox))
    assert len(stored) == len(set(stored))
    assert OrderPull.objects.get(shop=shop, finished_at__isnull=True).recovered_at is not None


def test_ten_deaths_in_a_row_then_one_clean_run(sandbox: JoorSandbox, shop: Shop) -> None:
    settings = order_settings_get(shop=shop)

    def retailer_orders() -> None:
        sandbox.place_order(
            {"status": "APPROVED", "sku_line_items": [{"sku_id": a_sku(sandbox), "quantity": 1}]}
        )

    for _ in range(10):
        retailer_orders()  # waiting before the pull, so there is something to mark …
        with pytest.raises(WorkerKilled):  # … and one more arrives between the preview and the marking
            order_pull(shop=shop, joor=DiesAfterMarking(client(sandbox), retailer_orders), settings=settings)  # type: ignore[arg-type]
    order_pull(shop=shop, joor=client(sandbox), settings=settings)
    stored = list(ImportedOrder.objects.filter(shop=shop).values_list("joor_order_id", flat=True))
    assert sorted(stored) == sorted(approved(sandbox))
    assert len(stored) == len(set(stored))


def test_changes_after_export_are_seen(sandbox: JoorSandbox, shop: Shop) -> None:
    settings = order_settings_get(shop=shop)
    order_pull(shop=shop, joor=client(sandbox), settings=settings)
    first = order_changes_pull(shop=shop, joor=client(sandbox), settings=settings)
    assert first.received == 0  # the first check only sets the starting point
    some = ImportedOrder.objects.filter(shop=shop).first()
    assert some is not None
    before = some.fingerprint
    order = sandbox.catalog.orders[int(some.joor_order_id)]
    with sandbox.lock:
        order.status = "CANCELLED"
        order.modified = sandbox.now()
    changes = order_changes_pull(shop=shop, joor=client(sandbox), settings=settings)
    some.refresh_from_db()
    assert changes.changed == 1
    assert some.joor_status == "CANCELLED" and some.fingerprint != before


def test_a_pull_with_nothing_waiting_reads_once_and_marks_nothing(sandbox: JoorSandbox, shop: Shop) -> None:
    settings = order_settings_get(shop=shop)
    joor = client(sandbox)
    order_pull(shop=shop, joor=joor, settings=settings)
    before = joor.usage.requests
    again = order_pull(shop=shop, joor=joor, settings=settings)
    assert again.received == 0
    assert joor.usage.requests - before == 1  # the preview only
    assert OrderPull.objects.filter(shop=shop, finished_at__isnull=True).count() == 0
