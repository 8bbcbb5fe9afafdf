"""Parse benchmark: how fast, and in how little memory, v2 style pages become normalized records.

Pages are generated lazily and deterministically (modelled on the style in JOOR's documentation:
12 UPCs, 5 prices, 2 colours, 6–7 sizes, a delivery, categories, tags, a badge) and rendered to wire
bytes one at a time, so the benchmark's own memory does not grow with the number of styles. The timed
pass measures `parse_styles_page` + `style_to_dict` only; a second, untimed pass runs under
`tracemalloc` to find the peak memory of parsing one page (tracing would distort the timing).
"""

from __future__ import annotations

import random
import resource
import sys
import time
import tracemalloc
from collections.abc import Iterator
from typing import Any

from joorsync.joor.records import style_to_dict
from joorsync.joor.wire import parse_styles_page
from joorsync.joor.wire_render import render_styles_json, render_styles_xml

_FORMATS = ("json", "xml")
_COLORS = (("Combo 1", "C1"), ("Combo 2", "C2"), ("Black", "001"), ("Navy", "014"), ("Ivory", "102"))
_SIZE_RUNS = (("34", "36", "38", "40", "42", "44", "C11"), ("XS", "S", "M", "L", "XL", "XXL"))
_PRICE_LISTS = (
    ("LUCY", "GBP", 1.0, 2.7),
    ("EUROPE", "EUR", 1.2, 0.0),
    ("EXPORT-WW", "EUR", 1.3, 0.0),
    ("EXPORT-CN", "EUR", 1.37, 0.0),
    ("EXPORT-US", "USD", 1.8, 0.0),
)


def make_style(index: int, *, seed: int = 0) -> dict[str, Any]:
    """One realistic style dict in v2 field names, spelled as JOOR's JSON spells it (ids and flags as
    text, prices as numbers). Deterministic in (index, seed)."""
    rng = random.Random(seed * 1_000_003 + index)
    style_id = 1_000_000 + index
    number = f"{index:09d}"
    colors = rng.sample(_COLORS, 2)
    sizes = _SIZE_RUNS[index % 2]
    base = rng.randint(2000, 9000) / 100
    upcs = [
        {
            "sku_color_code": code,
            "sku_size": size,
            "upc": str(5_414_855_000_000 + index * 20 + n),
            "inventory_available": str(rng.randint(0, 40)),
        }
        for n, ((_name, code), size) in enumerate((c, s) for c in colors for s in sizes[:6])
    ]
    return {
        "style_id": str(style_id),
        "style_name": f"Style {index} sleeveless top",
        "style_number": number,
        "style_identifier": number,
        "style_description": "A sleeveless top in a wool blend, cut slim, with a ribbed hem & neckline.",
        "made_to_order": rng.choice(("True", "False")),
        "division": "W.E",
        "division_code": "W.E",
        "style_country_origin": "Italy",
        "measurements": "",
        "fabrication": "50% Wool/ 40% Acrylic/ 10% Alpaca",
        "fabrication_code": "",
        "silhouette": "Slim",
        "silhouette_code": "SLM",
        "source_of_materials": "CN",
        "heel_height": "N/A",
        "contains_fur": "False",
        "best_seller": rng.choice(("True", "False")),
        "minimum": str(rng.choice((0, 50, 200))),
        "categories": [
            {
                "category_parent": "Women's",
                "subcategories": [
                    {
                        "subcategory_parent": "Apparel",
                        "subcategory": [{"subcategory_id": "2", "subcategory_label": "Tops"}],
                    },
                ],
            }
        ],
        "materials": ["54% POLYAMIDE 32% COTON 14% POLYESTER"],
        "prices": [
            {
                "price_label": label,
                "price_currency": currency,
                "price_wholesale": round(base * factor, 2),
                "price_retail": round(base * retail, 2),
                "price_currency_retail": currency,
            }
            for label, currency, factor, retail in _PRICE_LISTS
        ],
        "deliveries": [
            {
                "delivery_name": "Summer '16 Basic Women",
                "delivery_code": "S16",
                "style_display_order": index % 200,
                "season_name": "Summer",
                "season_year": "2016",
                "season_code": "S2016",
                "date_cancel": "",
                "date_delivery_start": "2016-01-15",
                "date_delivery_end": "2016-03-31",
                "public": "0",
                "style_comments": "",
                "color_exclusions": [{"color_name": colors[0][0], "color_code": colors[0][1]}],
            }
        ],
        "colors": [
            {"color_name": name, "color_code": code, "color_image": "", "color_hex": "", "minimum": "0"}
            for name, code in colors
        ],
        "sizes": [
            {
                "size_name": s,
                "size_code": s,
                "size_description": s,
                "size_multiplier": "5" if s == "C11" else "",
            }
            for s in sizes
        ],
        "badges": [
            {
                "badge_id": "-1",
                "badge_name": "Best Seller",
                "badge_upload_id": "5168719",
                "badge_image_path": "https://cdn.jooraccess.com/img/style/best_seller_icon.50x50.png",
            }
        ],
        "tags": [
            {
                "tag_id": 15557,
                "tag_group": "Tag1",
                "tag_name": "Style Tag1",
                "tag_value": "Acid",
                "tag_value_code": "ACIDCODE",
            },
            {
                "tag_id": 15558,
                "tag_group": "Tag2",
                "tag_name": "Fit",
                "tag_value": "Slim",
                "tag_value_code": "SLIM",
            },
        ],
        "upcs": upcs,
        "images": [f"/img/uploads/accounts/55555/images/{number}-c2bl-ap1-{n}.jpg" for n in range(2)],
    }


