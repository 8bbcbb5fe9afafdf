"""The JOOR sandbox's order control routes (joorsync/joor/sandbox/order_control.py): orders placed,
modified and cancelled as a retailer or a brand user would, retailers connected, and JOOR's export
semantics (export_status 4/5/7, sync=1) following every change."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from joorsync.joor.sandbox.app import JoorSandbox, SandboxConfig
from joorsync.joor.sandbox.defaults import DEFAULT_TOKEN, SEED_STYLE_ID
from joorsync.joor.sandbox.writes import WriteError
from tests.clocks import FakeClock

UPC_C1_36 = "5414855153715"
UPC_C1_38 = "5414855153722"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sb(clock: FakeClock) -> JoorSandbox:
    return JoorSandbox(
        SandboxConfig(styles=30, seed=1, orders=40, rate_limit="off", clock=clock, sleep=clock.sleep)
    )


@pytest.fixture
def client(sb: JoorSandbox) -> httpx.Client:
    return httpx.Client(
        transport=httpx.WSGITransport(app=sb),
        base_url="http://joor.test",
        headers={"Authorization": f"OAuth2 {DEFAULT_TOKEN}", "Accept": "application/json"},
    )


@pytest.fixture
def v4(sb: JoorSandbox) -> httpx.Client:
    raw = httpx.Client(transport=httpx.WSGITransport(app=sb), base_url="http://joor.test")
    token = raw.post(
        "/auth/",
        data={
            "client_id": sb.config.client_id,
            "client_secret": sb.config.client_secret,
            "grant_type": "password",
            "username": sb.config.username,
            "password": sb.config.password,
        },
    ).json()["access_token"]
    return httpx.Client(
        transport=httpx.WSGITransport(app=sb),
        base_url="http://joor.test",
        headers={"Authorization": f"Bearer {token}"},
        params={"account": sb.config.account_id},
    )


def _ids(client: httpx.Client, **params: Any) -> list[int]:
    resp = client.get("/v2/order/", params={"count": 1000, **params})
    assert resp.status_code == 200, resp.text
    node = resp.json()["orders"]
    if node == "":
        return []
    orders = node["order"]
    return [int(o["order_id"]) for o in (orders if isinstance(orders, list) else [orders])]


def _place(client: httpx.Client, **body: Any) -> dict[str, Any]:
    resp = client.post("/_sandbox/orders", json=body)
    assert resp.status_code == 201, resp.text
    return resp.json()


def _modify(client: httpx.Client, number: int, **body: Any) -> httpx.Response:
    return client.post(f"/_sandbox/orders/{number}", json=body)


def _sku(sb: JoorSandbox, color: str, size: str) -> str:
    return sb.catalog.styles[SEED_STYLE_ID].sku_ids[(color, size)]


def _export_everything(client: httpx.Client) -> None:
    _ids(client, order_type=8)
    assert _ids(client, order_type=8, export_status=2, sync=0) == []


# -- placing --------------------------------------------------------------------------------------


def test_a_sku_sent_twice_adds_to_its_line_unless_unusual_lines_are_allowed(client, sb) -> None:
    """JOOR adds a SKU's quantity to its line [https://api-docs.jooraccess.com/v2.0/reference/add-new-item]."""
    twice = [{"upc": UPC_C1_36, "quantity": 2}, {"sku_id": _sku(sb, "C1", "36"), "quantity": 3}]
    normal = _place(client, sku_line_items=twice)
    assert [(line["upc"], line["quantity"]) for line in normal["lines"]] == [(UPC_C1_36, 5)]
    unusual = _place(
        client,
        allow_unusual_lines=True,
        sku_line_items=[*twice, {"upc": UPC_C1_38, "quantity": 0}],
    )
    assert [(line["upc"], line["quantity"]) for line in unusual["lines"]] == [
        (UPC_C1_36, 2),
        (UPC_C1_36, 3),
        (UPC_C1_38, 0),
    ]
    assert len(set(unusual["line_item_ids"])) == 3
    refused = client.post("/_sandbox/orders", json={"sku_line_items": [{"upc": UPC_C1_38, "quantity": 0}]})
    assert refused.status_code == 400 and "positive integer" in refused.json()["error"]


