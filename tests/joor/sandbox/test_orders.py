"""v2 orders: order_type and export_status filters, sync=0 preview versus sync=1 export marking."""

from __future__ import annotations

import pytest

from .conftest import client_for
from .normalize import as_list, xml_root


@pytest.fixture
def orders_sandbox(make_sandbox):
    return make_sandbox(styles=30, orders=40)


def _orders(client, **params):
    resp = client.get("/v2/order/", params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()


def _ids(doc):
    return [int(o["order_id"]) for o in as_list(doc["orders"], "order")]


def test_default_is_approved_and_shipped_and_sync_marks_exported(orders_sandbox) -> None:
    client = client_for(orders_sandbox)
    expected = sorted(
        n for n, o in orders_sandbox.catalog.orders.items() if o.status in ("APPROVED", "SHIPPED")
    )
    first = _orders(client, export_status=2, count=1000)
    assert _ids(first) == expected
    assert all(orders_sandbox.catalog.orders[n].exported_at is not None for n in expected)
    again = _orders(client, export_status=2)
    assert _ids(again) == []
    assert again["orders"] == ""
    exported = _orders(client, export_status=3, count=1000)
    assert _ids(exported) == expected


def test_sync_0_is_a_preview(orders_sandbox) -> None:
    client = client_for(orders_sandbox)
    preview = _ids(_orders(client, export_status=2, sync=0, order_type=8, count=1000))
    assert preview == sorted(orders_sandbox.catalog.orders)
    assert all(o.exported_at is None for o in orders_sandbox.catalog.orders.values())
    assert _ids(_orders(client, export_status=2, sync=0, order_type=8, count=1000)) == preview


def test_only_the_returned_page_is_marked(orders_sandbox) -> None:
    client = client_for(orders_sandbox)
    page = _orders(client, order_type=8, export_status=2, count=3)
    assert page["response"]["next_start"] == 3
    marked = {n for n, o in orders_sandbox.catalog.orders.items() if o.exported_at is not None}
    assert marked == set(_ids(page))


@pytest.mark.parametrize(
    "order_type,statuses",
    [
        (1, {"NOTES"}),
        (3, {"PENDING"}),
        (5, {"CANCELLED"}),
        (6, {"APPROVED"}),
        (7, {"SHIPPED"}),
        (4, {"NOTES", "PENDING", "APPROVED", "SHIPPED", "IN_PROGRESS"}),
    ],
)
def test_order_type_filter(orders_sandbox, order_type, statuses) -> None:
    client = client_for(orders_sandbox)
    ids = _ids(_orders(client, order_type=order_type, sync=0, count=1000))
    assert ids == sorted(n for n, o in orders_sandbox.catalog.orders.items() if o.status in statuses)


def test_modified_since_export(orders_sandbox, clock) -> None:
    client = client_for(orders_sandbox)
    _orders(client, order_type=8, count=1000)  # export everything
    assert _ids(_orders(client, order_type=8, export_status=4, sync=0)) == []
    clock.advance(10)
    order = orders_sandbox.catalog.orders[min(orders_sandbox.catalog.orders)]
    order.modified = orders_sandbox.now()
    assert _ids(_orders(client, order_type=8, export_status=4, sync=0)) == [order.number]
    assert _ids(_orders(client, order_type=8, export_status=5, sync=0)) == [order.number]


@pytest.mark.parametrize(
    "params",
    [
        {"order_type": 9},
        {"export_status": 0},
        {"sync": 2},
        {"count": "x"},
        {"date_start": "2026-01-01"},
        {"check": 4},
    ],
)
def test_bad_order_parameters(orders_sandbox, params) -> None:
    resp = client_for(orders_sandbox).get("/v2/order", params=params)
    assert resp.status_code == 400
    assert resp.json()["response"]["code"] == "400"


def test_order_by_id_and_xml(orders_sandbox) -> None:
    client = client_for(orders_sandbox, fmt="xml")
    number = min(orders_sandbox.catalog.orders)
    resp = client.get(f"/v2/order/{number}")
    assert resp.status_code == 200
    root = xml_root(resp.content)
    assert root.findtext("./orders/order/order_id") == str(number)
    assert root.findall("./orders/order/order_items/order_item")
    assert client.get("/v2/order/99999").status_code == 404


def test_default_page_size_is_50(make_sandbox) -> None:
    sb = make_sandbox(styles=30, orders=80)
    doc = _orders(client_for(sb), order_type=8, sync=0)
    assert len(as_list(doc["orders"], "order")) == 50
    assert doc["response"]["next_start"] == 50


def test_a_retailer_order_arrives_and_is_exported_once(orders_sandbox) -> None:
    client = client_for(orders_sandbox)
    _orders(client, order_type=8, count=1000)  # export what exists
    resp = client.post(
        "/_sandbox/orders",
        json={"po_number": "PO-NEW", "sku_line_items": [{"upc": "5414855153715", "quantity": 2}]},
    )
    assert resp.status_code == 201, resp.text
    assert resp.json()["status"] == "APPROVED"
    fresh = as_list(_orders(client, export_status=2)["orders"], "order")
    assert [o["po_number"] for o in fresh] == ["PO-NEW"]
    item = as_list(fresh[0]["order_items"], "order_item")[0]
    assert (item["upc"], item["quantity"], item["color_code"], item["size"]) == (
        "5414855153715",
        2,
        "C1",
        "36",
    )
    assert _ids(_orders(client, export_status=2)) == []
    refused = client.post("/_sandbox/orders", json={"sku_line_items": [{"sku_id": "nope", "quantity": 1}]})
    assert refused.status_code == 400
