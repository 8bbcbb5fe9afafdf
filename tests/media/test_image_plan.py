"""The image comparison and the gate's image rules, without either side."""

from __future__ import annotations

from joorsync.media.keys import joor_key, key_in_name, named, readable_name
from joorsync.media.plan import (
    SHOPIFY_MAX_MEDIA,
    Agreed,
    ImageRules,
    ShopifyMedia,
    plan_images,
)
from joorsync.sync.ui.labels import field_label

RULES = ImageRules(allow_shopify=True, allow_joor=True, propagate_deletes=False)
A, B, C = "/img/a.jpg", "/img/b.jpg", "/img/c.jpg"


def _media(path: str, number: int) -> ShopifyMedia:
    key = joor_key(path)
    url = f"https://cdn.shopify.com/s/files/1/files/{named(path, key, 'jpg')}?v=1"
    return ShopifyMedia(f"gid://shopify/MediaImage/{number}", key_in_name(url), "READY", "MediaImage", url)


def _merchant(number: int, mime: str = "image/jpeg") -> ShopifyMedia:
    url = f"https://cdn.shopify.com/s/files/1/files/look-{number}.jpg?v=1"
    return ShopifyMedia(f"gid://shopify/MediaImage/{number}", f"s{number}", "READY", "MediaImage", url, mime)


def _agreed(*paths: str, media: dict[str, str] | None = None) -> Agreed:
    keys = [joor_key(p) for p in paths]
    return Agreed(keys=keys, joor_order=keys, shopify_order=keys, media=media or {})


def test_the_key_survives_shopifys_and_joors_name_suffixes():
    name = named("/img/uploads/Test Style 1-back.jpg", "jabcdef0123", "jpg")
    assert name == "test-style-1-back--jabcdef0123.jpg"
    assert key_in_name(
        f"https://cdn.shopify.com/files/{name[:-4]}_0f8e7d6c-1111-2222-3333-444455556666.jpg?v=2"
    )
    assert key_in_name("/img/uploads/look--s1234-a1b2c3.jpg") == "s1234"
    assert key_in_name("/img/uploads/look-a1b2c3.jpg") is None
    assert readable_name("/img/look--s1234-a1b2c3.jpg") == "look.jpg"


def test_images_added_on_both_sides_are_both_kept_and_nothing_is_deleted():
    plan = plan_images(
        joor_paths=[A, B],
        joor_colors=None,
        shopify=[_media(A, 1), _merchant(2)],
        agreed=_agreed(A, media={joor_key(A): "gid://shopify/MediaImage/1"}),
        rules=RULES,
    )
    assert plan.files is not None
    assert plan.target == [joor_key(A), "s2", joor_key(B)]
    assert [u.key for u in plan.uploads] == ["s2"] and not plan.joor_deletes


def test_a_joor_reorder_reorders_shopify_and_a_shopify_reorder_is_only_said():
    moved_in_joor = plan_images(
        joor_paths=[B, A],
        joor_colors=None,
        shopify=[_media(A, 1), _media(B, 2)],
        agreed=_agreed(A, B),
        rules=RULES,
    )
    assert moved_in_joor.files == [{"id": "gid://shopify/MediaImage/2"}, {"id": "gid://shopify/MediaImage/1"}]
    moved_in_shopify = plan_images(
        joor_paths=[A, B],
        joor_colors=None,
        shopify=[_media(B, 2), _media(A, 1)],
        agreed=_agreed(A, B),
        rules=RULES,
    )
    assert moved_in_shopify.files is None and not moved_in_shopify.writes_joor
    assert [n.action for n in moved_in_shopify.notes] == ["images_reordered"]


def test_a_processing_media_the_app_does_not_know_holds_the_plan():
    pending = ShopifyMedia("gid://shopify/MediaImage/9", None, "PROCESSING", "MediaImage")
    plan = plan_images(joor_paths=[A], joor_colors=None, shopify=[pending], agreed=None, rules=RULES)
    assert plan.wait and plan.files is None and not plan.uploads


