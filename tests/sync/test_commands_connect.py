"""`manage.py joor_connect` against the JOOR sandbox served on a real loopback socket; its secrets come
from the environment or standard input, never from the command line."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from joorsync.joor.sandbox import defaults
from joorsync.joor.sandbox.app import JoorSandbox, SandboxConfig
from joorsync.joor.sandbox.server import serve_in_thread
from joorsync.sync.models import JoorAccount
from joorsync.sync.schedules import shop_schedule_get
from tests.sync.jobs_support import make_shop

pytestmark = pytest.mark.django_db

SHOP = "demo.myshopify.com"


@pytest.fixture(scope="module")
def joor_url():
    with serve_in_thread(JoorSandbox(SandboxConfig(styles=2, rate_limit="off"))) as url:
        yield url


def connect(*args: str, stdin: str | None = None) -> str:
    out = StringIO()
    extra = {"secrets_input": StringIO(stdin)} if stdin is not None else {}
    call_command("joor_connect", *args, stdout=out, **extra)
    return out.getvalue()


@pytest.fixture(autouse=True)
def no_secrets_in_the_environment(monkeypatch):
    for name in ("JOOR_TOKEN", "JOOR_CLIENT_SECRET", "JOOR_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


def test_v2_connect_takes_the_token_from_the_environment(joor_url, monkeypatch):
    shop = make_shop(SHOP)
    monkeypatch.setenv("JOOR_TOKEN", defaults.DEFAULT_TOKEN)
    out = connect("--shop", SHOP, "--api", "v2", "--base-url", joor_url)
    assert out.strip() == f"connected {SHOP} to JOOR v2 at {joor_url} (scheduled sync every 15 min)"
    assert defaults.DEFAULT_TOKEN not in out
    assert JoorAccount.objects.get(shop=shop).token == defaults.DEFAULT_TOKEN
    assert shop_schedule_get(shop=shop) is not None


def test_v4_connect_takes_the_secrets_from_stdin(joor_url, monkeypatch):
    shop = make_shop(SHOP)
    monkeypatch.setenv("JOOR_PASSWORD", "not-the-password")  # standard input wins over the environment
    out = connect(
        "--shop",
        SHOP,
        "--api",
        "v4",
        "--base-url",
        joor_url,
        "--auth-url",
        f"{joor_url}/auth",
        "--client-id",
        defaults.DEFAULT_CLIENT_ID,
        "--username",
        defaults.DEFAULT_USERNAME,
        "--account",
        defaults.DEFAULT_ACCOUNT_ID,
        "--stdin",
        stdin=(
            "# JOOR v4\n"
            f"JOOR_CLIENT_SECRET={defaults.DEFAULT_CLIENT_SECRET}\n\n"
            f"JOOR_PASSWORD={defaults.DEFAULT_PASSWORD}\n"
        ),
    )
    assert "to JOOR v4" in out
    assert defaults.DEFAULT_PASSWORD not in out and defaults.DEFAULT_CLIENT_SECRET not in out
    account = JoorAccount.objects.get(shop=shop)
    assert account.account_id == defaults.DEFAULT_ACCOUNT_ID
    assert (account.client_secret, account.password) == (
        defaults.DEFAULT_CLIENT_SECRET,
        defaults.DEFAULT_PASSWORD,
    )


def test_a_bad_token_is_a_one_line_error(joor_url, monkeypatch):
    make_shop(SHOP)
    monkeypatch.setenv("JOOR_TOKEN", "not-the-token")
    with pytest.raises(CommandError) as info:
        connect("--shop", SHOP, "--api", "v2", "--base-url", joor_url)
    message = str(info.value)
    assert message == f"JOOR at {joor_url} refused the credentials (HTTP 401)"
    assert "\n" not in message and "not-the-token" not in message
    assert info.value.__cause__ is None and info.value.__suppress_context__  # no chained traceback
    assert not JoorAccount.objects.exists()


@pytest.mark.parametrize(
    ("flag", "variable"),
    [("--token", "JOOR_TOKEN"), ("--client-secret", "JOOR_CLIENT_SECRET"), ("--password", "JOOR_PASSWORD")],
)
def test_secrets_on_the_command_line_are_refused(joor_url, flag, variable):
    make_shop(SHOP)
    with pytest.raises(CommandError) as info:
        connect("--shop", SHOP, "--api", "v2", "--base-url", joor_url, flag, "s3cret-value")
    message = str(info.value)
    assert flag in message and variable in message and "s3cret-value" not in message
    assert not JoorAccount.objects.exists()


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("JOOR_TOKEN\n", "line 1 is not NAME=value"),
        ("JOOR_TOKEN=t\nPASSWORD=s3cret-value\n", "line 2: unknown name PASSWORD"),
    ],
)
def test_malformed_stdin_is_refused_without_echoing_it(stdin, message):
    make_shop(SHOP)
    with pytest.raises(CommandError, match=message) as info:
        connect("--shop", SHOP, "--api", "v2", "--base-url", "http://x", "--stdin", stdin=stdin)
    assert "s3cret-value" not in str(info.value)


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (
            ["--shop", "nobody.myshopify.com", "--api", "v2", "--base-url", "http://x"],
            {"JOOR_TOKEN": "t"},
            "unknown shop",
        ),
        (["--shop", SHOP, "--api", "v2", "--base-url", "http://x"], {}, "needs JOOR_TOKEN"),
        (
            ["--shop", SHOP, "--api", "v4", "--base-url", "http://x", "--client-id", "c"],
            {"JOOR_PASSWORD": "p"},
            "needs JOOR_CLIENT_SECRET:",
        ),
        (
            ["--shop", SHOP, "--api", "v4", "--base-url", "http://x", "--client-id", "c"],
            {"JOOR_CLIENT_SECRET": "s", "JOOR_PASSWORD": "p"},
            "needs username, account_id",
        ),
    ],
)
def test_usage_errors_are_one_line(args, env, message, monkeypatch):
    make_shop(SHOP)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(CommandError, match=message):
        connect(*args)
