"""Production refuses the development defaults; local runs keep them.

In-process tests switch `settings.PRODUCTION` directly; the subprocess tests prove that the environment
a deployment sets really makes `manage.py` and the WSGI entry point refuse, and that `make run`'s and
`make test`'s plain environment does not.
"""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from joorsync.core import dev_defaults
from joorsync.core.checks import deploy_check, mail_check, production_secrets_check

REPO = Path(__file__).resolve().parents[2]
GOOD_SECRET_KEY = "k3y-" + "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
GOOD_FIELD_KEY = Fernet.generate_key().decode()
# Every variable that decides production or carries a secret: each test starts from none of them.
DECIDING = (
    "DJANGO_DEBUG",
    "JOORSYNC_SANDBOX_MODE",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_SECRET_KEY",
    "SHOPIFY_API_SECRET",
    "SHOPIFY_API_SECRET_PREVIOUS",
    "FIELD_ENCRYPTION_KEY",
    "DJANGO_SECURE_COOKIES",
    "DJANGO_SECURE_HSTS_SECONDS",
)
PRODUCTION_HOST = {"DJANGO_ALLOWED_HOSTS": "joorsync.example.com"}
REAL_SECRETS = {
    "DJANGO_SECRET_KEY": GOOD_SECRET_KEY,
    "SHOPIFY_API_SECRET": "shpss_" + "f" * 32,
    "FIELD_ENCRYPTION_KEY": GOOD_FIELD_KEY,
}


@pytest.fixture
def production(settings):
    """The development defaults, in production."""
    settings.PRODUCTION = True
    settings.DEBUG = False
    settings.SANDBOX_MODE = False
    settings.SECRET_KEY = dev_defaults.SECRET_KEY
    settings.SHOPIFY_API_SECRET = dev_defaults.SHOPIFY_API_SECRET
    settings.SHOPIFY_API_SECRET_PREVIOUS = ""
    settings.FIELD_ENCRYPTION_KEYS = []
    _smtp(settings)
    return settings


