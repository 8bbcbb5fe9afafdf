"""Client-side accounting of JOOR's credit-based rate limit.

JOOR charges per account: GET = 1 credit, POST/PUT/DELETE = 5 credits, 300 credits per fixed 300-second
window that starts at the first request of the window; a request over the allowance is refused with
HTTP 429. Waiting *before* such a request costs the same time as a 429 would, without the refused
round trip, so a client that charges this budget first never provokes a 429 in normal operation.

One budget may be shared by every client (and thread) talking to the same JOOR account.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

GET_COST = 1
WRITE_COST = 5


def request_cost(method: str) -> int:
    """Credits JOOR charges for one request with this HTTP method."""
    return GET_COST if method.upper() in {"GET", "HEAD", "OPTIONS"} else WRITE_COST


@dataclass(frozen=True, slots=True)
class BudgetSnapshot:
    """A consistent view of the budget, for reports and tests."""

    window_start: float | None
    used: int
    credits_per_window: int
    window_seconds: float
    total_charged: int
    sleeps: int
    slept_seconds: float


class CreditBudget:
    """A fixed-window credit budget mirroring JOOR's rate limiter.

    `acquire(cost)` returns at once while the current window has room and otherwise sleeps until the
    window ends (plus `margin_seconds`, which absorbs the gap between when this process starts its
    window and when JOOR saw the first request). `note_throttled()` lets a client that still got a 429
    (another process sharing the account, a clock skew) tell the budget that the window is full.
    """

    def __init__(
        self,
        *,
        credits_per_window: int = 300,
        window_seconds: float = 300.0,
        margin_seconds: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if credits_per_window < WRITE_COST:
            raise ValueError("credits_per_window must allow at least one write request")
        if window_seconds <= 0:
            raise ValueError("window_seconds must be positive")
        self.credits_per_window = credits_per_window
        self.window_seconds = float(window_seconds)
        self.margin_seconds = max(0.0, float(margin_seconds))
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._window_start: float | None = None
        self._used = 0
        self._total_charged = 0
        self._sleeps = 0
        self._slept = 0.0

    def acquire(self, credits: int) -> float:
        """Charge `credits`, first sleeping until the window resets if they would not fit.

        Returns the seconds slept (0.0 when the request could go at once).
        """
        if credits < 0:
            raise ValueError("credits must not be negative")
        if credits > self.credits_per_window:
            raise ValueError(
                f"a request costing {credits} credits can never fit a window of {self.credits_per_window}"
            )
        slept = 0.0
        while True:
            with self._lock:
                now = self._clock()
                self._roll_window(now)
                if self._window_start is None:
                    self._window_start = now
                if self._used + credits <= self.credits_per_window:
                    self._used += credits
                    self._total_charged += credits
                    return slept
                wait = self._window_start + self.window_seconds + self.margin_seconds - now
                self._sleeps += 1
                self._slept += max(wait, 0.0)
            # Sleep outside the lock so that other threads can still read the budget; they will all
            # find the window full and wait too.
            if wait > 0:
                self._sleep(wait)
                slept += wait
            else:
                # Clock did not move past the window end yet (coarse clock): force the reset.
                with self._lock:
                    self._window_start = None
                    self._used = 0

    def note_throttled(self, retry_after: float | None) -> None:
        """JOOR refused a request with 429: treat the window as full until `retry_after` seconds pass."""
        with self._lock:
            now = self._clock()
            remaining = self.window_seconds if retry_after is None else max(0.0, float(retry_after))
            remaining = min(remaining, self.window_seconds)
            self._window_start = now + remaining - self.window_seconds - self.margin_seconds
            self._used = self.credits_per_window

    def snapshot(self) -> BudgetSnapshot:
        with self._lock:
            self._roll_window(self._clock())
            return BudgetSnapshot(
                window_start=self._window_start,
                used=self._used,
                credits_per_window=self.credits_per_window,
                window_seconds=self.window_seconds,
                total_charged=self._total_charged,
                sleeps=self._sleeps,
                slept_seconds=self._slept,
            )

    @property
    def remaining(self) -> int:
        """Credits still available in the current window."""
        snap = self.snapshot()
        return snap.credits_per_window - snap.used

    def _roll_window(self, now: float) -> None:
        # Caller holds the lock. A window that has ended (with the margin) is forgotten; the next
        # request starts a new one, exactly as JOOR's fixed window does.
        if (
            self._window_start is not None
            and now >= self._window_start + self.window_seconds + self.margin_seconds
        ):
            self._window_start = None
            self._used = 0

    def __repr__(self) -> str:
        return f"CreditBudget(credits_per_window={self.credits_per_window}, window_seconds={self.window_seconds})"
