"""Authentication: the v4 token endpoint and the Authorization headers v2 and v4 endpoints accept.

Token endpoint `POST /auth/` [https://api-docs.jooraccess.com/docs/how-to-authenticate]
[https://api-docs.jooraccess.com/v4.0/reference/requesting-access-1]:
- Password grant with `client_id`, `client_secret`, `grant_type=password`, `username`, `password`.
- Body: multipart/form-data (JOOR's documented form) or application/x-www-form-urlencoded (zumzie and
  viveren send it; JOOR's page does not say). A urlencoded body labelled multipart/form-data (the C#
  RestSharp client, docs/joor-api/clients.md §4) is read as urlencoded: a tolerance, what JOOR's
  server does with it is unknown.
- The answer is JOOR's sample: `access_token`, `expires_in` 36000, `refresh_expires_in` 7776000,
  `refresh_token`, `token_type` "Bearer", `not-before-policy` an integer Unix timestamp (fixed per
  sandbox, as a realm's policy is), `session_state` a UUID, `scope` "email profile".
- The refresh grant (`grant_type=refresh_token`) is NOT documented by JOOR: JOOR returns a refresh token
  but documents renewal as a new password grant. The sandbox keeps the Keycloak-style refresh grant
  (sandbox convenience, do not rely on it).
- Error answers (Keycloak-style `error`/`error_description`, 400/401) are the sandbox's: JOOR's are
  unknown. Tokens expire on the sandbox's injectable clock.

Authorization header (a header without a scheme, e.g. the C# client's bare access token, is refused
with 401 on both versions; so is any other scheme):
- v4: `Bearer <access_token>` (JOOR's guide, token_type "Bearer"); `OAuth2 <base64 token>`, the form
  JOOR's v4 reference pages list [https://api-docs.jooraccess.com/v2.0/reference/get-orders-1], where
  the token is a v2 token or an access token — the pages do not say which, the sandbox takes both.
  An OAuth2 token that is not base64 is refused.
- v2: `OAuth2 <token>` with the token raw or base64 encoded (JOOR: "OAuth2 [Base64 encoded token]"
  [https://api-docs.jooraccess.com/v2.0/docs/definitions-and-conventions]; raw is a tolerance), and
  `Bearer <token>` raw or base64 (zumzie sends `Bearer base64(v2 token)`, clients.md §1.1; not
  JOOR's documented form). Under either scheme the token may be a v2 token or a live v4 access token
  (whether JOOR accepts v4 tokens on v2 is unknown).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
import threading
import uuid
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


def _parse_urlencoded(body: bytes) -> dict[str, str]:
    parsed = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {key: values[0] for key, values in parsed.items()}


def _parse_multipart(body: bytes, content_type: str) -> dict[str, str]:
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


def parse_form(body: bytes, content_type: str) -> dict[str, str]:
    """Form fields from an x-www-form-urlencoded or multipart/form-data body. A body labelled multipart
    that holds no multipart part is read as urlencoded (the C# client's request, a tolerance)."""
    if content_type.lower().startswith("multipart/form-data"):
        fields = _parse_multipart(body, content_type)
        if fields or not body.strip():
            return fields
    return _parse_urlencoded(body)


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
        not_before_policy: int = 0,
    ) -> None:
        self.v2_tokens = tuple(v2_tokens)
        self.account_id = account_id
        self._client = (client_id, client_secret)
        self._user = (username, password)
        self.access_token_ttl = access_token_ttl
        self.refresh_token_ttl = refresh_token_ttl
        self._clock = clock
        self.not_before_policy = not_before_policy
        #: Whether v2 endpoints take a v4 access token (unknown for JOOR): False makes the sandbox the
        #: stricter JOOR, where a v4-only account reaches no v2 endpoint.
        self.v4_tokens_on_v2 = True
        self._access: dict[str, IssuedToken] = {}
        self._refresh: dict[str, IssuedToken] = {}
        self._lock = threading.Lock()

    # -- request authentication -----------------------------------------------------------
    def bearer_account(self, token: str) -> str | None:
        """The account of a live (issued, unexpired) v4 access token."""
        with self._lock:
            issued = self._access.get(token)
            if issued is None or self._clock() >= issued.expires_at:
                return None
            return issued.account_id

    def v2_account(self, token: str) -> str | None:
        """The account of a v2 token, compared as sent (no decoding)."""
        return self.account_id if _constant_time_in(token, self.v2_tokens) else None

    def _any_token_account(self, token: str) -> str | None:
        return self.v2_account(token) or self.bearer_account(token)

    def authenticate(self, header: str | None, *, version: str) -> str | None:
        """The account id an Authorization header proves on a `version` ("v2" or "v4") endpoint, or
        None. The accepted forms and their sources are in the module docstring."""
        if not header:
            return None
        scheme, _, credentials = header.strip().partition(" ")
        scheme, credentials = scheme.lower(), credentials.strip()
        if not credentials or scheme not in ("bearer", "oauth2"):
            return None
        if version == "v4":
            if scheme == "bearer":
                return self.bearer_account(credentials)
            decoded = _b64_decoded(credentials)
            return self._any_token_account(decoded) if decoded else None
        lookup = self._any_token_account if self.v4_tokens_on_v2 else self.v2_account
        account = lookup(credentials)
        if account is None:
            decoded = _b64_decoded(credentials)
            account = lookup(decoded) if decoded else None
        return account

    # -- v4 grants --------------------------------------------------------------------------
    def grant(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """The auth endpoint's answer (status, JSON) to a token request: the password grant (JOOR's),
        or the refresh grant (not documented by JOOR, sandbox convenience)."""
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
            "not-before-policy": self.not_before_policy,
            "session_state": str(uuid.uuid4()),
            "scope": "email profile",
        }

    def expire_access_tokens(self) -> None:
        with self._lock:
            for issued in self._access.values():
                issued.expires_at = float("-inf")
