"""Stock per warehouse, the warehouse control routes, v2 image delete and color images, asset kinds."""

from __future__ import annotations

from joorsync.joor.sandbox.defaults import SEED_STYLE_ID
from joorsync.joor.sandbox.warehouses import stock_of

from .conftest import ACCOUNT, client_for, login, raw_client
from .normalize import xml_root

BASE = "/v2/style-number/Test Style 1/Test Style 1"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _inventory(client, items, **params):
    resp = client.post(
        "/v2/bulk-inventory", params=params, json={"inventory_items": {"inventory_item": items}}
    )
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_overwrite_zeroes_every_sku_and_warehouse_not_sent(client, sandbox) -> None:
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    other = next(
        s for s in sandbox.catalog.sorted_styles()[1:] if any(u["inventory_available"] for u in s.upcs)
    )
    _inventory(
        client, [{"warehouse": "Los Angeles Warehouse", "upc": "5414855153777", "inventory": 2}], overwrite=1
    )
    assert stock_of(seed.upc_entry("C2", "36")) == {"New York Warehouse": 0, "Los Angeles Warehouse": 2}
    assert seed.upc_entry("C2", "36")["inventory_available"] == 2
    assert all(int(u["inventory_available"]) == 0 for u in other.upcs)
    assert seed.upc_entry("C2", "38")["inventory_available"] == 0


def test_made_to_order_clears_every_warehouse(client, sandbox) -> None:
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    log = _inventory(
        client, [{"warehouse": "NY", "upc": "5414855153777", "inventory": 9, "made_to_order": True}]
    )
    assert log["sku_count"] == 1
    row = seed.upc_entry("C2", "36")
    assert row["inventory_available"] == 0 and set(stock_of(row).values()) == {0}


def test_a_style_write_keeps_the_split_of_an_unchanged_total(client, sandbox) -> None:
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    view = client.get(f"/v2/style/{SEED_STYLE_ID}").json()["styles"]["style"]
    rows = [
        {k: u[k] for k in ("sku_color_code", "sku_size", "upc", "inventory_available")}
        for u in view["upcs"]
        if u["upc"] != "5414855153784"  # C2/38 changes below
    ]
    rows.append({"sku_color_code": "C2", "sku_size": "38", "upc": "5414855153784", "inventory_available": 3})
    resp = client.put(
        f"{BASE}/",
        json={"style": {"style_name": view["style_name"], "upcs": rows}},
        headers={"Accept": "application/json"},
    )
    assert resp.status_code == 200, resp.text
    assert stock_of(seed.upc_entry("C2", "36")) == {"New York Warehouse": 12, "Los Angeles Warehouse": 5}
    assert stock_of(seed.upc_entry("C2", "38")) == {"Default": 3}


def test_warehouse_control_routes(sandbox) -> None:
    http = raw_client(sandbox)
    listed = http.get("/_sandbox/warehouses").json()["warehouses"]
    assert [(w["name"], w["code"]) for w in listed] == [
        ("Default", None),
        ("Los Angeles Warehouse", "LA"),
        ("New York Warehouse", "NY"),
    ]
    assert {w["name"]: w["units"] for w in listed}["New York Warehouse"] >= 20
    assert http.post("/_sandbox/warehouses", json={"name": "Paris", "code": "PAR"}).status_code == 201
    assert http.post("/_sandbox/warehouses", json={"name": "Paris", "code": "P2"}).status_code == 409
    assert http.post("/_sandbox/warehouses", json={"name": "", "code": "X"}).status_code == 400
    assert http.post("/_sandbox/warehouses", content=b"[").status_code == 400
    inventory = http.get(f"/_sandbox/styles/{SEED_STYLE_ID}/inventory").json()
    c2_36 = next(s for s in inventory["skus"] if (s["color_code"], s["size"]) == ("C2", "36"))
    assert c2_36 == {
        "color_code": "C2",
        "size": "36",
        "upc": "5414855153777",
        "made_to_order": False,
        "inventory_available": 17,
        "warehouses": {"Los Angeles Warehouse": 5, "New York Warehouse": 12},
    }
    assert http.get("/_sandbox/styles/42/inventory").status_code == 404
    # control routes cost nothing
    assert sandbox.credits_used == 0


