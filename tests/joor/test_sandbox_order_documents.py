"""The JOOR sandbox's v2 order document carries a whole wholesale order (joorsync/joor/sandbox/
order_documents.py): field names fixed for the importer, the same in JSON and XML, figures that add
up, retailer defaults, and seeded orders that look like a brand's real order book."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import defusedxml.ElementTree as SafeET
import httpx
import pytest

from joorsync.joor.sandbox.app import JoorSandbox, SandboxConfig
from joorsync.joor.sandbox.defaults import DEFAULT_TOKEN, SEED_STYLE_ID
from joorsync.joor.sandbox.orders import MULTIPLE_DISCOUNTS
from tests.clocks import FakeClock

ORDER_FIELDS = [
    "order_id",
    "po_number",
    "order_status",
    "customer_name",
    "customer_code",
    "customer_group_name",
    "customer_group_code",
    "customer_contact_name",
    "customer_contact_email",
    "customer_contact_phone",
    "customer_buyer_name",
    "currency",
    "order_currency",
    "price_label",
    "delivery_name",
    "order_season_code",
    "order_delivery_code",
    "date_created",
    "date_modified",
    "start_ship_date",
    "complete_ship_date",
    "cancel_date",
    "billing_code",
    "billing_address",
    "shipping_code",
    "shipping_address",
    "payment_method_name",
    "payment_method_code",
    "payment_terms",
    "shipping_method_name",
    "shipping_method_code",
    "sales_representative",
    "sales_representative_code",
    "sales_representative_email",
    "warehouse_name",
    "warehouse_code",
    "tax_id_label",
    "tax_rate",
    "comments",
    "exported",
    "date_exported",
    "order_subtotal",
    "order_discount",
    "shipping_cost",
    "tax_amount",
    "order_total",
    "order_items",
]
ADDRESS_FIELDS = [
    "code",
    "company_name",
    "contact_name",
    "address_1",
    "address_2",
    "city",
    "state",
    "zip",
    "country",
    "country_code",
    "phone",
]
LINE_FIELDS = [
    "style_id",
    "style_number",
    "style_identifier",
    "style_name",
    "color_code",
    "color_name",
    "size",
    "upc",
    "sku_id",
    "quantity",
    "price_wholesale",
    "price_retail",
    "item_price",
]
CENT = Decimal("0.01")


@pytest.fixture
def sb() -> JoorSandbox:
    clock = FakeClock()
    return JoorSandbox(
        SandboxConfig(styles=30, seed=1, orders=40, rate_limit="off", clock=clock, sleep=clock.sleep)
    )


def _client(sb: JoorSandbox, fmt: str = "json") -> httpx.Client:
    return httpx.Client(
        transport=httpx.WSGITransport(app=sb),
        base_url="http://joor.test",
        headers={"Authorization": f"OAuth2 {DEFAULT_TOKEN}", "Accept": f"application/{fmt}"},
    )


def _items(node: Any) -> list[Any]:
    """A JSON list node in any of its renderings ("", {item: {...}}, {item: [...]})."""
    if node == "":
        return []
    inner = next(iter(node.values()))
    return inner if isinstance(inner, list) else [inner]


def _doc(sb: JoorSandbox, number: int) -> dict[str, Any]:
    resp = _client(sb).get(f"/v2/order/{number}")
    assert resp.status_code == 200, resp.text
    return resp.json()["orders"]["order"]


def _all_docs(sb: JoorSandbox) -> list[dict[str, Any]]:
    resp = _client(sb).get("/v2/order/", params={"sync": 0, "order_type": 8, "count": 1000})
    assert resp.status_code == 200, resp.text
    return _items(resp.json()["orders"])


def _place(sb: JoorSandbox, body: dict[str, Any]) -> dict[str, Any]:
    resp = _client(sb).post("/_sandbox/orders", json=body)
    assert resp.status_code == 201, resp.text
    return resp.json()


def _money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def _seed_sku(sb: JoorSandbox, color: str, size: str) -> str:
    return sb.catalog.styles[SEED_STYLE_ID].sku_ids[(color, size)]


# -- the document -----------------------------------------------------------------------------------


def test_an_order_document_as_the_importer_reads_it(sb) -> None:
    """One order, field for field: what `GET /v2/order` shows for a retailer's two-line order."""
    sku_c2_38 = _seed_sku(sb, "C2", "38")
    placed = _place(
        sb,
        {
            "customer_code": "BB-NY",
            "price_type_name": "EXPORT-US",
            "collection_code": "SP26-D1",
            "po_number": "BB-1001",
            "sku_line_items": [
                {"upc": "5414855153715", "quantity": 6},
                {"sku_id": sku_c2_38, "quantity": 2, "discount_percentage": 10},
            ],
            "shipping_cost": 35,
            "order_discount": "20.00",
            "comments": "Hangers required; no poly bags.",
        },
    )
    doc = _doc(sb, placed["order_id"])
    assert list(doc) == ORDER_FIELDS
    created = doc.pop("date_created")
    assert doc.pop("date_modified") == created and created.endswith("Z")
    assert doc == {
        "order_id": placed["order_id"],
        "po_number": "BB-1001",
        "order_status": "Approved",
        "customer_name": "Bleecker & Bond",
        "customer_code": "BB-NY",
        "customer_group_name": "Boutiques",
        "customer_group_code": "BTQ",
        "customer_contact_name": "Sofia Alvarez",
        "customer_contact_email": "sofia@bleeckerandbond.example",
        "customer_contact_phone": "+1 212-555-0187",
        "customer_buyer_name": "Sofia Alvarez",
        "currency": "USD",
        "order_currency": "USD",
        "price_label": "EXPORT-US",
        "delivery_name": "Spring '26 — Delivery 1",
        "order_season_code": "SP26",
        "order_delivery_code": "SP26-D1",
        "start_ship_date": "2026-01-10",
        "complete_ship_date": "2026-02-28",
        "cancel_date": "2026-03-14",
        "billing_code": "BB-NY-B",
        "billing_address": {
            "code": "BB-NY-B",
            "company_name": "Bleecker & Bond LLC",
            "contact_name": "Sofia Alvarez",
            "address_1": "350 Bleecker Street",
            "address_2": "Suite 2R",
            "city": "New York",
            "state": "NY",
            "zip": "10014",
            "country": "United States",
            "country_code": "US",
            "phone": "+1 212-555-0187",
        },
        "shipping_code": "BB-NY-S",
        "shipping_address": {
            "code": "BB-NY-S",
            "company_name": "Bleecker & Bond",
            "contact_name": "Store manager",
            "address_1": "352 Bleecker Street",
            "address_2": "",
            "city": "New York",
            "state": "NY",
            "zip": "10014",
            "country": "United States",
            "country_code": "US",
            "phone": "+1 212-555-0188",
        },
        "payment_method_name": "Credit Card",
        "payment_method_code": "CC",
        "payment_terms": "Due on receipt",
        "shipping_method_name": "UPS Ground",
        "shipping_method_code": "UPSG",
        "sales_representative": "Marcus Reed",
        "sales_representative_code": "SR-MR",
        "sales_representative_email": "marcus.reed@brand.example",
        "warehouse_name": "New York Warehouse",
        "warehouse_code": "NY",
        "tax_id_label": "",
        "tax_rate": 8.875,
        "comments": "Hangers required; no poly bags.",
        "exported": "False",
        "date_exported": "",
        "order_subtotal": 741,  # 6 × 95.00 + 2 × 85.50
        "order_discount": 20,
        "shipping_cost": 35,
        "tax_amount": 63.99,  # (741.00 − 20.00) × 8.875 % = 63.98875
        "order_total": 819.99,
        "order_items": {
            "order_item": [
                {
                    "style_id": SEED_STYLE_ID,
                    "style_number": "Test Style 1",
                    "style_identifier": "Test Style 1",
                    "style_name": "Test Style 1 sleeveless top",
                    "color_code": "C1",
                    "color_name": "Combo 1",
                    "size": "36",
                    "upc": "5414855153715",
                    "sku_id": _seed_sku(sb, "C1", "36"),
                    "quantity": 6,
                    "price_wholesale": 95,
                    "price_retail": 0,
                    "item_price": 95,
                },
                {
                    "style_id": SEED_STYLE_ID,
                    "style_number": "Test Style 1",
                    "style_identifier": "Test Style 1",
                    "style_name": "Test Style 1 sleeveless top",
                    "color_code": "C2",
                    "color_name": "Combo 2",
                    "size": "38",
                    "upc": "5414855153784",
                    "sku_id": sku_c2_38,
                    "quantity": 2,
                    "price_wholesale": 95,
                    "price_retail": 0,
                    "item_price": 85.5,
                },
            ]
        },
    }


