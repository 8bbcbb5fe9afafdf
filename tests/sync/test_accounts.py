"""Connecting a shop to JOOR (against the JOOR sandbox, in-process) and changing its sync settings.

Where JOOR URLs may lead is tested here too: in production only to JOOR's own hosts (and those the
operator allows), over https, on public addresses checked when the socket opens; and a check that
fails says nothing about what answered.
"""

from __future__ import annotations

import logging
import socket

import httpx
import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django_q.models import Schedule

from joorsync.joor.sandbox import defaults
from joorsync.joor.sandbox.app import JoorSandbox, SandboxConfig
from joorsync.sync import accounts
from joorsync.sync.accounts import (
    JoorAccountInvalid,
    JoorConnectionError,
    joor_account_connect,
    joor_account_update_settings,
    joor_unreachable_message,
)
from joorsync.sync.clients import joor_budget_for, joor_client_for, transport_override
from joorsync.sync.merge import FieldGroup, Ownership
from joorsync.sync.models import JoorAccount, SyncJob
from joorsync.sync.schedules import RECOVER_SCHEDULE_NAME, shop_schedule_get
from joorsync.sync.selectors import joor_account_ownership
from tests.sync.destinations_support import Recording, answer_with
from tests.sync.jobs_support import make_account, make_link, make_shop

pytestmark = pytest.mark.django_db

BASE = "http://joor.test"
V4 = {
    "client_id": defaults.DEFAULT_CLIENT_ID,
    "client_secret": defaults.DEFAULT_CLIENT_SECRET,
    "username": defaults.DEFAULT_USERNAME,
    "password": defaults.DEFAULT_PASSWORD,
    "account_id": defaults.DEFAULT_ACCOUNT_ID,
}


@pytest.fixture
def sandbox():
    app = JoorSandbox(SandboxConfig(styles=3, seed=1, rate_limit="off"))
    with transport_override(joor=httpx.WSGITransport(app=app)):
        yield app


@pytest.fixture
def shop():
    return make_shop()


def _raw_column(pk: int, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM sync_jooraccount WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_v2_connect_checks_the_token_and_stores_it_encrypted(sandbox, shop, caplog):
    caplog.set_level(logging.DEBUG)
    account = joor_account_connect(
        shop=shop, api_generation="v2", base_url=BASE + "/", token=defaults.DEFAULT_TOKEN
    )
    assert sandbox.credits_used == 1  # one cheap request: the first page of one style
    stored = JoorAccount.objects.get(shop=shop)
    assert (stored.api_generation, stored.base_url, stored.token) == ("v2", BASE, defaults.DEFAULT_TOKEN)
    assert defaults.DEFAULT_TOKEN not in _raw_column(account.pk, "token")
    assert defaults.DEFAULT_TOKEN not in caplog.text
    assert shop_schedule_get(shop=shop).minutes == 15
    assert Schedule.objects.filter(name=RECOVER_SCHEDULE_NAME).count() == 1


def test_v4_connect_uses_the_password_grant(sandbox, shop):
    account = joor_account_connect(
        shop=shop, api_generation="v4", base_url=BASE, auth_url=BASE + "/auth", **V4
    )
    assert account.auth_url == BASE + "/auth"
    assert JoorAccount.objects.get(shop=shop).password == defaults.DEFAULT_PASSWORD


def test_reconnecting_replaces_credentials_and_keeps_settings(sandbox, shop):
    joor_account_connect(shop=shop, api_generation="v4", base_url=BASE, auth_url=BASE + "/auth", **V4)
    JoorAccount.objects.filter(shop=shop).update(sync_interval_minutes=30, direction="joor-to-shopify")
    joor_account_connect(shop=shop, api_generation="v2", base_url=BASE, token=defaults.DEFAULT_TOKEN)
    account = JoorAccount.objects.get(shop=shop)
    assert (account.api_generation, account.client_secret, account.password, account.auth_url) == (
        "v2",
        "",
        "",
        "",
    )
    assert (account.sync_interval_minutes, account.direction) == (30, "joor-to-shopify")
    assert JoorAccount.objects.count() == 1


def test_a_bad_token_is_refused_in_one_line_and_nothing_is_stored(sandbox, shop, caplog):
    with pytest.raises(JoorConnectionError) as info:
        joor_account_connect(shop=shop, api_generation="v2", base_url=BASE, token="wrong-token-xyz")
    message = str(info.value)
    assert message == f"JOOR at {BASE} refused the credentials (HTTP 401)"
    assert "wrong-token-xyz" not in message + caplog.text
    assert not JoorAccount.objects.exists()
    assert shop_schedule_get(shop=shop) is None


def test_a_wrong_v4_password_is_refused(sandbox, shop):
    with pytest.raises(JoorConnectionError, match="refused the credentials"):
        joor_account_connect(
            shop=shop,
            api_generation="v4",
            base_url=BASE,
            auth_url=BASE + "/auth",
            **{**V4, "password": "not-it"},
        )
    assert not JoorAccount.objects.exists()


def test_an_unreachable_joor_is_a_clean_error(shop, settings):
    settings.JOOR_HTTP_TIMEOUT = 1.0
    with pytest.raises(JoorConnectionError) as info:
        joor_account_connect(shop=shop, api_generation="v2", base_url="http://127.0.0.1:9", token="t0ken")
    assert str(info.value) == "No JOOR API answered at http://127.0.0.1:9: check the URL, or try again later"


# -- where JOOR URLs may lead ---------------------------------------------------------------------


@pytest.fixture
def wire():
    """The JOOR sandbox behind a recorder, for every client built without a transport."""
    recording = Recording(httpx.WSGITransport(app=JoorSandbox(SandboxConfig(styles=2, rate_limit="off"))))
    with transport_override(joor=recording):
        yield recording


@pytest.fixture
def production(settings):
    settings.PRODUCTION = True
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]  # production derives none
    settings.JOOR_ALLOWED_HOSTS = []
    return settings


