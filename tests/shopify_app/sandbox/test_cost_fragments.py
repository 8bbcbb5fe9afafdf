"""Requested cost of selections on interfaces and unions: inline fragments and fragment spreads count,
and the dearest possible type is charged (shopify.dev, "GraphQL Admin API rate limits", Cost
calculation: interface and union fields cost the "maximum of possible selections").

Costs below follow the sandbox's rules (see `shopify_app/sandbox/cost.py`, checked against every
recorded answer in `test_cost_parity.py`): objects 1, a connection 2 + page factor × one item (node 1 +
its selection) with the page factor 1 for `first: 1`, 3 for 5, 4 for 10, 5 for 20, 7 for 50 and 11
for 250.
"""

from __future__ import annotations

from typing import Any

from .conftest import Gql

MARKET_CATALOGS = """{ catalogs(first: 50) { nodes { id
  ... on MarketCatalog { markets(first: 5) { nodes { id } } } } } }"""


def cost(body: dict[str, Any]) -> int:
    return body["extensions"]["cost"]["requestedQueryCost"]


def test_fields_inside_an_inline_fragment_on_an_interface_are_charged(gql: Gql) -> None:
    body = gql(MARKET_CATALOGS)
    assert "errors" not in body, body
    # per catalog: node 1 + markets(first: 5) (2 + 3 × node 1) = 6, charged 7 times for 50
    assert cost(body) == 2 + 7 * (1 + (2 + 3 * 1))


def test_the_dearest_possible_type_is_charged_not_the_sum(gql: Gql) -> None:
    both = gql(
        """{ catalogs(first: 10) { nodes { id
          ... on MarketCatalog { markets(first: 5) { nodes { id } } }
          ... on CompanyLocationCatalog { companyLocations(first: 20) { nodes { id } } } } } }"""
    )
    # MarketCatalog costs 1 + 5, CompanyLocationCatalog 1 + (2 + 5 × 1): only the latter counts.
    assert cost(both) == 2 + 4 * (1 + (2 + 5 * 1))
    shared = gql("{ catalogs(first: 10) { nodes { id priceList { id } } } }")
    assert cost(shared) == 2 + 4 * (1 + 1)  # fields of the interface itself, on every type


def test_named_fragment_spreads_and_edges_are_charged_like_inline_fragments(gql: Gql) -> None:
    spread = gql(
        """query { catalogs(first: 10) { edges { cursor node { ...Catalog } } } }
        fragment Catalog on Catalog { id ...Market }
        fragment Market on MarketCatalog { markets(first: 5) { nodes { id } } }"""
    )
    assert "errors" not in spread, spread
    # per edge: the edge is free, node 1 + markets 5
    assert cost(spread) == 2 + 4 * (1 + 5)


def test_a_fragment_for_another_type_is_not_charged_on_a_concrete_object(gql: Gql) -> None:
    # `catalog(id:)` returns the Catalog interface: the company-location fragment only counts as one
    # of its possible types, so the market fragment on the same selection does not add to it.
    body = gql(
        """{ catalog(id: "gid://shopify/MarketCatalog/1") { id
          ... on MarketCatalog { markets(first: 5) { nodes { id } } }
          ... on CompanyLocationCatalog { companyLocationsCount { count } } } }"""
    )
    assert cost(body) == 1 + max(2 + 3, 1)


def test_a_union_costs_its_dearest_member(gql: Gql) -> None:
    body = gql(
        """{ order(id: "gid://shopify/Order/1") { purchasingEntity {
          ... on Customer { id }
          ... on PurchasingCompany { company { id } location { id } contact { id } } } } }"""
    )
    # order 1 + purchasingEntity 1 + PurchasingCompany's three objects (a Customer adds nothing)
    assert cost(body) == 1 + 1 + 3


def test_fragments_under_nodes_by_id_are_charged_once_whatever_the_number_of_ids(gql: Gql) -> None:
    # `nodes(ids:)` is a list, charged once (metafields-set-owner-expansion-parity: two ids, 1 point).
    query = """query($ids: [ID!]!) { nodes(ids: $ids) { id
      ... on Product { variants(first: 10) { nodes { id } } } } }"""
    one = gql(query, {"ids": ["gid://shopify/Product/1"]})
    three = gql(query, {"ids": [f"gid://shopify/Product/{n}" for n in (1, 2, 3)]})
    assert cost(one) == cost(three) == 1 + (2 + 4 * 1)


def test_a_fragment_pushing_a_query_over_1000_points_is_refused(gql: Gql) -> None:
    plain = gql("{ catalogs(first: 250) { nodes { id } } }")
    assert "errors" not in plain and cost(plain) == 2 + 11
    query = """{ catalogs(first: 250) { nodes { id
      ... on CompanyLocationCatalog { companyLocations(first: 250) { nodes {
        roleAssignments(first: 250) { nodes { id } } } } } } } }"""
    body = gql(query)
    # role assignments 2 + 11, a location 1 + 13, locations 2 + 11 × 14, a catalog 1 + 156
    requested = 2 + 11 * (1 + (2 + 11 * (1 + (2 + 11 * 1))))
    assert "data" not in body
    assert body["errors"] == [
        {
            "message": (
                f"Query cost is {requested}, which exceeds the single query max cost limit (1000).\n\n"
                "See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\n"
                "cost of a query is calculated.\n\n"
                "To query larger amounts of data with fewer limits, bulk operations should be used instead.\n"
                "See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n"
            ),
            "extensions": {"code": "MAX_COST_EXCEEDED", "cost": requested, "maxCost": 1000},
        }
    ]
    assert cost(body) == requested and body["extensions"]["cost"]["actualQueryCost"] is None
    # Nothing was taken from the bucket for the refused query.
    left = plain["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"]
    assert body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == left
