"""Recorded Shopify answers about product media, files and staged uploads replayed against the sandbox.

Same method as `test_recorded_orders.py` (see `replay.py`): every recorded request goes to a sandbox
holding equivalent state and every answer must equal the recorded one. On top of ids, timestamps and
cursors, CDN URLs are compared by file name only: `https://cdn.shopify.com/s/files/1/{shop}/files/
{name}[_{uuid}].{ext}?v={epoch}` becomes `CDN/{name}.{ext}` (the shop path, the uuid Shopify adds to a
name already taken in the recording store, and the version stamp differ from store to store).
Processing takes `PROCESSING_SECONDS` of the sandbox clock: where the recording polled until READY,
the test moves the clock on. Setup requests a recording only describes by their variables and answer
are sent with a document selecting what the answer shows, and compared too.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import pytest

from shopify_app.sandbox.app import ShopifySandbox
from shopify_app.sandbox.media_models import PROCESSING_SECONDS

from .conftest import FakeClock, Gql, recorded
from .replay import Comparer
from .test_recorded_orders import documents
from .test_recorded_parity import Replayer, Step, assert_staged_targets_like, body, document

CDN = re.compile(
    r"https://cdn\.shopify\.com/s/files/1/\d{4}/\d{4}/\d{4}/files/(?P<name>[^?\s\"]+?)"
    r"(?:_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})?(?P<ext>\.[A-Za-z0-9]+)?\?v=\d+"
)


def cdn_names(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: cdn_names(v) for k, v in value.items()}
    if isinstance(value, list):
        return [cdn_names(v) for v in value]
    if isinstance(value, str):
        return CDN.sub(lambda m: f"CDN/{m['name']}{m['ext'] or ''}", value)
    return value


class CdnComparer(Comparer):
    def compare(self, expected: Any, actual: Any, path: str = "$") -> list[str]:
        return super().compare(cdn_names(expected), cdn_names(actual), path)


def media_replayer(sandbox: ShopifySandbox) -> Replayer:
    replayer = Replayer(sandbox)
    replayer.ids = CdnComparer()
    return replayer


def step(name: str, query: str, call: dict[str, Any], **extra: Any) -> Step:
    """A recorded call in any of the recordings' shapes (`variables` + `response`, or just the answer)."""
    response = call.get("response", call)
    return Step(name, query, call.get("variables"), body(response), **extra)


@pytest.fixture
def shop(make_sandbox: Callable[..., ShopifySandbox]) -> ShopifySandbox:
    return make_sandbox(products=0, shop_name="harry-test-heelo", currency="CAD")


def processed(clock: FakeClock) -> None:
    """Time passes until the files made so far are processed (the recordings polled until READY)."""
    clock.advance(PROCESSING_SECONDS)


PRODUCT_CREATE = """
mutation ProductCreate($product: ProductCreateInput!) {
  productCreate(product: $product) { product { id title variants(first: 1) { nodes { id title } } } userErrors { field message } }
}
"""
CREATE_MEDIA_SHORT = """
mutation CreateMedia($productId: ID!, $media: [CreateMediaInput!]!) {
  productCreateMedia(productId: $productId, media: $media) {
    media { id alt mediaContentType status }
    mediaUserErrors { field message }
  }
}
"""
NODE_STATUS = "query NodeStatus($id: ID!) { node(id: $id) { id ... on File { fileStatus } } }"


def seed_product(replayer: Replayer, recorded_gid: str, title: str, status: str = "DRAFT") -> str:
    answer = Gql(replayer.sandbox).data(PRODUCT_CREATE, {"product": {"title": title, "status": status}})
    made = answer["productCreate"]["product"]["id"]
    replayer.ids.bind(recorded_gid, made)
    return made


def seed_media(replayer: Replayer, product: str, recorded_gid: str, *, alt: str, source: str) -> str:
    media = [{"mediaContentType": "IMAGE", "originalSource": source, "alt": alt}]
    answer = Gql(replayer.sandbox).data(CREATE_MEDIA_SHORT, {"productId": product, "media": media})
    made = answer["productCreateMedia"]["media"][0]["id"]
    replayer.ids.bind(recorded_gid, made)
    return made


