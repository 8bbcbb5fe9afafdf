"""One outbound HTTP policy for every client that talks to another service (JOOR, Shopify).

The pieces, each in its own module, are what every such client needs and must not get subtly
different: a total deadline per request (`deadline`), a cap on bodies counted after decompression
(`body`), where requests may go (`destinations`), which failures are retried and how long to wait
(`retry`), masking secrets in messages (`redact`), and counters of what was sent (`usage`).
`PolicyTransport` carries the first three into any `httpx.Client`; a client's own request loop uses
the rest, so the loops stay specific (JOOR's credit budget, Shopify's cost bucket) while the rules are
shared.

This package imports nothing from Django: settings decide a client's policy where the client is
built, and pass it in.
"""

from .body import ACCEPT_ENCODING
from .deadline import Deadline, DeadlineBackend, deadline_scope
from .destinations import AddressGuardBackend, DestinationPolicy, is_public_address, resolve
from .errors import DestinationRefused, OutboundError, ResponseTooLarge
from .redact import Redactor
from .retry import (
    DEFAULT_MAX_RETRY_AFTER,
    PERMANENT_5XX,
    Backoff,
    parse_retry_after,
    retryable_error,
    retryable_status,
)
from .transport import Limits, PolicyTransport, network_transport
from .usage import Usage, UsageSnapshot

__all__ = [
    "ACCEPT_ENCODING",
    "DEFAULT_MAX_RETRY_AFTER",
    "PERMANENT_5XX",
    "AddressGuardBackend",
    "Backoff",
    "Deadline",
    "DeadlineBackend",
    "DestinationPolicy",
    "DestinationRefused",
    "Limits",
    "OutboundError",
    "PolicyTransport",
    "Redactor",
    "ResponseTooLarge",
    "Usage",
    "UsageSnapshot",
    "deadline_scope",
    "is_public_address",
    "network_transport",
    "parse_retry_after",
    "resolve",
    "retryable_error",
    "retryable_status",
]
