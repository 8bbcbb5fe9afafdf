"""CSV exports of the merchant's lists: links, conflicts, problems and imported orders.

Each export selects its rows with the same query function and the same filters as its list page, and
names products, fields and values in the page's words (`labels`), so a merchant gets in the file what
the page shows, only all of it. Rows are read in chunks from a database iterator and written out as
they come: an export of 100,000 rows never sits in memory.

The values come from JOOR and Shopify, where anyone with access to a product or an order can type
them. A spreadsheet runs a cell starting with `=`, `+`, `-` or `@` as a formula, so such cells are
written as text (a leading `'`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import islice
from typing import TypeVar

from joorsync.orders.models import ImportedOrder
from joorsync.orders.ui.display import fulfilment_word, shopify_order_admin_url, state_word
from joorsync.orders.ui.queries import OrderFilter, orders_filtered
from joorsync.sync.canonical import parse_variant_path
from joorsync.sync.models import Conflict, ProductLink, ProductProblem
from joorsync.sync.ui import labels
from joorsync.sync.ui.queries import (
    MAX_VARIANT_NAMES,
    ConflictFilter,
    LinkFilter,
    conflicts_filtered,
    links_filtered,
    problems_listed,
    product_names_for_gids,
    variant_names_for,
)
from shopify_app.models import Shop

CONTENT_TYPE = "text/csv; charset=utf-8"
#: Excel reads a CSV file as the machine's legacy code page unless it starts with a UTF-8 BOM.
BOM = "\ufeff"
#: What a spreadsheet takes for the start of a formula (tab and CR too: some strip them first).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Rows read from the database at a time, and rows written into one chunk of the response.
DB_CHUNK = 2000
ROWS_PER_CHUNK = 500
#: Rows named together (colour names, products a message mentions): one lookup each per batch, as
#: the pages do for a page of rows, within what one lookup reads.
NAMES_BATCH = MAX_VARIANT_NAMES

HELD_STATES = (ImportedOrder.State.HELD, ImportedOrder.State.CONFLICT)

Row = tuple[str, ...]
T = TypeVar("T")


@dataclass(frozen=True)
class CsvExport:
    """One export: the list it comes from (for the filename), its header, and its rows, read lazily."""

    name: str
    columns: Row
    rows: Iterable[Row]


def safe_cell(value: str) -> str:
    """The cell as text a spreadsheet will not run as a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def iso_utc(value: datetime | None) -> str:
    """ISO 8601 in UTC to the second (`2026-11-30T09:15:00Z`), the same whatever the reader's zone."""
    if value is None:
        return ""
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def export_filename(*, name: str, shop: Shop, on: date) -> str:
    """`joorsync-<list>-<shop handle>-<date>.csv`: several shops' exports stay apart in one folder."""
    handle = re.sub(r"[^a-z0-9-]+", "-", shop.shop_domain.split(".", 1)[0].lower()).strip("-") or "shop"
    return f"joorsync-{name}-{handle}-{on.isoformat()}.csv"


