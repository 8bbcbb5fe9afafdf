"""The "Stock by location" section of /settings: the shop's locations from the Admin API, a JOOR
warehouse per location, the receiving location, refusals at their fields."""

from __future__ import annotations

import re

import pytest

from joorsync.stock.places import stock_places
from joorsync.sync.accounts import JoorAccountInvalid, joor_account_update_settings, location_warehouses_of
from joorsync.sync.models import JoorAccount
from shopify_app.admin.inventory import StockLocation
from tests.sync.ui.test_settings_page import form

pytestmark = pytest.mark.django_db

MAIN = "gid://shopify/Location/1000000001"
FLAGSHIP = "gid://shopify/Location/1000000002"


def _locations(body: str) -> dict[str, str]:
    """Location name → the input's name, as the section renders them."""
    rows = re.findall(r'<label for="(stock-wh-\d+)">([^<]+)</label>.*?name="([^"]+)"', body, re.S)
    return {name: field for _, name, field in rows}


def _section(body: str) -> str:
    return body[body.index('id="stock"') : body.index(">Save stock settings</button>")]


def _error_id(body: str, location: str) -> str:
    """The id of the error paragraph of a location's input, or of the receiving select."""
    if location == "receiving":
        return "stock-receiving-error"
    found = re.search(rf'<label for="(stock-wh-\d+)">{location}</label>', body)
    assert found is not None, location
    return f"{found.group(1)}-error"


def test_the_section_lists_the_shops_locations_and_what_is_stored(client_in, shop, sandboxes):
    account = JoorAccount.objects.get(shop=shop)
    account.location_warehouses = {MAIN: "New York", FLAGSHIP: {"warehouse": "Los Angeles", "receives": True}}
    account.save()
    body = client_in.get("/settings").content.decode()
    section = _section(body)
    assert _locations(section) == {
        "Main warehouse": f"warehouse:{MAIN}",
        "Flagship store": f"warehouse:{FLAGSHIP}",
    }
    assert 'value="New York"' in section and 'value="Los Angeles"' in section
    assert f'<option value="{FLAGSHIP}" selected>Flagship store</option>' in section
    assert ">Location that receives JOOR's stock</label>" in section
    assert "Locations and warehouses" not in body  # the table lives in this section only


def test_save_stores_the_table_with_the_receiving_location(client_in, shop, sandboxes):
    response = client_in.post(
        "/settings/stock",
        {f"warehouse:{MAIN}": " New York ", f"warehouse:{FLAGSHIP}": "Los Angeles", "receiving": FLAGSHIP},
    )
    assert response.status_code == 302 and response["Location"].endswith("/settings#stock")
    stored = JoorAccount.objects.get(shop=shop).location_warehouses
    assert stored == {MAIN: "New York", FLAGSHIP: {"warehouse": "Los Angeles", "receives": True}}
    assert location_warehouses_of(stored) == ({MAIN: "New York", FLAGSHIP: "Los Angeles"}, FLAGSHIP)
    assert "stock goes to Flagship store" in client_in.get("/settings").content.decode()
    # The main settings form, saved without the table, leaves it as it is.
    main_form = {k: v for k, v in form().items() if not k.startswith("warehouse:")}
    assert client_in.post("/settings", main_form).status_code == 302
    assert JoorAccount.objects.get(shop=shop).location_warehouses == stored


def test_a_blank_warehouse_leaves_the_location_out(client_in, shop, sandboxes):
    client_in.post(
        "/settings/stock", {f"warehouse:{MAIN}": "New York", f"warehouse:{FLAGSHIP}": "", "receiving": ""}
    )
    assert JoorAccount.objects.get(shop=shop).location_warehouses == {MAIN: "New York"}


