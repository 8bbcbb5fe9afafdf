"""Collection writes: collectionCreate / collectionUpdate (the legacy `input: CollectionInput` the
recordings use, and the 2026-07 `collection:` input without `sources`), collectionDelete,
collectionAddProducts, collectionAddProductsV2, collectionRemoveProducts, collectionReorderProducts,
and `collectionsToJoin` / `collectionsToLeave` of productCreate / productUpdate.

Importing this module registers the collection resolvers (reads in `collection_resolvers`).

Recorded behaviour (reference/shopify/recorded, 2025-01 collection-*-parity, 2026-04
collection-product-membership-job-parity and collection-reorder-products-manual-sort): a handle comes
from the title (underscores kept: `best_selling`), a taken one gets `-1` or its trailing number
incremented; membership mutations other than collectionAddProducts answer a Job that is not done yet
(unknown product ids are ignored, the job still comes); a smart collection takes no manual products
from 2026-04 on (2025-01 accepted them); only a MANUAL collection can be reordered, `newPosition`
being a string. The app subscribes to no collections/* topic, so no collection webhooks are sent.
"""

from __future__ import annotations

import re
import weakref
from typing import Any

from graphql import GraphQLResolveInfo

from shopify_app.sandbox import collection_resolvers as _collection_resolvers  # noqa: F401 - registers reads
from shopify_app.sandbox.collection_models import Collection, Rule
from shopify_app.sandbox.handles import unique_handle
from shopify_app.sandbox.media import describe
from shopify_app.sandbox.models import Metafield, Product, gid, parse_gid
from shopify_app.sandbox.resolvers import RESOLVERS, Context, ctx, resolves
from shopify_app.sandbox.store import ShopState

MAX_TITLE = 255
SMART_FROM = "2026-04"  # 2025-01 added and removed products of a smart collection by hand
MISSING = "Collection does not exist"
_SEPARATORS = re.compile(r"[^\w]+", re.UNICODE)


def user_error(field: list[str] | None, message: str, code: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"field": field, "message": message}
    if code is not None:
        error["code"] = code
    return error


def collection_handle(raw: str) -> str:
    """`Hermes Reorder BEST_SELLING 1` → `hermes-reorder-best_selling-1` (recorded)."""
    return _SEPARATORS.sub("-", raw.strip().lower()).strip("-")


def _free_handle(state: ShopState, base: str, *, except_id: int | None = None) -> str:
    taken = {c.handle for c in state.collections.collections.values() if c.id != except_id}
    return unique_handle(base or "collection", lambda h: h in taken)


def collection_by_gid(state: ShopState, value: Any) -> Collection | None:
    number = parse_gid(value, "Collection")
    return state.collections.collections.get(number) if number is not None else None


# ----- create / update / delete -------------------------------------------------------------------
def _checks(context: Context, data: dict[str, Any], *, creating: bool) -> list[dict[str, Any]]:
    errors = []
    title = data.get("title")
    if creating and not (title or "").strip():
        errors.append(user_error(["title"], "Title can't be blank"))
    elif title is not None and len(title) > MAX_TITLE:
        errors.append(user_error(["title"], f"Title is too long (maximum is {MAX_TITLE} characters)"))
    for index, value in enumerate(data.get("products") or []):
        if parse_gid(value, "Product") not in context.state.products:
            errors.append(user_error(["products", str(index)], "Product does not exist"))
    rule_set = data.get("ruleSet")
    if rule_set is not None and not rule_set.get("rules"):
        errors.append(user_error(["ruleSet", "rules"], "Rules cannot be an empty set"))
    return errors


def _metafields(context: Context, collection: Collection, inputs: list[dict[str, Any]]) -> None:
    now = context.state.now()
    for item in inputs:
        namespace = item.get("namespace") or context.state.app_namespace
        existing = next(
            (m for m in collection.metafields if (m.namespace, m.key) == (namespace, item.get("key"))), None
        )
        if existing is not None:
            existing.value = item.get("value") or existing.value
            existing.type = item.get("type") or existing.type
            existing.updated_at = now
            continue
        collection.metafields.append(
            Metafield(
                context.state.next_id(),
                gid("Collection", collection.id),
                namespace,
                item.get("key") or "",
                item.get("type") or "single_line_text_field",
                item.get("value") or "",
                now,
                now,
            )
        )


