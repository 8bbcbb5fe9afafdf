"""The merchant UI's fixtures (a sandbox shop, a signed-in client, both sandboxes), shared with the
order pages' tests."""

from __future__ import annotations

from tests.sync.ui.conftest import (  # noqa: F401 - fixtures, found by pytest by name
    _fresh_cache,
    client_in,
    other_shop,
    sandbox_mode,
    sandboxes,
    shop,
)
