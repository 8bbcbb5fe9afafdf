"""The transports that carry the policy: one wraps any transport, one opens the sockets.

`PolicyTransport` is what a client installs: it refuses destinations the policy does not allow, offers
only the content codings it can decode in bounded steps, starts the request's deadline, and hands back
a body that is decoded and capped as it streams. `network_transport()` is the socket-level half: an
`httpx.HTTPTransport` whose connection pool opens connections through the deadline backend (and the
address guard, when the policy checks addresses).
"""

from __future__ import annotations

from dataclasses import dataclass

import httpcore
import httpx

from .body import ACCEPT_ENCODING, BoundedBody
from .deadline import Deadline, DeadlineBackend, deadline_scope
from .destinations import AddressGuardBackend, DestinationPolicy, Resolver, resolve

#: Headers that describe the encoded body; they are wrong once the transport has decoded it.
_ENCODED_BODY_HEADERS = ("content-encoding", "content-length")


@dataclass(frozen=True, slots=True)
class Limits:
    """`deadline`: seconds one request may take from sending to the last byte of its body.
    `max_body_bytes`: the cap on a body after decompression. None switches either off."""

    deadline: float | None = 60.0
    max_body_bytes: int | None = 32 * 1024 * 1024

    def __post_init__(self) -> None:
        if self.deadline is not None and self.deadline <= 0:
            raise ValueError("deadline must be positive (or None)")
        if self.max_body_bytes is not None and self.max_body_bytes < 0:
            raise ValueError("max_body_bytes must not be negative (or None)")


def network_transport(
    *, destinations: DestinationPolicy | None = None, resolver: Resolver = resolve
) -> httpx.HTTPTransport:
    """An `httpx.HTTPTransport` (no retries of its own, no proxies) whose sockets obey the deadline and,
    when `destinations` checks addresses, are resolved, checked and pinned by `AddressGuardBackend`.

    httpx has no public hook for the network backend, so it is installed into the pool httpx built; the
    check below fails loudly if a later httpx stops building one this way.
    """
    transport = httpx.HTTPTransport(retries=0)
    pool = getattr(transport, "_pool", None)
    if not isinstance(pool, httpcore.ConnectionPool) or not hasattr(pool, "_network_backend"):
        raise RuntimeError("this httpx version does not build an httpcore.ConnectionPool; update outbound")
    backend: httpcore.NetworkBackend = pool._network_backend
    if destinations is not None and not destinations.open:
        backend = AddressGuardBackend(backend, destinations, resolver=resolver)
    pool._network_backend = DeadlineBackend(backend)
    return transport


class PolicyTransport(httpx.BaseTransport):
    """Wraps `inner` (default: `network_transport(destinations=...)`) with the outbound policy."""

    def __init__(
        self,
        inner: httpx.BaseTransport | None = None,
        *,
        limits: Limits | None = None,
        destinations: DestinationPolicy | None = None,
    ) -> None:
        self.limits = limits or Limits()
        self.destinations = destinations or DestinationPolicy()
        self._inner = inner if inner is not None else network_transport(destinations=self.destinations)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.destinations.check_url(request.url)
        if request.headers.get("Accept-Encoding", "").strip().lower() != "identity":
            request.headers["Accept-Encoding"] = ACCEPT_ENCODING
        deadline = Deadline.after(self.limits.deadline) if self.limits.deadline is not None else None
        with deadline_scope(deadline):
            response = self._inner.handle_request(request)
        encoding = response.headers.get("Content-Encoding", "")
        headers = httpx.Headers(response.headers)
        if encoding.strip().lower() not in ("", "identity"):
            for name in _ENCODED_BODY_HEADERS:
                headers.pop(name, None)
        return httpx.Response(
            status_code=response.status_code,
            headers=headers,
            stream=BoundedBody(
                response, encoding=encoding, max_bytes=self.limits.max_body_bytes, deadline=deadline
            ),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._inner.close()
