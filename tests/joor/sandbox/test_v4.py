"""v4: OAuth2 grants and expiry, products, SKUs (the color × size rule), prices, price types, seasons,
collections, orders; consistency with the v2 view of the same catalog."""

from __future__ import annotations

import httpx
import pytest

from joorsync.joor.sandbox.defaults import (
    COLOR_TRAIT_ID,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    SEED_STYLE_ID,
    SIZE_TRAIT_ID,
)

from .conftest import ACCOUNT, GRANT, client_for, login, raw_client
from .normalize import as_list


@pytest.fixture
def v4(sandbox) -> httpx.Client:
    token = login(sandbox)["access_token"]
    return httpx.Client(
        transport=httpx.WSGITransport(app=sandbox),
        base_url="http://joor.test",
        headers={"Authorization": f"Bearer {token}"},
        params=ACCOUNT,
    )


# -- auth ---------------------------------------------------------------------------------------


def test_password_grant_shape(sandbox) -> None:
    data = login(sandbox)
    assert data["token_type"] == "Bearer"
    assert data["expires_in"] == 36000
    assert data["refresh_expires_in"] == 7776000
    assert {"access_token", "refresh_token", "not-before-policy", "session_state", "scope"} <= set(data)


def test_multipart_grant_is_accepted(sandbox) -> None:
    resp = raw_client(sandbox).post("/auth/", files={k: (None, v) for k, v in GRANT.items()})
    assert resp.status_code == 200
    assert resp.json()["access_token"]


@pytest.mark.parametrize(
    "change,status,error",
    [
        ({"password": "wrong"}, 401, "invalid_grant"),
        ({"client_secret": "wrong"}, 401, "invalid_client"),
        ({"grant_type": "client_credentials"}, 400, "unsupported_grant_type"),
        ({"grant_type": ""}, 400, "invalid_request"),
    ],
)
def test_bad_grants(sandbox, change, status, error) -> None:
    resp = raw_client(sandbox).post("/auth/", data={**GRANT, **change})
    assert resp.status_code == status
    assert resp.json()["error"] == error


def test_token_expiry_and_refresh(make_sandbox, clock) -> None:
    sb = make_sandbox(access_token_ttl=100)
    tokens = login(sb)
    client = raw_client(sb)
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert client.get("/v4/price_types", params=ACCOUNT, headers=headers).status_code == 200
    clock.advance(101)
    expired = client.get("/v4/price_types", params=ACCOUNT, headers=headers)
    assert expired.status_code == 401
    assert expired.json()["errors"][0]["status"] == "UNAUTHORIZED"
    refreshed = client.post(
        "/auth/",
        data={
            "client_id": DEFAULT_CLIENT_ID,
            "client_secret": DEFAULT_CLIENT_SECRET,
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
        },
    )
    assert refreshed.status_code == 200
    new_headers = {"Authorization": f"Bearer {refreshed.json()['access_token']}"}
    assert client.get("/v4/price_types", params=ACCOUNT, headers=new_headers).status_code == 200
    bad = client.post("/auth/", data={**GRANT, "grant_type": "refresh_token", "refresh_token": "nope"})
    assert bad.status_code == 401


def test_expire_access_tokens(sandbox) -> None:
    token = login(sandbox)["access_token"]
    client = raw_client(sandbox)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/v4/price_types", params=ACCOUNT, headers=headers).status_code == 200
    sandbox.expire_access_tokens()
    assert client.get("/v4/price_types", params=ACCOUNT, headers=headers).status_code == 401


def test_bearer_is_accepted_on_v2_and_oauth2_is_refused_on_v4(sandbox) -> None:
    token = login(sandbox)["access_token"]
    client = raw_client(sandbox)
    v2 = client.get(
        "/v2/style/1252163", headers={"Authorization": f"Bearer {token}", "Accept": "application/json"}
    )
    assert v2.status_code == 200
    v4 = client.get("/v4/price_types", params=ACCOUNT, headers={"Authorization": "OAuth2 sandbox-token"})
    assert v4.status_code == 401


