"""`manage.py echo_bench --products N [--skus-per-style M] [--webhook-senders S] [--json]`

How long the webhooks Shopify sends back for the sync's own writes keep the app busy after a full
sync that creates N products. Everything runs as deployed, on loopback: the app under gunicorn, one
django-q worker (`qcluster`, ORM broker) and a fresh temporary SQLite database; both sandboxes are
served from this process, and the Shopify sandbox delivers its signed webhooks to the app over real
HTTP, S at a time and in no promised order, as Shopify does. The full sync runs in the worker as a
queued job; the app recognises most echoes at receipt, and what it queues waits behind the sync, as
it would with one worker. The clock runs from the end of the sync until Shopify has nothing left to
send, no task is queued and no job is queued or running. Prints one JSON line.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from joorsync.core.text import strip_controls
from joorsync.joor.sandbox.app import JoorSandbox
from joorsync.joor.sandbox.app import SandboxConfig as JoorConfig
from joorsync.joor.sandbox.server import serve_in_thread as serve_joor
from shopify_app.sandbox.app import ShopifySandbox
from shopify_app.sandbox.config import SandboxConfig as ShopifyConfig
from shopify_app.sandbox.server import serve_in_thread as serve_shopify
from shopify_app.sandbox.webhooks import DEFAULT_SENDERS

REPO_ROOT = Path(settings.BASE_DIR)
BENCH_SHOP = "echo-bench.myshopify.com"
BENCH_SHOPIFY_TOKEN = "shpat_echo_bench"  # noqa: S105 - a sandbox token made up for the bench
BENCH_JOOR_TOKEN = "echo-bench-token"  # noqa: S105 - a sandbox token made up for the bench
TARGET_SECONDS = 30.0
POLL_SECONDS = 0.05
SYNC_TIMEOUT = 3600.0
DRAIN_TIMEOUT = 1800.0
WEBHOOK_ATTEMPTS = 3

# Run by `manage.py shell` against the bench database: the shop, its JOOR account, the webhook
# subscriptions (to SHOPIFY_APP_URL) and the queued full sync. Prints the job id.
SETUP = """
from django.utils import timezone
from joorsync.sync.jobs import sync_job_request
from joorsync.sync.models import JoorAccount, SyncJob
from shopify_app.models import Shop
from shopify_app.services.webhook_subscriptions import shop_webhooks_register
shop = Shop.objects.create(shop_domain={shop!r}, access_token={shopify_token!r}, api_version="2026-07",
                           admin_base_url={shopify_url!r}, installed_at=timezone.now())
