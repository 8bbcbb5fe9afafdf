"""Reading JOOR order documents: every name a source uses, and problems instead of guesses."""

from __future__ import annotations

from decimal import Decimal

from joorsync.orders.joor_documents import WholesaleOrder, parse_v2_order

SANDBOX_SHAPE = {
    "order_id": 1001,
    "po_number": "PO-77",
    "order_status": "Approved",
    "customer_name": "Harbour Boutique",
    "customer_code": "HB01",
    "customer_contact_email": "Buyer@Harbour.example",
    "customer_contact_name": "Ana Lima",
    "currency": "USD",
    "date_created": "2026-11-20T10:00:00Z",
    "date_modified": "2026-11-21T10:00:00Z",
    "start_ship_date": "2027-01-15",
    "complete_ship_date": "2027-02-15",
    "shipping_address": {
        "address_1": "1 Pier St",
        "city": "Boston",
        "state": "MA",
        "zip": "02110",
        "country": "United States",
        "country_code": "us",
    },
    "order_discount": "10.00",
    "shipping_cost": "25",
    "tax_amount": "0.00",
    "tax_rate": 8.875,
    "order_total": "815.00",
    "order_items": {
        "order_item": [
            {
                "style_id": 5,
                "style_number": "S-5",
                "color_code": "NVY",
                "size": "M",
                "upc": "0001",
                "quantity": 4,
                "price_wholesale": "100.00",
            },
            {
                "style_id": 5,
                "style_number": "S-5",
                "color_code": "NVY",
                "size": "L",
                "upc": "0002",
                "quantity": "4",
                "price_wholesale": 100,
                "item_price": "100.00",
            },
        ]
    },
}


def test_sandbox_shape_is_read_whole() -> None:
    order = parse_v2_order(SANDBOX_SHAPE)
    assert order.problems == ()
    assert (order.order_id, order.status, order.po_number, order.currency) == (
        "1001",
        "APPROVED",
        "PO-77",
        "USD",
    )
    assert order.email == "buyer@harbour.example"
    assert order.shipping is not None and order.shipping.usable and order.shipping.country_code == "US"
    assert order.billing is None
    assert [line.quantity for line in order.lines] == [4, 4]
    assert order.lines[0].unit_price == Decimal("100.00")
    assert (order.discount, order.shipping_cost, order.total) == (
        Decimal("10.00"),
        Decimal("25.00"),
        Decimal("815.00"),
    )
    assert order.units == 8
    assert order.tax_rate == Decimal("8.875")
    assert order.start_ship_date == "2027-01-15"


def test_public_client_names_are_read_too() -> None:
    """sonicinvoice's names (docs/joor-api/clients.md §17): a list of line_items, quantity_ordered, size_name."""
    order = parse_v2_order(
        {
            "order_id": "77",
            "order_status": "Shipped",
            "order_currency": "eur",
            "retailer": {"customer_name": "Maison", "customer_code": "M1"},
            "line_items": [
                {
                    "style_number": "A",
                    "color_code": "BLK",
                    "size_name": "36",
                    "quantity_ordered": 2,
                    "price_wholesale": "50",
                }
            ],
        }
    )
    assert (order.status, order.currency, order.retailer_code, order.retailer_name) == (
        "SHIPPED",
        "EUR",
        "M1",
        "Maison",
    )
    assert order.lines[0].size == "36" and order.lines[0].quantity == 2


def test_a_single_line_as_an_object() -> None:
    doc = dict(SANDBOX_SHAPE, order_items={"order_item": SANDBOX_SHAPE["order_items"]["order_item"][0]})
    assert len(parse_v2_order(doc).lines) == 1


def test_bad_values_become_problems_not_guesses() -> None:
    order = parse_v2_order(
        {
            "order_id": "9",
            "order_status": "Approved",
            "currency": "US Dollars",
            "order_discount": "lots",
            "order_items": [
                {"upc": "1", "quantity": "-2", "price_wholesale": "1"},
                {"upc": "2", "quantity": 1, "price_wholesale": "NaN"},
            ],
        }
    )
    text = " | ".join(order.problems)
    assert "currency" in text and "order discount" in text
    assert "line 1 has no usable quantity" in text
    assert "line 2 price is not a usable amount" in text
    assert order.currency == ""


def test_hostile_nesting_is_refused_quietly() -> None:
    order = parse_v2_order({"order_id": {"x": 1}, "order_items": "<script>", "shipping_address": ["x"]})
    assert "the order has no order_id" in order.problems
    assert order.shipping is None


def test_round_trip_and_fingerprint() -> None:
    order = parse_v2_order(SANDBOX_SHAPE)
    again = WholesaleOrder.from_json(order.as_json())
    assert again == order
    assert again.fingerprint() == order.fingerprint()
    touched = parse_v2_order(dict(SANDBOX_SHAPE, date_modified="2026-11-22T10:00:00Z"))
    assert touched.fingerprint() == order.fingerprint()  # bookkeeping alone is no change
    edited = parse_v2_order(dict(SANDBOX_SHAPE, po_number="PO-78"))
    assert edited.fingerprint() != order.fingerprint()


def test_only_skus_quantities_and_money_make_a_replacement() -> None:
    order = parse_v2_order(SANDBOX_SHAPE)
    items = SANDBOX_SHAPE["order_items"]["order_item"]
    renamed = [dict(items[0], style_name="Renamed in JOOR", color_name="Navy"), items[1]]
    same_goods = [
        dict(SANDBOX_SHAPE, po_number="PO-99", comments="dock 4"),
        dict(SANDBOX_SHAPE, order_items={"order_item": renamed}),
        dict(SANDBOX_SHAPE, order_items={"order_item": list(reversed(items))}),
        dict(SANDBOX_SHAPE, order_status="Shipped"),
    ]
    for doc in same_goods:
        assert parse_v2_order(doc).goods_fingerprint() == order.goods_fingerprint(), doc
    other_goods = [
        dict(SANDBOX_SHAPE, order_items={"order_item": [dict(items[0], quantity=5), items[1]]}),
        dict(SANDBOX_SHAPE, order_items={"order_item": [dict(items[0], item_price="90.00"), items[1]]}),
        dict(SANDBOX_SHAPE, order_items={"order_item": items[:1]}),
        dict(SANDBOX_SHAPE, shipping_cost="30"),
        dict(SANDBOX_SHAPE, currency="EUR"),
    ]
    for doc in other_goods:
        assert parse_v2_order(doc).goods_fingerprint() != order.goods_fingerprint(), doc


def test_an_amount_absent_or_zero_is_the_same_order() -> None:
    absent = {k: v for k, v in SANDBOX_SHAPE.items() if k not in ("order_discount", "shipping_cost")}
    zero = dict(absent, order_discount="0.00", shipping_cost=0)
    assert parse_v2_order(absent).fingerprint() == parse_v2_order(zero).fingerprint()
    assert (
        parse_v2_order(dict(SANDBOX_SHAPE, tax_rate="8.8750")).goods_fingerprint()
        == parse_v2_order(SANDBOX_SHAPE).goods_fingerprint()
    )
