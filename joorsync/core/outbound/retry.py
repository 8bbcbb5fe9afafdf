"""When to retry and how long to wait: one decision for every outbound client.

Only failures that a later identical request can cure are retried: the network (refused, reset, timed
out, cut short), 429, and 5xx other than 501/505 (Not Implemented and HTTP Version Not Supported are
answers about the request itself). Every other 4xx is final. Waits grow exponentially with jitter, so
the retries of many workers spread out instead of arriving together, and never come sooner than a
server's `Retry-After` asked, nor later than a cap, whatever a hostile header says.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

PERMANENT_5XX = frozenset({501, 505})
#: A server may ask for a long pause (JOOR's credit window is five minutes), but not for hours.
DEFAULT_MAX_RETRY_AFTER = 900.0
#: Beyond this many doublings every delay is at the cap anyway (and 2**n stays a small float).
_MAX_DOUBLINGS = 60


def retryable_status(status: int) -> bool:
    """429, and 5xx except 501/505."""
    return status == 429 or (500 <= status <= 599 and status not in PERMANENT_5XX)


def retryable_error(exc: BaseException) -> bool:
    """Network failures (httpx transport errors, timeouts included); not the policy's own refusals."""
    return isinstance(exc, httpx.TransportError)


def parse_retry_after(
    value: str | None,
    *,
    cap: float = DEFAULT_MAX_RETRY_AFTER,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> float | None:
    """Seconds from a `Retry-After` header (delta-seconds or an HTTP date), at most `cap`.

    None when absent or unreadable; a date in the past is 0.
    """
    if not value or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - now()).total_seconds()
    if math.isnan(seconds):
        return None
    return min(max(seconds, 0.0), cap)


@dataclass
class Backoff:
    """Jittered exponential backoff: retry n waits between half and all of min(cap, base * 2**(n-1))."""

    base: float = 0.5
    cap: float = 30.0
    max_retry_after: float = DEFAULT_MAX_RETRY_AFTER
    rng: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        if self.base < 0 or self.cap < 0 or self.max_retry_after < 0:
            raise ValueError("backoff base, cap and max_retry_after must not be negative")

    def delay(self, retry: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number `retry` (1 for the first).

        With a server's `retry_after` (already parsed), the wait is at least that, capped at
        `max_retry_after`: a server that asks for a pause gets it, one that asks for a day does not.
        """
        doublings = min(max(0, retry - 1), _MAX_DOUBLINGS)
        ceiling = min(self.cap, self.base * 2.0**doublings)
        jittered = ceiling / 2 + self.rng.uniform(0, ceiling / 2)
        if retry_after is None:
            return jittered
        return max(jittered, min(max(retry_after, 0.0), self.max_retry_after))
