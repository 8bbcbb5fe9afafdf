"""Deterministic seed catalog: fashion styles with Color/Size options, SKUs, barcodes and stock."""

from __future__ import annotations

import random
from typing import Any

from shopify_app.sandbox.models import Location
from shopify_app.sandbox.pricing_models import Market
from shopify_app.sandbox.products import apply_product_set, validate_product_set
from shopify_app.sandbox.store import ShopState

ADJECTIVES = (
    "Classic",
    "Relaxed",
    "Slim",
    "Cropped",
    "Oversized",
    "Tailored",
    "Vintage",
    "Everyday",
    "Organic",
    "Washed",
)
GARMENTS = ("Tee", "Hoodie", "Chino", "Denim Jacket", "Shirt", "Sweater", "Dress", "Skirt", "Parka", "Polo")
COLORS = ("Black", "White", "Navy", "Olive", "Sand", "Burgundy", "Grey", "Blue")
SIZES = ("XS", "S", "M", "L", "XL")
TYPES = {
    "Tee": "Tops",
    "Hoodie": "Tops",
    "Chino": "Bottoms",
    "Denim Jacket": "Outerwear",
    "Shirt": "Tops",
    "Sweater": "Knitwear",
    "Dress": "Dresses",
    "Skirt": "Bottoms",
    "Parka": "Outerwear",
    "Polo": "Tops",
}
SEASONS = ("SS26", "FW26", "SS27")


def ean13(number: int) -> str:
    """A valid EAN-13 built from a 12-digit number (check digit computed)."""
    digits = f"{number % 10**12:012d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def seed_locations(state: ShopState, *, second: bool) -> None:
    now = state.now()
    main = Location(state.next_id(), "Main warehouse", is_primary=True, created_at=now, updated_at=now)
    state.locations[main.id] = main
    if second:
        shop = Location(state.next_id(), "Flagship store", created_at=now, updated_at=now)
        state.locations[shop.id] = shop


# A fashion brand's usual markets (name, handle, base currency, countries), as a shop selling to the
# US, the EU and the UK has them in Settings → Markets.
DEMO_MARKETS = (
    ("United States", "us", "USD", ("US",)),
    ("Europe", "eu", "EUR", ("DE", "FR", "IT", "ES", "NL")),
    ("United Kingdom", "gb", "GBP", ("GB",)),
)


def seed_markets(state: ShopState) -> None:
    now = state.now()
    for name, handle, currency, countries in DEMO_MARKETS:
        market = Market(
            id=state.next_id(),
            name=name,
            handle=handle,
            status="ACTIVE",
            countries=list(countries),
            base_currency=currency,
            created_at=now,
            updated_at=now,
        )
        state.pricing.markets[market.id] = market


def seed_products(state: ShopState, *, count: int, seed: int, vendor: str) -> None:
    rng = random.Random(seed)  # noqa: S311 - deterministic fixture data
    locations = sorted(state.locations)
    for index in range(count):
        garment = GARMENTS[index % len(GARMENTS)]
        title = f"{ADJECTIVES[(index // len(GARMENTS)) % len(ADJECTIVES)]} {garment} {index + 1:03d}"
        style = f"ST{seed:02d}{index + 1:04d}"
        colors = rng.sample(COLORS, k=2 + rng.randrange(2))
        sizes = list(SIZES[rng.randrange(2) :][:3])
        price = f"{rng.randrange(19, 240)}.{rng.choice(('00', '50', '95'))}"
        variants: list[dict[str, Any]] = []
        for color in colors:
            for size in sizes:
                number = seed * 10**9 + index * 1000 + len(variants)
                quantities = [
                    {
                        "locationId": f"gid://shopify/Location/{locations[0]}",
                        "name": "available",
                        "quantity": rng.randrange(0, 40),
                    }
                ]
                if len(locations) > 1:
                    quantities.append(
                        {
                            "locationId": f"gid://shopify/Location/{locations[1]}",
                            "name": "available",
                            "quantity": rng.randrange(0, 8),
                        }
                    )
                variants.append(
                    {
                        "optionValues": [
                            {"optionName": "Color", "name": color},
                            {"optionName": "Size", "name": size},
                        ],
                        "sku": f"{style}-{color[:3].upper()}-{size}",
                        "barcode": ean13(number),
                        "price": price,
                        "inventoryQuantities": quantities,
                    }
                )
        data = {
            "title": title,
            "descriptionHtml": f"<p>{title} in {', '.join(colors)}.</p>",
            "vendor": vendor,
            "productType": TYPES[garment],
            "status": "ACTIVE" if index % 7 else "DRAFT",
            "tags": [SEASONS[index % len(SEASONS)], garment.lower().replace(" ", "-")],
            "productOptions": [
                {"name": "Color", "position": 1, "values": [{"name": c} for c in colors]},
                {"name": "Size", "position": 2, "values": [{"name": s} for s in sizes]},
            ],
            "variants": variants,
            "metafields": [
                {
                    "namespace": "custom",
                    "key": "style_number",
                    "type": "single_line_text_field",
                    "value": style,
                }
            ],
        }
        plan, errors = validate_product_set(state, data, None)
        if errors:
            raise ValueError(f"seed product {index} is invalid: {errors}")
        apply_product_set(state, data, None, plan, [])
