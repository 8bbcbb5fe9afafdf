"""v2 style writes, bulk inventory and the sandbox's "brand edits in JOOR's UI" hook."""

from __future__ import annotations

import base64
import uuid
from datetime import timedelta

import pytest

from joorsync.joor.sandbox.defaults import DEFAULT_TOKEN, SEED_STYLE_ID
from joorsync.joor.sandbox.writes import WriteError

from .conftest import client_for
from .normalize import as_list, xml_response


def new_style_body(**overrides):
    style = {
        "style_name": "Robe Été ✨",
        "style_number": "NEW-001",
        "style_identifier": "NEW-001-A",
        "style_description": "A summer dress",
        "prices": [
            {
                "price_label": "USD-1",
                "price_currency": "USD",
                "price_wholesale": "40.00",
                "price_retail": "95",
            }
        ],
        "colors": [{"color_name": "Écru", "color_code": "003"}, {"color_name": "Noir", "color_code": "001"}],
        "sizes": [{"size_name": "S"}, {"size_name": "M"}],
        "upcs": [
            {"sku_color_code": "003", "sku_size": "S", "upc": "0000000000017", "inventory_available": 4}
        ],
        "deliveries": [{"delivery_name": "Spring '26 — Delivery 1", "delivery_code": "SP26-D1"}],
    }
    style.update(overrides)
    return {"style": style}


def test_create_read_update_delete(client, sandbox, clock) -> None:
    created = client.post("/v2/style-number", json=new_style_body())
    assert created.status_code == 200, created.text
    style = created.json()["styles"]["style"]
    style_id = int(style["style_id"])
    assert created.json()["response"]["comment"] == "Style created"
    record = sandbox.catalog.styles[style_id]
    assert record.created == record.modified == sandbox.now()
    assert len(record.sku_ids) == 4
    got = client.get("/v2/style-number/NEW-001/NEW-001-A").json()["styles"]["style"]
    assert got["style_name"] == "Robe Été ✨"
    clock.advance(60)
    updated = client.put("/v2/style-number/NEW-001/NEW-001-A", json={"style": {"style_name": "Robe Été II"}})
    assert updated.status_code == 200
    assert sandbox.catalog.styles[style_id].fields["style_name"] == "Robe Été II"
    assert record.modified == record.created + timedelta(seconds=60)
    again = client.post("/v2/style-number", json=new_style_body(style_description="Replaced"))
    assert again.json()["response"]["comment"] == "Style updated"
    assert int(again.json()["styles"]["style"]["style_id"]) == style_id
    deleted = client.delete("/v2/style-number/NEW-001/NEW-001-A")
    assert deleted.status_code == 200
    assert client.get(f"/v2/style/{style_id}").status_code == 404
    assert client.delete("/v2/style-number/NEW-001/NEW-001-A").status_code == 404


def test_write_answer_in_xml(client) -> None:
    resp = client.post("/v2/style-number", json=new_style_body(), headers={"Accept": "application/xml"})
    assert resp.status_code == 200
    assert xml_response(resp.content)["code"] == "0"


@pytest.mark.parametrize(
    "overrides,fragment",
    [
        ({"style_name": "x" * 101}, "style_name: longer than 100"),
        ({"style_number": "n" * 46}, "style_number: longer than 45"),
        ({"style_identifier": "i" * 101}, "style_identifier: longer than 100"),
        ({"style_description": "d" * 501}, "style_description: longer than 500"),
        ({"style_name": ""}, "style_name: required"),
        ({"minimum": "lots"}, "minimum: must be an integer"),
        ({"minimum": 123456}, "minimum: more than 5 digits"),
        ({"prices": []}, "prices: at least one price"),
        ({"colors": []}, "colors: at least one color"),
        ({"prices": [{"price_currency": "US", "price_wholesale": 1}]}, "price_currency"),
        (
            {"prices": [{"price_currency": "USD", "price_wholesale": "1,50"}]},
            "price_wholesale: must be a decimal",
        ),
        ({"made_to_order": "perhaps"}, "made_to_order: must be a boolean"),
        ({"upcs": [{"sku_color_code": "999", "sku_size": "S", "upc": "1"}]}, "is not a color of the style"),
        (
            {"upcs": [{"sku_color_code": "003", "sku_size": "S", "upc": "5414855153715"}]},
            "already belongs to style",
        ),
        ({"unknown_field": 1}, "unknown field"),
    ],
)
def test_write_validation_errors(client, overrides, fragment) -> None:
    resp = client.post("/v2/style-number", json=new_style_body(**overrides))
    assert resp.status_code == 400
    envelope = resp.json()["response"]
    assert envelope["code"] == "400"
    assert fragment in envelope["comment"]


