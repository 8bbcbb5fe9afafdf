"""Every page renders with real data behind it (a screenshot of each), and the links page works."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from joorsync.sync.models import Conflict, Direction, JoorAccount, ProductLink, SyncJob
from tests.browser.pages import assert_page_ok, eventually, latest_job, submit
from tests.sync.test_engine_shopify_to_joor import GRID_PRODUCT

pytestmark = pytest.mark.browser


def test_every_page_renders_after_a_sync_with_a_conflict(signed_in, world, shoot):
    world.sync()
    (conflict,) = world.make_title_conflicts(1)
    job = latest_job(world)
    assert job is not None
    page = signed_in
    pages = {
        "dashboard": "/",
        "settings": "/settings",
        "links": "/links",
        "conflicts": "/conflicts",
        "conflicts-resolved": "/conflicts?status=resolved",
        "conflict": f"/conflicts/{conflict.pk}",
        "jobs": "/jobs",
        "job": f"/jobs/{job.pk}",
        "problems": "/problems",
    }
    broken: list[tuple[int, str]] = []
    page.on("response", lambda r: broken.append((r.status, r.url)) if r.status >= 400 else None)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    for step, url in pages.items():
        assert_page_ok(page, page.goto(url))
        expect(page.locator("main, body").first).not_to_be_empty()
        # The stylesheet and htmx loaded (a page without them is unstyled and cannot refresh itself).
        assert page.evaluate("() => typeof window.htmx") == "object", f"htmx missing on {url}"
        assert page.evaluate("() => document.styleSheets.length") >= 1, f"no stylesheet on {url}"
        shoot(step)
    assert not broken, broken
    assert not errors, errors
    for url in ("/links", "/conflicts", "/jobs", "/problems"):
        page.goto(url)
        expect(page.get_by_text("Page 1 of 1").first).to_be_visible()


def test_signed_out_pages_send_the_merchant_to_sign_in(page, world, shoot):
    response = page.goto("/conflicts")
    assert response is not None and response.status < 500
    # Either a 401/403 page or a redirect towards signing in: never the conflicts page itself.
    assert response.status in (401, 403) or urlsplit(page.url).path != "/conflicts", page.url
    shoot("signed-out")
    response = page.goto("/sandbox/login?shop=other.myshopify.com")
    assert response is not None and response.status in (400, 403, 404), response.status


def test_links_search_and_unlink(signed_in, world, shoot):
    world.sync()
    first, second, *_ = world.links()
    page = signed_in
    assert_page_ok(page, page.goto("/links"))
    expect(page.get_by_role("link", name="Unlink")).to_have_count(len(world.links()))
    shoot("all")

    page.get_by_label("Search", exact=True).fill(first.style_number)
    submit_filter = page.get_by_role("button", name="Filter", exact=True)
    submit_filter.click()
    page.wait_for_load_state()
    expect(page.get_by_text(first.style_number).first).to_be_visible()
    expect(page.get_by_text(second.style_number)).to_have_count(0)
    shoot("searched")

    row = page.locator("tr", has=page.get_by_text(first.style_number)).first
    row.get_by_role("link", name="Unlink").click()
    page.wait_for_load_state()
    shoot("unlink-question")
    submit(page, page.get_by_role("button", name="Unlink", exact=True))
    shoot("unlinked")

    def unlinked() -> bool:
        with world.db():
            return ProductLink.objects.get(pk=first.pk).status != ProductLink.Status.LINKED

    eventually(unlinked, what="the link to be unlinked")


def test_link_an_unmatched_shopify_product_to_a_suggested_style(signed_in, world, shoot):
    with world.db():
        JoorAccount.objects.filter(pk=world.account.pk).update(direction=Direction.SHOPIFY_TO_JOOR)
    gid = world.shopify.merchant_create_product(GRID_PRODUCT)
    world.sync()  # shopify-to-joor with no wholesale factor: nothing is created on either side
    with world.db():
        row = ProductLink.objects.get(shop=world.shop, shopify_product_id=gid)
    assert row.status == ProductLink.Status.UNMATCHED_SHOPIFY
    page = signed_in
    assert_page_ok(page, page.goto("/links"))
    shoot("unmatched")

    choice = page.get_by_label("Link to style", exact=True)
    expect(choice).to_have_count(1)
    style_id = int(choice.locator("option").first.get_attribute("value") or 0)
    choice.select_option(str(style_id))
    submit(page, page.get_by_role("button", name="Link", exact=True))
    shoot("link-question")
    submit(page, page.get_by_role("button", name="Link and sync"))
    shoot("linked")
    world.wait_idle()  # linking queues a targeted sync of the new pair

    with world.db():
        link = ProductLink.objects.get(shop=world.shop, shopify_product_id=gid)
    assert (link.status, link.method, link.joor_style_id) == (
        ProductLink.Status.LINKED,
        ProductLink.Method.MANUAL,
        style_id,
    )
    # A hand link rewrites neither side: each difference waits for a person as a conflict.
    assert world.joor_name(style_id) != GRID_PRODUCT["title"]
    with world.db():
        title = Conflict.objects.get(link=link, field_path="title", status=Conflict.Status.OPEN)
    assert (title.shopify_value, title.joor_value) == (GRID_PRODUCT["title"], world.joor_name(style_id))
    assert_page_ok(page, page.goto("/conflicts"))
    expect(page.locator(f'a[href="/conflicts/{title.pk}"]').first).to_be_visible()
    shoot("conflicts")


def test_lists_page_by_fifty_with_previous_and_next(signed_in, world, shoot):
    with world.db():
        SyncJob.objects.bulk_create(
            SyncJob(shop=world.shop, kind=SyncJob.Kind.INCREMENTAL, status=SyncJob.Status.SUCCEEDED)
            for _ in range(51)
        )
    page = signed_in
    assert_page_ok(page, page.goto("/jobs"))
    expect(page.get_by_text("Page 1 of 2").first).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(50)
    page.get_by_role("link", name="Next", exact=True).first.click()
    page.wait_for_url("**/jobs?*page=2*")
    expect(page.get_by_text("Page 2 of 2").first).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(1)
    shoot("page-2")
    page.get_by_role("link", name="Previous", exact=True).first.click()
    expect(page.get_by_text("Page 1 of 2").first).to_be_visible()
