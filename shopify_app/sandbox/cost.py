"""Query cost and the leaky bucket (Shopify's GraphQL rate limiting).

Cost rules (Shopify's published approximation): scalars and enums 0, objects 1, connections
2 + `first`/`last` × the cost of one item (edge 1 + node 1 + its selection, or node 1 + selection via
`nodes`), `nodes(ids:)` × the number of ids, mutations 10 plus what they select. On an interface or
union the "maximum of possible selections" counts: each possible type is priced with the shared fields
plus the inline fragments and fragment spreads that apply to it, and the dearest type is charged
(shopify.dev, "GraphQL Admin API rate limits", Cost calculation; the recorded `node(id:)` reads with
`... on Video` / `... on MediaImage` / `... on GenericFile` cost 3, not the sum). The bucket holds
2000 points and refills at the plan's restore rate; a request whose *requested* cost exceeds what is
available is THROTTLED (HTTP 200).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    NamedTypeNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
)
from graphql.utilities import value_from_ast_untyped

MUTATION_COST = 10
MAX_QUERY_COST = 1000


def _unwrap(type_: Any) -> Any:
    return type_.of_type if is_non_null_type(type_) else type_


def requested_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
) -> int:
    root = schema.mutation_type if operation.operation.value == "mutation" else schema.query_type
    assert root is not None
    total = 0
    for field in _fields(schema, root, operation.selection_set, fragments):
        definition = root.fields.get(field.name.value)
        if definition is None:
            continue
        inner = _selection_cost(schema, definition.type, field, fragments, variables)
        if operation.operation.value == "mutation":
            total += MUTATION_COST + max(0, inner - 1)
        else:
            total += inner
    return total


def _applies(schema: GraphQLSchema, condition: NamedTypeNode | None, concrete: GraphQLObjectType) -> bool:
    """Whether a fragment typed `condition` is selected on an object of type `concrete`."""
    if condition is None:
        return True
    condition_type = schema.get_type(condition.name.value)
    if condition_type is None:
        return False
    if is_abstract_type(condition_type):
        return schema.is_sub_type(condition_type, concrete)
    return condition_type is concrete


def _fields(
    schema: GraphQLSchema,
    concrete: GraphQLObjectType,
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
) -> list[FieldNode]:
    """The fields a selection set asks of an object of type `concrete`: fields of inline fragments and
    fragment spreads only when their type condition covers that type."""
    out: list[FieldNode] = []
    if selection_set is None:
        return out
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            out.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            if _applies(schema, selection.type_condition, concrete):
                out.extend(_fields(schema, concrete, selection.selection_set, fragments))
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
            fragment = fragments[selection.name.value]
            if _applies(schema, fragment.type_condition, concrete):
                out.extend(_fields(schema, concrete, fragment.selection_set, fragments))
    return out


def _argument(field: FieldNode, name: str, variables: dict[str, Any]) -> Any:
    for argument in field.arguments or ():
        if argument.name.value == name:
            return value_from_ast_untyped(argument.value, variables)
    return None


def _children_cost(
    schema: GraphQLSchema,
    named: Any,
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
) -> int:
    """What a selection set costs on an object of type `named`. On an interface or union Shopify
    charges the "maximum of possible selections" (shopify.dev, GraphQL Admin API rate limits, Cost
    calculation): each possible type is priced with the shared fields plus its own fragments, and the
    dearest one counts."""
    if is_abstract_type(named):
        return max(
            (
                _children_cost(schema, possible, selection_set, fragments, variables)
                for possible in schema.get_possible_types(named)
            ),
            default=0,
        )
    total = 0
    for child in _fields(schema, named, selection_set, fragments):
        definition = named.fields.get(child.name.value)
        if definition is not None:
            total += _selection_cost(schema, definition.type, child, fragments, variables)
    return total


def _selection_cost(
    schema: GraphQLSchema,
    type_: Any,
    field: FieldNode,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
) -> int:
    named = get_named_type(type_)
    if is_leaf_type(named):
        return 0
    unwrapped = _unwrap(type_)
    if named.name.endswith("Connection"):
        size = _argument(field, "first", variables) or _argument(field, "last", variables) or 0
        per_edge = 0
        for child in _fields(schema, named, field.selection_set, fragments):
            if child.name.value in ("edges", "nodes"):
                per_edge = max(per_edge, _edge_cost(schema, named, child, fragments, variables))
        return 2 + int(size) * per_edge
    children = _children_cost(schema, named, field.selection_set, fragments, variables)
    if is_list_type(unwrapped):
        ids = _argument(field, "ids", variables)
        return (1 + children) * len(ids) if isinstance(ids, list) else children
    return 1 + children


def _edge_cost(
    schema: GraphQLSchema,
    connection: Any,
    child: FieldNode,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
) -> int:
    definition = connection.fields[child.name.value]
    node_type = get_named_type(definition.type)
    if child.name.value == "nodes":
        return 1 + _children_cost(schema, node_type, child.selection_set, fragments, variables)
    total = 1  # the edge object itself
    for edge_field in _fields(schema, node_type, child.selection_set, fragments):
        if edge_field.name.value == "node":
            inner = get_named_type(node_type.fields["node"].type)
            total += 1 + _children_cost(schema, inner, edge_field.selection_set, fragments, variables)
    return total


@dataclass
class Bucket:
    """Leaky bucket for one app+shop."""

    maximum: float
    restore_rate: float
    available: float
    updated: float

    def refill(self, now: float) -> None:
        elapsed = max(0.0, now - self.updated)
        self.available = min(self.maximum, self.available + elapsed * self.restore_rate)
        self.updated = now


class RateLimiter:
    """Buckets per shop, sharing one clock and one plan."""

    def __init__(self, *, maximum: int, restore_rate: int, enabled: bool, clock: Callable[[], float]) -> None:
        self.maximum = maximum
        self.restore_rate = restore_rate
        self.enabled = enabled
        self.clock = clock
        self._buckets: dict[str, Bucket] = {}
        self._lock = threading.Lock()

    def _bucket(self, shop: str) -> Bucket:
        bucket = self._buckets.get(shop)
        if bucket is None:
            bucket = Bucket(self.maximum, self.restore_rate, self.maximum, self.clock())
            self._buckets[shop] = bucket
        bucket.refill(self.clock())
        return bucket

    def try_acquire(self, shop: str, cost: int) -> bool:
        """Take `cost` points if available; False means THROTTLED."""
        with self._lock:
            bucket = self._bucket(shop)
            if not self.enabled:
                return True
            if cost > bucket.available:
                return False
            bucket.available -= cost
            return True

    def refund(self, shop: str, points: int) -> None:
        with self._lock:
            bucket = self._bucket(shop)
            bucket.available = min(bucket.maximum, bucket.available + points)

    def status(self, shop: str) -> dict[str, Any]:
        with self._lock:
            bucket = self._bucket(shop)
            return {
                "maximumAvailable": int(self.maximum),
                "currentlyAvailable": int(bucket.available),
                "restoreRate": int(self.restore_rate),
            }

    def drain(self, shop: str, points: float) -> None:
        """Test helper: spend points as if other requests had."""
        with self._lock:
            bucket = self._bucket(shop)
            bucket.available = max(0.0, bucket.available - points)
