"""Replay recorded Shopify request/response pairs against the sandbox and compare the answers.

A recording's GraphQL document may select fields (or send input fields) that the sandbox's strict
schema subset leaves out on purpose. `prune` drops exactly those from the document and the variables,
and `project` cuts the recorded answer down to what the pruned document asks for, so that everything
the sandbox does serve is compared. `Comparer` then walks the recorded and the sandbox answers side by
side: ids are matched one to one (a recorded gid always stands for the same sandbox gid, across the
whole scenario), timestamps and cursors only have to be present where Shopify has them, everything
else must be equal — including `null` versus a missing key.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    is_input_object_type,
    is_list_type,
    is_non_null_type,
    parse,
    print_ast,
)
from graphql.language import ast as A
from graphql.utilities import type_from_ast

GID = re.compile(r"^gid://shopify/(?P<kind>[A-Za-z]+)/(?P<number>[^?/]+)(?:\?(?P<query>.*))?$")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$")
OPAQUE_KEYS = {"cursor", "startCursor", "endCursor", "compareDigest"}
# Keys whose value is the number of a gid seen elsewhere (legacy REST ids).
LEGACY_KEYS = {"legacyResourceId"}
# Query parameters of composite gids whose value is another object's id.
GID_PARAMS = {"inventory_item_id": "InventoryItem"}


# ----- pruning to the sandbox's schema subset -----------------------------------------------------
_REAL: list[Any] = [None]


def _in_real(type_name: str, field_name: str | None = None, arg: str | None = None) -> bool:
    """Whether the real Admin schema has this type (field, argument)."""
    real = _REAL[0]
    found = real.get_type(type_name) if real is not None else None
    if found is None or field_name is None:
        return found is not None
    fields = getattr(found, "fields", {})
    if field_name not in fields:
        return False
    return arg is None or arg in getattr(fields[field_name], "args", {})


@dataclass
class Pruned:
    document: DocumentNode | None
    query: str
    variables: dict[str, Any]
    dropped: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.dropped)


def prune(schema: GraphQLSchema, real: GraphQLSchema, query: str, variables: dict[str, Any] | None) -> Pruned:
    """The document and variables with what the real schema has but the sandbox schema lacks taken out
    (what neither has stays: the sandbox must reject it as Shopify does)."""
    try:
        document = parse(query)
    except GraphQLError:
        return Pruned(None, query, dict(variables or {}), [])
    dropped: list[str] = []
    _REAL[0] = real
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    definitions: list[Any] = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            root = schema.mutation_type if definition.operation.value == "mutation" else schema.query_type
            selection = _prune_selection(schema, root, definition.selection_set, fragments, dropped, "")
            definitions.append(_replace(definition, selection_set=selection))
        elif isinstance(definition, FragmentDefinitionNode):
            target = schema.get_type(definition.type_condition.name.value)
            if target is None and _in_real(definition.type_condition.name.value):
                dropped.append(f"fragment {definition.name.value}")
                continue
            if target is None:
                definitions.append(definition)
                continue
            selection = _prune_selection(schema, target, definition.selection_set, fragments, dropped, "")
            definitions.append(_replace(definition, selection_set=selection))
    document = _replace(document, definitions=tuple(definitions))
    used = _used_variables(document)
    values = dict(variables or {})
    kept_definitions: list[Any] = []
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            kept_definitions.append(definition)
            continue
        variable_definitions = []
        for variable in definition.variable_definitions or ():
            name = variable.variable.name.value
            if name not in used:
                dropped.append(f"${name}")
                values.pop(name, None)
                continue
            variable_definitions.append(variable)
            var_type = type_from_ast(schema, variable.type)
            if name in values and var_type is not None:
                values[name] = _prune_value(var_type, values[name], dropped, f"${name}")
        kept_definitions.append(_replace(definition, variable_definitions=tuple(variable_definitions)))
    document = _replace(document, definitions=tuple(kept_definitions))
    if not dropped:
        return Pruned(parse(query), query, dict(variables or {}), [])
    return Pruned(document, print_ast(document), values, dropped)


def _replace(node: Any, **changes: Any) -> Any:
    return node.__class__(**{**{key: getattr(node, key) for key in node.keys}, **changes})


def _prune_selection(
    schema: GraphQLSchema,
    parent: Any,
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    dropped: list[str],
    path: str,
) -> SelectionSetNode | None:
    if selection_set is None:
        return None
    kept: list[Any] = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            name = selection.name.value
            here = f"{path}.{name}" if path else name
            if name == "__typename":
                kept.append(selection)
                continue
            definition = getattr(parent, "fields", {}).get(name)
            if definition is None:
                if _in_real(parent.name, name):
                    dropped.append(here)
                else:
                    kept.append(selection)
                continue
            arguments = []
            for argument in selection.arguments or ():
                arg_def = definition.args.get(argument.name.value)
                if arg_def is None:
                    if _in_real(parent.name, name, argument.name.value):
                        dropped.append(f"{here}({argument.name.value}:)")
                    else:
                        arguments.append(argument)
                    continue
                arguments.append(
                    _replace(argument, value=_prune_literal(arg_def.type, argument.value, dropped, here))
                )
            inner = _prune_selection(
                schema, get_named_type(definition.type), selection.selection_set, fragments, dropped, here
            )
            if selection.selection_set is not None and inner is None:
                dropped.append(here)
                continue
            kept.append(_replace(selection, arguments=tuple(arguments), selection_set=inner))
        elif isinstance(selection, InlineFragmentNode):
            target = parent
            if selection.type_condition is not None:
                target = schema.get_type(selection.type_condition.name.value)
                if target is None and _in_real(selection.type_condition.name.value):
                    dropped.append(f"{path} ... on {selection.type_condition.name.value}")
                    continue
                if target is None:
                    kept.append(selection)
                    continue
            inner = _prune_selection(schema, target, selection.selection_set, fragments, dropped, path)
            if inner is not None:
                kept.append(_replace(selection, selection_set=inner))
        elif isinstance(selection, FragmentSpreadNode):
            if selection.name.value in fragments and schema.get_type(
                fragments[selection.name.value].type_condition.name.value
            ):
                kept.append(selection)
            else:
                dropped.append(f"{path} ...{selection.name.value}")
    if not kept:
        return None
    return _replace(selection_set, selections=tuple(kept))


def _prune_literal(type_: Any, value: Any, dropped: list[str], path: str) -> Any:
    named = get_named_type(type_)
    if isinstance(value, A.ObjectValueNode) and is_input_object_type(named):
        fields = []
        for item in value.fields:
            if item.name.value not in named.fields:
                if _in_real(named.name) and item.name.value in getattr(
                    _REAL[0].get_type(named.name), "fields", {}
                ):
                    dropped.append(f"{path}.{item.name.value}")
                    continue
                fields.append(item)
                continue
            fields.append(
                _replace(
                    item,
                    value=_prune_literal(named.fields[item.name.value].type, item.value, dropped, path),
                )
            )
        return _replace(value, fields=tuple(fields))
    if isinstance(value, A.ListValueNode):
        inner = type_.of_type if is_non_null_type(type_) else type_
        item_type = inner.of_type if is_list_type(inner) else inner
        return _replace(
            value, values=tuple(_prune_literal(item_type, item, dropped, path) for item in value.values)
        )
    return value


def _prune_value(type_: Any, value: Any, dropped: list[str], path: str) -> Any:
    inner = type_.of_type if is_non_null_type(type_) else type_
    if value is None:
        return None
    if is_list_type(inner) and isinstance(value, list):
        return [_prune_value(inner.of_type, item, dropped, path) for item in value]
    named = get_named_type(inner)
    if is_input_object_type(named) and isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key not in named.fields:
                if _in_real(named.name) and key in getattr(_REAL[0].get_type(named.name), "fields", {}):
                    dropped.append(f"{path}.{key}")
                    continue
                out[key] = item
                continue
            out[key] = _prune_value(named.fields[key].type, item, dropped, f"{path}.{key}")
        return out
    return value


def _used_variables(document: DocumentNode) -> set[str]:
    used: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, A.VariableNode):
            used.add(node.name.value)
            return
        if isinstance(node, A.VariableDefinitionNode):
            return
        if isinstance(node, A.Node):
            for key in node.keys:
                walk(getattr(node, key))
        elif isinstance(node, tuple | list):
            for item in node:
                walk(item)

    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            walk(definition.selection_set)
            for directive in definition.directives or ():
                walk(directive)
        else:
            walk(definition)
    return used


def project(data: Any, document: DocumentNode) -> Any:
    """The part of a recorded `data` that `document` selects (after pruning)."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    return _project(data, [operation.selection_set], fragments)