# ----- product media ------------------------------------------------------------------------------
def test_product_create_media_uploaded_then_processing_then_ready(
    shop: ShopifySandbox, clock: FakeClock
) -> None:
    rec = recorded("2025-01--product-create-media-parity.json")
    docs = documents(rec)
    replayer = media_replayer(shop)
    product = rec["mutation"]["variables"]["productId"]
    seed_product(replayer, product, "Hermes Product Media Conformance 1784476199106")
    read = docs["productCreateMedia-downstream-read.graphql"]
    replayer.run(step("create", docs["productCreateMedia-parity-plan.graphql"], rec["mutation"]))
    replayer.run(Step("processing", read, {"id": product}, body(rec["downstreamRead"])))
    processed(clock)
    replayer.run(Step("ready", read, {"id": product}, body(rec["readyRead"])))
    replayer.check()


def test_product_update_and_delete_media(shop: ShopifySandbox, clock: FakeClock) -> None:
    update = recorded("2025-01--product-update-media-parity.json")
    delete = recorded("2025-01--product-delete-media-parity.json")
    docs = documents(update)
    read = documents(recorded("2025-01--product-create-media-parity.json"))[
        "productCreateMedia-downstream-read.graphql"
    ]
    replayer = media_replayer(shop)
    product_gid = update["mutation"]["variables"]["productId"]
    product = seed_product(replayer, product_gid, "Hermes Product Media Conformance 1784476199106")
    setup = update["setup"]
    replayer.run(step("createMedia", docs["productCreateMedia-parity-plan.graphql"], setup["createMedia"]))
    processed(clock)
    replayer.run(Step("readyRead", read, {"id": product_gid}, body(setup["readyRead"])))
    # The recording store's product then got a second image ("Valid in mixed create").
    seed_media(
        replayer,
        product,
        "gid://shopify/MediaImage/44070841581874",
        alt="Valid in mixed create",
        source="https://placehold.co/600x400/png",
    )
    processed(clock)
    replayer.run(step("update", docs["productUpdateMedia-parity-plan.graphql"], update["mutation"]))
    replayer.run(Step("afterUpdate", read, {"id": product_gid}, body(update["downstreamRead"])))
    replayer.run(step("delete", document("productDeleteMedia-parity-plan"), delete["mutation"]))
    replayer.run(Step("afterDelete", read, {"id": product_gid}, body(delete["downstreamRead"])))
    replayer.check()


def test_product_reorder_media_applies_moves_in_request_order(shop: ShopifySandbox, clock: FakeClock) -> None:
    rec = recorded("2025-01--product-reorder-media-parity.json")
    docs = documents(rec)
    replayer = media_replayer(shop)
    setup = rec["setup"]
    replayer.run(
        step("productCreate", docs["productReorderMedia-product-create.graphql"], setup["productCreate"])
    )
    created = copy.deepcopy(setup["productCreateMedia"])
    # Shopify had already started on the fourth image while answering; the sandbox starts processing
    # once the request is over, so in its answer all four are still UPLOADED.
    created["response"]["data"]["productCreateMedia"]["product"]["media"]["nodes"][3]["status"] = "UPLOADED"
    replayer.run(step("productCreateMedia", docs["productCreateMedia-parity-plan.graphql"], created))
    processed(clock)
    read = docs["productReorderMedia-downstream-read.graphql"]
    variables = {"id": rec["singleMove"]["mutation"]["variables"]["id"]}
    replayer.run(Step("ready", read, variables, body(setup["readyRead"])))
    for name in ("singleMove", "orderedMoves"):
        replayer.run(step(name, docs["productReorderMedia-parity.graphql"], rec[name]["mutation"]))
        replayer.run(Step(f"{name}Read", read, variables, body(rec[name]["downstreamRead"])))
    replayer.check()


