"""The demo's setup steps against both sandboxes served over loopback sockets, with the app served by
Django's live server for the OAuth install and sync jobs run in-process (django-q's sync mode)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import authenticate, get_user_model
from django_q.conf import Conf

from joorsync.core.demo import steps
from joorsync.core.demo.processes import DemoError
from joorsync.joor.sandbox.app import JoorSandbox
from joorsync.joor.sandbox.app import SandboxConfig as JoorConfig
from joorsync.joor.sandbox.server import serve_in_thread as serve_joor
from joorsync.sync.models import Conflict, JoorAccount, ProductLink, SyncJob
from shopify_app.models import Shop, WebhookDelivery
from shopify_app.sandbox.app import ShopifySandbox
from shopify_app.sandbox.config import SandboxConfig as ShopifyConfig
from shopify_app.sandbox.server import serve_in_thread as serve_shopify
from tests.shopify_app.app_support import installed_shop

SHOP = steps.DEMO_SHOP
STATIC_TOKEN = "shpat_demo_steps_static"


def shopify_sandbox(**config) -> ShopifySandbox:
    return ShopifySandbox(ShopifyConfig(shops=(SHOP,), rate_limit="off", deliver_webhooks="off", **config))


@pytest.fixture
def shopify(settings):
    sandbox = shopify_sandbox(static_tokens={SHOP: STATIC_TOKEN})
    with serve_shopify(sandbox) as url:
        settings.SHOPIFY_ADMIN_BASE_URL = url
        yield sandbox, url
    sandbox.close()


@pytest.fixture
def joor():
    sandbox = JoorSandbox(JoorConfig(styles=5, rate_limit="off"))
    with serve_joor(sandbox) as url:
        yield sandbox, url


@pytest.fixture
def inline_jobs(monkeypatch):
    """Queued tasks run at once in this process, as a worker would run them."""
    monkeypatch.setattr(Conf, "SYNC", True)


def test_install_goes_through_oauth_and_registers_webhooks(live_server, shopify, settings):
    sandbox, _ = shopify
    settings.SHOPIFY_APP_URL = live_server.url
    shop = steps.demo_install_shop(app_url=live_server.url, shop_domain=SHOP)
    assert shop.is_installed and shop.access_token.startswith("shpat_")
    assert shop.access_token != STATIC_TOKEN  # issued by the code exchange, not pre-seeded
    uris = {s.uri for s in sandbox.shop(SHOP).subscriptions.values()}
    assert uris == {f"{live_server.url}/webhooks"}

    first_token = shop.access_token
    again = steps.demo_install_shop(app_url=live_server.url, shop_domain=SHOP)  # a second `make run`
    assert again.pk == shop.pk and again.access_token != first_token
    assert Shop.objects.filter(shop_domain=SHOP).count() == 1


def test_install_fails_loudly_when_the_app_refuses(live_server, shopify, settings):
    settings.SHOPIFY_APP_URL = live_server.url
    settings.SHOPIFY_API_SECRET = "not-the-sandbox-secret"  # the callback's signature will not verify
    with pytest.raises(DemoError, match="refused the install callback"):
        steps.demo_install_shop(app_url=live_server.url, shop_domain=SHOP)
    assert not Shop.objects.filter(shop_domain=SHOP, access_token__gt="").exists()


@pytest.mark.django_db(transaction=True)
def test_connect_sync_and_conflicts_then_reset_and_sync_again(shopify, joor, inline_jobs, settings):
    shopify_box, shopify_url = shopify
    joor_box, joor_url = joor
    shop = installed_shop(shop=SHOP, access_token=STATIC_TOKEN, refresh_token="", expires_in=None)

    account = steps.demo_connect_joor(shop=shop, joor_url=joor_url)
    account = JoorAccount.objects.get(pk=account.pk)
    assert (account.base_url, account.api_generation, account.token) == (joor_url, "v2", "sandbox-token")
    assert (account.price_currency, account.wholesale_factor, account.sync_interval_minutes) == (
        "USD",
        Decimal("0.500"),
        15,
    )

    lines: list[str] = []
    job = steps.demo_run_sync(shop=shop, say=lines.append, timeout=60)
    assert job.status == SyncJob.Status.SUCCEEDED and job.counters["shopify"]["created"] == 5
    assert lines[-1].startswith("full sync succeeded")
    assert ProductLink.objects.filter(shop=shop, status="linked").count() == 5

    conflicts = steps.demo_make_conflicts(
        shop=shop, joor_url=joor_url, shopify_url=shopify_url, count=2, timeout=60
    )
    assert len(conflicts) == 2
    for conflict in conflicts:
        assert conflict.field_path == "title"
        assert conflict.shopify_value.endswith("(renamed in Shopify)")
        assert conflict.joor_value.endswith("(renamed in JOOR)")
        assert conflict.shopify_value.removesuffix(
            " (renamed in Shopify)"
        ) == conflict.joor_value.removesuffix(" (renamed in JOOR)")

    # A second run: fresh (empty) sandboxes, the same database.
    WebhookDelivery.objects.create(shop=shop, shop_domain=SHOP, topic="products/update", event_id="old-1")
    assert steps.demo_reset_sync_state(shop=shop) == 5
    assert not ProductLink.objects.filter(shop=shop).exists()
    assert not Conflict.objects.filter(shop=shop).exists() and not SyncJob.objects.filter(shop=shop).exists()
    assert WebhookDelivery.objects.get(event_id="old-1").status == WebhookDelivery.Status.IGNORED
    fresh = shopify_sandbox(static_tokens={SHOP: STATIC_TOKEN})
    with serve_shopify(fresh) as fresh_url:
        settings.SHOPIFY_ADMIN_BASE_URL = fresh_url
        steps.demo_connect_joor(shop=shop, joor_url=joor_url)
        again = steps.demo_run_sync(shop=shop, timeout=60)
        assert again.counters["shopify"]["created"] == 5
        assert len(steps.demo_make_conflicts(shop=shop, joor_url=joor_url, shopify_url=fresh_url)) == 2
    fresh.close()


@pytest.mark.django_db(transaction=True)
def test_a_failed_first_sync_stops_the_demo_with_the_reason(shopify, inline_jobs):
    shop = installed_shop(
        shop=SHOP, access_token="shpat_unknown_to_the_sandbox", refresh_token="", expires_in=None
    )
    JoorAccount.objects.create(shop=shop, base_url="http://127.0.0.1:9", token="sandbox-token")
    with pytest.raises(DemoError, match=r"sync job \d+ failed: "):
        steps.demo_run_sync(shop=shop, timeout=30)


@pytest.mark.django_db
def test_waiting_for_a_job_nobody_runs_times_out(shopify):
    shop = installed_shop(shop=SHOP, access_token=STATIC_TOKEN, refresh_token="", expires_in=None)
    job = SyncJob.objects.create(shop=shop, kind="full")
    with pytest.raises(DemoError, match="is the worker"):
        steps.demo_wait_for_job(job=job, timeout=0.0, sleep=lambda s: None)


@pytest.mark.django_db
def test_staff_user_is_created_then_given_a_new_password(rf):
    def signs_in(password: str) -> bool:
        # As the admin's login form does: with the request (django-axes refuses to work without one).
        request = rf.post("/admin/login/")
        return authenticate(request, username="admin", password=password) is not None

    username, first = steps.demo_staff_user()
    user = get_user_model().objects.get(username=username)
    assert username == "admin" and user.is_staff and user.is_superuser
    assert len(first) >= 16 and not user.password.endswith(first)  # stored hashed
    assert signs_in(first)
    _, second = steps.demo_staff_user()
    assert second != first
    assert not signs_in(first)
    assert signs_in(second)
    assert get_user_model().objects.filter(username="admin").count() == 1
