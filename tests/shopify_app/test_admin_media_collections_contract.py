"""The media, files and collections client calls against the Shopify sandbox, in-process.

The sandbox's clock is the client's: when the client sleeps between polls, files move on from
PROCESSING to READY as they would in Shopify.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from shopify_app.admin import collections as col
from shopify_app.admin import media
from shopify_app.admin.client import AdminClient
from tests.shopify_app.admin_scaffolding import SHOP, TOKEN, FakeClock

sandbox_app = pytest.importorskip("shopify_app.sandbox.app")
ShopifySandbox = sandbox_app.ShopifySandbox
SandboxConfig = sandbox_app.SandboxConfig
BASE = "http://sandbox.test"


def png(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of the given size."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x00" * ((width + 7) // 8) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sandbox(clock: FakeClock) -> Iterator[Any]:
    made = ShopifySandbox(
        SandboxConfig(
            static_tokens={SHOP: TOKEN}, products=0, clock=clock, deliver_webhooks="off", rate_limit="off"
        )
    )
    yield made
    made.close()


@pytest.fixture
def client(sandbox: Any, clock: FakeClock) -> Iterator[AdminClient]:
    made = AdminClient(
        shop=SHOP,
        access_token=TOKEN,
        admin_base_url=BASE,
        transport=httpx.WSGITransport(app=sandbox),
        sleep=clock.sleep,
        clock=clock,
    )
    yield made
    made.close()


def style(files: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "title": "Aurora dress",
        "handle": "aurora",
        "productOptions": [{"name": "Color", "values": [{"name": "Navy"}, {"name": "Rose"}]}],
        "variants": [
            {"optionValues": [{"optionName": "Color", "name": c}], "price": "120.00"}
            for c in ("Navy", "Rose")
        ],
        "files": files,
    }


JOOR = "https://cdn.jooraccess.com/img/uploads/accounts/55555/images"


def test_product_set_files_process_then_keep_replace_and_drop(client: AdminClient) -> None:
    front = {
        "originalSource": f"{JOOR}/AUR-NAVY-1.jpg",
        "alt": "AUR navy front",
        "filename": "joor-aur-navy-1.jpg",
    }
    back = {"originalSource": f"{JOOR}/AUR-NAVY-2.jpg", "alt": "AUR navy back", "contentType": "IMAGE"}
    created = client.product_set(style([front, back]), identifier={"handle": "aurora"})
    assert created.ok, created.user_errors
    product_id = created.product["id"]

    listed = media.product_media_get(client, product_id=product_id)
    assert listed is not None
    assert [(m.alt, m.status, m.url) for m in listed.media] == [
        ("AUR navy front", "PROCESSING", None),
        ("AUR navy back", "PROCESSING", None),
    ]
    states = media.files_await_processed(client, file_ids=[m.id for m in listed.media], poll_interval=1.0)
    ready = [states[m.id] for m in listed.media]
    assert [s.status for s in ready if s] == ["READY", "READY"]
    assert ready[0] is not None and ready[0].url is not None
    assert "/files/joor-aur-navy-1.jpg?v=" in ready[0].url  # the filename chosen is kept in the URL

    navy = next(v for v in created.product["variants"]["nodes"] if v["title"] == "Navy")
    shown = media.variant_media_append(client, product_id=product_id, pairs={navy["id"]: listed.media[0].id})
    assert shown.ok and shown.variant_media == {navy["id"]: listed.media[0].id}

    kept = {"id": listed.media[0].id, "alt": "AUR navy front (new alt)"}
    replacement = {"originalSource": f"{JOOR}/AUR-ROSE-1.jpg", "alt": "AUR rose front"}
    again = client.product_set(style([kept, replacement]), identifier={"handle": "aurora"})
    assert again.ok, again.user_errors
    after = media.product_media_get(client, product_id=product_id)
    assert after is not None
    assert [m.alt for m in after.media] == ["AUR navy front (new alt)", "AUR rose front"]
    assert after.media[0].id == listed.media[0].id and after.variant_media[navy["id"]] == listed.media[0].id
    assert media.files_status_get(client, file_ids=[listed.media[1].id]) == {listed.media[1].id: None}


def test_product_set_refuses_a_file_that_is_not_a_url(client: AdminClient) -> None:
    result = client.product_set(style([{"originalSource": "not-a-url"}]), identifier={"handle": "aurora"})
    assert [(e.field, e.message) for e in result.user_errors] == [
        (["input", "files", "0", "originalSource"], "File URL is invalid")
    ]


def test_staged_image_upload_becomes_a_file_with_its_own_size(client: AdminClient, sandbox: Any) -> None:
    staged = client.staged_uploads_create(
        [{"resource": "IMAGE", "filename": "swatch.png", "mimeType": "image/png"}]
    )
    assert staged.ok, staged.user_errors
    (target,) = staged.targets
    uploader = httpx.Client(transport=httpx.WSGITransport(app=sandbox))
    assert (
        uploader.put(target.url, content=png(31, 17), headers={"Content-Type": "image/png"}).status_code
        == 200
    )

    made = media.file_create(client, files=[{"originalSource": target.resource_url, "alt": "Swatch"}])
    assert made.ok, made.user_errors
    (uploaded,) = made.files
    assert (uploaded.type, uploaded.status) == ("MediaImage", "UPLOADED")
    state = media.files_await_processed(client, file_ids=[uploaded.id])[uploaded.id]
    assert state is not None and (state.status, state.width, state.height) == ("READY", 31, 17)

    renamed = media.file_update(client, files=[{"id": uploaded.id, "alt": "Swatch, rose"}])
    assert renamed.ok and renamed.files[0].alt == "Swatch, rose"
    gone = media.file_delete(client, file_ids=[uploaded.id])
    assert gone.deleted_ids == [uploaded.id]


def test_a_source_that_cannot_be_fetched_fails_processing(client: AdminClient, sandbox: Any) -> None:
    broken = f"{JOOR}/MISSING.jpg"
    control = httpx.Client(transport=httpx.WSGITransport(app=sandbox), base_url=BASE)
    assert control.post("/_sandbox/media/failing-urls", json={"urls": [broken]}).json() == {
        "failingUrls": [broken]
    }
    made = media.file_create(client, files=[{"originalSource": broken, "contentType": "IMAGE"}])
    state = media.files_await_processed(client, file_ids=[made.files[0].id])[made.files[0].id]
    assert state is not None and state.failed and state.url is None
    assert state.errors == [
        "IMAGE_DOWNLOAD_FAILURE: File could not be processed because the image could not be downloaded."
    ]


def test_reorder_and_delete_product_media(client: AdminClient) -> None:
    files = [{"originalSource": f"{JOOR}/AUR-{n}.jpg", "alt": f"view {n}"} for n in (1, 2, 3)]
    product_id = client.product_set(style(files), identifier={"handle": "aurora"}).product["id"]
    listed = media.product_media_get(client, product_id=product_id)
    assert listed is not None
    first, second, third = (m.id for m in listed.media)
    moved = media.product_media_reorder(client, product_id=product_id, moves=[(third, 0)])
    assert moved.ok and moved.job is not None and not moved.job.done
    assert media.job_await(client, job=moved.job).done
    order = media.product_media_get(client, product_id=product_id)
    assert order is not None and [m.id for m in order.media] == [third, first, second]

    deleted = media.product_media_delete(client, product_id=product_id, media_ids=[first])
    assert deleted.ok and deleted.deleted_ids == [first]
    missing = media.product_media_delete(client, product_id=product_id, media_ids=[first])
    assert [(e.code, e.message) for e in missing.user_errors] == [
        ("MEDIA_DOES_NOT_EXIST", f"Media id {first} does not exist")
    ]


def test_collections_create_fill_reorder_list_and_delete(client: AdminClient) -> None:
    products = [
        client.product_set(
            {"title": f"Style {n}", "handle": f"style-{n}"}, identifier={"handle": f"style-{n}"}
        ).product["id"]
        for n in (1, 2, 3)
    ]
    made = col.collection_create(client, collection={"title": "Resort 2027", "sortOrder": "MANUAL"})
    assert made.ok and made.collection is not None
    collection = made.collection
    assert (collection.handle, collection.sort_order, collection.smart) == ("resort-2027", "MANUAL", False)

    (added,) = col.collection_products_add(client, collection_id=collection.id, product_ids=products)
    assert added.ok and added.job is not None
    assert col.collection_product_ids(client, collection_id=collection.id) == products
    moved = col.collection_products_reorder(client, collection_id=collection.id, moves=[(products[2], 0)])
    assert moved.ok
    assert col.collection_product_ids(client, collection_id=collection.id) == [
        products[2],
        products[0],
        products[1],
    ]
    (removed,) = col.collection_products_remove(
        client, collection_id=collection.id, product_ids=[products[0]]
    )
    assert removed.ok
    assert col.collection_product_ids(client, collection_id=collection.id) == [products[2], products[1]]

    renamed = col.collection_update(client, collection={"id": collection.id, "title": "Resort 2027 — final"})
    assert renamed.ok and renamed.collection is not None and renamed.collection.title == "Resort 2027 — final"
    listed = list(col.collections_iter(client, query="collection_type:custom"))
    assert [(c.id, c.products_count) for c in listed] == [(collection.id, 2)]

    gone = col.collection_delete(client, collection_id=collection.id)
    assert gone.deleted_collection_id == collection.id
    again = col.collection_delete(client, collection_id=collection.id)
    assert [(e.field, e.message) for e in again.user_errors] == [(["id"], "Collection does not exist")]


def test_collection_errors_come_back_as_user_errors(client: AdminClient) -> None:
    too_long = col.collection_create(client, collection={"title": "T" * 256})
    assert [(e.field, e.message) for e in too_long.user_errors] == [
        (["title"], "Title is too long (maximum is 255 characters)")
    ]
    best_selling = col.collection_create(client, collection={"title": "Best sellers"}).collection
    assert best_selling is not None and best_selling.sort_order == "BEST_SELLING"
    refused = col.collection_products_reorder(client, collection_id=best_selling.id, moves=[])
    assert [(e.code, e.message) for e in refused.user_errors] == [
        ("MANUALLY_SORTED_COLLECTION", "Can't reorder products unless collection is manually sorted")
    ]
