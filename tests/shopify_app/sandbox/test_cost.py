"""Query cost in extensions.cost, the leaky bucket and THROTTLED answers (fake clock).

The pricing rules, each shown by recorded Shopify answers (cited in `shopify_app/sandbox/cost.py`;
`test_cost_parity.py` replays them all).
"""

from __future__ import annotations

import pytest

from shopify_app.sandbox.app import ShopifySandbox

from .conftest import SHOP, FakeClock, Gql, recorded

PAGE = "{ products(first: 5) { nodes { id title } } }"


def test_cost_extension_has_the_recorded_shape(gql: Gql) -> None:
    body = gql(PAGE)
    cost = body["extensions"]["cost"]
    sample = recorded("2025-01--locations-catalog.json")["extensions"]["cost"]
    assert set(cost) == set(sample) and set(cost["throttleStatus"]) == set(sample["throttleStatus"])
    assert cost["requestedQueryCost"] == 2 + 3 * 1  # five nodes are charged as three
    assert 1 <= cost["actualQueryCost"] <= cost["requestedQueryCost"]
    assert cost["throttleStatus"]["maximumAvailable"] == 2000 and cost["throttleStatus"]["restoreRate"] == 100
    assert cost["throttleStatus"]["currentlyAvailable"] == 2000 - cost["actualQueryCost"]


def test_mutations_cost_ten_covering_the_objects_their_payload_returns(gql: Gql) -> None:
    body = gql('mutation { productSet(input: {title: "T"}) { product { id } userErrors { field } } }')
    assert body["extensions"]["cost"]["requestedQueryCost"] == 10
    assert body["extensions"]["cost"]["actualQueryCost"] == 10
    # What the returned product selects costs as in a query: variants(first: 10) 2 + 4 × 1.
    deeper = gql(
        'mutation { productSet(input: {title: "U"}) { product { id variants(first: 10) { nodes { id } } } } }'
    )
    assert deeper["extensions"]["cost"]["requestedQueryCost"] == 10 + 2 + 4 * 1


def test_file_create_costs_twenty(gql: Gql) -> None:
    # Every recorded fileCreate costs 20 plus its selection (file-create-delete-parity: 21).
    body = gql(
        """mutation($files: [FileCreateInput!]!) { fileCreate(files: $files) {
          files { id ... on MediaImage { image { url } } } userErrors { field message } } }""",
        {"files": [{"originalSource": "https://example.com/a.png", "contentType": "IMAGE"}]},
    )
    assert body["extensions"]["cost"]["requestedQueryCost"] == 20 + 1


@pytest.mark.parametrize(
    ("size", "charged"), [(1, 1), (2, 1), (3, 2), (5, 3), (10, 4), (20, 5), (50, 7), (100, 9), (250, 11)]
)
def test_a_connection_is_charged_for_twice_the_log_of_its_page_size(
    gql: Gql, size: int, charged: int
) -> None:
    # The sizes Shopify's recordings show: locations(first: 10) of named nodes costs 6 (locations-catalog).
    body = gql(f"{{ locations(first: {size}) {{ nodes {{ id name }} pageInfo {{ hasNextPage }} }} }}")
    assert body["extensions"]["cost"]["requestedQueryCost"] == 2 + charged
    last = gql(f"{{ locations(last: {size}) {{ edges {{ cursor node {{ id }} }} }} }}")
    assert last["extensions"]["cost"]["requestedQueryCost"] == 2 + charged  # the edge itself is free


def test_nodes_and_edges_selected_together_are_both_paid_for(gql: Gql) -> None:
    # catalogs-connection-read: a page asking for nodes and edges of the same catalogs costs both.
    body = gql("{ locations(first: 10) { nodes { id } edges { node { id } } } }")
    assert body["extensions"]["cost"]["requestedQueryCost"] == 2 + 4 * (1 + 1)


def test_counts_cost_ten_at_the_root_and_one_inside_an_object(gql: Gql) -> None:
    # customers-count: three root counts cost 30; a collection's productsCount costs 1
    # (productCreate-collections-to-join-parity).
    body = gql("{ productsCount { count } customersCount { count } }")
    assert body["extensions"]["cost"]["requestedQueryCost"] == 10 + 10
    nested = gql('{ collection(id: "gid://shopify/Collection/1") { id productsCount { count } } }')
    assert nested["extensions"]["cost"]["requestedQueryCost"] == 1 + 1


def test_lists_are_charged_once_and_money_is_free(gql: Gql) -> None:
    # order.transactions adds 1 whatever its length; money amounts add nothing
    # (draft-order-complete-payment-terms-pending, draft-orders-catalog).
    body = gql(
        """{ order(id: "gid://shopify/Order/1") { id totalPriceSet { shopMoney { amount } }
          transactions { kind amountSet { shopMoney { amount } } } } }"""
    )
    assert body["extensions"]["cost"]["requestedQueryCost"] == 1 + 1


def test_single_query_over_1000_points_is_refused(gql: Gql) -> None:
    # metafields 2 + 11, a variant 1 + 13, variants 2 + 11 × 14, a product 1 + 156: 2 + 11 × 157
    body = gql(
        "{ products(first: 250) { nodes { variants(first: 250) { nodes { metafields(first: 250) { nodes { id } } } } } } }"
    )
    assert body["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED"
    assert "data" not in body


def test_throttled_when_requested_cost_exceeds_what_is_available(
    sandbox: ShopifySandbox, clock: FakeClock
) -> None:
    gql = Gql(sandbox)
    sandbox.rate_limiter.drain(SHOP, 1997)
    body = gql(PAGE)
    assert gql.last is not None and gql.last.status_code == 200
    assert body["errors"] == [
        {
            "message": "Throttled",
            "extensions": {"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"},
        }
    ]
    assert "data" not in body
    assert body["extensions"]["cost"]["actualQueryCost"] is None
    assert body["extensions"]["cost"]["requestedQueryCost"] == 5
    assert body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 3
    clock.advance(0.01)  # 1 point restored: 4 is still not enough for 5
    assert gql(PAGE)["errors"][0]["extensions"]["code"] == "THROTTLED"
    clock.advance(1)
    assert "errors" not in gql(PAGE)


def test_repeated_requests_drain_the_bucket_until_throttled(make_sandbox, clock: FakeClock) -> None:  # noqa: ANN001
    gql = Gql(make_sandbox(products=0))
    heavy = 'mutation { productSet(input: {title: "T"}) { product { id } } }'  # 10 points
    answers = [gql(heavy) for _ in range(210)]
    throttled = [a for a in answers if a.get("errors")]
    assert len(throttled) == 210 - 2000 // 10
    clock.advance(20)
    assert "errors" not in gql(heavy)


def test_plans_and_off(make_sandbox, clock: FakeClock) -> None:  # noqa: ANN001
    plus = make_sandbox(rate_limit="plus")
    assert Gql(plus)(PAGE)["extensions"]["cost"]["throttleStatus"]["restoreRate"] == 1000
    off = make_sandbox(rate_limit="off")
    off.rate_limiter.drain(SHOP, 2000)
    assert "errors" not in Gql(off)(PAGE)


def test_recorded_search_query_cost_is_reproduced(gql: Gql) -> None:
    recording = recorded("2025-01--products-variant-search.json")
    call = recording["upstreamCalls"][0]
    body = gql(call["query"], call["variables"])
    shopify_cost = recording["response"]["extensions"]["cost"]["requestedQueryCost"]
    assert body["extensions"]["cost"]["requestedQueryCost"] == shopify_cost == 15
