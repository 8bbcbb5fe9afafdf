"""Collections through the Admin API: create, update and delete custom collections, add, remove and
reorder their products, list collections and a collection's products, look collections up (with the
app's `joor` metafields that say whose they are) and read the first page of a collection's manual order.

Creation and updates use the 2026-07 `collection:` inputs (the `input:` form is deprecated). Adding,
removing and reordering products answer a Job that Shopify finishes in the background
(`shopify_app.admin.media.job_await`); only a MANUAL collection can be reordered, and a smart
collection (rules) takes no products by hand. Functions take the client first, like
`shopify_app.admin.bulk`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shopify_app.admin.media import Job, JobResult
from shopify_app.admin.types import MutationResult, user_errors_from

if TYPE_CHECKING:
    from shopify_app.admin.client import AdminClient

MAX_PRODUCTS_PER_CALL = 250  # Shopify's cap on input arrays


@dataclass(frozen=True)
class Collection:
    id: str
    title: str
    handle: str
    sort_order: str
    smart: bool
    description_html: str = ""
    products_count: int | None = None

    @classmethod
    def from_payload(cls, raw: Mapping[str, Any]) -> Collection:
        count = raw.get("productsCount") or {}
        return cls(
            id=raw["id"],
            title=raw.get("title") or "",
            handle=raw.get("handle") or "",
            sort_order=raw.get("sortOrder") or "",
            smart=raw.get("ruleSet") is not None,
            description_html=raw.get("descriptionHtml") or "",
            products_count=count.get("count"),
        )


@dataclass(frozen=True)
class CollectionResult(MutationResult):
    collection: Collection | None = None


@dataclass(frozen=True)
class CollectionDeleteResult(MutationResult):
    deleted_collection_id: str | None = None


def _collection_result(payload: Mapping[str, Any]) -> CollectionResult:
    raw = payload.get("collection")
    return CollectionResult(
        user_errors=user_errors_from(payload), collection=Collection.from_payload(raw) if raw else None
    )


def _job_result(payload: Mapping[str, Any]) -> JobResult:
    raw = payload.get("job")
    return JobResult(user_errors=user_errors_from(payload), job=Job.from_payload(raw) if raw else None)


def collection_create(client: AdminClient, *, collection: Mapping[str, Any]) -> CollectionResult:
    """collectionCreate with a CollectionCreateInput (never retried when its outcome is unknown)."""
    payload = (
        client.execute("CollectionCreate", {"collection": dict(collection)}, idempotent=False).data.get(
            "collectionCreate"
        )
        or {}
    )
    return _collection_result(payload)


def collection_update(client: AdminClient, *, collection: Mapping[str, Any]) -> CollectionResult:
    """collectionUpdate with a CollectionUpdateInput carrying `id`."""
    payload = (
        client.execute("CollectionUpdate", {"collection": dict(collection)}).data.get("collectionUpdate")
        or {}
    )
    return _collection_result(payload)


def collection_delete(client: AdminClient, *, collection_id: str) -> CollectionDeleteResult:
    payload = client.execute("CollectionDelete", {"id": collection_id}).data.get("collectionDelete") or {}
    return CollectionDeleteResult(
        user_errors=user_errors_from(payload), deleted_collection_id=payload.get("deletedCollectionId")
    )


def collection_products_add(
    client: AdminClient, *, collection_id: str, product_ids: Sequence[str]
) -> list[JobResult]:
    """Add products (in batches of 250); each batch answers a job. Unknown ids are ignored by Shopify."""
    results = []
    for start in range(0, len(product_ids), MAX_PRODUCTS_PER_CALL):
        chunk = list(product_ids[start : start + MAX_PRODUCTS_PER_CALL])
        data = client.execute("CollectionAddProducts", {"id": collection_id, "productIds": chunk}).data
        results.append(_job_result(data.get("collectionAddProductsV2") or {}))
    return results


def collection_products_remove(
    client: AdminClient, *, collection_id: str, product_ids: Sequence[str]
) -> list[JobResult]:
    results = []
    for start in range(0, len(product_ids), MAX_PRODUCTS_PER_CALL):
        chunk = list(product_ids[start : start + MAX_PRODUCTS_PER_CALL])
        data = client.execute("CollectionRemoveProducts", {"id": collection_id, "productIds": chunk}).data
        results.append(_job_result(data.get("collectionRemoveProducts") or {}))
    return results


def collection_products_reorder(
    client: AdminClient, *, collection_id: str, moves: Sequence[tuple[str, int]]
) -> JobResult:
    """Move products to new positions (0-based), applied in the order given; MANUAL collections only."""
    variables = {
        "id": collection_id,
        "moves": [{"id": product, "newPosition": str(p)} for product, p in moves],
    }
    return _job_result(
        client.execute("CollectionReorderProducts", variables).data.get("collectionReorderProducts") or {}
    )


def collections_iter(
    client: AdminClient, *, query: str | None = None, page_size: int = 100
) -> Iterator[Collection]:
    """Every collection matching `query` (e.g. `collection_type:custom`, `title:Spring*`), by id."""
    variables: dict[str, Any] = {"first": max(1, min(page_size, 250))}
    if query:
        variables["query"] = query
    for raw in client.paginate("Collections", variables, "collections"):
        yield Collection.from_payload(raw)


def collection_product_ids(client: AdminClient, *, collection_id: str, page_size: int = 250) -> list[str]:
    """The collection's product ids in its own order (manual order for a MANUAL collection)."""
    variables = {"id": collection_id, "first": max(1, min(page_size, 250))}
    return [p["id"] for p in client.paginate("CollectionProducts", variables, "collection.products")]


@dataclass(frozen=True)
class FoundCollection:
    """A collection as a lookup finds it, with the two `joor` metafields that say whose it is."""

    collection: Collection
    updated_at: str
    linesheet: str  # `joor.linesheet`: the linesheet key the app gave it on creation
    delivery_code: str  # `joor.delivery_code`
    raw: Mapping[str, Any]


def collections_lookup(client: AdminClient, *, query: str, page_size: int = 50) -> list[FoundCollection]:
    """Collections matching `query` (`handle:` / `title:` terms: the 2026-07 `collections` filters)
    with their `joor.linesheet` and `joor.delivery_code` metafields, to tell the app's own apart."""
    variables = {"first": max(1, min(page_size, 250)), "query": query}
    return [
        FoundCollection(
            collection=Collection.from_payload(raw),
            updated_at=str(raw.get("updatedAt") or ""),
            linesheet=str((raw.get("linesheet") or {}).get("value") or ""),
            delivery_code=str((raw.get("deliveryCode") or {}).get("value") or ""),
            raw=raw,
        )
        for raw in client.paginate("CollectionsLookup", variables, "collections")
    ]


def collection_first_products(
    client: AdminClient, *, collection_id: str, first: int = MAX_PRODUCTS_PER_CALL
) -> tuple[list[str], bool]:
    """The first `first` product ids in the collection's manual order, and whether more follow: one
    request, for a cheap comparison with the order the app last agreed."""
    variables = {"id": collection_id, "first": max(1, min(first, 250))}
    data = client.execute("CollectionProductsManual", variables).data.get("collection") or {}
    products = data.get("products") or {}
    ids = [node["id"] for node in products.get("nodes") or []]
    return ids, bool((products.get("pageInfo") or {}).get("hasNextPage"))
