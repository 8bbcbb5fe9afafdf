"""Conflict values as JSON-ish text, with what differs from the base wrapped in `<mark>`.

The comparison is a token-level Myers diff under a fixed work budget: a field value can be a long
description or a large JSON list, and an unbounded diff (difflib's is quadratic and worse) would hold
the page for minutes. Over the budget the value is shown whole, unmarked, with a note saying why.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)

#: Steps the diff may take for one value (diagonals tried, equal tokens followed, trace kept): well under
#: a tenth of a second and a few MB. Common leading and trailing tokens are set aside first, in linear
#: time, and do not count.
MAX_DIFF_WORK = 500_000

TOO_LONG_NOTE = "Too different from the base to highlight what changed; the value is shown in full."


@dataclass(frozen=True)
class Highlight:
    """A value rendered for the comparison table; `note` is set when it could not be compared."""

    html: SafeString
    note: str = ""
    work: int = 0


def as_text(value: Any) -> str:
    """Strings as they are, everything else as indented JSON; null as the word the UI shows for it."""
    if value is None:
        return "(empty)"
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)


def _common_prefix(a: Sequence[str], b: Sequence[str]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: Sequence[str], b: Sequence[str], *, limit: int) -> int:
    n = 0
    while n < limit and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def matched_tokens(old: Sequence[str], new: Sequence[str], *, budget: int) -> tuple[list[bool] | None, int]:
    """Which tokens of `new` belong to a shortest edit script's common subsequence with `old`, and
    the work spent, never more than `budget`; (None, work) when the budget runs out first.

    Myers' greedy algorithm: one pass per edit distance d, each over d + 1 diagonals, following runs
    of equal tokens. The furthest point on each diagonal is kept per pass (O(d²) in all, counted as
    work) to walk the script back.
    """
    n, m = len(old), len(new)
    # Pass d costs at least d + 1, so the budget bounds d as well as the time.
    max_d = min(n + m, math.isqrt(2 * budget) + 1)
    offset = max_d + 1
    v = [0] * (2 * max_d + 3)
    trace: list[list[int]] = []
    work = 0
    for d in range(max_d + 1):
        if work + 2 * d + 3 > budget:
            return None, work
        trace.append(v[offset - d - 1 : offset + d + 2])  # diagonals -d-1 .. d+1 before this pass
        work += 2 * d + 3
        for k in range(-d, d + 1, 2):
            if work >= budget:
                return None, work
            work += 1
            i = offset + k
            x = v[i + 1] if k == -d or (k != d and v[i - 1] < v[i + 1]) else v[i - 1] + 1
            y = x - k
            # The run of equal tokens stops at the end of either side or where the budget runs out.
            start, end = x, x + min(n - x, m - y, budget - work)
            while x < end and old[x] == new[y]:
                x, y = x + 1, y + 1
            work += x - start
            v[i] = x
            if x >= n and y >= m:
                return _walk_back(trace, n, m), work
    return None, work


def _walk_back(trace: list[list[int]], n: int, m: int) -> list[bool]:
    matched = [False] * m
    x, y = n, m
    for d in range(len(trace) - 1, -1, -1):
        v, k = trace[d], x - y
        i = k + d + 1  # diagonal k's index in this pass's slice
        prev_k = k + 1 if k == -d or (k != d and v[i - 1] < v[i + 1]) else k - 1
        prev_x = v[prev_k + d + 1]
        prev_y = prev_x - prev_k
        while x > prev_x and y > prev_y:
            x, y = x - 1, y - 1
            matched[y] = True
        x, y = prev_x, prev_y
    return matched


def highlight(value: Any, *, against: Any, budget: int = MAX_DIFF_WORK) -> Highlight:
    """`value` rendered as text, escaped, with the tokens not in `against` wrapped in `<mark>`."""
    text = as_text(value)
    new, old = _TOKEN.findall(text), _TOKEN.findall(as_text(against))
    head = _common_prefix(old, new)
    tail = _common_suffix(old, new, limit=min(len(old), len(new)) - head)
    matched, work = matched_tokens(old[head : len(old) - tail], new[head : len(new) - tail], budget=budget)
    if matched is None:
        return Highlight(html=escape(text), note=TOO_LONG_NOTE, work=work)
    flags = [True] * head + matched + [True] * tail
    out: list[str] = []
    start = 0
    for i in range(1, len(new) + 1):
        if i == len(new) or flags[i] != flags[start]:
            chunk = escape("".join(new[start:i]))
            out.append(chunk if flags[start] or not chunk.strip() else f"<mark>{chunk}</mark>")
            start = i
    return Highlight(html=mark_safe("".join(out)), work=work)  # noqa: S308 - every piece was escaped


def parse_custom(text: str, *, like: tuple[Any, ...]) -> Any:
    """A typed-in value in the shape of the conflict's values: text stays text when both sides are
    text (or empty); otherwise the input is JSON (numbers, lists, null). Raises ValueError."""
    if all(v is None or isinstance(v, str) for v in like):
        return text
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError('Enter the value as JSON, for example 42.5, "text" or ["a", "b"]') from exc
