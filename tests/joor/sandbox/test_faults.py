"""Fault injection: each kind, determinism by seed, and the CLI form."""

from __future__ import annotations

import json

import pytest

from joorsync.joor.sandbox.faults import ConnectionDropped, FaultConfig, FaultInjector

from .conftest import client_for


def test_parse_cli_form() -> None:
    cfg = FaultConfig.parse("5xx=0.1,429=0.05,timeout=0.02,truncate=0.01,drop=0.01")
    assert (cfg.error_5xx, cfg.rate_429, cfg.timeout, cfg.truncate, cfg.drop) == (0.1, 0.05, 0.02, 0.01, 0.01)
    assert FaultConfig.parse("") == FaultConfig()
    assert FaultConfig.parse("off").enabled is False
    assert FaultConfig.parse("timeout=0.5,slow_seconds=40").slow_seconds == 40


@pytest.mark.parametrize("text", ["boom=0.1", "5xx", "5xx=x", "5xx=1.5", "5xx=0.6,429=0.6"])
def test_parse_rejects(text) -> None:
    with pytest.raises(ValueError):
        FaultConfig.parse(text)


def test_draws_are_deterministic_by_seed() -> None:
    cfg = FaultConfig(error_5xx=0.2, rate_429=0.2, drop=0.1)
    first = [FaultInjector(cfg, seed=7).draw() for _ in range(1)]
    a, b, c = FaultInjector(cfg, seed=7), FaultInjector(cfg, seed=7), FaultInjector(cfg, seed=8)
    seq_a = [a.draw() for _ in range(200)]
    assert seq_a == [b.draw() for _ in range(200)]
    assert seq_a != [c.draw() for _ in range(200)]
    assert first[0] == seq_a[0]
    assert 20 < seq_a.count("5xx") < 60 and seq_a.count(None) > 60


def test_5xx_fault(make_sandbox) -> None:
    sb = make_sandbox(faults=FaultConfig(error_5xx=1.0), rate_limit="real")
    statuses = {client_for(sb).get("/v2/style/1252163").status_code for _ in range(20)}
    assert statuses == {500, 503}
    assert sb.credits_used == 0


def test_429_fault_costs_nothing(make_sandbox) -> None:
    sb = make_sandbox(faults=FaultConfig(rate_429=1.0), rate_limit="real")
    resp = client_for(sb).get("/v2/style/1252163")
    assert resp.status_code == 429
    assert resp.headers["Retry-After"] == "1"
    assert "X-Throttling-Account-Id" in resp.headers
    assert sb.credits_used == 0


def test_timeout_fault_sleeps_through_injected_sleep(make_sandbox, clock) -> None:
    sb = make_sandbox(faults=FaultConfig(timeout=1.0, slow_seconds=42.0))
    resp = client_for(sb).get("/v2/style/1252163")
    assert resp.status_code == 200
    assert clock.sleeps == [42.0]


def test_timeout_sleep_is_capped(make_sandbox, clock) -> None:
    sb = make_sandbox(faults=FaultConfig(timeout=1.0, slow_seconds=1000.0, max_sleep=60.0))
    client_for(sb).get("/v2/style/1252163")
    assert clock.sleeps == [60.0]


def test_truncate_fault_returns_half_a_body(make_sandbox) -> None:
    clean = client_for(make_sandbox()).get("/v2/style/1252163")
    sb = make_sandbox(faults=FaultConfig(truncate=1.0))
    cut = client_for(sb).get("/v2/style/1252163")
    assert cut.status_code == 200
    assert len(cut.content) == len(clean.content) // 2
    assert cut.content[:30] == clean.content[:30]
    with pytest.raises(json.JSONDecodeError):
        json.loads(cut.content)


def test_drop_fault_raises_through_wsgi_transport(make_sandbox) -> None:
    sb = make_sandbox(faults=FaultConfig(drop=1.0))
    with pytest.raises(ConnectionDropped):
        client_for(sb).get("/v2/style/1252163")


def test_control_routes_are_never_faulted(make_sandbox) -> None:
    sb = make_sandbox(faults=FaultConfig(drop=1.0))
    resp = client_for(sb).get("/_sandbox/status")
    assert resp.status_code == 200
    assert resp.json()["styles"] == 12


def test_mixed_rates_follow_the_seed(make_sandbox) -> None:
    faults = FaultConfig(error_5xx=0.3, truncate=0.2)
    runs = []
    for _ in range(2):
        sb = make_sandbox(faults=faults, fault_seed=5)
        client = client_for(sb)
        runs.append(
            [(r.status_code, len(r.content)) for r in (client.get("/v2/style/1252163") for _ in range(30))]
        )
    assert runs[0] == runs[1]
    assert {s for s, _ in runs[0]} >= {200} and any(s >= 500 for s, _ in runs[0])


def test_an_unexpected_error_is_a_logged_500(sandbox, monkeypatch, caplog) -> None:
    from joorsync.joor.sandbox import v2

    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(v2, "int_param", broken)
    resp = client_for(sandbox).get("/v2/style")
    assert resp.status_code == 500
    assert resp.json()["response"]["code"] == "500"
    assert "sandbox error on GET /v2/style" in caplog.text


def test_faults_switch_while_serving(make_sandbox) -> None:
    sb = make_sandbox()
    client = client_for(sb)
    assert client.get("/v2/style/1252163").status_code == 200
    on = client.post("/_sandbox/faults", json={"faults": "5xx=1"})
    assert on.status_code == 200 and on.json()["faults"]["error_5xx"] == 1.0
    assert client.get("/v2/style/1252163").status_code in (500, 503)
    off = client.post("/_sandbox/faults", json={"faults": "off"})
    assert off.json()["injected"]["5xx"] == 1
    assert client.get("/v2/style/1252163").status_code == 200
    assert client.get("/_sandbox/status").json()["faults"]["5xx"] == 1


@pytest.mark.parametrize("body", [{"faults": "boom=1"}, {"faults": 0.1}, ["5xx=1"]])
def test_fault_switch_rejects_bad_bodies(make_sandbox, body) -> None:
    sb = make_sandbox()
    resp = client_for(sb).post("/_sandbox/faults", json=body)
    assert resp.status_code == 400
    assert sb.faults.config.enabled is False
