"""Turn graphql-core's errors into the shapes Shopify's (graphql-ruby) endpoint answers with.

See `reference/shopify/recorded/2025-01--graphql-base-validation-unhappy-paths.json`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from graphql import GraphQLError, Source, TokenKind
from graphql.language import Lexer
from graphql.language import ast as A


def _loc(node: Any) -> dict[str, int] | None:
    if node is None or node.loc is None:
        return None
    from graphql.language import get_location

    where = get_location(node.loc.source, node.loc.start)
    return {"line": where.line, "column": where.column}


class NodePaths(dict[int, list[str]]):
    """id(node) → Shopify-style path, plus id(value node) → the input object literal holding it."""

    def __init__(self) -> None:
        super().__init__()
        self.parents: dict[int, A.ObjectValueNode] = {}


def node_paths(document: A.DocumentNode) -> NodePaths:
    """Map id(node) → Shopify-style path (`["query Name", "products", "nodes", "id"]`)."""
    paths = NodePaths()

    def value(node: Any, path: list[str]) -> None:
        paths[id(node)] = path
        if isinstance(node, A.ObjectValueNode):
            for field in node.fields:
                paths[id(field)] = [*path, field.name.value]
                paths.parents[id(field.value)] = node
                value(field.value, [*path, field.name.value])
        elif isinstance(node, A.ListValueNode):
            for item in node.values:
                value(item, path)

    def selections(selection_set: Any, path: list[str]) -> None:
        if selection_set is None:
            return
        paths[id(selection_set)] = path
        for selection in selection_set.selections:
            if isinstance(selection, A.FieldNode):
                here = [*path, (selection.alias or selection.name).value]
                paths[id(selection)] = here
                for argument in selection.arguments or ():
                    paths[id(argument)] = [*here, argument.name.value]
                    value(argument.value, [*here, argument.name.value])
                selections(selection.selection_set, here)
            elif isinstance(selection, A.InlineFragmentNode):
                type_name = selection.type_condition.name.value if selection.type_condition else ""
                here = [*path, f"... on {type_name}" if type_name else "..."]
                paths[id(selection)] = here
                selections(selection.selection_set, here)
            else:
                paths[id(selection)] = [*path, f"... {selection.name.value}"]

    for definition in document.definitions:
        if isinstance(definition, A.OperationDefinitionNode):
            kind = definition.operation.value
            root = f"{kind} {definition.name.value}" if definition.name else kind
            paths[id(definition)] = [root]
            for variable in definition.variable_definitions or ():
                paths[id(variable)] = [root]
            selections(definition.selection_set, [root])
        elif isinstance(definition, A.FragmentDefinitionNode):
            root = f"fragment {definition.name.value}"
            selections(definition.selection_set, [root])
    return paths


_RUBY_TOKENS = {
    TokenKind.BRACE_R: 'RCURLY ("}")',
    TokenKind.BRACE_L: 'LCURLY ("{")',
    TokenKind.PAREN_R: 'RPAREN (")")',
    TokenKind.PAREN_L: 'LPAREN ("(")',
    TokenKind.BRACKET_R: 'RBRACKET ("]")',
    TokenKind.BRACKET_L: 'LBRACKET ("[")',
    TokenKind.COLON: 'COLON (":")',
    TokenKind.EQUALS: 'EQUALS ("=")',
    TokenKind.BANG: 'BANG ("!")',
    TokenKind.DOLLAR: 'VAR_SIGN ("$")',
    TokenKind.SPREAD: 'ELLIPSIS ("...")',
    TokenKind.AT: 'DIR_SIGN ("@")',
}


def syntax_error(query: str, error: GraphQLError) -> dict[str, Any]:
    """`syntax error, unexpected end of file at [3, 5]` — at the last token for an unexpected EOF."""
    line, column = (error.locations[0].line, error.locations[0].column) if error.locations else (1, 1)
    if "<EOF>" in error.message:
        last = _last_token(query)
        if last is not None:
            line, column = last
        text = "unexpected end of file"
    else:
        text = f"unexpected {_token_at(query, line, column)}"
    return {
        "message": f"syntax error, {text} at [{line}, {column}]",
        "locations": [{"line": line, "column": column}],
        "extensions": {"code": "PARSE_ERROR"},
    }


def _last_token(query: str) -> tuple[int, int] | None:
    lexer = Lexer(Source(query))
    last = None
    try:
        while True:
            token = lexer.advance()
            if token.kind == TokenKind.EOF:
                return last
            last = (token.line, token.column)
    except GraphQLError:
        return last


def _token_at(query: str, line: int, column: int) -> str:
    lexer = Lexer(Source(query))
    try:
        while True:
            token = lexer.advance()
            if token.kind == TokenKind.EOF:
                return "end of file"
            if (token.line, token.column) == (line, column):
                if token.kind in _RUBY_TOKENS:
                    return _RUBY_TOKENS[token.kind]
                if token.kind == TokenKind.NAME:
                    return f'IDENTIFIER ("{token.value}")'
                if token.kind == TokenKind.STRING:
                    return f'STRING ("{token.value}")'
                return f'{token.kind.name} ("{token.value}")'
    except GraphQLError:
        pass
    return "character"


#: A validation message matched by a pattern → graphql-ruby's message and extensions.
Rewrite = Callable[[re.Match[str]], tuple[str, dict[str, Any]]]
_PATTERNS: list[tuple[re.Pattern[str], Rewrite]] = []


def _rule(pattern: str) -> Callable[[Rewrite], Rewrite]:
    def register(fn: Rewrite) -> Rewrite:
        _PATTERNS.append((re.compile(pattern, re.S), fn))
        return fn

    return register


@_rule(r"^Cannot query field '(?P<field>\w+)' on type '(?P<type>\w+)'\.")
def _undefined_field(m: re.Match[str]) -> tuple[str, dict[str, Any]]:
    return (
        f"Field '{m['field']}' doesn't exist on type '{m['type']}'",
        {"code": "undefinedField", "typeName": m["type"], "fieldName": m["field"]},
    )


@_rule(r"^Field '(?P<field>\w+)' of type '(?P<type>[^']+)' must have a selection of subfields")
def _missing_selection(m: re.Match[str]) -> tuple[str, dict[str, Any]]:
    type_name = m["type"].strip("[]!")
    return (
        f"Field must have selections (field '{m['field']}' returns {type_name} but has no selections. "
        f"Did you mean '{m['field']} {{ ... }}'?)",
        {"code": "selectionMismatch", "nodeName": f"field '{m['field']}'", "typeName": type_name},
    )


@_rule(r"^Field '(?P<field>\w+)' must not have a selection since type '(?P<type>[^']+)' has no subfields")
def _scalar_selection(m: re.Match[str]) -> tuple[str, dict[str, Any]]:
    type_name = m["type"].strip("[]!")
    return (
        f"Selections can't be made on scalars (field '{m['field']}' returns {type_name} but has selections [...])",
        {"code": "selectionMismatch", "nodeName": f"field '{m['field']}'", "typeName": type_name},
    )


@_rule(r"^Argument '(?P<type>\w+)\.(?P<field>\w+)\((?P<arg>\w+):\)' of type '(?P<argtype>[^']+)' is required")
def _missing_argument(m: re.Match[str]) -> tuple[str, dict[str, Any]]:
    return (
        f"Field '{m['field']}' is missing required arguments: {m['arg']}",
        {"code": "missingRequiredArguments", "className": "Field", "name": m["field"], "arguments": m["arg"]},
    )


@_rule(r"^Unknown argument '(?P<arg>\w+)' on field '(?P<type>\w+)\.(?P<field>\w+)'")
def _unknown_argument(m: re.Match[str]) -> tuple[str, dict[str, Any]]:
    return (
        f"Field '{m['field']}' doesn't accept argument '{m['arg']}'",
        {"code": "argumentNotAccepted", "name": m["field"], "typeName": "Field", "argumentName": m["arg"]},
    )


@_rule(r"^Expected value of type '(?P<type>\w+)' not to include unknown field '(?P<field>\w+)'")
def _unknown_input_field(m: re.Match[str]) -> tuple[str, dict[str, Any]]:
    return (
        f"InputObject '{m['type']}' doesn't accept argument '{m['field']}'",
        {
            "code": "argumentNotAccepted",
            "name": m["type"],
            "typeName": "InputObject",
            "argumentName": m["field"],
        },
    )


@_rule(r"^Unknown type '(?P<type>\w+)'")
def _unknown_type(m: re.Match[str]) -> tuple[str, dict[str, Any]]:
    return (
        f"{m['type']} isn't a defined input type",
        {"code": "variableRequiresValidType", "typeName": m["type"]},
    )


@_rule(r"^Variable '\$(?P<var>\w+)' is never used in operation '(?P<op>\w+)'")
def _unused_variable(m: re.Match[str]) -> tuple[str, dict[str, Any]]:
    return (
        f"Variable ${m['var']} is declared by {m['op']} but not used",
        {"code": "variableNotUsed", "variableName": m["var"]},
    )


@_rule(r"^Variable '\$(?P<var>\w+)' is never used\.")
def _unused_variable_anonymous(m: re.Match[str]) -> tuple[str, dict[str, Any]]:
    return (
        f"Variable ${m['var']} is declared by anonymous query but not used",
        {"code": "variableNotUsed", "variableName": m["var"]},
    )


@_rule(r"^Variable '\$(?P<var>\w+)' is not defined(?: by operation '(?P<op>\w+)')?")
def _undefined_variable(m: re.Match[str]) -> tuple[str, dict[str, Any]]:
    return (
        f"Variable ${m['var']} is used by {m['op'] or 'anonymous query'} but not declared",
        {"code": "variableNotDefined", "variableName": m["var"]},
    )


def validation_error(error: GraphQLError, paths: dict[int, list[str]], schema: Any) -> dict[str, Any]:
    nodes = error.nodes or []
    node = nodes[0] if nodes else None
    message, extensions = error.message, {"code": "validationError"}
    missing = re.match(
        r"^Expected value of type '(?P<type>\w+)' to include required field '(?P<field>\w+)'", error.message
    )
    null_value = re.match(r"^Expected value of non-null type '(?P<type>[^']+)' not to be None", error.message)
    path = paths.get(id(node)) if node is not None else None
    if missing:
        input_type = schema.type_map.get(missing["type"])
        field_type = str(input_type.fields[missing["field"]].type) if input_type else "?"
        message = f"Argument '{missing['field']}' on InputObject '{missing['type']}' is required. Expected type {field_type}"
        extensions = {
            "code": "missingRequiredInputObjectAttribute",
            "argumentName": missing["field"],
            "argumentType": field_type,
            "inputObjectType": missing["type"],
        }
        path = [*(path or []), missing["field"]]
    elif null_value:
        # graphql-ruby locates a null literal at the input object literal that holds it
        # (recorded: 2026-04 product-delete-parity, `productDelete(input: { id: null })`).
        parent = getattr(paths, "parents", {}).get(id(node)) if node is not None else None
        if parent is not None:
            nodes = [parent]
        argument = (path or ["?"])[-1]
        input_name = _enclosing_input(path or [], schema)
        message = (
            f"Argument '{argument}' on InputObject '{input_name}' has an invalid value (null). "
            f"Expected type '{null_value['type']}'."
        )
        extensions = {
            "code": "argumentLiteralsIncompatible",
            "typeName": "InputObject",
            "argumentName": argument,
        }
    else:
        for pattern, fn in _PATTERNS:
            found = pattern.match(error.message)
            if found:
                message, extensions = fn(found)
                break
    shaped: dict[str, Any] = {"message": message}
    locations = [loc for loc in (_loc(n) for n in nodes[:1]) if loc]
    if locations:
        shaped["locations"] = locations
    if path:
        shaped["path"] = path
    shaped["extensions"] = extensions
    return shaped


def _enclosing_input(path: list[str], schema: Any) -> str:
    """Name of the input object that holds the last element of an argument path."""
    from graphql import get_named_type, is_input_object_type

    if not path:
        return "InputObject"
    current: Any = schema.mutation_type if path[0].startswith("mutation") else schema.query_type
    index = 1
    while index < len(path) - 1 and current is not None:
        name = path[index]
        if is_input_object_type(current):
            field = current.fields.get(name)
            current = get_named_type(field.type) if field else None
            index += 1
            continue
        field = getattr(current, "fields", {}).get(name)
        if field is None:
            return "InputObject"
        if index + 1 < len(path) - 1 and path[index + 1] in field.args:
            current = get_named_type(field.args[path[index + 1]].type)
            index += 2
        else:
            current = get_named_type(field.type)
            index += 1
    return current.name if current is not None else "InputObject"


def variable_problem(message: str, path: list[Any]) -> list[Any]:
    """graphql-core's input validation message → graphql-ruby's `[path, explanation]` problem."""
    missing = re.match(r"^Expected value of type '\w+' to include required field '(\w+)'", message)
    if missing:
        return [[*path, missing[1]], "Expected value to not be null"]
    unknown = re.match(r"^Expected value of type '(\w+)' not to include unknown field '(\w+)'", message)
    if unknown:
        return [[*path, unknown[2]], f"Field is not defined on {unknown[1]}"]
    if "non-null type" in message or "not to be null" in message or "not to be None" in message:
        return [path, "Expected value to not be null"]
    enum = re.match(r"^Value '(.*)' does not exist in '(\w+)' enum", message)
    if enum:  # recorded: `Expected "INVALID_VALUE" to be one of: ALPHA_ASC, ALPHA_DESC, …`
        from shopify_app.sandbox.graphql_api import schema

        values = ", ".join(getattr(schema().get_type(enum[2]), "values", {}))
        return [path, f'Expected "{enum[1]}" to be one of: {values}']
    return [path, message.split(" found:")[0].rstrip(".,")]


def shape_execution_error(error: GraphQLError) -> dict[str, Any]:
    shaped: dict[str, Any] = {"message": error.message}
    if error.locations:
        shaped["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if error.path:
        shaped["path"] = list(error.path)
    shaped["extensions"] = error.extensions or {"code": "BAD_REQUEST"}
    return shaped
