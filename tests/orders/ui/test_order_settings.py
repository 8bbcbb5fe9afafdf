"""The "Orders" section of /settings: every control labelled, the shop's locations offered, a save that
goes through `order_settings_update` (schedule included), and each refusal shown at its field with what
was entered kept."""

from __future__ import annotations

import pytest
from django_q.models import Schedule

from joorsync.orders.models import OrderSettings
from joorsync.orders.selectors import order_settings_get
from joorsync.orders.services import orders_schedule_name
from joorsync.sync.models import JoorAccount

pytestmark = pytest.mark.django_db

MAIN = "gid://shopify/Location/1000000001"
FLAGSHIP = "gid://shopify/Location/1000000002"
LABELS = (
    "Import orders on a schedule",
    "Import every (minutes)",
    "Which JOOR orders",
    "Each retailer becomes",
    "Payment status",
    "Create orders as already fulfilled",
    "Stock",
    "Taxes",
    "Taxes by country",
    "Order tags",
    "Send order status back to JOOR",
    "Default location",
)


def form(**changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "enabled": "on",
        "interval_minutes": "60",
        "order_type": "2",
        "retailer_mode": "company",
        "financial_status": "PAID",
        "mark_fulfilled": "on",
        "inventory_behaviour": "DECREMENT_OBEYING_POLICY",
        "tax_mode": "none",
        "tax_by_country": "ca=joor\n\n  GB = none ",
        "default_location_id": MAIN,
        "wh_code_0": "NY01",
        "wh_location_0": FLAGSHIP,
        "wh_code_1": "",
        "wh_location_1": "",
        "tags": "JOOR, wholesale, spring ",
        "send_status_to_joor": "",
    }
    values.update(changes)
    return {k: v for k, v in values.items() if v != ""}


def orders_section(body: str) -> str:
    return body[body.index('<form method="post" action="/settings/orders#orders"') :]


def test_the_section_is_labelled_and_offers_the_shops_locations(client_in, shop, sandboxes):
    body = orders_section(client_in.get("/settings").content.decode())
    for label in LABELS:
        assert f">{label}</label>" in body, label
    assert ">Save order settings</button>" in body and 'action="/settings/orders#orders"' in body
    assert "Companies need Shopify Plus" in body
    assert f'<option value="{MAIN}">Main warehouse</option>' in body
    assert f'<option value="{FLAGSHIP}">Flagship store</option>' in body
    assert '<option value="" selected>Shopify chooses</option>' in body
    # The defaults as stored.
    assert '<option value="6" selected>Approved</option>' in body
    assert (
        'name="send_status_to_joor" type="checkbox" value="on" aria-describedby="o-status-help" checked>'
        in body
    )
    assert 'value="JOOR, wholesale"' in body
    assert 'name="wh_code_0"' in body and 'name="wh_code_1"' in body and 'name="wh_code_2"' not in body


def test_save_applies_every_setting_and_the_schedule(client_in, shop, sandboxes):
    response = client_in.post("/settings/orders", form())
    assert response.status_code == 302 and response["Location"] == "/settings", response.content.decode()[
        :3000
    ]
    saved = OrderSettings.objects.get(shop=shop)
    assert (saved.enabled, saved.interval_minutes, saved.order_type) == (True, 60, 2)
    assert (saved.retailer_mode, saved.financial_status, saved.mark_fulfilled) == ("company", "PAID", True)
    assert (saved.inventory_behaviour, saved.tax_mode) == ("DECREMENT_OBEYING_POLICY", "none")
    assert saved.tax_by_country == {"CA": "joor", "GB": "none"}
    assert (saved.default_location_id, saved.warehouse_locations) == (MAIN, {"NY01": FLAGSHIP})
    assert (saved.tags, saved.send_status_to_joor) == ("JOOR, wholesale, spring", False)
    schedule = Schedule.objects.get(name=orders_schedule_name(shop=shop))
    assert schedule.minutes == 60
    body = orders_section(client_in.get("/settings").content.decode())
    assert "CA=joor\nGB=none</textarea>" in body
    assert f'<option value="{FLAGSHIP}" selected>Flagship store</option>' in body
    assert 'value="NY01"' in body and 'name="wh_code_2"' in body  # the stored row plus two empty ones
    assert '<option value="company" selected>' in body and '<option value="2" selected>' in body
    # Turned off: the schedule goes.
    assert client_in.post("/settings/orders", form(enabled="")).status_code == 302
    assert not Schedule.objects.filter(name=orders_schedule_name(shop=shop)).exists()


