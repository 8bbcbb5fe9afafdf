"""Typed errors raised by the JOOR client and its wire-format parsers.

Callers decide on retries by type: only `JoorTransientError` and `JoorRateLimited` are worth another
try; everything else needs a person or a different request.
"""

from __future__ import annotations


class JoorError(Exception):
    """Base of every error raised for JOOR. `status` is the HTTP status when there was one."""

    def __init__(self, message: str, *, status: int | None = None, log_id: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.log_id = log_id


class JoorAuthError(JoorError):
    """Credentials missing, wrong, expired or revoked (HTTP 401/403, or a refused v4 grant)."""


class JoorRateLimited(JoorError):
    """JOOR answered 429 and the retries allowed for it ran out."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.retry_after = retry_after


class JoorTransientError(JoorError):
    """5xx, timeout, dropped connection, truncated or unparseable body: may succeed if tried again."""


class JoorPermanentError(JoorError):
    """A request JOOR refused (4xx other than 401/403/429, or a non-zero response code)."""


class JoorBadPayload(JoorError):
    """An answer that must not be processed: hostile XML (DOCTYPE, entities) or a structure that is not
    a JOOR document at all. Never retried: the same request would get the same answer."""


class JoorMalformedBody(JoorTransientError):
    """A body that does not parse (truncated, invalid JSON/XML). Retried as transient, since a cut
    connection is the usual cause; after the retries it is a clear failure."""
