"""The stock reads the engine sends validate against the real Admin schema."""

from __future__ import annotations

import graphql

from joorsync.sync.engine.shopify_side import products_export_query
from shopify_app.admin.operations import load_operation
from tests.shopify_app.test_graphql_operations import admin_schema

LOCATIONS = ["gid://shopify/Location/1", "gid://shopify/Location/2"]


def test_the_export_with_levels_at_two_locations_is_a_valid_query():
    document = products_export_query("updated_at:>'2026-01-01T00:00:00Z'", locations=LOCATIONS)
    assert graphql.validate(admin_schema(), graphql.parse(document)) == []
    assert document.count("inventoryLevel(locationId:") == 2
    assert 'stockAt1: inventoryLevel(locationId: "gid://shopify/Location/2")' in document


def test_a_broken_location_literal_would_be_caught():
    document = products_export_query(None, locations=LOCATIONS).replace("locationId:", "location:", 1)
    assert graphql.validate(admin_schema(), graphql.parse(document))


def test_the_export_and_the_variant_fields_read_the_selling_policy():
    document = products_export_query(None, locations=LOCATIONS)
    assert graphql.validate(admin_schema(), graphql.parse(document)) == []
    assert "inventoryPolicy" in document
    fragment = load_operation("Product")
    assert "inventoryPolicy" in fragment and graphql.validate(admin_schema(), graphql.parse(fragment)) == []
