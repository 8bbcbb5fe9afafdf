"""The whole install against the Shopify sandbox, and the sandbox's webhooks back into the app.

Browser hops go through Django's test client (the app) and `httpx.WSGITransport(app=sandbox)` (Shopify);
the app's own server-to-server calls reach the sandbox through SHOPIFY_HTTP_TRANSPORT, and the
sandbox delivers webhooks straight into Django's WSGI handler.
"""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from django_q.conf import Conf

from shopify_app import tasks
from shopify_app.models import Shop, WebhookDelivery
from shopify_app.sandbox.app import SandboxConfig, ShopifySandbox
from shopify_app.selectors import bulk_operation_finish_get, bulk_operation_wait_fn
from shopify_app.services.tokens import shop_access_token_get, shop_admin_client
from shopify_app.services.webhook_subscriptions import shop_webhooks_register
from shopify_app.webhooks import register_webhook_handler, unregister_webhook_handler
from shopify_app.webhooks.topics import SUBSCRIBED_TOPICS

SHOP = "demo.myshopify.com"
SANDBOX_URL = "http://shopify-sandbox.test"
APP_URL = "http://testserver"


@pytest.fixture
def sandbox(settings, monkeypatch):
    sandbox = ShopifySandbox(
        SandboxConfig(
            products=2,
            rate_limit="off",
            webhook_transport=httpx.WSGITransport(app=WSGIHandler()),
            deliver_webhooks="sync",
            static_tokens={SHOP: "shpat_static_demo"},
        )
    )
    settings.SHOPIFY_ADMIN_BASE_URL = SANDBOX_URL
    settings.SHOPIFY_APP_URL = APP_URL
    settings.SHOPIFY_HTTP_TRANSPORT = httpx.WSGITransport(app=sandbox)
    monkeypatch.setattr(Conf, "SYNC", True)  # queued webhook work runs in-process
    yield sandbox
    sandbox.close()


def shop_connect_command(token: str, **options) -> None:
    """`manage.py shop_connect` with the token on standard input, as an operator pipes it in."""
    stdin = StringIO(f"SHOPIFY_ACCESS_TOKEN={token}\n")
    call_command("shop_connect", "--stdin", secrets_input=stdin, **options)


@pytest.fixture
def product_updates():
    seen: list[dict] = []

    def handler(*, delivery: WebhookDelivery) -> None:
        seen.append(delivery.payload)

    register_webhook_handler("products/update", handler)
    yield seen
    unregister_webhook_handler("products/update", handler)


def subscriptions(sandbox: ShopifySandbox) -> set[tuple[str, str]]:
    return {(s.topic, s.uri) for s in sandbox.shop(SHOP).subscriptions.values()}


