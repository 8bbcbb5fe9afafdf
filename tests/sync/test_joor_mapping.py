"""JOOR style → canonical product → v2 style fields, on the seed document's example style."""

from decimal import Decimal

import pytest

from joorsync.joor.records import style_to_dict
from joorsync.joor.wire import parse_styles_page
from joorsync.sync.canonical import flatten
from joorsync.sync.joor_mapping import PriceMapping, canonical_to_style_fields, style_to_canonical
from tests.conftest import shared_path


@pytest.fixture(scope="module")
def seed_style():
    text = shared_path("reference", "joor", "v2-style-endpoint.txt").read_text(encoding="utf-8")
    start = text.index("<?xml")
    end = text.index("</styles>", start) + len("</styles>")
    [style] = parse_styles_page(text[start:end].encode(), fmt="xml").styles
    return style


def test_variants_are_the_color_size_grid_with_upcs_and_mapped_price(seed_style):
    product = style_to_canonical(
        seed_style, prices=PriceMapping(label="LUCY", currency="GBP", compare_at_field="price_wholesale")
    )
    variants = product.variant_map()
    assert len(variants) == 2 * 7
    c1_36 = variants["C1/36"]
    assert (c1_36.color_name, c1_36.barcode, c1_36.inventory) == ("Combo 1", "5414855153715", 0)
    assert (c1_36.price, c1_36.compare_at_price) == ("145.00", "53.00")
    assert variants["C2/C11"].barcode is None  # the casepack has no UPC in JOOR
    assert variants["C2/C11"].inventory == 0
    assert product.title == "Test Style 1 sleeveless top"
    assert product.product_type == "Slim"
    assert product.tags == ("Acid",)
    assert product.joor["division"] == "W.E"
    assert product.joor["prices"][0]["price_wholesale"] in (53, 68.5, 63, 72.5, 95)
    assert "style_name" not in product.joor and "upcs" not in product.joor


def test_zero_retail_price_means_no_price(seed_style):
    product = style_to_canonical(seed_style, prices=PriceMapping(label="EUROPE", currency="EUR"))
    assert {v.price for v in product.variants} == {None}
    wholesale = style_to_canonical(
        seed_style, prices=PriceMapping(label="EUROPE", currency="EUR", price_field="price_wholesale")
    )
    assert {v.price for v in wholesale.variants if v.size != "C11"} == {"63.00"}
    assert {v.price for v in wholesale.variants if v.size == "C11"} == {"315.00"}  # a casepack of 5


def test_style_fields_from_canonical_give_back_every_joor_field(seed_style):
    mapping = PriceMapping(label="LUCY", currency="GBP")
    product = style_to_canonical(seed_style, prices=mapping)
    fields = canonical_to_style_fields(product, prices=mapping, current=seed_style)
    original = {k: v for k, v in style_to_dict(seed_style).items() if v not in (None, []) and k != "style_id"}
    fields["prices"] = sorted(fields["prices"], key=lambda p: (p["price_currency"], p["price_label"]))
    # the mapped retail price comes back as a money string: compare as numbers
    for price in fields["prices"]:
        price["price_retail"] = float(Decimal(str(price["price_retail"])))
    for price in original["prices"]:
        price["price_retail"] = float(price["price_retail"])
    assert set(fields) == set(original)
    for key in original:
        if key == "upcs":
            assert sorted(fields[key], key=str) == sorted(original[key], key=str)
        else:
            assert fields[key] == original[key], key


def test_flattened_paths_cover_joor_fields(seed_style):
    flat = flatten(style_to_canonical(seed_style, prices=PriceMapping()))
    assert flat["metafields.joor.fabrication"] == "50% Wool/ 40% Acrylic/ 10% Alpaca"
    assert flat["variants[C1/44].barcode"] == "5414855153753"
