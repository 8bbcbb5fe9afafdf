"""Links by hand: linking an unmatched pair, refusing a side linked elsewhere, unlinking."""

import pytest

from joorsync.sync.conflicts import conflict_resolve
from joorsync.sync.links import LinkRefused, product_link_manual, product_link_unlink
from joorsync.sync.models import Conflict, ProductLink, SyncJob
from tests.sync.engine_support import make_world
from tests.sync.test_engine_shopify_to_joor import GRID_PRODUCT

pytestmark = pytest.mark.django_db


def test_linking_an_unmatched_product_to_an_unlinked_style_then_syncing_it():
    world = make_world(styles=2, direction="shopify-to-joor")  # creates nothing in Shopify
    gid = world.shopify_sandbox.merchant_create_product(GRID_PRODUCT)
    world.run()
    style_id = min(world.joor_sandbox.catalog.styles)
    assert ProductLink.objects.get(shop=world.shop, shopify_product_id=gid).status == "unmatched_shopify"
    link = product_link_manual(
        shop=world.shop, shopify_product_id=gid, joor_style_id=style_id, user="ops@brand"
    )
    assert (link.status, link.method, link.snapshot) == ("linked", "manual", None)
    assert ProductLink.objects.filter(shop=world.shop, shopify_product_id=gid).count() == 1
    job = SyncJob.objects.get(shop=world.shop, kind="targeted", status="queued")
    assert job.target["link_id"] == link.pk
    SyncJob.objects.filter(pk=job.pk).delete()
    world.run(kind="targeted", target={"link_id": link.pk})
    link.refresh_from_db()
    assert link.snapshot is not None  # the first sync recorded what both sides already agree on
    # Nothing was agreed for this pair: every difference waits for a person, neither side is rewritten.
    style = world.joor_sandbox.style(style_id)
    assert style["style_name"] != "Linen Shirt"
    assert world.shopify_client().product(gid)["title"] == "Linen Shirt"
    title = Conflict.objects.get(link=link, field_path="title", status=Conflict.Status.OPEN)
    assert (title.shopify_value, title.joor_value) == ("Linen Shirt", style["style_name"])
    # Resolving it writes the decision to both sides.
    conflict_resolve(conflict=title, resolution=Conflict.Resolution.KEEP_SHOPIFY, user="ops@brand")
    SyncJob.objects.filter(shop=world.shop, status="queued").delete()
    world.run(kind="targeted", target={"link_id": link.pk})
    assert world.joor_sandbox.style(style_id)["style_name"] == "Linen Shirt"


def test_a_side_linked_elsewhere_is_refused_and_unlink_stops_syncing():
    world = make_world(styles=2)
    world.run()
    first, second = ProductLink.objects.filter(shop=world.shop).order_by("joor_style_id")
    with pytest.raises(LinkRefused):
        product_link_manual(
            shop=world.shop,
            shopify_product_id=first.shopify_product_id,
            joor_style_id=second.joor_style_id,
            user="x",
        )
    product_link_unlink(link=first, user="ops@brand")
    world.joor_sandbox.edit_style(first.joor_style_id, {"style_name": "Not synced any more"})
    _, result = world.run()
    assert result.counts.shopify["updated"] == 0
    assert world.shopify_client().product(first.shopify_product_id)["title"] != "Not synced any more"
    assert ProductLink.objects.get(pk=first.pk).status == "unlinked"


def test_a_style_linked_by_hand_to_another_product_leaves_the_first_listed_at_once():
    world = make_world(styles=2)
    world.run()
    first, second = ProductLink.objects.filter(shop=world.shop).order_by("joor_style_id")[:2]
    product_link_unlink(link=first, user="ops")
    product_link_unlink(link=second, user="ops")
    moved = product_link_manual(
        shop=world.shop,
        shopify_product_id=second.shopify_product_id,
        joor_style_id=first.joor_style_id,
        user="ops",
    )
    assert (moved.shopify_product_id, moved.joor_style_id) == (second.shopify_product_id, first.joor_style_id)
    assert moved.shopify_title == ""  # the old product's title is not kept on the new pair
    # the product the style left still carries the style's JOOR fields: listed, saying why, before any sync
    left = ProductLink.objects.get(shop=world.shop, shopify_product_id=first.shopify_product_id)
    assert left.status == ProductLink.Status.UNMATCHED_SHOPIFY and left.joor_style_id is None
    assert "link it by hand" in left.note and second.shopify_product_id in left.note
    assert left.shopify_title == first.shopify_title
