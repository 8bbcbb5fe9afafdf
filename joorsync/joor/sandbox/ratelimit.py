"""JOOR's credit rate limit [https://api-docs.jooraccess.com/docs/rate-limits]: per account (scoped by
`X-Throttling-Account-Id`), GET 1 credit, POST/PUT/DELETE 5 (a bulk POST too), 300 credits per fixed
300 s window that starts at the window's first request, 429 Too Many Requests beyond it.

Not documented by JOOR, the sandbox's choices: throttled requests cost nothing; unauthenticated
requests and the token endpoint are not charged; `Retry-After` (seconds to the window's end) is sent
on a 429 unless `SandboxConfig.retry_after` is False; the 429 body is the v2/v4 error envelope. The
headers are set in `app.JoorSandbox` (see its module docstring).

Modes: "real" (300 credits per 300 s), "off" (never throttles, still counts), "scale=N" (the window's
allowance is 300 × N credits, N may be fractional: "scale=0.1" allows 30 credits per 300 s; costs and
window length stay JOOR's) — the modes are a sandbox convenience.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass

from .defaults import CREDITS_READ, CREDITS_WRITE, WINDOW_CREDITS, WINDOW_SECONDS


def credit_cost(method: str) -> int:
    return CREDITS_READ if method.upper() in ("GET", "HEAD", "OPTIONS") else CREDITS_WRITE


def parse_rate_limit(mode: str) -> float | None:
    """The window allowance for a mode string, None for "off". Raises ValueError for anything else."""
    text = mode.strip().lower()
    if text == "real":
        return float(WINDOW_CREDITS)
    if text == "off":
        return None
    if text.startswith("scale="):
        try:
            factor = float(text[6:])
        except ValueError:
            raise ValueError(f"rate limit scale must be a number: {mode!r}") from None
        if not math.isfinite(factor) or factor <= 0:
            raise ValueError(f"rate limit scale must be positive: {mode!r}")
        return WINDOW_CREDITS * factor
    raise ValueError(f"rate limit mode must be real, off or scale=N: {mode!r}")


@dataclass(slots=True)
class Window:
    started: float
    used: int = 0


@dataclass(slots=True)
class Decision:
    allowed: bool
    cost: int
    retry_after: int = 0


class RateLimiter:
    """Fixed-window credit accounting, per account, thread-safe."""

    def __init__(self, mode: str, clock: Callable[[], float], window_seconds: float = WINDOW_SECONDS) -> None:
        self.mode = mode
        self.allowance = parse_rate_limit(mode)
        self.window_seconds = window_seconds
        self._clock = clock
        self._windows: dict[str, Window] = {}
        self._lock = threading.Lock()
        self.total_used = 0

    def charge(self, account_id: str, method: str) -> Decision:
        cost = credit_cost(method)
        with self._lock:
            now = self._clock()
            window = self._windows.get(account_id)
            if window is None or now >= window.started + self.window_seconds:
                window = Window(started=now)
                self._windows[account_id] = window
            if self.allowance is not None and window.used + cost > self.allowance:
                remaining = window.started + self.window_seconds - now
                return Decision(False, cost, max(1, math.ceil(remaining)))
            window.used += cost
            self.total_used += cost
            return Decision(True, cost)

    def used_in_window(self, account_id: str) -> int:
        with self._lock:
            window = self._windows.get(account_id)
            if window is None or self._clock() >= window.started + self.window_seconds:
                return 0
            return window.used
