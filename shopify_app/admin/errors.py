"""Typed errors raised by the Shopify Admin GraphQL client.

Callers decide what to do by type: `ShopifyThrottled` and `ShopifyTransientError` may succeed later;
`ShopifyAuthError` needs a new token or a reinstall; `ShopifyGraphQLError` and `ShopifyRequestError` mean
the request itself is wrong and repeating it will not help. Messages never contain access tokens.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shopify_app.admin.types import UserError


class ShopifyError(Exception):
    """Base of every error raised for the Shopify Admin API. `status` is the HTTP status when known."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class InvalidShopDomain(ShopifyError, ValueError):
    """A shop that is not `<name>.myshopify.com`: never put into a URL."""


class ShopifyAuthError(ShopifyError):
    """HTTP 401/403: token missing, expired, revoked or lacking a scope (refresh was tried if possible)."""


class ShopifyThrottled(ShopifyError):
    """THROTTLED (or HTTP 429) answers persisted through the allowed retries."""

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after


class ShopifyTransientError(ShopifyError):
    """5xx, timeouts, dropped connections or truncated bodies persisted through the allowed retries.

    `maybe_applied` is True when a mutation that must not run twice failed in a way that leaves open
    whether Shopify applied it (so it was not retried): look before sending it again.
    """

    def __init__(self, message: str, *, status: int | None = None, maybe_applied: bool = False) -> None:
        super().__init__(message, status=status)
        self.maybe_applied = maybe_applied


class ShopifyRequestError(ShopifyError):
    """A 4xx other than 401/403/429 (wrong API version, bad URL, payload too large …), or a 501/505:
    not retried."""


class ShopifyResponseTooLarge(ShopifyError):
    """An answer whose body, after decompression, exceeded the client's cap; reading stopped there and
    the request is not retried (it would bring the same answer)."""


class ShopifyGraphQLError(ShopifyError):
    """Top-level GraphQL `errors` (validation, MAX_INPUT_SIZE_EXCEEDED, MAX_COST_EXCEEDED, ACCESS_DENIED …).

    `errors` holds Shopify's error objects as received, `codes` their `extensions.code` values and
    `data` whatever partial data came with them.
    """

    def __init__(
        self,
        message: str,
        *,
        errors: Sequence[dict[str, Any]],
        data: dict[str, Any] | None = None,
        status: int | None = 200,
    ) -> None:
        super().__init__(message, status=status)
        self.errors = list(errors)
        self.data = data
        self.codes = [str((e.get("extensions") or {}).get("code") or "") or None for e in self.errors]
        self.messages = [str(e.get("message", "")) for e in self.errors]


class ShopifyUserErrors(ShopifyError):
    """A mutation answered with `userErrors`; raised only by helpers that cannot return them."""

    def __init__(self, message: str, *, user_errors: Sequence[UserError]) -> None:
        super().__init__(message, status=200)
        self.user_errors = list(user_errors)
        self.codes = [e.code for e in self.user_errors]


class ShopifyBulkOperationInProgress(ShopifyUserErrors):
    """bulkOperationRunQuery/Mutation refused with OPERATION_IN_PROGRESS: try again after the running one."""


class ShopifyBulkOperationFailed(ShopifyError):
    """A bulk operation ended FAILED, CANCELED or EXPIRED (or could not be read back)."""

    def __init__(
        self,
        message: str,
        *,
        operation_id: str | None,
        status_name: str | None,
        error_code: str | None,
        partial_data_url: str | None = None,
    ) -> None:
        super().__init__(message, status=None)
        self.operation_id = operation_id
        self.status_name = status_name
        self.error_code = error_code
        self.partial_data_url = partial_data_url


class ShopifyTimeout(ShopifyError):
    """An asynchronous Shopify job (bulk operation, productSet operation) did not finish in time."""


class ShopifyBadResult(ShopifyError):
    """A result file or payload that cannot be processed (bad JSONL line, orphan child row …)."""
