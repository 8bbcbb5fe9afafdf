"""The "Notifications" section of /settings: its own form and save button, the recipient first filled
from Shopify, refusals shown at their fields with what was entered kept, and a save that also keeps the
digest schedule in line."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from joorsync.notifications.models import NotificationSettings
from joorsync.notifications.schedules import digest_schedule_get
from tests.notifications.conftest import OWNER, SHOP, settings_of

pytestmark = pytest.mark.django_db

VALID = {
    "recipient": "merchant@brand.example",
    "on_failure": "on",
    "on_new_items": "on",
    "daily_digest": "on",
    "digest_hour": "7",
    "digest_clock": "shop",
}


@pytest.fixture
def client(settings: Any, shop: Any) -> Client:
    settings.SANDBOX_MODE = True
    cache.clear()
    browser = Client()
    assert browser.get("/sandbox/login", {"shop": SHOP}).status_code == 302
    return browser


def section(html: str) -> str:
    start = html.index('id="notifications"')
    return html[start : html.index("</form>", start)]


def test_the_page_shows_the_section_with_the_shops_email_from_shopify(client, shop):
    page = client.get("/settings").content.decode()

    part = section(page)
    assert 'action="/settings/notifications#notifications"' in page
    assert f'value="{OWNER}"' in part  # the shop's e-mail as Shopify reports it
    assert "Your shop&#x27;s time zone (Etc/UTC)" in part
    assert "Save notification settings" in part and 'id="orders"' in page  # beside the Orders section
    stored = NotificationSettings.objects.get(shop=shop)
    assert (stored.recipient, stored.shop_time_zone, stored.on_failure, stored.daily_digest) == (
        OWNER,
        "Etc/UTC",
        True,
        False,
    )


def test_without_an_address_the_section_asks_for_one(client, shop):
    settings_of(shop, recipient="")
    part = section(client.get("/settings").content.decode())
    assert "No e-mails are sent yet: enter the address they should go to." in part


def test_saving_stores_the_settings_and_makes_the_schedule(client, shop):
    response = client.post("/settings/notifications", VALID)

    assert response.status_code == 302 and response["Location"] == "/settings"
    stored = NotificationSettings.objects.get(shop=shop)
    assert (stored.recipient, stored.daily_digest, stored.digest_hour) == ("merchant@brand.example", True, 7)
    assert digest_schedule_get(shop=shop) is not None
    page = client.get("/settings").content.decode()
    assert "Notification settings saved. Mails go to merchant@brand.example" in page
    assert "a daily summary at 07:00 (Etc/UTC)" in page


def test_an_invalid_recipient_is_refused_at_its_field(client, shop):
    response = client.post("/settings/notifications", {**VALID, "recipient": "not an address"})

    assert response.status_code == 400
    page = response.content.decode()
    part = section(page)
    assert "Notification settings not saved" in page and 'href="#notifications"' in page
    assert (
        '<p class="field-error" id="n-recipient-error">Enter a valid e-mail address, like you@example.com.</p>'
        in part
    )
    assert 'value="not an address"' in part and 'aria-invalid="true"' in part
    assert NotificationSettings.objects.get(shop=shop).recipient == OWNER  # nothing saved
    assert digest_schedule_get(shop=shop) is None


def test_mails_on_without_an_address_are_refused_and_all_off_is_saved(client, shop):
    response = client.post("/settings/notifications", {**VALID, "recipient": ""})
    assert response.status_code == 400
    assert "Enter the e-mail address the mails go to, or turn every mail off." in response.content.decode()

    response = client.post(
        "/settings/notifications", {"recipient": "", "digest_hour": "8", "digest_clock": "utc"}
    )
    assert response.status_code == 302
    stored = NotificationSettings.objects.get(shop=shop)
    assert (stored.recipient, stored.on_failure, stored.on_new_items, stored.daily_digest) == (
        "",
        False,
        False,
        False,
    )


def test_an_hour_outside_the_day_is_refused(client, shop):
    response = client.post("/settings/notifications", {**VALID, "digest_hour": "24"})
    assert response.status_code == 400
    assert (
        '<p class="field-error" id="n-hour-error">Choose an hour of the day.</p>' in response.content.decode()
    )


def test_saving_needs_a_signed_in_shop(settings, shop):
    settings.SANDBOX_MODE = True
    assert Client().post("/settings/notifications", VALID).status_code == 401
    assert Client().get("/settings/notifications").status_code in (401, 405)
