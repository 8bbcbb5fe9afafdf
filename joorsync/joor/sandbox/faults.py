"""Fault injection: per request, a seeded draw decides whether the answer is sabotaged and how.

Kinds (rates are probabilities per request; their sum must not exceed 1):
- `error_5xx` ("5xx"): a 500 (JOOR envelope) or 503 (plain text) instead of an answer; nothing is done.
- `rate_429` ("429"): a 429 with `Retry-After: 1` as if throttled; nothing is done, nothing is charged.
- `timeout` ("timeout"): the request is processed, then the answer waits `slow_seconds` (through the
  sandbox's injectable sleep, capped at `max_sleep`) — longer than a client's timeout.
- `truncate` ("truncate"): the request is processed and answered 200 with the first half of the body
  (Content-Length matches the cut body, so only the parser can notice).
- `drop` ("drop"): nothing is done and the connection is closed without an answer. Inside WSGI this is
  `ConnectionDropped` raised out of the application: `serve_in_thread` closes the socket; over
  `httpx.WSGITransport` the exception propagates to the caller, which must treat an exception raised
  by the transport as a network error.

A running sandbox switches to other rates with `POST /_sandbox/faults` (`{"faults": "5xx=0.1,…"}`, the
CLI form; "off" for none).
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from typing import Literal

FaultKind = Literal["drop", "5xx", "429", "timeout", "truncate"]

_ALIASES: dict[str, str] = {
    "5xx": "error_5xx",
    "500": "error_5xx",
    "error_5xx": "error_5xx",
    "429": "rate_429",
    "rate_429": "rate_429",
    "timeout": "timeout",
    "slow": "timeout",
    "truncate": "truncate",
    "drop": "drop",
    "slow_seconds": "slow_seconds",
    "max_sleep": "max_sleep",
}


class ConnectionDropped(Exception):
    """Raised by the WSGI app to ask the server to close the connection without any answer."""


@dataclass(frozen=True, slots=True)
class FaultConfig:
    error_5xx: float = 0.0
    rate_429: float = 0.0
    timeout: float = 0.0
    drop: float = 0.0
    truncate: float = 0.0
    slow_seconds: float = 35.0
    max_sleep: float = 120.0

    def __post_init__(self) -> None:
        for name in ("error_5xx", "rate_429", "timeout", "drop", "truncate"):
            rate = getattr(self, name)
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"fault rate {name} must be between 0 and 1, got {rate}")
        if self.total > 1.0 + 1e-9:
            raise ValueError(f"fault rates add up to {self.total}, more than 1")
        if self.slow_seconds < 0 or self.max_sleep < 0:
            raise ValueError("slow_seconds and max_sleep must not be negative")

    @property
    def total(self) -> float:
        return self.error_5xx + self.rate_429 + self.timeout + self.drop + self.truncate

    @property
    def enabled(self) -> bool:
        return self.total > 0

    @classmethod
    def parse(cls, text: str | None) -> FaultConfig:
        """From the CLI form `5xx=0.1,429=0.05,timeout=0.02,truncate=0.01,drop=0.01` (also
        `slow_seconds=40`); empty text or "off" means no faults."""
        if text is None or not text.strip() or text.strip().lower() in ("off", "none"):
            return cls()
        values: dict[str, float] = {}
        for part in text.split(","):
            if not part.strip():
                continue
            key, sep, raw = part.partition("=")
            name = _ALIASES.get(key.strip().lower())
            if not sep or name is None:
                raise ValueError(
                    f"unknown fault setting {part.strip()!r} (use 5xx, 429, timeout, truncate, drop)"
                )
            try:
                values[name] = float(raw)
            except ValueError:
                raise ValueError(f"fault setting {part.strip()!r} needs a number") from None
        return cls(**values)


class FaultInjector:
    """Draws one fault (or none) per request from a seeded RNG, in a fixed kind order."""

    _ORDER: tuple[tuple[FaultKind, str], ...] = (
        ("drop", "drop"),
        ("5xx", "error_5xx"),
        ("429", "rate_429"),
        ("timeout", "timeout"),
        ("truncate", "truncate"),
    )

    def __init__(self, config: FaultConfig, seed: int = 0) -> None:
        self.config = config
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self.counts: dict[str, int] = {kind: 0 for kind, _ in self._ORDER}

    def reconfigure(self, config: FaultConfig) -> None:
        """Switch to other rates while serving (`POST /_sandbox/faults`); the draw sequence and the
        counts carry on."""
        with self._lock:
            self.config = config

    def draw(self) -> FaultKind | None:
        if not self.config.enabled:
            return None
        with self._lock:
            roll = self._rng.random()
            threshold = 0.0
            for kind, attr in self._ORDER:
                threshold += getattr(self.config, attr)
                if roll < threshold:
                    self.counts[kind] += 1
                    return kind
            return None

    def pick_5xx(self) -> int:
        with self._lock:
            return 500 if self._rng.random() < 0.5 else 503

    @property
    def sleep_seconds(self) -> float:
        return min(self.config.slow_seconds, self.config.max_sleep)
