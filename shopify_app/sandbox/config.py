"""Configuration of the Shopify sandbox."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import httpx

from shopify_app.sandbox.faults import FaultConfig
from shopify_app.sandbox.webhooks import DEFAULT_SENDERS

DEFAULT_SHOP = "demo.myshopify.com"
DEFAULT_API_KEY = "sandbox-api-key"
DEFAULT_API_SECRET = "sandbox-api-secret"  # noqa: S105 - the sandbox's well-known default, not a secret
DEFAULT_API_VERSION = "2026-07"
DEFAULT_SCOPES = "read_products,write_products,read_inventory,write_inventory,read_locations"
KNOWN_API_VERSIONS = (
    "2025-01",
    "2025-04",
    "2025-07",
    "2025-10",
    "2026-01",
    "2026-04",
    "2026-07",
)

RateLimit = Literal["standard", "advanced", "plus", "off"]
WebhookMode = Literal["sync", "thread", "off"]

RESTORE_RATES: dict[str, int] = {"standard": 100, "advanced": 200, "plus": 1000, "off": 100}
BUCKET_SIZE = 2000


@dataclass
class SandboxConfig:
    """Everything the sandbox needs; defaults match `joorsync/settings.py`.

    `clock` drives token expiry, the leaky bucket and every timestamp (wall time is derived from it),
    so a test can pass a fake clock and move time explicitly.
    """

    shops: tuple[str, ...] = (DEFAULT_SHOP,)
    api_key: str = DEFAULT_API_KEY
    # The app's numeric id: metafields written without a namespace go to `app--{app_id}` (derived from
    # the API key unless set).
    app_id: int | None = None
    api_secret: str = DEFAULT_API_SECRET
    scopes: str = DEFAULT_SCOPES
    static_tokens: Mapping[str, str] = field(default_factory=dict)
    products: int = 0
    seed: int = 1
    shop_name: str = "Demo Fashion"
    currency: str = "USD"
    rate_limit: RateLimit = "standard"
    faults: FaultConfig = field(default_factory=FaultConfig)
    clock: Callable[[], float] = time.monotonic
    wall_start: float | None = None
    webhook_transport: httpx.BaseTransport | None = None
    deliver_webhooks: WebhookMode = "sync"
    webhook_max_attempts: int = 3
    webhook_retry_delay: float = 0.0
    # Thread mode: deliveries in flight at once (Shopify sends concurrently, in no promised order).
    webhook_senders: int = DEFAULT_SENDERS
    second_location: bool = True
    # Active markets for the US, Europe and the UK (the demo's shop); off: the shop has none.
    seed_markets: bool = False
    bulk_query_concurrency: int = 5
    base_url: str | None = None
    access_token_ttl: int = 3600
    refresh_token_ttl: int = 7_776_000
    code_ttl: int = 600
    # Shops on Shopify Plus (`shop.plan.shopifyPlus`; real B2B needs Plus). None: the shops of a
    # `plus` rate limit are, the others are not.
    plus_shops: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if not self.shops:
            raise ValueError("the sandbox needs at least one shop")
        self.shops = tuple(shop.lower() for shop in self.shops)
        if self.rate_limit not in RESTORE_RATES:
            raise ValueError(f"rate_limit must be one of {sorted(RESTORE_RATES)}")
        if self.deliver_webhooks not in ("sync", "thread", "off"):
            raise ValueError("deliver_webhooks must be sync, thread or off")
        if self.webhook_senders < 1:
            raise ValueError("webhook_senders must be at least 1")
        unknown = set(self.static_tokens) - set(self.shops)
        if unknown:
            raise ValueError(f"static tokens for unknown shops: {sorted(unknown)}")

    def is_plus(self, shop: str) -> bool:
        if self.plus_shops is None:
            return self.rate_limit == "plus"
        return shop.lower() in {domain.lower() for domain in self.plus_shops}

    @property
    def default_shop(self) -> str:
        return self.shops[0]

    @property
    def app_namespace(self) -> str:
        """The app-reserved metafield namespace Shopify uses when a namespace is omitted."""
        from shopify_app.sandbox.models import shop_number

        return f"app--{self.app_id if self.app_id is not None else shop_number(self.api_key)}"
