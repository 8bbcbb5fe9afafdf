"""OAuth as Shopify runs it: authorize (merchant approves at once), code exchange, refresh, token exchange.

Tokens are per shop. Expiring offline tokens last `access_token_ttl` (3600 s) and come with a refresh
token; after a refresh the old refresh token keeps working until the new one is first used.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt
from jwt.warnings import InsecureKeyLengthWarning

from shopify_app.sandbox.config import SandboxConfig

TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"  # noqa: S105 - a URN
ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token"  # noqa: S105 - a URN, not a secret
OFFLINE_TOKEN = "urn:shopify:params:oauth:token-type:offline-access-token"  # noqa: S105
ONLINE_TOKEN = "urn:shopify:params:oauth:token-type:online-access-token"  # noqa: S105
SESSION_TOKEN_LEEWAY = 10


class OAuthError(Exception):
    """An OAuth error answer: `{"error": code, "error_description": description}` with `status`."""

    def __init__(self, code: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.status = status

    def body(self) -> dict[str, str]:
        return {"error": self.code, "error_description": self.description}


@dataclass
class AccessToken:
    shop: str
    scope: str
    expires_at: float | None


@dataclass
class RefreshToken:
    shop: str
    scope: str
    expires_at: float
    predecessor: str | None = None
    revoked: bool = False


@dataclass
class AuthorizationCode:
    shop: str
    scope: str
    expires_at: float
    used: bool = False
    online: bool = False


def signature_base(params: dict[str, str]) -> str:
    """Shopify's HMAC message: sorted `k=v` pairs joined by `&` (hmac/signature left out)."""
    pairs = []
    for key, value in params.items():
        if key in ("hmac", "signature"):
            continue
        key = str(key).replace("%", "%25").replace("=", "%3D")
        value = str(value).replace("%", "%25")
        pairs.append(f"{key}={value}".replace("&", "%26"))
    return "&".join(sorted(pairs))


def sign_params(params: dict[str, str], secret: str) -> str:
    return hmac.new(secret.encode(), signature_base(params).encode(), hashlib.sha256).hexdigest()


def host_param(shop: str) -> str:
    """`host` as the admin passes it: base64 of `admin.shopify.com/store/{shop name}`."""
    raw = f"admin.shopify.com/store/{shop.split('.', 1)[0]}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


