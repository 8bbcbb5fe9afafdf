"""The Admin GraphQL endpoint: parse, validate, price, throttle, execute — answering as Shopify does."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    Undefined,
    build_schema,
    execute_sync,
    get_named_type,
    is_input_object_type,
    is_input_type,
    is_list_type,
    is_non_null_type,
    parse,
    validate,
)
from graphql.utilities import coerce_input_value, type_from_ast, validate_input_value, value_from_ast

from shopify_app.sandbox import collections as _collections  # noqa: F401 - collections
from shopify_app.sandbox import customer_api as _customer_api  # noqa: F401 - customer and B2B resolvers
from shopify_app.sandbox import files as _files  # noqa: F401 - Files API and product media
from shopify_app.sandbox import inventory_api as _inventory_api  # noqa: F401 - stock across locations
from shopify_app.sandbox import mutations as _mutations  # noqa: F401 - registers mutation resolvers
from shopify_app.sandbox import orders as _orders  # noqa: F401 - registers order and fulfilment resolvers
from shopify_app.sandbox import pricing_api as _pricing_api  # noqa: F401 - price lists, catalogs, markets
from shopify_app.sandbox import taxonomy as _taxonomy  # noqa: F401 - product categories
from shopify_app.sandbox.cost import MAX_QUERY_COST, MUTATION_COST, requested_cost
from shopify_app.sandbox.executor import ShopifyExecutor
from shopify_app.sandbox.resolvers import Context, field_resolver, type_resolver
from shopify_app.sandbox.shaping import (
    node_paths,
    shape_execution_error,
    syntax_error,
    validation_error,
    variable_problem,
)

SCHEMA_PATH = Path(__file__).with_name("schema.graphql")
__all__ = ["MAX_QUERY_COST", "MUTATION_COST", "prepare", "run", "schema"]
MAX_INPUT_ARRAY = 250
INPUT_ARRAY_LIMITS: dict[tuple[str, ...], int] = {("productSet", "input", "variants"): 2048}
IDEMPOTENT_FROM = "2026-04"
IDEMPOTENT_MUTATIONS = {"inventorySetQuantities", "inventoryAdjustQuantities", "inventoryActivate"}
CHANGE_FROM_REQUIRED = {
    "inventorySetQuantities": ("quantities", "InventoryQuantityInput"),
    "inventoryAdjustQuantities": ("changes", "InventoryChangeInput"),
}
# Mutations whose real arguments are all optional but of which exactly one must be given (the sandbox
# serves only the newer one; the deprecated `input` is not in its schema). Recorded: 2025-01
# graphql-base-validation-unhappy-paths, `missingRequiredArgument`.
EXACTLY_ONE_OF = {
    "productCreate": ("input", "product"),
    "productUpdate": ("input", "product"),
    "collectionCreate": ("input", "collection"),
    "collectionUpdate": ("input", "collection"),
}


@cache
def schema() -> GraphQLSchema:
    return build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))


class Prepared:
    """A request that parsed, validated and coerced: ready to be priced and run."""

    def __init__(
        self,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
        raw_variables: dict[str, Any],
    ) -> None:
        self.document = document
        self.operation = operation
        self.fragments = fragments
        self.variables = variables
        self.raw_variables = raw_variables

    @property
    def is_mutation(self) -> bool:
        return self.operation.operation.value == "mutation"


def prepare(
    query: str, variables: dict[str, Any] | None, operation_name: str | None
) -> Prepared | list[dict]:
    """Parse + validate + coerce variables; a list return is the `errors` to answer with."""
    try:
        document = parse(query)
    except GraphQLError as exc:
        return [syntax_error(query, exc)]
    validation = validate(schema(), document)
    if validation:
        paths = node_paths(document)
        return [validation_error(error, paths, schema()) for error in validation]
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    if operation_name:
        chosen = [op for op in operations if op.name and op.name.value == operation_name]
        if not chosen:
            return [
                {"message": f'No operation named "{operation_name}"', "extensions": {"code": "BAD_REQUEST"}}
            ]
        operation = chosen[0]
    elif len(operations) == 1:
        operation = operations[0]
    else:
        return [{"message": "An operation name is required", "extensions": {"code": "BAD_REQUEST"}}]
    raw = variables or {}
    coerced, errors = coerce_variables(operation, raw)
    if errors:
        return errors
    return Prepared(document, operation, fragments, coerced, raw)


def coerce_variables(
    operation: OperationDefinitionNode, raw: dict[str, Any]
) -> tuple[dict[str, Any], list[dict]]:
    """Coerce variables; problems reported as graphql-ruby's INVALID_VARIABLE."""
    coerced: dict[str, Any] = {}
    errors: list[dict] = []
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        var_type = type_from_ast(schema(), definition.type)
        assert is_input_type(var_type)  # validated: known types, and input types only
        location = definition.variable.loc
        from graphql.language import get_location

        where = get_location(location.source, location.start) if location else None
        locations = [{"line": where.line, "column": where.column}] if where else []
        if name not in raw:
            if definition.default_value is not None:
                continue
            if is_non_null_type(var_type):
                errors.append(
                    _invalid_variable(
                        name, var_type, None, [[[], "Expected value to not be null"]], locations
                    )
                )
            continue
        problems: list[list[Any]] = []

        def on_error(error: GraphQLError, path: list[Any], problems: list = problems) -> None:
            problems.append(variable_problem(error.message, list(path)))

        validate_input_value(raw[name], var_type, on_error, True)
        value = coerce_input_value(raw[name], var_type) if not problems else None
        if problems:
            errors.append(_invalid_variable(name, var_type, raw[name], problems, locations))
        else:
            coerced[name] = value
    return coerced, errors


