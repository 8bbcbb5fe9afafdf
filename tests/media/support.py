"""Both sandboxes sharing one fake clock, so Shopify's media processing moves only when a client
waits (or a test advances the clock)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx

from joorsync.joor.sandbox.app import JoorSandbox
from joorsync.joor.sandbox.app import SandboxConfig as JoorConfig
from joorsync.joor.sandbox.defaults import DEFAULT_TOKEN
from joorsync.media.keys import file_name
from joorsync.sync.engine import RunResult
from joorsync.sync.models import JoorAccount, ProductLink, SyncJob
from shopify_app.admin.media import product_media_get, variant_media_append, variant_media_detach
from shopify_app.models import Shop
from shopify_app.sandbox.app import ShopifySandbox
from shopify_app.sandbox.config import SandboxConfig as ShopifyConfig
from tests.clocks import FakeClock
from tests.sync.engine_support import JOOR_BASE, SHOP, SHOPIFY_BASE, SHOPIFY_TOKEN, World

V4_FIELDS = {"api_generation": "v4"}


def make_media_world(
    *,
    styles: int = 3,
    seed: int = 1,
    joor_wall_clock: Callable[[], datetime] | None = None,
    **account_fields: Any,
) -> World:
    """`joor_wall_clock`: what JOOR stamps modified dates with (default: the fake clock's time)."""
    clock = FakeClock()
    joor_sandbox = JoorSandbox(
        JoorConfig(styles=styles, seed=seed, rate_limit="off", clock=clock, wall_clock=joor_wall_clock)
    )
    shopify_sandbox = ShopifySandbox(
        ShopifyConfig(
            static_tokens={SHOP: SHOPIFY_TOKEN}, rate_limit="off", deliver_webhooks="off", clock=clock
        )
    )
    shop = Shop.objects.create(shop_domain=SHOP, access_token=SHOPIFY_TOKEN, admin_base_url=SHOPIFY_BASE)
    fields = {"api_generation": "v2", "base_url": JOOR_BASE, "token": DEFAULT_TOKEN, **account_fields}
    account = JoorAccount.objects.create(shop=shop, **fields)
    return World(joor_sandbox, shopify_sandbox, shop, account, sleep=clock.sleep, clock=clock)


def media_names(world: World, product_id: str) -> list[str]:
    """The product's media as file names (Shopify's CDN names), in position order."""
    found = product_media_get(world.shopify_client(), product_id=product_id)
    assert found is not None
    return [file_name(m.url) if m.url else f"<{m.status}>" for m in found.media]


def variant_media(world: World, product_id: str) -> dict[str, str | None]:
    found = product_media_get(world.shopify_client(), product_id=product_id)
    assert found is not None
    return found.variant_media


class Operations(httpx.WSGITransport):
    """The Shopify sandbox over HTTP, keeping each GraphQL request's operation name and variables."""

    def __init__(self, app: Any) -> None:
        super().__init__(app=app)
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/graphql.json"):
            body = json.loads(request.content or b"{}")
            self.sent.append((str(body.get("operationName") or ""), body.get("variables") or {}))
        return super().handle_request(request)

    def count(self, name: str) -> int:
        return sum(1 for sent, _ in self.sent if sent == name)

    def variables(self, name: str) -> list[dict[str, Any]]:
        return [variables for sent, variables in self.sent if sent == name]


def run_watched(
    world: World, kind: str = SyncJob.Kind.FULL, **job_fields: Any
) -> tuple[RunResult, Operations]:
    """One sync job whose Shopify requests are kept (then Shopify finishes processing, as between runs)."""
    job_fields.setdefault("direction", world.account.direction)
    job = SyncJob.objects.create(shop=world.shop, kind=kind, status=SyncJob.Status.RUNNING, **job_fields)
    job.refresh_from_db()
    watched = Operations(world.shopify_sandbox)
    try:
        result = world.execute(job, shopify_transport=watched)
    finally:
        SyncJob.objects.filter(pk=job.pk).update(status=SyncJob.Status.SUCCEEDED)
    world.clock.advance(5)
    return result, watched


def show_on_colour(world: World, link: ProductLink, code: str, media_id: str) -> None:
    """The merchant shows one of the product's (READY) images on every variant of one colour."""
    client = world.shopify_client()
    product_id = link.shopify_product_id
    variants = [v.shopify_variant_id for v in link.variant_links.all() if v.color_code == code]
    assert variants
    ready = product_media_get(client, product_id=product_id)
    assert ready is not None
    detach = {v: shown for v in variants if (shown := ready.variant_media.get(v))}
    if detach:
        assert not variant_media_detach(client, product_id=product_id, pairs=detach).user_errors
    assert not variant_media_append(
        client, product_id=product_id, pairs=dict.fromkeys(variants, media_id)
    ).user_errors


def set_colour_image(world: World, link: ProductLink, code: str, url: str) -> str:
    """The merchant adds an image to the product and shows it on every variant of one colour."""
    client = world.shopify_client()
    product_id = link.shopify_product_id
    current = product_media_get(client, product_id=product_id)
    assert current is not None
    files = [{"id": m.id} for m in current.media] + [{"originalSource": url, "contentType": "IMAGE"}]
    assert not client.product_set({"files": files}, identifier={"id": product_id}).user_errors
    added = product_media_get(client, product_id=product_id)
    assert added is not None
    media_id = added.media[-1].id
    world.clock.advance(5)  # READY: a variant shows only a processed image
    show_on_colour(world, link, code, media_id)
    return media_id