def test_product_create_and_update_with_top_level_media(shop: ShopifySandbox) -> None:
    rec = recorded("2025-01--product-top-level-media-parity.json")
    docs = documents(rec)
    replayer = media_replayer(shop)
    create = docs["product-top-level-media-create.graphql"]
    update = docs["product-top-level-media-update.graphql"]
    read = docs["product-top-level-media-read.graphql"]
    for name, query in (
        ("validCreate", create),
        ("readAfterValidCreate", read),
        ("validUpdate", update),
        ("readAfterValidUpdate", read),
        ("invalidUpdate", update),
        ("readAfterInvalidUpdate", read),
        ("invalidCreate", create),
    ):
        replayer.run(step(name, query, rec[name]))
    replayer.check()
    titles = [p.title for p in shop.shop().products.values()]
    assert titles == ["Product top-level media updated 1783683277383"]  # nothing of the refused calls


CASCADE_SETUP_CREATE = """
mutation CascadeProductCreate($product: ProductCreateInput!) {
  productCreate(product: $product) { product { id title variants(first: 5) { nodes { id title } } } userErrors { field message } }
}
"""
CASCADE_CREATE_MEDIA = """
mutation CascadeCreateMedia($productId: ID!, $media: [CreateMediaInput!]!) {
  productCreateMedia(productId: $productId, media: $media) {
    media { id alt mediaContentType status preview { image { url } } ... on MediaImage { image { url } } }
    mediaUserErrors { field message }
    product { id media(first: 10) { nodes { id alt mediaContentType status } } }
  }
}
"""
CASCADE_READY = "query CascadeReady($productId: ID!) { product(id: $productId) { id media(first: 10) { nodes { id status } } } }"
CASCADE_FILE = """
query CascadeFile($id: ID!) {
  node(id: $id) {
    id __typename
    ... on MediaImage {
      alt fileStatus mediaContentType status
      preview { image { url width height } }
      image { url width height }
    }
  }
}
"""
CASCADE_APPEND = """
mutation CascadeAppend($productId: ID!, $variantMedia: [ProductVariantAppendMediaInput!]!) {
  productVariantAppendMedia(productId: $productId, variantMedia: $variantMedia) {
    product { id }
    productVariants { id media(first: 5) { nodes { id alt mediaContentType } } }
    userErrors { field message code }
  }
}
"""


@pytest.mark.parametrize(
    ("scenario", "document_name"),
    [
        ("deleteScenario", "media-file-cascade-file-delete.graphql"),
        ("updateDetachScenario", "media-file-cascade-file-update-remove-reference.graphql"),
    ],
)
def test_variant_media_cleared_when_its_file_goes(
    shop: ShopifySandbox, clock: FakeClock, scenario: str, document_name: str
) -> None:
    rec = recorded("2025-01--media-file-cascade-variant-media-clear.json")
    docs = documents(rec)
    part = rec[scenario]
    setup = part["setup"]
    replayer = media_replayer(shop)
    created = copy.deepcopy(setup["productCreateMedia"])
    # Race in the recording store (see the reorder test): the answer's product media is UPLOADED here.
    created["response"]["data"]["productCreateMedia"]["product"]["media"]["nodes"][0]["status"] = "UPLOADED"
    replayer.run(step("productCreate", CASCADE_SETUP_CREATE, setup["productCreate"]))
    replayer.run(step("productCreateMedia", CASCADE_CREATE_MEDIA, created))
    processed(clock)
    replayer.run(step("mediaReadyRead", CASCADE_READY, setup["mediaReadyRead"]))
    replayer.run(step("fileRead", CASCADE_FILE, setup["fileReadBeforeCascade"]))
    replayer.run(step("append", CASCADE_APPEND, setup["productVariantAppendMedia"]))
    variant_read = docs["media-file-cascade-variant-media-read.graphql"]
    replayer.run(step("variantRead", variant_read, setup["variantReadBeforeCascade"]))
    replayer.run(step("mutation", docs[document_name], part["mutation"]))
    replayer.run(step("downstreamRead", variant_read, part["downstreamRead"]))
    replayer.check()


