"""A colour's image set on its Shopify variants reaches JOOR as that colour's image, and previews list
image changes without writing them (both sandboxes over HTTP, the real engine)."""

from __future__ import annotations

import pytest

from joorsync.media.keys import joor_key, key_in_name
from joorsync.media.models import ImageAgreement
from joorsync.sync.models import ProductLink, ProductProblem, SyncEvent
from shopify_app.admin.media import product_media_get
from tests.media.support import (
    V4_FIELDS,
    make_media_world,
    media_names,
    set_colour_image,
    show_on_colour,
    variant_media,
)

pytestmark = pytest.mark.django_db

JOOR_ONLY = "joor-to-shopify"


def _sync(world, times: int = 1, **job_fields):
    result = None
    for _ in range(times):
        _, result = world.run(**job_fields)
        world.clock.advance(5)  # Shopify finishes processing between runs
    return result


def _link(world, style_number: str) -> ProductLink:
    return ProductLink.objects.get(shop=world.shop, style_number=style_number)


def _colour_image(world, link: ProductLink, code: str) -> str | None:
    colour = next(
        c for c in world.joor_sandbox.catalog.styles[link.joor_style_id].colors if c["color_code"] == code
    )
    images = colour.get("v4_images") or []
    return images[0] if images else None


def _image_writes(world, start: int) -> list[tuple[str, str, int]]:
    """JOOR image uploads and deletes since `start` in the sandbox's request log."""
    return [
        entry
        for entry in world.joor_sandbox.request_log[start:]
        if entry[0] in ("POST", "DELETE") and entry[1].endswith("/image/")
    ]


def test_a_colour_image_changed_in_shopify_is_uploaded_once_with_its_colour_code():
    world = make_media_world(styles=2, **V4_FIELDS)
    _sync(world, times=2)
    link = _link(world, "Test Style 1")
    style_images = list(world.joor_sandbox.style(link.joor_style_id)["images"])
    other_colour = _colour_image(world, link, "C2")
    media_id = set_colour_image(world, link, "C1", "https://images.brand-assets.com/blue-look.jpg")
    key = "s" + media_id.rsplit("/", 1)[-1]

    start = len(world.joor_sandbox.request_log)
    result = _sync(world)
    assert result.counts.errors == 0
    writes = _image_writes(world, start)
    assert [method for method, _, status in writes] == ["POST"] and writes[0][2] == 200
    assert key_in_name(_colour_image(world, link, "C1")) == key  # the colour's image, not a style image
    assert world.joor_sandbox.style(link.joor_style_id)["images"] == style_images
    assert _colour_image(world, link, "C2") == other_colour
    event = SyncEvent.objects.filter(link=link, action="updated", side="joor").last()
    assert event is not None and event.details["paths"] == ["images.color[C1]"]
    assert "blue-look.jpg" in event.details["changes"][0]["new"]

    # Re-syncs find both sides agreeing: nothing is sent either way.
    names = media_names(world, link.shopify_product_id)
    shown = variant_media(world, link.shopify_product_id)
    start = len(world.joor_sandbox.request_log)
    result = _sync(world, times=2)
    assert result.counts.errors == 0
    assert _image_writes(world, start) == []
    assert media_names(world, link.shopify_product_id) == names
    assert variant_media(world, link.shopify_product_id) == shown
    assert ImageAgreement.objects.get(link=link).colors["C1"] == key
    assert not ProductProblem.objects.filter(
        link=link, status="open", field_path__startswith="images"
    ).exists()


def test_a_style_image_chosen_as_a_colours_image_stays_a_style_image_and_reaches_joor_as_the_colours():
    world = make_media_world(styles=2, **V4_FIELDS)
    _sync(world, times=2)
    link = _link(world, "Test Style 1")
    style_images = list(world.joor_sandbox.style(link.joor_style_id)["images"])
    names = media_names(world, link.shopify_product_id)
    media = product_media_get(world.shopify_client(), product_id=link.shopify_product_id)
    assert media is not None
    back = next(m for m in media.media if "back" in (m.url or ""))
    show_on_colour(world, link, "C1", back.id)

    start = len(world.joor_sandbox.request_log)
    result = _sync(world)
    assert result.counts.errors == 0
    writes = _image_writes(world, start)
    assert [method for method, _, _ in writes] == ["POST"]  # the colour's image; no style image removed
    assert "back" in (_colour_image(world, link, "C1") or "")
    assert world.joor_sandbox.style(link.joor_style_id)["images"] == style_images
    assert media_names(world, link.shopify_product_id) == names  # not reordered, nothing removed
    assert not ProductProblem.objects.filter(
        link=link, status="open", field_path__startswith="images"
    ).exists()
    start = len(world.joor_sandbox.request_log)
    _sync(world, times=2)
    assert _image_writes(world, start) == []
    # A preview now plans nothing for the images either (the image is both a style and a colour image).
    _, preview = world.run(dry_run=True)
    entry = next((e for e in preview.preview if e.get("style_number") == "Test Style 1"), {})
    assert "images" not in entry
    assert not [p for p in entry.get("problems") or [] if "image" in str(p.get("message")).lower()]


