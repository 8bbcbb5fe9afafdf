"""Result objects of JOOR writes: per-item outcomes, because JOOR accepts part of a batch."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import JoorPermanentError
from .records import Style
from .wire import Envelope


@dataclass(frozen=True, slots=True)
class StyleWriteResult:
    """Answer to a v2 style write: JOOR's envelope (comment, log_id) and the style as stored, when the
    answer carries it."""

    envelope: Envelope
    style: Style | None


@dataclass(frozen=True, slots=True)
class InventoryResult:
    """One line of a v2 bulk-inventory answer (`inventory_log`)."""

    sku: str | None
    status: str  # "pass" | "fail"
    message: str | None = None
    inventory_log_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "pass"


@dataclass(frozen=True, slots=True)
class BulkFailure:
    """One item JOOR refused in a v4 bulk write. `item` is the item sent (None when JOOR's error could
    not be tied to one item)."""

    item: Mapping[str, Any] | None
    status: str
    message: str
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class BulkResult:
    """Outcome of a v4 bulk_create / bulk_update over any number of batches.

    `created` / `updated` hold the ids JOOR returned; `data` the returned objects in order. A result
    with failures is not a success even though every HTTP answer was 200: check `ok` or call
    `raise_for_failures()`.
    """

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    data: list[Mapping[str, Any]] = field(default_factory=list)
    failures: list[BulkFailure] = field(default_factory=list)
    requests: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures

    def merge(self, other: BulkResult) -> None:
        self.created.extend(other.created)
        self.updated.extend(other.updated)
        self.data.extend(other.data)
        self.failures.extend(other.failures)
        self.requests += other.requests

    def raise_for_failures(self) -> None:
        if self.failures:
            first = self.failures[0]
            raise JoorPermanentError(
                f"JOOR refused {len(self.failures)} item(s); first: {first.status}: {first.message}"
            )
