"""The chaos bench at a tiny size: real sandboxes and a real `qcluster` worker killed with SIGKILL
twice during a full sync with faults on both sides; a person's "Sync now" after each kill starts
within 10 s, and once faults are off the catalogs converge with nothing lost or duplicated. Then
JOOR orders are imported while the worker is killed twice more: each ends up in Shopify once, or held.

It runs `manage.py chaos_bench` as a child process, as a person would; the bench makes its own
temporary database and task queue, so the test database and broker are not involved.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.slow


def test_a_small_catalog_survives_kills_and_faults():
    argv = [
        sys.executable, str(REPO_ROOT / "manage.py"), "chaos_bench",
        "--styles", "30", "--shopify-only", "10", "--kills", "2", "--seed", "3",
        "--kill-min", "0.5", "--kill-max", "2", "--orders", "12", "--order-kills", "2", "--json",
    ]  # fmt: skip
    done = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        argv, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    lines = done.stdout.strip().splitlines()
    assert lines, done.stderr[-3000:]
    report = json.loads(lines[-1])
    assert "error" not in report, report
    assert report["kills"]["done"] == 2, report
    assert report["converged"] is True, report
    assert (report["lost"], report["duplicated"], report["blanked"]) == (0, 0, 0), report
    assert all(s is not None and s <= 10.0 for s in report["sync_now"]["seconds"]), report
    orders = report["orders"]
    assert orders["kills"]["with_job"] >= 1 and orders["placed"] == 12, orders
    assert (orders["lost"], orders["duplicated"]) == (0, 0), orders
    assert orders["in_shopify"] + orders["held"] == orders["approved_in_joor"], orders
    assert report["result"] == "PASS" and done.returncode == 0, done.stderr[-3000:]
