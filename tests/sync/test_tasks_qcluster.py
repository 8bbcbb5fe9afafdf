"""A real `manage.py qcluster` process runs a full sync job enqueued by `sync_job_request`.

The cluster is a separate process, so it cannot see the test database (in-memory under SQLite). The
test therefore builds its own small world: a migrated SQLite file, the configured broker (Redis when
REDIS_URL is set, else the ORM broker in that file) under a cluster name of its own, so no other
test's queue is touched.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from joorsync.joor.sandbox.app import JoorSandbox
from joorsync.joor.sandbox.app import SandboxConfig as JoorConfig
from joorsync.joor.sandbox.defaults import DEFAULT_TOKEN
from joorsync.joor.sandbox.server import serve_in_thread as serve_joor
from shopify_app.sandbox.app import ShopifySandbox
from shopify_app.sandbox.config import SandboxConfig as ShopifyConfig
from shopify_app.sandbox.server import serve_in_thread as serve_shopify
from tests.conftest import REPO_ROOT

SHOP = "demo.myshopify.com"
SHOPIFY_TOKEN = "shpat_qcluster_test"  # noqa: S105 - a sandbox credential
SETUP = """
from django.utils import timezone
from joorsync.sync.jobs import sync_job_request
from joorsync.sync.models import JoorAccount
from shopify_app.models import Shop
shop = Shop.objects.create(shop_domain={shop!r}, access_token={shopify_token!r}, api_version="2026-07",
                           admin_base_url={shopify_url!r}, installed_at=timezone.now())
JoorAccount.objects.create(shop=shop, base_url={joor_url!r}, token={joor_token!r})
job = sync_job_request(shop=shop, kind={kind!r})
print(job.pk)
"""


def _manage(*args: str, env: dict[str, str], timeout: float = 60) -> str:
    result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, str(REPO_ROOT / "manage.py"), *args],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _job_row(db: Path, job_id: int) -> tuple[str, int, str, str | None]:
    with sqlite3.connect(db, timeout=10) as conn:
        return conn.execute(
            "SELECT status, attempts, error, finished_at FROM sync_syncjob WHERE id = ?", (job_id,)
        ).fetchone()


@pytest.fixture
def sandboxes():
    """Both sandboxes on loopback sockets: the cluster's worker process reaches them by URL."""
    joor = JoorSandbox(JoorConfig(styles=2, seed=1, rate_limit="off"))
    shopify = ShopifySandbox(
        ShopifyConfig(static_tokens={SHOP: SHOPIFY_TOKEN}, rate_limit="off", deliver_webhooks="off")
    )
    with serve_joor(joor) as joor_url, serve_shopify(shopify) as shopify_url:
        yield joor_url, shopify_url, shopify


@pytest.mark.slow
def test_a_real_qcluster_runs_an_enqueued_job(tmp_path, sandboxes):
    joor_url, shopify_url, shopify = sandboxes
    db = tmp_path / "db.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "Q_CLUSTER_NAME": f"joorsync-test-{uuid.uuid4().hex[:8]}",
        "Q_WORKERS": "1",
        "Q_POLL": "0.2",
        "LOG_LEVEL": "INFO",
    }
    _manage("migrate", "-v0", env=env)
    setup = SETUP.format(
        shop=SHOP,
        shopify_token=SHOPIFY_TOKEN,
        shopify_url=shopify_url,
        joor_url=joor_url,
        joor_token=DEFAULT_TOKEN,
        kind="full",
    )
    job_id = int(_manage("shell", "-c", setup, env=env).strip().splitlines()[-1])
    assert _job_row(db, job_id)[:2] == ("queued", 0)

    log_path = tmp_path / "qcluster.log"
    with log_path.open("w") as log:
        cluster = subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
            [sys.executable, str(REPO_ROOT / "manage.py"), "qcluster"],
            env=env,
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 30
            row = _job_row(db, job_id)
            while row[0] in ("queued", "running") and time.monotonic() < deadline:
                time.sleep(0.2)
                row = _job_row(db, job_id)
        finally:
            cluster.send_signal(signal.SIGTERM)
            try:
                cluster.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(cluster.pid, signal.SIGKILL)
                cluster.wait(timeout=5)

    status, attempts, error, finished_at = row
    output = log_path.read_text()[-3000:]
    assert (status, error) == ("succeeded", ""), output
    assert attempts == 1 and finished_at is not None
    with sqlite3.connect(db) as conn:
        task = conn.execute(
            'SELECT func, success FROM django_q_task WHERE "group" = ?', (f"sync-job-{job_id}",)
        ).fetchone()
        links = conn.execute("SELECT COUNT(*) FROM sync_productlink WHERE status = 'linked'").fetchone()[0]
    assert task == ("joorsync.sync.tasks.sync_job_run", 1), output
    # The worker really synced: both JOOR styles now exist in the Shopify sandbox, linked.
    assert links == 2
    assert len(shopify.shop(SHOP).products) == 2
