"""Images both ways through both sandboxes (real clients over HTTP, the real engine)."""

from __future__ import annotations

import pytest

from joorsync.joor.errors import JoorPermanentError
from joorsync.media.keys import joor_image_url, joor_key, key_in_name
from joorsync.media.models import ImageAgreement
from joorsync.sync.models import ProductLink, ProductProblem, SyncEvent
from shopify_app.admin.media import product_media_get
from tests.media.support import V4_FIELDS, make_media_world, media_names

pytestmark = pytest.mark.django_db


def _sync(world, times: int = 1):
    result = None
    for _ in range(times):
        _, result = world.run()
        world.clock.advance(5)  # Shopify finishes processing between runs
    return result


def _links(world):
    return list(ProductLink.objects.filter(shop=world.shop).order_by("joor_style_id"))


def _colour_images(world, style_id: int) -> dict[str, str]:
    style = world.joor_sandbox.catalog.styles[style_id]
    return {c["color_code"]: c["v4_images"][0] for c in style.colors if c.get("v4_images")}


def _merchant_add_image(world, product_id: str, url: str) -> str:
    """The merchant adds an image in Shopify's admin (the product's media stay as they are)."""
    client = world.shopify_client()
    current = product_media_get(client, product_id=product_id)
    files = [{"id": m.id} for m in current.media] + [{"originalSource": url, "contentType": "IMAGE"}]
    result = client.product_set({"files": files}, identifier={"id": product_id})
    assert not result.user_errors
    return product_media_get(client, product_id=product_id).media[-1].id


def test_every_joor_image_is_on_shopify_once_in_joor_order_and_colour_images_on_their_variants():
    world = make_media_world(styles=3, **V4_FIELDS)
    result = _sync(world, times=4)  # the first import, then three re-syncs
    assert result.counts.errors == 0
    assert result.counts.shopify["updated"] == 0, result.counts.as_dict()
    checked_colours = 0
    for link in _links(world):
        style = world.joor_sandbox.style(link.joor_style_id)
        colours = _colour_images(world, link.joor_style_id)
        expected = [joor_key(p) for p in style["images"]] + [joor_key(p) for p in colours.values()]
        keys = [key_in_name(name) for name in media_names(world, link.shopify_product_id)]
        assert keys == expected, (style["style_number"], keys)
        media = product_media_get(world.shopify_client(), product_id=link.shopify_product_id)
        by_id = {m.id: key_in_name(m.url) for m in media.media}
        for variant in link.variant_links.all():
            if variant.color_code in colours:
                shown = media.variant_media[variant.shopify_variant_id]
                assert by_id[shown] == joor_key(colours[variant.color_code])
                checked_colours += 1
    assert checked_colours > 0
    seed = _links(world)[0]
    assert seed.style_number == "Test Style 1"
    assert len(media_names(world, seed.shopify_product_id)) == 5  # 3 style images + 2 colour images
    history = SyncEvent.objects.filter(link=seed, action="updated", side="shopify")
    assert any("images.color[C1]" in (e.details or {}).get("paths", []) for e in history)


def test_a_merchants_shopify_image_reaches_joor_once():
    world = make_media_world(styles=2)
    _sync(world, times=2)
    link = _links(world)[1]
    before = list(world.joor_sandbox.style(link.joor_style_id)["images"])
    media_id = _merchant_add_image(
        world, link.shopify_product_id, "https://images.brand-assets.com/look-1.jpg"
    )
    world.clock.advance(5)
    result = _sync(world, times=3)
    assert result.counts.errors == 0
    after = world.joor_sandbox.style(link.joor_style_id)["images"]
    assert after[: len(before)] == before
    added = after[len(before) :]
    assert len(added) == 1 and key_in_name(added[0]) == "s" + media_id.rsplit("/", 1)[-1]
    # Still one copy in Shopify: JOOR's copy is known as the same image.
    names = media_names(world, link.shopify_product_id)
    assert len(names) == len(before) + 1
    event = SyncEvent.objects.filter(link=link, action="updated", side="joor").last()
    assert event is not None and event.details["changes"][0]["path"] == "images"
    assert "look-1.jpg" in event.details["changes"][0]["new"][-1]


