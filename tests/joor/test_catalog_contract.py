"""The catalog calls of the client (images, linesheets, stock per warehouse, price types and SKU prices)
against the sandbox, in-process and over a real socket: what a sync may rely on.

`CatalogContract` holds each test once; `TestCatalogInProcess` runs it over `httpx.WSGITransport`,
`TestCatalogSocket` over loopback HTTP (`serve_in_thread`).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest

from joorsync.joor.client import JoorClient, JoorNotFound
from joorsync.joor.errors import JoorPermanentError
from joorsync.joor.records_catalog import (
    CollectionDelivery,
    CollectionItem,
    CollectionWrite,
    MissingPriceTypes,
    ProductAsset,
    StockLevel,
    uploaded_as,
)
from joorsync.joor.sandbox.app import JoorSandbox, SandboxConfig
from joorsync.joor.sandbox.defaults import (
    DEFAULT_ACCOUNT_ID,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_PASSWORD,
    DEFAULT_TOKEN,
    DEFAULT_USERNAME,
    SEED_STYLE_ID,
)
from joorsync.joor.sandbox.server import serve_in_thread
from joorsync.joor.wire_catalog import stock_totals_of
from tests.clocks import FakeClock

SN = "Test Style 1"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 256
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 256


class CatalogContract:
    base_hint = "http://joor-sandbox.test"

    @contextmanager
    def connect(self, app: JoorSandbox, clock: FakeClock) -> Iterator[JoorClient]:
        raise NotImplementedError

    def kwargs(self, base: str, clock: FakeClock) -> dict[str, Any]:
        return {
            "token": DEFAULT_TOKEN,
            "client_id": DEFAULT_CLIENT_ID,
            "client_secret": DEFAULT_CLIENT_SECRET,
            "username": DEFAULT_USERNAME,
            "password": DEFAULT_PASSWORD,
            "account_id": DEFAULT_ACCOUNT_ID,
            "auth_url": f"{base}/auth/",
            "sleep": clock.sleep,
            "clock": clock,
            "rng": random.Random(5),
        }

    def sandbox(self, clock: FakeClock, **config: Any) -> JoorSandbox:
        config.setdefault("styles", 6)
        config.setdefault("rate_limit", "off")
        return JoorSandbox(SandboxConfig(clock=clock, sleep=clock.sleep, **config))

    # -- images ---------------------------------------------------------------------------------

    def test_seed_style_images_in_display_order_with_color_images(self):
        clock = FakeClock()
        app = self.sandbox(clock)
        with self.connect(app, clock) as client:
            images = client.style_images_read(style_number=SN, style_identifier=SN)
            colors = client.color_images_list(product_ids=[str(SEED_STYLE_ID)])
        assert images.style_id == SEED_STYLE_ID
        assert [p.rsplit("/", 1)[1] for p in images.images] == [
            "Test Style 1-c2bl-ap1-56.jpg",
            "Test Style 1-back-5e0c2a.jpg",
            "Test Style 1-detail-9b41d7.jpg",
        ]
        assert [(c.color_code, bool(c.swatch)) for c in images.colors] == [("C1", False), ("C2", True)]
        by_code = {c.color_code: c for c in colors}
        assert set(by_code) == {"C1", "C2"} and all(c.product_id == str(SEED_STYLE_ID) for c in colors)
        assert uploaded_as(by_code["C1"].images[0], "Test Style 1-C1.jpg")
        assert by_code["C2"].swatch == images.colors[1].swatch

    def test_upload_by_bytes_and_url_then_delete(self):
        clock = FakeClock()
        app = self.sandbox(clock)
        with self.connect(app, clock) as client:
            front = client.style_image_upload(
                style_number=SN, style_identifier=SN, filename="front.jpg", display_order=1, content=JPEG
            )
            side = client.style_image_upload(
                style_number=SN,
                style_identifier=SN,
                filename="side.png",
                display_order=2,
                url="https://cdn.example.com/side.png",
            )
            swatch = client.style_image_upload(
                style_number=SN,
                style_identifier=SN,
                filename="c1-swatch.png",
                display_order=1,
                content=PNG,
                color_code="C1",
                swatch=True,
            )
            read = client.style_images_read(style_number=SN, style_identifier=SN)
            assert front.image_path and side.image_path and swatch.image_path
            gone = client.style_image_delete(style_number=SN, style_identifier=SN, filename=front.image_path)
            with pytest.raises(JoorNotFound):
                client.style_image_delete(style_number=SN, style_identifier=SN, filename=front.image_path)
            with pytest.raises(JoorPermanentError, match="only style images"):
                client.style_image_delete(style_number=SN, style_identifier=SN, filename=swatch.image_path)
            after = client.style_images_read(style_number=SN, style_identifier=SN)
            usage = client.usage
        assert (
            uploaded_as(front.image_path, "front.jpg") and front.image_path.rsplit("/", 1)[1] != "front.jpg"
        )
        assert read.images[:2] == (front.image_path, side.image_path)
        assert read.colors[0].swatch == swatch.image_path
        assert (gone.style_number, gone.upload_id) == (SN, front.upload_id)
        assert front.image_path not in after.images and side.image_path in after.images
        # every call charged as JOOR counts: 3 uploads + 3 deletes at 5, 2 style reads at 1
        assert usage.credits == app.credits_used == 3 * 5 + 3 * 5 + 2

    def test_refused_uploads_cost_no_request(self):
        clock = FakeClock()
        app = self.sandbox(clock)
        with self.connect(app, clock) as client:
            for kwargs, match in [
                ({"filename": "a.gif", "content": JPEG}, "JPEG or PNG"),
                ({"filename": "a" * 66 + ".jpg", "content": JPEG}, "69"),
                ({"filename": "a.jpg", "content": b"GIF89a"}, "neither"),
                ({"filename": "a.jpg", "content": JPEG + b"\x00" * (4 * 1024 * 1024)}, "4 MB"),
                ({"filename": "a.jpg", "url": "ftp://x/a.jpg"}, "http"),
                ({"filename": "a.jpg", "content": JPEG, "swatch": True}, "color_code"),
                ({"filename": "a.jpg"}, "either"),
            ]:
                with pytest.raises(ValueError, match=match):
                    client.style_image_upload(style_number=SN, style_identifier=SN, display_order=1, **kwargs)
            assert client.usage.requests == 0

    def test_product_assets_replace_all_and_external_ids(self):
        clock = FakeClock()
        app = self.sandbox(clock)
        pid = str(SEED_STYLE_ID)
        other = str(app.catalog.sorted_styles()[1].style_id)

        def asset(product: str, name: str, order: int, external_id: str | None = None) -> ProductAsset:
            return ProductAsset(
                product_id=product,
                type="image",
                filename=name,
                source_url=f"https://cdn.example.com/{name}",
                display_order=order,
                external_id=external_id,
            )

        with self.connect(app, clock) as client:
            first = client.product_assets_create(
                [asset(pid, "b.jpg", 1, "IMG-B"), asset(pid, "a.jpg", 0, "IMG-A")], replace_all=True
            )
            dup = client.product_assets_create([asset(other, "c.jpg", 0, "IMG-A")])
            images = client.style_images_read(style_number=SN, style_identifier=SN)
            with pytest.raises(ValueError, match="asset file names"):
                client.product_assets_create([asset(pid, "x" * 101 + ".jpg", 0)])
        assert first.ok and first.requests == 1
        assert [n for n in ("a.jpg", "b.jpg") if any(uploaded_as(p, n) for p in images.images)] == [
            "a.jpg",
            "b.jpg",
        ]
        assert len(images.images) == 2 and uploaded_as(images.images[0], "a.jpg")
        assert not dup.ok and dup.failures[0].status == "DUPLICATED"

    # -- prices ---------------------------------------------------------------------------------

    def test_price_types_and_sku_prices_in_two_currencies(self):
        clock = FakeClock()
        app = self.sandbox(clock)
        seed = app.catalog.styles[SEED_STYLE_ID]
        big, small = seed.sku_ids[("C2", "44")], seed.sku_ids[("C2", "34")]
        with self.connect(app, clock) as client:
            types = client.price_types_list()
            prices = client.sku_prices_list(sku_ids=[big, small])
        names = {pt.name: pt for pt in types}
        assert {"LUCY", "EXPORT-US", "EUROPE"} <= set(names)
        assert (names["LUCY"].currency_code, names["EXPORT-US"].currency_code) == ("GBP", "USD")
        by_key = {(p.sku_id, p.price_type.name): p for p in prices}
        assert by_key[(big, "LUCY")].wholesale_value == Decimal("58.00")
        assert by_key[(small, "LUCY")].wholesale_value == Decimal("53.00")
        assert by_key[(big, "EXPORT-US")].wholesale_value == Decimal("104.00")
        assert by_key[(small, "EXPORT-US")].wholesale_value == Decimal("95.00")
        assert all(p.id for p in prices)

    def test_a_new_style_gets_every_price_type_or_nothing(self):
        clock = FakeClock()
        app = self.sandbox(clock)
        with self.connect(app, clock) as client:
            made = client.bulk_create("products", [{"name": "New Coat", "external_id": "NC-1"}])
            (product_id,) = made.created
            skus = client.bulk_create(
                "skus",
                [
                    {
                        "product_id": product_id,
                        "trait_values": [
                            {"trait_name": "Color", "value": "Black", "external_id": "001"},
                            {"trait_name": "Size", "value": size},
                        ],
                    }
                    for size in ("S", "M")
                ],
            )
            types = client.price_types_list()
            prices = {pt.id: ("100.00", "250.00") for pt in types}
            partial = dict(list(prices.items())[:-1])
            before = client.usage.requests
            with pytest.raises(MissingPriceTypes) as missing:
                client.sku_prices_set_all_types(sku_ids=skus.created, prices=partial)
            assert client.usage.requests == before + 1  # only the price types were read
            with pytest.raises(ValueError, match="two decimals"):
                client.sku_prices_set_all_types(
                    sku_ids=skus.created, prices={**prices, types[0].id: ("9.999", None)}
                )
            result = client.sku_prices_set_all_types(
                sku_ids=skus.created,
                prices=prices,
                per_sku={(skus.created[1], types[0].id): ("110.00", "260.00")},
            )
            read = client.sku_prices_list(sku_ids=skus.created)
        assert missing.value.missing == (types[-1],)
        assert result.ok and len(result.created) == 2 * len(types)
        assert {(p.sku_id, p.price_type.id) for p in read} == {
            (s, pt.id) for s in skus.created for pt in types
        }
        bumped = next(p for p in read if p.sku_id == skus.created[1] and p.price_type.id == types[0].id)
        assert bumped.wholesale_value == Decimal("110.00")

    # -- linesheets -----------------------------------------------------------------------------

    def test_seed_deliveries_and_collections(self):
        clock = FakeClock()
        app = self.sandbox(clock)
        with self.connect(app, clock) as client:
            style = client.get_style(SEED_STYLE_ID)
            collections = {c.external_id: c for c in client.collections_list()}
        summer, fall = style.deliveries
        assert (summer.delivery_code, summer.style_display_order) == ("S16", 25)
        assert [e.color_code for e in summer.color_exclusions] == ["C1"]
        assert (fall.delivery_code, fall.style_display_order, fall.date_cancel) == (
            "F16",
            3,
            date(2016, 9, 15),
        )
        item = collections["F16"].item_for(str(SEED_STYLE_ID))
        assert item is not None and item.order_number == 3 and len(item.sku_ids) == 14
        assert collections["F16"].delivery.minimum_shipping_window == 14
        summer_item = collections["S16"].item_for(str(SEED_STYLE_ID))
        assert summer_item is not None and len(summer_item.sku_ids) == 7  # C1 excluded

    def test_collections_create_update_and_order(self):
        clock = FakeClock()
        app = self.sandbox(clock)
        seed = app.catalog.styles[SEED_STYLE_ID]
        c2 = tuple(sid for (color, _), sid in seed.sku_ids.items() if color == "C2")
        other = str(app.catalog.sorted_styles()[1].style_id)
        with self.connect(app, clock) as client:
            created = client.collections_create(
                [
                    CollectionWrite(
                        name="Pre-Fall 27",
                        external_id="PF27",
                        delivery=CollectionDelivery(date(2027, 5, 1), date(2027, 6, 30), date(2027, 7, 15)),
                        items=[CollectionItem(str(SEED_STYLE_ID), 2, c2), CollectionItem(other, 1)],
                    )
                ]
            )
            (cid,) = created.created
            updated = client.collections_update(
                [
                    CollectionWrite(
                        id=cid,
                        name="Pre-Fall 27",
                        delivery=CollectionDelivery(cancel_date=date(2027, 7, 15)),
                        items=None,
                    )
                ]
            )
            found = next(c for c in client.collections_list() if c.id == cid)
            style = client.get_style(SEED_STYLE_ID)
            with pytest.raises(ValueError, match="external_id"):
                client.collections_create([CollectionWrite(name="No id")])
        assert created.ok and updated.ok
        assert found.delivery.immediate and found.delivery.cancel_date == date(2027, 7, 15)
        # the display order is each item's order_number (JOOR does not say in which order GET lists them)
        assert {i.product_id: i.order_number for i in found.items} == {str(SEED_STYLE_ID): 2, other: 1}
        assert found.item_for(str(SEED_STYLE_ID)).sku_ids == c2
        pre_fall = next(d for d in style.deliveries if d.delivery_code == "PF27")
        assert pre_fall.style_display_order == 2 and [e.color_code for e in pre_fall.color_exclusions] == [
            "C1"
        ]

    def test_v2_delivery_overwrite_modes(self):
        clock = FakeClock()
        app = self.sandbox(clock)
        with self.connect(app, clock) as client:
            style = client.get_style(SEED_STYLE_ID)
            base = {
                "style_number": SN,
                "style_identifier": SN,
                "style_name": style.style_name,
            }
            extra = {"delivery_name": "Cruise", "delivery_code": "CR27", "style_display_order": 7}
            client.style_upsert({**base, "deliveries": [extra]}, delivery_overwrite=3)
            added = [d.delivery_code for d in client.get_style(SEED_STYLE_ID).deliveries]
            client.style_upsert(
                {**base, "deliveries": [{**extra, "style_display_order": 9}]}, delivery_overwrite=2
            )
            replaced_api = client.get_style(SEED_STYLE_ID).deliveries
            client.style_upsert({**base, "deliveries": [extra]}, delivery_overwrite=4)
            removed = [d.delivery_code for d in client.get_style(SEED_STYLE_ID).deliveries]
            with pytest.raises(ValueError):
                client.style_upsert(base, delivery_overwrite=5)
        assert added == ["S16", "F16", "CR27"]
        # mode 2 keeps the linesheets made in JOOR's web UI (the seed's) and replaces the API's
        assert [(d.delivery_code, d.style_display_order) for d in replaced_api] == [
            ("S16", 25),
            ("F16", 3),
            ("CR27", 9),
        ]
        assert removed == ["S16", "F16"]

    # -- stock ----------------------------------------------------------------------------------

    def test_stock_per_warehouse(self):
        clock = FakeClock()
        app = self.sandbox(clock)
        with self.connect(app, clock) as client:
            before = stock_totals_of(client.get_style(SEED_STYLE_ID))
            results = client.stock_set(
                [
                    StockLevel(warehouse="New York Warehouse", quantity=20, upc="5414855153777"),  # C2/36
                    StockLevel(
                        warehouse="LA",
                        quantity=1,
                        style_number=SN,
                        style_identifier=SN,
                        color_code="C2",
                        size="36",
                    ),
                    StockLevel(warehouse="Paris", quantity=2, upc="5414855153784"),  # C2/38: not set up
                    StockLevel(warehouse="Default", quantity=3, upc="0000000000000"),
                ]
            )
            after = stock_totals_of(client.get_style(SEED_STYLE_ID))
        assert before[("C2", "36")] == 17 and before[("C2", "38")] == 8 and before[("C1", "34")] == 0
        assert [r.status for r in results] == ["pass", "pass", "pass", "fail"]
        assert results[2].message and "not set up" in results[2].message
        assert after[("C2", "36")] == 21 and after[("C2", "38")] == 10
        inventory = {(s["color_code"], s["size"]): s["warehouses"] for s in app.inventory(SEED_STYLE_ID)}
        assert inventory[("C2", "36")] == {"Los Angeles Warehouse": 1, "New York Warehouse": 20}
        assert inventory[("C2", "38")] == {"Los Angeles Warehouse": 0, "New York Warehouse": 8, "Paris": 2}
        warehouses = {w["name"]: w for w in app.warehouses()}
        assert warehouses["Paris"]["set_up"] is False and warehouses["Default"]["set_up"] is True

    def test_strict_warehouses_fail_unknown_ones(self):
        clock = FakeClock()
        app = self.sandbox(clock, strict_warehouses=True)
        app.add_warehouse("Paris", "PAR")
        with self.connect(app, clock) as client:
            results = client.stock_set(
                [
                    StockLevel(warehouse="Milan", quantity=2, upc="5414855153784"),
                    StockLevel(warehouse="PAR", quantity=4, upc="5414855153784"),
                ]
            )
        assert [r.status for r in results] == ["fail", "pass"]
        assert app.inventory(SEED_STYLE_ID)[9]["warehouses"]["Paris"] == 4


class TestCatalogInProcess(CatalogContract):
    @contextmanager
    def connect(self, app: JoorSandbox, clock: FakeClock) -> Iterator[JoorClient]:
        transport = httpx.WSGITransport(app=app)
        with JoorClient(
            base_url=self.base_hint, transport=transport, **self.kwargs(self.base_hint, clock)
        ) as client:
            yield client


class TestCatalogSocket(CatalogContract):
    @contextmanager
    def connect(self, app: JoorSandbox, clock: FakeClock) -> Iterator[JoorClient]:
        with serve_in_thread(app) as base_url:
            with JoorClient(base_url=base_url, **self.kwargs(base_url, clock)) as client:
                yield client
