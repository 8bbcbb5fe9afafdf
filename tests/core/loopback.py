"""A tiny HTTP server on 127.0.0.1 for tests that need real sockets (slow drips, compressed bombs).

Each accepted connection runs one `Handler(connection, stop)` in a daemon thread. Handlers wait with
`stop.wait()`, so closing the server ends every drip at once and no test outlives its own timeout.
Nothing here listens beyond the loopback interface.
"""

from __future__ import annotations

import gzip
import socket
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Handler = Callable[[socket.socket, threading.Event], None]


class LoopbackServer:
    def __init__(self, handler: Handler) -> None:
        self._handler = handler
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self.accepted = 0
        self._threads: list[threading.Thread] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            self.accepted += 1
            worker = threading.Thread(target=self._run, args=(connection,), daemon=True)
            self._threads.append(worker)
            worker.start()

    def _run(self, connection: socket.socket) -> None:
        with connection:
            try:
                self._handler(connection, self._stop)
            except OSError:  # the client hung up: that is what most tests here provoke
                pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        for worker in self._threads:
            worker.join(5)
        self._listener.close()


@contextmanager
def serving(handler: Handler) -> Iterator[LoopbackServer]:
    server = LoopbackServer(handler)
    try:
        yield server
    finally:
        server.close()


def read_request(connection: socket.socket) -> bytes:
    """The request head and body (by Content-Length), so the client is never cut off mid-send."""
    connection.settimeout(5)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def respond(body: bytes, *, status: str = "200 OK", headers: dict[str, str] | None = None) -> Handler:
    """A handler answering every request on the connection with `body` at once."""

    def handle(connection: socket.socket, stop: threading.Event) -> None:
        while not stop.is_set() and read_request(connection):
            fields = {"Content-Length": str(len(body)), "Content-Type": "application/json", **(headers or {})}
            head = f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items())
            connection.sendall(head.encode() + b"\r\n" + body)

    return handle


def drip_body(body: bytes, *, every: float) -> Handler:
    """Headers at once, then the body one byte every `every` seconds: each read is quick, the whole
    answer takes len(body) * every seconds."""

    def handle(connection: socket.socket, stop: threading.Event) -> None:
        read_request(connection)
        connection.sendall(
            f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        )
        for byte in body:
            if stop.wait(every):
                return
            connection.sendall(bytes([byte]))

    return handle


def drip_headers(*, every: float) -> Handler:
    """The status line and headers one byte every `every` seconds, never finishing them."""

    def handle(connection: socket.socket, stop: threading.Event) -> None:
        read_request(connection)
        head = b"HTTP/1.1 200 OK\r\n" + b"X-Padding: " + b"a" * 10_000 + b"\r\n\r\n"
        for byte in head:
            if stop.wait(every):
                return
            connection.sendall(bytes([byte]))

    return handle


def gzip_bomb(inflated_mb: int) -> bytes:
    """A gzip body that inflates to `inflated_mb` MiB of zeros (about 1000:1)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1 << 20)
    parts = [compressor.compress(block) for _ in range(inflated_mb)]
    parts.append(compressor.flush())
    return b"".join(parts)


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data)
