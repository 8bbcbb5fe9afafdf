"""The icon: linked from every page, served, and /favicon.ico (which browsers ask for anyway) leads to it."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_favicon_is_served_and_linked() -> None:
    client = Client()
    redirect = client.get("/favicon.ico")
    assert redirect.status_code == 301
    icon = client.get(redirect["Location"])
    assert icon.status_code == 200 and b"<svg" in b"".join(icon.streaming_content)
    page = client.get("/conflicts")  # signed out: the app's own 401 page, on its base layout
    assert page.status_code == 401
    assert b'rel="icon" type="image/svg+xml" href="/static/joorsync/favicon.svg"' in page.content
