"""Another shop's conflicts, links and jobs are never visible nor changeable: 404, and nothing moves."""

from __future__ import annotations

import pytest
from django.test import Client

from joorsync.sync.models import Conflict, ProductLink, SyncJob
from tests.shopify_app.app_support import session_token
from tests.sync.jobs_support import make_conflict, make_link
from tests.sync.ui.conftest import SHOP

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs(other_shop):
    link = make_link(other_shop, 1)
    return {
        "link": link,
        "conflict": make_conflict(other_shop, link),
        "job": SyncJob.objects.create(shop=other_shop, status="failed", error="their secret trouble"),
    }


def assert_untouched(theirs):
    assert Conflict.objects.get(pk=theirs["conflict"].pk).status == "open"
    assert ProductLink.objects.get(pk=theirs["link"].pk).status == "linked"
    assert SyncJob.objects.get(pk=theirs["job"].pk).status == "failed"
    assert SyncJob.objects.filter(shop=theirs["link"].shop).count() == 1


def test_get_is_404(client_in, theirs):
    assert client_in.get(f"/conflicts/{theirs['conflict'].pk}").status_code == 404
    assert client_in.get(f"/jobs/{theirs['job'].pk}").status_code == 404
    for url in ("/conflicts", "/links", "/jobs", "/"):
        body = client_in.get(url).content.decode()
        assert "their secret trouble" not in body and f'/conflicts/{theirs["conflict"].pk}"' not in body
        assert f'id="link-{theirs["link"].pk}"' not in body and f'id="job-{theirs["job"].pk}"' not in body


def test_post_is_404(client_in, theirs):
    c, link, job = theirs["conflict"], theirs["link"], theirs["job"]
    assert client_in.post(f"/conflicts/{c.pk}/resolve", {"resolution": "keep_shopify"}).status_code == 404
    assert client_in.post(f"/links/{link.pk}/unlink").status_code == 404
    assert client_in.post(f"/links/{link.pk}/link", {"joor_style_id": link.joor_style_id}).status_code == 404
    assert client_in.post(f"/jobs/{job.pk}/retry").status_code == 404
    # Bulk resolution silently skips ids that are not this shop's.
    client_in.post("/conflicts/bulk", {"resolution": "keep_joor", "scope": "selected", "ids": [c.pk]})
    client_in.post("/conflicts/bulk", {"resolution": "keep_joor", "scope": "filter"})
    assert_untouched(theirs)


def test_session_token_is_scoped_too(settings, shop, theirs):
    settings.SANDBOX_MODE = False
    headers = {"Authorization": f"Bearer {session_token(shop=SHOP)}"}
    client = Client()
    assert client.get(f"/conflicts/{theirs['conflict'].pk}", headers=headers).status_code == 404
    assert client.get(f"/jobs/{theirs['job'].pk}", headers=headers).status_code == 404
    assert client.post(f"/jobs/{theirs['job'].pk}/retry", headers=headers).status_code == 404
    assert client.post(f"/links/{theirs['link'].pk}/unlink", headers=headers).status_code == 404
    assert (
        client.post(
            f"/conflicts/{theirs['conflict'].pk}/resolve", {"resolution": "keep_joor"}, headers=headers
        ).status_code
        == 404
    )
    assert_untouched(theirs)
