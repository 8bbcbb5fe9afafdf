"""A product's history in the browser: the write the sync made with before and after, restored with
one click, and the restore written to both sandboxes by the worker."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from joorsync.sync.models import ProductLink, SyncJob
from tests.browser.harness import World
from tests.browser.pages import assert_page_ok


def test_a_write_is_restored_from_the_history_and_reaches_both_sides(
    signed_in: Any, world: World, shoot: Any
) -> None:
    world.sync()
    link = world.links()[0]
    before = world.joor_name(link.joor_style_id)
    with world.lock:
        world.joor.edit_style(link.joor_style_id, {"style_name": "Renamed in JOOR"})
    world.sync(kind=SyncJob.Kind.INCREMENTAL)
    assert world.shopify_title(link.shopify_product_id) == "Renamed in JOOR"

    page = signed_in
    assert_page_ok(page, page.goto("/links"))
    page.get_by_role("link", name="History of Renamed in JOOR").first.click()
    page.wait_for_url(f"**/links/{link.pk}/history")
    row = page.locator("tr", has_text="Title").filter(has_text="Renamed in JOOR").first
    assert before in row.inner_text()
    shoot("history-before")
    row.get_by_role("button", name="Restore previous value: Title of Renamed in JOOR").click()
    page.wait_for_url(f"**/links/{link.pk}/history")
    assert "put back on both sides" in page.content()
    world.wait_idle()
    assert world.shopify_title(link.shopify_product_id) == before
    assert world.joor_name(link.joor_style_id) == before
    page.reload()
    assert "written to both sides" in page.content()
    shoot("history-restored")


def test_a_thumbnail_that_cannot_load_is_hidden_and_the_name_stays(signed_in: Any, world: World) -> None:
    world.sync()
    link = world.links()[0]
    with world.lock:
        ProductLink.objects.filter(pk=link.pk).update(image_url="https://cdn.unreachable.invalid/coat.jpg")
    page = signed_in
    assert_page_ok(page, page.goto(f"/links/{link.pk}/history"))
    thumb = page.locator("h1 img.thumb")
    expect(thumb).to_have_count(1)
    expect(thumb).to_have_attribute("hidden", "")  # hidden by the page, not absent
    expect(thumb).to_be_hidden()
    expect(page.locator("h1")).to_contain_text("History of")
