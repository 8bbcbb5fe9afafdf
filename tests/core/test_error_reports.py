"""The DEBUG error page (and admin error mails) show no broker, database or URL-embedded password."""

from __future__ import annotations

import sys

import pytest
from django.views.debug import technical_500_response

PASSWORD = "hunter2-redis-pw"  # noqa: S105 - a marker to look for in the page
REDIS_URL = f"redis://:{PASSWORD}@redis.internal:6379/0"


@pytest.fixture
def secrets_in_settings(settings):
    settings.DEBUG = True
    settings.REDIS_URL = REDIS_URL
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "redis": REDIS_URL}
    settings.UPSTREAM_FEED = f"https://feed-user:{PASSWORD}@feeds.example.com/catalog"
    return settings


def error_page(request) -> str:
    upstream = f"https://joor:{PASSWORD}@api.example.com/v2"  # a local variable in the failing frame
    try:
        raise RuntimeError(f"boom talking to {upstream.split('@')[1]}")
    except RuntimeError:
        return technical_500_response(request, *sys.exc_info()).content.decode()


def test_the_debug_page_hides_the_redis_password_everywhere(rf, secrets_in_settings):
    request = rf.get(
        "/",
        REDIS_URL=REDIS_URL,  # runserver copies the process environment into request.META
        DATABASE_URL=f"postgres://joorsync:{PASSWORD}@db.internal:5432/joorsync",
        HTTP_X_UPSTREAM=f"amqp://guest:{PASSWORD}@mq.internal//",
    )
    page = error_page(request)
    assert "boom talking to api.example.com/v2" in page  # the page itself is still there
    assert "REDIS_URL" in page and "Q_CLUSTER" in page and "UPSTREAM_FEED" in page
    assert PASSWORD not in page
    assert "feeds.example.com/catalog" in page  # a URL keeps its host, loses its user part


def test_the_filter_is_the_projects(settings):
    from django.views.debug import get_default_exception_reporter_filter

    assert type(get_default_exception_reporter_filter()).__name__ == "SecretsHidingReporterFilter"
