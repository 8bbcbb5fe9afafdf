"""v4 token handling, paging and bulk results against scripted apps (exact request sequences)."""

from __future__ import annotations

import json
import logging
import random
from email.parser import BytesParser
from email.policy import HTTP

import httpx
import pytest

from joorsync.joor.client import JoorClient
from joorsync.joor.errors import JoorAuthError, JoorPermanentError
from joorsync.joor.v4 import sku_batches
from tests.clocks import FakeClock

from .test_client_support import Reply, ScriptedApp, Seen

BASE = "http://joor.test"
AUTH = "http://atlas.test/auth/"
SECRET = "v4-client-secret-xyz"
PASSWORD = "v4-password-abc"


def v4_client(app, clock: FakeClock, **kwargs) -> JoorClient:
    return JoorClient(
        base_url=BASE,
        auth_url=AUTH,
        client_id="cid",
        client_secret=SECRET,
        username="u@x",
        password=PASSWORD,
        account_id="1001",
        transport=httpx.WSGITransport(app=app),
        sleep=clock.sleep,
        clock=clock,
        rng=random.Random(1),
        **kwargs,
    )


def multipart_fields(seen: Seen) -> dict[str, str]:
    """The fields of a multipart/form-data body: JOOR documents the token request that way."""
    content_type = seen.headers.get("Content-Type", "")
    assert content_type.startswith("multipart/form-data"), content_type
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + seen.body
    )
    return {
        part.get_param("name", header="content-disposition"): part.get_content()
        for part in message.iter_parts()
    }


class FakeJoorV4:
    """Issues numbered tokens; API answers come from `api(seen)` once the bearer token is current."""

    def __init__(self, api=None, *, ttl: int = 36000) -> None:
        self.issued = 0
        self.valid: set[str] = set()
        self.grants: list[str] = []
        self.ttl = ttl
        self.api = api or (lambda seen: Reply(200, {"data": [{"id": "p1"}]}))

    def __call__(self, seen: Seen) -> Reply:
        if seen.path == "/auth/":
            form = multipart_fields(seen)
            self.grants.append(form["grant_type"])
            if form["grant_type"] == "password" and form.get("password") != PASSWORD:
                return Reply(
                    401, {"error": "invalid_grant", "error_description": f"bad password {form['password']}"}
                )
            if form["grant_type"] == "refresh_token" and form.get("refresh_token") not in {
                f"refresh-{n}" for n in range(self.issued + 1)
            }:
                return Reply(400, {"error": "invalid_grant"})
            self.issued += 1
            token = f"access-{self.issued}"
            self.valid = {token}
            return Reply(
                200,
                {
                    "access_token": token,
                    "expires_in": self.ttl,
                    "refresh_expires_in": 7776000,
                    "refresh_token": f"refresh-{self.issued}",
                    "token_type": "Bearer",
                },
            )
        if seen.query.get("account") != ["1001"]:
            return Reply(400, {"data": [], "errors": [{"status": "BAD_REQUEST", "message": "account"}]})
        if seen.headers.get("Authorization", "").removeprefix("Bearer ") not in self.valid:
            return Reply(401, {"data": [], "errors": [{"status": "UNAUTHORIZED", "message": "token"}]})
        return self.api(seen)


def test_token_is_fetched_once_and_cached():
    clock = FakeClock()
    fake = FakeJoorV4()
    app = ScriptedApp(fake)
    client = v4_client(app, clock)
    for _ in range(3):
        assert list(client.iter_products()) == [{"id": "p1"}]
    assert fake.grants == ["password"]
    assert [s.path for s in app.seen] == ["/auth/", "/v4/products", "/v4/products", "/v4/products"]
    assert app.seen[1].headers["Authorization"] == "Bearer access-1"
    assert client.usage.auth_requests == 1 and client.usage.requests == 3 and client.usage.credits == 3


def test_token_is_refreshed_before_it_expires():
    clock = FakeClock()
    fake = FakeJoorV4(ttl=600)
    client = v4_client(ScriptedApp(fake), clock)
    list(client.iter_products())
    clock.now += 550  # inside the 60 s renewal margin
    list(client.iter_products())
    assert fake.grants == ["password", "refresh_token"]


def test_a_401_renews_the_token_once_then_succeeds():
    clock = FakeClock()
    fake = FakeJoorV4()
    app = ScriptedApp(fake)
    client = v4_client(app, clock)
    list(client.iter_products())
    fake.valid = set()  # JOOR revoked the token early
    assert list(client.iter_products()) == [{"id": "p1"}]
    assert fake.grants == ["password", "refresh_token"]
    assert [s.path for s in app.seen][-3:] == ["/v4/products", "/auth/", "/v4/products"]


