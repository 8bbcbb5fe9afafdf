"""The catalog parsers and request records against JOOR's documented example payloads."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from joorsync.joor.records_catalog import (
    CollectionDelivery,
    CollectionItem,
    CollectionWrite,
    ProductAsset,
    StockLevel,
    uploaded_as,
)
from joorsync.joor.v4_catalog import money_text
from joorsync.joor.wire import parse_styles_page
from joorsync.joor.wire_catalog import (
    parse_collection,
    parse_color_images,
    parse_image_deletion,
    parse_sku_price,
    stock_totals_of,
    style_images_of,
)
from tests.conftest import shared_path

# https://api-docs.jooraccess.com/v2.0/reference/create-prices (response example)
CREATE_PRICES_ANSWER = {
    "data": [
        {
            "id": "price_id_333",
            "sku_id": "sku_id_111",
            "price_type": {
                "id": "pricetype_id_222",
                "name": "USD-1",
                "currency_code": "USD",
                "retail_currency_code": "USD",
            },
            "wholesale_value": "100.00",
            "retail_value": "200.00",
        }
    ],
    "errors": [],
}

# https://api-docs.jooraccess.com/v2.0/reference/image-delete (response example)
IMAGE_DELETE_ANSWER = {
    "style_image_deleted": {"response": "3fca0829-6c12-44ee-9300-21ff27ba4bb5"},
    "image_deleted": {
        "style_number": "Test Style 3",
        "style_identifier": "TEST STYLE 3",
        "upload_id": 4822671,
    },
}

# https://api-docs.jooraccess.com/docs/how-to-create-update-price-data (GET /skus sample, as far as the
# page shows it; the sample is cut inside the Size value, completed with the Color value's keys)
GET_SKUS_SAMPLE = {
    "data": [
        {
            "id": "MHw1NTE3MDk1fDE4MjMwODYy",
            "product_id": "3295521",
            "external_id": "nyhat0001",
            "sku_identifier": "nyhatblue001s1",
            "trait_values": [
                {
                    "trait": {"id": "U0tVVHJhaXQ6U3R5bGVDb2xvcg==", "name": "Color"},
                    "value": "Blue",
                    "external_id": "blue001",
                    "order_minimum": 0,
                    "order_nbr": 1,
                    "status": "ACTIVE",
                    "hexColor": None,
                    "swatch": None,
                    "images": None,
                },
                {
                    "trait": {"id": "U0tVVHJhaXQ6U2l6ZQ==", "name": "Size"},
                    "value": "Small",
                    "external_id": "S1",
                    "order_minimum": None,
                    "order_nbr": 1,
                    "status": "ACTIVE",
                    "hexColor": None,
                    "swatch": None,
                    "images": None,
                },
            ],
        }
    ]
}


def get_collections_example() -> dict:
    """https://api-docs.jooraccess.com/v2.0/reference/get-collections: the response example, its
    "string" placeholders for dates and ids replaced by values of their documented types."""
    return {
        "data": [
            {
                "id": "4417",
                "name": "Resort 27",
                "external_id": "RE27",
                "delivery": {
                    "start_ship_date": "2026-11-01",
                    "complete_ship_date": "2026-12-20",
                    "cancel_date": "2027-01-05",
                    "minimum_shipping_window": 0,
                },
                "season": {"id": "33615", "name": "Resort", "year": 2027, "external_id": "RE27"},
                "visibility": "OWNER",
                "items": [
                    {"product_id": "3295521", "order_number": 0, "sku_ids": ["MHw1NTE3MDk1fDE4MjMwODYy"]}
                ],
            }
        ],
        "errors": [{"status": "string", "message": "string", "details": {}}],
    }


def test_create_prices_answer():
    price = parse_sku_price(CREATE_PRICES_ANSWER["data"][0])
    assert (price.id, price.sku_id) == ("price_id_333", "sku_id_111")
    assert (price.price_type.id, price.price_type.name, price.price_type.currency_code) == (
        "pricetype_id_222",
        "USD-1",
        "USD",
    )
    assert price.wholesale_value == Decimal("100.00") and price.retail_value == Decimal("200.00")


def test_get_collections_example():
    collection = parse_collection(get_collections_example()["data"][0])
    assert collection.delivery == CollectionDelivery(
        date(2026, 11, 1), date(2026, 12, 20), date(2027, 1, 5), 0
    )
    assert not collection.delivery.immediate
    assert collection.season is not None and (collection.season.year, collection.season.external_id) == (
        2027,
        "RE27",
    )
    assert collection.visibility == "OWNER"
    assert collection.items == (CollectionItem("3295521", 0, ("MHw1NTE3MDk1fDE4MjMwODYy",)),)


def test_an_immediate_collection_has_no_ship_dates():
    raw = {"id": "1", "name": "Now", "delivery": {"start_ship_date": None, "complete_ship_date": ""}}
    assert parse_collection(raw).delivery.immediate


def test_get_skus_sample_color_has_no_images_yet():
    (color,) = parse_color_images(GET_SKUS_SAMPLE["data"])
    assert (color.product_id, color.color_code, color.color_name) == ("3295521", "blue001", "Blue")
    assert color.swatch is None and color.images == ()


def test_image_delete_answer():
    deleted = parse_image_deletion(IMAGE_DELETE_ANSWER)
    assert (deleted.style_number, deleted.style_identifier, deleted.upload_id) == (
        "Test Style 3",
        "TEST STYLE 3",
        4822671,
    )
    assert deleted.log_id == "3fca0829-6c12-44ee-9300-21ff27ba4bb5"


def test_the_v2_document_example_images_deliveries_and_stock():
    text = shared_path("reference", "joor", "v2-style-endpoint.txt").read_text(encoding="utf-8")
    start, end = text.index("<?xml"), text.index("</styles>") + len("</styles>")
    (style,) = parse_styles_page(text[start:end].encode(), fmt="xml").styles
    images = style_images_of(style)
    assert images.images == ("/img/uploads/accounts/55555/images/Test Style 1-c2bl-ap1-56.jpg",)
    assert [(c.color_code, c.swatch) for c in images.colors] == [("C1", None), ("C2", None)]
    totals = stock_totals_of(style)
    assert len(totals) == 12 and set(totals.values()) == {0}
    (delivery,) = style.deliveries
    assert (delivery.delivery_code, delivery.style_display_order) == ("S16", 25)
    assert [e.color_code for e in delivery.color_exclusions] == ["C1"]


def test_collection_writes_render_joors_request_bodies():
    # https://api-docs.jooraccess.com/v2.0/reference/create-collections (curl body) and update-collections
    write = CollectionWrite(
        name="Resort 27",
        external_id="RE27",
        season_id="33615",
        delivery=CollectionDelivery(date(2026, 11, 1), date(2026, 12, 20), None, 7),
        items=[CollectionItem("3295521", 1, ("s1", "s2")), CollectionItem("3295522")],
    )
    assert write.create_payload() == {
        "name": "Resort 27",
        "season_id": "33615",
        "delivery": {
            "start_ship_date": "2026-11-01",
            "complete_ship_date": "2026-12-20",
            "cancel_date": None,
            "minimum_shipping_window": 7,
        },
        "external_id": "RE27",
        "items": [
            {"product_id": "3295521", "order_number": 1, "sku_ids": ["s1", "s2"]},
            {"product_id": "3295522"},
        ],
    }
    update = CollectionWrite(name="Resort 27", id="4417", items=[CollectionItem("3295521", 2)])
    assert update.update_payload() == {
        "id": "4417",
        "name": "Resort 27",
        "items": [{"product_id": "3295521", "order_number": 2}],
    }
    with pytest.raises(ValueError, match="before"):
        CollectionDelivery(date(2026, 12, 20), date(2026, 11, 1)).payload()
    with pytest.raises(ValueError, match="id"):
        CollectionWrite(name="x").update_payload()


def test_asset_and_stock_records_render_the_documented_fields():
    asset = ProductAsset(
        product_id="3295521",
        type="swatch",
        filename="blue.png",
        source_url="https://cdn.example.com/blue.png",
        display_order=0,
        external_id="SW-1",
    )
    assert asset.payload() == {
        "product": {"id": "3295521"},
        "asset": {
            "type": "swatch",
            "filename": "blue.png",
            "source_url": "https://cdn.example.com/blue.png",
            "external_id": "SW-1",
        },
        "display_order": 0,
    }
    with pytest.raises(ValueError, match=".mp4"):
        ProductAsset(
            product_id="1", type="video", filename="a.mov", source_url="https://x.example/a.mov"
        ).payload()
    level = StockLevel(warehouse="Default", quantity=5, upc="5414855153715")
    assert level.item() == {"warehouse": "Default", "inventory": 5, "upc": "5414855153715"}
    with pytest.raises(ValueError, match="upc"):
        StockLevel(warehouse="Default", quantity=5, style_number="S").item()
    with pytest.raises(ValueError, match="integer"):
        StockLevel(warehouse="Default", quantity=True, upc="1").item()  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("stored", "sent", "same"),
    [
        ("/img/uploads/accounts/1/images/front-d6b591.jpg", "front.jpg", True),
        ("front_1a2b3c4d.JPG", "front.jpg", True),
        ("front.jpg", "front.jpg", True),
        ("front-2024-d6b591.png", "front-2024.png", True),
        ("front-d6b591.png", "front.jpg", False),
        ("frontal-d6b591.jpg", "front.jpg", False),
        ("back-d6b591.jpg", "front.jpg", False),
    ],
)
def test_uploaded_as(stored, sent, same):
    assert uploaded_as(stored, sent) is same


def test_money_is_sent_exact_or_refused():
    assert money_text(Decimal("53"), "x") == "53.00" and money_text("68.5", "x") == "68.50"
    for bad in ("9.999", "-1", "abc", "NaN"):
        with pytest.raises(ValueError):
            money_text(bad, "wholesale")
