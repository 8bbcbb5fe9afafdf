"""Credentials and constants the sandbox accepts unless configured otherwise.

These are sandbox values, not secrets: they are printed by the `joor_sandbox` command and used by tests.
"""

from __future__ import annotations

from datetime import UTC, datetime

DEFAULT_TOKEN = "sandbox-token"  # noqa: S105 - a published sandbox credential
DEFAULT_ACCOUNT_ID = "1001"
DEFAULT_CLIENT_ID = "sandbox-client"
DEFAULT_CLIENT_SECRET = "sandbox-client-secret"  # noqa: S105 - a published sandbox credential
DEFAULT_USERNAME = "brand@example.com"
DEFAULT_PASSWORD = "sandbox-password"  # noqa: S105 - a published sandbox credential

DEFAULT_STYLES = 50
DEFAULT_SEED = 1

# v2 paging: JOOR-like default page size and the largest page the sandbox serves.
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
# v2 orders page size.
DEFAULT_ORDER_PAGE_SIZE = 50

# v4 list paging and bulk limits.
V4_DEFAULT_PAGE_SIZE = 100
V4_MAX_PAGE_SIZE = 500
V4_MAX_BULK_ITEMS = 100

# Rate limit: credits per request kind, allowance per fixed window.
CREDITS_READ = 1
CREDITS_WRITE = 5
WINDOW_CREDITS = 300
WINDOW_SECONDS = 300.0

# v4 token lifetimes (seconds), as JOOR's Keycloak issues them.
ACCESS_TOKEN_TTL = 36000
REFRESH_TOKEN_TTL = 7776000

# Generated timestamps are spread over the year before this instant, so a seed always yields the same
# catalog whatever the day.
CATALOG_EPOCH = datetime(2026, 11, 1, tzinfo=UTC)

# The seed document's example style, always the first style of a generated catalog.
SEED_STYLE_ID = 1252163

COLOR_TRAIT_ID = "U0tVVHJhaXQ6U3R5bGVDb2xvcg=="
SIZE_TRAIT_ID = "U0tVVHJhaXQ6U2l6ZQ=="