@pytest.mark.django_db(transaction=True)
def test_full_install_then_a_merchant_edit_arrives_as_a_verified_webhook(client, sandbox, product_updates):
    # 1. The merchant opens the install link: the app sends them to the (sandbox) authorize page.
    response = client.get("/auth", {"shop": SHOP})
    assert response.status_code == 302
    authorize = response["Location"]
    assert authorize.startswith(f"{SANDBOX_URL}/admin/oauth/authorize?")

    # 2. The merchant approves at once: Shopify redirects back to the app's callback, signed.
    with httpx.Client(transport=httpx.WSGITransport(app=sandbox), timeout=5) as browser:
        approved = browser.get(authorize)
    assert approved.status_code == 302
    callback = urlsplit(approved.headers["Location"])
    assert f"{callback.scheme}://{callback.netloc}{callback.path}" == f"{APP_URL}/auth/callback"
    assert {"code", "hmac", "host", "shop", "state", "timestamp"} <= set(parse_qs(callback.query))

    # 3. The callback exchanges the code with the sandbox, stores the token, subscribes the webhooks.
    done = client.get(f"{callback.path}?{callback.query}")
    assert done.status_code == 302
    home = urlsplit(done["Location"])
    assert home.path == "/" and parse_qs(home.query)["shop"] == [SHOP] and "host" in parse_qs(home.query)

    shop = Shop.objects.get(shop_domain=SHOP)
    assert (
        shop.is_installed
        and shop.access_token.startswith("shpat_")
        and shop.refresh_token.startswith("shprt_")
    )
    assert timedelta(minutes=55) < shop.access_token_expires_at - timezone.now() <= timedelta(hours=1)
    assert "write_products" in shop.scope_list
    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token, refresh_token FROM shopify_app_shop WHERE id = %s", [shop.pk])
        raw_access, raw_refresh = cursor.fetchone()
    assert shop.access_token not in raw_access and shop.refresh_token not in raw_refresh
    assert subscriptions(sandbox) == {(topic, f"{APP_URL}/webhooks") for topic in SUBSCRIBED_TOPICS}

    # The installed app's home page renders App Bridge.
    page = client.get("/", {"shop": SHOP, "host": parse_qs(home.query)["host"][0]})
    assert page.status_code == 200 and b"app-bridge.js" in page.content

    # 4. A merchant edit in Shopify admin: products/update goes out, signed, into the app.
    product_gid = f"gid://shopify/Product/{next(iter(sandbox.shop(SHOP).products))}"
    sandbox.merchant_update_product(product_gid, {"title": "Merino coat, charcoal"})
    deliveries = [d for d in sandbox.webhook_deliveries if d.topic == "products/update"]
    assert len(deliveries) == 1 and deliveries[0].status == 200

    recorded = WebhookDelivery.objects.get(topic="products/update")
    assert recorded.shop_id == shop.pk and recorded.status == WebhookDelivery.Status.PROCESSED
    assert recorded.event_id == deliveries[0].headers["X-Shopify-Event-Id"]
    assert recorded.payload["admin_graphql_api_id"] == product_gid
    assert [p["title"] for p in product_updates] == ["Merino coat, charcoal"]

    # 5. Shopify retries the same event (same ids): acknowledged, not processed again.
    retry = httpx.Client(transport=httpx.WSGITransport(app=WSGIHandler())).post(
        f"{APP_URL}/webhooks", content=deliveries[0].body, headers=deliveries[0].headers
    )
    assert retry.status_code == 200
    assert WebhookDelivery.objects.filter(topic="products/update").count() == 1
    assert len(product_updates) == 1

    # 6. Registering again changes nothing (existing subscriptions are listed first).
    assert shop_webhooks_register(shop=shop) == []
    assert len(sandbox.shop(SHOP).subscriptions) == len(SUBSCRIBED_TOPICS)


@pytest.mark.django_db(transaction=True)
def test_uninstall_in_the_sandbox_wipes_the_tokens(client, sandbox):
    shop_connect_command(sandbox.issue_access_token(SHOP), shop=SHOP, admin_url=SANDBOX_URL)
    assert Shop.objects.get(shop_domain=SHOP).is_installed
    sandbox.merchant_uninstall_app(SHOP)
    assert [d.status for d in sandbox.webhook_deliveries if d.topic == "app/uninstalled"] == [200]
    shop = Shop.objects.get(shop_domain=SHOP)
    assert (shop.access_token, shop.refresh_token, shop.is_installed) == ("", "", False)


@pytest.mark.django_db
def test_expired_sandbox_token_is_refreshed_once_on_401(sandbox):
    grant = sandbox.oauth.token(
        shop=SHOP,
        data={
            "client_id": "sandbox-api-key",
            "client_secret": "sandbox-api-secret",
            "code": _code(sandbox),
            "expiring": 1,
        },
    )
    shop = Shop.objects.create(
        shop_domain=SHOP,
        access_token=grant["access_token"],
        access_token_expires_at=timezone.now() + timedelta(hours=1),  # our clock thinks it is fresh
        refresh_token=grant["refresh_token"],
        refresh_token_expires_at=timezone.now() + timedelta(days=90),
        api_version="2026-07",
        installed_at=timezone.now(),
    )
    sandbox.expire_access_tokens(SHOP)
    with shop_admin_client(shop=shop) as admin:
        assert admin.shop().myshopify_domain == SHOP
    shop.refresh_from_db()
    assert shop.access_token != grant["access_token"] and shop.refresh_token != grant["refresh_token"]
    assert shop_access_token_get(shop=shop) == shop.access_token


