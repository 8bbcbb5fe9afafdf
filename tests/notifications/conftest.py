"""Fixtures for the notification tests: an installed shop whose Admin API is the Shopify sandbox (so
its e-mail and time zone are read as in production), the locmem mail backend, and an engine stand-in
that leaves problems, conflicts or held orders behind, or fails."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from django.core import mail

from joorsync.notifications.models import NotificationSettings
from joorsync.orders.models import ImportedOrder
from joorsync.sync.clients import transport_override
from joorsync.sync.jobs import sync_job_create, sync_job_execute
from joorsync.sync.models import Conflict, ProductProblem, SyncJob
from shopify_app.models import Shop
from shopify_app.sandbox.app import ShopifySandbox
from shopify_app.sandbox.config import SandboxConfig
from tests.shopify_app.app_support import installed_shop
from tests.sync.jobs_support import install_engine, make_account, make_link

SHOP = "demo.myshopify.com"
TOKEN = "shpat_notifications_token"  # a fake credential
SHOPIFY_BASE = "http://shopify.test"
OWNER = f"owner@{SHOP}"  # what the sandbox reports as the shop's e-mail


@pytest.fixture(autouse=True)
def _locmem_mail(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SHOPIFY_APP_URL = "https://joorsync.example.com"
    mail.outbox = []


@pytest.fixture
def shopify() -> Iterator[ShopifySandbox]:
    sandbox = ShopifySandbox(
        SandboxConfig(shops=(SHOP,), static_tokens={SHOP: TOKEN}, rate_limit="off", deliver_webhooks="off")
    )
    with transport_override(shopify=httpx.WSGITransport(app=sandbox)):
        yield sandbox
    sandbox.close()


@pytest.fixture
def shop(db: Any, shopify: ShopifySandbox) -> Shop:
    shop = installed_shop(
        shop=SHOP, access_token=TOKEN, refresh_token="", expires_in=None, admin_base_url=SHOPIFY_BASE
    )
    make_account(shop)
    return shop


@dataclass
class Engine:
    """Stands in for the sync engine: `leave(job)` makes what the run leaves behind, then it fails
    with `fail_with` or succeeds."""

    leave: Callable[[SyncJob], None] | None = None
    fail_with: Exception | None = None

    def __call__(self, *, job: SyncJob) -> None:
        if self.leave is not None:
            self.leave(job)
        if self.fail_with is not None:
            raise self.fail_with


@pytest.fixture
def engine(monkeypatch: Any) -> Engine:
    engine = Engine()
    install_engine(monkeypatch, engine)
    return engine


@pytest.fixture
def run_job(django_capture_on_commit_callbacks: Any) -> Callable[..., SyncJob]:
    """Run one job to its end as a worker does, the after-commit callbacks included."""

    def run(shop: Shop, kind: str = "incremental", **fields: Any) -> SyncJob:
        job = sync_job_create(shop=shop, kind=kind, **fields)
        with django_capture_on_commit_callbacks(execute=True):
            done = sync_job_execute(job_id=job.pk)
        assert done is not None
        return done

    return run


def make_problems(shop: Shop, count: int, *, job: SyncJob | None = None) -> list[ProductProblem]:
    problems = []
    for n in range(count):
        link = make_link(shop, 100 + n, shopify_title=f"Wool coat {n}")
        problems.append(
            ProductProblem.objects.create(
                shop=shop,
                link=link,
                subject=f"link:{link.pk}",
                side="joor",
                code="too_long",
                field_path="title",
                message=f"title is 300 characters; JOOR allows 100 (product {n})",
                job=job,
            )
        )
    return problems


def make_conflicts(shop: Shop, count: int) -> list[Conflict]:
    conflicts = []
    for n in range(count):
        link = make_link(shop, 200 + n, shopify_title=f"Linen shirt {n}")
        conflicts.append(
            Conflict.objects.create(
                shop=shop,
                link=link,
                field_path="title",
                base_value="Shirt",
                shopify_value=f"Linen shirt {n}",
                joor_value=f"Summer shirt {n}",
            )
        )
    return conflicts


def make_order(shop: Shop, n: int, **fields: Any) -> ImportedOrder:
    values: dict[str, Any] = {
        "joor_order_id": f"JO-{n}",
        "po_number": f"PO-{n}",
        "retailer_name": f"Boutique {n}",
        "state": ImportedOrder.State.HELD,
        "hold_code": "unknown_sku",
        "hold_message": f"Line 2 names SKU X-{n}, which no Shopify variant has. Buyer: buyer{n}@boutique.example",
        "fingerprint": f"{n:064d}",
    }
    values.update(fields)
    return ImportedOrder.objects.create(shop=shop, **values)


def settings_of(shop: Shop, **values: Any) -> NotificationSettings:
    """The shop's settings with `values` stored (made through the service, as the app makes them)."""
    from joorsync.notifications.services import notification_settings_for

    settings = notification_settings_for(shop=shop)
    if values:
        NotificationSettings.objects.filter(pk=settings.pk).update(**values)
        settings.refresh_from_db()
    return settings
