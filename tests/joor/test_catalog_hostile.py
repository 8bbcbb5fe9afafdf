"""Broken and hostile answers to the catalog calls: each gives a clear typed error, and a write that may
have been stored is never sent twice."""

from __future__ import annotations

import random

import httpx
import pytest

from joorsync.joor.client import JoorClient
from joorsync.joor.errors import JoorBadPayload, JoorPermanentError, JoorTransientError
from joorsync.joor.records_catalog import ProductAsset
from tests.clocks import FakeClock

from .test_client_support import Reply, ScriptedApp
from .test_v4_client import FakeJoorV4, v4_client

SN = "Test Style 1"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def v2_client(app: ScriptedApp, clock: FakeClock) -> JoorClient:
    return JoorClient(
        base_url="http://joor.test",
        token="t",
        transport=httpx.WSGITransport(app=app),
        sleep=clock.sleep,
        clock=clock,
        rng=random.Random(2),
    )


def _upload(client: JoorClient, **kwargs) -> object:
    return client.style_image_upload(
        style_number=SN, style_identifier=SN, filename="a.jpg", display_order=1, content=JPEG, **kwargs
    )


def test_an_unreadable_upload_answer_is_not_retried():
    clock = FakeClock()
    app = ScriptedApp(
        lambda seen: Reply(200, b'{"response": {"code": "0"', {"Content-Type": "application/json"})
    )
    client = v2_client(app, clock)
    with pytest.raises(JoorBadPayload, match="may have been stored"):
        _upload(client)
    assert len(app.seen) == 1
    assert app.seen[0].headers["Content-Type"] == "image/jpeg" and app.seen[0].body == JPEG


def test_a_failed_plain_upload_is_sent_once_but_a_replacing_one_is_retried():
    clock = FakeClock()
    app = ScriptedApp(lambda seen: Reply(503, b"busy"))
    with pytest.raises(JoorTransientError):
        _upload(v2_client(app, clock))
    assert len(app.seen) == 1
    replacing = ScriptedApp(
        [
            Reply(503, b"busy"),
            Reply(200, {"response": {"code": "0", "log_id": "L"}, "image_path": "/x/a-1.jpg"}),
        ]
    )
    result = _upload(v2_client(replacing, clock), replace_existing=True)
    assert len(replacing.seen) == 2 and result.image_path == "/x/a-1.jpg"


@pytest.mark.parametrize(
    ("reply", "error", "match"),
    [
        (Reply(200, {"response": {"code": "400", "comment": "bad file"}}), JoorPermanentError, "bad file"),
        (Reply(200, {"response": {"code": "0"}, "image_path": 7}), JoorBadPayload, "image_path"),
        (Reply(200, {"image_path": "/x"}), JoorBadPayload, "no response node"),
        (Reply(200, ["not", "an", "object"]), JoorBadPayload, "not a JSON object"),
        (Reply(415, {"response": {"code": "415", "comment": "Content-Type"}}), JoorPermanentError, "415"),
    ],
)
def test_upload_answers_of_the_wrong_shape(reply, error, match):
    with pytest.raises(error, match=match):
        _upload(v2_client(ScriptedApp([reply]), FakeClock()))


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ({"style_image_deleted": {"response": "u"}}, "image_deleted"),
        ({"image_deleted": {"style_number": SN, "upload_id": "x1"}}, "upload_id"),
        ({"image_deleted": {"style_number": {"a": 1}}}, "style_number"),
        (b"<?xml version='1.0'?><!DOCTYPE r [<!ENTITY e 'x'>]><r>&e;</r>", "not valid JSON"),
    ],
)
def test_delete_answers_of_the_wrong_shape(body, match):
    app = ScriptedApp([Reply(200, body)])
    with pytest.raises(JoorBadPayload, match=match):
        v2_client(app, FakeClock()).style_image_delete(
            style_number=SN, style_identifier=SN, filename="a-1.jpg"
        )


def _v4(api) -> tuple[JoorClient, ScriptedApp]:
    app = ScriptedApp(FakeJoorV4(api))
    return v4_client(app, FakeClock()), app


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ([{"id": None, "name": "USD-1"}], "has no id"),
        ([{"id": "1", "name": ["USD"]}], "name is not a string"),
        ("USD-1", "other than objects"),
        ([7], "other than objects"),
    ],
)
def test_price_types_of_the_wrong_shape(data, match):
    client, _ = _v4(lambda seen: Reply(200, {"data": data, "errors": []}))
    with pytest.raises(JoorBadPayload, match=match):
        client.price_types_list()


