"""The world a browser test drives: a live server, both sandboxes in-process, a django-q worker thread.

Every request of the live server, every pass of the worker and every database check of a test holds one
lock. The test database of SQLite is in-memory with a shared cache, where a second concurrent writer
(or a reader beside a writer) fails at once instead of waiting; serialising the three threads keeps the
suite deterministic on SQLite and costs nothing that matters on PostgreSQL. A job therefore runs between
two page requests, and the jobs page sees it queued, then finished.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone
from django_q.brokers import Broker

from joorsync.joor.sandbox.app import JoorSandbox
from joorsync.joor.sandbox.defaults import DEFAULT_TOKEN
from joorsync.sync.jobs import sync_job_request
from joorsync.sync.models import Conflict, JoorAccount, ProductLink, SyncJob
from joorsync.sync.schedules import shop_schedule_sync
from shopify_app.models import Shop
from shopify_app.sandbox.app import ShopifySandbox
from tests.sync.jobs_support import drain_queue

SHOP = "demo.myshopify.com"
SHOPIFY_TOKEN = "shpat_browser_test_token"
JOOR_BASE = "http://joor.test"
SHOPIFY_BASE = "http://shopify.test"
STYLES = 4  # JOOR sandbox catalog size: small, so a full sync takes well under a second
ACTIVE = (SyncJob.Status.QUEUED, SyncJob.Status.RUNNING)

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class SerializedApp:
    """WSGI middleware: the whole request, body included, runs under `lock`."""

    def __init__(self, app: WsgiApp, lock: threading.RLock) -> None:
        self.app = app
        self.lock = lock

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        with self.lock:
            response = self.app(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                close = getattr(response, "close", None)
                if close is not None:
                    close()


class QueueWorker:
    """django-q2's own pusher → worker → monitor, run every `interval` seconds in a daemon thread."""

    def __init__(self, *, broker: Broker, lock: threading.RLock, interval: float = 0.1) -> None:
        self.broker = broker
        self.lock = lock
        self.interval = interval
        self.rounds = 10  # per pass, at most: a task that never leaves the queue cannot spin forever
        self.errors: list[BaseException] = []
        self.processed = 0
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._thread = threading.Thread(target=self._loop, name="browser-test-q-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Hold the worker (between passes) so a test can see a job while it is still queued."""
        with self.lock:  # a pass in progress finishes first
            self._running.clear()
        try:
            yield
        finally:
            self._running.set()

    def _loop(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                with self.lock:
                    if not self._running.is_set():
                        continue
                    try:
                        # An empty ORM broker sleeps its poll interval on dequeue, lock held: look first.
                        for _ in range(self.rounds):
                            if not self.broker.queue_size():
                                break
                            self.processed += drain_queue(self.broker, rounds=1)
                    except Exception as exc:  # reported by the fixture's teardown
                        self.errors.append(exc)
        finally:
            connection.close()


@dataclass
class World:
    """Both sandboxes, the shop connected to them, and the lock that orders database access."""

    joor: JoorSandbox
    shopify: ShopifySandbox
    shop: Shop
    account: JoorAccount
    lock: threading.RLock
    broker: Broker
    worker: QueueWorker
    base_url: str
    edits: int = field(default=0)

    @contextmanager
    def db(self) -> Iterator[None]:
        """Hold while reading or writing the database from the test itself."""
        with self.lock:
            yield

    def wait_idle(self, *, timeout: float = 30.0) -> None:
        """Until no job of the shop is queued or running and the task queue is empty."""
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                busy = SyncJob.objects.filter(shop=self.shop, status__in=ACTIVE).exists()
                queued = self.broker.queue_size() or 0
            if not busy and not queued:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"jobs still active after {timeout}s: {self.jobs_summary()}")
            time.sleep(0.1)

    def jobs_summary(self) -> list[tuple[int, str, str, str]]:
        with self.lock:
            return list(SyncJob.objects.filter(shop=self.shop).values_list("pk", "kind", "status", "error"))

    def sync(self, *, kind: str = SyncJob.Kind.FULL) -> SyncJob:
        """Queue a sync as a schedule would, let the worker run it, and insist that it succeeded."""
        with self.lock:
            job = sync_job_request(shop=self.shop, kind=kind, trigger=SyncJob.Trigger.COMMAND)
        self.wait_idle()
        with self.lock:
            job.refresh_from_db()
        assert job.status == SyncJob.Status.SUCCEEDED, (job.status, job.error)
        return job

    def links(self) -> list[ProductLink]:
        with self.lock:
            return list(
                ProductLink.objects.filter(shop=self.shop, status=ProductLink.Status.LINKED).order_by(
                    "joor_style_id"
                )
            )

    def make_title_conflicts(self, count: int) -> list[Conflict]:
        """Edit the title of `count` linked products differently on both sides, then sync: one open
        conflict each. Needs a first sync (the links and their snapshot)."""
        return self.make_conflicts(count, field_path="title")

    def make_conflicts(self, count: int, *, field_path: str) -> list[Conflict]:
        """As `make_title_conflicts`, for `title` or `description`."""
        joor_field, shopify_field = {
            "title": ("style_name", "title"),
            "description": ("style_description", "descriptionHtml"),
        }[field_path]
        links = self.links()[:count]
        assert len(links) == count, f"only {len(links)} linked products"
        for link in links:
            self.edits += 1
            self.joor.edit_style(link.joor_style_id, {joor_field: f"JOOR {field_path} {self.edits}"})
            self.shopify.merchant_update_product(
                link.shopify_product_id, {shopify_field: f"Shop {field_path} {self.edits}"}
            )
        self.sync(kind=SyncJob.Kind.INCREMENTAL)
        with self.lock:
            conflicts = list(
                Conflict.objects.filter(
                    shop=self.shop, status=Conflict.Status.OPEN, field_path=field_path, link__in=links
                ).order_by("pk")
            )
        assert len(conflicts) == count, conflicts
        return conflicts

    def shopify_title(self, product_gid: str) -> str:
        product_id = int(product_gid.rsplit("/", 1)[-1])
        return self.shopify.shop(SHOP).products[product_id].title

    def joor_name(self, style_id: int) -> str:
        style = self.joor.style(style_id)
        assert style is not None, style_id
        return style["style_name"]

    def shopify_description(self, product_gid: str) -> str:
        product_id = int(product_gid.rsplit("/", 1)[-1])
        return self.shopify.shop(SHOP).products[product_id].description_html

    def joor_description(self, style_id: int) -> str | None:
        style = self.joor.style(style_id)
        assert style is not None, style_id
        return style.get("style_description")


def create_shop(*, lock: threading.RLock) -> tuple[Shop, JoorAccount]:
    """The sandbox shop, installed with a static token and connected to the JOOR sandbox (v2)."""
    with lock:
        shop = Shop.objects.create(
            shop_domain=SHOP,
            access_token=SHOPIFY_TOKEN,
            scopes="read_products,write_products,read_inventory,write_inventory,read_locations",
            api_version="2026-07",
            admin_base_url=SHOPIFY_BASE,
            installed_at=timezone.now(),
        )
        account = JoorAccount.objects.create(
            shop=shop, api_generation="v2", base_url=JOOR_BASE, token=DEFAULT_TOKEN, sync_interval_minutes=15
        )
        shop_schedule_sync(account=account)  # as connecting an account does
    return shop, account