def test_a_persistent_401_is_not_a_retry_storm():
    clock = FakeClock()
    fake = FakeJoorV4(api=lambda seen: Reply(401, {"data": [], "errors": [{"status": "UNAUTHORIZED"}]}))
    app = ScriptedApp(fake)
    client = v4_client(app, clock)
    with pytest.raises(JoorAuthError):
        list(client.iter_products())
    assert [s.path for s in app.seen] == ["/auth/", "/v4/products", "/auth/", "/v4/products"]


def test_bad_credentials_fail_at_once_without_leaking_them(caplog):
    caplog.set_level(logging.DEBUG)
    app = ScriptedApp(FakeJoorV4())
    client = JoorClient(
        base_url=BASE,
        auth_url=AUTH,
        client_id="cid",
        client_secret=SECRET,
        username="u@x",
        password="wrong-password-123",
        account_id="1001",
        transport=httpx.WSGITransport(app=app),
    )
    with pytest.raises(JoorAuthError) as info:
        list(client.iter_products())
    assert len(app.seen) == 1
    for text in (str(info.value), repr(info.value), repr(client), caplog.text, repr(client._v4_credentials)):
        assert "wrong-password-123" not in text and SECRET not in text
    assert "bad password ***" in str(info.value)


def test_pages_follow_meta_or_stop_on_a_short_page():
    def api(seen: Seen) -> Reply:
        page = int(seen.query["page"][0])
        size = int(seen.query["page_size"][0])
        if seen.path == "/v4/products":
            items = [{"id": f"p{(page - 1) * size + i}"} for i in range(size if page < 3 else 1)]
            return Reply(
                200,
                {
                    "data": items,
                    "errors": [],
                    "meta": {"page": page, "page_size": size, "has_more": page < 3},
                },
            )
        items = [{"id": f"s{(page - 1) * size + i}"} for i in range(size if page < 2 else size - 1)]
        return Reply(200, {"data": items})

    app = ScriptedApp(FakeJoorV4(api))
    client = v4_client(app, FakeClock())
    assert len(list(client.iter_products(page_size=2))) == 5
    assert len(list(client.iter_skus(product_ids=["a", "b"], page_size=3))) == 5
    sku_calls = [s for s in app.seen if s.path == "/v4/skus"]
    assert [c.query["page"] for c in sku_calls] == [["1"], ["2"]]
    assert sku_calls[0].query["product_ids"] == ["a,b"]


def test_errors_on_a_read_are_a_failure_even_with_http_200():
    app = ScriptedApp(
        FakeJoorV4(lambda seen: Reply(200, {"data": [], "errors": [{"status": "X", "message": "no"}]}))
    )
    with pytest.raises(JoorPermanentError, match="X: no"):
        list(v4_client(app, FakeClock()).iter_products())


def bulk_api(seen: Seen) -> Reply:
    items = json.loads(seen.body)
    data, errors = [], []
    for index, item in enumerate(items):
        if item.get("name") == "bad":
            errors.append({"status": "INVALID", "message": "name is bad", "details": {"index": index}})
        elif seen.path == "/v4/skus/bulk_create" and item.get("external_id", "").startswith("dup"):
            errors.append(
                {
                    "status": "DUPLICATED",
                    "message": "exists",
                    "details": {"external_id": item["external_id"], "sku_id": "SKU-" + item["external_id"]},
                }
            )
        else:
            data.append({"id": item.get("id") or f"new-{item.get('external_id') or item.get('name')}"})
    return Reply(200, {"data": data, "errors": errors})


def test_bulk_create_batches_by_100_and_reports_per_item_failures():
    app = ScriptedApp(FakeJoorV4(bulk_api))
    client = v4_client(app, FakeClock())
    items = [{"name": "bad" if i in (5, 150) else f"P{i}"} for i in range(250)]
    result = client.bulk_create("products", items)
    sizes = [len(json.loads(s.body)) for s in app.seen if s.path == "/v4/products/bulk_create"]
    assert sizes == [100, 100, 50]
    assert not result.ok and len(result.created) == 248
    assert [f.item for f in result.failures] == [{"name": "bad"}, {"name": "bad"}]
    assert result.failures[0].status == "INVALID"
    with pytest.raises(JoorPermanentError, match="refused 2 item"):
        result.raise_for_failures()
    assert client.usage.credits == 15


