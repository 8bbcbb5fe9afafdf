"""Webhook delivery: signed POSTs with Shopify's headers, explicit timeouts, bounded retries.

In thread mode a small pool of senders delivers concurrently, as Shopify does: webhooks leave in the
order they were raised but may arrive in any order (Shopify promises none), and a delivery waiting to
be retried holds up only its own sender.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

logger = logging.getLogger(__name__)

TIMEOUT = httpx.Timeout(5.0, connect=1.0)
DEFAULT_SENDERS = 4


def topic_enum(header: str) -> str:
    """`products/update` → `PRODUCTS_UPDATE`, `app/uninstalled` → `APP_UNINSTALLED`."""
    return header.replace("/", "_").upper()


def sign(body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


@dataclass
class Delivery:
    """One webhook and its delivery attempts (a retry keeps the ids, as Shopify's do)."""

    topic: str
    uri: str
    shop: str
    body: bytes
    headers: dict[str, str]
    attempts: list[int | str] = field(default_factory=list)
    status: int | str | None = None

    @property
    def delivered(self) -> bool:
        return isinstance(self.status, int) and 200 <= self.status < 300

    @property
    def payload(self) -> Any:
        return json.loads(self.body)

    def __iter__(self) -> Iterator[str | int | None]:  # lets tests unpack (topic, uri, status)
        return iter((self.topic, self.uri, self.status))


class WebhookSender:
    """Builds, signs and sends webhooks; `mode` is sync (inline), thread (`senders` in the background)
    or off."""

    def __init__(
        self,
        *,
        secret: str,
        transport: httpx.BaseTransport | None,
        mode: str,
        max_attempts: int,
        retry_delay: float,
        now: Callable[[], str],
        sleep: Callable[[float], None] = time.sleep,
        senders: int = DEFAULT_SENDERS,
    ) -> None:
        self.secret = secret
        self.mode = mode
        self.max_attempts = max(1, max_attempts)
        self.retry_delay = retry_delay
        self.now = now
        self.sleep = sleep
        self.senders = max(1, senders)
        self.deliveries: list[Delivery] = []
        self._lock = threading.Lock()
        self._client = httpx.Client(transport=transport, timeout=TIMEOUT, follow_redirects=False)
        self._queue: queue.Queue[Delivery | None] = queue.Queue()
        self._workers: list[threading.Thread] = []

    def build(
        self, *, shop: str, topic: str, uri: str, api_version: str, payload: dict[str, Any]
    ) -> Delivery:
        body = json.dumps(payload, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": sign(body, self.secret),
            "X-Shopify-Shop-Domain": shop,
            "X-Shopify-API-Version": api_version,
            "X-Shopify-Webhook-Id": str(uuid.uuid4()),
            "X-Shopify-Triggered-At": self.now(),
            "X-Shopify-Event-Id": str(uuid.uuid4()),
            "User-Agent": "Shopify-Captain-Hook",
        }
        return Delivery(topic=topic, uri=uri, shop=shop, body=body, headers=headers)

    def send(self, deliveries: list[Delivery]) -> None:
        if not deliveries:
            return
        with self._lock:
            self.deliveries.extend(deliveries)
        if self.mode == "off":
            return
        if self.mode == "sync":
            for delivery in deliveries:
                self._deliver(delivery)
            return
        self._ensure_workers()
        for delivery in deliveries:
            self._queue.put(delivery)

    def _ensure_workers(self) -> None:
        with self._lock:
            self._workers = [worker for worker in self._workers if worker.is_alive()]
            for _ in range(self.senders - len(self._workers)):
                worker = threading.Thread(
                    target=self._run, name=f"shopify-sandbox-webhooks-{len(self._workers)}", daemon=True
                )
                worker.start()
                self._workers.append(worker)

    def _run(self) -> None:
        while True:
            delivery = self._queue.get()
            try:
                if delivery is None:
                    return
                self._deliver(delivery)
            finally:
                self._queue.task_done()

    def drain(self, timeout: float = 10.0) -> None:
        """Wait until queued deliveries (thread mode) are done, by every sender."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)

    def _deliver(self, delivery: Delivery) -> None:
        for attempt in range(self.max_attempts):
            if attempt and self.retry_delay:
                self.sleep(self.retry_delay * (2 ** (attempt - 1)))
            try:
                response = self._client.post(delivery.uri, content=delivery.body, headers=delivery.headers)
                outcome: int | str = response.status_code
            except httpx.HTTPError as exc:
                outcome = type(exc).__name__
            delivery.attempts.append(outcome)
            delivery.status = outcome
            if delivery.delivered:
                return
        logger.info(
            "webhook %s to %s failed after %d attempts", delivery.topic, delivery.uri, self.max_attempts
        )

    def close(self) -> None:
        with self._lock:
            workers, self._workers = [w for w in self._workers if w.is_alive()], []
        for _ in workers:
            self._queue.put(None)
        deadline = time.monotonic() + 5
        for worker in workers:
            worker.join(timeout=max(0.0, deadline - time.monotonic()))
        self._client.close()
