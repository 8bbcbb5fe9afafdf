"""Embedded app: session-token auth, token exchange for new shops, CSP frame-ancestors, the home page."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone

from shopify_app.models import Shop
from shopify_app.session_tokens import session_token_required
from tests.shopify_app.app_support import (
    API_KEY,
    API_SECRET,
    SHOP,
    TokenEndpoint,
    installed_shop,
    now_ts,
    session_token,
    signed_query,
)

pytestmark = [
    pytest.mark.django_db,
    # The sandbox's well-known secret is shorter than PyJWT's recommended 32 bytes.
    pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning"),
]

RETRY = "X-Shopify-Retry-Invalid-Session-Request"


@pytest.fixture
def endpoint(settings):
    fake = TokenEndpoint()
    settings.SHOPIFY_HTTP_TRANSPORT = fake.transport()
    settings.SHOPIFY_ADMIN_BASE_URL = ""
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "shopify_app.middleware.FrameAncestorsMiddleware"]
    return fake


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_refused(response):
    assert response.status_code == 401
    assert response[RETRY] == "1"


def test_valid_session_token_for_installed_shop(client, endpoint):
    installed_shop()
    response = client.get("/api/session", headers=bearer(session_token()))
    assert response.status_code == 200
    assert response.json() == {"shop": SHOP}
    assert response["Content-Security-Policy"] == f"frame-ancestors https://{SHOP} https://admin.shopify.com;"
    assert not endpoint.requests  # an installed shop needs no token exchange


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(lambda: session_token(aud="another-app"), id="wrong-audience"),
        pytest.param(lambda: session_token(secret="not-the-secret"), id="bad-signature"),
        pytest.param(lambda: session_token(ttl=-60), id="expired"),
        pytest.param(lambda: session_token(iat_offset=300), id="not-yet-valid"),
        pytest.param(
            lambda: session_token(claims={"dest": "https://other.myshopify.com"}), id="iss-dest-mismatch"
        ),
        pytest.param(lambda: session_token(shop="evil.com"), id="not-a-shop"),
        pytest.param(lambda: session_token(claims={"exp": None}), id="no-expiry"),
        pytest.param(lambda: "not.a.jwt", id="garbage"),
    ],
)
def test_bad_session_tokens_are_refused_with_retry_header(client, endpoint, token):
    installed_shop()
    assert_refused(client.get("/api/session", headers=bearer(token())))
    assert not endpoint.requests


def test_missing_or_non_bearer_authorization_is_refused(client, endpoint):
    installed_shop()
    assert_refused(client.get("/api/session"))
    assert_refused(client.get("/api/session", headers={"Authorization": session_token()}))


def test_session_token_for_another_shop_than_requested_is_refused(client, endpoint):
    installed_shop()
    installed_shop(shop="other.myshopify.com")
    token = session_token(shop="other.myshopify.com")
    assert_refused(client.get("/api/session", {"shop": SHOP}, headers=bearer(token)))
    assert client.get("/api/session", {"shop": "other.myshopify.com"}, headers=bearer(token)).json() == {
        "shop": "other.myshopify.com"
    }


def test_session_token_signed_with_previous_secret_during_rotation(client, endpoint, settings):
    installed_shop()
    settings.SHOPIFY_API_SECRET = "new-secret"
    settings.SHOPIFY_API_SECRET_PREVIOUS = API_SECRET
    assert client.get("/api/session", headers=bearer(session_token(secret=API_SECRET))).status_code == 200
    settings.SHOPIFY_API_SECRET_PREVIOUS = ""
    assert_refused(client.get("/api/session", headers=bearer(session_token(secret=API_SECRET))))


def test_unknown_shop_gets_an_offline_token_by_token_exchange(client, endpoint):
    token = session_token()
    response = client.get("/api/session", headers=bearer(token))
    assert response.status_code == 200 and response.json() == {"shop": SHOP}
    body = endpoint.requests[0]["body"]
    assert body["grant_type"] == "urn:ietf:params:oauth:grant-type:token-exchange"
    assert body["subject_token"] == token
    assert body["subject_token_type"] == "urn:ietf:params:oauth:token-type:id_token"
    assert body["requested_token_type"] == "urn:shopify:params:oauth:token-type:offline-access-token"
    assert body["expiring"] == 1 and body["client_id"] == API_KEY
    shop = Shop.objects.get(shop_domain=SHOP)
    assert shop.is_installed and shop.access_token_expires_at is not None and shop.refresh_token


def test_token_exchange_refusal_answers_401_so_app_bridge_retries(client, endpoint):
    endpoint.fail_with = (401, {"error": "invalid_subject_token", "error_description": "stale"})
    assert_refused(client.get("/api/session", headers=bearer(session_token())))
    assert not Shop.objects.exists()


def test_token_exchange_outage_is_a_502_without_storing(client, endpoint):
    endpoint.fail_with = (400, {"error": "invalid_client"})
    response = client.get("/api/session", headers=bearer(session_token()))
    assert response.status_code == 502
    assert not Shop.objects.exists()


def test_uninstalled_shop_is_reinstalled_by_token_exchange(client, endpoint):
    shop = installed_shop()
    Shop.objects.filter(pk=shop.pk).update(access_token="", refresh_token="")
    assert client.get("/api/session", headers=bearer(session_token())).status_code == 200
    assert len(endpoint.requests) == 1
    assert Shop.objects.get(pk=shop.pk).access_token.startswith("shpat_")


def test_home_renders_app_bridge_for_installed_shop(client, endpoint):
    installed_shop()
    response = client.get(
        "/", signed_query({"shop": SHOP, "host": "aG9zdA", "timestamp": now_ts(), "embedded": "1"})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<meta name="shopify-api-key" content="{API_KEY}">' in html
    assert '<script src="https://cdn.shopify.com/shopifycloud/app-bridge.js"></script>' in html
    assert response["Content-Security-Policy"] == f"frame-ancestors https://{SHOP} https://admin.shopify.com;"
    assert "X-Frame-Options" not in response
    assert API_SECRET not in html


def test_home_sends_uninstalled_shop_to_auth(client, endpoint):
    response = client.get("/", {"shop": SHOP})
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/auth" and parse_qs(location.query) == {"shop": [SHOP]}


def test_home_inside_admin_iframe_leaves_the_frame_to_install(client, endpoint, settings):
    response = client.get("/", {"shop": SHOP, "embedded": "1"})
    assert response.status_code == 200
    assert f"{settings.SHOPIFY_APP_URL}/auth?shop={SHOP}" in response.content.decode()
    assert '"_top"' in response.content.decode()


def test_home_refuses_forged_signature(client, endpoint):
    installed_shop()
    params = {**signed_query({"shop": SHOP, "timestamp": now_ts()}), "hmac": "0" * 64}
    assert client.get("/", params).status_code == 400


@pytest.mark.parametrize("query", [{}, {"shop": "evil.com"}, {"shop": "a.myshopify.com.evil.com"}])
def test_requests_without_valid_shop_may_not_be_framed(client, endpoint, query):
    response = client.get("/", query)
    assert response["Content-Security-Policy"] == "frame-ancestors 'none';"


def test_middleware_sets_csp_on_other_responses(client, endpoint):
    assert client.get("/healthz")["Content-Security-Policy"] == "frame-ancestors 'none';"


@pytest.mark.parametrize("path", ["/healthz", "/admin/login/", "/admin/", "/api/session", "/no-such-page"])
def test_an_unverified_shop_parameter_never_allows_framing(client, endpoint, path):
    """`?shop=` is the attacker's to choose: framing by that shop's admin would be clickjacking."""
    installed_shop()
    response = client.get(path, {"shop": SHOP})
    assert response["Content-Security-Policy"] == "frame-ancestors 'none';"


def test_home_with_an_unsigned_shop_may_not_be_framed(client, endpoint):
    installed_shop()
    page = client.get("/", {"shop": SHOP, "host": "aG9zdA", "embedded": "1"})
    assert page.status_code == 200
    assert page["Content-Security-Policy"] == "frame-ancestors 'none';"


def test_exit_iframe_page_is_framed_only_for_a_signed_shop(client, endpoint):
    signed = client.get("/", signed_query({"shop": SHOP, "timestamp": now_ts(), "embedded": "1"}))
    assert '"_top"' in signed.content.decode()
    assert signed["Content-Security-Policy"] == f"frame-ancestors https://{SHOP} https://admin.shopify.com;"
    unsigned = client.get("/", {"shop": SHOP, "embedded": "1"})
    assert unsigned["Content-Security-Policy"] == "frame-ancestors 'none';"


def test_a_signed_query_proves_the_shop_and_a_forged_one_does_not(client, endpoint):
    query = signed_query({"shop": SHOP, "host": "aG9zdA", "timestamp": now_ts()})
    framed = client.get("/healthz", query)["Content-Security-Policy"]
    assert framed == f"frame-ancestors https://{SHOP} https://admin.shopify.com;"
    forged = {**query, "hmac": "0" * 64}
    assert client.get("/healthz", forged)["Content-Security-Policy"] == "frame-ancestors 'none';"
    stale = signed_query({"shop": SHOP, "timestamp": now_ts(-2 * 86400)})
    assert client.get("/healthz", stale)["Content-Security-Policy"] == "frame-ancestors 'none';"


def test_admin_is_never_framed_even_for_a_proven_shop(client, endpoint):
    installed_shop()
    signed = signed_query({"shop": SHOP, "timestamp": now_ts()})
    for response in (
        client.get("/admin/login/", signed),
        client.get("/admin/login/", {"shop": SHOP}, headers=bearer(session_token())),
    ):
        assert response["Content-Security-Policy"] == "frame-ancestors 'none';"


def test_session_token_views_need_no_csrf_token(rf, endpoint):
    """Embedded UIs POST JSON with a bearer token; Django's CSRF check must not refuse them."""
    installed_shop()

    @session_token_required
    def update(request):
        return JsonResponse({"shop": request.shop_domain})

    request = rf.post(
        "/api/thing", data=b"{}", content_type="application/json", headers=bearer(session_token())
    )
    middleware = CsrfViewMiddleware(lambda r: HttpResponse())
    assert middleware.process_view(request, update, (), {}) is None  # not refused
    assert update(request).status_code == 200


def test_shop_with_dead_refresh_token_is_renewed_by_token_exchange(client, endpoint):
    shop = installed_shop(expires_in=timedelta(minutes=-5))
    Shop.objects.filter(pk=shop.pk).update(refresh_token_expires_at=timezone.now() - timedelta(days=1))
    assert client.get("/api/session", headers=bearer(session_token())).status_code == 200
    assert endpoint.requests[0]["body"]["grant_type"] == "urn:ietf:params:oauth:grant-type:token-exchange"
    renewed = Shop.objects.get(pk=shop.pk)
    assert renewed.access_token != "shpat_current" and renewed.access_token_expires_at > timezone.now()


def test_shop_with_expired_access_but_live_refresh_token_needs_no_exchange(client, endpoint):
    installed_shop(expires_in=timedelta(minutes=-5))
    assert client.get("/api/session", headers=bearer(session_token())).status_code == 200
    assert endpoint.requests == []  # the refresh happens when the Admin API is next used
