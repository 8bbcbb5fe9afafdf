"""The browser tests' world (live server, both sandboxes, a worker) and Chromium, as `tests/browser`
sets them up; skipped where Chromium is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import (  # noqa: F401 - fixtures, found by pytest by name
    CHROMIUM,
    browser,
    context,
    page,
    playwright,
    shoot,
    signed_in,
    world,
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    here = Path(__file__).parent
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is absent (CI installs it with .ci/browser-prereqs.sh)")
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(skip)