def test_write_body_must_be_a_style_object(client) -> None:
    assert client.post("/v2/style-number", content=b"not json").status_code == 400
    assert client.post("/v2/style-number", json={"style_name": "flat"}).status_code == 400


def test_max_lengths_exactly_at_the_limit_pass(client) -> None:
    body = new_style_body(
        style_name="x" * 100, style_number="n" * 45, style_identifier="i" * 100, style_description="d" * 500
    )
    assert client.post("/v2/style-number", json=body).status_code == 200


def test_quirky_input_shapes_are_accepted(client) -> None:
    body = new_style_body(
        colors={"color": {"color_name": "Noir", "color_code": "001"}},
        sizes={"size": [{"size_name": "S"}]},
        upcs="",
        made_to_order="False",
    )
    resp = client.post("/v2/style-number", json=body)
    assert resp.status_code == 200, resp.text


def test_failed_write_changes_nothing(client, sandbox) -> None:
    before = sandbox.style(SEED_STYLE_ID)
    resp = client.put(
        "/v2/style-number/Test Style 1/Test Style 1", json={"style": {"style_name": "", "minimum": 5}}
    )
    assert resp.status_code == 400
    assert sandbox.style(SEED_STYLE_ID) == before


def test_bulk_inventory_pass_and_fail(client, sandbox, clock) -> None:
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    before = seed.modified
    clock.advance(5)
    body = {
        "inventory_items": {
            "inventory_item": [
                {"warehouse": "Main", "upc": "5414855153715", "inventory": 12},
                {
                    "warehouse": "Main",
                    "style_number": "Test Style 1",
                    "style_identifer": "Test Style 1",
                    "color_code": "C2",
                    "size": "44",
                    "inventory": "7",
                },
                {"warehouse": "Main", "upc": "0000000000000", "inventory": 3},
                {"upc": "5414855153722", "inventory": 3},  # no warehouse: JOOR's Default warehouse
                {"warehouse": "Main", "upc": "5414855153722", "inventory": "three"},
                {
                    "warehouse": "Main",
                    "style_number": "Test Style 1",
                    "style_identifer": "Test Style 1",
                    "color_code": "C9",
                    "size": "44",
                    "inventory": 1,
                },
            ]
        }
    }
    resp = client.post("/v2/bulk-inventory", json=body)
    assert resp.status_code == 200
    doc = resp.json()
    assert doc["response"]["code"] == "0"
    assert doc["sku_count"] == 3
    statuses = [entry["status"] for entry in doc["inventory_log"]]
    assert statuses == ["pass", "pass", "fail", "pass", "fail", "fail"]
    assert all(entry.get("message") for entry in doc["inventory_log"] if entry["status"] == "fail")
    log_ids = [entry["inventory_log_id"] for entry in doc["inventory_log"]]
    assert len(set(log_ids)) == 6 and all(str(uuid.UUID(i)) == i for i in log_ids)
    assert seed.upc_entry("C1", "36")["inventory_available"] == 12
    assert seed.upc_entry("C2", "44")["inventory_available"] == 7
    assert seed.upc_entry("C1", "38")["inventory_available"] == 3
    assert seed.upc_entry("C1", "38")["warehouse"] == "Default"
    assert seed.modified > before
    upcs = as_list(client.get(f"/v2/style/{SEED_STYLE_ID}").json()["styles"]["style"]["upcs"], "style_upc")
    assert {u["upc"]: str(u["inventory_available"]) for u in upcs}["5414855153715"] == "12"


def test_bulk_inventory_upc_wins_over_style_fields(client, sandbox) -> None:
    item = {
        "warehouse": "Main",
        "upc": "5414855153715",
        "style_number": "Test Style 1",
        "style_identifer": "Test Style 1",
        "color_code": "C2",
        "size": "44",
        "inventory": 9,
    }
    client.put("/v2/bulk-inventory", json={"inventory_items": {"inventory_item": item}})
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    assert seed.upc_entry("C1", "36")["inventory_available"] == 9
    assert seed.upc_entry("C2", "44")["inventory_available"] == 0