def iter_pages(*, styles: int, fmt: str, page_size: int, seed: int = 0) -> Iterator[tuple[int, bytes]]:
    """(number of styles, wire bytes) per page, generated one page at a time."""
    render = render_styles_json if fmt == "json" else render_styles_xml
    for start in range(0, styles, page_size):
        stop = min(start + page_size, styles)
        envelope: dict[str, Any] = {
            "code": "0",
            "comment": "",
            "log_id": f"bench-{start}",
            "start_from": start,
            "count": stop - start,
        }
        if stop < styles:
            envelope["next_start"] = stop
        yield stop - start, render((make_style(i, seed=seed) for i in range(start, stop)), envelope=envelope)


def _parse_page(body: bytes, fmt: str) -> tuple[int, int]:
    page = parse_styles_page(body, fmt=fmt)  # type: ignore[arg-type]
    for style in page.styles:
        style_to_dict(style)
    return len(page.styles), len(page.problems)


def _max_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def run_parse_bench(*, styles: int, fmt: str, page_size: int = 500, seed: int = 0) -> dict[str, Any]:
    """Parse `styles` generated styles in pages of `page_size`; return throughput and peak memory.

    Keys: styles, format, pages, page_size, parsed, problems, seconds, styles_per_s, peak_mb (tracemalloc
    peak while parsing, page bytes and generator state included), page_mb (largest page body), ru_maxrss_mb.
    """
    if fmt not in _FORMATS:
        raise ValueError(f"fmt must be one of {_FORMATS}, got {fmt!r}")
    if styles < 1 or page_size < 1:
        raise ValueError("styles and page_size must be positive")

    seconds = 0.0
    parsed = problems = pages = 0
    largest_page = 0
    for _count, body in iter_pages(styles=styles, fmt=fmt, page_size=page_size, seed=seed):
        largest_page = max(largest_page, len(body))
        started = time.perf_counter()
        ok, bad = _parse_page(body, fmt)
        seconds += time.perf_counter() - started
        parsed += ok
        problems += bad
        pages += 1
        del body

    # Peak traced memory since tracing began, sampled per page: it includes the page being parsed and
    # anything a previous page left behind, so a leak across pages shows up as growth.
    peak = 0
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    start_level = tracemalloc.get_traced_memory()[0]
    try:
        for _count, body in iter_pages(styles=styles, fmt=fmt, page_size=page_size, seed=seed):
            tracemalloc.reset_peak()
            _parse_page(body, fmt)
            peak = max(peak, tracemalloc.get_traced_memory()[1] - start_level)
            del body
    finally:
        if not was_tracing:
            tracemalloc.stop()

    return {
        "styles": styles,
        "format": fmt,
        "pages": pages,
        "page_size": page_size,
        "parsed": parsed,
        "problems": problems,
        "seconds": round(seconds, 4),
        "styles_per_s": round(parsed / seconds, 1) if seconds > 0 else None,
        "peak_mb": round(peak / (1024 * 1024), 2),
        "page_mb": round(largest_page / (1024 * 1024), 2),
        "ru_maxrss_mb": round(_max_rss_mb(), 1),
    }
