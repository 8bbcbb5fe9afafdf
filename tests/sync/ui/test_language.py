"""The merchant's pages speak the merchant's language: fields by name ("Price — Blue / 36",
"Fabrication (JOOR)"), products by title with links to them, descriptions compared as the text shoppers
read; never a field path, a `gid://` id or a `joor.*` key."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.urls import reverse

from joorsync.sync.canonical import variant_key
from joorsync.sync.engine.linkrows import problems_record
from joorsync.sync.engine.plan import Refusal
from joorsync.sync.jobs import (
    sync_event_record,
    sync_job_create,
    sync_job_execute,
    sync_job_request,
    sync_job_target_for_link,
)
from joorsync.sync.models import Conflict, JoorAccount, ProductLink, SyncJob
from joorsync.sync.ui import labels
from joorsync.sync.ui.diff import highlight_text, html_to_text
from tests.orders.ui.support import held
from tests.sync.jobs_support import make_conflict, make_link

pytestmark = pytest.mark.django_db

RAW = ("gid://", "joor.", "variants[")


def shown_text(body: str) -> str:
    """What a person reads on a page: its text, and the attributes read out or shown as hints."""
    hints = re.findall(r'(?:aria-label|title|placeholder|alt)="([^"]*)"', body)
    return html_to_text(body) + "\n" + "\n".join(html.unescape(h) for h in hints)


def marked(fragment: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", fragment, re.S)


# -- labels -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("title", "Title"),
        ("description", "Description"),
        ("product_type", "Product type"),
        ("tags", "Tags"),
        ("variants[C1/36].price", "Price — Blue / 36"),
        ("variants[C1/36].compare_at_price", "Compare-at price — Blue / 36"),
        ("variants[C1/36].inventory", "Stock — Blue / 36"),
        ("variants[C1/36].barcode", "Barcode — Blue / 36"),
        ("variants[C1/36].sku", "SKU — Blue / 36"),
        ("variants[C1/36].color_name", "Colour name — Blue / 36"),
        ("variants[C1/36]", "Variant — Blue / 36"),
        ("variants[011/M].inventory", "Stock — 011 / M"),  # no name known: the colour's code
        ("metafields.joor.fabrication", "Fabrication (JOOR)"),
        ("metafields.joor.source_of_materials", "Source of materials (JOOR)"),
        ("metafields.joor.style_country_origin", "Country of origin (JOOR)"),
        ("joor.division_code", "Division code (JOOR)"),
    ],
)
def test_every_kind_of_field_path_has_a_label(path, label):
    assert labels.field_label(path, {"C1/36": "Blue"}) == label


def test_a_variant_key_with_escaped_codes_reads_as_its_codes():
    key = variant_key("A/B", "36")  # `A%2FB/36` in a path
    assert labels.field_label(f"variants[{key}].price") == "Price — A/B / 36"
    assert labels.field_label(f"variants[{key}].price", {key: "Sand"}) == "Price — Sand / 36"


def test_colour_names_come_from_the_snapshot():
    snapshot = {"variants[C1/36].color_name": "Blue", "variants[C1/36].price": "10.00", "title": "Coat"}
    assert labels.variant_names_of(snapshot) == {"C1/36": "Blue"}
    assert labels.variant_names_of(None) == {}


def test_sentences_from_the_sync_name_fields_variants_products_and_people():
    text = (
        "Shopify's edit of variants[C1/36].price was replaced; metafields.joor.fabrication too; "
        "Variant C1/36 only in Shopify; stock for C1/36 is written only as joor's own figure; "
        "gid://shopify/Product/12 and gid://shopify/ProductVariant/7; unlinked by sandbox:demo.myshopify.com; "
        "JOOR at http://joor.test/v2 said no"
    )
    out = labels.humanize_text(
        text, names={"C1/36": "Blue"}, products={"gid://shopify/Product/12": "Wool coat"}
    )
    assert "Price — Blue / 36" in out and "Fabrication (JOOR)" in out
    assert "Variant Blue / 36 only in Shopify" in out and "stock for Blue / 36 is" in out
    assert "Wool coat and Shopify product variant 7" in out
    assert "unlinked by you (sandbox sign-in)" in out
    assert "http://joor.test/v2" in out  # an address is left as it is
    assert "gid://" not in out and "variants[" not in out and "metafields." not in out


def test_resolutions_and_people_in_words():
    assert labels.resolution_sentence("keep_joor") == "the JOOR value was kept"
    assert labels.resolution_sentence("keep_shopify") == "the Shopify value was kept"
    assert labels.resolution_sentence("custom") == "a new value was chosen"
    assert labels.person_label("shopify-user:42") == "staff member #42"
    assert labels.person_label("sandbox:demo.myshopify.com") == "you (sandbox sign-in)"


def test_a_product_is_named_with_links_to_the_shopify_admin_and_its_row():
    link = ProductLink(pk=7, shopify_product_id="gid://shopify/Product/1000020686", style_number="WC-1")
    ref = labels.product_ref(link, shop_domain="demo.myshopify.com")
    assert ref.name == "Style WC-1" and ref.style_note == ""
    assert ref.admin_url == "https://admin.shopify.com/store/demo/products/1000020686"
    assert ref.app_url == f"{reverse('ui:links')}?link=7"
    link.shopify_title = "Wool Coat"
    ref = labels.product_ref(link, shop_domain="demo.myshopify.com")
    assert (ref.name, ref.style_note) == ("Wool Coat", "WC-1")
    unlinked = labels.product_ref_for_subject(
        "shopify:gid://shopify/Product/5", shop_domain="demo.myshopify.com"
    )
    assert unlinked.name == "Shopify product 5" and unlinked.admin_url.endswith("/products/5")
    assert (
        labels.product_ref_for_subject("joor:5002", shop_domain="x.myshopify.com").name == "JOOR style 5002"
    )


# -- descriptions -------------------------------------------------------------------------------


def test_html_becomes_the_text_a_shopper_reads():
    markup = (
        "<p>Warm <b>wool</b> coat&nbsp;&amp; scarf.</p><ul><li>Navy</li><li>Black</li></ul>"
        "Line one<br>Line two<script>alert(1)</script><style>p{}</style>"
    )
    assert html_to_text(markup) == "Warm wool coat & scarf.\n\n• Navy\n• Black\nLine one\nLine two"


def test_words_are_marked_whole_never_in_part():
    h = highlight_text("A wool-blend coat, navy", against="A wool-rich coat, black")
    assert marked(h.html) == ["wool-blend", "navy"]
    assert marked(highlight_text("wool coats", against="wool coat").html) == ["coats"]


def test_a_description_conflict_compares_the_text_marks_words_and_shows_the_html_escaped(client_in, shop):
    conflict = make_conflict(
        shop,
        make_link(shop, 1, shopify_title="Wool Coat"),
        path="description",
        base_value="<p>A warm <b>wool</b> coat.</p>",
        shopify_value='<p>A warm <b>wool</b> coat in navy.</p><script>alert("x")</script>',
        joor_value="A warm cashmere coat.",
    )
    body = client_in.get(f"/conflicts/{conflict.pk}").content.decode()
    compare = body[body.index('<table class="compare">') : body.index("</table>")]
    cells = re.findall(r"<td>(.*?)</td>", compare, re.S)
    base, shopify, joor = cells
    assert "<pre>A warm wool coat.</pre>" in base
    assert [m.strip() for m in marked(shopify)] == ["in navy"] and marked(joor) == ["cashmere"]
    assert "<b>" not in compare and "<script>" not in body.split("</head>")[1].replace(
        "<script>document", ""
    )  # the values' markup is never rendered
    assert compare.count("<summary>Show HTML") == 2  # the two sides that hold HTML
    shown = re.findall(r"</summary><pre>(.*?)</pre></details>", compare, re.S)
    assert html.escape('<p>A warm <b>wool</b> coat in navy.</p><script>alert("x")</script>') in shown
    assert "<h1>Description of Wool Coat</h1>" in body


def test_a_title_with_markup_in_it_is_that_text(client_in, shop):
    conflict = make_conflict(shop, make_link(shop, 1), shopify_value="<b>Bold</b> coat")
    body = client_in.get(f"/conflicts/{conflict.pk}").content.decode()
    assert "&lt;b&gt;Bold&lt;/b&gt; coat" in body and "Show HTML" not in body


# -- every page of a shop like the demo's -------------------------------------------------------


def _demo_like(shop: Any, sandboxes: Any) -> dict[str, Any]:
    """A shop as the demo leaves it and a merchant then uses it: a first sync from JOOR, conflicts on
    a title, an HTML description, a variant's price and a JOOR-only field, problems, an unmatched
    product, a webhook job, a hand link, a resolution, a held order and a preview."""
    joor, shopify = sandboxes
    JoorAccount.objects.filter(shop=shop).update(base_url="http://127.0.0.1:8701")
    first = sync_job_execute(job_id=sync_job_create(shop=shop, kind="full").pk)
    assert first.status == SyncJob.Status.SUCCEEDED, first.error
    links = list(ProductLink.objects.filter(shop=shop, status=ProductLink.Status.LINKED).order_by("pk"))
    assert len(links) >= 3
    coat, dress, shirt = links[:3]
    # Both sides edit a title and a description since the last sync: two real conflicts.
    joor.edit_style(coat.joor_style_id, {"style_name": "JOOR coat"})
    shopify.merchant_update_product(coat.shopify_product_id, {"title": "Shop coat"})
    joor.edit_style(dress.joor_style_id, {"style_description": "A light summer dress."})
    shopify.merchant_update_product(
        dress.shopify_product_id, {"descriptionHtml": "<p>A <b>light</b> linen dress.</p>"}
    )
    second = sync_job_execute(job_id=sync_job_create(shop=shop, kind="incremental").pk)
    assert second.status == SyncJob.Status.SUCCEEDED, second.error
    assert Conflict.objects.filter(shop=shop, status="open").count() == 2
    shirt.refresh_from_db()
    key = next(p for p in shirt.snapshot if p.startswith("variants[")).split("]")[0][len("variants[") :]
    make_conflict(
        shop,
        shirt,
        path=f"variants[{key}].price",
        base_value="10.00",
        shopify_value="12.00",
        joor_value="11.00",
        job=second,
    )
    make_conflict(
        shop,
        shirt,
        path="metafields.joor.fabrication",
        base_value="Wool",
        shopify_value="Wool blend",
        joor_value="Cashmere",
        job=second,
    )
    problems_record(
        shop=shop,
        subject=f"link:{shirt.pk}",
        refusals=[
            Refusal(
                side="joor",
                code="stock_not_owned",
                path=f"variants[{key}].inventory",
                message=f"stock for {key} is written only as shopify's own figure",
            ),
            Refusal(
                side="shopify",
                code="write_refused",
                path="metafields.joor.fabrication",
                message=f"Shopify refused {shirt.shopify_product_id}: value too long",
            ),
        ],
        job=second,
        link=shirt,
        title=shirt.shopify_title,
    )
    sync_event_record(
        job=second,
        link=shirt,
        action="updated",
        side="shopify",
        message=f"Shopify updated: variants[{key}].inventory, metafields.joor.fabrication",
        details={"paths": [f"variants[{key}].inventory", "metafields.joor.fabrication"]},
    )
    sync_event_record(
        job=second,
        link=shirt,
        action="price_not_representable",
        side="joor",
        level="warning",
        message=f"variants[{key}].price: JOOR has one price per style; held for a person to decide",
    )
    lonely = ProductLink.objects.create(
        shop=shop,
        status=ProductLink.Status.UNMATCHED_SHOPIFY,
        shopify_product_id="gid://shopify/Product/1000020686",
        shopify_title="Linen scarf",
        note=f"Shopify product {coat.shopify_product_id} already has this style's handle: link it by hand",
    )
    style_only = ProductLink.objects.create(
        shop=shop,
        status=ProductLink.Status.UNMATCHED_JOOR,
        joor_style_id=777,
        style_number="SC-9",
        joor_name="Scarf",
    )
    webhook = sync_job_request(
        shop=shop,
        kind=SyncJob.Kind.TARGETED,
        target={"shopify_product_id": coat.shopify_product_id},
        trigger=SyncJob.Trigger.WEBHOOK,
    )
    SyncJob.objects.filter(pk=webhook.pk).update(status=SyncJob.Status.SUCCEEDED)
    held(shop, 3)
    preview = sync_job_execute(
        job_id=sync_job_request(
            shop=shop, kind=SyncJob.Kind.FULL, dry_run=True, trigger=SyncJob.Trigger.MANUAL
        ).pk
    )
    assert preview.status == SyncJob.Status.SUCCEEDED, preview.error
    return {
        "coat": coat,
        "dress": dress,
        "shirt": shirt,
        "key": key,
        "lonely": lonely,
        "style_only": style_only,
        "second": second,
        "webhook": webhook,
        "preview": preview,
    }


def test_no_page_of_a_demo_like_shop_shows_a_path_an_id_or_a_joor_key(client_in, shop, sandboxes):
    world = _demo_like(shop, sandboxes)
    coat, shirt, key = world["coat"], world["shirt"], world["key"]
    coat.refresh_from_db()
    unmatched = client_in.get("/links?status=unmatched").content.decode()
    # An unmatched row says why, naming the product its note quotes.
    assert f"{coat.shopify_title} already has this style&#x27;s handle: link it by hand" in unmatched
    assert "No Shopify product matches this style" in unmatched
    conflicts = list(Conflict.objects.filter(shop=shop).order_by("pk"))
    title = next(c for c in conflicts if c.field_path == "title")
    response = client_in.post(f"/conflicts/{title.pk}/resolve", {"resolution": "keep_joor"}, follow=True)
    resolved_page = response.content.decode()
    assert f"Resolved: the JOOR value was kept for Title of {coat.shopify_title}." in resolved_page
    assert "Resolved: the JOOR value was kept, by you (sandbox sign-in)" in resolved_page
    link_form = {"joor_style_id": world["style_only"].joor_style_id}
    link_question = client_in.post(f"/links/{world['lonely'].pk}/link", link_form).content.decode()
    assert "Link Linen scarf to JOOR style SC-9 · Scarf?" in link_question
    link_made = client_in.post(
        f"/links/{world['lonely'].pk}/link", {**link_form, "confirm": "1"}, follow=True
    ).content.decode()
    assert "Linked Linen scarf to JOOR style SC-9 · Scarf" in link_made
    urls = [
        "/",
        "/conflicts",
        "/conflicts?status=resolved",
        "/problems",
        "/links",
        "/jobs",
        "/orders",
        "/settings",
    ]
    urls += [f"/conflicts/{c.pk}" for c in conflicts]
    urls += [f"/jobs/{job.pk}" for job in SyncJob.objects.filter(shop=shop)]
    urls += [f"/links?link={link.pk}" for link in ProductLink.objects.filter(shop=shop)]
    bodies = {url: client_in.get(url).content.decode() for url in urls}
    bodies.update(
        {
            "unmatched": unmatched,
            "resolution": resolved_page,
            "link question": link_question,
            "manual link": link_made,
        }
    )
    for url, body in bodies.items():
        # The settings form names its warehouse fields by location id: a field's name, never shown.
        seen = shown_text(body) if url == "/settings" else body
        for raw in RAW:
            assert raw not in seen, (url, raw, seen[max(0, seen.find(raw) - 200) : seen.find(raw) + 100])
    # … and what shows instead.
    colour = shirt.snapshot[f"variants[{key}].color_name"]
    size = key.split("/")[1]
    price = next(c for c in conflicts if c.field_path.endswith(".price"))
    assert f"Price — {colour} / {size}" in bodies["/conflicts"]
    assert f"<h1>Price — {colour} / {size} of {shirt.shopify_title}</h1>" in bodies[f"/conflicts/{price.pk}"]
    assert (
        "Fabrication (JOOR)" in bodies["/conflicts"] and f"Stock — {colour} / {size}" in bodies["/problems"]
    )
    second = bodies[f"/jobs/{world['second'].pk}"]
    assert f"Shopify updated: Stock — {colour} / {size}, Fabrication (JOOR)" in second
    assert f"Price — {colour} / {size}: JOOR has one price per style" in second
    assert f"Shopify refused {shirt.shopify_title}: value too long" in bodies["/problems"]
    numeric = shirt.shopify_product_id.rsplit("/", 1)[1]
    assert f'href="https://admin.shopify.com/store/demo/products/{numeric}"' in bodies["/problems"]
    assert f'href="/links?link={shirt.pk}">{shirt.shopify_title}</a>' in bodies["/conflicts"]


def test_a_one_product_job_names_the_product_it_synced(client_in, shop):
    coat = make_link(shop, 1, shopify_title="Wool Coat")
    webhook = sync_job_request(
        shop=shop,
        kind=SyncJob.Kind.TARGETED,
        target={"shopify_product_id": coat.shopify_product_id},
        trigger=SyncJob.Trigger.WEBHOOK,
    )
    waiting = client_in.get(f"/jobs/{webhook.pk}").content.decode()
    assert "No events yet" not in waiting and "Waiting to sync Wool Coat." in waiting
    assert f'<a href="/links?link={coat.pk}">Wool Coat</a> <span class="muted">ST-1</span>' in waiting
    SyncJob.objects.filter(pk=webhook.pk).update(status=SyncJob.Status.SUCCEEDED)
    done = client_in.get(f"/jobs/{webhook.pk}").content.decode()
    assert "Synced Wool Coat: nothing needed changing on either side." in done
    resolution = sync_job_request(
        shop=shop,
        kind=SyncJob.Kind.TARGETED,
        target=sync_job_target_for_link(link=make_link(shop, 2, shopify_title="Silk Dress")),
        trigger=SyncJob.Trigger.CONFLICT,
    )
    listed = client_in.get("/jobs").content.decode()
    row = re.search(rf'<tr id="job-{resolution.pk}">(.*?)</tr>', listed, re.S).group(1)
    assert "One product: Silk Dress" in row
    row = re.search(rf'<tr id="job-{webhook.pk}">(.*?)</tr>', listed, re.S).group(1)
    assert "One product: Wool Coat" in row


def test_the_links_page_shows_one_product_when_asked(client_in, shop):
    coat, dress = (
        make_link(shop, 1, shopify_title="Wool Coat"),
        make_link(shop, 2, shopify_title="Silk Dress"),
    )
    body = client_in.get("/links", {"link": coat.pk}).content.decode()
    assert f'<tr id="link-{coat.pk}">' in body and f'<tr id="link-{dress.pk}">' not in body
    assert "Showing one product." in body


def test_an_unlink_message_names_the_product(client_in, shop):
    coat = make_link(shop, 1, shopify_title="Wool Coat")
    body = client_in.post(f"/links/{coat.pk}/unlink", follow=True).content.decode()
    assert "Unlinked Wool Coat: it no longer syncs." in body
    unlinked = client_in.get("/links", {"status": "unlinked"}).content.decode()
    assert "Unlinked by you (sandbox sign-in)" in unlinked


def test_conflicts_filter_by_the_fields_name(client_in, shop):
    link = make_link(shop, 1)
    stock = make_conflict(shop, link, path="variants[BLK/M].inventory", shopify_value=3, joor_value=5)
    price = make_conflict(
        shop, link, path="variants[BLK/M].compare_at_price", shopify_value="9", joor_value="8"
    )
    fabric = make_conflict(shop, link, path="metafields.joor.fabrication", shopify_value="a", joor_value="b")

    def listed(field: str) -> set[int]:
        body = client_in.get("/conflicts", {"field": field}).content.decode()
        return {int(n) for n in re.findall(r'<tr id="conflict-(\d+)">', body)}

    assert listed("Stock") == {stock.pk}
    assert listed("compare-at price") == {price.pk}
    assert listed("Fabrication (JOOR)") == {fabric.pk}
    assert listed("variants[BLK/M].inventory") == {stock.pk}


def test_tags_are_typed_as_words_not_json(client_in, shop):
    conflict = make_conflict(
        shop,
        make_link(shop, 1),
        path="tags",
        base_value=["wool"],
        shopify_value=["wool", "sale"],
        joor_value=["wool", "winter"],
    )
    body = client_in.get(f"/conflicts/{conflict.pk}").content.decode()
    assert ">wool, winter</textarea>" in body
    client_in.post(
        f"/conflicts/{conflict.pk}/resolve", {"resolution": "custom", "value": "wool, winter, sale"}
    )
    assert Conflict.objects.get(pk=conflict.pk).resolved_value == ["wool", "winter", "sale"]
