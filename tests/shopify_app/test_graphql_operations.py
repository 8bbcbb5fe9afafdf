"""Every packaged GraphQL operation validates against the real Admin 2026-07 schema."""

from __future__ import annotations

from functools import cache

import graphql
import pytest

from shopify_app.admin.operations import (
    UnknownOperation,
    fragment_names,
    load_operation,
    operation_kind,
    operation_names,
)
from tests.conftest import shared_path


@cache
def admin_schema() -> graphql.GraphQLSchema:
    """The 134k-line schema, built once per test session."""
    sdl = shared_path("reference", "shopify", "admin-2026-07.graphql").read_text(encoding="utf-8")
    return graphql.build_schema(sdl, assume_valid=True)


REQUIRED_OPERATIONS = {
    "Shop",
    "Locations",
    "Products",
    "Product",
    "ProductVariants",
    "Nodes",
    "ProductSet",
    "ProductSetAsync",
    "ProductOperation",
    "ProductUpdate",
    "ProductDelete",
    "ProductVariantsBulkUpdate",
    "MetafieldsSet",
    "InventorySetQuantities",
    "WebhookSubscriptionCreate",
    "WebhookSubscriptions",
    "BulkOperationRunQuery",
    "BulkOperation",
    "StagedUploadsCreate",
    "BulkOperationRunMutation",
}


def test_every_required_operation_has_a_file() -> None:
    assert REQUIRED_OPERATIONS <= set(operation_names())


@pytest.mark.parametrize("name", operation_names())
def test_operation_validates_against_the_real_schema(name: str) -> None:
    document = graphql.parse(load_operation(name))
    errors = graphql.validate(admin_schema(), document)
    assert errors == [], [e.message for e in errors]
    operations = [d for d in document.definitions if isinstance(d, graphql.OperationDefinitionNode)]
    assert [op.name.value for op in operations] == [name]


def test_every_fragment_is_used_by_some_operation() -> None:
    used = "\n".join(load_operation(name) for name in operation_names())
    for fragment in fragment_names():
        assert f"fragment {fragment} on" in used, fragment


def test_a_broken_document_fails_validation() -> None:
    """The validation above can fail: an unknown field is reported."""
    document = graphql.parse("query Broken { shop { definitelyNotAShopField } }")
    assert graphql.validate(admin_schema(), document)


def test_inventory_mutation_carries_idempotency_and_change_from_quantity_input() -> None:
    document = load_operation("InventorySetQuantities")
    assert "@idempotent(key: $idempotencyKey)" in document
    field = admin_schema().get_type("InventoryQuantityInput").fields  # type: ignore[union-attr]
    assert "changeFromQuantity" in field and "compareQuantity" not in field


def test_bulk_query_requests_grouped_output() -> None:
    assert "groupObjects: $groupObjects" in load_operation("BulkOperationRunQuery")
    assert "$groupObjects: Boolean! = true" in load_operation("BulkOperationRunQuery")


def test_operation_kinds() -> None:
    assert operation_kind("Products") == "query"
    assert operation_kind("ProductSet") == "mutation"


@pytest.mark.parametrize("name", ["products", "../Shop", "Missing", ""])
def test_unknown_or_unsafe_operation_names_are_refused(name: str) -> None:
    with pytest.raises(UnknownOperation):
        load_operation(name)
