"""Staff admin of the order models: every list and change page renders with data, labels read well,
filters and search work, pages are read-only, and each action goes through the order services."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from joorsync.orders.models import ImportedOrder, OrderEvent, OrderPull, OrderSettings, RetailerLink
from joorsync.sync.models import SyncJob
from tests.orders.ui.support import conflicted, event, held, make_order
from tests.sync.jobs_support import make_account, make_shop

pytestmark = pytest.mark.django_db

SHOPIFY_TOKEN = "shpat_admin_page_token_5e1f"
JOOR_TOKEN = "joor-admin-page-token-77c1"


@pytest.fixture
def data():
    shop = make_shop()
    shop.access_token = SHOPIFY_TOKEN
    shop.save()
    make_account(shop, token=JOOR_TOKEN)
    other = make_shop("other.myshopify.com")
    imported = make_order(shop, 1001)
    on_hold = held(shop, 1002, po_number="SPRING-26")
    decision = conflicted(shop, 1003)
    theirs = make_order(other, 2001, retailer_name="Maison Nord")
    return {
        "shop": shop,
        "imported": imported,
        "held": on_hold,
        "conflict": decision,
        "theirs": theirs,
        "event": event(on_hold, "Held: a line matches no variant.", level="warning"),
        "link": RetailerLink.objects.create(
            shop=shop, retailer_code="HB01", retailer_name="Harbour Boutique", email="buyer@harbour.example"
        ),
        "settings": OrderSettings.objects.create(
            shop=shop, tax_by_country={"CA": "none"}, warehouse_locations={"NY01": "gid://shopify/Location/1"}
        ),
        "pull": OrderPull.objects.create(
            shop=shop, started_at=timezone.now(), received=3, new=2, joor_calls=4
        ),
    }


MODELS = (
    (ImportedOrder, "imported"),
    (OrderEvent, "event"),
    (RetailerLink, "link"),
    (OrderSettings, "settings"),
    (OrderPull, "pull"),
)


def _urls(data) -> list[str]:
    urls = []
    for model, key in MODELS:
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[data[key].pk]))
    return urls


def test_every_changelist_and_change_page_renders(admin_client, data):
    for url in _urls(data):
        response = admin_client.get(url)
        assert response.status_code == 200, url
    index = admin_client.get(reverse("admin:index")).content.decode()
    for name in ("Imported orders", "Order events", "Retailer links", "Order settings", "Order pulls"):
        assert f">{name}</a>" in index, name
    assert "Order settingss" not in index


def test_labels_never_read_joor_or_po_badly(admin_client, data):
    for url in _urls(data):
        page = admin_client.get(url).content.decode()
        # The page itself, not the other apps' sidebar; "=joor" is a filter's value in a link.
        html = page[page.index('<div id="content"') :]
        badly = [
            m.group(0) for m in re.finditer(r"(?<!=)\bjoor\b", html, re.IGNORECASE) if m.group(0) != "JOOR"
        ]
        assert not badly, (url, badly)
        assert "Po number" not in html, url
    listing = admin_client.get(reverse("admin:orders_importedorder_changelist")).content.decode()
    for column in ("JOOR order", "PO number", "Shopify order"):
        assert column in listing


def test_the_order_page_shows_the_document_read_only_with_its_events(admin_client, data):
    url = reverse("admin:orders_importedorder_change", args=[data["held"].pk])
    html = admin_client.get(url).content.decode()
    assert "&quot;order_id&quot;: &quot;1002&quot;" in html  # the JOOR document, laid out
    assert "Held: a line matches no variant." in html  # the inline history
    assert "line 2: Pea coat (S-5)" in html  # hold details
    assert 'name="state"' not in html and 'name="_save"' not in html
    assert admin_client.get(reverse("admin:orders_importedorder_add")).status_code == 403
    admin_client.post(url, {"state": "imported"})
    assert ImportedOrder.objects.get(pk=data["held"].pk).state == "held"


def test_filters_and_search(admin_client, data):
    url = reverse("admin:orders_importedorder_changelist")
    held_only = admin_client.get(url, {"state__exact": "held"})
    assert list(held_only.context["cl"].result_list) == [data["held"]]
    by_shop = admin_client.get(url, {"shop__id__exact": data["theirs"].shop_id})
    assert list(by_shop.context["cl"].result_list) == [data["theirs"]]
    for query, expected in (("1001", "imported"), ("spring-26", "held"), ("maison", "theirs")):
        found = admin_client.get(url, {"q": query})
        assert list(found.context["cl"].result_list) == [data[expected]], query
    by_retailer = admin_client.get(url, {"q": "harbour"})
    assert len(by_retailer.context["cl"].result_list) == 3
    settings_url = reverse("admin:orders_ordersettings_changelist")
    assert list(admin_client.get(settings_url, {"sends_status": "yes"}).context["cl"].result_list) == [
        data["settings"]
    ]
    assert list(admin_client.get(settings_url, {"sends_status": "no"}).context["cl"].result_list) == []


def test_no_token_is_ever_rendered(admin_client, data):
    for url in _urls(data):
        html = admin_client.get(url).content.decode()
        assert SHOPIFY_TOKEN not in html and JOOR_TOKEN not in html, url


def _act(client, model: str, action: str, ids: list[int]):
    return client.post(
        reverse(f"admin:orders_{model}_changelist"),
        {"action": action, "_selected_action": [str(i) for i in ids]},
        follow=True,
    )


def test_retry_puts_held_orders_back_and_leaves_the_rest(admin_client, data):
    response = _act(admin_client, "importedorder", "retry_held", [data["held"].pk, data["imported"].pk])
    assert ImportedOrder.objects.get(pk=data["held"].pk).state == "received"
    assert ImportedOrder.objects.get(pk=data["imported"].pk).state == "imported"
    assert "1 held order(s) will be imported" in response.content.decode()


def test_mark_resolved_goes_through_the_service(admin_client, data):
    response = _act(admin_client, "importedorder", "mark_resolved", [data["conflict"].pk, data["held"].pk])
    assert ImportedOrder.objects.get(pk=data["conflict"].pk).state == "imported"
    assert ImportedOrder.objects.get(pk=data["held"].pk).state == "held"
    assert OrderEvent.objects.get(order=data["conflict"], action="resolved").message == (
        "Marked resolved by staff:admin."
    )
    assert "1 order(s) marked resolved" in response.content.decode()


def test_import_now_queues_one_order_run_per_shop(admin_client, data):
    _act(admin_client, "ordersettings", "import_now", [data["settings"].pk])
    job = SyncJob.objects.get()
    assert (job.shop_id, job.kind, job.trigger) == (data["shop"].pk, "orders", "manual")
    _act(admin_client, "importedorder", "import_now", [data["imported"].pk, data["held"].pk])
    assert SyncJob.objects.count() == 1  # the waiting run is joined
