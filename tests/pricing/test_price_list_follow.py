"""A price list follows what the merchant does: a list deleted in Shopify is found or made again with
every fixed price, and its catalog moves when the route's market or company locations change. Problems
and the pass's summary name variants and counts as the merchant sees them."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import pytest

from joorsync.pricing.models import PriceTypeRoute
from joorsync.pricing.price_list_records import MISSING, REFUSED, Counts
from joorsync.pricing.price_list_text import summary_text
from joorsync.sync.models import ProductLink, ProductProblem, SyncEvent, SyncJob, VariantLink
from shopify_app.admin import pricing as api
from tests.pricing.test_price_lists import _joor_prices
from tests.sync.engine_support import World, make_world

pytestmark = pytest.mark.django_db

NAME = "JOOR EUR-1 (EUR)"
MARKET_CREATE = """
mutation MarketCreate($input: MarketCreateInput!) {
  marketCreate(input: $input) { market { id name } userErrors { field message code } }
}
"""
COMPANY_CREATE = """
mutation CompanyCreate($input: CompanyCreateInput!) {
  companyCreate(input: $input) {
    company { id locations(first: 5) { nodes { id name } } }
    userErrors { field message code }
  }
}
"""
PRICE_LIST_DELETE = """
mutation PriceListDelete($id: ID!) {
  priceListDelete(id: $id) { deletedId userErrors { field message code } }
}
"""
CATALOG_DELETE = """
mutation CatalogDelete($id: ID!) {
  catalogDelete(id: $id) { deletedId userErrors { field message code } }
}
"""
VARIANT_TITLE = """
query VariantTitle($id: ID!) { productVariant(id: $id) { title } }
"""


class Counting(httpx.BaseTransport):
    """The Shopify sandbox, noting the operations the app sends."""

    def __init__(self, world: World) -> None:
        self.inner = httpx.WSGITransport(app=world.shopify_sandbox)
        self.sent: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(json.loads(request.read() or b"{}").get("operationName") or "")
        return self.inner.handle_request(request)


def _market(world: World, name: str, country: str) -> str:
    """A market as the merchant makes it in Shopify admin; its id."""
    made = world.shopify_client().execute_document(
        MARKET_CREATE,
        {
            "input": {
                "name": name,
                "conditions": {"regionsCondition": {"regions": [{"countryCode": country}]}},
            }
        },
        operation_name="MarketCreate",
    )
    assert made.data["marketCreate"]["userErrors"] == []
    return made.data["marketCreate"]["market"]["id"]


def _company(world: World, name: str, location: str) -> str:
    answer = world.shopify_client().execute_document(
        COMPANY_CREATE,
        {"input": {"company": {"name": name}, "companyLocation": {"name": location}}},
        operation_name="CompanyCreate",
    )
    assert answer.data["companyCreate"]["userErrors"] == []
    return answer.data["companyCreate"]["company"]["locations"]["nodes"][0]["id"]


def _world(**route: Any) -> World:
    world = make_world(styles=2, api_generation="v4")
    fields = {"label": "EUR-1", "currency": "EUR", "destination": "price_list", "amount": "wholesale"}
    PriceTypeRoute.objects.create(shop=world.shop, **(fields | route))
    return world


def _route(world: World) -> PriceTypeRoute:
    return PriceTypeRoute.objects.get(shop=world.shop, label="EUR-1")


def _run(world: World, transport: httpx.BaseTransport | None = None, **job: Any):
    made = SyncJob.objects.create(
        shop=world.shop,
        kind=SyncJob.Kind.FULL,
        status=SyncJob.Status.RUNNING,
        direction=world.account.direction,
        **job,
    )
    made.refresh_from_db()
    try:
        result = world.execute(made, shopify_transport=transport)
    finally:
        SyncJob.objects.filter(pk=made.pk).update(status=SyncJob.Status.SUCCEEDED)
    assert result.counts.errors == 0, result.counts.as_dict()
    assert not SyncEvent.objects.filter(shop=world.shop, action="price_lists_stopped").exists()
    return result


def _lists(world: World) -> list[api.PriceListInfo]:
    return [p for p in api.price_lists(world.shopify_client()) if p.name == NAME]


def _fixed(world: World, price_list_id: str) -> dict[str, Decimal]:
    prices = api.price_list_prices(world.shopify_client(), price_list_id=price_list_id, origin_type="FIXED")
    return {p.variant_id: p.amount for p in prices}


def _summary(world: World) -> SyncEvent:
    return SyncEvent.objects.filter(shop=world.shop, action="price_lists_summary").order_by("pk").last()


def _delete(world: World, document: str, name: str, id_: str) -> None:
    answer = world.shopify_client().execute_document(document, {"id": id_}, operation_name=name)
    key = name[0].lower() + name[1:]
    assert answer.data[key]["userErrors"] == []


# ----- a list deleted in Shopify ------------------------------------------------------------------
@pytest.mark.parametrize("deleted", ["price list", "catalog"])
def test_a_list_deleted_in_shopify_is_made_again_in_its_market_catalog_with_every_price(deleted):
    world = _world()
    europe = _market(world, "Europe", "FR")
    PriceTypeRoute.objects.filter(shop=world.shop).update(market_id=europe)
    _run(world)
    before = _route(world)
    assert before.price_list_id and before.catalog_id
    if deleted == "price list":
        _delete(world, PRICE_LIST_DELETE, "PriceListDelete", before.price_list_id)
    else:  # deleting a catalog deletes its price list (recorded, delete-cascades-parity)
        _delete(world, CATALOG_DELETE, "CatalogDelete", before.catalog_id)
    assert _lists(world) == []
    _run(world)
    after = _route(world)
    [made] = _lists(world)
    assert after.price_list_id == made.id != before.price_list_id
    # Attached to a catalog of the route's market: the one left behind, or a new one.
    [catalog] = api.catalogs(world.shopify_client(), catalog_type="MARKET")
    assert catalog.price_list_id == made.id and catalog.market_ids == (europe,)
    assert after.catalog_id == catalog.id
    assert (catalog.id == before.catalog_id) == (deleted == "price list")
    # Every fixed price filled again; nothing became a product's problem.
    wanted = _joor_prices(world, "EUR-1", "EUR")
    assert len(wanted) >= 8 and _fixed(world, made.id) == wanted
    assert not ProductProblem.objects.filter(shop=world.shop, code=REFUSED).exists()
    note = SyncEvent.objects.get(shop=world.shop, action="price_list_missing")
    assert note.level == "warning" and NAME in note.message and "deleted in Shopify" in note.message
    summary = _summary(world)
    assert summary.details["price_lists_missing"] == 1 and summary.details["price_lists_created"] == 1
    assert summary.details["prices_set"] == len(wanted)
    assert "deleted in Shopify, found by name or made again" in summary.message
    # The run after finds everything in place.
    _run(world)
    assert _route(world).price_list_id == made.id and len(_lists(world)) == 1
    assert SyncEvent.objects.filter(shop=world.shop, action="price_list_missing").count() == 1


def test_a_dry_run_notes_the_deleted_list_and_changes_nothing():
    world = _world()
    _run(world)
    gone = _route(world).price_list_id
    _delete(world, PRICE_LIST_DELETE, "PriceListDelete", gone)
    _run(world, dry_run=True)
    assert _route(world).price_list_id == gone  # only a real run forgets it
    assert _lists(world) == []
    note = SyncEvent.objects.get(shop=world.shop, action="price_list_missing")
    assert "a real run finds it by its name or makes it again" in note.message
    summary = _summary(world)
    assert summary.details["price_lists_created"] == 1 and summary.details["prices_set"] >= 8
    assert summary.message.startswith("Price lists (dry run, nothing written): 1 would be made")


# ----- the route's market or company locations changed -----------------------------------------
def test_a_changed_market_moves_the_catalog_with_catalog_update_once():
    world = _world()
    europe = _market(world, "Europe", "FR")
    nordics = _market(world, "Nordics", "SE")
    PriceTypeRoute.objects.filter(shop=world.shop).update(market_id=europe)
    _run(world)
    route = _route(world)
    PriceTypeRoute.objects.filter(pk=route.pk).update(market_id=nordics)
    shopify = Counting(world)
    _run(world, shopify)
    assert shopify.sent.count("CatalogUpdate") == 1 and "CatalogCreate" not in shopify.sent
    [catalog] = api.catalogs(world.shopify_client(), catalog_type="MARKET")
    assert catalog.id == route.catalog_id and catalog.market_ids == (nordics,)
    assert catalog.price_list_id == route.price_list_id
    note = SyncEvent.objects.get(shop=world.shop, action="price_list_catalog_changed")
    assert "market Nordics instead of market Europe" in note.message
    assert "1 catalog moved" in _summary(world).message
    # Nothing more to move: one catalog read, no write.
    again = Counting(world)
    _run(world, again)
    assert "CatalogUpdate" not in again.sent and again.sent.count("Catalogs") == 1
    assert SyncEvent.objects.filter(shop=world.shop, action="price_list_catalog_changed").count() == 1


def test_company_locations_taking_a_markets_place_move_the_list_to_a_company_location_catalog():
    world = _world()
    europe = _market(world, "Europe", "FR")
    north = _company(world, "Boutique Nord", "Lille")
    PriceTypeRoute.objects.filter(shop=world.shop).update(market_id=europe)
    _run(world)
    route = _route(world)
    PriceTypeRoute.objects.filter(pk=route.pk).update(market_id="", company_location_ids=[north])
    _run(world)
    client = world.shopify_client()
    [b2b] = api.catalogs(client, catalog_type="COMPANY_LOCATION")
    [market] = api.catalogs(client, catalog_type="MARKET")
    assert b2b.price_list_id == route.price_list_id and b2b.company_location_ids == (north,)
    assert market.id == route.catalog_id and market.price_list_id is None  # stays, without the list
    assert _route(world).catalog_id == b2b.id
    note = SyncEvent.objects.get(shop=world.shop, action="price_list_catalog_changed")
    assert "moved to a catalog for company location Boutique Nord — Lille" in note.message
    assert "market Europe" in note.message
    # The prices stayed in the list: nothing written again.
    assert _summary(world).details["prices_set"] == 0


def test_a_list_made_without_a_market_is_shown_in_the_market_chosen_later():
    world = _world()
    _run(world)
    [made] = _lists(world)
    assert made.catalog_id is None
    europe = _market(world, "Europe", "FR")
    PriceTypeRoute.objects.filter(shop=world.shop).update(market_id=europe)
    _run(world)
    [catalog] = api.catalogs(world.shopify_client(), catalog_type="MARKET")
    assert catalog.title == NAME and catalog.price_list_id == made.id and catalog.market_ids == (europe,)
    assert _route(world).catalog_id == catalog.id
    note = SyncEvent.objects.get(shop=world.shop, action="price_list_catalog_changed")
    assert "now shown to market Europe" in note.message


def test_a_list_in_the_merchants_own_catalog_is_left_there():
    world = _world()
    europe = _market(world, "Europe", "FR")
    nordics = _market(world, "Nordics", "SE")
    _run(world)
    [made] = _lists(world)
    client = world.shopify_client()
    own = api.catalog_create(client, title="Wholesale Nordics", market_ids=[nordics], price_list_id=made.id)
    assert own.user_errors == []
    PriceTypeRoute.objects.filter(shop=world.shop).update(market_id=europe)
    _run(world)
    catalogs = api.catalogs(client, catalog_type="MARKET")
    assert [(c.title, c.market_ids, c.price_list_id) for c in catalogs] == [
        ("Wholesale Nordics", (nordics,), made.id)
    ]
    assert not SyncEvent.objects.filter(shop=world.shop, action="price_list_catalog_changed").exists()


# ----- words a merchant reads ------------------------------------------------------------------------
def test_a_missing_price_problem_names_variants_as_shopify_titles_them():
    world = _world(label="EXPORT-CN", amount="retail")  # no retail amount of this type in JOOR
    _run(world)
    links = list(ProductLink.objects.filter(shop=world.shop, status="linked"))
    client = world.shopify_client()
    for link in links:
        problem = ProductProblem.objects.get(shop=world.shop, code=MISSING, status="open", link=link)
        variant = VariantLink.objects.filter(product_link=link).order_by("pk").first()
        vid = variant.shopify_variant_id
        vid = vid if vid.startswith("gid://") else f"gid://shopify/ProductVariant/{vid}"
        title = client.execute_document(VARIANT_TITLE, {"id": vid}, operation_name="VariantTitle").data[
            "productVariant"
        ]["title"]
        assert " / " in title and title in problem.message
        assert f"{variant.color_code}/{variant.size}" not in problem.message  # not JOOR's colour code
        assert f"{variant.color_code}/{variant.size}" in problem.details["variants"]
    summary = _summary(world)
    assert summary.details["products_missing_price"] == len(links) == summary.details["problems"]
    assert summary.message == (
        "Price lists: 1 made, no fixed prices set, none deleted. "
        f"{len(links)} products have variants without a JOOR price of the list's price type "
        "(listed under Problems)."
    )


def test_the_summary_counts_products_in_plain_words():
    counts = Counts(lists_created=2, prices_set=6434, products_missing=191)
    assert summary_text(counts, preview=True) == (
        "Price lists (dry run, nothing written): 2 would be made, 6434 fixed prices would be set, "
        "none would be deleted. 191 products have variants without a JOOR price of the list's price "
        "type (a real run lists them under Problems)."
    )
    one = Counts(prices_set=1, prices_deleted=3, products_missing=1, products_refused=1, catalogs_moved=1)
    assert summary_text(one, preview=False) == (
        "Price lists: none made, 1 fixed price set, 3 deleted; 1 catalog moved to the market or company "
        "locations chosen in the price settings. 1 product has variants without a JOOR price of the "
        "list's price type (listed under Problems). Shopify refused prices of 1 product (listed under "
        "Problems)."
    )
