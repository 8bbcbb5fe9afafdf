"""Registers the customer and B2B resolvers, and checks the one-of identifier inputs.

Shopify refuses a `CustomerIdentifierInput` that sets other than exactly one field while coercing
variables, before anything runs (recorded: 2025-01 customer-by-identifier, `emptyIdentifier`); the
introspected schema does not mark the input `@oneOf`, so the check is made here.
"""

from __future__ import annotations

from typing import Any

from graphql import get_named_type
from graphql.language import get_location

from shopify_app.sandbox import company_mutations as _company_mutations  # noqa: F401
from shopify_app.sandbox import company_resolvers as _company_resolvers  # noqa: F401
from shopify_app.sandbox import customer_mutations as _customer_mutations  # noqa: F401
from shopify_app.sandbox import customer_resolvers as _customer_resolvers  # noqa: F401

ONE_OF_INPUTS = frozenset({"CustomerIdentifierInput"})


def one_of_errors(operation: Any, variables: dict[str, Any], schema: Any) -> list[dict[str, Any]]:
    """INVALID_VARIABLE for a one-of input variable that does not set exactly one field."""
    from graphql.utilities import type_from_ast

    errors: list[dict[str, Any]] = []
    for definition in operation.variable_definitions or ():
        var_type = type_from_ast(schema, definition.type)
        name = definition.variable.name.value
        value = variables.get(name)
        if (
            var_type is None
            or get_named_type(var_type).name not in ONE_OF_INPUTS
            or not isinstance(value, dict)
        ):
            continue
        given = sum(1 for item in value.values() if item is not None)
        if given == 1:
            continue
        loc = definition.variable.loc
        where = get_location(loc.source, loc.start) if loc else None
        type_name = get_named_type(var_type).name
        errors.append(
            {
                "message": f"Variable ${name} of type {var_type} was provided invalid value",
                "locations": [{"line": where.line, "column": where.column}] if where else [],
                "extensions": {
                    "code": "INVALID_VARIABLE",
                    "value": value,
                    "problems": [
                        {
                            "path": [],
                            "explanation": f"'{type_name}' requires exactly one argument, but {given} were provided.",
                        }
                    ],
                },
            }
        )
    return errors
