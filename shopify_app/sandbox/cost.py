"""Query cost and the leaky bucket (Shopify's GraphQL rate limiting).

`requestedQueryCost` follows the rules that reproduce the recorded Shopify answers in
`shared/reference/shopify/recorded/` (shopify.dev, "GraphQL Admin API rate limits", Cost calculation,
gives the outline: scalars and enums 0, objects 1, connections sized by `first`/`last`, interfaces and
unions the maximum of their possible selections, mutations 10). Each rule and a recording showing it:

- Scalars, enums and `pageInfo` cost 0; any other object 1; a list of objects 1 however long, and
  `nodes(ids:)` is such a list (`metafields-set-owner-expansion-parity` reads two ids for 1 point,
  `price-list-update-currency-clears-fixed-prices` hydrates two variants for 8; `order.transactions` and
  `inventoryLevel.quantities` add 1, `draft-order-complete-payment-terms-pending`,
  `inventory-activate-on-hand`).
- A connection costs 2 + s(n) × one item, where n is `first` or `last` and s(n) = ⌊2·ln n⌋, at least 1:
  1→1, 2→1, 3→2, 5→3, 10→4, 20→5, 50→7, 100→9, 250→11 (`locations(first: 10)` of nodes with a name
  costs 6 in `locations-catalog`, `markets(first: 5)` 5 in `catalog-delete-parity`, a product's
  `media(first: 50)` and `variants(first: 50)` 82 in `media-file-cascade-variant-media-clear`). One
  item is the node (1 + its selection); the edge is free, and a selection asking for both `nodes` and
  `edges` pays for both (`catalogs-connection-read` 56, `inventory-location-levels-overlay-windowing` 60).
- A count field at the query root (`productsCount`, `customersCount`, `ordersCount`, `catalogsCount`,
  ...) costs 10 (`customers-count` 30 for three, `collection-top-level-staged-read` 10 for one); a
  count nested in an object costs 1 like any object (`productCreate-collections-to-join-parity`
  collection `productsCount`), except `MarketCatalog.marketsCount`, 10 (`market-catalog-detail` 29).
- A mutation costs 10 (`fileCreate` 20: `file-create-content-type-inference` 23 for five files, and
  every other recorded `fileCreate` 20 plus its selection), which covers its payload and the objects the payload returns
  directly (`customerCreate { customer { id } userErrors { … } }` costs 10 in
  `customer-create-input-id-rejected`); what those objects select costs as in a query (`companyCreate`
  with a contact's customer and `locations(first: 5)` costs 17 in `b2b-company-location-order-aggregates`).
- Value objects loaded with their owner are free: money (`MoneyV2`, `MoneyBag`: a draft order's
  `totalPriceSet { shopMoney }` adds nothing in `draft-orders-catalog`), a collection's `ruleSet` and its
  rules (`collection-detail`), an inventory item's `measurement { weight }`
  (`product-variants-bulk-create-parity`), a customer's `defaultAddress` and marketing consents
  (`customers-keyed-search-filters`, `customer-input-inline-consent-parity`) and the shop's
  `shopAddress` (`b2b-contact-update-customer-readback`).
- On an interface or union each possible type is priced with the shared fields plus the inline
  fragments and fragment spreads that apply to it, and the dearest type is charged (the recorded
  `node(id:)` reads with `... on Video` / `... on MediaImage` / `... on GenericFile` in
  `file-create-content-type-inference` cost 3, not the sum).

The bucket holds 2000 points and refills at the plan's restore rate; a request whose *requested* cost
exceeds what is available is THROTTLED (HTTP 200).
"""

from __future__ import annotations

import math
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
)
from graphql.utilities import value_from_ast_untyped

