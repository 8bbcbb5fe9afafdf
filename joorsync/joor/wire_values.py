"""Scalar converters for JOOR wire values: one per field type of the v2 field table.

JOOR's JSON is an XML-to-JSON rendering, so any scalar may arrive as text ("200", "True", "53.00", "")
or as a JSON number/boolean; XML always gives text. Each converter accepts every such spelling of a
valid value and raises `BadValue` (with a message naming the value) for anything else, so a wrong value
is reported instead of being guessed. JSON numbers arrive as `int` or `Decimal` (the JSON loader parses
floats as Decimal so that 68.50 and UPC-like numbers stay exact).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

# Bounds that keep hostile numbers ("1E+999999999") from costing unbounded time or memory.
_MAX_DIGITS = 40

_BOOLEANS = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}


class BadValue(ValueError):
    """A wire value that cannot be read as the field's type."""


def show(value: Any, limit: int = 60) -> str:
    """A short, safe rendering of a wire value for problem messages."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def decimal_text(value: Decimal) -> str:
    """Text of a JSON number used as a code: integral → digits only (5414855153715, never 5.41E+12)."""
    if not value.is_finite() or value.adjusted() > _MAX_DIGITS:
        raise BadValue(f"number {show(value)} is not usable as text")
    if value == value.to_integral_value():
        return str(int(value))
    return format(value, "f")


def to_str(value: Any) -> str | None:
    """Any String / code fields. Numbers become their decimal text; blank → None."""
    kind = type(value)
    if kind is str:
        return None if not value or value.isspace() else value
    if value is None:
        return None
    if kind is int:
        return str(value)
    if kind is Decimal:
        return decimal_text(value)
    if kind is float:
        return decimal_text(Decimal(repr(value)))
    raise BadValue(f"expected text, got {show(value)}")


def _is_plain_integer(text: str) -> bool:
    body = text[1:] if text[0] in "+-" else text
    return body.isascii() and body.isdigit()


def _is_plain_decimal(text: str) -> bool:
    body = text[1:] if text[0] in "+-" else text
    return body.isascii() and body.replace(".", "", 1).isdigit()


def to_int(value: Any) -> int | None:
    """Integer fields. Accepts 200, "200", "-1", and integral decimals ("200.00", 25.0)."""
    kind = type(value)
    if kind is int:
        return value
    if kind is str:
        text = value.strip()
        if not text:
            return None
        if len(text) <= _MAX_DIGITS:
            if _is_plain_integer(text):
                return int(text)
            if _is_plain_decimal(text):
                number = Decimal(text)
                if number == number.to_integral_value():
                    return int(number)
        raise BadValue(f"expected an integer, got {show(value)}")
    if value is None:
        return None
    if kind is Decimal and value.is_finite() and value.adjusted() <= _MAX_DIGITS:
        if value == value.to_integral_value():
            return int(value)
    raise BadValue(f"expected an integer, got {show(value)}")


def to_decimal(value: Any) -> Decimal | None:
    """Decimal fields (prices). A decimal point only: "12,50" is refused, not read as 1250 or 12.5."""
    kind = type(value)
    if kind is str:
        text = value.strip()
        if not text:
            return None
        if len(text) <= _MAX_DIGITS and _is_plain_decimal(text):
            return Decimal(text)
        raise BadValue(f"expected a decimal number, got {show(value)}")
    if kind is Decimal:
        if value.is_finite() and value.adjusted() <= _MAX_DIGITS:
            return value
        raise BadValue(f"expected a decimal number, got {show(value)}")
    if kind is int:
        if abs(value) < 10**_MAX_DIGITS:
            return Decimal(value)
        raise BadValue(f"expected a decimal number, got {show(value)}")
    if value is None:
        return None
    raise BadValue(f"expected a decimal number, got {show(value)}")


def to_bool(value: Any) -> bool | None:
    """Boolean fields: true/false, 1/0, yes/no in any case, as text, numbers or JSON booleans."""
    kind = type(value)
    if kind is bool:
        return value
    if kind is str:
        text = value.strip()
        if not text:
            return None
        result = _BOOLEANS.get(text.lower())
        if result is not None:
            return result
    elif value is None:
        return None
    elif (kind is int or kind is Decimal) and value in (0, 1):
        return bool(value)
    raise BadValue(f"expected a boolean, got {show(value)}")


def to_date(value: Any) -> dt.date | dt.datetime | None:
    """UTC date fields: "YYYY-MM-DD" → date; an ISO 8601 value with a time → datetime.

    MySQL's zero date ("0000-00-00") means "no date" and becomes None.
    """
    if value is None:
        return None
    if type(value) is not str:
        raise BadValue(f"expected a date, got {show(value)}")
    text = value.strip()
    if not text or text.startswith("0000-00-00"):
        return None
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        if len(text) <= 40:
            return dt.datetime.fromisoformat(text)
    except ValueError:
        pass
    raise BadValue(f"expected a date, got {show(value)}")
