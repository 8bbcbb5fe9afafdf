"""Query cost in extensions.cost, the leaky bucket and THROTTLED answers (fake clock)."""

from __future__ import annotations

from shopify_app.sandbox.app import ShopifySandbox

from .conftest import SHOP, FakeClock, Gql, recorded

PAGE = "{ products(first: 5) { nodes { id title } } }"


def test_cost_extension_has_the_recorded_shape(gql: Gql) -> None:
    body = gql(PAGE)
    cost = body["extensions"]["cost"]
    sample = recorded("2025-01--locations-catalog.json")["extensions"]["cost"]
    assert set(cost) == set(sample) and set(cost["throttleStatus"]) == set(sample["throttleStatus"])
    assert cost["requestedQueryCost"] == 2 + 5 * 1
    assert 1 <= cost["actualQueryCost"] <= cost["requestedQueryCost"]
    assert cost["throttleStatus"]["maximumAvailable"] == 2000 and cost["throttleStatus"]["restoreRate"] == 100
    assert cost["throttleStatus"]["currentlyAvailable"] == 2000 - cost["actualQueryCost"]


def test_mutations_cost_ten_plus_their_selection(gql: Gql) -> None:
    body = gql('mutation { productSet(input: {title: "T"}) { product { id } userErrors { field } } }')
    assert body["extensions"]["cost"]["requestedQueryCost"] == 11
    assert body["extensions"]["cost"]["actualQueryCost"] == 11


def test_single_query_over_1000_points_is_refused(gql: Gql) -> None:
    body = gql("{ products(first: 250) { nodes { variants(first: 250) { nodes { id } } } } }")
    assert body["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED"
    assert "data" not in body


def test_throttled_when_requested_cost_exceeds_what_is_available(
    sandbox: ShopifySandbox, clock: FakeClock
) -> None:
    gql = Gql(sandbox)
    sandbox.rate_limiter.drain(SHOP, 1995)
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
    assert body["extensions"]["cost"]["requestedQueryCost"] == 7
    assert body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 5
    clock.advance(0.01)  # 1 point restored: 6 is still not enough for 7
    assert gql(PAGE)["errors"][0]["extensions"]["code"] == "THROTTLED"
    clock.advance(1)
    assert "errors" not in gql(PAGE)


def test_repeated_requests_drain_the_bucket_until_throttled(make_sandbox, clock: FakeClock) -> None:  # noqa: ANN001
    gql = Gql(make_sandbox(products=0))
    heavy = 'mutation { productSet(input: {title: "T"}) { product { id } } }'  # 11 points
    answers = [gql(heavy) for _ in range(190)]
    throttled = [a for a in answers if a.get("errors")]
    assert len(throttled) == 190 - 2000 // 11
    clock.advance(20)
    assert "errors" not in gql(heavy)


def test_plans_and_off(make_sandbox, clock: FakeClock) -> None:  # noqa: ANN001
    plus = make_sandbox(rate_limit="plus")
    assert Gql(plus)(PAGE)["extensions"]["cost"]["throttleStatus"]["restoreRate"] == 1000
    off = make_sandbox(rate_limit="off")
    off.rate_limiter.drain(SHOP, 2000)
    assert "errors" not in Gql(off)(PAGE)


def test_recorded_search_query_cost_is_approximated(gql: Gql) -> None:
    recording = recorded("2025-01--products-variant-search.json")
    call = recording["upstreamCalls"][0]
    body = gql(call["query"], call["variables"])
    shopify_cost = recording["response"]["extensions"]["cost"]["requestedQueryCost"]
    assert abs(body["extensions"]["cost"]["requestedQueryCost"] - shopify_cost) <= 2
