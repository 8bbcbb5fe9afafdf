"""Both sandboxes sharing one fake clock, so Shopify's media processing moves only when a client
waits (or a test advances the clock)."""

from __future__ import annotations

from typing import Any

from joorsync.joor.sandbox.app import JoorSandbox
from joorsync.joor.sandbox.app import SandboxConfig as JoorConfig
from joorsync.joor.sandbox.defaults import DEFAULT_TOKEN
from joorsync.media.keys import file_name
from joorsync.sync.models import JoorAccount
from shopify_app.admin.media import product_media_get
from shopify_app.models import Shop
from shopify_app.sandbox.app import ShopifySandbox
from shopify_app.sandbox.config import SandboxConfig as ShopifyConfig
from tests.clocks import FakeClock
from tests.sync.engine_support import JOOR_BASE, SHOP, SHOPIFY_BASE, SHOPIFY_TOKEN, World

V4_FIELDS = {"api_generation": "v4"}


def make_media_world(*, styles: int = 3, seed: int = 1, **account_fields: Any) -> World:
    clock = FakeClock()
    joor_sandbox = JoorSandbox(JoorConfig(styles=styles, seed=seed, rate_limit="off", clock=clock))
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
