"""Webhook signatures: base64 HMAC-SHA256 of the raw body, checked in constant time."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable

from django.conf import settings


def webhook_signature(*, body: bytes, secret: str) -> str:
    """The `X-Shopify-Hmac-Sha256` value Shopify would send for `body` signed with `secret`."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def webhook_secrets() -> tuple[str, ...]:
    """The current secret, then the previous one while a rotation is in progress."""
    secrets = [settings.SHOPIFY_API_SECRET, getattr(settings, "SHOPIFY_API_SECRET_PREVIOUS", "")]
    return tuple(s for s in secrets if s)


def webhook_signature_valid(
    *, body: bytes, signature: str | None, secrets: Iterable[str] | None = None
) -> bool:
    """True when `signature` matches `body` under any of `secrets` (default: current and previous)."""
    if not signature:
        return False
    given = signature.strip().encode("ascii", errors="replace")
    valid = False
    for secret in webhook_secrets() if secrets is None else secrets:
        expected = webhook_signature(body=body, secret=secret).encode("ascii")
        # No early exit: every configured secret is tried, so timing says nothing about which matched.
        valid = hmac.compare_digest(expected, given) | valid
    return valid