def test_account_parameter_is_required(sandbox) -> None:
    token = login(sandbox)["access_token"]
    client = raw_client(sandbox)
    headers = {"Authorization": f"Bearer {token}"}
    missing = client.get("/v4/products", headers=headers)
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["message"]
    assert client.get("/v4/products", params={"account": "999"}, headers=headers).status_code == 403


def test_auth_endpoint_is_not_rate_limited_but_v4_calls_are(make_sandbox) -> None:
    sb = make_sandbox(rate_limit="scale=0.1")
    for _ in range(40):
        tokens = login(sb)
    assert sb.credits_used == 0
    client = raw_client(sb)
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    statuses = [
        client.post("/v4/seasons", params=ACCOUNT, headers=headers, json=[{"name": f"S{i}"}]).status_code
        for i in range(7)
    ]
    assert statuses == [200] * 6 + [429]
    assert sb.credits_used == 30


# -- products, SKUs -----------------------------------------------------------------------------


def test_products_list_paging(v4, sandbox) -> None:
    first = v4.get("/v4/products", params={"page_size": 5}).json()
    assert first["errors"] == []
    assert first["meta"] == {"page": 1, "page_size": 5, "total": 12, "has_more": True}
    last = v4.get("/v4/products", params={"page_size": 5, "page": 3}).json()
    assert len(last["data"]) == 2 and last["meta"]["has_more"] is False
    assert v4.get("/v4/products", params={"page_size": 501}).status_code == 400
    assert v4.get("/v4/products", params={"page": "one"}).status_code == 400


def _sku(product_id, color, code, size, upc=None):
    item = {
        "product_id": product_id,
        "trait_values": [
            {"trait_id": COLOR_TRAIT_ID, "value": color, "external_id": code},
            {"trait_id": SIZE_TRAIT_ID, "value": size},
        ],
    }
    if upc:
        item["identifiers"] = [{"type": "UPC", "value": upc}]
    return item


def test_product_then_full_color_size_grid(v4, sandbox) -> None:
    created = v4.post(
        "/v4/products/bulk_create",
        json=[
            {
                "name": "Chemise Lin",
                "product_identifier": "CL-1",
                "external_id": "CL-1-ID",
                "description": "Linen",
            }
        ],
    ).json()
    assert created["errors"] == []
    product_id = created["data"][0]["id"]
    partial = v4.post(
        "/v4/skus/bulk_create",
        json=[
            _sku(product_id, "Écru", "003", "S"),
            _sku(product_id, "Écru", "003", "M"),
            _sku(product_id, "Noir", "001", "S"),
        ],
    ).json()
    assert partial["data"] == []
    assert len(partial["errors"]) == 3
    assert "001/M" in partial["errors"][0]["message"]
    assert partial["errors"][0]["details"]["missing"] == [{"color": "001", "size": "M"}]
    full = v4.post(
        "/v4/skus/bulk_create",
        json=[
            _sku(product_id, "Écru", "003", "S", "0000000000017"),
            _sku(product_id, "Écru", "003", "M"),
            _sku(product_id, "Noir", "001", "S"),
            _sku(product_id, "Noir", "001", "M"),
        ],
    ).json()
    assert full["errors"] == []
    assert len(full["data"]) == 4
    # the v2 view of the same catalog now shows the colors, sizes and the UPC
    style_id = max(sandbox.catalog.styles)
    v2 = client_for(sandbox).get(f"/v2/style/{style_id}").json()["styles"]["style"]
    assert [c["color_code"] for c in as_list(v2["colors"], "color")] == ["003", "001"]
    assert [s["size_name"] for s in as_list(v2["sizes"], "size")] == ["S", "M"]
    assert [u["upc"] for u in as_list(v2["upcs"], "style_upc")] == ["0000000000017"]
    assert v2["style_number"] == "CL-1"
    listed = v4.get("/v4/skus", params={"product_ids": product_id}).json()["data"]
    assert {s["id"] for s in listed} == {s["id"] for s in full["data"]}


