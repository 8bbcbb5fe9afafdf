"""Django admin pages for shops: usable, and never showing a token."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from shopify_app.models import WebhookDelivery
from tests.shopify_app.app_support import installed_shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.test", "pw-0123456789")
    client.force_login(user)
    return client


def test_shop_pages_show_token_presence_not_tokens(staff_client):
    shop = installed_shop(access_token="shpat_secret_value_1", refresh_token="shprt_secret_value_2")
    listing = staff_client.get("/admin/shopify_app/shop/")
    change = staff_client.get(f"/admin/shopify_app/shop/{shop.pk}/change/")
    assert listing.status_code == 200 and change.status_code == 200
    for page in (listing.content.decode(), change.content.decode()):
        assert "shpat_secret_value_1" not in page and "shprt_secret_value_2" not in page
        assert shop.shop_domain in page
    assert "token set" in listing.content.decode().lower()
    assert 'name="access_token"' not in change.content.decode()


def test_webhook_delivery_pages_render(staff_client):
    delivery = WebhookDelivery.objects.create(
        shop_domain="demo.myshopify.com", topic="products/update", event_id="e1"
    )
    assert staff_client.get("/admin/shopify_app/webhookdelivery/").status_code == 200
    assert staff_client.get(f"/admin/shopify_app/webhookdelivery/{delivery.pk}/change/").status_code == 200
