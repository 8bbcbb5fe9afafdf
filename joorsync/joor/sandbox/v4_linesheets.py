"""v4 seasons, collections (linesheets, the v2 deliveries), traits and categories.

Sources (JOOR pages under api-docs.jooraccess.com; "code only" = a public client sends it, JOOR's pages
do not show it; "sandbox convenience" = JOOR says nothing: do not rely on it):

Seasons [docs/how-to-create-update-collection-season-data]
- Season object `{id, name, external_id, year}`; ids are numeric strings ("33615"). GET /v4/seasons
  lists them. Create takes `[{name, year, external_id}]`; JOOR names it "CREATE /seasons" without a
  path: the sandbox takes `POST /v4/seasons` (an array, or one object: sandbox convenience) and
  `POST /v4/seasons/bulk_create` (by analogy). `name` is required and at most 100 characters, `year` an
  integer (sandbox rules). A season with the same `external_id` (or, without one, the same name and
  year) is refused DUPLICATED with `details.season_id` (sandbox convenience).
- UPDATE /seasons is the create body plus the season `id`; the sandbox takes it at
  `POST /v4/seasons/bulk_update` (path by analogy). Fields left out are kept.
- A season's `external_id` is its v2 `season_code` when it has none of its own (seasons made by v2
  writes or the seed).

Collections
- Collection object [v2.0/reference/get-collections]: `{id, name, external_id, delivery:
  {start_ship_date, complete_ship_date, cancel_date, minimum_shipping_window}, season: {id, name, year,
  external_id} (null without a season), visibility: "OWNER", items: [{product_id, order_number,
  sku_ids}]}`. `visibility` is always OWNER (the only value JOOR shows). Dates are `YYYY-MM-DD`
  [docs/definitions-and-conventions]; a collection without dates is JOOR's IMMEDIATE delivery
  [v2.0/reference/create-collections], shown with null dates (JOOR's rendering is unknown). The ids
  are opaque (JOOR shows only "string").
- bulk_create [v2.0/reference/create-collections]: `name` and `external_id` required, `season_id`,
  `delivery` (the four fields), `items[{product_id, order_number, sku_ids}]`. An item without
  `sku_ids` makes every SKU of the product shoppable; with `sku_ids` exactly those (any subset) —
  an empty `sku_ids` counts as none given (sandbox convenience). `product_id` may be left out when
  `sku_ids` name the product (JOOR: "not required, but obviously recommended"). A duplicate
  `external_id` is refused DUPLICATED with `details.collection_id` (sandbox convenience). `name` at
  most 100 characters (sandbox rule).
- bulk_update [v2.0/reference/update-collections]: `id` and `name` required, `season_id`, `delivery`,
  `items[{product_id, sku_ids}]`. `external_id` is not an update field and is ignored. Fields left out
  are kept; given `delivery` fields replace those; given `items` replace the collection's items (a
  product keeps its `order_number` unless the item sends one) — JOOR: unknown, sandbox convenience.
- In v2, a collection is a delivery; a SKU subset shows there as the colors it leaves out entirely
  (`color_exclusions`).

Traits [docs/how-to-use-traits]: `{id, name, type}`; JOOR's product traits with `type` "product", then
Color and Size with `type` "sku" (JOOR's SKU trait ids [v2.0/reference/create-skus]).

Categories [docs/how-to-use-categories]: `{id, name, parent_name, department}`, numeric-string ids,
from the sandbox's fixed taxonomy (`defaults.V4_CATEGORIES`), whose ids are the v2 `subcategory_id`s.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from .dates import BadDate, parse_bound
from .defaults import V4_CATEGORIES
from .http import Request, Response
from .model import Collection, DeliveryLink, Season, StyleRecord
from .v4_common import (
    ItemError,
    V4BadRequest,
    paged,
    run_bulk,
    style_of_product,
)
from .v4_products import PRODUCT_TRAITS, SKU_TRAITS, category_view

if TYPE_CHECKING:
    from .app import JoorSandbox


# -- seasons ----------------------------------------------------------------------------------------


def season_view(season: Season) -> dict[str, Any]:
    return {
        "id": season.id,
        "name": season.name,
        "external_id": season.external_id or season.code,
        "year": season.year,
    }


def get_seasons(sb: JoorSandbox, req: Request) -> Response:
    return paged(req, list(sb.catalog.seasons.values()), season_view)


def _season_fields(item: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if creating or "name" in item:
        name = item.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > 100:
            raise ItemError("INVALID", "name is required (at most 100 characters)")
        fields["name"] = name
    if "year" in item:
        year = item["year"]
        if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
            raise ItemError("INVALID", "year must be an integer")
        fields["year"] = year
    if "external_id" in item:
        external_id = item["external_id"]
        if external_id is not None and not isinstance(external_id, str):
            raise ItemError("INVALID", "external_id must be a string")
        fields["external_id"] = external_id or None
    return fields


def _same_season(
    sb: JoorSandbox, name: str | None, year: int | None, external_id: str | None
) -> Season | None:
    for season in sb.catalog.seasons.values():
        if external_id and external_id in (season.external_id, season.code):
            return season
        if not external_id and season.name == name and season.year == year:
            return season
    return None


def _as_array(req: Request) -> None:
    """`POST /v4/seasons` also takes one season object (sandbox convenience)."""
    try:
        body = req.json_body()
    except ValueError as exc:
        raise V4BadRequest(str(exc)) from exc
    if isinstance(body, dict):
        req.body = b"[" + req.body + b"]"


def post_seasons(sb: JoorSandbox, req: Request) -> Response:
    _as_array(req)

    def apply(index: int, item: dict[str, Any]) -> dict[str, Any]:
        fields = _season_fields(item, creating=True)
        name, year, external_id = fields["name"], fields.get("year"), fields.get("external_id")
        existing = _same_season(sb, name, year, external_id)
        if existing is not None:
            raise ItemError("DUPLICATED", "this season already exists", season_id=existing.id)
        return season_view(sb.catalog.add_season(name, year, external_id, external_id))

    return run_bulk(req, apply)


def seasons_bulk_update(sb: JoorSandbox, req: Request) -> Response:
    def apply(index: int, item: dict[str, Any]) -> dict[str, Any]:
        if item.get("id") in (None, ""):
            raise ItemError("INVALID", "id is required")
        season = sb.catalog.seasons.get(item["id"]) if isinstance(item["id"], str) else None
        if season is None:
            raise ItemError("NOT_FOUND", f"season {item['id']!r} not found")
        fields = _season_fields(item, creating=False)
        name, year = fields.get("name", season.name), fields.get("year", season.year)
        external_id = fields.get("external_id", season.external_id)
        other = _same_season(sb, name, year, external_id)
        if other is not None and other is not season:
            raise ItemError("DUPLICATED", "another season has these values", season_id=other.id)
        season.name, season.year = name, year
        if "external_id" in fields:
            season.external_id = season.code = external_id
        return season_view(season)

    return run_bulk(req, apply)


# -- collections --------------------------------------------------------------------------------------


def _links(sb: JoorSandbox, col: Collection) -> list[tuple[StyleRecord, DeliveryLink]]:
    return [
        (style, link)
        for style in sb.catalog.sorted_styles()
        for link in style.deliveries
        if link.collection_id == col.id
    ]


def _link_skus(style: StyleRecord, link: DeliveryLink) -> list[str]:
    if link.sku_ids is not None:
        chosen = set(link.sku_ids)
        return [sid for sid in style.sku_ids.values() if sid in chosen]
    excluded = {e.get("color_code") for e in link.color_exclusions}
    return [sid for (color, _), sid in style.sku_ids.items() if color not in excluded]


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def collection_view(sb: JoorSandbox, col: Collection) -> dict[str, Any]:
    season = sb.catalog.seasons.get(col.season_id) if col.season_id else None
    return {
        "id": col.id,
        "name": col.name,
        "external_id": col.external_id or col.code,
        "delivery": {
            "start_ship_date": _iso(col.date_delivery_start),
            "complete_ship_date": _iso(col.date_delivery_end),
            "cancel_date": _iso(col.date_cancel),
            "minimum_shipping_window": col.minimum_shipping_window,
        },
        "season": season_view(season) if season else None,
        "visibility": "OWNER",
        "items": [
            {
                "product_id": style.product_id,
                "order_number": link.style_display_order,
                "sku_ids": _link_skus(style, link),
            }
            for style, link in _links(sb, col)
        ],
    }


def get_collections(sb: JoorSandbox, req: Request) -> Response:
    return paged(req, list(sb.catalog.collections.values()), lambda col: collection_view(sb, col))


def _date(value: Any, key: str) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ItemError("INVALID", f"delivery.{key} must be a date string YYYY-MM-DD")
    try:
        return parse_bound(value, end=False).date()
    except BadDate as exc:
        raise ItemError("INVALID", f"delivery.{key}: {exc}") from exc


_DELIVERY_FIELDS = {
    "start_ship_date": "date_delivery_start",
    "complete_ship_date": "date_delivery_end",
    "cancel_date": "date_cancel",
}


def _delivery(item: dict[str, Any]) -> dict[str, Any]:
    """The Collection attributes the item's `delivery` sets (only the fields it sends)."""
    delivery = item.get("delivery")
    if delivery is None:
        return {}
    if not isinstance(delivery, dict):
        raise ItemError("INVALID", "delivery must be an object")
    out: dict[str, Any] = {}
    for key, attr in _DELIVERY_FIELDS.items():
        if key in delivery:
            out[attr] = _date(delivery[key], key)
    if "minimum_shipping_window" in delivery:
        window = delivery["minimum_shipping_window"]
        if window is not None and (isinstance(window, bool) or not isinstance(window, int) or window < 0):
            raise ItemError("INVALID", "delivery.minimum_shipping_window must be a non-negative integer")
        out["minimum_shipping_window"] = window
    return out