def test_strict_warehouses_refuse_single_sku_writes(make_sandbox) -> None:
    sandbox = make_sandbox(strict_warehouses=True)
    client = client_for(sandbox)
    resp = client.put(
        f"{BASE}/inventory/", params={"upc": "5414855153715", "inventory": 1, "warehouse": "Milan"}
    )
    assert resp.status_code == 400 and "not set up" in resp.json()["response"]["comment"]
    ok = client.put(f"{BASE}/inventory/", params={"upc": "5414855153715", "inventory": 1, "warehouse": "NY"})
    assert ok.status_code == 200


def test_color_image_is_one_per_color_and_cannot_be_deleted(client, sandbox) -> None:
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    images_before = list(seed.images)
    for name in ("c1-a.png", "c1-b.png"):
        resp = client.post(
            f"{BASE}/image/",
            params={"filename": name, "display_order": 1, "color_code": "C1"},
            content=PNG,
            headers={"Content-Type": "image/png"},
        )
        assert resp.status_code == 200, resp.text
    (only,) = seed.colors[0]["v4_images"]
    assert "/c1-b-" in only and seed.images == images_before
    refused = client.delete(f"{BASE}/image/", params={"filename": only.rsplit("/", 1)[1]})
    assert refused.status_code == 400 and "only style images" in refused.json()["response"]["comment"]
    assert client.delete(f"{BASE}/image/").status_code == 400


def test_image_delete_answers_joors_document_in_xml_too(sandbox) -> None:
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    name = seed.images[1].rsplit("/", 1)[1]
    resp = client_for(sandbox, fmt="xml").delete(f"{BASE}/image/", params={"filename": name})
    assert resp.status_code == 200, resp.text
    root = xml_root(resp.content)
    assert root.findtext("image_deleted/style_number") == "Test Style 1"
    assert root.findtext("image_deleted/upload_id", "").isdigit()
    assert root.findtext("style_image_deleted/response")
    assert len(seed.images) == 2 and all(name not in p for p in seed.images)


def test_replace_all_replaces_image_assets_swatches_included(sandbox) -> None:
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    token = login(sandbox)["access_token"]
    http = raw_client(sandbox)

    def post(items, **params):
        return http.post(
            "/v4/assets/products",
            params={**ACCOUNT, **params},
            json=items,
            headers={"Authorization": f"Bearer {token}"},
        ).json()

    def item(kind, name):
        return {
            "product": {"id": seed.product_id},
            "asset": {"type": kind, "filename": name, "source_url": f"https://cdn.example.com/{name}"},
        }

    assert post([item("swatch", "s.png"), item("video", "v.mp4")])["errors"] == []
    assert len(seed.swatches) == 1 and len(seed.videos) == 1
    assert post([item("image", "only.jpg")], replace_all="true")["errors"] == []
    assert len(seed.images) == 1 and seed.swatches == [] and len(seed.videos) == 1
    answer = post(
        [{**item("image", "x.jpg"), "asset": {**item("image", "x.jpg")["asset"], "external_id": ""}}]
    )
    assert answer["errors"][0]["status"] == "INVALID" and "external_id" in answer["errors"][0]["message"]


def test_a_style_has_a_page_a_person_can_open():
    import httpx

    from joorsync.joor.sandbox.app import JoorSandbox, SandboxConfig

    sandbox = JoorSandbox(SandboxConfig(styles=2, seed=1, rate_limit="off"))
    style_id = next(iter(sandbox.catalog.styles))
    with httpx.Client(transport=httpx.WSGITransport(app=sandbox), base_url="http://joor.test") as client:
        page = client.get(f"/_sandbox/styles/{style_id}")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert sandbox.style(style_id)["style_name"] in page.text
        assert client.get("/_sandbox/styles/999999").status_code == 404
