"""Errors the outbound policy raises on its own account (network failures stay httpx errors).

Neither is an `httpx.TransportError`: both are permanent for the request that met them, so a client
that retries transport errors does not retry these.
"""

from __future__ import annotations


class OutboundError(Exception):
    """Base of the policy's own refusals; the message names no secret and no resolved address."""


class DestinationRefused(OutboundError):
    """The URL, host, port or resolved address is not one the policy lets a request reach."""


class ResponseTooLarge(OutboundError):
    """The answer's body, counted after decompression, went past the cap; reading stopped there."""

    def __init__(self, message: str, *, limit: int) -> None:
        super().__init__(message)
        self.limit = limit
