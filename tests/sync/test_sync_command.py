"""`manage.py sync` through the job services, and a targeted run for a product made in Shopify."""

import io
import json

import httpx
import pytest
from django.core.management import CommandError, call_command

from joorsync.sync.clients import transport_override
from joorsync.sync.models import Conflict, ProductLink, SyncJob
from tests.sync.engine_support import SHOP, make_world

pytestmark = pytest.mark.django_db

REPORT_KEYS = {"shopify", "joor", "conflicts", "errors", "api", "seconds"}


def _sync(world, *args):
    out = io.StringIO()
    with transport_override(
        joor=httpx.WSGITransport(app=world.joor_sandbox),
        shopify=httpx.WSGITransport(app=world.shopify_sandbox),
    ):
        call_command("sync", "--shop", SHOP, *args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_sync_json_report_has_the_documented_shape_and_numbers():
    world = make_world(styles=4)
    report = json.loads(_sync(world, "--full", "--json")[-1])
    assert set(report) == REPORT_KEYS
    assert report["shopify"] == {"created": 4, "updated": 0, "deleted": 0, "unchanged": 0}
    assert set(report["joor"]) == {"created", "updated", "deleted", "unchanged"}
    assert set(report["api"]) == {"joor_requests", "joor_credits", "shopify_requests", "shopify_cost"}
    assert report["api"]["joor_credits"] >= 1 and report["api"]["shopify_requests"] >= 1
    assert report["errors"] == 0
    job = SyncJob.objects.get(shop=world.shop)
    assert job.status == SyncJob.Status.SUCCEEDED and job.trigger == "command"
    again = json.loads(_sync(world, "--full", "--json")[-1])
    assert again["shopify"]["created"] == again["shopify"]["updated"] == 0


def test_dry_run_prints_the_plan_and_writes_nothing():
    world = make_world(styles=3)
    lines = _sync(world, "--full", "--dry-run")
    planned = [json.loads(line) for line in lines[:-1]]
    assert len(planned) == 3 and all("create_in_shopify" in p for p in planned)
    assert world.shopify_products() == []


def test_unknown_shop_and_missing_connection_are_one_line_errors():
    world = make_world(styles=1)
    with pytest.raises(CommandError, match="no installed shop"):
        call_command("sync", "--shop", "other.myshopify.com")
    with pytest.raises(CommandError, match="no installed shop"):
        call_command("sync", "--shop", "evil.com")
    world.account.delete()
    with pytest.raises(CommandError, match="joor_connect"):
        call_command("sync", "--shop", SHOP)


def test_a_product_created_in_shopify_naming_its_style_is_linked_by_a_targeted_run():
    world = make_world(styles=3)
    style_id = min(world.joor_sandbox.catalog.styles)
    style = world.joor_sandbox.style(style_id)
    gid = world.shopify_sandbox.merchant_create_product(
        {
            "title": "Made in Shopify",
            "metafields": [
                {
                    "namespace": "joor",
                    "key": "style_number",
                    "type": "multi_line_text_field",
                    "value": style["style_number"],
                },
                {
                    "namespace": "joor",
                    "key": "style_identifier",
                    "type": "multi_line_text_field",
                    "value": style["style_identifier"],
                },
            ],
        }
    )
    world.run(kind="targeted", target={"shopify_product_id": gid})
    link = ProductLink.objects.get(shop=world.shop, shopify_product_id=gid)
    assert (link.status, link.joor_style_id) == (ProductLink.Status.LINKED, style_id)
    # Nothing was agreed yet: a differing title is a conflict for a person, neither side overwritten.
    assert world.shopify_client().product(gid)["title"] == "Made in Shopify"
    assert world.joor_sandbox.style(style_id)["style_name"] == style["style_name"]
    conflict = Conflict.objects.get(link=link, field_path="title", status=Conflict.Status.OPEN)
    assert (conflict.shopify_value, conflict.joor_value) == ("Made in Shopify", style["style_name"])
