"""Conflict values as text, with what differs from the base wrapped in `<mark>`.

The comparison is a word-level Myers diff under a fixed work budget: a field value can be a long
description or a large JSON list, and an unbounded diff (difflib's is quadratic and worse) would hold
the page for minutes. Over the budget the value is shown whole, unmarked, with a note saying why.

HTML (Shopify's descriptions) is compared as the text a shopper reads: markup is not what a person
decides about, and diffing it marks tags and half-words. Nothing from either side is ever rendered as
HTML: every piece is escaped.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Words (hyphenated and with apostrophes kept whole), runs of whitespace, single punctuation marks.
_TOKEN = re.compile(r"\w+(?:['’-]\w+)*|\s+|[^\w\s]", re.UNICODE)
_HTML_TAG = re.compile(r"<(?:[a-zA-Z][\w-]*|/[a-zA-Z][\w-]*|!--)[^<>]*>")
#: Elements that start a new line of text where they open and close.
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure",
        "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
        "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
_HIDDEN = frozenset({"script", "style", "template", "head", "title"})

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


def looks_like_html(value: Any) -> bool:
    """Whether a value is text holding markup (a Shopify description), not text that mentions `<`."""
    return isinstance(value, str) and _HTML_TAG.search(value) is not None


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n• ")
        elif tag in _BLOCKS:
            self.parts.append("\n\n" if tag == "p" else "\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" or tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCKS and tag != "li":  # the next item, or the list's end, breaks the line
            self.parts.append("\n\n" if tag == "p" else "\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """The text a shopper reads: tags dropped, block elements as line breaks, entities decoded,
    runs of spaces as one space and at most one empty line in a row."""
    parser = _TextOfHtml()
    parser.feed(markup)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).replace("\xa0", " ").split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def readable(value: Any) -> str:
    """A value as a person compares it: HTML as its text, everything else as `as_text` shows it."""
    return html_to_text(value) if looks_like_html(value) else as_text(value)


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
    return highlight_text(as_text(value), against=as_text(against), budget=budget)


def highlight_text(text: str, *, against: str, budget: int = MAX_DIFF_WORK) -> Highlight:
    """`text` escaped, with the words not in `against` wrapped in `<mark>` (whole words: a word
    that changed is marked as a word, never in part)."""
    new, old = _TOKEN.findall(text), _TOKEN.findall(against)
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


def _is_word_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def editable_text(value: Any) -> str:
    """A value as the "Use this value" box starts: tags as "wool, winter", text as it is."""
    if value is None:
        return ""
    if _is_word_list(value):
        return ", ".join(value)
    return as_text(value)


def parse_custom(text: str, *, like: tuple[Any, ...]) -> Any:
    """A typed-in value in the shape of the conflict's values: text stays text when both sides are
    text (or empty); a list of words (tags) is typed with commas; otherwise the input is JSON
    (numbers, null). Raises ValueError."""
    if all(v is None or isinstance(v, str) for v in like):
        return text
    if all(v is None or _is_word_list(v) for v in like) and not text.lstrip().startswith("["):
        return [word.strip() for word in re.split(r"[,\n]", text) if word.strip()]
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError('Enter the value as JSON, for example 42.5, "text" or ["a", "b"]') from exc
