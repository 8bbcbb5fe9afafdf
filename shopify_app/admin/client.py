"""The Shopify Admin GraphQL client.

One `AdminClient` per shop and token. It sends the `.graphql` operations under `shopify_app/graphql/`,
paces itself by Shopify's cost-based leaky bucket, retries only what is worth retrying (THROTTLED, 429,
5xx other than 501/505, network failures, truncated bodies) with bounded backoff, refreshes an expired
token once through `on_unauthorized`, and turns everything else into the typed errors of
`shopify_app.admin.errors`. `userErrors` are never retried: the typed methods return them in their
result objects.

The rules every outbound client shares come from `joorsync.core.outbound`: a total deadline per request
(slow headers and slow bodies alike), a cap on answers after decompression, the retry decision, the
jittered backoff with a capped `Retry-After`, redaction and the usage counters.
"""

from __future__ import annotations

import logging
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import httpx

from joorsync.core import outbound
from shopify_app.admin import bulk
from shopify_app.admin.bulk import BulkResult
from shopify_app.admin.cost import CostTracker, QueryCost
from shopify_app.admin.errors import (
    InvalidShopDomain,
    ShopifyAuthError,
    ShopifyBadResult,
    ShopifyError,
    ShopifyGraphQLError,
    ShopifyRequestError,
    ShopifyResponseTooLarge,
    ShopifyThrottled,
    ShopifyTimeout,
    ShopifyTransientError,
)
from shopify_app.admin.operations import load_operation, operation_kind
from shopify_app.admin.types import (
    BulkOperation,
    BulkOperationResult,
    GraphQLResult,
    InventorySetResult,
    Location,
    MetafieldsSetResult,
    ProductDeleteResult,
    ProductResult,
    ProductSetOperation,
    ProductSetResult,
    ShopInfo,
    StagedTarget,
    StagedUploadsResult,
    UserError,
    VariantsBulkUpdateResult,
    WebhookSubscription,
    WebhookSubscriptionResult,
    nodes_of,
    user_errors_from,
)

logger = logging.getLogger(__name__)

SHOP_DOMAIN_RE = re.compile(r"^[a-z0-9][a-z0-9-]*\.myshopify\.com$")
API_VERSION_RE = re.compile(r"^(\d{4}-\d{2}|unstable)$")
DEFAULT_API_VERSION = "2026-07"
# Shopify refuses any single query whose requested cost exceeds this.
MAX_QUERY_COST = 1000
MAX_PAGE_SIZE = 250
MAX_NODES_PER_CALL = 250
USER_AGENT = "joorsync-shopify-admin/1.0"
#: One GraphQL answer: a page of 250 products with all their variants and metafields is a few MB.
MAX_RESPONSE_BYTES = 32 * 1024 * 1024
#: Shopify asks for seconds (REST-style 429s say 2.0); a longer ask is a fault, not a plan.
MAX_RETRY_AFTER = 60.0
#: A bulk result file streams for as long as it is large, but not forever.
FILE_DEADLINE = 3600.0


def validate_shop_domain(shop: str) -> str:
    """The shop's `*.myshopify.com` domain, lower-cased; anything else is refused before it reaches a URL."""
    candidate = (shop or "").strip().lower()
    if not SHOP_DOMAIN_RE.fullmatch(candidate):
        raise InvalidShopDomain(f"not a myshopify.com shop domain: {str(shop)[:100]!r}")
    return candidate