@pytest.mark.django_db
def test_shop_connect_verifies_the_token_and_registers_webhooks(sandbox, settings, monkeypatch):
    settings.SHOPIFY_ADMIN_BASE_URL = ""  # the shop's own --admin-url must be used
    monkeypatch.setenv("SHOPIFY_ACCESS_TOKEN", "shpat_static_demo")
    call_command("shop_connect", shop=SHOP, admin_url=SANDBOX_URL)
    shop = Shop.objects.get(shop_domain=SHOP)
    assert shop.access_token == "shpat_static_demo" and shop.access_token_expires_at is None
    assert shop.admin_base_url == SANDBOX_URL and shop.is_installed
    assert len(subscriptions(sandbox)) == len(SUBSCRIBED_TOPICS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token FROM shopify_app_shop WHERE id = %s", [shop.pk])
        assert "shpat_static_demo" not in cursor.fetchone()[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"shop": "evil.com", "token": "shpat_static_demo"}, "invalid shop domain"),
        ({"shop": SHOP, "token": "shpat_wrong"}, "refused the token"),
        ({"shop": SHOP, "token": "shpat_static_demo", "admin_url": "http://127.0.0.1:9"}, "unreachable"),
        ({"shop": SHOP, "token": "shpat_static_demo", "admin_url": "ftp://sandbox"}, "--admin-url"),
    ],
)
def test_shop_connect_fails_cleanly(sandbox, settings, options, message):
    settings.SHOPIFY_ADMIN_BASE_URL = ""
    if "admin_url" in options:
        settings.SHOPIFY_HTTP_TRANSPORT = None  # real HTTP to a closed loopback port
    options.setdefault("admin_url", SANDBOX_URL)
    with pytest.raises(CommandError) as excinfo:
        shop_connect_command(options.pop("token"), **options)
    assert message in str(excinfo.value) and "\n" not in str(excinfo.value)
    assert "shpat_" not in str(excinfo.value)
    assert not Shop.objects.exists()


@pytest.mark.django_db
def test_shop_connect_refuses_a_token_on_the_command_line(sandbox, monkeypatch):
    monkeypatch.delenv("SHOPIFY_ACCESS_TOKEN", raising=False)
    with pytest.raises(CommandError) as refused:
        call_command(
            "shop_connect", "--shop", SHOP, "--token", "shpat_static_demo", "--admin-url", SANDBOX_URL
        )
    assert "--token" in str(refused.value) and "SHOPIFY_ACCESS_TOKEN" in str(refused.value)
    assert "shpat_" not in str(refused.value)
    with pytest.raises(CommandError, match="set SHOPIFY_ACCESS_TOKEN"):
        call_command("shop_connect", "--shop", SHOP, "--admin-url", SANDBOX_URL)
    assert not Shop.objects.exists()


def _code(sandbox: ShopifySandbox) -> str:
    callback = sandbox.oauth.authorize(
        shop=SHOP,
        params={"client_id": "sandbox-api-key", "redirect_uri": f"{APP_URL}/auth/callback", "state": "s"},
    )
    return callback["code"]


@pytest.mark.django_db
def test_deferred_webhook_registration_task_subscribes_the_shop(sandbox):
    shop_connect_command("shpat_static_demo", shop=SHOP, admin_url=SANDBOX_URL, no_webhooks=True)
    assert subscriptions(sandbox) == set()
    tasks.shop_webhooks_register(Shop.objects.get(shop_domain=SHOP).pk)
    assert subscriptions(sandbox) == {(topic, f"{APP_URL}/webhooks") for topic in SUBSCRIBED_TOPICS}


@pytest.mark.django_db(transaction=True)
def test_bulk_operation_finish_webhook_from_the_sandbox_is_recorded(sandbox):
    shop_connect_command("shpat_static_demo", shop=SHOP, admin_url=SANDBOX_URL)
    shop = Shop.objects.get(shop_domain=SHOP)
    with shop_admin_client(shop=shop) as admin:
        result = admin.run_bulk_query("{ products { edges { node { id title } } } }", poll_interval=0)
        rows = list(result)
    assert len(rows) == 2
    finish = bulk_operation_finish_get(shop_domain=SHOP, operation_gid=result.operation.id)
    assert finish is not None and finish.status == "COMPLETED" and finish.operation_type == "QUERY"
    # A runner that waits on the webhook returns at once now.
    assert bulk_operation_wait_fn(shop_domain=SHOP)(result.operation.id, 0.1) == finish
