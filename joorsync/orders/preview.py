"""What an order run would do, with nothing written anywhere: JOOR is read with `sync=0` (no order
is marked exported), Shopify only read, the database not touched."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from joorsync.joor.client import JoorClient
from joorsync.orders.imports import IMPORTABLE_STATUSES
from joorsync.orders.joor_documents import parse_v2_order
from joorsync.orders.lines import Hold, VariantIndex, order_checks, resolve_lines
from joorsync.orders.models import ImportedOrder, OrderSettings
from joorsync.orders.pull import NOT_EXPORTED
from shopify_app.admin.client import AdminClient
from shopify_app.models import Shop


@dataclass(frozen=True)
class PreviewEntry:
    joor_order_id: str
    outcome: str  # "import", "hold", "known", "skip"
    retailer: str
    lines: int
    units: int
    total: str
    currency: str
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def orders_preview(
    *, shop: Shop, joor: JoorClient, shopify: AdminClient, settings: OrderSettings
) -> list[PreviewEntry]:
    index = VariantIndex.for_shop(shop)
    currency = shopify.shop().currency_code
    known = set(ImportedOrder.objects.filter(shop=shop).values_list("joor_order_id", flat=True))
    entries = []
    for document in joor.iter_orders(sync=False, order_type=settings.order_type, export_status=NOT_EXPORTED):
        order = parse_v2_order(document)
        common: dict[str, Any] = {
            "joor_order_id": order.order_id,
            "retailer": order.retailer_name or order.retailer_code,
            "lines": len(order.lines),
            "units": order.units,
            "total": f"{order.total}" if order.total is not None else "",
            "currency": order.currency,
        }
        if order.order_id in known:
            entries.append(PreviewEntry(outcome="known", reason="already stored by an earlier run", **common))
            continue
        if order.status not in IMPORTABLE_STATUSES:
            entries.append(PreviewEntry(outcome="skip", reason=f"{order.status.lower()} in JOOR", **common))
            continue
        try:
            order_checks(order, shop_currency=currency)
            resolution = resolve_lines(order, index)
        except Hold as hold:
            entries.append(PreviewEntry(outcome="hold", reason=f"{hold.code}: {hold.message}", **common))
            continue
        entries.append(PreviewEntry(outcome="import", reason="; ".join(resolution.notes), **common))
    return entries
