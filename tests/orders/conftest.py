from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_search_settle(settings: pytest.FixtureRequest) -> None:
    """The sandbox's order search is immediate: an interrupted create is looked up at once."""
    settings.ORDER_SEARCH_SETTLE_SECONDS = 0  # type: ignore[attr-defined]