MUTATION_COST = 10
MAX_QUERY_COST = 1000
ROOT_COUNT_COST = 10
CONNECTION_COST = 2
# Mutations Shopify prices above MUTATION_COST (see the module docstring).
MUTATION_COSTS = {"fileCreate": 20}
# Object types that cost nothing: values that come with the object holding them.
FREE_TYPES = frozenset(
    {
        "MoneyV2",
        "MoneyBag",
        "PageInfo",
        "CollectionRuleSet",
        "CollectionRule",
        "InventoryItemMeasurement",
        "Weight",
    }
)
# Fields whose own cost differs from their type's (parent type.field → cost).
FIELD_COSTS = {
    "Customer.defaultAddress": 0,
    "Customer.emailMarketingConsent": 0,
    "Customer.smsMarketingConsent": 0,
    "Shop.shopAddress": 0,
    "MarketCatalog.marketsCount": ROOT_COUNT_COST,
}


def page_factor(size: int) -> int:
    """How many items a connection of `first`/`last` = size is charged for: ⌊2·ln size⌋, at least 1
    (the sizes 1 to 250 recorded from Shopify all follow it)."""
    if size <= 0:
        return 0
    return max(1, math.floor(2 * math.log(size)))


def requested_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
) -> int:
    mutation = operation.operation.value == "mutation"
    root = schema.mutation_type if mutation else schema.query_type
    assert root is not None
    total = 0
    for field in _fields(schema, root, operation.selection_set, fragments):
        definition = root.fields.get(field.name.value)
        if definition is None:
            continue
        if mutation:
            # The mutation's price covers its payload and the objects the payload returns directly.
            payload = get_named_type(definition.type)
            total += MUTATION_COSTS.get(field.name.value, MUTATION_COST)
            total += _children_cost(schema, payload, field.selection_set, fragments, variables, own_free=True)
        else:
            total += _selection_cost(schema, root, definition.type, field, fragments, variables)
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
    *,
    own_free: bool = False,
) -> int:
    """What a selection set costs on an object of type `named` (`own_free`: the objects it selects
    directly are not charged themselves, as in a mutation payload). On an interface or union the
    dearest possible type counts."""
    if is_abstract_type(named):
        return max(
            (
                _children_cost(schema, possible, selection_set, fragments, variables, own_free=own_free)
                for possible in schema.get_possible_types(named)
            ),
            default=0,
        )
    total = 0
    for child in _fields(schema, named, selection_set, fragments):
        definition = named.fields.get(child.name.value)
        if definition is not None:
            total += _selection_cost(
                schema, named, definition.type, child, fragments, variables, own_free=own_free
            )
    return total


def _selection_cost(
    schema: GraphQLSchema,
    parent: Any,
    type_: Any,
    field: FieldNode,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
    *,
    own_free: bool = False,
) -> int:
    named = get_named_type(type_)
    if is_leaf_type(named):
        return 0
    if named.name.endswith("Connection"):
        return _connection_cost(schema, named, field, fragments, variables)
    own = FIELD_COSTS.get(f"{parent.name}.{field.name.value}")
    if own is None:
        own = 0 if named.name in FREE_TYPES else 1
        if parent is schema.query_type and named.name == "Count":
            own = ROOT_COUNT_COST
    if own_free:
        own = 0
    # A list of objects is charged once, whatever its length (`nodes(ids:)` included).
    return own + _children_cost(schema, named, field.selection_set, fragments, variables)


def _connection_cost(
    schema: GraphQLSchema,
    connection: Any,
    field: FieldNode,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
) -> int:
    size = _argument(field, "first", variables) or _argument(field, "last", variables) or 0
    per_item = 0
    for child in _fields(schema, connection, field.selection_set, fragments):
        name = child.name.value
        if name == "nodes":
            node_type = get_named_type(connection.fields["nodes"].type)
            per_item += 1 + _children_cost(schema, node_type, child.selection_set, fragments, variables)
        elif name == "edges":
            edge_type = get_named_type(connection.fields["edges"].type)
            per_item += _children_cost(schema, edge_type, child.selection_set, fragments, variables)
    return CONNECTION_COST + page_factor(int(size)) * per_item


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
