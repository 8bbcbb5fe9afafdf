"""v4: OAuth2 grants and expiry, lists and bulk bodies, traits, categories, products, SKUs (the color ×
size rule), prices, price types, seasons, collections, orders; consistency with the v2 view of the same
catalog; the catalog requests real public clients send (tests/joor/conformance_cases.py)."""

from __future__ import annotations

import base64
import re

import httpx
import pytest

from joorsync.joor.sandbox.defaults import (
    COLOR_TRAIT_ID,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    SEED_STYLE_ID,
    SIZE_TRAIT_ID,
)
from tests.joor.conformance import case, send

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


def test_bearer_is_accepted_on_v2_and_a_raw_oauth2_token_is_refused_on_v4(sandbox) -> None:
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


# -- lists, bulk bodies ---------------------------------------------------------------------------


def test_lists_page_as_asked_without_meta(v4, sandbox) -> None:
    first = v4.get("/v4/products", params={"page_size": 5}).json()
    assert set(first) == {"data", "errors"} and first["errors"] == []
    assert [p["id"] for p in first["data"]] == [str(s.style_id) for s in sandbox.catalog.sorted_styles()[:5]]
    last = v4.get("/v4/products", params={"page_size": 5, "page": 3}).json()
    assert len(last["data"]) == 2 and "meta" not in last
    assert len(v4.get("/v4/products").json()["data"]) == 12
    assert v4.get("/v4/products", params={"page_size": 501}).status_code == 400
    assert v4.get("/v4/products", params={"page": "one"}).status_code == 400


@pytest.mark.parametrize("mode,paged,unpaged", [("ignore", 120, 120), ("fixed", 100, 100), ("pages", 5, 120)])
def test_paging_switch(make_sandbox, mode, paged, unpaged) -> None:
    sb = make_sandbox(styles=120, v4_paging=mode)
    token = login(sb)["access_token"]
    client = raw_client(sb)
    headers = {"Authorization": f"Bearer {token}"}

    def get(**params):
        return client.get("/v4/products", params={**ACCOUNT, **params}, headers=headers).json()

    pages = [get(page=n, page_size=5)["data"] for n in (1, 2)]
    assert len(pages[0]) == paged
    assert (pages[0] == pages[1]) is (mode != "pages")
    assert len(get()["data"]) == unpaged
    assert "meta" not in get(page=1)


@pytest.mark.parametrize(
    "path",
    [
        "/v4/products/bulk_create",
        "/v4/products/bulk_update",
        "/v4/skus/bulk_create",
        "/v4/skus/bulk_update",
        "/v4/skus/bulk_update_by_external_id",
        "/v4/prices/bulk_create",
        "/v4/prices/bulk_update",
        "/v4/seasons/bulk_create",
        "/v4/seasons/bulk_update",
        "/v4/collections/bulk_create",
        "/v4/collections/bulk_update",
        "/v4/assets/products",
        "/v4/assets/sku_trait_values",
    ],
)
def test_an_empty_bulk_array_is_answered_empty(v4, path) -> None:
    resp = v4.post(path, json=[])
    assert resp.status_code == 200 and resp.json() == {"data": [], "errors": []}


def test_bulk_limit_is_100_items(v4) -> None:
    resp = v4.post("/v4/products/bulk_create", json=[{"name": f"P{i}"} for i in range(101)])
    assert resp.status_code == 400
    assert resp.json()["errors"][0]["status"] == "BATCH_TOO_LARGE"
    ok = v4.post(
        "/v4/products/bulk_create",
        json=[{"name": f"P{i}", "product_identifier": f"P{i}"} for i in range(100)],
    )
    assert ok.status_code == 200 and len(ok.json()["data"]) == 100


# -- traits, categories ---------------------------------------------------------------------------------


def test_traits_are_joors_documented_list(v4) -> None:
    traits = v4.get("/v4/traits").json()["data"]
    assert {"id": "UHJvZHVjdFRyYWl0OkRJVklTSU9O", "name": "Division", "type": "product"} in traits
    assert {"id": "UHJvZHVjdFRyYWl0Ok1BVA==", "name": "Materials", "type": "product"} in traits
    assert [t["name"] for t in traits if t["type"] == "product"] == [
        "Contains Fur",
        "Country of Origin",
        "Division",
        "Fabrication Name",
        "Heel Height",
        "Materials",
        "Silhouette Name",
    ]
    assert [(t["id"], t["name"]) for t in traits if t["type"] == "sku"] == [
        (COLOR_TRAIT_ID, "Color"),
        (SIZE_TRAIT_ID, "Size"),
    ]


def test_categories_are_a_taxonomy_whose_ids_are_the_v2_subcategory_ids(v4, sandbox) -> None:
    categories = v4.get("/v4/categories", params={"page_size": 500}).json()["data"]
    assert all(set(c) == {"id", "name", "parent_name", "department"} for c in categories)
    assert all(isinstance(c["id"], str) and c["id"].isdigit() for c in categories)
    assert {"id": "2", "name": "Tops", "parent_name": "Apparel", "department": "WOMEN"} in categories
    assert {
        "id": "2405",
        "name": "Stationery",
        "parent_name": "General Home",
        "department": "HOME",
    } in categories
    by_id = {c["id"]: c for c in categories}
    products = v4.get("/v4/products").json()["data"]
    for product in products:
        v2 = client_for(sandbox).get(f"/v2/style/{product['id']}").json()["styles"]["style"]
        for cat in as_list(v2["categories"], "category"):
            for sub in as_list(cat["subcategories"], "subcategories"):
                for item in as_list(sub["subcategory"], "subcategory"):
                    row = by_id[str(item["subcategory_id"])]
                    assert row["name"] == item["subcategory_label"]
                    assert row["parent_name"] == sub["subcategory_parent"]
                    assert row in product["categories"]
    assert {c["department"] for p in products for c in p["categories"]} == {"WOMEN", "MEN"}


# -- products ----------------------------------------------------------------------------------------


