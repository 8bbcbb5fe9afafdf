"""shopify.app.toml, the configuration Shopify CLI deploys, agrees with what the app requests and
handles: its scopes and OAuth callback with the install flow's, its webhook topics with the topic
registry, its webhook address with the app's endpoint. Changing one side without the other fails here."""

from __future__ import annotations

import tomllib
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from shopify_app.oauth import authorize_url
from shopify_app.webhooks.registry import webhook_topic_known
from shopify_app.webhooks.topics import COMPLIANCE_TOPICS, SUBSCRIBED_TOPICS, topic_header
from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def toml() -> dict:
    with (REPO_ROOT / "shopify.app.toml").open("rb") as f:
        return tomllib.load(f)


@pytest.fixture
def requested(settings) -> dict[str, list[str]]:
    """The query of the authorize URL the app sends a merchant to when it installs itself."""
    settings.SHOPIFY_APP_URL = "https://joorsync.example.com"
    url = authorize_url(shop_domain="demo.myshopify.com", admin_base="https://demo.myshopify.com", state="s")
    return parse_qs(urlsplit(url).query)


def test_the_app_is_embedded_with_an_https_url_and_a_client_id(toml):
    assert toml["embedded"] is True and toml["name"] == "joorsync" and toml["client_id"]
    assert urlsplit(toml["application_url"]).scheme == "https"
    assert toml["access_scopes"]["use_legacy_install_flow"] is False  # Shopify-managed installation


def test_scopes_are_the_ones_the_app_requests(toml, requested):
    declared = toml["access_scopes"]["scopes"].split(",")
    assert declared == [s.strip() for s in declared] and len(set(declared)) == len(declared)
    assert set(declared) == set(settings.SHOPIFY_SCOPES) == set(requested["scope"][0].split(","))


def test_the_redirect_url_is_the_apps_oauth_callback(toml, requested):
    host = urlsplit(toml["application_url"]).netloc
    (redirect,) = toml["auth"]["redirect_urls"]
    assert redirect == requested["redirect_uri"][0]
    assert urlsplit(redirect)._replace(path="").geturl() == f"https://{host}"
    assert urlsplit(redirect).path == reverse("shopify_app:auth_callback")


def test_the_webhook_version_is_the_apps_api_version(toml):
    assert toml["webhooks"]["api_version"] == settings.SHOPIFY_API_VERSION == "2026-07"


def test_every_registered_topic_and_every_compliance_topic_is_subscribed_once(toml):
    subscriptions = toml["webhooks"]["subscriptions"]
    topics = [t for s in subscriptions for t in s.get("topics", [])]
    compliance = [t for s in subscriptions for t in s.get("compliance_topics", [])]
    assert sorted(topics) == sorted(topic_header(t) for t in SUBSCRIBED_TOPICS)
    assert sorted(compliance) == sorted(COMPLIANCE_TOPICS)
    assert all(webhook_topic_known(t) for t in topics + compliance)  # a handler runs for each


def test_every_subscription_points_at_the_apps_webhook_endpoint(toml):
    host = urlsplit(toml["application_url"]).netloc
    for subscription in toml["webhooks"]["subscriptions"]:
        uri = urlsplit(subscription["uri"])
        assert (uri.scheme, uri.netloc, uri.path) == ("https", host, reverse("shopify_app:webhooks"))