JoorAccount.objects.create(shop=shop, base_url={joor_url!r}, token={joor_token!r}, price_currency="USD")
shop_webhooks_register(shop=shop)
print(sync_job_request(shop=shop, kind=SyncJob.Kind.FULL, trigger=SyncJob.Trigger.COMMAND).pk)
"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _epoch(value: str | None) -> float | None:
    """A datetime column as Django stores it in SQLite (naive UTC) → seconds since the epoch."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


class Command(BaseCommand):
    help = "Benchmark how fast the webhooks of a full sync's own Shopify writes drain from the task queue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--products", type=int, default=2000, help="JOOR styles, each created in Shopify")
        parser.add_argument("--skus-per-style", type=int, default=12)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--webhook-senders",
            type=int,
            default=DEFAULT_SENDERS,
            help="deliveries the Shopify sandbox has in flight at once",
        )
        parser.add_argument("--json", action="store_true", help="print only the JSON line")

    def handle(
        self,
        *args: Any,
        products: int,
        skus_per_style: int,
        seed: int,
        webhook_senders: int,
        json: bool,
        **options: Any,
    ) -> None:
        if products < 1 or skus_per_style < 1 or webhook_senders < 1:
            raise CommandError("--products, --skus-per-style and --webhook-senders must be positive")
        workdir = Path(tempfile.mkdtemp(prefix="echo-bench-"))
        port = _free_port()
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "DATABASE_CONN_MAX_AGE": "60",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            "Q_CLUSTER_NAME": f"echo-bench-{secrets.token_hex(4)}",
            "Q_WORKERS": "1",
            "SHOPIFY_API_SECRET": settings.SHOPIFY_API_SECRET,
            "SHOPIFY_APP_URL": f"http://127.0.0.1:{port}",
        }
        env.pop("REDIS_URL", None)  # the ORM broker, in the same database
        started = time.monotonic()
        with ExitStack() as stack:
            stack.callback(shutil.rmtree, workdir, ignore_errors=True)
            self._manage(["migrate", "--noinput"], env, workdir / "migrate.log")
            joor = JoorSandbox(
                JoorConfig(
                    styles=products,
                    seed=seed,
                    skus_per_style=skus_per_style,
                    tokens=(BENCH_JOOR_TOKEN,),
                    rate_limit="off",
                )
            )
            shopify = ShopifySandbox(
                ShopifyConfig(
                    shops=(BENCH_SHOP,),
                    static_tokens={BENCH_SHOP: BENCH_SHOPIFY_TOKEN},
                    rate_limit="off",
                    deliver_webhooks="thread",
                    webhook_max_attempts=WEBHOOK_ATTEMPTS,
                    webhook_retry_delay=0.5,
                    webhook_senders=webhook_senders,
                )
            )
            stack.callback(shopify.close)
            joor_url = stack.enter_context(serve_joor(joor))
            shopify_url = stack.enter_context(serve_shopify(shopify))
            self._start(stack, self._server_argv(port), env, workdir / "server.log")
            self._wait_ready(f"http://127.0.0.1:{port}", workdir / "server.log")
            self._start(
                stack,
                [sys.executable, str(REPO_ROOT / "manage.py"), "qcluster"],
                env,
                workdir / "qcluster.log",
            )
            setup = SETUP.format(
                shop=BENCH_SHOP,
                shopify_token=BENCH_SHOPIFY_TOKEN,
                shopify_url=shopify_url,
                joor_url=joor_url,
                joor_token=BENCH_JOOR_TOKEN,
            )
            output = self._manage(["shell", "-c", setup], env, workdir / "setup.log")
            job_id = int(output.strip().splitlines()[-1])
            if not json:
                self.stderr.write(
                    f"ready in {time.monotonic() - started:.1f}s; full sync job {job_id} queued"
                )
            report = self._measure(workdir / "bench.sqlite3", job_id, shopify, workdir)
        report = {
            "products": products,
            "skus_per_style": skus_per_style,
            "webhook_senders": webhook_senders,
            **report,
        }
        self.stdout.write(_dumps(report))

    # ------------------------------------------------------------------ measuring

    def _measure(self, db: Path, job_id: int, shopify: ShopifySandbox, workdir: Path) -> dict[str, Any]:
        deadline = time.monotonic() + SYNC_TIMEOUT
        while (
            job := _query(
                db, "SELECT status, started_at, finished_at, error FROM sync_syncjob WHERE id = ?", job_id
            )
        )[0] in ("queued", "running"):
            if time.monotonic() > deadline:
                raise CommandError(f"the full sync did not finish within {SYNC_TIMEOUT:.0f}s")
            time.sleep(POLL_SECONDS)
        status, started_at, finished_at, error = job
        if status != "succeeded":
            tail = _tail(workdir / "qcluster.log")
            raise CommandError(strip_controls(f"the full sync ended {status}: {error} ({tail})"))
        deadline = time.monotonic() + DRAIN_TIMEOUT
        while not self._drained(db, shopify):
            if time.monotonic() > deadline:
                raise CommandError(f"the queue did not drain within {DRAIN_TIMEOUT:.0f}s")
            time.sleep(POLL_SECONDS)
        drained_at = time.time()
        sync_end = _epoch(finished_at) or drained_at
        sent = shopify.webhook_deliveries
        with closing(sqlite3.connect(db, timeout=30)) as conn:
            received = dict(
                conn.execute("SELECT topic, COUNT(*) FROM shopify_app_webhookdelivery GROUP BY topic")
            )
            by_status = dict(
                conn.execute("SELECT status, COUNT(*) FROM shopify_app_webhookdelivery GROUP BY status")
            )
            after_sync = conn.execute(
                "SELECT COUNT(*), MAX(received_at) FROM shopify_app_webhookdelivery WHERE received_at > ?",
                (finished_at,),
            ).fetchone()
            jobs = conn.execute("SELECT COUNT(*) FROM sync_syncjob WHERE trigger = 'webhook'").fetchone()[0]
            created = conn.execute(
                "SELECT COUNT(*) FROM sync_productlink WHERE status = 'linked'"
            ).fetchone()[0]
        return {
            "products_created": int(created),
            "sync_seconds": round(sync_end - (_epoch(started_at) or sync_end), 2),
            "webhooks_sent": len(sent),
            "webhooks_undelivered": sum(1 for d in sent if not d.delivered),
            "webhooks_received": sum(received.values()),
            "webhooks_by_topic": dict(sorted(received.items())),
            "webhooks_by_status": dict(sorted(by_status.items())),
            "webhooks_failed": int(by_status.get("failed", 0)),
            "webhooks_received_after_sync": int(after_sync[0]),
            "last_webhook_seconds": round(max(0.0, (_epoch(after_sync[1]) or sync_end) - sync_end), 2),
            "jobs_queued_by_webhooks": int(jobs),
            "drain_seconds": round(max(0.0, drained_at - sync_end), 2),
            "target_seconds": TARGET_SECONDS,
        }

    @staticmethod
    def _drained(db: Path, shopify: ShopifySandbox) -> bool:
        """Shopify has sent everything, no task waits in the broker, no job or delivery is pending.

        The database is asked first and again last: walking thousands of deliveries every poll would
        take the GIL from the sandbox's senders in this process, and a delivery answered in between
        has its task queued before its answer.
        """
        if not _queue_idle(db):
            return False
        if any(not d.delivered and len(d.attempts) < WEBHOOK_ATTEMPTS for d in shopify.webhook_deliveries):
            return False
        return _queue_idle(db)

    # ------------------------------------------------------------------ processes

    def _manage(self, args: list[str], env: dict[str, str], log: Path) -> str:
        result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
            [sys.executable, str(REPO_ROOT / "manage.py"), *args],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        log.write_text(result.stdout + result.stderr)
        if result.returncode != 0:
            raise CommandError(f"manage.py {args[0]} failed: {(result.stdout + result.stderr)[-800:]}")
        return result.stdout

    @staticmethod
    def _server_argv(port: int) -> list[str]:
        # One process serving one request at a time: SQLite lets one writer in at a time, and a second
        # process measured slower here (it waits on the lock, and lets stock webhooks overtake their
        # product's products/create, which then cost a task each). gunicorn's default sync worker, as
        # in "Running it for real", spends ~15% less per request than gthread.
        return [
            sys.executable, "-m", "gunicorn", "joorsync.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", "1", "--worker-class", "sync",
            "--log-level", "warning",
        ]  # fmt: skip

    @staticmethod
    def _start(stack: ExitStack, argv: list[str], env: dict[str, str], log_path: Path) -> None:
        log = stack.enter_context(log_path.open("wb"))
        process = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
            argv, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

        def stop() -> None:
            # The process group: qcluster's workers and gunicorn's worker go with their parent.
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=15)
            except ProcessLookupError:
                return
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)

        stack.callback(stop)

    @staticmethod
    def _wait_ready(base_url: str, log: Path) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise CommandError(f"the app server did not start within 60 s: {_tail(log)}")


def _queue_idle(db: Path) -> bool:
    """No task waits in the broker, no job is queued or running, no delivery waits for its task."""
    with closing(sqlite3.connect(db, timeout=30)) as conn:
        tasks = conn.execute("SELECT COUNT(*) FROM django_q_ormq").fetchone()[0]
        jobs = conn.execute(
            "SELECT COUNT(*) FROM sync_syncjob WHERE status IN ('queued', 'running')"
        ).fetchone()[0]
        pending = conn.execute(
            "SELECT COUNT(*) FROM shopify_app_webhookdelivery WHERE status IN ('queued', 'processing')"
        ).fetchone()[0]
    return tasks == jobs == pending == 0


def _query(db: Path, sql: str, *params: Any) -> tuple[Any, ...]:
    with closing(sqlite3.connect(db, timeout=30)) as conn:
        row = conn.execute(sql, params).fetchone()
    if row is None:
        raise CommandError("the bench's job row is gone")
    return tuple(row)


def _tail(path: Path) -> str:
    try:
        return path.read_text(errors="replace")[-800:]
    except OSError:
        return ""


def _dumps(report: dict[str, Any]) -> str:
    return json.dumps(report, separators=(",", ":"))
