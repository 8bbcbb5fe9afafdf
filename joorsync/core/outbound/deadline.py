"""A total deadline per request, enforced on every socket operation.

A read timeout bounds each read, not the request: a server that sends one byte every few seconds never
trips it and can hold a worker for hours. Here the request's deadline travels in a context variable
(set by `PolicyTransport` around sending the request and around reading each chunk of its body), and a
network-backend wrapper gives every connect, TLS handshake, write and read at most the time left, so
slow headers and a slow body both end at the deadline.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

import httpcore

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Deadline:
    expires_at: float  # time.monotonic()
    seconds: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(expires_at=time.monotonic() + seconds, seconds=seconds)

    def left(self) -> float:
        return self.expires_at - time.monotonic()

    def message(self) -> str:
        return f"the total deadline of {self.seconds:g}s per request was exceeded"


_current: ContextVar[Deadline | None] = ContextVar("outbound_deadline", default=None)


def current_deadline() -> Deadline | None:
    return _current.get()


@contextmanager
def deadline_scope(deadline: Deadline | None) -> Iterator[None]:
    """Run the block under `deadline`; nested scopes keep the earlier of the two."""
    outer = _current.get()
    if deadline is None or (outer is not None and outer.expires_at <= deadline.expires_at):
        yield
        return
    token = _current.set(deadline)
    try:
        yield
    finally:
        _current.reset(token)


def _bounded(
    operation: Callable[[float | None], T], timeout: float | None, error: type[httpcore.TimeoutException]
) -> T:
    """Run `operation(timeout)` with the timeout cut to the time left; a timeout caused by the cut is
    reported as the deadline it is."""
    deadline = _current.get()
    if deadline is None:
        return operation(timeout)
    left = deadline.left()
    if left <= 0:
        raise error(deadline.message())
    try:
        return operation(left if timeout is None else min(timeout, left))
    except error:
        if deadline.left() <= 0:
            raise error(deadline.message()) from None
        raise


class DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return _bounded(lambda t: self._inner.read(max_bytes, t), timeout, httpcore.ReadTimeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        _bounded(lambda t: self._inner.write(buffer, t), timeout, httpcore.WriteTimeout)

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        stream = _bounded(
            lambda t: self._inner.start_tls(ssl_context, server_hostname=server_hostname, timeout=t),
            timeout,
            httpcore.ConnectTimeout,
        )
        return DeadlineStream(stream)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """Wraps a network backend so every stream it opens obeys the current deadline."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        stream = _bounded(
            lambda t: self._inner.connect_tcp(
                host, port, timeout=t, local_address=local_address, socket_options=socket_options
            ),
            timeout,
            httpcore.ConnectTimeout,
        )
        return DeadlineStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        stream = _bounded(
            lambda t: self._inner.connect_unix_socket(path, timeout=t, socket_options=socket_options),
            timeout,
            httpcore.ConnectTimeout,
        )
        return DeadlineStream(stream)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
