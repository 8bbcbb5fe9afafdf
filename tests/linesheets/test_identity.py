"""Renames either way, a creation whose answer is lost (no second collection or linesheet), and a
reorder in the same second as the app's write. The real engine, both sandboxes over HTTP (WSGI)."""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any

import httpx
import pytest

from joorsync.linesheets.models import LinesheetDirection, LinesheetLink
from joorsync.linesheets.to_shopify import SETTLED_AFTER
from joorsync.sync.models import ProductLink, ProductProblem, SyncEvent, SyncJob
from shopify_app.admin import collections as api
from shopify_app.sandbox.models import parse_gid
from tests.linesheets.support import expected_deliveries, linesheets_on
from tests.sync.engine_support import World, make_world

pytestmark = pytest.mark.django_db
SETTLED = SETTLED_AFTER.total_seconds() + 0.05


def _summary(job: SyncJob) -> dict[str, Any]:
    return SyncEvent.objects.get(job=job, action="linesheets_summary").details


def _titles(world: World) -> list[str]:
    return [c.title for c in api.collections_iter(world.shopify_client())]


def _rename_in_joor(world: World, code: str, name: str) -> None:
    """A brand user renames the linesheet in JOOR: every style on it shows the new name."""
    for link in ProductLink.objects.filter(shop=world.shop):
        style = world.joor_sandbox.style(link.joor_style_id)
        deliveries = style["deliveries"]
        if any(d["delivery_code"] == code for d in deliveries):
            renamed = [{**d, "delivery_name": name} if d["delivery_code"] == code else d for d in deliveries]
            world.joor_sandbox.edit_style(link.joor_style_id, {"deliveries": renamed})


def _v4_world(styles: int = 6) -> World:
    from joorsync.joor.sandbox.defaults import (
        DEFAULT_ACCOUNT_ID,
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        DEFAULT_PASSWORD,
        DEFAULT_USERNAME,
    )
    from tests.sync.engine_support import JOOR_BASE

    return make_world(
        styles=styles,
        api_generation="v4",
        token="",
        client_id=DEFAULT_CLIENT_ID,
        client_secret=DEFAULT_CLIENT_SECRET,
        username=DEFAULT_USERNAME,
        password=DEFAULT_PASSWORD,
        account_id=DEFAULT_ACCOUNT_ID,
        auth_url=f"{JOOR_BASE}/auth/",
    )


