"""v2 rendering: XML, and JSON with JOOR's XML-to-JSON quirks.

JOOR's JSON is a mechanical rendering of its XML, so the same document shows a single-item list as an
object, numbers sometimes as strings, booleans as "True"/"False" and empty values as "". The sandbox
reproduces that, chosen per style and field by a stable hash (so a style always renders the same way
and the catalog as a whole shows every shape). The seed example style renders as JOOR's own JSON
example does.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from .schema import STYLE_FIELDS, Node, Scalar

XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
XML_ROOT = "joor"

# Characters XML 1.0 cannot carry at all; dropped from text rather than producing a broken document.
_XML_INVALID = {c: None for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)}


def xml_text(value: str) -> str:
    return escape(value.translate(_XML_INVALID))


def decimal_number(value: Decimal) -> int | float:
    """A Decimal as a JSON number: an int when integral (53), else the float (68.5)."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def scalar_text(kind: str, value: Any) -> str:
    """The XML text of a typed value (also the string form used in JSON)."""
    if value is None:
        return ""
    if kind == "bool":
        return "True" if value else "False"
    if kind == "flag":
        return "1" if value else "0"
    if kind == "decimal":
        return f"{Decimal(value):.2f}"
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# ---------------------------------------------------------------------------------------------
# Quirk profile
# ---------------------------------------------------------------------------------------------


class Quirks:
    """Per-style rendering choices. `key == "doc"` reproduces JOOR's documented JSON example."""

    _DOC_NUMBER_FIELDS = frozenset({"style_display_order", "tag_id"})

    def __init__(self, key: str) -> None:
        self.key = key
        self.doc = key == "doc"

    def _pick(self, name: str, choices: int) -> int:
        return zlib.crc32(f"{self.key}|{name}".encode()) % choices

    def json_scalar(self, scalar: Scalar, value: Any) -> Any:
        if value is None:
            return ""
        kind = scalar.kind
        if kind == "bool":
            return "True" if value else "False"
        if kind == "int":
            if self.doc:
                return int(value) if scalar.name in self._DOC_NUMBER_FIELDS else str(value)
            return str(value) if self._pick(scalar.name, 2) else int(value)
        if kind == "decimal":
            if self.doc or self._pick(scalar.name, 3) != 1:
                return decimal_number(Decimal(value))
            return f"{Decimal(value):.2f}"
        if kind == "flag":
            if self.doc or self._pick(scalar.name, 2):
                return "1" if value else "0"
            return 1 if value else 0
        return scalar_text(kind, value)

    def list_shape(self, node: Node, count: int) -> str:
        """One of: list, wrapped (`{"item": [...]}`), object (bare, single item), wrapped_object
        (`{"item": {...}}`), empty ("" for an empty node)."""
        if self.doc:
            return "list"
        pick = self._pick(node.name, 4)
        if count == 0:
            return "empty" if pick % 2 else "list"
        if node.wrapper is None:
            return "object" if count == 1 and pick % 2 else "list"
        if count == 1:
            if node.text_item is not None:
                return ("list", "wrapped_object", "wrapped", "wrapped_object")[pick]
            return ("list", "object", "wrapped_object", "wrapped")[pick]
        return "wrapped" if pick == 3 else "list"


# ---------------------------------------------------------------------------------------------
# Styles
# ---------------------------------------------------------------------------------------------


def _json_fields(fields: tuple[Scalar | Node, ...], data: dict[str, Any], quirks: Quirks) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for spec in fields:
        value = data.get(spec.name)
        if isinstance(spec, Scalar):
            out[spec.name] = quirks.json_scalar(spec, value)
        else:
            out[spec.name] = _json_node(spec, value or [], quirks)
    return out


def _json_node(node: Node, items: list[Any], quirks: Quirks) -> Any:
    if node.text_item is not None:
        rendered: list[Any] = [quirks.json_scalar(node.text_item, v) for v in items]
    else:
        rendered = [_json_fields(node.fields, item, quirks) for item in items]
    shape = quirks.list_shape(node, len(rendered))
    if shape == "empty":
        return ""
    if shape == "object":
        return rendered[0]
    if shape == "wrapped_object":
        return {node.item: rendered[0]}
    if shape == "wrapped":
        return {node.item: rendered}
    return rendered


def style_json(view: dict[str, Any], quirk_key: str) -> dict[str, Any]:
    return _json_fields(STYLE_FIELDS, view, Quirks(quirk_key))


