"""Serve a WSGI sandbox over loopback: threaded wsgiref, quiet, dropping connections on request."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer, make_server

from shopify_app.sandbox.faults import ConnectionDropped


class _DroppingServerHandler(ServerHandler):
    """Lets ConnectionDropped escape so the request handler can close the socket without a reply."""

    def handle_error(self) -> None:  # noqa: D102
        import sys

        if isinstance(sys.exc_info()[1], ConnectionDropped):
            raise ConnectionDropped()
        super().handle_error()


class QuietHandler(WSGIRequestHandler):
    """No access log; a ConnectionDropped from the app closes the connection with no response."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature of the base class
        return

    def handle(self) -> None:
        self.raw_requestline = self.rfile.readline(65537)
        if len(self.raw_requestline) > 65536:
            self.send_error(414)
            return
        if not self.parse_request():
            return
        # The stubs type wfile as BufferedIOBase and ServerHandler's stdout as IO[bytes]; wsgiref's own
        # WSGIRequestHandler passes wfile just the same.
        handler = _DroppingServerHandler(
            self.rfile,
            self.wfile,  # type: ignore[arg-type]
            self.get_stderr(),
            self.get_environ(),
            multithread=True,
        )
        handler.request_handler = self  # type: ignore[attr-defined]
        try:
            handler.run(self.server.get_app())  # type: ignore[attr-defined]
        except ConnectionDropped:
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:  # quiet on client disconnects
        return


def make_threaded_server(app: Callable[..., Any], host: str, port: int) -> ThreadingWSGIServer:
    return make_server(host, port, app, server_class=ThreadingWSGIServer, handler_class=QuietHandler)


@contextlib.contextmanager
def serve_in_thread(app: Callable[..., Any], host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve `app` on a background thread; yields its base URL (`http://127.0.0.1:PORT`)."""
    server = make_threaded_server(app, host, port)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
