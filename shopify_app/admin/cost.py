"""Shopify's GraphQL leaky bucket, as seen from the client.

Every answer carries `extensions.cost {requestedQueryCost, actualQueryCost, throttleStatus
{maximumAvailable, currentlyAvailable, restoreRate}}`. The tracker remembers the last throttle status and
when it was seen, projects the bucket forward at the restore rate, and tells the client how long to wait
before an operation whose expected cost (the largest of its last few requestedQueryCosts: a crawl's
short last page must not make the next crawl's full first page look cheap) would not fit. Waiting a
little before sending is cheaper than being THROTTLED and sending again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

# Used for an operation never seen before: high enough for a page of products, far below one query's
# 1000-point cap, so an unknown operation never drains the bucket blindly.
DEFAULT_EXPECTED_COST = 100
# The smallest wait worth sleeping: below it, sending at once is as good.
MIN_WAIT = 0.05
# How many of an operation's last requested costs its expected cost is the largest of.
COST_MEMORY = 3
# Waited for beyond the exact need: the bucket is reported in whole points and time in floats, so a
# wait that exactly fills the need can land a hair short of it.
MARGIN_POINTS = 1


@dataclass(frozen=True)
class ThrottleStatus:
    maximum_available: float
    currently_available: float
    restore_rate: float

    @classmethod
    def from_payload(cls, raw: Mapping[str, Any] | None) -> ThrottleStatus | None:
        if not raw:
            return None
        try:
            return cls(
                maximum_available=float(raw["maximumAvailable"]),
                currently_available=float(raw["currentlyAvailable"]),
                restore_rate=float(raw["restoreRate"]),
            )
        except (KeyError, TypeError, ValueError):
            return None


@dataclass(frozen=True)
class QueryCost:
    requested: int | None
    actual: int | None
    throttle_status: ThrottleStatus | None

    @classmethod
    def from_extensions(cls, extensions: Mapping[str, Any] | None) -> QueryCost | None:
        raw = (extensions or {}).get("cost")
        if not isinstance(raw, Mapping):
            return None

        def _int(value: Any) -> int | None:
            return int(value) if isinstance(value, int | float) else None

        return cls(
            requested=_int(raw.get("requestedQueryCost")),
            actual=_int(raw.get("actualQueryCost")),
            throttle_status=ThrottleStatus.from_payload(raw.get("throttleStatus")),
        )


class CostTracker:
    """Projected bucket level and per-operation expected cost. Thread-safe; uses an injectable clock."""

    def __init__(self, *, clock: Callable[[], float], default_cost: int = DEFAULT_EXPECTED_COST) -> None:
        self._clock = clock
        self._default_cost = default_cost
        self._lock = threading.Lock()
        self._status: ThrottleStatus | None = None
        self._seen_at = 0.0
        self._expected: dict[str, list[int]] = {}

    @property
    def status(self) -> ThrottleStatus | None:
        return self._status

    def expected_cost(self, operation_name: str) -> int:
        seen = self._expected.get(operation_name)
        cost = max(seen) if seen else self._default_cost
        if self._status is not None:
            cost = min(cost, int(self._status.maximum_available))
        return cost

    def projected_available(self, now: float | None = None) -> float | None:
        """Points available now, if the last status is known: last level + elapsed × rate, capped."""
        status = self._status
        if status is None:
            return None
        elapsed = max(0.0, (self._clock() if now is None else now) - self._seen_at)
        return min(status.maximum_available, status.currently_available + elapsed * status.restore_rate)

    def wait_before(self, operation_name: str) -> float:
        """Seconds to sleep so that `operation_name`'s expected cost fits into the bucket."""
        with self._lock:
            status = self._status
            available = self.projected_available()
            if status is None or available is None or status.restore_rate <= 0:
                return 0.0
            missing = self.expected_cost(operation_name) - available
            if missing <= 0:
                return 0.0
            wait = (missing + MARGIN_POINTS) / status.restore_rate
            return wait if wait >= MIN_WAIT else 0.0

    def wait_after_throttle(self, operation_name: str, cost: QueryCost | None) -> float:
        """Seconds to wait after a THROTTLED answer, from the throttle status that came with it."""
        with self._lock:
            status: ThrottleStatus | None
            if cost is not None and cost.throttle_status is not None:
                status = cost.throttle_status
            else:
                status = self._status
            requested = (cost.requested if cost and cost.requested else None) or self.expected_cost(
                operation_name
            )
            if status is None or status.restore_rate <= 0:
                return 1.0
            missing = requested - status.currently_available
            return max(MIN_WAIT, missing / status.restore_rate)

    def record(self, operation_name: str, cost: QueryCost | None) -> None:
        """Remember what an answer said about the bucket and about this operation's cost."""
        if cost is None:
            return
        with self._lock:
            if cost.requested is not None:
                seen = self._expected.setdefault(operation_name, [])
                seen.append(cost.requested)
                del seen[:-COST_MEMORY]
            if cost.throttle_status is not None:
                self._status = cost.throttle_status
                self._seen_at = self._clock()
