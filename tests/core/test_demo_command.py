"""`python manage.py demo` end to end, as `make run` starts it: a fresh SQLite file, the four children,
the OAuth install, the first sync and the conflicts, the printed URLs, then SIGINT stops everything."""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from joorsync.core.demo.processes import port_open

REPO = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 120.0


def free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


class Output:
    """Collects the demo's stdout on a thread, so the test can wait for a line without blocking."""

    def __init__(self, stream) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float, process: subprocess.Popen) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if match := re.search(pattern, line):
                    return match
            if process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"no line matching {pattern!r}; output:\n" + "\n".join(self.lines))

    def text(self) -> str:
        self._thread.join(timeout=5)
        return "\n".join(self.lines)


def pid_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
def test_make_run_demo_end_to_end(tmp_path):
    web, joor, shopify = free_ports(3)
    database = tmp_path / "demo.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "PYTHONUNBUFFERED": "1"}
    for name in ("JOORSYNC_SANDBOX_MODE", "SHOPIFY_ADMIN_BASE_URL", "SHOPIFY_APP_URL", "REDIS_URL"):
        env.pop(name, None)
    argv = [sys.executable, "manage.py", "demo", "--port", str(web), "--joor-port", str(joor)]
    argv += ["--shopify-port", str(shopify), "--styles", "30", "--log-dir", str(tmp_path / "logs")]
    process = subprocess.Popen(  # noqa: S603 - our own command
        argv, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    output = Output(process.stdout)
    try:
        opened = output.wait_for(r"^Open: (\S+)$", READY_TIMEOUT, process)
        url = opened.group(1)
        assert url == f"http://127.0.0.1:{web}/sandbox/login?shop=demo.myshopify.com"
        login = output.wait_for(r"user (\S+)\s+password (\S+)", 5, process)
        pids = {
            m.group(1): int(m.group(2))
            for line in output.lines
            if (m := re.match(r"started (\S+) \(pid (\d+)\)", line))
        }
        assert set(pids) == {"joor-sandbox", "shopify-sandbox", "web", "worker"}

        with httpx.Client(timeout=10) as client:
            assert client.get(f"http://127.0.0.1:{web}/healthz").json() == {"ok": True}
            # The merchant UI's sign-in (302 to the dashboard); 404 only where that page is not built.
            assert client.get(url).status_code in (200, 302, 404)
            admin = client.get(f"http://127.0.0.1:{web}/admin/login/")
            token = admin.cookies["csrftoken"]
            signed_in = client.post(
                f"http://127.0.0.1:{web}/admin/login/?next=/admin/",
                data={"username": login.group(1), "password": login.group(2), "csrfmiddlewaretoken": token},
                headers={"Referer": f"http://127.0.0.1:{web}/admin/login/"},
            )
            assert signed_in.status_code == 302 and signed_in.headers["location"] == "/admin/"

        with sqlite3.connect(database) as db:
            [(token_set, uninstalled)] = db.execute(
                "select access_token != '', uninstalled_at from shopify_app_shop where shop_domain = ?",
                ("demo.myshopify.com",),
            ).fetchall()
            assert token_set and uninstalled is None
            assert (
                db.execute("select count(*) from sync_productlink where status = 'linked'").fetchone()[0]
                == 30
            )
            titles = db.execute("select field_path from sync_conflict where status = 'open'").fetchall()
            assert titles == [("title",), ("title",)]
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        try:
            code = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    text = output.text()
    assert code == 0, text
    assert "stopping…" in text
    for pid in pids.values():
        assert not pid_running(pid), text
    for port in (web, joor, shopify):
        assert not port_open("127.0.0.1", port), port
