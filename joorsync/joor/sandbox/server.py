"""A real loopback HTTP server for the sandbox (threaded wsgiref), for clients that must go through a
socket and for the `joor_sandbox` command. `ConnectionDropped` closes the connection without an answer.
"""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer

from .faults import ConnectionDropped

WSGIApp = Callable[..., Any]


class _Handler(ServerHandler):
    """Turns `ConnectionDropped` into a silent close instead of wsgiref's 500 page."""

    dropped = False

    def handle_error(self) -> None:
        if isinstance(sys.exc_info()[1], ConnectionDropped):
            self.dropped = True
            return
        super().handle_error()

    def log_exception(self, exc_info: Any) -> None:
        if isinstance(exc_info[1], ConnectionDropped):
            return
        super().log_exception(exc_info)


class _RequestHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        """Quiet: the sandbox keeps its own request log."""

    def handle(self) -> None:
        self.raw_requestline = self.rfile.readline(65537)
        if len(self.raw_requestline) > 65536:
            self.send_error(414)
            return
        if not self.parse_request():
            return
        # The stubs type wfile as BufferedIOBase and ServerHandler's stdout as IO[bytes]; wsgiref's own
        # WSGIRequestHandler passes wfile just the same.
        handler = _Handler(
            self.rfile,
            self.wfile,  # type: ignore[arg-type]
            self.get_stderr(),
            self.get_environ(),
            multithread=True,
        )
        handler.request_handler = self  # type: ignore[attr-defined]
        handler.run(self.server.get_app())  # type: ignore[attr-defined]
        if handler.dropped:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class SandboxHTTPServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


def make_server(app: WSGIApp, host: str = "127.0.0.1", port: int = 0) -> SandboxHTTPServer:
    server = SandboxHTTPServer((host, port), _RequestHandler)
    server.set_app(app)
    return server


def base_url_of(server: SandboxHTTPServer) -> str:
    host, port = server.server_address[:2]
    if isinstance(host, bytes):
        host = host.decode()
    shown = f"[{host}]" if ":" in str(host) else host
    return f"http://{shown}:{port}"


@contextmanager
def serve_in_thread(app: WSGIApp, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve `app` on a loopback socket in a background thread; yields the base URL."""
    server = make_server(app, host, port)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield base_url_of(server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
