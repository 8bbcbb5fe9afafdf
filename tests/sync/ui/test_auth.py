"""Who may see the UI: the sandbox login, session tokens (header and `id_token`), CSRF, 401s, static files."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from joorsync.sync.models import SyncJob
from tests.shopify_app.app_support import now_ts, session_token, signed_query
from tests.sync.jobs_support import make_conflict, make_link
from tests.sync.ui.conftest import OTHER, SHOP, make_ui_shop, signed_in

pytestmark = pytest.mark.django_db


def test_sandbox_login_is_404_when_sandbox_mode_is_off(settings, shop):
    settings.SANDBOX_MODE = False
    client = Client()
    assert client.get("/sandbox/login", {"shop": SHOP}).status_code == 404
    assert client.get("/sandbox/logout").status_code == 404
    assert client.get("/").status_code == 401


def test_a_session_from_sandbox_mode_is_worthless_once_it_is_off(sandbox_mode, shop):
    client = signed_in()
    assert client.get("/").status_code == 200
    sandbox_mode.SANDBOX_MODE = False
    response = client.get("/")
    assert response.status_code == 401
    assert SHOP not in response.content.decode()


def test_sandbox_login_refuses_bad_and_unknown_shops(sandbox_mode, shop):
    client = Client()
    bad = client.get("/sandbox/login", {"shop": "evil.example.com"})
    assert bad.status_code == 400 and "not a valid shop domain" in bad.content.decode()
    unknown = client.get("/sandbox/login", {"shop": "nobody.myshopify.com"})
    assert unknown.status_code == 403 and "not installed" in unknown.content.decode()
    assert client.get("/").status_code == 401  # neither attempt signed anyone in


def test_sandbox_login_form_and_sign_out(sandbox_mode, shop):
    client = Client()
    form = client.get("/sandbox/login")
    assert form.status_code == 200 and 'name="shop"' in form.content.decode()
    client = signed_in()
    page = client.get("/")
    assert page.status_code == 200 and SHOP in page.content.decode()
    assert client.post("/sandbox/logout").status_code == 302
    assert client.get("/").status_code == 401


def test_unauthenticated_pages_are_401_with_a_sign_in_hint(sandbox_mode, shop):
    for url in ("/", "/conflicts", "/links", "/jobs", "/settings", "/jobs/1", "/conflicts/1"):
        response = Client().get(url)
        assert response.status_code == 401, url
        assert response["X-Shopify-Retry-Invalid-Session-Request"] == "1"
        assert "/sandbox/login" in response.content.decode()


def test_session_token_authenticates_a_page_without_any_cookie(settings, shop, other_shop):
    settings.SANDBOX_MODE = False
    mine = make_conflict(shop, make_link(shop, 1))
    theirs = make_conflict(other_shop, make_link(other_shop, 1))
    headers = {"Authorization": f"Bearer {session_token(shop=SHOP)}"}
    response = Client().get("/conflicts", headers=headers)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'href="/conflicts/{mine.pk}"' in body and f'href="/conflicts/{theirs.pk}"' not in body
    assert 'hx-boost="true"' in body and "app-bridge.js" in body  # the embedded layout
    assert Client().get(f"/conflicts/{theirs.pk}", headers=headers).status_code == 404
    refused = Client().get("/conflicts", headers={"Authorization": "Bearer not-a-jwt"})
    assert refused.status_code == 401


def test_id_token_on_the_first_page_load_and_only_on_get(settings, shop):
    settings.SANDBOX_MODE = False
    token = session_token(shop=SHOP)
    page = Client().get("/", {"shop": SHOP, "host": "abc", "id_token": token})
    assert page.status_code == 200 and "Sync now" in page.content.decode()
    assert f"frame-ancestors https://{SHOP} https://admin.shopify.com" in page["Content-Security-Policy"]
    assert Client().post(f"/jobs/start?id_token={token}", {"action": "sync"}).status_code == 401
    assert not SyncJob.objects.exists()
    expired = session_token(shop=SHOP, ttl=-120, iat_offset=-200)
    assert Client().get("/", {"id_token": expired}).status_code == 401


def test_bearer_requests_are_csrf_exempt(settings, shop):
    settings.SANDBOX_MODE = False
    client = Client(enforce_csrf_checks=True)
    headers = {"Authorization": f"Bearer {session_token(shop=SHOP)}"}
    response = client.post("/jobs/start", {"action": "sync"}, headers=headers)
    assert response.status_code == 302
    job = SyncJob.objects.get(shop=shop)
    assert (job.kind, job.dry_run, job.trigger) == ("full", False, "manual")


def test_csrf_is_enforced_on_cookie_sessions(sandbox_mode, shop):
    client = signed_in(enforce_csrf=True)
    assert client.post("/jobs/start", {"action": "sync"}).status_code == 403
    assert not SyncJob.objects.exists()
    page = client.get("/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post("/jobs/start", {"action": "sync", "csrfmiddlewaretoken": token}).status_code == 302
    assert SyncJob.objects.filter(shop=shop).count() == 1
    # htmx sends the token as a header (hx-headers on <body>).
    header = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    assert client.post("/jobs/start", {"action": "sync"}, headers={"X-CSRFToken": header}).status_code == 302


def test_the_session_shop_must_still_be_installed(sandbox_mode, shop):
    client = signed_in()
    shop.access_token = ""
    shop.save()
    assert client.get("/").status_code == 401


def test_static_files_are_served(client_in):
    css = client_in.get("/static/joorsync/app.css")
    assert css.status_code == 200 and b"--p-color-bg-surface:" in b"".join(css.streaming_content)
    js = Client().get("/static/joorsync/htmx.min.js")
    assert js.status_code == 200 and b"0BSD" in b"".join(js.streaming_content)[:300]
    bulk = Client().get("/static/joorsync/bulk.js")
    assert bulk.status_code == 200 and b"data-bulk-row" in b"".join(bulk.streaming_content)
    assert Client().get("/static/joorsync/..%2Fsettings.py").status_code == 404


def test_another_shops_session_token_never_sees_this_shops_dashboard_counts(settings, shop, other_shop):
    settings.SANDBOX_MODE = False
    make_conflict(shop, make_link(shop, 1))
    body = (
        Client().get("/", headers={"Authorization": f"Bearer {session_token(shop=OTHER)}"}).content.decode()
    )
    assert re.search(r"Open conflicts</span><span class=\"stat-value\">0<", body)


def test_home_from_shopify_admin_before_a_session_token(settings, db):
    """`/` opened by Shopify admin with only the signed query: install first, else fetch a token."""
    settings.SANDBOX_MODE = False
    response = Client().get("/", {"shop": SHOP})
    assert response.status_code == 302 and response["Location"].startswith("/auth?shop=")
    make_ui_shop()
    query = signed_query({"shop": SHOP, "host": "aG9zdA", "timestamp": now_ts(), "embedded": "1"})
    page = Client().get("/", query)
    body = page.content.decode()
    assert page.status_code == 200 and "app-bridge.js" in body and "shopify.idToken()" in body
    assert "Sync now" not in body  # no data before the token proves who is asking
    assert page["Content-Security-Policy"] == f"frame-ancestors https://{SHOP} https://admin.shopify.com;"
    forged = Client().get("/", {**query, "hmac": "0" * 64})
    assert forged.status_code == 400
    assert Client().get("/").status_code == 401