def test_products_have_joors_shape_and_the_v2_style_id(v4, sandbox) -> None:
    products = v4.get("/v4/products").json()["data"]
    assert [p["id"] for p in products] == [str(s) for s in sorted(sandbox.catalog.styles)]
    seed = v4.get("/v4/products", params={"product_ids": str(SEED_STYLE_ID)}).json()["data"]
    assert len(seed) == 1
    product = seed[0]
    assert list(product) == [
        "id",
        "name",
        "external_id",
        "product_identifier",
        "description",
        "order_minimum",
        "categories",
        "product_trait_values",
        "tags",
    ]
    assert product["id"] == "1252163" and product["order_minimum"] == 200
    assert product["categories"] == [
        {"id": "2", "name": "Tops", "parent_name": "Apparel", "department": "WOMEN"}
    ]
    traits = {(t["trait"]["name"], t["value"], t["external_id"]) for t in product["product_trait_values"]}
    assert {
        ("Division", "W.E", "W.E"),
        ("Fabrication Name", "50% Wool/ 40% Acrylic/ 10% Alpaca", None),
        ("Silhouette Name", "Slim", "SLM"),
        ("Country of Origin", "Italy", None),
        ("Heel Height", "N/A", None),
        ("Contains Fur", "No", None),
        ("Materials", "54% POLYAMIDE 32% COTON 14% POLYESTER", None),
    } == traits
    division = next(t for t in product["product_trait_values"] if t["trait"]["name"] == "Division")
    assert division["trait"] == {"id": "UHJvZHVjdFRyYWl0OkRJVklTSU9O", "name": "Division"}
    assert product["tags"] == [{"name": "Style Tag1", "value": "Acid", "code": "ACIDCODE", "parent_id": None}]
    v2 = client_for(sandbox).get(f"/v2/style/{product['id']}").json()["styles"]["style"]
    assert (v2["style_number"], v2["style_identifier"]) == (
        product["product_identifier"],
        product["external_id"],
    )


def test_joors_create_sample_answers_joors_response_shape(v4, sandbox) -> None:
    # The request of https://api-docs.jooraccess.com/changelog/api-v4-product-03172021, with a category
    # id of the sandbox's taxonomy in place of JOOR's "228".
    sample = {
        "name": "Product Name",
        "external_id": "product_123",
        "product_identifier": "p123",
        "description": "Product description here",
        "order_minimum": 50,
        "category_ids": ["108"],
        "product_trait_values": [
            {"trait_id": "UHJvZHVjdFRyYWl0OkRJVklTSU9O", "value": "Men's Pants", "external_id": "555"},
            {"trait_id": "UHJvZHVjdFRyYWl0OkZBQk5BTUU=", "value": "Slick Fabrick", "external_id": "666ABC"},
        ],
    }
    resp = v4.post("/v4/products/bulk_create", json=[sample]).json()
    assert resp["errors"] == []
    (product,) = resp["data"]
    assert product["id"].isdigit() and int(product["id"]) in sandbox.catalog.styles
    assert product["categories"] == [
        {"id": "108", "name": "Outerwear", "parent_name": "Apparel", "department": "MEN"}
    ]
    assert product["product_trait_values"] == [
        {
            "trait": {"id": "UHJvZHVjdFRyYWl0OkRJVklTSU9O", "name": "Division"},
            "value": "Men's Pants",
            "external_id": "555",
        },
        {
            "trait": {"id": "UHJvZHVjdFRyYWl0OkZBQk5BTUU=", "name": "Fabrication Name"},
            "value": "Slick Fabrick",
            "external_id": "666ABC",
        },
    ]
    assert (
        product["name"],
        product["external_id"],
        product["product_identifier"],
        product["order_minimum"],
    ) == (
        "Product Name",
        "product_123",
        "p123",
        50,
    )
    v2 = client_for(sandbox).get(f"/v2/style/{product['id']}").json()["styles"]["style"]
    assert (v2["division"], v2["division_code"], v2["fabrication_code"]) == ("Men's Pants", "555", "666ABC")
    assert as_list(v2["categories"], "category")[0]["category_parent"] == "Men's"


def test_product_traits_by_name_tags_and_their_refusals(v4, sandbox) -> None:
    item = {
        "name": "Boot",
        "product_identifier": "B-1",
        "product_trait_values": [
            {"trait_name": "fabrication", "value": "Calf leather", "external_id": "LTH"},
            {"trait_name": "Silhouette Name", "value": "Chelsea", "external_id": "CHL"},
            {"trait_name": "country of origin", "value": "Portugal", "external_id": "PT"},
            {"trait_name": "Heel Height", "value": "4 cm"},
            {"trait_name": "CONTAINS FUR", "value": "Yes"},
            {"trait_name": "Materials", "value": "Leather"},
            {"trait_id": "UHJvZHVjdFRyYWl0Ok1BVA==", "value": "Rubber"},
        ],
        "tags": [{"name": "Fit", "value": "Wide", "code": "F2", "parent_id": "116554"}],
    }
    resp = v4.post("/v4/products/bulk_create", json=[item]).json()
    assert resp["errors"] == []
    product = resp["data"][0]
    values = {(t["trait"]["name"], t["value"], t["external_id"]) for t in product["product_trait_values"]}
    assert values == {
        ("Fabrication Name", "Calf leather", "LTH"),
        ("Silhouette Name", "Chelsea", "CHL"),
        ("Country of Origin", "Portugal", None),
        ("Heel Height", "4 cm", None),
        ("Contains Fur", "Yes", None),
        ("Materials", "Leather", None),
        ("Materials", "Rubber", None),
    }
    assert product["tags"] == [{"name": "Fit", "value": "Wide", "code": "F2", "parent_id": "116554"}]
    style = sandbox.catalog.styles[int(product["id"])]
    assert style.fields["contains_fur"] is True and style.materials == ["Leather", "Rubber"]
    refused = v4.post(
        "/v4/products/bulk_create",
        json=[
            {
                "name": "A",
                "product_identifier": "A",
                "product_trait_values": [{"trait_name": "Colour", "value": "x"}],
            },
            {
                "name": "B",
                "product_identifier": "B",
                "product_trait_values": [{"trait_id": COLOR_TRAIT_ID, "value": "x"}],
            },
            {"name": "C", "product_identifier": "C", "category_ids": ["99999"]},
            {"name": "D", "product_identifier": "D", "category_ids": [2]},
            {"name": "E", "external_id": "E-1", "product_trait_values": [{"value": "x"}]},
        ],
    ).json()
    assert refused["data"] == [] and [e["status"] for e in refused["errors"]] == ["INVALID"] * 5
    assert "unknown trait_name 'Colour'" in refused["errors"][0]["message"]
    assert "SKU traits" in refused["errors"][1]["message"]
    assert "unknown category id '99999'" in refused["errors"][2]["message"]
    assert refused["errors"][4]["details"] == {"index": 4, "external_id": "E-1"}


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
    assert resp["errors"][2]["details"] == {
        "index": 2,
        "external_id": "Test Style 1",
        "product_id": "1252163",
    }
    assert len(resp["data"]) == 1
    assert v4.post("/v4/products/bulk_create", json={"name": "not a list"}).status_code == 400


