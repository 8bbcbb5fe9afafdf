"""Planning a linesheet ↔ collection pass without touching either side: what JOOR's deliveries say
(read from what each linked product last agreed on), the membership and order a collection should
have, the fewest moves that reach that order, and the gate that refuses what must not be written.

Pure functions over plain values, so every rule here is tested without a sandbox.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

DELIVERIES_PATH = "metafields.joor.deliveries"
COLORS_PATH = "metafields.joor.colors"
#: Collection metafields written for a JOOR linesheet (namespace `joor`).
METAFIELD_NAMESPACE = "joor"
METAFIELD_TYPES = {
    "delivery_code": "single_line_text_field",
    "ship_start": "date",
    "ship_end": "date",
    "cancel_date": "date",
    "season": "single_line_text_field",
    "season_code": "single_line_text_field",
    "color_exclusions": "json",
}
MAX_TITLE = 255  # Shopify's collection title limit
MAX_JOOR_NAME = 100  # JOOR's delivery_name / collection name limit
MOVES_PER_CALL = 250  # collectionReorderProducts takes up to 250 moves
#: Written on creation only: the linesheet a collection was made for, so a collection whose creation
#: answer was lost (or made before the app was reinstalled) is recognised instead of made twice.
KEY_METAFIELD = "linesheet"
LOOKUPS_PER_QUERY = 25  # linesheets per `collections(query: "handle:… OR title:…")` lookup


@dataclass(frozen=True, slots=True)
class Placement:
    """A linked product's place on one linesheet."""

    product_id: str
    style_number: str
    order: int | None
    excluded: tuple[tuple[str, str], ...] = ()  # (color code, color name) left out of this delivery
    colors: tuple[str, ...] = ()  # every color code of the style

    @property
    def fully_excluded(self) -> bool:
        codes = {code for code, _ in self.excluded}
        return bool(self.colors) and set(self.colors) <= codes


@dataclass(slots=True)
class Linesheet:
    """One JOOR delivery as the linked products' agreed documents describe it."""

    key: str
    name: str
    code: str
    season_name: str = ""
    season_year: int | None = None
    season_code: str = ""
    ship_start: str = ""
    ship_end: str = ""
    cancel_date: str = ""
    placements: list[Placement] = field(default_factory=list)

    def members(self) -> list[str]:
        """Product ids in JOOR's display order (ties by style number, then product id). A style with
        every color excluded from this delivery is not on it."""
        shown = [p for p in self.placements if not p.fully_excluded]
        shown.sort(key=lambda p: (p.order is None, p.order or 0, p.style_number, p.product_id))
        return list(dict.fromkeys(p.product_id for p in shown))

    def exclusions(self) -> list[dict[str, Any]]:
        """The colors each member may not be ordered in through this delivery."""
        return [
            {
                "product_id": p.product_id,
                "style_number": p.style_number,
                "colors": [{"code": code, "name": name} for code, name in p.excluded],
            }
            for p in sorted(self.placements, key=lambda p: p.product_id)
            if p.excluded and not p.fully_excluded
        ]

    def attrs(self) -> dict[str, Any]:
        """Title and metafield values the collection should carry ("" = JOOR has none)."""
        season = " ".join(str(v) for v in (self.season_name, self.season_year) if v)
        return {
            "title": (self.name or self.code)[:MAX_TITLE],
            "delivery_code": self.code,
            "ship_start": self.ship_start,
            "ship_end": self.ship_end,
            "cancel_date": self.cancel_date,
            "season": season,
            "season_code": self.season_code,
            "color_exclusions": self.exclusions(),
        }


def delivery_key(delivery: Mapping[str, Any]) -> str:
    """A delivery's identity: its code, else its name (JOOR matches linesheets the same way)."""
    return str(delivery.get("delivery_code") or delivery.get("delivery_name") or "").strip()


