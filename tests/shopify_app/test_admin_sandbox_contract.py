"""The Admin GraphQL client against the Shopify sandbox, in-process (WSGITransport) and over a socket.

`AdminClientContract` holds the behaviour; each subclass supplies how a client reaches a sandbox. The
same suite could run against a real development store by adding a subclass that connects there.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from shopify_app.admin.bulk import CHILDREN_KEY, run_bulk_query
from shopify_app.admin.client import AdminClient
from shopify_app.admin.errors import ShopifyAuthError, ShopifyGraphQLError
from shopify_app.admin.operations import load_operation
from tests.shopify_app.admin_scaffolding import SHOP, TOKEN, FakeClock

sandbox_app = pytest.importorskip("shopify_app.sandbox.app")
from shopify_app.sandbox.faults import FaultConfig  # noqa: E402
from shopify_app.sandbox.server import serve_in_thread  # noqa: E402

ShopifySandbox = sandbox_app.ShopifySandbox
SandboxConfig = sandbox_app.SandboxConfig

SEEDED = 12
Connect = Callable[..., AdminClient]


def _variant(color: str, size: str, *, sku: str, price: str = "120.00") -> dict[str, Any]:
    return {
        "optionValues": [{"optionName": "Color", "name": color}, {"optionName": "Size", "name": size}],
        "sku": sku,
        "barcode": sku.replace("-", "")[-12:].rjust(12, "0"),
        "price": price,
    }


def _style(handle: str, *, sizes: tuple[str, ...] = ("36", "38")) -> dict[str, Any]:
    return {
        "title": f"Style {handle}",
        "handle": handle,
        "vendor": "Demo Fashion",
        "productType": "Dress",
        "status": "DRAFT",
        "tags": ["joor"],
        "descriptionHtml": "<p>Silk dress</p>",
        "productOptions": [
            {"name": "Color", "values": [{"name": "Navy"}]},
            {"name": "Size", "values": [{"name": s} for s in sizes]},
        ],
        "variants": [_variant("Navy", s, sku=f"{handle.upper()}-NAV-{s}") for s in sizes],
        "metafields": [
            {"namespace": "joor", "key": "fabrication", "type": "single_line_text_field", "value": "Silk"}
        ],
    }


class AdminClientContract:
    """Behaviour every Shopify the client talks to must show; subclasses define `connect`."""

    @pytest.fixture
    def clock(self) -> FakeClock:
        return FakeClock()

    @pytest.fixture
    def make_sandbox(self, clock: FakeClock) -> Callable[..., Any]:
        def make(**overrides: Any) -> Any:
            config = {
                "static_tokens": {SHOP: TOKEN},
                "products": SEEDED,
                "clock": clock,
                "deliver_webhooks": "off",
                "rate_limit": "off",
                **overrides,
            }
            return ShopifySandbox(SandboxConfig(**config))

        return make

    @pytest.fixture
    def sandbox(self, make_sandbox: Callable[..., Any]) -> Any:
        return make_sandbox()

    @pytest.fixture
    def connect(self, clock: FakeClock) -> Iterator[Connect]:  # pragma: no cover - overridden
        raise NotImplementedError

    @pytest.fixture
    def client(self, connect: Connect, sandbox: Any) -> AdminClient:
        return connect(sandbox)

    # ------------------------------------------------------------ reads

    def test_shop_and_locations(self, client: AdminClient) -> None:
        info = client.shop()
        assert info.myshopify_domain == SHOP
        assert info.name == "Demo Fashion"
        assert info.currency_code == "USD"
        locations = client.locations()
        assert locations and all(loc.id.startswith("gid://shopify/Location/") for loc in locations)

    def test_iter_products_pages_through_the_catalog(self, client: AdminClient) -> None:
        products = list(client.iter_products(page_size=5, variants_first=50))
        assert len(products) == SEEDED
        assert len({p["id"] for p in products}) == SEEDED
        for product in products:
            assert product["variants"]["nodes"], product["id"]
            assert all(
                v["inventoryItem"]["id"].startswith("gid://shopify/InventoryItem/")
                for v in product["variants"]["nodes"]
            )
        assert client.usage["requests"] == 3
        assert client.usage["cost"] > 0

    # ------------------------------------------------------------ product writes

    def test_product_set_read_search_update_delete(self, client: AdminClient) -> None:
        created = client.product_set(_style("aurora"), identifier={"handle": "aurora"})
        assert created.ok, created.user_errors
        product = created.product
        assert product["handle"] == "aurora"
        assert sorted(v["sku"] for v in product["variants"]["nodes"]) == ["AURORA-NAV-36", "AURORA-NAV-38"]
        assert [(m["key"], m["value"]) for m in product["metafields"]["nodes"]] == [("fabrication", "Silk")]

        again = client.product_set(_style("aurora"), identifier={"handle": "aurora"})
        assert again.ok and again.product["id"] == product["id"]  # set, not a second product

        read = client.product(product["id"])
        assert read["title"] == "Style aurora"
        (variant,) = client.variants_by_sku("AURORA-NAV-38")
        assert variant["product"]["id"] == product["id"]

        updated = client.product_update({"id": product["id"], "title": "Aurora dress"})
        assert updated.ok and updated.product["title"] == "Aurora dress"

        deleted = client.product_delete(product["id"])
        assert deleted.ok and deleted.deleted_product_id == product["id"]
        assert client.product(product["id"]) is None
        gone = client.product_delete(product["id"])
        assert gone.user_errors and gone.user_errors[0].field == ["id"]

    def test_product_set_user_errors_are_typed(self, client: AdminClient) -> None:
        style = _style("dup")
        style["variants"].append(dict(style["variants"][0]))
        result = client.product_set(style)
        assert not result.ok and result.product is None
        assert result.user_errors[0].field == ["input", "variants", "2"]
        assert "already exists" in result.user_errors[0].message

    def test_product_set_async_completes(self, client: AdminClient) -> None:
        result = client.product_set(
            _style("nova"), synchronous=False, identifier={"handle": "nova"}, poll_interval=0.5
        )
        assert result.ok, result.user_errors
        assert result.operation is not None and result.operation.status == "COMPLETE"
        assert result.product["handle"] == "nova"

    def test_max_input_size_is_a_graphql_error(self, client: AdminClient) -> None:
        style = _style("huge")
        style["variants"] = [_variant("Navy", str(i), sku=f"HUGE-{i}") for i in range(2049)]
        with pytest.raises(ShopifyGraphQLError) as info:
            client.product_set(style, identifier={"handle": "huge"})
        assert info.value.codes == ["MAX_INPUT_SIZE_EXCEEDED"]

    def test_variants_metafields_and_inventory(self, client: AdminClient) -> None:
        location = client.locations()[0].id
        style = _style("luna")
        for variant_input in style["variants"]:
            variant_input["inventoryQuantities"] = [
                {"locationId": location, "name": "available", "quantity": 2}
            ]
        product = client.product_set(style, identifier={"handle": "luna"}).product
        variant = product["variants"]["nodes"][0]
        bulk = client.product_variants_bulk_update(product["id"], [{"id": variant["id"], "price": "99.00"}])
        assert bulk.ok and bulk.variants[0]["price"] == "99.00"

        metafields = [
            {
                "ownerId": product["id"],
                "namespace": "joor",
                "key": f"k{i}",
                "type": "single_line_text_field",
                "value": str(i),
            }
            for i in range(26)
        ]
        assert client.metafields_set(metafields[:2]).ok
        over = client.metafields_set(metafields)
        assert [e.code for e in over.user_errors] == ["LESS_THAN_OR_EQUAL_TO"]

        item = variant["inventoryItem"]["id"]
        current = variant["inventoryQuantity"]
        assert current == 2
        entry = {
            "inventoryItemId": item,
            "locationId": location,
            "quantity": current + 5,
            "changeFromQuantity": current,
        }
        done = client.inventory_set_quantities(
            [entry], idempotency_key="luna-1", reference_document_uri="joorsync://t/1"
        )
        assert done.ok, done.user_errors
        stale = client.inventory_set_quantities([entry], idempotency_key="luna-2")
        assert [e.code for e in stale.user_errors] == ["CHANGE_FROM_QUANTITY_STALE"]

    # ------------------------------------------------------------ webhooks

    def test_webhook_registration_is_idempotent(self, client: AdminClient) -> None:
        first = client.ensure_webhook_subscription(
            topic="PRODUCTS_UPDATE", uri="https://app.example/webhooks"
        )
        assert first.ok and first.subscription is not None
        second = client.ensure_webhook_subscription(
            topic="PRODUCTS_UPDATE", uri="https://app.example/webhooks"
        )
        assert second.subscription == first.subscription
        subscriptions = client.webhook_subscriptions(topics=["PRODUCTS_UPDATE"])
        assert [s.id for s in subscriptions] == [first.subscription.id]

    # ------------------------------------------------------------ bulk

    def test_bulk_query_groups_children_under_parents(self, client: AdminClient) -> None:
        query = "{ products { edges { node { id title variants { edges { node { id sku } } } } } } }"
        result = run_bulk_query(client, query, poll_interval=1.0)
        roots = list(result)
        assert result.operation.status == "COMPLETED"
        assert len(roots) == SEEDED
        assert all(root[CHILDREN_KEY]["ProductVariant"] for root in roots)
        expected = {
            p["id"]: len(p["variants"]["nodes"])
            for p in client.iter_products(page_size=20, variants_first=100)
        }
        assert {r["id"]: len(r[CHILDREN_KEY]["ProductVariant"]) for r in roots} == expected

    def test_products_export_bulk_query_carries_variants_and_joor_metafields(
        self, client: AdminClient
    ) -> None:
        created = client.product_set(_style("export"), identifier={"handle": "export"}).product
        roots = {
            r["id"]: r for r in client.run_bulk_query(load_operation("ProductsExport"), poll_interval=1.0)
        }
        assert len(roots) == SEEDED + 1
        exported = roots[created["id"]]
        assert exported["handle"] == "export"
        assert sorted(v["sku"] for v in exported[CHILDREN_KEY]["ProductVariant"]) == [
            "EXPORT-NAV-36",
            "EXPORT-NAV-38",
        ]
        assert [(m["namespace"], m["key"], m["value"]) for m in exported[CHILDREN_KEY]["Metafield"]] == [
            ("joor", "fabrication", "Silk")
        ]

    def test_bulk_product_set_results_in_input_order(self, client: AdminClient) -> None:
        handles = ["alpha", "bravo", "charlie"]
        results = list(
            client.bulk_product_set(
                [_style(h) for h in handles], identifiers=[{"handle": h} for h in handles], poll_interval=1.0
            )
        )
        assert [r.ok for r in results] == [True, True, True], [r.user_errors for r in results]
        assert [r.product["handle"] for r in results] == handles
        assert client.product(results[1].product["id"])["title"] == "Style bravo"

    # ------------------------------------------------------------ errors, auth, pacing

    def test_validation_errors_have_shopify_shape(self, client: AdminClient) -> None:
        with pytest.raises(ShopifyGraphQLError) as info:
            client.execute_document(
                "query Broken { shop { definitelyNotAShopField } }", operation_name="Broken"
            )
        assert info.value.codes == ["undefinedField"]

    def test_wrong_token_is_an_auth_error(self, connect: Connect, sandbox: Any) -> None:
        client = connect(sandbox, access_token="shpat_wrong")
        with pytest.raises(ShopifyAuthError):
            client.shop()

    def test_token_of_another_shop_is_refused(
        self, connect: Connect, make_sandbox: Callable[..., Any]
    ) -> None:
        other = "other-brand.myshopify.com"
        sandbox = make_sandbox(shops=(SHOP, other), static_tokens={SHOP: TOKEN, other: "shpat_other"})
        assert connect(sandbox, shop=other, access_token="shpat_other").shop().myshopify_domain == other
        with pytest.raises(ShopifyAuthError):
            connect(sandbox, shop=other, access_token=TOKEN).shop()

    def test_token_stays_out_of_logs(
        self, connect: Connect, sandbox: Any, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.DEBUG)
        client = connect(sandbox)
        client.shop()
        with pytest.raises(ShopifyGraphQLError):
            client.execute_document("query Broken { shop { nope } }", operation_name="Broken")
        assert caplog.records
        assert not [r for r in caplog.records if TOKEN in r.getMessage()]

    def test_expired_token_is_refreshed_once(self, connect: Connect, sandbox: Any) -> None:
        token = sandbox.issue_access_token(SHOP, expiring=True)
        fresh: list[str] = []

        def refresh() -> str:
            fresh.append(sandbox.issue_access_token(SHOP, expiring=True))
            return fresh[-1]

        client = connect(sandbox, access_token=token, on_unauthorized=refresh)
        client.shop()
        sandbox.expire_access_tokens(SHOP)
        assert client.shop().myshopify_domain == SHOP
        assert len(fresh) == 1

    def test_pacing_keeps_repeated_crawls_from_being_throttled(
        self, connect: Connect, make_sandbox: Callable[..., Any], clock: FakeClock
    ) -> None:
        client = connect(make_sandbox(rate_limit="standard"))
        crawls = 0
        while client.usage["cost"] <= 3000 and crawls < 40:  # the bucket holds 2000, refills 100/s
            assert len(list(client.iter_products(page_size=12, variants_first=50))) == SEEDED
            crawls += 1
        assert client.usage["cost"] > 3000
        assert client.usage["throttled"] == 0
        assert clock.sleeps and all(wait < 10 for wait in clock.sleeps)

    def test_throttled_client_waits_and_recovers(
        self, connect: Connect, make_sandbox: Callable[..., Any], clock: FakeClock
    ) -> None:
        sandbox = make_sandbox(rate_limit="standard")
        greedy = connect(sandbox)
        while greedy.usage["cost"] < 1900:  # close to the 2000-point bucket
            list(greedy.iter_products(page_size=12, variants_first=50))
        newcomer = connect(sandbox)  # its own view of the bucket: knows nothing yet
        assert len(list(newcomer.iter_products(page_size=12, variants_first=50))) == SEEDED
        assert newcomer.usage["throttled"] >= 1
        assert newcomer.usage["retries"] == newcomer.usage["throttled"]

    def test_injected_faults_are_absorbed_by_retries(
        self, connect: Connect, make_sandbox: Callable[..., Any]
    ) -> None:
        faults = FaultConfig(rates={"5xx": 0.25, "429": 0.1, "truncate": 0.1}, seed=5, retry_after=1)
        client = connect(make_sandbox(faults=faults), max_retries=8)
        for _ in range(15):
            assert client.shop().myshopify_domain == SHOP
        assert client.usage["retries"] > 0
        assert client.usage["requests"] == 15 + client.usage["retries"]


class TestInProcess(AdminClientContract):
    @pytest.fixture
    def connect(self, clock: FakeClock) -> Iterator[Connect]:
        clients: list[AdminClient] = []

        def make(sandbox: Any, **kwargs: Any) -> AdminClient:
            kwargs.setdefault("access_token", TOKEN)
            kwargs.setdefault("shop", SHOP)
            client = AdminClient(
                admin_base_url="http://sandbox.test",
                transport=httpx.WSGITransport(app=sandbox),
                sleep=clock.sleep,
                clock=clock,
                **kwargs,
            )
            clients.append(client)
            return client

        yield make
        for client in clients:
            client.close()


class TestOverSocket(AdminClientContract):
    @pytest.fixture
    def connect(self, clock: FakeClock) -> Iterator[Connect]:
        with contextlib.ExitStack() as stack:
            urls: dict[int, str] = {}

            def make(sandbox: Any, **kwargs: Any) -> AdminClient:
                if id(sandbox) not in urls:
                    urls[id(sandbox)] = stack.enter_context(serve_in_thread(sandbox))
                kwargs.setdefault("access_token", TOKEN)
                kwargs.setdefault("shop", SHOP)
                client = AdminClient(
                    admin_base_url=urls[id(sandbox)],
                    sleep=clock.sleep,
                    clock=clock,
                    timeout=10.0,
                    **kwargs,
                )
                stack.callback(client.close)
                return client

            yield make
