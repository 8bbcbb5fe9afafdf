"""Typed records of the wholesale catalog around a style: images, linesheets (v4 collections), price
types and SKU-level prices, stock per warehouse.

The shapes, and the JOOR page each comes from, are in docs/joor-api.md ("Catalog: images, linesheets,
warehouses, prices"). Ids are opaque strings; money is `Decimal`; dates are `date`; absent values are
None. Records that describe a write (`ProductAsset`, `CollectionWrite`, `StockLevel`) render the JSON
JOOR takes and check locally what JOOR would refuse, so that a refusal never costs a request.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import urlparse

#: v2 image upload: "Char limit = 69" [https://api-docs.jooraccess.com/v2.0/reference/image-post];
#: JPEG or PNG, at most 4 MB [https://api-docs.jooraccess.com/v2.0/reference/introduction-2].
V2_IMAGE_FILENAME_LIMIT = 69
V2_IMAGE_MAX_BYTES = 4 * 1024 * 1024
V2_IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png")
#: v4 product assets: file names at most 100 characters; images .gif/.jpeg/.jpg/.png (10 MB), videos
#: .mp4 (15 MB, one per product) [https://api-docs.jooraccess.com/reference/create-product-assets].
V4_ASSET_FILENAME_LIMIT = 100
V4_ASSET_EXTENSIONS = {
    "image": (".gif", ".jpeg", ".jpg", ".png"),
    "swatch": (".gif", ".jpeg", ".jpg", ".png"),
    "video": (".mp4",),
}

AssetType = Literal["image", "swatch", "video"]


def _is_http_url(value: str) -> bool:
    parsed = urlparse(value)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def check_v2_image_filename(filename: str) -> None:
    """Raise ValueError unless `filename` is one JOOR's v2 upload takes."""
    if not filename or "/" in filename or "\\" in filename:
        raise ValueError("an image file name is required (no path)")
    if len(filename) > V2_IMAGE_FILENAME_LIMIT:
        raise ValueError(f"JOOR limits image file names to {V2_IMAGE_FILENAME_LIMIT} characters")
    if not filename.lower().endswith(V2_IMAGE_EXTENSIONS):
        raise ValueError("JOOR takes JPEG or PNG images (.jpg, .jpeg, .png)")


def image_content_type(content: bytes) -> str:
    """The Content-Type of JPEG or PNG bytes; ValueError for anything else."""
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    raise ValueError("JOOR takes JPEG or PNG images: these bytes are neither")


_STORED_SUFFIX = re.compile(r"^(?P<stem>.+?)(?P<suffix>[-_][0-9A-Za-z]{4,40})?(?P<ext>\.[A-Za-z0-9]+)$")


def uploaded_as(stored: str, filename: str) -> bool:
    """Whether an image JOOR stores as `stored` (a path or a file name) is the upload of `filename`.

    JOOR appends a randomly generated string to every uploaded file name
    [https://api-docs.jooraccess.com/v2.0/reference/image-delete]; its form is not documented, so a
    stored name matches when it is the sent name, or the sent stem plus one `-`/`_`-led token, with the
    same extension (case-insensitive)."""
    name = stored.rsplit("/", 1)[-1]
    if name.lower() == filename.lower():
        return True
    stem, dot, ext = filename.rpartition(".")
    if not dot:
        return False
    match = _STORED_SUFFIX.match(name)
    return bool(
        match
        and match.group("suffix")
        and match.group("stem").lower() == stem.lower()
        and match.group("ext").lower() == f".{ext}".lower()
    )


# -- images ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ColorImages:
    """A style color's images: its swatch and its own images (v4 SKU trait value `swatch`, `images`;
    the swatch is also the v2 color's `color_image`)."""

    color_code: str | None
    color_name: str | None = None
    swatch: str | None = None
    images: tuple[str, ...] = ()
    product_id: str | None = None


@dataclass(frozen=True, slots=True)
class StyleImages:
    """A style's images in display order (v2 `images`), and per color the swatch v2 shows."""

    style_id: int | None
    images: tuple[str, ...] = ()
    colors: tuple[ColorImages, ...] = ()


@dataclass(frozen=True, slots=True)
class ImageUpload:
    """JOOR's answer to a v2 image upload: the stored path and upload id, where the answer names them
    (JOOR's answer example is not published readably: both may be None)."""

    image_path: str | None
    upload_id: int | None = None
    log_id: str | None = None


