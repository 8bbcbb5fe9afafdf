"""Hostile, truncated and non-JOOR bodies: refused with the right error type, never expanded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from joorsync.joor.errors import JoorBadPayload, JoorMalformedBody, JoorTransientError
from joorsync.joor.wire import parse_envelope, parse_styles_page

STYLE_XML = (
    "<style><style_id>1</style_id><style_name>{name}</style_name><style_number>1</style_number>"
    "<style_identifier>1</style_identifier></style>"
)

XXE_FILE = (
    '<?xml version="1.0"?><!DOCTYPE styles [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    "<styles>" + STYLE_XML.format(name="&xxe;") + "</styles>"
)
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    + "]><styles>"
    + STYLE_XML.format(name="&lol9;")
    + "</styles>"
)
EXTERNAL_DTD = (
    '<?xml version="1.0"?><!DOCTYPE styles SYSTEM "http://127.0.0.1:9/evil.dtd">'
    "<styles>" + STYLE_XML.format(name="x") + "</styles>"
)
PARAMETER_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE styles [<!ENTITY % ext SYSTEM "file:///etc/passwd">'
    "<!ENTITY % wrap \"<!ENTITY leak '%ext;'>\">%wrap;]>"
    "<styles>" + STYLE_XML.format(name="&leak;") + "</styles>"
)
INTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE styles [<!ENTITY name "Harmless">]>'
    "<styles>" + STYLE_XML.format(name="&name;") + "</styles>"
)
EXTERNAL_ENTITY_NO_DTD_BODY = (
    '<?xml version="1.0"?><!DOCTYPE root PUBLIC "-//X//DTD X//EN" "file:///etc/passwd"><root/>'
)


def _passwd_fragment() -> str | None:
    passwd = Path("/etc/passwd")
    if not passwd.exists():
        return None
    first = passwd.read_text(errors="replace").splitlines()
    return first[0] if first else None


@pytest.mark.parametrize(
    "body",
    [
        XXE_FILE,
        BILLION_LAUGHS,
        EXTERNAL_DTD,
        PARAMETER_ENTITY,
        INTERNAL_ENTITY,
        EXTERNAL_ENTITY_NO_DTD_BODY,
    ],
    ids=["xxe-file", "billion-laughs", "external-dtd", "parameter-entity", "internal-entity", "public-dtd"],
)
@pytest.mark.parametrize("parse", [parse_styles_page, parse_envelope])
def test_hostile_xml_is_refused_without_expansion(body: str, parse) -> None:
    with pytest.raises(JoorBadPayload) as info:
        parse(body.encode(), fmt="xml")
    assert not isinstance(info.value, JoorTransientError), "a hostile answer must not be retried"
    text = str(info.value) + repr(info.value.args)
    fragment = _passwd_fragment()
    if fragment:
        assert fragment not in text
    assert "root:" not in text and "lollollol" not in text


def test_xxe_inside_envelope_wrapper_is_refused() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<r><response><code>0</code><comment>&x;</comment></response></r>"
    )
    with pytest.raises(JoorBadPayload):
        parse_styles_page(body, fmt="xml")


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<?xml version='1.0'?>",
        b"<styles><style><style_id>1</style_id><style_name>A",
        b"<styles><style></styles>",
        b"<styles>&undefined;</styles>",
        b"not xml at all",
    ],
)
def test_malformed_or_truncated_xml(body: bytes) -> None:
    with pytest.raises(JoorMalformedBody):
        parse_styles_page(body, fmt="xml")


def test_truncated_real_page_xml_and_json() -> None:
    style = {"style_id": "1", "style_name": "A", "style_number": "1", "style_identifier": "1"}
    json_body = json.dumps({"response": {"code": "0"}, "styles": {"style": [style] * 3}}).encode()
    xml_body = (
        b"<root><response><code>0</code></response><styles>"
        + STYLE_XML.format(name="A").encode() * 3
        + b"</styles></root>"
    )
    assert len(parse_styles_page(json_body, fmt="json").styles) == 3
    assert len(parse_styles_page(xml_body, fmt="xml").styles) == 3
    for cut in (1, len(json_body) // 2, len(json_body) - 1):
        with pytest.raises(JoorMalformedBody):
            parse_styles_page(json_body[:cut], fmt="json")
    for cut in (1, len(xml_body) // 2, len(xml_body) - 1):
        with pytest.raises(JoorMalformedBody):
            parse_styles_page(xml_body[:cut], fmt="xml")


@pytest.mark.parametrize(
    "body", [b"", b"   ", b'{"response": ', b"{'a': 1}", b"\xff\xfe\x00garbage", b'{"a": 1,}']
)
def test_malformed_json(body: bytes) -> None:
    with pytest.raises(JoorMalformedBody):
        parse_styles_page(body, fmt="json")


@pytest.mark.parametrize(
    "body",
    [
        b"[]",
        b"[1, 2]",
        b'"styles"',
        b"42",
        b"null",
        b"true",
        b'{"foo": 1}',
        b"{}",
        b'{"styles": "not a list"}',
        b'{"styles": 5}',
        b'{"response": {"code": NaN}}',
    ],
)
def test_valid_json_that_is_not_joor(body: bytes) -> None:
    with pytest.raises(JoorBadPayload):
        parse_styles_page(body, fmt="json")


@pytest.mark.parametrize(
    "body",
    [
        b"<foo><bar>1</bar></foo>",
        b"<html><body>Bad gateway</body></html>",
        b"<styles>oops</styles>",
        b"<root><styles>oops</styles></root>",
        b"<x/>",
    ],
)
def test_xml_that_is_not_joor(body: bytes) -> None:
    with pytest.raises(JoorBadPayload):
        parse_styles_page(body, fmt="xml")


@pytest.mark.parametrize("depth", [100_000])
def test_deeply_nested_json_is_bad_payload(depth: int) -> None:
    for body in (
        b"[" * depth + b"]" * depth,
        b'{"styles": ' + b'{"a": ' * depth + b"1" + b"}" * depth + b"}",
    ):
        with pytest.raises(JoorBadPayload):
            parse_styles_page(body, fmt="json")


def test_deeply_nested_xml_is_bad_payload() -> None:
    depth = 50_000
    body = b"<styles><style>" + b"<a>" * depth + b"x" + b"</a>" * depth + b"</style></styles>"
    with pytest.raises(JoorBadPayload):
        parse_styles_page(body, fmt="xml")


def test_huge_numbers_are_problems_not_hangs() -> None:
    body = (
        json.dumps(
            {
                "styles": {
                    "style": {
                        "style_id": "1",
                        "style_name": "A",
                        "style_number": "1",
                        "style_identifier": "1",
                        "minimum": "9" * 5000,
                        "upcs": [{"upc": "x"}],
                    }
                }
            }
        )
        .encode()
        .replace(b'"x"', b"1E+999999999")
    )
    page = parse_styles_page(body, fmt="json")
    assert page.styles == []
    (problem,) = page.problems
    assert "minimum: expected an integer" in problem.message
    assert "upcs[0].upc: number" in problem.message
    with pytest.raises(JoorBadPayload):
        parse_styles_page(b'{"styles": {"style": {"style_id": ' + b"9" * 5000 + b"}}}", fmt="json")
