"""The client against the real sandbox, through both transports.

`JoorContract` holds every test once; `TestInProcess` runs it over `httpx.WSGITransport`, `TestSocket`
over a loopback socket served by `serve_in_thread` (real HTTP parsing, real connection drops). The same
suite could run against a real JOOR account given credentials.
"""

from __future__ import annotations

import functools
import json
import logging
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import httpx
import pytest

from joorsync.joor.budget import CreditBudget
from joorsync.joor.client import JoorClient, JoorNotFound
from joorsync.joor.errors import JoorAuthError, JoorPermanentError
from joorsync.joor.records import style_to_dict
from joorsync.joor.sandbox.app import JoorSandbox, SandboxConfig
from joorsync.joor.sandbox.catalog import generate_catalog
from joorsync.joor.sandbox.defaults import (
    COLOR_TRAIT_ID,
    DEFAULT_ACCOUNT_ID,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_PASSWORD,
    DEFAULT_TOKEN,
    DEFAULT_USERNAME,
    SEED_STYLE_ID,
    SIZE_TRAIT_ID,
)
from joorsync.joor.sandbox.faults import FaultConfig
from joorsync.joor.sandbox.model import Catalog
from joorsync.joor.sandbox.server import serve_in_thread
from tests.clocks import FakeClock


@functools.cache
def catalog_2500() -> Catalog:
    """Generated once for both transports; the test that uses it only reads."""
    return generate_catalog(2500, 1)


def new_style(number: str, **fields: Any) -> dict[str, Any]:
    """The smallest style JOOR accepts: names, one price, one color, one size."""
    return {
        "style_number": number,
        "style_identifier": number,
        "style_name": f"Style {number}",
        "prices": [
            {
                "price_label": "WHOLESALE",
                "price_currency": "USD",
                "price_wholesale": "10.00",
                "price_retail": "25.00",
                "price_currency_retail": "USD",
            }
        ],
        "colors": [{"color_name": "Black", "color_code": "001"}],
        "sizes": [{"size_name": "M"}],
        **fields,
    }


def v4_credentials(base_url: str) -> dict[str, str]:
    return {
        "client_id": DEFAULT_CLIENT_ID,
        "client_secret": DEFAULT_CLIENT_SECRET,
        "username": DEFAULT_USERNAME,
        "password": DEFAULT_PASSWORD,
        "account_id": DEFAULT_ACCOUNT_ID,
        "auth_url": f"{base_url}/auth/",
    }