@dataclass(frozen=True, slots=True)
class ImageDeletion:
    """JOOR's answer to a v2 image delete [https://api-docs.jooraccess.com/v2.0/reference/image-delete]."""

    style_number: str | None
    style_identifier: str | None
    upload_id: int | None
    log_id: str | None = None


@dataclass(frozen=True, slots=True)
class ProductAsset:
    """One item of `POST /v4/assets/products`: an image, swatch or video of a product, by URL."""

    product_id: str
    type: AssetType
    filename: str
    source_url: str
    display_order: int | None = None
    external_id: str | None = None

    def payload(self) -> dict[str, Any]:
        """The JSON item, after the checks JOOR documents (type, extension, name length, URL)."""
        if not self.product_id:
            raise ValueError("a product asset needs the JOOR product id")
        allowed = V4_ASSET_EXTENSIONS.get(self.type)
        if allowed is None:
            raise ValueError(f"asset type must be image, swatch or video, not {self.type!r}")
        if not self.filename or "/" in self.filename or len(self.filename) > V4_ASSET_FILENAME_LIMIT:
            raise ValueError(f"asset file names are 1 to {V4_ASSET_FILENAME_LIMIT} characters, no path")
        if not self.filename.lower().endswith(allowed):
            raise ValueError(f"a {self.type} asset must end in {', '.join(allowed)}")
        if not _is_http_url(self.source_url):
            raise ValueError("source_url must be a public http(s) URL")
        if self.display_order is not None and (
            isinstance(self.display_order, bool) or not isinstance(self.display_order, int)
        ):
            raise ValueError("display_order must be an integer")
        asset: dict[str, Any] = {"type": self.type, "filename": self.filename, "source_url": self.source_url}
        if self.external_id:
            asset["external_id"] = self.external_id
        item: dict[str, Any] = {"product": {"id": self.product_id}, "asset": asset}
        if self.display_order is not None:
            item["display_order"] = self.display_order
        return item


# -- prices ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PriceType:
    """A JOOR price type: wholesale currency and retail currency of a price list (e.g. "USD-1")."""

    id: str
    name: str | None
    currency_code: str | None
    retail_currency_code: str | None = None


@dataclass(frozen=True, slots=True)
class SkuPrice:
    """A SKU's price in one price type. `id` is what JOOR's price update references."""

    id: str | None
    sku_id: str
    price_type: PriceType
    wholesale_value: Decimal | None
    retail_value: Decimal | None = None


class MissingPriceTypes(ValueError):
    """Prices for a new style do not cover every price type of the account: nothing was sent."""

    def __init__(self, missing: Sequence[PriceType]) -> None:
        names = ", ".join(f"{pt.name or pt.id} ({pt.currency_code})" for pt in missing)
        super().__init__(f"no price given for the account's price type(s): {names}")
        self.missing = tuple(missing)


# -- linesheets -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SeasonRef:
    """The season nested in a collection."""

    id: str | None
    name: str | None = None
    year: int | None = None
    external_id: str | None = None


@dataclass(frozen=True, slots=True)
class CollectionDelivery:
    """A collection's ship window. No start and no end is JOOR's IMMEDIATE delivery. Written, it is the
    whole window: a None date is sent as null (blank), so keep the dates that are to stay."""

    start_ship_date: date | None = None
    complete_ship_date: date | None = None
    cancel_date: date | None = None
    minimum_shipping_window: int | None = None

    @property
    def immediate(self) -> bool:
        return self.start_ship_date is None and self.complete_ship_date is None

    def payload(self) -> dict[str, Any]:
        if (
            self.start_ship_date
            and self.complete_ship_date
            and self.complete_ship_date < self.start_ship_date
        ):
            raise ValueError("complete_ship_date is before start_ship_date")
        out: dict[str, Any] = {
            "start_ship_date": self.start_ship_date.isoformat() if self.start_ship_date else None,
            "complete_ship_date": self.complete_ship_date.isoformat() if self.complete_ship_date else None,
            "cancel_date": self.cancel_date.isoformat() if self.cancel_date else None,
        }
        if self.minimum_shipping_window is not None:
            if self.minimum_shipping_window < 0:
                raise ValueError("minimum_shipping_window must not be negative")
            out["minimum_shipping_window"] = self.minimum_shipping_window
        return out