def _invalid_variable(
    name: str, var_type: Any, value: Any, problems: list[list[Any]], locations: list
) -> dict:
    path, explanation = problems[0]
    suffix = f" for {'.'.join(str(p) for p in path)} ({explanation})" if path else ""
    return {
        "message": f"Variable ${name} of type {var_type} was provided invalid value{suffix}",
        "locations": locations,
        "extensions": {
            "code": "INVALID_VARIABLE",
            "value": value,
            "problems": [{"path": p, "explanation": e} for p, e in problems],
        },
    }


def get_argument_values(definition: Any, node: FieldNode, variables: dict[str, Any]) -> dict[str, Any]:
    """Coerced argument values of a field node (variables already coerced)."""
    values: dict[str, Any] = {}
    for argument in node.arguments or ():
        arg_def = definition.args.get(argument.name.value)
        if arg_def is None:
            continue
        value = value_from_ast(argument.value, arg_def.type, variables)
        if value is not Undefined:
            values[argument.name.value] = value
    return values


def _root_fields(prepared: Prepared) -> list[FieldNode]:
    return [s for s in prepared.operation.selection_set.selections if isinstance(s, FieldNode)]


def _root_type(prepared: Prepared) -> Any:
    return schema().mutation_type if prepared.is_mutation else schema().query_type


def input_size_errors(prepared: Prepared) -> list[dict]:
    """MAX_INPUT_SIZE_EXCEEDED for any input array over its cap (checked before anything runs)."""
    errors: list[dict] = []
    root = _root_type(prepared)
    for node in _root_fields(prepared):
        definition = root.fields.get(node.name.value)
        if definition is None:
            continue
        args = get_argument_values(definition, node, prepared.variables)
        for arg_name, value in args.items():
            _walk_sizes(definition.args[arg_name].type, value, (node.name.value, arg_name), node, errors)
    return errors


def _walk_sizes(type_: Any, value: Any, path: tuple[str, ...], node: FieldNode, errors: list[dict]) -> None:
    if value is None:
        return
    inner = type_.of_type if is_non_null_type(type_) else type_
    if is_list_type(inner) and isinstance(value, list):
        cap = INPUT_ARRAY_LIMITS.get(path, MAX_INPUT_ARRAY)
        if len(value) > cap:
            loc = node.loc
            from graphql.language import get_location

            where = get_location(loc.source, loc.start) if loc else None
            errors.append(
                {
                    "message": f"The input array size of {len(value)} is greater than the maximum allowed of {cap}.",
                    "locations": [{"line": where.line, "column": where.column}] if where else [],
                    # Recorded: the argument's whole path (`["collectionAddProductsV2", "productIds"]`).
                    "path": list(path),
                    "extensions": {"code": "MAX_INPUT_SIZE_EXCEEDED"},
                }
            )
            return
        for item in value:
            _walk_sizes(inner.of_type, item, path, node, errors)
        return
    named = get_named_type(inner)
    if is_input_object_type(named) and isinstance(value, dict):
        for key, item in value.items():
            if key in named.fields:
                _walk_sizes(named.fields[key].type, item, (*path, key), node, errors)