def _apply(context: Context, collection: Collection, data: dict[str, Any]) -> None:
    if data.get("title") is not None:
        collection.title = data["title"]
    if data.get("descriptionHtml") is not None:
        collection.description_html = data["descriptionHtml"]
    if data.get("sortOrder") is not None:
        collection.sort_order = data["sortOrder"]
    if "templateSuffix" in data:
        collection.template_suffix = data["templateSuffix"] or None
    seo = data.get("seo")
    if seo is not None:
        collection.seo_title = seo.get("title", collection.seo_title)
        collection.seo_description = seo.get("description", collection.seo_description)
    image = data.get("image")
    if image is not None:
        source = image.get("src")
        found = describe(context.state, source, "MediaImage") if source else {}
        collection.image = (
            {
                "id": gid("CollectionImage", context.state.next_id()),
                "url": source,
                "altText": image.get("altText"),
                "width": found.get("width"),
                "height": found.get("height"),
            }
            if source
            else None
        )
    rule_set = data.get("ruleSet")
    if rule_set is not None:
        collection.rules = [
            Rule(r["column"], r["relation"], r["condition"]) for r in rule_set.get("rules") or []
        ]
        collection.disjunctive = bool(rule_set.get("appliedDisjunctively"))
    for value in data.get("products") or []:
        number = parse_gid(value, "Product")
        if number is not None and number not in collection.products:
            collection.products.append(number)
    if data.get("metafields"):
        _metafields(context, collection, data["metafields"])
    collection.updated_at = context.state.now()


@resolves("Mutation", "collectionCreate")
def collection_create(
    _: Any,
    info: GraphQLResolveInfo,
    input: dict[str, Any] | None = None,  # noqa: A002 - GraphQL argument name
    collection: dict[str, Any] | None = None,
) -> dict[str, Any]:
    context = ctx(info)
    state = context.state
    data = input if input is not None else collection or {}
    if data.get("id") is not None:
        return {
            "collection": None,
            "userErrors": [user_error(["id"], "id cannot be specified on collection creation")],
        }
    errors = _checks(context, data, creating=True)
    if errors:
        return {"collection": None, "userErrors": errors}
    now = state.now()
    base = collection_handle(data.get("handle") or data["title"])
    created = Collection(
        id=state.next_id(),
        title=data["title"],
        handle=_free_handle(state, base),
        created_at=now,
        updated_at=now,
        created_in=weakref.ref(context),
    )
    _apply(context, created, data)
    state.collections.collections[created.id] = created
    return {"collection": created, "userErrors": []}


