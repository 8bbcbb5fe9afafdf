"""Both sandboxes, a shop whose catalog was synced (so its variants are linked), JOOR orders placed
on linked SKUs, and a way to run an order job against them as a worker would."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from joorsync.orders.models import ImportedOrder
from joorsync.orders.run import OrdersResult, orders_run
from joorsync.sync.models import SyncJob
from tests.sync.engine_support import World, make_world


@dataclass
class OrderWorld:
    world: World

    @property
    def shop(self) -> Any:
        return self.world.shop

    @property
    def joor(self) -> Any:
        return self.world.joor_sandbox

    def skus(self, n: int = 3, *, stocked: bool = False) -> list[str]:
        """JOOR SKU ids of the catalog (every style is linked after the catalog sync): the first `n`;
        `stocked`: only of styles sold from stock (a made-to-order style sells without a limit)."""
        styles = [
            s for s in self.joor.catalog.styles.values() if not (stocked and s.fields.get("made_to_order"))
        ]
        out = [sku for style in styles for sku in style.sku_ids.values()]
        return out[:n]

    def price_type(self, currency: str = "USD") -> str:
        return next(k for k, v in self.joor.catalog.price_types.items() if v.currency_code == currency)

    def place(self, lines: list[tuple[str, int]] | None = None, **fields: Any) -> str:
        """A retailer's approved order in JOOR in US dollars (the shop's currency); returns its id."""
        items = [{"sku_id": sku, "quantity": qty} for sku, qty in (lines or [(s, 2) for s in self.skus(2)])]
        body = {"status": "APPROVED", "price_type_id": self.price_type(), "sku_line_items": items, **fields}
        view = self.joor.place_order(body)
        return str(view["order_id"])

    def run(
        self,
        *,
        joor_transport: httpx.BaseTransport | None = None,
        shopify_transport: httpx.BaseTransport | None = None,
    ) -> OrdersResult:
        job = SyncJob.objects.create(shop=self.shop, kind=SyncJob.Kind.ORDERS, status=SyncJob.Status.RUNNING)
        job.refresh_from_db()
        try:
            return orders_run(
                job=job,
                joor=self.world.joor_client(joor_transport),
                shopify=self.world.shopify_client(shopify_transport),
            )
        finally:
            SyncJob.objects.filter(pk=job.pk).update(status=SyncJob.Status.SUCCEEDED)

    def shopify_orders(self) -> list[dict[str, Any]]:
        client = self.world.shopify_client()
        nodes: list[dict[str, Any]] = []
        after = None
        while True:
            data = client.execute("Orders", {"query": "tag:JOOR", "first": 20, "after": after}).data["orders"]
            nodes.extend(data["nodes"])
            if not data["pageInfo"]["hasNextPage"]:
                return nodes
            after = data["pageInfo"]["endCursor"]

    def row(self, joor_order_id: str) -> ImportedOrder:
        return ImportedOrder.objects.get(shop=self.shop, joor_order_id=joor_order_id)


def make_order_world(*, styles: int = 4, orders: int = 0, **account_fields: Any) -> OrderWorld:
    world = make_world(styles=styles, **account_fields)
    if orders == 0:
        world.joor_sandbox.catalog.orders.clear()
    world.run()  # the catalog: products created in Shopify, variants linked
    return OrderWorld(world)
