"""The "Prices and product data" section of /settings: JOOR's price types listed with their
destination and factor, refusals at their fields, and the saved values."""

from __future__ import annotations

from decimal import Decimal

import pytest

from joorsync.pricing.models import CategoryMapping, PriceTypeRoute, PricingSettings
from tests.pricing import settings_support
from tests.pricing.settings_support import pricing_section

pytestmark = pytest.mark.django_db

# The section's fixtures: a v4 world both sandboxes answer for, and a signed-in browser.
world = settings_support.world
browser = settings_support.browser


def _types(world) -> list[tuple[str, str]]:
    return sorted((t.name, t.currency_code) for t in world.joor_client().price_types_list())


def test_the_section_lists_every_joor_price_type(browser, world):
    part = pricing_section(browser.get("/settings").content.decode())
    for label, currency in _types(world):
        assert f"{label} ({currency})" in part
    assert "Save price settings" in part


def test_saving_stores_destinations_factors_vendor_and_categories(browser, world):
    types = _types(world)
    data = {"vendor": "Maison Test", "sku_prices": "on", "pt-count": str(len(types))}
    for index, (label, currency) in enumerate(types):
        data |= {
            f"pt-{index}-label": label,
            f"pt-{index}-currency": currency,
            f"pt-{index}-destination": "price_list" if index == 0 else "none",
            f"pt-{index}-amount": "wholesale",
            f"pt-{index}-factor": "0.5",
        }
    data["categories"] = "Women's > Apparel > Tops = aa-1-13-1"
    answer = browser.post("/settings/prices", data)
    assert answer.status_code == 302
    settings = PricingSettings.objects.get(shop=world.shop)
    assert settings.vendor == "Maison Test" and settings.sku_prices
    routes = PriceTypeRoute.objects.filter(shop=world.shop).order_by("label", "currency")
    assert [(r.label, r.currency) for r in routes] == types
    assert {r.factor for r in routes} == {Decimal("0.5")}
    assert routes.filter(destination="price_list").count() == 1
    assert (
        CategoryMapping.objects.get(shop=world.shop).taxonomy_id == "gid://shopify/TaxonomyCategory/aa-1-13-1"
    )


def test_a_bad_factor_and_a_bad_category_line_are_refused_at_their_fields(browser, world):
    label, currency = _types(world)[0]
    data = {
        "vendor": "Maison Test",
        "pt-count": "1",
        "pt-0-label": label,
        "pt-0-currency": currency,
        "pt-0-destination": "none",
        "pt-0-amount": "wholesale",
        "pt-0-factor": "-2",
        "categories": "Tops aa-1-13",
    }
    answer = browser.post("/settings/prices", data)
    assert answer.status_code == 400
    part = pricing_section(answer.content.decode())
    assert 'id="pt-0-factor-error"' in part and "above 0" in part
    assert 'id="pr-categories-error"' in part and "Line 1" in part
    assert 'value="Maison Test"' in part  # what was entered stays
    assert not PricingSettings.objects.filter(shop=world.shop).exists()


def _route_post(world, market: str) -> dict[str, str]:
    types = _types(world)
    data = {"vendor": "", "sku_prices": "on", "pt-count": str(len(types))}
    for index, (label, currency) in enumerate(types):
        data |= {
            f"pt-{index}-label": label,
            f"pt-{index}-currency": currency,
            f"pt-{index}-destination": "price_list" if label == "EUR-1" else "none",
            f"pt-{index}-amount": "wholesale",
            f"pt-{index}-market": market if label == "EUR-1" else "",
        }
    return data


MARKET_CREATE = """
mutation MarketCreate($input: MarketCreateInput!) {
  marketCreate(input: $input) { market { id name } userErrors { field message code } }
}
"""


def test_the_price_list_market_saves_and_a_wrong_one_is_refused_at_the_field(browser, world):
    from shopify_app.admin import pricing as api

    client = world.shopify_client()
    # The merchant has a market for Europe (made as in Shopify admin; a new shop has none).
    made = client.execute_document(
        MARKET_CREATE,
        {
            "input": {
                "name": "Europe",
                "conditions": {"regionsCondition": {"regions": [{"countryCode": "FR"}]}},
            }
        },
        operation_name="MarketCreate",
    )
    assert made.data["marketCreate"]["userErrors"] == []
    markets = api.markets(client)
    assert [m.name for m in markets] == ["Europe"]
    index = [label for label, _ in _types(world)].index("EUR-1")
    bad = browser.post("/settings/prices", _route_post(world, "Europe"))
    assert bad.status_code == 400
    assert f'id="pt-{index}-market-error"' in pricing_section(bad.content.decode())
    assert not PriceTypeRoute.objects.filter(shop=world.shop, destination="price_list").exists()
    good = browser.post("/settings/prices", _route_post(world, markets[0].id))
    assert good.status_code == 302
    route = PriceTypeRoute.objects.get(shop=world.shop, label="EUR-1")
    assert route.destination == "price_list" and route.market_id == markets[0].id
    part = pricing_section(browser.get("/settings").content.decode())
    assert f'<option value="{markets[0].id}" selected>' in part