@resolves("Mutation", "collectionUpdate")
def collection_update(
    _: Any,
    info: GraphQLResolveInfo,
    input: dict[str, Any] | None = None,  # noqa: A002
    collection: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A new rule set answers a Job (membership is worked out again); a custom collection takes none."""
    context = ctx(info)
    data = input if input is not None else collection or {}
    if data.get("id") is None:
        return {"collection": None, "job": None, "userErrors": [user_error(None, MISSING)]}
    target = collection_by_gid(context.state, data["id"])
    if target is None:
        return {"collection": None, "job": None, "userErrors": [user_error(["id"], MISSING)]}
    if data.get("ruleSet") is not None and not target.smart:
        return {
            "collection": target,
            "job": None,
            "userErrors": [user_error(["id"], "Cannot update rule set of a custom collection")],
        }
    errors = _checks(context, {k: v for k, v in data.items() if k != "products"}, creating=False)
    if errors:
        return {"collection": target, "job": None, "userErrors": errors}
    if data.get("handle"):
        wanted = collection_handle(data["handle"])
        if wanted != target.handle:
            target.handle = _free_handle(context.state, wanted, except_id=target.id)
    _apply(context, target, {k: v for k, v in data.items() if k != "products"})
    job = context.state.media.new_job() if data.get("ruleSet") is not None else None
    return {"collection": target, "job": job, "userErrors": []}


@resolves("Mutation", "collectionDelete")
def collection_delete(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
    context = ctx(info)
    shop = RESOLVERS[("QueryRoot", "shop")](None, info)
    target = collection_by_gid(context.state, input["id"])
    if target is None:
        return {"deletedCollectionId": None, "shop": shop, "userErrors": [user_error(["id"], MISSING)]}
    del context.state.collections.collections[target.id]
    return {"deletedCollectionId": gid("Collection", target.id), "shop": shop, "userErrors": []}


# ----- membership ---------------------------------------------------------------------------------
def _add(collection: Collection, state: ShopState, product_ids: list[str]) -> None:
    for value in product_ids:
        number = parse_gid(value, "Product")
        if number in state.products and number not in collection.products:
            collection.products.append(number)  # unknown ids are ignored (recorded)


@resolves("Mutation", "collectionAddProducts")
def collection_add_products(
    _: Any,
    info: GraphQLResolveInfo,
    id: str,  # noqa: A002
    productIds: list[str],  # noqa: N803
) -> dict[str, Any]:
    context = ctx(info)
    target = collection_by_gid(context.state, id)
    if target is None:
        return {"collection": None, "userErrors": [user_error(["id"], MISSING)]}
    if target.smart and context.api_version >= SMART_FROM:
        return {
            "collection": None,
            "userErrors": [user_error(["id"], "Can't manually add products to a smart collection")],
        }
    _add(target, context.state, productIds)
    target.updated_at = context.state.now()
    return {"collection": target, "userErrors": []}


@resolves("Mutation", "collectionAddProductsV2")
def collection_add_products_v2(
    _: Any,
    info: GraphQLResolveInfo,
    id: str,  # noqa: A002
    productIds: list[str],  # noqa: N803
) -> dict[str, Any]:
    context = ctx(info)
    target = collection_by_gid(context.state, id)
    if target is None:
        return {"job": None, "userErrors": [user_error(["id"], MISSING, "COLLECTION_DOES_NOT_EXIST")]}
    if target.smart:
        message = "Can't manually add products to a smart collection"
        return {"job": None, "userErrors": [user_error(["id"], message, "CANT_ADD_TO_SMART_COLLECTION")]}
    _add(target, context.state, productIds)
    target.updated_at = context.state.now()
    return {"job": context.state.media.new_job(), "userErrors": []}


@resolves("Mutation", "collectionRemoveProducts")
def collection_remove_products(
    _: Any,
    info: GraphQLResolveInfo,
    id: str,  # noqa: A002
    productIds: list[str],  # noqa: N803
) -> dict[str, Any]:
    context = ctx(info)
    target = collection_by_gid(context.state, id)
    if target is None:
        return {"job": None, "userErrors": [user_error(["id"], MISSING)]}
    if target.smart and context.api_version >= SMART_FROM:
        return {
            "job": None,
            "userErrors": [user_error(["id"], "Can't manually remove products from a smart collection")],
        }
    removed = {parse_gid(value, "Product") for value in productIds}
    target.products = [p for p in target.products if p not in removed]
    target.updated_at = context.state.now()
    return {"job": context.state.media.new_job(), "userErrors": []}


@resolves("Mutation", "collectionReorderProducts")
def collection_reorder_products(
    _: Any,
    info: GraphQLResolveInfo,
    id: str,  # noqa: A002
    moves: list[dict[str, Any]],
) -> dict[str, Any]:
    """Moves apply one after the other; a product not in the collection is skipped."""
    context = ctx(info)
    target = collection_by_gid(context.state, id)
    if target is None:
        return {"job": None, "userErrors": [user_error(["id"], MISSING, "COLLECTION_NOT_FOUND")]}
    if target.smart or target.sort_order != "MANUAL":
        message = "Can't reorder products unless collection is manually sorted"
        return {"job": None, "userErrors": [user_error(["id"], message, "MANUALLY_SORTED_COLLECTION")]}
    order = target.products
    for move in moves:
        number = parse_gid(move["id"], "Product")
        if number not in order:
            continue
        order.remove(number)
        order.insert(min(int(move["newPosition"]), len(order)), number)
    target.updated_at = context.state.now()
    return {"job": context.state.media.new_job(), "userErrors": []}


# ----- productCreate / productUpdate --------------------------------------------------------------
def join_collections(context: Context, product: Product | None, data: dict[str, Any]) -> None:
    """`collectionsToJoin` adds the product to custom collections (unknown ids are silently ignored,
    recorded 2025-01 productCreate-collections-to-join-parity); `collectionsToLeave` takes it out."""
    if product is None:
        return
    for value in data.get("collectionsToJoin") or []:
        target = collection_by_gid(context.state, value)
        if target is not None and not target.smart and product.id not in target.products:
            target.products.append(product.id)
            target.updated_at = context.state.now()
    for value in data.get("collectionsToLeave") or []:
        target = collection_by_gid(context.state, value)
        if target is not None and product.id in target.products:
            target.products.remove(product.id)
            target.updated_at = context.state.now()