def test_price_types_answer_that_is_not_json_is_retried_then_fails():
    client, app = _v4(lambda seen: Reply(200, b'{"data": [', {"Content-Type": "application/json"}))
    with pytest.raises(JoorTransientError, match="malformed"):
        client.price_types_list()
    assert sum(1 for s in app.seen if s.path == "/v4/price_types") > 1


@pytest.mark.parametrize(
    ("price", "match"),
    [
        ({"id": "p", "sku_id": "s", "price_type": {"id": "1"}, "wholesale_value": "abc"}, "wholesale_value"),
        (
            {"id": "p", "sku_id": "s", "price_type": {"id": "1"}, "wholesale_value": "-1.00"},
            "wholesale_value",
        ),
        ({"id": "p", "sku_id": "s", "price_type": "USD-1", "wholesale_value": "1.00"}, "price_type"),
        ({"id": "p", "price_type": {"id": "1"}, "wholesale_value": "1.00"}, "no sku_id"),
        ({"id": "p", "sku_id": "s", "wholesale_value": "1.00"}, "no price_type_id"),
    ],
)
def test_sku_prices_of_the_wrong_shape(price, match):
    client, _ = _v4(lambda seen: Reply(200, {"data": [price], "errors": []}))
    with pytest.raises(JoorBadPayload, match=match):
        client.sku_prices_list(sku_ids=["s"])


def test_a_read_error_in_the_envelope_is_a_failure():
    client, _ = _v4(
        lambda seen: Reply(200, {"data": [], "errors": [{"status": "FORBIDDEN", "message": "no"}]})
    )
    with pytest.raises(JoorPermanentError, match="FORBIDDEN"):
        client.collections_list()


@pytest.mark.parametrize(
    ("collection", "match"),
    [
        ({"id": "c", "delivery": {"start_ship_date": "31/12/2026"}}, "start_ship_date"),
        ({"id": "c", "delivery": "IMMEDIATE"}, "delivery is not an object"),
        ({"id": "c", "items": {"product_id": "1"}}, "items is not a list"),
        ({"id": "c", "items": [{"product_id": "1", "sku_ids": [{"id": "s"}]}]}, "sku_ids"),
        ({"id": "c", "items": [{"product_id": "1", "order_number": "first"}]}, "order_number"),
        ({"id": "c", "season": {"id": "1", "year": True}}, "year"),
        ({"name": "no id"}, "has no id"),
    ],
)
def test_collections_of_the_wrong_shape(collection, match):
    client, _ = _v4(lambda seen: Reply(200, {"data": [collection], "errors": []}))
    with pytest.raises(JoorBadPayload, match=match):
        client.collections_list()


def test_color_images_of_the_wrong_shape():
    sku = {
        "id": "s",
        "product_id": "1",
        "trait_values": [
            {"trait": {"id": "U0tVVHJhaXQ6U3R5bGVDb2xvcg==", "name": "Color"}, "images": "a.jpg"}
        ],
    }
    client, _ = _v4(lambda seen: Reply(200, {"data": [sku], "errors": []}))
    with pytest.raises(JoorBadPayload, match="GET /v4/skus: .*images is not a list"):
        client.color_images_list(product_ids=["1"])


def test_an_unreadable_asset_answer_is_not_retried_unless_it_replaces():
    asset = ProductAsset(
        product_id="1", type="image", filename="a.jpg", source_url="https://cdn.example.com/a.jpg"
    )
    client, app = _v4(lambda seen: Reply(200, b"<html>gateway", {"Content-Type": "text/html"}))
    with pytest.raises(JoorTransientError):
        client.product_assets_create([asset])
    assert sum(1 for s in app.seen if s.path == "/v4/assets/products") == 1
    client, app = _v4(lambda seen: Reply(200, b"<html>gateway", {"Content-Type": "text/html"}))
    with pytest.raises(JoorTransientError):
        client.product_assets_create([asset], replace_all=True)
    posts = [s for s in app.seen if s.path == "/v4/assets/products"]
    assert len(posts) > 1 and posts[0].query["replace_all"] == ["true"]
