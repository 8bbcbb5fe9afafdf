"""Every XML-to-JSON shape quirk JOOR's answers may take, and how bad values are reported."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest

from joorsync.joor.errors import JoorBadPayload
from joorsync.joor.records import Price, Style, style_to_dict
from joorsync.joor.wire import Envelope, StylesPage, parse_envelope, parse_styles_page


def base_style(**overrides: Any) -> dict[str, Any]:
    style: dict[str, Any] = {
        "style_id": "42",
        "style_name": "Shirt",
        "style_number": "005000000",
        "style_identifier": "005000000",
    }
    style.update(overrides)
    return {k: v for k, v in style.items() if v is not _DROP}


_DROP = object()


def page_json(styles: Any, **response: Any) -> bytes:
    return json.dumps({"response": {"code": "0", **response}, "styles": styles}).encode()


def one(style: dict[str, Any]) -> Style:
    page = parse_styles_page(page_json({"style": style}), fmt="json")
    assert page.problems == [], page.problems
    (parsed,) = page.styles
    return parsed


def one_problem(style: dict[str, Any]) -> str:
    page = parse_styles_page(page_json({"style": [style, base_style(style_id="7")]}), fmt="json")
    assert [s.style_id for s in page.styles] == [7], "the good style on the page must still be returned"
    (problem,) = page.problems
    return problem.message


# --- list nodes in every shape ---------------------------------------------------------------------

PRICE = {"price_label": "WS", "price_currency": "USD", "price_wholesale": "10.00", "price_retail": "25"}
PRICE2 = {"price_label": "WS", "price_currency": "EUR", "price_wholesale": 9, "price_retail": 20}


@pytest.mark.parametrize(
    "prices, expected",
    [
        ([PRICE, PRICE2], 2),
        ({"price": [PRICE, PRICE2]}, 2),
        ({"price": PRICE}, 1),
        (PRICE, 1),
        ([{"price": PRICE}, {"price": PRICE2}], 2),
        ({"price": ""}, 0),
        ("", 0),
        (None, 0),
        ([], 0),
        ({}, 0),
        (_DROP, 0),
    ],
)
def test_price_list_shapes(prices: Any, expected: int) -> None:
    style = one(base_style(prices=prices))
    assert len(style.prices) == expected
    if expected:
        assert style.prices[0] == Price("WS", "USD", Decimal("10.00"), Decimal("25"), None)
    if expected == 2:
        assert style.prices[1] == Price("WS", "EUR", Decimal("9"), Decimal("20"), None)


@pytest.mark.parametrize(
    "node, wrapper, item",
    [
        ("deliveries", "delivery", {"delivery_name": "S16", "season_year": "2016"}),
        ("colors", "color", {"color_name": "Black", "color_code": "001"}),
        ("sizes", "size", {"size_name": "M", "size_multiplier": 2}),
        ("badges", "badge", {"badge_id": "-1", "badge_name": "Best Seller"}),
        ("tags", "tag", {"tag_id": "15557", "tag_value": "Acid"}),
        ("upcs", "style_upc", {"sku_color_code": "001", "sku_size": "M", "upc": "0012345678905"}),
        ("categories", "category", {"category_parent": "Women's"}),
    ],
)
def test_every_object_list_node_accepts_single_list_and_wrapper(node: str, wrapper: str, item: dict) -> None:
    results = [
        style_to_dict(one(base_style(**{node: shape})))[node]
        for shape in ([item], item, {wrapper: item}, {wrapper: [item]}, [{wrapper: item}])
    ]
    assert len(results[0]) == 1
    assert all(r == results[0] for r in results)
    assert style_to_dict(one(base_style(**{node: [item, item]})))[node] == results[0] * 2


def test_nested_list_nodes_single_or_list() -> None:
    sub = {
        "subcategory_parent": "Apparel",
        "subcategory": {"subcategory_id": "2", "subcategory_label": "Tops"},
    }
    a = one(base_style(categories={"category": {"category_parent": "W", "subcategories": sub}}))
    b = one(
        base_style(
            categories=[
                {
                    "category_parent": "W",
                    "subcategories": [
                        {
                            "subcategory_parent": "Apparel",
                            "subcategory": [{"sub_category_id": 2, "subcategory_label": "Tops"}],
                        },
                    ],
                }
            ]
        )
    )
    assert a == b
    assert a.categories[0].subcategories[0].subcategory[0].subcategory_id == 2
    d1 = {"delivery_name": "S16", "color_exclusions": {"color_exclusion": {"color_code": "001"}}}
    d2 = {"delivery_name": "S16", "color_exclusions": [{"color_code": 1}]}
    assert one(base_style(deliveries=d1)).deliveries[0].color_exclusions[0].color_code == "001"
    assert one(base_style(deliveries=d2)).deliveries[0].color_exclusions[0].color_code == "1"


@pytest.mark.parametrize(
    "images",
    [
        ["/a.jpg", "/b.jpg"],
        [{"image_path": "/a.jpg"}, {"image_path": "/b.jpg"}],
        {"image_path": ["/a.jpg", "/b.jpg"]},
    ],
)
def test_images_shapes(images: Any) -> None:
    assert one(base_style(images=images)).images == ["/a.jpg", "/b.jpg"]


@pytest.mark.parametrize(
    "materials, expected",
    [
        (["cotton"], ["cotton"]),
        ("cotton", ["cotton"]),
        ({"material": "cotton"}, ["cotton"]),
        ({"material": ["cotton", "silk"]}, ["cotton", "silk"]),
        ({"material": ""}, []),
        ([""], []),
    ],
)
def test_materials_shapes(materials: Any, expected: list[str]) -> None:
    assert one(base_style(materials=materials)).materials == expected


def test_styles_node_shapes() -> None:
    s1, s2 = base_style(style_id="1"), base_style(style_id=2)
    for styles in ({"style": [s1, s2]}, [s1, s2], [{"style": s1}, {"style": s2}]):
        page = parse_styles_page(page_json(styles), fmt="json")
        assert [s.style_id for s in page.styles] == [1, 2]
    single = parse_styles_page(page_json({"style": s1}), fmt="json")
    assert [s.style_id for s in single.styles] == [1]
    bare = parse_styles_page(json.dumps({"style": s1}).encode(), fmt="json")
    assert [s.style_id for s in bare.styles] == [1] and bare.envelope == Envelope()
    wrapped = json.dumps({"root": {"response": {"code": 0}, "styles": {"style": s1}}}).encode()
    assert [s.style_id for s in parse_styles_page(wrapped, fmt="json").styles] == [1]


@pytest.mark.parametrize(
    "body, fmt",
    [
        (b'{"response": {"code": "0"}, "styles": ""}', "json"),
        (b'{"response": {"code": "0"}, "styles": null}', "json"),
        (b'{"response": {"code": "0"}, "styles": {}}', "json"),
        (b'{"response": {"code": "0"}, "styles": []}', "json"),
        (b'{"response": {"code": "0"}, "styles": {"style": []}}', "json"),
        (b'{"response": {"code": "0"}}', "json"),
        (b"<styles/>", "xml"),
        (b"<?xml version='1.0'?><styles>\n</styles>", "xml"),
        (b"<root><response><code>0</code></response><styles/></root>", "xml"),
        (b"<root><response><code>0</code></response></root>", "xml"),
    ],
)
def test_empty_pages(body: bytes, fmt: str) -> None:
    page = parse_styles_page(body, fmt=fmt)  # type: ignore[arg-type]
    assert page == StylesPage(envelope=page.envelope, styles=[], problems=[])
    assert page.envelope.code in (None, 0)


# --- scalars ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling, expected",
    [
        (True, True),
        (False, False),
        ("True", True),
        ("False", False),
        ("true", True),
        ("FALSE", False),
        ("1", True),
        ("0", False),
        (1, True),
        (0, False),
        ("yes", True),
        ("No", False),
        (" true ", True),
        ("", None),
        (None, None),
        (_DROP, None),
    ],
)
def test_boolean_spellings(spelling: Any, expected: bool | None) -> None:
    assert one(base_style(made_to_order=spelling)).made_to_order is expected


@pytest.mark.parametrize("spelling", ["maybe", "2", 2, "t", "on", [], {"a": 1}, 0.5])
def test_boolean_strictness(spelling: Any) -> None:
    message = one_problem(base_style(best_seller=spelling))
    assert "style 42" in message and "best_seller" in message and "expected a boolean" in message


@pytest.mark.parametrize(
    "spelling, expected",
    [
        ("200", 200),
        (200, 200),
        ("200.00", 200),
        (200.0, 200),
        ("-1", -1),
        (" 7 ", 7),
        ("", None),
        (None, None),
    ],
)
def test_integer_spellings(spelling: Any, expected: int | None) -> None:
    style = one(base_style(minimum=spelling))
    assert style.minimum == expected and type(style.minimum) is type(expected)


@pytest.mark.parametrize(
    "field, value, shown",
    [
        ("minimum", "lots", "'lots'"),
        ("minimum", "1_000", "'1_000'"),
        ("minimum", "12.5", "'12.5'"),
        ("minimum", True, "True"),
        ("minimum", "1" * 60, "'111"),
        ("style_id", "abc", "'abc'"),
    ],
)
def test_unparseable_integer_is_a_problem(field: str, value: Any, shown: str) -> None:
    message = one_problem(base_style(**{field: value}))
    assert f"{field}: expected an integer" in message and shown in message


@pytest.mark.parametrize(
    "spelling, expected",
    [
        ("53.00", Decimal("53.00")),
        (53, Decimal(53)),
        (68.5, Decimal("68.5")),
        ("0.00", Decimal(0)),
        (".5", Decimal("0.5")),
        ("", None),
    ],
)
def test_decimal_spellings(spelling: Any, expected: Decimal | None) -> None:
    price = {"price_label": "A", "price_currency": "USD", "price_wholesale": spelling}
    assert one(base_style(prices=[price])).prices[0].price_wholesale == expected


@pytest.mark.parametrize("value", ["12,50", "1.234,56", "NaN", "Infinity", "1e3", "€12", "12.5.1", True])
def test_unparseable_decimal_is_a_problem(value: Any) -> None:
    price = {"price_label": "A", "price_currency": "USD", "price_wholesale": value}
    message = one_problem(base_style(prices=[price]))
    assert message.startswith("style 42: prices[0].price_wholesale: expected a decimal number")
    assert repr(value) in message


def test_several_problems_in_one_style_are_all_reported() -> None:
    page = parse_styles_page(
        page_json(
            {
                "style": base_style(
                    minimum="lots",
                    sizes=[{"size_name": "M", "size_multiplier": "x"}],
                    deliveries={"delivery": {"date_delivery_start": "15/01/2016"}},
                )
            }
        ),
        fmt="json",
    )
    assert page.styles == []
    (problem,) = page.problems
    assert problem.style_id == "42"
    assert set(problem.details) == {
        "minimum: expected an integer, got 'lots'",
        "sizes[0].size_multiplier: expected an integer, got 'x'",
        "deliveries[0].date_delivery_start: expected a date, got '15/01/2016'",
    }


def test_codes_stay_strings_with_leading_zeros() -> None:
    style = one(
        base_style(
            style_number="005000000",
            style_identifier=5000000,
            division_code="007",
            colors=[{"color_code": "001", "color_name": "Black"}, {"color_code": 14}],
            sizes=[{"size_name": "08", "size_code": 8}, {"size_name": 7.5}],
            deliveries=[{"season_code": "016", "delivery_code": 16}],
            tags=[{"tag_id": "1", "tag_value_code": "0042"}],
            upcs=[
                {"sku_color_code": "001", "sku_size": "08", "upc": 5414855153715},
                {"sku_color_code": 14, "sku_size": 7.5, "upc": "0012345678905"},
                {"upc": 5414855153715.0},
                {"upc": 5.414855153715e12},
            ],
        )
    )
    assert style.style_number == "005000000" and style.style_identifier == "5000000"
    assert style.division_code == "007"
    assert [c.color_code for c in style.colors] == ["001", "14"]
    assert [(s.size_name, s.size_code) for s in style.sizes] == [("08", "8"), ("7.5", None)]
    assert (style.deliveries[0].season_code, style.deliveries[0].delivery_code) == ("016", "16")
    assert style.tags[0].tag_value_code == "0042"
    assert [u.upc for u in style.upcs] == ["5414855153715", "0012345678905", "5414855153715", "5414855153715"]
    assert [u.sku_size for u in style.upcs[:2]] == ["08", "7.5"]
    assert all(type(u.upc) is str for u in style.upcs)


def test_empty_strings_become_none_and_lists_stay_lists() -> None:
    style = one(
        base_style(
            style_description="",
            division=" ",
            made_to_order="",
            minimum="",
            materials="",
            prices="",
            colors=[{"color_name": "", "color_code": "C1", "minimum": "", "color_hex": ""}],
        )
    )
    assert style.style_description is None and style.division is None
    assert style.made_to_order is None and style.minimum is None
    assert style.materials == [] and style.prices == [] and style.images == [] and style.upcs == []
    assert style.colors[0].color_name is None and style.colors[0].minimum is None


def test_dates_with_and_without_time() -> None:
    style = one(
        base_style(
            deliveries=[
                {
                    "date_cancel": "2016-04-30T12:30:00Z",
                    "date_delivery_start": "2016-01-15",
                    "date_delivery_end": "0000-00-00",
                }
            ]
        )
    )
    (delivery,) = style.deliveries
    assert delivery.date_cancel == dt.datetime(2016, 4, 30, 12, 30, tzinfo=dt.UTC)
    assert delivery.date_delivery_start == dt.date(2016, 1, 15)
    assert delivery.date_delivery_end is None
    out = style_to_dict(style)["deliveries"][0]
    assert out["date_cancel"] == "2016-04-30T12:30:00+00:00"
    assert out["date_delivery_start"] == "2016-01-15"


def test_unknown_fields_are_ignored() -> None:
    style = one(
        base_style(
            new_field="x",
            another={"deep": [1, 2, {"x": None}]},
            prices=[{**PRICE, "price_extra": "??"}],
            colors={"color": {"color_code": "C1", "swatch": {"a": 1}}},
        )
    )
    assert style.prices[0].price_label == "WS" and style.colors[0].color_code == "C1"
    assert "new_field" not in style_to_dict(style)


@pytest.mark.parametrize("missing", ["style_id", "style_number", "style_identifier", "style_name"])
def test_missing_required_field_is_a_problem_and_the_page_continues(missing: str) -> None:
    message = one_problem(base_style(**{missing: _DROP}))
    assert f"missing required field {missing}" in message
    if missing != "style_id":
        assert message.startswith("style 42:")
    else:
        assert message.startswith("style without style_id:")


def test_empty_required_field_counts_as_missing() -> None:
    page = parse_styles_page(page_json([base_style(style_name=""), base_style(style_id="8")]), fmt="json")
    assert [s.style_id for s in page.styles] == [8]
    assert page.problems[0].style_id == "42"
    assert page.problems[0].details == ("missing required field style_name",)


def test_non_object_style_and_non_object_items_are_problems() -> None:
    page = parse_styles_page(page_json([5, "x", base_style(colors=["C1"])]), fmt="json")
    assert page.styles == []
    assert [p.message for p in page.problems] == [
        "style without style_id: expected a style object, got 5",
        "style without style_id: expected a style object, got 'x'",
        "style 42: colors[0]: expected an object, got 'C1'",
    ]


def test_xml_quirks_match_json() -> None:
    xml = b"""<?xml version="1.0"?>
