"""The plan of a run: typed entries, each naming the product, the field paths, the values before and
after and the side written. The engine builds entries, the write gate (`gate.py`) passes or refuses
each of them, and only what passed is applied; a dry run stops after the gate.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from joorsync.sync.canonical import CanonicalProduct, JsonValue


class WriteError(Exception):
    """A side refused a write (userErrors, failed items); the message says which product and why."""


class Side(enum.StrEnum):
    SHOPIFY = "shopify"
    JOOR = "joor"

    @property
    def other(self) -> Side:
        return Side.JOOR if self is Side.SHOPIFY else Side.SHOPIFY

    @property
    def label(self) -> str:
        return "Shopify" if self is Side.SHOPIFY else "JOOR"


class Decider(enum.StrEnum):
    """Why a value is written: what the gate weighs a change by."""

    MERGE = "merge"  # changed on one side since the last agreement, carried to the other
    OWNER = "ownership"  # the field group's owner wins (an ownership rule decided)
    PERSON = "person"  # a person resolved a conflict
    CLEAR = "clear"  # a person chose "clear this field"


@dataclass(frozen=True, slots=True)
class Change:
    path: str
    old: JsonValue  # what the target side holds now
    new: JsonValue  # what would be written
    decided_by: Decider = Decider.MERGE


@dataclass(slots=True)
class ProductUpdate:
    """Content changes of one linked product on one side (one productSet or one style write)."""

    side: Side
    changes: list[Change] = field(default_factory=list)

    def paths(self) -> set[str]:
        return {c.path for c in self.changes}


@dataclass(frozen=True, slots=True)
class StockWrite:
    """One variant's stock, as read from `read_from` in this run, written to the other side."""

    side: Side
    key: str  # variant key (`C1/36`)
    quantity: int
    read_from: Side
    read_value: JsonValue  # the figure the owning side reported this run
    path: str = ""
    decided_by: Decider = Decider.MERGE


@dataclass(frozen=True, slots=True)
class PolicyWrite:
    """One Shopify variant's selling policy (`inventoryPolicy`) set to follow JOOR's made_to_order
    (`joorsync.stock.engine.policy_review`)."""

    key: str  # variant key (`C1/36`)
    variant_id: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class Hold:
    """A path held as a conflict for a person: both changed, a first comparison, a blank, a deleted
    variant, a price JOOR cannot represent."""

    path: str
    base: JsonValue
    shopify: JsonValue
    joor: JsonValue
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Refusal:
    """What the gate would not write: stored as a per-product problem with its reason."""

    side: str
    code: str
    message: str
    path: str = ""
    details: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Note:
    """A readable event on the product (a revert by ownership, a variant deleted on one side …)."""

    action: str
    message: str
    side: str = ""
    level: str = "info"
    details: dict[str, Any] | None = None


@dataclass(slots=True)
class PairPlan:
    """Everything one run intends for one linked pair."""

    shopify: ProductUpdate = field(default_factory=lambda: ProductUpdate(Side.SHOPIFY))
    joor: ProductUpdate = field(default_factory=lambda: ProductUpdate(Side.JOOR))
    stock: list[StockWrite] = field(default_factory=list)
    policies: list[PolicyWrite] = field(default_factory=list)
    holds: list[Hold] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    base: dict[str, JsonValue] = field(default_factory=dict)  # the last agreement
    snapshot: dict[str, JsonValue] = field(default_factory=dict)  # the agreement once applied
    converged: list[str] = field(default_factory=list)  # open conflicts whose sides now agree
    applying: list[int] = field(default_factory=list)  # resolved conflicts this plan writes
    # Open conflicts whose sides moved on since they were found: path → (Shopify, JOOR) now.
    refreshed: dict[str, tuple[JsonValue, JsonValue]] = field(default_factory=dict)

    def update(self, side: Side) -> ProductUpdate:
        return self.shopify if side is Side.SHOPIFY else self.joor

    @property
    def writes(self) -> bool:
        return bool(self.shopify.changes or self.joor.changes or self.stock or self.policies)

    @property
    def changed(self) -> bool:
        return self.writes or bool(self.holds or self.converged or self.refusals)

    def keep_base(self, path: str) -> None:
        """The path stays at its last agreement, so its difference is seen again next run."""
        if path in self.base:
            self.snapshot[path] = self.base[path]
        else:
            self.snapshot.pop(path, None)


@dataclass(slots=True)
class ProductCreate:
    """A product that exists on one side only, to be created on `side`."""

    side: Side
    product: CanonicalProduct
    source_id: str  # the JOOR style id or the Shopify product GID it comes from
    status: str = ""  # Shopify: DRAFT / ACTIVE
    refusals: list[Refusal] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


@dataclass(slots=True)
class Counts:
    """What a run did, in the shape the `sync --json` report prints."""

    shopify: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("created", "updated", "deleted", "unchanged"), 0)
    )
    joor: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("created", "updated", "deleted", "unchanged"), 0)
    )
    conflicts: int = 0
    errors: int = 0
    problems: int = 0

    def side(self, side: Side) -> dict[str, int]:
        return self.shopify if side is Side.SHOPIFY else self.joor

    def as_dict(self) -> dict[str, Any]:
        return {
            "shopify": dict(self.shopify),
            "joor": dict(self.joor),
            "conflicts": self.conflicts,
            "errors": self.errors,
            "problems": self.problems,
        }
