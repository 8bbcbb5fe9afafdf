"""`joor_styles` and `joor_bench`, run in-process with call_command against a sandbox on a real socket."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from joorsync.joor.management.commands.joor_bench import run_end_to_end
from joorsync.joor.sandbox.app import JoorSandbox, SandboxConfig
from joorsync.joor.sandbox.defaults import DEFAULT_TOKEN, SEED_STYLE_ID
from joorsync.joor.sandbox.faults import FaultConfig
from joorsync.joor.sandbox.server import serve_in_thread
from tests.clocks import FakeClock

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sandbox_url():
    clock = FakeClock()
    app = JoorSandbox(SandboxConfig(styles=25, seed=3, rate_limit="off", clock=clock, sleep=clock.sleep))
    with serve_in_thread(app) as base_url:
        yield base_url, app


def run(*args: str, token: str | None = DEFAULT_TOKEN) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    env = {"JOOR_TOKEN": token} if token is not None else {}
    with mock.patch.dict(os.environ, env):
        if token is None:
            os.environ.pop("JOOR_TOKEN", None)
        call_command("joor_styles", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_xml_and_json_print_identical_lines(sandbox_url):
    base_url, app = sandbox_url
    json_out, json_err = run("--base-url", base_url, "--format", "json", "--page-size", "7")
    xml_out, xml_err = run("--base-url", base_url, "--format", "xml", "--page-size", "7")
    lines = json_out.splitlines()
    assert json_out == xml_out
    assert len(lines) == 25 and json_err == xml_err == ""
    first = json.loads(lines[0])
    assert first["style_id"] == SEED_STYLE_ID
    assert [json.loads(line)["style_id"] for line in lines] == sorted(app.catalog.styles)
    assert lines[0] == json.dumps(first, ensure_ascii=False, separators=(",", ":"))


def test_limit_and_modified_since(sandbox_url):
    base_url, app = sandbox_url
    out, _ = run("--base-url", base_url, "--limit", "3")
    assert len(out.splitlines()) == 3
    newest = sorted(r.modified for r in app.catalog.styles.values())[-2]
    out, _ = run("--base-url", base_url, "--modified-since", newest.isoformat())
    assert len(out.splitlines()) == 2


def test_a_bad_token_exits_with_one_line_and_no_secret(sandbox_url):
    base_url, _ = sandbox_url
    with pytest.raises(CommandError) as info:
        run("--base-url", base_url, token="wrong-token-value")
    message = str(info.value)
    assert message.startswith("JoorAuthError: JOOR GET /v2/style: HTTP 401")
    assert "\n" not in message and "wrong-token-value" not in message


def test_the_token_never_comes_from_the_command_line(sandbox_url):
    base_url, _ = sandbox_url
    with pytest.raises(CommandError, match="JOOR_TOKEN") as info:
        run("--base-url", base_url, "--token", "argv-token-value")
    assert "argv-token-value" not in str(info.value)
    with pytest.raises(CommandError, match="JOOR_TOKEN"):
        run("--base-url", base_url, token=None)
    with mock.patch("sys.stdin", io.StringIO(f"JOOR_TOKEN={DEFAULT_TOKEN}\n")):
        out, _ = run("--base-url", base_url, "--stdin", "--limit", "2", token="wrong-in-env")
    assert len(out.splitlines()) == 2


def test_bad_arguments_are_command_errors(sandbox_url):
    base_url, _ = sandbox_url
    with pytest.raises(CommandError, match="ISO 8601"):
        run("--base-url", base_url, "--modified-since", "yesterday")
    with pytest.raises(CommandError, match="page_size"):
        run("--base-url", base_url, "--page-size", "5000")


def test_a_hostile_answer_fails_cleanly_as_a_subprocess():
    """A real process: exit status 1, one line on stderr, no traceback."""
    hostile = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "boom">]><root><response><code>0</code>'
        b"</response><styles><style><style_id>&x;</style_id></style></styles></root>"
    )

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/xml"), ("Content-Length", str(len(hostile)))])
        return [hostile]

    with serve_in_thread(app) as base_url:
        proc = subprocess.run(  # noqa: S603 - fixed argv, our own interpreter and manage.py
            [
                sys.executable,
                str(REPO_ROOT / "manage.py"),
                "joor_styles",
                "--base-url",
                base_url,
                "--format",
                "xml",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            cwd=REPO_ROOT,
            env={**os.environ, "JOOR_TOKEN": "t0ken-secret"},
        )
    assert proc.returncode == 1
    assert proc.stdout == ""
    err_lines = proc.stderr.strip().splitlines()
    assert len(err_lines) == 1 and "JoorBadPayload" in err_lines[0]
    assert "Traceback" not in proc.stderr and "t0ken-secret" not in proc.stderr


def test_problems_go_to_stderr_and_the_listing_goes_on():
    body = json.dumps(
        {
            "response": {"code": "0", "log_id": "x"},
            "styles": {
                "style": [
                    {"style_id": "1", "style_name": "A", "style_number": "A", "style_identifier": "A"},
                    {"style_id": "2", "style_name": "B"},
                    {"style_id": "3", "style_name": "C", "style_number": "C", "style_identifier": "C"},
                ]
            },
        }
    ).encode()

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    with serve_in_thread(app) as base_url:
        out, err = run("--base-url", base_url, token="tok-abc")
    assert [json.loads(line)["style_id"] for line in out.splitlines()] == [1, 3]
    assert err.startswith("style 2 skipped:") and len(err.strip().splitlines()) == 1


def test_end_to_end_bench_reads_everything_with_flat_memory():
    """Three times the styles, same page size: the peak stays that of one page (it varies a little
    with the styles on the largest page, and never by the number of pages)."""
    small = run_end_to_end(styles=200, fmt="json", page_size=100, trace_memory=True)
    large = run_end_to_end(styles=600, fmt="json", page_size=100, trace_memory=True)
    assert small["requests"] == 2 and large["requests"] == 6
    assert large["credits"] == large["sandbox_credits"] == 6 and large["throttled"] == 0
    assert large["peak_mb"] < small["peak_mb"] * 1.5


def test_bench_command_prints_both_tables():
    out = io.StringIO()
    started = time.perf_counter()
    call_command("joor_bench", "--styles", "200", "--json", stdout=out)
    assert time.perf_counter() - started < 60
    doc = json.loads(out.getvalue())
    assert [(r["styles"], r["format"]) for r in doc["parse"]] == [(200, "xml"), (200, "json")]
    assert [r["format"] for r in doc["end_to_end"]] == ["xml", "json"]
    assert all(r["styles_per_s"] > 0 and r["requests"] == 1 for r in doc["end_to_end"])


def test_retries_stay_quiet_at_default_verbosity():
    clock = FakeClock()
    app = JoorSandbox(
        SandboxConfig(
            styles=6,
            seed=3,
            rate_limit="off",
            clock=clock,
            sleep=clock.sleep,
            faults=FaultConfig(truncate=0.3),
            fault_seed=1,
        )
    )
    with serve_in_thread(app) as base_url:
        out, err = run("--base-url", base_url, "--page-size", "2")
    assert len(out.splitlines()) == 6 and err == ""
    assert app.faults.counts["truncate"] == 2  # two bodies were cut and the pages fetched again, silently
