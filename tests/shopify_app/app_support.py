"""Helpers for the shopify_app app tests: Shopify-style signatures, session tokens, a token endpoint."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import jwt
from django.utils import timezone

from shopify_app.models import Shop
from shopify_app.webhooks.verify import webhook_signature

API_KEY = "sandbox-api-key"
API_SECRET = "sandbox-api-secret"
SHOP = "demo.myshopify.com"


def signed_query(params: dict[str, str], *, secret: str = API_SECRET) -> dict[str, str]:
    """`params` plus Shopify's `hmac`: sorted `k=v` joined by `&`, HMAC-SHA256 hex."""
    message = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()
    return {**params, "hmac": digest}


def now_ts(offset: int = 0) -> str:
    return str(int(time.time()) + offset)


def session_token(
    *,
    shop: str = SHOP,
    aud: str = API_KEY,
    secret: str = API_SECRET,
    ttl: int = 60,
    iat_offset: int = 0,
    claims: dict[str, Any] | None = None,
) -> str:
    now = int(time.time()) + iat_offset
    payload = {
        "iss": f"https://{shop}/admin",
        "dest": f"https://{shop}",
        "aud": aud,
        "sub": "1",
        "exp": now + ttl,
        "nbf": now,
        "iat": now,
        "jti": secrets.token_hex(8),
        "sid": secrets.token_hex(8),
        **(claims or {}),
    }
    return jwt.encode(payload, secret, algorithm="HS256")


def webhook_headers(
    body: bytes, *, topic: str, shop: str = SHOP, event_id: str | None = None, secret: str = API_SECRET
) -> dict[str, str]:
    """Headers (for Django's test client, as `headers=`) Shopify sends with a webhook."""
    return {
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": webhook_signature(body=body, secret=secret),
        "X-Shopify-Shop-Domain": shop,
        "X-Shopify-API-Version": "2026-07",
        "X-Shopify-Webhook-Id": secrets.token_hex(8),
        "X-Shopify-Triggered-At": "2026-11-22T10:00:00.123456789Z",
        "X-Shopify-Event-Id": event_id or secrets.token_hex(12),
    }


def post_webhook(client: Any, payload: Any, **kwargs: Any) -> Any:
    body = json.dumps(payload).encode()
    return client.post(
        "/webhooks", data=body, content_type="application/json", headers=webhook_headers(body, **kwargs)
    )


def installed_shop(
    *,
    shop: str = SHOP,
    access_token: str = "shpat_current",  # noqa: S107 - a fake token
    refresh_token: str = "shprt_current",  # noqa: S107 - a fake token
    expires_in: timedelta | None = timedelta(hours=1),
    admin_base_url: str = "",
) -> Shop:
    now = timezone.now()
    return Shop.objects.create(
        shop_domain=shop,
        access_token=access_token,
        access_token_expires_at=now + expires_in if expires_in is not None else None,
        refresh_token=refresh_token,
        refresh_token_expires_at=now + timedelta(days=90) if refresh_token else None,
        scopes="read_products,write_products",
        api_version="2026-07",
        admin_base_url=admin_base_url,
        installed_at=now,
    )


@dataclass
class TokenEndpoint:
    """Shopify's `/admin/oauth/access_token` for tests that need no other admin endpoint.

    Answers the code, refresh and token-exchange grants as Shopify documents them and records each
    request body, so a test can assert what the app sent.
    """

    codes: set[str] = field(default_factory=set)
    refresh_tokens: set[str] = field(default_factory=set)
    requests: list[dict[str, Any]] = field(default_factory=list)
    fail_with: tuple[int, dict[str, Any]] | None = None
    issued: int = 0

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def _grant(self) -> dict[str, Any]:
        self.issued += 1
        refresh = f"shprt_{self.issued:04d}{secrets.token_hex(8)}"
        self.refresh_tokens.add(refresh)
        return {
            "access_token": f"shpat_{self.issued:04d}{secrets.token_hex(8)}",
            "scope": "read_products,write_products",
            "expires_in": 3600,
            "refresh_token": refresh,
            "refresh_token_expires_in": 7776000,
        }

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path != "/admin/oauth/access_token" or request.method != "POST":
            return httpx.Response(404, json={"errors": "Not Found"})
        body = json.loads(request.content)
        self.requests.append({"url": str(request.url), "headers": dict(request.headers), "body": body})
        if self.fail_with is not None:
            return httpx.Response(self.fail_with[0], json=self.fail_with[1])
        if body.get("client_id") != API_KEY or body.get("client_secret") != API_SECRET:
            return httpx.Response(401, json={"error": "invalid_client"})
        grant_type = body.get("grant_type")
        if grant_type == "refresh_token":
            if body.get("refresh_token") not in self.refresh_tokens:
                return httpx.Response(400, json={"error": "invalid_grant"})
            return httpx.Response(200, json=self._grant())
        if grant_type == "urn:ietf:params:oauth:grant-type:token-exchange":
            try:
                jwt.decode(body.get("subject_token", ""), API_SECRET, audience=API_KEY, algorithms=["HS256"])
            except jwt.PyJWTError:
                return httpx.Response(401, json={"error": "invalid_subject_token"})
            return httpx.Response(200, json=self._grant())
        if body.get("code") in self.codes:
            self.codes.discard(body["code"])
            return httpx.Response(200, json=self._grant())
        return httpx.Response(400, json={"error": "invalid_request"})