@pytest.mark.parametrize(
    "body,message",
    [
        ({"colour": "red"}, "unknown field(s): colour"),
        ({"warehouse_code": "SF"}, "no warehouse 'SF'"),
        ({"cancel_date": "15/06/2026"}, "is not a date YYYY-MM-DD"),
        (
            {"start_ship_date": "2026-06-02", "complete_ship_date": "2026-06-01"},
            "Delivery window start: 2026-06-02 is later than end: 2026-06-01",
        ),
        ({"shipping_cost": -1}, "non-negative"),
        ({"tax_rate": 101}, "between 0 and 100"),
        ({"billing_address": "Paris"}, "billing_address: must be an object"),
        ({"shipping_address": {"street": "x"}}, "shipping_address: unknown field(s): street"),
        ({"status": "SHIPPING"}, "status must be one of"),
        ({"customer_code": "NOPE"}, "no retailer with code"),
        ({"sku_line_items": [{"upc": "0000", "quantity": 1}]}, "unknown SKU"),
        (
            {
                "status": "PENDING",
                "allow_unusual_lines": True,
                "sku_line_items": [{"upc": UPC_C1_36, "quantity": 0}],
            },
            None,
        ),
        ({"allow_unusual_lines": "yes"}, "allow_unusual_lines: must be true or false"),
    ],
)
def test_place_refuses_bad_bodies_and_writes_nothing(client, sb, body, message) -> None:
    orders, lines = len(sb.catalog.orders), sb.catalog.next_line
    resp = client.post("/_sandbox/orders", json=body)
    if message is None:  # unusual lines waive PENDING's unit rule: the order is placed
        assert resp.status_code == 201, resp.text
        return
    assert resp.status_code == 400, resp.text
    assert message in resp.json()["error"]
    assert (len(sb.catalog.orders), sb.catalog.next_line) == (orders, lines)


def test_an_in_progress_order_can_be_placed(client) -> None:
    placed = _place(client, status="IN_PROGRESS")
    assert placed["stored_status"] == placed["status"] == "IN_PROGRESS"


# -- modifying ------------------------------------------------------------------------------------


def test_every_change_brings_an_exported_order_back_under_export_status_4(client, sb, clock) -> None:
    """JOOR's export_status 4 = modified since last export, 5 = 2 + 4, 7 = 6 + 4
    [https://api-docs.jooraccess.com/v2.0/reference/get-orders]; sync=1 marks it exported again."""
    number = _place(client, sku_line_items=[{"upc": UPC_C1_36, "quantity": 2}])["order_id"]
    _export_everything(client)
    changes: list[dict[str, Any]] = [
        {"po_number": "PO-CHANGED"},
        {"start_ship_date": "2026-02-01", "complete_ship_date": "2026-03-01", "cancel_date": "2026-03-20"},
        {"shipping_address": {"address_1": "1 New Street", "city": "Leeds", "country_code": "GB"}},
        {"billing_code": "B-2"},
        {"comments": "Rush"},
        {"shipping_cost": "12.50"},
        {"order_discount": 5},
        {"lines": [{"upc": UPC_C1_36, "quantity": 4}]},
        {"status": "SHIPPED"},
    ]
    for change in changes:  # the clock stands still: a change in the export's instant still counts
        resp = _modify(client, number, **change)
        assert resp.status_code == 200, resp.text
        assert resp.json()["export_state"] == "MODIFIED_SINCE_EXPORT"
        for export_status in (4, 5, 7):
            assert _ids(client, order_type=8, export_status=export_status, sync=0) == [number], change
        assert _ids(client, order_type=8, export_status=4) == [number]  # sync=1 re-exports it
        assert _ids(client, order_type=8, export_status=4, sync=0) == []
        assert client.get(f"/_sandbox/orders/{number}").json()["export_state"] == "EXPORTED"
    view = client.get(f"/_sandbox/orders/{number}").json()
    assert view["po_number"] == "PO-CHANGED" and view["stored_status"] == "SHIPPED"
    assert view["shipping_address"]["city"] == "Leeds" and view["billing_code"] == "B-2"
    assert (view["shipping_cost"], view["order_discount"]) == ("12.50", "5.00")
    assert number in _ids(client, order_type=7, export_status=1, sync=0)


def test_a_change_that_changes_nothing_leaves_the_order_exported(client, sb, clock) -> None:
    number = _place(client, comments="Same", sku_line_items=[{"upc": UPC_C1_36, "quantity": 2}])["order_id"]
    _export_everything(client)
    before = sb.catalog.orders[number].modified
    clock.advance(60)
    resp = _modify(client, number, comments="Same", lines=[{"upc": UPC_C1_36, "quantity": 2}])
    assert resp.status_code == 200
    assert sb.catalog.orders[number].modified == before
    assert _ids(client, order_type=8, export_status=4, sync=0) == []


