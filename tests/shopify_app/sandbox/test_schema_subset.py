"""The sandbox's SDL is a strict subset of the real Admin 2026-07 schema."""

from __future__ import annotations

import pytest
from graphql import (
    DocumentNode,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
    build_ast_schema,
    build_schema,
    parse,
)

from shopify_app.sandbox.graphql_api import SCHEMA_PATH
from shopify_app.sandbox.schema_cut import SPEC, SchemaCutError, cut_schema
from tests.conftest import shared_path


@pytest.fixture(scope="module")
def real_document() -> DocumentNode:
    """The real schema parsed once for the module (it is large)."""
    sdl = shared_path("reference", "shopify", "admin-2026-07.graphql").read_text(encoding="utf-8")
    return parse(sdl)


def test_every_sandbox_definition_exists_in_the_real_schema_with_the_same_type(
    real_document: DocumentNode,
) -> None:
    real = build_ast_schema(real_document, assume_valid=True)
    mine = build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert mine.query_type.name == real.query_type.name
    assert mine.mutation_type.name == real.mutation_type.name
    checked = 0
    for name, type_ in mine.type_map.items():
        if name.startswith("__"):
            continue
        other = real.type_map.get(name)
        assert other is not None, f"type {name} is not in the real schema"
        assert type(other) is type(type_), (
            f"{name} is a {type(type_).__name__} here, {type(other).__name__} there"
        )
        if isinstance(type_, (GraphQLObjectType, GraphQLInterfaceType)):
            for field_name, field in type_.fields.items():
                real_field = other.fields.get(field_name)
                assert real_field is not None, f"{name}.{field_name} is not in the real schema"
                assert str(field.type) == str(real_field.type), f"{name}.{field_name} type differs"
                for arg_name, arg in field.args.items():
                    real_arg = real_field.args.get(arg_name)
                    assert real_arg is not None, f"{name}.{field_name}({arg_name}) is not in the real schema"
                    assert str(arg.type) == str(real_arg.type), (
                        f"{name}.{field_name}({arg_name}) type differs"
                    )
                    checked += 1
                required = {
                    a
                    for a, v in real_field.args.items()
                    if str(v.type).endswith("!")
                    and v.ast_node is not None
                    and v.ast_node.default_value is None
                }
                assert required <= set(field.args), f"{name}.{field_name} drops required args {required}"
                checked += 1
            real_interfaces = {i.name for i in other.interfaces}
            assert {i.name for i in type_.interfaces} <= real_interfaces, f"{name} interfaces"
        elif isinstance(type_, GraphQLInputObjectType):
            for field_name, field in type_.fields.items():
                real_field = other.fields.get(field_name)
                assert real_field is not None, f"input {name}.{field_name} is not in the real schema"
                assert str(field.type) == str(real_field.type), f"input {name}.{field_name} type differs"
                checked += 1
            required = {
                f
                for f, v in other.fields.items()
                if str(v.type).endswith("!") and v.ast_node is not None and v.ast_node.default_value is None
            }
            assert required <= set(type_.fields), f"input {name} drops required fields {required}"
        elif isinstance(type_, GraphQLEnumType):
            assert set(type_.values) <= set(other.values), f"enum {name} has values Shopify lacks"
            checked += len(type_.values)
        elif isinstance(type_, GraphQLUnionType):
            assert {t.name for t in type_.types} <= {t.name for t in other.types}, f"union {name}"
        else:
            assert isinstance(type_, GraphQLScalarType)
    for directive in mine.directives:
        real_directive = next((d for d in real.directives if d.name == directive.name), None)
        assert real_directive is not None, f"directive @{directive.name} is not in the real schema"
        assert set(directive.locations) == set(real_directive.locations)
        for arg_name, arg in directive.args.items():
            assert str(arg.type) == str(real_directive.args[arg_name].type)
    assert checked > 300


def test_subset_covers_the_operations_the_app_needs() -> None:
    mine = build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))
    for root in (
        "shop",
        "products",
        "product",
        "productVariants",
        "nodes",
        "locations",
        "productOperation",
        "currentBulkOperation",
        "bulkOperation",
    ):
        assert root in mine.query_type.fields
    for root in (
        "productSet",
        "productUpdate",
        "productDelete",
        "productVariantsBulkUpdate",
        "metafieldsSet",
        "inventorySetQuantities",
        "webhookSubscriptionCreate",
        "bulkOperationRunQuery",
        "bulkOperationRunMutation",
        "stagedUploadsCreate",
    ):
        assert root in mine.mutation_type.fields
    assert any(d.name == "idempotent" for d in mine.directives)


def test_committed_schema_is_exactly_the_cut_of_the_real_schema(real_document: DocumentNode) -> None:
    assert cut_schema(real_document) == SCHEMA_PATH.read_text(encoding="utf-8")


def test_cut_refuses_names_the_real_schema_lacks(real_document: DocumentNode) -> None:
    with pytest.raises(SchemaCutError, match="no fields"):
        cut_schema(real_document, {**SPEC, "Shop": SPEC["Shop"] + " definitelyNotAField"})
    with pytest.raises(SchemaCutError, match="not in SPEC"):
        cut_schema(real_document, {k: v for k, v in SPEC.items() if k != "PageInfo"})
