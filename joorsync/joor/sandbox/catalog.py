"""Deterministic catalog generator: the same `(styles, seed)` always yields the same catalog.

The first style is always the example style of JOOR's v2 style documentation ("Test Style 1",
style_id 1252163) with every value of the document's XML example; the others are varied apparel,
footwear and knitwear styles with unicode names, several colors, size runs with casepacks,
multi-currency prices, unique valid EAN-13 UPCs (some with leading zeros), deliveries, tags, badges.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from .defaults import CATALOG_EPOCH, DEFAULT_ACCOUNT_ID, SEED_STYLE_ID, category_id_for
from .model import (
    Catalog,
    DeliveryLink,
    Order,
    OrderLine,
    Retailer,
    StylePrice,
    StyleRecord,
    order_line_id,
)


def ean13_check_digit(first12: str) -> str:
    """The EAN-13 check digit of 12 digits (weights 1,3,1,3… from the left)."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def is_valid_ean13(code: str) -> bool:
    return len(code) == 13 and code.isdigit() and ean13_check_digit(code[:12]) == code[12]


# ---------------------------------------------------------------------------------------------
# The seed document's example style
# ---------------------------------------------------------------------------------------------

SEED_UPCS = (
    ("C1", "36", "5414855153715"),
    ("C1", "42", "5414855153746"),
    ("C1", "34", "5414855153708"),
    ("C1", "40", "5414855153739"),
    ("C1", "44", "5414855153753"),
    ("C1", "38", "5414855153722"),
    ("C2", "34", "5414855153760"),
    ("C2", "44", "5414855153814"),
    ("C2", "36", "5414855153777"),
    ("C2", "38", "5414855153784"),
    ("C2", "40", "5414855153791"),
    ("C2", "42", "5414855153807"),
)

SEED_PRICES = (
    ("LUCY", "GBP", "53.00", "145.00"),
    ("EUROPE", "EUR", "63.00", "0.00"),
    ("EXPORT-WW", "EUR", "68.50", "0.00"),
    ("EXPORT-CN", "EUR", "72.50", "0.00"),
    ("EXPORT-US", "USD", "95.00", "0.00"),
)


def _seed_style(catalog: Catalog) -> StyleRecord:
    fields: dict[str, Any] = {
        "style_id": SEED_STYLE_ID,
        "style_name": "Test Style 1 sleeveless top",
        "style_number": "Test Style 1",
        "style_identifier": "Test Style 1",
        "style_description": "This is a sleeveless top.",
        "made_to_order": True,
        "division": "W.E",
        "division_code": "W.E",
        "style_country_origin": "Italy",
        "fabrication": "50% Wool/ 40% Acrylic/ 10% Alpaca",
        "fabrication_code": None,
        "silhouette": "Slim",
        "silhouette_code": "SLM",
        "measurements": None,
        "source_of_materials": "CN",
        "heel_height": "N/A",
        "contains_fur": False,
        "best_seller": True,
        "minimum": 200,
    }
    season = catalog.add_season("Summer", 2016, "S2016")
    collection = catalog.add_collection(
        name="Summer '16 Basic Women",
        code="S16",
        season_id=season.id,
        date_delivery_start=date(2016, 1, 15),
        date_delivery_end=date(2016, 3, 31),
        date_cancel=None,
    )
    style = StyleRecord(
        style_id=SEED_STYLE_ID,
        fields=fields,
        created=CATALOG_EPOCH - timedelta(days=364, hours=3),
        modified=CATALOG_EPOCH - timedelta(days=200, hours=5, minutes=17),
        categories=[
            {
                "category_parent": "Women's",
                "subcategories": [
                    {
                        "subcategory_parent": "Apparel",
                        "subcategory": [{"subcategory_id": 2, "subcategory_label": "Tops"}],
                    }
                ],
            }
        ],
        materials=["54% POLYAMIDE 32% COTON 14% POLYESTER"],
        deliveries=[
            DeliveryLink(
                collection_id=collection.id,
                style_display_order=25,
                public=False,
                style_comments=None,
                color_exclusions=[{"color_name": "Combo 1", "color_code": "C1"}],
            )
        ],
        colors=[
            {
                "color_name": "Combo 1",
                "color_code": "C1",
                "color_image": None,
                "color_hex": None,
                "minimum": 0,
            },
            {
                "color_name": "Combo 2",
                "color_code": "C2",
                "color_image": None,
                "color_hex": None,
                "minimum": 0,
            },
        ],
        sizes=[
            {"size_name": s, "size_code": s, "size_description": s, "size_multiplier": None}
            for s in ("34", "36", "38", "40", "42", "44")
        ]
        + [{"size_name": "C11", "size_code": "C11", "size_description": "C11", "size_multiplier": 5}],
        badges=[
            {
                "badge_id": -1,
                "badge_name": "Best Seller",
                "badge_upload_id": 5168719,
                "badge_image_path": "jooraccess.com/img/style/best_seller_icon.50x50.png",
            }
        ],
        tags=[
            {
                "tag_id": 15557,
                "tag_group": "Tag1",
                "tag_name": "Style Tag1",
                "tag_value": "Acid",
                "tag_value_code": "ACIDCODE",
            }
        ],
        upcs=[
            {"sku_color_code": c, "sku_size": s, "upc": u, "inventory_available": 0} for c, s, u in SEED_UPCS
        ],
        images=["/img/uploads/accounts/55555/images/Test Style 1-c2bl-ap1-56.jpg"],
        quirk_key="doc",
    )
    for label, currency, wholesale, retail in SEED_PRICES:
        pt = catalog.add_price_type(label, currency)
        style.prices.append(StylePrice(pt.id, Decimal(wholesale), Decimal(retail)))
    return style