def linesheets_from_snapshots(rows: Iterable[Mapping[str, Any]]) -> dict[str, Linesheet]:
    """Every delivery named by the linked products' agreed JOOR documents. Each row has
    `product_id`, `style_number`, `deliveries` and `colors` (the snapshot's values)."""
    sheets: dict[str, Linesheet] = {}
    for row in rows:
        deliveries = row.get("deliveries")
        if not isinstance(deliveries, list):
            continue
        colors = tuple(
            str(c.get("color_code"))
            for c in row.get("colors") or []
            if isinstance(c, dict) and c.get("color_code")
        )
        for delivery in deliveries:
            if not isinstance(delivery, dict):
                continue
            key = delivery_key(delivery)
            if not key:
                continue
            sheet = sheets.get(key)
            if sheet is None:
                sheet = sheets[key] = Linesheet(
                    key=key,
                    name=str(delivery.get("delivery_name") or "").strip(),
                    code=str(delivery.get("delivery_code") or "").strip(),
                    season_name=str(delivery.get("season_name") or ""),
                    season_year=delivery.get("season_year")
                    if isinstance(delivery.get("season_year"), int)
                    else None,
                    season_code=str(delivery.get("season_code") or ""),
                    ship_start=_date_text(delivery.get("date_delivery_start")),
                    ship_end=_date_text(delivery.get("date_delivery_end")),
                    cancel_date=_date_text(delivery.get("date_cancel")),
                )
            order = delivery.get("style_display_order")
            excluded = tuple(
                (str(e.get("color_code")), str(e.get("color_name") or ""))
                for e in delivery.get("color_exclusions") or []
                if isinstance(e, dict) and e.get("color_code")
            )
            sheet.placements.append(
                Placement(
                    product_id=str(row["product_id"]),
                    style_number=str(row.get("style_number") or ""),
                    order=order if isinstance(order, int) and not isinstance(order, bool) else None,
                    excluded=excluded,
                    colors=colors,
                )
            )
    return sheets


def _date_text(value: Any) -> str:
    return str(value)[:10] if value else ""


# -- membership ------------------------------------------------------------------------------------


@dataclass(slots=True)
class MembershipPlan:
    """What one collection needs: products to add (in this order), to remove, and moves."""

    add: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    put_back: list[str] = field(default_factory=list)  # removed by someone else, still on the linesheet
    moves: list[tuple[str, int]] = field(default_factory=list)
    final: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.add or self.remove or self.moves)


def membership_plan(*, base: Sequence[str], wanted: Sequence[str], current: Sequence[str]) -> MembershipPlan:
    """Three-way: `base` is what the two last agreed on, `wanted` what the owning side lists now,
    `current` what the collection holds. Only products the sync placed (in `base`) are ever taken
    out; products someone else added stay, after the owned ones; an owned product someone took out
    while the owner still lists it is put back (the owner decides, and the event says so)."""
    current_set, wanted_set, base_set = set(current), set(wanted), set(base)
    plan = MembershipPlan()
    plan.add = [p for p in wanted if p not in current_set]
    plan.put_back = [p for p in plan.add if p in base_set]
    plan.remove = [p for p in current if p in base_set and p not in wanted_set]
    removed = set(plan.remove)
    after_writes = [p for p in current if p not in removed] + plan.add
    others = [p for p in after_writes if p not in wanted_set]
    target = list(wanted) + others
    plan.moves = reorder_moves(after_writes, target)
    plan.final = target
    return plan


def reorder_moves(current: Sequence[str], target: Sequence[str]) -> list[tuple[str, int]]:
    """The fewest `collectionReorderProducts` moves turning `current` into `target` (same items):
    every item outside a longest run already in target order moves once, right after its target
    predecessor. Positions are 0-based in the list as it is when the move applies."""
    if list(current) == list(target):
        return []
    rank = {item: i for i, item in enumerate(target)}
    keep = set(_longest_increasing([rank[item] for item in current]))
    kept_items = {target[r] for r in keep}
    work = list(current)
    moves: list[tuple[str, int]] = []
    for i, item in enumerate(target):
        if item in kept_items:
            continue
        work.remove(item)
        position = 0 if i == 0 else work.index(target[i - 1]) + 1
        work.insert(position, item)
        moves.append((item, position))
    return moves


