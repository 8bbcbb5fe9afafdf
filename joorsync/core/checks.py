"""System checks that keep the development defaults out of production.

The defaults (joorsync/core/dev_defaults.py) are public, so a deployment running on them has no
secrets at all: anyone could forge what Django signs with SECRET_KEY (password-reset links, signed
cookies), forge Shopify session tokens and webhooks, and decrypt every stored credential from a copy of
the database.

In production (settings.PRODUCTION) these are errors of the ordinary checks, so `migrate`, `qcluster`,
`runserver` and every other command refuse to start; `joorsync/wsgi.py` runs them before serving.
`manage.py check --deploy` reports the same errors from anywhere, so a configuration can be vetted
before it is deployed, and adds that sandbox mode must be off and that merchants' notification mails
can actually leave (`mail_check`; `manage.py mail_test --to ADDRESS` sends one to be sure).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig, apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from joorsync.core import dev_defaults

TAG = "joorsync"

# Django's own rule for a usable key (security.W009): long and not repetitive.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
#: Django's backends that print, keep or drop mails instead of delivering them.
UNDELIVERED_BACKENDS = (
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
)


def _secret_key_weak(key: str) -> bool:
    return (
        key == dev_defaults.SECRET_KEY
        or key.startswith("django-insecure-")
        or len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
    )


def secret_errors() -> list[checks.CheckMessage]:
    """Every development default or weak secret in the current settings, as errors."""
    errors: list[checks.CheckMessage] = []
    if _secret_key_weak(settings.SECRET_KEY):
        errors.append(
            checks.Error(
                "SECRET_KEY is the development default or too weak.",
                hint=f"Set DJANGO_SECRET_KEY to a random value of at least {SECRET_KEY_MIN_LENGTH} "
                "characters (python -c 'import secrets; print(secrets.token_urlsafe(50))').",
                id="joorsync.E001",
            )
        )
    shopify_secrets = (settings.SHOPIFY_API_SECRET, settings.SHOPIFY_API_SECRET_PREVIOUS)
    if not settings.SHOPIFY_API_SECRET or dev_defaults.SHOPIFY_API_SECRET in shopify_secrets:
        errors.append(
            checks.Error(
                "SHOPIFY_API_SECRET (or SHOPIFY_API_SECRET_PREVIOUS) is the sandbox default or empty.",
                hint="Set SHOPIFY_API_SECRET to the app's client secret from the Shopify Partner "
                "Dashboard; it signs session tokens, OAuth redirects and webhooks.",
                id="joorsync.E002",
            )
        )
    if not settings.FIELD_ENCRYPTION_KEYS:
        errors.append(
            checks.Error(
                "FIELD_ENCRYPTION_KEY is not set: stored credentials would be encrypted with a key "
                "derived from SECRET_KEY.",
                hint="Set FIELD_ENCRYPTION_KEY to a Fernet key (python -c 'from cryptography.fernet "
                "import Fernet; print(Fernet.generate_key().decode())'), kept apart from SECRET_KEY.",
                id="joorsync.E003",
            )
        )
    return errors


def production_secrets_check(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """In production, the development defaults stop every command and server."""
    return secret_errors() if settings.PRODUCTION else []


def deploy_check(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """`check --deploy` judges the configuration as production would, wherever it runs (in production
    the ordinary check already reports the secrets, so they are not repeated)."""
    errors = [] if settings.PRODUCTION else secret_errors()
    if settings.SANDBOX_MODE:
        errors.append(
            checks.Error(
                "JOORSYNC_SANDBOX_MODE is on: /sandbox/login signs anyone in as any installed shop.",
                hint="Unset JOORSYNC_SANDBOX_MODE; it is for the demo and local runs only.",
                id="joorsync.E004",
            )
        )
    return errors


def _backend_is(backend: type, paths: Sequence[str]) -> bool:
    for path in paths:
        try:
            if issubclass(backend, import_string(path)):
                return True
        except ImportError:
            continue
    return False


def mail_errors() -> list[checks.CheckMessage]:
    """What keeps notification mails (a failed sync, new problems, the daily summary) from reaching
    merchants: a backend that does not deliver outside DEBUG, or an SMTP setting that cannot work."""
    path = str(settings.EMAIL_BACKEND)
    try:
        backend = import_string(path)
    except ImportError as exc:
        return [
            checks.Error(
                f"EMAIL_BACKEND {path!r} cannot be imported ({exc}).",
                hint="Set EMAIL_BACKEND to django.core.mail.backends.smtp.EmailBackend (the production "
                "default) or to an installed backend.",
                id="joorsync.E010",
            )
        ]
    errors: list[checks.CheckMessage] = []
    notifying = apps.is_installed("joorsync.notifications")
    if notifying and not settings.DEBUG and _backend_is(backend, UNDELIVERED_BACKENDS):
        errors.append(
            checks.Error(
                f"EMAIL_BACKEND is {path}: notification mails to merchants are never delivered.",
                hint="Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST "
                "(with EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD and EMAIL_USE_TLS or "
                "EMAIL_USE_SSL as the mail provider says), then try it with `manage.py mail_test --to "
                "ADDRESS`.",
                id="joorsync.E011",
            )
        )
    if not _backend_is(backend, (SMTP_BACKEND,)):
        return errors
    if not str(settings.EMAIL_HOST or "").strip():
        errors.append(
            checks.Error(
                "EMAIL_HOST is empty: the SMTP backend has no server to send to.",
                hint="Set EMAIL_HOST to the mail provider's SMTP server name.",
                id="joorsync.E012",
            )
        )
    if settings.EMAIL_USE_TLS and settings.EMAIL_USE_SSL:
        errors.append(
            checks.Error(
                "EMAIL_USE_TLS and EMAIL_USE_SSL are both on; SMTP uses one or the other and Django "
                "refuses to send with both.",
                hint="Port 587 usually means EMAIL_USE_TLS (STARTTLS), port 465 EMAIL_USE_SSL: keep one.",
                id="joorsync.E013",
            )
        )
    if settings.EMAIL_HOST_USER and not settings.EMAIL_HOST_PASSWORD:
        errors.append(
            checks.Error(
                "EMAIL_HOST_USER is set but EMAIL_HOST_PASSWORD is empty: the SMTP login would fail.",
                hint="Set EMAIL_HOST_PASSWORD (or unset EMAIL_HOST_USER for a relay that needs no login).",
                id="joorsync.E014",
            )
        )
    timeout = settings.EMAIL_TIMEOUT
    if timeout is None or float(timeout) <= 0:
        errors.append(
            checks.Warning(
                "EMAIL_TIMEOUT is not set: a mail server that stops answering holds the worker that "
                "sends the mail after a job for as long as the connection lasts.",
                hint="Set EMAIL_TIMEOUT to a number of seconds (10 is the default of this project).",
                id="joorsync.W010",
            )
        )
    return errors


def mail_check(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """`check --deploy`: notification mails can leave this deployment."""
    return mail_errors()


def register() -> None:
    checks.register(production_secrets_check, checks.Tags.security, TAG)
    checks.register(deploy_check, checks.Tags.security, TAG, deploy=True)
    checks.register(mail_check, TAG, deploy=True)


def refuse_unsafe_production() -> None:
    """For servers that start without manage.py (gunicorn imports joorsync.wsgi): in production, raise
    when this project's checks find errors, as `runserver` would refuse to start."""
    if not settings.PRODUCTION:
        return
    serious = [m for m in checks.run_checks(tags=[TAG]) if m.is_serious() and not m.is_silenced()]
    if serious:
        lines = "\n".join(str(message) for message in serious)
        raise ImproperlyConfigured(f"refusing to serve with an unsafe production configuration:\n{lines}")