def test_duplicate_sku_reports_its_id(v4, sandbox) -> None:
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    resp = v4.post("/v4/skus/bulk_create", json=[_sku(seed.product_id, "Combo 1", "C1", "36")]).json()
    error = resp["errors"][0]
    assert error["status"] == "DUPLICATED"
    assert error["details"]["sku_id"] == seed.sku_ids[("C1", "36")]


def test_adding_a_size_needs_every_color_and_sizes_are_case_sensitive(v4, sandbox) -> None:
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    one = v4.post("/v4/skus/bulk_create", json=[_sku(seed.product_id, "Combo 1", "C1", "46")]).json()
    assert one["errors"] and "C2/46" in one["errors"][0]["message"]
    both = v4.post(
        "/v4/skus/bulk_create",
        json=[_sku(seed.product_id, "Combo 1", "C1", "46"), _sku(seed.product_id, "Combo 2", "C2", "46")],
    ).json()
    assert both["errors"] == [] and len(both["data"]) == 2
    assert len(seed.sku_ids) == 16
    apparel = v4.post("/v4/products/bulk_create", json=[{"name": "Tee", "product_identifier": "T-1"}]).json()
    pid = apparel["data"][0]["id"]
    assert v4.post("/v4/skus/bulk_create", json=[_sku(pid, "Noir", "001", "M")]).json()["errors"] == []
    lower = v4.post("/v4/skus/bulk_create", json=[_sku(pid, "Noir", "001", "m")]).json()
    assert lower["errors"] == [] and lower["data"][0]["trait_values"][1]["value"] == "m"
    assert len(sandbox.catalog.styles[max(sandbox.catalog.styles)].sku_ids) == 2


def test_bulk_limit_is_100_items(v4) -> None:
    resp = v4.post("/v4/products/bulk_create", json=[{"name": f"P{i}"} for i in range(101)])
    assert resp.status_code == 400
    assert resp.json()["errors"][0]["status"] == "BATCH_TOO_LARGE"
    ok = v4.post(
        "/v4/products/bulk_create",
        json=[{"name": f"P{i}", "product_identifier": f"P{i}"} for i in range(100)],
    )
    assert ok.status_code == 200 and len(ok.json()["data"]) == 100


def test_product_validation_and_duplicates(v4) -> None:
    resp = v4.post(
        "/v4/products/bulk_create",
        json=[
            {"description": "no name"},
            {"name": "x" * 101},
            {"name": "Seed again", "product_identifier": "Test Style 1", "external_id": "Test Style 1"},
            {"name": "Fine", "product_identifier": "F-1"},
        ],
    ).json()
    assert [e["details"]["index"] for e in resp["errors"]] == [0, 1, 2]
    assert resp["errors"][2]["status"] == "DUPLICATED"
    assert len(resp["data"]) == 1
    assert v4.post("/v4/products/bulk_create", json={"name": "not a list"}).status_code == 400


def test_product_update_moves_v2_modified(v4, sandbox, clock) -> None:
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    clock.advance(30)
    resp = v4.post(
        "/v4/products/bulk_update",
        json=[{"id": seed.product_id, "name": "Renamed top"}, {"id": "bm9wZQ==", "name": "x"}],
    ).json()
    assert resp["data"][0]["name"] == "Renamed top"
    assert resp["errors"][0]["status"] == "NOT_FOUND"
    assert seed.modified == sandbox.now()
    assert seed.fields["style_name"] == "Renamed top"


# -- prices ---------------------------------------------------------------------------------------


