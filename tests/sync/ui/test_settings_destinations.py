"""The settings page never sends stored credentials to a new address, and its checks do not tell what
answered: a merchant (or whoever holds a merchant's session) cannot use it to reach internal services
or to collect the stored JOOR secrets."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from cryptography.fernet import Fernet
from django.utils.html import escape

from joorsync.joor.sandbox.defaults import (
    DEFAULT_ACCOUNT_ID,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_PASSWORD,
    DEFAULT_TOKEN,
    DEFAULT_USERNAME,
)
from joorsync.sync.accounts import joor_unreachable_message
from joorsync.sync.clients import transport_override
from joorsync.sync.models import JoorAccount
from joorsync.sync.ui.forms import SECRETS_CLEARED
from tests.sync.destinations_support import Recording, answer_with
from tests.sync.ui.conftest import JOOR_BASE
from tests.sync.ui.test_settings_page import form

pytestmark = pytest.mark.django_db


@pytest.fixture
def wire(sandboxes) -> Iterator[Recording]:
    """The JOOR sandbox behind a recorder: every request that got past the outbound policy."""
    recording = Recording(httpx.WSGITransport(app=sandboxes[0]))
    with transport_override(joor=recording):
        yield recording


def elsewhere(wire: Recording) -> list[httpx.Request]:
    """Requests to anywhere but the stored address (the page itself reads price labels from there)."""
    return [r for r in wire.requests if r.url.host != "joor.test"]


def test_the_form_says_that_a_new_address_clears_the_credentials(client_in, shop, sandboxes):
    body = client_in.get("/settings").content.decode()
    assert "Changing the JOOR API URL or auth URL clears the stored credentials" in body


def test_test_connection_to_a_new_url_sends_nothing_without_new_credentials(client_in, shop, wire):
    body = client_in.post("/settings/test", form(base_url="http://collector.test")).content.decode()
    assert elsewhere(wire) == []
    assert SECRETS_CLEARED in body


def test_save_with_a_new_url_sends_nothing_and_keeps_the_account(client_in, shop, wire):
    response = client_in.post("/settings", form(base_url="http://collector.test/"))
    assert elsewhere(wire) == []
    assert response.status_code == 400 and SECRETS_CLEARED in response.content.decode()
    account = JoorAccount.objects.get(shop=shop)
    assert (account.base_url, account.token) == (JOOR_BASE, DEFAULT_TOKEN)


def test_a_new_v4_auth_url_needs_the_v4_credentials_again(client_in, shop, wire):
    JoorAccount.objects.filter(shop=shop).update(
        api_generation="v4",
        token="",
        auth_url=JOOR_BASE + "/auth",
        client_id=DEFAULT_CLIENT_ID,
        client_secret=DEFAULT_CLIENT_SECRET,
        username=DEFAULT_USERNAME,
        password=DEFAULT_PASSWORD,
        account_id=DEFAULT_ACCOUNT_ID,
    )
    moved = form(api_generation="v4", auth_url="http://collector.test/auth", account_id=DEFAULT_ACCOUNT_ID)
    answers = [client_in.post(path, moved).content.decode() for path in ("/settings/test", "/settings")]
    # Only the password typed again is not enough: every stored secret was cleared.
    answers.append(client_in.post("/settings/test", {**moved, "password": "typed"}).content.decode())
    assert elsewhere(wire) == []
    assert all(SECRETS_CLEARED in answer for answer in answers)
    # The same address, secrets left empty: the stored ones are still used where they belong.
    same = form(api_generation="v4", auth_url=JOOR_BASE + "/auth", account_id=DEFAULT_ACCOUNT_ID)
    assert "Connection OK" in client_in.post("/settings/test", same).content.decode()
    assert elsewhere(wire) == [] and wire.requests


def test_a_new_url_with_credentials_typed_again_connects(client_in, shop, wire):
    response = client_in.post("/settings", form(base_url="http://joor-two.test", token=DEFAULT_TOKEN))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert JoorAccount.objects.get(shop=shop).base_url == "http://joor-two.test"
    assert [r.headers["Authorization"] for r in elsewhere(wire)] == [f"OAuth2 {DEFAULT_TOKEN}"]
    assert elsewhere(wire)[0].url.host == "joor-two.test"


@pytest.fixture
def production(settings):
    """Set before the shop is created: production encrypts with its own key."""
    settings.PRODUCTION = True
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    return settings


def test_in_production_test_connection_refuses_an_internal_address_before_sending(
    production, client_in, shop, wire
):
    for url in ("http://169.254.169.254", "https://127.0.0.1:6379", "https://[::1]:5432", "https://10.0.0.1"):
        body = client_in.post("/settings/test", form(base_url=url, token="typed-token-1")).content.decode()
        assert escape("JOOR API URL must be an https URL on one of JOOR's hosts") in body, url
    assert elsewhere(wire) == []


@pytest.mark.parametrize(
    "behaviour", ["refused", "timeout", "reset", "redis", "html-404", "redirect", "teapot", "5xx"]
)
def test_test_connection_gives_one_message_whatever_answered(client_in, shop, sandboxes, behaviour):
    with transport_override(joor=httpx.MockTransport(answer_with(behaviour))):
        body = client_in.post("/settings/test", form()).content.decode()
    assert joor_unreachable_message(JOOR_BASE) in body
    for revealing in ("Transient", "Permanent", "NotFound", "HTTP 4", "HTTP 5", "redirect", "refused"):
        assert revealing not in body, revealing


def test_test_connection_still_names_a_refusal_of_the_credentials(client_in, shop, sandboxes):
    with transport_override(joor=httpx.MockTransport(answer_with("unauthorized"))):
        body = client_in.post("/settings/test", form()).content.decode()
    assert f"JOOR at {JOOR_BASE} refused the credentials (HTTP 401)" in body
