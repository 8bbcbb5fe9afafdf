"""Orders, against docs/joor-api/orders.md: v2 export (sync/export_status/check defaults, Failed
exports, filters, marking), v4 orders and SKU line items (ids, object shapes, statuses, write rules)."""

from __future__ import annotations

import httpx
import pytest

from joorsync.joor.sandbox.defaults import COLOR_TRAIT_ID, SEED_STYLE_ID, SIZE_TRAIT_ID
from joorsync.joor.sandbox.orders import DELIVERY_WINDOW_BOTH, MULTIPLE_DISCOUNTS

from .conftest import ACCOUNT, client_for, login
from .normalize import as_list, xml_root


@pytest.fixture
def orders_sandbox(make_sandbox):
    return make_sandbox(styles=30, orders=40)


@pytest.fixture
def v4(orders_sandbox) -> httpx.Client:
    token = login(orders_sandbox)["access_token"]
    return httpx.Client(
        transport=httpx.WSGITransport(app=orders_sandbox),
        base_url="http://joor.test",
        headers={"Authorization": f"Bearer {token}"},
        params=ACCOUNT,
    )


def _orders(client, **params):
    resp = client.get("/v2/order/", params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()


def _ids(doc):
    return [int(o["order_id"]) for o in as_list(doc["orders"], "order")]


def _numbers(sb, statuses, **where):
    return sorted(
        n
        for n, o in sb.catalog.orders.items()
        if o.status in statuses and all(getattr(o, k) == v for k, v in where.items())
    )


# -- v2: defaults and export marking --------------------------------------------------------------


def test_defaults_sync_1_export_status_2_and_sync_marks_exported(orders_sandbox) -> None:
    client = client_for(orders_sandbox)
    expected = _numbers(orders_sandbox, {"APPROVED", "SHIPPED"})
    first = _orders(client, count=1000)  # sync=1, export_status=2, check=1, order_type=2
    assert _ids(first) == expected
    assert all(orders_sandbox.catalog.orders[n].exported_at is not None for n in expected)
    again = _orders(client)
    assert _ids(again) == []
    assert again["orders"] == ""
    assert _ids(_orders(client, export_status=3, count=1000, sync=0)) == expected


def test_sync_0_defaults_to_export_status_1(orders_sandbox) -> None:
    client = client_for(orders_sandbox)
    _orders(client, count=3)  # exports three orders
    everything = _ids(_orders(client, sync=0, order_type=8, count=1000))
    assert everything == sorted(orders_sandbox.catalog.orders)


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


def test_explicit_export_status_wins_over_the_sync_default(orders_sandbox) -> None:
    client = client_for(orders_sandbox)
    _orders(client, order_type=8, count=1000)
    assert _ids(_orders(client, order_type=8, export_status=1, count=1000)) == sorted(
        orders_sandbox.catalog.orders
    )


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
    assert ids == _numbers(orders_sandbox, statuses)


def test_customer_code_and_group_filters(orders_sandbox) -> None:
    client = client_for(orders_sandbox)
    boutiques = _ids(_orders(client, sync=0, order_type=8, count=1000, customer_group_name="Boutiques"))
    all_statuses = {o.status for o in orders_sandbox.catalog.orders.values()}
    assert boutiques == _numbers(orders_sandbox, all_statuses, customer_group_name="Boutiques")
    assert boutiques and len(boutiques) < len(orders_sandbox.catalog.orders)
    doc = _orders(client, sync=0, order_type=8, count=1, customer_group_name="Boutiques")
    assert as_list(doc["orders"], "order")[0]["customer_group_name"] == "Boutiques"
    code = orders_sandbox.catalog.orders[boutiques[0]].customer_code
    by_code = _ids(_orders(client, sync=0, order_type=8, count=1000, customer_code=code))
    assert by_code and all(orders_sandbox.catalog.orders[n].customer_code == code for n in by_code)
    assert _ids(_orders(client, sync=0, order_type=8, customer_group_name="Nobody")) == []


def test_unknown_parameters_are_ignored(orders_sandbox) -> None:
    """sonicinvoice's `start` and `order_id` (clients.md §3) are not JOOR parameters."""
    client = client_for(orders_sandbox)
    plain = _ids(_orders(client, sync=0, order_type=6, count=2))
    assert _ids(_orders(client, sync=0, order_type=6, count=2, start=2)) == plain
    wanted = _numbers(orders_sandbox, {"APPROVED"})[-1]
    marked = _ids(_orders(client, sync=1, order_type=6, count=1, order_id=wanted))
    assert marked == [plain[0]] != [wanted]


def test_modified_since_export(orders_sandbox, clock) -> None:
    client = client_for(orders_sandbox)
    _orders(client, order_type=8, count=1000)  # export everything
    assert _ids(_orders(client, order_type=8, export_status=4, sync=0)) == []
    clock.advance(10)
    order = orders_sandbox.catalog.orders[min(orders_sandbox.catalog.orders)]
    order.modified = orders_sandbox.now()
    assert _ids(_orders(client, order_type=8, export_status=4, sync=0)) == [order.number]
    assert _ids(_orders(client, order_type=8, export_status=5, sync=0)) == [order.number]
    assert _ids(_orders(client, order_type=8, export_status=4)) == [order.number]  # sync=1 re-exports
    assert _ids(_orders(client, order_type=8, export_status=4, sync=0)) == []


# -- v2: Failed exports ---------------------------------------------------------------------------


def _mark_missing(sb, number, fields):
    resp = client_for(sb).post(f"/_sandbox/orders/{number}/missing-export-fields", json={"fields": fields})
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_missing_export_fields_fail_the_export_under_check_1(orders_sandbox) -> None:
    client = client_for(orders_sandbox)
    approved = _numbers(orders_sandbox, {"APPROVED", "SHIPPED"})
    failing = approved[1]
    view = _mark_missing(orders_sandbox, failing, ["billing_code", "warehouse_code"])
    assert view["missing_export_fields"] == ["billing_code", "warehouse_code"]
    exported = _ids(_orders(client, count=1000))  # sync=1 → check=1
    assert exported == [n for n in approved if n != failing]
    order = orders_sandbox.catalog.orders[failing]
    assert order.exported_at is None and order.export_failed
    assert "billing_code" in order.export_failure
    # 2 and 5 include failed orders, 6 and 7 leave them out
    assert _ids(_orders(client, sync=0, export_status=2, count=1000)) == [failing]
    assert _ids(_orders(client, sync=0, export_status=5, count=1000)) == [failing]
    assert _ids(_orders(client, sync=0, export_status=6, count=1000)) == []
    assert _ids(_orders(client, sync=0, export_status=7, count=1000)) == []
    assert failing not in _ids(_orders(client, sync=0, export_status=3, count=1000))
    # still failing on the next sync; exported once the fields are there
    assert _ids(_orders(client)) == []
    _mark_missing(orders_sandbox, failing, [])
    assert _ids(_orders(client)) == [failing]
    assert not order.export_failed and order.exported_at is not None


def test_check_0_and_sync_0_do_not_fail_exports(orders_sandbox) -> None:
    client = client_for(orders_sandbox)
    failing = _numbers(orders_sandbox, {"APPROVED", "SHIPPED"})[0]
    _mark_missing(orders_sandbox, failing, ["billing_code"])
    assert failing in _ids(_orders(client, sync=0, check=1, count=1000))
    assert not orders_sandbox.catalog.orders[failing].export_failed
    assert failing in _ids(_orders(client, check=0, count=1000))
    assert orders_sandbox.catalog.orders[failing].exported_at is not None


def test_check_2_fails_orders_of_deleted_styles(orders_sandbox) -> None:
    client = client_for(orders_sandbox)
    number = _numbers(orders_sandbox, {"APPROVED", "SHIPPED"})[0]
    order = orders_sandbox.catalog.orders[number]
    style = orders_sandbox.catalog.styles.pop(order.lines[0].style_id)
    orders_sandbox.catalog.touch(style)
    assert number in _ids(_orders(client, sync=0, check=2, count=1000))  # a preview fails nothing
    assert number not in _ids(_orders(client, check=2, count=1000))
    assert order.export_failed and "deleted" in order.export_failure
    assert order.exported_at is None
    assert number in _ids(_orders(client, check=1, count=1000))  # check 1 ignores deleted styles


def test_missing_export_fields_on_a_placed_order_and_unknown_order(orders_sandbox) -> None:
    client = client_for(orders_sandbox)
    _orders(client, order_type=8, count=1000)
    placed = client.post(
        "/_sandbox/orders",
        json={
            "sku_line_items": [{"upc": "5414855153715", "quantity": 1}],
            "missing_export_fields": ["billing_code"],
        },
    ).json()
    assert _ids(_orders(client)) == []
    assert orders_sandbox.catalog.orders[placed["order_id"]].export_failed
    assert client.post("/_sandbox/orders/99999/missing-export-fields", json={"fields": []}).status_code == 404
    assert (
        client.post(f"/_sandbox/orders/{placed['order_id']}/missing-export-fields", json={}).status_code
        == 400
    )


# -- v2: parameters and shapes --------------------------------------------------------------------


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
    assert orders_sandbox.catalog.orders[number].exported_at is None


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
    fresh = as_list(_orders(client)["orders"], "order")
    assert [o["po_number"] for o in fresh] == ["PO-NEW"]
    item = as_list(fresh[0]["order_items"], "order_item")[0]
    assert (item["upc"], item["quantity"], item["color_code"], item["size"]) == (
        "5414855153715",
        2,
        "C1",
        "36",
    )
    assert _ids(_orders(client)) == []
    refused = client.post("/_sandbox/orders", json={"sku_line_items": [{"sku_id": "nope", "quantity": 1}]})
    assert refused.status_code == 400


def test_a_shipped_order_can_be_placed_and_reads_approved_in_v4(orders_sandbox, v4) -> None:
    placed = client_for(orders_sandbox).post("/_sandbox/orders", json={"status": "SHIPPED"}).json()
    assert placed["stored_status"] == "SHIPPED" and placed["status"] == "APPROVED"
    assert placed["order_id"] in _ids(_orders(client_for(orders_sandbox), sync=0, order_type=7, count=1000))
    got = v4.get("/v4/orders", params={"order_ids": placed["id"]}).json()["data"]
    assert got == [{k: placed[k] for k in ("id", "retailer_id", "price_type_id", "collection_id", "status")}]


# -- v4 orders ------------------------------------------------------------------------------------


def _refs(sb):
    catalog = sb.catalog
    retailer = next(iter(catalog.retailers.values()))
    price_type = next(pt for pt in catalog.price_types.values() if pt.name == "EXPORT-US")
    collection = next(c for c in catalog.collections.values() if c.code == "SP26-D1")
    return retailer, price_type, collection


def _new_order(v4, sb, **overrides):
    retailer, price_type, collection = _refs(sb)
    item = {
        "retailer_id": retailer.id,
        "price_type_id": price_type.id,
        "collection_id": collection.id,
        "status": "IN_PROGRESS",
        **overrides,
    }
    resp = v4.post("/v4/orders/bulk_create", json=[item]).json()
    assert resp["errors"] == [], resp
    return resp["data"][0]


def test_v4_ids_are_the_v2_order_ids_and_the_object_is_jooRs(orders_sandbox, v4) -> None:
    data = v4.get("/v4/orders").json()
    assert set(data) == {"data", "errors"} and data["errors"] == []  # no invented meta
    by_id = {o["id"]: o for o in data["data"]}
    assert set(by_id) == {str(n) for n in orders_sandbox.catalog.orders}
    for order in data["data"]:
        assert set(order) == {"id", "retailer_id", "price_type_id", "collection_id", "status"}
        assert order["id"].isdigit() and order["retailer_id"].isdigit()
        assert order["status"] in ("IN_PROGRESS", "NOTES", "PENDING", "APPROVED", "CANCELLED")
    shipped = _numbers(orders_sandbox, {"SHIPPED"})[0]
    assert by_id[str(shipped)]["status"] == "APPROVED"
    v2_id = _ids(_orders(client_for(orders_sandbox), sync=0, count=1))[0]
    picked = v4.get("/v4/orders", params={"order_ids": f"{v2_id},99999"}).json()["data"]
    assert [o["id"] for o in picked] == [str(v2_id)]


def test_v4_order_list_tolerances(orders_sandbox, v4) -> None:
    """viveren's status / page / page_size: code-only tolerances (orders.md §4)."""
    approved = v4.get("/v4/orders", params={"status": "APPROVED"}).json()["data"]
    assert {o["id"] for o in approved} == {str(n) for n in _numbers(orders_sandbox, {"APPROVED", "SHIPPED"})}
    page2 = v4.get("/v4/orders", params={"page": 2, "page_size": 5}).json()
    assert [o["id"] for o in page2["data"]] == [str(n) for n in sorted(orders_sandbox.catalog.orders)[5:10]]
    assert "meta" not in page2
    assert v4.get("/v4/orders", params={"status": "SHIPPED"}).status_code == 400
    assert v4.get("/v4/orders", params={"sort_by": "id", "date_approved_start": "x"}).status_code == 200


def test_v4_create_requires_jooRs_fields(orders_sandbox, v4) -> None:
    retailer, price_type, collection = _refs(orders_sandbox)
    full = {
        "retailer_id": retailer.id,
        "price_type_id": price_type.id,
        "collection_id": collection.id,
        "status": "PENDING",
    }
    items = [{**full, "sku_line_items": [{"sku_id": "x", "quantity": 1}], "po_number": "PO-1"}]
    for missing in ("retailer_id", "price_type_id", "collection_id", "status"):
        items.append({k: v for k, v in full.items() if k != missing})
    items.append({**full, "status": "SHIPPED"})
    items.append({**full, "retailer_id": "nope"})
    resp = v4.post("/v4/orders/bulk_create", json=items).json()
    assert len(resp["data"]) == 1
    created = resp["data"][0]
    assert created == {**full, "id": created["id"]}
    order = orders_sandbox.catalog.orders[int(created["id"])]
    assert order.lines == [] and order.po_number != "PO-1"  # public create takes no lines, no PO
    assert (order.start_ship_date, order.complete_ship_date) == (
        collection.date_delivery_start,
        collection.date_delivery_end,
    )
    errors = {e["details"]["index"]: e for e in resp["errors"]}
    assert sorted(errors) == [1, 2, 3, 4, 5, 6]
    assert all(e["status"] == "INVALID" for e in errors.values())
    assert "retailer_id is required" in errors[1]["message"]
    assert "status must be one of" in errors[5]["message"]


def test_v4_create_with_viverens_references(orders_sandbox, v4) -> None:
    retailer, price_type, collection = _refs(orders_sandbox)
    resp = v4.post(
        "/v4/orders/bulk_create",
        json=[
            {
                "customer_code": retailer.code,
                "price_type_name": price_type.name,
                "collection_code": collection.code,
                "status": "IN_PROGRESS",
                "comments": "ignored",
                "warehouse": {"code": "W1"},
            },
            {
                "customer_id": retailer.id,
                "price_type_id": price_type.id,
                "collection_id": collection.id,
                "status": "NOTES",
            },
        ],
    ).json()
    assert resp["errors"] == []
    assert [(o["retailer_id"], o["price_type_id"], o["collection_id"]) for o in resp["data"]] == [
        (retailer.id, price_type.id, collection.id)
    ] * 2


@pytest.mark.parametrize(
    "window,message",
    [
        ({"delivery_window_start": "2026-03-01"}, DELIVERY_WINDOW_BOTH),
        ({"delivery_window_end": "2026-03-01"}, DELIVERY_WINDOW_BOTH),
        (
            {"delivery_window_start": "2026-03-02", "delivery_window_end": "2026-03-01"},
            "Delivery window start: 2026-03-02 is later than end: 2026-03-01",
        ),
        ({"delivery_window_start": "03/01/2026", "delivery_window_end": "2026-03-05"}, "YYYY-MM-DD"),
    ],
)
def test_v4_create_delivery_window_errors(orders_sandbox, v4, window, message) -> None:
    retailer, price_type, collection = _refs(orders_sandbox)
    item = {"retailer_id": retailer.id, "price_type_id": price_type.id, "collection_id": collection.id}
    resp = v4.post("/v4/orders/bulk_create", json=[{**item, "status": "IN_PROGRESS", **window}]).json()
    assert resp["data"] == []
    assert message in resp["errors"][0]["message"]


def test_v4_create_delivery_window(orders_sandbox, v4) -> None:
    created = _new_order(
        v4, orders_sandbox, delivery_window_start="2026-03-01", delivery_window_end="2026-03-01"
    )
    order = orders_sandbox.catalog.orders[int(created["id"])]
    assert str(order.start_ship_date) == str(order.complete_ship_date) == "2026-03-01"


def test_v4_update_rules(orders_sandbox, v4) -> None:
    order = _new_order(v4, orders_sandbox)
    sku = orders_sandbox.catalog.styles[SEED_STYLE_ID].sku_ids[("C1", "36")]
    v4.post(
        "/v4/orders/sku_line_items/bulk_create",
        json=[{"order_id": order["id"], "sku_id": sku, "quantity": 0}],
    )
    resp = v4.post(
        "/v4/orders/bulk_update",
        json=[
            {"id": order["id"]},  # no status
            {"id": order["id"], "status": "SHIPPED"},
            {"id": order["id"], "status": "PENDING"},  # an item has 0 units
            {"id": order["id"], "status": "NOTES", "integration_status": "DONE"},
            {"id": "99999", "status": "NOTES"},
            {"status": "NOTES"},
            {"id": order["id"], "status": "NOTES", "integration_status": "SUCCESS"},
            {"id": order["id"], "status": "IN_PROGRESS"},
        ],
    ).json()
    assert resp["data"] == [{**order, "status": "NOTES"}]
    statuses = [(e["details"]["index"], e["status"]) for e in resp["errors"]]
    assert statuses == [
        (0, "INVALID"),
        (1, "INVALID"),
        (2, "INVALID"),
        (3, "INVALID"),
        (4, "NOT_FOUND"),
        (5, "INVALID"),
        (7, "INVALID"),
    ]
    assert "at least one unit" in resp["errors"][2]["message"]
    assert "IN_PROGRESS" in resp["errors"][6]["message"]
    assert orders_sandbox.catalog.orders[int(order["id"])].integration_status == "SUCCESS"


def test_shipped_order_update_keeps_it_shipped_on_approved(orders_sandbox, v4) -> None:
    shipped = str(_numbers(orders_sandbox, {"SHIPPED"})[0])
    resp = v4.post("/v4/orders/bulk_update", json=[{"id": shipped, "status": "APPROVED"}]).json()
    assert resp["data"][0]["status"] == "APPROVED"
    assert orders_sandbox.catalog.orders[int(shipped)].status == "SHIPPED"
    cancelled = v4.post("/v4/orders/bulk_update", json=[{"id": shipped, "status": "CANCELLED"}]).json()
    assert cancelled["data"][0]["status"] == "CANCELLED"


# -- v4 line items --------------------------------------------------------------------------------


def test_line_items_shape_and_filters(orders_sandbox, v4) -> None:
    catalog = orders_sandbox.catalog
    everything = v4.get("/v4/orders/sku_line_items", params={"page_size": 500}).json()  # no filter: all
    assert set(everything) == {"data", "errors"}
    assert len(everything["data"]) == sum(len(o.lines) for o in catalog.orders.values())
    number = min(catalog.orders)
    order = catalog.orders[number]
    rows = v4.get("/v4/orders/sku_line_items", params={"order_ids": str(number)}).json()["data"]
    assert [r["id"] for r in rows] == [line.id for line in order.lines]
    row, line = rows[0], order.lines[0]
    style = catalog.styles[line.style_id]
    assert set(row) == {"id", "order_id", "line_item_sku", "quantity"}
    assert row["order_id"] == str(number) and row["quantity"] == line.quantity
    sku = row["line_item_sku"]
    assert set(sku) == {"original_id", "product", "wholesale_price", "suggested_retail_price", "trait_values"}
    assert sku["original_id"] == line.sku_id
    assert sku["product"] == {"name": style.fields["style_name"], "external_id": style.style_identifier}
    assert isinstance(sku["wholesale_price"], float) and sku["wholesale_price"] == float(line.price)
    assert sku["suggested_retail_price"] is None or isinstance(sku["suggested_retail_price"], float)
    color, size = sku["trait_values"]
    assert color["trait"] == {"id": COLOR_TRAIT_ID, "name": "Color", "type": "sku"}
    assert size["trait"] == {"id": SIZE_TRAIT_ID, "name": "Size", "type": "sku"}
    assert color["external_id"] == line.color_code and size["value"] == line.size_name
    one = v4.get("/v4/orders/sku_line_items", params={"line_item_ids": line.id}).json()["data"]
    assert [r["id"] for r in one] == [line.id]
    other = str(max(catalog.orders))
    both = v4.get("/v4/orders/sku_line_items", params={"order_ids": other, "line_item_ids": line.id})
    assert both.json()["data"] == []


def test_line_items_bulk_create_adds_and_discounts(orders_sandbox, v4) -> None:
    seed = orders_sandbox.catalog.styles[SEED_STYLE_ID]
    sku, sku2, sku3 = (seed.sku_ids[("C1", s)] for s in ("36", "38", "40"))
    order = _new_order(v4, orders_sandbox, status="PENDING")
    resp = v4.post(
        "/v4/orders/sku_line_items/bulk_create",
        json=[
            {"order_id": order["id"], "sku_id": sku, "quantity": 4},
            {"order_id": order["id"], "sku_id": sku, "quantity": "2"},
            {"order_id": order["id"], "sku_id": sku2, "quantity": 1, "discount_percentage": 10},
            {"order_id": order["id"], "sku_id": sku3, "quantity": 1, "item_price": 5, "discount_amount": 1},
            {"order_id": order["id"], "sku_id": sku3, "quantity": 0},  # PENDING: a unit per item
            {"order_id": order["id"], "sku_id": "nope", "quantity": 1},
            {"order_id": "99999", "sku_id": sku, "quantity": 1},
            {"order_id": order["id"], "sku_id": sku, "quantity": -1},
        ],
    ).json()
    assert [(r["line_item_sku"]["original_id"], r["quantity"]) for r in resp["data"]] == [
        (sku, 4),
        (sku, 6),
        (sku2, 1),
    ]
    assert resp["data"][0]["id"] == resp["data"][1]["id"]  # added to the existing line
    assert resp["data"][2]["line_item_sku"]["wholesale_price"] == 85.5  # 95.00 - 10 %
    errors = {e["details"]["index"]: e for e in resp["errors"]}
    assert errors[3]["message"] == MULTIPLE_DISCOUNTS
    assert errors[6]["status"] == "NOT_FOUND"
    assert sorted(errors) == [3, 4, 5, 6, 7]
    approved = _numbers(orders_sandbox, {"APPROVED"})[0]
    closed = v4.post(
        "/v4/orders/sku_line_items/bulk_create",
        json=[{"order_id": str(approved), "sku_id": sku, "quantity": 1}],
    ).json()
    assert closed["data"] == [] and "IN_PROGRESS, NOTES or PENDING" in closed["errors"][0]["message"]


def test_line_items_bulk_update(orders_sandbox, v4) -> None:
    number = _numbers(orders_sandbox, {"APPROVED"})[0]
    line = orders_sandbox.catalog.orders[number].lines[0]
    resp = v4.post(
        "/v4/orders/sku_line_items/bulk_update",
        json=[
            {"id": line.id, "quantity": "7"},
            {"id": line.id},
            {"id": line.id, "quantity": -3},
            {"id": line.id, "quantity": 2.5},
            {"id": str(number), "quantity": 1},  # an order id is not a line item id
        ],
    ).json()
    assert [r["quantity"] for r in resp["data"]] == [7, 7]
    assert [(e["details"]["index"], e["status"]) for e in resp["errors"]] == [
        (2, "INVALID"),
        (3, "INVALID"),
        (4, "NOT_FOUND"),
    ]
    pending = _new_order(v4, orders_sandbox, status="PENDING")
    sku = orders_sandbox.catalog.styles[SEED_STYLE_ID].sku_ids[("C1", "36")]
    added = v4.post(
        "/v4/orders/sku_line_items/bulk_create",
        json=[{"order_id": pending["id"], "sku_id": sku, "quantity": 1}],
    ).json()["data"][0]
    zero = v4.post("/v4/orders/sku_line_items/bulk_update", json=[{"id": added["id"], "quantity": 0}]).json()
    assert zero["data"] == [] and "at least one unit" in zero["errors"][0]["message"]


@pytest.mark.parametrize(
    "path",
    [
        "/v4/orders/bulk_create",
        "/v4/orders/bulk_update",
        "/v4/orders/sku_line_items/bulk_create",
        "/v4/orders/sku_line_items/bulk_update",
    ],
)
def test_order_writes_empty_array_and_batch_size(v4, path) -> None:
    empty = v4.post(path, json=[])
    assert empty.status_code == 200
    assert empty.json() == {"data": [], "errors": []}
    big = v4.post(path, json=[{}] * 101)
    assert big.status_code == 400
    assert big.json()["errors"][0]["status"] == "BATCH_TOO_LARGE"
    assert v4.post(path, json={"id": "1"}).status_code == 400
