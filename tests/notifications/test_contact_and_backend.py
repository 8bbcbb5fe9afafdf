"""Where mails go and how: the recipient and time zone Shopify reports (its `shop { email }`), the
console backend outside production (the demo's worker log shows each mail), SMTP in production."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import graphql
import pytest

from joorsync.core.demo.runner import DemoConfig, demo_environment
from joorsync.notifications.models import NotificationSettings
from joorsync.notifications.services import notification_settings_for, notify_job_finished
from joorsync.notifications.shopify_contact import DOCUMENT, shop_contact_read
from joorsync.sync.models import SyncJob
from tests.conftest import REPO_ROOT, shared_path
from tests.notifications.conftest import OWNER, make_problems
from tests.shopify_app.app_support import installed_shop

CONSOLE = "django.core.mail.backends.console.EmailBackend"
SMTP = "django.core.mail.backends.smtp.EmailBackend"


def test_the_contact_query_validates_against_the_real_schema():
    sdl = shared_path("reference", "shopify", "admin-2026-07.graphql").read_text(encoding="utf-8")
    schema = graphql.build_schema(sdl, assume_valid=True)
    assert graphql.validate(schema, graphql.parse(DOCUMENT)) == []


@pytest.mark.django_db
def test_the_shops_email_and_time_zone_come_from_shopify(shop):
    contact = shop_contact_read(shop=shop)
    assert contact is not None and (contact.email, contact.time_zone) == (OWNER, "Etc/UTC")


@pytest.mark.django_db
def test_an_unreachable_shopify_leaves_the_recipient_blank(settings):
    shop = installed_shop(shop="gone.myshopify.com", admin_base_url="http://127.0.0.1:9", expires_in=None)
    assert shop_contact_read(shop=shop) is None
    made = notification_settings_for(shop=shop)
    assert (made.recipient, made.shop_time_zone, made.contact_read_at) == ("", "", None)
    assert NotificationSettings.objects.filter(shop=shop).count() == 1


def _backend(env: dict[str, str]) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "JOORSYNC_", "EMAIL_"))}
    code = "import joorsync.settings as s; print(s.EMAIL_BACKEND)"
    done = subprocess.run(  # noqa: S603 - our own interpreter reading our own settings
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_the_demo_and_development_print_mails_and_production_sends_them():
    demo = demo_environment(config=DemoConfig(log_dir=Path("/nonexistent")), base={})
    assert _backend({k: v for k, v in demo.items() if k.startswith(("JOORSYNC_", "SHOPIFY_"))}) == CONSOLE
    assert _backend({"DJANGO_DEBUG": "1", "DJANGO_ALLOWED_HOSTS": "joorsync.example.com"}) == CONSOLE
    assert _backend({}) == CONSOLE  # a local run on the loopback-only defaults
    assert _backend({"DJANGO_ALLOWED_HOSTS": "joorsync.example.com"}) == SMTP
    assert _backend({"DJANGO_ALLOWED_HOSTS": "joorsync.example.com", "EMAIL_BACKEND": CONSOLE}) == CONSOLE


@pytest.mark.django_db
def test_the_console_backend_prints_the_mail_where_the_worker_logs(shop, settings, capsys):
    settings.EMAIL_BACKEND = CONSOLE
    make_problems(shop, 1)
    job = SyncJob.objects.create(shop=shop, kind="full", status=SyncJob.Status.SUCCEEDED)
    assert notify_job_finished(job=job) == 1
    printed = capsys.readouterr().out
    assert "Subject: 1 product needs attention in joorsync" in printed
    assert f"To: {OWNER}" in printed and "- Wool coat 0:" in printed
