"""Shopify refusing some fixed prices of a price list: each refusal is the problem of the product whose
variant Shopify names, the rest of the batch is written and recorded, and the pass goes on."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest

from joorsync.pricing.models import PriceTypeRoute
from joorsync.pricing.price_list_records import DELETE_REFUSED, REFUSED
from joorsync.pricing.price_list_writes import _attributed
from joorsync.sync.engine import RunResult
from joorsync.sync.models import ProductLink, ProductProblem, SyncEvent, SyncJob, VariantLink
from shopify_app.admin import pricing as api
from shopify_app.admin.types import UserError
from tests.sync.engine_support import World, make_world

pytestmark = pytest.mark.django_db

NAME = "JOOR EUR-1 (EUR)"
PRODUCT_DELETE = """
mutation ProductDelete($input: ProductDeleteInput!) {
  productDelete(input: $input) { deletedProductId userErrors { field message } }
}
"""
PRICE_LIST_DELETE = """
mutation PriceListDelete($id: ID!) {
  priceListDelete(id: $id) { deletedId userErrors { field message code } }
}
"""


class Meddling(httpx.BaseTransport):
    """Shopify, where the merchant acts in the admin just before the app's first `operation` call."""

    def __init__(self, world: World, operation: str, before: Callable[[dict[str, Any]], None]) -> None:
        self.inner = httpx.WSGITransport(app=world.shopify_sandbox)
        self.operation = operation
        self.before: Callable[[dict[str, Any]], None] | None = before
        self.sent: list[dict[str, Any]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.read() or b"{}")
        if body.get("operationName") == self.operation:
            self.sent.append(body["variables"])
            if self.before is not None:
                before, self.before = self.before, None
                before(body["variables"])
        return self.inner.handle_request(request)


def _world(styles: int = 2) -> World:
    world = make_world(styles=styles, api_generation="v4")
    PriceTypeRoute.objects.create(
        shop=world.shop, label="EUR-1", currency="EUR", destination="price_list", amount="wholesale"
    )
    return world


def _run(world: World, transport: httpx.BaseTransport) -> RunResult:
    job = SyncJob.objects.create(
        shop=world.shop,
        kind=SyncJob.Kind.FULL,
        status=SyncJob.Status.RUNNING,
        direction=world.account.direction,
    )
    job.refresh_from_db()
    try:
        return world.execute(job, shopify_transport=transport)
    finally:
        SyncJob.objects.filter(pk=job.pk).update(status=SyncJob.Status.SUCCEEDED)


def _gid(value: str) -> str:
    return value if value.startswith("gid://") else f"gid://shopify/ProductVariant/{value}"


def _variants(link: ProductLink) -> set[str]:
    return {_gid(v.shopify_variant_id) for v in VariantLink.objects.filter(product_link=link)}


def _list_id(world: World) -> str:
    return next(p.id for p in api.price_lists(world.shopify_client()) if p.name == NAME)


def _fixed(world: World, list_id: str) -> dict[str, Decimal]:
    prices = api.price_list_prices(world.shopify_client(), price_list_id=list_id, origin_type="FIXED")
    return {p.variant_id: p.amount for p in prices}


def _changes(world: World, link: ProductLink) -> list[dict[str, Any]]:
    rows = []
    for event in SyncEvent.objects.filter(shop=world.shop, action="updated", link=link):
        rows += [c for c in (event.details or {}).get("changes", []) if c["path"].startswith("price_list[")]
    return rows


def _stopped(world: World) -> bool:
    return SyncEvent.objects.filter(shop=world.shop, action="price_lists_stopped").exists()


