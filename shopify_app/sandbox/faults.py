"""Fault injection: make the sandbox fail the way a real network and a busy Shopify do.

Faults are drawn per request from a seeded RNG so a run with the same seed and the same request
sequence fails the same way. A running sandbox switches to other rates with `POST /_sandbox/faults`
(`{"faults": "5xx=0.1,…"}`, the CLI form; "off" or "" for none).
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

FAULT_KINDS = ("5xx", "429", "timeout", "truncate", "drop")


class ConnectionDropped(Exception):  # noqa: N818 - the name says what the socket server must do
    """Raised by the WSGI app when the connection must be closed without any response."""


@dataclass
class FaultConfig:
    """Probabilities (0..1) of each fault per API request, plus how long a `timeout` stalls."""

    rates: dict[str, float] = field(default_factory=dict)
    seed: int = 0
    timeout_seconds: float = 10.0
    retry_after: int = 2

    def __post_init__(self) -> None:
        _check_rates(self.rates)
        self._rng = random.Random(self.seed)  # noqa: S311 - fault dice, not security
        self._lock = threading.Lock()
        #: Faults injected so far, by kind.
        self.counts: dict[str, int] = dict.fromkeys(FAULT_KINDS, 0)

    @classmethod
    def parse(cls, spec: str | None, *, seed: int = 0) -> FaultConfig:
        """Parse `"5xx=0.1,429=0.05,timeout=0.02,truncate=0.01,drop=0.01"` (empty → no faults)."""
        return cls(rates=parse_rates(spec), seed=seed)

    def set_rates(self, rates: dict[str, float]) -> None:
        """Switch to other rates while serving; the draw sequence and the counts carry on."""
        _check_rates(rates)
        with self._lock:
            self.rates = dict(rates)

    @property
    def enabled(self) -> bool:
        return any(rate > 0 for rate in self.rates.values())

    def draw(self) -> str | None:
        """The fault to inject for one request, or None."""
        if not self.enabled:
            return None
        with self._lock:
            roll = self._rng.random()
            cumulative = 0.0
            for kind in FAULT_KINDS:
                cumulative += self.rates.get(kind, 0.0)
                if roll < cumulative:
                    self.counts[kind] += 1
                    return kind
        return None


def _check_rates(rates: dict[str, float]) -> None:
    for kind, rate in rates.items():
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}; known: {', '.join(FAULT_KINDS)}")
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"fault rate for {kind} must be within 0..1, got {rate}")


def parse_rates(spec: str | None) -> dict[str, float]:
    """The rates of a fault spec (`"5xx=0.1,429=0.05"`); empty or "off" → none."""
    if (spec or "").strip().lower() in ("off", "none"):
        return {}
    rates: dict[str, float] = {}
    for part in (spec or "").split(","):
        part = part.strip()
        if not part:
            continue
        kind, sep, value = part.partition("=")
        if not sep:
            raise ValueError(f"fault spec {part!r} is not kind=rate")
        rates[kind.strip()] = float(value)
    return rates
