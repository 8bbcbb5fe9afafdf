"""Settings for joorsync, read from the environment in this one place.

Every knob has a safe local default so that `make run` and `make test` work on a fresh laptop
(SQLite + django-q2's ORM broker). Production sets the variables listed in README.md.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

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
    return int(value) if value not in (None, "") else default


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# The development key is only for local runs; production must set DJANGO_SECRET_KEY.
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-insecure-joorsync-secret-key-change-me-0123456789")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_q",
    "joorsync.core",
    "joorsync.joor",
    "shopify_app",
    "joorsync.sync",
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
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True

# --- Stored secrets: Fernet keys, newest first (comma-separated) so keys can be rotated. ---
# Unset, a key is derived from SECRET_KEY (fine for local runs; production sets its own).
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
SHOPIFY_API_KEY = env_str("SHOPIFY_API_KEY", "sandbox-api-key")
SHOPIFY_API_SECRET = env_str("SHOPIFY_API_SECRET", "sandbox-api-secret")
# During a secret rotation Shopify may still sign with the previous secret.
SHOPIFY_API_SECRET_PREVIOUS = env_str("SHOPIFY_API_SECRET_PREVIOUS")
SHOPIFY_APP_URL = env_str("SHOPIFY_APP_URL", "http://127.0.0.1:8000").rstrip("/")
SHOPIFY_API_VERSION = env_str("SHOPIFY_API_VERSION", "2026-07")
SHOPIFY_SCOPES = env_list(
    "SHOPIFY_SCOPES", "read_products,write_products,read_inventory,write_inventory,read_locations"
)
# Points every shop's admin host at one base URL (the sandbox). Empty: https://{shop}.
SHOPIFY_ADMIN_BASE_URL = env_str("SHOPIFY_ADMIN_BASE_URL").rstrip("/")
SHOPIFY_HTTP_TIMEOUT = env_float("SHOPIFY_HTTP_TIMEOUT", 30.0)

# --- JOOR ---
JOOR_API_BASE_URL = env_str("JOOR_API_BASE_URL", "https://api.jooraccess.com").rstrip("/")
JOOR_AUTH_URL = env_str("JOOR_AUTH_URL", "https://atlas.jooraccess.com/auth/")
JOOR_HTTP_TIMEOUT = env_float("JOOR_HTTP_TIMEOUT", 30.0)
# Client-side credit budget: JOOR charges 1 credit per GET and 5 per write, 300 per fixed 300 s window.
JOOR_CREDITS_PER_WINDOW = env_int("JOOR_CREDITS_PER_WINDOW", 300)
JOOR_CREDIT_WINDOW_SECONDS = env_float("JOOR_CREDIT_WINDOW_SECONDS", 300.0)

# --- Sandbox mode: enables /sandbox/login and the demo wiring. Never on in production. ---
SANDBOX_MODE = env_bool("JOORSYNC_SANDBOX_MODE", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
}
