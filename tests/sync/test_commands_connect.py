"""`manage.py joor_connect` against the JOOR sandbox served on a real loopback socket."""

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


def connect(*args: str) -> str:
    out = StringIO()
    call_command("joor_connect", *args, stdout=out)
    return out.getvalue()


def test_v2_connect_prints_one_line_without_the_token(joor_url):
    shop = make_shop(SHOP)
    out = connect("--shop", SHOP, "--api", "v2", "--base-url", joor_url, "--token", defaults.DEFAULT_TOKEN)
    assert out.strip() == f"connected {SHOP} to JOOR v2 at {joor_url} (scheduled sync every 15 min)"
    assert defaults.DEFAULT_TOKEN not in out
    assert JoorAccount.objects.get(shop=shop).token == defaults.DEFAULT_TOKEN
    assert shop_schedule_get(shop=shop) is not None


def test_v4_connect(joor_url):
    shop = make_shop(SHOP)
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
        "--client-secret",
        defaults.DEFAULT_CLIENT_SECRET,
        "--username",
        defaults.DEFAULT_USERNAME,
        "--password",
        defaults.DEFAULT_PASSWORD,
        "--account",
        defaults.DEFAULT_ACCOUNT_ID,
    )
    assert "to JOOR v4" in out
    assert defaults.DEFAULT_PASSWORD not in out and defaults.DEFAULT_CLIENT_SECRET not in out
    assert JoorAccount.objects.get(shop=shop).account_id == defaults.DEFAULT_ACCOUNT_ID


def test_a_bad_token_is_a_one_line_error(joor_url):
    make_shop(SHOP)
    with pytest.raises(CommandError) as info:
        connect("--shop", SHOP, "--api", "v2", "--base-url", joor_url, "--token", "not-the-token")
    message = str(info.value)
    assert message == f"JOOR at {joor_url} refused the credentials (HTTP 401)"
    assert "\n" not in message and "not-the-token" not in message
    assert info.value.__cause__ is None and info.value.__suppress_context__  # no chained traceback
    assert not JoorAccount.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--shop", "nobody.myshopify.com", "--api", "v2", "--base-url", "http://x", "--token", "t"],
            "unknown shop",
        ),
        (["--shop", SHOP, "--api", "v2", "--base-url", "http://x"], "needs a token"),
        (
            ["--shop", SHOP, "--api", "v4", "--base-url", "http://x", "--client-id", "c"],
            "needs client_secret",
        ),
    ],
)
def test_usage_errors_are_one_line(args, message):
    make_shop(SHOP)
    with pytest.raises(CommandError, match=message):
        connect(*args)
