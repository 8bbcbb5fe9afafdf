"""Product media, files and collections in the sandbox: the lifecycle, the errors the recordings do not
reach, the sandbox's media controls and the webhooks a media change fires."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from shopify_app.sandbox.app import ShopifySandbox
from shopify_app.sandbox.media_models import PROCESSING_SECONDS

from .conftest import FakeClock, Gql, http
from .test_webhooks import SUBSCRIBE, Receiver

PRODUCT_SET = """
mutation($input: ProductSetInput!) {
  productSet(input: $input, synchronous: true) {
    product { id variants(first: 5) { nodes { id } } media(first: 10) { nodes { id alt status } } }
    userErrors { field message code }
  }
}
"""
MEDIA = """
query($id: ID!) {
  product(id: $id) {
    featuredMedia { id }
    media(first: 10) { nodes { id alt status mediaErrors { code message } ... on MediaImage { image { url width height } } } }
  }
}
"""
APPEND = """
mutation($productId: ID!, $variantMedia: [ProductVariantAppendMediaInput!]!) {
  productVariantAppendMedia(productId: $productId, variantMedia: $variantMedia) {
    productVariants { id } userErrors { field message code }
  }
}
"""
DETACH = APPEND.replace("Append", "Detach")
CREATE_MEDIA = """
mutation($productId: ID!, $media: [CreateMediaInput!]!) {
  productCreateMedia(productId: $productId, media: $media) { media { id } mediaUserErrors { field message code } }
}
"""
FILE_UPDATE = """
mutation($files: [FileUpdateInput!]!) {
  fileUpdate(files: $files) { files { id alt } userErrors { field message code } }
}
"""
COLLECTION_CREATE = """
mutation($input: CollectionInput!) {
  collectionCreate(input: $input) { collection { id handle } userErrors { field message } }
}
"""


@pytest.fixture
def shop(make_sandbox: Callable[..., ShopifySandbox]) -> ShopifySandbox:
    return make_sandbox(products=0)


def images(*names: str) -> list[dict[str, Any]]:
    return [{"originalSource": f"https://images.example-brand.com/{n}.jpg", "alt": n} for n in names]


def product_with(gql: Gql, files: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    answer = gql.data(PRODUCT_SET, {"input": {"title": "Aurora", "files": files, **fields}})["productSet"]
    assert answer["userErrors"] == [], answer["userErrors"]
    return answer["product"]


# ----- lifecycle ----------------------------------------------------------------------------------
def test_media_answer_uploaded_then_processing_until_time_passes(
    shop: ShopifySandbox, clock: FakeClock
) -> None:
    gql = Gql(shop)
    product = product_with(gql, images("front"))
    assert [m["status"] for m in product["media"]["nodes"]] == ["UPLOADED"]
    read = gql.data(MEDIA, {"id": product["id"]})["product"]
    assert read["media"]["nodes"][0]["status"] == "PROCESSING" and read["featuredMedia"] is None
    clock.advance(PROCESSING_SECONDS - 0.5)
    assert gql.data(MEDIA, {"id": product["id"]})["product"]["media"]["nodes"][0]["status"] == "PROCESSING"
    clock.advance(0.5)
    ready = gql.data(MEDIA, {"id": product["id"]})["product"]
    assert ready["media"]["nodes"][0]["status"] == "READY"
    assert ready["media"]["nodes"][0]["image"]["url"].endswith("/files/front.jpg?v=1782000000")
    assert ready["featuredMedia"] == {"id": ready["media"]["nodes"][0]["id"]}


def test_process_control_finishes_processing_now(shop: ShopifySandbox) -> None:
    gql = Gql(shop)
    product = product_with(gql, images("front", "back"))
    answer = http(shop).post("/_sandbox/media/process")
    assert answer.json() == {"files": 2}
    statuses = [m["status"] for m in gql.data(MEDIA, {"id": product["id"]})["product"]["media"]["nodes"]]
    assert statuses == ["READY", "READY"]


def test_sources_that_fail_processing(shop: ShopifySandbox, clock: FakeClock) -> None:
    gql = Gql(shop)
    broken = "https://images.example-brand.com/broken.jpg"
    assert http(shop).post("/_sandbox/media/failing-urls", json={"urls": [broken]}).status_code == 200
    product = product_with(
        gql,
        [
            {"originalSource": broken},
            {"originalSource": "https://example.com/reserved-domain.jpg"},
            {"originalSource": "https://images.example-brand.com/lookbook.pdf", "contentType": "IMAGE"},
            {"originalSource": "https://images.example-brand.com/fine.jpg"},
        ],
    )
    clock.advance(PROCESSING_SECONDS)
    nodes = gql.data(MEDIA, {"id": product["id"]})["product"]["media"]["nodes"]
    assert [m["status"] for m in nodes] == ["FAILED", "FAILED", "FAILED", "READY"]
    assert nodes[0]["image"] is None and nodes[0]["mediaErrors"] == [
        {
            "code": "IMAGE_DOWNLOAD_FAILURE",
            "message": "Media could not be processed because the image could not be downloaded.",
        }
    ]
    assert http(shop).post("/_sandbox/media/failing-urls", json={"clear": True}).json() == {"failingUrls": []}


# ----- productSet files ---------------------------------------------------------------------------
def test_product_set_files_keep_by_id_create_by_source_and_delete_by_omission(shop: ShopifySandbox) -> None:
    gql = Gql(shop)
    product = product_with(gql, images("front", "back"))
    front, back = product["media"]["nodes"]
    again = product_with(
        gql, [*images("detail"), {"id": front["id"], "alt": "front, new alt"}], id=product["id"]
    )
    assert [m["alt"] for m in again["media"]["nodes"]] == ["detail", "front, new alt"]
    assert again["media"]["nodes"][1]["id"] == front["id"]
    files = gql.data("{ files(first: 10) { nodes { id } } }")["files"]["nodes"]
    assert back["id"] not in {f["id"] for f in files}  # left out: deleted
    untouched = product_with(gql, [], id=product["id"])
    assert untouched["media"]["nodes"] == []


def test_product_set_files_errors_leave_the_product_alone(shop: ShopifySandbox) -> None:
    gql = Gql(shop)
    product = product_with(gql, images("front"))
    answer = gql.data(
        PRODUCT_SET,
        {
            "input": {
                "id": product["id"],
                "title": "Renamed",
                "files": [{"id": "gid://shopify/MediaImage/999"}, {"originalSource": "ftp://x/y.jpg"}],
            }
        },
    )["productSet"]
    assert answer["userErrors"] == [
        {
            "field": ["input", "files", "0", "id"],
            "message": "File id gid://shopify/MediaImage/999 does not exist.",
            "code": "INVALID_INPUT",
        },
        {
            "field": ["input", "files", "1", "originalSource"],
            "message": "File URL is invalid",
            "code": "INVALID_INPUT",
        },
    ]
    assert shop.shop().products[int(product["id"].rsplit("/", 1)[1])].title == "Aurora"


def test_a_product_holds_at_most_250_media(shop: ShopifySandbox) -> None:
    gql = Gql(shop)
    product = product_with(gql, images(*(f"view-{n}" for n in range(250))))
    answer = gql.data(
        CREATE_MEDIA,
        {
            "productId": product["id"],
            "media": [
                {
                    "mediaContentType": "IMAGE",
                    "originalSource": "https://images.example-brand.com/one-more.jpg",
                }
            ],
        },
    )
    assert answer["productCreateMedia"] == {
        "media": [],
        "mediaUserErrors": [
            {
                "field": ["media"],
                "message": "Exceeded the limit of media per product.",
                "code": "PRODUCT_MEDIA_LIMIT_EXCEEDED",
            }
        ],
    }


# ----- variant media ------------------------------------------------------------------------------
def test_variant_media_rules(shop: ShopifySandbox, clock: FakeClock) -> None:
    gql = Gql(shop)
    product = product_with(gql, images("front", "back"))
    variant = product["variants"]["nodes"][0]["id"]
    front, back = (m["id"] for m in product["media"]["nodes"])

    def append(media_id: str) -> list[dict[str, Any]]:
        pairs = [{"variantId": variant, "mediaIds": [media_id]}]
        return gql.data(APPEND, {"productId": product["id"], "variantMedia": pairs})[
            "productVariantAppendMedia"
        ]["userErrors"]

    assert append(front) == [
        {
            "field": ["variantMedia", "0", "mediaIds"],
            "message": "Non-ready media cannot be attached to variants.",
            "code": "NON_READY_MEDIA",
        }
    ]
    clock.advance(PROCESSING_SECONDS)
    assert append(front) == []
    assert append(back) == [
        {
            "field": ["variantMedia", "0", "variantId"],
            "message": "The given variant already has attached media.",
            "code": "PRODUCT_VARIANT_ALREADY_HAS_MEDIA",
        }
    ]
    pairs = [{"variantId": variant, "mediaIds": [back]}]
    detached = gql.data(DETACH, {"productId": product["id"], "variantMedia": pairs})[
        "productVariantDetachMedia"
    ]
    assert detached["userErrors"] == [
        {
            "field": ["variantMedia", "0", "variantId"],
            "message": "The specified media is not attached to the specified variant.",
            "code": "MEDIA_IS_NOT_ATTACHED_TO_VARIANT",
        }
    ]


# ----- Files API ----------------------------------------------------------------------------------
def test_file_update_refuses_unknown_ids_and_attaches_ready_files(
    shop: ShopifySandbox, clock: FakeClock
) -> None:
    gql = Gql(shop)
    unknown = gql.data(
        FILE_UPDATE, {"files": [{"id": "gid://shopify/MediaImage/1"}, {"id": "gid://shopify/MediaImage/2"}]}
    )
    assert unknown["fileUpdate"]["userErrors"] == [
        {
            "field": ["files"],
            "message": 'File ids ["gid://shopify/MediaImage/1", "gid://shopify/MediaImage/2"] do not exist.',
            "code": "FILE_DOES_NOT_EXIST",
        }
    ]
    create = (
        "mutation($f: [FileCreateInput!]!) { fileCreate(files: $f) { files { id } userErrors { message } } }"
    )
    file_id = gql.data(create, {"f": images("loose")})["fileCreate"]["files"][0]["id"]
    product = product_with(gql, [])
    clock.advance(PROCESSING_SECONDS)
    attached = gql.data(FILE_UPDATE, {"files": [{"id": file_id, "referencesToAdd": [product["id"]]}]})
    assert attached["fileUpdate"]["userErrors"] == []
    nodes = gql.data(MEDIA, {"id": product["id"]})["product"]["media"]["nodes"]
    assert [n["id"] for n in nodes] == [file_id]


def test_files_query_filters(shop: ShopifySandbox, clock: FakeClock) -> None:
    gql = Gql(shop)
    product = product_with(gql, images("front"))
    create = "mutation($f: [FileCreateInput!]!) { fileCreate(files: $f) { userErrors { message } } }"
    gql.data(create, {"f": [{"originalSource": "https://docs.example-brand.com/care.pdf"}]})
    clock.advance(PROCESSING_SECONDS)

    def names(query: str) -> list[str]:
        read = (
            "query($q: String) { files(first: 10, query: $q) { nodes { alt ... on GenericFile { url } } } }"
        )
        return [
            n["alt"] or n["url"].rsplit("/files/", 1)[1].split("?")[0]
            for n in gql.data(read, {"q": query})["files"]["nodes"]
        ]

    assert names("media_type:IMAGE") == ["front"]
    assert names("filename:care.pdf") == ["care.pdf"]
    assert names(f"product_id:{product['id'].rsplit('/', 1)[1]}") == ["front"]
    assert names("status:ready") == ["front", "care.pdf"]


# ----- webhooks -----------------------------------------------------------------------------------
def test_media_changes_fire_products_update_with_the_media(
    make_sandbox: Callable[..., ShopifySandbox], clock: FakeClock
) -> None:
    receiver = Receiver()
    sandbox = make_sandbox(products=0, webhook_transport=httpx.WSGITransport(app=receiver))
    gql = Gql(sandbox)
    for topic in ("PRODUCTS_CREATE", "PRODUCTS_UPDATE"):
        gql.data(SUBSCRIBE, {"topic": topic, "uri": "https://app.test/webhooks"})
    product = product_with(gql, images("front"))
    created = json.loads(receiver.requests[-1]["body"])
    assert receiver.topics() == ["products/create"]
    assert [(m["alt"], m["media_content_type"]) for m in created["media"]] == [("front", "IMAGE")]
    clock.advance(PROCESSING_SECONDS)
    gql.data(
        CREATE_MEDIA,
        {
            "productId": product["id"],
            "media": [
                {
                    "mediaContentType": "IMAGE",
                    "originalSource": "https://images.example-brand.com/back.jpg",
                    "alt": "back",
                }
            ],
        },
    )
    assert receiver.topics() == ["products/create", "products/update"]
    updated = json.loads(receiver.requests[-1]["body"])
    assert [m["alt"] for m in updated["media"]] == ["front", "back"]
    assert [i["alt"] for i in updated["images"]] == ["front"]  # only processed images are images
    assert updated["image"]["src"].endswith("/files/front.jpg?v=1782000000")


# ----- collections --------------------------------------------------------------------------------
def test_smart_collection_rules_and_manual_products(shop: ShopifySandbox) -> None:
    gql = Gql(shop)
    summer = product_with(gql, [], vendor="Sol", tags=["Summer"], productType="Dress")
    product_with(gql, [], title="Parka", vendor="Nord", tags=["Winter"], productType="Coat")
    rules = {
        "appliedDisjunctively": True,
        "rules": [
            {"column": "VENDOR", "relation": "EQUALS", "condition": "sol"},
            {"column": "TAG", "relation": "EQUALS", "condition": "nothing"},
        ],
    }
    smart = gql.data(COLLECTION_CREATE, {"input": {"title": "Sunny", "ruleSet": rules}})["collectionCreate"][
        "collection"
    ]
    read = "query($id: ID!) { collection(id: $id) { products(first: 5) { nodes { id } } ruleSet { appliedDisjunctively } } }"
    assert gql.data(read, {"id": smart["id"]})["collection"]["products"]["nodes"] == [{"id": summer["id"]}]
    add = "mutation($id: ID!, $p: [ID!]!) { collectionAddProducts(id: $id, productIds: $p) { collection { id } userErrors { field message } } }"
    refused = gql.data(add, {"id": smart["id"], "p": [summer["id"]]})["collectionAddProducts"]
    assert refused == {
        "collection": None,
        "userErrors": [{"field": ["id"], "message": "Can't manually add products to a smart collection"}],
    }
    custom = gql.data(COLLECTION_CREATE, {"input": {"title": "Picks"}})["collectionCreate"]["collection"]
    update = "mutation($input: CollectionInput!) { collectionUpdate(input: $input) { userErrors { field message } } }"
    assert gql.data(update, {"input": {"id": custom["id"], "ruleSet": rules}})["collectionUpdate"][
        "userErrors"
    ] == [{"field": ["id"], "message": "Cannot update rule set of a custom collection"}]


def test_collection_create_validation(shop: ShopifySandbox) -> None:
    gql = Gql(shop)
    answer = gql.data(
        COLLECTION_CREATE,
        {
            "input": {
                "title": "Bad",
                "products": ["gid://shopify/Product/42"],
                "ruleSet": {"appliedDisjunctively": False, "rules": []},
            }
        },
    )["collectionCreate"]
    assert answer == {
        "collection": None,
        "userErrors": [
            {"field": ["products", "0"], "message": "Product does not exist"},
            {"field": ["ruleSet", "rules"], "message": "Rules cannot be an empty set"},
        ],
    }
    both = gql(
        'mutation { collectionCreate(input: {title: "A"}, collection: {title: "B"}) { collection { id } } }'
    )
    assert both["errors"][0]["extensions"]["code"] == "INVALID_FIELD_ARGUMENTS"


def test_collection_queries_counts_and_membership_changes(shop: ShopifySandbox) -> None:
    gql = Gql(shop)
    product = product_with(gql, [])
    for title in ("Spring A", "Spring B", "Autumn"):
        gql.data(COLLECTION_CREATE, {"input": {"title": title, "products": [product["id"]]}})
    counted = "query($q: String, $l: Int) { collectionsCount(query: $q, limit: $l) { count precision } }"
    assert gql.data(counted, {"q": "title:Spring*", "l": 1})["collectionsCount"] == {
        "count": 1,
        "precision": "AT_LEAST",
    }
    assert gql.data(counted, {"q": "collection_type:smart"})["collectionsCount"] == {
        "count": 0,
        "precision": "EXACT",
    }
    listed = (
        "query($id: ID!) { product(id: $id) { collections(first: 5, sortKey: TITLE) { nodes { title } } } }"
    )
    assert [
        c["title"] for c in gql.data(listed, {"id": product["id"]})["product"]["collections"]["nodes"]
    ] == [
        "Autumn",
        "Spring A",
        "Spring B",
    ]
    autumn = next(c for c in shop.shop().collections.collections.values() if c.title == "Autumn")
    leave = "mutation($p: ProductUpdateInput!) { productUpdate(product: $p) { userErrors { message } } }"
    gql.data(
        leave, {"p": {"id": product["id"], "collectionsToLeave": [f"gid://shopify/Collection/{autumn.id}"]}}
    )
    assert autumn.products == []
    custom_id = '{ collectionByIdentifier(identifier: {customId: {namespace: "custom", key: "code", value: "x"}}) { id } }'
    assert gql(custom_id)["errors"][0]["extensions"] == {"code": "NOT_FOUND"}
