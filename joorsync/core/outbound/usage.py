"""Usage counters of one shape for every outbound client.

Both clients report what they sent in the same five counters, so a sync run can add them up and a
benchmark can compare them: HTTP requests to the API, requests to an auth endpoint, retries of any
kind, throttled answers (429 or the API's own throttle), and the cost the API charged (Shopify's
query cost, JOOR's credits).
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass

COUNTERS = ("requests", "auth_requests", "retries", "throttled", "cost")


@dataclass(frozen=True, slots=True)
class UsageSnapshot:
    requests: int = 0
    auth_requests: int = 0
    retries: int = 0
    throttled: int = 0
    cost: int = 0

    @property
    def credits(self) -> int:
        """JOOR's name for the cost: the credits its rate limit charged."""
        return self.cost

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


class Usage:
    """Thread-safe counters; `add(requests=1, cost=3)` names counters, so a typo fails loudly."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts = dict.fromkeys(COUNTERS, 0)

    def add(self, **deltas: int) -> None:
        unknown = set(deltas) - set(COUNTERS)
        if unknown:
            raise ValueError(f"unknown usage counter(s): {', '.join(sorted(unknown))}")
        with self._lock:
            for name, delta in deltas.items():
                self._counts[name] += delta

    def snapshot(self) -> UsageSnapshot:
        with self._lock:
            return UsageSnapshot(**self._counts)

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}={v}" for k, v in self.snapshot().as_dict().items())
        return f"Usage({counts})"
