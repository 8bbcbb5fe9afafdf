"""Read side of collections: `collection`, `collectionByHandle`, `collectionByIdentifier`,
`collections`, `collectionsCount`, `product.collections` and the Collection object.

Recorded (2025-01 collection-detail, collections-catalog, collection-create-initial-products-parity;
2026-04 collection-top-level-staged-read): `productsCount` reads 0 in the answer of the request that
created the collection and the real count afterwards; `collectionsCount(limit:)` answers the limit with
precision AT_LEAST when there are more; a customId identifier without an `id`-type metafield definition
is a top-level NOT_FOUND error.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo

from shopify_app.sandbox import search
from shopify_app.sandbox.collection_models import Collection
from shopify_app.sandbox.collection_rules import members, sorted_members
from shopify_app.sandbox.models import Product, gid, parse_gid
from shopify_app.sandbox.pagination import connection
from shopify_app.sandbox.resolvers import _metafield, _metafields, ctx, page, resolves
from shopify_app.sandbox.store import ShopState

_TAGS = re.compile(r"<[^>]+>")

resolves("Collection", "metafield")(_metafield)
resolves("Collection", "metafields")(_metafields)


# ----- QueryRoot ----------------------------------------------------------------------------------
@resolves("QueryRoot", "collection")
def _collection(_: Any, info: GraphQLResolveInfo, id: str) -> Collection | None:  # noqa: A002
    number = parse_gid(id, "Collection")
    return ctx(info).state.collections.collections.get(number) if number is not None else None


@resolves("QueryRoot", "collectionByHandle")
def _collection_by_handle(_: Any, info: GraphQLResolveInfo, handle: str) -> Collection | None:
    return ctx(info).state.collections.by_handle(handle)


@resolves("QueryRoot", "collectionByIdentifier")
def _collection_by_identifier(
    _: Any, info: GraphQLResolveInfo, identifier: dict[str, Any]
) -> Collection | None:
    state = ctx(info).state
    if identifier.get("id") is not None:
        return _collection(None, info, identifier["id"])
    if identifier.get("handle") is not None:
        return state.collections.by_handle(identifier["handle"])
    # The sandbox defines no COLLECTION metafield definitions, so no custom id can be used.
    raise GraphQLError(
        "Metafield definition of type 'id' is required when using custom ids.",
        extensions={"code": "NOT_FOUND"},
    )


def search_collections(state: ShopState, query: str | None) -> list[Collection]:
    groups = search.parse(query)

    def values(collection: Collection) -> Callable[[str | None], list[Any]]:
        def of(name: str | None) -> list[Any]:
            table: dict[str | None, list[Any]] = {
                None: [collection.title],
                "title": [collection.title],
                "handle": [collection.handle],
                "collection_type": ["smart" if collection.smart else "custom"],
                "product_id": [p.id for p in members(state, collection)],
                "id": [collection.id],
                "updated_at": [collection.updated_at],
            }
            return table.get(name, [])

        return of

    return [c for c in state.collections.collections.values() if search.matches(groups, values(c))]


COLLECTION_SORT: dict[str, Callable[[Collection], Any]] = {
    "ID": lambda c: str(c.id),
    "TITLE": lambda c: c.title.lower(),
    "UPDATED_AT": lambda c: c.updated_at,
    "RELEVANCE": lambda c: str(c.id),
}


def _sorted(
    items: list[Collection], sort_key: str | None
) -> tuple[list[Collection], Callable[[Collection], Any]]:
    key = COLLECTION_SORT.get(sort_key or "ID", COLLECTION_SORT["ID"])
    return sorted(items, key=lambda c: (key(c), c.id)), key


@resolves("QueryRoot", "collections")
def _collections(_: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    items, key = _sorted(search_collections(ctx(info).state, args.get("query")), args.get("sortKey"))
    return page(items, args, key)


@resolves("QueryRoot", "collectionsCount")
def _collections_count(_: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    count = len(search_collections(ctx(info).state, args.get("query")))
    limit = args.get("limit")
    if limit is not None and count > limit:
        return {"count": limit, "precision": "AT_LEAST"}
    return {"count": count, "precision": "EXACT"}


# ----- Product.collections ------------------------------------------------------------------------
@resolves("Product", "collections")
def _product_collections(product: Product, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = ctx(info).state
    found = [c for c in search_collections(state, args.get("query")) if product in members(state, c)]
    items, key = _sorted(found, args.get("sortKey"))
    return page(items, args, key)


# ----- Collection ---------------------------------------------------------------------------------
@resolves("Collection", "id")
def _collection_id(collection: Collection, info: GraphQLResolveInfo) -> str:
    return gid("Collection", collection.id)


@resolves("Collection", "legacyResourceId")
def _legacy_id(collection: Collection, info: GraphQLResolveInfo) -> str:
    return str(collection.id)


@resolves("Collection", "description")
def _description(collection: Collection, info: GraphQLResolveInfo, truncateAt: int | None = None) -> str:  # noqa: N803
    text = html.unescape(_TAGS.sub("", collection.description_html))
    return text[:truncateAt] if truncateAt is not None else text


@resolves("Collection", "seo")
def _seo(collection: Collection, info: GraphQLResolveInfo) -> dict[str, Any]:
    return {"title": collection.seo_title, "description": collection.seo_description}


@resolves("Collection", "ruleSet")
def _rule_set(collection: Collection, info: GraphQLResolveInfo) -> dict[str, Any] | None:
    if collection.rules is None:
        return None
    return {
        "appliedDisjunctively": collection.disjunctive,
        "rules": [
            {"column": r.column, "relation": r.relation, "condition": r.condition} for r in collection.rules
        ],
    }


@resolves("Collection", "products")
def _collection_products(collection: Collection, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    items, value = sorted_members(ctx(info).state, collection, args.get("sortKey"))
    return connection(
        items,
        id_of=lambda p: p.id,
        value_of=value,
        first=args.get("first"),
        after=args.get("after"),
        last=args.get("last"),
        before=args.get("before"),
        reverse=bool(args.get("reverse")),
    )


@resolves("Collection", "productsCount")
def _products_count(collection: Collection, info: GraphQLResolveInfo) -> dict[str, Any]:
    context = ctx(info)
    if collection.created_in is not None and collection.created_in() is context:
        return {"count": 0, "precision": "EXACT"}  # counted once the creating request is over
    return {"count": len(members(context.state, collection)), "precision": "EXACT"}


@resolves("Collection", "hasProduct")
def _has_product(collection: Collection, info: GraphQLResolveInfo, id: str) -> bool:  # noqa: A002
    state = ctx(info).state
    number = parse_gid(id, "Product")
    return any(p.id == number for p in members(state, collection))
