"""Orders of a v4-only JOOR connection, read through v4 when JOOR's v2 order export refuses its token.

v4 has no export marking and no modified date on an order: the unique order rows alone make the
import once-only, and an order is read again (its line items fetched) only when it is new or its
status changed. A v4 order carries `{id, retailer_id, price_type_id, collection_id, status}` and its
line items `{line_item_sku{original_id, product{name, external_id}, wholesale_price, trait_values},
quantity}` [https://api-docs.jooraccess.com/v2.0/reference/get-orders-1]
[https://api-docs.jooraccess.com/v2.0/reference/get-order-line-items]: no addresses, no contact, no PO
number, no dates. Such orders are stored like v2 ones (in the v2 names `joor_documents` reads) and
are held for the missing address, saying why, rather than imported half-known.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from joorsync.joor.client import JoorClient
from joorsync.orders.models import STATUSES_BY_ORDER_TYPE

LINE_BATCH = 50
#: The key that marks a stored document as read through v4.
SOURCE_KEY = "read_through"


def _trait(values: Iterable[Any], name: str) -> Mapping[str, Any]:
    for value in values:
        if isinstance(value, dict) and str((value.get("trait") or {}).get("name", "")).lower() == name:
            return value
    return {}


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _line(item: Mapping[str, Any]) -> dict[str, Any]:
    sku = _mapping(item.get("line_item_sku"))
    product = _mapping(sku.get("product"))
    raw_traits = sku.get("trait_values")
    traits: list[Any] = raw_traits if isinstance(raw_traits, list) else []
    color, size = _trait(traits, "color"), _trait(traits, "size")
    return {
        "sku_id": sku.get("original_id"),
        "style_name": product.get("name"),
        "style_number": product.get("external_id"),
        "color_code": color.get("external_id") or color.get("value"),
        "color_name": color.get("value"),
        "size": size.get("value"),
        "quantity": item.get("quantity"),
        "price_wholesale": sku.get("wholesale_price"),
        "price_retail": sku.get("suggested_retail_price"),
    }


def v4_order_documents(
    *, joor: JoorClient, order_type: int, known: Mapping[str, str]
) -> Iterator[tuple[dict[str, Any], bool]]:
    """(document in v2 names, importable) for each v4 order that is new in a wanted status, or known
    (`known`: JOOR id → stored status) with another status now."""
    # v4 has no SHIPPED: a shipped order reads APPROVED there.
    v2 = STATUSES_BY_ORDER_TYPE.get(order_type, frozenset({"APPROVED"}))
    statuses = frozenset("APPROVED" if status == "SHIPPED" else status for status in v2)
    currencies = {str(pt.get("id")): str(pt.get("currency_code") or "") for pt in joor.list_price_types()}
    wanted = []
    for order in joor.iter_v4_orders():
        order_id, status = str(order.get("id") or ""), str(order.get("status") or "")
        if not order_id:
            continue
        if order_id in known:
            if known[order_id] != status:
                wanted.append((order, False))
        elif status in statuses:
            wanted.append((order, True))
    lines: dict[str, list[dict[str, Any]]] = defaultdict(list)
    ids = [str(order["id"]) for order, _ in wanted]
    for start in range(0, len(ids), LINE_BATCH):
        for item in joor.iter_order_line_items(order_ids=ids[start : start + LINE_BATCH]):
            lines[str(item.get("order_id"))].append(_line(item))
    for order, importable in wanted:
        order_id = str(order["id"])
        retailer = str(order.get("retailer_id") or "")
        yield (
            {
                "order_id": order_id,
                "order_status": order.get("status"),
                "currency": currencies.get(str(order.get("price_type_id")), ""),
                "customer_code": retailer,
                "customer_name": f"JOOR retailer {retailer}" if retailer else "",
                "order_items": lines.get(order_id, []),
                SOURCE_KEY: "v4",
            },
            importable,
        )
