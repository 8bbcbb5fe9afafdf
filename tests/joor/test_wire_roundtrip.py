"""Property-style checks: the normalized output does not depend on how a style is spelled on the wire.

A seeded loop renders realistic styles in random XML-to-JSON quirk variants (single object or list or
wrapper at every list node, numbers as text or numbers, every boolean spelling, empty as "" / null /
absent) and in XML, and checks every variant parses to the same `style_to_dict` output.
"""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import pytest

from joorsync.joor.bench import make_style
from joorsync.joor.records import style_to_dict
from joorsync.joor.wire import parse_styles_page
from joorsync.joor.wire_render import ITEM_TAGS, render_styles_json, render_styles_xml

BOOL_SPELLINGS = {
    True: [True, "True", "true", "TRUE", "1", 1, "yes", "Yes"],
    False: [False, "False", "false", "0", 0, "no", "NO"],
}
REQUIRED = {"style_id", "style_name", "style_number", "style_identifier"}
_ABSENT = object()


def _scalar(rng: random.Random, key: str, value: Any) -> Any:
    if value is True or value is False:
        return rng.choice(BOOL_SPELLINGS[value])
    if value is None:
        return rng.choice([None, "", _ABSENT])
    if isinstance(value, float):
        return rng.choice([value, f"{value:.2f}", repr(value)])
    if isinstance(value, int):
        if key in ("price_wholesale", "price_retail"):
            return rng.choice([value, f"{value}.00", str(value), float(value)])
        return rng.choice([value, str(value)])
    if isinstance(value, str) and value.isdigit() and (value == "0" or value[0] != "0") and len(value) < 18:
        return rng.choice([value, int(value)])
    return value


def _list(rng: random.Random, key: str, items: list[Any]) -> Any:
    rendered = [_quirk(rng, key, item) for item in items]
    wrapper = ITEM_TAGS.get(key)
    shapes: list[Any] = [rendered]
    if len(rendered) == 1:
        shapes.append(rendered[0])
    if wrapper is not None:
        shapes.append({wrapper: rendered})
        shapes.append([{wrapper: item} for item in rendered])
        if len(rendered) == 1:
            shapes.append({wrapper: rendered[0]})
    if not rendered:
        shapes += ["", None, _ABSENT, {}]
    return rng.choice(shapes)


def _quirk(rng: random.Random, key: str, value: Any) -> Any:
    if isinstance(value, list):
        return _list(rng, key, value)
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k == "subcategory_id" and rng.random() < 0.5:
                k = "sub_category_id"
            q = _quirk(rng, k, v)
            if q is not _ABSENT:
                out[k] = q
        if rng.random() < 0.2:
            out["unknown_extra"] = {"nested": [1, "x"]}
        return out
    return _scalar(rng, key, value)


def _canonical(rng: random.Random, index: int) -> dict[str, Any]:
    """A normalized style dict, with some lists cut to one item or emptied and some values blanked."""
    raw = make_style(index, seed=rng.randint(0, 10_000))
    (style,) = parse_styles_page(render_styles_json([raw]), fmt="json").styles
    out = style_to_dict(style)
    for key, value in list(out.items()):
        if isinstance(value, list) and value and rng.random() < 0.4:
            out[key] = value[: rng.choice([0, 1])]
        elif key not in REQUIRED and not isinstance(value, list) and rng.random() < 0.1:
            out[key] = None
    (style,) = parse_styles_page(render_styles_json([out]), fmt="json").styles
    return style_to_dict(style)


def _parse_one(body: bytes, fmt: str) -> dict[str, Any]:
    page = parse_styles_page(body, fmt=fmt)  # type: ignore[arg-type]
    assert page.problems == []
    (style,) = page.styles
    return style_to_dict(style)


@pytest.mark.parametrize("seed", range(4))
def test_parse_is_invariant_under_wire_quirks(seed: int) -> None:
    rng = random.Random(seed)
    for index in range(25):
        canonical = _canonical(rng, index)
        for _ in range(4):
            variant = _quirk(rng, "style", copy.deepcopy(canonical))
            styles_node = rng.choice(
                [{"style": variant}, {"style": [variant]}, [variant], [{"style": variant}]]
            )
            body = json.dumps({"response": {"code": rng.choice(["0", 0])}, "styles": styles_node}).encode()
            assert _parse_one(body, "json") == canonical
        assert _parse_one(render_styles_xml([canonical], envelope={"code": 0}), "xml") == canonical
        assert _parse_one(render_styles_xml([canonical]), "xml") == canonical


def test_many_styles_per_page_both_formats_agree() -> None:
    raws = [make_style(i) for i in range(30)]
    envelope = {"code": "0", "comment": "", "log_id": "x", "start_from": 0, "next_start": 30, "count": 30}
    json_page = parse_styles_page(render_styles_json(raws, envelope=envelope), fmt="json")
    xml_page = parse_styles_page(render_styles_xml(raws, envelope=envelope), fmt="xml")
    assert json_page.problems == xml_page.problems == []
    assert json_page.envelope == xml_page.envelope
    assert json_page.envelope.next_start == 30
    lines_json = [json.dumps(style_to_dict(s), separators=(",", ":")) for s in json_page.styles]
    lines_xml = [json.dumps(style_to_dict(s), separators=(",", ":")) for s in xml_page.styles]
    assert lines_json == lines_xml
    assert len(set(lines_json)) == 30


def test_rendered_empty_and_single_pages() -> None:
    envelope = {"code": 0, "start_from": 0, "count": 0}
    for body, fmt in (
        (render_styles_json([], envelope=envelope), "json"),
        (render_styles_xml([], envelope=envelope), "xml"),
    ):
        page = parse_styles_page(body, fmt=fmt)  # type: ignore[arg-type]
        assert page.styles == [] and page.problems == [] and page.envelope.count == 0
    single = render_styles_json([make_style(3)], envelope=envelope)
    assert json.loads(single)["styles"]["style"]["style_id"] == "1000003", "one style renders as an object"
    xml = render_styles_xml([make_style(3)])
    assert xml.startswith(b'<?xml version="1.0" encoding="utf-8"?><styles><style>')
    assert b"<made_to_order>True</made_to_order>" in xml or b"<made_to_order>False</made_to_order>" in xml
    assert b"<public>0</public>" in xml and b"<subcategories><subcategory_parent>" in xml
