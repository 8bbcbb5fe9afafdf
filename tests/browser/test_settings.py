"""Change settings in the browser, save, and see them applied: the page, the account, the Schedule."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from joorsync.joor.sandbox.defaults import DEFAULT_TOKEN
from joorsync.sync.models import Direction, JoorAccount, SyncJob
from joorsync.sync.schedules import shop_schedule_get
from tests.browser.harness import SHOP
from tests.browser.pages import assert_page_ok, eventually, set_control, submit
from tests.sync.ui.test_settings_page import LABELS

pytestmark = pytest.mark.browser


def _save(page) -> Any:
    return submit(page, page.get_by_role("button", name="Save", exact=True).first)


def test_saved_settings_show_on_reload_and_reach_the_account_and_its_schedule(signed_in, world, shoot):
    with world.db():
        assert shop_schedule_get(shop=world.shop).minutes == 15
    page = signed_in
    assert_page_ok(page, page.goto("/settings"))
    token = page.get_by_label("Token", exact=True)
    expect(token).to_have_value("")
    assert DEFAULT_TOKEN not in page.content(), "the stored JOOR token is rendered"
    # Price labels and currencies are offered from what the JOOR account has, not typed by hand.
    labels = page.get_by_label("Price label", exact=True).locator("option").all_inner_texts()
    currencies = page.get_by_label("Price currency", exact=True).locator("option").all_inner_texts()
    assert len(labels) > 1 and "USD" in currencies, (labels, currencies)
    shoot("before")

    set_control(page.get_by_label("Direction", exact=True), Direction.JOOR_TO_SHOPIFY.value)
    page.get_by_label("Sync every (minutes)", exact=True).fill("30")
    set_control(page.get_by_label("Content", exact=True), "joor")
    set_control(page.get_by_label("Inventory", exact=True), "shopify")
    set_control(page.get_by_label("Price currency", exact=True), "USD")
    set_control(page.get_by_label("New products from JOOR are created as", exact=True), "ACTIVE")
    page.get_by_label("Send Shopify drafts to JOOR", exact=True).check()
    _save(page)
    shoot("saved")

    assert_page_ok(page, page.reload())
    expect(page.get_by_label("Direction", exact=True)).to_have_value(Direction.JOOR_TO_SHOPIFY.value)
    expect(page.get_by_label("Sync every (minutes)", exact=True)).to_have_value("30")
    expect(page.get_by_label("Content", exact=True)).to_have_value("joor")
    expect(page.get_by_label("Inventory", exact=True)).to_have_value("shopify")
    expect(page.get_by_label("Price currency", exact=True)).to_have_value("USD")
    expect(page.get_by_label("New products from JOOR are created as", exact=True)).to_have_value("ACTIVE")
    expect(page.get_by_label("Send Shopify drafts to JOOR", exact=True)).to_be_checked()
    expect(page.get_by_label("Token", exact=True)).to_have_value("")
    shoot("reloaded")

    with world.db():
        account = JoorAccount.objects.get(shop=world.shop)
        schedule = shop_schedule_get(shop=world.shop)
    assert account.direction == Direction.JOOR_TO_SHOPIFY
    assert account.sync_interval_minutes == 30
    assert account.ownership.get("content") == "joor"
    assert account.ownership.get("inventory") == "shopify"
    assert account.price_currency == "USD"
    assert (account.new_product_status, account.sync_shopify_drafts) == ("ACTIVE", True)
    assert account.token == DEFAULT_TOKEN, "saving with an empty secret replaced the stored one"
    assert schedule is not None and schedule.minutes == 30


def test_an_invalid_interval_is_refused_and_nothing_changes(signed_in, world, shoot):
    page = signed_in
    assert_page_ok(page, page.goto("/settings"))
    interval = page.get_by_label("Sync every (minutes)", exact=True)
    # Bypass the browser's own min/max check: the server must refuse it too.
    interval.evaluate("el => { el.removeAttribute('min'); el.removeAttribute('max'); el.type = 'text'; }")
    interval.fill("-5")
    set_control(page.get_by_label("Direction", exact=True), Direction.SHOPIFY_TO_JOOR.value)
    _save(page)
    shoot("refused")
    with world.db():
        account = JoorAccount.objects.get(shop=world.shop)
    assert (account.sync_interval_minutes, account.direction) == (15, Direction.BOTH)
    expect(page.get_by_text("must be between 0").first).to_be_visible()
    expect(page.get_by_label("Sync every (minutes)", exact=True)).to_have_value("-5")


def test_test_connection_reports_on_the_joor_sandbox(signed_in, world, shoot):
    page = signed_in
    assert_page_ok(page, page.goto("/settings"))
    submit(page, page.get_by_role("button", name="Test connection", exact=True))
    shoot("tested")
    expect(page.get_by_text("Connection OK").first).to_be_visible()

    def joor_calls() -> list[tuple[str, str, int]]:
        with world.joor.lock:
            return list(world.joor.request_log)

    calls = eventually(joor_calls, what="a call to JOOR")
    assert all(status < 400 for _, _, status in calls), calls
    assert DEFAULT_TOKEN not in page.content()


SETTINGS_LABELS = LABELS  # the labels the settings page promises (one list, shared with its view tests)


def test_every_settings_control_is_labelled_and_secrets_are_write_only(signed_in, world):
    page = signed_in
    assert_page_ok(page, page.goto("/settings"))
    for label in SETTINGS_LABELS:
        expect(page.get_by_label(label, exact=True), label).to_have_count(1)
    # Each Shopify location of the sandbox shop has a warehouse input labelled with its name.
    with world.shopify.lock:
        locations = [location.name for location in world.shopify.shop(SHOP).locations.values()]
    assert locations
    for name in locations:
        expect(page.get_by_label(name, exact=True), name).to_have_count(1)
    for secret in ("Token", "Client secret", "Password"):
        expect(page.get_by_label(secret, exact=True)).to_have_value("")
    expect(page.get_by_label("Token", exact=True)).to_have_attribute("placeholder", "•••• set")
    for button in ("Save", "Test connection"):
        expect(page.get_by_role("button", name=button, exact=True)).to_have_count(1)


def test_a_change_to_what_decides_creation_syncs_every_product_again(signed_in, world, shoot):
    first = world.sync()
    page = signed_in
    assert_page_ok(page, page.goto("/settings"))
    expect(
        page.get_by_text("A product without a price in your shop's currency is always created as a draft.")
    ).to_be_visible()
    set_control(page.get_by_label("New products from JOOR are created as", exact=True), "ACTIVE")
    with world.worker.paused():
        _save(page)
        expect(page.get_by_text("A full sync is queued").first).to_be_visible()
    shoot("queued")
    world.wait_idle()
    with world.db():
        jobs = list(
            SyncJob.objects.filter(shop=world.shop)
            .exclude(pk=first.pk)
            .values_list("kind", "trigger", "status")
        )
    assert jobs == [(SyncJob.Kind.FULL, SyncJob.Trigger.MANUAL, SyncJob.Status.SUCCEEDED)]