class JoorContract:
    """What a JOOR client may rely on. Subclasses say how the client reaches the sandbox."""

    @contextmanager
    def connect(self, app: JoorSandbox, **kwargs: Any) -> Iterator[JoorClient]:
        raise NotImplementedError

    #: Whether the sandbox really sleeps for its "timeout" fault. Over a socket it must, so that the
    #: client's read timeout fires; in-process a real sleep would only slow the test down.
    real_sandbox_sleep = False

    def sandbox(self, clock: FakeClock | None = None, **config: Any) -> JoorSandbox:
        clock = clock or FakeClock()
        config.setdefault("styles", 30)
        config.setdefault("seed", 1)
        config.setdefault("rate_limit", "off")
        sleep = time.sleep if self.real_sandbox_sleep else clock.sleep
        return JoorSandbox(SandboxConfig(clock=clock, sleep=sleep, **config))

    def client_kwargs(self, clock: FakeClock, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("token", DEFAULT_TOKEN)
        return {"sleep": clock.sleep, "clock": clock, "rng": random.Random(3), **kwargs}

    # -- reading styles ---------------------------------------------------------------------------

    def test_paging_across_2500_styles_yields_the_catalog_once(self):
        clock = FakeClock()
        app = JoorSandbox(
            SandboxConfig(clock=clock, sleep=clock.sleep, rate_limit="off"), catalog=catalog_2500()
        )
        with self.connect(app, **self.client_kwargs(clock)) as client:
            ids = [s.style_id for s in client.iter_styles(page_size=500)]
            usage = client.usage
        assert ids == sorted(app.catalog.styles)
        assert len(ids) == len(set(ids)) == 2500
        assert usage.requests == 5 and usage.credits == 5 and usage.retries == 0

    @pytest.mark.parametrize("page_size", [1, 7, 30, 1000])
    def test_page_boundaries_do_not_lose_or_repeat_styles(self, page_size):
        clock = FakeClock()
        app = self.sandbox(clock, styles=30)
        with self.connect(app, **self.client_kwargs(clock)) as client:
            ids = [s.style_id for s in client.iter_styles(page_size=page_size)]
        assert ids == sorted(app.catalog.styles)

    def test_xml_and_json_give_the_same_records(self):
        clock = FakeClock()
        app = self.sandbox(clock, styles=40)
        with self.connect(app, **self.client_kwargs(clock)) as client:
            as_json = [style_to_dict(s) for s in client.iter_styles(fmt="json", page_size=15)]
            as_xml = [style_to_dict(s) for s in client.iter_styles(fmt="xml", page_size=15)]
        assert len(as_json) == 40
        assert as_json == as_xml

    def test_the_seed_style_reads_the_same_by_id_and_number_in_both_formats(self):
        clock = FakeClock()
        app = self.sandbox(clock)
        with self.connect(app, **self.client_kwargs(clock)) as client:
            by_id = {fmt: client.get_style(SEED_STYLE_ID, fmt=fmt) for fmt in ("json", "xml")}
            by_number = client.get_style_by_number("Test Style 1", "Test Style 1", fmt="xml")
        assert style_to_dict(by_id["json"]) == style_to_dict(by_id["xml"]) == style_to_dict(by_number)
        seed = style_to_dict(by_id["json"])
        assert seed["style_id"] == SEED_STYLE_ID and seed["style_name"] == "Test Style 1 sleeveless top"
        assert [p["price_label"] for p in seed["prices"]] == [
            "EUROPE",
            "EXPORT-CN",
            "EXPORT-WW",
            "LUCY",
            "EXPORT-US",
        ]
        assert len(seed["upcs"]) == 12

    def test_a_missing_style_is_not_found(self):
        clock = FakeClock()
        app = self.sandbox(clock)
        with self.connect(app, **self.client_kwargs(clock)) as client:
            with pytest.raises(JoorNotFound):
                client.get_style(999_999_999)
            with pytest.raises(JoorNotFound):
                client.get_style_by_number("no such/number", "nope")
            assert client.usage.requests == 2 and client.usage.retries == 0

    def test_modified_and_created_windows_select_exactly_the_matching_styles(self):
        clock = FakeClock()
        app = self.sandbox(clock, styles=60)
        records = list(app.catalog.styles.values())
        modified = sorted(r.modified for r in records)
        since = modified[20] + (modified[21] - modified[20]) / 2
        until = modified[40] + (modified[41] - modified[40]) / 2
        created = sorted(r.created for r in records)
        c_since = created[10] + (created[11] - created[10]) / 2
        with self.connect(app, **self.client_kwargs(clock)) as client:
            window = {s.style_id for s in client.iter_styles(modified_since=since, modified_until=until)}
            created_window = {
                s.style_id
                for s in client.iter_styles(
                    created_since=c_since, created_until=created[-1] + timedelta(days=1)
                )
            }
        assert window == {r.style_id for r in records if since <= r.modified <= until}
        assert len(window) == 20
        assert created_window == {r.style_id for r in records if r.created >= c_since}

    def test_a_bad_token_is_tried_as_issued_and_base64_then_an_auth_error(self):
        clock = FakeClock()
        app = self.sandbox(clock)
        with self.connect(app, **self.client_kwargs(clock, token="not-the-token")) as client:
            with pytest.raises(JoorAuthError) as info:
                list(client.iter_styles())
            assert client.usage.requests == 2
        assert [entry[2] for entry in app.request_log] == [401, 401]
        assert "not-the-token" not in str(info.value)

    # -- rate limits and faults -------------------------------------------------------------------

    def test_default_budget_never_provokes_a_429(self):
        """320 GETs plus 4 writes (340 credits) against JOOR's real limit: the budget waits instead."""
        clock = FakeClock()
        app = self.sandbox(clock, styles=20, rate_limit="real")
        budget = CreditBudget(clock=clock, sleep=clock.sleep)
        with self.connect(app, **self.client_kwargs(clock, budget=budget)) as client:
            for i in range(320):
                client.get_style(sorted(app.catalog.styles)[i % 20])
            for n in range(4):
                client.style_upsert(new_style(f"RL{n}"))
            usage = client.usage
        assert usage.throttled == 0
        assert all(status != 429 for _method, _path, status in app.request_log)
        assert budget.snapshot().sleeps >= 1 and clock.sleeps
        assert app.credits_used == usage.credits == 340

    def test_one_budget_shared_by_two_clients_of_the_account_keeps_both_under_the_limit(self):
        clock = FakeClock()
        app = self.sandbox(clock, styles=10, rate_limit="real")
        budget = CreditBudget(clock=clock, sleep=clock.sleep)
        style_ids = sorted(app.catalog.styles)
        with (
            self.connect(app, **self.client_kwargs(clock, budget=budget)) as first,
            self.connect(app, **self.client_kwargs(clock, budget=budget)) as second,
        ):
            for i in range(200):
                first.get_style(style_ids[i % 10])
                second.get_style(style_ids[-1 - i % 10])
            throttled = first.usage.throttled + second.usage.throttled
        assert throttled == 0 and app.credits_used == 400
        assert budget.snapshot().sleeps == 1

    def test_recovers_when_the_sandbox_forces_429s(self):
        clock = FakeClock()
        app = self.sandbox(clock, styles=100, faults=FaultConfig(rate_429=0.4), fault_seed=5)
        budget = CreditBudget(clock=clock, sleep=clock.sleep)
        with self.connect(
            app, **self.client_kwargs(clock, budget=budget, max_rate_limit_retries=10)
        ) as client:
            ids = [s.style_id for s in client.iter_styles(page_size=10)]
            usage = client.usage
        assert ids == sorted(app.catalog.styles)
        assert usage.throttled > 0 and usage.throttled == sum(1 for *_x, s in app.request_log if s == 429)

    @pytest.mark.parametrize("seed", [1, 2])
    def test_paging_converges_under_injected_faults(self, seed):
        clock = FakeClock()
        faults = FaultConfig(
            error_5xx=0.1,
            rate_429=0.05,
            drop=0.05,
            truncate=0.1,
            timeout=0.05,
            slow_seconds=0.3,
            max_sleep=0.3,
        )
        app = self.sandbox(clock, styles=300, faults=faults, fault_seed=seed)
        kwargs = self.client_kwargs(
            clock, max_retries=8, max_rate_limit_retries=8, timeout=self.fault_timeout
        )
        with self.connect(app, **kwargs) as client:
            for fmt in ("json", "xml"):
                ids = [s.style_id for s in client.iter_styles(fmt=fmt, page_size=20)]
                assert ids == sorted(app.catalog.styles), fmt
            usage = client.usage
        assert all(count > 0 for count in app.faults.counts.values()), app.faults.counts
        assert (
            usage.retries
            >= sum(app.faults.counts.values()) - app.faults.counts["timeout"] * self.timeouts_missed
        )

    fault_timeout = 30.0
    #: In-process, the sandbox's "timeout" fault only makes a late answer, which the client accepts.
    timeouts_missed = 1

    # -- writes -----------------------------------------------------------------------------------

    def test_style_write_read_delete(self):
        clock = FakeClock()
        app = self.sandbox(clock)
        with self.connect(app, **self.client_kwargs(clock)) as client:
            written = client.style_upsert(
                new_style(
                    "NEW 1 é", style_identifier="NEW-1", style_name="A new style", style_description="Café"
                )
            )
            read = client.get_style_by_number("NEW 1 é", "NEW-1")
            assert read.style_name == "A new style" and read.style_description == "Café"
            if written.style is not None:
                assert written.style.style_id == read.style_id
            client.style_delete("NEW 1 é", "NEW-1")
            with pytest.raises(JoorNotFound):
                client.get_style_by_number("NEW 1 é", "NEW-1")
            with pytest.raises(JoorPermanentError):
                client.style_upsert(new_style("X", style_name="n" * 101))

    def test_bulk_inventory_reports_every_item(self):
        clock = FakeClock()
        app = self.sandbox(clock, styles=5)
        seed = app.catalog.styles[SEED_STYLE_ID]
        upc = next(u for u in seed.upcs if u.get("upc"))
        items = [
            {"warehouse": "Main", "upc": upc["upc"], "inventory": 7},
            {"warehouse": "Main", "upc": "0000000000000", "inventory": 1},
        ]
        with self.connect(app, **self.client_kwargs(clock)) as client:
            results = client.bulk_inventory(items * 300, batch_size=250)
            usage = client.usage
            style = client.get_style(SEED_STYLE_ID)
        assert len(results) == 600 and usage.requests == 3
        assert [r.ok for r in results[:2]] == [True, False]
        assert results[1].message and "not found" in results[1].message
        row = next(u for u in style.upcs if u.upc == upc["upc"])
        assert row.inventory_available == 7

    # -- orders -----------------------------------------------------------------------------------

    def test_order_preview_marks_nothing_and_sync_drains(self):
        clock = FakeClock()
        app = self.sandbox(clock, styles=10)
        with self.connect(app, **self.client_kwargs(clock)) as client:
            preview = list(client.iter_orders(sync=False, order_type=8, export_status=2, page_size=2))
            again = list(client.iter_orders(sync=False, order_type=8, export_status=2, page_size=2))
            assert preview == again and len(preview) > 2  # several pages
            exported = list(client.iter_orders(sync=True, order_type=8, export_status=2, page_size=2))
            assert sorted(json.dumps(o, sort_keys=True) for o in exported) == sorted(
                json.dumps(o, sort_keys=True) for o in preview
            )
            assert list(client.iter_orders(sync=False, order_type=8, export_status=2)) == []
            first_id = preview[0].get("order_id") or preview[0].get("id")
            assert client.get_order(first_id)

    # -- v4 ---------------------------------------------------------------------------------------

    def test_v4_token_expiry_is_refreshed_transparently(self):
        clock = FakeClock()
        app = self.sandbox(clock)
        with self.connect(
            app, **self.client_kwargs(clock, token=None, **v4_credentials(self.base_hint))
        ) as client:
            first = list(client.iter_products(page_size=10))
            app.expire_access_tokens()
            second = list(client.iter_products(page_size=10))
            usage = client.usage
        assert first == second and len(first) == 30
        assert usage.auth_requests == 2
        statuses = [status for _m, path, status in app.request_log if path.startswith("/v4/")]
        assert statuses.count(401) == 1

    def test_v4_credentials_work_on_v2_and_survive_expiry_with_one_refresh(self, caplog):
        caplog.set_level(logging.DEBUG)
        caplog.set_level(logging.DEBUG, logger="httpx")
        clock = FakeClock()
        app = self.sandbox(clock, styles=12)
        kwargs = self.client_kwargs(clock, token=None, **v4_credentials(self.base_hint))
        with self.connect(app, **kwargs) as client:
            first = [s.style_id for s in client.iter_styles(page_size=5)]
            app.expire_access_tokens()
            second = [s.style_id for s in client.iter_styles(page_size=5)]
            clock.now += 40_000  # past expires_in: renewed before use, no 401
            third = [s.style_id for s in client.iter_styles(page_size=5)]
            usage = client.usage
        assert first == second == third == sorted(app.catalog.styles)
        assert usage.auth_requests == 3 and usage.requests == 10
        assert [status for _m, _p, status in app.request_log].count(401) == 1
        auth_calls = [p for _m, p, _s in app.request_log if p.startswith("/auth")]
        assert len(auth_calls) == 3
        assert "Bearer" not in caplog.text and DEFAULT_PASSWORD not in caplog.text
        assert DEFAULT_CLIENT_SECRET not in caplog.text
        assert "/auth/" in caplog.text  # httpx did log the calls, and nothing secret with them

    def test_wrong_v4_password_is_one_auth_request(self):
        clock = FakeClock()
        app = self.sandbox(clock)
        creds = {**v4_credentials(self.base_hint), "password": "not-the-password"}
        with self.connect(app, **self.client_kwargs(clock, token=None, **creds)) as client:
            with pytest.raises(JoorAuthError) as info:
                list(client.iter_styles())
            assert client.usage.auth_requests == 1 and client.usage.requests == 0
        assert "not-the-password" not in str(info.value) and DEFAULT_CLIENT_SECRET not in str(info.value)

    def v4(self, app: JoorSandbox, clock: FakeClock, **kwargs: Any):
        return self.connect(
            app, **self.client_kwargs(clock, token=None, **v4_credentials(self.base_hint), **kwargs)
        )

    def test_v4_reads_every_resource(self):
        clock = FakeClock()
        app = self.sandbox(clock, styles=12)
        with self.v4(app, clock) as client:
            products = list(client.iter_products(page_size=5))
            product_ids = [p["id"] for p in products]
            skus = list(client.iter_skus(product_ids=product_ids, page_size=50))
            prices = list(client.iter_prices(sku_ids=[s["id"] for s in skus[:30]]))
            price_types = client.list_price_types()
            seasons = list(client.iter_seasons())
            collections = list(client.iter_collections())
            orders = list(client.iter_v4_orders())
            lines = list(client.iter_order_line_items(order_ids=[o["id"] for o in orders]))
            created = client.create_seasons([{"name": "Resort", "year": 2027, "external_id": "RS27"}])
            again = client.create_seasons([{"name": "Resort", "year": 2027, "external_id": "RS27"}])
            seasons_after = list(client.iter_seasons())
        assert len(products) == 12 and len(set(product_ids)) == 12
        expected_skus = sum(len(r.combos()) for r in app.catalog.styles.values())
        assert len(skus) == expected_skus and {s["product_id"] for s in skus} == set(product_ids)
        assert prices and all(p["sku_id"] in {s["id"] for s in skus[:30]} for p in prices)
        assert price_types and all("currency_code" in t for t in price_types)
        assert seasons and collections and orders and lines
        assert created.ok and len(created.created) == 1
        assert [f.status for f in again.failures] == ["DUPLICATED"]
        assert len(seasons_after) == len(seasons) + 1

    def test_v4_bulk_writes_batch_and_report_each_item(self):
        clock = FakeClock()
        app = self.sandbox(clock, styles=3)
        items = [
            {"name": f"Product {i}", "external_id": f"EXT-{i}", "product_identifier": f"PI-{i}"}
            for i in range(230)
        ]
        items[7] = {"external_id": "no-name"}
        items[150] = {"name": "Product 0 again", "external_id": "EXT-0", "product_identifier": "PI-0"}
        with self.v4(app, clock) as client:
            result = client.bulk_create("products", items)
            usage = client.usage
        assert usage.requests == 3 and usage.credits == 15
        bulk_posts = [s for m, p, s in app.request_log if p == "/v4/products/bulk_create"]
        assert bulk_posts == [200, 200, 200]
        assert len(result.created) == 228 and not result.ok
        assert {(f.item["external_id"], f.status) for f in result.failures} == {
            ("no-name", "INVALID"),
            ("EXT-0", "DUPLICATED"),
        }

    def test_v4_skus_create_all_combinations_and_update_duplicates(self):
        clock = FakeClock()
        app = self.sandbox(clock, styles=3)

        def sku(product_id: str, color: str, size: str) -> dict[str, Any]:
            return {
                "product_id": product_id,
                "external_id": f"{product_id[-4:]}-{color}-{size}",
                "trait_values": [
                    {"trait_id": COLOR_TRAIT_ID, "value": f"Color {color}", "external_id": color},
                    {"trait_id": SIZE_TRAIT_ID, "value": size},
                ],
            }

        with self.v4(app, clock) as client:
            made = client.bulk_create(
                "products", [{"name": f"New {i}", "external_id": f"NEW-{i}"} for i in range(12)]
            )
            assert made.ok and len(made.created) == 12
            items = [
                sku(pid, c, z) for pid in made.created for c in ("01", "02") for z in ("S", "M", "L", "XL")
            ]
            first = client.bulk_create("skus", items)  # 96 SKUs of 8 per product: never split
            assert first.ok, first.failures
            assert len(first.created) == 96 and first.updated == []
            # Again, plus a third color for the first product: 8 duplicates become updates, the
            # new color's 4 SKUs are created.
            again = items[:8] + [sku(made.created[0], "03", z) for z in ("S", "M", "L", "XL")]
            second = client.bulk_create("skus", again)
            listed = list(client.iter_skus(product_ids=[made.created[0]]))
        assert second.ok, second.failures
        assert sorted(second.updated) == sorted(s["id"] for s in first.data[:8])
        assert len(second.created) == 4
        assert len(listed) == 12
        requests = [p for _m, p, _s in app.request_log]
        # 96 items: one request; then 12 items of one product in one request, plus one more for the 4
        # new SKUs if JOOR held the whole product back because of its 8 duplicates.
        assert requests.count("/v4/skus/bulk_create") in (1 + 1, 1 + 2)
        assert requests.count("/v4/skus/bulk_update") == 1

    def test_v4_sku_batches_never_split_a_product(self):
        clock = FakeClock()
        app = self.sandbox(clock, styles=3)
        with self.v4(app, clock) as client:
            made = client.bulk_create(
                "products", [{"name": f"P{i}", "external_id": f"P{i}"} for i in range(5)]
            )
            items = [
                {
                    "product_id": pid,
                    "trait_values": [
                        {"trait_id": COLOR_TRAIT_ID, "value": f"C{c}", "external_id": f"C{c}"},
                        {"trait_id": SIZE_TRAIT_ID, "value": f"S{z}"},
                    ],
                }
                for pid in made.created
                for c in range(5)
                for z in range(6)
            ]  # 30 per product, 150 in all
            result = client.bulk_create("skus", items)
        assert result.ok, result.failures[:2]
        assert len(result.created) == 150
        requests = [p for _m, p, _s in app.request_log if p == "/v4/skus/bulk_create"]
        assert len(requests) == 2  # 90 + 60: a 100/50 split would have cut a product in two

    def test_v4_order_status_cannot_go_back(self):
        clock = FakeClock()
        app = self.sandbox(clock, styles=5)
        with self.v4(app, clock) as client:
            order = next(o for o in client.iter_v4_orders() if o["status"] != "IN_PROGRESS")
            result = client.bulk_update("orders", [{"id": order["id"], "status": "IN_PROGRESS"}])
        assert not result.ok and result.failures[0].item == {"id": order["id"], "status": "IN_PROGRESS"}

    base_hint = "http://joor-sandbox.test"


class TestInProcess(JoorContract):
    @contextmanager
    def connect(self, app: JoorSandbox, **kwargs: Any) -> Iterator[JoorClient]:
        kwargs = self._auth_url(kwargs, self.base_hint)
        with JoorClient(base_url=self.base_hint, transport=httpx.WSGITransport(app=app), **kwargs) as client:
            yield client

    @staticmethod
    def _auth_url(kwargs: dict[str, Any], base: str) -> dict[str, Any]:
        if "auth_url" in kwargs:
            kwargs["auth_url"] = f"{base}/auth/"
        return kwargs


class TestSocket(JoorContract):
    fault_timeout = 0.15
    real_sandbox_sleep = True
    timeouts_missed = 0

    @contextmanager
    def connect(self, app: JoorSandbox, **kwargs: Any) -> Iterator[JoorClient]:
        with serve_in_thread(app) as base_url:
            kwargs = TestInProcess._auth_url(kwargs, base_url)
            with JoorClient(base_url=base_url, **kwargs) as client:
                yield client