@pytest.mark.parametrize(
    ("data", "field_error", "message"),
    [
        (
            {f"warehouse:{MAIN}": "Paris", f"warehouse:{FLAGSHIP}": "paris", "receiving": ""},
            "Main warehouse",  # the later row of the two (the table lists Shopify's order)
            "Another location already feeds this JOOR warehouse",
        ),
        (
            {f"warehouse:{MAIN}": "Paris", f"warehouse:{FLAGSHIP}": "", "receiving": FLAGSHIP},
            "receiving",
            "Give this location a JOOR warehouse first",
        ),
        (
            {f"warehouse:{MAIN}": "x" * 151, "receiving": ""},
            "Main warehouse",
            "at most 150 characters",
        ),
        (
            {f"warehouse:{MAIN}": "Paris", "receiving": "gid://shopify/Location/999"},
            "receiving",
            "Choose one of your shop",
        ),
    ],
)
def test_a_refusal_shows_at_its_field_and_nothing_is_saved(
    client_in, shop, sandboxes, data, field_error, message
):
    account = JoorAccount.objects.get(shop=shop)
    account.location_warehouses = {MAIN: "Kept"}
    account.save()
    response = client_in.post("/settings/stock", data)
    assert response.status_code == 400
    body = response.content.decode()
    error = re.search(rf'<p class="field-error" id="{_error_id(body, field_error)}">([^<]+)</p>', body)
    assert error is not None and message in error.group(1).replace("&#x27;", "'")
    assert "Stock settings not saved" in body
    assert JoorAccount.objects.get(shop=shop).location_warehouses == {MAIN: "Kept"}


def test_the_stored_shape_is_validated_and_the_older_shape_still_reads(shop):
    account = JoorAccount.objects.get(shop=shop)
    assert location_warehouses_of({MAIN: "Main"}) == ({MAIN: "Main"}, None)
    with pytest.raises(JoorAccountInvalid, match="only one Shopify location"):
        joor_account_update_settings(
            account=account,
            location_warehouses={
                MAIN: {"warehouse": "A", "receives": True},
                FLAGSHIP: {"warehouse": "B", "receives": True},
            },
        )
    with pytest.raises(JoorAccountInvalid, match="non-empty name"):
        joor_account_update_settings(account=account, location_warehouses={MAIN: {"receives": True}})


def test_the_receiving_location_defaults_to_where_shopify_ships_from():
    main = StockLocation(id=MAIN, name="Main", is_primary=True)
    shipping = StockLocation(id=FLAGSHIP, name="Flagship", ships_inventory=True)
    other = "gid://shopify/Location/3"
    both = [main, shipping]
    assert stock_places(warehouses={}, receiving=None, locations=both).receiving == FLAGSHIP
    assert stock_places(warehouses={MAIN: "A"}, receiving=None, locations=both).receiving == MAIN
    assert (
        stock_places(warehouses={MAIN: "A", FLAGSHIP: "B"}, receiving=None, locations=both).receiving
        == FLAGSHIP
    )
    assert stock_places(warehouses={other: "C"}, receiving=None, locations=both).receiving == other
    assert (
        stock_places(warehouses={MAIN: "A", FLAGSHIP: "B"}, receiving=MAIN, locations=None).receiving == MAIN
    )


def test_the_arithmetic_of_both_directions():
    places = stock_places(warehouses={MAIN: "A", FLAGSHIP: "B"}, receiving=MAIN, locations=None)
    variant = {"inventoryQuantity": 99, "stockLevels": {MAIN: 5, FLAGSHIP: None}}
    assert places.counted(variant) == 5  # the unmapped rest of Shopify's total is not compared
    assert places.warehouse_split(variant) == {"A": 5, "B": 0}
    assert places.receiving_target({"stockLevels": {MAIN: 5, FLAGSHIP: 3}}, 10) == 7
    assert places.receiving_target({"stockLevels": {MAIN: 5, FLAGSHIP: 12}}, 10) == -2
    unmapped = stock_places(warehouses={}, receiving=MAIN, locations=None)
    assert unmapped.receiving_target({"inventoryQuantity": 9, "stockLevels": {MAIN: 4}}, 10) == 5
    assert unmapped.warehouse_split({"inventoryQuantity": 9, "stockLevels": {MAIN: 4}}) == {"Default": 9}