@pytest.mark.parametrize(
    "base_url",
    [
        "http://169.254.169.254/latest/meta-data",
        "https://169.254.169.254",
        "http://127.0.0.1:6379",
        "https://[::1]:5432",
        "https://10.0.0.1",
        "https://2852039166",  # 169.254.169.254 written as one number
        "http://api.jooraccess.com",  # JOOR, but not over https
        "https://api.jooraccess.com:6379",
        "https://api.jooraccess.com@10.0.0.1",
        "https://joor.example.com",
    ],
)
def test_production_refuses_joor_urls_off_joor_hosts_before_any_request(production, wire, shop, base_url):
    with pytest.raises(JoorAccountInvalid, match="base_url must be an https URL on one of JOOR's hosts"):
        joor_account_connect(shop=shop, api_generation="v2", base_url=base_url, token=defaults.DEFAULT_TOKEN)
    assert wire.requests == []
    assert not JoorAccount.objects.exists()


def test_production_refuses_a_v4_auth_url_off_joor_hosts(production, wire, shop):
    with pytest.raises(JoorAccountInvalid, match="auth_url must be an https URL on one of JOOR's hosts"):
        joor_account_connect(
            shop=shop,
            api_generation="v4",
            base_url="https://api.jooraccess.com",
            auth_url="http://169.254.169.254/auth",
            **V4,
        )
    assert wire.requests == []


def test_production_connects_to_joor_hosts_and_to_hosts_the_operator_allows(production, wire, shop):
    joor_account_connect(
        shop=shop, api_generation="v2", base_url="https://api.jooraccess.com", token=defaults.DEFAULT_TOKEN
    )
    with pytest.raises(JoorAccountInvalid):
        joor_account_connect(
            shop=shop,
            api_generation="v2",
            base_url="https://joor.staging.example",
            token=defaults.DEFAULT_TOKEN,
        )
    production.JOOR_ALLOWED_HOSTS = ["joor.staging.example"]
    joor_account_connect(
        shop=shop, api_generation="v2", base_url="https://joor.staging.example", token=defaults.DEFAULT_TOKEN
    )
    assert [r.url.host for r in wire.requests] == ["api.jooraccess.com", "joor.staging.example"]


def test_outside_production_local_sandboxes_stay_reachable(wire, shop, settings):
    assert settings.PRODUCTION is False
    joor_account_connect(
        shop=shop, api_generation="v2", base_url="http://127.0.0.1:8701", token=defaults.DEFAULT_TOKEN
    )
    assert wire.requests[0].url.host == "127.0.0.1"


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.1", "169.254.169.254", "::1"])
def test_production_checks_where_a_joor_host_resolves_when_connecting(production, shop, monkeypatch, address):
    """DNS answering a private address for JOOR's own host name (rebinding, a poisoned resolver): the
    socket is never opened, so the stored token goes nowhere."""
    asked: list[str] = []
    opened: list[object] = []
    family = socket.AF_INET6 if ":" in address else socket.AF_INET

    def getaddrinfo(host, port, *args, **kwargs):
        asked.append(host)
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: opened.append(a) or 1 / 0)
    monkeypatch.setattr(accounts, "CONNECT_PROBE_RETRIES", 0)
    with pytest.raises(JoorConnectionError) as info:
        joor_account_connect(
            shop=shop,
            api_generation="v2",
            base_url="https://api.jooraccess.com",
            token=defaults.DEFAULT_TOKEN,
        )
    assert str(info.value) == joor_unreachable_message("https://api.jooraccess.com")
    assert asked == ["api.jooraccess.com"] and opened == []


