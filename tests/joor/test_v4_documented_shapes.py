"""The client against answers shaped exactly as JOOR's documentation samples show them.

Every body below is transcribed from JOOR's API reference (the page is named above each one; see
docs/joor-api.md), not from our sandbox, so the client is tested against what JOOR says it sends,
including what JOOR leaves out: no `meta` on lists, `details: {}` on errors, no `Retry-After`.
"""

from __future__ import annotations

import json

import pytest

from joorsync.joor.errors import JoorAuthError
from joorsync.joor.v4 import COLOR_TRAIT_ID, SIZE_TRAIT_ID, price_type_id_of, trait_id_of
from tests.clocks import FakeClock

from .test_client_http import client_for
from .test_client_support import Reply, ScriptedApp, Seen, envelope
from .test_v4_client import FakeJoorV4, multipart_fields, v4_client

# api-docs.jooraccess.com/v4.0/reference/requesting-access-1
DOCUMENTED_TOKEN = {
    "access_token": "6UGZIY0lLRGNpX2tIQTFUY1ltMXZyM1BJT1dGcDFpeWI0UzZMOFg0In0",
    "expires_in": 36000,
    "refresh_expires_in": 7776000,
    "refresh_token": "eyJhbGciOiJIUzI1NiIsInR5cCIgOiAiSldUIiwia2lkIiA6",
    "token_type": "Bearer",
    "not-before-policy": 1615484461,
    "session_state": "23c62f9b-b5c9-4bb4-80d3-05394b611099",
    "scope": "email profile",
}


def documented_sku(sku_id: str, product_id: str, color: str, size: str, external_id: str) -> dict:
    """One SKU as JOOR's GET /skus sample shows it (how-to-create-update-price-data)."""

    def value(trait_id: str, name: str, text: str, ext: str | None) -> dict:
        return {
            "trait": {"id": trait_id, "name": name},
            "value": text,
            "external_id": ext,
            "order_minimum": None,
            "order_nbr": 1,
            "status": "ACTIVE",
            "hexColor": None,
            "swatch": None,
            "images": None,
        }

    return {
        "id": sku_id,
        "product_id": product_id,
        "external_id": external_id,
        "sku_identifier": external_id + "-s",
        "trait_values": [
            value(COLOR_TRAIT_ID, "Color", color, color[:3].upper()),
            value(SIZE_TRAIT_ID, "Size", size, None),
        ],
    }


def documented_price(price_id: str, sku_id: str, wholesale: str, retail: str) -> dict:
    """One price as JOOR's create-prices response shows it (v2.0/reference/create-prices)."""
    return {
        "id": price_id,
        "sku_id": sku_id,
        "price_type": {
            "id": "pricetype_id_222",
            "name": "USD-1",
            "currency_code": "USD",
            "retail_currency_code": "USD",
        },
        "wholesale_value": wholesale,
        "retail_value": retail,
    }


# -- authentication ---------------------------------------------------------------------------------


def test_the_documented_token_answer_is_used_and_the_grant_is_multipart():
    seen_forms: list[dict[str, str]] = []

    def app(seen: Seen) -> Reply:
        if seen.path == "/auth/":
            seen_forms.append(multipart_fields(seen))
            return Reply(200, DOCUMENTED_TOKEN)
        assert seen.headers["Authorization"] == f"Bearer {DOCUMENTED_TOKEN['access_token']}"
        return Reply(200, {"data": [{"id": "3295521"}], "errors": []})

    clock = FakeClock()
    client = v4_client(ScriptedApp(app), clock)
    assert [p["id"] for p in client.iter_products()] == ["3295521"]
    clock.now += 35000  # well inside expires_in: the cached token is reused
    list(client.iter_products())
    assert len(seen_forms) == 1
    assert seen_forms[0]["grant_type"] == "password" and seen_forms[0]["client_id"] == "cid"