def test_product_update_needs_an_id_and_ignores_external_id(v4, sandbox, clock) -> None:
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    clock.advance(30)
    resp = v4.post(
        "/v4/products/bulk_update",
        json=[
            {
                "id": seed.product_id,
                "name": "Renamed top",
                "external_id": "ignored",
                "tags": [{"name": "Fit", "value": "Slim", "code": "SL", "parent_id": 7}],
                "product_trait_values": [
                    {"trait_name": "Division", "value": "Womenswear", "external_id": "WW"}
                ],
            },
            {"id": "999", "name": "x"},
            {"name": "Linen Shirt", "external_id": "VV-100", "product_identifier": "VV-100"},
        ],
    ).json()
    assert resp["data"][0]["name"] == "Renamed top" and resp["data"][0]["external_id"] == "Test Style 1"
    assert resp["data"][0]["tags"] == [{"name": "Fit", "value": "Slim", "code": "SL", "parent_id": "7"}]
    assert [(e["status"], e["message"]) for e in resp["errors"]] == [
        ("NOT_FOUND", "product '999' not found"),
        ("INVALID", "id is required"),
    ]
    assert resp["errors"][1]["details"] == {"index": 2, "external_id": "VV-100"}
    assert seed.modified == sandbox.now()
    assert seed.fields["style_name"] == "Renamed top" and seed.fields["division_code"] == "WW"
    assert seed.fields["silhouette"] == "Slim"  # traits not named are kept


# -- SKUs ----------------------------------------------------------------------------------------------


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


def test_sku_shape_as_joors_sample(v4, sandbox) -> None:
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    sku_id = seed.sku_ids[("C1", "34")]
    (sku,) = v4.get("/v4/skus", params={"sku_ids": sku_id}).json()["data"]
    assert list(sku) == ["id", "product_id", "external_id", "sku_identifier", "trait_values", "identifiers"]
    prefix, product_id, number = base64.b64decode(sku["id"]).decode().split("|")
    assert (prefix, product_id) == ("0", "1252163") and number.isdigit()
    assert sku["product_id"] == "1252163"
    color, size = sku["trait_values"]
    assert color == {
        "trait": {"id": COLOR_TRAIT_ID, "name": "Color"},
        "value": "Combo 1",
        "external_id": "C1",
        "order_minimum": 0,
        "order_nbr": 1,
        "status": "ACTIVE",
        "hexColor": None,
        "swatch": None,
        "images": seed.colors[0]["v4_images"],  # the seed's color image
    }
    assert size == {
        "trait": {"id": SIZE_TRAIT_ID, "name": "Size"},
        "value": "34",
        "external_id": "34",
        "order_minimum": None,
        "order_nbr": 1,
        "status": "ACTIVE",
        "hexColor": None,
        "swatch": None,
        "images": None,
    }
    assert sku["identifiers"] == [{"type": "UPC", "value": "5414855153708"}]


def test_skus_list_all_or_by_product_or_sku(v4, sandbox) -> None:
    total = sum(len(s.sku_ids) for s in sandbox.catalog.styles.values())
    everything = v4.get("/v4/skus", params={"page_size": 500}).json()["data"]
    assert len(everything) == total and len({s["id"] for s in everything}) == total
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    by_product = v4.get("/v4/skus", params={"product_ids": seed.product_id}).json()["data"]
    assert [s["id"] for s in by_product] == list(seed.sku_ids.values())
    two = list(seed.sku_ids.values())[:2]
    assert [s["id"] for s in v4.get("/v4/skus", params={"sku_ids": ",".join(two)}).json()["data"]] == two
    assert v4.get("/v4/skus", params={"product_ids": "nope"}).json()["data"] == []


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
            {**_sku(product_id, "Noir", "001", "S"), "external_id": "N-S"},
        ],
    ).json()
    assert partial["data"] == []
    assert len(partial["errors"]) == 3
    assert "001/M" in partial["errors"][0]["message"]
    assert partial["errors"][2]["details"] == {"index": 2, "external_id": "N-S", "product_id": product_id}
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
    v2 = client_for(sandbox).get(f"/v2/style/{product_id}").json()["styles"]["style"]
    assert [c["color_code"] for c in as_list(v2["colors"], "color")] == ["003", "001"]
    assert [s["size_name"] for s in as_list(v2["sizes"], "size")] == ["S", "M"]
    assert [u["upc"] for u in as_list(v2["upcs"], "style_upc")] == ["0000000000017"]
    assert v2["style_number"] == "CL-1"
    listed = v4.get("/v4/skus", params={"product_ids": product_id}).json()["data"]
    assert {s["id"] for s in listed} == {s["id"] for s in full["data"]}