def test_a_refused_price_is_its_products_problem_and_the_rest_of_the_batch_is_written():
    world = _world(styles=4)
    client = world.shopify_client()
    victims: list[ProductLink] = []

    def merchant_deletes_a_product(variables: dict[str, Any]) -> None:
        first = variables["prices"][0]["variantId"]
        victim = next(
            link
            for link in ProductLink.objects.filter(shop=world.shop, status="linked")
            if first in _variants(link)
        )
        victims.append(victim)
        answer = client.execute_document(
            PRODUCT_DELETE, {"input": {"id": victim.shopify_product_id}}, operation_name="ProductDelete"
        )
        assert answer.data["productDelete"]["userErrors"] == []

    shopify = Meddling(world, "PriceListFixedPricesAdd", merchant_deletes_a_product)
    result = _run(world, shopify)
    assert result.counts.errors == 0 and not _stopped(world)
    [victim] = victims
    others = ProductLink.objects.filter(shop=world.shop, status="linked").exclude(pk=victim.pk)
    # The first batch named the deleted product's variants; the second one held only the others.
    assert len(shopify.sent) == 2
    first, second = ({p["variantId"] for p in call["prices"]} for call in shopify.sent)
    gone = _variants(victim) & first
    kept = first - gone
    assert gone and kept and second == kept
    fixed = _fixed(world, _list_id(world))
    assert set(fixed) == kept
    # Written prices are recorded on their product; the refused product is a problem naming them.
    assert sum(len(_changes(world, link)) for link in others) == len(kept)
    assert _changes(world, victim) == []
    problems = ProductProblem.objects.filter(shop=world.shop, code=REFUSED, status="open")
    assert [p.link_id for p in problems] == [victim.pk]
    assert "doesn't exist" in problems[0].message and NAME in problems[0].message
    summary = SyncEvent.objects.filter(shop=world.shop, action="price_lists_summary").last()
    assert summary.details["prices_set"] == len(kept)


def test_a_fixed_price_removed_in_shopify_meanwhile_needs_no_deletion_and_is_no_problem():
    world = _world()
    world.run()
    list_id = _list_id(world)
    before = _fixed(world, list_id)
    assert len(before) >= 8
    removed = sorted(before)[0]
    PriceTypeRoute.objects.filter(shop=world.shop).update(destination="none")

    def merchant_removes_one_price(_: dict[str, Any]) -> None:
        done = api.price_list_fixed_prices_delete(
            world.shopify_client(), price_list_id=list_id, variant_ids=[removed]
        )
        assert done.user_errors == []

    shopify = Meddling(world, "PriceListFixedPricesDelete", merchant_removes_one_price)
    result = _run(world, shopify)
    assert result.counts.errors == 0 and not _stopped(world)
    assert len(shopify.sent) == 2 and removed not in shopify.sent[1]["variantIds"]
    assert _fixed(world, list_id) == {}
    assert not ProductProblem.objects.filter(shop=world.shop, code=DELETE_REFUSED).exists()
    deleted = [
        c
        for link in ProductLink.objects.filter(shop=world.shop)
        for c in _changes(world, link)
        if c["new"] is None
    ]
    assert len(deleted) == len(before) - 1 and all(c["by"] == "ownership" for c in deleted)
    note = SyncEvent.objects.filter(shop=world.shop, action="price_list_price_deleted").last()
    assert note is not None and "already removed" in note.message


def test_a_refused_deletion_is_a_problem_of_each_product_not_a_stopped_step():
    world = _world()
    world.run()
    list_id = _list_id(world)
    PriceTypeRoute.objects.filter(shop=world.shop).update(destination="none")
    priced = set(_fixed(world, list_id))
    links = {link.pk for link in ProductLink.objects.filter(shop=world.shop) if _variants(link) & priced}
    assert links

    def merchant_deletes_the_list(_: dict[str, Any]) -> None:
        answer = world.shopify_client().execute_document(
            PRICE_LIST_DELETE, {"id": list_id}, operation_name="PriceListDelete"
        )
        assert answer.data["priceListDelete"]["userErrors"] == []

    result = _run(world, Meddling(world, "PriceListFixedPricesDelete", merchant_deletes_the_list))
    assert result.counts.errors == 0 and not _stopped(world)
    problems = ProductProblem.objects.filter(shop=world.shop, code=DELETE_REFUSED, status="open")
    assert {p.link_id for p in problems} == links
    assert all("Price list does not exist" in p.message for p in problems)
    # The next run finds no list holding prices: nothing left to delete, the problems are solved.
    again = _run(world, httpx.WSGITransport(app=world.shopify_sandbox))
    assert again.counts.errors == 0
    assert not ProductProblem.objects.filter(shop=world.shop, code=DELETE_REFUSED, status="open").exists()