class OAuthService:
    """Codes and tokens of every sandbox shop."""

    def __init__(
        self, config: SandboxConfig, *, clock: Callable[[], float], wall: Callable[[], float]
    ) -> None:
        self.config = config
        self.clock = clock
        self.wall = wall
        self._lock = threading.Lock()
        self.codes: dict[str, AuthorizationCode] = {}
        self.access_tokens: dict[str, AccessToken] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        for shop, token in config.static_tokens.items():
            self.access_tokens[token] = AccessToken(shop, config.scopes, None)

    # ----- authorize ---------------------------------------------------------------------------
    def authorize(self, *, shop: str, params: dict[str, str]) -> dict[str, str]:
        """Validate an authorize request and return the signed callback parameters."""
        if params.get("client_id") != self.config.api_key:
            raise OAuthError("invalid_request", "The client_id is invalid or missing.")
        redirect_uri = params.get("redirect_uri", "")
        if not redirect_uri.startswith(("http://", "https://")):
            raise OAuthError("invalid_request", "The redirect_uri is missing or not an http(s) URL.")
        scope = params.get("scope") or self.config.scopes
        code = secrets.token_hex(16)
        with self._lock:
            self.codes[code] = AuthorizationCode(
                shop,
                scope,
                self.clock() + self.config.code_ttl,
                online=params.get("grant_options[]") == "per-user",
            )
        callback = {
            "code": code,
            "host": host_param(shop),
            "shop": shop,
            "state": params.get("state", ""),
            "timestamp": str(int(self.wall())),
        }
        callback["hmac"] = sign_params(callback, self.config.api_secret)
        return callback

    # ----- token endpoint ----------------------------------------------------------------------
    def token(self, *, shop: str, data: dict[str, Any]) -> dict[str, Any]:
        if data.get("client_id") != self.config.api_key or not hmac.compare_digest(
            str(data.get("client_secret", "")).encode(), self.config.api_secret.encode()
        ):
            raise OAuthError(
                "invalid_client", "Client authentication failed: unknown client or wrong secret."
            )
        grant_type = data.get("grant_type")
        if grant_type == "refresh_token":
            return self._refresh(data)
        if grant_type == TOKEN_EXCHANGE:
            return self._exchange(data)
        if grant_type not in (None, "", "authorization_code"):
            raise OAuthError("unsupported_grant_type", f"Grant type {grant_type!r} is not supported.")
        return self._code(shop, data)

    def _expiring(self, data: dict[str, Any]) -> bool:
        return str(data.get("expiring", "")) in ("1", "true", "True")

    def _issue(
        self, shop: str, scope: str, *, expiring: bool, predecessor: str | None = None
    ) -> dict[str, Any]:
        access = "shpat_" + secrets.token_hex(16)
        now = self.clock()
        if not expiring:
            self.access_tokens[access] = AccessToken(shop, scope, None)
            return {"access_token": access, "scope": scope}
        refresh = "shprt_" + secrets.token_hex(16)
        self.access_tokens[access] = AccessToken(shop, scope, now + self.config.access_token_ttl)
        self.refresh_tokens[refresh] = RefreshToken(
            shop, scope, now + self.config.refresh_token_ttl, predecessor=predecessor
        )
        return {
            "access_token": access,
            "scope": scope,
            "expires_in": self.config.access_token_ttl,
            "refresh_token": refresh,
            "refresh_token_expires_in": self.config.refresh_token_ttl,
        }

    def _code(self, shop: str, data: dict[str, Any]) -> dict[str, Any]:
        code = str(data.get("code") or "")
        with self._lock:
            record = self.codes.get(code)
            if record is None or record.used:
                raise OAuthError(
                    "invalid_request", "The authorization code was not found or was already used"
                )
            record.used = True
            if record.expires_at <= self.clock():
                raise OAuthError("invalid_request", "The authorization code has expired")
            if record.online:
                return self._online(record.shop, record.scope, user_id="1")
            return self._issue(record.shop, record.scope, expiring=self._expiring(data))

    def _refresh(self, data: dict[str, Any]) -> dict[str, Any]:
        token = str(data.get("refresh_token") or "")
        with self._lock:
            record = self.refresh_tokens.get(token)
            if record is None or record.revoked or record.expires_at <= self.clock():
                raise OAuthError("invalid_grant", "The refresh token is invalid, revoked or expired.")
            if record.predecessor and record.predecessor in self.refresh_tokens:
                self.refresh_tokens[record.predecessor].revoked = True
            record.predecessor = None
            return self._issue(record.shop, record.scope, expiring=True, predecessor=token)

    def _exchange(self, data: dict[str, Any]) -> dict[str, Any]:
        if data.get("subject_token_type") != ID_TOKEN:
            raise OAuthError("invalid_request", "subject_token_type must be an id_token.")
        requested = data.get("requested_token_type") or OFFLINE_TOKEN
        if requested not in (OFFLINE_TOKEN, ONLINE_TOKEN):
            raise OAuthError("invalid_request", f"requested_token_type {requested!r} is not supported.")
        claims = self.verify_session_token(str(data.get("subject_token") or ""))
        shop = claims["dest"].removeprefix("https://")
        with self._lock:
            if requested == OFFLINE_TOKEN:
                return self._issue(shop, self.config.scopes, expiring=self._expiring(data))
            return self._online(shop, self.config.scopes, user_id=str(claims["sub"]))

    def _online(self, shop: str, scope: str, *, user_id: str) -> dict[str, Any]:
        """An online (per-user) token: 24 h, with the associated user, as Shopify returns it."""
        access = "shpat_" + secrets.token_hex(16)
        self.access_tokens[access] = AccessToken(shop, scope, self.clock() + 86400)
        return {
            "access_token": access,
            "scope": scope,
            "expires_in": 86400,
            "associated_user_scope": scope,
            "associated_user": {
                "id": int(user_id) if user_id.isdigit() else user_id,
                "first_name": "Sandbox",
                "last_name": "Merchant",
                "email": f"merchant@{shop}",
                "account_owner": True,
                "locale": "en",
                "collaborator": False,
                "email_verified": True,
            },
        }

    def verify_session_token(self, token: str) -> dict[str, Any]:
        try:
            with warnings.catch_warnings():
                # Shopify picks the app secret's length; PyJWT's short-key warning is noise here.
                warnings.simplefilter("ignore", InsecureKeyLengthWarning)
                # exp/nbf are checked below against the sandbox's own (injectable) clock, not PyJWT's.
                claims = jwt.decode(
                    token,
                    self.config.api_secret,
                    algorithms=["HS256"],
                    audience=self.config.api_key,
                    options={
                        "require": ["exp", "nbf", "iss", "dest", "aud", "sub"],
                        "verify_exp": False,
                        "verify_nbf": False,
                        "verify_iat": False,
                    },
                )
        except jwt.PyJWTError as exc:
            raise OAuthError("invalid_subject_token", f"Invalid subject token: {exc}", status=401) from exc
        now = self.wall()
        if claims["exp"] + SESSION_TOKEN_LEEWAY < now or claims["nbf"] - SESSION_TOKEN_LEEWAY > now:
            raise OAuthError(
                "invalid_subject_token", "The subject token has expired or is not yet valid.", status=401
            )
        shop = str(claims["dest"]).removeprefix("https://")
        if shop not in self.config.shops or claims["iss"] != f"https://{shop}/admin":
            raise OAuthError("invalid_subject_token", "The subject token is for an unknown shop.", status=401)
        return claims

    # ----- API authentication ------------------------------------------------------------------
    def shop_for_token(self, token: str | None) -> str | None:
        """The shop a valid (unexpired) access token belongs to."""
        if not token:
            return None
        with self._lock:
            record = self.access_tokens.get(token)
            if record is None:
                return None
            if record.expires_at is not None and record.expires_at <= self.clock():
                return None
            return record.shop

    def expire_access_tokens(self, shop: str) -> None:
        with self._lock:
            for record in self.access_tokens.values():
                if record.shop == shop and record.expires_at is not None:
                    record.expires_at = self.clock() - 1

    def revoke_shop(self, shop: str) -> None:
        with self._lock:
            for token in [t for t, r in self.access_tokens.items() if r.shop == shop]:
                del self.access_tokens[token]
            for record in self.refresh_tokens.values():
                if record.shop == shop:
                    record.revoked = True

    def mint_session_token(self, shop: str, *, user_id: str, ttl: int, now: float | None) -> str:
        issued = int(now if now is not None else self.wall())
        claims = {
            "iss": f"https://{shop}/admin",
            "dest": f"https://{shop}",
            "aud": self.config.api_key,
            "sub": str(user_id),
            "exp": issued + ttl,
            "nbf": issued,
            "iat": issued,
            "jti": secrets.token_hex(16),
            "sid": secrets.token_hex(16),
        }
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InsecureKeyLengthWarning)
            return jwt.encode(claims, self.config.api_secret, algorithm="HS256")
