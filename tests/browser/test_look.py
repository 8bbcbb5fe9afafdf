"""Shopify admin's look and its index tables: each list page's header carries its primary action, the
dashboard's counts are links that show their focus, and a table's bulk actions appear once rows are
selected (select-all, "N selected", "Select all N matching"), by mouse or keyboard, and without
JavaScript too."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from joorsync.sync.models import SyncJob
from tests.browser.conftest import SCREENSHOTS
from tests.browser.harness import SHOP, World
from tests.browser.pages import assert_page_ok, submit

pytestmark = pytest.mark.browser

FOCUS_RING = (
    "() => { const s = getComputedStyle(document.activeElement);"
    " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }"
)


def _targeted_jobs(world: World) -> dict[int, SyncJob]:
    with world.db():
        jobs = SyncJob.objects.filter(shop=world.shop, kind=SyncJob.Kind.TARGETED)
        return {job.target["link_id"]: job for job in jobs}


def test_each_list_page_has_a_header_with_its_primary_action(
    signed_in: Any, world: World, shoot: Any
) -> None:
    page = signed_in
    expected = {
        "/": ("Dashboard", "Sync now", "button"),
        "/jobs": ("Jobs", "Sync now", "button"),
        "/orders": ("Orders", "Import orders now", "button"),
        "/links": ("Links", "Export CSV", "link"),
        "/conflicts": ("Conflicts", "Export CSV", "link"),
        "/problems": ("Problems", "Export CSV", "link"),
    }
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for url, (title, action, role) in expected.items():
            assert_page_ok(page, page.goto(url))
            header = page.locator(".page-header")
            expect(header.get_by_role("heading", level=1)).to_have_text(title)
            control = header.get_by_role(role, name=action, exact=True)
            expect(control).to_be_visible()
            heading_box = header.get_by_role("heading", level=1).bounding_box()
            action_box = control.bounding_box()
            assert heading_box and action_box
            if width == 1440:
                # Title on the left, the action on the right of the same row.
                where = f"{url}: title {heading_box}, action {action_box}"
                assert action_box["x"] > heading_box["x"] + heading_box["width"], where
                assert abs(action_box["y"] - heading_box["y"]) < heading_box["height"], where
            assert action_box["x"] + action_box["width"] <= width, url
        shoot(f"dashboard-header-{width}")
    # The primary action is drawn as one: the dark fill of Polaris' primary button.
    page.set_viewport_size({"width": 1440, "height": 900})
    assert_page_ok(page, page.goto("/"))
    sync_now = page.locator(".page-header").get_by_role("button", name="Sync now", exact=True)
    colours = sync_now.evaluate("el => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]")
    assert colours == ["rgb(48, 48, 48)", "rgb(255, 255, 255)"], colours


def test_stat_cards_are_links_that_show_where_they_lead_and_their_focus(
    signed_in: Any, world: World, shoot: Any
) -> None:
    world.sync()
    page = signed_in
    assert_page_ok(page, page.goto("/"))
    cards = page.locator("a.card.stat")
    expect(cards).to_have_count(5)
    linked = page.locator('a.card.stat[href="/links?status=linked"]')
    expect(linked).to_contain_text("Linked")
    expect(linked.locator(".stat-value")).to_have_text("4")
    expect(linked.locator("svg.stat-go")).to_have_count(1)  # the chevron says "this leads somewhere"
    expect(linked).to_have_css("background-color", "rgb(255, 255, 255)")  # --p-color-bg-surface
    linked.hover()
    expect(linked).to_have_css("background-color", "rgb(247, 247, 247)")  # --p-color-bg-surface-hover
    page.mouse.move(0, 0)

    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('a.card.stat')"):
            break
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == "/links?status=linked"
    ring = page.evaluate(FOCUS_RING)
    assert ring[0] == "solid" and ring[1] != "0px", f"no visible focus ring: {ring}"
    shoot("stat-focused")
    page.keyboard.press("Enter")
    page.wait_for_url("**/links?status=linked")
    expect(page.locator("tbody tr")).to_have_count(4)


def test_links_bulk_bar_appears_on_selection_and_sync_selected_queues_jobs(
    signed_in: Any, world: World, shoot: Any
) -> None:
    world.sync()
    coat, dress, *others = world.links()
    page = signed_in
    assert_page_ok(page, page.goto("/links"))
    bar = page.locator("[data-bulk-bar]")
    select_all = page.get_by_label("Select every linked product on this page", exact=True)
    expect(bar).to_be_hidden()
    expect(page.get_by_text("Tick linked products to sync them now")).to_be_visible()
    expect(page.get_by_role("button", name="Sync selected")).to_have_count(0)
    shoot("none-selected")

    # Select-all ticks every row of the page, and the bar says how many.
    select_all.check()
    expect(bar).to_be_visible()
    expect(bar.locator("[data-bulk-count]")).to_have_text(f"{2 + len(others)} selected")
    expect(page.locator("input[data-bulk-row]:checked")).to_have_count(2 + len(others))
    shoot("all-selected")
    select_all.uncheck()
    expect(bar).to_be_hidden()

    # One row, then another: the select-all box shows a partial selection.
    page.locator(f"#sel-{coat.pk}").check()
    expect(bar.locator("[data-bulk-count]")).to_have_text("1 selected")
    assert select_all.evaluate("el => el.indeterminate && !el.checked")
    page.locator(f"#sel-{dress.pk}").check()
    expect(bar.locator("[data-bulk-count]")).to_have_text("2 selected")
    shoot("two-selected")

    with world.worker.paused():
        submit(page, bar.get_by_role("button", name="Sync selected", exact=True))
        jobs = _targeted_jobs(world)
        assert set(jobs) == {coat.pk, dress.pk}
        assert {job.trigger for job in jobs.values()} == {SyncJob.Trigger.MANUAL}
        assert {job.status for job in jobs.values()} == {SyncJob.Status.QUEUED}
    expect(page.get_by_text("Sync queued for 2 products; follow them on the Jobs page.")).to_be_visible()
    expect(page.locator("[data-bulk-bar]")).to_be_hidden()  # a fresh page: nothing selected
    shoot("queued")
    world.wait_idle()
    jobs = _targeted_jobs(world)
    assert {job.status for job in jobs.values()} == {SyncJob.Status.SUCCEEDED}, world.jobs_summary()


def test_the_bulk_bar_works_from_the_keyboard(signed_in: Any, world: World) -> None:
    world.sync()
    page = signed_in
    assert_page_ok(page, page.goto("/links"))
    select_all = page.get_by_label("Select every linked product on this page", exact=True)
    select_all.focus()
    page.keyboard.press("Space")
    bar = page.locator("[data-bulk-bar]")
    expect(bar).to_be_visible()
    expect(page.locator("input[data-bulk-row]:not(:checked)")).to_have_count(0)
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Sync selected", focused
    ring = page.evaluate(FOCUS_RING)
    assert ring[0] == "solid" and ring[1] != "0px", f"no visible focus ring: {ring}"
    page.keyboard.press("Escape")  # clears the selection and goes back to the select-all box
    expect(bar).to_be_hidden()
    expect(page.locator("input[data-bulk-row]:checked")).to_have_count(0)
    assert page.evaluate("() => document.activeElement.hasAttribute('data-bulk-page')")


def test_conflicts_offer_all_matching_once_the_page_is_selected(
    signed_in: Any, world: World, shoot: Any
) -> None:
    world.sync()
    world.make_title_conflicts(2)
    page = signed_in
    assert_page_ok(page, page.goto("/conflicts?field=title"))
    bar = page.locator("[data-bulk-bar]")
    matching = page.get_by_role("button", name="Select all 2 matching this filter", exact=True)
    expect(bar).to_be_hidden()
    page.get_by_label("Select every conflict on this page", exact=True).check()
    expect(bar.locator("[data-bulk-count]")).to_have_text("2 selected")
    expect(page.get_by_role("button", name="Resolve selected", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Resolve all matching", exact=True)).to_be_hidden()
    matching.click()
    expect(bar.locator("[data-bulk-count]")).to_have_text("All 2 matching selected")
    expect(matching).to_be_hidden()  # even under the pointer that clicked it
    all_matching = page.get_by_role("button", name="Resolve all matching", exact=True)
    expect(all_matching).to_be_focused()
    expect(page.get_by_role("button", name="Resolve selected", exact=True)).to_be_hidden()
    shoot("all-matching")
    # Unticking a row leaves "all matching" for the rows still ticked.
    page.locator("input[data-bulk-row]").first.uncheck()
    expect(bar.locator("[data-bulk-count]")).to_have_text("1 selected")
    expect(all_matching).to_be_hidden()
    page.get_by_role("button", name="Clear selection", exact=True).click()
    expect(bar).to_be_hidden()

    # Without a filter "all matching" would be every open conflict: it is not offered.
    assert_page_ok(page, page.goto("/conflicts"))
    page.get_by_label("Select every conflict on this page", exact=True).check()
    expect(page.get_by_role("button", name="Select all 2 matching this filter")).to_have_count(0)
    expect(page.get_by_role("button", name="Resolve all matching", exact=True)).to_be_hidden()


def test_without_javascript_every_action_stays_in_view(browser: Any, world: World) -> None:
    world.sync()
    coat, *_ = world.links()
    context = browser.new_context(base_url=world.base_url, java_script_enabled=False)
    try:
        page = context.new_page()
        assert_page_ok(page, page.goto(f"/sandbox/login?shop={SHOP}"))
        assert_page_ok(page, page.goto("/links"))
        expect(page.locator("input[data-bulk-page]")).to_be_hidden()  # useless without the script
        sync = page.get_by_role("button", name="Sync selected", exact=True)
        expect(sync).to_be_visible()
        page.locator(f"#sel-{coat.pk}").check()
        with world.worker.paused():
            submit(page, sync)
            assert set(_targeted_jobs(world)) == {coat.pk}
        expect(page.get_by_text("Sync queued for 1 product; follow it on the Jobs page.")).to_be_visible()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "test_without_javascript-links.png"), full_page=True)
    finally:
        context.close()
    world.wait_idle()
