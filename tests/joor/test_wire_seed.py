"""JOOR's own documentation example, XML and JSON, must normalize to the same style."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from joorsync.joor.records import Style, style_to_dict
from joorsync.joor.wire import parse_styles_page
from tests.conftest import shared_path


def _seed_examples() -> tuple[bytes, bytes]:
    text = shared_path("reference", "joor", "v2-style-endpoint.txt").read_text(encoding="utf-8")
    start = text.index("<?xml")
    end = text.index("</styles>") + len("</styles>")
    return text[start:end].encode(), text[text.index("{", end) :].encode()


@pytest.fixture(scope="module")
def seed() -> dict[str, Style]:
    xml_body, json_body = _seed_examples()
    pages = {"xml": parse_styles_page(xml_body, fmt="xml"), "json": parse_styles_page(json_body, fmt="json")}
    for page in pages.values():
        assert page.problems == []
        assert len(page.styles) == 1
    return {fmt: page.styles[0] for fmt, page in pages.items()}


def _diff(a: object, b: object, path: str = "") -> list[str]:
    """Every leaf path where two normalized dicts differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        out: list[str] = []
        for key in a.keys() | b.keys():
            out += _diff(a.get(key, "<absent>"), b.get(key, "<absent>"), f"{path}.{key}")
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in _diff(x, y, f"{path}[{i}]")]
    return [] if a == b and type(a) is type(b) else [path]


def test_xml_and_json_examples_differ_only_in_badge_image_path(seed: dict[str, Style]) -> None:
    from_xml, from_json = style_to_dict(seed["xml"]), style_to_dict(seed["json"])
    assert _diff(from_xml, from_json) == [".badges[0].badge_image_path"]
    assert from_xml["badges"][0]["badge_image_path"] == "jooraccess.com/img/style/best_seller_icon.50x50.png"
    assert from_json["badges"][0]["badge_image_path"] == (
        "https://cdn.jooraccess.com/img/style/best_seller_icon.50x50.png"
    )
    from_xml["badges"][0]["badge_image_path"] = from_json["badges"][0]["badge_image_path"]
    assert from_xml == from_json
    line = json.dumps(from_json, ensure_ascii=False, separators=(",", ":"))
    assert json.loads(line) == from_json


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_seed_typed_values(seed: dict[str, Style], fmt: str) -> None:
    style = seed[fmt]
    assert style.style_id == 1252163
    assert style.key == ("Test Style 1", "Test Style 1")
    assert style.style_name == "Test Style 1 sleeveless top"
    assert style.made_to_order is True
    assert style.contains_fur is False
    assert style.best_seller is True
    assert style.minimum == 200
    assert style.fabrication_code is None and style.measurements is None
    assert style.materials == ["54% POLYAMIDE 32% COTON 14% POLYESTER"]
    assert style.images == ["/img/uploads/accounts/55555/images/Test Style 1-c2bl-ap1-56.jpg"]

    assert len(style.prices) == 5
    by_label = {p.price_label: p for p in style.prices}
    assert by_label["EXPORT-WW"].price_wholesale == Decimal("68.50")
    assert type(by_label["EXPORT-WW"].price_wholesale) is Decimal
    assert by_label["LUCY"].price_retail == Decimal("145")
    assert by_label["LUCY"].price_currency == "GBP"

    (delivery,) = style.deliveries
    assert delivery.season_year == 2016
    assert delivery.season_code == "S2016"
    assert delivery.style_display_order == 25
    assert delivery.date_delivery_start == dt.date(2016, 1, 15)
    assert type(delivery.date_delivery_start) is dt.date
    assert delivery.date_delivery_end == dt.date(2016, 3, 31)
    assert delivery.date_cancel is None
    assert delivery.public is False
    assert delivery.style_comments is None
    assert [(c.color_name, c.color_code) for c in delivery.color_exclusions] == [("Combo 1", "C1")]

    (category,) = style.categories
    assert category.category_parent == "Women's"
    (sub,) = category.subcategories
    assert sub.subcategory_parent == "Apparel"
    (item,) = sub.subcategory
    assert item.subcategory_id == 2
    assert item.subcategory_label == "Tops"

    assert [c.color_code for c in style.colors] == ["C1", "C2"]
    assert style.colors[0].minimum == 0 and style.colors[0].color_hex is None
    assert len(style.sizes) == 7
    assert [s.size_multiplier for s in style.sizes] == [None] * 6 + [5]
    assert style.sizes[0].size_name == "34"

    (badge,) = style.badges
    assert badge.badge_id == -1 and badge.badge_upload_id == 5168719
    (tag,) = style.tags
    assert tag.tag_id == 15557 and tag.tag_value_code == "ACIDCODE"

    assert len(style.upcs) == 12
    first = next(u for u in style.upcs if u.sku_color_code == "C1" and u.sku_size == "36")
    assert first.upc == "5414855153715"
    assert type(first.upc) is str
    assert first.inventory_available == 0


def test_seed_canonical_order(seed: dict[str, Style]) -> None:
    out = style_to_dict(seed["json"])
    assert [(p["price_currency"], p["price_label"]) for p in out["prices"]] == [
        ("EUR", "EUROPE"),
        ("EUR", "EXPORT-CN"),
        ("EUR", "EXPORT-WW"),
        ("GBP", "LUCY"),
        ("USD", "EXPORT-US"),
    ]
    assert [(u["sku_color_code"], u["sku_size"]) for u in out["upcs"]] == [
        (c, s) for c in ("C1", "C2") for s in ("34", "36", "38", "40", "42", "44")
    ]
    assert out["deliveries"][0]["date_delivery_start"] == "2016-01-15"
    assert out["prices"][2]["price_wholesale"] == 68.5
    assert out["prices"][3]["price_wholesale"] == 53 and type(out["prices"][3]["price_wholesale"]) is int
    assert out["upcs"][1]["upc"] == "5414855153715"
    assert list(out)[:4] == ["style_id", "style_name", "style_number", "style_identifier"]
    assert list(out)[-1] == "images"
