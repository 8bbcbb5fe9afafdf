"""Creating a JOOR style for a product that exists only in Shopify.

JOOR sells a grid: every colour × size of a style is a SKU, and a style needs a wholesale price.
Shopify has neither guarantee, so the new style gets the full grid of the product's colours and
sizes, and a wholesale price only from what the account says: the Shopify price itself (when the
mapping says Shopify's price *is* wholesale) or Shopify's price × the account's wholesale factor.
Without either, no style is created: the product is listed for a person instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from joorsync.joor.client import JoorClient
from joorsync.joor.records import Style
from joorsync.joor.records_catalog import PriceType
from joorsync.joor.v4 import COLOR_TRAIT_ID, SIZE_TRAIT_ID
from joorsync.joor.v4_catalog import PriceValues
from joorsync.sync.canonical import CanonicalProduct, CanonicalVariant
from joorsync.sync.joor_mapping import PriceMapping, canonical_to_style_fields

CENT = Decimal("0.01")


class CannotCreate(Exception):
    """The product cannot become a JOOR style as it is; the message says what a person must do."""


@dataclass(frozen=True, slots=True)
class NewStylePrices:
    currency: str
    label: str
    wholesale: str
    retail: str


def new_style_prices(
    product: CanonicalProduct, *, prices: PriceMapping, currency: str, factor: Decimal | None
) -> NewStylePrices:
    shopify_price = next((Decimal(v.price) for v in product.variants if v.price), None)
    if shopify_price is None:
        raise CannotCreate("the product has no price")
    if prices.price_field == "price_wholesale":
        wholesale, retail = shopify_price, Decimal("0")  # JOOR writes 0.00 for "no retail price"
    elif factor is not None:
        wholesale, retail = (shopify_price * factor).quantize(CENT), shopify_price
    else:
        raise CannotCreate(
            "JOOR needs a wholesale price: set a wholesale factor or map Shopify's price to it"
        )
    return NewStylePrices(
        currency=currency,
        label=prices.label or currency,
        wholesale=f"{wholesale.quantize(CENT)}",
        retail=f"{retail.quantize(CENT)}",
    )


def full_grid(product: CanonicalProduct) -> CanonicalProduct:
    """The product with every colour × size its variants use (JOOR refuses a partial grid)."""
    colors: dict[str, str | None] = {}
    sizes: dict[str, None] = {}
    for v in product.variants:
        colors.setdefault(v.color_code, v.color_name)
        sizes.setdefault(v.size, None)
    have = product.variant_map()
    grid = []
    for code, name in colors.items():
        for size in sizes:
            existing = have.get(CanonicalVariant(color_code=code, size=size).key)
            grid.append(
                existing or CanonicalVariant(color_code=code, size=size, color_name=name, inventory=0)
            )
    return CanonicalProduct(
        style_number=product.style_number,
        style_identifier=product.style_identifier,
        title=product.title,
        description=product.description,
        product_type=product.product_type,
        tags=product.tags,
        variants=tuple(grid),
        joor=product.joor,
    )


def style_create_v2(
    client: JoorClient, product: CanonicalProduct, *, prices: PriceMapping, new: NewStylePrices
) -> Style:
    fields = canonical_to_style_fields(product, prices=prices)
    fields["prices"] = [
        {
            "price_label": new.label,
            "price_currency": new.currency,
            "price_wholesale": new.wholesale,
            "price_retail": new.retail,
            "price_currency_retail": new.currency,
        }
    ]
    result = client.style_upsert(fields)
    if result.style is not None and result.style.style_id is not None:
        return result.style
    return client.get_style_by_number(product.style_number, product.style_identifier)


def all_type_prices(
    types: Sequence[PriceType], *, new: NewStylePrices, factors: Mapping[tuple[str, str], Decimal]
) -> dict[str, PriceValues]:
    """A price for every price type of the account: the mapped one as `new` says, each other one as
    the Shopify price × the factor set for it (wholesale; no retail price is made up for it). A
    price type without a factor stops the creation, naming it: no price is invented."""
    base = Decimal(new.retail) if Decimal(new.retail) > 0 else None
    mapped = _mapped_type(types, new)
    out: dict[str, PriceValues] = {}
    missing: list[str] = []
    for pt in types:
        if pt.id == mapped:
            out[pt.id] = (new.wholesale, new.retail)
            continue
        factor = factors.get((pt.name or "", pt.currency_code or ""))
        if factor is None or base is None:
            missing.append(f"{pt.name or pt.id} ({pt.currency_code or '?'})")
            continue
        out[pt.id] = (f"{(base * factor).quantize(CENT)}", None)
    if missing:
        raise CannotCreate(
            "JOOR needs a price in every price type of the account: set a factor for "
            + ", ".join(missing)
            + " under Prices in Settings"
        )
    return out


def _mapped_type(types: Sequence[PriceType], new: NewStylePrices) -> str | None:
    same_currency = [t for t in types if t.currency_code == new.currency]
    found = next((t for t in same_currency if t.name == new.label), None) or next(iter(same_currency), None)
    return found.id if found is not None else None


def style_create_v4(
    client: JoorClient,
    product: CanonicalProduct,
    *,
    new: NewStylePrices,
    factors: Mapping[tuple[str, str], Decimal] | None = None,
) -> Style:
    """Product, then its SKUs (the whole grid in one request), then a price per SKU. With `factors`
    (the account's factors per price type), every price type of the account gets a price, checked
    before anything is created."""
    by_type = None
    if factors is not None:
        types = client.price_types_list()
        if _mapped_type(types, new) is None:
            raise CannotCreate(f"JOOR has no price type in {new.currency}")
        by_type = all_type_prices(types, new=new, factors=factors)
    created = client.bulk_create(
        "products",
        [
            {
                "name": product.title or product.style_number,
                "product_identifier": product.style_number,
                "external_id": product.style_identifier,
                "description": product.description or "",
            }
        ],
    )
    created.raise_for_failures()
    product_id = created.created[0] if created.created else None
    if not product_id:
        raise CannotCreate("JOOR created no product")
    skus: list[dict[str, Any]] = []
    for v in product.variants:
        sku: dict[str, Any] = {
            "product_id": product_id,
            "sku_identifier": v.sku or f"{product.style_number}-{v.color_code}-{v.size}",
            "trait_values": [
                {
                    "trait_id": COLOR_TRAIT_ID,
                    "value": v.color_name or v.color_code,
                    "external_id": v.color_code,
                },
                {"trait_id": SIZE_TRAIT_ID, "value": v.size},
            ],
        }
        if v.barcode:
            sku["identifiers"] = [{"type": "UPC", "value": v.barcode}]
        skus.append(sku)
    made = client.bulk_create("skus", skus)
    made.raise_for_failures()
    if by_type is not None:
        client.sku_prices_set_all_types(
            sku_ids=[str(i) for i in made.created], prices=by_type
        ).raise_for_failures()
        return client.get_style_by_number(product.style_number, product.style_identifier)
    price_type = _price_type(client, new)
    priced = client.bulk_create(
        "prices",
        [
            {
                "sku_id": sku_id,
                "price_type_id": price_type,
                "wholesale_value": new.wholesale,
                "retail_value": new.retail,
            }
            for sku_id in made.created
        ],
    )
    priced.raise_for_failures()
    return client.get_style_by_number(product.style_number, product.style_identifier)


def _price_type(client: JoorClient, new: NewStylePrices) -> str:
    types = client.list_price_types()
    wanted: Callable[[dict[str, Any]], bool]
    for wanted in (
        lambda t: t.get("currency_code") == new.currency and t.get("name") == new.label,
        lambda t: t.get("currency_code") == new.currency,
    ):
        found = next((t for t in types if wanted(t)), None)
        if found is not None:
            return str(found["id"])
    raise CannotCreate(f"JOOR has no price type in {new.currency}")


def identifiers_for(product_legacy_id: str | None, product: CanonicalProduct) -> tuple[str, str]:
    """Style number and identifier of a new style: what the product names in its identity
    metafields, else its Shopify product id (as JOOR's own Shopify integration does)."""
    number = product.style_number or (product_legacy_id or "")
    identifier = product.style_identifier or number
    if not number:
        raise CannotCreate("the product has no id to number a style by")
    return number[:45], identifier[:100]


def with_identity(product: CanonicalProduct, number: str, identifier: str) -> CanonicalProduct:
    return CanonicalProduct(
        style_number=number,
        style_identifier=identifier,
        title=product.title,
        description=product.description,
        product_type=product.product_type,
        tags=product.tags,
        variants=product.variants,
        joor=product.joor,
    )