@pytest.mark.parametrize(("policy", "removed"), [("archive", True), ("flag", False)])
def test_an_image_removed_in_joor_follows_the_delete_policy(policy, removed):
    world = make_media_world(styles=3, delete_policy=policy)
    _sync(world, times=2)
    link = next(lk for lk in _links(world) if world.joor_sandbox.style(lk.joor_style_id)["images"])
    style = world.joor_sandbox.style(link.joor_style_id)
    gone = style["images"][0]
    world.joor_client().style_image_delete(
        style_number=style["style_number"], style_identifier=style["style_identifier"], filename=gone
    )
    result = _sync(world, times=2)
    assert result.counts.errors == 0
    keys = [key_in_name(n) for n in media_names(world, link.shopify_product_id)]
    assert (joor_key(gone) not in keys) is removed
    problem = ProductProblem.objects.filter(link=link, code="image_removed", status="open").first()
    assert (problem is None) is removed
    if problem is not None:
        assert "removed in JOOR" in problem.message


def test_an_image_removed_in_shopify_is_deleted_in_joor_under_the_archive_policy():
    world = make_media_world(styles=3, delete_policy="archive")
    _sync(world, times=2)
    link = next(lk for lk in _links(world) if world.joor_sandbox.style(lk.joor_style_id)["images"])
    style = world.joor_sandbox.style(link.joor_style_id)
    client = world.shopify_client()
    media = product_media_get(client, product_id=link.shopify_product_id).media
    client.product_set(
        {"files": [{"id": m.id} for m in media[1:]]}, identifier={"id": link.shopify_product_id}
    )
    _sync(world, times=2)
    assert world.joor_sandbox.style(link.joor_style_id)["images"] == style["images"][1:]


def test_a_failed_shopify_media_is_a_problem_of_its_product_and_the_run_goes_on():
    world = make_media_world(styles=3)
    styles = sorted(world.joor_sandbox.catalog.styles)
    failing = next(p for sid in styles[1:] for p in world.joor_sandbox.style(sid)["images"])
    world.shopify_sandbox.shop().media.failing_urls.add(joor_image_url(failing))
    result = _sync(world, times=3)
    assert result.counts.errors == 0
    problem = ProductProblem.objects.get(code="image_failed", status="open")
    assert "could not process" in problem.message
    others = [lk for lk in _links(world) if lk.pk != problem.link_id]
    for link in others:
        style = world.joor_sandbox.style(link.joor_style_id)
        names = media_names(world, link.shopify_product_id)
        assert [key_in_name(n) for n in names] == [joor_key(p) for p in style["images"]]


def test_an_image_joor_cannot_take_is_a_problem_and_is_not_sent_again(monkeypatch):
    world = make_media_world(styles=2)
    _sync(world, times=2)
    webp, jpeg = _links(world)
    _merchant_add_image(world, webp.shopify_product_id, "https://images.brand-assets.com/look.webp")
    _merchant_add_image(world, jpeg.shopify_product_id, "https://images.brand-assets.com/look-2.jpg")
    world.clock.advance(5)
    calls = []

    def refuse(self, **kwargs):
        calls.append(kwargs["filename"])
        raise JoorPermanentError("JOOR POST image: 400 image could not be fetched", status=400)

    monkeypatch.setattr("joorsync.joor.client.JoorClient.style_image_upload", refuse)
    result = _sync(world, times=3)
    assert result.counts.errors == 0
    problems = {p.link_id: p for p in ProductProblem.objects.filter(code="image_refused", status="open")}
    assert "JPEG or PNG" in problems[webp.pk].message
    assert "could not be fetched" in problems[jpeg.pk].message
    assert len(calls) == 1  # refused once, not sent again while the image stays the same
    assert ImageAgreement.objects.get(link=jpeg).refused
