"""Both sandboxes in-process, a connected shop, and a way to run one sync job against them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from joorsync.joor.client import JoorClient
from joorsync.joor.sandbox.app import JoorSandbox
from joorsync.joor.sandbox.app import SandboxConfig as JoorConfig
from joorsync.joor.sandbox.defaults import (
    DEFAULT_ACCOUNT_ID,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_PASSWORD,
    DEFAULT_TOKEN,
    DEFAULT_USERNAME,
)
from joorsync.sync.engine import RunResult, SyncRun
from joorsync.sync.jobs import sync_event_record
from joorsync.sync.models import JoorAccount, SyncJob
from shopify_app.admin.client import AdminClient
from shopify_app.models import Shop
from shopify_app.sandbox.app import ShopifySandbox
from shopify_app.sandbox.config import SandboxConfig as ShopifyConfig

SHOP = "demo.myshopify.com"
SHOPIFY_TOKEN = "shpat_engine_test_token"
JOOR_BASE = "http://joor.test"
SHOPIFY_BASE = "http://shopify.test"


@dataclass
class World:
    joor_sandbox: JoorSandbox
    shopify_sandbox: ShopifySandbox
    shop: Shop
    account: JoorAccount
    # What the clients wait with; a test with a fake clock shares it with the sandboxes.
    sleep: Any = staticmethod(lambda seconds: None)
    clock: Any = None

    def joor_client(self, transport: httpx.BaseTransport | None = None) -> JoorClient:
        common: dict[str, Any] = {
            "base_url": JOOR_BASE,
            "transport": transport or httpx.WSGITransport(app=self.joor_sandbox),
            "sleep": self.sleep,
            **({"clock": self.clock} if self.clock else {}),
        }
        if self.account.api_generation == "v4":
            return JoorClient(
                **common,
                client_id=DEFAULT_CLIENT_ID,
                client_secret=DEFAULT_CLIENT_SECRET,
                username=DEFAULT_USERNAME,
                password=DEFAULT_PASSWORD,
                account_id=DEFAULT_ACCOUNT_ID,
                auth_url=f"{JOOR_BASE}/auth/",
            )
        return JoorClient(**common, token=DEFAULT_TOKEN)

    def shopify_client(self, transport: httpx.BaseTransport | None = None) -> AdminClient:
        return AdminClient(
            shop=SHOP,
            access_token=SHOPIFY_TOKEN,
            admin_base_url=SHOPIFY_BASE,
            transport=transport or httpx.WSGITransport(app=self.shopify_sandbox),
            sleep=self.sleep,
            **({"clock": self.clock} if self.clock else {}),
        )

    def run(self, kind: str = SyncJob.Kind.FULL, **job_fields: Any) -> tuple[SyncJob, RunResult]:
        job_fields.setdefault("direction", self.account.direction)  # as sync_job_create does
        job = SyncJob.objects.create(shop=self.shop, kind=kind, status=SyncJob.Status.RUNNING, **job_fields)
        job.refresh_from_db()
        try:
            result = self.execute(job)
        finally:
            SyncJob.objects.filter(pk=job.pk).update(status=SyncJob.Status.SUCCEEDED)
        return job, result

    def execute(
        self,
        job: SyncJob,
        *,
        joor_transport: httpx.BaseTransport | None = None,
        shopify_transport: httpx.BaseTransport | None = None,
        page_size: int = 500,
    ) -> RunResult:
        """Run `job` as a worker would, saving its checkpoint as the engine reports progress."""

        def progress(**kwargs: Any) -> None:
            if "checkpoint" in kwargs:
                SyncJob.objects.filter(pk=job.pk).update(checkpoint=kwargs["checkpoint"])

        def event(**kwargs: Any) -> None:
            sync_event_record(job=job, **kwargs)

        return SyncRun(
            job=job,
            joor=self.joor_client(joor_transport),
            shopify=self.shopify_client(shopify_transport),
            bulk_poll_interval=0.0,
            joor_page_size=page_size,
            progress=progress,
            event=event,
        ).run()

    def shopify_products(self) -> list[dict[str, Any]]:
        return list(self.shopify_client().iter_products(page_size=10, variants_first=100))


def make_world(*, styles: int = 6, seed: int = 1, **account_fields: Any) -> World:
    joor_sandbox = JoorSandbox(JoorConfig(styles=styles, seed=seed, rate_limit="off"))
    shopify_sandbox = ShopifySandbox(
        ShopifyConfig(static_tokens={SHOP: SHOPIFY_TOKEN}, rate_limit="off", deliver_webhooks="off")
    )
    shop = Shop.objects.create(shop_domain=SHOP, access_token=SHOPIFY_TOKEN, admin_base_url=SHOPIFY_BASE)
    fields = {"api_generation": "v2", "base_url": JOOR_BASE, "token": DEFAULT_TOKEN, **account_fields}
    account = JoorAccount.objects.create(shop=shop, **fields)
    return World(joor_sandbox, shopify_sandbox, shop, account)
