"""Helpers for the job, task, webhook and conflict tests: shops, accounts, links and a batch engine.

`BatchEngine` stands in for `joorsync.sync.job_run.sync_run` and follows the engine's contract with the
job services: it works in batches, commits each batch's writes together with `sync_job_progress`
(checkpoint included), and resumes from `job.checkpoint`. Its "writes" are SyncEvent rows, so a test
can count them and prove nothing was written twice.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing import Value
from typing import Any

from django.db import transaction
from django_q.brokers import Broker, get_broker
from django_q.monitor import monitor
from django_q.pusher import pusher
from django_q.queues import Queue
from django_q.worker import worker

from joorsync.sync.jobs import sync_event_record, sync_job_progress
from joorsync.sync.models import Conflict, JoorAccount, ProductLink, SyncEvent, SyncJob, VariantLink
from shopify_app.models import Shop
from tests.shopify_app.app_support import installed_shop

JOOR_TOKEN = "joor-secret-token-123"  # noqa: S105 - a fake credential


def make_shop(domain: str = "demo.myshopify.com") -> Shop:
    return installed_shop(shop=domain, expires_in=None, refresh_token="")


def make_account(shop: Shop, **fields: Any) -> JoorAccount:
    values: dict[str, Any] = {"api_generation": "v2", "base_url": "http://joor.test", "token": JOOR_TOKEN}
    values.update(fields)
    return JoorAccount.objects.create(shop=shop, **values)


def make_link(shop: Shop, n: int, **fields: Any) -> ProductLink:
    values: dict[str, Any] = {
        "shopify_product_id": f"gid://shopify/Product/{n}",
        "joor_style_id": 5000 + n,
        "style_number": f"ST-{n}",
        "style_identifier": f"ST-{n}",
    }
    values.update(fields)
    return ProductLink.objects.create(shop=shop, **values)


def make_variant(link: ProductLink, inventory_item: str, **fields: Any) -> VariantLink:
    return VariantLink.objects.create(
        product_link=link,
        color_code=fields.pop("color_code", "BLK"),
        size=fields.pop("size", "M"),
        shopify_inventory_item_id=inventory_item,
        **fields,
    )


def make_conflict(shop: Shop, link: ProductLink, path: str = "title", **fields: Any) -> Conflict:
    values: dict[str, Any] = {"base_value": "Coat", "shopify_value": "Wool coat", "joor_value": "Winter coat"}
    values.update(fields)
    return Conflict.objects.create(shop=shop, link=link, field_path=path, **values)


class WorkerKilled(BaseException):
    """Stands for SIGKILL: not an Exception, so nothing in the job services catches it."""


@dataclass
class BatchEngine:
    """Writes items 0..total-1 in batches; `kill_after` batches it "dies" (WorkerKilled)."""

    total: int = 10
    batch: int = 3
    kill_after: int | None = None
    fail_with: BaseException | None = None
    gate: threading.Event | None = None  # wait on this before the first batch (concurrency tests)
    started: threading.Event = field(default_factory=threading.Event)
    calls: list[dict[str, Any]] = field(default_factory=list)
    before_batch: Callable[[SyncJob, int], None] | None = None

    def __call__(self, *, job: SyncJob) -> None:
        self.calls.append(
            {
                "job_id": job.pk,
                "attempt": job.attempts,
                "target": job.target,
                "checkpoint": dict(job.checkpoint or {}),
                "kind": job.kind,
            }
        )
        self.started.set()
        if self.gate is not None:
            self.gate.wait(timeout=10)
        if self.fail_with is not None:
            raise self.fail_with
        start = int((job.checkpoint or {}).get("next", 0))
        batches = 0
        for first in range(start, self.total, self.batch):
            if self.kill_after is not None and batches >= self.kill_after:
                raise WorkerKilled
            if self.before_batch is not None:
                self.before_batch(job, first)
            items = range(first, min(first + self.batch, self.total))
            with transaction.atomic():
                for item in items:
                    sync_event_record(job=job, action="item_written", details={"item": item})
                sync_job_progress(
                    job=job,
                    done=items.stop,
                    total=self.total,
                    counters={"written": items.stop},
                    checkpoint={"next": items.stop},
                )
            batches += 1


def written_items(shop: Shop) -> list[int]:
    return sorted(e.details["item"] for e in SyncEvent.objects.filter(shop=shop, action="item_written"))


def install_engine(monkeypatch: Any, engine: Callable[..., None]) -> None:
    """Make the job layer run the given callable instead of the engine for this test."""
    from joorsync.sync import job_run

    monkeypatch.setattr(job_run, "sync_run", engine)


def drain_queue(broker: Broker | None = None, *, rounds: int = 20) -> int:
    """Run django-q2's own pusher → worker → monitor in this process until the broker is empty.

    The same functions a `qcluster` runs in its processes: tasks are pulled from the configured broker
    (ORM or Redis), executed by the worker and their results saved by the monitor. Returns the number
    of tasks processed.
    """
    broker = broker or get_broker()
    processed = 0
    for _ in range(rounds):
        task_queue, result_queue = Queue(), Queue()
        stop = threading.Event()
        stop.set()  # one dequeue pass
        pusher(task_queue, stop, broker=broker)
        pulled = task_queue.qsize()
        if not pulled:
            return processed
        task_queue.put("STOP")
        worker(task_queue, result_queue, Value("f", -1))
        result_queue.put("STOP")
        monitor(result_queue, broker=broker)
        processed += pulled
    return processed
