"""Minimal request/response types over WSGI: just what the sandbox's handlers need."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from .render import envelope, render_document

STATUS_TEXT = {
    200: "OK",
    201: "Created",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}

MAX_BODY_BYTES = 20 * 1024 * 1024


class BodyTooLarge(Exception):
    """The request body is larger than the sandbox accepts."""


@dataclass(slots=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    log_id: str
    params: dict[str, str] = field(default_factory=dict)
    account_id: str | None = None

    @classmethod
    def from_environ(cls, environ: dict[str, Any], log_id: str) -> Request:
        raw_path = environ.get("PATH_INFO", "") or "/"
        # WSGI hands PATH_INFO over as latin-1-decoded bytes; recover the UTF-8 the client sent.
        try:
            path = raw_path.encode("latin-1").decode("utf-8")
        except UnicodeError:
            path = raw_path
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY_BYTES:
            raise BodyTooLarge
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        return cls(environ.get("REQUEST_METHOD", "GET").upper(), path, query, headers, body, log_id)

    def arg(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def segment(self, name: str) -> str:
        return unquote(self.params[name])

    def document_body(self) -> Any:
        """A v2 write body: XML when the Content-Type says so (converted to the dict shape the JSON
        form has), else JSON. Raises ValueError with a readable message."""
        content_type = self.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type in ("application/xml", "text/xml"):
            return xml_to_data(self.body)
        return self.json_body()

    def json_body(self) -> Any:
        """The body as JSON; raises ValueError with a readable message when it is not."""
        if not self.body:
            raise ValueError("request body is empty")
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"request body is not valid JSON: {exc}") from exc


def _element_data(element: Any) -> Any:
    children = list(element)
    if not children:
        return (element.text or "").strip()
    data: dict[str, Any] = {}
    for child in children:
        value = _element_data(child)
        if child.tag in data:
            existing = data[child.tag]
            if isinstance(existing, list) and getattr(existing, "_repeated", False):
                existing.append(value)
            else:
                repeated = _Repeated([existing, value])
                data[child.tag] = repeated
        else:
            data[child.tag] = value
    return data


class _Repeated(list[Any]):
    """A list made of repeated XML elements (as opposed to a value that is itself a list)."""

    _repeated = True


def xml_to_data(body: bytes) -> Any:
    """`{root_tag: data}` from an XML body, parsed with defusedxml (no DTDs, no entities)."""
    if not body:
        raise ValueError("request body is empty")
    try:
        root = SafeET.fromstring(body, forbid_dtd=True)
    except (SafeET.ParseError, DefusedXmlException) as exc:
        raise ValueError(f"request body is not acceptable XML: {exc}") from exc
    return {root.tag: _element_data(root)}


@dataclass(slots=True)
class Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def status_line(self) -> str:
        return f"{self.status} {STATUS_TEXT.get(self.status, 'Unknown')}"

    def header_list(self) -> list[tuple[str, str]]:
        return [("Content-Type", self.content_type), ("Content-Length", str(len(self.body))), *self.headers]


def json_response(status: int, data: Any, headers: list[tuple[str, str]] | None = None) -> Response:
    return Response(
        status, json.dumps(data, ensure_ascii=False, default=str).encode("utf-8"), headers=headers or []
    )


def content_type_for(fmt: str) -> str:
    return "application/xml; charset=utf-8" if fmt == "xml" else "application/json; charset=utf-8"


def v2_document(
    status: int, doc: dict[str, Any], fmt: str, headers: list[tuple[str, str]] | None = None
) -> Response:
    return Response(status, render_document(doc, fmt), content_type_for(fmt), headers or [])


def v2_error(
    status: int, comment: str, *, log_id: str, fmt: str = "json", headers: list[tuple[str, str]] | None = None
) -> Response:
    """A v2 error answer: the envelope with a non-zero code and the reason in `comment`."""
    return v2_document(
        status, {"response": envelope(code=status, comment=comment, log_id=log_id)}, fmt, headers
    )


def v4_errors(
    status: int, errors: list[dict[str, Any]], headers: list[tuple[str, str]] | None = None
) -> Response:
    return json_response(status, {"data": [], "errors": errors}, headers)


def v4_error(status: int, code: str, message: str, details: dict[str, Any] | None = None) -> Response:
    return v4_errors(status, [{"status": code, "message": message, "details": details or {}}])
