"""XML wire format: safe parsing (defusedxml) straight into the generic document tree.

Any DOCTYPE, entity declaration or external reference is refused before anything is expanded: JOOR
never sends one, so its presence means the answer must not be processed (`JoorBadPayload`). A body
that does not parse (cut connection, invalid XML) is `JoorMalformedBody`.

The parser feeds a small tree-building target instead of building an ElementTree and converting it:
one pass, no Element objects, and nesting depth is checked while parsing, so a hostile deeply nested
body is refused before it costs memory.
"""

from __future__ import annotations

from typing import Any, cast
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from joorsync.joor.errors import JoorBadPayload, JoorMalformedBody

# The v2 style document is 8 levels deep (root/styles/style/categories/category/subcategories/
# subcategory/subcategory_id); anything far deeper is hostile, not data.
MAX_DEPTH = 32


def local_name(tag: str) -> str:
    """A tag without its namespace ("{urn:x}style" from ElementTree, "urn:x}style" from expat)."""
    return tag.rpartition("}")[2] if "}" in tag else tag


class _TreeTarget:
    """Builds what JSON would hold: a leaf is its text (None when empty), an element with children a
    dict of child name → value, repeated children a list. Attributes are ignored (JOOR uses none).

    `start`/`end` accept both ElementTree's "{ns}name" and expat's raw "ns}name" so they can be installed
    directly as expat handlers, skipping ElementTree's per-element Python wrappers."""

    def __init__(self) -> None:
        # One entry per open element: its name, its children (None until the first), its text parts.
        self._names: list[str] = []
        self._children: list[dict[str, Any] | None] = []
        self._texts: list[list[str]] = []
        # (depth, name) of children seen more than once, so a third repeat appends to the list.
        self._repeated: set[tuple[int, str]] = set()
        self.root: tuple[str, Any] | None = None

    def start(self, tag: str, attrib: Any) -> None:
        if len(self._names) >= MAX_DEPTH:
            raise JoorBadPayload(f"XML answer nested deeper than {MAX_DEPTH} levels")
        self._names.append(tag.rpartition("}")[2] if "}" in tag else tag)
        self._children.append(None)
        self._texts.append([])

    def data(self, text: str) -> None:
        if self._texts:
            self._texts[-1].append(text)

    def end(self, tag: str) -> None:
        name = self._names.pop()
        children = self._children.pop()
        texts = self._texts.pop()
        value: Any = children if children is not None else ("".join(texts) if texts else None)
        depth = len(self._names)
        if not depth:
            self.root = (name, value)
            return
        siblings = self._children[-1]
        if siblings is None:
            self._children[-1] = {name: value}
        elif name not in siblings:
            siblings[name] = value
        elif (depth, name) in self._repeated:
            siblings[name].append(value)
        else:
            siblings[name] = [siblings[name], value]
            self._repeated.add((depth, name))
        if children is not None and self._repeated:
            # The closed element's own repeat marks must not leak to a later sibling at its depth.
            self._repeated = {key for key in self._repeated if key[0] <= depth}

    def close(self) -> tuple[str, Any] | None:
        return self.root


def load_xml_tree(body: bytes | str) -> tuple[str, Any]:
    """Parse a body into (root element name, root value as a generic tree)."""
    target = _TreeTarget()
    parser = DefusedXMLParser(target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    expat = getattr(parser, "parser", None)
    if expat is not None:
        # Same expat parser, same DTD/entity guards; only the element callbacks skip a Python layer.
        expat.StartElementHandler = target.start
        expat.EndElementHandler = target.end
    try:
        parser.feed(body)
        # close() returns what the target's close() returns (the stubs say an Element).
        root = cast("tuple[str, Any] | None", parser.close())
    except DefusedXmlException as exc:
        raise JoorBadPayload(f"XML answer refused: {type(exc).__name__}") from None
    except ParseError as exc:
        raise JoorMalformedBody(f"XML answer does not parse: {exc}") from None
    if root is None:
        raise JoorMalformedBody("XML answer has no root element")
    return root