ACK_CREATE = """
mutation AckCreate($files: [FileCreateInput!]!) {
  fileCreate(files: $files) { files { id alt createdAt fileStatus ... on MediaImage { image { url } } } userErrors { field message code } }
}
"""
ACK_UPDATE = """
mutation AckUpdate($files: [FileUpdateInput!]!) {
  fileUpdate(files: $files) { files { id alt fileStatus ... on MediaImage { image { url } } } userErrors { field message code } }
}
"""
ACK = """
mutation Ack($fileIds: [ID!]!) {
  fileAcknowledgeUpdateFailed(fileIds: $fileIds) {
    files { id alt fileStatus ... on MediaImage { image { url } } }
    userErrors { field message code }
  }
}
"""
DELETE = """
mutation Delete($fileIds: [ID!]!) { fileDelete(fileIds: $fileIds) { deletedFileIds userErrors { field message code } } }
"""


def test_media_file_lifecycle_acknowledge_then_delete(shop: ShopifySandbox, clock: FakeClock) -> None:
    rec = recorded("2025-01--media-file-mutation-first-lifecycle.json")
    docs = documents(rec)
    replayer = media_replayer(shop)
    setup = rec["setup"]
    replayer.run(
        step(
            "productCreate",
            PRODUCT_CREATE.replace("variants(first: 1) { nodes { id title } } ", ""),
            setup["productCreate"],
        )
    )
    replayer.run(step("createMedia", CREATE_MEDIA_SHORT, setup["productCreateMedia"]))
    processed(clock)
    replayer.run(step("readyPoll", NODE_STATUS, setup["readyPoll"]))
    replayer.run(
        step("acknowledge", docs["media-file-mutation-first-acknowledge.graphql"], rec["acknowledge"])
    )
    replayer.run(step("delete", docs["media-file-mutation-first-delete.graphql"], rec["delete"]))
    replayer.run(
        step("downstream", docs["media-file-mutation-first-downstream.graphql"], rec["downstreamRead"])
    )
    replayer.check()


def test_file_delete_takes_a_processing_image_off_its_product(shop: ShopifySandbox) -> None:
    rec = recorded("2025-01--file-delete-product-media-parity.json")
    replayer = media_replayer(shop)
    setup = rec["setup"]
    product = setup["productCreate"]["response"]["data"]["productCreate"]["product"]["id"]
    read = document("productDeleteMedia-downstream-read")
    replayer.run(
        step(
            "productCreate",
            PRODUCT_CREATE.replace("variants(first: 1) { nodes { id title } } ", ""),
            setup["productCreate"],
        )
    )
    replayer.run(step("createMedia", CASCADE_CREATE_MEDIA_FULL, setup["productCreateMedia"]))
    replayer.run(Step("beforeDelete", read, {"productId": product}, body(setup["productReadBeforeDelete"])))
    replayer.run(step("delete", DELETE, rec["mutation"]))
    replayer.run(Step("afterDelete", read, {"productId": product}, body(rec["downstreamRead"])))
    replayer.check()


CASCADE_CREATE_MEDIA_FULL = """
mutation CreateMediaFull($productId: ID!, $media: [CreateMediaInput!]!) {
  productCreateMedia(productId: $productId, media: $media) {
    media { id alt mediaContentType status preview { image { url } } ... on MediaImage { image { url } } }
    mediaUserErrors { field message }
    product { id media(first: 10) { nodes { id alt mediaContentType status preview { image { url } } ... on MediaImage { image { url } } } } }
  }
}
"""


# ----- Files API ----------------------------------------------------------------------------------
def test_file_create_then_delete(shop: ShopifySandbox) -> None:
    rec = recorded("2025-01--file-create-delete-parity.json")
    docs = documents(rec)
    replayer = media_replayer(shop)
    replayer.run(step("create", docs["fileCreateDelete-parity.graphql"], rec["createMutation"]))
    replayer.run(step("delete", docs["fileDelete-parity.graphql"], rec["deleteMutation"]))
    replayer.check()
    assert shop.shop().media.files == {}


