"""HTTP plumbing shared by every JOOR call: one request loop with the budget, retries and error mapping.

Why one loop: JOOR's failure modes (429 with a credit window, 5xx, cut connections, truncated bodies,
expired tokens) need the same treatment on every endpoint, and a body that does not parse is only
known once it has been parsed, so parsing happens inside the loop and a `JoorMalformedBody` is retried
like any other transient failure.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol, TypeVar

import httpx
from defusedxml import ElementTree as SafeET

from joorsync.core import outbound
from joorsync.core.outbound import Redactor, UsageSnapshot

from .budget import CreditBudget, request_cost
from .errors import (
    JoorAuthError,
    JoorError,
    JoorMalformedBody,
    JoorPermanentError,
    JoorRateLimited,
    JoorTransientError,
)

logger = logging.getLogger("joorsync.joor.client")

T = TypeVar("T")

DEFAULT_MAX_RETRIES = 5
DEFAULT_MAX_RATE_LIMIT_RETRIES = 5
MAX_HONOURED_RETRY_AFTER = 900.0
#: A request, however its server drips its answer, ends after this many read timeouts.
DEADLINE_TIMEOUTS = 4
#: No JOOR answer is larger than this once decompressed (a page of 1,000 styles in XML stays well
#: under it); a larger one is refused, not read.
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
_DETAIL_LIMIT = 300
_ERROR_BODY_LIMIT = 256 * 1024

__all__ = ["Redactor", "UsageSnapshot"]


class JoorNotFound(JoorPermanentError):
    """The requested object does not exist (HTTP 404, or an empty answer to a lookup by id)."""


class AuthHook(Protocol):
    """What the request loop needs from a credential: a header, and a way to renew it after a 401."""

    def header(self) -> str: ...

    def on_unauthorized(self) -> bool:
        """Drop the current credential; True when a fresh one is worth exactly one more try."""
        ...


class GuardedTransport(httpx.BaseTransport):
    """Wraps a transport so that anything it raises surfaces as an `httpx.TransportError`.

    An in-process WSGI app (the sandbox) signals a dropped connection by raising its own exception,
    possibly only while the body is streamed; over a socket the same event is an httpx error. Mapping
    both to one type lets the request loop treat them alike, as a transient network failure.
    """

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = self._inner.handle_request(request)
        except (httpx.TransportError, outbound.OutboundError):
            raise
        except Exception as exc:  # noqa: BLE001 - any failure inside the transport is a network failure
            raise httpx.ReadError(f"transport raised {type(exc).__name__}", request=request) from exc
        stream = response.stream
        if isinstance(stream, httpx.SyncByteStream):
            response.stream = _GuardedStream(stream, request)
        return response

    def close(self) -> None:
        self._inner.close()


class _GuardedStream(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, request: httpx.Request) -> None:
        self._inner = inner
        self._request = request

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._inner
        except (httpx.TransportError, outbound.OutboundError):
            raise
        except Exception as exc:  # noqa: BLE001
            raise httpx.ReadError(
                f"transport raised {type(exc).__name__} while reading the body", request=self._request
            ) from exc

    def close(self) -> None:
        try:
            self._inner.close()
        except Exception:  # noqa: BLE001, S110 - closing a broken stream must not mask the real error
            pass


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a `Retry-After` header, at most `MAX_HONOURED_RETRY_AFTER`."""
    return outbound.parse_retry_after(value, cap=MAX_HONOURED_RETRY_AFTER)


def error_detail(response: httpx.Response) -> tuple[str | None, str | None]:
    """(comment, log_id) from an error answer in any of JOOR's shapes: a v2 envelope (JSON or XML),
    a v4 `errors` list, or an OAuth error. Never raises: the status alone is still a useful message."""
    body = response.content[:_ERROR_BODY_LIMIT]
    if not body.strip():
        return None, None
    try:
        if body.lstrip()[:1] == b"<":
            root = SafeET.fromstring(body)
            comment = root.findtext(".//comment")
            log_id = root.findtext(".//log_id")
            return (comment or None), (log_id or None)
        import json

        doc = json.loads(body)
    except Exception:  # noqa: BLE001 - a hostile or broken error body just has no detail
        return None, None
    if not isinstance(doc, dict):
        return None, None
    envelope = doc.get("response")
    if isinstance(envelope, dict):
        comment = envelope.get("comment")
        log_id = envelope.get("log_id")
        return (
            str(comment) if comment not in (None, "") else None,
            str(log_id) if log_id not in (None, "") else None,
        )
    errors = doc.get("errors")
    if isinstance(errors, list) and errors:
        messages = []
        for err in errors[:5]:
            if isinstance(err, dict):
                messages.append(" ".join(str(err.get(k)) for k in ("status", "message") if err.get(k)))
        return "; ".join(m for m in messages if m) or None, None
    for key in ("error_description", "error", "message", "detail"):
        if isinstance(doc.get(key), str) and doc[key]:
            return doc[key], None
    return None, None


