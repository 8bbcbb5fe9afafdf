"""Records and their normalized dict form."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal

import pytest

from joorsync.joor.records import (
    Color,
    Delivery,
    Price,
    Size,
    Style,
    StyleUpc,
    decimal_to_number,
    sorted_upcs,
    style_to_dict,
)


def test_records_are_frozen_and_slotted() -> None:
    style = Style(style_id=1, style_name="A", style_number="1", style_identifier="1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        style.style_name = "B"  # type: ignore[misc]
    assert not hasattr(style, "__dict__")
    assert style.key == ("1", "1")
    assert style.prices == [] and style.images == [] and Style().upcs is not Style().upcs


@pytest.mark.parametrize(
    "value, expected",
    [
        (Decimal("53.00"), 53),
        (Decimal("53"), 53),
        (Decimal("68.50"), 68.5),
        (Decimal("68.5"), 68.5),
        (Decimal("0.00"), 0),
        (Decimal("-1.25"), -1.25),
        (Decimal("1E+2"), 100),
    ],
)
def test_decimal_to_number(value: Decimal, expected: float) -> None:
    result = decimal_to_number(value)
    assert result == expected and type(result) is type(expected)


def test_decimal_to_number_refuses_non_finite() -> None:
    with pytest.raises(ValueError):
        decimal_to_number(Decimal("NaN"))


def test_style_to_dict_types_and_field_order() -> None:
    style = Style(
        style_id=5,
        style_name="A",
        style_number="007",
        style_identifier="007",
        made_to_order=False,
        prices=[Price("B", "USD", Decimal("10.50"), Decimal("0.00"), "USD"), Price("A", "USD", Decimal("9"))],
        deliveries=[
            Delivery(
                date_cancel=dt.datetime(2016, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
                date_delivery_start=dt.date(2016, 1, 15),
                public=True,
            )
        ],
    )
    out = style_to_dict(style)
    assert list(out) == [f.name for f in dataclasses.fields(Style)]
    assert out["style_number"] == "007" and out["made_to_order"] is False and out["minimum"] is None
    assert out["prices"] == [
        {
            "price_label": "A",
            "price_currency": "USD",
            "price_wholesale": 9,
            "price_retail": None,
            "price_currency_retail": None,
        },
        {
            "price_label": "B",
            "price_currency": "USD",
            "price_wholesale": 10.5,
            "price_retail": 0,
            "price_currency_retail": "USD",
        },
    ]
    delivery = out["deliveries"][0]
    assert delivery["date_cancel"] == "2016-01-02T03:04:05+00:00"
    assert delivery["date_delivery_start"] == "2016-01-15"
    assert delivery["public"] is True and delivery["color_exclusions"] == []
    json.dumps(out)  # JSON-able


def test_prices_sorted_by_currency_then_label_with_missing_values_first() -> None:
    style = Style(prices=[Price("Z", "EUR"), Price("A", "USD"), Price("B", "EUR"), Price(None, None)])
    assert [(p["price_currency"], p["price_label"]) for p in style_to_dict(style)["prices"]] == [
        (None, None),
        ("EUR", "B"),
        ("EUR", "Z"),
        ("USD", "A"),
    ]


def test_upcs_follow_color_then_size_positions_unknown_last() -> None:
    style = Style(
        colors=[Color(color_code="C2"), Color(color_code="C1")],
        sizes=[Size(size_name="S"), Size(size_name="M"), Size(size_name="L")],
        upcs=[
            StyleUpc("C1", "S", "1"),
            StyleUpc("ZZ", "S", "2"),
            StyleUpc("C2", "L", "3"),
            StyleUpc("C2", "S", "4"),
            StyleUpc("C1", "XXL", "5"),
            StyleUpc("AA", "M", "6"),
            StyleUpc("C1", "M", "7"),
        ],
    )
    assert [u.upc for u in sorted_upcs(style)] == ["4", "3", "1", "7", "5", "2", "6"]
    assert [u["upc"] for u in style_to_dict(style)["upcs"]] == ["4", "3", "1", "7", "5", "2", "6"]
    assert [u.upc for u in style.upcs] == ["1", "2", "3", "4", "5", "6", "7"], "the record keeps wire order"


def test_other_lists_keep_document_order() -> None:
    style = Style(colors=[Color(color_code="C2"), Color(color_code="C1")], images=["/b", "/a"])
    out = style_to_dict(style)
    assert [c["color_code"] for c in out["colors"]] == ["C2", "C1"]
    assert out["images"] == ["/b", "/a"]


def test_every_field_of_the_v2_field_table_has_a_record_field() -> None:
    from joorsync.joor.records import RECORD_TYPES
    from joorsync.joor.wire import Envelope
    from tests.conftest import shared_path

    text = shared_path("reference", "joor", "v2-style-endpoint.txt").read_text(encoding="utf-8")
    table = text[text.index("Response Field Details") : text.index("Response Example")]
    rows = [line.split("|")[0].strip() for line in table.splitlines()[3:] if "|" in line]
    leaves = {row for row in rows if row and not row.startswith("+")}
    nodes = {row[1:].strip() for row in rows if row.startswith("+")}
    assert len(leaves) >= 60 and {"style_id", "sub_category_id", "upc", "image_path"} <= leaves

    known = {f.name for cls in (*RECORD_TYPES, Envelope) for f in dataclasses.fields(cls)}
    renamed = {"sub_category_id": "subcategory_id", "material": "materials", "image_path": "images"}
    assert {renamed.get(name, name) for name in leaves} - known == set()
    wrappers = {
        "response",
        "styles",
        "style",
        "price",
        "delivery",
        "color_exclusion",
        "category",
        "color",
        "size",
        "badge",
        "tag",
        "style_upc",
    }
    assert nodes - wrappers - known == set()


def test_upc_order_with_duplicate_color_codes_keeps_unknown_last() -> None:
    style = Style(
        colors=[Color(color_code="A"), Color(color_code="A"), Color(color_code="B")],
        sizes=[Size(size_name="S")],
        upcs=[StyleUpc("ZZ", "S", "1"), StyleUpc("B", "S", "2"), StyleUpc("A", "S", "3")],
    )
    assert [u.upc for u in sorted_upcs(style)] == ["3", "2", "1"]
