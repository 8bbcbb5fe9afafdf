"""JOOR's catalog objects (price types, SKU prices, collections, SKU trait value images, image upload
and delete answers) → the records of `records_catalog`.

Every parser is strict about types and raises `JoorBadPayload` naming the field, so that an answer of
the wrong shape is a clear failure rather than a wrong catalog. Tolerated, because JOOR's own samples
show both: ids as strings or numbers, money as strings or numbers, `null` for absent values, dates as
`YYYY-MM-DD` or a full ISO timestamp. The shapes and their sources are in docs/joor-api.md ("Catalog:
images, linesheets, warehouses, prices").
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import JoorBadPayload
from .records import Style
from .records_catalog import (
    Collection,
    CollectionDelivery,
    CollectionItem,
    ColorImages,
    ImageDeletion,
    ImageUpload,
    PriceType,
    SeasonRef,
    SkuPrice,
    StyleImages,
)

COLOR_TRAIT_ID = "U0tVVHJhaXQ6U3R5bGVDb2xvcg=="


def _object(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise JoorBadPayload(f"{what} is not an object")
    return value


def _text(obj: Mapping[str, Any], key: str, what: str, *, required: bool = False) -> str | None:
    value = obj.get(key)
    if value is None or value == "":
        if required:
            raise JoorBadPayload(f"{what} has no {key}")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise JoorBadPayload(f"{what}.{key} is not a string")
    return str(value)


def _int(obj: Mapping[str, Any], key: str, what: str) -> int | None:
    value = obj.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise JoorBadPayload(f"{what}.{key} is not an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise JoorBadPayload(f"{what}.{key} is not an integer")


def _money(obj: Mapping[str, Any], key: str, what: str) -> Decimal | None:
    value = obj.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise JoorBadPayload(f"{what}.{key} is not an amount")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise JoorBadPayload(f"{what}.{key} is not an amount") from None
    if not amount.is_finite() or amount < 0:
        raise JoorBadPayload(f"{what}.{key} is not an amount")
    return amount


def _date(obj: Mapping[str, Any], key: str, what: str) -> date | None:
    value = obj.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise JoorBadPayload(f"{what}.{key} is not a date")
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        raise JoorBadPayload(f"{what}.{key} is not a date: {text[:40]!r}") from None


def _list(obj: Mapping[str, Any], key: str, what: str) -> list[Any]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise JoorBadPayload(f"{what}.{key} is not a list")
    return value


def parse_price_type(raw: Any, what: str = "price type") -> PriceType:
    """`{id, name, currency_code, retail_currency_code}` [https://api-docs.jooraccess.com/v2.0/reference/create-prices]."""
    obj = _object(raw, what)
    return PriceType(
        id=_text(obj, "id", what, required=True) or "",
        name=_text(obj, "name", what),
        currency_code=_text(obj, "currency_code", what),
        retail_currency_code=_text(obj, "retail_currency_code", what),
    )


def parse_sku_price(raw: Any, price_types: Mapping[str, PriceType] | None = None) -> SkuPrice:
    """`{id, sku_id, price_type: {…}, wholesale_value, retail_value}` [create-prices]; a flat
    `price_type_id` (some servers) is resolved through `price_types`."""
    obj = _object(raw, "price")
    nested = obj.get("price_type")
    if nested is not None:
        price_type = parse_price_type(nested, "price.price_type")
    else:
        type_id = _text(obj, "price_type_id", "price", required=True) or ""
        known = (price_types or {}).get(type_id)
        price_type = known or PriceType(id=type_id, name=None, currency_code=None)
    return SkuPrice(
        id=_text(obj, "id", "price"),
        sku_id=_text(obj, "sku_id", "price", required=True) or "",
        price_type=price_type,
        wholesale_value=_money(obj, "wholesale_value", "price"),
        retail_value=_money(obj, "retail_value", "price"),
    )


def parse_collection(raw: Any) -> Collection:
    """A collection of `GET /v4/collections` [https://api-docs.jooraccess.com/v2.0/reference/get-collections]."""
    obj = _object(raw, "collection")
    cid = _text(obj, "id", "collection", required=True) or ""
    what = f"collection {cid}"
    delivery_raw = obj.get("delivery")
    delivery = CollectionDelivery()
    if delivery_raw is not None:
        d = _object(delivery_raw, f"{what}.delivery")
        delivery = CollectionDelivery(
            start_ship_date=_date(d, "start_ship_date", f"{what}.delivery"),
            complete_ship_date=_date(d, "complete_ship_date", f"{what}.delivery"),
            cancel_date=_date(d, "cancel_date", f"{what}.delivery"),
            minimum_shipping_window=_int(d, "minimum_shipping_window", f"{what}.delivery"),
        )
    season = None
    if obj.get("season") is not None:
        s = _object(obj["season"], f"{what}.season")
        season = SeasonRef(
            id=_text(s, "id", f"{what}.season"),
            name=_text(s, "name", f"{what}.season"),
            year=_int(s, "year", f"{what}.season"),
            external_id=_text(s, "external_id", f"{what}.season"),
        )
    items = []
    for index, entry in enumerate(_list(obj, "items", what)):
        item = _object(entry, f"{what}.items[{index}]")
        sku_ids = _list(item, "sku_ids", f"{what}.items[{index}]")
        if not all(isinstance(s, str | int) and not isinstance(s, bool) for s in sku_ids):
            raise JoorBadPayload(f"{what}.items[{index}].sku_ids holds something other than ids")
        items.append(
            CollectionItem(
                product_id=_text(item, "product_id", f"{what}.items[{index}]"),
                order_number=_int(item, "order_number", f"{what}.items[{index}]"),
                sku_ids=tuple(str(s) for s in sku_ids),
            )
        )
    return Collection(
        id=cid,
        name=_text(obj, "name", what),
        external_id=_text(obj, "external_id", what),
        delivery=delivery,
        season=season,
        visibility=_text(obj, "visibility", what),
        items=tuple(items),
    )


def _trait_is_color(value: Mapping[str, Any]) -> bool:
    trait = value.get("trait")
    if isinstance(trait, Mapping):
        return trait.get("id") == COLOR_TRAIT_ID or str(trait.get("name") or "").lower() == "color"
    return value.get("trait_id") == COLOR_TRAIT_ID


def parse_color_images(skus: list[Any]) -> list[ColorImages]:
    """Each color's swatch and images from `GET /v4/skus` objects (the Color trait value carries
    `swatch` and `images` [https://api-docs.jooraccess.com/docs/how-to-create-update-price-data]),
    once per product and color, in the order the SKUs come."""
    seen: dict[tuple[str | None, str | None], ColorImages] = {}
    for index, raw in enumerate(skus):
        sku = _object(raw, f"sku[{index}]")
        product_id = _text(sku, "product_id", f"sku[{index}]")
        for value_raw in _list(sku, "trait_values", f"sku[{index}]"):
            value = _object(value_raw, f"sku[{index}].trait_values[]")
            if not _trait_is_color(value):
                continue
            what = f"sku[{index}] color"
            images = value.get("images")
            if images is not None and (
                not isinstance(images, list) or not all(isinstance(i, str) for i in images)
            ):
                raise JoorBadPayload(f"{what}.images is not a list of paths")
            code = _text(value, "external_id", what)
            key = (product_id, code or _text(value, "value", what))
            if key not in seen:
                seen[key] = ColorImages(
                    color_code=code,
                    color_name=_text(value, "value", what),
                    swatch=_text(value, "swatch", what),
                    images=tuple(images or ()),
                    product_id=product_id,
                )
    return list(seen.values())


def style_images_of(style: Style) -> StyleImages:
    """A v2 style's images in display order and each color's swatch (`color_image`)."""
    return StyleImages(
        style_id=style.style_id,
        images=tuple(style.images),
        colors=tuple(
            ColorImages(color_code=c.color_code, color_name=c.color_name, swatch=c.color_image)
            for c in style.colors
        ),
    )


def stock_totals_of(style: Style) -> dict[tuple[str, str], int]:
    """(color code, size) → the SKU's stock total over warehouses (`inventory_available`). JOOR's API
    shows no figure per warehouse."""
    return {
        (u.sku_color_code, u.sku_size): u.inventory_available or 0
        for u in style.upcs
        if u.sku_color_code is not None and u.sku_size is not None
    }


def parse_image_upload(doc: Mapping[str, Any], log_id: str | None) -> ImageUpload:
    """The parts of a v2 upload answer a client can use (JOOR's own example is not readable)."""
    path = doc.get("image_path")
    if path is not None and not isinstance(path, str):
        raise JoorBadPayload("image_path is not a string")
    return ImageUpload(image_path=path or None, upload_id=_int(doc, "upload_id", "upload"), log_id=log_id)


def parse_image_deletion(doc: Mapping[str, Any]) -> ImageDeletion:
    """`{"style_image_deleted": {"response": uuid}, "image_deleted": {style_number, style_identifier,
    upload_id}}` [https://api-docs.jooraccess.com/v2.0/reference/image-delete]."""
    deleted = _object(doc.get("image_deleted"), "image_deleted")
    marker = doc.get("style_image_deleted")
    log_id = None
    if isinstance(marker, Mapping) and isinstance(marker.get("response"), str):
        log_id = marker["response"]
    return ImageDeletion(
        style_number=_text(deleted, "style_number", "image_deleted"),
        style_identifier=_text(deleted, "style_identifier", "image_deleted"),
        upload_id=_int(deleted, "upload_id", "image_deleted"),
        log_id=log_id,
    )