def _smtp(settings):
    """A complete SMTP configuration, as a deployment sets it."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "smtp.example.com"
    settings.EMAIL_PORT = 587
    settings.EMAIL_HOST_USER = "mailer"
    settings.EMAIL_HOST_PASSWORD = "mailer-password"  # a fake credential
    settings.EMAIL_USE_TLS = True
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10.0


def ids(messages) -> set[str]:
    return {message.id for message in messages}


def test_production_with_the_development_defaults_is_three_errors(production):
    errors = production_secrets_check()
    assert ids(errors) == {"joorsync.E001", "joorsync.E002", "joorsync.E003"}
    assert all(error.is_serious() for error in errors)
    assert dev_defaults.SECRET_KEY not in "".join(str(error) for error in errors)


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("short-but-random-Xq7", id="short"),
        pytest.param("a" * 60, id="repetitive"),
        pytest.param("django-insecure-" + "x7Yq2" * 10, id="django-insecure"),
    ],
)
def test_a_weak_secret_key_is_an_error(production, key):
    production.SECRET_KEY = key
    assert "joorsync.E001" in ids(production_secrets_check())


def test_the_sandbox_secret_as_the_previous_shopify_secret_is_an_error(production):
    production.SHOPIFY_API_SECRET = REAL_SECRETS["SHOPIFY_API_SECRET"]
    production.SHOPIFY_API_SECRET_PREVIOUS = dev_defaults.SHOPIFY_API_SECRET
    assert "joorsync.E002" in ids(production_secrets_check())


def test_production_with_real_secrets_passes(production):
    production.SECRET_KEY = GOOD_SECRET_KEY
    production.SHOPIFY_API_SECRET = REAL_SECRETS["SHOPIFY_API_SECRET"]
    production.FIELD_ENCRYPTION_KEYS = [GOOD_FIELD_KEY]
    assert production_secrets_check() == []
    assert deploy_check() == []
    call_command("check", deploy=True, fail_level="ERROR", stdout=StringIO())


def test_local_runs_keep_the_development_defaults(settings):
    assert settings.PRODUCTION is False  # the suite's own plain environment
    assert production_secrets_check() == []
    call_command("check", stdout=StringIO())


def test_ordinary_checks_stop_every_command_in_production(production):
    with pytest.raises(SystemCheckError) as info:
        call_command("check")
    assert all(f"joorsync.E00{n}" in str(info.value) for n in (1, 2, 3))


def test_check_deploy_fails_on_the_development_defaults_anywhere(settings):
    with pytest.raises(SystemCheckError) as info:
        call_command("check", deploy=True)
    assert all(f"joorsync.E00{n}" in str(info.value) for n in (1, 2, 3))


def test_check_deploy_refuses_sandbox_mode(settings):
    settings.SANDBOX_MODE = True
    assert "joorsync.E004" in ids(deploy_check())


# -- mail ---------------------------------------------------------------------------------------


@pytest.fixture
def mail_settings(settings):
    settings.DEBUG = False
    _smtp(settings)
    return settings


def test_a_complete_smtp_configuration_passes_the_mail_check(mail_settings):
    assert mail_check() == []


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
    ],
)
def test_a_backend_that_does_not_deliver_is_an_error_without_debug(mail_settings, backend):
    mail_settings.EMAIL_BACKEND = backend
    errors = mail_check()
    assert ids(errors) == {"joorsync.E011"} and errors[0].is_serious()
    assert backend in errors[0].msg
    mail_settings.DEBUG = True  # a developer's machine: printing mails is what is wanted
    assert mail_check() == []


def test_a_backend_that_does_not_deliver_is_fine_without_the_notifications_app(mail_settings):
    mail_settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    mail_settings.INSTALLED_APPS = [
        app for app in mail_settings.INSTALLED_APPS if app != "joorsync.notifications"
    ]
    assert mail_check() == []


def test_a_backend_that_cannot_be_imported_is_an_error(mail_settings):
    mail_settings.EMAIL_BACKEND = "no.such.module.EmailBackend"
    assert ids(mail_check()) == {"joorsync.E010"}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param({"EMAIL_HOST": ""}, "joorsync.E012", id="no-host"),
        pytest.param({"EMAIL_HOST": "   "}, "joorsync.E012", id="blank-host"),
        pytest.param({"EMAIL_USE_SSL": True}, "joorsync.E013", id="tls-and-ssl"),
        pytest.param({"EMAIL_HOST_PASSWORD": ""}, "joorsync.E014", id="user-without-password"),
        pytest.param({"EMAIL_TIMEOUT": None}, "joorsync.W010", id="no-timeout"),
        pytest.param({"EMAIL_TIMEOUT": 0}, "joorsync.W010", id="zero-timeout"),
    ],
)
def test_each_smtp_misconfiguration_is_reported(mail_settings, changes, expected):
    for name, value in changes.items():
        setattr(mail_settings, name, value)
    messages = mail_check()
    assert ids(messages) == {expected}
    assert messages[0].is_serious() is expected.startswith("joorsync.E")
    assert "mailer-password" not in "".join(str(m) for m in messages)


def test_smtp_checks_apply_with_debug_on_too(mail_settings):
    mail_settings.DEBUG = True
    mail_settings.EMAIL_USE_SSL = True
    assert ids(mail_check()) == {"joorsync.E013"}


def test_a_relay_without_login_needs_no_password(mail_settings):
    mail_settings.EMAIL_HOST_USER = ""
    mail_settings.EMAIL_HOST_PASSWORD = ""
    assert mail_check() == []


def test_check_deploy_reports_the_mail_errors(production):
    production.SECRET_KEY = GOOD_SECRET_KEY
    production.SHOPIFY_API_SECRET = REAL_SECRETS["SHOPIFY_API_SECRET"]
    production.FIELD_ENCRYPTION_KEYS = [GOOD_FIELD_KEY]
    production.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    with pytest.raises(SystemCheckError) as info:
        call_command("check", deploy=True, fail_level="ERROR", stdout=StringIO())
    assert "joorsync.E011" in str(info.value)
    call_command("check", fail_level="ERROR", stdout=StringIO())  # not the ordinary checks: no refusal


def _run(argv: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in DECIDING}
    base["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    return subprocess.run(  # noqa: S603 - our own interpreter with fixed arguments
        [sys.executable, *argv], cwd=REPO, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("env", "refused"),
    [
        pytest.param(PRODUCTION_HOST, True, id="production-defaults"),
        pytest.param({**PRODUCTION_HOST, **REAL_SECRETS}, False, id="production-configured"),
        pytest.param({}, False, id="local-plain"),
        pytest.param({**PRODUCTION_HOST, "DJANGO_DEBUG": "1"}, False, id="debug"),
        pytest.param({**PRODUCTION_HOST, "JOORSYNC_SANDBOX_MODE": "1"}, False, id="sandbox"),
    ],
)
def test_manage_py_refuses_to_start_in_production_on_the_defaults(tmp_path, env, refused):
    result = _run(["manage.py", "check"], env, tmp_path)
    assert (result.returncode != 0) is refused, result.stdout + result.stderr
    if refused:
        assert all(f"joorsync.E00{n}" in result.stderr for n in (1, 2, 3)), result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("env", "refused"),
    [
        pytest.param(PRODUCTION_HOST, True, id="production-defaults"),
        pytest.param({**PRODUCTION_HOST, **REAL_SECRETS}, False, id="production-configured"),
        pytest.param({}, False, id="local-plain"),
    ],
)
def test_the_wsgi_entry_point_refuses_to_serve_in_production_on_the_defaults(tmp_path, env, refused):
    """What gunicorn imports: it runs no manage.py, so the module itself must refuse."""
    result = _run(["-c", "import joorsync.wsgi"], env, tmp_path)
    assert (result.returncode != 0) is refused, result.stdout + result.stderr
    if refused:
        assert "ImproperlyConfigured" in result.stderr and "joorsync.E001" in result.stderr


@pytest.mark.slow
def test_check_deploy_fails_on_the_plain_local_environment(tmp_path):
    result = _run(["manage.py", "check", "--deploy"], {}, tmp_path)
    assert result.returncode != 0 and "joorsync.E001" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("env", "expected"),
    [
        pytest.param({**PRODUCTION_HOST, **REAL_SECRETS}, "True 31536000", id="production"),
        pytest.param({}, "False 0", id="local"),
        pytest.param({**PRODUCTION_HOST, "JOORSYNC_SANDBOX_MODE": "1"}, "False 0", id="sandbox"),
        pytest.param(
            {
                **PRODUCTION_HOST,
                **REAL_SECRETS,
                "DJANGO_SECURE_COOKIES": "0",
                "DJANGO_SECURE_HSTS_SECONDS": "60",
            },
            "False 60",
            id="production-overridden",
        ),
        pytest.param({"DJANGO_SECURE_COOKIES": "1"}, "True 0", id="local-opted-in"),
    ],
)
def test_secure_cookies_and_hsts_default_on_in_production_only(tmp_path, env, expected):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "assert s.SESSION_COOKIE_SECURE == s.CSRF_COOKIE_SECURE; "
        "print(s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)"
    )
    result = _run(["-c", code], {**env, "DJANGO_SETTINGS_MODULE": "joorsync.settings"}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected
