"""The price-list pass in words: a list's name and history paths, the job log's summary, short lists of
variants."""

from __future__ import annotations

from joorsync.pricing.models import PriceTypeRoute
from joorsync.pricing.price_list_records import Counts


def list_name(route: PriceTypeRoute) -> str:
    """The name the app gives (and finds) its price list by."""
    return f"JOOR {route.label} ({route.currency})"


def path_key(route: PriceTypeRoute) -> str:
    """`USD-1` for label 1 in USD; a label that already names its currency stays as it is."""
    return (
        route.label if route.label.upper().startswith(route.currency) else f"{route.currency}-{route.label}"
    )


def price_path(route: PriceTypeRoute, key: str) -> str:
    return f"price_list[{path_key(route)}].variants[{key}]"


def summary_text(c: Counts, *, preview: bool) -> str:
    """The pass in plain words for the job's log, e.g. “Price lists: 2 made, 6434 fixed prices set,
    none deleted. 191 products have variants without a JOOR price of the list's price type (listed
    under Problems).” Products are counted, each once however many of its variants lack a price."""
    would = "would be " if preview else ""
    made = f"{c.lists_created or 'none'} {would}made"
    if c.lists_missing:
        made += (
            f" ({_count(c.lists_missing, 'list', 'lists')} deleted in Shopify, found by name or made again)"
        )
    prices = _count(c.prices_set, "fixed price", "fixed prices")
    head = f"{made}, {prices} {would}set, {c.prices_deleted or 'none'} {would}deleted"
    if c.catalogs_moved:
        head += (
            f"; {_count(c.catalogs_moved, 'catalog', 'catalogs')} {would}moved to the market or company "
            "locations chosen in the price settings"
        )
    parts = [("Price lists (dry run, nothing written): " if preview else "Price lists: ") + head + "."]
    listed = "a real run lists them under Problems" if preview else "listed under Problems"
    if c.products_missing:
        parts.append(
            _count(c.products_missing, "product has", "products have")
            + f" variants without a JOOR price of the list's price type ({listed})."
        )
    if c.products_refused:
        parts.append(
            f"Shopify refused prices of {_count(c.products_refused, 'product', 'products')} (listed under Problems)."
        )
    return " ".join(parts)


def _count(number: int, one: str, many: str) -> str:
    """“1 product”, “191 products”, “no products”."""
    return f"{number or 'no'} {one if number == 1 else many}"


def labels_listed(labels: list[str], limit: int = 12) -> str:
    """“Gris Chiné / 36, Gris Chiné / 37 and 4 more”."""
    return ", ".join(labels[:limit]) + (f" and {len(labels) - limit} more" if len(labels) > limit else "")
