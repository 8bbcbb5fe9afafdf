"""JOOR v2 answers (XML or JSON bytes) → envelope + typed style records, one page at a time.

The client calls `parse_styles_page` once per page and drops the page before fetching the next, so
memory is bounded by one page. A bad style does not sink its page: it becomes a `StyleProblem` and the
other styles are returned. A body that is not a JOOR answer at all raises `JoorBadPayload`; a body that
does not parse raises `JoorMalformedBody`. A non-zero envelope code is returned, not raised: deciding
what it means is the client's job. Envelope numbers (code, start_from, next_start, count) that are not
integers do make the answer unusable (`JoorBadPayload`): paging on a guessed number would loop or skip.

Shapes accepted (JOOR's JSON is an XML-to-JSON rendering, and its own documentation is inconsistent):
- JSON `{"response": {...}, "styles": ...}` where `styles` is `{"style": obj | list}`, a list of styles,
  a list of `{"style": obj}`, or absent/null/""/{} (zero styles); a top-level `{"style": ...}` too;
  a document wrapped in one extra root object (`{"root": {"response": ..., "styles": ...}}`).
- XML with root `<styles>` (the documentation's example), a root `<style>`, or any root element holding
  `<response>` and/or `<styles>` (JOOR's answers with the envelope).
- Within a style, every list node in every shape (see `wire_styles`), every scalar spelling (see
  `wire_values`), `sub_category_id` or `subcategory_id`. Unknown fields are ignored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from joorsync.joor.errors import JoorBadPayload
from joorsync.joor.records import Style
from joorsync.joor.wire_json import load_json
from joorsync.joor.wire_styles import StyleInvalid, list_items, style_from_tree
from joorsync.joor.wire_values import BadValue, show, to_int, to_str
from joorsync.joor.wire_xml import load_xml_tree

WireFormat = Literal["json", "xml"]


@dataclass(frozen=True, slots=True)
class Envelope:
    """The v2 `response` node. All None when the answer carried no envelope."""

    code: int | None = None
    comment: str | None = None
    log_id: str | None = None
    start_from: int | None = None
    next_start: int | None = None
    count: int | None = None

    @property
    def ok(self) -> bool:
        """JOOR reports success with code 0; an answer without a code is taken as success too."""
        return self.code in (None, 0)


@dataclass(frozen=True, slots=True)
class StyleProblem:
    """A style left out of a page, with whatever id it had and why (every problem, with field paths)."""

    style_id: str | None
    message: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StylesPage:
    """One parsed page of styles."""

    envelope: Envelope
    styles: list[Style] = field(default_factory=list)
    problems: list[StyleProblem] = field(default_factory=list)


# --- envelope -------------------------------------------------------------------------------------

_ENVELOPE_INTS = ("code", "start_from", "next_start", "count")


def _envelope_from_tree(raw: Any) -> Envelope:
    if raw is None or (type(raw) is str and (not raw or raw.isspace())):
        return Envelope()
    if type(raw) is not dict:
        raise JoorBadPayload(f"response node is not an object: {show(raw)}")
    values: dict[str, Any] = {}
    for name in _ENVELOPE_INTS:
        try:
            values[name] = to_int(raw.get(name))
        except BadValue as exc:
            raise JoorBadPayload(f"response.{name}: {exc}") from None
    try:
        values["log_id"] = to_str(raw.get("log_id"))
    except BadValue as exc:
        raise JoorBadPayload(f"response.log_id: {exc}") from None
    comment = raw.get("comment")
    try:
        values["comment"] = to_str(comment)
    except BadValue:
        # Error details are sometimes structured; keep them readable rather than lose them.
        values["comment"] = json.dumps(comment, default=str, ensure_ascii=False)
    return Envelope(**values)


# --- locating the response and styles nodes ---------------------------------------------------------

_NOT_JOOR = "answer is not a JOOR v2 document (no response or styles node)"


def _json_parts(doc: Any) -> tuple[bool, Any, list[Any] | None]:
    """(has a response node, response node, raw style items or None when there is no styles node)."""
    if type(doc) is not dict:
        raise JoorBadPayload(f"{_NOT_JOOR}: top level is {type(doc).__name__}")
    if not doc.keys() & {"response", "styles", "style"} and len(doc) == 1:
        inner = next(iter(doc.values()))
        if type(inner) is dict and inner.keys() & {"response", "styles"}:
            doc = inner
    if "styles" in doc:
        items = _style_items(doc["styles"], "style")
    elif "style" in doc:
        items = _style_items(doc["style"], None)
    else:
        items = None
    return "response" in doc, doc.get("response"), items


def _style_items(raw: Any, wrapper: str | None) -> list[Any]:
    """Items of a `styles`/`style` node; a scalar there (other than blank) is not a JOOR answer."""
    if (
        type(raw) not in (dict, list)
        and raw is not None
        and not (type(raw) is str and (not raw or raw.isspace()))
    ):
        raise JoorBadPayload(f"styles node is not a list of styles: {show(raw)}")
    return list_items(raw, wrapper)


def _xml_parts(root: tuple[str, Any]) -> tuple[bool, Any, list[Any] | None]:
    name, tree = root
    if name == "styles":
        return False, None, _style_items(tree, "style")
    if name == "style":
        return False, None, [tree]
    if name == "response":
        return True, tree, None
    if type(tree) is not dict:
        return False, None, None
    if "styles" in tree:
        items: list[Any] | None = _style_items(tree["styles"], "style")
    elif "style" in tree:
        items = _style_items(tree["style"], None)
    else:
        items = None
    return "response" in tree, tree.get("response"), items


def _parts(body: bytes | str, fmt: WireFormat) -> tuple[bool, Any, list[Any] | None]:
    if fmt == "json":
        return _json_parts(load_json(body))
    if fmt == "xml":
        return _xml_parts(load_xml_tree(body))
    raise ValueError(f"unknown wire format {fmt!r} (expected 'json' or 'xml')")


# --- public API -------------------------------------------------------------------------------------


def parse_styles_page(body: bytes | str, *, fmt: WireFormat) -> StylesPage:
    """Parse one page of `GET /v2/style…` (or a single style) into envelope, styles and problems."""
    has_response, response, items = _parts(body, fmt)
    if items is None and not has_response:
        raise JoorBadPayload(_NOT_JOOR)
    envelope = _envelope_from_tree(response)
    styles: list[Style] = []
    problems: list[StyleProblem] = []
    for raw in items or ():
        if raw is None or (type(raw) is str and (not raw or raw.isspace())):
            continue
        try:
            styles.append(style_from_tree(raw))
        except StyleInvalid as exc:
            problems.append(StyleProblem(exc.style_id, str(exc), tuple(exc.problems)))
    return StylesPage(envelope=envelope, styles=styles, problems=problems)


def parse_envelope(body: bytes | str, *, fmt: WireFormat) -> Envelope:
    """Parse the `response` envelope of any v2 answer (errors, writes); other nodes are ignored."""
    has_response, response, _items = _parts(body, fmt)
    if not has_response:
        raise JoorBadPayload("answer is not a JOOR v2 document (no response node)")
    return _envelope_from_tree(response)
