"""The deterministic catalog generator."""

from __future__ import annotations

import base64
from collections import Counter
from decimal import Decimal

import pytest

from joorsync.joor.sandbox.catalog import ean13_check_digit, generate_catalog, is_valid_ean13
from joorsync.joor.sandbox.defaults import CATALOG_EPOCH, SEED_STYLE_ID, V4_CATEGORIES
from joorsync.joor.sandbox.views import style_view


def _views(catalog):
    return [(s.created, s.modified, style_view(catalog, s)) for s in catalog.sorted_styles()]


def test_same_seed_same_catalog_and_different_seed_differs() -> None:
    a, b, c = generate_catalog(60, 4), generate_catalog(60, 4), generate_catalog(60, 5)
    assert _views(a) == _views(b)
    assert _views(a) != _views(c)
    assert [o.lines for o in a.orders.values()] == [o.lines for o in b.orders.values()]


def test_seed_style_is_first_with_the_document_values() -> None:
    catalog = generate_catalog(10, 9)
    first = catalog.sorted_styles()[0]
    assert first.style_id == SEED_STYLE_ID
    view = style_view(catalog, first)
    assert view["style_name"] == "Test Style 1 sleeveless top"
    assert view["made_to_order"] is True and view["contains_fur"] is False and view["minimum"] == 200
    assert view["fabrication_code"] is None and view["heel_height"] == "N/A"
    assert [c["color_code"] for c in view["colors"]] == ["C1", "C2"]
    assert [s["size_name"] for s in view["sizes"]] == ["34", "36", "38", "40", "42", "44", "C11"]
    assert view["sizes"][-1]["size_multiplier"] == 5
    assert [(p["price_label"], p["price_currency"], p["price_wholesale"]) for p in view["prices"]] == [
        ("LUCY", "GBP", Decimal("53.00")),
        ("EUROPE", "EUR", Decimal("63.00")),
        ("EXPORT-WW", "EUR", Decimal("68.50")),
        ("EXPORT-CN", "EUR", Decimal("72.50")),
        ("EXPORT-US", "USD", Decimal("95.00")),
    ]
    assert len(view["upcs"]) == 12 and view["upcs"][0]["upc"] == "5414855153715"
    assert view["deliveries"][0]["delivery_name"] == "Summer '16 Basic Women"
    assert view["deliveries"][0]["public"] is False
    assert view["badges"][0]["badge_id"] == -1 and view["tags"][0]["tag_id"] == 15557
    assert generate_catalog(1, 1).sorted_styles()[0].style_id == SEED_STYLE_ID


def test_upcs_are_unique_valid_ean13_some_with_leading_zeros() -> None:
    catalog = generate_catalog(300, 2)
    upcs = [u["upc"] for s in catalog.styles.values() for u in s.upcs]
    assert len(upcs) == len(set(upcs))
    assert all(is_valid_ean13(u) for u in upcs)
    assert any(u.startswith("00") for u in upcs)
    assert ean13_check_digit("541485515371") == "5"


def test_generated_variety() -> None:
    catalog = generate_catalog(300, 2)
    styles = catalog.sorted_styles()[1:]
    color_counts = Counter(len(s.colors) for s in styles)
    assert set(color_counts) == {2, 3, 4}
    names = {c["color_name"] for s in styles for c in s.colors}
    assert {"Écru", "Rouge Bordeaux"} <= names
    runs = {tuple(sz["size_name"] for sz in s.sizes if not sz["size_multiplier"]) for s in styles}
    assert ("XS", "S", "M", "L", "XL") in runs and ("36", "37", "38", "39", "40", "41") in runs
    assert ("34", "36", "38", "40", "42", "44") in runs
    assert any(sz["size_multiplier"] for s in styles for sz in s.sizes)
    currencies = {catalog.price_types[p.price_type_id].currency_code for s in styles for p in s.prices}
    assert currencies == {"USD", "EUR", "GBP"}
    assert any(len({catalog.price_types[p.price_type_id].name for p in s.prices}) > 2 for s in styles)
    style_names = [s.fields["style_name"] for s in styles]
    assert any(any(ord(ch) > 0x3000 for ch in n) for n in style_names)  # CJK or emoji
    assert any(s.tags for s in styles) and any(s.badges for s in styles) and any(s.images for s in styles)
    assert all(s.deliveries for s in styles)
    assert len({(s.style_number, s.style_identifier) for s in styles}) == len(styles)
    assert any(s.style_number.startswith("0") for s in styles)


def test_timestamps_spread_over_the_past_year() -> None:
    catalog = generate_catalog(200, 3)
    created = [s.created for s in catalog.styles.values()]
    assert all(CATALOG_EPOCH.replace(year=CATALOG_EPOCH.year - 1) <= c < CATALOG_EPOCH for c in created)
    assert (max(created) - min(created)).days > 300
    assert all(s.created <= s.modified <= CATALOG_EPOCH for s in catalog.styles.values())


def test_every_combo_has_a_sku_and_skus_are_unique() -> None:
    catalog = generate_catalog(50, 1)
    ids = [sid for s in catalog.styles.values() for sid in s.sku_ids.values()]
    assert len(ids) == len(set(ids))
    for style in catalog.styles.values():
        assert list(style.sku_ids) == style.combos()


def test_v4_ids_are_joors_formats() -> None:
    catalog = generate_catalog(30, 1)
    for style in catalog.styles.values():
        assert style.product_id == str(style.style_id)
        for sku_id in style.sku_ids.values():
            prefix, product_id, number = base64.b64decode(sku_id).decode().split("|")
            assert (prefix, product_id) == ("0", style.product_id) and number.isdigit()
    assert all(pt.isdigit() for pt in catalog.price_types) and all(s.isdigit() for s in catalog.seasons)


def test_categories_come_from_the_v4_taxonomy() -> None:
    catalog = generate_catalog(200, 2)
    taxonomy = {(int(i), name, parent, v2_parent) for i, name, parent, _, v2_parent in V4_CATEGORIES}
    used = {
        (item["subcategory_id"], item["subcategory_label"], sub["subcategory_parent"], cat["category_parent"])
        for s in catalog.styles.values()
        for cat in s.categories
        for sub in cat["subcategories"]
        for item in sub["subcategory"]
    }
    assert used <= taxonomy
    assert {parent for *_, parent in used} == {"Women's", "Men's"}


def test_at_least_one_style() -> None:
    with pytest.raises(ValueError):
        generate_catalog(0, 1)


@pytest.mark.parametrize("skus", [1, 7, 12, 30])
def test_skus_per_style_gives_every_generated_style_that_many_skus(skus):
    catalog = generate_catalog(20, 3, skus_per_style=skus)
    generated = [s for s in catalog.styles.values() if s.style_id != SEED_STYLE_ID]
    assert {len(s.upcs) for s in generated} == {skus}
    assert all(len(s.colors) * len(s.sizes) == skus for s in generated)