def test_a_server_without_the_refresh_grant_falls_back_to_the_password_grant():
    """JOOR documents only the password grant; a refresh refused in any way is not fatal."""
    grants: list[str] = []

    def app(seen: Seen) -> Reply:
        if seen.path == "/auth/":
            grant = multipart_fields(seen)["grant_type"]
            grants.append(grant)
            if grant == "refresh_token":
                return Reply(404, {"error": "not found"})
            return Reply(200, {**DOCUMENTED_TOKEN, "expires_in": 600})
        return Reply(200, {"data": [], "errors": []})

    clock = FakeClock()
    client = v4_client(ScriptedApp(app), clock)
    list(client.iter_products())
    clock.now += 590
    list(client.iter_products())
    assert grants == ["password", "refresh_token", "password"]


def test_a_v4_token_refused_on_a_v2_endpoint_says_what_is_missing():
    def app(seen: Seen) -> Reply:
        if seen.path == "/auth/":
            return Reply(200, DOCUMENTED_TOKEN)
        return Reply(401, {"response": {"code": "401", "comment": "Invalid token"}})

    client = v4_client(ScriptedApp(app), FakeClock())
    with pytest.raises(JoorAuthError, match="v2 API token"):
        list(client.iter_style_pages(page_size=1))


# -- lists without documented paging ----------------------------------------------------------------


def _products(n: int) -> list[dict]:
    return [{"id": str(3295000 + i), "name": f"P{i}"} for i in range(n)]


def test_a_server_that_ignores_page_ends_the_list_without_repeating_it():
    everything = _products(250)
    app = ScriptedApp(FakeJoorV4(lambda seen: Reply(200, {"data": everything[:100], "errors": []})))
    client = v4_client(app, FakeClock())
    got = list(client.iter_products(page_size=100))
    assert [p["id"] for p in got] == [p["id"] for p in everything[:100]]
    assert sum(1 for s in app.seen if s.path == "/v4/products") == 2


def test_a_server_that_ignores_page_size_answers_once_and_that_is_the_list():
    everything = _products(250)
    app = ScriptedApp(FakeJoorV4(lambda seen: Reply(200, {"data": everything, "errors": []})))
    got = list(v4_client(app, FakeClock()).iter_products(page_size=100))
    assert len(got) == 250
    assert sum(1 for s in app.seen if s.path == "/v4/products") == 1


def test_a_paging_server_without_meta_is_read_to_its_short_page():
    everything = _products(250)

    def api(seen: Seen) -> Reply:
        page, size = int(seen.query["page"][0]), int(seen.query["page_size"][0])
        return Reply(200, {"data": everything[(page - 1) * size : page * size], "errors": []})

    app = ScriptedApp(FakeJoorV4(api))
    got = list(v4_client(app, FakeClock()).iter_products(page_size=100))
    assert [p["id"] for p in got] == [p["id"] for p in everything]
    assert sum(1 for s in app.seen if s.path == "/v4/products") == 3


# -- bulk writes: errors carry only `details: {}` ---------------------------------------------------


def test_errors_without_details_are_failures_nobody_can_pin_on_an_item():
    def api(seen: Seen) -> Reply:
        return Reply(
            200,
            {
                "data": [],
                "errors": [{"status": "INVALID", "message": "something is wrong", "details": {}}],
            },
        )

    client = v4_client(ScriptedApp(FakeJoorV4(api)), FakeClock())
    result = client.bulk_create("products", [{"name": "A"}, {"name": "B"}])
    assert not result.ok
    assert [(f.item, f.status, f.message) for f in result.failures] == [
        (None, "INVALID", "something is wrong")
    ]


def test_errors_are_pinned_on_items_by_what_the_request_carried():
    def api(seen: Seen) -> Reply:
        items = json.loads(seen.body)
        return Reply(
            200,
            {
                "data": [],
                "errors": [
                    {
                        "status": "INVALID",
                        "message": "bad",
                        "details": {"sku_identifier": items[1]["sku_identifier"]},
                    }
                ],
            },
        )

    client = v4_client(ScriptedApp(FakeJoorV4(api)), FakeClock())
    items = [{"product_id": "1", "sku_identifier": "a"}, {"product_id": "1", "sku_identifier": "b"}]
    result = client.bulk_create("skus", items)
    assert [f.item for f in result.failures] == [items[1]]


