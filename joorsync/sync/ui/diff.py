"""Conflict values as JSON-ish text, with what differs from the base wrapped in `<mark>`."""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


def as_text(value: Any) -> str:
    """Strings as they are, everything else as indented JSON; null as the word the UI shows for it."""
    if value is None:
        return "(empty)"
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)


def highlight(value: Any, *, against: Any) -> SafeString:
    """`value` rendered as text, escaped, with the tokens not in `against` wrapped in `<mark>`."""
    new, old = _TOKEN.findall(as_text(value)), _TOKEN.findall(as_text(against))
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, _, _, j1, j2 in matcher.get_opcodes():
        chunk = escape("".join(new[j1:j2]))
        if tag == "equal" or not chunk.strip():
            out.append(chunk)
        else:
            out.append(f"<mark>{chunk}</mark>")
    return mark_safe("".join(out))  # noqa: S308 - every piece was escaped above


def parse_custom(text: str, *, like: tuple[Any, ...]) -> Any:
    """A typed-in value in the shape of the conflict's values: text stays text when both sides are
    text (or empty); otherwise the input is JSON (numbers, lists, null). Raises ValueError."""
    if all(v is None or isinstance(v, str) for v in like):
        return text
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError('Enter the value as JSON, for example 42.5, "text" or ["a", "b"]') from exc
