"""Redaction of secrets from any text that could reach an exception message or a log line.

A secret can come back from a server in other spellings than the one sent: base64 (inside a Basic
header echoed in an error) or percent-encoded (inside a URL or a form body), so each form is masked.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from urllib.parse import quote, quote_plus

#: Shorter values are not masked: replacing every "a" or "ok" in a message would garble it and a
#: secret that short protects nothing anyway.
MIN_SECRET_LENGTH = 4


def secret_forms(secret: str) -> list[str]:
    """The spellings of `secret` a server could echo, longest first, without duplicates."""
    encoded = base64.b64encode(secret.encode()).decode()
    forms = {secret, encoded, encoded.rstrip("="), quote(secret, safe=""), quote_plus(secret, safe="")}
    return sorted(forms, key=len, reverse=True)


class Redactor:
    """Callable that masks the current secrets; `secrets` is asked each time, so a refreshed token is
    covered as soon as it is in use."""

    def __init__(self, secrets: Callable[[], Iterable[str | None]], *, mask: str = "***") -> None:
        self._secrets = secrets
        self.mask = mask

    def __call__(self, text: str) -> str:
        for secret in self._secrets():
            if not secret or len(secret) < MIN_SECRET_LENGTH:
                continue
            for form in secret_forms(secret):
                text = text.replace(form, self.mask)
        return text
