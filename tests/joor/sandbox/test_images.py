"""Style images through v2 upload, v4 product assets and v4 SKU trait value assets."""

from __future__ import annotations

import re

from joorsync.joor.sandbox.defaults import COLOR_TRAIT_ID, SEED_STYLE_ID

from .conftest import ACCOUNT, client_for, login, raw_client

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
BASE = "/v2/style-number/Test Style 1/Test Style 1/image/"
AS_PNG = {"Content-Type": "image/png"}
AS_JPEG = {"Content-Type": "image/jpeg"}


def sent_name(path: str) -> str:
    """The file name a client sent, from the stored path (JOOR appends a random string)."""
    return re.sub(r"-[0-9a-f]{6}(\.\w+)$", r"\1", path.rsplit("/", 1)[1])


def test_upload_orders_and_replaces_images(client, sandbox, clock) -> None:
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    before = len(seed.images)
    clock.advance(5)
    first = client.post(
        BASE, params={"filename": "front.png", "display_order": 1}, content=PNG, headers=AS_PNG
    )
    assert first.status_code == 200, first.text
    assert sent_name(first.json()["image_path"]) == "front.png"
    assert first.json()["image_path"] != "/img/uploads/accounts/1001/images/front.png"  # JOOR's suffix
    assert seed.images[0] == first.json()["image_path"] and len(seed.images) == before + 1
    assert seed.modified == sandbox.now()
    client.post(
        BASE,
        params={"filename": "back.jpg", "display_order": 1, "replace_existing": "true"},
        content=JPEG,
        headers=AS_JPEG,
    )
    assert [sent_name(p) for p in seed.images] == ["back.jpg"]
    swatch = client.post(
        BASE,
        params={"filename": "c2.png", "swatch": "true", "color_code": "C2", "display_order": 1},
        content=PNG,
        headers=AS_PNG,
    )
    assert swatch.status_code == 200
    assert sent_name(seed.colors[1]["color_image"]) == "c2.png"
    by_url = client.post(
        BASE, params={"filename": "web.jpg", "display_order": 2, "url": "https://cdn.example.com/web.jpg"}
    )
    assert by_url.status_code == 200


def test_upload_refusals(client) -> None:
    cases = [
        ({"filename": "x.gif", "display_order": 1}, PNG, AS_PNG),
        ({"filename": "x.png", "display_order": 1}, b"GIF89a", AS_PNG),
        ({"filename": "x.png", "display_order": 1}, JPEG, AS_PNG),
        ({"filename": "x.png", "display_order": 1}, b"", AS_PNG),
        ({"filename": "x.png", "display_order": "first"}, PNG, AS_PNG),
        ({"filename": "x.png"}, PNG, AS_PNG),
        ({"filename": "x" * 66 + ".png", "display_order": 1}, PNG, AS_PNG),
        ({"filename": "x.png", "swatch": "true", "color_code": "C9", "display_order": 1}, PNG, AS_PNG),
        ({"filename": "x.png", "swatch": "true", "display_order": 1}, PNG, AS_PNG),
        ({"filename": "x.png", "url": "ftp://example.com/x.png", "display_order": 1}, b"", {}),
        ({"filename": "x.png", "display_order": 1}, PNG + b"\x00" * (4 * 1024 * 1024), AS_PNG),
    ]
    for params, body, headers in cases:
        resp = client.post(BASE, params=params, content=body, headers=headers)
        assert resp.status_code == 400, params
        assert resp.json()["response"]["code"] == "400"
    untyped = client.post(BASE, params={"filename": "x.png", "display_order": 1}, content=PNG)
    assert untyped.status_code == 415 and "image/jpeg or image/png" in untyped.json()["response"]["comment"]
    assert (
        client.post(
            "/v2/style-number/a/b/image/", params={"filename": "x.png", "display_order": 1}, content=PNG
        ).status_code
        == 404
    )


def _v4_post(sandbox, path, body, **params):
    token = login(sandbox)["access_token"]
    return raw_client(sandbox).post(
        path, params={**ACCOUNT, **params}, json=body, headers={"Authorization": f"Bearer {token}"}
    )


def _asset(product_id, kind, filename, order=None):
    item = {
        "product": {"id": product_id},
        "asset": {"type": kind, "filename": filename, "source_url": f"https://cdn.example.com/{filename}"},
    }
    if order is not None:
        item["display_order"] = order
    return item


