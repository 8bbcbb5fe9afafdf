"""Query cost and the leaky bucket (Shopify's GraphQL rate limiting).

Cost rules (Shopify's published approximation): scalars and enums 0, objects 1, connections
2 + `first`/`last` × the cost of one item (edge 1 + node 1 + its selection, or node 1 + selection via
`nodes`), `nodes(ids:)` × the number of ids, mutations 10 plus what they select. The bucket holds
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
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
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
    for field in _fields(operation.selection_set, fragments):
        definition = root.fields.get(field.name.value)
        if definition is None:
            continue
        inner = _selection_cost(schema, definition.type, field, fragments, variables)
        if operation.operation.value == "mutation":
            total += MUTATION_COST + max(0, inner - 1)
        else:
            total += inner
    return total


def _fields(selection_set: Any, fragments: dict[str, FragmentDefinitionNode]) -> list[FieldNode]:
    out: list[FieldNode] = []
    if selection_set is None:
        return out
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            out.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            out.extend(_fields(selection.selection_set, fragments))
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
            out.extend(_fields(fragments[selection.name.value].selection_set, fragments))
    return out


def _argument(field: FieldNode, name: str, variables: dict[str, Any]) -> Any:
    for argument in field.arguments or ():
        if argument.name.value == name:
            return value_from_ast_untyped(argument.value, variables)
    return None


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
    children = 0
    for child in _fields(field.selection_set, fragments):
        if child.name.value == "__typename":
            continue
        if is_abstract_type(named):
            candidates = [t for t in schema.get_possible_types(named)]
            costs = [
                _selection_cost(schema, t.fields[child.name.value].type, child, fragments, variables)
                for t in candidates
                if child.name.value in t.fields
            ]
            children += max(costs, default=0)
        else:
            definition = named.fields.get(child.name.value)
            if definition is not None:
                children += _selection_cost(schema, definition.type, child, fragments, variables)
    if named.name.endswith("Connection"):
        size = _argument(field, "first", variables) or _argument(field, "last", variables) or 0
        per_edge = 0
        for child in _fields(field.selection_set, fragments):
            if child.name.value in ("edges", "nodes"):
                per_edge = max(per_edge, _edge_cost(schema, named, child, fragments, variables))
        return 2 + int(size) * per_edge
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
        return 1 + sum(
            _selection_cost(schema, node_type.fields[g.name.value].type, g, fragments, variables)
            for g in _fields(child.selection_set, fragments)
            if g.name.value in node_type.fields
        )
    total = 1  # the edge object itself
    for edge_field in _fields(child.selection_set, fragments):
        if edge_field.name.value == "node":
            inner = get_named_type(node_type.fields["node"].type)
            total += 1 + sum(
                _selection_cost(schema, inner.fields[g.name.value].type, g, fragments, variables)
                for g in _fields(edge_field.selection_set, fragments)
                if hasattr(inner, "fields") and g.name.value in inner.fields
            )
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