class Recording(httpx.BaseTransport):
    """Passes every request on and keeps its method and path; the answers to `lose` (a path's end)
    are lost on the way back: the side did the work, the app hears nothing."""

    def __init__(self, inner: httpx.BaseTransport, *, lose: str = "") -> None:
        self.inner, self.lose = inner, lose
        self.seen: list[tuple[str, str]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append((request.method, request.url.path))
        served = self.inner.handle_request(request)
        response = httpx.Response(served.status_code, headers=served.headers, content=served.read())
        if self.lose and request.url.path.endswith(self.lose):
            raise httpx.ReadTimeout("answer lost", request=request)
        return response


def _job(world: World) -> SyncJob:
    return SyncJob.objects.create(
        shop=world.shop,
        kind=SyncJob.Kind.FULL,
        status=SyncJob.Status.RUNNING,
        direction=world.account.direction,
    )


def _finish(job: SyncJob) -> None:
    SyncJob.objects.filter(pk=job.pk).update(status=SyncJob.Status.SUCCEEDED)


# -- renames -------------------------------------------------------------------------------------------


def test_a_joor_rename_reaches_the_collection_unless_a_person_renamed_it_in_shopify_since():
    world = make_world(styles=6)
    linesheets_on(world)
    world.run()
    link = LinesheetLink.objects.get(shop=world.shop, joor_key="F16")
    client = world.shopify_client()
    _rename_in_joor(world, "F16", "Fall '16 Women — Drop 1")
    job, _ = world.run()
    assert api.collections_lookup(client, query='title:"Fall \'16 Women — Drop 1"')[0].collection.id == (
        link.shopify_collection_id
    )
    event = SyncEvent.objects.get(job=job, action="linesheet_collection_updated", details__linesheet="F16")
    assert "changed: title" in event.message
    # A person renames it in Shopify; JOOR renames it again: the person's title stays, and it is said.
    api.collection_update(client, collection={"id": link.shopify_collection_id, "title": "Autumn capsule"})
    world.run()  # nothing renamed in JOOR since: the person's title stays, silently
    assert "Autumn capsule" in _titles(world)
    _rename_in_joor(world, "F16", "Fall '16 Women — Drop 2")
    job, _ = world.run()
    titles = _titles(world)
    assert "Autumn capsule" in titles and "Fall '16 Women — Drop 2" not in titles
    kept = SyncEvent.objects.get(job=job, action="linesheet_title_kept")
    assert kept.details == {
        "linesheet": "F16",
        "collection": link.shopify_collection_id,
        "kept": "Autumn capsule",
        "joor": "Fall '16 Women — Drop 2",
    }
    assert _summary(job)["titles_kept"] == 1
    # Said once: the next run has nothing new to say.
    again, _ = world.run()
    assert not SyncEvent.objects.filter(job=again, action="linesheet_title_kept").exists()
    assert "Autumn capsule" in _titles(world)


def test_a_renamed_shopify_collection_is_renamed_in_joor_v4_through_bulk_update():
    world = _v4_world()
    world.run()
    client = world.shopify_client()
    made = api.collection_create(client, collection={"title": "Capsule", "sortOrder": "MANUAL"}).collection
    links = list(ProductLink.objects.filter(shop=world.shop).order_by("joor_style_id")[:3])
    api.collection_products_add(
        client, collection_id=made.id, product_ids=[lk.shopify_product_id for lk in links]
    )
    linesheets_on(world, LinesheetDirection.SHOPIFY_TO_JOOR, shopify_collections=[made.id])
    world.run()
    api.collection_update(client, collection={"id": made.id, "title": "Capsule — Resort"})
    transport = Recording(httpx.WSGITransport(app=world.joor_sandbox))
    job = _job(world)
    world.execute(job, joor_transport=transport)
    _finish(job)
    code = f"shopify-{made.id.rsplit('/', 1)[-1]}"
    found = [c for c in world.joor_client().collections_list() if c.external_id == code]
    assert [c.name for c in found] == ["Capsule — Resort"]
    posts = [path for method, path in transport.seen if method == "POST" and "collections" in path]
    assert posts == ["/v4/collections/bulk_update"]
    items = sorted(found[0].items, key=lambda i: i.order_number)
    assert [i.product_id for i in items] == [str(lk.joor_style_id) for lk in links]


def test_a_renamed_shopify_collection_is_renamed_in_joor_v2_with_one_style_write():
    world = make_world(styles=6)
    world.run()
    client = world.shopify_client()
    made = api.collection_create(client, collection={"title": "Capsule", "sortOrder": "MANUAL"}).collection
    links = list(ProductLink.objects.filter(shop=world.shop).order_by("joor_style_id")[:3])
    api.collection_products_add(
        client, collection_id=made.id, product_ids=[lk.shopify_product_id for lk in links]
    )
    linesheets_on(world, LinesheetDirection.SHOPIFY_TO_JOOR, shopify_collections=[made.id])
    world.run()
    api.collection_update(client, collection={"id": made.id, "title": "Capsule — Resort"})
    transport = Recording(httpx.WSGITransport(app=world.joor_sandbox))
    job = _job(world)
    world.execute(job, joor_transport=transport)
    _finish(job)
    code = f"shopify-{made.id.rsplit('/', 1)[-1]}"
    for position, link in enumerate(links, start=1):
        placed = [
            d
            for d in world.joor_sandbox.style(link.joor_style_id)["deliveries"]
            if d["delivery_code"] == code
        ]
        assert [(d["delivery_name"], d["style_display_order"]) for d in placed] == [
            ("Capsule — Resort", position)
        ]
    # The catalog pass writes nothing here; the rename is one style read and one style write.
    writes = [path for method, path in transport.seen if method == "POST"]
    assert len(writes) == 1
    assert LinesheetLink.objects.get(shop=world.shop, joor_key=code).title == "Capsule — Resort"


# -- lost answers --------------------------------------------------------------------------------------


class LoseCollectionCreate(httpx.BaseTransport):
    """Shopify makes the collection titled `title`, and its answer is lost on the way back."""

    def __init__(self, inner: httpx.BaseTransport, title: str) -> None:
        self.inner, self.title = inner, title

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        served = self.inner.handle_request(request)
        response = httpx.Response(served.status_code, headers=served.headers, content=served.read())
        body = json.loads(request.content or b"{}")
        title = ((body.get("variables") or {}).get("collection") or {}).get("title")
        if body.get("operationName") == "CollectionCreate" and title == self.title:
            raise httpx.ReadTimeout("answer lost", request=request)
        return response


def test_a_lost_collection_create_answer_never_makes_a_second_collection():
    world = make_world(styles=8)
    linesheets_on(world)
    job = _job(world)
    world.execute(
        job,
        shopify_transport=LoseCollectionCreate(
            httpx.WSGITransport(app=world.shopify_sandbox), "Fall '16 Women"
        ),
    )
    _finish(job)
    assert _titles(world).count("Fall '16 Women") == 1  # Shopify made it; the app never heard
    link = LinesheetLink.objects.get(shop=world.shop, joor_key="F16")
    assert not link.shopify_collection_id
    problem = ProductProblem.objects.get(shop=world.shop, subject=f"linesheet:{link.pk}")
    assert problem.status == ProductProblem.Status.OPEN
    job, _ = world.run()
    assert _titles(world).count("Fall '16 Women") == 1
    link.refresh_from_db()
    client = world.shopify_client()
    assert link.shopify_collection_id
    assert (
        api.collection_product_ids(client, collection_id=link.shopify_collection_id)
        == (expected_deliveries(world)["F16"])
    )
    assert _summary(job)["collections_found"] == 1
    problem.refresh_from_db()
    assert problem.status == ProductProblem.Status.SOLVED


def test_a_collection_made_before_the_app_lost_its_links_is_taken_over_not_made_again():
    world = make_world(styles=6)
    linesheets_on(world)
    world.run()
    titles = sorted(_titles(world))
    before = {
        link.joor_key: link.shopify_collection_id for link in LinesheetLink.objects.filter(shop=world.shop)
    }
    LinesheetLink.objects.filter(shop=world.shop).delete()  # e.g. the app installed again
    # Another collection of the merchant's holds one linesheet's handle: not taken for the linesheet.
    client = world.shopify_client()
    api.collection_update(client, collection={"id": before["S16"], "handle": "summer-16-basic-women-x"})
    own = api.collection_create(client, collection={"title": "Summer '16 Basic Women"}).collection
    assert own.handle == "summer-16-basic-women"
    world.run()
    after = {
        link.joor_key: link.shopify_collection_id for link in LinesheetLink.objects.filter(shop=world.shop)
    }
    assert after == before
    assert sorted(_titles(world)) == sorted([*titles, "Summer '16 Basic Women"])


def test_a_lost_v4_bulk_create_answer_never_makes_a_second_joor_collection():
    world = _v4_world()
    world.run()
    client = world.shopify_client()
    made = api.collection_create(client, collection={"title": "Capsule", "sortOrder": "MANUAL"}).collection
    links = list(ProductLink.objects.filter(shop=world.shop).order_by("joor_style_id")[:2])
    api.collection_products_add(
        client, collection_id=made.id, product_ids=[lk.shopify_product_id for lk in links]
    )
    linesheets_on(world, LinesheetDirection.SHOPIFY_TO_JOOR, shopify_collections=[made.id])
    job = _job(world)
    world.execute(
        job,
        joor_transport=Recording(
            httpx.WSGITransport(app=world.joor_sandbox), lose="/collections/bulk_create"
        ),
    )
    _finish(job)
    code = f"shopify-{made.id.rsplit('/', 1)[-1]}"
    assert [c.external_id for c in world.joor_client().collections_list()].count(code) == 1
    assert not LinesheetLink.objects.get(shop=world.shop, joor_key=code).joor_collection_id
    assert SyncEvent.objects.filter(job=job, action="linesheets_stopped").exists()
    # The next run finds it by its external_id before creating: no second create is even sent.
    transport = Recording(httpx.WSGITransport(app=world.joor_sandbox))
    job = _job(world)
    world.execute(job, joor_transport=transport)
    _finish(job)
    assert ("POST", "/v4/collections/bulk_create") not in transport.seen
    assert ("GET", "/v4/collections") in transport.seen
    found = [c for c in world.joor_client().collections_list() if c.external_id == code]
    assert len(found) == 1
    assert LinesheetLink.objects.get(shop=world.shop, joor_key=code).joor_collection_id == found[0].id
    assert sorted((i.order_number, i.product_id) for i in found[0].items) == [
        (n, str(lk.joor_style_id)) for n, lk in enumerate(links, start=1)
    ]


# -- a reorder in the app's second -----------------------------------------------------------------------


def _in_second_of(world: World, stamp: str):
    """The Shopify sandbox's clock set back into the second `stamp` (its injectable clock), for an
    edit by a person that Shopify stamps with the same `updatedAt` as the app's write."""
    sandbox = world.shopify_sandbox
    real = sandbox.clock
    target = datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() + 0.5
    offset = target - sandbox.wall()
    sandbox.clock = lambda: real() + offset

    def restore() -> None:
        sandbox.clock = real

    return restore


def test_a_reorder_in_the_same_second_as_the_apps_write_is_still_seen():
    world = make_world(styles=14)
    linesheets_on(world)
    world.run()
    expected = expected_deliveries(world)
    code = next(code for code, products in expected.items() if len(products) >= 3)
    link = LinesheetLink.objects.get(shop=world.shop, joor_key=code)
    state = world.shopify_sandbox.shop()
    collection = state.collections.collections[parse_gid(link.shopify_collection_id, "Collection")]
    stamp = collection.updated_at
    assert stamp == link.shopify_updated_at
    restore = _in_second_of(world, stamp)
    try:
        client = world.shopify_client()
        api.collection_products_reorder(
            client, collection_id=link.shopify_collection_id, moves=[(expected[code][-1], 0)]
        )
    finally:
        restore()
    assert collection.updated_at == stamp  # Shopify's mark cannot tell
    assert api.collection_product_ids(client, collection_id=link.shopify_collection_id) != expected[code]
    job, _ = world.run()
    assert api.collection_product_ids(client, collection_id=link.shopify_collection_id) == expected[code]
    assert _summary(job)["products_moved"] == 1
    # Once a read well after the write found the agreed order, the collection costs nothing more.
    time.sleep(SETTLED)
    checked, _ = world.run()
    assert _summary(checked)["products_moved"] == 0
    link.refresh_from_db()
    assert link.order_checked_at == link.shopify_updated_at
    quiet, _ = world.run()
    assert _summary(quiet)["api"]["shopify_requests"] == 1