def test_sku_duplicates_are_updated_instead():
    app = ScriptedApp(FakeJoorV4(bulk_api))
    client = v4_client(app, FakeClock())
    items = [{"product_id": "P1", "external_id": "new-1"}, {"product_id": "P1", "external_id": "dup-2"}]
    result = client.bulk_create("skus", items)
    assert result.ok, result.failures
    assert result.created == ["new-new-1"] and result.updated == ["SKU-dup-2"]
    update = [s for s in app.seen if s.path == "/v4/skus/bulk_update"]
    assert len(update) == 1
    assert json.loads(update[0].body) == [{"external_id": "dup-2", "id": "SKU-dup-2"}]


def test_bulk_4xx_with_item_errors_becomes_failures_but_a_bare_4xx_raises():
    def api(seen: Seen) -> Reply:
        if seen.path == "/v4/prices/bulk_create":
            return Reply(
                400,
                {
                    "data": [],
                    "errors": [
                        {"status": "INVALID", "message": "wholesale_value required", "details": {"index": 0}}
                    ],
                },
            )
        return Reply(400, "")

    client = v4_client(ScriptedApp(FakeJoorV4(api)), FakeClock())
    result = client.bulk_create("prices", [{"sku_id": "S", "price_type_id": "T"}])
    assert [f.message for f in result.failures] == ["wholesale_value required"]
    with pytest.raises(JoorPermanentError):
        client.bulk_update("orders", [{"id": "O1", "status": "APPROVED"}])


def test_sku_batches_never_split_a_product():
    items = [{"product_id": f"P{p}", "n": n} for p in range(7) for n in range(30)]
    items += [{"product_id": "BIG", "n": n} for n in range(120)]
    batches = sku_batches(items)
    assert all(len(b) <= 100 for b in batches[:-1]) and len(batches[-1]) == 120
    for batch in batches:
        products = {i["product_id"] for i in batch}
        for product in products:
            assert sum(1 for b in batches if any(i["product_id"] == product for i in b)) == 1
    assert sum(len(b) for b in batches) == len(items)


def test_v4_calls_need_v4_credentials():
    client = JoorClient(base_url=BASE, token="v2-only-token")
    with pytest.raises(ValueError, match="v4 credentials"):
        list(client.iter_products())
    with pytest.raises(ValueError):
        client.bulk_create("price_types", [])  # type: ignore[arg-type]


def test_a_refused_batch_fails_every_item_of_it():
    def api(seen: Seen) -> Reply:
        return Reply(
            400, {"data": [], "errors": [{"status": "BATCH_TOO_LARGE", "message": "at most 100 items"}]}
        )

    client = v4_client(ScriptedApp(FakeJoorV4(api)), FakeClock())
    result = client.bulk_update("products", [{"id": "a"}, {"id": "b"}])
    assert [(f.item, f.status) for f in result.failures] == [
        ({"id": "a"}, "BATCH_TOO_LARGE"),
        ({"id": "b"}, "BATCH_TOO_LARGE"),
    ]
    assert client.usage.requests == 1


def test_new_skus_held_back_by_a_duplicate_sibling_are_created_in_a_second_request():
    """A server that writes a product's SKUs all or nothing reports only the duplicates; the client
    updates those and sends the product's other SKUs again."""
    existing = {"P1-C1-S": "SKU-1"}

    def api(seen: Seen) -> Reply:
        items = json.loads(seen.body)
        if seen.path == "/v4/skus/bulk_update":
            return Reply(200, {"data": [{"id": i["id"]} for i in items], "errors": []})
        errors = [
            {
                "status": "DUPLICATED",
                "message": "exists",
                "details": {"index": n, "sku_id": existing[i["external_id"]]},
            }
            for n, i in enumerate(items)
            if i["external_id"] in existing
        ]
        if errors:
            return Reply(200, {"data": [], "errors": errors})
        return Reply(
            200,
            {
                "data": [{"id": "new-" + i["external_id"], "product_id": i["product_id"]} for i in items],
                "errors": [],
            },
        )

    app = ScriptedApp(FakeJoorV4(api))
    client = v4_client(app, FakeClock())
    items = [{"product_id": "P1", "external_id": e} for e in ("P1-C1-S", "P1-C1-M", "P1-C2-S")]
    result = client.bulk_create("skus", items)
    assert result.ok
    assert result.created == ["new-P1-C1-M", "new-P1-C2-S"] and result.updated == ["SKU-1"]
    paths = [s.path for s in app.seen if s.path != "/auth/"]
    assert paths == ["/v4/skus/bulk_create", "/v4/skus/bulk_create", "/v4/skus/bulk_update"]
    assert [i["external_id"] for i in json.loads(app.seen[2].body)] == ["P1-C1-M", "P1-C2-S"]