def test_file_update_alt_of_a_ready_file(shop: ShopifySandbox, clock: FakeClock) -> None:
    rec = recorded("2025-01--file-update-parity.json")
    docs = documents(rec)
    replayer = media_replayer(shop)
    replayer.run(step("create", docs["fileCreateDelete-parity.graphql"], rec["setup"]["createMutation"]))
    processed(clock)
    file_id = rec["mutation"]["variables"]["files"][0]["id"]
    replayer.run(Step("ready", NODE_STATUS, {"id": file_id}, body(rec["setup"]["readyFileRead"])))
    replayer.run(step("update", docs["fileUpdate-parity.graphql"], rec["mutation"]))
    replayer.run(step("cleanup", DELETE, rec["cleanup"]["deleteMutation"]))
    replayer.check()


def seed_ready_files(shop: ShopifySandbox, clock: FakeClock, names: list[tuple[str, str]]) -> None:
    """Files the recording store already held (READY 2048×1365 JPEGs, no alt), oldest first."""
    create = "mutation($files: [FileCreateInput!]!) { fileCreate(files: $files) { userErrors { message } } }"
    for name, _ in names:
        files = [
            {"originalSource": "https://placehold.co/2048x1365.jpg", "filename": name, "contentType": "IMAGE"}
        ]
        assert Gql(shop).data(create, {"files": files})["fileCreate"]["userErrors"] == []
    processed(clock)


DZR = [
    ("DZR_MAMBA_PAIR_BACK_WEB.jpg", "gid://shopify/MediaImage/41691586462002"),
    ("DZR_MECHANIC_PAIR_FRONT_WEB.jpg", "gid://shopify/MediaImage/41691586494770"),
    ("DZR_MECHANIC_PAIR_BACK_WEB.jpg", "gid://shopify/MediaImage/41691586527538"),
    ("DZR_MINNA_PAIR_FRONT_WEB.jpg", "gid://shopify/MediaImage/41691586625842"),
    ("DZR_MINNA_PAIR_BACK_WEB.jpg", "gid://shopify/MediaImage/41691586658610"),
]


def bind_seeded(replayer: Replayer, shop: ShopifySandbox, pairs: list[tuple[str, str]]) -> None:
    by_name = {f.filename: f for f in shop.shop().media.files.values()}
    for name, recorded_gid in pairs:
        replayer.ids.bind(recorded_gid, f"gid://shopify/MediaImage/{by_name[name].id}")


def test_file_create_infers_the_content_type(shop: ShopifySandbox, clock: FakeClock) -> None:
    rec = recorded("2026-04--file-create-content-type-inference.json")
    docs = documents(rec)
    seed_ready_files(shop, clock, DZR)
    replayer = media_replayer(shop)
    bind_seeded(replayer, shop, DZR)
    version = "2026-04"
    replayer.run(
        step(
            "create",
            docs["file-create-content-type-inference-create.graphql"],
            rec["create"],
            version=version,
        )
    )
    reads = rec["reads"]
    replayer.run(
        step(
            "filesRead",
            docs["file-create-content-type-inference-files-read.graphql"],
            reads["filesRead"],
            version=version,
        )
    )
    replayer.run(
        step(
            "videoNode",
            docs["file-create-content-type-inference-video-node.graphql"],
            reads["videoNode"],
            version=version,
        )
    )
    for name in ("documentNode", "extensionlessNode", "modelNode"):
        replayer.run(
            step(
                name,
                docs["file-create-content-type-inference-generic-node.graphql"],
                reads[name],
                version=version,
            )
        )
    replayer.run(step("cleanup", DELETE, rec["cleanup"]["response"], version=version))
    replayer.check()


