"""The linesheet pass end to end: the real engine, both sandboxes over HTTP (WSGI)."""

import json
import time

import httpx
import pytest

from joorsync.linesheets.models import LinesheetDirection, LinesheetLink
from joorsync.linesheets.to_shopify import SETTLED_AFTER
from joorsync.sync.models import ProductLink, ProductProblem, SyncEvent, SyncJob
from shopify_app.admin import collections as api
from shopify_app.sandbox.models import parse_gid
from tests.linesheets.support import expected_deliveries, linesheets_on
from tests.sync.engine_support import make_world

pytestmark = pytest.mark.django_db
SETTLED = SETTLED_AFTER.total_seconds() + 0.05  # past the second of the writes and the clocks' leeway


def _collections(world):
    client = world.shopify_client()
    return {
        c.title: (c, api.collection_product_ids(client, collection_id=c.id))
        for c in api.collections_iter(client)
    }


def _summary(job):
    return SyncEvent.objects.get(job=job, action="linesheets_summary").details


def _metafields(world, collection_id):
    state = world.shopify_sandbox.shop()
    collection = state.collections.collections[parse_gid(collection_id, "Collection")]
    return {(m.namespace, m.key): m.value for m in collection.metafields}


def test_each_delivery_is_a_manual_collection_in_display_order_and_resyncs_add_nothing():
    world = make_world(styles=14)
    linesheets_on(world)
    job, result = world.run()
    assert result.counts.errors == 0
    expected = expected_deliveries(world)
    links = {link.joor_key: link for link in LinesheetLink.objects.filter(shop=world.shop)}
    assert set(links) == set(expected)
    by_id = {c.id: (c, products) for c, products in _collections(world).values()}
    for code, products in expected.items():
        collection, held = by_id[links[code].shopify_collection_id]
        assert collection.sort_order == "MANUAL"
        assert held == products, code
    # The seed style's first delivery: its ship window and season, and the color it leaves out.
    seed = links["S16"]
    assert seed.title == "Summer '16 Basic Women"
    fields = _metafields(world, seed.shopify_collection_id)
    assert fields[("joor", "ship_start")] == "2016-01-15"
    assert fields[("joor", "ship_end")] == "2016-03-31"
    assert fields[("joor", "season")] == "Summer 2016"
    excluded = json.loads(fields[("joor", "color_exclusions")])
    assert [c["code"] for c in excluded[0]["colors"]] == ["C1"]
    first = _summary(job)
    lookups = -(-len(expected) // 25)  # before creating: is any of them there already?
    minimum = lookups + len(expected) + sum(-(-len(p) // 250) for p in expected.values()) + 1
    assert first["api"]["shopify_requests"] <= minimum * 1.2
    # Once past the second of the writes, the first re-sync compares each collection's first page of
    # products with the agreed order (a reorder within that second leaves `updatedAt` as it was)...
    time.sleep(SETTLED)
    again, _ = world.run()
    assert _summary(again)["products_added"] == 0
    assert _summary(again)["api"]["shopify_requests"] == 1 + len(expected)
    # ...and from then on, any number of re-syncs: nothing added twice, and one read is all it costs.
    for _ in range(2):
        again, _ = world.run()
        assert _summary(again)["products_added"] == 0
        assert _summary(again)["api"]["shopify_requests"] == 1
    assert {t: p for t, (_, p) in _collections(world).items()} == {
        links[code].title: products for code, products in expected.items()
    }


def _move(world, style_id, code_from, code_to, order):
    style = world.joor_sandbox.style(style_id)
    deliveries = [d for d in style["deliveries"] if d["delivery_code"] != code_from]
    target = next(
        d
        for other in ProductLink.objects.filter(shop=world.shop)
        for d in world.joor_sandbox.style(other.joor_style_id)["deliveries"]
        if d["delivery_code"] == code_to
    )
    deliveries.append({**target, "style_display_order": order, "color_exclusions": []})
    world.joor_sandbox.edit_style(style_id, {"deliveries": deliveries})


def test_a_style_moved_between_deliveries_moves_between_collections_and_its_history_says_so():
    world = make_world(styles=14)
    linesheets_on(world)
    world.run()
    expected = expected_deliveries(world)
    code_from = next(code for code, products in expected.items() if len(products) >= 2 and code != "S16")
    code_to = next(
        code
        for code, products in expected.items()
        if code not in (code_from, "S16", "F16") and len(products) >= 2
    )
    moved = ProductLink.objects.get(shop=world.shop, shopify_product_id=expected[code_from][-1])
    if moved.shopify_product_id in expected[code_to]:
        moved = ProductLink.objects.get(shop=world.shop, shopify_product_id=expected[code_from][0])
    _move(world, moved.joor_style_id, code_from, code_to, order=0)  # first on its new linesheet
    job, _ = world.run()
    after = expected_deliveries(world)
    assert after[code_to][0] == moved.shopify_product_id
    links = {link.joor_key: link for link in LinesheetLink.objects.filter(shop=world.shop)}
    client = world.shopify_client()
    for code in (code_from, code_to):
        assert (
            api.collection_product_ids(client, collection_id=links[code].shopify_collection_id) == after[code]
        )
    actions = set(SyncEvent.objects.filter(job=job, link=moved).values_list("action", flat=True))
    assert {"linesheet_added", "linesheet_removed"} <= actions


def test_a_product_taken_out_in_shopify_is_put_back_while_joor_lists_it_and_extra_products_stay():
    world = make_world(styles=14)
    linesheets_on(world)
    world.run()
    expected = expected_deliveries(world)
    code = next(code for code, products in expected.items() if len(products) >= 2)
    link = LinesheetLink.objects.get(shop=world.shop, joor_key=code)
    client = world.shopify_client()
    taken = expected[code][0]
    extra = next(
        p for p in expected[next(c for c in expected if taken not in expected[c])] if p not in expected[code]
    )
    time.sleep(1.05)  # a later edit: Shopify's `updatedAt` has a one-second resolution
    api.collection_products_remove(client, collection_id=link.shopify_collection_id, product_ids=[taken])
    api.collection_products_add(client, collection_id=link.shopify_collection_id, product_ids=[extra])
    job, _ = world.run()
    assert api.collection_product_ids(client, collection_id=link.shopify_collection_id) == [
        *expected[code],
        extra,
    ]
    assert _summary(job)["products_put_back"] == 1
    event = SyncEvent.objects.get(job=job, action="linesheet_put_back")
    assert event.link.shopify_product_id == taken


def test_a_color_excluded_everywhere_on_a_delivery_keeps_the_style_off_that_collection():
    world = make_world(styles=6)
    linesheets_on(world)
    world.run()
    seed = ProductLink.objects.get(shop=world.shop, style_number="Test Style 1")
    style = world.joor_sandbox.style(seed.joor_style_id)
    colors = [{"color_code": c["color_code"], "color_name": c["color_name"]} for c in style["colors"]]
    deliveries = [
        {**d, "color_exclusions": colors} if d["delivery_code"] == "S16" else d for d in style["deliveries"]
    ]
    world.joor_sandbox.edit_style(seed.joor_style_id, {"deliveries": deliveries})
    job, _ = world.run()
    link = LinesheetLink.objects.get(shop=world.shop, joor_key="S16")
    client = world.shopify_client()
    assert seed.shopify_product_id not in api.collection_product_ids(
        client, collection_id=link.shopify_collection_id
    )
    fall = LinesheetLink.objects.get(shop=world.shop, joor_key="F16")
    assert api.collection_product_ids(client, collection_id=fall.shopify_collection_id) == [
        seed.shopify_product_id
    ]
    assert SyncEvent.objects.filter(job=job, action="linesheet_removed", link=seed).exists()


class RefuseCreate(httpx.BaseTransport):
    """Shopify answering a user error to the creation of one collection."""

    def __init__(self, inner, title):
        self.inner, self.title = inner, title

    def handle_request(self, request):
        body = json.loads(request.content or b"{}")
        wanted = ((body.get("variables") or {}).get("collection") or {}).get("title")
        if "collectionCreate" in (body.get("query") or "") and wanted == self.title:
            answer = {
                "data": {
                    "collectionCreate": {
                        "collection": None,
                        "userErrors": [{"field": ["title"], "message": "Title is not allowed"}],
                    }
                }
            }
            return httpx.Response(200, json=answer)
        return self.inner.handle_request(request)


def test_a_refused_collection_is_a_problem_of_that_collection_and_the_run_goes_on():
    world = make_world(styles=8)
    linesheets_on(world)
    job = SyncJob.objects.create(
        shop=world.shop,
        kind=SyncJob.Kind.FULL,
        status=SyncJob.Status.RUNNING,
        direction=world.account.direction,
    )
    transport = RefuseCreate(httpx.WSGITransport(app=world.shopify_sandbox), "Fall '16 Women")
    result = world.execute(job, shopify_transport=transport)
    SyncJob.objects.filter(pk=job.pk).update(status=SyncJob.Status.SUCCEEDED)
    assert result.counts.shopify["created"] == 8
    problem = ProductProblem.objects.get(
        shop=world.shop, status=ProductProblem.Status.OPEN, code="shopify_refused"
    )
    assert "Title is not allowed" in problem.message
    link = LinesheetLink.objects.get(shop=world.shop, joor_key="F16")
    assert problem.subject == f"linesheet:{link.pk}" and not link.shopify_collection_id
    assert (
        LinesheetLink.objects.filter(shop=world.shop).exclude(shopify_collection_id="").count()
        == len(expected_deliveries(world)) - 1
    )
    # The next run makes it, and the problem is solved.
    world.run()
    problem.refresh_from_db()
    assert problem.status == ProductProblem.Status.SOLVED
    assert LinesheetLink.objects.get(pk=link.pk).shopify_collection_id


def test_off_by_default_and_a_dry_run_writes_nothing():
    world = make_world(styles=4)
    world.run()
    assert not LinesheetLink.objects.exists()
    assert list(api.collections_iter(world.shopify_client())) == []
    linesheets_on(world)
    job, _ = world.run(dry_run=True)
    assert list(api.collections_iter(world.shopify_client())) == []
    assert "nothing written" in SyncEvent.objects.get(job=job, action="linesheets_summary").message


def test_a_chosen_shopify_collection_reaches_joor_as_a_linesheet_in_its_order():
    world = make_world(styles=6)
    world.run()
    client = world.shopify_client()
    made = api.collection_create(client, collection={"title": "Capsule", "sortOrder": "MANUAL"}).collection
    links = list(ProductLink.objects.filter(shop=world.shop).order_by("-joor_style_id")[:3])
    api.collection_products_add(
        client, collection_id=made.id, product_ids=[link.shopify_product_id for link in links]
    )
    linesheets_on(world, LinesheetDirection.SHOPIFY_TO_JOOR, shopify_collections=[made.id])
    job, result = world.run()
    assert result.counts.errors == 0
    code = f"shopify-{made.id.rsplit('/', 1)[-1]}"
    for position, link in enumerate(links, start=1):
        placed = [
            d
            for d in world.joor_sandbox.style(link.joor_style_id)["deliveries"]
            if d["delivery_code"] == code
        ]
        assert [(d["delivery_name"], d["style_display_order"]) for d in placed] == [("Capsule", position)]
    # Order changed in Shopify: JOOR follows; the JOOR → Shopify side never copies it back.
    api.collection_products_reorder(client, collection_id=made.id, moves=[(links[2].shopify_product_id, 0)])
    linesheets_on(world, LinesheetDirection.BOTH, shopify_collections=[made.id])
    world.run()
    orders = {
        link.pk: next(
            d["style_display_order"]
            for d in world.joor_sandbox.style(link.joor_style_id)["deliveries"]
            if d["delivery_code"] == code
        )
        for link in links
    }
    assert [orders[link.pk] for link in (links[2], links[0], links[1])] == [1, 2, 3]
    assert [c.title for c in api.collections_iter(client)].count("Capsule") == 1


def test_a_chosen_collection_reaches_a_v4_account_as_one_collection_with_its_products_in_order():
    from joorsync.joor.sandbox.defaults import (
        DEFAULT_ACCOUNT_ID,
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        DEFAULT_PASSWORD,
        DEFAULT_USERNAME,
    )
    from tests.sync.engine_support import JOOR_BASE

    world = make_world(
        styles=6,
        api_generation="v4",
        token="",
        client_id=DEFAULT_CLIENT_ID,
        client_secret=DEFAULT_CLIENT_SECRET,
        username=DEFAULT_USERNAME,
        password=DEFAULT_PASSWORD,
        account_id=DEFAULT_ACCOUNT_ID,
        auth_url=f"{JOOR_BASE}/auth/",
    )
    world.run()
    client = world.shopify_client()
    made = api.collection_create(
        client, collection={"title": "Editor's picks", "sortOrder": "MANUAL"}
    ).collection
    links = list(ProductLink.objects.filter(shop=world.shop).order_by("joor_style_id")[:3])
    api.collection_products_add(
        client, collection_id=made.id, product_ids=[link.shopify_product_id for link in links]
    )
    linesheets_on(world, LinesheetDirection.SHOPIFY_TO_JOOR, shopify_collections=[made.id])
    world.run()
    world.run()  # unchanged: nothing is written again
    code = f"shopify-{made.id.rsplit('/', 1)[-1]}"
    found = [c for c in world.joor_client().collections_list() if c.external_id == code]
    assert len(found) == 1
    items = sorted(found[0].items, key=lambda i: i.order_number)
    assert [i.product_id for i in items] == [str(link.joor_style_id) for link in links]
    assert LinesheetLink.objects.get(shop=world.shop, joor_key=code).joor_collection_id == found[0].id