def test_under_joor_to_shopify_only_nothing_is_sent_and_the_change_waits():
    world = make_media_world(styles=2, **V4_FIELDS)
    _sync(world, times=2)
    link = _link(world, "Test Style 1")
    before = _colour_image(world, link, "C1")
    media_id = set_colour_image(world, link, "C1", "https://images.brand-assets.com/blue-look.jpg")
    start = len(world.joor_sandbox.request_log)
    result = _sync(world, times=2, direction=JOOR_ONLY)
    assert result.counts.errors == 0
    assert _image_writes(world, start) == []
    assert _colour_image(world, link, "C1") == before
    # The change was not recorded as seen: syncing both ways later still carries it.
    _sync(world)
    assert key_in_name(_colour_image(world, link, "C1")) == "s" + media_id.rsplit("/", 1)[-1]


def test_an_image_joor_cannot_take_is_a_problem_of_its_product_only():
    world = make_media_world(styles=2, **V4_FIELDS)
    _sync(world, times=2)
    refused, taken = _link(world, "Test Style 1"), _link(world, "0050003")
    before = _colour_image(world, refused, "C1")
    set_colour_image(world, refused, "C1", "https://images.brand-assets.com/blue-look.webp")
    code = next(v.color_code for v in taken.variant_links.all())
    media_id = set_colour_image(world, taken, code, "https://images.brand-assets.com/look-008.jpg")

    start = len(world.joor_sandbox.request_log)
    result = _sync(world, times=3)
    assert result.counts.errors == 0
    assert len(_image_writes(world, start)) == 1  # the JPEG; the WebP never reaches JOOR
    assert _colour_image(world, refused, "C1") == before
    assert key_in_name(_colour_image(world, taken, code)) == "s" + media_id.rsplit("/", 1)[-1]
    problems = list(ProductProblem.objects.filter(status="open", code="image_refused"))
    assert [(p.link_id, p.field_path) for p in problems] == [(refused.pk, "images.color[C1]")]
    assert "JPEG or PNG" in problems[0].message


def test_a_colour_image_changed_on_both_sides_keeps_joors():
    world = make_media_world(styles=2, **V4_FIELDS)
    _sync(world, times=2)
    link = _link(world, "Test Style 1")
    style = world.joor_sandbox.style(link.joor_style_id)
    world.joor_client().style_image_upload(
        style_number=style["style_number"],
        style_identifier=style["style_identifier"],
        filename="c1-new.jpg",
        display_order=1,
        url="https://images.brand-assets.com/c1-new.jpg",
        color_code="C1",
    )
    in_joor = _colour_image(world, link, "C1")
    media_id = set_colour_image(world, link, "C1", "https://images.brand-assets.com/blue-look.jpg")
    start = len(world.joor_sandbox.request_log)
    result = _sync(world, times=2)
    assert result.counts.errors == 0
    assert _image_writes(world, start) == []
    assert _colour_image(world, link, "C1") == in_joor
    shown = variant_media(world, link.shopify_product_id)
    c1 = [v.shopify_variant_id for v in link.variant_links.all() if v.color_code == "C1"]
    assert {shown[v] for v in c1} == {media_id}  # the merchant's choice stays in Shopify
    assert joor_key(in_joor) in [key_in_name(n) for n in media_names(world, link.shopify_product_id)]
    assert SyncEvent.objects.filter(link=link, action="colour_image_kept").count() == 1


def test_a_preview_lists_image_changes_and_writes_nothing():
    world = make_media_world(styles=2, **V4_FIELDS)
    _sync(world, times=2)
    link = _link(world, "Test Style 1")
    style = world.joor_sandbox.style(link.joor_style_id)
    world.joor_client().style_image_upload(
        style_number=style["style_number"],
        style_identifier=style["style_identifier"],
        filename="runway.jpg",
        display_order=9,
        url="https://images.brand-assets.com/runway.jpg",
    )
    set_colour_image(world, link, "C1", "https://images.brand-assets.com/blue-look.jpg")
    client = world.shopify_client()
    current = product_media_get(client, product_id=link.shopify_product_id)
    files = [{"id": m.id} for m in current.media] + [
        {"originalSource": "https://images.brand-assets.com/look-1.jpg", "contentType": "IMAGE"}
    ]
    assert not client.product_set({"files": files}, identifier={"id": link.shopify_product_id}).user_errors
    world.clock.advance(5)

    names = media_names(world, link.shopify_product_id)
    shown = variant_media(world, link.shopify_product_id)
    agreement = ImageAgreement.objects.get(link=link)
    joor_style = world.joor_sandbox.style(link.joor_style_id)
    start = len(world.joor_sandbox.request_log)
    _, result = world.run(dry_run=True)
    entry = next(e for e in result.preview if e.get("style_number") == "Test Style 1")
    images = entry["images"]
    assert [n.split("-", 1)[0] for n in images["shopify"]["add"]] == ["runway"]  # JOOR's stored name
    assert images["joor"]["add"] == ["look-1.jpg"]
    assert images["joor"]["colours"] == {"C1": "blue-look.jpg"}
    assert result.counts.joor["updated"] >= 1 and result.counts.shopify["updated"] >= 1

    assert _image_writes(world, start) == []
    assert world.joor_sandbox.style(link.joor_style_id) == joor_style
    world.clock.advance(30)
    assert media_names(world, link.shopify_product_id) == names
    assert variant_media(world, link.shopify_product_id) == shown
    after = ImageAgreement.objects.get(link=link)
    assert (after.colors, after.variant_images, after.keys) == (
        agreement.colors,
        agreement.variant_images,
        agreement.keys,
    )