def test_bulk_inventory_overwrite_0_is_the_default_and_sets_absolute_levels(client, sandbox) -> None:
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    other = sandbox.catalog.sorted_styles()[3]
    other_row = next(u for u in other.upcs if u.get("upc"))
    other_row["inventory_available"] = 17
    item = {"warehouse": "Main", "upc": "5414855153715", "inventory": 4}
    client.post("/v2/bulk-inventory", json={"inventory_items": {"inventory_item": [item]}})
    client.post("/v2/bulk-inventory?overwrite=0", json={"inventory_items": {"inventory_item": [item]}})
    assert seed.upc_entry("C1", "36")["inventory_available"] == 4  # set, never added
    assert other_row["inventory_available"] == 17  # unlisted SKUs keep their stock


def test_bulk_inventory_overwrite_1_replaces_the_whole_account(client, sandbox, clock) -> None:
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    styles = sandbox.catalog.sorted_styles()
    stocked, untouched = styles[3], styles[4]
    for u in stocked.upcs:
        u["inventory_available"] = 9
    for u in untouched.upcs:
        u["inventory_available"] = 0
    untouched_modified = untouched.modified
    clock.advance(5)
    item = {"warehouse": "Main", "upc": "5414855153715", "inventory": 4}
    doc = client.post(
        "/v2/bulk-inventory?overwrite=1", json={"inventory_items": {"inventory_item": [item]}}
    ).json()
    assert doc["sku_count"] == 1
    assert seed.upc_entry("C1", "36")["inventory_available"] == 4
    assert all(u["inventory_available"] == 0 for u in seed.upcs if u["upc"] != "5414855153715")
    assert all(u["inventory_available"] == 0 for u in stocked.upcs)
    assert untouched.modified == untouched_modified  # nothing changed there
    assert stocked.modified > untouched_modified


def test_bulk_inventory_made_to_order_clears_the_sku(client, sandbox) -> None:
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    items = [
        {"warehouse": "Main", "upc": "5414855153715", "inventory": 8, "made_to_order": True},
        {"warehouse": "Main", "upc": "5414855153722", "inventory": 5, "made_to_order": "maybe"},
    ]
    doc = client.post("/v2/bulk-inventory", json={"inventory_items": {"inventory_item": items}}).json()
    assert [e["status"] for e in doc["inventory_log"]] == ["pass", "fail"]
    row = seed.upc_entry("C1", "36")
    assert row["made_to_order"] is True and row["inventory_available"] == 0
    unmark = {"warehouse": "Main", "upc": "5414855153715", "inventory": 8, "made_to_order": False}
    client.post("/v2/bulk-inventory", json={"inventory_items": {"inventory_item": [unmark]}})
    assert row["made_to_order"] is False and row["inventory_available"] == 8


