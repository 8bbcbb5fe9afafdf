"""The job page shows JOOR's error text as stored: without the escape sequences it arrived with."""

from __future__ import annotations

import pytest

from joorsync.sync.jobs import sync_event_record, sync_job_create, sync_job_execute
from tests.sync.jobs_support import install_engine

pytestmark = pytest.mark.django_db

COMMENT = "bad \x1b[31mtoken\x1b[0m\x1b]0;owned\x07\r\x9b1mnow"


def test_a_failed_job_page_shows_the_error_and_events_without_control_characters(
    client_in, shop, monkeypatch
):
    def engine(*, job):
        sync_event_record(job=job, action="write_failed", level="error", message=f"JOOR refused: {COMMENT}")
        raise RuntimeError(f"JOOR v2: response code 400: {COMMENT}")

    install_engine(monkeypatch, engine)
    job = sync_job_execute(job_id=sync_job_create(shop=shop, kind="full").pk)
    body = client_in.get(f"/jobs/{job.pk}").content.decode()
    assert "RuntimeError: JOOR v2: response code 400: bad tokennow" in body
    assert "JOOR refused: bad tokennow" in body
    assert not any(c in body for c in "\x1b\x07\r\x9b")