def test_the_success_message_is_shown(client_in, shop, sandboxes):
    body = client_in.post("/settings/orders", form(), follow=True).content.decode()
    assert "Order settings saved." in body


def test_clearing_a_warehouse_row_removes_it(client_in, shop, sandboxes):
    client_in.post("/settings/orders", form())
    assert client_in.post("/settings/orders", form(wh_code_0="", wh_location_0="")).status_code == 302
    assert OrderSettings.objects.get(shop=shop).warehouse_locations == {}


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        ({"tax_by_country": "CA=none\nUSA=joor"}, "o-tax-country", "Line 2: write a two-letter country code"),
        ({"tax_by_country": "CA=none\nCA=joor"}, "o-tax-country", "Line 2: CA is already given above."),
        ({"tax_by_country": "CA=maybe"}, "o-tax-country", "then joor or none"),
        ({"interval_minutes": "1"}, "o-interval", "Import no more often than every 5 minutes."),
        ({"interval_minutes": "often"}, "o-interval", "Enter a whole number of minutes."),
        ({"tags": "wholesale, joor-order-12"}, "o-tags", "are the app&#x27;s own"),
        ({"tags": "x" * 41}, "o-tags", "A tag can have at most 40 characters"),
        ({"wh_location_0": ""}, "o-wh-location-0", "Choose the Shopify location for NY01."),
        ({"wh_code_0": ""}, "o-wh-code-0", "Enter the JOOR warehouse code or linesheet for this location."),
        (
            {"wh_code_1": "NY01", "wh_location_1": MAIN},
            "o-wh-code-1",
            "Warehouse NY01 is already listed above.",
        ),
        ({"default_location_id": "gid://shopify/Location/999"}, "o-location", "Select a valid choice."),
        ({"retailer_mode": "friend"}, "o-retailer", "Select a valid choice."),
    ],
)
def test_a_refusal_is_shown_at_its_field_and_nothing_is_saved(
    client_in, shop, sandboxes, changes, field_id, message
):
    before = order_settings_get(shop=shop)
    response = client_in.post("/settings/orders", form(**changes))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert">Order settings not saved: <a href="#orders">' in page  # at the top, pointing down
    body = orders_section(page)
    assert "Order settings not saved: correct what is marked below." in body
    error = body[body.index(f'id="{field_id}-error"') :]
    assert message in error[: error.index("</p>") + 400], error[:600]
    assert f'id="{field_id}"' in body
    control = body[body.index(f'id="{field_id}"') :]
    assert 'aria-invalid="true"' in control[: control.index(">")]
    # What was entered is still there, and nothing was stored.
    assert 'value="JOOR, wholesale, spring "' in body or "tags" in changes
    after = OrderSettings.objects.get(shop=shop)
    assert (after.enabled, after.interval_minutes, after.tags) == (
        before.enabled,
        before.interval_minutes,
        before.tags,
    )
    assert not Schedule.objects.filter(name=orders_schedule_name(shop=shop)).exists()


def test_the_catalog_settings_are_untouched_by_an_order_save(client_in, shop, sandboxes):
    account = JoorAccount.objects.get(shop=shop)
    client_in.post("/settings/orders", form())
    after = JoorAccount.objects.get(shop=shop)
    assert (after.direction, after.sync_interval_minutes, after.token) == (
        account.direction,
        account.sync_interval_minutes,
        account.token,
    )


def test_a_stored_location_shopify_no_longer_lists_stays_choosable(client_in, shop, sandboxes):
    gone = "gid://shopify/Location/404"
    OrderSettings.objects.create(shop=shop, default_location_id=gone, warehouse_locations={"LA": gone})
    body = orders_section(client_in.get("/settings").content.decode())
    assert f'<option value="{gone}" selected>A location Shopify no longer lists</option>' in body
    assert client_in.post("/settings/orders", form(default_location_id=gone)).status_code == 302


def test_without_shopify_locations_the_page_says_so(client_in, shop, settings):
    shop.admin_base_url = "http://127.0.0.1:9"
    shop.save()
    body = orders_section(client_in.get("/settings").content.decode())
    assert "Shopify locations unavailable" in body and "only the locations already chosen" in body


def test_order_settings_save_is_post_only(client_in, shop):
    assert client_in.get("/settings/orders").status_code == 405