def _season_id(sb: JoorSandbox, item: dict[str, Any]) -> str | None:
    season_id = item.get("season_id")
    if season_id in (None, ""):
        return None
    if not isinstance(season_id, str) or season_id not in sb.catalog.seasons:
        raise ItemError("INVALID", f"season_id {season_id!r} names no season")
    return season_id


def _name(item: dict[str, Any]) -> str:
    name = item.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise ItemError("INVALID", "name is required (at most 100 characters)")
    return name


def _items(
    sb: JoorSandbox, item: dict[str, Any]
) -> list[tuple[StyleRecord, list[str] | None, int | None, bool]]:
    """(style, SKU subset or None, order_number, order_number sent) per collection item."""
    entries = item.get("items")
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise ItemError("INVALID", "items must be an array")
    out: list[tuple[StyleRecord, list[str] | None, int | None, bool]] = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise ItemError("INVALID", f"items[{i}] must be an object")
        sku_ids = entry.get("sku_ids") or None
        if sku_ids is not None and (
            not isinstance(sku_ids, list) or not all(isinstance(s, str) for s in sku_ids)
        ):
            raise ItemError("INVALID", f"items[{i}].sku_ids must be an array of SKU ids")
        if entry.get("product_id") not in (None, ""):
            style = style_of_product(sb, entry["product_id"])
            if style is None:
                raise ItemError(
                    "INVALID", f"items[{i}].product_id names no product", product_id=entry["product_id"]
                )
        elif sku_ids:
            owners = {found[0].style_id for s in sku_ids if (found := sb.catalog.find_sku(s)) is not None}
            if len(owners) != 1:
                raise ItemError(
                    "INVALID", f"items[{i}]: product_id is required unless sku_ids name one product"
                )
            style = sb.catalog.styles[owners.pop()]
        else:
            raise ItemError("INVALID", f"items[{i}]: product_id or sku_ids is required")
        if sku_ids is not None:
            unknown = [s for s in sku_ids if s not in set(style.sku_ids.values())]
            if unknown:
                raise ItemError(
                    "INVALID",
                    f"items[{i}].sku_ids are not SKUs of product {style.product_id}: {', '.join(unknown)}",
                    product_id=style.product_id,
                )
            sku_ids = list(dict.fromkeys(sku_ids))
        order = entry.get("order_number")
        if order is not None and (isinstance(order, bool) or not isinstance(order, int)):
            raise ItemError("INVALID", f"items[{i}].order_number must be an integer")
        if any(seen is style for seen, _, _, _ in out):
            raise ItemError("INVALID", f"items[{i}]: product {style.product_id} is listed twice")
        out.append((style, sku_ids, order, "order_number" in entry))
    return out