def test_files_upload_pages_and_non_ready_update(shop: ShopifySandbox, clock: FakeClock) -> None:
    rec = recorded("2026-04--files-upload-live-capture.json")
    docs = documents(rec)
    seed_ready_files(shop, clock, DZR[:1])  # the store held more files: page two has a next page
    replayer = media_replayer(shop)
    version = "2026-04"
    replayer.run(
        step("create", docs["files-upload-local-runtime-create.graphql"], rec["create"], version=version)
    )
    replayer.run(
        step("read", docs["files-upload-local-runtime-read.graphql"], rec["readAfterCreate"], version=version)
    )

    def after(r: Replayer) -> dict[str, Any]:
        return {"after": r.answers["read"]["data"]["files"]["pageInfo"]["endCursor"]}

    page_two = rec["readAfterCreatePageTwo"]
    replayer.run(
        Step(
            "pageTwo",
            docs["files-upload-local-runtime-read-page-two.graphql"],
            after,
            body(page_two["response"]),
            version=version,
        )
    )
    replayer.run(
        step(
            "nonReady",
            docs["fileUpdate-parity.graphql"],
            rec["fileUpdateConflictingSources"],
            version=version,
        )
    )
    replayer.check()
    staged = rec["stagedUploadsCreate"]
    answer = Gql(shop, version=version)(
        docs["files-upload-local-runtime-staged-upload.graphql"], staged["variables"]
    )
    expected = body(staged["response"])["data"]["stagedUploadsCreate"]
    assert answer["data"]["stagedUploadsCreate"]["userErrors"] == expected["userErrors"]
    assert_staged_targets_like(
        expected["stagedTargets"], answer["data"]["stagedUploadsCreate"]["stagedTargets"]
    )


def test_new_file_processing_beside_ready_files(shop: ShopifySandbox, clock: FakeClock) -> None:
    rec = recorded("2026-04--media-file-create-then-image-read.json")
    docs = documents(rec)
    seed_ready_files(shop, clock, DZR[1:])
    replayer = media_replayer(shop)
    bind_seeded(replayer, shop, DZR[1:])
    replayer.run(
        step(
            "create",
            docs["media-file-create-then-image-read-create.graphql"],
            rec["create"],
            version="2026-04",
        )
    )
    replayer.run(
        step(
            "read",
            docs["media-file-create-then-image-read-read.graphql"],
            rec["readAfterCreate"],
            version="2026-04",
        )
    )
    replayer.run(step("cleanup", DELETE, rec["cleanup"], version="2026-04"))
    replayer.check()


def test_file_interface_fields_until_ready(shop: ShopifySandbox, clock: FakeClock) -> None:
    rec = recorded("2026-04--media-file-interface-fields.json")
    docs = documents(rec)
    replayer = media_replayer(shop)
    replayer.run(
        step("create", docs["media-file-interface-fields-create.graphql"], rec["create"], version="2026-04")
    )
    processed(clock)
    readiness = "query Ready($id: ID!) { node(id: $id) { id __typename ... on File { fileStatus } } }"
    for name, answer in rec["readiness"].items():
        file_id = answer["data"]["node"]["id"]
        replayer.run(Step(name, readiness, {"id": file_id}, body(answer), version="2026-04"))
    replayer.run(
        step(
            "read",
            docs["media-file-interface-fields-read.graphql"],
            rec["readAfterCreate"],
            version="2026-04",
        )
    )
    replayer.run(step("cleanup", DELETE, rec["cleanup"], version="2026-04"))
    replayer.check()


SOURCE_CREATE = """
mutation SourceCreate($files: [FileCreateInput!]!) {
  fileCreate(files: $files) {
    files {
      id __typename alt createdAt fileStatus
      ... on MediaImage { image { url } preview { image { url } } }
      ... on GenericFile { url }
    }
    userErrors { field message code }
  }
}
"""
SOURCE_READY = """
query SourceReady($id: ID!) {
  node(id: $id) {
    id __typename
    ... on MediaImage { alt createdAt fileStatus image { url width height } preview { image { url width height } } }
    ... on GenericFile { alt createdAt fileStatus url }
  }
}
"""


