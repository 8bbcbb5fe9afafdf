"""Mutation resolvers: the writes the app performs, validated as Shopify validates them."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from graphql import GraphQLResolveInfo
from graphql.utilities import value_from_ast_untyped

from shopify_app.sandbox.handles import normalize_handle
from shopify_app.sandbox.models import (
    Metafield,
    Product,
    ProductSetOperation,
    WebhookSubscription,
    gid,
    parse_gid,
)
from shopify_app.sandbox.payloads import inventory_level_json, product_json
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

MAX_METAFIELDS_SET = 25
MAX_QUANTITY = 1_000_000_000
INVENTORY_REASONS = (
    "correction",
    "cycle_count_available",
    "damaged",
    "movement_canceled",
    "movement_created",
    "movement_received",
    "movement_updated",
    "other",
    "promotion",
    "quality_control",
    "received",
    "reservation_created",
    "reservation_deleted",
    "reservation_updated",
    "restock",
    "safety_stock",
    "shrinkage",
)


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
        operation = ProductSetOperation(id=context.state.next_id(), status="CREATED")
        operation.pending = (data, product.id if product else None)
        context.state.product_operations[operation.id] = operation
        return {"product": None, "productSetOperation": operation, "userErrors": []}
    plan, errors = validate_product_set(context.state, data, product)
    if errors:
        return {"product": product, "productSetOperation": None, "userErrors": errors}
    written = apply_product_set(context.state, data, product, plan, context.changes)
    return {"product": written, "productSetOperation": None, "userErrors": []}


def advance_product_operation(context: Context, operation: ProductSetOperation) -> None:
    """Async productSet runs when the operation is first polled (deterministic for tests)."""
    if operation.pending is None:
        return
    data, product_id = operation.pending
    operation.pending = None
    product = context.state.products.get(product_id) if product_id is not None else None
    plan, errors = validate_product_set(context.state, data, product)
    if errors:
        operation.user_errors = errors
    else:
        operation.product_id = apply_product_set(context.state, data, product, plan, context.changes).id
    operation.status = "COMPLETE"


@resolves("Mutation", "productCreate")
def product_create(_: Any, info: GraphQLResolveInfo, product: dict[str, Any] | None = None) -> dict[str, Any]:
    context = ctx(info)
    created, errors = create_product(context.state, product or {}, context.changes)
    return {"product": created, "userErrors": errors}


@resolves("Mutation", "productUpdate")
def product_update(_: Any, info: GraphQLResolveInfo, product: dict[str, Any] | None = None) -> dict[str, Any]:
    context = ctx(info)
    data = product or {}
    target = context.state.products.get(parse_gid(data.get("id"), "Product") or -1)
    updated, errors = update_product(context.state, target, data, context.changes)
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


# ----- inventorySetQuantities ---------------------------------------------------------------------
def idempotency_key(info: GraphQLResolveInfo) -> str | None:
    for directive in info.field_nodes[0].directives or ():
        if directive.name.value == "idempotent":
            for argument in directive.arguments or ():
                if argument.name.value == "key":
                    # graphql-core 3.3 wraps the variables (`.coerced`); in 3.2 they are the dict itself.
                    variables: Any = info.variable_values
                    coerced = getattr(variables, "coerced", variables)
                    return str(value_from_ast_untyped(argument.value, coerced))
    return None


def _inventory_error(field: list[str], message: str, code: str) -> dict[str, Any]:
    return {"field": field, "message": message, "code": code}


@resolves("Mutation", "inventorySetQuantities")
def inventory_set_quantities(
    _: Any,
    info: GraphQLResolveInfo,
    input: dict[str, Any],  # noqa: A002
) -> dict[str, Any]:
    context = ctx(info)
    key = idempotency_key(info)
    fingerprint = json.dumps(input, sort_keys=True)
    if key is not None and key in context.state.idempotency:
        previous_fingerprint, previous = context.state.idempotency[key]
        if previous_fingerprint != fingerprint:
            return {
                "inventoryAdjustmentGroup": None,
                "userErrors": [
                    _inventory_error(
                        ["input"],
                        "The same idempotency key cannot be used with different parameters.",
                        "IDEMPOTENCY_KEY_PARAMETER_MISMATCH",
                    )
                ],
            }
        return previous
    result = _set_quantities(context, input)
    if key is not None and not result["userErrors"]:
        context.state.idempotency[key] = (fingerprint, result)
    return result


def _set_quantities(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    state = context.state
    errors = []
    name = data["name"]
    if name not in ("available", "on_hand"):
        errors.append(
            _inventory_error(
                ["input", "name"],
                "The quantity name must be either 'available' or 'on_hand'.",
                "INVALID_NAME",
            )
        )
    if data["reason"] not in INVENTORY_REASONS:
        errors.append(
            _inventory_error(
                ["input", "reason"],
                f"The specified reason is invalid. Valid values are: {', '.join(INVENTORY_REASONS)}.",
                "INVALID_REASON",
            )
        )
    pairs: dict[tuple[str, str], list[int]] = {}
    for index, quantity in enumerate(data["quantities"]):
        pairs.setdefault((quantity["inventoryItemId"], quantity["locationId"]), []).append(index)
    duplicates = sorted(i for indexes in pairs.values() if len(indexes) > 1 for i in indexes)
    for index in duplicates:
        errors.append(
            _inventory_error(
                ["input", "quantities", str(index), "locationId"],
                "The combination of inventoryItemId and locationId must be unique.",
                "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR",
            )
        )
    planned = []
    for index, quantity in enumerate(data["quantities"]):
        path = ["input", "quantities", str(index)]
        variant = state.variant_by_item(parse_gid(quantity["inventoryItemId"], "InventoryItem"))
        location_id = parse_gid(quantity["locationId"], "Location")
        if variant is None:
            errors.append(
                _inventory_error(
                    [*path, "inventoryItemId"],
                    "The specified inventory item could not be found.",
                    "INVALID_INVENTORY_ITEM",
                )
            )
            continue
        if location_id not in state.locations:
            errors.append(
                _inventory_error(
                    [*path, "locationId"], "The specified location could not be found.", "INVALID_LOCATION"
                )
            )
            continue
        if quantity["quantity"] > MAX_QUANTITY:
            errors.append(
                _inventory_error(
                    [*path, "quantity"],
                    "The quantity can't be higher than 1,000,000,000.",
                    "INVALID_QUANTITY_TOO_HIGH",
                )
            )
            continue
        if quantity["quantity"] < -MAX_QUANTITY:
            errors.append(
                _inventory_error(
                    [*path, "quantity"],
                    "The quantity can't be lower than -1,000,000,000.",
                    "INVALID_QUANTITY_TOO_LOW",
                )
            )
            continue
        if name == "on_hand" and quantity["quantity"] < 0:
            errors.append(
                _inventory_error(
                    [*path, "quantity"], "The quantity can't be negative.", "INVALID_QUANTITY_NEGATIVE"
                )
            )
            continue
        assert location_id is not None
        level = state.level(variant.inventory_item_id, location_id, create=False)
        if level is None:
            errors.append(
                _inventory_error(
                    [*path, "locationId"],
                    "The item is not stocked at the location.",
                    "ITEM_NOT_STOCKED_AT_LOCATION",
                )
            )
            continue
        current = level.available if name == "available" else level.on_hand
        expected = quantity.get("changeFromQuantity")
        if expected is not None and expected != current:
            errors.append(
                _inventory_error(
                    [*path, "changeFromQuantity"],
                    "The specified changeFromQuantity does not match the current quantity.",
                    "CHANGE_FROM_QUANTITY_STALE",
                )
            )
            continue
        planned.append((variant, level, quantity["quantity"] - current))
    if errors:
        return {"inventoryAdjustmentGroup": None, "userErrors": errors}
    now = state.now()
    changes = []
    touched_products: dict[int, Product] = {}
    for variant, level, delta in planned:
        level.available += delta
        level.on_hand += delta
        if delta:
            level.updated_at = now
            variant.item_updated_at = now
            product = state.product_of(variant)
            product.updated_at = now
            touched_products[product.id] = product
            context.changes.append(Change("inventory_levels/update", inventory_level_json(level)))
        item = {"__ref": variant}
        location = state.locations[level.location_id]
        names = ["available", "on_hand"]
        for quantity_name in names:
            changes.append(
                {
                    "name": quantity_name,
                    "delta": delta,
                    "quantityAfterChange": None,
                    "ledgerDocumentUri": None,
                    "item": _item_ref(item),
                    "location": location,
                }
            )
    for product in touched_products.values():
        context.changes.append(Change("products/update", product_json(state, product)))
    group = {
        "id": gid("InventoryAdjustmentGroup", state.next_id()),
        "createdAt": now,
        "reason": data["reason"],
        "referenceDocumentUri": data.get("referenceDocumentUri"),
        "changes": changes,
    }
    return {"inventoryAdjustmentGroup": group, "userErrors": []}


def _item_ref(item: dict[str, Any]) -> Any:
    from shopify_app.sandbox.models import InventoryItemRef

    return InventoryItemRef(item["__ref"])


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
