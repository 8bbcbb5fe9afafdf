"""Canonical product → productSet input → (Shopify's stored shape) → canonical product."""

import pytest

from joorsync.joor.wire import parse_styles_page
from joorsync.sync.canonical import CanonicalProduct, CanonicalVariant, flatten
from joorsync.sync.joor_mapping import PriceMapping, style_to_canonical
from joorsync.sync.shopify_mapping import (
    METAFIELD_TYPES,
    canonical_to_product_set,
    color_option_names,
    product_to_canonical,
)
from tests.conftest import shared_path


def stored_like_shopify(payload: dict) -> dict:
    """What the Products query returns after a productSet of `payload` (ids made up)."""
    return {
        "id": "gid://shopify/Product/1",
        "title": payload["title"],
        "descriptionHtml": payload["descriptionHtml"],
        "productType": payload["productType"],
        "tags": sorted(payload["tags"]),
        "variants": {
            "nodes": [
                {
                    "id": f"gid://shopify/ProductVariant/{i}",
                    "sku": v["sku"],
                    "barcode": v["barcode"] or None,
                    "price": v["price"],
                    "compareAtPrice": v.get("compareAtPrice"),
                    "inventoryQuantity": v["inventoryQuantities"][0]["quantity"]
                    if "inventoryQuantities" in v
                    else 0,
                    "selectedOptions": [
                        {"name": o["optionName"], "value": o["name"]} for o in v["optionValues"]
                    ],
                }
                for i, v in enumerate(payload["variants"])
            ]
        },
        "metafields": {"nodes": [dict(m) for m in payload["metafields"]]},
    }


@pytest.fixture(scope="module")
def seed_product() -> CanonicalProduct:
    text = shared_path("reference", "joor", "v2-style-endpoint.txt").read_text(encoding="utf-8")
    start = text.index("<?xml")
    end = text.index("</styles>", start) + len("</styles>")
    [style] = parse_styles_page(text[start:end].encode(), fmt="xml").styles
    return style_to_canonical(style, prices=PriceMapping(label="LUCY", currency="GBP"))


def test_round_trip_through_shopify_shape_loses_no_field(seed_product):
    payload = canonical_to_product_set(
        seed_product, style_id=1252163, location_id="gid://shopify/Location/1", include_inventory=True
    )
    assert len(payload["variants"]) == 14
    assert {m["key"] for m in payload["metafields"]} >= {"division", "prices", "style_id", "style_number"}
    back = product_to_canonical(stored_like_shopify(payload))
    assert back.style_number == "Test Style 1"
    assert flatten(back) == flatten(seed_product)


def test_metafield_types_are_fixed_per_field():
    assert METAFIELD_TYPES["made_to_order"] == "boolean"
    assert METAFIELD_TYPES["minimum"] == "number_integer"
    assert METAFIELD_TYPES["division"] == "multi_line_text_field"
    assert METAFIELD_TYPES["prices"] == "json"


def test_colors_sharing_a_name_get_distinct_option_values():
    product = CanonicalProduct(
        style_number="S",
        style_identifier="S",
        variants=(
            CanonicalVariant(color_code="001", size="M", color_name="Navy"),
            CanonicalVariant(color_code="002", size="M", color_name="Navy"),
        ),
    )
    assert color_option_names(product) == {"001": "Navy", "002": "Navy (002)"}


def test_stored_variant_links_win_over_names():
    product = stored_like_shopify(
        canonical_to_product_set(
            CanonicalProduct(
                style_number="S",
                style_identifier="S",
                variants=(CanonicalVariant(color_code="001", size="M", color_name="Navy", price="1.00"),),
            ),
            style_id=None,
        )
    )
    product["variants"]["nodes"][0]["selectedOptions"][0]["value"] = "Renamed in Shopify"
    canonical = product_to_canonical(product, variant_keys={"gid://shopify/ProductVariant/0": ("001", "M")})
    assert canonical.variants[0].color_code == "001"
    assert canonical.variants[0].color_name == "Renamed in Shopify"
