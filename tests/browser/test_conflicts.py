"""Open a conflict, resolve it each way or clear it, bulk-resolve; both sandboxes are checked through
their APIs."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from joorsync.sync.conflicts import EMPTY_VALUE_MESSAGE
from joorsync.sync.models import Conflict, ProductLink
from joorsync.sync.ui.labels import product_name
from tests.browser.harness import World
from tests.browser.pages import assert_page_ok, control_in, form_with_button, set_control, submit

pytestmark = pytest.mark.browser

CUSTOM_TITLE = "Agreed title from the browser"


def _settled(world: World, conflict: Conflict) -> Conflict:
    """The conflict once the targeted job its resolution queued has run."""
    world.wait_idle()
    with world.db():
        conflict.refresh_from_db()
    return conflict


@pytest.mark.parametrize(
    ("button", "resolution"),
    [
        ("Keep Shopify", Conflict.Resolution.KEEP_SHOPIFY),
        ("Keep JOOR", Conflict.Resolution.KEEP_JOOR),
        ("Use this value", Conflict.Resolution.CUSTOM),
    ],
)
def test_a_conflict_resolved_in_the_browser_reaches_both_sandboxes(
    signed_in, world, shoot, button, resolution
):
    world.sync()
    (conflict,) = world.make_title_conflicts(1)
    link = conflict.link
    expected = {
        Conflict.Resolution.KEEP_SHOPIFY: conflict.shopify_value,
        Conflict.Resolution.KEEP_JOOR: conflict.joor_value,
        Conflict.Resolution.CUSTOM: CUSTOM_TITLE,
    }[resolution]
    assert conflict.shopify_value != conflict.joor_value
    page = signed_in

    assert_page_ok(page, page.goto("/conflicts"))
    shoot("list")
    page.locator(f'a[href="/conflicts/{conflict.pk}"]').first.click()
    page.wait_for_url(f"**/conflicts/{conflict.pk}")
    for column in ("Base", "Shopify", "JOOR"):
        expect(page.get_by_role("columnheader", name=column, exact=True)).to_be_visible()
    expect(page.get_by_text(conflict.shopify_value).first).to_be_visible()
    expect(page.get_by_text(conflict.joor_value).first).to_be_visible()
    assert page.locator("mark").count() >= 1, "no difference is highlighted"
    shoot("detail")

    if resolution == Conflict.Resolution.CUSTOM:
        page.get_by_label("Value", exact=True).fill(CUSTOM_TITLE)
    submit(page, page.get_by_role("button", name=button, exact=True))
    shoot("resolved")

    conflict = _settled(world, conflict)
    assert (conflict.status, conflict.resolution) == (Conflict.Status.RESOLVED, resolution)
    assert conflict.resolved_value == expected
    assert conflict.applied_at is not None, "the resolution's job did not apply it"
    assert world.shopify_title(link.shopify_product_id) == expected
    assert world.joor_name(link.joor_style_id) == expected

    assert_page_ok(page, page.goto("/conflicts?status=resolved"))
    expect(page.locator(f'a[href="/conflicts/{conflict.pk}"]').first).to_be_visible()
    shoot("history")


def test_bulk_resolve_selected_then_all_matching_the_filter(signed_in, world, shoot):
    world.sync()
    first, second, third = world.make_title_conflicts(3)
    page = signed_in
    assert_page_ok(page, page.goto("/conflicts"))
    shoot("list")

    page.get_by_label(f"Select conflict {first.pk}", exact=True).check()
    selected_form = form_with_button(page, "Resolve selected")
    set_control(control_in(selected_form, page, "Resolution"), "Keep JOOR")
    shoot("selected")
    submit(page, page.get_by_role("button", name="Resolve selected", exact=True))
    shoot("selected-question")
    submit(page, page.get_by_role("button", name="Resolve 1 conflict", exact=True))
    world.wait_idle()
    assert _statuses(world) == {
        first.pk: (Conflict.Status.RESOLVED, Conflict.Resolution.KEEP_JOOR),
        second.pk: (Conflict.Status.OPEN, ""),
        third.pk: (Conflict.Status.OPEN, ""),
    }
    assert world.shopify_title(first.link.shopify_product_id) == first.joor_value
    assert world.joor_name(first.link.joor_style_id) == first.joor_value

    # A filter that selects only the second product: "Resolve all matching" leaves the third alone.
    assert_page_ok(page, page.goto("/conflicts"))
    set_control(page.get_by_label("Field", exact=True), "title")
    page.get_by_label("Product", exact=True).fill(second.link.style_number)
    page.get_by_role("button", name="Filter", exact=True).click()
    expect(page.locator(f'a[href="/conflicts/{third.pk}"]')).to_have_count(0)
    expect(page.locator(f'a[href="/conflicts/{second.pk}"]').first).to_be_visible()
    shoot("filtered")
    # "All matching" is a selection, as in Shopify admin: tick the page, then take every match.
    page.get_by_label("Select every conflict on this page", exact=True).check()
    page.get_by_role("button", name="Select all 1 matching this filter", exact=True).click()
    all_form = form_with_button(page, "Resolve all matching")
    set_control(control_in(all_form, page, "Resolution"), "Keep Shopify")
    submit(page, page.get_by_role("button", name="Resolve all matching", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Keep Shopify's value for 1 conflict on 1 product?"
    )
    submit(page, page.get_by_role("button", name="Resolve 1 conflict", exact=True))
    world.wait_idle()
    shoot("after-all-matching")
    assert _statuses(world) == {
        first.pk: (Conflict.Status.RESOLVED, Conflict.Resolution.KEEP_JOOR),
        second.pk: (Conflict.Status.RESOLVED, Conflict.Resolution.KEEP_SHOPIFY),
        third.pk: (Conflict.Status.OPEN, ""),
    }
    second = _settled(world, second)
    assert second.applied_at is not None
    assert world.shopify_title(second.link.shopify_product_id) == second.shopify_value
    assert world.joor_name(second.link.joor_style_id) == second.shopify_value
    # The third product kept both edits, still waiting for a decision.
    assert world.shopify_title(third.link.shopify_product_id) == third.shopify_value
    assert world.joor_name(third.link.joor_style_id) == third.joor_value


def _statuses(world: World) -> dict[int, tuple[str, str]]:
    with world.db():
        return {c.pk: (c.status, c.resolution) for c in Conflict.objects.filter(shop=world.shop)}


def test_an_empty_value_is_refused_at_the_field_and_clear_empties_both_sides(signed_in, world, shoot):
    world.sync()
    (conflict,) = world.make_conflicts(1, field_path="description")
    link = conflict.link
    page = signed_in
    assert_page_ok(page, page.goto(f"/conflicts/{conflict.pk}"))
    clear = page.get_by_role("button", name="Clear this field…", exact=True)
    expect(clear).to_be_visible()
    with world.db():
        name = product_name(ProductLink.objects.get(pk=link.pk))
    expect(
        page.get_by_text(f"Empties the Description of {name} in Shopify and in JOOR. You are asked first.")
    ).to_be_visible()
    shoot("offered")

    # "Use this value" with only spaces: refused at the field, what was typed is still there.
    value = page.get_by_label("Value", exact=True)
    value.fill("   ")
    submit(page, page.get_by_role("button", name="Use this value", exact=True))
    message = page.locator("#custom-value-error")
    expect(message).to_have_text(EMPTY_VALUE_MESSAGE)
    expect(page.get_by_label("Value", exact=True)).to_have_value("   ")
    expect(page.get_by_label("Value", exact=True)).to_have_attribute("aria-invalid", "true")
    shoot("refused")
    with world.db():
        assert Conflict.objects.get(pk=conflict.pk).status == Conflict.Status.OPEN

    # Clearing asks first, on a page of its own.
    page.get_by_role("button", name="Clear this field…", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Empty the Description of {name} in Shopify and in JOOR?"
    )
    with world.db():
        assert Conflict.objects.get(pk=conflict.pk).status == Conflict.Status.OPEN
    submit(
        page, page.get_by_role("button", name=f"Clear the Description of {name} on both sides", exact=True)
    )
    expect(page.get_by_text("Resolved: the field was cleared on both sides").first).to_be_visible()
    shoot("cleared")
    conflict = _settled(world, conflict)
    assert (conflict.status, conflict.resolution, conflict.resolved_value) == (
        Conflict.Status.RESOLVED,
        Conflict.Resolution.CLEAR,
        None,
    )
    assert conflict.applied_at is not None, "the resolution's job did not apply it"
    assert world.shopify_description(link.shopify_product_id) == ""
    assert not world.joor_description(link.joor_style_id)
    # The next sync leaves the agreement alone: nothing comes back, no new conflict opens.
    world.sync()
    assert world.shopify_description(link.shopify_product_id) == ""
    assert not world.joor_description(link.joor_style_id)
    with world.db():
        assert not Conflict.objects.filter(link=link, status=Conflict.Status.OPEN).exists()


def test_a_title_conflict_offers_no_clear(signed_in, world):
    world.sync()
    (conflict,) = world.make_title_conflicts(1)
    page = signed_in
    assert_page_ok(page, page.goto(f"/conflicts/{conflict.pk}"))
    expect(page.get_by_role("button", name="Keep JOOR", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Clear this field…", exact=True)).to_have_count(0)
