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

import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
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
    ShopifyGraphQLError,
    ShopifyRequestError,
    ShopifyThrottled,
    ShopifyTimeout,
    ShopifyTransientError,
    ShopifyUserErrors,
)
from shopify_app.admin.inventory import inventory_activate
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
    activations: list[dict[str, Any]] = field(default_factory=list)
    stock_tokens: list[tuple[dict[str, Any], Any]] = field(default_factory=list)
    creates: list[tuple[dict[str, Any], dict[str, Any], Any]] = field(default_factory=list)
    _flushes: int = 0
    shop_id: int | None = None  # records our writes so their webhooks are known as echoes; None: don't
    bulk_poll_interval: float = 0.5
    # The products the pending quantities belong to, as Shopify has them (product id → node).
    stock_products: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    bulk_wait: WaitFn | None = None
    vendor: str = ""  # sent as the vendor of every product written, when set

    def set_product(
        self,
        *,
        product_id: str,
        merged: CanonicalProduct,
        style_id: int | None,
        variant_ids: Mapping[str, str],
        inventory_policy: str | None = None,
        files: list[dict[str, Any]] | None = None,
        category: str | None = None,
        category_tags: Sequence[str] | None = None,
        policies: Mapping[str, str] | None = None,
    ) -> dict[str, Any] | None:
        """productSet of the whole product by id; returns the product as Shopify now has it.
        `files`: the product's media as they should be (images ride in the same call); `policies`:
        variant key → the `inventoryPolicy` planned for it (`joorsync.stock.engine.policy_review`)."""
        payload = canonical_to_product_set(
            merged,
            style_id=style_id,
            vendor=self.vendor or None,
            inventory_policy=inventory_policy,
            category=category,
            category_tags=category_tags,
        )
        if files is not None:
            payload["files"] = files
        for entry, variant in zip(payload["variants"], merged.variants, strict=True):
            variant_id = variant_ids.get(variant.key)
            if variant_id:
                entry["id"] = variant_id
            if policies and variant.key in policies:
                entry["inventoryPolicy"] = policies[variant.key]
        if self.shop_id is not None:
            shopify_echo_expect_product(
                shop_id=self.shop_id, product_input=payload, product_id=product_id, handle=None
            )
        try:
            result = self.client.product_set(
                payload, identifier={"id": product_id}, variants_first=_variants_first(payload)
            )
        except ShopifyGraphQLError as exc:
            raise WriteError(_category_refused(exc, product_id, payload)) from exc
        if result.user_errors:
            raise WriteError(_user_errors("productSet", product_id, result.user_errors))
        return result.product

    def set_policies(
        self, *, product_id: str, product: Mapping[str, Any], policies: Mapping[str, str]
    ) -> None:
        """One `productVariantsBulkUpdate` of the variants' `inventoryPolicy` only (variant id →
        policy): nothing else of the product is sent. `product` is the product as Shopify has it,
        whose `products/update` the change fires."""
        if self.shop_id is not None:
            shopify_echo_expect_stock(shop_id=self.shop_id, quantities=(), products=[product])
        variants = [{"id": variant_id, "inventoryPolicy": policy} for variant_id, policy in policies.items()]
        result = self.client.product_variants_bulk_update(product_id, variants)
        if result.user_errors:
            raise WriteError(_user_errors("productVariantsBulkUpdate", product_id, result.user_errors))

    def set_files(
        self, *, product_id: str, files: list[dict[str, Any]], variants_first: int = 250
    ) -> dict[str, Any] | None:
        """A productSet of the product's media only (its fields and variants are not sent, so they
        stay as they are); returns the product as Shopify now has it."""
        result = self.client.product_set(
            {"files": files}, identifier={"id": product_id}, variants_first=max(1, min(250, variants_first))
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
        except ShopifyGraphQLError as exc:
            return token, None, _category_refused(exc, "new product", payload)
        if single.user_errors:
            return token, None, _user_errors("productSet", "new product", single.user_errors)
        return token, single.product, None

    def set_quantity(
        self,
        *,
        inventory_item_id: str,
        quantity: int,
        product: Mapping[str, Any] | None = None,
        location_id: str | None = None,
        change_from: int | None = None,
        activate: bool = False,
        token: Any = None,
    ) -> None:
        """Queue one `available` quantity at `location_id` (default: the side's location).
        `change_from` is the quantity read this run: Shopify refuses the write when the stock moved
        since (None: no check). `activate` stocks the item there first, with the quantity, in one
        `inventoryActivate`. `product` is the product the item belongs to, as Shopify has it, so the
        `products/update` Shopify sends for the stock change is known as ours; `token` comes back with
        a write Shopify did not take (`StockHold`)."""
        location = location_id or self.location_id
        if not location:
            raise WriteError("no Shopify location is mapped for inventory")
        entry = {
            "inventoryItemId": inventory_item_id,
            "locationId": location,
            "quantity": quantity,
            "changeFromQuantity": None if activate else change_from,
        }
        (self.activations if activate else self.quantities).append(entry)
        self.stock_tokens.append((entry, token))
        if product is not None and product.get("id"):
            self.stock_products[str(product["id"])] = product

    def flush_quantities(self) -> list[StockHold]:
        """Send the queued quantities: activations one by one, then `inventorySetQuantities` batches,
        each with an idempotency key derived from what it sends (a resent write is applied once).
        What Shopify did not take comes back as holds, never as a failed run: a figure that moved
        since it was read (CHANGE_FROM_QUANTITY_STALE), an item no longer stocked there, a refusal,
        or no answer after the client's retries."""
        activations, self.activations = self.activations, []
        quantities, self.quantities = self.quantities, []
        tokens, self.stock_tokens = self.stock_tokens, []
        products, self.stock_products = list(self.stock_products.values()), {}
        token_of = {id(entry): token for entry, token in tokens}
        holds: list[StockHold] = []

        def hold(entry: dict[str, Any], reason: str, *, moved: bool) -> None:
            holds.append(StockHold(entry=entry, reason=reason, moved=moved, token=token_of.get(id(entry))))

        if self.shop_id is not None and (activations or quantities):
            shopify_echo_expect_stock(
                shop_id=self.shop_id, quantities=[*activations, *quantities], products=products
            )
        for entry in activations:
            self._activate(entry, hold)
        for start in range(0, len(quantities), INVENTORY_BATCH):
            self._set_batch(quantities[start : start + INVENTORY_BATCH], hold)
        return holds

    def _activate(self, entry: dict[str, Any], hold: Any) -> None:
        self._flushes += 1
        try:
            result = inventory_activate(
                self.client,
                inventory_item_id=entry["inventoryItemId"],
                location_id=entry["locationId"],
                available=entry["quantity"],
                idempotency_key=self._stock_key("activate", [entry]),
            )
        except STOCK_FAILURES as exc:
            hold(entry, f"inventoryActivate failed: {type(exc).__name__}: {exc}", moved=False)
            return
        if result.user_errors:
            # Most likely stocked there meanwhile (Shopify refuses a quantity for an active level).
            hold(entry, _user_errors("inventoryActivate", "stock", result.user_errors), moved=True)

    def _set_batch(self, batch: list[dict[str, Any]], hold: Any) -> None:
        """One batch; entries Shopify names as stale or not stocked are held and the rest sent again
        (Shopify applies a batch whole or not at all)."""
        for _ in range(STOCK_ROUNDS):
            if not batch:
                return
            self._flushes += 1
            try:
                result = self.client.inventory_set_quantities(
                    batch, idempotency_key=self._stock_key("set", batch), reason="correction"
                )
            except STOCK_FAILURES as exc:
                for entry in batch:
                    hold(entry, f"inventorySetQuantities failed: {type(exc).__name__}: {exc}", moved=False)
                return
            if not result.user_errors:
                return
            named = _entry_errors(result.user_errors, len(batch))
            if named is None:
                message = _user_errors("inventorySetQuantities", "stock", result.user_errors)
                for entry in batch:
                    hold(entry, message, moved=False)
                return
            for index, (code, message) in sorted(named.items()):
                hold(batch[index], f"{message} ({code})", moved=code in MOVED_CODES)
            batch = [entry for index, entry in enumerate(batch) if index not in named]
        for entry in batch:
            hold(entry, "inventorySetQuantities kept refusing this batch", moved=False)

    def _stock_key(self, kind: str, entries: list[dict[str, Any]]) -> str:
        """The same write gets the same key (Shopify applies it once, however often it is resent);
        another write, or another job, another key."""
        digest = hashlib.sha256(json.dumps(entries, sort_keys=True).encode()).hexdigest()[:20]
        return f"{self.idempotency_prefix}-{kind}-{digest}"


@dataclass(frozen=True, slots=True)
class StockHold:
    """A stock write Shopify did not take. `moved`: the stock changed since it was read (or the item
    is no longer stocked there), so the figure is compared again on the next run."""

    entry: dict[str, Any]
    reason: str
    moved: bool
    token: Any = None


#: Codes of an entry whose stock moved underneath the write.
MOVED_CODES = frozenset({"CHANGE_FROM_QUANTITY_STALE", "ITEM_NOT_STOCKED_AT_LOCATION"})
#: Rounds of one batch after entries were taken out of it.
STOCK_ROUNDS = 3
#: A stock write that got no answer: held, never a failed run.
STOCK_FAILURES = (ShopifyTransientError, ShopifyThrottled, ShopifyTimeout, ShopifyRequestError)


def _entry_errors(errors: Any, size: int) -> dict[int, tuple[str, str]] | None:
    """Batch index → (code, message) of errors naming one entry (`input.quantities.<i>.…`); None when
    an error names none (the batch as a whole was refused)."""
    named: dict[int, tuple[str, str]] = {}
    for error in errors:
        path = list(error.field or [])
        if len(path) < 3 or path[:2] != ["input", "quantities"] or not str(path[2]).isdigit():
            return None
        index = int(path[2])
        if index >= size:
            return None
        named[index] = (str(getattr(error, "code", "") or ""), error.message)
    return named


#: Shopify's answer to a category id its taxonomy does not have: a top-level error, the mutation's
#: field null (docs/categories.md has the recordings).
TAXONOMY_REFUSED = "INVALID_PRODUCT_TAXONOMY_NODE_ID"


def _category_refused(exc: ShopifyGraphQLError, subject: str, payload: Mapping[str, Any]) -> str:
    """The product problem for a productSet refused for its category; any other top-level error is
    not one product's and goes on up."""
    if TAXONOMY_REFUSED not in exc.codes:
        raise exc
    return (
        f"productSet for {subject}: Shopify does not know the product category {payload.get('category')} "
        "(Invalid product_taxonomy_node_id); change its line in the category mappings"
    )


def _variants_first(payload: Mapping[str, Any]) -> int:
    """Ask back for as many variants as were sent: Shopify prices a query by what it may return,
    and the default of 250 would make each productSet cost far more than the product needs."""
    return max(1, min(250, len(payload.get("variants") or ())))


def _user_errors(operation: str, subject: str, errors: Any) -> str:
    listed = "; ".join(f"{'.'.join(e.field or [])}: {e.message}" for e in errors)
    return f"{operation} refused for {subject}: {listed}"
