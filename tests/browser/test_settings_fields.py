"""Settings in the browser: only the chosen API generation's credentials are shown, and a refused value
is marked at its field with the banner pointing to it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.pages import assert_page_ok, set_control, submit

pytestmark = pytest.mark.browser


def test_only_the_chosen_generations_credentials_show(signed_in, world, shoot):
    page = signed_in
    assert_page_ok(page, page.goto("/settings"))
    expect(page.get_by_label("Token", exact=True)).to_be_visible()
    for v4 in ("JOOR auth URL", "Client ID", "Client secret", "Username", "Account ID"):
        expect(page.get_by_label(v4, exact=True)).to_be_hidden()
    set_control(page.get_by_label("API generation", exact=True), "v4")
    expect(page.get_by_label("Client ID", exact=True)).to_be_visible()
    expect(page.get_by_label("Token", exact=True)).to_be_hidden()
    shoot("v4-fields")


def test_a_refused_value_is_marked_at_its_field(signed_in, world, shoot):
    page = signed_in
    assert_page_ok(page, page.goto("/settings"))
    field = page.get_by_label("Sync every (minutes)", exact=True)
    # Past the browser's own min check: the server's refusal is what is shown at the field.
    field.evaluate("el => { el.removeAttribute('min'); el.type = 'text'; }")
    field.fill("-5")
    submit(page, page.get_by_role("button", name="Save", exact=True).first)
    field = page.get_by_label("Sync every (minutes)", exact=True)
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#s-int-error")).to_contain_text("Sync every (minutes)")
    page.get_by_role("link", name="Sync every (minutes)").click()
    assert page.url.endswith("#s-int")
    shoot("refused-at-field")