<root><response><code>0</code><comment></comment><log_id>abc</log_id><start_from>0</start_from>
<next_start>2</next_start><count>2</count></response>
<styles>
 <style><style_id>1</style_id><style_name>A &amp; B</style_name><style_number>001</style_number>
  <style_identifier>001</style_identifier><made_to_order>1</made_to_order><surprise><x>1</x></surprise>
  <prices><price><price_label>WS</price_label><price_currency>USD</price_currency>
   <price_wholesale>10.50</price_wholesale></price></prices>
  <materials><material>cotton</material><material>silk</material></materials>
  <categories><category><category_parent>W</category_parent>
   <subcategories><subcategory_parent>Apparel</subcategory_parent>
    <subcategory><sub_category_id>2</sub_category_id><subcategory_label>Tops</subcategory_label></subcategory>
   </subcategories></category></categories>
  <images><image_path>/a.jpg</image_path><image_path>/b.jpg</image_path></images>
 </style>
 <style><style_id>2</style_id><style_name>C</style_name><style_number>002</style_number>
  <style_identifier>002</style_identifier><prices/><colors></colors></style>
</styles></root>"""
    page = parse_styles_page(xml, fmt="xml")
    assert page.problems == []
    assert page.envelope == Envelope(code=0, comment=None, log_id="abc", start_from=0, next_start=2, count=2)
    a, b = page.styles
    assert a.style_name == "A & B" and a.style_number == "001" and a.made_to_order is True
    assert a.prices[0].price_wholesale == Decimal("10.50")
    assert a.materials == ["cotton", "silk"]
    assert a.images == ["/a.jpg", "/b.jpg"]
    assert a.categories[0].subcategories[0].subcategory[0].subcategory_id == 2
    assert b.prices == [] and b.colors == [] and b.style_number == "002"


def test_xml_single_style_root_and_namespaces() -> None:
    body = (
        b'<style xmlns="urn:x"><style_id>3</style_id><style_name>N</style_name>'
        b"<style_number>3</style_number><style_identifier>3</style_identifier></style>"
    )
    assert [s.style_id for s in parse_styles_page(body, fmt="xml").styles] == [3]


# --- envelope --------------------------------------------------------------------------------------


def test_envelope_fields_and_types() -> None:
    body = json.dumps(
        {
            "response": {"code": "0", "comment": "", "log_id": "L-1", "start_from": "100", "count": 50},
            "styles": "",
        }
    ).encode()
    env = parse_envelope(body, fmt="json")
    assert env == Envelope(code=0, comment=None, log_id="L-1", start_from=100, next_start=None, count=50)
    assert env.ok
    page = parse_styles_page(page_json("", start_from=0, next_start="50", count="50"), fmt="json")
    assert (page.envelope.next_start, page.envelope.count) == (50, 50)


def test_error_envelope_is_returned_not_raised() -> None:
    body = b'{"response": {"code": "4", "comment": "Style not found", "log_id": "x"}}'
    page = parse_styles_page(body, fmt="json")
    assert page.envelope.code == 4 and not page.envelope.ok
    assert page.envelope.comment == "Style not found" and page.styles == []
    xml = b"<root><response><code>2</code><comment>Bad date</comment></response></root>"
    assert parse_envelope(xml, fmt="xml") == Envelope(code=2, comment="Bad date")
    assert parse_envelope(b"<response><code>0</code></response>", fmt="xml").code == 0


def test_structured_comment_is_kept_as_text() -> None:
    env = parse_envelope(b'{"response": {"code": 3, "comment": {"errors": ["a"]}}}', fmt="json")
    assert env.code == 3 and json.loads(env.comment or "") == {"errors": ["a"]}


@pytest.mark.parametrize(
    "body",
    [
        b'{"response": {"code": "E1"}}',
        b'{"response": {"code": 0, "next_start": "soon"}}',
        b'{"response": "ok"}',
        b'{"response": [1]}',
    ],
)
def test_unreadable_envelope_is_bad_payload(body: bytes) -> None:
    with pytest.raises(JoorBadPayload):
        parse_styles_page(body, fmt="json")


@pytest.mark.parametrize("body", [b'{"styles": ""}', b"<styles/>", b'{"sku_count": 1}', b"<other/>"])
def test_parse_envelope_needs_a_response_node(body: bytes) -> None:
    fmt = "xml" if body.startswith(b"<") else "json"
    with pytest.raises(JoorBadPayload):
        parse_envelope(body, fmt=fmt)  # type: ignore[arg-type]


def test_unknown_format_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown wire format"):
        parse_styles_page(b"{}", fmt="yaml")  # type: ignore[arg-type]


def test_xml_repeated_children_in_consecutive_parents() -> None:
    from joorsync.joor.wire_xml import load_xml_tree

    name, tree = load_xml_tree(
        b"<styles><style><materials><material>a</material><material>b</material><material>c</material>"
        b"</materials><images><image_path>1</image_path></images></style>"
        b"<style><materials><material>d</material><material>e</material></materials>"
        b"<images><image_path>2</image_path><image_path>3</image_path><image_path>4</image_path></images>"
        b"</style><style><materials><material>f</material></materials></style></styles>"
    )
    assert name == "styles"
    assert tree == {
        "style": [
            {"materials": {"material": ["a", "b", "c"]}, "images": {"image_path": "1"}},
            {"materials": {"material": ["d", "e"]}, "images": {"image_path": ["2", "3", "4"]}},
            {"materials": {"material": "f"}},
        ]
    }


def test_xml_text_cdata_and_entities_of_the_xml_spec() -> None:
    body = (
        b'<styles><style><style_id>9</style_id><style_name><![CDATA[A <b> & "C"]]></style_name>'
        b"<style_number>&#48;01</style_number><style_identifier>x&lt;y</style_identifier></style></styles>"
    )
    (style,) = parse_styles_page(body, fmt="xml").styles
    assert (style.style_name, style.style_number, style.style_identifier) == ('A <b> & "C"', "001", "x<y")
