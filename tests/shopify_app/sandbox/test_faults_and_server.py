"""Fault injection, the loopback server and the `shopify_sandbox` management command."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from shopify_app.sandbox.faults import ConnectionDropped, FaultConfig
from shopify_app.sandbox.server import serve_in_thread

from .conftest import TOKEN, Gql, http

REPO = Path(__file__).resolve().parents[3]
QUERY = {"query": "{ shop { name } }"}
HEADERS = {"X-Shopify-Access-Token": TOKEN}


def test_fault_spec_parsing() -> None:
    config = FaultConfig.parse("5xx=0.1,429=0.05,timeout=0.02,truncate=0.01,drop=0.01")
    assert config.rates == {"5xx": 0.1, "429": 0.05, "timeout": 0.02, "truncate": 0.01, "drop": 0.01}
    assert FaultConfig.parse("").enabled is False
    with pytest.raises(ValueError, match="unknown fault"):
        FaultConfig.parse("boom=0.1")
    with pytest.raises(ValueError, match="within 0..1"):
        FaultConfig.parse("5xx=2")


def test_fault_draws_are_seeded_and_roughly_proportional() -> None:
    config = FaultConfig.parse("5xx=0.2,429=0.1", seed=3)
    sequence = [config.draw() for _ in range(2000)]
    again = FaultConfig.parse("5xx=0.2,429=0.1", seed=3)
    assert [again.draw() for _ in range(2000)] == sequence
    assert [FaultConfig.parse("5xx=0.2,429=0.1", seed=4).draw() for _ in range(2000)] != sequence
    assert 300 < sequence.count("5xx") < 500 and 130 < sequence.count("429") < 270


def test_5xx_and_429_answers(make_sandbox) -> None:  # noqa: ANN001
    server_error = http(make_sandbox(faults=FaultConfig.parse("5xx=1"))).post(
        "/admin/api/2026-07/graphql.json", json=QUERY, headers=HEADERS
    )
    assert server_error.status_code == 503
    limited = http(make_sandbox(faults=FaultConfig.parse("429=1"))).post(
        "/admin/api/2026-07/graphql.json", json=QUERY, headers=HEADERS
    )
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "2"


def test_faults_leave_oauth_alone(make_sandbox) -> None:  # noqa: ANN001
    sandbox = make_sandbox(faults=FaultConfig.parse("5xx=1"))
    response = http(sandbox).get(
        "/admin/oauth/authorize",
        params={"client_id": "sandbox-api-key", "redirect_uri": "https://app/cb", "state": "s"},
    )
    assert response.status_code == 302


def test_faults_switch_while_serving_and_status_counts(make_sandbox) -> None:  # noqa: ANN001
    sandbox = make_sandbox()
    client = http(sandbox)
    assert client.post("/admin/api/2026-07/graphql.json", json=QUERY, headers=HEADERS).status_code == 200
    switched = client.post("/_sandbox/faults", json={"faults": "5xx=1"})
    assert switched.status_code == 200 and switched.json()["faults"] == {"5xx": 1.0}
    assert client.post("/admin/api/2026-07/graphql.json", json=QUERY, headers=HEADERS).status_code == 503
    assert client.post("/_sandbox/faults", json={"faults": "off"}).json()["faults"] == {}
    assert client.post("/admin/api/2026-07/graphql.json", json=QUERY, headers=HEADERS).status_code == 200
    status = client.get("/_sandbox/status").json()
    assert status["requests"] == 3 and status["faults"]["5xx"] == 1
    assert status["cost"] == 2  # the two answered shop queries, 1 point each
    for bad in ({"faults": "boom=1"}, {"faults": 1}, ["5xx=1"]):
        assert client.post("/_sandbox/faults", json=bad).status_code == 400
    assert sandbox.config.faults.enabled is False


def test_drop_raises_connection_dropped_in_process(make_sandbox) -> None:  # noqa: ANN001
    sandbox = make_sandbox(faults=FaultConfig.parse("drop=1"))
    with pytest.raises(ConnectionDropped):
        http(sandbox).post("/admin/api/2026-07/graphql.json", json=QUERY, headers=HEADERS)


def test_over_loopback_drop_truncate_and_timeout(make_sandbox) -> None:  # noqa: ANN001
    with serve_in_thread(make_sandbox(faults=FaultConfig.parse("drop=1"))) as base_url:
        with pytest.raises(httpx.TransportError):
            httpx.post(f"{base_url}/admin/api/2026-07/graphql.json", json=QUERY, headers=HEADERS, timeout=2)
    with serve_in_thread(make_sandbox(faults=FaultConfig.parse("truncate=1"))) as base_url:
        with pytest.raises(httpx.TransportError):
            httpx.post(f"{base_url}/admin/api/2026-07/graphql.json", json=QUERY, headers=HEADERS, timeout=2)
    slow = FaultConfig(rates={"timeout": 1.0}, timeout_seconds=0.5)
    with serve_in_thread(make_sandbox(faults=slow)) as base_url:
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(f"{base_url}/admin/api/2026-07/graphql.json", json=QUERY, headers=HEADERS, timeout=0.1)


def test_serve_in_thread_speaks_real_http(make_sandbox) -> None:  # noqa: ANN001
    sandbox = make_sandbox()
    with serve_in_thread(sandbox) as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        response = httpx.post(
            f"{base_url}/admin/api/2026-07/graphql.json", json=QUERY, headers=HEADERS, timeout=5
        )
        assert response.status_code == 200 and response.json()["data"]["shop"]["name"] == "Demo Fashion"
        redirect = httpx.get(
            f"{base_url}/admin/oauth/authorize",
            params={"client_id": "sandbox-api-key", "redirect_uri": "http://127.0.0.1/cb", "state": "s"},
            timeout=5,
        )
        assert redirect.status_code == 302 and "code=" in redirect.headers["location"]
    assert Gql(sandbox).data("{ shop { name } }")["shop"]["name"] == "Demo Fashion"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_management_command_serves_until_stopped() -> None:
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "joorsync.settings", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(  # noqa: S603 - fixed argv
        [
            sys.executable,
            "manage.py",
            "shopify_sandbox",
            "--port",
            str(port),
            "--products",
            "2",
            "--token",
            "shpat_cli",
            "--webhooks",
            "off",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        assert "Shopify sandbox serving demo.myshopify.com" in line, line
        deadline = time.monotonic() + 15
        response = None
        while time.monotonic() < deadline:
            try:
                response = httpx.post(
                    f"http://127.0.0.1:{port}/admin/api/2026-07/graphql.json",
                    json={"query": "{ products(first: 5) { nodes { title } } }"},
                    headers={"X-Shopify-Access-Token": "shpat_cli"},
                    timeout=5,
                )
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert response is not None and response.status_code == 200
        assert len(response.json()["data"]["products"]["nodes"]) == 2
        unauthorized = httpx.post(
            f"http://127.0.0.1:{port}/admin/api/2026-07/graphql.json",
            json=QUERY,
            headers={"X-Shopify-Access-Token": "shpat_nope"},
            timeout=5,
        )
        assert unauthorized.status_code == 401
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_concurrent_writes_and_reads_over_loopback(make_sandbox) -> None:  # noqa: ANN001
    from concurrent.futures import ThreadPoolExecutor

    sandbox = make_sandbox(products=0, rate_limit="off")
    mutation = (
        "mutation($input: ProductSetInput!) { productSet(input: $input) { product { id handle } "
        "userErrors { message } } }"
    )

    with serve_in_thread(sandbox) as base_url:

        def worker(n: int) -> list[int]:
            statuses = []
            with httpx.Client(base_url=base_url, headers=HEADERS, timeout=10) as client:
                for _ in range(8):
                    body = {"query": mutation, "variables": {"input": {"title": "Same title"}}}
                    statuses.append(client.post("/admin/api/2026-07/graphql.json", json=body).status_code)
                    read = {"query": "{ products(first: 250) { nodes { handle } } }"}
                    statuses.append(client.post("/admin/api/2026-07/graphql.json", json=read).status_code)
            return statuses

        with ThreadPoolExecutor(max_workers=4) as pool:
            results = [status for statuses in pool.map(worker, range(4)) for status in statuses]
    assert set(results) == {200}
    handles = [p.handle for p in sandbox.shop().products.values()]
    assert len(handles) == 32 == len(set(handles))
