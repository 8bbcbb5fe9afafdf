"""API clients for one shop: the JOOR client for its JoorAccount and the Shopify Admin client.

Why here: the JOOR client is configuration-free, so this is where settings (timeout, credit budget)
and stored credentials meet it. JOOR rate-limits per JOOR account, so every client of one account in
this process charges one shared `CreditBudget`.

Tests (and the demo) point the clients at the in-process sandboxes with `transport_override()`:

    with transport_override(joor=httpx.WSGITransport(app=JoorSandbox(...))):
        ...  # every joor_client_for() without an explicit transport now talks to the sandbox

The override is process-wide (not thread-local) on purpose, so a django-q worker running in a thread
of the test process sees it too. An explicit `transport=` argument always wins.

Whatever transport a JOOR client gets, it is wrapped in the outbound policy with `joor_destinations()`:
a JOOR URL comes from a merchant's settings form, so in production it may only lead to JOOR (see
there), and the stored credentials never travel anywhere else.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings

from joorsync.core.outbound import DestinationPolicy, Limits, PolicyTransport
from joorsync.joor.budget import CreditBudget
from joorsync.joor.client import JoorClient
from joorsync.joor.transport import DEADLINE_TIMEOUTS, MAX_RESPONSE_BYTES
from joorsync.sync.models import ApiGeneration, JoorAccount
from shopify_app.admin.client import AdminClient
from shopify_app.models import Shop
from shopify_app.services.tokens import shop_admin_client

#: JOOR's own API and auth hosts (production and JOOR's sandbox environment).
JOOR_HOSTS = frozenset(
    {
        "api.jooraccess.com",
        "apisandbox.jooraccess.com",
        "atlas.jooraccess.com",
        "atlas-sandbox.jooraccess.com",
    }
)


def joor_destinations() -> DestinationPolicy:
    """Where JOOR clients may connect.

    In production: https only, to `JOOR_HOSTS` and the hosts the operator lists in JOOR_ALLOWED_HOSTS,
    and only where every address the host resolves to is public (checked when the socket is opened, so
    DNS rebinding cannot reach 127.0.0.1, 10.0.0.0/8 or 169.254.169.254). Elsewhere (DEBUG, sandbox
    mode, a loopback-only deployment: the demo and the test suite, whose sandboxes listen on 127.0.0.1)
    any http(s) URL.
    """
    if not settings.PRODUCTION:
        return DestinationPolicy()
    return DestinationPolicy.allowing([*JOOR_HOSTS, *settings.JOOR_ALLOWED_HOSTS])


def joor_transport(*, inner: httpx.BaseTransport | None, timeout: float) -> PolicyTransport:
    """`inner` (None: the network) behind the outbound policy for JOOR: destinations, deadline, cap."""
    return PolicyTransport(
        inner,
        limits=Limits(deadline=DEADLINE_TIMEOUTS * timeout, max_body_bytes=MAX_RESPONSE_BYTES),
        destinations=joor_destinations(),
    )


@dataclass
class TransportOverrides:
    """Transports used when a caller passes none: None means the network."""

    joor: httpx.BaseTransport | None = None
    shopify: httpx.BaseTransport | None = None


_overrides = TransportOverrides()
_budgets: dict[tuple[str, str, int, float], CreditBudget] = {}
_budgets_lock = threading.Lock()


@contextmanager
def transport_override(
    *, joor: httpx.BaseTransport | None = None, shopify: httpx.BaseTransport | None = None
) -> Iterator[TransportOverrides]:
    """Route clients built without an explicit transport through the given ones, then restore."""
    previous = TransportOverrides(joor=_overrides.joor, shopify=_overrides.shopify)
    if joor is not None:
        _overrides.joor = joor
    if shopify is not None:
        _overrides.shopify = shopify
    try:
        yield _overrides
    finally:
        _overrides.joor, _overrides.shopify = previous.joor, previous.shopify


def _budget_key(account: JoorAccount) -> tuple[str, str, int, float]:
    identity = account.account_id or (f"shop:{account.shop_id}" if account.shop_id else "unsaved")
    return (
        account.base_url.rstrip("/"),
        identity,
        int(settings.JOOR_CREDITS_PER_WINDOW),
        float(settings.JOOR_CREDIT_WINDOW_SECONDS),
    )


def joor_budget_for(*, account: JoorAccount) -> CreditBudget:
    """The process-wide credit budget of the JOOR account behind `account`."""
    key = _budget_key(account)
    with _budgets_lock:
        budget = _budgets.get(key)
        if budget is None:
            budget = CreditBudget(credits_per_window=key[2], window_seconds=key[3])
            _budgets[key] = budget
        return budget


def joor_budgets_reset() -> None:
    """Forget every shared budget (tests; a settings change at runtime)."""
    with _budgets_lock:
        _budgets.clear()


def joor_client_for(
    *,
    account: JoorAccount,
    transport: httpx.BaseTransport | None = None,
    budget: CreditBudget | None = None,
    max_retries: int | None = None,
    timeout: float | None = None,
) -> JoorClient:
    """A JOOR client with the account's credentials; the caller closes it (it is a context manager).

    v2 accounts authenticate with their static token, v4 accounts with the password grant (whose
    Bearer token JOOR's v2 endpoints accept too). `max_retries` and `timeout` let an interactive
    caller (a settings page's "Test connection") fail fast. Every request goes through
    `joor_transport()`, whichever transport is given.
    """
    extra: dict[str, Any] = {"max_retries": max_retries} if max_retries is not None else {}
    seconds = float(timeout if timeout is not None else settings.JOOR_HTTP_TIMEOUT)
    common: dict[str, Any] = {
        "base_url": account.base_url,
        "transport": joor_transport(
            inner=transport if transport is not None else _overrides.joor, timeout=seconds
        ),
        "timeout": seconds,
        "budget": budget if budget is not None else joor_budget_for(account=account),
        **extra,
    }
    if account.api_generation == ApiGeneration.V4:
        return JoorClient(
            **common,
            client_id=account.client_id,
            client_secret=account.client_secret,
            username=account.username,
            password=account.password,
            account_id=account.account_id,
            auth_url=account.auth_url or settings.JOOR_AUTH_URL,
        )
    return JoorClient(**common, token=account.token)


def shopify_client_for(
    *, shop: Shop, transport: httpx.BaseTransport | None = None, max_retries: int | None = None
) -> AdminClient:
    """The shop's Admin GraphQL client (token refreshed before expiry and once after a 401)."""
    return shop_admin_client(
        shop=shop,
        transport=transport if transport is not None else _overrides.shopify,
        max_retries=max_retries,
    )
