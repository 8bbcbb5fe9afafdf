"""`manage.py orders`: one order run through the job services, or a dry run that writes and marks nothing."""

from __future__ import annotations

import io
import json

import httpx
import pytest
from django.core.management import CommandError, call_command

from joorsync.orders.models import ImportedOrder
from joorsync.sync.clients import transport_override
from joorsync.sync.models import SyncEvent, SyncJob
from tests.orders.orders_support import OrderWorld, make_order_world
from tests.sync.engine_support import SHOP

pytestmark = pytest.mark.django_db


def orders(world: OrderWorld, *args: str) -> list[str]:
    out = io.StringIO()
    with transport_override(
        joor=httpx.WSGITransport(app=world.world.joor_sandbox),
        shopify=httpx.WSGITransport(app=world.world.shopify_sandbox),
    ):
        call_command("orders", "--shop", SHOP, *args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_dry_run_shows_what_would_happen_and_marks_nothing() -> None:
    world = make_order_world()
    good = world.place()
    held = world.place(price_type_id=world.price_type("EUR"))
    report = json.loads(orders(world, "--dry-run", "--json")[-1])
    outcomes = {o["joor_order_id"]: o["outcome"] for o in report["orders"]}
    assert outcomes == {good: "import", held: "hold"}
    assert report["summary"] == {"import": 1, "hold": 1}
    assert not ImportedOrder.objects.exists() and world.shopify_orders() == []
    assert all(o.exported_at is None for o in world.joor.catalog.orders.values())
    text = orders(world, "--dry-run")
    assert any("CURRENCY" in line for line in text) and "nothing was written" in text[-1]


def test_a_run_imports_and_reports() -> None:
    world = make_order_world()
    world.place()
    report = json.loads(orders(world, "--json")[-1])
    assert report["status"] == SyncJob.Status.SUCCEEDED
    assert report["orders"]["imported"] == 1 and report["counters"]["imported"] == 1
    job = SyncJob.objects.get(pk=report["job"])
    assert job.kind == SyncJob.Kind.ORDERS and job.trigger == "command"
    summary = SyncEvent.objects.get(job=job, action="orders")
    assert "1 new JOOR order(s) read; 1 imported into Shopify" in summary.message
    assert json.loads(orders(world, "--json")[-1])["counters"].get("imported", 0) == 0


def test_unknown_shop_is_a_one_line_error() -> None:
    with pytest.raises(CommandError, match="no installed shop"):
        call_command("orders", "--shop", "nope.myshopify.com")
