"""The Shopify side's writes, batched to Shopify's economics: one `productSet` per changed product
(idempotent: it sets the whole product by id), new products in a bulk mutation when there are many,
stock through `inventorySetQuantities`. Each write first records what it sends, so Shopify's webhooks
for it are known as echoes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from joorsync.sync.canonical import CanonicalProduct
from joorsync.sync.echo import (
    shopify_echo_expect_product,
    shopify_echo_expect_products,
    shopify_echo_expect_stock,
)
from joorsync.sync.engine.plan import WriteError
from joorsync.sync.shopify_mapping import canonical_to_product_set
from shopify_app.admin.bulk import bulk_product_set
from shopify_app.admin.client import AdminClient

BULK_CREATE_THRESHOLD = 25  # below this, plain productSet calls are cheaper than a bulk operation
INVENTORY_BATCH = 250  # inventorySetQuantities accepts up to 250 quantities per call


@dataclass(slots=True)
class ShopifyWrites:
    """Pending Shopify writes of one batch of products, flushed together."""

    client: AdminClient
    location_id: str | None
    idempotency_prefix: str
    quantities: list[dict[str, Any]] = field(default_factory=list)
    creates: list[tuple[dict[str, Any], dict[str, Any], Any]] = field(default_factory=list)
    _flushes: int = 0
    shop_id: int | None = None  # records our writes so their webhooks are known as echoes; None: don't

    def set_product(
        self,
        *,
        product_id: str,
        merged: CanonicalProduct,
        style_id: int | None,
        variant_ids: Mapping[str, str],
    ) -> dict[str, Any] | None:
        """productSet of the whole product by id; returns the product as Shopify now has it."""
        payload = canonical_to_product_set(merged, style_id=style_id)
        for entry, variant in zip(payload["variants"], merged.variants, strict=True):
            variant_id = variant_ids.get(variant.key)
            if variant_id:
                entry["id"] = variant_id
        if self.shop_id is not None:
            shopify_echo_expect_product(
                shop_id=self.shop_id, product_input=payload, product_id=product_id, handle=None
            )
        result = self.client.product_set(
            payload, identifier={"id": product_id}, variants_first=_variants_first(payload)
        )
        if result.user_errors:
            raise WriteError(_user_errors("productSet", product_id, result.user_errors))
        return result.product

    def create_product(self, *, payload: dict[str, Any], handle: str, token: Any) -> None:
        """Queue a new product; created in `flush_creates` (bulk when many). `token` comes back."""
        self.creates.append((payload, {"handle": handle}, token))

    def flush_creates(self) -> list[tuple[Any, dict[str, Any] | None, str | None]]:
        """Create the queued products: [(token, product or None, error or None)]. The product is what
        Shopify answered: the whole product for single calls, `{id, handle}` from a bulk operation."""
        creates, self.creates = self.creates, []
        if not creates:
            return []
        out: list[tuple[Any, dict[str, Any] | None, str | None]] = []
        if len(creates) >= BULK_CREATE_THRESHOLD:
            if self.shop_id is not None:
                shopify_echo_expect_products(
                    shop_id=self.shop_id, products=[(c[0], None, c[1]["handle"]) for c in creates]
                )
            result = bulk_product_set(
                self.client, [c[0] for c in creates], identifiers=[c[1] for c in creates], poll_interval=0.5
            )
            for (_, _, token), line in zip(creates, result, strict=False):
                if line.user_errors:
                    out.append((token, None, _user_errors("productSet", "new product", line.user_errors)))
                else:
                    out.append((token, line.product, None))
            return out
        for payload, identifier, token in creates:
            if self.shop_id is not None:
                shopify_echo_expect_product(
                    shop_id=self.shop_id, product_input=payload, product_id=None, handle=identifier["handle"]
                )
            single = self.client.product_set(
                payload, identifier=identifier, variants_first=_variants_first(payload)
            )
            if single.user_errors:
                out.append((token, None, _user_errors("productSet", "new product", single.user_errors)))
            else:
                out.append((token, single.product, None))
        return out

    def set_quantity(self, *, inventory_item_id: str, quantity: int) -> None:
        if not self.location_id:
            raise WriteError("no Shopify location is mapped for inventory")
        self.quantities.append(
            {
                "inventoryItemId": inventory_item_id,
                "locationId": self.location_id,
                "quantity": quantity,
                "changeFromQuantity": None,
            }
        )

    def flush_quantities(self) -> None:
        quantities, self.quantities = self.quantities, []
        for start in range(0, len(quantities), INVENTORY_BATCH):
            self._flushes += 1
            batch = quantities[start : start + INVENTORY_BATCH]
            if self.shop_id is not None:
                shopify_echo_expect_stock(shop_id=self.shop_id, quantities=batch)
            result = self.client.inventory_set_quantities(
                batch, idempotency_key=f"{self.idempotency_prefix}-{self._flushes}", reason="correction"
            )
            if result.user_errors:
                raise WriteError(_user_errors("inventorySetQuantities", "stock", result.user_errors))


def _variants_first(payload: Mapping[str, Any]) -> int:
    """Ask back for as many variants as were sent: Shopify prices a query by what it may return,
    and the default of 250 would make each productSet cost far more than the product needs."""
    return max(1, min(250, len(payload.get("variants") or ())))


def _user_errors(operation: str, subject: str, errors: Any) -> str:
    listed = "; ".join(f"{'.'.join(e.field or [])}: {e.message}" for e in errors)
    return f"{operation} refused for {subject}: {listed}"
