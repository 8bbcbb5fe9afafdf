"""Made-to-order styles on products that already exist: each linked variant's selling policy follows
JOOR's made_to_order, in one call per product, recorded in the product's history; a style that stops
being made to order goes back to DENY only where the app set CONTINUE."""

from __future__ import annotations

import httpx
import pytest

from joorsync.stock.models import VariantStockState
from joorsync.sync.models import ProductLink, SyncEvent, SyncJob
from shopify_app.admin.inventory import variant_stock
from tests.sync.engine_support import World, make_world

pytestmark = pytest.mark.django_db


class Operations(httpx.BaseTransport):
    """The Shopify sandbox, counting the GraphQL operations sent by name."""

    def __init__(self, world: World) -> None:
        self.inner = httpx.WSGITransport(app=world.shopify_sandbox)
        self.sent: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.content.decode(errors="replace")
        for name in ("ProductVariantsBulkUpdate", "ProductSet"):
            if f"mutation {name}" in body:
                self.sent.append(name)
        return self.inner.handle_request(request)


def _run(world: World, transport: httpx.BaseTransport | None = None, **fields: object) -> object:
    job = SyncJob.objects.create(
        shop=world.shop,
        kind=SyncJob.Kind.FULL,
        status=SyncJob.Status.RUNNING,
        direction=world.account.direction,
        **fields,
    )
    try:
        return world.execute(job, shopify_transport=transport)
    finally:
        SyncJob.objects.filter(pk=job.pk).update(status=SyncJob.Status.SUCCEEDED)


def _policies(world: World, link: ProductLink) -> dict[str, str]:
    """Variant id → its inventoryPolicy, read from Shopify."""
    ids = list(link.variant_links.exclude(shopify_variant_id="").values_list("shopify_variant_id", flat=True))
    return {
        vid: s.inventory_policy for vid, s in variant_stock(world.shopify_client(), variant_ids=ids).items()
    }


def _set_policy(world: World, link: ProductLink, variant_ids: list[str], policy: str) -> None:
    """A merchant's edit in Shopify's admin."""
    result = world.shopify_client().product_variants_bulk_update(
        link.shopify_product_id, [{"id": vid, "inventoryPolicy": policy} for vid in variant_ids]
    )
    assert not result.user_errors


def _made_to_order_world() -> tuple[World, ProductLink]:
    world = make_world(styles=1)
    (style_id,) = world.joor_sandbox.catalog.styles
    world.joor_sandbox.edit_style(style_id, {"made_to_order": True})
    world.run()
    link = ProductLink.objects.get(shop=world.shop, joor_style_id=style_id)
    assert set(_policies(world, link).values()) == {"CONTINUE"}
    return world, link


def test_a_variant_set_to_deny_on_a_made_to_order_style_is_set_back_in_one_call():
    world, link = _made_to_order_world()
    ids = sorted(_policies(world, link))
    _set_policy(world, link, ids[:2], "DENY")

    transport = Operations(world)
    result = _run(world, transport)
    assert result.counts.errors == 0 and result.counts.shopify["updated"] == 1
    assert set(_policies(world, link).values()) == {"CONTINUE"}
    # Nothing else of the product changed: one variants bulk update, no productSet.
    assert transport.sent == ["ProductVariantsBulkUpdate"]
    event = SyncEvent.objects.filter(link=link, action="updated", side="shopify").latest("pk")
    rows = [r for r in event.details["changes"] if r["path"].endswith(".inventory_policy")]
    assert len(rows) == 2 and {(r["old"], r["new"]) for r in rows} == {("DENY", "CONTINUE")}

    # Settled: the next run writes nothing.
    transport = Operations(world)
    again = _run(world, transport)
    assert transport.sent == [] and again.counts.shopify["updated"] == 0


def test_a_dry_run_shows_the_policy_write_and_writes_nothing():
    world, link = _made_to_order_world()
    first = sorted(_policies(world, link))[0]
    _set_policy(world, link, [first], "DENY")
    result = _run(world, dry_run=True)
    wanted = [
        p for p in result.preview if any(k.endswith(".inventory_policy") for k in p.get("shopify_writes", {}))
    ]
    assert wanted and "CONTINUE" in wanted[0]["shopify_writes"].values()
    assert _policies(world, link)[first] == "DENY"


def test_only_what_the_app_set_goes_back_to_deny():
    world = make_world(styles=1)
    (style_id,) = world.joor_sandbox.catalog.styles
    world.joor_sandbox.edit_style(style_id, {"made_to_order": False})
    world.run()
    link = ProductLink.objects.get(shop=world.shop, joor_style_id=style_id)
    ids = sorted(_policies(world, link))
    own = ids[0]
    _set_policy(world, link, [own], "CONTINUE")  # the merchant's own choice, before JOOR's

    world.joor_sandbox.edit_style(style_id, {"made_to_order": True})
    _, result = world.run()
    assert result.counts.errors == 0
    assert set(_policies(world, link).values()) == {"CONTINUE"}
    marked = set(
        VariantStockState.objects.filter(link=link, policy_set=True).values_list("variant_key", flat=True)
    )
    own_key = link.variant_links.get(shopify_variant_id=own)
    assert f"{own_key.color_code}/{own_key.size}" not in marked and len(marked) == len(ids) - 1

    world.joor_sandbox.edit_style(style_id, {"made_to_order": False})
    _, result = world.run()
    assert result.counts.errors == 0
    policies = _policies(world, link)
    assert policies[own] == "CONTINUE"  # the merchant's stays
    assert {policies[v] for v in ids[1:]} == {"DENY"}
    assert not VariantStockState.objects.filter(link=link, policy_set=True).exists()


def test_a_merchants_continue_on_a_style_never_made_to_order_is_left_alone():
    world = make_world(styles=1)
    (style_id,) = world.joor_sandbox.catalog.styles
    world.joor_sandbox.edit_style(style_id, {"made_to_order": False})
    world.run()
    link = ProductLink.objects.get(shop=world.shop, joor_style_id=style_id)
    ids = sorted(_policies(world, link))
    _set_policy(world, link, ids, "CONTINUE")
    transport = Operations(world)
    result = _run(world, transport)
    assert result.counts.errors == 0 and transport.sent == []
    assert set(_policies(world, link).values()) == {"CONTINUE"}
