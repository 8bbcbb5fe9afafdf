"""CSV export of `/orders`: each order in plain words, the list's state tab and search, one shop only,
formulas neutralised, a UTF-8 file Excel opens, streamed however long."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.http import StreamingHttpResponse
from django.test import Client

from joorsync.orders.models import ImportedOrder
from joorsync.sync.ui import exports
from joorsync.sync.ui.views import exports as export_views
from tests.orders.ui.support import conflicted, held, make_order

pytestmark = pytest.mark.django_db

State = ImportedOrder.State
URL = "/orders/export.csv"


def table(response: StreamingHttpResponse) -> list[list[str]]:
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def records(response: StreamingHttpResponse) -> list[dict[str, str]]:
    header, *rows = table(response)
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_each_order_is_a_row_in_plain_words(client_in, shop):
    imported_at = datetime(2026, 11, 30, 8, 5, 9, tzinfo=UTC)
    make_order(
        shop,
        1001,
        shopify_fulfillment_status="PARTIALLY_FULFILLED",
        status_note="Partly fulfilled in Shopify. Mark it shipped in JOOR.",
        imported_at=imported_at,
    )
    held(shop, 1002, total=None, currency="")
    header, *rows = table(client_in.get(URL))
    assert header == [
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
    ]
    by_id = {row[0]: row for row in rows}
    assert by_id["1001"] == [
        "1001",
        "PO-1001",
        "Harbour Boutique",
        "8",
        "815.00",
        "USD",
        "Imported",
        "",
        "#2001",
        "https://admin.shopify.com/store/demo/orders/10001",
        "Partly fulfilled",
        "Partly fulfilled in Shopify. Mark it shipped in JOOR.",
        "2026-11-30T08:05:09Z",
    ]
    waiting = by_id["1002"]
    assert waiting[4:8] == ["", "", "Held", waiting[7]] and "match no linked Shopify variant" in waiting[7]
    assert waiting[8:] == ["", "", "", "", ""]
    assert "gid://" not in str(rows) and "PARTIALLY_FULFILLED" not in str(rows)


def test_a_decision_says_why_and_a_cancelled_order_says_so(client_in, shop):
    conflicted(shop, 7)
    make_order(shop, 8, state=State.CANCELLED, shopify_cancelled_at=datetime(2026, 11, 1, tzinfo=UTC))
    by_id = {row["JOOR order"]: row for row in records(client_in.get(URL))}
    assert by_id["7"]["State"] == "Needs a decision" and "changed in JOOR" in by_id["7"]["Why held"]
    assert by_id["8"]["State"] == "Cancelled" and by_id["8"]["Fulfilment"] == "Cancelled in Shopify"


def listed(body: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="order-(\d+)">', body)]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"state": "held"},
        {"state": "waiting"},
        {"state": "conflict"},
        {"q": "PO-3"},
        {"q": "seaside"},
        {"state": "imported", "q": "harbour"},
        {"state": "nonsense"},
    ],
)
def test_the_export_has_the_rows_the_list_shows(client_in, shop, params):
    for n in range(1, 4):
        make_order(shop, n)
    held(shop, 30)
    make_order(shop, 31, state=State.RECEIVED, retailer_name="Seaside Store")
    make_order(shop, 32, state=State.CREATING)
    conflicted(shop, 33)
    make_order(shop, 34, state=State.SKIPPED)
    joor_id = dict(ImportedOrder.objects.filter(shop=shop).values_list("pk", "joor_order_id"))
    page = [joor_id[pk] for pk in listed(client_in.get("/orders", params).content.decode())]
    exported = [row["JOOR order"] for row in records(client_in.get(URL, params))]
    assert exported == page and page


def test_another_shops_orders_are_never_exported(client_in, shop, other_shop):
    make_order(other_shop, 1, retailer_name="Their secret retailer", po_number="THEIRS")
    held(other_shop, 2, retailer_name="Their secret retailer")
    make_order(shop, 1)
    for params in ({}, {"state": "held"}, {"q": "secret"}, {"q": "THEIRS"}):
        text = b"".join(client_in.get(URL, params).streaming_content).decode("utf-8")
        assert "secret" not in text and "THEIRS" not in text, params
    assert [row["JOOR order"] for row in records(client_in.get(URL))] == ["1"]


def test_formulas_from_joor_are_written_as_text(client_in, shop):
    make_order(
        shop,
        1,
        state=State.HELD,
        po_number='=HYPERLINK("http://evil.example","PO")',
        retailer_name="@SUM(1+1)*cmd|' /C calc'!A0",
        hold_message="-1+2",
        total=Decimal("-5.00"),
    )
    [row] = records(client_in.get(URL))
    assert row["PO number"] == '\'=HYPERLINK("http://evil.example","PO")'
    assert row["Retailer"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert row["Why held"] == "'-1+2" and row["Total"] == "'-5.00"


def test_utf8_with_bom_content_type_and_filename(client_in, shop, monkeypatch):
    make_order(shop, 1, retailer_name="Boutique Élise – Zürich")
    monkeypatch.setattr(
        export_views, "timezone", SimpleNamespace(now=lambda: datetime(2026, 11, 30, 12, tzinfo=UTC))
    )
    response = client_in.get(URL)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="joorsync-orders-demo-2026-11-30.csv"'
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf") and "Boutique Élise – Zürich".encode() in raw


def test_signed_out_is_401(sandbox_mode, shop):
    make_order(shop, 1)
    response = Client().get(URL)
    assert response.status_code == 401 and "Harbour" not in response.content.decode()


def test_a_large_export_streams_in_chunks_with_a_few_queries(client_in, shop, django_assert_max_num_queries):
    ImportedOrder.objects.bulk_create(
        ImportedOrder(
            shop=shop,
            joor_order_id=str(n),
            po_number=f"PO-{n}",
            retailer_name="Harbour Boutique",
            currency="USD",
            total=Decimal("815.00"),
            units=8,
            document={"order_id": n, "notes": "x" * 500},
            state=State.IMPORTED,
            shopify_order_id=f"gid://shopify/Order/{9000 + n}",
            shopify_order_name=f"#{1000 + n}",
        )
        for n in range(5000)
    )
    with django_assert_max_num_queries(10):
        response = client_in.get(URL, {"state": "imported"})
        chunks = list(response.streaming_content)
    assert len(chunks) >= 5000 // exports.ROWS_PER_CHUNK
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8")[1:])))
    assert len(rows) == 5001 and {row[6] for row in rows[1:]} == {"Imported"}


def test_the_list_links_to_the_export_with_its_tab_and_search(client_in, shop):
    body = client_in.get("/orders", {"state": "held", "q": "PO 7", "page": "2"}).content.decode()
    assert (
        'href="/orders/export.csv?state=held&amp;q=PO%207" hx-boost="false" download>Export CSV</a>' in body
    )
    assert 'href="/orders/export.csv?state=&amp;q="' in client_in.get("/orders").content.decode()