def test_file_update_original_source_of_ready_image_and_document(
    shop: ShopifySandbox, clock: FakeClock
) -> None:
    rec = recorded("2026-04--media-file-update-source-semantics.json")
    docs = documents(rec)
    replayer = media_replayer(shop)
    setup, updates, reads = rec["setup"], rec["updates"], rec["reads"]
    v = "2026-04"
    update = docs["media-file-update-source-semantics-update.graphql"]
    image_id = updates["imageOriginalSource"]["variables"]["files"][0]["id"]
    generic_id = updates["genericOriginalSource"]["variables"]["files"][0]["id"]
    # In the order they were made: the image's steps, then the document's.
    replayer.run(step("imageCreate", SOURCE_CREATE, setup["imageCreate"], version=v))
    processed(clock)
    replayer.run(Step("imageReady", SOURCE_READY, {"id": image_id}, body(setup["readyImageRead"]), version=v))
    replayer.run(step("imageUpdate", update, updates["imageOriginalSource"], version=v))
    replayer.run(
        step(
            "imageRead",
            docs["media-file-update-source-semantics-read.graphql"],
            reads["imageAfterOriginalSource"],
            version=v,
        )
    )
    replayer.run(step("genericCreate", SOURCE_CREATE, setup["genericCreate"], version=v))
    processed(clock)
    replayer.run(
        Step("genericReady", SOURCE_READY, {"id": generic_id}, body(setup["readyGenericRead"]), version=v)
    )
    replayer.run(step("genericUpdate", update, updates["genericOriginalSource"], version=v))
    replayer.run(
        step(
            "genericRead",
            docs["media-file-update-source-semantics-generic-read.graphql"],
            reads["genericAfterOriginalSource"],
            version=v,
        )
    )
    replayer.run(step("cleanup", DELETE, rec["cleanup"], version=v))
    replayer.check()


def test_file_acknowledge_update_failed(shop: ShopifySandbox, clock: FakeClock) -> None:
    rec = recorded("2026-04--file-acknowledge-update-failed-parity.json")
    replayer = media_replayer(shop)
    v = "2026-04"
    success, validation = rec["success"], rec["validation"]
    ready_id = success["mutation"]["variables"]["fileIds"][0]
    replayer.run(step("create", ACK_CREATE, success["setup"]["create"], version=v))
    processed(clock)
    replayer.run(
        Step("ready", NODE_STATUS, {"id": ready_id}, body(success["setup"]["readyFileRead"]), version=v)
    )
    replayer.run(step("badUpdate", ACK_UPDATE, success["setup"]["update"], version=v))
    replayer.run(
        Step(
            "afterUpdate",
            NODE_STATUS,
            {"id": ready_id},
            body(success["setup"]["readAfterUpdateAttempt"]),
            version=v,
        )
    )
    replayer.run(step("acknowledge", ACK, success["mutation"], version=v))
    replayer.run(
        Step("afterAck", NODE_STATUS, {"id": ready_id}, body(success["readAfterAcknowledge"]), version=v)
    )
    replayer.run(step("unknown", ACK, validation["unknown"], version=v))
    failed = validation["failedCreateNonReady"]
    replayer.run(step("failedCreate", ACK_CREATE, failed["create"], version=v))
    processed(clock)
    failed_id = failed["mutation"]["variables"]["fileIds"][0]
    replayer.run(
        Step("failedRead", NODE_STATUS, {"id": failed_id}, body(failed["failedCreateRead"]), version=v)
    )
    replayer.run(step("ackFailed", ACK, failed["mutation"], version=v))
    replayer.run(step("delete", DELETE, validation["deleted"]["delete"], version=v))
    replayer.run(step("ackDeleted", ACK, validation["deleted"]["mutation"], version=v))
    replayer.check()