def search_value(value: str) -> str:
    """`value` quoted for Shopify's search syntax (`sku:"A B"`), with quotes and backslashes escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def estimated_product_cost(variants_first: int) -> int:
    """Requested cost of one product as `ProductFields` selects it (objects 1, connections +2)."""
    options = 1 + 3  # the option list plus up to three options
    variants = 2 + variants_first * 2  # each variant and its inventoryItem
    metafields = 2 + 50
    return 1 + options + variants + metafields


# Failures after which the request certainly never reached Shopify: always safe to send again.
NOT_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Mutations that create something new each time they run.
NON_IDEMPOTENT_MUTATIONS = frozenset({"BulkOperationRunMutation", "BulkOperationRunQuery"})
# productSet creates a product unless told which one to set (identifier or input.id).
CREATES_UNLESS_IDENTIFIED = frozenset({"ProductSet", "ProductSetAsync"})


def is_idempotent(operation_name: str, variables: Mapping[str, Any] | None) -> bool:
    """Whether sending the operation twice has the same effect as once (queries, set-semantics
    mutations, inventory changes with an idempotency key)."""
    if operation_kind(operation_name) == "query" or operation_name not in (
        NON_IDEMPOTENT_MUTATIONS | CREATES_UNLESS_IDENTIFIED
    ):
        return True
    if operation_name in NON_IDEMPOTENT_MUTATIONS:
        return False
    variables = variables or {}
    return bool(variables.get("identifier") or (variables.get("input") or {}).get("id"))


def _page(size: int) -> int:
    """A `first:` argument within Shopify's 1..250."""
    return max(1, min(int(size), MAX_PAGE_SIZE))


def _dig(data: Mapping[str, Any] | None, path: str | Sequence[str]) -> Any:
    keys = path.split(".") if isinstance(path, str) else list(path)
    current: Any = data
    for key in keys:
        if not isinstance(current, Mapping):
            return None
        current = current.get(key)
    return current


