"""Requested cost of selections on interfaces and unions: inline fragments and fragment spreads count,
and the dearest possible type is charged (shopify.dev, "GraphQL Admin API rate limits", Cost
calculation: interface and union fields cost the "maximum of possible selections").

Costs below follow the sandbox's rules (objects 1, connections 2 + first × one item, `nodes` item =
node 1 + its selection), checked against recorded Shopify answers where a recording carries the same
document.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import Gql, recorded

MARKET_CATALOGS = """{ catalogs(first: 50) { nodes { id
  ... on MarketCatalog { markets(first: 5) { nodes { id } } } } } }"""


def cost(body: dict[str, Any]) -> int:
    return body["extensions"]["cost"]["requestedQueryCost"]


def test_fields_inside_an_inline_fragment_on_an_interface_are_charged(gql: Gql) -> None:
    body = gql(MARKET_CATALOGS)
    assert "errors" not in body, body
    # per catalog: node 1 + markets(first: 5) (2 + 5 × node 1) = 8
    assert cost(body) == 2 + 50 * (1 + (2 + 5 * 1))


def test_the_dearest_possible_type_is_charged_not_the_sum(gql: Gql) -> None:
    both = gql(
        """{ catalogs(first: 10) { nodes { id
          ... on MarketCatalog { markets(first: 5) { nodes { id } } }
          ... on CompanyLocationCatalog { companyLocations(first: 20) { nodes { id } } } } } }"""
    )
    # MarketCatalog costs 1 + 7, CompanyLocationCatalog 1 + 22: only the latter counts.
    assert cost(both) == 2 + 10 * (1 + (2 + 20 * 1))
    shared = gql("{ catalogs(first: 10) { nodes { id priceList { id } } } }")
    assert cost(shared) == 2 + 10 * (1 + 1)  # fields of the interface itself, on every type


def test_named_fragment_spreads_and_edges_are_charged_like_inline_fragments(gql: Gql) -> None:
    spread = gql(
        """query { catalogs(first: 10) { edges { cursor node { ...Catalog } } } }
        fragment Catalog on Catalog { id ...Market }
        fragment Market on MarketCatalog { markets(first: 5) { nodes { id } } }"""
    )
    assert "errors" not in spread, spread
    # per edge: edge 1 + node 1 + markets 7
    assert cost(spread) == 2 + 10 * (1 + 1 + 7)


def test_a_fragment_for_another_type_is_not_charged_on_a_concrete_object(gql: Gql) -> None:
    # `catalog(id:)` returns the Catalog interface: the company-location fragment only counts as one
    # of its possible types, so the market fragment on the same selection does not add to it.
    body = gql(
        """{ catalog(id: "gid://shopify/MarketCatalog/1") { id
          ... on MarketCatalog { markets(first: 5) { nodes { id } } }
          ... on CompanyLocationCatalog { companyLocationsCount { count } } } }"""
    )
    assert cost(body) == 1 + max(2 + 5, 1)


def test_a_union_costs_its_dearest_member(gql: Gql) -> None:
    body = gql(
        """{ order(id: "gid://shopify/Order/1") { purchasingEntity {
          ... on Customer { id }
          ... on PurchasingCompany { company { id } location { id } contact { id } } } } }"""
    )
    # order 1 + purchasingEntity 1 + PurchasingCompany's three objects (a Customer adds nothing)
    assert cost(body) == 1 + 1 + 3


def test_fragments_under_nodes_by_id_are_charged_per_id(gql: Gql) -> None:
    ids = [f"gid://shopify/Product/{n}" for n in (1, 2, 3)]
    body = gql(
        """query($ids: [ID!]!) { nodes(ids: $ids) { id
          ... on Product { variants(first: 10) { nodes { id } } } } }""",
        {"ids": ids},
    )
    assert cost(body) == len(ids) * (1 + (2 + 10 * 1))


def test_a_fragment_pushing_a_query_over_1000_points_is_refused(gql: Gql) -> None:
    plain = gql("{ catalogs(first: 250) { nodes { id } } }")
    assert "errors" not in plain and cost(plain) == 2 + 250
    query = """{ catalogs(first: 250) { nodes { id
      ... on CompanyLocationCatalog { companyLocations(first: 10) { nodes { id } } } } } }"""
    body = gql(query)
    requested = 2 + 250 * (1 + (2 + 10 * 1))
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


# ----- recorded Shopify costs ---------------------------------------------------------------------
def recorded_requests(recording: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, dict]]:
    """(path, request) for every recorded request that sits beside exactly one recorded cost: a
    mapping with a `query` (or `document`) and, below its other keys, one `requestedQueryCost`."""
    if isinstance(recording, list):
        for index, item in enumerate(recording):
            yield from recorded_requests(item, (*path, str(index)))
        return
    if not isinstance(recording, dict):
        return
    for key in ("query", "document"):
        document = recording.get(key)
        if isinstance(document, str) and "{" in document:
            rest = {k: v for k, v in recording.items() if k not in (key, "variables")}
            costs = list(_costs(rest))
            if len(costs) == 1:
                yield (
                    ".".join(path),
                    {
                        "query": document,
                        "variables": recording.get("variables") or {},
                        "cost": costs[0],
                    },
                )
                return
    for key, value in recording.items():
        yield from recorded_requests(value, (*path, key))


def _costs(value: Any) -> Iterator[int]:
    if isinstance(value, dict):
        if "requestedQueryCost" in value:
            yield value["requestedQueryCost"]
            return
        for item in value.values():
            yield from _costs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _costs(item)


# Recorded requests whose `requestedQueryCost` the sandbox's rules give exactly (the others use
# per-field costs Shopify does not publish: count fields, connection sizing, mutation payloads), left
# out where the recording lacks the request's variables or sends 2025-01 inputs the 2026-07 schema refuses.
# `file-create-content-type-inference` reads are `node(id:)` with three type fragments: 3, not their sum.
REPRODUCED: dict[str, list[str]] = {
    "2025-01--b2b-company-location-order-aggregates": ["cleanup.1", "cleanup.2", "cleanup.3"],
    "2025-01--customer-create-parity": ["upstreamCalls.0", "upstreamCalls.1"],
    "2025-01--customer-phone-normalization": ["upstreamCalls.0", "upstreamCalls.1"],
    "2025-01--customers-keyed-search-filters": ["cleanup.canada", "cleanup.us"],
    "2025-01--draft-order-variant-custom-only-fields": [
        "setup.productVariantsBulkUpdate",
        "setup.variantHydrate",
        "upstreamCalls.0",
        "cleanup.productDelete",
    ],
    "2025-01--fulfillment-multi-tracking-info": ["fulfillmentCreate", "cleanup.delete"],
    "2025-01--inventory-location-levels-overlay-windowing": ["operations.inventoryAdjust"],
    "2025-01--market-create-currency-settings": [
        "cases.1",
        "cases.3",
        "cases.6",
        "cases.8",
        "cleanupCases.0",
        "cleanupCases.1",
        "cleanupCases.2",
        "cleanupCases.3",
    ],
    "2025-01--media-file-cascade-variant-media-clear": ["upstreamCalls.0", "upstreamCalls.3"],
    "2025-01--media-file-mutation-first-lifecycle": ["upstreamCalls.0"],
    "2025-01--metafields-set-over-limit-parity": ["upstreamCalls.0"],
    "2025-01--metafields-set-parity": ["upstreamCalls.0"],
    "2025-01--product-create-then-bulk-create-price-range-parity": ["shop"],
    "2025-01--product-operation-cold-authoritative-read": ["cleanup"],
    "2025-01--product-set-parity": ["upstreamCalls.0"],
    "2025-01--productCreate-collections-to-join-parity": ["validation.unknownCollectionsCleanup"],
    "2026-04--assign-customer-as-contact-no-email-invalid-input": ["upstreamCalls.0", "upstreamCalls.1"],
    "2026-04--bulk-operation-run-mutation-created-status": [
        "success.currentAfterRun",
        "success.statusPolls.0",
        "success.statusPolls.1",
        "success.downstreamRead",
        "cleanup.productDelete",
    ],
    "2026-04--bulk-operation-run-query-group-objects": [
        "runs.runQueryGroupObjectsTrue.statusPolls.0",
        "runs.runQueryGroupObjectsTrue.statusPolls.1",
        "runs.runQueryGroupObjectsDefault.statusPolls.0",
        "runs.runQueryGroupObjectsDefault.statusPolls.1",
    ],
    "2026-04--collection-top-level-staged-read": [
        "operations.existingHandleAfterFirstCreate",
        "operations.delete",
        "upstreamCalls.0",
    ],
    "2026-04--customer-set-custom-id": [
        "upstreamCalls.2",
        "upstreamCalls.3",
        "upstreamCalls.4",
        "upstreamCalls.5",
        "upstreamCalls.6",
    ],
    "2026-04--file-create-content-type-inference": [
        "reads.videoNode",
        "reads.documentNode",
        "reads.extensionlessNode",
        "reads.modelNode",
        "cleanup.response",
    ],
    "2026-04--inventory-activate-on-hand": [
        "cases.activateOnHand",
        "cases.alreadyActiveOnHand",
        "cases.onHandOutOfRange",
    ],
    "2026-04--inventory-item-levels-connection-windowing-2026-04": [
        "operations.inventorySet",
        "operations.inventoryActivate",
        "operations.inventoryAdjust",
        "operations.inventoryDeactivate",
    ],
    "2026-04--location-delete-inventory-level-cascade": [
        "workflow.destinationInventoryActivate",
        "workflow.defaultInventoryDeactivations.0",
        "workflow.targetInventoryActivate",
        "cleanup.0",
    ],
    "2026-04--market-create-region-node-shape": ["cleanup.marketDelete"],
    "2026-04--market-update-scalars": ["cases.2", "cleanup"],
    "2026-04--order-catalog-count-read": ["upstreamCalls.1"],
    "2026-04--price-list-update-currency-clears-fixed-prices": ["cases.0"],
    "2026-04--price-list-update-detach-catalog": ["cases.0", "cases.5", "upstreamCalls.0"],
    "2026-07--customer-input-inline-consent-parity": ["cleanup.gid://shopify/Customer/10890170695986"],
}


@pytest.mark.parametrize("name", sorted(REPRODUCED))
def test_recorded_requested_cost_is_reproduced(name: str, make_sandbox) -> None:  # noqa: ANN001
    requests = dict(recorded_requests(recorded(f"{name}.json")))
    gql = Gql(make_sandbox(rate_limit="off", products=0))
    for path in REPRODUCED[name]:
        request = requests[path]
        response = gql.raw(request["query"], request["variables"])
        assert response.status_code == 200, (path, response.text)
        body = response.json()
        assert "cost" in body.get("extensions", {}), (path, json.dumps(body)[:400])
        assert cost(body) == request["cost"], path
