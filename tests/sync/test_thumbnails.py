"""The product's featured image in Shopify becomes its thumbnail on the app's pages; a read that does
not carry media never blanks it."""

import httpx
import pytest

from joorsync.sync.engine.linkrows import featured_image_url
from joorsync.sync.models import ProductLink
from tests.sync.engine_support import make_world

pytestmark = pytest.mark.django_db

ADD_MEDIA = """
mutation AddMedia($id: ID!, $media: [CreateMediaInput!]) {
  productUpdate(product: {id: $id}, media: $media) { product { id } userErrors { field message } }
}
"""


def test_the_featured_image_is_kept_as_the_thumbnail():
    world = make_world(styles=2)
    world.run()
    link = ProductLink.objects.filter(shop=world.shop).order_by("pk").first()
    client = world.shopify_client()
    result = client.execute_document(
        ADD_MEDIA,
        {
            "id": link.shopify_product_id,
            "media": [
                {"originalSource": "https://cdn.brandhouse.com/coat-front.jpg", "mediaContentType": "IMAGE"}
            ],
        },
        operation_name="AddMedia",
    )
    assert result.data["productUpdate"]["userErrors"] == []
    with httpx.Client(transport=httpx.WSGITransport(app=world.shopify_sandbox)) as http:
        assert http.post("http://shopify.test/_sandbox/media/process").status_code == 200
    node = client.product(link.shopify_product_id)
    assert "featuredMedia" in node, sorted(node)
    world.run()
    link.refresh_from_db()
    featured = client.product(link.shopify_product_id)["featuredMedia"]["preview"]["image"]["url"]
    assert link.image_url == featured and link.image_url.startswith("https://")


def test_a_read_without_media_keeps_the_thumbnail_and_a_product_without_one_has_none():
    assert (
        featured_image_url({"title": "x"}, default="https://cdn.example/a.jpg") == "https://cdn.example/a.jpg"
    )
    assert featured_image_url({"featuredMedia": None}, default="https://cdn.example/a.jpg") == ""
    node = {"featuredMedia": {"preview": {"image": {"url": "https://cdn.example/b.jpg"}}}}
    assert featured_image_url(node) == "https://cdn.example/b.jpg"
    assert featured_image_url({"featuredMedia": {"preview": {"image": {"url": "javascript:alert(1)"}}}}) == ""
