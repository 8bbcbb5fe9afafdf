"""The Shopify side's writes, batched to Shopify's economics: one `productSet` per changed product
(idempotent: it sets the whole product by id), new products in a bulk mutation when there are many,
stock through `inventorySetQuantities`. Each write first records what it sends, so Shopify's webhooks
for it are known as echoes — a stock write also the product as it leaves it, since Shopify sends
`products/update` for a stock change too.

A bulk mutation that fails in transit (a 5xx, a timeout, a failed or unreadable operation) is run
again, a bounded number of times with a pause between; if it keeps failing the products are created
one `productSet` each. Every create is a productSet by handle, so running one again finds the product
the first made. What still fails is an error of that one product, never of the run.

A bulk operation is awaited through `bulk_finish_waiter`: the `bulk_operations/finish` webhook wakes
the run at once, and polling Shopify, ever less often, stays the fallback.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from joorsync.sync.canonical import CanonicalProduct
from joorsync.sync.echo import (
    shopify_echo_expect_product,
    shopify_echo_expect_products,
    shopify_echo_expect_stock,
)
from joorsync.sync.engine.plan import WriteError
from joorsync.sync.shopify_mapping import canonical_to_product_set
from shopify_app.admin.bulk import WaitFn, bulk_product_set
from shopify_app.admin.client import AdminClient
from shopify_app.admin.errors import (
    ShopifyBadResult,
    ShopifyBulkOperationFailed,
    ShopifyBulkOperationInProgress,
    ShopifyRequestError,
    ShopifyThrottled,
    ShopifyTimeout,
    ShopifyTransientError,
    ShopifyUserErrors,
)
from shopify_app.admin.types import ProductSetResult
from shopify_app.models import BulkOperationFinish

logger = logging.getLogger(__name__)

BULK_CREATE_THRESHOLD = 25  # below this, plain productSet calls are cheaper than a bulk operation
INVENTORY_BATCH = 250  # inventorySetQuantities accepts up to 250 quantities per call
#: Runs of one bulk create before its products are created one by one, and the pauses between.
BULK_ATTEMPTS = 3
BULK_RETRY_DELAYS = (5.0, 30.0)
#: Failures of a bulk operation worth running it again: Shopify did not answer, or the operation
#: failed or is still running (a previous run's, which a run again waits out).
BULK_RETRYABLE = (
    ShopifyTransientError,
    ShopifyThrottled,
    ShopifyTimeout,
    ShopifyBulkOperationFailed,
    ShopifyBulkOperationInProgress,
    ShopifyBadResult,
)
#: What one product's productSet can fail with; it is then an error of that product.
PRODUCT_FAILURES = (
    ShopifyTransientError,
    ShopifyThrottled,
    ShopifyTimeout,
    ShopifyRequestError,
    ShopifyUserErrors,
)
#: How often a waiting run reads whether the finish webhook came; Shopify is polled at the run's poll
#: interval for the first polls, then ever less often, up to a gap of `BULK_POLL_MAX` seconds.
BULK_FINISH_CHECK = 0.25
BULK_STEADY_POLLS = 5
BULK_POLL_MAX = 10.0


def bulk_finish_waiter(
    client: AdminClient, *, shop_id: int, poll_interval: float, check_every: float = BULK_FINISH_CHECK
) -> WaitFn:
    """The `wait(operation_id, timeout)` that `await_bulk_operation` accepts: it returns as soon as
    the `bulk_operations/finish` webhook for the operation was recorded (one indexed read every
    `check_every` seconds), or when a poll of Shopify finds the operation finished, or at the
    timeout. Polls come every `poll_interval` at first, then ever less often (up to
    `BULK_POLL_MAX`), so a webhook that never comes (not subscribed, lost) costs some latency on a
    long operation, never the result."""

    def finished(operation_id: str) -> bool:
        return BulkOperationFinish.objects.filter(shop_id=shop_id, operation_gid=operation_id).exists()

    def wait(operation_id: str, timeout: float) -> object:
        clock, sleep = client.clock, client.sleep
        deadline = clock() + timeout
        interval = max(0.0, poll_interval)
        next_poll = clock() + interval
        polls = 0
        while not finished(operation_id):
            now = clock()
            if now >= deadline:
                return None
            if now >= next_poll:
                operation = client.bulk_operation(operation_id)
                if operation is None or operation.finished:
                    return operation
                polls += 1
                if polls >= BULK_STEADY_POLLS:
                    interval = min(interval * 2, BULK_POLL_MAX)
                next_poll = clock() + interval
            sleep(max(0.0, min(check_every, next_poll - clock(), deadline - clock())))
        return True

    return wait


@dataclass(slots=True)
class ShopifyWrites:
    """Pending Shopify writes of one batch of products, flushed together."""

    client: AdminClient
    location_id: str | None
    idempotency_prefix: str
    quantities: list[dict[str, Any]] = field(default_factory=list)
    creates: list[tuple[dict[str, Any], dict[str, Any], Any]] = field(default_factory=list)
    _flushes: int = 0
    shop_id: int | None = None  # records our writes so their webhooks are known as echoes; None: don't
    bulk_poll_interval: float = 0.5
    # The products the pending quantities belong to, as Shopify has them (product id → node).
    stock_products: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    bulk_wait: WaitFn | None = None

    def set_product(
        self,
        *,
        product_id: str,
        merged: CanonicalProduct,
        style_id: int | None,
        variant_ids: Mapping[str, str],
    ) -> dict[str, Any] | None:
        """productSet of the whole product by id; returns the product as Shopify now has it."""
        payload = canonical_to_product_set(merged, style_id=style_id)
        for entry, variant in zip(payload["variants"], merged.variants, strict=True):
            variant_id = variant_ids.get(variant.key)
            if variant_id:
                entry["id"] = variant_id
        if self.shop_id is not None:
            shopify_echo_expect_product(
                shop_id=self.shop_id, product_input=payload, product_id=product_id, handle=None
            )
        result = self.client.product_set(
            payload, identifier={"id": product_id}, variants_first=_variants_first(payload)
        )
        if result.user_errors:
            raise WriteError(_user_errors("productSet", product_id, result.user_errors))
        return result.product

    def create_product(self, *, payload: dict[str, Any], handle: str, token: Any) -> None:
        """Queue a new product; created in `flush_creates` (bulk when many). `token` comes back."""
        self.creates.append((payload, {"handle": handle}, token))

    def flush_creates(self) -> list[tuple[Any, dict[str, Any] | None, str | None]]:
        """Create the queued products: [(token, product or None, error or None)], one per queued
        product. The product is what Shopify answered: the whole product for single calls,
        `{id, handle}` from a bulk operation."""
        creates, self.creates = self.creates, []
        if not creates:
            return []
        if len(creates) >= BULK_CREATE_THRESHOLD:
            if self.shop_id is not None:
                shopify_echo_expect_products(
                    shop_id=self.shop_id, products=[(c[0], None, c[1]["handle"]) for c in creates]
                )
            lines = self._bulk_create(creates)
            if lines is not None:
                out: list[tuple[Any, dict[str, Any] | None, str | None]] = []
                for position, (_, _, token) in enumerate(creates):
                    line = lines[position] if position < len(lines) else None
                    if line is None:
                        out.append((token, None, "productSet: the bulk operation returned no result for it"))
                    elif line.user_errors:
                        out.append((token, None, _user_errors("productSet", "new product", line.user_errors)))
                    else:
                        out.append((token, line.product, None))
                return out
        return [self._create_one(payload, identifier, token) for payload, identifier, token in creates]

    def _bulk_create(
        self, creates: list[tuple[dict[str, Any], dict[str, Any], Any]]
    ) -> list[ProductSetResult] | None:
        """The bulk operation's result lines in input order; None when it kept failing (the products
        are then created one by one)."""
        for attempt in range(1, BULK_ATTEMPTS + 1):
            try:
                result = bulk_product_set(
                    self.client,
                    [c[0] for c in creates],
                    identifiers=[c[1] for c in creates],
                    poll_interval=self.bulk_poll_interval,
                    wait=self.bulk_wait,
                )
                return list(result)
            except BULK_RETRYABLE as exc:
                logger.warning("bulk create of %s products, attempt %s: %s", len(creates), attempt, exc)
                if attempt < BULK_ATTEMPTS:
                    self.client.sleep(BULK_RETRY_DELAYS[min(attempt, len(BULK_RETRY_DELAYS)) - 1])
            except (ShopifyUserErrors, ShopifyRequestError) as exc:
                logger.warning("bulk create of %s products refused: %s", len(creates), exc)
                break
        return None

    def _create_one(
        self, payload: dict[str, Any], identifier: dict[str, Any], token: Any
    ) -> tuple[Any, dict[str, Any] | None, str | None]:
        if self.shop_id is not None:
            shopify_echo_expect_product(
                shop_id=self.shop_id, product_input=payload, product_id=None, handle=identifier["handle"]
            )
        try:
            single = self.client.product_set(
                payload, identifier=identifier, variants_first=_variants_first(payload)
            )
        except PRODUCT_FAILURES as exc:
            return token, None, f"productSet failed for new product: {type(exc).__name__}: {exc}"
        if single.user_errors:
            return token, None, _user_errors("productSet", "new product", single.user_errors)
        return token, single.product, None

    def set_quantity(
        self, *, inventory_item_id: str, quantity: int, product: Mapping[str, Any] | None = None
    ) -> None:
        """Queue one `available` quantity; `product` is the product the item belongs to, as Shopify
        has it, so the `products/update` Shopify sends for the stock change is known as ours."""
        if not self.location_id:
            raise WriteError("no Shopify location is mapped for inventory")
        self.quantities.append(
            {
                "inventoryItemId": inventory_item_id,
                "locationId": self.location_id,
                "quantity": quantity,
                "changeFromQuantity": None,
            }
        )
        if product is not None and product.get("id"):
            self.stock_products[str(product["id"])] = product

    def flush_quantities(self) -> None:
        """Send the queued quantities. A batch Shopify did not take (refused, or no answer after the
        client's retries) raises `WriteError`: the stock difference stays and the next run sees it."""
        quantities, self.quantities = self.quantities, []
        products, self.stock_products = list(self.stock_products.values()), {}
        for start in range(0, len(quantities), INVENTORY_BATCH):
            self._flushes += 1
            batch = quantities[start : start + INVENTORY_BATCH]
            if self.shop_id is not None:
                shopify_echo_expect_stock(
                    shop_id=self.shop_id, quantities=batch, products=products if start == 0 else ()
                )
            try:
                result = self.client.inventory_set_quantities(
                    batch, idempotency_key=f"{self.idempotency_prefix}-{self._flushes}", reason="correction"
                )
            except (ShopifyTransientError, ShopifyThrottled, ShopifyTimeout) as exc:
                raise WriteError(
                    f"inventorySetQuantities failed for stock: {type(exc).__name__}: {exc}"
                ) from exc
            if result.user_errors:
                raise WriteError(_user_errors("inventorySetQuantities", "stock", result.user_errors))


def _variants_first(payload: Mapping[str, Any]) -> int:
    """Ask back for as many variants as were sent: Shopify prices a query by what it may return,
    and the default of 250 would make each productSet cost far more than the product needs."""
    return max(1, min(250, len(payload.get("variants") or ())))


def _user_errors(operation: str, subject: str, errors: Any) -> str:
    listed = "; ".join(f"{'.'.join(e.field or [])}: {e.message}" for e in errors)
    return f"{operation} refused for {subject}: {listed}"
