"""The development defaults settings fall back to, so that `make run` and `make test` need no setup.

Kept in one place (free of Django imports, so settings can read it) because the production checks must
recognise them: each is public, in this repository, and worthless as a secret.
"""

from __future__ import annotations

SECRET_KEY = "dev-insecure-joorsync-secret-key-change-me-0123456789"  # noqa: S105 - public by design
SHOPIFY_API_KEY = "sandbox-api-key"
SHOPIFY_API_SECRET = "sandbox-api-secret"  # noqa: S105 - the sandbox's well-known value
# Host names that reach only this machine (and Django's test client).
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "::1", "testserver"})