def test_bulk_inventory_zumzie_bare_list_and_bearer_base64(sandbox) -> None:
    """zumzie's request as it sends it (clients.md §1.2): `Bearer base64(v2 token)`, a bare list."""
    client = client_for(sandbox, token=None)
    encoded = base64.b64encode(DEFAULT_TOKEN.encode()).decode()
    resp = client.post(
        "/v2/bulk-inventory",
        headers={"Authorization": f"Bearer {encoded}"},
        json={
            "inventory_items": [
                {
                    "warehouse": "Default",
                    "inventory_date": "IMMEDIATE",
                    "upc": "5414855153715",
                    "inventory": -2,
                }
            ]
        },
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["inventory_log"][0]["status"] == "pass"
    assert sandbox.catalog.styles[SEED_STYLE_ID].upc_entry("C1", "36")["inventory_available"] == -2


@pytest.mark.parametrize("query", ["overwrite=2", "overwrite=true", "dec_pending=5"])
def test_bulk_inventory_flags_must_be_0_or_1(client, query) -> None:
    item = {"warehouse": "Main", "upc": "5414855153715", "inventory": 4}
    resp = client.post(f"/v2/bulk-inventory?{query}", json={"inventory_items": {"inventory_item": [item]}})
    assert resp.status_code == 400


def test_bulk_inventory_casepack_without_upc(client, sandbox) -> None:
    item = {
        "warehouse": "Main",
        "style_number": "Test Style 1",
        "style_identifer": "Test Style 1",
        "color_code": "C1",
        "size": "C11",
        "inventory": 2,
    }
    doc = client.post("/v2/bulk-inventory", json={"inventory_items": {"inventory_item": [item]}}).json()
    assert doc["inventory_log"][0]["status"] == "pass"
    assert sandbox.catalog.styles[SEED_STYLE_ID].upc_entry("C1", "C11")["inventory_available"] == 2


@pytest.mark.parametrize("body", [{}, {"inventory_items": []}, {"items": [1]}])
def test_bulk_inventory_bad_body_is_400(client, body) -> None:
    resp = client.post("/v2/bulk-inventory", json=body)
    assert resp.status_code == 400
    assert resp.json()["response"]["code"] == "400"


def test_bulk_inventory_xml_answer(client) -> None:
    item = {"warehouse": "Main", "upc": "5414855153715", "inventory": 4}
    resp = client.post(
        "/v2/bulk-inventory",
        json={"inventory_items": {"inventory_item": [item]}},
        headers={"Accept": "application/xml"},
    )
    assert resp.status_code == 200
    assert b"<status>pass</status>" in resp.content


def test_sandbox_edit_moves_modified_into_a_window(client, sandbox, clock) -> None:
    style = sandbox.catalog.sorted_styles()[5]
    clock.advance(3600)
    resp = client.post(
        f"/_sandbox/styles/{style.style_id}", json={"style_name": "Edited in JOOR", "minimum": 6}
    )
    assert resp.status_code == 200
    assert style.modified == sandbox.now()
    start = (sandbox.now() - timedelta(minutes=1)).isoformat()
    end = (sandbox.now() + timedelta(minutes=1)).isoformat()
    doc = client.get("/v2/style", params={"date_start": start, "date_end": end}).json()
    found = as_list(doc["styles"], "style")
    assert [int(s["style_id"]) for s in found] == [style.style_id]
    assert found[0]["style_name"] == "Edited in JOOR"


def test_sandbox_edit_validates(client, sandbox) -> None:
    resp = client.post(f"/_sandbox/styles/{SEED_STYLE_ID}", json={"style_name": "x" * 101})
    assert resp.status_code == 400
    assert "style_name" in resp.json()["error"]
    assert client.post("/_sandbox/styles/1", json={"style_name": "x"}).status_code == 404
    with pytest.raises(WriteError):
        sandbox.edit_style(SEED_STYLE_ID, {"minimum": "many"})
    with pytest.raises(KeyError):
        sandbox.edit_style(1, {"minimum": 1})


def test_edit_style_in_python(sandbox) -> None:
    view = sandbox.edit_style(SEED_STYLE_ID, {"colors": [{"color_name": "Combo 1", "color_code": "C1"}]})
    assert [c["color_code"] for c in view["colors"]] == ["C1"]
    assert {u["sku_color_code"] for u in view["upcs"]} == {"C1"}
    assert len(sandbox.catalog.styles[SEED_STYLE_ID].sku_ids) == 7
    assert client_for(sandbox).get(f"/v2/style/{SEED_STYLE_ID}").status_code == 200


def test_single_item_inventory(client, sandbox) -> None:
    base = "/v2/style-number/Test Style 1/Test Style 1/inventory/"
    assert client.put(base, params={"color_code": "C2", "size": "38", "inventory": 5}).status_code == 200
    assert client.put(base, params={"upc": "5414855153715", "inventory": 6}).status_code == 200
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    # No warehouse: JOOR's Default warehouse; the seed already holds 8 of C2/38 in New York.
    assert seed.upc_entry("C2", "38")["stock"] == {
        "New York Warehouse": 8,
        "Los Angeles Warehouse": 0,
        "Default": 5,
    }
    assert seed.upc_entry("C2", "38")["inventory_available"] == 13
    assert seed.upc_entry("C1", "36")["inventory_available"] == 6
    assert (
        client.put(base, params={"upc": "5414855153715", "inventory": 2, "warehouse": "LA"}).status_code
        == 200
    )
    assert seed.upc_entry("C1", "36")["stock"] == {"Default": 6, "Los Angeles Warehouse": 2}
    assert client.put(base, params={"color_code": "C2", "size": "38", "inventory": "x"}).status_code == 400
    assert client.put(base, params={"color_code": "C7", "size": "38", "inventory": 1}).status_code == 400
    assert (
        client.put("/v2/style-number/no/no/inventory/", params={"upc": "1", "inventory": 1}).status_code
        == 404
    )


def test_xml_write_bodies(client, sandbox) -> None:
    xml = (
        '<?xml version="1.0" encoding="utf-8"?><style><style_name>Veste &amp; Co</style_name>'
        "<style_number>X-1</style_number><style_identifier>X-1</style_identifier>"
        "<made_to_order>False</made_to_order>"
        "<prices><price><price_label>EUR-1</price_label><price_currency>EUR</price_currency>"
        "<price_wholesale>80.00</price_wholesale><price_retail></price_retail></price></prices>"
        "<colors><color><color_name>Écru</color_name><color_code>003</color_code></color></colors>"
        "<sizes><size><size_name>S</size_name></size><size><size_name>M</size_name></size></sizes>"
        "<materials><material>Laine</material></materials></style>"
    )
    resp = client.post("/v2/style-number", content=xml.encode(), headers={"Content-Type": "application/xml"})
    assert resp.status_code == 200, resp.text
    style = sandbox.catalog.find_by_number("X-1", "X-1")
    assert style is not None and style.fields["style_name"] == "Veste & Co"
    assert [s["size_name"] for s in style.sizes] == ["S", "M"] and style.materials == ["Laine"]
    inventory = (
        "<inventory_items><inventory_item><warehouse>Main</warehouse><upc>5414855153715</upc>"
        "<inventory>3</inventory></inventory_item></inventory_items>"
    )
    resp = client.post("/v2/bulk-inventory", content=inventory.encode(), headers={"Content-Type": "text/xml"})
    assert resp.json()["inventory_log"][0]["status"] == "pass"


def test_hostile_xml_body_is_refused(client) -> None:
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY e "boom">]><style><style_name>&e;</style_name></style>'
    )
    resp = client.post("/v2/style-number", content=evil, headers={"Content-Type": "application/xml"})
    assert resp.status_code == 400
    assert "XML" in resp.json()["response"]["comment"]


