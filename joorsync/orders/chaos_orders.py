"""The chaos bench's order phase: wholesale orders imported while the worker is killed.

After the catalog has converged (every variant linked), batches of orders are placed in the JOOR
sandbox; for each batch an order run is asked for, and the worker is killed with SIGKILL a random
moment after it started the run (faults still on both sides). Then, faults off, order runs are
asked for until one leaves nothing waiting, and every approved JOOR order is judged: exactly one
Shopify order (found by its `joor-order-<id>` tag), or held with a reason — never none, never two.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from typing import TYPE_CHECKING, Any

import httpx

from joorsync.orders.imports import IMPORTABLE_STATUSES
from joorsync.orders.models import STATUSES_BY_ORDER_TYPE, ImportedOrder
from joorsync.orders.selectors import linked_upcs, order_settings_get
from joorsync.orders.services import orders_job_request
from joorsync.orders.shopify_orders import TAG_PREFIX
from joorsync.sync.models import SyncJob
from shopify_app.admin.client import AdminClient
from shopify_app.models import Shop

if TYPE_CHECKING:
    from joorsync.sync.chaos_run import ChaosRun

POLL = 0.1
SETTLE_RUNS = 5


def _place(run: ChaosRun, shop: Shop, count: int) -> list[str]:
    upcs = linked_upcs(shop=shop, limit=200)
    placed = []
    with httpx.Client(timeout=30) as client:
        for _ in range(count):
            lines = run.rng.sample(upcs, min(len(upcs), run.rng.randint(1, 8)))
            body = {
                "status": "APPROVED",
                "price_type_name": "EXPORT-US",
                "sku_line_items": [{"upc": upc, "quantity": run.rng.randint(1, 12)} for upc in lines],
            }
            response = client.post(f"{run.joor_url}/_sandbox/orders", json=body)
            response.raise_for_status()
            placed.append(str(response.json()["order_id"]))
    return placed


def _running_orders_job(run: ChaosRun, shop: Shop) -> SyncJob | None:
    return SyncJob.objects.filter(
        shop=shop,
        kind=SyncJob.Kind.ORDERS,
        status=SyncJob.Status.RUNNING,
        heartbeat_at__gte=run.worker_started_at,
    ).first()


def _shopify_tags(run: ChaosRun) -> Counter[str]:
    """How many Shopify orders carry each `joor-order-<id>` tag."""
    from joorsync.sync.chaos_run import SHOP, SHOPIFY_TOKEN

    client = AdminClient(shop=SHOP, access_token=SHOPIFY_TOKEN, admin_base_url=run.shopify_url, timeout=120.0)
    tags: Counter[str] = Counter()
    after = None
    try:
        while True:
            page = client.execute("Orders", {"query": "tag:JOOR", "first": 20, "after": after}).data["orders"]
            for node in page["nodes"]:
                tags.update(t for t in node["tags"] if t.startswith(TAG_PREFIX))
            if not page["pageInfo"]["hasNextPage"]:
                return tags
            after = page["pageInfo"]["endCursor"]
    finally:
        client.close()


def orders_chaos(run: ChaosRun, shop: Shop) -> dict[str, Any]:
    """The phase (faults are switched on and off here); returns the report's `orders` section."""
    cfg = run.config
    kills = []
    batch = max(1, math.ceil(cfg.orders / max(cfg.order_kills, 1)))
    placed: list[str] = []
    run.faults(on=True)
    if run.worker is None:
        run.start_worker()
    deadline = time.monotonic() + cfg.phase_timeout
    for _ in range(cfg.order_kills):
        placed += _place(run, shop, min(batch, max(cfg.orders - len(placed), 1)))
        orders_job_request(shop=shop)
        job = None
        while job is None and time.monotonic() < deadline:
            job = _running_orders_job(run, shop)
            if job is None:
                if not SyncJob.objects.filter(
                    shop=shop, status__in=(SyncJob.Status.QUEUED, SyncJob.Status.RUNNING)
                ).exists():
                    orders_job_request(shop=shop)
                run.sleep(POLL)
        run.sleep(run.rng.uniform(0.02, 0.8))
        victim = _running_orders_job(run, shop)
        run.kill_worker()
        kills.append(victim.pk if victim else None)
        run.start_worker()
    if len(placed) < cfg.orders:
        placed += _place(run, shop, cfg.orders - len(placed))
    run.await_idle(shop, "after the order kills")
    run.faults(on=False)
    settle = []
    for _ in range(SETTLE_RUNS):
        job = orders_job_request(shop=shop)
        run.await_idle(shop, "during an order run")
        job.refresh_from_db()
        settle.append({"job": job.pk, "status": job.status, "counters": job.counters})
        waiting = ImportedOrder.objects.filter(
            shop=shop, state__in=(ImportedOrder.State.RECEIVED, ImportedOrder.State.CREATING)
        ).count()
        if job.status == SyncJob.Status.SUCCEEDED and not waiting and not (job.counters or {}).get("new"):
            break
    joor_orders = httpx.get(f"{run.joor_url}/_sandbox/orders", timeout=30).json()["orders"]
    wanted = STATUSES_BY_ORDER_TYPE[order_settings_get(shop=shop).order_type] & IMPORTABLE_STATUSES
    approved = {str(o["order_id"]) for o in joor_orders if o.get("stored_status") in wanted}
    tags = _shopify_tags(run)
    held = set(
        ImportedOrder.objects.filter(shop=shop, state=ImportedOrder.State.HELD).values_list(
            "joor_order_id", flat=True
        )
    )
    in_shopify = {tag.removeprefix(TAG_PREFIX) for tag in tags}
    lost = sorted(approved - in_shopify - held, key=int)
    duplicated = sorted((tag.removeprefix(TAG_PREFIX) for tag, n in tags.items() if n > 1), key=int)
    return {
        "placed": len(placed),
        "approved_in_joor": len(approved),
        "kills": {"asked": cfg.order_kills, "with_job": sum(1 for k in kills if k is not None)},
        "in_shopify": len(in_shopify),
        "held": len(held),
        "lost": len(lost),
        "duplicated": len(duplicated),
        "examples": {"lost": lost[:5], "duplicated": duplicated[:5]},
        "settle_runs": settle,
    }
