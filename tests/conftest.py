"""Shared test configuration.

Reference material lives in ../shared/ beside the repo; tests that need it use `shared_path()`
and skip with a clear reason where it is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = REPO_ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """Path to a file under ../shared/, skipping the calling test where it is not there."""
    path = SHARED_DIR.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"reference file {path} is absent (../shared/ is not beside this checkout)")
    return path


@pytest.fixture
def shared() -> type:
    class _Shared:
        path = staticmethod(shared_path)

    return _Shared
