"""Test-side reading of v2 answers: turns XML and quirky JSON into one plain form (strings for every
scalar, lists for every node) so tests can compare what the two formats say."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET

from joorsync.joor.sandbox.schema import STYLE_FIELDS, Node, Scalar


def as_list(value: Any, item: str | None) -> list[Any]:
    if value in ("", None):
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict) and item is not None and set(value) == {item}:
        return as_list(value[item], item)
    return [value]


def scalar(spec: Scalar, value: Any) -> str | None:
    if value in ("", None):
        return None
    if spec.kind == "decimal":
        return f"{Decimal(str(value)):.2f}"
    if spec.kind == "int":
        return str(int(value))
    return str(value)


def _json_fields(fields: tuple[Scalar | Node, ...], data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for spec in fields:
        if isinstance(spec, Scalar):
            out[spec.name] = scalar(spec, data.get(spec.name))
        elif spec.text_item is not None:
            out[spec.name] = [scalar(spec.text_item, v) for v in as_list(data.get(spec.name), spec.item)]
        else:
            out[spec.name] = [_json_fields(spec.fields, v) for v in as_list(data.get(spec.name), spec.item)]
    return out


def json_styles(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [_json_fields(STYLE_FIELDS, s) for s in as_list(doc.get("styles"), "style")]


def _xml_fields(fields: tuple[Scalar | Node, ...], element: Element) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for spec in fields:
        if isinstance(spec, Scalar):
            child = element.find(spec.name)
            out[spec.name] = scalar(spec, child.text if child is not None else None)
            continue
        container = element.find(spec.wrapper) if spec.wrapper else element
        items = container.findall(spec.item) if container is not None else []
        if spec.text_item is not None:
            out[spec.name] = [scalar(spec.text_item, i.text) for i in items]
        else:
            out[spec.name] = [_xml_fields(spec.fields, i) for i in items]
    return out


def xml_root(body: bytes) -> Element:
    return SafeET.fromstring(body)


def xml_styles(body: bytes) -> list[dict[str, Any]]:
    root = xml_root(body)
    return [_xml_fields(STYLE_FIELDS, s) for s in root.findall("./styles/style")]


def xml_response(body: bytes) -> dict[str, str | None]:
    node = xml_root(body).find("response")
    assert node is not None
    return {child.tag: child.text for child in node}