# ---------------------------------------------------------------------------------------------
# Generated styles
# ---------------------------------------------------------------------------------------------

COLOR_PALETTE = (
    ("Noir", "001", "#000000"),
    ("Blanc Optique", "002", "#FFFFFF"),
    ("Écru", "003", "#F3EFE0"),
    ("Rouge Bordeaux", "004", "#6D0F1D"),
    ("Bleu Marine", "005", "#1B2A49"),
    ("Camel", "006", "#C19A6B"),
    ("Vert Sauge", "007", "#9CAF88"),
    ("Gris Chiné", "008", "#9E9E9E"),
    ("Rose Poudré", "009", "#E8C4C4"),
    ("Moutarde", "010", "#D4A017"),
    ("墨黑", "011", "#1C1C1C"),
    ("Kaki", "012", "#6B6B3A"),
    ("Terracotta", "013", "#C45A3C"),
    ("Black & White", "014", "#777777"),
    ("Indigo", "015", ""),
)

SIZE_RUNS: dict[str, tuple[str, ...]] = {
    "apparel": ("XS", "S", "M", "L", "XL"),
    "numeric": ("34", "36", "38", "40", "42", "44"),
    "shoes": ("36", "37", "38", "39", "40", "41"),
}

PRODUCTS = {
    "apparel": (
        ("Silk Blouse", "Tops", 2),
        ("Pull Côtelé", "Knitwear", 5),
        ("Robe d'Été", "Dresses", 3),
        ("Linen Shirt", "Tops", 2),
        ("Trench Coat", "Outerwear", 8),
        ("羊毛コート", "Outerwear", 8),
        ("Cardigan Mohair", "Knitwear", 5),
        ("T-shirt Brodé", "Tops", 2),
        ("Pleated Skirt", "Skirts", 4),
    ),
    "numeric": (
        ("Wide-Leg Trousers", "Pants", 6),
        ("Jean Droit", "Denim", 7),
        ("Tailored Blazer", "Jackets", 9),
        ("Jupe Plissée", "Skirts", 4),
    ),
    "shoes": (
        ("Chelsea Boot", "Boots", 11),
        ("Mocassin Cuir", "Flats", 12),
        ("Strappy Sandal", "Sandals", 13),
        ("Sneaker Basse", "Sneakers", 14),
    ),
}