def test_lines_are_set_added_removed_and_repriced(client, sb) -> None:
    number = _place(
        client,
        price_type_name="EXPORT-US",  # 95.00 a unit
        sku_line_items=[{"upc": UPC_C1_36, "quantity": 2}, {"upc": UPC_C1_38, "quantity": 5}],
    )["order_id"]
    order = sb.catalog.orders[number]
    first, second = order.lines
    resp = _modify(
        client,
        number,
        lines=[
            {"upc": UPC_C1_36, "quantity": 7, "discount_amount": 5},
            {"sku_id": _sku(sb, "C2", "40"), "quantity": 1},
            {"id": second.id, "quantity": 0},
        ],
    )
    assert resp.status_code == 200, resp.text
    view = resp.json()
    assert [(line["sku_id"], line["quantity"], line["item_price"]) for line in view["lines"]] == [
        (first.sku_id, 7, "90.00"),
        (_sku(sb, "C2", "40"), 1, view["lines"][1]["price_wholesale"]),
    ]
    assert order.lines[0] is first and first.quantity == 7  # line objects survive an edit
    assert second.id not in view["line_item_ids"]
    kept = _modify(client, number, allow_unusual_lines=True, lines=[{"id": first.id, "quantity": 0}]).json()
    assert [(line["id"], line["quantity"]) for line in kept["lines"]][0] == (first.id, 0)


@pytest.mark.parametrize(
    "body,message",
    [
        ({"lines": [{"id": "10999999", "quantity": 1}]}, "no line item '10999999'"),
        ({"lines": [{"upc": UPC_C1_38, "quantity": 0}]}, "positive integer"),
        ({"lines": [{"upc": UPC_C1_38}]}, "required for a SKU not on the order"),
        ({"lines": [{"upc": UPC_C1_36, "quantity": -2}]}, "non-negative integer"),
        ({"lines": "all"}, "lines: must be a list"),
        ({"status": "IN_PROGRESS"}, "cannot go back to IN_PROGRESS"),
        ({"customer_code": "GL001"}, "unknown field(s): customer_code"),
        ({"complete_ship_date": "2000-01-01"}, "is later than end"),
    ],
)
def test_a_refused_modification_writes_nothing(client, sb, body, message) -> None:
    number = _place(
        client,
        po_number="KEEP",
        start_ship_date="2026-06-01",
        sku_line_items=[{"upc": UPC_C1_36, "quantity": 2}],
    )["order_id"]
    before = client.get(f"/_sandbox/orders/{number}").json()
    lines = sb.catalog.next_line
    resp = _modify(client, number, po_number="LOST", comments="lost", shipping_cost=9, **body)
    assert resp.status_code == 400, resp.text
    assert message in resp.json()["error"]
    assert client.get(f"/_sandbox/orders/{number}").json() == before
    assert sb.catalog.next_line == lines


def test_pending_needs_a_unit_on_every_line(client) -> None:
    """JOOR: PENDING needs at least one unit per item [https://api-docs.jooraccess.com/v2.0/reference/update-order-status]."""
    number = _place(client, allow_unusual_lines=True, sku_line_items=[{"upc": UPC_C1_36, "quantity": 0}])[
        "order_id"
    ]
    refused = _modify(client, number, status="PENDING")
    assert refused.status_code == 400 and "at least one unit" in refused.json()["error"]
    assert _modify(client, number, status="PENDING", allow_unusual_lines=True).status_code == 200


def test_unknown_orders_and_bad_bodies(client, sb) -> None:
    assert _modify(client, 99999, comments="x").status_code == 404
    assert client.post("/_sandbox/orders/99999/cancel").status_code == 404
    assert client.get("/_sandbox/orders/99999").status_code == 404
    assert client.post("/_sandbox/orders/1", content=b"[1]").status_code == 400
    with pytest.raises(KeyError):
        sb.modify_order(99999, {})
    with pytest.raises(WriteError):
        sb.modify_order(min(sb.catalog.orders), {"status": "NOPE"})


# -- cancelling -----------------------------------------------------------------------------------


def test_a_cancelled_order_comes_back_under_the_cancelled_order_types(client, sb, v4) -> None:
    number = next(n for n, o in sorted(sb.catalog.orders.items()) if o.status == "APPROVED")
    _export_everything(client)
    resp = client.post(f"/_sandbox/orders/{number}/cancel")
    assert resp.status_code == 200 and resp.json()["stored_status"] == "CANCELLED"
    assert _ids(client, order_type=2, export_status=4, sync=0) == []  # not Approved any more
    assert _ids(client, order_type=5, export_status=4, sync=0) == [number]
    assert _ids(client, order_type=8, export_status=7, sync=0) == [number]
    assert v4.get("/v4/orders", params={"order_ids": str(number)}).json()["data"][0]["status"] == "CANCELLED"
    assert _ids(client, order_type=5, export_status=4) == [number]
    modified = sb.catalog.orders[number].modified
    assert client.post(f"/_sandbox/orders/{number}/cancel").status_code == 200
    assert sb.catalog.orders[number].modified == modified  # already cancelled: nothing changes
    assert _ids(client, order_type=5, export_status=4, sync=0) == []