def _set_subset(style: StyleRecord, link: DeliveryLink, sku_ids: list[str] | None) -> None:
    link.sku_ids = sku_ids
    if sku_ids is None:
        link.color_exclusions = []
        return
    kept = {color for (color, _), sid in style.sku_ids.items() if sid in set(sku_ids)}
    link.color_exclusions = [
        {"color_name": c["color_name"], "color_code": c["color_code"]}
        for c in style.colors
        if c["color_code"] not in kept
    ]


def collections_bulk_create(sb: JoorSandbox, req: Request) -> Response:
    def apply(index: int, item: dict[str, Any]) -> dict[str, Any]:
        catalog = sb.catalog
        name = _name(item)
        external_id = item.get("external_id")
        if not isinstance(external_id, str) or not external_id.strip():
            raise ItemError("INVALID", "external_id is required")
        existing = next(
            (c for c in catalog.collections.values() if external_id in (c.external_id, c.code)), None
        )
        if existing is not None:
            raise ItemError(
                "DUPLICATED", "a collection with this external_id exists", collection_id=existing.id
            )
        season_id = _season_id(sb, item)
        delivery = _delivery(item)
        entries = _items(sb, item)
        col = catalog.add_collection(
            name=name,
            code=external_id,
            season_id=season_id,
            date_delivery_start=delivery.get("date_delivery_start"),
            date_delivery_end=delivery.get("date_delivery_end"),
            date_cancel=delivery.get("date_cancel"),
            external_id=external_id,
            minimum_shipping_window=delivery.get("minimum_shipping_window"),
        )
        now = sb.now()
        for style, sku_ids, order, _ in entries:
            link = DeliveryLink(col.id, order, True, None, via_api=True)
            _set_subset(style, link, sku_ids)
            style.deliveries.append(link)
            style.modified = now
        return collection_view(sb, col)

    return run_bulk(req, apply)


