"""Mutation resolvers: the writes the app performs, validated as Shopify validates them."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from graphql import GraphQLResolveInfo

from shopify_app.sandbox.collections import join_collections
from shopify_app.sandbox.handles import normalize_handle
from shopify_app.sandbox.media_mutations import (
    add_top_level_media,
    apply_product_set_files,
    product_set_file_errors,
    top_level_media_errors,
)
from shopify_app.sandbox.models import (
    Metafield,
    Product,
    ProductSetOperation,
    WebhookSubscription,
    gid,
    parse_gid,
)
from shopify_app.sandbox.payloads import product_json
from shopify_app.sandbox.products import (
    apply_product_set,
    apply_variant_fields,
    create_product,
    update_product,
    user_error,
    validate_product_set,
)
from shopify_app.sandbox.resolvers import Context, ctx, resolves
from shopify_app.sandbox.store import Change
from shopify_app.sandbox.taxonomy import check_category

MAX_METAFIELDS_SET = 25


# ----- products -----------------------------------------------------------------------------------
def _target_product(
    context: Context, data: dict[str, Any], identifier: dict[str, Any] | None
) -> tuple[Product | None, dict[str, Any], list[dict[str, Any]]]:
    state = context.state
    if identifier and data.get("id") is not None:
        # Recorded (2026-04 product-set-id-not-allowed): Shopify's generic check of `*Set` identifiers.
        return (
            None,
            data,
            [
                user_error(
                    ["input"], "The id field is not allowed if identifier is provided.", "ID_NOT_ALLOWED"
                )
            ],
        )
    if identifier:
        if identifier.get("id") is not None:
            product = state.products.get(parse_gid(identifier["id"], "Product") or -1)
            if product is None:
                # The same identifier check as recorded for customerSet (2026-04 customer-set-parity,
                # `unknownIdWithCode`); ProductSetUserErrorCode.NOT_FOUND documents the same message.
                return (
                    None,
                    data,
                    [user_error(["input"], "Resource matching the identifier was not found.", "NOT_FOUND")],
                )
            return product, data, []
        if identifier.get("handle"):
            product = state.product_by_handle(normalize_handle(identifier["handle"]))
            if product is None and not data.get("handle"):
                data = {**data, "handle": identifier["handle"]}
            return product, data, []
    if data.get("id") is not None:
        product = state.products.get(parse_gid(data["id"], "Product") or -1)
        if product is None:
            return (
                None,
                data,
                [user_error(["input", "id"], "Product does not exist", "PRODUCT_DOES_NOT_EXIST")],
            )
        return product, data, []
    return None, data, []


@resolves("Mutation", "productSet")
def product_set(
    _: Any,
    info: GraphQLResolveInfo,
    input: dict[str, Any],  # noqa: A002 - GraphQL argument name
    synchronous: bool | None = True,
    identifier: dict[str, Any] | None = None,
) -> dict[str, Any]:
    context = ctx(info)
    product, data, errors = _target_product(context, input, identifier)
    if errors:
        return {"product": None, "productSetOperation": None, "userErrors": errors}
    if synchronous is False:
        # Refused at the call like a synchronous one (the captures are synchronous; an input check is
        # taken to run before the operation is queued).
        check_category(data)
        operation = ProductSetOperation(id=context.state.next_id(), status="CREATED")
        operation.pending = (data, product.id if product else None)
        context.state.product_operations[operation.id] = operation
        return {"product": None, "productSetOperation": operation, "userErrors": []}
    plan, errors = validate_product_set(context.state, data, product)
    errors += product_set_file_errors(context, data, product)
    if errors:
        return {"product": product, "productSetOperation": None, "userErrors": errors}
    written = apply_product_set(context.state, data, product, plan, context.changes)
    apply_product_set_files(context, data, written)
    return {"product": written, "productSetOperation": None, "userErrors": []}


def advance_product_operation(context: Context, operation: ProductSetOperation) -> None:
    """Async productSet runs when the operation is first polled (deterministic for tests)."""
    if operation.pending is None:
        return
    data, product_id = operation.pending
    operation.pending = None
    product = context.state.products.get(product_id) if product_id is not None else None
    plan, errors = validate_product_set(context.state, data, product)
    errors += product_set_file_errors(context, data, product)
    if errors:
        operation.user_errors = errors
    else:
        written = apply_product_set(context.state, data, product, plan, context.changes)
        apply_product_set_files(context, data, written)
        operation.product_id = written.id
    operation.status = "COMPLETE"


@resolves("Mutation", "productCreate")
def product_create(
    _: Any, info: GraphQLResolveInfo, product: dict[str, Any] | None = None, media: list[dict] | None = None
) -> dict[str, Any]:
    context = ctx(info)
    if media_errors := top_level_media_errors(context, None, media):
        return {"product": None, "userErrors": media_errors}
    data = {k: v for k, v in (product or {}).items() if k not in ("collectionsToJoin", "collectionsToLeave")}
    created, errors = create_product(context.state, data, context.changes)
    join_collections(context, created, product or {})
    add_top_level_media(context, created, media)
    return {"product": created, "userErrors": errors}


@resolves("Mutation", "productUpdate")
def product_update(
    _: Any, info: GraphQLResolveInfo, product: dict[str, Any] | None = None, media: list[dict] | None = None
) -> dict[str, Any]:
    context = ctx(info)
    data = {k: v for k, v in (product or {}).items() if k not in ("collectionsToJoin", "collectionsToLeave")}
    target = context.state.products.get(parse_gid(data.get("id"), "Product") or -1)
    if target is not None and (media_errors := top_level_media_errors(context, target, media)):
        return {"product": target, "userErrors": media_errors}
    updated, errors = update_product(context.state, target, data, context.changes)
    if not errors:
        join_collections(context, updated, product or {})
        add_top_level_media(context, updated, media)
    return {"product": updated, "userErrors": errors}


@resolves("Mutation", "productDelete")
def product_delete(
    _: Any,
    info: GraphQLResolveInfo,
    input: dict[str, Any],
    synchronous: bool | None = True,  # noqa: A002
) -> dict[str, Any]:
    context = ctx(info)
    product = context.state.products.get(parse_gid(input.get("id"), "Product") or -1)
    if product is None:
        return {"deletedProductId": None, "userErrors": [user_error(["id"], "Product does not exist")]}
    context.state.delete_product(product)
    context.changes.append(Change("products/delete", {"id": product.id}))
    return {"deletedProductId": gid("Product", product.id), "userErrors": []}


@resolves("Mutation", "productVariantsBulkUpdate")
def product_variants_bulk_update(
    _: Any,
    info: GraphQLResolveInfo,
    productId: str,
    variants: list[dict[str, Any]],  # noqa: N803
    allowPartialUpdates: bool | None = False,  # noqa: N803
) -> dict[str, Any]:
    context = ctx(info)
    state = context.state
    product = state.products.get(parse_gid(productId, "Product") or -1)
    if product is None:
        return {
            "product": None,
            "productVariants": None,
            "userErrors": [user_error(["productId"], "Product does not exist", "PRODUCT_DOES_NOT_EXIST")],
        }
    errors = []
    targets = []
    by_id = {v.id: v for v in product.variants}
    for index, item in enumerate(variants):
        if item.get("id") is None:
            errors.append(
                user_error(
                    ["variants", str(index), "id"],
                    "Product variant is missing ID attribute",
                    "PRODUCT_VARIANT_ID_MISSING",
                )
            )
            continue
        variant = by_id.get(parse_gid(item["id"], "ProductVariant") or -1)
        if variant is None:
            errors.append(
                user_error(
                    ["variants", str(index), "id"],
                    "Product variant does not exist",
                    "PRODUCT_VARIANT_DOES_NOT_EXIST",
                )
            )
            continue
        for field in ("price", "compareAtPrice"):
            value = item.get(field)
            if value is not None and float(value) < 0:
                errors.append(
                    user_error(
                        ["variants", str(index), field],
                        "Price must be greater than or equal to 0",
                        "GREATER_THAN_OR_EQUAL_TO",
                    )
                )
        targets.append((variant, item))
    if errors and not allowPartialUpdates:
        return {"product": product, "productVariants": None, "userErrors": errors}
    now = state.now()
    updated = []
    for variant, item in targets:
        apply_variant_fields(variant, item)
        if item.get("metafields") is not None:
            _upsert_owner_metafields(context, variant, item["metafields"])
        variant.updated_at = now
        variant.item_updated_at = now
        updated.append(variant)
    if updated:
        product.updated_at = now
        context.changes.append(Change("products/update", product_json(state, product)))
    return {"product": product, "productVariants": updated, "userErrors": errors}


def _upsert_owner_metafields(context: Context, owner: Any, inputs: list[dict[str, Any]]) -> None:
    now = context.state.now()
    owner_gid = gid(owner.graphql_type, owner.id)
    for item in inputs:
        namespace = item.get("namespace") or context.state.app_namespace
        existing = next(
            (m for m in owner.metafields if m.namespace == namespace and m.key == item.get("key")), None
        )
        if existing is not None:
            existing.value = item.get("value") or existing.value
            existing.type = item.get("type") or existing.type
            existing.updated_at = now
        else:
            owner.metafields.append(
                Metafield(
                    context.state.next_id(),
                    owner_gid,
                    namespace,
                    item.get("key") or "",
                    item.get("type") or "single_line_text_field",
                    item.get("value") or "",
                    now,
                    now,
                )
            )


# ----- metafieldsSet ------------------------------------------------------------------------------
def _metafield_owner(context: Context, owner_id: str) -> Any:
    state = context.state
    if (number := parse_gid(owner_id, "Product")) is not None:
        return state.products.get(number)
    if (number := parse_gid(owner_id, "ProductVariant")) is not None:
        return state.variant(number)
    if (number := parse_gid(owner_id, "Collection")) is not None:
        return state.collections.collections.get(number)
    return None


def _metafield_error(field: list[str] | None, message: str, code: str, index: int | None) -> dict[str, Any]:
    return {"field": field, "message": message, "code": code, "elementIndex": index}


@resolves("Mutation", "metafieldsSet")
def metafields_set(_: Any, info: GraphQLResolveInfo, metafields: list[dict[str, Any]]) -> dict[str, Any]:
    context = ctx(info)
    if len(metafields) > MAX_METAFIELDS_SET:
        return {
            "metafields": None,
            "userErrors": [
                _metafield_error(
                    ["metafields"],
                    "Exceeded the maximum metafields input limit of 25.",
                    "LESS_THAN_OR_EQUAL_TO",
                    None,
                )
            ],
        }
    errors = []
    plan = []
    for index, item in enumerate(metafields):
        path = ["metafields", str(index)]
        owner = _metafield_owner(context, item["ownerId"])
        if owner is None:
            errors.append(_metafield_error([*path, "ownerId"], "Owner does not exist.", "INVALID", index))
            continue
        namespace = item.get("namespace") or context.state.app_namespace
        existing = next(
            (m for m in owner.metafields if m.namespace == namespace and m.key == item["key"]), None
        )
        if existing is None and not item.get("type"):
            errors.append(_metafield_error([*path, "type"], "Type can't be blank", "BLANK", index))
            continue
        digest = item.get("compareDigest")
        if digest is not None and (existing is None or existing.compare_digest != digest):
            errors.append(
                _metafield_error(
                    [*path],
                    "The resource has been updated since it was loaded. Try again with an updated "
                    "`compareDigest` value.",
                    "STALE_OBJECT",
                    index,
                )
            )
            continue
        if item.get("type", "").startswith(("list.", "json")):
            try:
                json.loads(item["value"])
            except ValueError:
                errors.append(
                    _metafield_error([*path, "value"], "Value is invalid JSON.", "INVALID_VALUE", index)
                )
                continue
        plan.append((owner, existing, namespace, item))
    if errors:
        return {"metafields": None, "userErrors": errors}
    now = context.state.now()
    written = []
    for owner, existing, namespace, item in plan:
        if existing is None:
            existing = Metafield(
                context.state.next_id(),
                gid(owner.graphql_type, owner.id),
                namespace,
                item["key"],
                item["type"],
                item["value"],
                now,
                now,
            )
            owner.metafields.append(existing)
        elif existing.value != item["value"] or (item.get("type") and existing.type != item["type"]):
            existing.value = item["value"]
            existing.type = item.get("type") or existing.type
            existing.updated_at = now
        written.append(existing)
    return {"metafields": written, "userErrors": []}


# ----- webhook subscriptions ----------------------------------------------------------------------
@resolves("Mutation", "webhookSubscriptionCreate")
def webhook_subscription_create(
    _: Any,
    info: GraphQLResolveInfo,
    topic: str,
    webhookSubscription: dict[str, Any],  # noqa: N803
) -> dict[str, Any]:
    context = ctx(info)
    uri = webhookSubscription.get("uri") or webhookSubscription.get("callbackUrl")
    field = ["webhookSubscription", "uri" if webhookSubscription.get("uri") else "callbackUrl"]
    if not uri:
        return {"webhookSubscription": None, "userErrors": [user_error(field, "Address can't be blank")]}
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return {"webhookSubscription": None, "userErrors": [user_error(field, "Address is invalid")]}
    for existing in context.state.subscriptions.values():
        if existing.topic == topic and existing.uri == uri:
            return {
                "webhookSubscription": None,
                "userErrors": [user_error(field, "Address for this topic has already been taken")],
            }
    now = context.state.now()
    subscription = WebhookSubscription(
        id=context.state.next_id(),
        topic=topic,
        uri=uri,
        api_version=context.api_version,
        created_at=now,
        updated_at=now,
        format=webhookSubscription.get("format") or "JSON",
        include_fields=list(webhookSubscription.get("includeFields") or []),
        filter=webhookSubscription.get("filter"),
    )
    context.state.subscriptions[subscription.id] = subscription
    return {"webhookSubscription": subscription, "userErrors": []}


@resolves("Mutation", "webhookSubscriptionDelete")
def webhook_subscription_delete(_: Any, info: GraphQLResolveInfo, id: str) -> dict[str, Any]:  # noqa: A002
    state = ctx(info).state
    number = parse_gid(id, "WebhookSubscription")
    if number is None or number not in state.subscriptions:
        return {
            "deletedWebhookSubscriptionId": None,
            "userErrors": [user_error(["id"], "Webhook subscription does not exist")],
        }
    del state.subscriptions[number]
    return {"deletedWebhookSubscriptionId": id, "userErrors": []}
