"""The price types table in a browser: each select shows its whole choice and says above it what it is
for, at a laptop's width and on a phone."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from shopify_app.admin.client import AdminClient
from tests.browser import conftest as browser_tests
from tests.browser.harness import SHOP, SHOPIFY_BASE, SHOPIFY_TOKEN, World
from tests.browser.pages import assert_page_ok

# The browser tests' fixtures, by name (a live server with both sandboxes, a signed-in page).
world = browser_tests.world
context = browser_tests.context
page = browser_tests.page
signed_in = browser_tests.signed_in
CHROMIUM, CHROMIUM_ARGS = browser_tests.CHROMIUM, browser_tests.CHROMIUM_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is absent"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium for this module alone (the browser tests' own lives for their package)."""
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # as tests/browser/conftest.py explains
    try:
        with sync_playwright() as driver:
            launched = driver.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            yield launched
            launched.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


MARKET_CREATE = """
mutation MarketCreate($input: MarketCreateInput!) {
  marketCreate(input: $input) { market { id name } userErrors { field message code } }
}
"""
# Whether a select's chosen option fits in it: its text in the select's own font, plus the padding and
# the arrow the browser draws.
TEXT_FITS = """el => {
  const s = getComputedStyle(el);
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
  const text = el.options[el.selectedIndex].text;
  const needed = ctx.measureText(text).width + parseFloat(s.paddingLeft) + parseFloat(s.paddingRight) + 20;
  return [text, Math.round(needed), Math.round(el.getBoundingClientRect().width)];
}"""


def _market(world: World) -> None:
    client = AdminClient(
        shop=SHOP,
        access_token=SHOPIFY_TOKEN,
        admin_base_url=SHOPIFY_BASE,
        transport=httpx.WSGITransport(app=world.shopify),
    )
    made = client.execute_document(
        MARKET_CREATE,
        {
            "input": {
                "name": "Europe wholesale buyers",
                "conditions": {"regionsCondition": {"regions": [{"countryCode": "FR"}]}},
            }
        },
        operation_name="MarketCreate",
    )
    assert made.data["marketCreate"]["userErrors"] == []


@pytest.mark.parametrize("width", [1300, 390])
def test_each_price_type_row_reads_with_its_labels_above_whole_selects(
    signed_in: Any, world: World, width: int
) -> None:
    _market(world)
    page = signed_in
    page.set_viewport_size({"width": width, "height": 900})
    assert_page_ok(page, page.goto("/settings"))
    table = page.locator("#pricing table.stack")
    expect(table).to_be_visible()
    table.scroll_into_view_if_needed()
    browser_tests.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    table.screenshot(path=str(browser_tests.SCREENSHOTS / f"price-types-{width}.png"))
    rows = table.locator("tbody tr")
    assert rows.count() >= 2
    for index in range(rows.count()):
        row = rows.nth(index)
        for name in ("destination", "market", "amount"):
            select = row.locator(f"select[id$='-{name}']")
            text, needed, width_px = select.evaluate(TEXT_FITS)
            assert needed <= width_px, f"row {index} {name}: “{text}” needs {needed}px, has {width_px}px"
        market = row.locator("select[id$='-market']")
        label = row.locator(f"label[for='{market.get_attribute('id')}']")
        expect(label).to_be_visible()
        above, box = label.bounding_box(), market.bounding_box()
        assert above and box
        # The label sits on its own line above its select, at its left edge.
        assert above["y"] + above["height"] <= box["y"] + 1, (above, box)
        assert abs(above["x"] - box["x"]) <= 2, (above, box)
        # Nothing of the row leaves the page sideways.
        row_box = row.bounding_box()
        assert row_box and row_box["x"] + row_box["width"] <= width + 1
