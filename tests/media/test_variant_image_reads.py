"""Which image each Shopify variant shows costs no read on a full run (it comes with the bulk export)
and one `VariantMedia` read per 200 variants of the products a run reads one by one (both sandboxes
over HTTP, the real engine)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from joorsync.media.keys import key_in_name
from joorsync.media.models import ImageAgreement
from joorsync.media.reads import exported_variant_media
from joorsync.sync.models import JoorAccount, ProductLink, SyncJob
from shopify_app.admin.media import product_media_get, variant_media_append
from tests.media.support import V4_FIELDS, make_media_world, run_watched, set_colour_image

pytestmark = pytest.mark.django_db

MERCHANT_IMAGE = "https://images.brand-assets.com/blue-look.jpg"


def _settled(world, runs: int = 2) -> None:
    for _ in range(runs):
        result, _ = run_watched(world)
        assert result.counts.errors == 0


def _link(world, style_number: str = "Test Style 1") -> ProductLink:
    return ProductLink.objects.get(shop=world.shop, style_number=style_number)


def _colour_image(world, link: ProductLink, code: str) -> str | None:
    style = world.joor_sandbox.catalog.styles[link.joor_style_id]
    colour = next(c for c in style.colors if c["color_code"] == code)
    images = colour.get("v4_images") or []
    return images[0] if images else None


def _variant_ids(link: ProductLink) -> set[str]:
    return {v.shopify_variant_id for v in link.variant_links.all()}


def test_a_first_sync_and_an_unchanged_full_resync_read_no_variant_media():
    world = make_media_world(styles=3, **V4_FIELDS)
    result, first = run_watched(world)
    assert result.counts.shopify["created"] == 3
    assert first.count("VariantMedia") == 0
    _settled(world)

    result, watched = run_watched(world)
    assert result.counts.errors == 0
    assert result.counts.shopify["updated"] == 0 and result.counts.joor["updated"] == 0
    assert watched.count("VariantMedia") == 0
    assert watched.count("BulkOperationRunQuery") == 1
    # Variant images were compared, not skipped: the agreement holds what each variant shows.
    seen = ImageAgreement.objects.get(link=_link(world)).variant_images
    assert seen and set(seen) == _variant_ids(_link(world)) and all(seen.values())


def test_a_merchants_variant_image_change_is_found_by_a_full_run_through_the_export():
    world = make_media_world(styles=2, **V4_FIELDS)
    _settled(world)
    link = _link(world)
    other = _colour_image(world, link, "C2")
    media_id = set_colour_image(world, link, "C1", MERCHANT_IMAGE)

    result, watched = run_watched(world)
    assert result.counts.errors == 0
    assert watched.count("VariantMedia") == 0
    assert key_in_name(_colour_image(world, link, "C1")) == "s" + media_id.rsplit("/", 1)[-1]
    assert _colour_image(world, link, "C2") == other


def test_a_merchants_variant_image_change_is_found_by_an_incremental_run():
    world = make_media_world(styles=2, **V4_FIELDS)
    _settled(world)
    link = _link(world)
    media_id = set_colour_image(world, link, "C1", MERCHANT_IMAGE)

    result, watched = run_watched(world, kind=SyncJob.Kind.INCREMENTAL)
    assert result.counts.errors == 0 and result.counts.joor["updated"] == 1
    assert watched.count("VariantMedia") == 0  # the product changed in Shopify: it is exported
    assert key_in_name(_colour_image(world, link, "C1")) == "s" + media_id.rsplit("/", 1)[-1]


def test_an_incremental_run_reads_variant_media_only_for_the_product_it_reads_alone():
    world = make_media_world(styles=3, joor_wall_clock=lambda: datetime.now(UTC), **V4_FIELDS)
    _settled(world)
    link = _link(world)
    media_id = set_colour_image(world, link, "C1", MERCHANT_IMAGE)
    # Shopify's products all last changed long ago (not exported); the style changes in JOOR.
    for product in world.shopify_sandbox.shop().products.values():
        product.updated_at = "2020-01-01T00:00:00Z"
    JoorAccount.objects.filter(pk=world.account.pk).update(
        last_joor_sync_at=timezone.now() - timedelta(seconds=1)
    )
    world.account.refresh_from_db()
    world.joor_sandbox.edit_style(link.joor_style_id, {"style_description": "Edited in JOOR"})

    result, watched = run_watched(world, kind=SyncJob.Kind.INCREMENTAL)
    assert result.counts.errors == 0
    read_alone = [v["id"] for v in watched.variables("Product")]
    assert read_alone == [link.shopify_product_id]
    reads = watched.variables("VariantMedia")
    assert len(reads) == 1 and set(reads[0]["ids"]) == _variant_ids(link)
    assert key_in_name(_colour_image(world, link, "C1")) == "s" + media_id.rsplit("/", 1)[-1]


def test_a_one_product_job_reads_its_variants_media_in_one_call():
    world = make_media_world(styles=2, **V4_FIELDS)
    _settled(world)
    link = _link(world)
    media_id = set_colour_image(world, link, "C1", MERCHANT_IMAGE)

    result, watched = run_watched(
        world, kind=SyncJob.Kind.TARGETED, target={"shopify_product_id": link.shopify_product_id}
    )
    assert result.counts.errors == 0
    reads = watched.variables("VariantMedia")
    assert len(reads) == 1 and set(reads[0]["ids"]) == _variant_ids(link)
    assert key_in_name(_colour_image(world, link, "C1")) == "s" + media_id.rsplit("/", 1)[-1]


VARIANT_IMAGE = """
query VariantImage($id: ID!) {
  productVariant(id: $id) {
    image { id url }
    media(first: 1) { nodes { id ... on MediaImage { image { url } } } }
  }
}
"""


def test_the_sandbox_serves_a_variants_image_as_its_media_image():
    world = make_media_world(styles=2, **V4_FIELDS)
    _settled(world)
    link = _link(world, "0050003")  # no colour images: its variants show none
    client = world.shopify_client()
    variant_id = next(iter(_variant_ids(link)))

    def read() -> dict:
        answer = client.execute_document(VARIANT_IMAGE, {"id": variant_id}, operation_name="VariantImage")
        return answer.data["productVariant"]

    assert read()["image"] is None
    media = product_media_get(client, product_id=link.shopify_product_id).media[0]
    appended = variant_media_append(client, product_id=link.shopify_product_id, pairs={variant_id: media.id})
    assert not appended.user_errors
    shown = read()
    assert shown["image"]["url"] == shown["media"]["nodes"][0]["image"]["url"] == media.url
    assert shown["image"]["id"].startswith("gid://shopify/ProductImage/")


def _node(variant_urls: dict[str, str | None], media_urls: dict[str, str | None]) -> dict:
    return {
        "variants": {
            "nodes": [{"id": v, "image": {"url": u} if u else None} for v, u in variant_urls.items()]
        },
        "media": {"nodes": [{"id": m, "image": {"url": u} if u else None} for m, u in media_urls.items()]},
    }


def test_an_exported_variant_image_is_matched_to_its_media_by_url_path():
    cdn = "https://cdn.shopify.com/s/files/1/0001/files"
    node = _node(
        {"v1": f"{cdn}/look.jpg?v=2", "v2": None, "v3": f"{cdn}/elsewhere.jpg"},
        {"m1": f"{cdn}/look.jpg?v=1", "m2": None},
    )
    assert exported_variant_media(node) == {"v1": "m1", "v2": "", "v3": None}
    # Read without `image` (a `Product` read): the node says nothing about variant images.
    assert exported_variant_media({"variants": {"nodes": [{"id": "v1"}]}, "media": {"nodes": []}}) is None