ADJECTIVES = ("Classic", "Oversized", "Cropped", "Éternel", "Fluid", "Soft", "Structured", "Naïve", "Organic")

SEASONS = (
    ("Spring", 2026, "SP26", date(2026, 1, 10), date(2026, 2, 28)),
    ("Summer", 2026, "SU26", date(2026, 3, 15), date(2026, 4, 30)),
    ("Fall", 2026, "FA26", date(2026, 6, 15), date(2026, 7, 31)),
    ("Holiday", 2026, "HO26", date(2026, 9, 1), date(2026, 10, 15)),
    ("Resort", 2027, "RE27", date(2026, 11, 1), date(2026, 12, 20)),
)

PRICE_LABELS = {
    "USD": ("USD-1", "USD-2", "EXPORT-US"),
    "EUR": ("EUR-1", "EUROPE", "EXPORT-WW"),
    "GBP": ("GBP-1", "LUCY"),
}

COUNTRIES = ("Italy", "Portugal", "France", "China", "Türkiye", "India", "Viet Nam", "Perú")
FABRICATIONS = (
    ("100% Cotton", "COT"),
    ("100% Silk", "SLK"),
    ("70% Wool / 30% Cashmere", "WCA"),
    ("Cuir de veau / Calf leather", "LTH"),
    ("55% Linen 45% Viscose", "LIN"),
)
SILHOUETTES = (
    ("Slim", "SLM"),
    ("Relaxed", "RLX"),
    ("A-Line", "ALN"),
    ("Straight", "STR"),
    ("Oversize", "OVR"),
)
DIVISIONS = (("Womenswear", "WW"), ("Menswear", "MW"), ("W.E", "W.E"))
TAG_VALUES = (
    ("Fit", "Style Fit", "True to size", "TTS"),
    ("Fit", "Style Fit", "Runs small", "SMALL"),
    ("Care", "Care", "Dry clean only", "DRY"),
    ("Sustainability", "Eco", "Recycled <50%> & organic", "ECO"),
)
BADGES = (
    (-1, "Best Seller", 5168719, "jooraccess.com/img/style/best_seller_icon.50x50.png"),
    (-2, "New Arrival", 5168720, "jooraccess.com/img/style/new_arrival_icon.50x50.png"),
)
EMOJI = ("✨", "🌿", "🧵")


class _UpcSource:
    """Unique, valid EAN-13 codes; some start with zeros (UPC-A written as EAN-13)."""

    def __init__(self, rng: random.Random, taken: set[str]) -> None:
        self._rng = rng
        self._taken = taken
        self._serial = rng.randrange(10_000, 90_000)

    def next(self) -> str:
        while True:
            self._serial += self._rng.randrange(1, 7)
            prefix = self._rng.choice(("00", "0", "3", "76", "84"))
            body = f"{prefix}{self._serial:010d}"[:12].rjust(12, "0")
            code = body + ean13_check_digit(body)
            if code not in self._taken:
                self._taken.add(code)
                return code


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low, high)) + rng.choice((Decimal("0.00"), Decimal("0.50"), Decimal("0.99")))