@pytest.mark.parametrize(
    "behaviour", ["refused", "timeout", "reset", "redis", "html-404", "redirect", "teapot", "5xx"]
)
def test_a_failed_check_says_the_same_whatever_answered(shop, monkeypatch, behaviour):
    """Distinct messages per failure would turn the check into a port scanner of the app's network."""
    monkeypatch.setattr(accounts, "CONNECT_PROBE_RETRIES", 0)
    with (
        transport_override(joor=httpx.MockTransport(answer_with(behaviour))),
        pytest.raises(JoorConnectionError) as info,
    ):
        joor_account_connect(shop=shop, api_generation="v2", base_url=BASE, token=defaults.DEFAULT_TOKEN)
    assert str(info.value) == joor_unreachable_message(BASE)


def test_only_a_refusal_of_the_credentials_is_told_apart(shop, monkeypatch):
    monkeypatch.setattr(accounts, "CONNECT_PROBE_RETRIES", 0)
    with (
        transport_override(joor=httpx.MockTransport(answer_with("unauthorized"))),
        pytest.raises(JoorConnectionError, match=r"refused the credentials \(HTTP 401\)"),
    ):
        joor_account_connect(shop=shop, api_generation="v2", base_url=BASE, token=defaults.DEFAULT_TOKEN)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"api_generation": "v3", "base_url": BASE, "token": "x"}, "api_generation"),
        ({"api_generation": "v2", "base_url": "ftp://joor", "token": "x"}, "base_url must be an http"),
        ({"api_generation": "v2", "base_url": BASE, "token": "  "}, "needs a token"),
        (
            {"api_generation": "v4", "base_url": BASE, "client_id": "c", "username": "u"},
            "needs client_secret, password, account_id",
        ),
        ({"api_generation": "v4", "base_url": BASE, "auth_url": "nope", **V4}, "auth_url must be"),
    ],
)
def test_connect_validates_before_any_request(shop, kwargs, message):
    app = JoorSandbox(SandboxConfig(styles=1, rate_limit="off"))
    with (
        transport_override(joor=httpx.WSGITransport(app=app)),
        pytest.raises(JoorAccountInvalid, match=message),
    ):
        joor_account_connect(shop=shop, **kwargs)
    assert app.credits_used == 0


def test_one_credit_budget_per_joor_account(shop, settings):
    settings.JOOR_CREDITS_PER_WINDOW = 60
    account = make_account(shop)
    other = make_account(make_shop("other.myshopify.com"))
    with joor_client_for(account=account) as a, joor_client_for(account=account) as b:
        assert a.budget is b.budget is joor_budget_for(account=account)
        assert a.budget.credits_per_window == 60
    assert joor_budget_for(account=other) is not joor_budget_for(account=account)


# -- settings -----------------------------------------------------------------------------------


def test_settings_are_validated_and_saved(shop):
    account = make_account(shop)
    joor_account_update_settings(
        account=account,
        ownership={"prices": "joor", "inventory": "ignore"},
        direction="shopify-to-joor",
        price_field="price_wholesale",
        compare_at_field="price_retail",
        price_currency="usd",
        location_warehouses={"gid://shopify/Location/1": "Main"},
        delete_policy="archive",
    )
    stored = JoorAccount.objects.get(pk=account.pk)
    assert stored.ownership == {"prices": "joor", "inventory": "ignore"}
    assert (stored.direction, stored.price_currency, stored.delete_policy) == (
        "shopify-to-joor",
        "USD",
        "archive",
    )
    owners = joor_account_ownership(account=stored)
    assert owners[FieldGroup.PRICES] == Ownership.JOOR
    assert owners[FieldGroup.CONTENT] == Ownership.TWO_WAY  # the default for groups left out


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ownership": {"colour": "joor"}}, "unknown field group"),
        ({"ownership": {"prices": "nobody"}}, "unknown owner"),
        ({"direction": "up"}, "direction must be"),
        ({"sync_interval_minutes": -1}, "between 0"),
        ({"sync_interval_minutes": "soon"}, "whole number"),
        ({"location_warehouses": {"1": "Main"}}, "not a Shopify location"),
        (
            {"location_warehouses": {"gid://shopify/Location/1": "A", "gid://shopify/Location/2": "A"}},
            "same JOOR warehouse",
        ),
        ({"compare_at_field": "price_retail"}, "must differ"),
        ({"price_currency": "US"}, "3-letter"),
        ({"new_product_status": "LIVE"}, "new_product_status must be one of ACTIVE, DRAFT"),
        ({"sync_shopify_drafts": "maybe"}, "sync_shopify_drafts must be on or off"),
        ({"token": "new"}, "unknown setting"),
    ],
)
def test_bad_settings_are_refused_and_nothing_changes(shop, changes, message):
    account = make_account(shop)
    with pytest.raises(JoorAccountInvalid, match=message):
        joor_account_update_settings(account=account, **changes)
    stored = JoorAccount.objects.get(pk=account.pk)
    assert (stored.ownership, stored.direction, stored.sync_interval_minutes) == ({}, "both", 15)