class JoorHttp:
    """The request loop. Public methods of the JOOR client are thin callers of `call()`."""

    def __init__(
        self,
        *,
        base_url: str,
        transport: httpx.BaseTransport | None,
        timeout: float,
        budget: CreditBudget | None,
        max_retries: int,
        max_rate_limit_retries: int,
        backoff_base: float,
        backoff_cap: float,
        sleep: Callable[[float], None],
        rng: random.Random,
        redact: Redactor,
        user_agent: str,
    ) -> None:
        if max_retries < 0 or max_rate_limit_retries < 0:
            raise ValueError("retry counts must not be negative")
        self.base_url = base_url.rstrip("/")
        self.timeout = httpx.Timeout(timeout)
        self.budget = budget
        self.max_retries = max_retries
        self.max_rate_limit_retries = max_rate_limit_retries
        self.backoff_cap = backoff_cap
        self._sleep = sleep
        self._redact = redact
        self.usage = outbound.Usage()
        self._backoff = outbound.Backoff(base=backoff_base, cap=backoff_cap, rng=rng)
        inner = transport if transport is not None else outbound.network_transport()
        if not isinstance(inner, outbound.PolicyTransport):
            # Already a policy transport when built for an account (with its destination rules).
            inner = outbound.PolicyTransport(
                inner,
                limits=outbound.Limits(
                    deadline=DEADLINE_TIMEOUTS * timeout, max_body_bytes=MAX_RESPONSE_BYTES
                ),
            )
        self._client = httpx.Client(
            transport=GuardedTransport(inner),
            timeout=self.timeout,
            headers={"User-Agent": user_agent},
            follow_redirects=False,
        )

    def close(self) -> None:
        self._client.close()

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else f"{self.base_url}{path}"

    def call(
        self,
        method: str,
        path: str,
        *,
        parse: Callable[[httpx.Response], T],
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
        form: Mapping[str, str] | None = None,
        multipart: Mapping[str, str] | None = None,
        content: bytes | None = None,
        auth: AuthHook | None = None,
        charge: bool = True,
        error_parse: Callable[[httpx.Response], T] | None = None,
        max_retries: int | None = None,
    ) -> T:
        """Send one logical request, retrying what is worth retrying, and return `parse(response)`.

        `form` is sent url-encoded, `multipart` as multipart/form-data fields (no files), `content` as
        the raw body (its Content-Type in `headers`). `charge=False` is for the auth endpoint, which
        JOOR does not rate-limit. `error_parse`, when given, reads a 4xx answer (other than
        401/403/404/429) instead of raising: v4 bulk writes report refused items that way.
        `max_retries` overrides the client's transient retries for this call: a write that is not
        idempotent (JOOR stores a second copy of a re-sent image) passes 0.
        """
        retry_limit = self.max_retries if max_retries is None else max_retries
        url = self.url(path)
        label = f"{method} {httpx.URL(url).raw_path.decode('ascii').split('?')[0]}"
        cost = request_cost(method) if charge else 0
        transient_attempts = 0
        throttled_attempts = 0
        server_hint: float | None = None
        renewed = False
        while True:
            if charge and self.budget is not None:
                self.budget.acquire(cost)
            request_headers = dict(headers or {})
            if auth is not None:
                request_headers["Authorization"] = auth.header()
            self.usage.add(**({"requests": 1} if charge else {"auth_requests": 1}))
            try:
                response = self._client.request(
                    method,
                    url,
                    params=params,
                    headers=request_headers,
                    json=json_body,
                    content=content,
                    data=form,
                    files={k: (None, v) for k, v in multipart.items()} if multipart else None,
                    timeout=self.timeout,
                )
            except outbound.ResponseTooLarge as exc:
                raise JoorPermanentError(f"JOOR {label}: {exc}") from None
            except outbound.DestinationRefused as exc:
                raise JoorPermanentError(f"JOOR {label}: destination refused ({exc})") from None
            except httpx.TimeoutException as exc:
                reason = f"timed out ({self._redact(str(exc)) or type(exc).__name__})"
            except httpx.TransportError as exc:
                reason = f"connection failed ({self._redact(str(exc)) or type(exc).__name__})"
            else:
                status = response.status_code
                if status != 429 and charge:
                    self.usage.add(cost=cost)
                if status == 429:
                    self.usage.add(throttled=1)
                    retry_after = parse_retry_after(response.headers.get("Retry-After"))
                    if throttled_attempts >= self.max_rate_limit_retries:
                        raise JoorRateLimited(
                            f"JOOR {label}: rate limited (HTTP 429) after {throttled_attempts} retries",
                            retry_after=retry_after,
                            status=429,
                        )
                    throttled_attempts += 1
                    self.usage.add(retries=1)
                    self._wait_for_window(label, retry_after, throttled_attempts)
                    continue
                if status in (401, 403):
                    if auth is not None and not renewed and status == 401 and auth.on_unauthorized():
                        renewed = True
                        self.usage.add(retries=1)
                        logger.info("JOOR %s: HTTP 401, retrying once with renewed credentials", label)
                        continue
                    raise JoorAuthError(
                        self._message(label, response, "credentials refused"),
                        status=status,
                        log_id=error_detail(response)[1],
                    )
                if status >= 500 and outbound.retryable_status(status):
                    reason = f"HTTP {status}"
                    server_hint = parse_retry_after(response.headers.get("Retry-After"))
                elif 400 <= status < 500 and error_parse is not None and status != 404:
                    return error_parse(response)
                elif status >= 400:  # other 4xx, and 5xx that no retry can fix
                    error_class = JoorNotFound if status == 404 else JoorPermanentError
                    raise error_class(
                        self._message(label, response, "request refused"),
                        status=status,
                        log_id=error_detail(response)[1],
                    )
                elif status >= 300:
                    raise JoorPermanentError(
                        f"JOOR {label}: unexpected redirect (HTTP {status})", status=status
                    )
                else:
                    try:
                        return parse(response)
                    except JoorMalformedBody as exc:
                        reason = f"malformed body ({self._redact(str(exc))})"
                    except JoorError as exc:
                        # Parsers raise without knowing the request; say which call it was.
                        if str(exc).startswith("JOOR "):
                            raise
                        raise type(exc)(
                            f"JOOR {label}: {self._redact(str(exc))}", status=exc.status, log_id=exc.log_id
                        ) from exc
            if transient_attempts >= retry_limit:
                raise JoorTransientError(
                    f"JOOR {label}: failed after {transient_attempts + 1} attempts; last error: {reason}"
                )
            # A 503 saying when to come back is heeded, within the backoff cap.
            hint = min(server_hint, self.backoff_cap) if server_hint is not None else None
            delay = self._backoff.delay(transient_attempts + 1, hint)
            server_hint = None
            transient_attempts += 1
            self.usage.add(retries=1)
            logger.warning(
                "JOOR %s: %s; retry %d/%d in %.2fs",
                label,
                reason,
                transient_attempts,
                retry_limit,
                delay,
            )
            self._sleep(delay)

    def _wait_for_window(self, label: str, retry_after: float | None, attempt: int) -> None:
        if self.budget is not None:
            # The budget now believes the window is full; the next acquire() sleeps until it resets.
            self.budget.note_throttled(retry_after)
            logger.warning(
                "JOOR %s: HTTP 429; waiting for the credit window (retry %d/%d)",
                label,
                attempt,
                self.max_rate_limit_retries,
            )
            return
        delay = self._backoff.delay(attempt, retry_after)
        logger.warning(
            "JOOR %s: HTTP 429; retry %d/%d in %.2fs", label, attempt, self.max_rate_limit_retries, delay
        )
        self._sleep(delay)

    def _message(self, label: str, response: httpx.Response, default: str) -> str:
        comment, log_id = error_detail(response)
        text = (comment or default).strip().replace("\n", " ")[:_DETAIL_LIMIT]
        message = f"JOOR {label}: HTTP {response.status_code}: {text}"
        if log_id:
            message += f" (log_id {log_id[:80]})"
        return self._redact(message)