def test_v4_product_assets(sandbox) -> None:
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    pid = seed.product_id
    body = [
        _asset(pid, "image", "b.gif", 1),
        _asset(pid, "image", "a.jpg", 0),
        _asset(pid, "video", "c.mp4"),
        _asset(pid, "swatch", "s.png"),
        _asset(pid, "image", "x" * 97 + ".jpg"),
        _asset(pid, "image", "c.webp"),
        _asset(pid, "video", "d.mov"),
        _asset(pid, "model", "m.jpg"),
        {**_asset(pid, "image", "e.jpg"), "asset": {"type": "image", "filename": "e.jpg", "source_url": "x"}},
        _asset("999", "image", "f.jpg"),
        _asset(pid, "video", "g.mp4"),
    ]
    resp = _v4_post(sandbox, "/v4/assets/products", body, replace_all="true")
    assert resp.status_code == 200
    data, errors = resp.json()["data"], resp.json()["errors"]
    assert [(a["type"], a["filename"]) for a in data] == [
        ("image", "b.gif"),
        ("image", "a.jpg"),
        ("video", "c.mp4"),
        ("swatch", "s.png"),
    ]
    assert [e["details"]["index"] for e in errors] == [4, 5, 6, 7, 8, 9, 10]
    assert all(e["status"] == "INVALID" and e["details"]["product_id"] for e in errors)
    assert "one video" in errors[-1]["message"]
    # display_order sorts (viveren sends 0-based positions); replace_all dropped the seed image
    assert [sent_name(p) for p in seed.images] == ["a.jpg", "b.gif"]
    assert [sent_name(p) for p in seed.videos] == ["c.mp4"]
    v2 = client_for(sandbox).get(f"/v2/style/{SEED_STYLE_ID}").json()["styles"]["style"]
    assert [sent_name(p) for p in v2["images"]] == ["a.jpg", "b.gif"]
    # replace_all replaces only the types the request uploads
    again = _v4_post(sandbox, "/v4/assets/products", [_asset(pid, "video", "h.mp4")], replace_all="true")
    assert again.json()["errors"] == []
    assert [sent_name(p) for p in seed.videos] == ["h.mp4"] and len(seed.images) == 2
    added = _v4_post(sandbox, "/v4/assets/products", [_asset(pid, "image", "z.png")])
    assert added.json()["errors"] == []
    assert [sent_name(p) for p in seed.images] == ["a.jpg", "b.gif", "z.png"]


def test_v4_sku_trait_value_assets(sandbox) -> None:
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    pid = seed.product_id
    body = [
        {
            "product": {"id": pid},
            "sku_trait_value": {"trait": {"name": "color"}, "value": {"external_id": "C2"}},
            "asset": {"type": "swatch", "filename": "c2.png", "source_url": "https://cdn.example.com/c2.png"},
        },
        {
            "product": {"id": pid},
            "sku_trait_value": {"trait": {"id": COLOR_TRAIT_ID}, "value": {"value": "Combo 1"}},
            "asset": {"type": "image", "filename": "c1.jpg", "source_url": "https://cdn.example.com/c1.jpg"},
        },
        {
            "product": {"id": pid},
            "sku_trait_value": {"trait": {"name": "size"}, "value": {"external_id": "34"}},
            "asset": {"type": "swatch", "filename": "s.png", "source_url": "https://cdn.example.com/s.png"},
        },
        {
            "product": {"id": pid},
            "sku_trait_value": {"trait": {"name": "color"}, "value": {"external_id": "C9"}},
            "asset": {"type": "swatch", "filename": "c9.png", "source_url": "https://cdn.example.com/c9.png"},
        },
    ]
    resp = _v4_post(sandbox, "/v4/assets/sku_trait_values/", body)
    assert resp.status_code == 200
    assert len(resp.json()["data"]) == 2
    assert [e["details"]["index"] for e in resp.json()["errors"]] == [2, 3]
    assert sent_name(seed.colors[1]["color_image"]) == "c2.png"
    token = login(sandbox)["access_token"]
    skus = raw_client(sandbox).get(
        "/v4/skus", params={**ACCOUNT, "product_ids": pid}, headers={"Authorization": f"Bearer {token}"}
    )
    by_color = {s["trait_values"][0]["external_id"]: s["trait_values"][0] for s in skus.json()["data"]}
    assert sent_name(by_color["C2"]["swatch"]) == "c2.png"
    # the seed's color image stays; the new one follows it
    assert [sent_name(p) for p in by_color["C1"]["images"]] == ["Test Style 1-C1.jpg", "c1.jpg"]
