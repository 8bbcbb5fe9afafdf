"""The merchant UI fixtures (an installed shop wired to both sandboxes, a signed-in client), shared."""

from tests.sync.ui.conftest import _fresh_cache, client_in, sandbox_mode, sandboxes, shop  # noqa: F401
