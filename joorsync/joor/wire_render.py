"""Style dicts (v2 field names) → v2 wire bytes, JSON or XML, laid out the way JOOR lays them out.

The inverse of the parsers, used to build realistic pages for the parse benchmark and for round-trip
tests. XML follows the documentation's example: list nodes wrap their items (`<prices><price>`),
`subcategories`/`subcategory` repeat themselves, booleans are "True"/"False" (`public` is "1"/"0"),
prices carry two decimals, empty values are empty elements. JSON renders a one-style page as an object
rather than a list, as JOOR's XML-to-JSON rendering does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

# List node → tag of each item; None means the node's own tag repeats once per item.
ITEM_TAGS: dict[str, str | None] = {
    "materials": "material",
    "prices": "price",
    "deliveries": "delivery",
    "color_exclusions": "color_exclusion",
    "categories": "category",
    "subcategories": None,
    "subcategory": None,
    "colors": "color",
    "sizes": "size",
    "badges": "badge",
    "tags": "tag",
    "upcs": "style_upc",
    "images": "image_path",
}
_PRICE_AMOUNTS = frozenset({"price_wholesale", "price_retail"})


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot render {type(value).__name__} as JSON")


def render_styles_json(
    styles: Iterable[Mapping[str, Any]],
    *,
    envelope: Mapping[str, Any] | None = None,
    single_as_object: bool = True,
) -> bytes:
    """A v2 styles page as JSON: `{"response": envelope, "styles": {"style": [...] | {...}}}`."""
    items = list(styles)
    doc: dict[str, Any] = {}
    if envelope is not None:
        doc["response"] = dict(envelope)
    style_node: Any = items[0] if single_as_object and len(items) == 1 else items
    doc["styles"] = {"style": style_node} if items else ""
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"), default=_json_default).encode()


def _text(name: str, value: Any) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        if name == "public":
            return "1" if value else "0"
        return "True" if value else "False"
    if name in _PRICE_AMOUNTS and isinstance(value, int | float | Decimal):
        return f"{Decimal(str(value)):.2f}"
    if isinstance(value, float):
        return repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return escape(str(value))


def _render_node(name: str, value: Any, out: list[str]) -> None:
    if isinstance(value, list):
        item_tag = ITEM_TAGS.get(name, name)
        if item_tag is None:
            for item in value:
                _render_node(name, item, out)
            return
        out.append(f"<{name}>")
        for item in value:
            _render_node(item_tag, item, out)
        out.append(f"</{name}>")
    elif isinstance(value, Mapping):
        out.append(f"<{name}>")
        for key, child in value.items():
            _render_node(key, child, out)
        out.append(f"</{name}>")
    else:
        out.append(f"<{name}>{_text(name, value)}</{name}>")


def render_styles_xml(
    styles: Iterable[Mapping[str, Any]],
    *,
    envelope: Mapping[str, Any] | None = None,
    root: str = "joor",
) -> bytes:
    """A v2 styles page as XML: `<root><response>…</response><styles><style>…` (or a bare `<styles>`
    root, as in JOOR's documentation, when there is no envelope)."""
    out = ['<?xml version="1.0" encoding="utf-8"?>']
    if envelope is not None:
        out.append(f"<{root}>")
        _render_node("response", dict(envelope), out)
    out.append("<styles>")
    for style in styles:
        _render_node("style", style, out)
    out.append("</styles>")
    if envelope is not None:
        out.append(f"</{root}>")
    return "".join(out).encode()