def _fields(selection_sets: list[Any], fragments: dict[str, FragmentDefinitionNode]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for selection_set in selection_sets:
        if selection_set is None:
            continue
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                out.setdefault((selection.alias or selection.name).value, []).append(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                for key, sets in _fields([selection.selection_set], fragments).items():
                    out.setdefault(key, []).extend(sets)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
                for key, sets in _fields([fragments[selection.name.value].selection_set], fragments).items():
                    out.setdefault(key, []).extend(sets)
    return out


def _project(data: Any, selection_sets: list[Any], fragments: dict[str, FragmentDefinitionNode]) -> Any:
    if isinstance(data, list):
        return [_project(item, selection_sets, fragments) for item in data]
    if not isinstance(data, dict) or not any(s is not None for s in selection_sets):
        return data
    out = {}
    for key, sets in _fields(selection_sets, fragments).items():
        if key in data:
            out[key] = _project(data[key], [s for s in sets if s is not None], fragments)
    return out


# ----- comparison ---------------------------------------------------------------------------------
class Comparer:
    """Compares recorded answers with sandbox answers, matching ids one to one across a scenario."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, str], str] = {}
        self.back: dict[tuple[str, str], str] = {}

    def bind(self, recorded_gid: str, sandbox_gid: str) -> None:
        """Declare that a recorded object is a given sandbox object (pre-existing state)."""
        diffs: list[str] = []
        self._gid(recorded_gid, sandbox_gid, "bind", diffs)
        assert not diffs, diffs

    def swap(self, value: Any) -> Any:
        """Recorded variables → sandbox variables: every known recorded id becomes its sandbox id."""
        text = json.dumps(value)

        def replace(match: re.Match[str]) -> str:
            whole = match.group(0)
            found = GID.match(whole)
            assert found is not None
            number = self.ids.get((found["kind"], found["number"]))
            if number is None:
                return whole
            out = f"gid://shopify/{found['kind']}/{number}"
            if found["query"]:
                out += "?" + self._swap_query(found["query"])
            return out

        return json.loads(re.sub(r"gid://shopify/[A-Za-z]+/[0-9A-Za-z_-]+(?:\?[^\"\s,]*)?", replace, text))

    def _swap_query(self, query: str) -> str:
        parts = []
        for part in query.split("&"):
            key, _, value = part.partition("=")
            kind = GID_PARAMS.get(key)
            if kind and (kind, value) in self.ids:
                value = self.ids[(kind, value)]
            parts.append(f"{key}={value}")
        return "&".join(parts)

    def compare(self, expected: Any, actual: Any, path: str = "$") -> list[str]:
        diffs: list[str] = []
        self._compare(expected, actual, path, diffs)
        return diffs

    def _compare(self, expected: Any, actual: Any, path: str, diffs: list[str]) -> None:
        if isinstance(expected, dict):
            if not isinstance(actual, dict):
                diffs.append(f"{path}: recorded an object, sandbox {json.dumps(actual)[:200]}")
                return
            for key in expected.keys() - actual.keys():
                diffs.append(f"{path}.{key}: missing in sandbox (recorded {json.dumps(expected[key])[:200]})")
            for key in actual.keys() - expected.keys():
                diffs.append(f"{path}.{key}: not recorded (sandbox {json.dumps(actual[key])[:200]})")
            for key in expected.keys() & actual.keys():
                here = f"{path}.{key}"
                if key in OPAQUE_KEYS:
                    if (expected[key] is None) != (actual[key] is None):
                        diffs.append(f"{here}: recorded {expected[key]!r}, sandbox {actual[key]!r}")
                    continue
                if key in LEGACY_KEYS and isinstance(expected[key], str) and isinstance(actual[key], str):
                    if not actual[key].isdigit():
                        diffs.append(f"{here}: sandbox {actual[key]!r} is not a legacy id")
                    continue
                self._compare(expected[key], actual[key], here, diffs)
            return
        if isinstance(expected, list):
            if not isinstance(actual, list):
                diffs.append(f"{path}: recorded a list, sandbox {json.dumps(actual)[:200]}")
                return
            if len(expected) != len(actual):
                diffs.append(
                    f"{path}: recorded {len(expected)} items, sandbox {len(actual)}: "
                    f"{json.dumps(expected)[:300]} vs {json.dumps(actual)[:300]}"
                )
            for index, (e, a) in enumerate(zip(expected, actual, strict=False)):
                self._compare(e, a, f"{path}[{index}]", diffs)
            return
        if isinstance(expected, str) and GID.match(expected):
            if not isinstance(actual, str) or not GID.match(actual):
                diffs.append(f"{path}: recorded {expected!r}, sandbox {actual!r}")
                return
            self._gid(expected, actual, path, diffs)
            return
        if isinstance(expected, str) and TIMESTAMP.match(expected):
            if not isinstance(actual, str) or not TIMESTAMP.match(actual):
                diffs.append(f"{path}: recorded a timestamp, sandbox {actual!r}")
            return
        if isinstance(expected, str) and "gid://shopify/" in expected:
            expected = self.swap(expected)  # ids inside a message
        if expected != actual or type(expected) is not type(actual):
            diffs.append(f"{path}: recorded {json.dumps(expected)}, sandbox {json.dumps(actual)}")

    def _gid(self, expected: str, actual: str, path: str, diffs: list[str]) -> None:
        e, a = GID.match(expected), GID.match(actual)
        assert e is not None and a is not None
        if e["kind"] != a["kind"]:
            diffs.append(f"{path}: recorded {expected!r}, sandbox {actual!r}")
            return
        self._number(e["kind"], e["number"], a["number"], path, diffs)
        e_query = dict(p.partition("=")[::2] for p in (e["query"] or "").split("&") if p)
        a_query = dict(p.partition("=")[::2] for p in (a["query"] or "").split("&") if p)
        if e_query.keys() != a_query.keys():
            diffs.append(f"{path}: recorded {expected!r}, sandbox {actual!r}")
            return
        for key, value in e_query.items():
            kind = GID_PARAMS.get(key)
            if kind:
                self._number(kind, value, a_query[key], path, diffs)
            elif value != a_query[key]:
                diffs.append(f"{path}: recorded {expected!r}, sandbox {actual!r}")

    def _number(self, kind: str, expected: str, actual: str, path: str, diffs: list[str]) -> None:
        bound = self.ids.get((kind, expected))
        if bound is None:
            owner = self.back.get((kind, actual))
            if owner is not None and owner != expected:
                diffs.append(f"{path}: sandbox {kind}/{actual} already stands for recorded {kind}/{owner}")
                return
            self.ids[(kind, expected)] = actual
            self.back[(kind, actual)] = expected
        elif bound != actual:
            diffs.append(
                f"{path}: recorded {kind}/{expected} is sandbox {kind}/{bound}, sandbox gave {actual}"
            )
