"""Parsing of the ISO 8601 dates JOOR's query parameters take."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$", re.IGNORECASE
)


class BadDate(ValueError):
    pass


def parse_bound(text: str, *, end: bool) -> datetime:
    """A window bound as an aware UTC datetime. A bare date starts the day (start bound) or ends it
    (end bound: the returned instant is the next midnight, compared exclusively by `in_window`)."""
    value = text.strip()
    if _DATE_RE.match(value):
        try:
            day = date.fromisoformat(value)
        except ValueError as exc:
            raise BadDate(f"{text!r} is not a valid date") from exc
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        return start + timedelta(days=1) if end else start
    # A '+' offset arrives as a space when the client did not percent-encode it.
    value = re.sub(r" (\d{2}:?\d{2})$", r"+\1", value)
    if not _DATETIME_RE.match(value):
        raise BadDate(f"{text!r} is not an ISO 8601 date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ss[.s]TZD)")
    if value[-1] in "zZ":
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise BadDate(f"{text!r} is not a valid date") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def is_date_only(text: str) -> bool:
    return bool(_DATE_RE.match(text.strip()))


def in_window(moment: datetime, start: datetime, end: datetime, *, end_exclusive: bool) -> bool:
    if moment < start:
        return False
    return moment < end if end_exclusive else moment <= end
