"""Recovery under chaos: what `manage.py chaos_bench` measures, and the isolation it runs in.

The bench runs everything as deployed, on loopback, in a fresh temporary SQLite database with the ORM
broker: the JOOR and Shopify sandboxes (`joor_sandbox`, `shopify_sandbox`) and one django-q worker
(`qcluster`) as real processes. A shop is connected to both, as the demo does, with the settings that
make every Shopify-only product a JOOR style (a wholesale factor, drafts sent too). With faults
injected on both sides, a full sync runs while the worker is killed with SIGKILL at random moments
(seeded) and started again; right after each kill a person asks for "Sync now" (the service behind
the dashboard's button), and the bench times how long that job takes to start. Then, faults off,
full syncs run until one writes nothing, and both catalogs are read through the services' APIs and
judged (`chaos_check`).

The driver (`chaos_run`) runs in a child Python process whose environment names the bench's
database and task queue, so nothing of the configured database, broker or cluster is touched.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

DEFAULT_FAULTS = "5xx=0.1,429=0.05,timeout=0.02,truncate=0.01"
SYNC_NOW_TARGET_SECONDS = 10.0
CONFIG_ENV = "JOORSYNC_CHAOS_CONFIG"
WORKDIR_ENV = "JOORSYNC_CHAOS_WORKDIR"
REPORT_FILE = "report.json"
# The driver: Django set up from the bench's environment, then `chaos_run.main()`.
DRIVER = "import django; django.setup(); from joorsync.sync.chaos_run import main; main()"


@dataclass(frozen=True)
class ChaosConfig:
    styles: int = 2000
    shopify_only: int = 300
    kills: int = 10
    seed: int = 1
    skus_per_style: int | None = None
    joor_faults: str = DEFAULT_FAULTS
    shopify_faults: str = DEFAULT_FAULTS
    # Seconds a job runs under a (re)started worker before the next kill, drawn uniformly.
    kill_min: float = 2.0
    kill_max: float = 40.0
    # How long a person's "Sync now" may take to start, and how long the bench waits for it at most.
    sync_now_target: float = SYNC_NOW_TARGET_SECONDS
    sync_now_wait: float = 120.0
    # Full syncs after the chaos (faults off) until one writes nothing.
    converge_runs: int = 5
    # Bounds of each phase: the chaos, waiting for queued jobs, one convergence sync.
    phase_timeout: float = 3 * 3600.0
    # JOOR's timeout fault stalls this long; the worker's JOOR client gives up after `joor_timeout`.
    joor_slow_seconds: float = 12.0
    joor_timeout: float = 10.0
    keep_workdir: bool = False
    # Wholesale orders placed after the catalog converged, and SIGKILLs during their import.
    orders: int = 0
    order_kills: int = 0

    def __post_init__(self) -> None:
        if self.orders < 0 or self.order_kills < 0 or (self.order_kills and not self.orders):
            raise ValueError("orders and order_kills must not be negative, and order kills need orders")
        if self.styles < 1 or self.shopify_only < 0 or self.kills < 0:
            raise ValueError("styles must be positive, shopify_only and kills not negative")
        if not 0 < self.kill_min <= self.kill_max:
            raise ValueError("kill_min must be positive and at most kill_max")
        if self.converge_runs < 1 or self.sync_now_wait <= 0 or self.phase_timeout <= 0:
            raise ValueError("converge_runs, sync_now_wait and phase_timeout must be positive")

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> ChaosConfig:
        return cls(**json.loads(text))

    @property
    def total_timeout(self) -> float:
        """A bound on the whole bench: every phase at most, plus setup and reading."""
        return self.phase_timeout * (3 + self.converge_runs) + 1800.0


class ChaosBenchError(Exception):
    """The bench could not run (a process failed to start, a phase timed out); the message says where."""


def bench_environment(*, workdir: Path, base: dict[str, str], config: ChaosConfig) -> dict[str, str]:
    """The children's environment: the bench's own SQLite file and task queue (ORM broker, one
    worker), a JOOR timeout shorter than the timeout fault's stall, and no client-side JOOR credit
    wait (the sandbox runs without a rate limit and counts the credits)."""
    env = {key: value for key, value in base.items() if key not in ("REDIS_URL", "DATABASE_URL")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "joorsync.settings",
            "DATABASE_URL": f"sqlite:///{workdir / 'chaos.sqlite3'}",
            "Q_CLUSTER_NAME": f"chaos-bench-{secrets.token_hex(4)}",
            "Q_WORKERS": "1",
            "Q_POLL": "0.2",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            "JOOR_HTTP_TIMEOUT": str(config.joor_timeout),
            "JOOR_CREDITS_PER_WINDOW": "1000000000",
            "SYNC_SPOOL_DIR": str(workdir / "spool"),
            CONFIG_ENV: config.to_json(),
            WORKDIR_ENV: str(workdir),
        }
    )
    return env


def chaos_bench(config: ChaosConfig) -> dict[str, Any]:
    """Run the bench in its own database and processes; returns the report (see `report_lines`)."""
    workdir = Path(tempfile.mkdtemp(prefix="chaos-bench-"))
    (workdir / "spool").mkdir()
    env = bench_environment(workdir=workdir, base=dict(os.environ), config=config)
    repo = Path(settings.BASE_DIR)
    keep = True  # until a report says how it went: the logs are what explains a failure
    try:
        migrate = subprocess.run(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
            [sys.executable, str(repo / "manage.py"), "migrate", "--noinput", "-v0"],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if migrate.returncode != 0:
            raise ChaosBenchError(f"migrate failed: {(migrate.stdout + migrate.stderr)[-800:]}")
        driver = subprocess.Popen([sys.executable, "-c", DRIVER], cwd=repo, env=env)  # noqa: S603 - our own module
        try:
            code = driver.wait(timeout=config.total_timeout)
        except subprocess.TimeoutExpired as exc:
            _interrupt(driver)
            raise ChaosBenchError(f"the bench did not end within {config.total_timeout:.0f} s") from exc
        except KeyboardInterrupt:
            _interrupt(driver)
            raise
        report_path = workdir / REPORT_FILE
        if not report_path.exists():
            raise ChaosBenchError(f"the bench ended ({code}) without a report; logs in {workdir}")
        report: dict[str, Any] = json.loads(report_path.read_text())
        keep = config.keep_workdir or "error" in report
        if keep:
            report["workdir"] = str(workdir)
        return report
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)


def _interrupt(driver: subprocess.Popen[bytes]) -> None:
    """Stop the driver as Ctrl-C does (it then stops the sandboxes and the worker it started)."""
    if driver.poll() is None:
        driver.send_signal(signal.SIGINT)
    try:
        driver.wait(timeout=60)
    except subprocess.TimeoutExpired:
        driver.kill()
        driver.wait(timeout=10)


def _seconds(value: float | None) -> str:
    return "never" if value is None else f"{value:.2f} s"


def report_lines(report: dict[str, Any]) -> list[str]:
    """The report for a person, one figure per line."""
    if report.get("error"):
        return [f"chaos bench FAILED to run: {report['error']}"]
    sync_now = report["sync_now"]
    lines = [
        f"catalog: {report['styles']} JOOR styles, {report['shopify_only']} Shopify-only products (seed {report['seed']})",
        f"faults: JOOR {report['joor']['faults_config']}; Shopify {report['shopify']['faults_config']}",
        f"wall time: {report['wall_seconds']:.1f} s (chaos {report['chaos_seconds']:.1f} s, "
        f"convergence {report['converge_seconds']:.1f} s)",
        f"kills: {report['kills']['done']} of {report['kills']['asked']} (SIGKILL to the worker's process group)",
        f"resumes: {report['resumes']} of {report['kills']['with_job']} killed jobs went on from their checkpoint "
        f"({report['recovered']} recoveries, {report['continued']} of them continued by the Sync now job, "
        f"{report['gave_up']} jobs gave up)",
        "Sync now, time to start after each kill: "
        + (", ".join(_seconds(s) for s in sync_now["seconds"]) or "none asked")
        + f" (max {_seconds(sync_now['max'])}, median {_seconds(sync_now['median'])})",
        f"JOOR: {report['joor']['requests']} requests, {report['joor']['credits']} credits, faults {report['joor']['faults']}",
        f"Shopify: {report['shopify']['requests']} requests, {report['shopify']['cost']} cost points, "
        f"faults {report['shopify']['faults']}",
        f"worker peak memory: {report['worker_peak_rss_mb']} MB",
        "convergence: "
        + ("converged" if report["converged"] else "did NOT converge")
        + f" after {len(report['convergence_runs'])} full syncs, writes per run {[r['writes'] for r in report['convergence_runs']]}",
        f"lost: {report['lost']}   duplicated: {report['duplicated']}   blanked: {report['blanked']}",
    ]
    for kind, examples in report.get("examples", {}).items():
        lines += [f"  {kind}: {line}" for line in examples]
    checks = report["checks"]
    orders = report.get("orders")
    if orders:
        lines.append(
            f"orders: {orders['placed']} placed, {orders['kills']['with_job']} of {orders['kills']['asked']} kills "
            f"during an order run; {orders['in_shopify']} in Shopify, {orders['held']} held, "
            f"lost {orders['lost']}, duplicated {orders['duplicated']}"
        )
    lines.append("checks: " + ", ".join(f"{name} {'PASS' if ok else 'FAIL'}" for name, ok in checks.items()))
    lines.append(f"RESULT: {report['result']}")
    return lines