def test_skus_by_trait_name_with_lowercase_identifier_types(v4, sandbox) -> None:
    product_id = v4.post("/v4/products/bulk_create", json=[{"name": "Tee", "external_id": "Z-1"}]).json()[
        "data"
    ][0]["id"]
    items = [
        {
            "product_id": product_id,
            "external_id": f"v-{color}-{size}",
            "sku_identifier": f"TEE-{color}-{size}",
            "trait_values": [
                {"trait_name": "Color", "value": color, "external_id": color, "order_nbr": c + 1},
                {
                    "trait_name": "size",
                    "value": size,
                    "external_id": size,
                    "order_nbr": s + 1,
                    "status": "INACTIVE",
                }
                if size == "M"
                else {"trait_name": "Size", "value": size, "external_id": size, "order_nbr": s + 1},
            ],
            "identifiers": [
                {"type": "upc", "value": f"12345::{color}{size}"},
                {"type": "Mpn", "value": f"M-{color}{size}"},
            ],
        }
        for c, color in enumerate(("Red", "Blue"))
        for s, size in enumerate(("S", "M"))
    ]
    resp = v4.post("/v4/skus/bulk_create", json=items).json()
    assert resp["errors"] == [] and len(resp["data"]) == 4
    blue_m = resp["data"][3]
    assert blue_m["identifiers"] == [
        {"type": "upc", "value": "12345::BlueM"},
        {"type": "Mpn", "value": "M-BlueM"},
    ]
    assert [(t["value"], t["order_nbr"], t["status"]) for t in blue_m["trait_values"]] == [
        ("Blue", 2, "ACTIVE"),
        ("M", 2, "INACTIVE"),
    ]
    assert blue_m["external_id"] == "v-Blue-M" and blue_m["sku_identifier"] == "TEE-Blue-M"
    bad = v4.post(
        "/v4/skus/bulk_create",
        json=[
            {**items[0], "identifiers": [{"type": "isbn", "value": "1"}]},
            {
                **items[0],
                "trait_values": [*items[0]["trait_values"], {"trait_name": "Color", "value": "Green"}],
            },
            {
                **items[0],
                "trait_values": [
                    {"trait_name": "Color", "value": "Red", "status": "active"},
                    items[0]["trait_values"][1],
                ],
            },
            {**items[0], "product_id": int(product_id)},
        ],
    ).json()
    assert [e["status"] for e in bad["errors"]] == ["INVALID"] * 4
    assert all(e["details"]["external_id"] == "v-Red-S" for e in bad["errors"])


def test_duplicate_sku_reports_its_id(v4, sandbox) -> None:
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    resp = v4.post("/v4/skus/bulk_create", json=[_sku(seed.product_id, "Combo 1", "C1", "36")]).json()
    error = resp["errors"][0]
    assert error["status"] == "DUPLICATED"
    assert error["details"]["sku_id"] == seed.sku_ids[("C1", "36")]
    assert error["details"]["product_id"] == seed.product_id


def test_adding_a_size_needs_every_color_and_sizes_are_case_sensitive(v4, sandbox) -> None:
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    one = v4.post("/v4/skus/bulk_create", json=[_sku(seed.product_id, "Combo 1", "C1", "46")]).json()
    assert one["errors"] and "C2/46" in one["errors"][0]["message"]
    assert set(one["errors"][0]["details"]) == {"index", "product_id"}
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
    assert len(sandbox.catalog.styles[int(pid)].sku_ids) == 2


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


def test_sku_update_renames_its_color_and_size_across_the_product(v4, sandbox, clock) -> None:
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    ids_before = dict(seed.sku_ids)
    sku_id = seed.sku_ids[("C2", "44")]
    clock.advance(10)
    resp = v4.post(
        "/v4/skus/bulk_update",
        json=[
            {
                "id": sku_id,
                "external_id": "EXT-C2-44",
                "trait_values": [
                    {
                        "trait_id": COLOR_TRAIT_ID,
                        "value": "Combo Deux",
                        "external_id": "C2B",
                        "order_minimum": 3,
                        "status": "INACTIVE",
                    },
                    {"trait_name": "Size", "value": "44L", "external_id": "44-L", "order_minimum": 2},
                ],
                "identifiers": [{"type": "ean", "value": "4006381333931"}],
            }
        ],
    ).json()
    assert resp["errors"] == []
    (sku,) = resp["data"]
    assert sku["id"] == sku_id and sku["external_id"] == "EXT-C2-44"
    assert [(t["value"], t["external_id"], t["order_minimum"], t["status"]) for t in sku["trait_values"]] == [
        ("Combo Deux", "C2B", 3, "INACTIVE"),
        ("44L", "44-L", 2, "ACTIVE"),
    ]
    assert sku["identifiers"] == [{"type": "ean", "value": "4006381333931"}]
    # every SKU keeps its id; the whole color and size were renamed
    assert sorted(seed.sku_ids.values()) == sorted(ids_before.values())
    other = v4.get("/v4/skus", params={"sku_ids": seed.sku_ids[("C2B", "34")]}).json()["data"][0]
    assert (
        other["trait_values"][0]["value"] == "Combo Deux" and other["trait_values"][0]["status"] == "INACTIVE"
    )
    v2 = client_for(sandbox).get(f"/v2/style/{SEED_STYLE_ID}").json()["styles"]["style"]
    assert [c["color_code"] for c in as_list(v2["colors"], "color")] == ["C1", "C2B"]
    assert "44L" in [s["size_name"] for s in as_list(v2["sizes"], "size")]
    assert {(u["sku_color_code"], u["sku_size"]) for u in as_list(v2["upcs"], "style_upc")} >= {
        ("C2B", "44L")
    }
    assert seed.modified == sandbox.now()
    refused = v4.post(
        "/v4/skus/bulk_update",
        json=[
            {
                "id": sku_id,
                "trait_values": [{"trait_id": COLOR_TRAIT_ID, "value": "Combo 1", "external_id": "C1"}],
            },
            {"id": sku_id, "trait_values": [{"trait_id": SIZE_TRAIT_ID, "value": "34"}]},
            {"external_id": "x"},
            {"id": "bm9wZQ==", "sku_identifier": "x"},
        ],
    ).json()
    assert [(e["status"], e["details"]["index"]) for e in refused["errors"]] == [
        ("INVALID", 0),
        ("INVALID", 1),
        ("INVALID", 2),
        ("NOT_FOUND", 3),
    ]
    assert refused["errors"][2]["message"] == "id is required"
    assert refused["errors"][0]["details"]["id"] == sku_id


