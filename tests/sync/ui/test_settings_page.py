"""Settings: write-only credentials, Test connection, price choices from JOOR, locations from Shopify."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from joorsync.joor.sandbox.defaults import DEFAULT_TOKEN
from joorsync.sync.models import JoorAccount, SyncJob
from tests.sync.jobs_support import make_link
from tests.sync.ui.conftest import TOKENS

pytestmark = pytest.mark.django_db

LABELS = (
    "API generation",
    "JOOR API URL",
    "Token",
    "Client ID",
    "Client secret",
    "Username",
    "Password",
    "Account ID",
    "Price label",
    "Price currency",
    "Price field",
    "Compare-at price",
    "Wholesale factor",
    "Direction",
    "Sync every (minutes)",
    "Delete policy",
    "New products from JOOR are created as",
    "Send Shopify drafts to JOOR",
    "Content",
    "Identifiers",
    "Prices",
    "Inventory",
    "JOOR fields",
)


def form(**changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "api_generation": "v2",
        "base_url": "http://joor.test",
        "token": "",
        "price_label": "USD-1",
        "price_currency": "USD",
        "price_field": "price_retail",
        "compare_at_field": "",
        "wholesale_factor": "0.5",
        "direction": "joor-to-shopify",
        "sync_interval_minutes": "30",
        "delete_policy": "archive",
        "new_product_status": "DRAFT",
        "owner_content": "joor",
        "owner_identifiers": "two-way",
        "owner_prices": "joor",
        "owner_inventory": "shopify",
        "owner_joor_fields": "joor",
        "warehouse:gid://shopify/Location/1000000001": "Main",
    }
    values.update(changes)
    return values


def test_every_control_is_labelled_and_secrets_are_never_rendered(client_in, shop, sandboxes):
    body = client_in.get("/settings").content.decode()
    for label in LABELS:
        assert f">{label}</label>" in body, label
    assert ">Save</button>" in body and ">Test connection</button>" in body
    assert DEFAULT_TOKEN not in body and TOKENS[shop.shop_domain] not in body
    assert 'name="token" type="password" value="" placeholder="•••• set"' in body
    assert 'name="client_secret" type="password" value=""  autocomplete' in body  # not set: no placeholder
    # Choices gathered from the JOOR account, the locations from the shop's Admin API.
    assert '<option value="USD">USD</option>' in body and '<option value="USD-1">USD-1</option>' in body
    assert ">Main warehouse</label>" in body and ">Flagship store</label>" in body


def test_save_keeps_secrets_when_left_empty_and_applies_settings(client_in, shop, sandboxes):
    response = client_in.post("/settings", form())
    assert response.status_code == 302, response.content.decode()[:2000]
    account = JoorAccount.objects.get(shop=shop)
    assert account.token == DEFAULT_TOKEN
    assert (account.price_label, account.price_currency, account.direction) == (
        "USD-1",
        "USD",
        "joor-to-shopify",
    )
    assert (account.sync_interval_minutes, account.delete_policy, account.wholesale_factor) == (
        30,
        "archive",
        Decimal("0.500"),
    )
    assert account.ownership["content"] == "joor" and account.ownership["prices"] == "joor"
    assert account.location_warehouses == {"gid://shopify/Location/1000000001": "Main"}
    body = client_in.get("/settings").content.decode()
    assert 'value="Main"' in body and '<option value="joor-to-shopify" selected>' in body
    assert DEFAULT_TOKEN not in body


def test_a_new_token_is_verified_before_it_is_stored(client_in, shop, sandboxes):
    refused = client_in.post("/settings", form(token="wrong-token-123"))
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "refused the credentials" in body and "wrong-token-123" not in body
    assert JoorAccount.objects.get(shop=shop).direction == "both"  # nothing saved
    JoorAccount.objects.filter(shop=shop).update(token="stale")
    assert client_in.post("/settings", form(token=DEFAULT_TOKEN)).status_code == 302
    assert JoorAccount.objects.get(shop=shop).token == DEFAULT_TOKEN


def test_invalid_settings_are_refused_with_the_reason(client_in, shop, sandboxes):
    response = client_in.post("/settings", form(sync_interval_minutes="often"))
    assert response.status_code == 400 and "whole number of minutes" in response.content.decode()
    assert JoorAccount.objects.get(shop=shop).sync_interval_minutes == 15


def test_connecting_a_shop_without_an_account(client_in, shop, sandboxes):
    JoorAccount.objects.filter(shop=shop).delete()
    missing = client_in.post("/settings", form())
    assert missing.status_code == 400 and "needs a token" in missing.content.decode()
    assert client_in.post("/settings", form(token=DEFAULT_TOKEN)).status_code == 302
    assert JoorAccount.objects.get(shop=shop).direction == "joor-to-shopify"


def test_test_connection_reports_ok_or_the_one_line_error(client_in, shop, sandboxes):
    ok = client_in.post("/settings/test", form()).content.decode()
    assert "Connection OK" in ok and DEFAULT_TOKEN not in ok
    bad = client_in.post("/settings/test", form(token="nope-nope-nope")).content.decode()
    assert "refused the credentials" in bad and "nope-nope-nope" not in bad
    assert JoorAccount.objects.get(shop=shop).token == DEFAULT_TOKEN  # testing saves nothing


def test_settings_degrade_to_free_text_when_outside_apis_are_unreachable(client_in, shop, settings):
    settings.JOOR_HTTP_TIMEOUT = 0.5
    JoorAccount.objects.filter(shop=shop).update(base_url="http://127.0.0.1:9")
    shop.admin_base_url = "http://127.0.0.1:9"
    shop.save()
    body = client_in.get("/settings").content.decode()
    assert '<input id="s-plabel" name="price_label" type="text"' in body
    assert "JOOR price labels unavailable" in body and "Shopify locations unavailable" in body


def test_outside_lookups_are_cached_between_page_views(client_in, shop, sandboxes):
    client_in.get("/settings")
    JoorAccount.objects.filter(shop=shop).update(base_url="http://127.0.0.1:9")  # `update` keeps updated_at
    body = client_in.get("/settings").content.decode()
    assert '<option value="USD-1">USD-1</option>' in body  # served from the cache, no second call


def test_new_product_status_and_shopify_drafts_are_offered_with_their_help(client_in, shop, sandboxes):
    body = client_in.get("/settings").content.decode()
    assert (
        '<select id="s-newstatus" name="new_product_status" aria-describedby="s-newstatus-help">'
        '<option value="DRAFT" selected>Draft</option><option value="ACTIVE">Active</option></select>'
    ) in body
    assert "A product without a price in your shop's currency is always created as a draft." in body
    assert 'name="sync_shopify_drafts" type="checkbox" value="on" aria-describedby="s-drafts-help">' in body


def test_new_product_status_and_shopify_drafts_are_saved_and_shown(client_in, shop, sandboxes):
    response = client_in.post("/settings", form(new_product_status="ACTIVE", sync_shopify_drafts="on"))
    assert response.status_code == 302, response.content.decode()[:2000]
    account = JoorAccount.objects.get(shop=shop)
    assert (account.new_product_status, account.sync_shopify_drafts) == ("ACTIVE", True)
    body = client_in.get("/settings").content.decode()
    assert '<option value="ACTIVE" selected>Active</option>' in body
    assert 'aria-describedby="s-drafts-help" checked>' in body
    # An unticked checkbox is not sent: saving without it turns the setting off.
    assert client_in.post("/settings", form(new_product_status="DRAFT")).status_code == 302
    account.refresh_from_db()
    assert (account.new_product_status, account.sync_shopify_drafts) == ("DRAFT", False)


def test_an_unknown_new_product_status_is_refused_under_its_label(client_in, shop, sandboxes):
    response = client_in.post("/settings", form(new_product_status="PUBLISHED", sync_shopify_drafts="on"))
    body = response.content.decode()
    assert response.status_code == 400
    assert "New products from JOOR are created as must be one of ACTIVE, DRAFT" in body
    assert 'aria-describedby="s-drafts-help" checked>' in body  # what was entered is still there
    assert JoorAccount.objects.get(shop=shop).new_product_status == "DRAFT"


def test_a_settings_change_that_decides_matching_queues_one_full_sync(client_in, shop, sandboxes):
    make_link(shop, 1)  # the shop has synced before: there is something to look at again
    response = client_in.post("/settings", form(), follow=True)
    assert "A full sync is queued" in response.content.decode()
    job = SyncJob.objects.get(shop=shop)
    assert (job.kind, job.trigger, job.status, job.dry_run) == ("full", "manual", "queued", False)
    client_in.post("/settings", form(new_product_status="ACTIVE"))
    assert SyncJob.objects.filter(shop=shop).count() == 1  # the queued one will read the new settings


def test_a_refusal_is_shown_at_its_field_and_the_banner_points_to_it(client_in, shop, sandboxes):
    body = client_in.post("/settings", form(sync_interval_minutes="-5")).content.decode()
    assert 'id="s-int"' in body and 'aria-invalid="true" aria-errormessage="s-int-error"' in body
    error = re.search(r'<p class="field-error" id="s-int-error">([^<]+)</p>', body)
    assert error and error.group(1).startswith("Sync every (minutes)")
    assert f'Settings not saved: <a href="#s-int">{error.group(1)}</a>' in body
    assert body.count('aria-invalid="true"') == 1  # only the field at fault


def test_price_defaults_say_what_they_mean(client_in, shop, sandboxes):
    body = client_in.get("/settings").content.decode()
    assert "Account default" not in body
    assert "Any label (the first with a price)" in body and "first label (A–Z) that has a price" in body
    assert "Your shop&#x27;s currency" in body or "Your shop's currency" in body


def test_each_credential_field_is_marked_with_its_api_generation(client_in, shop, sandboxes):
    body = client_in.get("/settings").content.decode()
    fields = {
        label: api
        for api, label in re.findall(r'<div class="field" data-api="(v[24])"><label for="([\w-]+)"', body)
    }
    assert fields == {
        "s-token": "v2",
        "s-auth": "v4",
        "s-cid": "v4",
        "s-csec": "v4",
        "s-user": "v4",
        "s-pass": "v4",
        "s-acct": "v4",
    }
