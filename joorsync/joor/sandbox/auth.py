"""Authentication: v2 tokens (as issued or base64-encoded again) and v4 OAuth2 password/refresh grants.

v4 tokens expire on the sandbox's injectable clock, so expiry and refresh are testable without waiting.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qs


@dataclass(slots=True)
class IssuedToken:
    expires_at: float
    account_id: str


def _constant_time_in(candidate: str, accepted: Iterable[str]) -> bool:
    found = False
    for value in accepted:
        if hmac.compare_digest(candidate.encode("utf-8"), value.encode("utf-8")):
            found = True
    return found


def _b64_decoded(value: str) -> str | None:
    try:
        return base64.b64decode(value.encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeError):
        return None


def parse_form(body: bytes, content_type: str) -> dict[str, str]:
    """Form fields from an x-www-form-urlencoded or multipart/form-data body."""
    if content_type.lower().startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
        )
        fields: dict[str, str] = {}
        if not message.is_multipart():
            return fields
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if isinstance(name, str):
                payload = part.get_payload(decode=True)
                if isinstance(payload, bytes):
                    fields[name] = payload.decode("utf-8", "replace")
        return fields
    parsed = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {key: values[0] for key, values in parsed.items()}


class TokenStore:
    """Accepted v2 tokens and issued v4 access/refresh tokens, thread-safe."""

    def __init__(
        self,
        *,
        v2_tokens: Iterable[str],
        account_id: str,
        client_id: str,
        client_secret: str,
        username: str,
        password: str,
        access_token_ttl: float,
        refresh_token_ttl: float,
        clock: Callable[[], float],
    ) -> None:
        self.v2_tokens = tuple(v2_tokens)
        self.account_id = account_id
        self._client = (client_id, client_secret)
        self._user = (username, password)
        self.access_token_ttl = access_token_ttl
        self.refresh_token_ttl = refresh_token_ttl
        self._clock = clock
        self._access: dict[str, IssuedToken] = {}
        self._refresh: dict[str, IssuedToken] = {}
        self._lock = threading.Lock()

    # -- request authentication -----------------------------------------------------------
    def v2_account(self, token: str) -> str | None:
        """The account of a v2 token sent as issued or base64-encoded again."""
        if _constant_time_in(token, self.v2_tokens):
            return self.account_id
        decoded = _b64_decoded(token)
        if decoded is not None and _constant_time_in(decoded, self.v2_tokens):
            return self.account_id
        return None

    def bearer_account(self, token: str) -> str | None:
        with self._lock:
            issued = self._access.get(token)
            if issued is None or self._clock() >= issued.expires_at:
                return None
            return issued.account_id

    def authenticate(self, header: str | None, *, allow_v2: bool) -> str | None:
        """The account id an Authorization header proves, or None."""
        if not header:
            return None
        scheme, _, credentials = header.strip().partition(" ")
        credentials = credentials.strip()
        if not credentials:
            return None
        if scheme.lower() == "bearer":
            return self.bearer_account(credentials)
        if allow_v2 and scheme.lower() == "oauth2":
            return self.v2_account(credentials)
        return None

    # -- v4 grants --------------------------------------------------------------------------
    def grant(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """The auth endpoint's answer (status, JSON) to a token request."""
        grant_type = form.get("grant_type", "")
        client_id = form.get("client_id", "")
        client_secret = form.get("client_secret", "")
        if not grant_type:
            return 400, {
                "error": "invalid_request",
                "error_description": "Missing form parameter: grant_type",
            }
        if grant_type not in ("password", "refresh_token"):
            return 400, {"error": "unsupported_grant_type", "error_description": "Unsupported grant_type"}
        if not (
            hmac.compare_digest(client_id.encode(), self._client[0].encode())
            and hmac.compare_digest(client_secret.encode(), self._client[1].encode())
        ):
            return 401, {
                "error": "invalid_client",
                "error_description": "Invalid client or Invalid client credentials",
            }
        if grant_type == "password":
            username, password = form.get("username", ""), form.get("password", "")
            if not (
                hmac.compare_digest(username.encode(), self._user[0].encode())
                and hmac.compare_digest(password.encode(), self._user[1].encode())
            ):
                return 401, {"error": "invalid_grant", "error_description": "Invalid user credentials"}
            return 200, self._issue()
        refresh = form.get("refresh_token", "")
        with self._lock:
            issued = self._refresh.get(refresh)
            valid = issued is not None and self._clock() < issued.expires_at
        if not valid:
            return 401, {"error": "invalid_grant", "error_description": "Invalid refresh token"}
        return 200, self._issue()

    def _issue(self) -> dict[str, Any]:
        access = secrets.token_urlsafe(32)
        refresh = secrets.token_urlsafe(32)
        now = self._clock()
        with self._lock:
            self._access[access] = IssuedToken(now + self.access_token_ttl, self.account_id)
            self._refresh[refresh] = IssuedToken(now + self.refresh_token_ttl, self.account_id)
        return {
            "access_token": access,
            "expires_in": int(self.access_token_ttl),
            "refresh_expires_in": int(self.refresh_token_ttl),
            "refresh_token": refresh,
            "token_type": "Bearer",
            "not-before-policy": 0,
            "session_state": secrets.token_hex(16),
            "scope": "profile email",
        }

    def expire_access_tokens(self) -> None:
        with self._lock:
            for issued in self._access.values():
                issued.expires_at = float("-inf")
