"""Incremental runs read only what changed since the last run, on both sides."""

from datetime import timedelta

import pytest
from django.utils import timezone

from joorsync.sync.models import JoorAccount, ProductLink
from tests.sync.engine_support import make_world

pytestmark = pytest.mark.django_db


def test_incremental_run_syncs_only_recent_changes_on_both_sides():
    world = make_world(styles=12)
    world.run()
    links = list(ProductLink.objects.filter(shop=world.shop).order_by("joor_style_id"))
    JoorAccount.objects.filter(pk=world.account.pk).update(
        last_joor_sync_at=timezone.now() - timedelta(seconds=1)
    )
    world.account.refresh_from_db()
    joor_edit, shopify_edit = links[1], links[2]
    world.joor_sandbox.edit_style(joor_edit.joor_style_id, {"style_description": "Edited in JOOR"})
    world.shopify_sandbox.merchant_update_product(
        shopify_edit.shopify_product_id, {"title": "Edited in Shopify"}
    )

    _, result = world.run(kind="incremental")

    assert result.counts.shopify["updated"] == 1 and result.counts.joor["updated"] == 1, (
        result.counts.as_dict()
    )
    # only the two changed pairs were looked at, not the twelve
    assert result.counts.shopify["unchanged"] + result.counts.shopify["updated"] == 2
    assert world.shopify_client().product(joor_edit.shopify_product_id)["descriptionHtml"] == "Edited in JOOR"
    assert world.joor_sandbox.style(shopify_edit.joor_style_id)["style_name"] == "Edited in Shopify"
    assert result.api["joor_credits"] <= 1 + 1 + 5  # one page, one style read, one style write


def test_first_incremental_run_without_a_previous_sync_reads_everything():
    world = make_world(styles=3)
    _, result = world.run(kind="incremental")
    assert result.counts.shopify["created"] == 3


def test_the_narrowed_export_query_is_valid_against_the_real_schema():
    from graphql import parse, validate

    from joorsync.sync.engine import products_export_query
    from tests.shopify_app.test_graphql_operations import admin_schema

    document = products_export_query("updated_at:>'2026-11-01T00:00:00Z'")
    assert """products(query: "updated_at:>'2026-11-01T00:00:00Z'") {""" in document
    assert validate(admin_schema(), parse(document)) == []