def _longest_increasing(values: Sequence[int]) -> list[int]:
    """A longest strictly increasing subsequence (patience sorting, O(n log n))."""
    from bisect import bisect_left

    tails: list[int] = []
    tails_at: list[int] = []
    previous: list[int] = [-1] * len(values)
    for index, value in enumerate(values):
        spot = bisect_left(tails, value)
        if spot == len(tails):
            tails.append(value)
            tails_at.append(index)
        else:
            tails[spot] = value
            tails_at[spot] = index
        previous[index] = tails_at[spot - 1] if spot else -1
    out: list[int] = []
    at = tails_at[-1] if tails_at else -1
    while at != -1:
        out.append(values[at])
        at = previous[at]
    return out[::-1]


def chunks(items: Sequence[Any], size: int) -> list[list[Any]]:
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


# -- attributes and the gate -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Refused:
    """What the gate would not write to one collection or linesheet, with the reason."""

    code: str
    message: str


def attrs_changes(*, base: Mapping[str, Any], wanted: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The attributes to write (those the owner changed since the last agreement) and those the
    gate keeps: a value the owner emptied is never blanked on the other side."""
    write: dict[str, Any] = {}
    kept: list[str] = []
    for name, value in wanted.items():
        if base.get(name) == value:
            continue
        if value in ("", None) and base.get(name) not in ("", None, []):
            kept.append(name)
            continue
        if value in ("", None):
            continue
        write[name] = value
    return write, kept


def metafield_inputs(values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """`MetafieldInput`s of the attributes that are collection metafields (empty ones left out)."""
    import json

    out = []
    for key, kind in METAFIELD_TYPES.items():
        value = values.get(key)
        if value in (None, ""):
            continue
        text = json.dumps(value, ensure_ascii=False, sort_keys=True) if kind == "json" else str(value)
        out.append({"namespace": METAFIELD_NAMESPACE, "key": key, "type": kind, "value": text})
    return out


def title_change(*, base: str | None, wanted: str, current: str) -> tuple[str | None, bool]:
    """Three-way on a collection's title: (the title to write or None, whether a person's title is
    kept). JOOR's name is written only when JOOR renamed the linesheet since the last agreement
    (`base`); when a person also renamed the collection since, to something else, theirs stays."""
    if not wanted or wanted == base or wanted == current:
        return None, False
    if base not in (None, "") and current and current != base:
        return None, True
    return wanted, False


def order_agreed(page: Sequence[str], agreed: Sequence[str], *, page_size: int) -> bool:
    """Does the first page of a collection's products (manual order) start with the order last
    agreed? Products a person added after the agreed ones do not count."""
    size = min(len(agreed), page_size)
    return list(page[:size]) == list(agreed[:size])


def collection_handle(title: str) -> str:
    """The handle Shopify derives from a title (lower case, runs of other characters than letters,
    digits and `_` made one `-`), before a taken one gets its `-1`."""
    import re

    return re.sub(r"[^\w]+", "-", title.strip().lower()).strip("-")


def search_quoted(value: str) -> str:
    """A value quoted for Shopify's search syntax (backslash before `"` and `\\`)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def lookup_terms(title: str) -> list[str]:
    """The `collections` filters that find a collection made with this title: its derived handle,
    and its title (a handle taken by another collection gets a suffix)."""
    terms = []
    handle = collection_handle(title)
    if handle:
        terms.append(f"handle:{handle}")
    if title.strip():
        terms.append(f"title:{search_quoted(title.strip())}")
    return terms


def linesheet_refusals(sheet: Linesheet) -> list[Refused]:
    """A linesheet that cannot become a collection as it is."""
    refused = []
    if not (sheet.name or sheet.code):
        refused.append(Refused("no_name", "this delivery has neither a name nor a code"))
    for key in ("ship_start", "ship_end", "cancel_date"):
        value = getattr(sheet, key)
        if value and not _is_date(value):
            refused.append(Refused("bad_date", f"{key.replace('_', ' ')} {value!r} is not a date"))
    return refused


def _is_date(value: str) -> bool:
    from datetime import date

    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True