def directive_errors(prepared: Prepared, api_version: str) -> tuple[list[dict], dict[str, None]]:
    """2026-04+: @idempotent is required and changeFromQuantity must be given (recorded shapes)."""
    errors: list[dict] = []
    nulls: dict[str, None] = {}
    if not prepared.is_mutation:
        return errors, nulls
    from graphql.language import get_location

    for node in _root_fields(prepared):
        name = node.name.value
        loc = get_location(node.loc.source, node.loc.start) if node.loc else None
        locations = [{"line": loc.line, "column": loc.column}] if loc else []
        if name in EXACTLY_ONE_OF:
            given = [a for a in node.arguments or () if a.name.value in EXACTLY_ONE_OF[name]]
            if len(given) != 1:
                errors.append(
                    {
                        "message": f"{name} must include exactly one of the following arguments: "
                        f"{', '.join(EXACTLY_ONE_OF[name])}.",
                        "locations": locations,
                        "extensions": {"code": "INVALID_FIELD_ARGUMENTS"},
                        "path": [name],
                    }
                )
                nulls[(node.alias or node.name).value] = None
                continue
        if api_version >= IDEMPOTENT_FROM and name in IDEMPOTENT_MUTATIONS:
            directive = next((d for d in node.directives or () if d.name.value == "idempotent"), None)
            if directive is None:
                errors.append(
                    {
                        "message": "The @idempotent directive is required for this mutation but was not provided.",
                        "locations": locations,
                        "extensions": {"code": "BAD_REQUEST"},
                        "path": [name],
                    }
                )
                nulls[(node.alias or node.name).value] = None
                continue
        if api_version >= IDEMPOTENT_FROM and name in CHANGE_FROM_REQUIRED:
            list_key, input_type = CHANGE_FROM_REQUIRED[name]
            mutation_type = schema().mutation_type
            assert mutation_type is not None  # the schema has mutations
            definition = mutation_type.fields[name]
            args = get_argument_values(definition, node, prepared.variables)
            entries = (args.get("input") or {}).get(list_key) or []
            if any("changeFromQuantity" not in entry for entry in entries):
                extra = _variable_location(prepared.operation)
                errors.append(
                    {
                        "message": f"{input_type} must include the following argument: changeFromQuantity.",
                        "locations": locations + extra,
                        "extensions": {"code": "INVALID_FIELD_ARGUMENTS"},
                        "path": [name],
                    }
                )
                nulls[(node.alias or node.name).value] = None
    return errors, nulls


def _variable_location(operation: OperationDefinitionNode) -> list[dict]:
    from graphql.language import get_location

    for definition in operation.variable_definitions or ():
        if definition.variable.loc:
            where = get_location(definition.variable.loc.source, definition.variable.loc.start)
            return [{"line": where.line, "column": where.column}]
    return []


def price(prepared: Prepared) -> int:
    return requested_cost(schema(), prepared.operation, prepared.fragments, prepared.variables)


def max_cost_error(cost: int) -> dict:
    return {
        "message": (
            f"Query cost is {cost}, which exceeds the single query max cost limit ({MAX_QUERY_COST}).\n\n"
            "See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\n"
            "cost of a query is calculated.\n\n"
            "To query larger amounts of data with fewer limits, bulk operations should be used instead.\n"
            "See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n"
        ),
        "extensions": {"code": "MAX_COST_EXCEEDED", "cost": cost, "maxCost": MAX_QUERY_COST},
    }


def run(prepared: Prepared, context: Context) -> dict[str, Any]:
    """Execute a prepared request; returns `{"data": …, "errors": […]}` (errors omitted when none)."""
    result = execute_sync(
        schema(),
        prepared.document,
        root_value=None,
        context_value=context,
        variable_values=prepared.raw_variables,
        operation_name=(prepared.operation.name.value if prepared.operation.name else None),
        field_resolver=field_resolver,
        type_resolver=type_resolver,
        executor_class=ShopifyExecutor,
    )
    body: dict[str, Any] = {}
    if result.errors:
        body["errors"] = [shape_execution_error(error) for error in result.errors]
        for error in result.errors:
            if error.original_error is not None and not isinstance(error.original_error, GraphQLError):
                raise error.original_error
    body["data"] = result.data
    return body


def actual_cost(prepared: Prepared, data: Any, requested: int) -> int:
    """Objects actually returned (1 each, connections 2), capped at the requested cost."""

    def count(value: Any) -> int:
        if isinstance(value, dict):
            own = 2 if "pageInfo" in value or "edges" in value else 1
            return own + sum(count(v) for v in value.values())
        if isinstance(value, list):
            return sum(count(v) for v in value)
        return 0

    if prepared.is_mutation:
        return requested
    total = sum(count(v) for v in (data or {}).values()) if isinstance(data, dict) else 0
    return max(1, min(requested, total)) if requested else 0