def _xml_fields(fields: tuple[Scalar | Node, ...], data: dict[str, Any], out: list[str]) -> None:
    for spec in fields:
        value = data.get(spec.name)
        if isinstance(spec, Scalar):
            out.append(f"<{spec.name}>{xml_text(scalar_text(spec.kind, value))}</{spec.name}>")
        else:
            _xml_node(spec, value or [], out)


def _xml_node(node: Node, items: list[Any], out: list[str]) -> None:
    if node.wrapper is not None:
        out.append(f"<{node.wrapper}>")
    for item in items:
        if node.text_item is not None:
            out.append(f"<{node.item}>{xml_text(scalar_text(node.text_item.kind, item))}</{node.item}>")
        else:
            out.append(f"<{node.item}>")
            _xml_fields(node.fields, item, out)
            out.append(f"</{node.item}>")
    if node.wrapper is not None:
        out.append(f"</{node.wrapper}>")


def style_xml(view: dict[str, Any]) -> str:
    out: list[str] = ["<style>"]
    _xml_fields(STYLE_FIELDS, view, out)
    out.append("</style>")
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Envelopes and generic documents
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Repeated:
    """A list in a generic document: XML repeats `<item>`; JSON shows `{"item": [...]}` when
    `json_wrapped`, else a bare list."""

    item: str
    items: list[Any] = field(default_factory=list)
    json_wrapped: bool = True
    single_as_object: bool = False


def envelope(
    *,
    code: int = 0,
    comment: str = "",
    log_id: str,
    start_from: int | None = None,
    next_start: int | None = None,
    count: int | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {"code": str(code), "comment": comment, "log_id": log_id}
    if start_from is not None:
        data["start_from"] = start_from
    if next_start is not None:
        data["next_start"] = next_start
    if count is not None:
        data["count"] = count
    return data


def _json_generic(value: Any) -> Any:
    if isinstance(value, Repeated):
        items = [_json_generic(v) for v in value.items]
        if not items and value.json_wrapped:
            return ""
        shown: Any = items[0] if value.single_as_object and len(items) == 1 else items
        return {value.item: shown} if value.json_wrapped else shown
    if isinstance(value, dict):
        return {k: _json_generic(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_generic(v) for v in value]
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, Decimal):
        return decimal_number(value)
    if isinstance(value, date | datetime):
        return scalar_text("date", value)
    return value


def _xml_generic(name: str, value: Any, out: list[str]) -> None:
    if isinstance(value, Repeated):
        out.append(f"<{name}>")
        for item in value.items:
            _xml_generic(value.item, item, out)
        out.append(f"</{name}>")
    elif isinstance(value, dict):
        out.append(f"<{name}>")
        for key, sub in value.items():
            _xml_generic(key, sub, out)
        out.append(f"</{name}>")
    elif isinstance(value, list):
        for item in value:
            _xml_generic(name, item, out)
    else:
        if isinstance(value, bool):
            text = "True" if value else "False"
        elif isinstance(value, Decimal):
            text = f"{value:.2f}"
        else:
            text = scalar_text("str", value)
        out.append(f"<{name}>{xml_text(text)}</{name}>")


def render_document(doc: dict[str, Any], fmt: str) -> bytes:
    """A generic v2 document (envelope + payload) in `fmt` ("json" or "xml")."""
    if fmt == "json":
        return json.dumps(_json_generic(doc), ensure_ascii=False).encode("utf-8")
    out: list[str] = [XML_DECLARATION, f"<{XML_ROOT}>"]
    for key, value in doc.items():
        _xml_generic(key, value, out)
    out.append(f"</{XML_ROOT}>")
    return "".join(out).encode("utf-8")


def render_styles(response: dict[str, Any], styles: list[tuple[dict[str, Any], str]], fmt: str) -> bytes:
    """A styles answer: `styles` holds (view, quirk key) pairs. JSON shows one style as an object,
    several as a list, none as ""."""
    if fmt == "json":
        rendered = [style_json(view, key) for view, key in styles]
        node: Any
        if not rendered:
            node = ""
        elif len(rendered) == 1:
            node = {"style": rendered[0]}
        else:
            node = {"style": rendered}
        return json.dumps({"response": _json_generic(response), "styles": node}, ensure_ascii=False).encode(
            "utf-8"
        )
    out: list[str] = [XML_DECLARATION, f"<{XML_ROOT}>"]
    _xml_generic("response", response, out)
    out.append("<styles>")
    out.extend(style_xml(view) for view, _ in styles)
    out.append("</styles>")
    out.append(f"</{XML_ROOT}>")
    return "".join(out).encode("utf-8")
