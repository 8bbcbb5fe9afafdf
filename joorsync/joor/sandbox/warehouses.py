"""Stock per warehouse, and the brand's warehouses.

What JOOR documents:
- Inventory writes name a warehouse by its name: "The warehouse name in which the inventory positions
  should be stored. Must be set up in JOOR before loading."
  [https://api-docs.jooraccess.com/v2.0/reference/style-inventory-bulk-request]
  [https://api-docs.jooraccess.com/v2.0/reference/style-individual-request]
- Warehouses are set up in the account's Order Settings; without a warehouse the inventory loads to the
  Default warehouse; a warehouse that is not set up gives "unexpected results, such as not updating
  inventory accurately" [https://api-docs.jooraccess.com/v2.0/reference/introduction-6]. JOOR's help
  centre: every account has a Default warehouse, its immediate (available-to-sell) bucket
  [https://help.jooraccess.com/hc/en-us/articles/25552667041051-Pro-Brand-User-Guide-Chapter-4-Inventory].
- A connection (retailer) carries `warehouses › warehouse {warehouse_name, warehouse_code}`
  [https://api-docs.jooraccess.com/v2.0/reference/connection-get].
- The v2 style's `upcs › style_upc › inventory_available` is the "Current inventory total for this
  Style, Color, Size" (JOOR's v2 style endpoint page). JOOR documents no endpoint that lists warehouses
  or reads stock per warehouse: the per-warehouse figures below are visible only through the sandbox's
  control routes (`GET /_sandbox/warehouses`, `GET /_sandbox/styles/{id}/inventory`).

The sandbox's readings (not JOOR's words): a warehouse is named by its name, or by its code (the
connection's `warehouse_code`); `inventory_available` is the sum over warehouses; a SKU's row without a
per-warehouse split holds its whole figure in Default. An inventory item naming a warehouse that is not
set up is, by default, stored under that name and answered `pass` with a warning `message` (JOOR does
not refuse it); `SandboxConfig.strict_warehouses=True` answers it `fail` instead, the reading a client
must also survive.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .model import Catalog, StyleRecord

if TYPE_CHECKING:
    from .app import JoorSandbox

DEFAULT_WAREHOUSE = "Default"


def warehouse_names(catalog: Catalog) -> list[str]:
    """Every warehouse set up in the account: Default first, then the others by name."""
    return [DEFAULT_WAREHOUSE, *sorted(n for n in catalog.warehouses.values() if n != DEFAULT_WAREHOUSE)]


def resolve(catalog: Catalog, raw: Any) -> tuple[str, bool]:
    """(warehouse name, set up?) for the `warehouse` an inventory write sends. Missing → Default."""
    text = str(raw or "").strip()
    if not text:
        return DEFAULT_WAREHOUSE, True
    if text == DEFAULT_WAREHOUSE:
        return text, True
    if text in catalog.warehouses.values():
        return text, True
    if text in catalog.warehouses:
        return catalog.warehouses[text], True
    return text, False


def stock_of(row: dict[str, Any]) -> dict[str, int]:
    """A UPC row's figure per warehouse (a row never split holds its total in Default)."""
    stock = row.get("stock")
    if isinstance(stock, dict):
        return dict(stock)
    total = int(row.get("inventory_available") or 0)
    return {DEFAULT_WAREHOUSE: total} if total else {}


def set_stock(row: dict[str, Any], warehouse: str, quantity: int) -> None:
    """Set one warehouse's figure of a SKU; `inventory_available` follows as the total."""
    stock = stock_of(row)
    stock[warehouse] = quantity
    row["stock"] = stock
    row["inventory_available"] = sum(stock.values())


def clear_stock(row: dict[str, Any], keep: set[str] | None = None) -> bool:
    """Zero the SKU's figure in every warehouse not in `keep`; True when something changed."""
    stock = stock_of(row)
    changed = any(qty != 0 for name, qty in stock.items() if not keep or name not in keep)
    row["stock"] = {name: (qty if keep and name in keep else 0) for name, qty in stock.items()}
    row["inventory_available"] = sum(row["stock"].values())
    return changed


def sku_inventory_view(style: StyleRecord) -> list[dict[str, Any]]:
    """Per SKU of a style: its total and its figure per warehouse (control route view)."""
    out = []
    for color, size in style.combos():
        row = style.upc_entry(color, size) or {}
        stock = stock_of(row)
        out.append(
            {
                "color_code": color,
                "size": size,
                "upc": row.get("upc"),
                "made_to_order": bool(row.get("made_to_order")),
                "inventory_available": int(row.get("inventory_available") or 0),
                "warehouses": {name: qty for name, qty in sorted(stock.items())},
            }
        )
    return out


def warehouses_view(sb: JoorSandbox) -> list[dict[str, Any]]:
    """Every warehouse set up in the account, and the units it holds across the catalog; warehouses
    that hold stock without being set up are listed after them with `set_up: false`."""
    catalog = sb.catalog
    units: dict[str, int] = {}
    for style in catalog.styles.values():
        for row in style.upcs:
            for name, qty in stock_of(row).items():
                units[name] = units.get(name, 0) + qty
    codes = {name: code for code, name in catalog.warehouses.items()}
    names = warehouse_names(catalog)
    rows = [
        {"name": name, "code": codes.get(name), "set_up": True, "units": units.get(name, 0)} for name in names
    ]
    rows += [
        {"name": name, "code": None, "set_up": False, "units": qty}
        for name, qty in sorted(units.items())
        if name not in names
    ]
    return rows


def add_warehouse(catalog: Catalog, body: Any) -> dict[str, Any]:
    """Set up a warehouse in Order Settings (control route): `{"name": …, "code": …}`. Raises
    ValueError (bad body) or KeyError (name or code taken)."""
    if not isinstance(body, dict):
        raise ValueError('body must be {"name": "…", "code": "…"}')
    name, code = body.get("name"), body.get("code")
    if not isinstance(name, str) or not name.strip() or len(name) > 150:
        raise ValueError("name is required (at most 150 characters, JOOR's warehouse_name)")
    if not isinstance(code, str) or not code.strip() or len(code) > 100:
        raise ValueError("code is required (at most 100 characters, JOOR's warehouse_code)")
    name, code = name.strip(), code.strip()
    if name == DEFAULT_WAREHOUSE or name in catalog.warehouses.values() or code in catalog.warehouses:
        raise KeyError(name)
    catalog.warehouses[code] = name
    return {"name": name, "code": code, "set_up": True, "units": 0}
