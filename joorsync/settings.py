"""Settings for joorsync, read from the environment in this one place.

Every knob has a safe local default so that `make run` and `make test` work on a fresh laptop
(SQLite + django-q2's ORM broker). Production sets the variables listed in README.md.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

from joorsync.core import dev_defaults

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# --- Sandbox mode: enables /sandbox/login and the demo wiring. Never on in production. ---
SANDBOX_MODE = env_bool("JOORSYNC_SANDBOX_MODE", False)
# The development key is only for local runs; production must set DJANGO_SECRET_KEY.
SECRET_KEY = env_str("DJANGO_SECRET_KEY", dev_defaults.SECRET_KEY)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Production: neither debug nor sandbox mode, and answering to a host name beyond this machine (a real
# deployment must list its public name in DJANGO_ALLOWED_HOSTS, or Django refuses every request). There
# the development defaults are errors (joorsync/core/checks.py: no command or server starts with them),
# nothing is derived from SECRET_KEY, and cookies and HSTS default to HTTPS-only. `make run`, `make
# test` and their child processes run with the loopback-only defaults, so they are never production.
PRODUCTION = (
    not DEBUG and not SANDBOX_MODE and any(host not in dev_defaults.LOCAL_HOSTS for host in ALLOWED_HOSTS)
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_q",
    "axes",
    "joorsync.core",
    "joorsync.joor",
    "shopify_app",
    "joorsync.sync",
    "joorsync.orders",
    "joorsync.notifications",
    "joorsync.pricing",
    "joorsync.linesheets",
    "joorsync.media",
    "joorsync.stock",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Framing is governed by CSP frame-ancestors instead of X-Frame-Options: Shopify admin frames
    # the app (the shop's admin and admin.shopify.com may), and nothing else may frame any page.
    "shopify_app.middleware.FrameAncestorsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "joorsync.urls"
WSGI_APPLICATION = "joorsync.wsgi.application"
ASGI_APPLICATION = "joorsync.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database: SQLite file by default, DATABASE_URL (e.g. postgres://...) otherwise. ---
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the web process and a qcluster share one SQLite file; in WAL mode
    # synchronous=NORMAL is durable across crashes of the process (not of the machine's power).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Staff sign-in (/admin/): django-axes locks a username out from one address after repeated
# failures; the address is REMOTE_ADDR (a client cannot spoof it), so behind a proxy every client
# shares the proxy's address and a lockout holds that username for everyone until the cool-off ends.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out attempt before any password check
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"

# --- Security headers. The app is framed by Shopify admin, so framing is governed by CSP. ---
SESSION_COOKIE_HTTPONLY = True
# Cookies travel over HTTPS only, by default in production; local runs serve plain http.
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
# HSTS (sent on HTTPS responses only): a year by default in production, off elsewhere.
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 365 * 24 * 3600 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips it from clients), requests
# count as HTTPS only with this on; never turn it on without such a proxy.
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Error reports (DEBUG pages, admin mails) hide settings and request values that hold secrets. ---
DEFAULT_EXCEPTION_REPORTER_FILTER = "joorsync.core.reporting.SecretsHidingReporterFilter"

# --- Stored secrets: Fernet keys, newest first (comma-separated) so keys can be rotated. ---
# Unset, local runs derive a key from SECRET_KEY; production refuses to (see joorsync/core/crypto.py).
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEY")

# --- Task queue (django-q2): ORM broker unless REDIS_URL is set. ---
REDIS_URL = env_str("REDIS_URL")
Q_CLUSTER: dict = {
    "name": env_str("Q_CLUSTER_NAME", "joorsync"),
    "workers": env_int("Q_WORKERS", 2),
    # A full sync at JOOR's real rate limit can take hours; the broker re-delivers a task only after
    # `retry`, which must stay above `timeout`.
    "timeout": env_int("Q_TIMEOUT", 4 * 3600),
    "retry": env_int("Q_RETRY", 4 * 3600 + 60),
    "max_attempts": env_int("Q_MAX_ATTEMPTS", 1),
    "catch_up": False,
    "save_limit": 1000,
    "label": "Task queue",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
    Q_CLUSTER["poll"] = env_float("Q_POLL", 0.5)

# --- Sync jobs: a running job whose heartbeat is older than this is taken for a dead worker. ---
JOORSYNC_JOB_STALE_MINUTES = env_int("JOORSYNC_JOB_STALE_MINUTES", 10)
JOORSYNC_JOB_MAX_ATTEMPTS = env_int("JOORSYNC_JOB_MAX_ATTEMPTS", 5)
SYNC_SPOOL_DIR = env_str("SYNC_SPOOL_DIR")  # where full syncs spool catalogs (default: the temp dir)

# --- Shopify ---
SHOPIFY_API_KEY = env_str("SHOPIFY_API_KEY", dev_defaults.SHOPIFY_API_KEY)
SHOPIFY_API_SECRET = env_str("SHOPIFY_API_SECRET", dev_defaults.SHOPIFY_API_SECRET)
# During a secret rotation Shopify may still sign with the previous secret.
SHOPIFY_API_SECRET_PREVIOUS = env_str("SHOPIFY_API_SECRET_PREVIOUS")
SHOPIFY_APP_URL = env_str("SHOPIFY_APP_URL", "http://127.0.0.1:8000").rstrip("/")
SHOPIFY_API_VERSION = env_str("SHOPIFY_API_VERSION", "2026-07")
SHOPIFY_SCOPES = env_list(
    "SHOPIFY_SCOPES",
    "read_products,write_products,read_inventory,write_inventory,read_locations,read_orders,write_orders,read_customers,write_customers,read_merchant_managed_fulfillment_orders,write_merchant_managed_fulfillment_orders",
)
# Points every shop's admin host at one base URL (the sandbox). Empty: https://{shop}.
SHOPIFY_ADMIN_BASE_URL = env_str("SHOPIFY_ADMIN_BASE_URL").rstrip("/")
SHOPIFY_HTTP_TIMEOUT = env_float("SHOPIFY_HTTP_TIMEOUT", 30.0)

# --- JOOR ---
JOOR_API_BASE_URL = env_str("JOOR_API_BASE_URL", "https://api.jooraccess.com").rstrip("/")
JOOR_AUTH_URL = env_str("JOOR_AUTH_URL", "https://atlas.jooraccess.com/auth/")
JOOR_HTTP_TIMEOUT = env_float("JOOR_HTTP_TIMEOUT", 30.0)
# Where a person opens a style in JOOR's web app, `{style_id}` and `{style_number}` filled in. JOOR's
# public reference names no stable address for a style's page, so it is the operator's to set; empty:
# pages name the style without a link to JOOR.
JOOR_STYLE_URL_TEMPLATE = env_str("JOOR_STYLE_URL_TEMPLATE")
# Hosts beyond JOOR's own that JOOR URLs may name in production (comma-separated; "host" or
# "host:port", https and public addresses only). Outside production any host is allowed.
JOOR_ALLOWED_HOSTS = env_list("JOOR_ALLOWED_HOSTS")
# Client-side credit budget: JOOR charges 1 credit per GET and 5 per write, 300 per fixed 300 s window.
JOOR_CREDITS_PER_WINDOW = env_int("JOOR_CREDITS_PER_WINDOW", 300)
JOOR_CREDIT_WINDOW_SECONDS = env_float("JOOR_CREDIT_WINDOW_SECONDS", 300.0)

# --- Orders ---
# Shopify's order search can trail an orderCreate by seconds: an interrupted create younger than this
# is looked up only once it is this old (so the lookup does not miss it and create it twice).
ORDER_SEARCH_SETTLE_SECONDS = env_float("ORDER_SEARCH_SETTLE_SECONDS", 10.0)

# --- E-mail: notifications to merchants (joorsync.notifications). Outside production mails are printed
# on the console (the demo's web and worker logs); production sends through SMTP. ---
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
# Mails are sent by the worker right after a job: an SMTP server that hangs must not hold it long.
EMAIL_TIMEOUT = env_float("EMAIL_TIMEOUT", 10.0)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "joorsync <noreply@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Log lines carry text from JOOR and Shopify (error comments): no escape sequence reaches a terminal.
    "filters": {"strip_controls": {"()": "joorsync.core.text.StripControlsFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["strip_controls"]}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # failures and lockouts; not its start-up banner in every command
    },
}
