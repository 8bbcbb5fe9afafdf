"""`manage.py webhook_bench`: latency of `POST /webhooks` on a real server over loopback.

Starts the app under gunicorn (gthread) or a threaded wsgiref server in a child process, against a
fresh temporary SQLite database unless told to use the configured one, then posts signed webhooks
with unique event ids from client threads in this process and reports p50/p99 latency and throughput.
Each request does the full receive path: HMAC check, de-dup insert, task enqueue after commit.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from shopify_app.webhooks.verify import webhook_signature

REPO_ROOT = Path(settings.BASE_DIR)
WSGIREF_SERVER = """
import os, sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass

class Threaded(ThreadingMixIn, WSGIServer):
    daemon_threads = True

from joorsync.wsgi import application
make_server("127.0.0.1", int(sys.argv[1]), application, server_class=Threaded, handler_class=Quiet).serve_forever()
"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(fraction * (len(sorted_values) - 1))))
    return sorted_values[index]


class Command(BaseCommand):
    help = "Benchmark POST /webhooks on a loopback server: p50/p99 latency and requests per second."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, default=2000)
        parser.add_argument("--concurrency", type=int, default=4)
        parser.add_argument("--server", choices=["gunicorn", "wsgiref"], default="gunicorn")
        parser.add_argument(
            "--threads",
            type=int,
            default=None,
            help="server threads (gunicorn gthread); default 1 on SQLite (one writer at a time), else 4",
        )
        parser.add_argument(
            "--topic", default="app/scopes_update", help="a topic with a handler, so work is queued"
        )
        parser.add_argument("--shop", default="bench.myshopify.com")
        parser.add_argument(
            "--use-configured-db", action="store_true", help="do not create a temporary SQLite DB"
        )
        parser.add_argument("--warmup", type=int, default=50)
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["requests"] < 1 or options["concurrency"] < 1:
            raise CommandError("--requests and --concurrency must be positive")
        workdir = Path(tempfile.mkdtemp(prefix="webhook-bench-"))
        env = {**os.environ, "LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1"}
        env["SHOPIFY_API_SECRET"] = settings.SHOPIFY_API_SECRET
        # Persistent connections, as a deployment runs: with CONN_MAX_AGE=0 every request (and the ORM
        # broker's enqueue, which closes "old" connections) opens and closes SQLite connections.
        env.setdefault("DATABASE_CONN_MAX_AGE", "60")
        if not options["use_configured_db"]:
            env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
            env.pop("REDIS_URL", None)  # the ORM broker: enqueueing is one INSERT in the same database
        if options["threads"] is None:
            sqlite = not options["use_configured_db"] or "sqlite" in env.get("DATABASE_URL", "sqlite")
            # SQLite lets one writer in at a time: threads would only wait in its busy-retry sleeps.
            options["threads"] = 1 if sqlite else 4
        server: subprocess.Popen[bytes] | None = None
        try:
            self._migrate(env, workdir, skip=options["use_configured_db"])
            port = _free_port()
            server = self._start_server(options, env, port, workdir)
            base_url = f"http://127.0.0.1:{port}"
            self._wait_ready(base_url, server, workdir)
            self._run(base_url, options["warmup"], options, record=False)
            result = self._run(base_url, options["requests"], options, record=True)
            if not options["use_configured_db"]:
                result.update(self._queue_counts(workdir / "bench.sqlite3"))
        finally:
            if server is not None:
                server.terminate()
                try:
                    server.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    server.kill()
            shutil.rmtree(workdir, ignore_errors=True)
        result.update(
            {
                "server": options["server"],
                "server_threads": options["threads"] if options["server"] == "gunicorn" else None,
                "database": "configured" if options["use_configured_db"] else "temporary sqlite",
                "topic": options["topic"],
            }
        )
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        self.stdout.write(
            f"{result['ok']}/{result['requests']} ok (status {result['statuses']}) via {result['server']}, "
            f"concurrency {result['concurrency']}\n"
            f"p50 {result['p50_ms']:.2f} ms   p99 {result['p99_ms']:.2f} ms   max {result['max_ms']:.2f} ms   "
            f"mean {result['mean_ms']:.2f} ms\n"
            f"{result['requests_per_second']:.0f} requests/s over {result['seconds']:.2f} s"
        )
        if "tasks_enqueued" in result:
            self.stdout.write(
                f"{result['deliveries_recorded']} deliveries recorded, {result['tasks_enqueued']} tasks enqueued"
            )

    @staticmethod
    def _queue_counts(db_path: Path) -> dict[str, int]:
        """Rows the run left behind: recorded deliveries and tasks waiting in the ORM broker's queue."""
        with closing(sqlite3.connect(db_path, timeout=30)) as db:
            deliveries = db.execute("SELECT COUNT(*) FROM shopify_app_webhookdelivery").fetchone()[0]
            queued = db.execute("SELECT COUNT(*) FROM django_q_ormq").fetchone()[0]
        return {"deliveries_recorded": int(deliveries), "tasks_enqueued": int(queued)}

    def _migrate(self, env: dict[str, str], workdir: Path, *, skip: bool) -> None:
        if skip:
            return
        log = workdir / "migrate.log"
        with log.open("wb") as out:
            code = subprocess.call(  # noqa: S603 - fixed argv, our own interpreter and manage.py
                [sys.executable, str(REPO_ROOT / "manage.py"), "migrate", "--noinput"],
                cwd=REPO_ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=300,
            )
        if code != 0:
            raise CommandError(f"migrating the bench database failed: {log.read_text()[-500:]}")

    def _start_server(
        self, options: dict[str, Any], env: dict[str, str], port: int, workdir: Path
    ) -> subprocess.Popen[bytes]:
        if options["server"] == "gunicorn":
            argv = [
                sys.executable, "-m", "gunicorn", "joorsync.wsgi:application",
                "--bind", f"127.0.0.1:{port}", "--workers", "1",
                "--worker-class", "gthread", "--threads", str(options["threads"]),
                "--log-level", "warning", "--keep-alive", "30",
            ]  # fmt: skip
        else:
            argv = [sys.executable, "-c", WSGIREF_SERVER, str(port)]
        log = (workdir / "server.log").open("wb")
        return subprocess.Popen(argv, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603

    def _wait_ready(self, base_url: str, server: subprocess.Popen[bytes], workdir: Path) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError(f"server exited: {(workdir / 'server.log').read_text()[-500:]}")
            try:
                if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise CommandError("server did not become ready within 60 s")

    def _run(self, base_url: str, total: int, options: dict[str, Any], *, record: bool) -> dict[str, Any]:
        concurrency = min(options["concurrency"], total)
        secret = settings.SHOPIFY_API_SECRET
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        lock = threading.Lock()
        run_id = secrets.token_hex(4)
        counter = iter(range(total))
        counter_lock = threading.Lock()

        def worker() -> None:
            local_latencies: list[float] = []
            local_statuses: dict[int, int] = {}
            with httpx.Client(base_url=base_url, timeout=httpx.Timeout(10.0, connect=2.0)) as client:
                while True:
                    with counter_lock:
                        n = next(counter, None)
                    if n is None:
                        break
                    body = json.dumps(
                        {
                            "id": n,
                            "previous": ["read_products"],
                            "current": ["read_products", "write_products"],
                        }
                    ).encode()
                    headers = {
                        "Content-Type": "application/json",
                        "X-Shopify-Topic": options["topic"],
                        "X-Shopify-Hmac-Sha256": webhook_signature(body=body, secret=secret),
                        "X-Shopify-Shop-Domain": options["shop"],
                        "X-Shopify-API-Version": settings.SHOPIFY_API_VERSION,
                        "X-Shopify-Webhook-Id": f"bench-{run_id}-{n}",
                        "X-Shopify-Event-Id": f"bench-{run_id}-{'r' if record else 'w'}-{n}",
                        "X-Shopify-Triggered-At": "2026-11-22T10:00:00Z",
                    }
                    started = time.perf_counter()
                    try:
                        status = client.post("/webhooks", content=body, headers=headers).status_code
                    except httpx.HTTPError:
                        status = 0
                    local_latencies.append(time.perf_counter() - started)
                    local_statuses[status] = local_statuses.get(status, 0) + 1
            with lock:
                latencies.extend(local_latencies)
                for status, count in local_statuses.items():
                    statuses[status] = statuses.get(status, 0) + count

        threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        ordered = sorted(latencies)
        return {
            "requests": total,
            "concurrency": concurrency,
            "ok": statuses.get(200, 0),
            "statuses": {str(k): v for k, v in sorted(statuses.items())},
            "seconds": round(elapsed, 3),
            "requests_per_second": round(total / elapsed, 1) if elapsed else 0.0,
            "p50_ms": round(_percentile(ordered, 0.50) * 1000, 3),
            "p99_ms": round(_percentile(ordered, 0.99) * 1000, 3),
            "max_ms": round(ordered[-1] * 1000, 3) if ordered else 0.0,
            "mean_ms": round(statistics.fmean(ordered) * 1000, 3) if ordered else 0.0,
        }