def test_renaming_a_color_keeps_order_lines_pointing_at_it(v4, sandbox) -> None:
    line_owner = next((o, line) for o in sandbox.catalog.orders.values() for line in o.lines)
    order, line = line_owner
    style = sandbox.catalog.styles[line.style_id]
    old_code = line.color_code
    resp = v4.post(
        "/v4/skus/bulk_update",
        json=[
            {
                "id": line.sku_id,
                "trait_values": [{"trait_id": COLOR_TRAIT_ID, "external_id": f"{old_code}-X"}],
            }
        ],
    ).json()
    assert resp["errors"] == []
    assert line.color_code == f"{old_code}-X"
    assert style.sku_ids[(line.color_code, line.size_name)] == line.sku_id
    assert sandbox.catalog.find_sku(line.sku_id) == (style, (line.color_code, line.size_name))


def test_sku_update_by_external_id(v4, sandbox) -> None:
    pid = v4.post("/v4/products/bulk_create", json=[{"name": "Cap", "external_id": "CAP"}]).json()["data"][0][
        "id"
    ]
    traits = [
        {"trait_name": "Color", "value": "Unique Color", "external_id": "Unique Color", "order_nbr": 1},
        {"trait_name": "Size", "value": "Unique Size", "external_id": "Unique Size", "order_nbr": 1},
    ]
    made = v4.post(
        "/v4/skus/bulk_create",
        json=[
            {
                "product_id": pid,
                "external_id": "1070325040",
                "sku_identifier": "MCT-001",
                "trait_values": traits,
            }
        ],
    ).json()
    assert made["errors"] == []
    resp = v4.post(
        "/v4/skus/bulk_update_by_external_id",
        json=[
            {
                "external_id": "1070325040",
                "sku_identifier": "MCT-002",
                "trait_values": traits,
                "identifiers": [{"type": "upc", "value": "1234567890::1070325040"}],
            },
            {"external_id": "no-such-sku", "sku_identifier": "x"},
            {"sku_identifier": "x"},
        ],
    ).json()
    assert resp["data"][0]["id"] == made["data"][0]["id"]
    assert resp["data"][0]["sku_identifier"] == "MCT-002" and resp["data"][0]["external_id"] == "1070325040"
    assert resp["data"][0]["identifiers"] == [{"type": "upc", "value": "1234567890::1070325040"}]
    assert [(e["status"], e["details"].get("external_id")) for e in resp["errors"]] == [
        ("NOT_FOUND", "no-such-sku"),
        ("INVALID", None),
    ]


# -- prices ---------------------------------------------------------------------------------------


def test_price_types_derive_from_catalog_labels(v4, sandbox) -> None:
    data = v4.get("/v4/price_types").json()["data"]
    assert all(set(p) == {"id", "name", "currency_code", "retail_currency_code"} for p in data)
    assert all(p["id"].isdigit() for p in data)
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


def test_sku_prices_have_ids_and_nested_price_types(v4, sandbox) -> None:
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    first_sku = seed.sku_ids[("C1", "34")]
    lucy = next(p for p in v4.get("/v4/price_types").json()["data"] if p["name"] == "LUCY")
    prices = v4.get("/v4/prices", params={"sku_ids": first_sku}).json()["data"]
    row = next(p for p in prices if p["price_type"]["id"] == lucy["id"])
    assert list(row) == ["id", "sku_id", "price_type", "wholesale_value", "retail_value"]
    assert row["price_type"] == lucy
    assert (row["sku_id"], row["wholesale_value"], row["retail_value"]) == (first_sku, "53.00", "145.00")
    assert len({p["id"] for p in prices}) == len(prices) == 5
    dup = v4.post(
        "/v4/prices/bulk_create",
        json=[{"sku_id": first_sku, "price_type_id": lucy["id"], "wholesale_value": "50.00"}],
    ).json()
    assert dup["errors"][0]["status"] == "DUPLICATED"
    assert (
        dup["errors"][0]["details"]["sku_id"] == first_sku and dup["errors"][0]["details"]["id"] == row["id"]
    )
    bad = v4.post(
        "/v4/prices/bulk_update",
        json=[
            {"id": row["id"], "wholesale_value": 50},
            {"id": row["id"]},
            {"id": row["id"], "wholesale_value": "100000.00"},
            {"id": "cHJpY2U=", "wholesale_value": "1.00"},
        ],
    ).json()
    assert [e["status"] for e in bad["errors"]] == ["INVALID", "INVALID", "INVALID", "NOT_FOUND"]
    assert "string" in bad["errors"][0]["message"]
    ok = v4.post("/v4/prices/bulk_update", json=[{"id": row["id"], "wholesale_value": "49.50"}]).json()
    assert ok["errors"] == []
    assert ok["data"] == [{**row, "wholesale_value": "49.50"}]
    fallback = v4.post(
        "/v4/prices/bulk_update",
        json=[{"sku_id": first_sku, "price_type_id": lucy["id"], "retail_value": "150.00"}],
    ).json()
    assert fallback["data"][0]["id"] == row["id"] and fallback["data"][0]["retail_value"] == "150.00"
    v2 = client_for(sandbox).get(f"/v2/style/{SEED_STYLE_ID}").json()["styles"]["style"]
    lucy_v2 = next(p for p in as_list(v2["prices"], "price") if p["price_label"] == "LUCY")
    assert float(lucy_v2["price_wholesale"]) == 49.5
    other_sku = seed.sku_ids[("C2", "40")]
    other = v4.get("/v4/prices", params={"sku_ids": other_sku}).json()["data"]
    assert next(p for p in other if p["price_type"]["id"] == lucy["id"])["wholesale_value"] == "53.00"


