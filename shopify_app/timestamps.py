"""Shopify's timestamps (ISO 8601 strings, sometimes without an offset) as aware datetimes."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime


def aware_datetime(value: object) -> datetime | None:
    """The instant `value` names, in UTC when it carries no offset; None for anything unparseable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed
