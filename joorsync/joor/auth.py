"""JOOR credentials: the v2 static token and the v4 password grant with a cached, refreshed token.

Secrets are held in private attributes and never rendered by `repr()`; the request loop's redactor
asks `secrets()` for everything that must not appear in a message.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from .errors import JoorAuthError, JoorBadPayload, JoorMalformedBody, JoorPermanentError

if TYPE_CHECKING:
    from .transport import JoorHttp

#: Renew an access token this many seconds before JOOR says it expires, so no request carries a token
#: that dies in flight.
EXPIRY_SKEW_SECONDS = 60.0


class V2TokenAuth:
    """`Authorization: OAuth2 <token>`.

    JOOR's pages write the header as `OAuth2 [Base64 encoded token]` without saying whether the token
    JOOR issues is already that encoding; public clients send it both ways. The token goes as issued
    first; if JOOR refuses it, once, its base64 encoding is tried, and whichever form worked is kept.
    """

    def __init__(self, token: str) -> None:
        if not token or not token.strip():
            raise ValueError("a JOOR v2 token is required")
        self._token = token.strip()
        self._encoded = base64.b64encode(self._token.encode()).decode()
        self._use_encoded = False
        self._tried_encoded = False

    def header(self) -> str:
        return f"OAuth2 {self._encoded if self._use_encoded else self._token}"

    def on_unauthorized(self) -> bool:
        if self._tried_encoded:
            return False  # both forms refused: the token is wrong, revoked or expired
        self._tried_encoded = True
        self._use_encoded = True
        return True

    def secrets(self) -> tuple[str, ...]:
        return (self._token, self._encoded)

    def __repr__(self) -> str:
        return "V2TokenAuth(token=***)"


@dataclass(frozen=True, slots=True)
class V4Credentials:
    """What a brand's JOOR v4 integration is given. `repr` hides the secrets."""

    client_id: str
    client_secret: str = field(repr=False)
    username: str
    password: str = field(repr=False)
    account_id: str

    def __post_init__(self) -> None:
        for name in ("client_id", "client_secret", "username", "password", "account_id"):
            if not str(getattr(self, name) or "").strip():
                raise ValueError(f"v4 credentials need {name}")


@dataclass(slots=True)
class _Token:
    access: str
    expires_at: float
    refresh: str | None
    refresh_expires_at: float | None


class V4TokenAuth:
    """`Authorization: Bearer <access_token>` from JOOR's password grant.

    The token is cached and renewed `EXPIRY_SKEW_SECONDS` before it expires — with the refresh token
    while that is valid, else with a new password grant — and once more after a 401 (JOOR may revoke
    a token early). Thread-safe: concurrent callers share one grant.
    """

    def __init__(
        self, *, credentials: V4Credentials, auth_url: str, http: JoorHttp, clock: Callable[[], float]
    ) -> None:
        self.credentials = credentials
        self.auth_url = auth_url
        self._http = http
        self._clock = clock
        self._lock = threading.Lock()
        self._token: _Token | None = None

    def header(self) -> str:
        return f"Bearer {self.access_token()}"

    def access_token(self) -> str:
        with self._lock:
            now = self._clock()
            token = self._token
            if token is not None and now < token.expires_at - EXPIRY_SKEW_SECONDS:
                return token.access
            self._token = self._renew(token, now)
            return self._token.access

    def on_unauthorized(self) -> bool:
        with self._lock:
            stale = self._token
            self._token = None
            try:
                self._token = self._renew(stale, self._clock(), allow_refresh=stale is not None)
            except JoorAuthError:
                return False
            return True

    def secrets(self) -> tuple[str, ...]:
        token = self._token
        values = [self.credentials.client_secret, self.credentials.password]
        if token is not None:
            values.append(token.access)
            if token.refresh:
                values.append(token.refresh)
        return tuple(values)

    def _renew(self, token: _Token | None, now: float, *, allow_refresh: bool = True) -> _Token:
        if (
            allow_refresh
            and token is not None
            and token.refresh
            and (token.refresh_expires_at is None or now < token.refresh_expires_at - EXPIRY_SKEW_SECONDS)
        ):
            try:
                return self._grant({"grant_type": "refresh_token", "refresh_token": token.refresh})
            except (JoorAuthError, JoorPermanentError):
                # Refresh token revoked or expired, or a server without the refresh grant (JOOR
                # documents only the password grant): fall back to it.
                pass
        creds = self.credentials
        return self._grant(
            {
                "grant_type": "password",
                "client_id": creds.client_id,
                "client_secret": creds.client_secret,
                "username": creds.username,
                "password": creds.password,
            }
        )

    def _grant(self, form: dict[str, str]) -> _Token:
        creds = self.credentials
        form = {"client_id": creds.client_id, "client_secret": creds.client_secret, **form}
        issued_at = self._clock()
        try:
            # JOOR documents the token request as multipart/form-data.
            doc = self._http.call(
                "POST",
                self.auth_url,
                multipart=form,
                parse=_json_object,
                charge=False,
                headers={"Accept": "application/json"},
            )
        except JoorPermanentError as exc:
            if exc.status == 400:  # Keycloak answers a refused grant with 400 invalid_grant
                raise JoorAuthError(str(exc), status=400, log_id=exc.log_id) from exc
            raise
        access = doc.get("access_token")
        if not isinstance(access, str) or not access:
            raise JoorBadPayload("JOOR auth: the token answer has no access_token")
        expires_in = _seconds(doc.get("expires_in"), default=300.0)
        refresh = doc.get("refresh_token") if isinstance(doc.get("refresh_token"), str) else None
        refresh_expires_in = doc.get("refresh_expires_in")
        return _Token(
            access=access,
            expires_at=issued_at + expires_in,
            refresh=refresh or None,
            refresh_expires_at=(
                issued_at + _seconds(refresh_expires_in, default=0.0)
                if refresh_expires_in is not None
                else None
            ),
        )

    def __repr__(self) -> str:
        return f"V4TokenAuth(client_id={self.credentials.client_id!r}, account_id={self.credentials.account_id!r})"


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        doc = response.json()
    except ValueError as exc:
        raise JoorMalformedBody("JOOR auth: the token answer is not valid JSON") from exc
    if not isinstance(doc, dict):
        raise JoorBadPayload("JOOR auth: the token answer is not a JSON object")
    return doc


def _seconds(value: Any, *, default: float) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return default
    return seconds if seconds > 0 else default
