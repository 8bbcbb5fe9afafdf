"""v4 prices (one per SKU and price type) and price types (one per v2 price label and currency).

Sources (JOOR pages under api-docs.jooraccess.com; "code only" = a public client sends it, JOOR's pages
do not show it; "sandbox convenience" = JOOR says nothing: do not rely on it):

- A price row, in create, update and GET answers: `{id, sku_id, price_type: {id, name, currency_code,
  retail_currency_code}, wholesale_value, retail_value}` [v2.0/reference/create-prices]. The price `id`
  is opaque (JOOR shows only "price_id_333"); the sandbox derives it from the SKU and the price type
  (`model.price_id_for`), so it never changes.
- Money values are JSON strings with two decimals ("100.00") [v2.0/reference/create-prices]; numbers
  are refused. At most 99999.99: a sandbox cap (JOOR's limit is unknown; v2's decimal fields stop
  below 100000).
- bulk_create fields [v2.0/reference/create-prices]: `sku_id` (required), `price_type_id` (required),
  `wholesale_value` (required), `retail_value`. Instead of `price_type_id`, `price_type_name` (with
  `price_type_currency_code` when the name is ambiguous) is accepted (zumzie sends it, code only). A
  second price for the same SKU and price type is refused DUPLICATED with `details.sku_id` (viveren
  reads it, code only), `details.price_type_id` and the existing price's `details.id`.
- Update: JOOR says to reference the price id when using UPDATE /prices
  [v2.0/reference/create-prices]; the path `/v4/prices/bulk_update` and its fields are not on a
  readable JOOR page (viveren sends `[{id, wholesale_value, retail_value}]`, code only). Items are keyed
  by `id`; `sku_id` + `price_type_id` (or `price_type_name`) is a tolerated fallback. At least one of
  `wholesale_value`, `retail_value` is required; the other is kept.
- GET /v4/prices: no JOOR page; `sku_ids` (required) as viveren sends it (code only).
- GET /v4/price_types: `{id, name, currency_code, retail_currency_code}` as nested in price answers
  [v2.0/reference/create-prices]; ids are numeric strings ("1234" [v2.0/reference/get-orders-1]).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .http import Request, Response
from .model import PriceType, StylePrice, StyleRecord, parse_price_id, price_id_for
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


def price_type_view(pt: PriceType) -> dict[str, Any]:
    return {
        "id": pt.id,
        "name": pt.name,
        "currency_code": pt.currency_code,
        "retail_currency_code": pt.retail_currency_code,
    }


def get_price_types(sb: JoorSandbox, req: Request) -> Response:
    return paged(req, list(sb.catalog.price_types.values()), price_type_view)


def price_row(sku_id: str, pt: PriceType, price: StylePrice) -> dict[str, Any]:
    return {
        "id": price_id_for(sku_id, pt.id),
        "sku_id": sku_id,
        "price_type": price_type_view(pt),
        "wholesale_value": f"{price.wholesale:.2f}" if price.wholesale is not None else None,
        "retail_value": f"{price.retail:.2f}" if price.retail is not None else None,
    }


def _sku_price_types(style: StyleRecord, sku_id: str) -> list[str]:
    type_ids = [p.price_type_id for p in style.prices]
    return type_ids + [pt for (sid, pt) in style.sku_prices if sid == sku_id and pt not in type_ids]


def get_prices(sb: JoorSandbox, req: Request) -> Response:
    sku_ids = ids_param(req, "sku_ids")
    if not sku_ids:
        raise V4BadRequest("sku_ids is required")
    catalog = sb.catalog
    rows = []
    for sku_id in dict.fromkeys(sku_ids):
        found = catalog.find_sku(sku_id)
        if found is None:
            continue
        for pt_id in _sku_price_types(found[0], sku_id):
            price = sku_price(found[0], sku_id, pt_id)
            if price is not None and pt_id in catalog.price_types:
                rows.append(price_row(sku_id, catalog.price_types[pt_id], price))
    return paged(req, rows, lambda row: row)


def _money(item: dict[str, Any], key: str) -> Decimal | None:
    value = item.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ItemError("INVALID", f'{key} must be a string such as "53.00"')
    if not _MONEY_RE.match(value.strip()):
        raise ItemError("INVALID", f"{key} must be a decimal string with up to 2 decimals, at most 99999.99")
    return Decimal(value.strip()).quantize(Decimal("0.01"))


def _price_type(sb: JoorSandbox, item: dict[str, Any]) -> PriceType:
    types = sb.catalog.price_types
    pt_id = item.get("price_type_id")
    if pt_id not in (None, ""):
        pt = types.get(pt_id) if isinstance(pt_id, str) else None
        if pt is None:
            raise ItemError("INVALID", f"price_type_id {pt_id!r} names no price type")
        return pt
    name = item.get("price_type_name")
    if isinstance(name, str) and name.strip():
        currency = item.get("price_type_currency_code")
        named = [
            pt for pt in types.values() if pt.name == name and (not currency or pt.currency_code == currency)
        ]
        if not named:
            where = f" in {currency}" if currency else ""
            raise ItemError(
                "INVALID", f"no price type named {name!r}{where} (GET /v4/price_types lists them)"
            )
        if len(named) > 1:
            raise ItemError(
                "INVALID",
                f"price_type_name {name!r} names {len(named)} price types: add price_type_currency_code",
            )
        return named[0]
    raise ItemError("INVALID", "price_type_id is required (or price_type_name)")


def _sku(sb: JoorSandbox, sku_id: Any) -> StyleRecord:
    found = sb.catalog.find_sku(sku_id) if isinstance(sku_id, str) else None
    if found is None:
        raise ItemError("INVALID", "sku_id is required and must name an existing SKU")
    return found[0]


def prices_bulk_create(sb: JoorSandbox, req: Request) -> Response:
    def apply(index: int, item: dict[str, Any]) -> dict[str, Any]:
        style = _sku(sb, item.get("sku_id"))
        sku_id = str(item["sku_id"])
        pt = _price_type(sb, item)
        wholesale = _money(item, "wholesale_value")
        if wholesale is None:
            raise ItemError("INVALID", "wholesale_value is required")
        retail = _money(item, "retail_value")
        if sku_price(style, sku_id, pt.id) is not None:
            raise ItemError(
                "DUPLICATED",
                "this SKU already has a price of this price type",
                sku_id=sku_id,
                price_type_id=pt.id,
                id=price_id_for(sku_id, pt.id),
            )
        return _store(sb, style, sku_id, pt, StylePrice(pt.id, wholesale, retail))

    return run_bulk(req, apply)


def prices_bulk_update(sb: JoorSandbox, req: Request) -> Response:
    def apply(index: int, item: dict[str, Any]) -> dict[str, Any]:
        price_id = item.get("id")
        if price_id not in (None, ""):
            key = parse_price_id(price_id) if isinstance(price_id, str) else None
            found = sb.catalog.find_sku(key[0]) if key else None
            pt = sb.catalog.price_types.get(key[1]) if key else None
            if key is None or found is None or pt is None:
                raise ItemError("NOT_FOUND", f"price {price_id!r} not found")
            style, sku_id = found[0], key[0]
        else:
            style = _sku(sb, item.get("sku_id"))
            sku_id, pt = str(item["sku_id"]), _price_type(sb, item)
        current = sku_price(style, sku_id, pt.id)
        if current is None:
            raise ItemError(
                "NOT_FOUND", "this SKU has no price of this price type", sku_id=sku_id, price_type_id=pt.id
            )
        wholesale, retail = _money(item, "wholesale_value"), _money(item, "retail_value")
        if wholesale is None and retail is None:
            raise ItemError("INVALID", "wholesale_value or retail_value is required")
        price = StylePrice(
            pt.id,
            wholesale if wholesale is not None else current.wholesale,
            retail if retail is not None else current.retail,
        )
        return _store(sb, style, sku_id, pt, price)

    return run_bulk(req, apply)


def _store(
    sb: JoorSandbox, style: StyleRecord, sku_id: str, pt: PriceType, price: StylePrice
) -> dict[str, Any]:
    style.sku_prices[(sku_id, pt.id)] = price
    style.modified = sb.now()
    return price_row(sku_id, pt, price)