def test_file_delete_by_a_gid_of_another_file_type(shop: ShopifySandbox) -> None:
    rec = recorded("2026-04--media-file-delete-typed-gid-roundtrip.json")
    docs = documents(rec)
    replayer = media_replayer(shop)
    v = "2026-04"
    replayer.run(
        step("create", docs["media-file-delete-typed-gid-roundtrip-create.graphql"], rec["create"], version=v)
    )
    replayer.run(step("deleteActual", docs["fileDelete-parity.graphql"], rec["deleteActual"], version=v))
    # `gid://shopify/Video/{n}` of the second image: the sandbox gid of the same number.
    wrong = rec["deleteWrongType"]
    number = replayer.ids.ids[("MediaImage", wrong["variables"]["fileIds"][0].rsplit("/", 1)[1])]
    replayer.run(
        Step(
            "deleteWrongType",
            docs["fileDelete-parity.graphql"],
            {"fileIds": [f"gid://shopify/Video/{number}"]},
            body(wrong["response"]),
            version=v,
        )
    )
    replayer.check()


def test_attaching_a_processing_file_to_a_product_is_refused(shop: ShopifySandbox, clock: FakeClock) -> None:
    rec = recorded("2026-04--file-update-product-reference-local-staging.json")
    docs = documents(rec)
    seed_ready_files(shop, clock, DZR[:1])
    replayer = media_replayer(shop)
    v = "2026-04"
    replayer.run(
        step(
            "productCreate",
            PRODUCT_CREATE.replace("variants(first: 1) { nodes { id title } } ", ""),
            rec["setup"]["productCreate"],
            version=v,
        )
    )
    replayer.run(
        step("create", docs["fileUpdate-product-reference-create.graphql"], rec["create"], version=v)
    )
    replayer.run(
        step("attach", docs["fileUpdate-product-reference-attach.graphql"], rec["attach"], version=v)
    )
    replayer.run(
        step(
            "productRead",
            docs["fileUpdate-product-reference-product-read.graphql"],
            rec["productReadAfterAttach"],
            version=v,
        )
    )
    replayer.run(
        step(
            "filesRead",
            docs["fileUpdate-product-reference-files-read.graphql"],
            rec["filesReadAfterAttach"],
            version=v,
        )
    )
    replayer.check()


# ----- staged uploads -----------------------------------------------------------------------------
def test_staged_upload_targets_for_images_files_videos_and_models(shop: ShopifySandbox) -> None:
    rec = recorded("2026-04--staged-upload-targets-parity.json")
    query = documents(rec)["staged-upload-targets-parity.graphql"]
    answer = Gql(shop, version="2026-04")(query, rec["stagedUploadsCreate"]["variables"])
    expected = rec["stagedUploadsCreate"]["response"]["data"]["stagedUploadsCreate"]
    targets = answer["data"]["stagedUploadsCreate"]["stagedTargets"]
    assert answer["data"]["stagedUploadsCreate"]["userErrors"] == expected["userErrors"] == []
    # Images and files: the same signed form fields; videos and models: the same field names.
    assert_staged_targets_like(expected["stagedTargets"][:2], targets[:2])
    for want, got in zip(expected["stagedTargets"][2:], targets[2:], strict=True):
        assert [p["name"] for p in got["parameters"]] == [p["name"] for p in want["parameters"]]
    assert "/products/" in targets[0]["resourceUrl"] and "/files/" in targets[1]["resourceUrl"]


def test_staged_upload_without_http_method_is_a_put_target(shop: ShopifySandbox) -> None:
    rec = recorded("2026-04--media-staged-uploads-create-default-http-method.json")
    case = rec["cases"][0]
    answer = Gql(shop, version="2026-04")(case["request"]["document"], case["request"]["variables"])
    expected = body(case["response"])["data"]["stagedUploadsCreate"]
    targets = answer["data"]["stagedUploadsCreate"]["stagedTargets"]
    assert [t["parameters"] for t in targets] == [t["parameters"] for t in expected["stagedTargets"]]
    for target in targets:
        assert target["url"].startswith(target["resourceUrl"] + "?X-Goog-Algorithm=GOOG4-RSA-SHA256&")
