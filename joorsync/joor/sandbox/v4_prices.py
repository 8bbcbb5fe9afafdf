"""v4 prices (per SKU and price type; `wholesale_value` a required decimal string) and price types
(one per v2 price label and currency)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from .http import Request, Response
from .model import StylePrice
from .v4_common import (
    ItemError,
    V4BadRequest,
    ids_param,
    paged,
    run_bulk,
)
from .views import sku_price

if TYPE_CHECKING:
    from .app import JoorSandbox


_MONEY_RE = re.compile(r"^\d{1,5}(\.\d{1,2})?$")


def price_type_view(pt: Any) -> dict[str, Any]:
    return {
        "id": pt.id,
        "name": pt.name,
        "currency_code": pt.currency_code,
        "retail_currency_code": pt.retail_currency_code,
    }


def get_price_types(sb: JoorSandbox, req: Request) -> Response:
    return paged(req, list(sb.catalog.price_types.values()), price_type_view)


def _price_row(sku_id: str, pt_id: str, price: StylePrice) -> dict[str, Any]:
    return {
        "sku_id": sku_id,
        "price_type_id": pt_id,
        "wholesale_value": f"{price.wholesale:.2f}" if price.wholesale is not None else None,
        "retail_value": f"{price.retail:.2f}" if price.retail is not None else None,
    }


def get_prices(sb: JoorSandbox, req: Request) -> Response:
    sku_ids = ids_param(req, "sku_ids")
    if not sku_ids:
        raise V4BadRequest("sku_ids is required")
    rows = []
    for sku_id in sku_ids:
        found = sb.catalog.find_sku(sku_id)
        if found is None:
            continue
        style = found[0]
        type_ids = [p.price_type_id for p in style.prices]
        type_ids += [pt for (sid, pt) in style.sku_prices if sid == sku_id and pt not in type_ids]
        for pt_id in type_ids:
            price = sku_price(style, sku_id, pt_id)
            if price is not None:
                rows.append(_price_row(sku_id, pt_id, price))
    return paged(req, rows, lambda row: row)


def _money(item: dict[str, Any], key: str, *, required: bool) -> Decimal | None:
    value = item.get(key)
    if value is None:
        if required:
            raise ItemError("INVALID", f"{key} is required")
        return None
    if not isinstance(value, str):
        raise ItemError("INVALID", f'{key} must be a string such as "53.00"')
    if not _MONEY_RE.match(value.strip()):
        raise ItemError("INVALID", f"{key} must be a decimal string with up to 2 decimals")
    try:
        return Decimal(value.strip()).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise ItemError("INVALID", f"{key} is not a number") from exc


def _prices_write(sb: JoorSandbox, req: Request, *, create: bool) -> Response:
    def apply(index: int, item: dict[str, Any]) -> dict[str, Any]:
        sku_id = str(item.get("sku_id") or "")
        found = sb.catalog.find_sku(sku_id)
        if found is None:
            raise ItemError("INVALID", "sku_id is required and must name an existing SKU")
        pt_id = str(item.get("price_type_id") or "")
        if pt_id not in sb.catalog.price_types:
            raise ItemError("INVALID", "price_type_id is required and must name an existing price type")
        wholesale = _money(item, "wholesale_value", required=True)
        retail = _money(item, "retail_value", required=False)
        style = found[0]
        current = sku_price(style, sku_id, pt_id)
        if create and current is not None:
            raise ItemError(
                "DUPLICATED",
                "this SKU already has a price of this price type",
                sku_id=sku_id,
                price_type_id=pt_id,
            )
        if not create and current is None:
            raise ItemError(
                "NOT_FOUND", "this SKU has no price of this price type", sku_id=sku_id, price_type_id=pt_id
            )
        if retail is None and current is not None:
            retail = current.retail
        price = StylePrice(pt_id, wholesale, retail)
        style.sku_prices[(sku_id, pt_id)] = price
        style.modified = sb.now()
        return _price_row(sku_id, pt_id, price)

    return run_bulk(req, apply)


def prices_bulk_create(sb: JoorSandbox, req: Request) -> Response:
    return _prices_write(sb, req, create=True)


def prices_bulk_update(sb: JoorSandbox, req: Request) -> Response:
    return _prices_write(sb, req, create=False)
