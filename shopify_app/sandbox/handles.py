"""Product handle normalisation and de-duplication, as Shopify does them.

Recorded behaviour: `"  Mixed CASE / 東京 100 % "` → `mixed-case-東京-100`; a handle that normalises to
nothing becomes `product`; a generated handle that is taken gets its trailing number incremented
(`…-20260719114534` → `…-20260719114535`) or `-1`, `-2` … appended.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_SEPARATORS = re.compile(r"[\W_]+", re.UNICODE)
_TRAILING_NUMBER = re.compile(r"^(.*-)(\d+)$")
FALLBACK_HANDLE = "product"
MAX_HANDLE_LENGTH = 255


def normalize_handle(raw: str) -> str:
    return _SEPARATORS.sub("-", raw.strip().lower()).strip("-")


def unique_handle(base: str, taken: Callable[[str], bool]) -> str:
    """`base`, or the next free variant of it."""
    candidate = base or FALLBACK_HANDLE
    while taken(candidate):
        match = _TRAILING_NUMBER.match(candidate)
        if match:
            candidate = f"{match.group(1)}{int(match.group(2)) + 1}"
        else:
            candidate = f"{candidate}-1"
    return candidate