def test_prices_by_price_type_name(v4, sandbox) -> None:
    pid = v4.post("/v4/products/bulk_create", json=[{"name": "Sock", "external_id": "SOCK"}]).json()["data"][
        0
    ]["id"]
    sku = v4.post("/v4/skus/bulk_create", json=[_sku(pid, "Noir", "001", "OS")]).json()["data"][0]["id"]
    resp = v4.post(
        "/v4/prices/bulk_create",
        json=[
            {"sku_id": sku, "price_type_name": "USD-1", "wholesale_value": "25.00", "retail_value": "50.00"},
            {
                "sku_id": sku,
                "price_type_name": "EXPORT-US",
                "price_type_currency_code": "USD",
                "wholesale_value": "30.00",
            },
            {
                "sku_id": sku,
                "price_type_name": "USD",
                "price_type_currency_code": "USD",
                "wholesale_value": "25.00",
            },
            {"sku_id": sku, "wholesale_value": "25.00"},
        ],
    ).json()
    assert [(p["price_type"]["name"], p["wholesale_value"], p["retail_value"]) for p in resp["data"]] == [
        ("USD-1", "25.00", "50.00"),
        ("EXPORT-US", "30.00", None),
    ]
    assert [(e["status"], e["details"]["sku_id"]) for e in resp["errors"]] == [("INVALID", sku)] * 2
    assert "no price type named 'USD' in USD" in resp["errors"][0]["message"]


# -- seasons, collections --------------------------------------------------------------------------


def test_seasons(v4, sandbox) -> None:
    listed = v4.get("/v4/seasons").json()["data"]
    assert all(list(s) == ["id", "name", "external_id", "year"] and s["id"].isdigit() for s in listed)
    assert {"name": "Summer", "external_id": "S2016", "year": 2016} in [
        {k: s[k] for k in ("name", "external_id", "year")} for s in listed
    ]
    season = v4.post("/v4/seasons", json={"name": "Pre-Fall", "year": 2027, "external_id": "PF27"}).json()
    assert season["errors"] == []
    assert list(season["data"][0]) == ["id", "name", "external_id", "year"]
    bulk = v4.post(
        "/v4/seasons/bulk_create", json=[{"name": "SPRING 2022", "year": 2022, "external_id": "SP22"}]
    ).json()
    assert bulk["errors"] == [] and bulk["data"][0]["external_id"] == "SP22"
    again = v4.post("/v4/seasons", json=[{"name": "Pre-Fall", "year": 2027, "external_id": "PF27"}]).json()
    assert again["errors"][0]["status"] == "DUPLICATED"
    assert again["errors"][0]["details"] == {
        "index": 0,
        "external_id": "PF27",
        "season_id": season["data"][0]["id"],
    }
    upd = v4.post(
        "/v4/seasons/bulk_update",
        json=[{"id": season["data"][0]["id"], "name": "Pre-Fall 27", "external_id": "PF-27"}],
    ).json()
    assert upd["data"] == [
        {"id": season["data"][0]["id"], "name": "Pre-Fall 27", "external_id": "PF-27", "year": 2027}
    ]
    clash = v4.post(
        "/v4/seasons/bulk_update", json=[{"id": season["data"][0]["id"], "external_id": "SP22"}, {"id": "1"}]
    ).json()
    assert [e["status"] for e in clash["errors"]] == ["DUPLICATED", "NOT_FOUND"]


def test_collections_shape_and_exact_sku_subsets(v4, sandbox) -> None:
    season = v4.post("/v4/seasons", json={"name": "Pre-Fall", "year": 2027, "external_id": "PF27"}).json()
    season_id = season["data"][0]["id"]
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    subset = [seed.sku_ids[("C1", "34")], seed.sku_ids[("C2", "36")], seed.sku_ids[("C2", "38")]]
    col = v4.post(
        "/v4/collections/bulk_create",
        json=[
            {
                "name": "Pre-Fall '27 Delivery 1",
                "external_id": "PF27-D1",
                "season_id": season_id,
                "delivery": {
                    "start_ship_date": "2027-05-01",
                    "complete_ship_date": "2027-06-15",
                    "cancel_date": "2027-07-01",
                    "minimum_shipping_window": 14,
                },
                "items": [{"product_id": seed.product_id, "order_number": 3, "sku_ids": subset}],
            },
            {"name": "No external id"},
            {"name": "Dup", "external_id": "PF27-D1"},
        ],
    ).json()
    assert [(e["status"], e["details"]["index"]) for e in col["errors"]] == [
        ("INVALID", 1),
        ("DUPLICATED", 2),
    ]
    (made,) = col["data"]
    assert made == {
        "id": made["id"],
        "name": "Pre-Fall '27 Delivery 1",
        "external_id": "PF27-D1",
        "delivery": {
            "start_ship_date": "2027-05-01",
            "complete_ship_date": "2027-06-15",
            "cancel_date": "2027-07-01",
            "minimum_shipping_window": 14,
        },
        "season": {"id": season_id, "name": "Pre-Fall", "external_id": "PF27", "year": 2027},
        "visibility": "OWNER",
        "items": [{"product_id": seed.product_id, "order_number": 3, "sku_ids": subset}],
    }
    v2 = client_for(sandbox).get(f"/v2/style/{SEED_STYLE_ID}").json()["styles"]["style"]
    delivery = next(d for d in as_list(v2["deliveries"], "delivery") if d["delivery_code"] == "PF27-D1")
    assert delivery["season_name"] == "Pre-Fall" and delivery["date_delivery_start"] == "2027-05-01"
    assert as_list(delivery["color_exclusions"], "color_exclusion") == []
    listed = v4.get("/v4/collections", params={"page_size": 500}).json()["data"]
    assert next(c for c in listed if c["external_id"] == "PF27-D1") == made
    other = sandbox.catalog.sorted_styles()[1]
    upd = v4.post(
        "/v4/collections/bulk_update",
        json=[
            {
                "id": made["id"],
                "name": "Renamed",
                "delivery": {"cancel_date": None},
                "items": [
                    {"product_id": seed.product_id, "sku_ids": subset[:1]},
                    {"product_id": other.product_id},
                ],
            },
            {"id": made["id"]},
            {"id": "nope", "name": "x"},
        ],
    ).json()
    assert [(e["status"], e["message"]) for e in upd["errors"]] == [
        ("INVALID", "name is required (at most 100 characters)"),
        ("NOT_FOUND", "collection 'nope' not found"),
    ]
    (after,) = upd["data"]
    assert after["name"] == "Renamed" and after["external_id"] == "PF27-D1"
    assert after["delivery"]["cancel_date"] is None and after["delivery"]["start_ship_date"] == "2027-05-01"
    assert after["items"] == [
        {"product_id": seed.product_id, "order_number": 3, "sku_ids": subset[:1]},
        {"product_id": other.product_id, "order_number": None, "sku_ids": list(other.sku_ids.values())},
    ]
    v2 = client_for(sandbox).get(f"/v2/style/{SEED_STYLE_ID}").json()["styles"]["style"]
    delivery = next(d for d in as_list(v2["deliveries"], "delivery") if d["delivery_code"] == "PF27-D1")
    assert [e["color_code"] for e in as_list(delivery["color_exclusions"], "color_exclusion")] == ["C2"]