def test_price_types_derive_from_catalog_labels(v4, sandbox) -> None:
    data = v4.get("/v4/price_types").json()["data"]
    names = {(p["name"], p["currency_code"]) for p in data}
    assert {("LUCY", "GBP"), ("EXPORT-US", "USD"), ("USD-1", "USD")} <= names
    v2_labels = {
        (p["price_label"], p["price_currency"])
        for s in as_list(
            client_for(sandbox).get("/v2/style", params={"count": 100}).json()["styles"], "style"
        )
        for p in as_list(s["prices"], "price")
    }
    assert v2_labels <= names


def test_sku_prices_and_the_v2_style_view(v4, sandbox) -> None:
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    first_sku = seed.sku_ids[("C1", "34")]
    lucy = next(p["id"] for p in v4.get("/v4/price_types").json()["data"] if p["name"] == "LUCY")
    prices = v4.get("/v4/prices", params={"sku_ids": first_sku}).json()["data"]
    assert {
        "sku_id": first_sku,
        "price_type_id": lucy,
        "wholesale_value": "53.00",
        "retail_value": "145.00",
    } in prices
    dup = v4.post(
        "/v4/prices/bulk_create",
        json=[{"sku_id": first_sku, "price_type_id": lucy, "wholesale_value": "50.00"}],
    )
    assert dup.json()["errors"][0]["status"] == "DUPLICATED"
    bad = v4.post(
        "/v4/prices/bulk_update",
        json=[
            {"sku_id": first_sku, "price_type_id": lucy, "wholesale_value": 50},
            {"sku_id": first_sku, "price_type_id": lucy},
        ],
    ).json()
    assert [e["status"] for e in bad["errors"]] == ["INVALID", "INVALID"]
    assert "string" in bad["errors"][0]["message"]
    ok = v4.post(
        "/v4/prices/bulk_update",
        json=[{"sku_id": first_sku, "price_type_id": lucy, "wholesale_value": "49.50"}],
    )
    assert ok.json()["errors"] == []
    v2 = client_for(sandbox).get(f"/v2/style/{SEED_STYLE_ID}").json()["styles"]["style"]
    lucy_v2 = next(p for p in as_list(v2["prices"], "price") if p["price_label"] == "LUCY")
    assert float(lucy_v2["price_wholesale"]) == 49.5
    other_sku = seed.sku_ids[("C2", "40")]
    other = v4.get("/v4/prices", params={"sku_ids": other_sku}).json()["data"]
    assert next(p for p in other if p["price_type_id"] == lucy)["wholesale_value"] == "53.00"


# -- seasons, collections --------------------------------------------------------------------------


def test_seasons_and_collections(v4, sandbox) -> None:
    season = v4.post("/v4/seasons", json={"name": "Pre-Fall", "year": 2027, "external_id": "PF27"}).json()
    assert season["errors"] == []
    season_id = season["data"][0]["id"]
    again = v4.post("/v4/seasons", json=[{"name": "Pre-Fall", "year": 2027, "external_id": "PF27"}]).json()
    assert again["errors"][0]["status"] == "DUPLICATED"
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    c2_skus = [sid for (color, _), sid in seed.sku_ids.items() if color == "C2"]
    col = v4.post(
        "/v4/collections/bulk_create",
        json=[
            {
                "name": "Pre-Fall '27 Delivery 1",
                "external_id": "PF27-D1",
                "season_id": season_id,
                "delivery": {"start_ship_date": "2027-05-01", "complete_ship_date": "2027-06-15"},
                "items": [{"product_id": seed.product_id, "order_number": 3, "sku_ids": c2_skus}],
            }
        ],
    ).json()
    assert col["errors"] == []
    v2 = client_for(sandbox).get(f"/v2/style/{SEED_STYLE_ID}").json()["styles"]["style"]
    delivery = next(d for d in as_list(v2["deliveries"], "delivery") if d["delivery_code"] == "PF27-D1")
    assert delivery["season_name"] == "Pre-Fall" and delivery["date_delivery_start"] == "2027-05-01"
    assert [e["color_code"] for e in as_list(delivery["color_exclusions"], "color_exclusion")] == ["C1"]
    listed = v4.get("/v4/collections", params={"page_size": 500}).json()["data"]
    assert any(c["external_id"] == "PF27-D1" and c["items"][0]["sku_ids"] == c2_skus for c in listed)