class AdminClient:
    """Admin GraphQL API of one shop. Thread-safe; create one per shop and token, close when done."""

    def __init__(
        self,
        *,
        shop: str,
        access_token: str,
        api_version: str = DEFAULT_API_VERSION,
        admin_base_url: str | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        deadline: float | None = None,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        on_unauthorized: Callable[[], str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        max_retries: int = 5,
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
        rng: random.Random | None = None,
        cost_tracker: CostTracker | None = None,
    ) -> None:
        """`cost_tracker` may be shared by several clients of the same shop so they pace together.

        `timeout` bounds each connect and read; `deadline` (default: twice `timeout`) bounds one request
        from sending to the last byte of its answer, so a server dripping bytes cannot hold a worker.
        Answers larger than `max_response_bytes` after decompression fail with `ShopifyResponseTooLarge`.
        """
        self.shop_domain = validate_shop_domain(shop)
        if not API_VERSION_RE.fullmatch(api_version or ""):
            raise ValueError(f"invalid Shopify API version {api_version!r}")
        if not access_token:
            raise ShopifyAuthError("no access token for the Shopify Admin API")
        self.api_version = api_version
        self._access_token = access_token
        self._tokens_sent: list[str] = [access_token]
        self._sandbox = bool(admin_base_url)
        base = admin_base_url.rstrip("/") if admin_base_url else f"https://{self.shop_domain}"
        self.endpoint = f"{base}/admin/api/{api_version}/graphql.json"
        self._on_unauthorized = on_unauthorized
        self.sleep = sleep
        self.clock = clock
        self.max_retries = max(0, int(max_retries))
        self._backoff = outbound.Backoff(
            base=backoff_base,
            cap=backoff_cap,
            max_retry_after=MAX_RETRY_AFTER,
            rng=rng or random.Random(),  # noqa: S311 - jitter, not security
        )
        self.timeout = httpx.Timeout(timeout, connect=min(10.0, timeout))
        self.deadline = deadline if deadline is not None else 2 * timeout
        self._transport = transport
        self._http = httpx.Client(
            transport=outbound.PolicyTransport(
                transport,
                limits=outbound.Limits(deadline=self.deadline, max_body_bytes=max_response_bytes),
            ),
            timeout=self.timeout,
            follow_redirects=False,
        )
        self._files_http: httpx.Client | None = None
        self.cost = cost_tracker or CostTracker(clock=clock)
        self._usage = outbound.Usage()
        self._redactor = outbound.Redactor(lambda: self._tokens_sent, mask="[redacted]")
        self._token_lock = threading.Lock()

    # ------------------------------------------------------------------ plumbing

    def __repr__(self) -> str:
        return f"AdminClient(shop={self.shop_domain!r}, api_version={self.api_version!r}, endpoint={self.endpoint!r})"

    def __enter__(self) -> AdminClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()
        if self._files_http is not None:
            self._files_http.close()

    @property
    def usage(self) -> dict[str, int]:
        """Counters since creation: HTTP requests, Σ actualQueryCost, THROTTLED/429 answers, retries
        (the shared `outbound.Usage` counters; the Admin API has no auth requests to count)."""
        counts = self._usage.snapshot()
        return {
            "requests": counts.requests,
            "cost": counts.cost,
            "throttled": counts.throttled,
            "retries": counts.retries,
        }

    @property
    def file_http(self) -> httpx.Client:
        """A client for staged uploads and bulk result downloads: same transport, never the Shopify token
        (those URLs are pre-signed storage URLs on other hosts). The outbound policy applies with a
        long deadline and no size cap: result files are streamed line by line, never held whole."""
        if self._files_http is None:
            self._files_http = httpx.Client(
                transport=outbound.PolicyTransport(
                    self._transport, limits=outbound.Limits(deadline=FILE_DEADLINE, max_body_bytes=None)
                ),
                timeout=httpx.Timeout(max(self.timeout.read or 30.0, 120.0), connect=10.0),
                follow_redirects=True,
                headers={"User-Agent": USER_AGENT},
            )
        return self._files_http

    def _count(self, key: str, amount: int = 1) -> None:
        self._usage.add(**{key: amount})

    def _redact(self, text: str) -> str:
        return self._redactor(text)

    def _headers(self, token: str) -> dict[str, str]:
        headers = {
            "X-Shopify-Access-Token": token,
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        if self._sandbox:
            headers["X-Sandbox-Shop-Domain"] = self.shop_domain
        return headers

    def _retry_after(self, response: httpx.Response) -> float | None:
        return outbound.parse_retry_after(response.headers.get("Retry-After"), cap=MAX_RETRY_AFTER)

    def _refresh_token(self, rejected: str) -> bool:
        """Get a new token after `rejected` got a 401; threads that raced here share one refresh."""
        if self._on_unauthorized is None:
            return False
        with self._token_lock:
            if self._access_token != rejected:
                return True
            new_token = self._on_unauthorized()
            if not new_token:
                return False
            self._tokens_sent.append(new_token)
            self._access_token = new_token
        return True

    def _error_text(self, response: httpx.Response) -> str:
        try:
            body = response.json()
            detail = body.get("errors") if isinstance(body, dict) else body
        except ValueError:
            detail = response.text[:200]
        return self._redact(str(detail)[:300])

    # ------------------------------------------------------------------ core

    def execute(
        self,
        operation_name: str,
        variables: Mapping[str, Any] | None = None,
        *,
        idempotent: bool | None = None,
    ) -> GraphQLResult:
        """Send operation `operation_name` (from its `.graphql` file) and return its data and cost.

        `idempotent` (default: worked out from the operation) decides whether a failure that leaves it
        unknown if Shopify applied the request (read timeout, 5xx, cut body) is retried; a create that
        must not happen twice is not, and raises `ShopifyTransientError(maybe_applied=True)` instead.
        """
        if idempotent is None:
            idempotent = is_idempotent(operation_name, variables)
        return self.execute_document(
            load_operation(operation_name), variables, operation_name=operation_name, idempotent=idempotent
        )

    def execute_document(
        self,
        document: str,
        variables: Mapping[str, Any] | None = None,
        *,
        operation_name: str,
        idempotent: bool = True,
    ) -> GraphQLResult:
        """Send `document` (a packaged operation, or one built by tooling) with retries and pacing."""
        payload = {"query": document, "variables": dict(variables or {}), "operationName": operation_name}
        transient_failures = 0
        throttled = 0
        refreshed = False

        def transient(reason: str, status: int | None, *, ambiguous: bool) -> None:
            nonlocal transient_failures
            transient_failures += 1
            if ambiguous and not idempotent:
                raise ShopifyTransientError(
                    f"Shopify {operation_name}: {reason}; not retried, the mutation may have been applied",
                    status=status,
                    maybe_applied=True,
                )
            if transient_failures > self.max_retries:
                raise ShopifyTransientError(
                    f"Shopify {operation_name}: {reason} after {transient_failures} attempts", status=status
                )
            self._retry(operation_name, reason, self._backoff.delay(transient_failures))

        while True:
            wait = self.cost.wait_before(operation_name)
            if wait > 0:
                logger.debug("shopify %s: waiting %.2fs for bucket capacity", operation_name, wait)
                self.sleep(wait)
            sent_token = self._access_token
            try:
                response = self._http.post(self.endpoint, json=payload, headers=self._headers(sent_token))
            except outbound.ResponseTooLarge as exc:  # the same request would bring the same answer
                self._count("requests")
                raise ShopifyResponseTooLarge(f"Shopify {operation_name}: {exc}") from None
            except httpx.DecodingError:  # a compressed body cut short or corrupted on the way
                self._count("requests")
                transient("undecodable body", None, ambiguous=True)
                continue
            except httpx.TransportError as exc:  # timeouts, refused/reset connections, protocol errors
                self._count("requests")
                reason = (
                    f"{type(exc).__name__} ({self._redact(str(exc))[:200]})"
                    if str(exc)
                    else type(exc).__name__
                )
                transient(reason, None, ambiguous=not isinstance(exc, NOT_SENT_ERRORS))
                continue
            self._count("requests")
            status = response.status_code
            logger.debug("shopify %s: HTTP %s (%d bytes)", operation_name, status, len(response.content))

            if status == 401:
                if not refreshed and self._refresh_token(sent_token):
                    refreshed = True
                    self._count("retries")
                    continue
                raise ShopifyAuthError(
                    f"Shopify {operation_name}: HTTP 401 {self._error_text(response)}", status=401
                )
            if status == 403:
                raise ShopifyAuthError(
                    f"Shopify {operation_name}: HTTP 403 {self._error_text(response)}", status=403
                )
            if status == 429:
                throttled += 1
                self._count("throttled")
                retry_after = self._retry_after(response)
                if throttled > self.max_retries:
                    raise ShopifyThrottled(
                        f"Shopify {operation_name}: HTTP 429 after {throttled} attempts",
                        status=429,
                        retry_after=retry_after,
                    )
                self._retry(operation_name, "HTTP 429", self._backoff.delay(throttled, retry_after))
                continue
            if status >= 500 and outbound.retryable_status(status):
                transient(f"HTTP {status}", status, ambiguous=True)
                continue
            if status >= 400 or status < 200:
                raise ShopifyRequestError(
                    f"Shopify {operation_name}: HTTP {status} {self._error_text(response)}", status=status
                )

            try:
                body = response.json()
            except ValueError:
                body = None
            if not isinstance(body, dict) or ("data" not in body and "errors" not in body):
                transient("unparseable or truncated body", status, ambiguous=True)
                continue

            cost = QueryCost.from_extensions(body.get("extensions"))
            self.cost.record(operation_name, cost)
            if cost is not None and cost.actual:
                self._count("cost", cost.actual)
            errors = body.get("errors")
            if errors:
                if isinstance(errors, str | dict):
                    errors = [errors if isinstance(errors, dict) else {"message": errors}]
                codes = [
                    str((e.get("extensions") or {}).get("code") or "") for e in errors if isinstance(e, dict)
                ]
                if "THROTTLED" in codes:
                    throttled += 1
                    self._count("throttled")
                    wait = self.cost.wait_after_throttle(operation_name, cost)
                    if throttled > self.max_retries:
                        raise ShopifyThrottled(
                            f"Shopify {operation_name}: THROTTLED after {throttled} attempts",
                            status=status,
                            retry_after=wait,
                        )
                    self._retry(operation_name, "THROTTLED", wait)
                    continue
                summary = "; ".join(
                    f"{e.get('message', '')} [{(e.get('extensions') or {}).get('code', '')}]"
                    for e in errors
                    if isinstance(e, dict)
                )
                raise ShopifyGraphQLError(
                    self._redact(f"Shopify {operation_name}: {summary}"[:1000]),
                    errors=[e for e in errors if isinstance(e, dict)],
                    data=body.get("data") if isinstance(body.get("data"), dict) else None,
                    status=status,
                )
            data = body.get("data")
            if not isinstance(data, dict):
                raise ShopifyBadResult(f"Shopify {operation_name}: answer without data", status=status)
            return GraphQLResult(
                operation_name=operation_name, data=data, extensions=body.get("extensions") or {}, cost=cost
            )

    def _retry(self, operation_name: str, reason: str, wait: float) -> None:
        self._count("retries")
        logger.info("shopify %s: %s, retrying in %.2fs", operation_name, reason, wait)
        if wait > 0:
            self.sleep(wait)

    # ------------------------------------------------------------------ pagination

    def paginate(
        self,
        operation_name: str,
        variables: Mapping[str, Any] | None = None,
        path: str | Sequence[str] = (),
    ) -> Iterator[dict[str, Any]]:
        """Nodes of the connection at `path` (e.g. "products"), page after page via `after`/`endCursor`."""
        current = dict(variables or {})
        while True:
            result = self.execute(operation_name, current)
            connection = _dig(result.data, path)
            if connection is None:
                return
            yield from nodes_of(connection)
            info = connection.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                return
            cursor = info.get("endCursor")
            if not cursor or cursor == current.get("after"):
                raise ShopifyBadResult(f"Shopify {operation_name}: hasNextPage without a new endCursor")
            current["after"] = cursor

    # ------------------------------------------------------------------ reads

    def shop(self) -> ShopInfo:
        return ShopInfo.from_payload(self.execute("Shop").data["shop"])

    def locations(self) -> list[Location]:
        return [
            Location.from_payload(n)
            for n in self.paginate("Locations", {"first": MAX_PAGE_SIZE}, "locations")
        ]

    def products_page_size(self, page_size: int, variants_first: int) -> int:
        """`page_size` reduced so that one page's requested cost stays under Shopify's per-query cap."""
        fits = max(1, (MAX_QUERY_COST - 2) // estimated_product_cost(variants_first))
        return max(1, min(page_size, MAX_PAGE_SIZE, fits))

    def iter_products(
        self, query: str | None = None, page_size: int = 100, *, variants_first: int = 250
    ) -> Iterator[dict[str, Any]]:
        """Every product matching `query` (Shopify search syntax), with all its variants.

        Products come as Shopify returns them (`variants.nodes`, `metafields.nodes` …); variants past the
        first `variants_first` are fetched and appended, so `variants.nodes` is always complete.
        """
        variables: dict[str, Any] = {
            "first": self.products_page_size(page_size, _page(variants_first)),
            "variantsFirst": _page(variants_first),
        }
        if query:
            variables["query"] = query
        for product in self.paginate("Products", variables, "products"):
            yield self._complete_variants(product)

    def product(self, product_id: str, *, variants_first: int = 250) -> dict[str, Any] | None:
        product = self.execute(
            "Product", {"id": product_id, "variantsFirst": _page(variants_first)}
        ).data.get("product")
        return self._complete_variants(product) if product else None

    def _complete_variants(self, product: dict[str, Any]) -> dict[str, Any]:
        variants = product.get("variants")
        if not isinstance(variants, dict):
            return product
        info = variants.get("pageInfo") or {}
        if info.get("hasNextPage") and info.get("endCursor"):
            rest = self.paginate(
                "ProductVariantsPage",
                {"id": product["id"], "first": MAX_PAGE_SIZE, "after": info["endCursor"]},
                "product.variants",
            )
            variants["nodes"] = [*variants.get("nodes", []), *rest]
            variants["pageInfo"] = {"hasNextPage": False, "endCursor": None}
        return product

    def iter_variants(self, query: str, page_size: int = 100) -> Iterator[dict[str, Any]]:
        """Variants matching a search such as `sku:"ABC-1"` (use `search_value` to quote)."""
        return self.paginate(
            "ProductVariants",
            {"first": max(1, min(page_size, MAX_PAGE_SIZE)), "query": query},
            "productVariants",
        )

    def variants_by_sku(self, sku: str) -> list[dict[str, Any]]:
        # Shopify's search is fuzzy around punctuation: keep only exact matches.
        return [v for v in self.iter_variants(f"sku:{search_value(sku)}") if v.get("sku") == sku]

    def variants_by_barcode(self, barcode: str) -> list[dict[str, Any]]:
        return [
            v for v in self.iter_variants(f"barcode:{search_value(barcode)}") if v.get("barcode") == barcode
        ]

    def nodes(self, ids: Sequence[str]) -> list[dict[str, Any] | None]:
        """The objects behind `ids`, in order; None where Shopify has none."""
        found: list[dict[str, Any] | None] = []
        for start in range(0, len(ids), MAX_NODES_PER_CALL):
            chunk = list(ids[start : start + MAX_NODES_PER_CALL])
            found.extend(self.execute("Nodes", {"ids": chunk}).data.get("nodes") or [None] * len(chunk))
        return found

    # ------------------------------------------------------------------ product writes

    def product_set(
        self,
        input: Mapping[str, Any],  # noqa: A002 - Shopify's argument name
        *,
        synchronous: bool = True,
        identifier: Mapping[str, Any] | None = None,
        poll_interval: float = 1.0,
        timeout: float = 300.0,
        variants_first: int = 250,
    ) -> ProductSetResult:
        """Create or fully set one product (list fields left out are deleted by Shopify).

        With `synchronous=False` Shopify queues a productSetOperation; this polls `productOperation`
        until COMPLETE and returns the same shape as the synchronous call.
        """
        variables: dict[str, Any] = {"input": dict(input)}
        if identifier is not None:
            variables["identifier"] = dict(identifier)
        if synchronous:
            payload = (
                self.execute("ProductSet", {**variables, "variantsFirst": _page(variants_first)}).data.get(
                    "productSet"
                )
                or {}
            )
            product = payload.get("product")
            return ProductSetResult(
                user_errors=user_errors_from(payload),
                product=self._complete_variants(product) if product else None,
            )
        payload = self.execute("ProductSetAsync", variables).data.get("productSet") or {}
        user_errors = user_errors_from(payload)
        raw_operation = payload.get("productSetOperation")
        if user_errors or not raw_operation:
            return ProductSetResult(user_errors=user_errors)
        operation = ProductSetOperation.from_payload(raw_operation)
        if operation.user_errors:
            return ProductSetResult(user_errors=operation.user_errors, operation=operation)
        operation = self.await_product_operation(
            operation, poll_interval=poll_interval, timeout=timeout, variants_first=variants_first
        )
        product = operation.product
        return ProductSetResult(
            user_errors=operation.user_errors,
            product=self._complete_variants(product) if product else None,
            operation=operation,
        )

    def product_operation(
        self, operation_id: str, *, variants_first: int = 250
    ) -> ProductSetOperation | None:
        raw = self.execute(
            "ProductOperation", {"id": operation_id, "variantsFirst": _page(variants_first)}
        ).data.get("productOperation")
        return ProductSetOperation.from_payload(raw, fallback_id=operation_id) if raw else None

    def await_product_operation(
        self,
        operation: ProductSetOperation,
        *,
        poll_interval: float = 1.0,
        timeout: float = 300.0,
        variants_first: int = 250,
    ) -> ProductSetOperation:
        deadline = self.clock() + timeout
        while not operation.done:
            if self.clock() >= deadline:
                raise ShopifyTimeout(
                    f"productSet operation {operation.id} still {operation.status} after {timeout}s"
                )
            self.sleep(poll_interval)
            polled = self.product_operation(operation.id, variants_first=variants_first)
            if polled is None:
                raise ShopifyBadResult(f"productSet operation {operation.id} not found")
            operation = polled
        return operation

    def product_update(self, product: Mapping[str, Any], *, variants_first: int = 250) -> ProductResult:
        """productUpdate with a ProductUpdateInput (must carry `id`); scalar fields only, no variants."""
        payload = (
            self.execute(
                "ProductUpdate", {"product": dict(product), "variantsFirst": _page(variants_first)}
            ).data.get("productUpdate")
            or {}
        )
        return ProductResult(user_errors=user_errors_from(payload), product=payload.get("product"))

    def product_delete(self, product_id: str) -> ProductDeleteResult:
        payload = self.execute("ProductDelete", {"input": {"id": product_id}}).data.get("productDelete") or {}
        return ProductDeleteResult(
            user_errors=user_errors_from(payload), deleted_product_id=payload.get("deletedProductId")
        )

    def product_variants_bulk_update(
        self,
        product_id: str,
        variants: Sequence[Mapping[str, Any]],
        *,
        allow_partial_updates: bool = False,
    ) -> VariantsBulkUpdateResult:
        """Update variants of one product (SKU goes in `inventoryItem.sku`, not on the variant)."""
        payload = (
            self.execute(
                "ProductVariantsBulkUpdate",
                {
                    "productId": product_id,
                    "variants": [dict(v) for v in variants],
                    "allowPartialUpdates": allow_partial_updates,
                },
            ).data.get("productVariantsBulkUpdate")
            or {}
        )
        return VariantsBulkUpdateResult(
            user_errors=user_errors_from(payload),
            product=payload.get("product"),
            variants=list(payload.get("productVariants") or []),
        )

    def metafields_set(self, metafields: Sequence[Mapping[str, Any]]) -> MetafieldsSetResult:
        """metafieldsSet (atomic; Shopify allows at most 25 per call and answers a user error beyond)."""
        payload = (
            self.execute("MetafieldsSet", {"metafields": [dict(m) for m in metafields]}).data.get(
                "metafieldsSet"
            )
            or {}
        )
        return MetafieldsSetResult(
            user_errors=user_errors_from(payload), metafields=list(payload.get("metafields") or [])
        )

    def inventory_set_quantities(
        self,
        quantities: Sequence[Mapping[str, Any]],
        *,
        idempotency_key: str,
        name: str = "available",
        reason: str = "correction",
        reference_document_uri: str | None = None,
    ) -> InventorySetResult:
        """Set absolute quantities. Each entry needs `inventoryItemId`, `locationId`, `quantity` and an
        explicit `changeFromQuantity` (the expected current value, or None to skip the check). The same
        `idempotency_key` must be reused when the same change is sent again."""
        if not idempotency_key or not idempotency_key.strip():
            raise ValueError("inventorySetQuantities needs a non-blank idempotency key")
        for entry in quantities:
            if "changeFromQuantity" not in entry:
                raise ValueError(
                    "every quantity needs an explicit changeFromQuantity (None to skip the check)"
                )
        input_: dict[str, Any] = {"name": name, "reason": reason, "quantities": [dict(q) for q in quantities]}
        if reference_document_uri:
            input_["referenceDocumentUri"] = reference_document_uri
        payload = (
            self.execute(
                "InventorySetQuantities", {"input": input_, "idempotencyKey": idempotency_key}
            ).data.get("inventorySetQuantities")
            or {}
        )
        return InventorySetResult(
            user_errors=user_errors_from(payload), adjustment_group=payload.get("inventoryAdjustmentGroup")
        )

    # ------------------------------------------------------------------ webhooks

    def webhook_subscription_create(self, *, topic: str, uri: str) -> WebhookSubscriptionResult:
        payload = (
            self.execute(
                "WebhookSubscriptionCreate", {"topic": topic, "webhookSubscription": {"uri": uri}}
            ).data.get("webhookSubscriptionCreate")
            or {}
        )
        raw = payload.get("webhookSubscription")
        return WebhookSubscriptionResult(
            user_errors=user_errors_from(payload),
            subscription=WebhookSubscription.from_payload(raw) if raw else None,
        )

    def webhook_subscriptions(self, *, topics: Sequence[str] | None = None) -> list[WebhookSubscription]:
        variables: dict[str, Any] = {"first": 100}
        if topics:
            variables["topics"] = list(topics)
        return [
            WebhookSubscription.from_payload(n)
            for n in self.paginate("WebhookSubscriptions", variables, "webhookSubscriptions")
        ]

    def ensure_webhook_subscription(self, *, topic: str, uri: str) -> WebhookSubscriptionResult:
        """Subscribe `uri` to `topic` unless that exact subscription exists (safe to repeat on reinstall)."""
        for existing in self.webhook_subscriptions(topics=[topic]):
            if existing.topic == topic and existing.uri == uri:
                return WebhookSubscriptionResult(user_errors=[], subscription=existing)
        return self.webhook_subscription_create(topic=topic, uri=uri)

    def webhook_subscription_delete(self, subscription_id: str) -> list[UserError]:
        payload = (
            self.execute("WebhookSubscriptionDelete", {"id": subscription_id}).data.get(
                "webhookSubscriptionDelete"
            )
            or {}
        )
        return user_errors_from(payload)

    # ------------------------------------------------------------------ bulk operations

    def bulk_operation_run_query(self, query: str, *, group_objects: bool = True) -> BulkOperationResult:
        payload = (
            self.execute("BulkOperationRunQuery", {"query": query, "groupObjects": group_objects}).data.get(
                "bulkOperationRunQuery"
            )
            or {}
        )
        raw = payload.get("bulkOperation")
        return BulkOperationResult(
            user_errors=user_errors_from(payload), operation=BulkOperation.from_payload(raw) if raw else None
        )

    def bulk_operation_run_mutation(
        self, mutation: str, *, staged_upload_path: str, client_identifier: str | None = None
    ) -> BulkOperationResult:
        variables: dict[str, Any] = {"mutation": mutation, "stagedUploadPath": staged_upload_path}
        if client_identifier:
            variables["clientIdentifier"] = client_identifier
        payload = (
            self.execute("BulkOperationRunMutation", variables).data.get("bulkOperationRunMutation") or {}
        )
        raw = payload.get("bulkOperation")
        return BulkOperationResult(
            user_errors=user_errors_from(payload), operation=BulkOperation.from_payload(raw) if raw else None
        )

    def bulk_operation(self, operation_id: str) -> BulkOperation | None:
        raw = self.execute("BulkOperation", {"id": operation_id}).data.get("bulkOperation")
        return BulkOperation.from_payload(raw) if raw else None

    def bulk_operations(self, *, query: str | None = None) -> Iterator[BulkOperation]:
        """Bulk operations of this app, e.g. `query="status:RUNNING"`."""
        variables: dict[str, Any] = {"first": 50}
        if query:
            variables["query"] = query
        for raw in self.paginate("BulkOperations", variables, "bulkOperations"):
            yield BulkOperation.from_payload(raw)

    def bulk_operation_cancel(self, operation_id: str) -> BulkOperationResult:
        payload = (
            self.execute("BulkOperationCancel", {"id": operation_id}).data.get("bulkOperationCancel") or {}
        )
        raw = payload.get("bulkOperation")
        return BulkOperationResult(
            user_errors=user_errors_from(payload), operation=BulkOperation.from_payload(raw) if raw else None
        )

    def staged_uploads_create(self, inputs: Sequence[Mapping[str, Any]]) -> StagedUploadsResult:
        payload = (
            self.execute("StagedUploadsCreate", {"input": [dict(i) for i in inputs]}).data.get(
                "stagedUploadsCreate"
            )
            or {}
        )
        return StagedUploadsResult(
            user_errors=user_errors_from(payload),
            targets=[StagedTarget.from_payload(t) for t in payload.get("stagedTargets") or []],
        )

    def run_bulk_query(self, query: str, **kwargs: Any) -> BulkResult:
        """Start, await and stream a bulk query: see `shopify_app.admin.bulk.run_bulk_query`."""
        return bulk.run_bulk_query(self, query, **kwargs)

    def bulk_product_set(self, inputs: Sequence[Mapping[str, Any]], **kwargs: Any) -> BulkResult:
        """productSet for many products as one bulk mutation: see `shopify_app.admin.bulk.bulk_product_set`."""
        return bulk.bulk_product_set(self, inputs, **kwargs)


__all__ = ["AdminClient", "ShopifyError", "search_value", "validate_shop_domain"]