def _xml_value(element: Any) -> Any:
    children = list(element)
    if not children:
        return element.text or ""
    if element.tag == "order_items":
        return [_xml_value(child) for child in children]
    return {child.tag: _xml_value(child) for child in children}


def _same(value: Any) -> Any:
    """One plain form for both renderings: numbers (and numeric text) as normalised Decimals."""
    if isinstance(value, dict):
        return {k: _same(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_same(v) for v in value]
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    return number.normalize() if number.is_finite() else str(value)


def test_json_and_xml_carry_the_same_orders(sb) -> None:
    json_docs = _all_docs(sb)
    resp = _client(sb, "xml").get("/v2/order/", params={"sync": 0, "order_type": 8, "count": 1000})
    root = SafeET.fromstring(resp.content)
    xml_docs = [_xml_value(order) for order in root.findall("./orders/order")]
    assert len(json_docs) == len(xml_docs) == len(sb.catalog.orders)
    for json_doc, xml_doc in zip(json_docs, xml_docs, strict=True):
        assert list(xml_doc) == ORDER_FIELDS
        json_doc = {**json_doc, "order_items": _items(json_doc["order_items"])}
        assert _same(json_doc) == _same(xml_doc)
    taxed = next(o for o in root.findall("./orders/order") if o.findtext("tax_rate"))
    assert taxed.findtext("tax_rate") == "8.875"  # a rate keeps its decimals in XML too
    assert taxed.findtext("shipping_address/country_code") == "US"
    assert len(taxed.findtext("order_total").split(".")[1]) == 2


def test_every_seeded_order_adds_up(sb) -> None:
    for doc in _all_docs(sb):
        lines = _items(doc["order_items"])
        assert lines, doc["order_id"]
        for line in lines:
            assert list(line) == LINE_FIELDS
            assert _money(line["item_price"]) <= _money(line["price_wholesale"])
        subtotal = sum((_money(line["item_price"]) * int(line["quantity"]) for line in lines), Decimal(0))
        assert _money(doc["order_subtotal"]) == subtotal
        discount, shipping = _money(doc["order_discount"]), _money(doc["shipping_cost"])
        if doc["tax_rate"] == "":
            assert _money(doc["tax_amount"]) == 0
        else:
            rate = Decimal(str(doc["tax_rate"]))
            expected = ((subtotal - discount) * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)
            assert _money(doc["tax_amount"]) == expected
        assert _money(doc["order_total"]) == subtotal - discount + shipping + _money(doc["tax_amount"])
        assert doc["currency"] == doc["order_currency"] != ""
        assert doc["billing_code"] == doc["billing_address"]["code"]
        assert doc["shipping_code"] == doc["shipping_address"]["code"]
        assert list(doc["billing_address"]) == ADDRESS_FIELDS == list(doc["shipping_address"])


def test_seeded_orders_look_like_a_brands_order_book(sb) -> None:
    catalog = sb.catalog
    statuses = [o.status for o in catalog.orders.values()]
    assert statuses.count("SHIPPED") == 1
    assert statuses.count("APPROVED") > len(statuses) / 2
    assert statuses.count("PENDING") >= 3
    countries = set()
    for order in catalog.orders.values():
        assert order.customer_contact_email and "@" in order.customer_contact_email
        assert order.payment_method_code and order.payment_terms and order.shipping_method_code
        assert order.sales_representative_code and order.sales_representative_email
        assert (order.warehouse_code, order.warehouse_name) in catalog.warehouses.items()
        assert order.order_season_code and order.order_delivery_code and order.cancel_date
        assert order.start_ship_date and order.complete_ship_date
        assert order.start_ship_date <= order.complete_ship_date <= order.cancel_date
        for address in (order.billing_address, order.shipping_address):
            assert address and address.address_1 and address.city and address.zip and address.country
            assert address.country_code and len(address.country_code) == 2
            countries.add(address.country_code)
        for line in order.lines:
            found = catalog.find_sku(line.sku_id)
            assert found is not None and found[0].style_id == line.style_id
            assert line.upc and catalog.find_upc(line.upc) is not None
            assert catalog.find_upc(line.upc)[1]["sku_color_code"] == line.color_code
            assert line.quantity > 0
    assert {"US", "GB", "FR"} <= countries
    assert any(line.price < line.wholesale_price for o in catalog.orders.values() for line in o.lines)
    assert any(o.order_discount > 0 for o in catalog.orders.values())
    assert any(o.tax_rate is not None for o in catalog.orders.values())
    assert catalog.warehouses == {"NY": "New York Warehouse", "LA": "Los Angeles Warehouse"}


def test_the_seed_is_deterministic() -> None:
    def book() -> list[Any]:
        clock = FakeClock()
        sandbox = JoorSandbox(SandboxConfig(styles=20, seed=7, orders=15, clock=clock, sleep=clock.sleep))
        return [
            (o.number, o.status, o.customer_code, o.shipping_cost, o.lines)
            for o in sandbox.catalog.orders.values()
        ]

    assert book() == book()


# -- defaults and overrides -------------------------------------------------------------------------


def test_a_placed_order_takes_its_retailers_defaults_and_explicit_values_win(sb) -> None:
    upc = {"upc": "5414855153715", "quantity": 1}
    plain = _doc(sb, _place(sb, {"customer_code": "LIB-11", "sku_line_items": [upc]})["order_id"])
    assert plain["customer_contact_name"] == "Oliver Hughes"
    assert (
        plain["shipping_address"]["country_code"] == "GB"
        and plain["shipping_address"]["state"] == "Middlesex"
    )
    assert plain["billing_address"]["state"] == ""  # no state in a UK address
    assert (plain["payment_terms"], plain["warehouse_code"], plain["tax_rate"]) == ("Net 30", "NY", "")
    assert plain["tax_id_label"] == "VAT GB 000 0000 00"
    assert plain["order_delivery_code"] == plain["order_season_code"] == ""  # no collection
    own = _doc(
        sb,
        _place(
            sb,
            {
                "customer_code": "LIB-11",
                "sku_line_items": [upc],
                "customer_contact_name": "Ava Green",
                "customer_contact_email": None,  # null: the retailer's
                "customer_buyer_name": "",  # "": left empty
                "shipping_address": {
                    "company_name": "Liberty Pop-up",
                    "address_1": "1 Carnaby St",
                    "city": "London",
                    "zip": "W1F 9PS",
                    "country": "United Kingdom",
                    "country_code": "GB",
                },
                "shipping_code": "LIB-POP",
                "warehouse_code": "LA",
                "payment_terms": "Net 45",
                "tax_rate": 20,
                "tax_id_label": "VAT GB 000 0000 00",
                "start_ship_date": "2026-05-01",
                "complete_ship_date": "2026-05-31",
                "cancel_date": "2026-06-15",
                "order_season_code": "SS26",
            },
        )["order_id"],
    )
    assert own["customer_contact_name"] == "Ava Green"
    assert own["customer_contact_email"] == "oliver.hughes@libertylondon.example"
    assert own["customer_buyer_name"] == ""
    assert own["shipping_code"] == own["shipping_address"]["code"] == "LIB-POP"
    assert own["shipping_address"]["phone"] == ""
    assert own["billing_address"]["code"] == "LIB-11-B"
    assert (own["warehouse_code"], own["warehouse_name"]) == ("LA", "Los Angeles Warehouse")
    assert (own["payment_terms"], own["tax_rate"], own["order_season_code"]) == ("Net 45", 20, "SS26")
    assert (own["start_ship_date"], own["complete_ship_date"], own["cancel_date"]) == (
        "2026-05-01",
        "2026-05-31",
        "2026-06-15",
    )
    assert _money(own["tax_amount"]) == (_money(own["order_subtotal"]) * Decimal("0.2")).quantize(CENT)


def test_a_fixed_tax_amount_wins_over_the_rate(sb) -> None:
    placed = _place(
        sb,
        {
            "customer_code": "BB-NY",
            "sku_line_items": [{"upc": "5414855153715", "quantity": 1}],
            "tax_amount": "1.23",
        },
    )
    doc = _doc(sb, placed["order_id"])
    assert (doc["tax_rate"], _money(doc["tax_amount"])) == (8.875, Decimal("1.23"))
    assert _money(doc["order_total"]) == _money(doc["order_subtotal"]) + Decimal("1.23")


@pytest.mark.parametrize(
    "discount,item_price",
    [({"item_price": "80"}, 80), ({"discount_amount": 15}, 80), ({"discount_percentage": 20}, 76), ({}, 95)],
)
def test_line_discounts_give_the_item_price(sb, discount, item_price) -> None:
    """JOOR's three discount fields [https://api-docs.jooraccess.com/reference/add-new-item]."""
    placed = _place(
        sb,
        {
            "price_type_name": "EXPORT-US",
            "sku_line_items": [{"upc": "5414855153715", "quantity": 3, **discount}],
        },
    )
    (line,) = _items(_doc(sb, placed["order_id"])["order_items"])
    assert (line["price_wholesale"], line["item_price"]) == (95, item_price)
    assert _money(_doc(sb, placed["order_id"])["order_subtotal"]) == 3 * item_price


def test_more_than_one_discount_is_refused_with_jooRs_text(sb) -> None:
    resp = _client(sb).post(
        "/_sandbox/orders",
        json={
            "sku_line_items": [{"upc": "5414855153715", "quantity": 1, "item_price": 5, "discount_amount": 1}]
        },
    )
    assert resp.status_code == 400 and MULTIPLE_DISCOUNTS in resp.json()["error"]


def test_v4_keeps_jooRs_order_object_and_shows_the_item_price(sb) -> None:
    """JOOR's v4 order is exactly {id, retailer_id, price_type_id, collection_id, status}
    [https://api-docs.jooraccess.com/v2.0/reference/get-orders-1], whatever the v2 document adds."""
    placed = _place(
        sb,
        {
            "price_type_name": "EXPORT-US",
            "sku_line_items": [{"upc": "5414855153715", "quantity": 3, "discount_percentage": 10}],
        },
    )
    token = (
        httpx.Client(transport=httpx.WSGITransport(app=sb), base_url="http://joor.test")
        .post(
            "/auth/",
            data={
                "client_id": sb.config.client_id,
                "client_secret": sb.config.client_secret,
                "grant_type": "password",
                "username": sb.config.username,
                "password": sb.config.password,
            },
        )
        .json()["access_token"]
    )
    v4 = httpx.Client(
        transport=httpx.WSGITransport(app=sb),
        base_url="http://joor.test",
        headers={"Authorization": f"Bearer {token}"},
        params={"account": sb.config.account_id},
    )
    orders = v4.get("/v4/orders").json()["data"]
    assert orders and all(
        set(o) == {"id", "retailer_id", "price_type_id", "collection_id", "status"} for o in orders
    )
    (line,) = v4.get("/v4/orders/sku_line_items", params={"order_ids": placed["id"]}).json()["data"]
    assert line["line_item_sku"]["wholesale_price"] == 85.5 and line["quantity"] == 3