def test_a_duplicated_sku_without_its_id_is_found_in_the_documented_sku_list_and_updated():
    existing = documented_sku("MHw1NTE3MDk1fDE4MjMwODYy", "3295521", "Blue", "Small", "nyhat0001")

    def api(seen: Seen) -> Reply:
        if seen.path == "/v4/skus/bulk_create":
            items = json.loads(seen.body)
            errors = [
                {"status": "DUPLICATED", "message": "SKU already exists", "details": {}}
                for item in items
                if item["trait_values"][0]["value"] == "Blue"
            ]
            data = [
                {"id": "NEW-" + item["trait_values"][0]["value"], "product_id": item["product_id"]}
                for item in items
                if item["trait_values"][0]["value"] != "Blue"
            ]
            # `details: {}` cannot name the item; one server names it by its external id.
            for error, item in zip(
                errors, [i for i in items if i["trait_values"][0]["value"] == "Blue"], strict=True
            ):
                error["details"] = {"external_id": item["external_id"]}
            return Reply(200, {"data": data, "errors": errors})
        if seen.path == "/v4/skus":
            assert seen.query["product_ids"] == ["3295521"]
            return Reply(200, {"data": [existing], "errors": []})
        if seen.path == "/v4/skus/bulk_update":
            return Reply(200, {"data": [{"id": i["id"]} for i in json.loads(seen.body)], "errors": []})
        raise AssertionError(seen.path)

    def sku(color: str, external_id: str) -> dict:
        return {
            "product_id": "3295521",
            "external_id": external_id,
            "trait_values": [
                {"trait_id": COLOR_TRAIT_ID, "value": color},
                {"trait_id": SIZE_TRAIT_ID, "value": "Small"},
            ],
            "identifiers": [{"type": "upc", "value": "03338300740"}],
        }

    app = ScriptedApp(FakeJoorV4(api))
    client = v4_client(app, FakeClock())
    # Our external id differs from JOOR's: the SKU is recognised by its colour and size.
    result = client.bulk_create("skus", [sku("Blue", "ours-blue-s"), sku("Red", "ours-red-s")])
    assert result.ok, result.failures
    assert result.created == ["NEW-Red"] and result.updated == ["MHw1NTE3MDk1fDE4MjMwODYy"]
    update = json.loads(next(s for s in app.seen if s.path == "/v4/skus/bulk_update").body)
    assert update[0]["id"] == "MHw1NTE3MDk1fDE4MjMwODYy" and "product_id" not in update[0]


def test_prices_are_created_then_updated_by_their_price_id():
    stored = {"sku_id_111": documented_price("price_id_333", "sku_id_111", "90.00", "180.00")}

    def api(seen: Seen) -> Reply:
        items = json.loads(seen.body) if seen.body else None
        if seen.path == "/v4/prices/bulk_create":
            data, errors = [], []
            for item in items:
                if item["sku_id"] in stored:
                    errors.append(
                        {
                            "status": "DUPLICATED",
                            "message": "price exists",
                            "details": {"sku_id": item["sku_id"]},
                        }
                    )
                else:
                    price = documented_price(
                        "price_new", item["sku_id"], item["wholesale_value"], item["retail_value"]
                    )
                    stored[item["sku_id"]] = price
                    data.append(price)
            return Reply(200, {"data": data, "errors": errors})
        if seen.path == "/v4/prices":
            wanted = seen.query["sku_ids"][0].split(",")
            return Reply(200, {"data": [stored[s] for s in wanted if s in stored], "errors": []})
        if seen.path == "/v4/prices/bulk_update":
            out = []
            for item in items:
                price = next(p for p in stored.values() if p["id"] == item["id"])
                price.update(wholesale_value=item["wholesale_value"], retail_value=item["retail_value"])
                out.append(price)
            return Reply(200, {"data": out, "errors": []})
        raise AssertionError(seen.path)

    app = ScriptedApp(FakeJoorV4(api))
    client = v4_client(app, FakeClock())
    result = client.upsert_prices(
        [
            {
                "sku_id": "sku_id_111",
                "price_type_id": "pricetype_id_222",
                "wholesale_value": "100.00",
                "retail_value": "200.00",
            },
            {
                "sku_id": "sku_id_444",
                "price_type_id": "pricetype_id_222",
                "wholesale_value": "10.00",
                "retail_value": "20.00",
            },
        ]
    )
    assert result.ok, result.failures
    assert result.created == ["price_new"] and result.updated == ["price_id_333"]
    update = json.loads(next(s for s in app.seen if s.path == "/v4/prices/bulk_update").body)
    assert update == [{"id": "price_id_333", "wholesale_value": "100.00", "retail_value": "200.00"}]
    assert stored["sku_id_111"]["wholesale_value"] == "100.00"


