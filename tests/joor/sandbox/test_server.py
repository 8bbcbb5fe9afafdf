"""The sandbox over a real loopback socket, and the `joor_sandbox` command as a process."""

from __future__ import annotations

import re
import select
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from joorsync.joor.sandbox.defaults import DEFAULT_ACCOUNT_ID, DEFAULT_TOKEN
from joorsync.joor.sandbox.faults import FaultConfig
from joorsync.joor.sandbox.server import serve_in_thread

REPO_ROOT = Path(__file__).resolve().parents[3]
HEADERS = {"Authorization": f"OAuth2 {DEFAULT_TOKEN}", "Accept": "application/json"}


def test_serve_in_thread_answers_over_a_socket(sandbox) -> None:
    with serve_in_thread(sandbox) as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        resp = httpx.get(f"{base_url}/v2/style", params={"count": 2}, headers=HEADERS, timeout=5)
        assert resp.status_code == 200
        assert resp.json()["response"]["next_start"] == 2
        assert resp.headers["X-Throttling-Account-Id"] == DEFAULT_ACCOUNT_ID
        unicode_path = httpx.get(f"{base_url}/v2/style-number/Écru/x", headers=HEADERS, timeout=5)
        assert unicode_path.status_code == 404
        assert "Écru" in unicode_path.json()["response"]["comment"]


def test_dropped_connection_closes_without_answer(make_sandbox) -> None:
    sb = make_sandbox(faults=FaultConfig(drop=1.0))
    with serve_in_thread(sb) as base_url:
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.get(f"{base_url}/v2/style/1252163", headers=HEADERS, timeout=5)
        # the server survives and keeps serving
        assert httpx.get(f"{base_url}/_sandbox/status", timeout=5).status_code == 200


def test_truncated_body_over_socket_is_well_framed(make_sandbox) -> None:
    sb = make_sandbox(faults=FaultConfig(truncate=1.0))
    with serve_in_thread(sb) as base_url:
        resp = httpx.get(f"{base_url}/v2/style/1252163", headers=HEADERS, timeout=5)
        assert resp.status_code == 200
        assert int(resp.headers["content-length"]) == len(resp.content)


@pytest.mark.slow
def test_command_serves_until_interrupted() -> None:
    proc = subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
        [
            sys.executable,
            "manage.py",
            "joor_sandbox",
            "--port",
            "0",
            "--styles",
            "5",
            "--rate-limit",
            "scale=2",
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        assert ready, "the command printed nothing within 30 s"
        first_line = proc.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+)", first_line)
        assert match, first_line + (proc.stderr.read() if proc.poll() is not None and proc.stderr else "")
        base_url = match.group(1)
        resp = httpx.get(f"{base_url}/v2/style", headers=HEADERS, timeout=10)
        assert resp.status_code == 200
        assert len(resp.json()["styles"]["style"]) == 5
    finally:
        proc.send_signal(signal.SIGINT)  # Ctrl-C
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        # Read through the same buffered reader as the first line: communicate() would read the
        # raw pipe and miss lines that readline() already pulled into the buffer.
        out = proc.stdout.read() if proc.stdout else ""
    assert proc.returncode == 0
    assert "Stopping." in out
    assert DEFAULT_TOKEN in first_line + out


def test_concurrent_clients_over_a_socket(make_sandbox) -> None:
    import threading

    sb = make_sandbox(rate_limit="real")
    errors: list[str] = []

    def worker(n: int) -> None:
        with httpx.Client(headers=HEADERS, timeout=10) as client:
            for i in range(5):
                item = {"warehouse": "W", "upc": "5414855153715", "inventory": n * 10 + i}
                r1 = client.post(
                    f"{base_url}/v2/bulk-inventory", json={"inventory_items": {"inventory_item": [item]}}
                )
                r2 = client.get(f"{base_url}/v2/style", params={"count": 3})
                if r1.status_code != 200 or r2.status_code != 200:
                    errors.append(f"{r1.status_code} {r2.status_code}")

    with serve_in_thread(sb) as base_url:
        threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
    assert errors == []
    assert sb.credits_used == 6 * 5 * (5 + 1)
    assert len(sb.request_log) == 60