def collections_bulk_update(sb: JoorSandbox, req: Request) -> Response:
    def apply(index: int, item: dict[str, Any]) -> dict[str, Any]:
        if item.get("id") in (None, ""):
            raise ItemError("INVALID", "id is required")
        col = sb.catalog.collections.get(item["id"]) if isinstance(item["id"], str) else None
        if col is None:
            raise ItemError("NOT_FOUND", f"collection {item['id']!r} not found")
        name = _name(item)
        season_id = _season_id(sb, item) if "season_id" in item else col.season_id
        delivery = _delivery(item)
        entries = _items(sb, item) if "items" in item else None
        col.name, col.season_id = name, season_id
        for attr, value in delivery.items():
            setattr(col, attr, value)
        now = sb.now()
        if entries is not None:
            listed = {style.style_id for style, _, _, _ in entries}
            for style, unlisted in _links(sb, col):
                if style.style_id not in listed:
                    style.deliveries.remove(unlisted)
                    style.modified = now
            for style, sku_ids, order, order_sent in entries:
                link = next((lk for lk in style.deliveries if lk.collection_id == col.id), None)
                if link is None:
                    link = DeliveryLink(col.id, order, True, None, via_api=True)
                    style.deliveries.append(link)
                elif order_sent:
                    link.style_display_order = order
                _set_subset(style, link, sku_ids)
                style.modified = now
        return collection_view(sb, col)

    return run_bulk(req, apply)


# -- traits, categories -----------------------------------------------------------------------------


def get_traits(sb: JoorSandbox, req: Request) -> Response:
    traits = [{"id": t.id, "name": t.name, "type": "product"} for t in PRODUCT_TRAITS]
    traits += [{"id": tid, "name": name, "type": "sku"} for tid, name in SKU_TRAITS]
    return paged(req, traits, lambda t: t)


def get_categories(sb: JoorSandbox, req: Request) -> Response:
    return paged(req, list(V4_CATEGORIES), category_view)