def test_bulk_style_job(client, sandbox) -> None:
    styles = [
        new_style_body(style_number=f"B-{i}", style_identifier=f"B-{i}", upcs=[])["style"] for i in range(3)
    ]
    styles.append({"style_name": "missing numbers"})
    resp = client.post("/v2/bulk-style", json={"styles": {"style": styles}})
    assert resp.status_code == 200
    job = resp.json()["bulk_styles"]["bulk_styles_jobs"][0]
    assert job["status"] == "queued" and job["style_record_count"] == 4
    status = client.get(f"/v2/bulk-style/{job['bulk_styles_job_id']}").json()["bulk_styles"][
        "bulk_styles_jobs"
    ][0]
    assert status["status"] == "finished" and status["style_record_progress"] == 4
    assert [entry["status"] for entry in status["style_log"]] == ["pass", "pass", "pass", "fail"]
    assert sandbox.catalog.find_by_number("B-2", "B-2") is not None
    assert client.get("/v2/bulk-style/1").status_code == 404


def test_lookups_follow_renames_upc_changes_and_deletes(client, sandbox) -> None:
    def inventory(upc):
        item = {"warehouse": "Main", "upc": upc, "inventory": 1}
        return client.post("/v2/bulk-inventory", json={"inventory_items": {"inventory_item": [item]}}).json()

    assert inventory("5414855153715")["inventory_log"][0]["status"] == "pass"
    upcs = [
        {"sku_color_code": "C1", "sku_size": "36", "upc": "0000000000024"},
    ]
    renamed = client.put(
        "/v2/style-number/Test Style 1/Test Style 1",
        json={"style": {"style_number": "TS-1", "upcs": upcs}},
    )
    assert renamed.status_code == 200, renamed.text
    assert client.get("/v2/style-number/Test Style 1/Test Style 1").status_code == 404
    assert client.get("/v2/style-number/TS-1/Test Style 1").status_code == 200
    assert inventory("5414855153715")["inventory_log"][0]["status"] == "fail"
    assert inventory("0000000000024")["inventory_log"][0]["status"] == "pass"
    # the freed UPC can go to another style; the taken one cannot
    other = new_style_body(upcs=[{"sku_color_code": "003", "sku_size": "S", "upc": "5414855153715"}])
    assert client.post("/v2/style-number", json=other).status_code == 200
    taken = new_style_body(
        style_number="N2", upcs=[{"sku_color_code": "003", "sku_size": "S", "upc": "0000000000024"}]
    )
    assert client.post("/v2/style-number", json=taken).status_code == 400
    assert client.delete("/v2/style-number/TS-1/Test Style 1").status_code == 200
    assert client.post("/v2/style-number", json=taken).status_code == 200
    assert sandbox.catalog.find_upc("0000000000024")[0].style_number == "N2"