@dataclass(frozen=True, slots=True)
class CollectionItem:
    """A product on a linesheet, at `order_number`; `sku_ids` empty means every SKU of the product."""

    product_id: str | None
    order_number: int | None = None
    sku_ids: tuple[str, ...] = ()

    def payload(self, *, with_order: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.product_id:
            out["product_id"] = self.product_id
        if with_order and self.order_number is not None:
            out["order_number"] = self.order_number
        if self.sku_ids:
            out["sku_ids"] = list(self.sku_ids)
        if not out.get("product_id") and not self.sku_ids:
            raise ValueError("a collection item needs a product_id or sku_ids")
        return out


@dataclass(frozen=True, slots=True)
class Collection:
    """A v4 collection (linesheet) as `GET /v4/collections` shows it."""

    id: str
    name: str | None
    external_id: str | None = None
    delivery: CollectionDelivery = field(default_factory=CollectionDelivery)
    season: SeasonRef | None = None
    visibility: str | None = None
    items: tuple[CollectionItem, ...] = ()

    def item_for(self, product_id: str) -> CollectionItem | None:
        return next((i for i in self.items if i.product_id == product_id), None)


@dataclass(frozen=True, slots=True)
class CollectionWrite:
    """A collection to create (`external_id` required) or update (`id` required). `items=None` leaves
    the collection's products alone on an update."""

    name: str
    external_id: str | None = None
    id: str | None = None
    season_id: str | None = None
    delivery: CollectionDelivery | None = None
    items: Sequence[CollectionItem] | None = None

    def _common(self) -> dict[str, Any]:
        if not self.name or len(self.name) > 100:
            raise ValueError("a collection name is 1 to 100 characters")
        out: dict[str, Any] = {"name": self.name}
        if self.season_id:
            out["season_id"] = self.season_id
        if self.delivery is not None:
            out["delivery"] = self.delivery.payload()
        return out

    def create_payload(self) -> dict[str, Any]:
        """`POST /v4/collections/bulk_create` item [https://api-docs.jooraccess.com/v2.0/reference/create-collections]."""
        if not self.external_id:
            raise ValueError("JOOR requires an external_id to create a collection")
        out = self._common()
        out["external_id"] = self.external_id
        if self.items is not None:
            out["items"] = [item.payload() for item in self.items]
        return out

    def update_payload(self) -> dict[str, Any]:
        """`POST /v4/collections/bulk_update` item [https://api-docs.jooraccess.com/v2.0/reference/update-collections]:
        `id` and `name` required; JOOR's update table has no `order_number`, which is sent anyway
        when given (a server that does not know it ignores it)."""
        if not self.id:
            raise ValueError("a collection update needs the collection id")
        out = {"id": self.id, **self._common()}
        if self.items is not None:
            out["items"] = [item.payload() for item in self.items]
        return out


# -- stock ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StockLevel:
    """An absolute stock figure of one SKU in one warehouse (by name, as set up in JOOR's Order
    Settings), for `POST /v2/bulk-inventory`. The SKU is named by UPC, or by style number, style
    identifier, color code and size."""

    warehouse: str
    quantity: int
    upc: str | None = None
    style_number: str | None = None
    style_identifier: str | None = None
    color_code: str | None = None
    size: str | None = None
    made_to_order: bool | None = None

    def item(self) -> dict[str, Any]:
        if not self.warehouse or not self.warehouse.strip():
            raise ValueError("a stock level names its warehouse")
        if isinstance(self.quantity, bool) or not isinstance(self.quantity, int):
            raise ValueError("a stock level is an integer quantity")
        out: dict[str, Any] = {"warehouse": self.warehouse.strip(), "inventory": self.quantity}
        by_sku = self.style_number and self.style_identifier and self.color_code and self.size
        if not self.upc and not by_sku:
            raise ValueError("a stock level needs a upc, or style number, identifier, color code and size")
        if self.upc:
            out["upc"] = self.upc
        if by_sku:
            out.update(
                style_number=self.style_number,
                style_identifier=self.style_identifier,
                color_code=self.color_code,
                size=self.size,
            )
        if self.made_to_order is not None:
            out["made_to_order"] = self.made_to_order
        return out
