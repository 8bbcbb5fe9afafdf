"""The chaos bench's driver: runs inside the bench's environment (`chaos.bench_environment`), started
by `chaos.chaos_bench`, and writes its report to the work directory.

Phases, each bounded in time:
1. both sandboxes and one `qcluster` worker as child processes on loopback ports; the shop connected
   to both; both catalogs read (faults still off);
2. faults on; the shop's full sync queued as a person's; `kills` times: wait until the worker runs a
   job, let it run for a random time, SIGKILL the worker's process group, ask for "Sync now", start
   a new worker and time until the Sync-now job starts; then wait until no job is queued or running;
3. faults off; full syncs until one writes nothing (at most `converge_runs`);
4. both catalogs read again and judged; the services' request, credit and cost counters read.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import socket
import statistics
import sys
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from django.conf import settings
from django.utils import timezone

from joorsync.core.demo.processes import Child, Supervisor
from joorsync.joor.client import JoorClient
from joorsync.sync import chaos_check
from joorsync.sync.accounts import joor_account_connect, joor_account_update_settings
from joorsync.sync.chaos import CONFIG_ENV, REPORT_FILE, WORKDIR_ENV, ChaosBenchError, ChaosConfig
from joorsync.sync.jobs import sync_job_request
from joorsync.sync.models import ApiGeneration, SyncEvent, SyncJob
from shopify_app.admin.client import AdminClient
from shopify_app.models import Shop
from shopify_app.services.shops import shop_connect

SHOP = "chaos-bench.myshopify.com"
SHOPIFY_TOKEN = "shpat_chaos_bench"  # noqa: S105 - a sandbox token made up for the bench
JOOR_TOKEN = "chaos-bench-token"  # noqa: S105 - a sandbox token made up for the bench
HOST = "127.0.0.1"
POLL = 0.1
SANDBOX_START_TIMEOUT = 600.0
MEMORY_EVERY = 1.0
ACTIVE = (SyncJob.Status.QUEUED, SyncJob.Status.RUNNING)
ENDED = (SyncJob.Status.SUCCEEDED, SyncJob.Status.FAILED, SyncJob.Status.CANCELLED)


def _say(line: str) -> None:
    print(f"[chaos] {line}", file=sys.stderr, flush=True)


def _free_ports(count: int) -> list[int]:
    """Ports nothing listens on, all different (the sockets are held until every port is known)."""
    with contextlib.ExitStack() as stack:
        ports = []
        for _ in range(count):
            sock = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            sock.bind((HOST, 0))
            ports.append(int(sock.getsockname()[1]))
        return ports


def _peak_rss_kb(pid: int) -> int:
    """The highest peak RSS (VmHWM) among a process and its descendants (Linux /proc; 0 elsewhere)."""
    peak, todo, seen = 0, [pid], set[int]()
    while todo and len(seen) < 256:
        current = todo.pop()
        seen.add(current)
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (OSError, ValueError):
            continue
        todo += [int(child) for child in children if int(child) not in seen]
    return peak


@dataclass
class Kill:
    """One SIGKILL: the job the worker was running (if any) and the Sync now asked right after."""

    job_id: int | None
    job_attempts: int
    sync_now_job_id: int
    sync_now_seconds: float | None


class ChaosRun:
    def __init__(self, config: ChaosConfig, workdir: Path) -> None:
        self.config = config
        self.workdir = workdir
        self.rng = random.Random(config.seed)  # noqa: S311 - the kill schedule, not security
        self.manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        self.supervisor = Supervisor(
            env=dict(os.environ), cwd=Path(settings.BASE_DIR), log_dir=workdir / "logs", stop_timeout=15.0
        )
        self.joor_url = self.shopify_url = ""
        self.worker: Child | None = None
        self.worker_started_at = timezone.now()
        self.workers = 0
        self.peak_kb = 0
        self._sampled_at = 0.0
        self.kills: list[Kill] = []

    # ------------------------------------------------------------------ processes

    def _start_sandboxes(self) -> None:
        cfg = self.config
        joor_port, shopify_port = _free_ports(2)
        joor = [
            "joor_sandbox", "--host", HOST, "--port", str(joor_port), "--styles", str(cfg.styles),
            "--seed", str(cfg.seed), "--token", JOOR_TOKEN, "--rate-limit", "off",
            "--fault-seed", str(cfg.seed), "--slow-seconds", str(cfg.joor_slow_seconds),
        ]  # fmt: skip
        if cfg.skus_per_style:
            joor += ["--skus-per-style", str(cfg.skus_per_style)]
        shopify = [
            "shopify_sandbox", "--host", HOST, "--port", str(shopify_port), "--shop", SHOP,
            "--token", SHOPIFY_TOKEN, "--products", str(cfg.shopify_only), "--seed", str(cfg.seed),
            "--rate-limit", "off", "--webhooks", "off",
        ]  # fmt: skip
        children = [
            self.supervisor.start(
                name="joor-sandbox", argv=[*self.manage, *joor], port=joor_port, stop_signal=signal.SIGINT
            ),
            self.supervisor.start(
                name="shopify-sandbox",
                argv=[*self.manage, *shopify],
                port=shopify_port,
                stop_signal=signal.SIGINT,
            ),
        ]
        for child in children:
            self.supervisor.wait_ready(child, timeout=SANDBOX_START_TIMEOUT)
        self.joor_url = f"http://{HOST}:{joor_port}"
        self.shopify_url = f"http://{HOST}:{shopify_port}"

    def start_worker(self) -> None:
        self.workers += 1
        self.worker_started_at = timezone.now()
        self.worker = self.supervisor.start(
            name=f"worker-{self.workers}", argv=[*self.manage, "qcluster"], port=None
        )

    def kill_worker(self) -> None:
        worker = self.worker
        if worker is None:
            return
        self._sample_memory(force=True)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
        worker.process.wait(timeout=30)
        self.worker = None

    def _sample_memory(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if self.worker is None or (not force and now - self._sampled_at < MEMORY_EVERY):
            return
        self._sampled_at = now
        self.peak_kb = max(self.peak_kb, _peak_rss_kb(self.worker.pid))

    def sleep(self, seconds: float) -> None:
        self._sample_memory()
        time.sleep(seconds)

    # ------------------------------------------------------------------ the services

    def _control(self, url: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        with httpx.Client(timeout=30) as client:
            response = client.post(url + path, json=body) if body is not None else client.get(url + path)
        if response.status_code != 200:
            raise ChaosBenchError(f"{url}{path} answered {response.status_code}: {response.text[:300]}")
        return dict(response.json())

    def faults(self, *, on: bool) -> None:
        self._control(self.joor_url, "/_sandbox/faults", {"faults": self.config.joor_faults if on else "off"})
        self._control(
            self.shopify_url, "/_sandbox/faults", {"faults": self.config.shopify_faults if on else "off"}
        )

    def _usage(self) -> dict[str, Any]:
        joor = self._control(self.joor_url, "/_sandbox/status")
        shopify = self._control(self.shopify_url, "/_sandbox/status")
        return {
            "joor_requests": int(joor["api_requests"]),
            "joor_credits": int(joor["credits_used"]),
            "joor_faults": dict(joor["faults"]),
            "shopify_requests": int(shopify["requests"]),
            "shopify_cost": int(shopify["cost"]),
            "shopify_faults": dict(shopify["faults"]),
        }

    def _read(self) -> chaos_check.Catalogs:
        joor = JoorClient(base_url=self.joor_url, token=JOOR_TOKEN, timeout=120.0)
        shopify = AdminClient(
            shop=SHOP, access_token=SHOPIFY_TOKEN, admin_base_url=self.shopify_url, timeout=120.0
        )
        try:
            return chaos_check.read_catalogs(joor=joor, shopify=shopify)
        finally:
            joor.close()
            shopify.close()

    def _connect(self) -> Shop:
        """The shop as an operator registers it (static token), connected to JOOR as the demo does,
        with the settings under which every Shopify-only product becomes a JOOR style."""
        shop = shop_connect(
            shop_domain=SHOP,
            access_token=SHOPIFY_TOKEN,
            admin_base_url=self.shopify_url,
            register_webhooks=False,
        )
        account = joor_account_connect(
            shop=shop, api_generation=ApiGeneration.V2, base_url=self.joor_url, token=JOOR_TOKEN
        )
        joor_account_update_settings(
            account=account,
            price_currency="USD",
            wholesale_factor=Decimal("0.5"),
            sync_shopify_drafts=True,
            sync_interval_minutes=0,
        )
        return shop

    # ------------------------------------------------------------------ jobs

    def _request_full(self, shop: Shop) -> SyncJob:
        """What the dashboard's "Sync now" does."""
        return sync_job_request(shop=shop, kind=SyncJob.Kind.FULL, trigger=SyncJob.Trigger.MANUAL)

    def _running_here(self, shop: Shop) -> SyncJob | None:
        """The job the current worker runs: running, and claimed (or beating) since it started."""
        return SyncJob.objects.filter(
            shop=shop, status=SyncJob.Status.RUNNING, heartbeat_at__gte=self.worker_started_at
        ).first()

    def _idle(self, shop: Shop) -> bool:
        return not SyncJob.objects.filter(shop=shop, status__in=ACTIVE).exists()

    def _await_claim(self, shop: Shop, deadline: float) -> SyncJob | None:
        """Wait until the current worker runs a job of the shop; an idle shop gets another full sync."""
        while time.monotonic() < deadline:
            job = self._running_here(shop)
            if job is not None:
                return job
            if self._idle(shop):
                self._request_full(shop)
            self.sleep(POLL)
        return None

    def _await_start(self, job_id: int, attempts: int, started: float) -> float | None:
        """Seconds from `started` until the job is claimed again (its attempts grow); None when it ends
        unclaimed or the bench's wait runs out."""
        deadline = started + self.config.sync_now_wait
        while time.monotonic() < deadline:
            row = SyncJob.objects.filter(pk=job_id).values("status", "attempts").first()
            if row is None:
                return None
            if row["attempts"] > attempts:
                return time.monotonic() - started
            if row["status"] in ENDED:
                return None
            self.sleep(POLL / 2)
        return None

    def await_idle(self, shop: Shop, what: str) -> None:
        deadline = time.monotonic() + self.config.phase_timeout
        while not self._idle(shop):
            if time.monotonic() > deadline:
                raise ChaosBenchError(
                    f"jobs still queued or running {self.config.phase_timeout:.0f} s {what}"
                )
            if self.worker is None or not self.worker.alive():
                raise ChaosBenchError(f"the worker exited {what}: see {self.workdir / 'logs'}")
            self.sleep(0.5)

    # ------------------------------------------------------------------ phases

    def _chaos(self, shop: Shop) -> None:
        cfg = self.config
        self._request_full(shop)
        self.start_worker()
        deadline = time.monotonic() + cfg.phase_timeout
        for number in range(1, cfg.kills + 1):
            if self._await_claim(shop, deadline) is None:
                raise ChaosBenchError(f"no job ran within the chaos phase's {cfg.phase_timeout:.0f} s")
            moment = time.monotonic() + self.rng.uniform(cfg.kill_min, cfg.kill_max)
            while time.monotonic() < moment:
                if self._idle(shop):
                    self._request_full(shop)  # the sync finished: the chaos goes on with another
                self.sleep(POLL)
            victim = self._running_here(shop)
            self.kill_worker()
            asked = time.monotonic()
            sync_now = self._request_full(shop)
            attempts = sync_now.attempts
            self.start_worker()
            seconds = self._await_start(sync_now.pk, attempts, asked)
            self.kills.append(
                Kill(
                    job_id=victim.pk if victim else None,
                    job_attempts=victim.attempts if victim else 0,
                    sync_now_job_id=sync_now.pk,
                    sync_now_seconds=seconds,
                )
            )
            _say(
                f"kill {number}/{cfg.kills}: job {victim.pk if victim else '-'} "
                f"(attempt {victim.attempts if victim else '-'}); Sync now #{sync_now.pk} started "
                + ("never" if seconds is None else f"after {seconds:.2f} s")
            )

    def _converge(self, shop: Shop) -> tuple[bool, list[dict[str, Any]]]:
        runs: list[dict[str, Any]] = []
        for _ in range(self.config.converge_runs):
            self.await_idle(shop, "before a convergence sync")
            job = self._request_full(shop)
            self.await_idle(shop, "during a convergence sync")
            job.refresh_from_db()
            counters = job.counters or {}
            writes = sum(
                int((counters.get(side) or {}).get(what, 0))
                for side in ("shopify", "joor")
                for what in ("created", "updated", "deleted")
            )
            run = {
                "job": job.pk,
                "status": job.status,
                "writes": writes,
                "errors": int(counters.get("errors", 0)),
                "seconds": float(counters.get("seconds", 0.0)),
            }
            runs.append(run)
            _say(f"convergence sync #{job.pk}: {job.status}, {writes} writes, {run['errors']} errors")
            if job.status == SyncJob.Status.SUCCEEDED and writes == 0 and run["errors"] == 0:
                return True, runs
        return False, runs

    def run(self) -> dict[str, Any]:
        cfg = self.config
        started = time.monotonic()
        try:
            _say(f"starting the sandboxes ({cfg.styles} JOOR styles, {cfg.shopify_only} Shopify products)")
            self._start_sandboxes()
            shop = self._connect()
            before = self._read()
            usage_before = self._usage()
            self.faults(on=True)
            _say(f"faults on; full sync queued; {cfg.kills} kills to come")
            chaos_started = time.monotonic()
            self._chaos(shop)
            self.await_idle(shop, "after the kills")
            chaos_seconds = time.monotonic() - chaos_started
            self.faults(on=False)
            _say("faults off; converging")
            converge_started = time.monotonic()
            converged, runs = self._converge(shop)
            converge_seconds = time.monotonic() - converge_started
            self._sample_memory(force=True)
            usage_after = self._usage()
            after = self._read()
            currency = "USD"
            verdict = chaos_check.judge(before=before, after=after, currency=currency)
            orders = None
            if cfg.orders:
                from joorsync.orders.chaos_orders import orders_chaos

                _say(f"orders: {cfg.orders} to place, {cfg.order_kills} kills during their import")
                orders = orders_chaos(self, shop)
        finally:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the stopping short
            self.supervisor.stop_all()
        return self._report(
            shop=shop,
            wall=time.monotonic() - started,
            chaos_seconds=chaos_seconds,
            converge_seconds=converge_seconds,
            converged=converged,
            runs=runs,
            usage=(usage_before, usage_after),
            verdict=verdict,
            orders=orders,
        )

    def _report(
        self,
        *,
        shop: Shop,
        wall: float,
        chaos_seconds: float,
        converge_seconds: float,
        converged: bool,
        runs: list[dict[str, Any]],
        usage: tuple[dict[str, Any], dict[str, Any]],
        verdict: chaos_check.Verdict,
        orders: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        cfg = self.config
        before, after = usage
        attempts: dict[int, int] = dict(SyncJob.objects.filter(shop=shop).values_list("pk", "attempts"))
        recoveries = list(SyncEvent.objects.filter(shop=shop, action="job_recovered"))
        # A killed full sync is resumed by its own job, or continued by the Sync now asked meanwhile.
        continued_by: dict[int, int] = {
            e.job_id: int((e.details or {})["continued_by"])
            for e in recoveries
            if e.job_id is not None and (e.details or {}).get("continued_by")
        }

        def resumed(kill: Kill) -> bool:
            if kill.job_id is None:
                return False
            successor = continued_by.get(kill.job_id)
            return attempts.get(kill.job_id, 0) > kill.job_attempts or (
                successor is not None and attempts.get(successor, 0) > 0
            )

        victims = [k for k in self.kills if k.job_id is not None]
        resumes = sum(1 for k in victims if resumed(k))
        times = [k.sync_now_seconds for k in self.kills]
        measured = [t for t in times if t is not None]
        sync_now_ok = all(t is not None and t <= cfg.sync_now_target for t in times)
        checks = {
            "converges": converged,
            "0 lost": not verdict.lost,
            "0 duplicated": not verdict.duplicated,
            "nothing blanked": not verdict.blanked,
            f"Sync now <= {cfg.sync_now_target:.0f} s": sync_now_ok,
        }
        if orders is not None:
            checks["orders: 0 lost"] = orders["lost"] == 0
            checks["orders: 0 duplicated"] = orders["duplicated"] == 0
        return {
            "styles": cfg.styles,
            "shopify_only": cfg.shopify_only,
            "seed": cfg.seed,
            "wall_seconds": round(wall, 1),
            "chaos_seconds": round(chaos_seconds, 1),
            "converge_seconds": round(converge_seconds, 1),
            "kills": {"asked": cfg.kills, "done": len(self.kills), "with_job": len(victims)},
            "resumes": resumes,
            "recovered": len(recoveries),
            "continued": len(continued_by),
            "gave_up": SyncEvent.objects.filter(shop=shop, action="job_gave_up").count(),
            "sync_now": {
                "seconds": [None if t is None else round(t, 2) for t in times],
                "max": None if not times or len(measured) < len(times) else round(max(measured), 2),
                "median": round(statistics.median(measured), 2) if measured else None,
            },
            "joor": {
                "requests": after["joor_requests"] - before["joor_requests"],
                "credits": after["joor_credits"] - before["joor_credits"],
                "faults": after["joor_faults"],
                "faults_config": cfg.joor_faults,
            },
            "shopify": {
                "requests": after["shopify_requests"] - before["shopify_requests"],
                "cost": after["shopify_cost"] - before["shopify_cost"],
                "faults": after["shopify_faults"],
                "faults_config": cfg.shopify_faults,
            },
            "worker_peak_rss_mb": round(self.peak_kb / 1024, 1),
            "worker_starts": self.workers,
            "converged": converged,
            "convergence_runs": runs,
            **verdict.as_dict(),
            **({"orders": orders} if orders is not None else {}),
            "checks": checks,
            "result": "PASS" if all(checks.values()) else "FAIL",
        }


def main() -> None:
    """The driver's entry point (see `chaos.DRIVER`): run, then write the report as JSON."""
    workdir = Path(os.environ[WORKDIR_ENV])
    config = ChaosConfig.from_json(os.environ[CONFIG_ENV])
    try:
        report = ChaosRun(config, workdir).run()
    except ChaosBenchError as exc:
        report = {"error": str(exc)}
    (workdir / REPORT_FILE).write_text(json.dumps(report))
