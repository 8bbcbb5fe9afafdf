"""How Shopify normalises customer-facing values: phone numbers, tags, money amounts, emails."""

from __future__ import annotations

import re
from decimal import Decimal

MAX_PHONE_LENGTH = 255
# What may appear in a phone number besides digits: spacing and punctuation people type.
_PHONE_CHARACTERS = re.compile(r"^\+?[\d\s().\-/]+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_phone(raw: str, *, calling_code: str = "1") -> str | None:
    """E.164 form of a phone number, or None when it is not a dialable number.

    Recorded (2025-01 customer-phone-normalization, 2026-04 b2b-location-input-normalization,
    b2b-contact-update-customer-readback): `+1 (613) 450-5293` → `+16134505293`, `(415) 555-1234` →
    `+14155551234` (a national number takes the shop's calling code), `+1234abcd` and `not-a-phone`
    are invalid.
    """
    text = raw.strip()
    if not text or len(text) > MAX_PHONE_LENGTH or not _PHONE_CHARACTERS.match(text):
        return None
    digits = re.sub(r"\D", "", text)
    if text.startswith("+"):
        number = digits
    elif digits.startswith("00"):
        number = digits[2:]
    elif calling_code == "1" and len(digits) == 11 and digits.startswith("1"):
        number = digits
    else:
        number = calling_code + digits.lstrip("0")
    if number.startswith("1"):
        # North American numbering plan: +1, area code and exchange both start with 2-9.
        valid = len(number) == 11 and number[1] in "23456789" and number[4] in "23456789"
    else:
        valid = 8 <= len(number) <= 15 and not number.startswith("0")
    return f"+{number}" if valid else None


def phone_problems(raw: str) -> list[str]:
    """The messages Shopify gives for a phone it refuses (recorded: both for an over-long number)."""
    problems = []
    if len(raw) > MAX_PHONE_LENGTH:
        problems.append(f"Phone is too long (maximum is {MAX_PHONE_LENGTH} characters)")
    if normalize_phone(raw) is None:
        problems.append("Phone is invalid")
    return problems


def valid_email(value: str) -> bool:
    return bool(_EMAIL.match(value.strip()))


def same_email(left: str | None, right: str | None) -> bool:
    """Emails are unique regardless of case; the case they were given in is kept for display
    (recorded: customers-catalog shows `Russel.winfield@example.com`)."""
    if not left or not right:
        return False
    return left.strip().lower() == right.strip().lower()


def normalize_tags(values: list[str] | None) -> list[str]:
    """Tags split on commas, trimmed, de-duplicated ignoring case and sorted ignoring case
    (recorded: customer-create-parity `["parity", "create-…"]` → `["create-…", "parity"]`,
    customers-keyed-search-filters keeps `VIP` after lower-case tags)."""
    seen: dict[str, str] = {}
    for value in values or []:
        for part in value.split(","):
            tag = part.strip()
            if tag and tag.lower() not in seen:
                seen[tag.lower()] = tag
    return sorted(seen.values(), key=lambda tag: (tag.lower(), tag))


def money(amount: Decimal) -> str:
    """A Money string as Shopify prints it: no trailing zeros, at least one decimal
    (recorded: customer-detail `11884.9`, customers-catalog `0.0`)."""
    text = format(amount.normalize(), "f")
    return text if "." in text else f"{text}.0"
