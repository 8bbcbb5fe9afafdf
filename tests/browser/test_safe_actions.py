"""Clicking through the questions the app asks before what is hard to take back (a hand link,
clearing a field, resolving many conflicts), and undoing a decision before the sync writes it;
both sandboxes are checked through their APIs, the question pages with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from joorsync.sync.models import Conflict, Direction, JoorAccount, ProductLink
from joorsync.sync.ui.labels import product_name
from tests.browser.harness import World
from tests.browser.pages import assert_page_ok, control_in, form_with_button, set_control, submit
from tests.browser.test_accessibility import _violations
from tests.sync.test_engine_shopify_to_joor import GRID_PRODUCT

pytestmark = pytest.mark.browser


def _conflict(world: World, pk: int) -> Conflict:
    with world.db():
        return Conflict.objects.select_related("link").get(pk=pk)


def _name(world: World, link_id: int) -> str:
    with world.db():
        return product_name(ProductLink.objects.get(pk=link_id))


def test_a_hand_link_asks_what_the_first_sync_does_then_links(signed_in, world, shoot):
    with world.db():
        JoorAccount.objects.filter(pk=world.account.pk).update(direction=Direction.SHOPIFY_TO_JOOR)
    gid = world.shopify.merchant_create_product(GRID_PRODUCT)
    world.sync()
    page = signed_in
    assert_page_ok(page, page.goto("/links?status=unmatched"))
    choice = page.get_by_label("Link to style", exact=True)
    style_id = int(choice.locator("option").first.get_attribute("value") or 0)
    choice.select_option(str(style_id))
    submit(page, page.get_by_role("button", name="Link", exact=True))

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(f"Link {GRID_PRODUCT['title']} to JOOR style")
    expect(page.get_by_role("heading", name="What the first sync does")).to_be_visible()
    # The account sends nothing to Shopify: the stock rule says Shopify's figures go to JOOR.
    expect(page.get_by_text("Stock: Shopify owns them, so Shopify's values replace JOOR's")).to_be_visible()
    expect(
        page.get_by_text(
            "JOOR owns them, but the sync direction (Shopify → JOOR only) never writes to Shopify"
        )
    ).to_be_visible()
    assert _violations(page) == []
    shoot("question")
    with world.db():
        assert ProductLink.objects.get(shop=world.shop, shopify_product_id=gid).status == "unmatched_shopify"

    page.get_by_role("link", name="Cancel", exact=True).click()
    page.wait_for_url("**/links?status=unmatched")
    with world.db():
        assert ProductLink.objects.get(shop=world.shop, shopify_product_id=gid).status == "unmatched_shopify"

    page.get_by_label("Link to style", exact=True).select_option(str(style_id))
    submit(page, page.get_by_role("button", name="Link", exact=True))
    submit(page, page.get_by_role("button", name="Link and sync"))
    page.wait_for_url("**/links?status=unmatched")
    expect(page.get_by_text(f"Linked {GRID_PRODUCT['title']} to JOOR style").first).to_be_visible()
    shoot("linked")
    world.wait_idle()
    with world.db():
        link = ProductLink.objects.get(shop=world.shop, shopify_product_id=gid)
        assert (link.status, link.method, link.joor_style_id) == ("linked", "manual", style_id)
        # As the question said: the title differs and is two-way, so it waits as a conflict.
        assert Conflict.objects.filter(link=link, field_path="title", status="open").exists()
    assert world.joor_name(style_id) != GRID_PRODUCT["title"]


def test_clearing_asks_on_its_own_page_showing_both_values(signed_in, world, shoot):
    world.sync()
    (conflict,) = world.make_conflicts(1, field_path="description")
    name = _name(world, conflict.link_id)
    page = signed_in
    assert_page_ok(page, page.goto(f"/conflicts/{conflict.pk}"))
    page.get_by_role("button", name="Clear this field…", exact=True).click()
    page.wait_for_url(f"**/conflicts/{conflict.pk}/clear*")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Empty the Description of {name} in Shopify and in JOOR?"
    )
    expect(page.get_by_text(conflict.shopify_value, exact=True)).to_be_visible()
    expect(page.get_by_text(conflict.joor_value, exact=True)).to_be_visible()
    assert _violations(page) == []
    shoot("question")
    page.get_by_role("link", name="Cancel", exact=True).click()
    page.wait_for_url(f"**/conflicts/{conflict.pk}")
    assert _conflict(world, conflict.pk).status == Conflict.Status.OPEN

    page.get_by_role("button", name="Clear this field…", exact=True).click()
    page.wait_for_url(f"**/conflicts/{conflict.pk}/clear*")
    clear = page.get_by_role("button", name=f"Clear the Description of {name} on both sides", exact=True)
    clear.focus()  # keyboard: the confirming button takes Enter
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.keyboard.press("Enter")
    page.wait_for_url(f"**/conflicts/{conflict.pk}")
    expect(page.get_by_text("Resolved: the field was cleared on both sides").first).to_be_visible()
    world.wait_idle()
    stored = _conflict(world, conflict.pk)
    assert (stored.resolution, stored.applied_at is not None) == (Conflict.Resolution.CLEAR, True)
    assert world.shopify_description(conflict.link.shopify_product_id) == ""
    assert not world.joor_description(conflict.link.joor_style_id)


def test_bulk_resolve_asks_with_the_count_and_the_products_first(signed_in, world, shoot):
    world.sync()
    first, second, third = world.make_title_conflicts(3)
    page = signed_in
    assert_page_ok(page, page.goto("/conflicts"))
    page.get_by_label(f"Select conflict {first.pk}", exact=True).check()
    page.get_by_label(f"Select conflict {second.pk}", exact=True).check()
    form = form_with_button(page, "Resolve selected")
    set_control(control_in(form, page, "Resolution"), "Keep JOOR")
    submit(page, page.get_by_role("button", name="Resolve selected", exact=True))

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Keep JOOR's value for 2 conflicts on 2 products?"
    )
    for conflict in (first, second):
        expect(page.locator(f"#confirm-{conflict.pk}")).to_contain_text(_name(world, conflict.link_id))
        expect(page.locator(f"#confirm-{conflict.pk}")).to_contain_text(conflict.joor_value)
    expect(page.locator(f"#confirm-{third.pk}")).to_have_count(0)
    assert _violations(page) == []
    shoot("question")
    assert {_conflict(world, c.pk).status for c in (first, second, third)} == {Conflict.Status.OPEN}

    submit(page, page.get_by_role("button", name="Resolve 2 conflicts", exact=True))
    expect(page.get_by_text("2 conflict(s) resolved.").first).to_be_visible()
    shoot("resolved")
    world.wait_idle()
    for conflict in (first, second):
        assert _conflict(world, conflict.pk).resolution == Conflict.Resolution.KEEP_JOOR
        assert world.shopify_title(conflict.link.shopify_product_id) == conflict.joor_value
    assert _conflict(world, third.pk).status == Conflict.Status.OPEN
    assert world.shopify_title(third.link.shopify_product_id) == third.shopify_value


def test_a_decision_is_undone_before_the_sync_writes_it_and_not_after(signed_in, world, shoot):
    world.sync()
    (conflict,) = world.make_title_conflicts(1)
    link = conflict.link
    page = signed_in
    assert_page_ok(page, page.goto(f"/conflicts/{conflict.pk}"))
    with world.worker.paused():  # the job the decision queues waits, as it may in a busy shop
        submit(page, page.get_by_role("button", name="Keep JOOR", exact=True))
        undo = page.get_by_role("button", name=f"Undo the decision on the Title of {_name(world, link.pk)}")
        expect(undo).to_be_visible()
        shoot("resolved")
        submit(page, undo)
        expect(page.get_by_text("is an open conflict again; nothing was written.").first).to_be_visible()
        expect(page.get_by_role("button", name="Keep JOOR", exact=True)).to_be_visible()
        shoot("undone")
        assert _conflict(world, conflict.pk).status == Conflict.Status.OPEN
    world.wait_idle()  # the queued job ran with nothing decided: neither side is overwritten
    assert world.shopify_title(link.shopify_product_id) == conflict.shopify_value
    assert world.joor_name(link.joor_style_id) == conflict.joor_value
    assert _conflict(world, conflict.pk).status == Conflict.Status.OPEN

    # Decided again and written: the page says when, and offers no undo.
    assert_page_ok(page, page.goto(f"/conflicts/{conflict.pk}"))
    submit(page, page.get_by_role("button", name="Keep Shopify", exact=True))
    world.wait_idle()
    assert world.joor_name(link.joor_style_id) == conflict.shopify_value
    assert_page_ok(page, page.goto(f"/conflicts/{conflict.pk}"))
    expect(page.get_by_text("Written to both sides on").first).to_be_visible()
    expect(page.get_by_role("button", name="Undo", exact=False)).to_have_count(0)
    shoot("written")
