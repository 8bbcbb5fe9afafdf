"""Style images through v2 upload and v4 product assets."""

from __future__ import annotations

from joorsync.joor.sandbox.defaults import SEED_STYLE_ID

from .conftest import ACCOUNT, client_for, login, raw_client

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
BASE = "/v2/style-number/Test Style 1/Test Style 1/image/"


def test_upload_orders_and_replaces_images(client, sandbox, clock) -> None:
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    clock.advance(5)
    first = client.post(BASE, params={"filename": "front.png", "display_order": 1}, content=PNG)
    assert first.status_code == 200, first.text
    assert first.json()["image_path"].endswith("/images/front.png")
    assert seed.images[0].endswith("/front.png") and len(seed.images) == 2
    assert seed.modified == sandbox.now()
    client.post(BASE, params={"filename": "back.jpg", "replace_existing": "true"}, content=JPEG)
    assert [p.rsplit("/", 1)[1] for p in seed.images] == ["back.jpg"]
    swatch = client.post(
        BASE, params={"filename": "c2.png", "swatch": "true", "color_code": "C2"}, content=PNG
    )
    assert swatch.status_code == 200
    assert seed.colors[1]["color_image"].endswith("/c2.png")
    by_url = client.post(BASE, params={"filename": "web.jpg", "url": "https://cdn.example.com/web.jpg"})
    assert by_url.status_code == 200


def test_upload_refusals(client) -> None:
    cases = [
        ({"filename": "x.gif"}, PNG),
        ({"filename": "x.png"}, b"GIF89a"),
        ({"filename": "x.png"}, b""),
        ({"filename": "x.png", "display_order": "first"}, PNG),
        ({"filename": "x.png", "swatch": "true", "color_code": "C9"}, PNG),
        ({"filename": "x.png", "url": "ftp://example.com/x.png"}, b""),
        ({"filename": "x.png"}, PNG + b"\x00" * (4 * 1024 * 1024)),
    ]
    for params, body in cases:
        resp = client.post(BASE, params=params, content=body)
        assert resp.status_code == 400, params
        assert resp.json()["response"]["code"] == "400"
    assert (
        client.post("/v2/style-number/a/b/image/", params={"filename": "x.png"}, content=PNG).status_code
        == 404
    )


def test_v4_product_assets(sandbox) -> None:
    token = login(sandbox)["access_token"]
    client = raw_client(sandbox)
    seed = sandbox.catalog.styles[SEED_STYLE_ID]
    body = [
        {
            "product": {"id": seed.product_id},
            "asset": {"type": "image", "filename": "a.jpg", "source_url": "https://cdn.example.com/a.jpg"},
            "display_order": 1,
        },
        {
            "product": {"id": seed.product_id},
            "asset": {"type": "image", "filename": "b.jpg", "source_url": "https://cdn.example.com/b.jpg"},
            "display_order": 2,
        },
        {
            "product": {"id": seed.product_id},
            "asset": {"type": "video", "filename": "c.mp4", "source_url": "x"},
        },
    ]
    resp = client.post(
        "/v4/assets/products",
        params={**ACCOUNT, "replace_all": "true"},
        json=body,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert resp.status_code == 200
    assert len(resp.json()["data"]) == 2 and resp.json()["errors"][0]["details"]["index"] == 2
    assert [p.rsplit("/", 1)[1] for p in seed.images] == ["a.jpg", "b.jpg"]
    v2 = client_for(sandbox).get(f"/v2/style/{SEED_STYLE_ID}").json()["styles"]["style"]
    assert [p.rsplit("/", 1)[1] for p in v2["images"]] == ["a.jpg", "b.jpg"]