def test_shopifys_media_limit_keeps_what_is_there_and_refuses_the_rest():
    paths = [f"/img/{n}.jpg" for n in range(SHOPIFY_MAX_MEDIA + 3)]
    shopify = [_media(p, n) for n, p in enumerate(paths[: SHOPIFY_MAX_MEDIA - 1])]
    plan = plan_images(joor_paths=paths, joor_colors=None, shopify=shopify, agreed=None, rules=RULES)
    assert plan.files is not None and len(plan.files) == SHOPIFY_MAX_MEDIA
    assert [r.code for r in plan.refusals] == ["too_many_images"]
    assert "3 images" in plan.refusals[0].message


def test_a_gif_is_refused_for_joor_and_a_removal_under_the_ask_policy_is_a_problem():
    plan = plan_images(
        joor_paths=[A],
        joor_colors=None,
        shopify=[_merchant(5, mime="image/gif")],
        agreed=_agreed(A),
        rules=RULES,
    )
    assert not plan.uploads
    assert sorted(r.code for r in plan.refusals) == ["image_refused", "image_removed"]
    assert plan.kept == [joor_key(A)]


def test_image_paths_read_as_names():
    assert field_label("images") == "Images"
    assert field_label("images.color[C1]", {"C1/36": "Blue"}) == "Colour image — Blue"


def _colour_agreed(colour_path: str, *variants: str) -> Agreed:
    key = joor_key(colour_path)
    return Agreed(colors={"C1": key}, variant_images=dict.fromkeys(variants, key))


def test_a_colour_image_changed_in_shopify_only_is_one_upload_with_its_colour():
    colour = "/img/c1.jpg"
    plan = plan_images(
        joor_paths=[],
        joor_colors={"C1": colour},
        shopify=[_media(colour, 1), _merchant(7)],
        agreed=_colour_agreed(colour, "v1", "v2"),
        rules=RULES,
        variants={"v1": ("C1", "s7"), "v2": ("C1", "s7")},
    )
    assert [(c.code, c.key, c.base) for c in plan.colour_uploads] == [("C1", "s7", joor_key(colour))]
    assert not plan.uploads  # the merchant's colour image is not a style image too
    assert plan.files is None and plan.seen == {"v1": "s7", "v2": "s7"}


def test_variants_of_one_colour_given_different_images_send_nothing_and_are_looked_at_again():
    colour = "/img/c1.jpg"
    plan = plan_images(
        joor_paths=[],
        joor_colors={"C1": colour},
        shopify=[_media(colour, 1), _merchant(7), _merchant(8)],
        agreed=_colour_agreed(colour, "v1", "v2"),
        rules=RULES,
        variants={"v1": ("C1", "s7"), "v2": ("C1", "s8")},
    )
    assert not plan.colour_uploads and not plan.uploads
    assert [(r.code, r.path) for r in plan.refusals] == [("colour_image_mixed", "images.color[C1]")]
    assert plan.held_colours == {"C1"}


def test_variant_images_are_not_compared_without_joors_colour_images():
    plan = plan_images(
        joor_paths=[],
        joor_colors=None,
        shopify=[_merchant(7)],
        agreed=Agreed(variant_images={"v1": "s7"}),
        rules=RULES,
        variants=None,
    )
    assert not plan.colour_uploads and plan.seen is None
    assert not plan.uploads  # shown on a variant at the last sync: a colour image, not a style image


def test_the_variant_media_read_stays_within_a_querys_cost_cap():
    from graphql import parse

    from joorsync.media.reads import VARIANT_READ_BATCH
    from shopify_app.admin.operations import load_operation
    from shopify_app.sandbox.cost import MAX_QUERY_COST, requested_cost
    from shopify_app.sandbox.graphql_api import schema

    document = parse(load_operation("VariantMedia"))
    ids = [f"gid://shopify/ProductVariant/{n}" for n in range(VARIANT_READ_BATCH)]
    cost = requested_cost(schema(), document.definitions[0], {}, {"ids": ids})
    assert 0 < cost <= MAX_QUERY_COST
