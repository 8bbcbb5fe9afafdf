"""A price type routed to a B2B company-location catalog, on a shop with B2B; without B2B nothing of it
is offered."""

from __future__ import annotations

from typing import Any

import pytest

from joorsync.pricing.models import PriceTypeRoute
from shopify_app.admin import pricing as api
from tests.pricing import settings_support
from tests.pricing.settings_support import pricing_section
from tests.sync.engine_support import World

pytestmark = pytest.mark.django_db

# The section's fixtures: a v4 world both sandboxes answer for, and a signed-in browser.
world = settings_support.world
browser = settings_support.browser

NAME = "JOOR EUR-1 (EUR)"
COMPANY_CREATE = """
mutation CompanyCreate($input: CompanyCreateInput!) {
  companyCreate(input: $input) {
    company { id locations(first: 5) { nodes { id name } } }
    userErrors { field message code }
  }
}
"""


def _company(world: World, name: str, location: str) -> str:
    """A B2B company with one location, made as in Shopify admin; its location's id."""
    answer = world.shopify_client().execute_document(
        COMPANY_CREATE,
        {"input": {"company": {"name": name}, "companyLocation": {"name": location}}},
        operation_name="CompanyCreate",
    )
    assert answer.data["companyCreate"]["userErrors"] == []
    return answer.data["companyCreate"]["company"]["locations"]["nodes"][0]["id"]


def _post(world: World, **eur1: Any) -> dict[str, Any]:
    types = sorted((t.name, t.currency_code) for t in world.joor_client().price_types_list())
    data: dict[str, Any] = {"vendor": "", "sku_prices": "on", "pt-count": str(len(types))}
    for index, (label, currency) in enumerate(types):
        data |= {
            f"pt-{index}-label": label,
            f"pt-{index}-currency": currency,
            f"pt-{index}-destination": "price_list" if label == "EUR-1" else "none",
            f"pt-{index}-amount": "wholesale",
        }
        if label == "EUR-1":
            data |= {f"pt-{index}-{key}": value for key, value in eur1.items()}
    return data


def _index(world: World) -> int:
    types = sorted((t.name, t.currency_code) for t in world.joor_client().price_types_list())
    return [label for label, _ in types].index("EUR-1")


def test_the_price_list_goes_to_a_catalog_of_the_chosen_company_locations_once(world):
    north = _company(world, "Boutique Nord", "Lille")
    south = _company(world, "Maison Sud", "Nice")
    _company(world, "Other Buyer", "Paris")
    PriceTypeRoute.objects.create(
        shop=world.shop,
        label="EUR-1",
        currency="EUR",
        destination="price_list",
        amount="wholesale",
        company_location_ids=[north, south],
    )
    for _ in range(2):
        _, result = world.run()
        assert result.counts.errors == 0, result.counts.as_dict()
    client = world.shopify_client()
    lists = [p for p in api.price_lists(client) if p.name == NAME]
    assert len(lists) == 1
    catalogs = api.catalogs(client, catalog_type="COMPANY_LOCATION")
    assert len(catalogs) == 1  # made once, found again on the re-sync
    catalog = catalogs[0]
    assert catalog.kind == "CompanyLocationCatalog" and catalog.title == NAME
    assert set(catalog.company_location_ids) == {north, south}
    assert catalog.price_list_id == lists[0].id and lists[0].catalog_id == catalog.id
    assert api.catalogs(client, catalog_type="MARKET") == []
    route = PriceTypeRoute.objects.get(shop=world.shop, label="EUR-1")
    assert route.catalog_id == catalog.id and route.price_list_id == lists[0].id
    assert lists[0].fixed_prices_count >= 8


def test_a_catalog_made_before_for_the_list_is_found_by_its_title(world):
    north = _company(world, "Boutique Nord", "Lille")
    made = api.catalog_create(world.shopify_client(), title=NAME, company_location_ids=[north])
    assert made.user_errors == [] and made.catalog is not None
    PriceTypeRoute.objects.create(
        shop=world.shop,
        label="EUR-1",
        currency="EUR",
        destination="price_list",
        amount="wholesale",
        company_location_ids=[north],
    )
    _, result = world.run()
    assert result.counts.errors == 0
    catalogs = api.catalogs(world.shopify_client(), catalog_type="COMPANY_LOCATION")
    assert [c.id for c in catalogs] == [made.catalog.id]
    assert catalogs[0].price_list_id is not None


def test_without_b2b_the_route_row_offers_no_company_locations(browser, world):
    part = pricing_section(browser.get("/settings").content.decode())
    assert "-locations" not in part and "company locations" not in part.lower()


def test_with_b2b_the_route_row_offers_the_shops_company_locations_and_saves_them(browser, world):
    north = _company(world, "Boutique Nord", "Lille")
    south = _company(world, "Maison Sud", "Nice")
    index = _index(world)
    part = pricing_section(browser.get("/settings").content.decode())
    assert f'name="pt-{index}-locations" multiple' in part
    assert "Boutique Nord — Lille" in part and "Maison Sud — Nice" in part
    answer = browser.post("/settings/prices", _post(world, locations=[north, south]))
    assert answer.status_code == 302
    route = PriceTypeRoute.objects.get(shop=world.shop, label="EUR-1")
    assert route.destination == "price_list" and route.market_id == ""
    assert route.company_location_ids == [north, south]
    part = pricing_section(browser.get("/settings").content.decode())
    assert f'<option value="{north}" selected>' in part and f'<option value="{south}" selected>' in part


def test_a_market_and_company_locations_together_or_an_unknown_location_are_refused(browser, world):
    north = _company(world, "Boutique Nord", "Lille")
    index = _index(world)
    both = browser.post("/settings/prices", _post(world, market="gid://shopify/Market/1", locations=[north]))
    assert both.status_code == 400
    part = pricing_section(both.content.decode())
    assert f'id="pt-{index}-locations-error"' in part and "not both" in part
    unknown = browser.post("/settings/prices", _post(world, locations=["gid://shopify/CompanyLocation/999"]))
    assert unknown.status_code == 400
    assert f'id="pt-{index}-locations-error"' in pricing_section(unknown.content.decode())
    assert not PriceTypeRoute.objects.filter(shop=world.shop, destination="price_list").exists()
