"""Stand-ins for what a JOOR URL can lead to: a recorder of what reached the wire, and answers that are
not JOOR's (a closed port, a Redis, a web server, a redirect …)."""

from __future__ import annotations

from collections.abc import Callable

import httpx


class Recording(httpx.BaseTransport):
    """Passes requests on to `inner` and keeps them: what reached the wire, past the outbound policy."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.inner.handle_request(request)


def answer_with(behaviour: str) -> Callable[[httpx.Request], httpx.Response]:
    """A JOOR stand-in that fails in one way: `behaviour` names it (anything else: a 401)."""

    def answer(request: httpx.Request) -> httpx.Response:
        if behaviour == "refused":
            raise httpx.ConnectError("[Errno 111] Connection refused")
        if behaviour == "timeout":
            raise httpx.ReadTimeout("timed out")
        if behaviour == "reset":
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        if behaviour == "redis":
            return httpx.Response(200, content=b"-ERR wrong number of arguments\r\n")
        if behaviour == "html-404":
            return httpx.Response(404, html="<h1>Not Found</h1><p>nginx</p>")
        if behaviour == "redirect":
            return httpx.Response(302, headers={"Location": "http://10.0.0.1/"})
        if behaviour == "teapot":
            return httpx.Response(418, json={"error": "I'm a teapot"})
        if behaviour == "5xx":
            return httpx.Response(503, text="Service Unavailable")
        return httpx.Response(401, json={"response": {"code": 401, "comment": "invalid token"}})

    return answer
