"""Read-side GraphQL resolvers: how the sandbox's records appear as Admin API objects."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graphql import GraphQLError, GraphQLResolveInfo

from shopify_app.sandbox.models import (
    BulkOperation,
    InventoryItemRef,
    Location,
    Metafield,
    Product,
    ProductSetOperation,
    Variant,
    WebhookSubscription,
    gid,
    parse_gid,
    shop_number,
)
from shopify_app.sandbox.pagination import connection
from shopify_app.sandbox.store import Change, ShopState

if TYPE_CHECKING:
    from shopify_app.sandbox.app import ShopifySandbox

Resolver = Callable[..., Any]
RESOLVERS: dict[tuple[str, str], Resolver] = {}


@dataclass
class Context:
    """Per-request execution context."""

    sandbox: ShopifySandbox
    state: ShopState
    api_version: str
    base_url: str = ""
    changes: list[Change] = field(default_factory=list)
    after_response: list[Callable[[], None]] = field(default_factory=list)


def resolves(type_name: str, *field_names: str) -> Callable[[Resolver], Resolver]:
    def register(fn: Resolver) -> Resolver:
        for name in field_names:
            RESOLVERS[(type_name, name)] = fn
        return fn

    return register


_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def field_resolver(source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
    """Dicts answer by key; records via a registered resolver or their snake_case attribute."""
    if isinstance(source, dict):
        return source.get(info.field_name)
    fn = RESOLVERS.get((info.parent_type.name, info.field_name))
    if fn is not None:
        return fn(source, info, **args)
    return getattr(source, _CAMEL.sub("_", info.field_name).lower(), None)


def type_resolver(value: Any, info: GraphQLResolveInfo, abstract_type: Any) -> str | None:
    if isinstance(value, dict):
        return value.get("__typename")
    return getattr(value, "graphql_type", None)


def ctx(info: GraphQLResolveInfo) -> Context:
    return info.context


def page(
    items: list[Any], args: dict[str, Any], value_of: Callable[[Any], Any] | None = None
) -> dict[str, Any]:
    return connection(
        items,
        id_of=lambda item: item.id,
        value_of=value_of,
        first=args.get("first"),
        after=args.get("after"),
        last=args.get("last"),
        before=args.get("before"),
        reverse=bool(args.get("reverse")),
    )


# ----- QueryRoot ----------------------------------------------------------------------------------
@resolves("QueryRoot", "shop")
def _shop(_: Any, info: GraphQLResolveInfo) -> dict[str, Any]:
    context = ctx(info)
    state = context.state
    plan = context.sandbox.config.rate_limit
    plan_name = "Shopify Plus" if state.shopify_plus else {"advanced": "Advanced"}.get(plan, "Basic")
    return {
        "id": gid("Shop", shop_number(state.domain)),
        "name": state.name,
        "email": f"owner@{state.domain}",
        "myshopifyDomain": state.domain,
        "currencyCode": state.currency,
        "plan": {
            "displayName": plan_name,
            "publicDisplayName": plan_name,
            "partnerDevelopment": False,
            "shopifyPlus": state.shopify_plus,
        },
        "ianaTimezone": "Etc/UTC",
        "url": f"https://{state.domain}",
        "weightUnit": "KILOGRAMS",
        "createdAt": state.created_at,
        "updatedAt": state.created_at,
    }


PRODUCT_SORT: dict[str, Callable[[Product], Any]] = {
    "ID": lambda p: p.id,
    "TITLE": lambda p: p.title.lower(),
    "UPDATED_AT": lambda p: p.updated_at,
    "CREATED_AT": lambda p: p.created_at,
    "VENDOR": lambda p: p.vendor.lower(),
    "PRODUCT_TYPE": lambda p: p.product_type.lower(),
    "PUBLISHED_AT": lambda p: p.published_at or "",
    "RELEVANCE": lambda p: p.id,
}


@resolves("QueryRoot", "products")
def _products(_: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = ctx(info).state
    key = PRODUCT_SORT.get(args.get("sortKey") or "ID", PRODUCT_SORT["ID"])
    items = sorted(state.search_products(args.get("query")), key=lambda p: (key(p), p.id))
    return page(items, args, key)


@resolves("QueryRoot", "productsCount")
def _products_count(_: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    return {"count": len(ctx(info).state.search_products(args.get("query"))), "precision": "EXACT"}


@resolves("QueryRoot", "product")
def _product(_: Any, info: GraphQLResolveInfo, id: str) -> Product | None:  # noqa: A002 - GraphQL name
    number = parse_gid(id, "Product")
    return ctx(info).state.products.get(number) if number is not None else None


@resolves("QueryRoot", "productVariants")
def _product_variants(_: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    items = sorted(ctx(info).state.search_variants(args.get("query")), key=lambda v: v.id)
    return page(items, args)


@resolves("QueryRoot", "productVariant")
def _product_variant(_: Any, info: GraphQLResolveInfo, id: str) -> Variant | None:  # noqa: A002
    return ctx(info).state.variant(parse_gid(id, "ProductVariant"))


@resolves("QueryRoot", "node")
def _node(_: Any, info: GraphQLResolveInfo, id: str) -> Any:  # noqa: A002
    return ctx(info).state.find_node(id)


@resolves("QueryRoot", "nodes")
def _nodes(_: Any, info: GraphQLResolveInfo, ids: list[str]) -> list[Any]:
    if len(ids) > 250:
        raise GraphQLError(f"The input array size of {len(ids)} is greater than the maximum allowed of 250.")
    state = ctx(info).state
    return [state.find_node(value) for value in ids]


@resolves("QueryRoot", "locations")
def _locations(_: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    items = sorted(ctx(info).state.locations.values(), key=lambda loc: (loc.name.lower(), loc.id))
    return page(items, args, lambda loc: loc.name)


@resolves("QueryRoot", "location")
def _location(_: Any, info: GraphQLResolveInfo, id: str | None = None) -> Location | None:  # noqa: A002
    state = ctx(info).state
    if id is None:
        return state.primary_location()
    number = parse_gid(id, "Location")
    return state.locations.get(number) if number is not None else None


@resolves("QueryRoot", "inventoryItem")
def _inventory_item(_: Any, info: GraphQLResolveInfo, id: str) -> InventoryItemRef | None:  # noqa: A002
    variant = ctx(info).state.variant_by_item(parse_gid(id, "InventoryItem"))
    return InventoryItemRef(variant) if variant else None


@resolves("QueryRoot", "productOperation")
def _product_operation(_: Any, info: GraphQLResolveInfo, id: str) -> ProductSetOperation | None:  # noqa: A002
    from shopify_app.sandbox.mutations import advance_product_operation

    context = ctx(info)
    number = parse_gid(id, "ProductSetOperation")
    operation = context.state.product_operations.get(number) if number is not None else None
    if operation is not None:
        advance_product_operation(context, operation)
    return operation


@resolves("QueryRoot", "bulkOperation")
def _bulk_operation(_: Any, info: GraphQLResolveInfo, id: str) -> BulkOperation | None:  # noqa: A002
    from shopify_app.sandbox.bulk import advance

    context = ctx(info)
    number = parse_gid(id, "BulkOperation")
    operation = context.state.bulk_operations.get(number) if number is not None else None
    if operation is not None:
        advance(context, operation)
    return operation


@resolves("QueryRoot", "currentBulkOperation")
def _current_bulk_operation(_: Any, info: GraphQLResolveInfo, type: str = "QUERY") -> BulkOperation | None:  # noqa: A002
    from shopify_app.sandbox.bulk import advance

    context = ctx(info)
    mine = [op for op in context.state.bulk_operations.values() if op.type == (type or "QUERY")]
    if not mine:
        return None
    operation = max(mine, key=lambda op: op.id)
    advance(context, operation)
    return operation


@resolves("QueryRoot", "bulkOperations")
def _bulk_operations(_: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    from shopify_app.sandbox import search
    from shopify_app.sandbox.bulk import advance

    context = ctx(info)
    groups = search.parse(args.get("query"))
    operations = sorted(context.state.bulk_operations.values(), key=lambda op: op.id)
    for operation in operations:
        advance(context, operation)

    def values(operation: BulkOperation) -> Callable[[str | None], list[Any]]:
        table: dict[str | None, list[Any]] = {
            None: [operation.query],
            "status": [operation.status],
            "operation_type": [operation.type],
            "created_at": [operation.created_at],
            "id": [operation.id],
        }
        return lambda name: table.get(name, [])

    items = [op for op in operations if search.matches(groups, values(op))]
    return page(items, args)


@resolves("QueryRoot", "webhookSubscriptions")
def _webhook_subscriptions(_: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    topics = set(args.get("topics") or [])
    items = [s for s in ctx(info).state.subscriptions.values() if not topics or s.topic in topics]
    return page(sorted(items, key=lambda s: s.id), args)


@resolves("QueryRoot", "webhookSubscription")
def _webhook_subscription(_: Any, info: GraphQLResolveInfo, id: str) -> WebhookSubscription | None:  # noqa: A002
    number = parse_gid(id, "WebhookSubscription")
    return ctx(info).state.subscriptions.get(number) if number is not None else None


# ----- Product ------------------------------------------------------------------------------------
@resolves("Product", "id")
def _product_id(product: Product, info: GraphQLResolveInfo) -> str:
    return gid("Product", product.id)


@resolves("Product", "legacyResourceId")
@resolves("ProductVariant", "legacyResourceId")
@resolves("Location", "legacyResourceId")
def _legacy_id(record: Any, info: GraphQLResolveInfo) -> str:
    return str(record.id)


@resolves("Product", "options")
def _product_options(product: Product, info: GraphQLResolveInfo, first: int | None = None) -> list[Any]:
    options = product.options[:first] if first is not None else product.options
    used = {(name, value) for v in product.variants for name, value in v.selected_options}
    return [
        {
            "id": gid("ProductOption", option.id),
            "name": option.name,
            "position": option.position,
            "values": [value.name for value in option.values if (option.name, value.name) in used],
            "optionValues": [
                {
                    "id": gid("ProductOptionValue", value.id),
                    "name": value.name,
                    "hasVariants": (option.name, value.name) in used,
                }
                for value in option.values
            ],
        }
        for option in options
    ]


@resolves("Product", "variants")
def _product_variants_connection(product: Product, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    return page(list(product.variants), args, lambda v: v.position)


@resolves("Product", "variantsCount")
def _variants_count(product: Product, info: GraphQLResolveInfo) -> dict[str, Any]:
    return {"count": len(product.variants), "precision": "EXACT"}


@resolves("Product", "totalInventory")
def _total_inventory(product: Product, info: GraphQLResolveInfo) -> int:
    return ctx(info).state.total_inventory(product)


@resolves("Product", "tracksInventory")
def _tracks_inventory(product: Product, info: GraphQLResolveInfo) -> bool:
    return any(v.tracked for v in product.variants)


@resolves("Product", "hasOnlyDefaultVariant")
def _only_default(product: Product, info: GraphQLResolveInfo) -> bool:
    return len(product.variants) == 1 and product.variants[0].selected_options == [("Title", "Default Title")]


@resolves("Product", "createdAt")
@resolves("ProductVariant", "createdAt")
@resolves("Location", "createdAt")
@resolves("Metafield", "createdAt")
@resolves("InventoryLevel", "createdAt")
@resolves("WebhookSubscription", "createdAt")
@resolves("BulkOperation", "createdAt")
def _created_at(record: Any, info: GraphQLResolveInfo) -> str:
    return record.created_at


@resolves("Product", "metafield")
@resolves("ProductVariant", "metafield")
def _metafield(
    owner: Any, info: GraphQLResolveInfo, key: str, namespace: str | None = None
) -> Metafield | None:
    if namespace is None and "." in key:
        namespace, key = key.split(".", 1)
    for metafield in owner.metafields:
        if metafield.key == key and metafield.namespace == (namespace or ctx(info).state.app_namespace):
            return metafield
    return None


@resolves("Product", "metafields")
@resolves("ProductVariant", "metafields")
def _metafields(owner: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    items = [
        m
        for m in owner.metafields
        if (args.get("namespace") is None or m.namespace == args["namespace"])
        and (not args.get("keys") or f"{m.namespace}.{m.key}" in args["keys"])
    ]
    return page(items, args)


# ----- ProductVariant -----------------------------------------------------------------------------
@resolves("ProductVariant", "id")
def _variant_id(variant: Variant, info: GraphQLResolveInfo) -> str:
    return gid("ProductVariant", variant.id)


@resolves("ProductVariant", "displayName")
def _display_name(variant: Variant, info: GraphQLResolveInfo) -> str:
    return f"{ctx(info).state.product_of(variant).title} - {variant.title}"


@resolves("ProductVariant", "selectedOptions")
def _selected_options(variant: Variant, info: GraphQLResolveInfo) -> list[dict[str, Any]]:
    product = ctx(info).state.product_of(variant)
    out = []
    for name, value in variant.selected_options:
        option = next((o for o in product.options if o.name == name), None)
        value_record = next((v for v in option.values if v.name == value), None) if option else None
        out.append(
            {
                "name": name,
                "value": value,
                "optionValue": {
                    "id": gid("ProductOptionValue", value_record.id if value_record else 0),
                    "name": value,
                    "hasVariants": True,
                },
            }
        )
    return out


@resolves("ProductVariant", "inventoryItem")
def _variant_item(variant: Variant, info: GraphQLResolveInfo) -> InventoryItemRef:
    return InventoryItemRef(variant)


@resolves("ProductVariant", "inventoryQuantity")
def _variant_quantity(variant: Variant, info: GraphQLResolveInfo) -> int:
    return ctx(info).state.inventory_quantity(variant)


@resolves("ProductVariant", "product")
def _variant_product(variant: Variant, info: GraphQLResolveInfo) -> Product:
    return ctx(info).state.product_of(variant)


# ----- InventoryItem / InventoryLevel / Location --------------------------------------------------
@resolves("InventoryItem", "id")
def _item_id(item: InventoryItemRef, info: GraphQLResolveInfo) -> str:
    return gid("InventoryItem", item.variant.inventory_item_id)


@resolves("InventoryItem", "legacyResourceId")
def _item_legacy(item: InventoryItemRef, info: GraphQLResolveInfo) -> str:
    return str(item.variant.inventory_item_id)


@resolves("InventoryItem", "sku")
def _item_sku(item: InventoryItemRef, info: GraphQLResolveInfo) -> str | None:
    return item.variant.sku


@resolves("InventoryItem", "tracked")
def _item_tracked(item: InventoryItemRef, info: GraphQLResolveInfo) -> bool:
    return item.variant.tracked


@resolves("InventoryItem", "requiresShipping")
def _item_shipping(item: InventoryItemRef, info: GraphQLResolveInfo) -> bool:
    return item.variant.requires_shipping


@resolves("InventoryItem", "variant")
def _item_variant(item: InventoryItemRef, info: GraphQLResolveInfo) -> Variant:
    return item.variant


@resolves("InventoryItem", "createdAt")
def _item_created(item: InventoryItemRef, info: GraphQLResolveInfo) -> str:
    return item.variant.item_created_at


@resolves("InventoryItem", "updatedAt")
def _item_updated(item: InventoryItemRef, info: GraphQLResolveInfo) -> str:
    return item.variant.item_updated_at


# Levels, quantities and the rest of Location: `inventory_levels.py`, `locations.py`.
@resolves("Location", "id")
def _location_id(location: Location, info: GraphQLResolveInfo) -> str:
    return gid("Location", location.id)


# ----- Metafield, webhooks, operations ------------------------------------------------------------
@resolves("Metafield", "id")
def _metafield_id(metafield: Metafield, info: GraphQLResolveInfo) -> str:
    return gid("Metafield", metafield.id)


@resolves("Metafield", "jsonValue")
def _metafield_json(metafield: Metafield, info: GraphQLResolveInfo) -> Any:
    return metafield.json_value()


@resolves("WebhookSubscription", "id")
def _subscription_id(subscription: WebhookSubscription, info: GraphQLResolveInfo) -> str:
    return gid("WebhookSubscription", subscription.id)


@resolves("WebhookSubscription", "endpoint")
def _subscription_endpoint(subscription: WebhookSubscription, info: GraphQLResolveInfo) -> dict[str, Any]:
    return {"__typename": "WebhookHttpEndpoint", "callbackUrl": subscription.uri}


@resolves("WebhookSubscription", "apiVersion")
def _subscription_version(subscription: WebhookSubscription, info: GraphQLResolveInfo) -> dict[str, Any]:
    return {"handle": subscription.api_version, "displayName": subscription.api_version, "supported": True}


@resolves("ProductSetOperation", "id")
def _operation_id(operation: ProductSetOperation, info: GraphQLResolveInfo) -> str:
    return gid("ProductSetOperation", operation.id)


@resolves("ProductSetOperation", "product")
def _operation_product(operation: ProductSetOperation, info: GraphQLResolveInfo) -> Product | None:
    if operation.product_id is None:
        return None
    return ctx(info).state.products.get(operation.product_id)


@resolves("ProductSetOperation", "userErrors")
def _operation_errors(operation: ProductSetOperation, info: GraphQLResolveInfo) -> list[dict[str, Any]]:
    return operation.user_errors


@resolves("BulkOperation", "id")
def _bulk_id(operation: BulkOperation, info: GraphQLResolveInfo) -> str:
    return gid("BulkOperation", operation.id)


@resolves("BulkOperation", "objectCount")
def _bulk_objects(operation: BulkOperation, info: GraphQLResolveInfo) -> str:
    return str(operation.object_count)


@resolves("BulkOperation", "rootObjectCount")
def _bulk_roots(operation: BulkOperation, info: GraphQLResolveInfo) -> str:
    return str(operation.root_object_count)


@resolves("BulkOperation", "fileSize")
def _bulk_size(operation: BulkOperation, info: GraphQLResolveInfo) -> str | None:
    return None if operation.file_size is None else str(operation.file_size)


@resolves("BulkOperation", "partialDataUrl")
def _bulk_partial(operation: BulkOperation, info: GraphQLResolveInfo) -> None:
    return None
