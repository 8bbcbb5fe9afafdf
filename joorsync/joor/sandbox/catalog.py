"""Deterministic catalog generator: the same `(styles, seed)` always yields the same catalog.

The first style is always the example style of JOOR's v2 style documentation ("Test Style 1",
style_id 1252163) with every value of the document's XML example; the others are varied apparel,
footwear and knitwear styles with unicode names, several colors, size runs with casepacks,
multi-currency prices, unique valid EAN-13 UPCs (some with leading zeros), deliveries, tags, badges.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .defaults import CATALOG_EPOCH, DEFAULT_ACCOUNT_ID, SEED_STYLE_ID, category_id_for
from .model import (
    Address,
    Catalog,
    DeliveryLink,
    Order,
    OrderLine,
    Retailer,
    StylePrice,
    StyleRecord,
    order_line_id,
)
from .views import sku_price


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


#: Stock of the seed style per SKU and warehouse (two of the account's warehouses).
SEED_STOCK = (
    ("C2", "36", {"New York Warehouse": 12, "Los Angeles Warehouse": 5}),
    ("C2", "38", {"New York Warehouse": 8, "Los Angeles Warehouse": 0}),
    ("C2", "40", {"Los Angeles Warehouse": 3}),
)
#: SKU-level prices of the seed style (color, size, price label, currency, wholesale, retail): its
#: largest sizes cost more in two price types of two currencies than the style-level price.
SEED_SKU_PRICES = (
    ("C1", "44", "LUCY", "GBP", "58.00", "155.00"),
    ("C2", "44", "LUCY", "GBP", "58.00", "155.00"),
    ("C2", "44", "EXPORT-US", "USD", "104.00", "0.00"),
)


def _catalog_extras_for_seed_style(catalog: Catalog, style: StyleRecord) -> None:
    """What the document's example does not show but a synced catalog has: more images in display
    order, a color image for each color and a swatch for one, a second delivery (linesheet), stock in
    two warehouses and SKU-level prices. Added after the generated styles so that their ids and
    choices do not move."""
    base = f"/img/uploads/accounts/{DEFAULT_ACCOUNT_ID}/images"
    style.images += [f"{base}/Test Style 1-back-5e0c2a.jpg", f"{base}/Test Style 1-detail-9b41d7.jpg"]
    for color in style.colors:
        color["v4_images"] = [f"{base}/Test Style 1-{color['color_code']}-7d2e90.jpg"]
    style.colors[1]["color_image"] = f"{base}/Test Style 1-C2-swatch-c3a519.jpg"
    season = catalog.add_season("Fall", 2016, "F2016")
    fall = catalog.add_collection(
        name="Fall '16 Women",
        code="F16",
        season_id=season.id,
        date_delivery_start=date(2016, 6, 15),
        date_delivery_end=date(2016, 8, 31),
        date_cancel=date(2016, 9, 15),
        minimum_shipping_window=14,
    )
    style.deliveries.append(
        DeliveryLink(collection_id=fall.id, style_display_order=3, public=True, style_comments="Carry-over")
    )
    for color_code, size, stock in SEED_STOCK:
        row = style.upc_entry(color_code, size)
        assert row is not None
        row["stock"] = dict(stock)
        row["inventory_available"] = sum(stock.values())
    for color_code, size, label, currency, wholesale, retail in SEED_SKU_PRICES:
        pt = catalog.price_type_for(currency, label)
        assert pt is not None
        sku_id = style.sku_ids[(color_code, size)]
        style.sku_prices[(sku_id, pt.id)] = StylePrice(pt.id, Decimal(wholesale), Decimal(retail))


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


# ---------------------------------------------------------------------------------------------
# Retailers and orders
# ---------------------------------------------------------------------------------------------

#: The brand's sales representatives: code → (name, e-mail).
SALES_REPS = {
    "SR-CD": ("Claire Dubois", "claire.dubois@brand.example"),
    "SR-MR": ("Marcus Reed", "marcus.reed@brand.example"),
}


def _address(row: str) -> Address:
    """An Address from its fields in document order (code … phone), " | "-separated; "" is empty."""
    return Address(*(value.strip() or None for value in row.split("|")))


def _retailer(
    ids: str, contact: str, billing: str, shipping: str, terms: str, rep: str, tax: str
) -> Retailer:
    """A seed retailer from " | "-separated rows: ids (id, name, code, group, group code); contact
    (name, e-mail, phone, buyer); addresses; terms (payment method name, code, terms, shipping method
    name, code); rep (sales rep code, warehouse code); tax (tax id label, rate)."""
    retailer_id, name, code, group_name, group_code = (value.strip() for value in ids.split("|"))
    person = [value.strip() for value in contact.split("|")]
    pay = [value.strip() for value in terms.split("|")]
    rep_code, warehouse = (value.strip() for value in rep.split("|"))
    tax_label, tax_rate = (value.strip() or None for value in tax.split("|"))
    rep_name, rep_email = SALES_REPS[rep_code]
    return Retailer(
        retailer_id,
        name,
        code,
        group_name,
        group_code,
        customer_contact_name=person[0],
        customer_contact_email=person[1],
        customer_contact_phone=person[2],
        customer_buyer_name=person[3],
        billing_address=_address(billing),
        shipping_address=_address(shipping),
        payment_method_name=pay[0],
        payment_method_code=pay[1],
        payment_terms=pay[2],
        shipping_method_name=pay[3],
        shipping_method_code=pay[4],
        sales_representative=rep_name,
        sales_representative_code=rep_code,
        sales_representative_email=rep_email,
        warehouse_code=warehouse,
        tax_id_label=tax_label,
        tax_rate=Decimal(tax_rate) if tax_rate else None,
    )


def seed_retailers() -> list[Retailer]:
    """The brand's connections: department stores and boutiques in France, the US, the UK and Japan.
    Phone numbers are in ranges reserved for fiction, e-mail domains under the reserved `.example`.
    Only the New York boutique is taxed (no resale certificate on file: New York City's 8.875 % sales
    tax); the others buy for resale or from abroad (tax_rate null)."""
    return [
        _retailer(
            "900001 | Galeries Lafayette | GL001 | Department Stores | DEPT",
            "Camille Martin | camille.martin@galerieslafayette.example | +33 1 99 00 12 34 | Élodie Bernard",
            "GL001-B | Galeries Lafayette Haussmann | Comptabilité fournisseurs | 40 Boulevard Haussmann |"
            " | Paris | Île-de-France | 75009 | France | FR | +33 1 99 00 12 00",
            "GL001-S | Galeries Lafayette — Plateforme logistique | Quai de réception 4 | 3 Avenue du Fief"
            " | ZA des Petits Carreaux | Bonneuil-sur-Marne | Île-de-France | 94380 | France | FR"
            " | +33 1 99 00 12 50",
            "Wire Transfer | WIRE | Net 60 | DHL Express Worldwide | DHLX",
            "SR-CD | NY",
            "TVA FR 00 552 000 000 |",
        ),
        _retailer(
            "900002 | Nordstrom | NORD-7 | Department Stores | DEPT",
            "Jordan Ellis | jordan.ellis@nordstrom.example | +1 206-555-0142 | Priya Raman",
            "NORD-7-B | Nordstrom, Inc. | Accounts Payable | 1617 Sixth Avenue | Suite 500 | Seattle | WA"
            " | 98101 | United States | US | +1 206-555-0100",
            "NORD-7-S | Nordstrom Distribution Center | Receiving | 2500 Distribution Way | | Ontario | CA"
            " | 91761 | United States | US | +1 909-555-0175",
            "Net Terms | NET | Net 60 | UPS Ground | UPSG",
            "SR-MR | LA",
            "Resale certificate WA-604-000-000 |",
        ),
        _retailer(
            "900003 | Maison Kitsuné Tokyo | MKT-03 | Boutiques | BTQ",
            "Haruka Sato | h.sato@maisonkitsune-tokyo.example | +81 3-5555-0123 | Kenji Watanabe",
            "MKT-03-B | Maison Kitsuné Aoyama | Haruka Sato | 3-15-13 Minami-Aoyama | 1F | Minato-ku, Tokyo"
            " | Tokyo | 107-0062 | Japan | JP | +81 3-5555-0123",
            "MKT-03-S | Maison Kitsuné Aoyama | Store receiving | 3-15-13 Minami-Aoyama | 1F"
            " | Minato-ku, Tokyo | Tokyo | 107-0062 | Japan | JP | +81 3-5555-0124",
            "Credit Card | CC | Due on receipt | FedEx International Priority | FXIP",
            "SR-MR | LA",
            " |",
        ),
        _retailer(
            "900004 | Liberty London | LIB-11 | Department Stores | DEPT",
            "Oliver Hughes | oliver.hughes@libertylondon.example | +44 20 7946 0321 | Amelia Clarke",
            "LIB-11-B | Liberty Ltd | Accounts Payable | Regent Street | | London | | W1B 5AH"
            " | United Kingdom | GB | +44 20 7946 0300",
            "LIB-11-S | Liberty Ltd — Goods In | Goods In | Unit 4, Bath Road Trading Estate | | Hounslow"
            " | Middlesex | TW6 2AA | United Kingdom | GB | +44 20 7946 0388",
            "Wire Transfer | WIRE | Net 30 | DHL Express Worldwide | DHLX",
            "SR-CD | NY",
            "VAT GB 000 0000 00 |",
        ),
        _retailer(
            "900005 | Boutique <Élan> & Fils | ELAN-2 | Boutiques | BTQ",
            "Léa Rousseau | lea@elan-et-fils.example | +33 4 65 71 23 45 | Hugo Lefèvre",
            "ELAN-2-B | Élan & Fils SARL | Léa Rousseau | 18 Rue Auguste Comte | | Lyon"
            " | Auvergne-Rhône-Alpes | 69002 | France | FR | +33 4 65 71 23 45",
            "ELAN-2-S | Boutique <Élan> & Fils | Léa Rousseau | 18 Rue Auguste Comte"
            " | Cour intérieure, porte B | Lyon | Auvergne-Rhône-Alpes | 69002 | France | FR"
            " | +33 4 65 71 23 46",
            "Credit Card | CC | 50% deposit, balance Net 30 | DHL Express Worldwide | DHLX",
            "SR-CD | NY",
            "TVA FR 00 830 000 000 |",
        ),
        _retailer(
            "900006 | Bleecker & Bond | BB-NY | Boutiques | BTQ",
            "Sofia Alvarez | sofia@bleeckerandbond.example | +1 212-555-0187 | Sofia Alvarez",
            "BB-NY-B | Bleecker & Bond LLC | Sofia Alvarez | 350 Bleecker Street | Suite 2R | New York"
            " | NY | 10014 | United States | US | +1 212-555-0187",
            "BB-NY-S | Bleecker & Bond | Store manager | 352 Bleecker Street | | New York | NY | 10014"
            " | United States | US | +1 212-555-0188",
            "Credit Card | CC | Due on receipt | UPS Ground | UPSG",
            "SR-MR | NY",
            " | 8.875",
        ),
    ]


#: The price types a retailer's orders use, by its billing country (the first the catalog has).
ORDER_PRICE_LABELS = {
    "US": ("USD-1", "EXPORT-US"),
    "GB": ("GBP-1", "LUCY"),
    "FR": ("EUR-1", "EUROPE"),
    "JP": ("EXPORT-US", "USD-1"),
}
ORDER_COMMENTS = (
    None,
    None,
    None,
    "Please ship complete.",
    "Hangers required; no poly bags.",
    "Deliver Mon–Fri 8am–2pm, loading dock B.",
    "Livraison avant le 15 — merci !",
    "Split shipment OK if a style is more than two weeks late.",
)
#: Shipping cost range (whole currency units) by shipping method code.
SHIPPING_COSTS = {"UPSG": (18, 60), "DHLX": (95, 240), "FXIP": (120, 260)}


def _status_plan(rng: random.Random, count: int) -> list[str]:
    """Statuses by order number (numbers follow the placing date): mostly APPROVED; the oldest
    SHIPPED (from 3 orders); the newest sixth PENDING; from 12 orders one IN_PROGRESS and one NOTES
    among the newest and one CANCELLED."""
    plan = ["APPROVED"] * count
    if count >= 3:
        plan[0] = "SHIPPED"
    pending = count // 6 if count >= 6 else int(count >= 2)
    for i in range(pending):
        plan[count - 1 - i] = "PENDING"
    if count >= 12:
        plan[count - 1 - pending] = "IN_PROGRESS"
        plan[count - 2 - pending] = "NOTES"
        plan[rng.randrange(1, count - 2 - pending)] = "CANCELLED"
    return plan


def _order_collection(catalog: Catalog, linked: list[str], placed: date) -> str | None:
    """The collection (delivery) an order is for: of the collections its styles are in, the first to
    start shipping after the order was placed, else the latest."""

    def start(collection_id: str) -> date:
        return catalog.collections[collection_id].date_delivery_start or date.min

    ahead = [c for c in linked if start(c) >= placed]
    if ahead:
        return min(ahead, key=start)
    return max(linked, key=start) if linked else None


def _generated_orders(catalog: Catalog, rng: random.Random, count: int) -> None:
    """Seed orders, every one a whole wholesale order: lines on SKUs with a UPC, priced in the price
    type of the retailer's country, some with a 10 % line discount; the retailer's contact, addresses,
    payment, shipping, sales rep, warehouse and tax; the collection's dates and codes; an order
    discount now and then, a shipping cost by method. Ids: v2 `order_id` = v4 `id` = the order number
    (a string in v4); line item ids are numeric strings, as in JOOR's v4 examples."""
    styles = catalog.sorted_styles()
    retailers = list(catalog.retailers.values())
    if not retailers or count < 1:
        catalog.next_order = max(catalog.next_order, count + 1)
        return
    sellable: dict[str, list[tuple[StyleRecord, list[tuple[str, str]]]]] = {}

    def with_upcs(price_type_id: str) -> list[tuple[StyleRecord, list[tuple[str, str]]]]:
        if price_type_id not in sellable:
            rows = []
            for style in styles:
                if not any(p.price_type_id == price_type_id for p in style.prices):
                    continue
                combos = [c for c in style.sku_ids if (style.upc_entry(*c) or {}).get("upc")]
                if combos:
                    rows.append((style, combos))
            sellable[price_type_id] = rows
        return sellable[price_type_id]

    created_times = sorted(
        CATALOG_EPOCH - timedelta(seconds=rng.randrange(3600, 120 * 86400)) for _ in range(count)
    )
    for n, (created, status) in enumerate(zip(created_times, _status_plan(rng, count), strict=True), start=1):
        retailer = rng.choice(retailers)
        country = retailer.billing_address.country_code if retailer.billing_address else None
        labels = ORDER_PRICE_LABELS.get(country or "", ())
        price_type_id = next(
            (
                pt.id
                for label in labels
                for pt in catalog.price_types.values()
                if pt.name == label and with_upcs(pt.id)
            ),
            None,
        )
        if price_type_id is None:
            anchor = rng.choice([s for s in styles if s.prices])
            price_type_id = anchor.prices[0].price_type_id
        candidates = with_upcs(price_type_id)
        picked = rng.sample(candidates, min(len(candidates), rng.randrange(1, 4)))
        collection_id = _order_collection(
            catalog, [d.collection_id for s, _ in picked for d in s.deliveries], created.date()
        )
        values = catalog.order_defaults(retailer, collection_id)
        if values["start_ship_date"] is None:
            values["start_ship_date"] = (created + timedelta(days=30)).date()
            values["complete_ship_date"] = (created + timedelta(days=75)).date()
            values["cancel_date"] = (created + timedelta(days=89)).date()
        later = timedelta(days=rng.randrange(10, 30)) if status == "SHIPPED" else timedelta(0)
        order = Order(
            number=n,
            po_number=f"PO-{4000 + n}",
            retailer_id=retailer.id,
            price_type_id=price_type_id,
            collection_id=collection_id,
            status=status,
            created=created,
            modified=min(CATALOG_EPOCH, created + later + timedelta(seconds=rng.randrange(0, 86400 * 5))),
            comments=rng.choice(ORDER_COMMENTS),
            **values,
        )
        for style, combos in picked:
            for combo in rng.sample(combos, min(len(combos), rng.randrange(2, 6))):
                sku_id = style.sku_ids[combo]
                row = sku_price(style, sku_id, price_type_id)
                wholesale = row.wholesale if row and row.wholesale is not None else Decimal("0.00")
                price = wholesale
                if rng.random() < 0.12:
                    price = (wholesale * Decimal("0.9")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                entry = style.upc_entry(*combo)
                order.lines.append(
                    OrderLine(
                        id=order_line_id(catalog.next_line),
                        style_id=style.style_id,
                        sku_id=sku_id,
                        color_code=combo[0],
                        size_name=combo[1],
                        upc=entry.get("upc") if entry else None,
                        quantity=rng.choice((2, 3, 4, 6, 6, 8, 12, 12, 24)),
                        price=price,
                        wholesale=wholesale,
                        retail=row.retail if row else None,
                    )
                )
                catalog.next_line += 1
        subtotal = sum((line.price * line.quantity for line in order.lines), Decimal("0.00"))
        if rng.random() < 0.15:
            order.order_discount = (subtotal * Decimal("0.05")).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
        low_high = SHIPPING_COSTS.get(order.shipping_method_code or "")
        if low_high is not None:
            order.shipping_cost = Decimal(rng.randrange(*low_high)) + Decimal("0.50") * rng.randrange(2)
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
    _catalog_extras_for_seed_style(catalog, seed_style)
    catalog.next_style_id = style_id + 1000
    for retailer in seed_retailers():
        catalog.retailers[retailer.id] = retailer
    _generated_orders(catalog, rng, orders if orders is not None else max(5, min(60, styles // 2)))
    return catalog
