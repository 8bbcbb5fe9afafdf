"""v4 seasons, collections (linesheets, the v2 deliveries), traits and categories."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .dates import BadDate, parse_bound
from .defaults import (
    COLOR_TRAIT_ID,
    SIZE_TRAIT_ID,
)
from .http import Request, Response
from .model import Collection, DeliveryLink, StyleRecord, opaque_id
from .v4_common import (
    ItemError,
    V4BadRequest,
    paged,
    run_bulk,
    style_of_product,
)

if TYPE_CHECKING:
    from .app import JoorSandbox


def season_view(season: Any) -> dict[str, Any]:
    return {
        "id": season.id,
        "name": season.name,
        "year": season.year,
        "code": season.code,
        "external_id": season.external_id,
    }


def get_seasons(sb: JoorSandbox, req: Request) -> Response:
    return paged(req, list(sb.catalog.seasons.values()), season_view)


def post_seasons(sb: JoorSandbox, req: Request) -> Response:
    try:
        body = req.json_body()
    except ValueError as exc:
        raise V4BadRequest(str(exc)) from exc
    if isinstance(body, dict):
        req.body = b"[" + req.body + b"]"

    def apply(index: int, item: dict[str, Any]) -> dict[str, Any]:
        name = item.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > 100:
            raise ItemError("INVALID", "name is required (at most 100 characters)")
        year = item.get("year")
        if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
            raise ItemError("INVALID", "year must be an integer")
        code = item.get("code") or item.get("external_id")
        existing = sb.catalog.season_for(name, year, code)
        if existing is not None:
            raise ItemError("DUPLICATED", "this season already exists", season_id=existing.id)
        return season_view(sb.catalog.add_season(name, year, code, item.get("external_id")))

    return run_bulk(req, apply)


def collection_view(sb: JoorSandbox, col: Collection) -> dict[str, Any]:
    items = []
    for style in sb.catalog.sorted_styles():
        for link in style.deliveries:
            if link.collection_id == col.id:
                excluded = {e.get("color_code") for e in link.color_exclusions}
                items.append(
                    {
                        "product_id": style.product_id,
                        "order_number": link.style_display_order,
                        "sku_ids": [
                            sid for (color, _), sid in style.sku_ids.items() if color not in excluded
                        ],
                    }
                )
    return {
        "id": col.id,
        "name": col.name,
        "external_id": col.external_id or col.code,
        "season_id": col.season_id,
        "delivery": {
            "start_ship_date": col.date_delivery_start.isoformat() if col.date_delivery_start else None,
            "complete_ship_date": col.date_delivery_end.isoformat() if col.date_delivery_end else None,
            "cancel_date": col.date_cancel.isoformat() if col.date_cancel else None,
        },
        "items": items,
    }


def get_collections(sb: JoorSandbox, req: Request) -> Response:
    return paged(req, list(sb.catalog.collections.values()), lambda col: collection_view(sb, col))


def _date(value: Any, key: str) -> Any:
    if value in (None, ""):
        return None
    try:
        return parse_bound(str(value), end=False).date()
    except BadDate as exc:
        raise ItemError("INVALID", f"{key}: {exc}") from exc


def collections_bulk_create(sb: JoorSandbox, req: Request) -> Response:
    def apply(index: int, item: dict[str, Any]) -> dict[str, Any]:
        catalog = sb.catalog
        name = item.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > 100:
            raise ItemError("INVALID", "name is required (at most 100 characters)")
        external_id = item.get("external_id")
        if external_id and catalog.collection_by_code(str(external_id), None) is not None:
            existing = catalog.collection_by_code(str(external_id), None)
            raise ItemError(
                "DUPLICATED",
                "a collection with this external_id exists",
                collection_id=existing.id if existing else None,
            )
        season_id = item.get("season_id")
        if season_id is not None and season_id not in catalog.seasons:
            raise ItemError("INVALID", "season_id must name an existing season")
        delivery = item.get("delivery") or {}
        if not isinstance(delivery, dict):
            raise ItemError("INVALID", "delivery must be an object")
        links: list[tuple[StyleRecord, DeliveryLink]] = []
        for i, entry in enumerate(item.get("items") or []):
            style = style_of_product(sb, entry.get("product_id") if isinstance(entry, dict) else None)
            if style is None:
                raise ItemError("INVALID", f"items[{i}].product_id must name an existing product")
            sku_ids = entry.get("sku_ids")
            excluded = []
            if sku_ids is not None:
                chosen = set(sku_ids)
                unknown = chosen - set(style.sku_ids.values())
                if unknown:
                    raise ItemError("INVALID", f"items[{i}].sku_ids are not SKUs of the product")
                kept_colors = {color for (color, _), sid in style.sku_ids.items() if sid in chosen}
                excluded = [
                    {"color_name": c["color_name"], "color_code": c["color_code"]}
                    for c in style.colors
                    if c["color_code"] not in kept_colors
                ]
            order_number = entry.get("order_number")
            links.append(
                (
                    style,
                    DeliveryLink(
                        "", order_number if isinstance(order_number, int) else None, True, None, excluded
                    ),
                )
            )
        col = catalog.add_collection(
            name=name,
            code=str(external_id) if external_id else None,
            season_id=season_id,
            date_delivery_start=_date(delivery.get("start_ship_date"), "start_ship_date"),
            date_delivery_end=_date(delivery.get("complete_ship_date"), "complete_ship_date"),
            date_cancel=_date(delivery.get("cancel_date"), "cancel_date"),
            external_id=str(external_id) if external_id else None,
        )
        now = sb.now()
        for style, link in links:
            link.collection_id = col.id
            style.deliveries.append(link)
            style.modified = now
        return collection_view(sb, col)

    return run_bulk(req, apply)


def get_traits(sb: JoorSandbox, req: Request) -> Response:
    return paged(
        req, [{"id": COLOR_TRAIT_ID, "name": "Color"}, {"id": SIZE_TRAIT_ID, "name": "Size"}], lambda t: t
    )


def get_categories(sb: JoorSandbox, req: Request) -> Response:
    seen: dict[str, dict[str, Any]] = {}
    for style in sb.catalog.sorted_styles():
        for cat in style.categories:
            for sub in cat.get("subcategories", []):
                for item in sub.get("subcategory", []):
                    if item.get("subcategory_id") is None:
                        continue
                    key = opaque_id("Category", int(item["subcategory_id"]))
                    seen.setdefault(
                        key,
                        {
                            "id": key,
                            "name": item.get("subcategory_label"),
                            "parent": cat.get("category_parent"),
                            "group": sub.get("subcategory_parent"),
                        },
                    )
    return paged(req, list(seen.values()), lambda c: c)