def test_v4_bulk_update_to_cancelled_bumps_modified(client, sb, v4) -> None:
    """JOOR's status update [https://api-docs.jooraccess.com/v2.0/reference/update-order-status]."""
    number = next(n for n, o in sorted(sb.catalog.orders.items()) if o.status == "SHIPPED")
    _export_everything(client)
    resp = v4.post("/v4/orders/bulk_update", json=[{"id": str(number), "status": "CANCELLED"}]).json()
    assert resp["errors"] == [] and resp["data"][0]["status"] == "CANCELLED"
    assert set(resp["data"][0]) == {"id", "retailer_id", "price_type_id", "collection_id", "status"}
    assert _ids(client, order_type=8, export_status=4, sync=0) == [number]
    refused = v4.post("/v4/orders/bulk_update", json=[{"id": str(number), "status": "SHIPPED"}]).json()
    assert refused["data"] == [] and "status must be one of" in refused["errors"][0]["message"]


# -- views ----------------------------------------------------------------------------------------


def test_control_views_carry_the_document_lines_and_export_state(client, sb) -> None:
    listed = client.get("/_sandbox/orders").json()["orders"]
    assert [v["order_id"] for v in listed] == sorted(sb.catalog.orders)
    view = listed[0]
    for key in (
        "id",
        "status",
        "stored_status",
        "po_number",
        "customer_contact_email",
        "billing_address",
        "shipping_address",
        "payment_terms",
        "warehouse_code",
        "order_subtotal",
        "order_total",
        "lines",
        "line_item_ids",
        "export_state",
        "exported_at",
        "modified",
        "created",
    ):
        assert key in view, key
    assert view["export_state"] == "NOT_EXPORTED" and view["exported_at"] is None
    line = view["lines"][0]
    assert set(line) >= {"id", "sku_id", "upc", "quantity", "price_wholesale", "item_price", "line_total"}
    assert line["id"] == view["line_item_ids"][0]
    assert view["order_total"].count(".") == 1 and len(view["order_total"].split(".")[1]) == 2
    assert client.get(f"/_sandbox/orders/{view['order_id']}").json() == view
    client.post(
        f"/_sandbox/orders/{view['order_id']}/missing-export-fields", json={"fields": ["billing_code"]}
    )
    _ids(client, order_type=8)
    failed = client.get(f"/_sandbox/orders/{view['order_id']}").json()
    assert failed["export_state"] == "FAILED" and "billing_code" in failed["export_failure"]


# -- retailers ------------------------------------------------------------------------------------


def test_a_connected_retailer_places_orders_with_its_defaults(client, sb) -> None:
    seeded = client.get("/_sandbox/retailers").json()["retailers"]
    assert {r["billing_address"]["country_code"] for r in seeded} >= {"US", "GB", "FR"}
    assert all(r["customer_contact_email"] and r["shipping_address"] for r in seeded)
    body = {
        "name": "Kaufhaus Beispiel",
        "code": "KB-01",
        "customer_group_name": "Department Stores",
        "customer_contact_name": "Jonas Weber",
        "customer_contact_email": "jonas.weber@kaufhaus.example",
        "billing_address": {
            "company_name": "Kaufhaus Beispiel GmbH",
            "address_1": "Königsallee 1",
            "city": "Düsseldorf",
            "zip": "40212",
            "country": "Germany",
            "country_code": "DE",
            "code": "KB-B",
        },
        "payment_terms": "Net 30",
        "warehouse_code": "NY",
        "tax_rate": "19",
    }
    resp = client.post("/_sandbox/retailers", json=body)
    assert resp.status_code == 201, resp.text
    retailer = resp.json()
    assert retailer["id"] == "900007" and retailer["customer_code"] == "KB-01"
    assert (retailer["warehouse_name"], retailer["tax_rate"]) == ("New York Warehouse", 19)
    assert retailer["shipping_address"] is None
    assert client.post("/_sandbox/retailers", json=body).status_code == 409
    assert client.post("/_sandbox/retailers", json={"code": "X"}).status_code == 400
    assert (
        client.post("/_sandbox/retailers", json={**body, "code": "KB-02", "warehouse_code": "ZZ"}).status_code
        == 400
    )
    placed = _place(client, customer_code="KB-01", sku_line_items=[{"upc": UPC_C1_36, "quantity": 1}])
    assert placed["retailer_id"] == "900007"
    assert (placed["customer_contact_name"], placed["billing_code"], placed["payment_terms"]) == (
        "Jonas Weber",
        "KB-B",
        "Net 30",
    )
    assert placed["shipping_address"] is None and placed["shipping_code"] is None
    assert len(client.get("/_sandbox/retailers").json()["retailers"]) == len(seeded) + 1