def test_collections_seeded_with_v2_deliveries(v4, sandbox) -> None:
    listed = v4.get("/v4/collections", params={"page_size": 500}).json()["data"]
    summer = next(c for c in listed if c["external_id"] == "S16")
    assert (
        summer["season"]["external_id"] == "S2016" and summer["delivery"]["start_ship_date"] == "2016-01-15"
    )
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    # the seed document excludes color C1 from this delivery
    assert summer["items"] == [
        {
            "product_id": seed.product_id,
            "order_number": 25,
            "sku_ids": [sid for (color, _), sid in seed.sku_ids.items() if color == "C2"],
        }
    ]


# -- orders ------------------------------------------------------------------------------------------


def test_orders_create_update_and_line_items(v4, sandbox) -> None:
    # Order rules in detail: tests/joor/sandbox/test_orders.py. Here: the v4 round trip and the v2 view.
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    retailer_id = next(iter(sandbox.catalog.retailers))
    usd = next(p["id"] for p in v4.get("/v4/price_types").json()["data"] if p["name"] == "EXPORT-US")
    collection_id = next(iter(sandbox.catalog.collections))
    created = v4.post(
        "/v4/orders/bulk_create",
        json=[
            {
                "retailer_id": retailer_id,
                "price_type_id": usd,
                "collection_id": collection_id,
                "status": "PENDING",
            },
            {
                "retailer_id": "nope",
                "price_type_id": usd,
                "collection_id": collection_id,
                "status": "PENDING",
            },
        ],
    ).json()
    assert created["errors"][0]["details"]["index"] == 1
    order = created["data"][0]
    assert order["status"] == "PENDING" and order["id"].isdigit()
    by_id = v4.get("/v4/orders", params={"order_ids": order["id"]}).json()["data"]
    assert by_id == [order]
    added = v4.post(
        "/v4/orders/sku_line_items/bulk_create",
        json=[{"order_id": order["id"], "sku_id": seed.sku_ids[("C1", "36")], "quantity": 4}],
    ).json()
    assert added["errors"] == [] and added["data"][0]["line_item_sku"]["wholesale_price"] == 95.0
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
    listed = v4.get("/v4/orders", params={"status": "APPROVED", "page_size": 500}).json()["data"]
    assert order["id"] in {o["id"] for o in listed}
    # the same order in v2 (v2 order_id = v4 id), approved, not yet exported
    v2 = client_for(sandbox).get(
        "/v2/order", params={"order_type": 6, "export_status": 2, "sync": 0, "count": 1000}
    )
    assert order["id"] in {str(o["order_id"]) for o in as_list(v2.json()["orders"], "order")}


def test_unknown_v4_route(v4) -> None:
    resp = v4.get("/v4/widgets")
    assert resp.status_code == 404
    assert resp.json()["errors"][0]["status"] == "NOT_FOUND"


# -- what real public clients send (tests/joor/conformance_cases.py) --------------------------------


def _replay(sb, token: str, case_id: str, ctx: dict, body=None) -> httpx.Response:
    """Send a conformance case as the client builds it (placeholders filled from `ctx`). The
    Authorization header is always `Bearer <token>`: how clients authenticate is not this test's
    subject (tests/joor/test_conformance.py sends each client's own)."""
    return send(sb, case(case_id), ctx, body=body, authorization=f"Bearer {token}")


def _ok(resp: httpx.Response) -> dict:
    assert resp.status_code == 200, resp.text
    doc = resp.json()
    assert doc["errors"] == [], doc["errors"]
    return doc


