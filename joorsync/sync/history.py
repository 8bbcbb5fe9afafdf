"""A product's history: every change the app made or refused on either side, with the values before
and after, what started it, and which of its writes a person can still put back.

Read from what the sync already keeps: the link's events ("updated" events carry each written field's
before and after), its conflicts (opened, decided) and its problems (writes the gate refused).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from joorsync.pricing.categories import CATEGORY_PATH
from joorsync.sync.canonical import is_blank, parse_variant_path
from joorsync.sync.conflicts import conflict_field_clearable
from joorsync.sync.models import Conflict, ProductLink, ProductProblem, SyncEvent

#: Entries of each kind a history page reads (the newest); older ones stay in the job logs.
HISTORY_LIMIT = 500


@dataclass(frozen=True)
class HistoryChange:
    """One field an "updated" event wrote: before, after, and whether it can be put back."""

    path: str
    old: Any
    new: Any
    by: str  # the engine's reason: merge, ownership, person, clear
    has_old: bool
    stock: bool = False
    cut: bool = False
    restore_refused: str = ""  # why it cannot be put back ("" = it can)

    @property
    def restorable(self) -> bool:
        return not self.restore_refused


@dataclass(frozen=True)
class HistoryEntry:
    """One thing that happened to the product, newest first on the page."""

    at: datetime
    kind: str  # "event", "conflict_opened", "conflict_decided", "problem"
    side: str = ""
    event: SyncEvent | None = None
    conflict: Conflict | None = None
    problem: ProductProblem | None = None
    changes: list[HistoryChange] = field(default_factory=list)


def _pending_paths(link: ProductLink) -> set[str]:
    """Fields waiting on a person (an open conflict) or on a job (a decision not yet written)."""
    return set(
        Conflict.objects.filter(link=link, status=Conflict.Status.OPEN).values_list("field_path", flat=True)
    ) | set(
        Conflict.objects.filter(
            link=link, status=Conflict.Status.RESOLVED, applied_at__isnull=True
        ).values_list("field_path", flat=True)
    )


def change_restore_refusal(
    *, link: ProductLink, change: Mapping[str, Any], pending: set[str] | None = None
) -> str:
    """Why a recorded write cannot be put back ("" when it can).

    It can while the product still syncs, the value written is still what both sides agreed on last
    (nobody changed the field since), nothing else waits on the field, and the value before is whole
    and may stand on both sides. Stock is never put back: it moves with sales.
    """
    path = str(change.get("path") or "")
    parsed = parse_variant_path(path)
    if change.get("stock") or (parsed is not None and parsed[1] == "inventory"):
        return "Stock is not restored: it moves with sales and follows its owner."
    if parsed is not None and not parsed[1]:
        return "A whole variant is not restored from here."
    if path == "images" or path.startswith("images."):
        return "Images are not restored from here: add or remove the image in Shopify or JOOR."
    if "old" not in change:
        return "The value before this write was not recorded."
    if change.get("cut"):
        return "The value is too long to restore from here."
    if link.status != ProductLink.Status.LINKED:
        return "The product no longer syncs."
    snapshot = link.snapshot if isinstance(link.snapshot, dict) else {}
    if path == CATEGORY_PATH:
        # Shopify alone holds the category, so no agreement records it; a later write of it by the
        # app is caught by the latest-write check. A product without a category is not put back so.
        if is_blank(change.get("old")):
            return "The product had no category before; a category is not cleared from here."
    elif path not in snapshot or snapshot[path] != change.get("new"):
        return "The field changed again since: this write is no longer the current value."
    if change.get("old") == change.get("new"):
        return "Nothing to restore."
    if is_blank(change.get("old")) and not conflict_field_clearable(field_path=path):
        return "The value before was empty, and this field cannot be empty."
    if path in (pending if pending is not None else _pending_paths(link)):
        return "A conflict or a decision already waits on this field."
    return ""


def _changes(
    link: ProductLink, event: SyncEvent, pending: set[str], latest: dict[str, int]
) -> list[HistoryChange]:
    details = event.details if isinstance(event.details, dict) else {}
    rows = details.get("changes")
    if not isinstance(rows, list):
        # Recorded before values were kept: the fields written, without before and after.
        paths = details.get("paths")
        return [
            HistoryChange(
                path=str(p), old=None, new=None, by="", has_old=False, restore_refused="Not recorded."
            )
            for p in (paths if isinstance(paths, list) else [])
        ]
    changes = []
    for row in rows:
        if not isinstance(row, dict) or not row.get("path"):
            continue
        path = str(row["path"])
        refusal = change_restore_refusal(link=link, change=row, pending=pending)
        if not refusal and latest.get(f"{event.side}:{path}") != event.pk:
            refusal = "A later write changed this field."
        changes.append(
            HistoryChange(
                path=path,
                old=row.get("old"),
                new=row.get("new"),
                by=str(row.get("by") or ""),
                has_old="old" in row,
                stock=bool(row.get("stock")),
                cut=bool(row.get("cut")),
                restore_refused=refusal,
            )
        )
    return changes


def product_history_for(*, link: ProductLink, limit: int = HISTORY_LIMIT) -> list[HistoryEntry]:
    """The product's history, newest first (at most `limit` entries of each kind are read)."""
    # A restore asked is shown by its decision (with whether it is written yet), not twice.
    events = list(
        SyncEvent.objects.filter(link=link)
        .exclude(action="restore_requested")
        .select_related("job")
        .order_by("-id")[:limit]
    )
    conflicts = list(Conflict.objects.filter(link=link).order_by("-id")[:limit])
    problems = list(ProductProblem.objects.filter(link=link).order_by("-id")[:limit])
    pending = _pending_paths(link)
    latest: dict[str, int] = {}
    for event in events:  # newest first: the first event seen for a field is its latest write
        if event.action != "updated" or not isinstance(event.details, dict):
            continue
        for row in event.details.get("changes") or event.details.get("paths") or []:
            path = row.get("path") if isinstance(row, dict) else row
            latest.setdefault(f"{event.side}:{path}", event.pk)
    entries: list[HistoryEntry] = []
    for event in events:
        changes = _changes(link, event, pending, latest) if event.action == "updated" else []
        entries.append(
            HistoryEntry(at=event.created_at, kind="event", side=event.side, event=event, changes=changes)
        )
    for conflict in conflicts:
        if conflict.resolution != Conflict.Resolution.RESTORED:  # a restore is a decision, never opened
            entries.append(HistoryEntry(at=conflict.created_at, kind="conflict_opened", conflict=conflict))
        if conflict.status == Conflict.Status.RESOLVED and conflict.resolved_at is not None:
            entries.append(HistoryEntry(at=conflict.resolved_at, kind="conflict_decided", conflict=conflict))
    for problem in problems:
        entries.append(
            HistoryEntry(at=problem.created_at, kind="problem", side=problem.side, problem=problem)
        )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries
