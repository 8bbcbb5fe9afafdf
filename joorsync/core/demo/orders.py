"""The demo's wholesale orders: a few retailers' orders placed in the JOOR sandbox on the synced
catalog (one in euros, which the US-dollar shop holds), then imported by the worker."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from joorsync.core.demo.processes import DemoError
from joorsync.orders.selectors import linked_upcs, order_counts, order_settings_get
from joorsync.orders.services import order_settings_update, orders_job_request
from joorsync.sync.models import SyncJob
from shopify_app.models import Shop

HTTP_TIMEOUT = 15.0
#: (retailer code, JOOR price type, [(line index, quantity)], PO number); the price types are the
#: sandbox's ("EXPORT-US" is in US dollars, "EUROPE" in euros).
DEMO_ORDERS = (
    ("BB-NY", "EXPORT-US", [(0, 6), (1, 4), (2, 2)], "BB-2027-001"),
    ("NORD-7", "EXPORT-US", [(3, 24), (4, 24), (5, 12), (6, 12)], "NS-88412"),
    ("LIB-11", "EXPORT-US", [(1, 3), (7, 3)], "LIB-PO-5531"),
    ("GL001", "EUROPE", [(2, 10), (8, 10)], "GL-77120"),
)


def demo_place_orders(*, shop: Shop, joor_url: str) -> list[str]:
    """Place the demo's orders in the JOOR sandbox on linked SKUs (by UPC); returns their JOOR ids."""
    upcs = linked_upcs(shop=shop, limit=20)
    if len(upcs) < 9:
        raise DemoError("the first sync linked too few variants to place demo orders")
    placed = []
    with httpx.Client(timeout=HTTP_TIMEOUT) as client:
        for code, price_type, lines, po in DEMO_ORDERS:
            body = {
                "customer_code": code,
                "price_type_name": price_type,
                "status": "APPROVED",
                "po_number": po,
                "sku_line_items": [{"upc": upcs[i], "quantity": q} for i, q in lines],
            }
            response = client.post(f"{joor_url.rstrip('/')}/_sandbox/orders", json=body)
            if response.status_code not in (200, 201):
                raise DemoError(
                    f"placing a demo order answered HTTP {response.status_code}: {response.text[:200]}"
                )
            placed.append(str(response.json()["order_id"]))
    return placed


def demo_import_orders(*, shop: Shop, wait: Callable[..., SyncJob], timeout: float) -> dict[str, int]:
    """Turn on the shop's order import (every 30 minutes) and run it once now through the worker."""
    order_settings_update(settings=order_settings_get(shop=shop), enabled=True, interval_minutes=30)
    job = orders_job_request(shop=shop, trigger=SyncJob.Trigger.MANUAL)
    wait(job=job, timeout=timeout)
    return order_counts(shop=shop)