# -- orders ------------------------------------------------------------------------------------------


def test_orders_create_update_and_line_items(v4, sandbox) -> None:
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    retailer_id = next(iter(sandbox.catalog.retailers))
    usd = next(p["id"] for p in v4.get("/v4/price_types").json()["data"] if p["name"] == "EXPORT-US")
    created = v4.post(
        "/v4/orders/bulk_create",
        json=[
            {
                "retailer_id": retailer_id,
                "price_type_id": usd,
                "status": "PENDING",
                "sku_line_items": [{"sku_id": seed.sku_ids[("C1", "36")], "quantity": 4}],
            },
            {"retailer_id": "nope", "price_type_id": usd},
        ],
    ).json()
    assert created["errors"][0]["details"]["index"] == 1
    order = created["data"][0]
    assert order["status"] == "PENDING" and order["total"] == "380.00"
    by_id = v4.get("/v4/orders", params={"order_ids": order["id"]}).json()["data"]
    assert by_id[0]["id"] == order["id"]
    lines = v4.get("/v4/orders/sku_line_items", params={"order_ids": order["id"]}).json()["data"]
    assert lines[0]["quantity"] == 4
    upd = v4.post(
        "/v4/orders/sku_line_items/bulk_update", json=[{"id": lines[0]["id"], "quantity": 6}]
    ).json()
    assert upd["data"][0]["quantity"] == 6
    approved = v4.post("/v4/orders/bulk_update", json=[{"id": order["id"], "status": "APPROVED"}]).json()
    assert approved["data"][0]["status"] == "APPROVED"
    back = v4.post("/v4/orders/bulk_update", json=[{"id": order["id"], "status": "IN_PROGRESS"}]).json()
    assert back["errors"][0]["status"] == "INVALID"
    pending = v4.get("/v4/orders", params={"status": "APPROVED", "page_size": 500}).json()["data"]
    assert order["id"] in {o["id"] for o in pending}
    # the same order in v2, approved, not yet exported
    v2 = client_for(sandbox).get(
        "/v2/order", params={"order_type": 6, "export_status": 2, "sync": 0, "count": 1000}
    )
    assert any(str(o["po_number"]) == order["po_number"] for o in as_list(v2.json()["orders"], "order"))


def test_unknown_v4_route(v4) -> None:
    resp = v4.get("/v4/widgets")
    assert resp.status_code == 404
    assert resp.json()["errors"][0]["status"] == "NOT_FOUND"


def test_duplicates_are_refused_one_by_one_and_the_rest_is_written(v4, sandbox) -> None:
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    resp = v4.post(
        "/v4/skus/bulk_create",
        json=[
            _sku(seed.product_id, "Combo 1", "C1", "36"),
            _sku(seed.product_id, "Combo 3", "C3", "34"),
            *[_sku(seed.product_id, "Combo 3", "C3", s) for s in ("36", "38", "40", "42", "44", "C11")],
        ],
    ).json()
    assert [e["status"] for e in resp["errors"]] == ["DUPLICATED"]
    assert len(resp["data"]) == 7
    assert [c["color_code"] for c in seed.colors] == ["C1", "C2", "C3"]
    short = v4.post(
        "/v4/skus/bulk_create",
        json=[_sku(seed.product_id, "Combo 1", "C1", "36"), _sku(seed.product_id, "Combo 4", "C4", "34")],
    ).json()
    assert [e["status"] for e in short["errors"]] == ["DUPLICATED", "INVALID"]
    assert short["data"] == [] and len(seed.colors) == 3