def test_trait_and_price_type_ids_read_from_either_shape():
    sku = documented_sku("S", "P", "Blue", "Small", "x")
    assert [trait_id_of(v) for v in sku["trait_values"]] == [COLOR_TRAIT_ID, SIZE_TRAIT_ID]
    assert trait_id_of({"trait_name": "Size", "value": "M"}) == SIZE_TRAIT_ID
    assert trait_id_of({"trait_id": "T", "value": "M"}) == "T"
    assert trait_id_of({"trait": {"name": "Heel Height"}}) is None
    assert price_type_id_of(documented_price("p", "s", "1", "2")) == "pricetype_id_222"
    assert price_type_id_of({"price_type_id": 7}) == "7" and price_type_id_of({}) is None


# -- v2 orders: export status and sync --------------------------------------------------------------


def _order(n: int) -> dict:
    return {"order_id": str(n), "customer_code": "C1"}


def test_export_status_is_always_sent_as_joor_would_default_it():
    app = ScriptedApp(lambda seen: Reply(200, envelope(orders={"order": []})))
    client = client_for(app)
    list(client.iter_orders(sync=True))
    list(client.iter_orders(sync=False))
    assert [(s.query["sync"], s.query["export_status"]) for s in app.seen] == [(["1"], ["2"]), (["0"], ["1"])]


def test_a_server_that_does_not_mark_pages_still_yields_every_order_once():
    orders = [_order(n) for n in range(1, 6)]

    def answer(seen: Seen) -> Reply:
        start, count = int(seen.query["start_from"][0]), int(seen.query["count"][0])
        page = orders[start : start + count]
        nxt = start + count if start + count < len(orders) else None
        return Reply(200, envelope(orders={"order": page}, next_start=nxt, start_from=start))

    app = ScriptedApp(answer)
    got = list(client_for(app).iter_orders(sync=True, page_size=2))
    assert [o["order_id"] for o in got] == ["1", "2", "3", "4", "5"]


def test_limit_with_sync_never_asks_for_orders_it_will_not_return():
    orders = [_order(n) for n in range(1, 20)]
    exported: set[str] = set()

    def answer(seen: Seen) -> Reply:
        count = int(seen.query["count"][0])
        page = [o for o in orders if o["order_id"] not in exported][:count]
        exported.update(o["order_id"] for o in page)
        return Reply(200, envelope(orders={"order": page}, next_start=count))

    app = ScriptedApp(answer)
    got = list(client_for(app).iter_orders(sync=True, page_size=10, limit=3))
    assert len(got) == 3 and exported == {o["order_id"] for o in got}
    assert [s.query["count"] for s in app.seen] == [["3"]]


def test_replace_all_inventory_is_refused_when_it_would_take_two_requests():
    app = ScriptedApp(lambda seen: Reply(200, {}))
    items = [{"warehouse": "W", "upc": str(n), "inventory": 1} for n in range(3)]
    with pytest.raises(ValueError, match="replace_all"):
        client_for(app).bulk_inventory(items, replace_all=True, batch_size=2)
    assert app.seen == []