def test_zumzie_catalog_requests_are_accepted(sandbox) -> None:
    token = login(sandbox)["access_token"]
    ctx: dict = {}
    listed = _ok(_replay(sandbox, token, "zumzie-products-get", ctx))
    assert all({"id", "product_identifier"} <= set(p) for p in listed["data"])
    created = _ok(_replay(sandbox, token, "zumzie-products-bulk-create", ctx))
    assert created["data"][0]["product_identifier"] == "1072481060"
    ctx["product_id"] = created["data"][0]["id"]
    skus = _ok(_replay(sandbox, token, "zumzie-skus-bulk-create", ctx))
    assert skus["data"][0]["sku_identifier"] == "MCT-001"
    assert skus["data"][0]["identifiers"] == [{"type": "upc", "value": "1234567890::1070325040"}]
    ctx["sku_id"] = skus["data"][0]["id"]
    second = _ok(
        _replay(
            sandbox,
            token,
            "zumzie-products-bulk-create",
            ctx,
            body=[{"name": "Synthetic", "external_id": "2", "product_identifier": "2"}],
        )
    )
    grid = _ok(
        _replay(sandbox, token, "zumzie-skus-bulk-create-color-size", {"product_id": second["data"][0]["id"]})
    )
    assert [s["sku_identifier"] for s in grid["data"]] == [
        "SYN-RED-S",
        "SYN-RED-M",
        "SYN-BLU-S",
        "9100000004",
    ]
    # zumzie names its price type "USD"; the seeded account has none of that name: a clear refusal...
    refused = _replay(sandbox, token, "zumzie-prices-bulk-create", ctx).json()
    assert refused["data"] == [] and refused["errors"][0]["details"]["sku_id"] == ctx["sku_id"]
    assert "no price type named 'USD' in USD" in refused["errors"][0]["message"]
    # ... and with such a price type in the account the same request is written.
    sandbox.catalog.add_price_type("USD", "USD")
    priced = _ok(_replay(sandbox, token, "zumzie-prices-bulk-create", ctx))
    assert (
        priced["data"][0]["price_type"]["name"] == "USD" and priced["data"][0]["wholesale_value"] == "25.00"
    )
    assert _replay(sandbox, token, "zumzie-prices-bulk-create-empty", ctx).json() == {
        "data": [],
        "errors": [],
    }
    _ok(_replay(sandbox, token, "zumzie-products-bulk-update", ctx))
    updated = _ok(_replay(sandbox, token, "zumzie-skus-bulk-update-by-external-id", ctx))
    assert updated["data"][0]["id"] == ctx["sku_id"]
    everything = _ok(_replay(sandbox, token, "zumzie-skus-get", ctx))  # no filter, no paging: all
    assert len(everything["data"]) == sum(len(s.sku_ids) for s in sandbox.catalog.styles.values())
    _ok(_replay(sandbox, token, "zumzie-price-types-get", ctx))
    _ok(_replay(sandbox, token, "zumzie-collections-get", ctx))


def test_viveren_catalog_requests_are_accepted(sandbox) -> None:
    token = login(sandbox)["access_token"]
    categories = _ok(_replay(sandbox, token, "viveren-categories-get", {}))["data"]
    tops = [c for c in categories if c["name"] == "Tops"]
    assert {c["department"] for c in tops} == {"WOMEN", "MEN"} and all(isinstance(c["id"], str) for c in tops)
    ctx = {"category_id": tops[0]["id"]}
    created = _ok(_replay(sandbox, token, "viveren-products-bulk-create", ctx))
    ctx["product_id"] = created["data"][0]["id"]
    assert created["data"][0]["categories"] == [tops[0]]
    again = _replay(sandbox, token, "viveren-products-bulk-create", ctx).json()
    assert again["errors"][0]["status"] == "DUPLICATED"  # viveren then re-sends it to bulk_update...
    resync = _replay(sandbox, token, "viveren-products-bulk-update-after-duplicated", ctx).json()
    assert [(e["status"], e["message"]) for e in resync["errors"]] == [("INVALID", "id is required")]
    skus = _ok(_replay(sandbox, token, "viveren-skus-bulk-create", ctx))
    assert [s["trait_values"][0]["external_id"] for s in skus["data"]] == ["000000", "000000"]
    ctx["sku_id"] = skus["data"][0]["id"]
    ctx["price_type_id"] = _ok(_replay(sandbox, token, "viveren-price-types-get", ctx))["data"][0]["id"]
    _ok(_replay(sandbox, token, "viveren-prices-bulk-create", ctx))
    dup = _replay(sandbox, token, "viveren-prices-bulk-create", ctx).json()
    assert (
        dup["errors"][0]["status"] == "DUPLICATED" and dup["errors"][0]["details"]["sku_id"] == ctx["sku_id"]
    )
    ctx["price_id"] = _ok(_replay(sandbox, token, "viveren-prices-get", ctx))["data"][0]["id"]
    updated = _ok(_replay(sandbox, token, "viveren-prices-bulk-update", ctx))
    assert updated["data"][0]["id"] == ctx["price_id"]
    assets = _ok(_replay(sandbox, token, "viveren-assets-products", ctx))
    assert [a["filename"] for a in assets["data"]] == ["VV-100-1.jpg", "VV-100-2.gif"]
    style = sandbox.catalog.styles[int(ctx["product_id"])]
    # JOOR appends a random string to each uploaded file name
    assert [re.sub(r"-[0-9a-f]{6}\.", ".", p.rsplit("/", 1)[1]) for p in style.images] == [
        "VV-100-1.jpg",
        "VV-100-2.gif",
    ]
    _ok(_replay(sandbox, token, "viveren-assets-sku-trait-values", ctx))
    assert re.fullmatch(r".*/000000-[0-9a-f]{6}\.png", style.colors[0]["color_image"])


def test_csharp_catalog_requests_are_accepted(sandbox) -> None:
    token = login(sandbox)["access_token"]
    created = _ok(_replay(sandbox, token, "csharp-products-bulk-create", {}))
    ctx = {"product_id": created["data"][0]["id"]}
    _ok(_replay(sandbox, token, "csharp-skus-bulk-create", ctx))
    listed = _ok(_replay(sandbox, token, "csharp-products-get", ctx))["data"]
    assert all(p["external_id"] is not None for p in listed)
    skus = _ok(_replay(sandbox, token, "csharp-skus-get", ctx))["data"]
    assert [t["value"] for t in skus[0]["trait_values"]] == ["White", "Large"]
    assert skus[0]["identifiers"] == [{"type": "upc", "value": f"MPN-{ctx['product_id']}"}]
    _ok(_replay(sandbox, token, "csharp-categories-get", ctx))