def test_the_sandbox_refuses_a_batch_with_the_index_of_the_price_in_the_field():
    world = _world()
    world.run()
    client = world.shopify_client()
    list_id = _list_id(world)
    victim = ProductLink.objects.filter(shop=world.shop, status="linked").order_by("pk").first()
    client.execute_document(
        PRODUCT_DELETE, {"input": {"id": victim.shopify_product_id}}, operation_name="ProductDelete"
    )
    live = sorted(_variants(ProductLink.objects.exclude(pk=victim.pk).get(shop=world.shop)))[:2]
    dead = sorted(_variants(victim))[0]
    result = api.price_list_fixed_prices_add(
        client,
        price_list_id=list_id,
        prices=[
            {"variantId": v, "price": api.money(Decimal("1.23"), "EUR")} for v in (live[0], dead, live[1])
        ],
    )
    assert [(e.field, e.code) for e in result.user_errors] == [
        (["prices", "1", "variantId"], "VARIANT_NOT_FOUND")
    ]
    # Nothing of a refused batch is written (the payload's `prices` is null).
    assert result.prices == []
    assert all(_fixed(world, list_id)[v] != Decimal("1.23") for v in live)


def test_errors_are_attributed_by_the_index_shopify_names():
    ids = ["gid://v/0", "gid://v/1", "gid://v/2", "gid://v/3"]
    errors = [
        UserError(field=["prices", "3", "price"], message="bad", code="BLANK"),
        UserError(field=["prices", "1", "variantId"], message="gone", code="VARIANT_NOT_FOUND"),
        UserError(field=["priceListId"], message="no list", code="PRICE_LIST_NOT_FOUND"),
        UserError(field=["prices", "9", "price"], message="out of range", code="BLANK"),
    ]
    by_variant, general = _attributed(errors, ids, "prices")
    assert {k: [e.code for e in v] for k, v in by_variant.items()} == {
        "gid://v/3": ["BLANK"],
        "gid://v/1": ["VARIANT_NOT_FOUND"],
    }
    assert [e.message for e in general] == ["no list", "out of range"]


def test_a_casepack_variants_fixed_price_is_the_unit_price_times_its_units():
    world = _world(styles=6)
    _, result = world.run()
    assert result.counts.errors == 0
    fixed = _fixed(world, _list_id(world))
    client = world.joor_client()
    checked = 0
    for pack in VariantLink.objects.filter(product_link__shop=world.shop).select_related("product_link"):
        style = world.joor_sandbox.style(pack.product_link.joor_style_id)
        units = next(s.get("size_multiplier") or 1 for s in style["sizes"] if s["size_name"] == pack.size)
        if units < 2 or _gid(pack.shopify_variant_id) not in fixed:
            continue
        skus = list(client.iter_skus(product_ids=[str(pack.product_link.joor_style_id)]))
        sku_id = next(
            s["id"]
            for s in skus
            if {v["trait"]["name"]: v["value"] for v in s["trait_values"]}.get("Size") == pack.size
            and pack.color_code
            in {
                v.get("external_id") or v["value"] for v in s["trait_values"] if v["trait"]["name"] == "Color"
            }
        )
        unit = next(
            Decimal(str(p.wholesale_value))
            for p in client.sku_prices_list(sku_ids=[sku_id])
            if p.price_type.name == "EUR-1" and p.price_type.currency_code == "EUR"
        )
        price = fixed[_gid(pack.shopify_variant_id)]
        assert price == (unit * units).quantize(Decimal("0.01")) and price != unit
        checked += 1
    assert checked >= 1
