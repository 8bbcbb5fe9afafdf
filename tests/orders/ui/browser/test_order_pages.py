"""The orders list and an order's page in a real Chromium, on a phone (390 px) and a desktop (1440 px):
they render, nothing makes the page scroll sideways (wide tables scroll inside their card), and a
screenshot of each is kept under test-artifacts/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from joorsync.orders.models import ImportedOrder
from tests.browser.pages import assert_page_ok
from tests.orders.ui.support import conflicted, event, held, make_order

pytestmark = pytest.mark.browser

WIDTHS = (390, 1440)


def assert_no_sideways_scroll(page: Any) -> None:
    width, viewport = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width <= viewport, f"{page.url} is {width}px wide in a {viewport}px viewport"


def test_orders_list_and_order_page_fit_phone_and_desktop(signed_in, world, shoot):
    with world.db():
        for n in range(1001, 1004):
            make_order(
                world.shop,
                n,
                shopify_fulfillment_status="FULFILLED" if n == 1001 else "UNFULFILLED",
                status_note=(
                    "Fulfilled in Shopify. JOOR's API has no shipped status for an order, so JOOR still "
                    "shows it as approved: mark it shipped in JOOR."
                )
                if n == 1001
                else "",
            )
        on_hold = held(world.shop, 1004, retailer_name="Maison Nord et Fils, Grands Magasins")
        decision = conflicted(world.shop, 1005)
        make_order(world.shop, 1006, state=ImportedOrder.State.RECEIVED)
        event(on_hold, "Received from JOOR.")
        event(on_hold, on_hold.hold_message, level="warning")
    page = signed_in
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_page_ok(page, page.goto("/orders"))
        expect(page.get_by_role("button", name="Import orders now")).to_be_visible()
        expect(page.locator(f"#order-{on_hold.pk}")).to_contain_text("Held")
        assert_no_sideways_scroll(page)
        shoot(f"orders-{width}")

        assert_page_ok(page, page.goto(f"/orders/{on_hold.pk}"))
        expect(page.get_by_role("heading", name="Why it is held")).to_be_visible()
        expect(page.get_by_role("button", name="Retry")).to_be_visible()
        assert_no_sideways_scroll(page)
        shoot(f"order-held-{width}")

        assert_page_ok(page, page.goto(f"/orders/{decision.pk}"))
        page.get_by_role("link", name="Mark resolved…").click()
        expect(page.get_by_role("heading", name="Mark JOOR order 1005 resolved?")).to_be_visible()
        assert_no_sideways_scroll(page)
        shoot(f"order-resolve-{width}")

        assert_page_ok(page, page.goto("/settings"))
        expect(page.get_by_role("button", name="Save order settings")).to_be_visible()
        page.locator("#orders").screenshot(path=str(shoot(f"settings-{width}").with_suffix(".orders.png")))

        assert_page_ok(page, page.goto("/"))
        expect(page.locator("#orders-held")).to_contain_text("1 order is held")
        assert_no_sideways_scroll(page)
        shoot(f"dashboard-{width}")
