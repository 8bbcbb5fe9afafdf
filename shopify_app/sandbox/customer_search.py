"""Search syntax of the customer and B2B connections (`query:`), with grouping.

Beyond `search.py` (what product search needs) this reads parenthesised groups, `-(…)` and `NOT`
exclusions and `OR` between groups, as recorded in 2025-01 customers-advanced-search
(`state:DISABLED -(tag:VIP OR tag:referral)`) and customers-keyed-search-filters
(`(tag:a OR tag:b) state:DISABLED`, `tag:a -tag:b`). Text fields match by words, as Shopify's search
index does: `name:acme` finds "Zzzzy Acme" (2025-01 b2b-connection-arguments) and `email:gmail.com`
finds every gmail address (the schema's description of the `email` filter); a quoted value is a
phrase; a trailing `*` makes the last word a prefix. A filter a resource does not know is left out of
the query, as Shopify does with its "Invalid search field for this query." warning (2025-01
customers-count: `customersCount(query: "email:…")` counts every customer).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from shopify_app.sandbox.normalize import normalize_phone

# What a field's values are compared as.
TEXT, EXACT, NUMBER, DATE, PHONE = "text", "exact", "number", "date", "phone"
# Matches when no value is one of the listed ones (`tag_not:`).
NOT_EXACT = "not_exact"
Fields = dict[str, tuple[str, Callable[[Any], Iterable[Any]]]]


@dataclass(frozen=True)
class Term:
    field: str | None
    op: str
    value: str
    phrase: bool = False


@dataclass(frozen=True)
class Node:
    kind: str  # "term", "not", "and", "or"
    children: tuple[Node, ...] = ()
    term: Term | None = None


_WORD_END = re.compile(r"[\s()]")


def _words(query: str) -> list[tuple[str, bool]]:
    """Split into words, parentheses and operators; a word is (text, whether its value was quoted)."""
    out: list[tuple[str, bool]] = []
    i, n = 0, len(query)
    while i < n:
        char = query[i]
        if char.isspace():
            i += 1
            continue
        if char in "()":
            out.append((char, False))
            i += 1
            continue
        if char == "-" and query[i + 1 : i + 2] == "(":
            out.append(("NOT", False))
            i += 1
            continue
        text, quoted = [], False
        while i < n and not _WORD_END.match(query[i]):
            if query[i] in "\"'":
                close = query.find(query[i], i + 1)
                close = n if close < 0 else close
                text.append(query[i + 1 : close])
                quoted, i = True, close + 1
                continue
            text.append(query[i])
            i += 1
            if text[-1] == ":" and i < n and query[i] == " ":  # `field: value`
                while i < n and query[i] == " ":
                    i += 1
        out.append(("".join(text), quoted))
    return out


def _term(word: str, quoted: bool) -> Term:
    field, sep, rest = word.partition(":")
    if sep and re.fullmatch(r"[a-z_][a-z0-9_.]*", field):
        op = next((o for o in (">=", "<=", ">", "<") if rest.startswith(o)), "=")
        return Term(field, op, rest[len(op) :] if op != "=" else rest, quoted)
    return Term(None, "=", word, quoted)


def parse(query: str | None) -> Node | None:
    """The query as a tree; None matches everything."""
    if not query or not query.strip():
        return None
    tokens = _words(query)
    position = 0

    def peek() -> str | None:
        return tokens[position][0] if position < len(tokens) else None

    def take() -> tuple[str, bool]:
        nonlocal position
        position += 1
        return tokens[position - 1]

    def unary() -> Node | None:
        word, quoted = take()
        if word == "NOT":
            inner = unary() if peek() is not None else None
            return Node("not", (inner,)) if inner else None
        if word == "(":
            inner = either()
            if peek() == ")":
                take()
            return inner
        if word.startswith("-") and len(word) > 1 and not quoted:
            return Node("not", (Node("term", term=_term(word[1:], quoted)),))
        return Node("term", term=_term(word, quoted))

    def both() -> Node | None:
        items: list[Node] = []
        while peek() not in (None, "OR", ")"):
            if peek() == "AND":
                take()
                continue
            item = unary()
            if item is not None:
                items.append(item)
        return items[0] if len(items) == 1 else Node("and", tuple(items)) if items else None

    def either() -> Node | None:
        items = [both()]
        while peek() == "OR":
            take()
            items.append(both())
        kept = tuple(item for item in items if item is not None)
        return kept[0] if len(kept) == 1 else Node("or", kept) if kept else None

    tree: Node | None = None
    while position < len(tokens):
        if peek() == ")":
            take()
            continue
        part = either()
        if part is not None:
            tree = part if tree is None else Node("and", (tree, part))
    return tree


# ----- matching -----------------------------------------------------------------------------------
def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def text_matches(value: Any, term: Term) -> bool:
    """The term's words appear in order in the value's words (the last as a prefix with `*`)."""
    if value is None or value == "":
        return False
    wanted = term.value
    prefix = wanted.endswith("*") and not term.phrase
    words = _tokens(wanted[:-1] if prefix else wanted)
    have = _tokens(str(value))
    if not words:
        return prefix  # `field:*`: has any value
    for start in range(len(have) - len(words) + 1):
        window = have[start : start + len(words)]
        if window[:-1] == words[:-1] and (
            window[-1].startswith(words[-1]) if prefix else window[-1] == words[-1]
        ):
            return True
    return False


def _date(text: Any) -> datetime | None:
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _ordered(left: Any, right: Any, op: str) -> bool:
    return {
        "=": left == right,
        ">": left > right,
        "<": left < right,
        ">=": left >= right,
        "<=": left <= right,
    }[op]


def value_matches(kind: str, value: Any, term: Term) -> bool:
    if value is None:
        return False
    if kind == TEXT:
        return text_matches(value, term)
    if kind == EXACT:
        wanted = {part.strip().lower() for part in term.value.split(",") if part.strip()}
        return str(value).lower() in wanted
    if kind == PHONE:
        return value == (normalize_phone(term.value) or term.value)
    if kind == NUMBER:
        raw = term.value.rsplit("/", 1)[-1]  # `id:` also takes a gid
        try:
            return _ordered(float(value), float(raw), term.op)
        except ValueError:
            return False
    left, right = _date(value), _date(term.value)
    return left is not None and right is not None and _ordered(left, right, term.op)


def matches(tree: Node | None, record: Any, fields: Fields, default: Fields) -> bool:
    """Does `record` match? `fields` maps a filter to (kind, values of the record); a term without a
    filter searches the `default` fields; a filter not in `fields` is left out of the query."""

    def term_result(term: Term) -> bool | None:
        if term.field is None:
            return any(
                value_matches(kind, value, term)
                for kind, values in default.values()
                for value in values(record)
            )
        entry = fields.get(term.field)
        if entry is None:
            return None
        kind, values = entry
        if kind == NOT_EXACT:
            return not any(value_matches(EXACT, value, term) for value in values(record))
        return any(value_matches(kind, value, term) for value in values(record))

    def walk(node: Node) -> bool | None:
        if node.kind == "term":
            assert node.term is not None
            return term_result(node.term)
        results = [walk(child) for child in node.children]
        known = [result for result in results if result is not None]
        if node.kind == "not":
            return None if not known else not known[0]
        if not known:
            return None
        return all(known) if node.kind == "and" else any(known)

    return tree is None or walk(tree) is not False


def count(total: int, limit: int | None) -> dict[str, Any]:
    """A Count answer: over the limit it is the limit, AT_LEAST (recorded: 2025-01
    b2b-connection-arguments, `companiesCount(limit: 1)` → `{count: 1, precision: AT_LEAST}`)."""
    if limit is not None and total > limit:
        return {"count": limit, "precision": "AT_LEAST"}
    return {"count": total, "precision": "EXACT"}