@pytest.mark.parametrize(
    ("given", "stored"),
    [(True, True), ("on", True), ("true", True), ("1", True), (False, False), ("", False), ("off", False)],
)
def test_new_product_status_and_shopify_drafts_are_stored(shop, given, stored):
    account = make_account(shop)
    assert (account.new_product_status, account.sync_shopify_drafts) == ("DRAFT", False)  # the defaults
    joor_account_update_settings(account=account, new_product_status="ACTIVE", sync_shopify_drafts=given)
    account = JoorAccount.objects.get(pk=account.pk)
    assert (account.new_product_status, account.sync_shopify_drafts) == ("ACTIVE", stored)


# -- a settings change that decides creation or matching looks at every product again -------------


def _full_jobs(shop) -> list[tuple[str, str, bool]]:
    return list(SyncJob.objects.filter(shop=shop, kind="full").values_list("status", "trigger", "dry_run"))


@pytest.mark.parametrize(
    "changes",
    [
        {"direction": "joor-to-shopify"},
        {"price_label": "USD-1"},
        {"price_currency": "EUR"},
        {"price_field": "price_wholesale"},
        {"compare_at_field": "price_wholesale"},
        {"wholesale_factor": "0.5"},
        {"new_product_status": "ACTIVE"},
        {"sync_shopify_drafts": True},
        {"ownership": {"content": "joor"}},
    ],
)
def test_a_change_that_decides_creation_or_matching_queues_one_full_sync(
    shop, changes, django_capture_on_commit_callbacks
):
    account = make_account(shop)
    make_link(shop, 1)
    with django_capture_on_commit_callbacks() as queued:
        joor_account_update_settings(account=account, **changes)
    assert _full_jobs(shop) == [("queued", "manual", False)]
    assert len(queued) == 1  # handed to a worker once the settings are committed


@pytest.mark.parametrize(
    "changes",
    [
        {"sync_interval_minutes": 30},
        {"delete_policy": "archive"},
        {"location_warehouses": {"gid://shopify/Location/1": "Main"}},
        # The same values again, and ownership spelled out as the defaults it already had.
        {"direction": "both", "price_field": "price_retail", "new_product_status": "DRAFT"},
        {"ownership": {"content": "two-way"}},
        {"sync_shopify_drafts": "off"},
    ],
)
def test_a_change_that_decides_nothing_about_matching_queues_nothing(shop, changes):
    account = make_account(shop)
    make_link(shop, 1)
    joor_account_update_settings(account=account, **changes)
    assert _full_jobs(shop) == []


def test_a_full_sync_already_queued_is_not_doubled_but_a_running_one_is_followed(shop):
    account = make_account(shop)
    make_link(shop, 1)
    joor_account_update_settings(account=account, direction="joor-to-shopify")
    joor_account_update_settings(account=account, new_product_status="ACTIVE")
    assert _full_jobs(shop) == [("queued", "manual", False)]
    # A running job read the old settings already: the next change queues another.
    SyncJob.objects.filter(shop=shop).update(status=SyncJob.Status.RUNNING)
    joor_account_update_settings(account=account, sync_shopify_drafts=True)
    assert sorted(_full_jobs(shop)) == [("queued", "manual", False), ("running", "manual", False)]


def test_a_queued_preview_does_not_stand_in_for_a_full_sync(shop):
    account = make_account(shop)
    make_link(shop, 1)
    SyncJob.objects.create(shop=shop, kind="full", dry_run=True)
    joor_account_update_settings(account=account, price_currency="EUR")
    assert sorted(_full_jobs(shop)) == [("queued", "", True), ("queued", "manual", False)]


def test_a_shop_that_never_synced_gets_no_extra_sync(shop):
    account = make_account(shop)  # connecting then choosing settings: the first sync does the work
    joor_account_update_settings(account=account, price_currency="USD", wholesale_factor="0.5")
    assert not SyncJob.objects.exists()


def test_a_refused_change_queues_nothing(shop):
    account = make_account(shop)
    make_link(shop, 1)
    with pytest.raises(JoorAccountInvalid):
        joor_account_update_settings(account=account, direction="joor-to-shopify", sync_interval_minutes=-1)
    assert not SyncJob.objects.exists()