def csv_chunks(export: CsvExport) -> Iterator[str]:
    """The file as text chunks: the BOM and the header first, then a chunk every `ROWS_PER_CHUNK` rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(export.columns)
    pending = 0
    for row in export.rows:
        writer.writerow([safe_cell(value) for value in row])
        pending += 1
        if pending >= ROWS_PER_CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue()


def _batches(items: Iterator[T], size: int) -> Iterator[list[T]]:
    """Rows a batch at a time, so names are looked up once per batch rather than once per row."""
    while batch := list(islice(items, size)):
        yield batch


# -- links --------------------------------------------------------------------------------------

LINK_COLUMNS: Row = (
    "Status",
    "Shopify product",
    "Shopify admin link",
    "JOOR style number",
    "JOOR style name",
    "Linked by",
    "Last synced",
    "Why not linked",
)


def links_export(*, shop: Shop, filters: LinkFilter) -> CsvExport:
    """Every row of `/links` under the same filters, newest first as the list shows them."""
    links = links_filtered(shop=shop, status=filters.status, search=filters.search, link_id=filters.link_id)

    def rows() -> Iterator[Row]:
        link: ProductLink
        for link in links.iterator(chunk_size=DB_CHUNK):
            number = labels.numeric_id(link.shopify_product_id)
            yield (
                link.get_status_display(),
                link.shopify_title or (f"Shopify product {number}" if number else ""),
                labels.shopify_product_admin_url(
                    shop_domain=shop.shop_domain, shopify_product_id=link.shopify_product_id
                ),
                link.style_number,
                link.joor_name,
                link.get_method_display(),
                iso_utc(link.last_synced_at),
                labels.link_reason(link),
            )

    return CsvExport(name="links", columns=LINK_COLUMNS, rows=rows())


# -- conflicts ----------------------------------------------------------------------------------

CONFLICT_COLUMNS: Row = (
    "Product",
    "Style number",
    "Field",
    "Shopify value",
    "JOOR value",
    "Last synced value",
    "Status",
    "Opened at",
    "Resolution",
    "Resolved by",
    "Resolved at",
)


def _conflict_rows(conflicts: list[Conflict]) -> Iterator[Row]:
    """A batch of conflicts in the page's words (one query for the variants' colour names)."""
    wanted = []
    for conflict in conflicts:
        parsed = parse_variant_path(conflict.field_path)
        if parsed is not None:
            wanted.append((conflict.link_id, parsed[0]))
    names = variant_names_for(wanted=wanted)
    for conflict in conflicts:
        path = conflict.field_path
        yield (
            labels.product_name(conflict.link),
            conflict.link.style_number,
            labels.field_label(path, names.get(conflict.link_id)),
            labels.value_text(path, conflict.shopify_value),
            labels.value_text(path, conflict.joor_value),
            labels.value_text(path, conflict.base_value),
            conflict.get_status_display(),
            iso_utc(conflict.created_at),
            conflict.get_resolution_display(),
            labels.person_label(conflict.resolved_by) if conflict.resolved_by else "",
            iso_utc(conflict.resolved_at),
        )


def conflicts_export(*, shop: Shop, filters: ConflictFilter) -> CsvExport:
    """Every conflict `/conflicts` lists under the same filters (open ones, or the resolved history)."""
    conflicts = conflicts_filtered(shop=shop, filters=filters).defer("link__snapshot")

    def rows() -> Iterator[Row]:
        for batch in _batches(conflicts.iterator(chunk_size=DB_CHUNK), NAMES_BATCH):
            yield from _conflict_rows(batch)

    return CsvExport(name="conflicts", columns=CONFLICT_COLUMNS, rows=rows())


# -- problems -----------------------------------------------------------------------------------

PROBLEM_COLUMNS: Row = ("Product", "Style number", "Side", "What went wrong", "Field", "Since", "Status")


def _problem_rows(problems: list[ProductProblem], *, shop: Shop) -> Iterator[Row]:
    """A batch of problems in the page's words (one query for colour names, one for the products
    the messages mention)."""
    wanted = [
        (p.link_id, key)
        for p in problems
        if p.link_id is not None
        for key in labels.variant_keys_in(p.field_path, p.message)
    ]
    names = variant_names_for(wanted=wanted)
    products = product_names_for_gids(shop=shop, gids=labels.shopify_gids_in(*(p.message for p in problems)))
    for problem in problems:
        mine = names.get(problem.link_id or 0)
        product = labels.product_ref_for_subject(
            problem.subject, title=problem.title, link=problem.link, shop_domain=shop.shop_domain
        )
        yield (
            product.name,
            product.style_number,
            labels.side_label(problem.side) if problem.side else "",
            labels.humanize_text(problem.message, names=mine, products=products),
            labels.field_label(problem.field_path, mine) if problem.field_path else "",
            iso_utc(problem.created_at),
            problem.get_status_display(),
        )


def problems_export(*, shop: Shop) -> CsvExport:
    """Every open problem `/problems` lists, oldest first."""
    problems = problems_listed(shop=shop)

    def rows() -> Iterator[Row]:
        for batch in _batches(problems.iterator(chunk_size=DB_CHUNK), NAMES_BATCH):
            yield from _problem_rows(batch, shop=shop)

    return CsvExport(name="problems", columns=PROBLEM_COLUMNS, rows=rows())


# -- orders -------------------------------------------------------------------------------------

ORDER_COLUMNS: Row = (
    "JOOR order",
    "PO number",
    "Retailer",
    "Units",
    "Total",
    "Currency",
    "State",
    "Why held",
    "Shopify order",
    "Shopify admin link",
    "Fulfilment",
    "To do in JOOR",
    "Imported at",
)


def orders_export(*, shop: Shop, filters: OrderFilter) -> CsvExport:
    """Every order `/orders` lists under the same state tab and search, newest first."""
    orders = orders_filtered(shop=shop, tab=filters.tab, query=filters.query)

    def rows() -> Iterator[Row]:
        order: ImportedOrder
        for order in orders.iterator(chunk_size=DB_CHUNK):
            yield (
                order.joor_order_id,
                order.po_number,
                order.retailer_name or order.retailer_code,
                str(order.units),
                f"{order.total:.2f}" if order.total is not None else "",
                order.currency,
                state_word(order.state),
                order.hold_message if order.state in HELD_STATES else "",
                order.shopify_order_name,
                shopify_order_admin_url(
                    shop_domain=shop.shop_domain, shopify_order_id=order.shopify_order_id
                ),
                fulfilment_word(order),
                order.status_note,
                iso_utc(order.imported_at),
            )

    return CsvExport(name="orders", columns=ORDER_COLUMNS, rows=rows())