def _grid(run: tuple[str, ...], skus: int) -> tuple[int, tuple[str, ...]]:
    """(colours, sizes) whose product is exactly `skus`: the size run cut short, or numbered sizes."""
    for colors in (2, 3, 4, 1, 5, 6):
        if skus % colors == 0 and skus // colors <= len(run):
            return colors, run[: skus // colors]
    colors = next(c for c in (2, 3, 4, 1) if skus % c == 0)
    return colors, tuple(str(n) for n in range(1, skus // colors + 1))


def _generated_style(
    catalog: Catalog,
    rng: random.Random,
    index: int,
    style_id: int,
    upcs: _UpcSource,
    skus_per_style: int | None = None,
) -> StyleRecord:
    kind = rng.choice(("apparel", "apparel", "numeric", "shoes"))
    product, subcategory, _ = rng.choice(PRODUCTS[kind])  # ids: defaults.V4_CATEGORIES
    adjective = rng.choice(ADJECTIVES)
    name = f"{adjective} {product}"
    if index % 23 == 7:
        name += f" {rng.choice(EMOJI)}"
    if index % 17 == 5:
        name = f"{name} & Co <Limited>"
    style_number = f"{rng.choice(('00', '0', '1', '2', 'W'))}{50000 + index * 3 + rng.randrange(3):06d}"
    style_identifier = style_number if rng.random() < 0.5 else f"{style_number}-{rng.choice(('A', 'B', 'K'))}"
    fabrication, fabrication_code = rng.choice(FABRICATIONS)
    silhouette, silhouette_code = rng.choice(SILHOUETTES)
    division, division_code = rng.choice(DIVISIONS)
    parent = "Footwear" if kind == "shoes" else "Apparel"
    fields: dict[str, Any] = {
        "style_id": style_id,
        "style_name": name,
        "style_number": style_number,
        "style_identifier": style_identifier,
        "style_description": f"{name} — {fabrication.lower()}. Fits <true to size> & easy care.",
        "made_to_order": rng.random() < 0.15,
        "division": division,
        "division_code": division_code,
        "style_country_origin": rng.choice(COUNTRIES),
        "fabrication": fabrication,
        "fabrication_code": fabrication_code if rng.random() < 0.7 else None,
        "silhouette": silhouette,
        "silhouette_code": silhouette_code,
        "measurements": f"Length {rng.randrange(50, 110)} cm" if rng.random() < 0.4 else None,
        "source_of_materials": rng.choice(("CN", "IT", "PT", "FR", None)),
        "heel_height": f"{rng.randrange(1, 9)} cm" if kind == "shoes" else "N/A",
        "contains_fur": rng.random() < 0.03,
        "best_seller": rng.random() < 0.2,
        "minimum": rng.choice((0, 6, 12, 24, None)),
    }
    run = SIZE_RUNS[kind]
    if skus_per_style is None:
        colors = rng.sample(COLOR_PALETTE, rng.randrange(2, 5))
    else:
        color_count, run = _grid(run, skus_per_style)
        colors = rng.sample(COLOR_PALETTE, color_count)
    color_rows = []
    for color_name, code, hex_value in colors:
        color_rows.append(
            {
                "color_name": color_name,
                "color_code": code,
                "color_image": f"/img/uploads/accounts/{DEFAULT_ACCOUNT_ID}/swatches/{code}.jpg"
                if rng.random() < 0.3
                else None,
                "color_hex": hex_value or None,
                "minimum": rng.choice((0, 0, 2, 6)),
            }
        )
    size_rows: list[dict[str, Any]] = [
        {
            "size_name": s,
            "size_code": s,
            "size_description": f"EU {s}" if kind == "shoes" else s,
            "size_multiplier": None,
        }
        for s in run
    ]
    casepack = rng.random() < 0.25 and skus_per_style is None
    if casepack:
        multiplier = len(run)
        pack = f"PK{multiplier}"
        size_rows.append(
            {
                "size_name": pack,
                "size_code": pack,
                "size_description": f"Prepack {run[0]}-{run[-1]} ({multiplier} pcs)",
                "size_multiplier": multiplier,
            }
        )
    upc_rows = []
    for color in color_rows:
        for size in size_rows:
            if size["size_multiplier"]:
                continue
            upc_rows.append(
                {
                    "sku_color_code": color["color_code"],
                    "sku_size": size["size_name"],
                    "upc": upcs.next(),
                    "inventory_available": rng.choice((0, 0, rng.randrange(1, 250))),
                }
            )
    created = CATALOG_EPOCH - timedelta(seconds=rng.randrange(3600, 365 * 86400))
    age = int((CATALOG_EPOCH - created).total_seconds())
    modified = created + timedelta(seconds=rng.randrange(0, age)) if rng.random() < 0.7 else created
    department = rng.choice(("Women's", "Men's"))
    style = StyleRecord(
        style_id=style_id,
        fields=fields,
        created=created,
        modified=modified,
        categories=[
            {
                "category_parent": department,
                "subcategories": [
                    {
                        "subcategory_parent": parent,
                        "subcategory": [
                            {
                                "subcategory_id": category_id_for(department, subcategory),
                                "subcategory_label": subcategory,
                            }
                        ],
                    }
                ],
            }
        ],
        materials=[m for m in fabrication.split(" / ")][: rng.randrange(1, 3)],
        colors=color_rows,
        sizes=size_rows,
        badges=[
            dict(zip(("badge_id", "badge_name", "badge_upload_id", "badge_image_path"), b, strict=True))
            for b in rng.sample(BADGES, rng.choice((0, 0, 1, 2)))
        ],
        tags=[
            {
                "tag_id": 15000 + TAG_VALUES.index(t),
                "tag_group": t[0],
                "tag_name": t[1],
                "tag_value": t[2],
                "tag_value_code": t[3],
            }
            for t in rng.sample(TAG_VALUES, rng.choice((0, 1, 2)))
        ],
        upcs=upc_rows,
        images=[
            f"/img/uploads/accounts/{DEFAULT_ACCOUNT_ID}/images/{style_number}-{c['color_code']}-{n}.jpg"
            for c in color_rows[: rng.randrange(0, 3)]
            for n in (1, 2)
        ],
        quirk_key=f"{catalog.seed}:{style_id}",
    )
    currencies = ["USD"] + [c for c in ("EUR", "GBP") if rng.random() < 0.6]
    base = _money(rng, 15, 400)
    factor = {"USD": Decimal("1"), "EUR": Decimal("0.92"), "GBP": Decimal("0.79")}
    for currency in currencies:
        labels = PRICE_LABELS[currency]
        for label in labels[: rng.randrange(1, len(labels) + 1)]:
            pt = catalog.add_price_type(label, currency)
            wholesale = (base * factor[currency]).quantize(Decimal("0.01"))
            if label.startswith("EXPORT"):
                wholesale = (wholesale * Decimal("1.1")).quantize(Decimal("0.01"))
            retail = (
                (wholesale * Decimal("2.2")).quantize(Decimal("1")) if rng.random() < 0.7 else Decimal("0.00")
            )
            style.prices.append(StylePrice(pt.id, wholesale, retail))
    collections = list(catalog.collections.values())[1:]
    for col in rng.sample(collections, rng.randrange(1, 3)):
        excluded = [c for c in color_rows[1:] if rng.random() < 0.15]
        style.deliveries.append(
            DeliveryLink(
                collection_id=col.id,
                style_display_order=rng.randrange(1, 200),
                public=rng.random() < 0.85,
                style_comments="Ships in recycled packaging" if rng.random() < 0.1 else None,
                color_exclusions=[
                    {"color_name": c["color_name"], "color_code": c["color_code"]} for c in excluded
                ],
            )
        )
    return style


def _generated_orders(catalog: Catalog, rng: random.Random, count: int) -> None:
    """Seed orders. Ids: v2 `order_id` = v4 `id` = the order number (as a string in v4); retailer and line
    item ids are numeric strings, as in JOOR's v4 examples. SHIPPED orders exist for v2's `order_type`
    2 and 7 (v4 reads them as APPROVED)."""
    styles = catalog.sorted_styles()
    statuses = ("APPROVED", "APPROVED", "SHIPPED", "PENDING", "NOTES", "CANCELLED", "IN_PROGRESS")
    retailers = (
        Retailer("900001", "Galeries Lafayette", "GL001", "Department Stores", "DEPT"),
        Retailer("900002", "Nordstrom", "NORD-7", "Department Stores", "DEPT"),
        Retailer("900003", "Maison Kitsuné Tokyo", "MKT-03", "Boutiques", "BTQ"),
        Retailer("900004", "Liberty London", "LIB-11", "Department Stores", "DEPT"),
        Retailer("900005", "Boutique <Élan> & Fils", "ELAN-2", "Boutiques", "BTQ"),
    )
    by_type: dict[str, list[StyleRecord]] = {}
    for retailer in retailers:
        catalog.retailers[retailer.id] = retailer
    for n in range(1, count + 1):
        retailer = rng.choice(retailers)
        created = CATALOG_EPOCH - timedelta(seconds=rng.randrange(3600, 120 * 86400))
        order = Order(
            number=n,
            po_number=f"PO-{4000 + n}",
            retailer_id=retailer.id,
            customer_name=retailer.name,
            customer_code=retailer.code,
            customer_group_name=retailer.group_name,
            customer_group_code=retailer.group_code,
            price_type_id="",
            collection_id=None,
            status=rng.choice(statuses),
            created=created,
            modified=created + timedelta(seconds=rng.randrange(0, 86400 * 5)),
            start_ship_date=(created + timedelta(days=30)).date(),
            complete_ship_date=(created + timedelta(days=75)).date(),
        )
        anchor = rng.choice(styles)
        price_type_id = anchor.prices[0].price_type_id
        order.price_type_id = price_type_id
        priced = by_type.setdefault(
            price_type_id,
            [s for s in styles if s.sku_ids and any(p.price_type_id == price_type_id for p in s.prices)],
        )
        for style in rng.sample(priced, min(len(priced), rng.randrange(1, 4))):
            price = next(p for p in style.prices if p.price_type_id == price_type_id)
            if style.deliveries and order.collection_id is None:
                order.collection_id = style.deliveries[0].collection_id
            for combo in rng.sample(list(style.sku_ids), min(len(style.sku_ids), rng.randrange(1, 4))):
                entry = style.upc_entry(*combo)
                order.lines.append(
                    OrderLine(
                        id=order_line_id(catalog.next_line),
                        style_id=style.style_id,
                        sku_id=style.sku_ids[combo],
                        color_code=combo[0],
                        size_name=combo[1],
                        upc=entry.get("upc") if entry else None,
                        quantity=rng.randrange(1, 24),
                        price=price.wholesale or Decimal("0"),
                    )
                )
                catalog.next_line += 1
        if not order.lines:
            continue
        catalog.orders[n] = order
    catalog.next_order = count + 1


def generate_catalog(
    styles: int, seed: int, *, orders: int | None = None, skus_per_style: int | None = None
) -> Catalog:
    """A catalog of `styles` styles (at least 1: the seed example style) and some orders, fully
    determined by `(styles, seed)`. Style ids ascend from the seed style's id with small gaps.
    `skus_per_style` gives every generated style exactly that many colour × size SKUs (benchmarks)."""
    if styles < 1:
        raise ValueError("a catalog has at least the seed example style")
    rng = random.Random(f"joor-sandbox:{seed}")
    catalog = Catalog(seed=seed)
    seed_style = _seed_style(catalog)
    for name, year, code, start, end in SEASONS:
        season = catalog.add_season(name, year, code)
        for drop in (1, 2):
            catalog.add_collection(
                name=f"{name} '{year % 100:02d} — Delivery {drop}",
                code=f"{code}-D{drop}",
                season_id=season.id,
                date_delivery_start=start + timedelta(days=30 * (drop - 1)),
                date_delivery_end=end + timedelta(days=30 * (drop - 1)),
                date_cancel=end + timedelta(days=30 * drop) if drop == 2 else None,
            )
    catalog.styles[seed_style.style_id] = seed_style
    catalog.sync_skus(seed_style)
    taken = {row["upc"] for row in seed_style.upcs}
    upcs = _UpcSource(rng, taken)
    style_id = SEED_STYLE_ID
    for index in range(1, styles):
        style_id += rng.randrange(1, 40)
        style = _generated_style(catalog, rng, index, style_id, upcs, skus_per_style)
        catalog.styles[style_id] = style
        catalog.sync_skus(style)
    catalog.next_style_id = style_id + 1000
    _generated_orders(catalog, rng, orders if orders is not None else max(5, min(60, styles // 2)))
    return catalog
