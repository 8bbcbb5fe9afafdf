"""Shopify search syntax (`query:` argument), the subset the sandbox understands.

Terms are `field:value`, `field:>value` (also `<`, `>=`, `<=`), quoted values, `-field:value` or
`NOT term` for negation, plain words (matched against the title), joined by implicit or explicit AND
and by OR (AND binds tighter). A trailing `*` makes a prefix match.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

_COMPARATOR = re.compile(r"^(>=|<=|>|<)?(.*)$", re.S)

DATE_FIELDS = {"updated_at", "created_at", "published_at", "processed_at"}


@dataclass(frozen=True)
class Term:
    field: str | None
    op: str
    value: str
    negated: bool = False


def _tokens(query: str) -> list[str]:
    lexer = shlex.shlex(query, posix=True)
    lexer.whitespace_split = True
    lexer.quotes = "\"'"
    lexer.commenters = ""
    try:
        return list(lexer)
    except ValueError:
        return query.split()


def parse(query: str | None) -> list[list[Term]]:
    """Disjunction of conjunctions of terms; empty list means 'match everything'."""
    if not query or not query.strip():
        return []
    groups: list[list[Term]] = [[]]
    negate_next = False
    for word in _tokens(query):
        if word == "OR":
            groups.append([])
            continue
        if word == "AND":
            continue
        if word == "NOT":
            negate_next = True
            continue
        negated = negate_next
        negate_next = False
        token = word
        if token.startswith("-") and len(token) > 1:
            negated, token = True, token[1:]
        field, sep, rest = token.partition(":")
        if sep and field and re.fullmatch(r"[a-z_]+", field):
            op_match = _COMPARATOR.match(rest)
            assert op_match is not None
            groups[-1].append(Term(field, op_match.group(1) or "=", op_match.group(2), negated))
        else:
            groups[-1].append(Term(None, "=", token, negated))
    return [group for group in groups if group]


def _parse_date(value: str) -> datetime | None:
    text = value.strip().strip("'\"")
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _compare(actual: Any, term: Term) -> bool:
    if term.field in DATE_FIELDS:
        left = _parse_date(actual) if isinstance(actual, str) else None
        right = _parse_date(term.value)
        if left is None or right is None:
            return False
        return {
            "=": left == right,
            ">": left > right,
            "<": left < right,
            ">=": left >= right,
            "<=": left <= right,
        }[term.op]
    if actual is None:
        return False
    text = str(actual).lower()
    wanted = term.value.lower()
    if term.op != "=":
        try:
            left_n, right_n = float(text), float(wanted)
        except ValueError:
            return False
        return {
            ">": left_n > right_n,
            "<": left_n < right_n,
            ">=": left_n >= right_n,
            "<=": left_n <= right_n,
        }[term.op]
    if wanted.endswith("*"):
        return text.startswith(wanted[:-1])
    return text == wanted


def matches(groups: list[list[Term]], values_of: Callable[[str | None], Iterable[Any]]) -> bool:
    """Does a record match? `values_of(field)` yields the record's values for a field (None → free text)."""
    if not groups:
        return True
    for group in groups:
        if all(_term_matches(term, values_of) for term in group):
            return True
    return False


def _term_matches(term: Term, values_of: Callable[[str | None], Iterable[Any]]) -> bool:
    if term.field is None:
        wanted = term.value.lower()
        hit = any(wanted in str(value).lower() for value in values_of(None) if value is not None)
    elif term.field == "status":
        statuses = {part.strip().lower() for part in term.value.split(",")}
        hit = any(str(value).lower() in statuses for value in values_of("status"))
    else:
        hit = any(_compare(value, term) for value in values_of(term.field))
    return hit != term.negated
