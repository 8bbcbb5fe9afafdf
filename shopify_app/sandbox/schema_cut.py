"""Cut the sandbox's schema (`schema.graphql`) out of the real Admin schema.

`SPEC` names every type the sandbox serves, with the fields (and, in parentheses, the arguments) it
keeps; `"*"` keeps all. Required arguments are always kept; enums and scalars are copied whole;
interfaces and union members not in `SPEC` are dropped. Referencing a type that `SPEC` lacks is an
error, so the subset stays closed and deliberate.

    python -m shopify_app.sandbox.schema_cut ../shared/reference/shopify/admin-2026-07.graphql
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from graphql import parse, print_ast
from graphql.language import ast

OUTPUT = Path(__file__).with_name("schema.graphql")
HEADER = (
    "# A strict subset of the Shopify Admin GraphQL schema, version 2026-07: every type, field, argument,\n"
    "# input field and enum value here exists in the real schema with the same type.\n"
)
BUILTIN_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}
KEEP_DIRECTIVES = ("idempotent",)

# fmt: off
PRODUCT_SPEC = {
 "QueryRoot": "shop products(first,after,last,before,reverse,sortKey,query) product(id) productVariants(first,after,last,before,reverse,query) productVariant(id) nodes(ids) node(id) locations(first,after,last,before,reverse) location(id) productOperation(id) currentBulkOperation(type) bulkOperation(id) bulkOperations(first,after,last,before,reverse,sortKey,query) inventoryItem(id) productsCount(query) webhookSubscriptions(first,after,last,before,reverse,topics) webhookSubscription(id)",
 "Mutation": "productSet(input,synchronous,identifier) productCreate(product) productUpdate(product) productDelete(input,synchronous) productVariantsBulkUpdate(productId,variants,allowPartialUpdates) metafieldsSet(metafields) inventorySetQuantities(input) webhookSubscriptionCreate(topic,webhookSubscription) webhookSubscriptionDelete(id) bulkOperationRunQuery(query,groupObjects) bulkOperationRunMutation(mutation,stagedUploadPath,clientIdentifier) bulkOperationCancel(id) stagedUploadsCreate(input)",
 "Shop": "id name email myshopifyDomain currencyCode plan ianaTimezone url weightUnit createdAt updatedAt",
 "ShopPlan": "*",
 "Product": "id legacyResourceId title handle descriptionHtml vendor productType status tags options(first) variants(first,after,last,before,reverse) variantsCount metafield(namespace,key) metafields(namespace,keys,first,after,last,before,reverse) createdAt updatedAt publishedAt totalInventory tracksInventory hasOnlyDefaultVariant",
 "Count": "*",
 "ProductOption": "id name position values optionValues",
 "ProductOptionValue": "id name hasVariants",
 "SelectedOption": "name value optionValue",
 "ProductVariant": "id legacyResourceId title displayName sku barcode price compareAtPrice position selectedOptions inventoryItem inventoryQuantity inventoryPolicy taxable product createdAt updatedAt metafield(namespace,key) metafields(namespace,keys,first,after,last,before,reverse)",
 "InventoryItem": "id legacyResourceId sku tracked requiresShipping variant inventoryLevels(first,after,last,before,reverse) inventoryLevel(locationId) createdAt updatedAt",
 "InventoryLevel": "id item location quantities(names) createdAt updatedAt isActive",
 "InventoryQuantity": "*",
 "Location": "id legacyResourceId name isActive isPrimary fulfillsOnlineOrders createdAt updatedAt inventoryLevels(first,after,last,before,reverse) inventoryLevel(inventoryItemId)",
 "Metafield": "id namespace key type value compareDigest jsonValue createdAt updatedAt ownerType",
 "PageInfo": "*",
 "ProductConnection": "*", "ProductEdge": "*",
 "ProductVariantConnection": "*", "ProductVariantEdge": "*",
 "LocationConnection": "*", "LocationEdge": "*",
 "MetafieldConnection": "*", "MetafieldEdge": "*",
 "InventoryLevelConnection": "*", "InventoryLevelEdge": "*",
 "WebhookSubscriptionConnection": "*", "WebhookSubscriptionEdge": "*",
 "Node": "*", "ProductOperation": "*", "DisplayableError": "*",
 "ProductSetPayload": "*", "ProductSetOperation": "*", "ProductSetUserError": "*",
 "ProductCreatePayload": "product userErrors", "ProductUpdatePayload": "*",
 "ProductDeletePayload": "deletedProductId userErrors",
 "ProductVariantsBulkUpdatePayload": "*", "ProductVariantsBulkUpdateUserError": "*",
 "MetafieldsSetPayload": "*", "MetafieldsSetUserError": "*",
 "InventorySetQuantitiesPayload": "*", "InventorySetQuantitiesUserError": "*",
 "InventoryAdjustmentGroup": "id createdAt reason referenceDocumentUri changes(inventoryItemIds,locationIds,quantityNames)",
 "InventoryChange": "*",
 "WebhookSubscriptionCreatePayload": "*", "WebhookSubscriptionDeletePayload": "*",
 "WebhookSubscription": "id topic uri endpoint format includeFields filter apiVersion createdAt updatedAt",
 "WebhookSubscriptionEndpoint": "WebhookHttpEndpoint",
 "WebhookHttpEndpoint": "*", "ApiVersion": "*", "UserError": "*",
 "BulkOperation": "*", "BulkOperationConnection": "*", "BulkOperationEdge": "*", "BulkOperationRunQueryPayload": "*", "BulkOperationRunMutationPayload": "*",
 "BulkOperationCancelPayload": "*", "BulkOperationUserError": "*", "BulkMutationUserError": "*",
 "StagedUploadsCreatePayload": "*", "StagedMediaUploadTarget": "*", "StagedUploadParameter": "*",
 # inputs
 "ProductSetInput": "id title handle descriptionHtml vendor productType status tags metafields productOptions variants",
 "ProductVariantSetInput": "id optionValues price sku barcode compareAtPrice position inventoryQuantities inventoryItem metafields taxable inventoryPolicy",
 "OptionSetInput": "id name position values",
 "OptionValueSetInput": "*",
 "VariantOptionValueInput": "id name optionId optionName",
 "ProductSetIdentifiers": "id handle",
 "ProductSetInventoryInput": "*",
 "InventoryItemInput": "sku tracked requiresShipping",
 "MetafieldInput": "*", "MetafieldsSetInput": "*",
 "ProductCreateInput": "title handle descriptionHtml vendor productType status tags metafields productOptions",
 "OptionCreateInput": "name position values",
 "OptionValueCreateInput": "name",
 "ProductUpdateInput": "id title handle descriptionHtml vendor productType status tags metafields",
 "ProductDeleteInput": "*",
 "ProductVariantsBulkInput": "id barcode compareAtPrice price inventoryItem optionValues metafields taxable inventoryPolicy",
 "InventorySetQuantitiesInput": "*", "InventoryQuantityInput": "*",
 "WebhookSubscriptionInput": "uri callbackUrl format includeFields filter",
 "StagedUploadInput": "*",
}
# fmt: on


def merge_specs(*specs: dict[str, str]) -> dict[str, str]:
    """One spec out of several domains' specs: a type named twice keeps the union of its fields
    ("*" wins), so each domain lists what it needs without knowing the others."""
    merged: dict[str, str] = {}
    for spec in specs:
        for name, text in spec.items():
            if name not in merged:
                merged[name] = text
            elif "*" in (merged[name], text):
                merged[name] = "*"
            else:
                merged[name] = f"{merged[name]} {text}"
    return merged


def _domain_specs() -> list[dict[str, str]]:
    from shopify_app.sandbox.schema_catalog_media import COLLECTION_SPEC, MEDIA_SPEC
    from shopify_app.sandbox.schema_customers import CUSTOMER_SPEC
    from shopify_app.sandbox.schema_inventory import INVENTORY_SPEC
    from shopify_app.sandbox.schema_orders import ORDER_SPEC
    from shopify_app.sandbox.schema_pricing import PRICING_SPEC
    from shopify_app.sandbox.schema_taxonomy import TAXONOMY_SPEC

    return [
        PRODUCT_SPEC,
        ORDER_SPEC,
        CUSTOMER_SPEC,
        MEDIA_SPEC,
        COLLECTION_SPEC,
        INVENTORY_SPEC,
        PRICING_SPEC,
        TAXONOMY_SPEC,
    ]


SPEC = merge_specs(*_domain_specs())


class SchemaCutError(ValueError):
    """The spec names something the real schema lacks, or misses a referenced type."""


def _parse_spec(text: str) -> dict[str, set[str]] | None:
    if text == "*":
        return None
    fields: dict[str, set[str]] = {}
    for m in re.finditer(r"(\w+)(?:\(([^)]*)\))?", text):
        # A field named by two domains keeps the arguments both name.
        fields.setdefault(m.group(1), set()).update(filter(None, (m.group(2) or "").split(",")))
    return fields


def _named(type_node: Any) -> str:
    while not isinstance(type_node, ast.NamedTypeNode):
        type_node = type_node.type
    return type_node.name.value


def _required(argument: ast.InputValueDefinitionNode) -> bool:
    return isinstance(argument.type, ast.NonNullTypeNode) and argument.default_value is None


def _copy(node: Any, **changes: Any) -> Any:
    return node.__class__(
        **{**{key: getattr(node, key) for key in node.keys}, "description": None, **changes}
    )


def cut_schema(real: str | ast.DocumentNode, spec: dict[str, str] = SPEC) -> str:
    """The SDL of the subset of the real schema (SDL text or parsed document) that `spec` describes."""
    document = parse(real, no_location=True) if isinstance(real, str) else real
    # Walked by shape (`fields`, `interfaces`), whatever the kind of type definition.
    definitions: dict[str, Any] = {
        d.name.value: d
        for d in document.definitions
        if hasattr(d, "name") and not isinstance(d, ast.DirectiveDefinitionNode)
    }
    directives = {d.name.value: d for d in document.definitions if isinstance(d, ast.DirectiveDefinitionNode)}
    emitted: list[Any] = []
    done: set[str] = set()
    pending = ["Mutation", "QueryRoot"]

    def emit(name: str) -> None:
        if name in done or name in BUILTIN_SCALARS:
            return
        done.add(name)
        definition = definitions[name]
        if isinstance(definition, ast.EnumTypeDefinitionNode):
            emitted.append(_copy(definition, values=tuple(_copy(v) for v in definition.values or ())))
            return
        if isinstance(definition, ast.ScalarTypeDefinitionNode):
            emitted.append(_copy(definition))
            return
        if name not in spec:
            raise SchemaCutError(f"type {name} is referenced but not in SPEC")
        wanted = _parse_spec(spec[name])
        if isinstance(definition, ast.UnionTypeDefinitionNode):
            members = tuple(t for t in definition.types or () if wanted is None or t.name.value in wanted)
            pending.extend(t.name.value for t in members)
            emitted.append(_copy(definition, types=members))
            return
        if isinstance(definition, ast.InterfaceTypeDefinitionNode):
            # Implementations the spec names are served too (reached through `node`, `files`…).
            pending.extend(
                other
                for other, d in definitions.items()
                if other in spec and name in {i.name.value for i in getattr(d, "interfaces", None) or ()}
            )
        fields = []
        for field in definition.fields:
            field_name = field.name.value
            if wanted is not None and field_name not in wanted:
                continue
            if isinstance(definition, ast.InputObjectTypeDefinitionNode):
                pending.append(_named(field.type))
                fields.append(_copy(field))
                continue
            keep_args = None if wanted is None else wanted[field_name]
            arguments = [
                _copy(a)
                for a in field.arguments or ()
                if keep_args is None or a.name.value in keep_args or _required(a)
            ]
            missing_args = (keep_args or set()) - {a.name.value for a in arguments}
            if missing_args:
                raise SchemaCutError(f"{name}.{field_name} has no arguments {sorted(missing_args)}")
            pending.extend(_named(a.type) for a in arguments)
            pending.append(_named(field.type))
            fields.append(_copy(field, arguments=tuple(arguments)))
        missing = set(wanted or ()) - {f.name.value for f in fields}
        if missing:
            raise SchemaCutError(f"{name} has no fields {sorted(missing)}")
        extra: dict[str, Any] = {}
        if hasattr(definition, "interfaces"):
            interfaces = tuple(i for i in definition.interfaces or () if i.name.value in spec)
            pending.extend(i.name.value for i in interfaces)
            extra["interfaces"] = interfaces
        emitted.append(_copy(definition, fields=tuple(fields), **extra))

    while pending:
        emit(pending.pop())
    unused = set(spec) - done
    if unused:
        raise SchemaCutError(f"SPEC names unreachable types {sorted(unused)}")
    parts = [print_ast(_copy(directives[name])) for name in KEEP_DIRECTIVES]
    parts.append("schema {\n  query: QueryRoot\n  mutation: Mutation\n}")
    parts.extend(print_ast(d) for d in sorted(emitted, key=lambda d: d.name.value))
    return HEADER + "\n\n".join(parts) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    OUTPUT.write_text(cut_schema(Path(argv[1]).read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
