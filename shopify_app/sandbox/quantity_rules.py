"""Quantity rules of a price list: `quantityRulesAdd`, `quantityRulesDelete`, `PriceList.quantityRules`.

Every variant has a rule in every list: the default one (minimum 1, no maximum, increment 1,
`isDefault`, RELATIVE; recorded: 2025-01 quantity-rules-delete-validation lists one per variant)
unless a FIXED rule was added (a wholesale minimum, a case pack as increment). Validation follows the
rules the real schema's `QuantityRuleUserErrorCode` describes, with its wording; an unknown variant is
reported per index as recorded.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from shopify_app.sandbox.models import Variant, gid, parse_gid
from shopify_app.sandbox.price_lists import find_price_list, variant_page
from shopify_app.sandbox.pricing_models import PriceList, QuantityRule
from shopify_app.sandbox.resolvers import ctx, resolves
from shopify_app.sandbox.store import ShopState

NO_VARIANT = "Product variant ID does not exist."
NO_PRICE_LIST = "Price list does not exist."


def _error(field: list[str], message: str, code: str) -> dict[str, Any]:
    return {"field": field, "message": message, "code": code}


def rule_row(price_list: PriceList, variant: Variant) -> dict[str, Any]:
    rule = price_list.rules.get(variant.id)
    if rule is None:
        return {
            "minimum": 1,
            "maximum": None,
            "increment": 1,
            "isDefault": True,
            "originType": "RELATIVE",
            "productVariant": variant,
        }
    return {
        "minimum": rule.minimum,
        "maximum": rule.maximum,
        "increment": rule.increment,
        "isDefault": False,
        "originType": "FIXED",
        "productVariant": variant,
    }


@resolves("PriceList", "quantityRules")
def _quantity_rules(price_list: PriceList, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = ctx(info).state
    variants = sorted(state.variants(), key=lambda v: v.id)
    origin = args.get("originType")
    if origin == "FIXED":
        variants = [v for v in variants if v.id in price_list.rules]
    elif origin == "RELATIVE":
        variants = [v for v in variants if v.id not in price_list.rules]
    rows = [rule_row(price_list, v) for v in variants]
    return variant_page(rows, args, lambda row: row["productVariant"].id)


def rule_problems(rule: dict[str, Any], path: list[str]) -> list[dict[str, Any]]:
    """What is wrong with one rule's numbers (first problem only, as one rule has one error)."""
    minimum, maximum, increment = rule["minimum"], rule.get("maximum"), rule["increment"]
    for name, value in (("minimum", minimum), ("increment", increment), ("maximum", maximum)):
        if value is not None and value < 1:
            return [
                _error([*path, name], "Value must be greater than or equal to 1.", "GREATER_THAN_OR_EQUAL_TO")
            ]
    if maximum is not None and minimum > maximum:
        return [
            _error(
                [*path, "minimum"],
                "Minimum must be lower than or equal to the maximum.",
                "MINIMUM_IS_GREATER_THAN_MAXIMUM",
            )
        ]
    if increment > minimum:
        return [
            _error(
                [*path, "increment"],
                "Increment must be lower than or equal to the minimum.",
                "INCREMENT_IS_GREATER_THAN_MINIMUM",
            )
        ]
    if minimum % increment:
        return [
            _error(
                [*path, "minimum"],
                "The minimum must be a multiple of the increment.",
                "MINIMUM_NOT_MULTIPLE_OF_INCREMENT",
            )
        ]
    if maximum is not None and maximum % increment:
        return [
            _error(
                [*path, "maximum"],
                "The maximum must be a multiple of the increment.",
                "MAXIMUM_NOT_MULTIPLE_OF_INCREMENT",
            )
        ]
    return []


def _context_supports_rules(state: ShopState, price_list: PriceList) -> bool:
    """Rules belong to a list that prices a B2B company location or a market."""
    return state.pricing.catalog_of(price_list) is not None


@resolves("Mutation", "quantityRulesAdd")
def quantity_rules_add(
    _: Any,
    info: GraphQLResolveInfo,
    priceListId: str,  # noqa: N803 - GraphQL argument names
    quantityRules: list[dict[str, Any]],  # noqa: N803
) -> dict[str, Any]:
    state = ctx(info).state
    price_list = find_price_list(state, priceListId)
    if price_list is None:
        return {
            "quantityRules": None,
            "userErrors": [_error(["priceListId"], NO_PRICE_LIST, "PRICE_LIST_DOES_NOT_EXIST")],
        }
    if not _context_supports_rules(state, price_list):
        return {
            "quantityRules": None,
            "userErrors": [
                _error(
                    ["priceListId"],
                    "Quantity rules can be associated only with company location catalogs or catalogs "
                    "associated with compatible markets.",
                    "CATALOG_CONTEXT_DOES_NOT_SUPPORT_QUANTITY_RULES",
                )
            ],
        }
    errors: list[dict[str, Any]] = []
    planned: list[tuple[Variant, dict[str, Any]]] = []
    seen: set[int] = set()
    for index, rule in enumerate(quantityRules):
        path = ["quantityRules", str(index)]
        variant = state.variant(parse_gid(rule["variantId"], "ProductVariant"))
        if variant is None:
            errors.append(_error([*path, "variantId"], NO_VARIANT, "PRODUCT_VARIANT_DOES_NOT_EXIST"))
            continue
        if variant.id in seen:
            errors.append(
                _error(
                    [*path, "variantId"],
                    "Quantity rule inputs must be unique by variant id.",
                    "DUPLICATE_INPUT_FOR_VARIANT",
                )
            )
            continue
        seen.add(variant.id)
        problems = rule_problems(rule, path)
        if problems:
            errors.extend(problems)
            continue
        planned.append((variant, rule))
    if errors:
        return {"quantityRules": None, "userErrors": errors}
    for variant, rule in planned:
        price_list.rules[variant.id] = QuantityRule(
            variant_id=variant.id,
            minimum=rule["minimum"],
            maximum=rule.get("maximum"),
            increment=rule["increment"],
        )
    return {"quantityRules": [rule_row(price_list, v) for v, _ in planned], "userErrors": []}


@resolves("Mutation", "quantityRulesDelete")
def quantity_rules_delete(
    _: Any,
    info: GraphQLResolveInfo,
    priceListId: str,  # noqa: N803
    variantIds: list[str],  # noqa: N803
) -> dict[str, Any]:
    state = ctx(info).state
    price_list = find_price_list(state, priceListId)
    if price_list is None:
        return {
            "deletedQuantityRulesVariantIds": None,
            "userErrors": [_error(["priceListId"], NO_PRICE_LIST, "PRICE_LIST_DOES_NOT_EXIST")],
        }
    errors: list[dict[str, Any]] = []
    deleted: list[int] = []
    for index, value in enumerate(variantIds):
        path = ["variantIds", str(index)]
        variant = state.variant(parse_gid(value, "ProductVariant"))
        if variant is None:
            errors.append(_error(path, NO_VARIANT, "PRODUCT_VARIANT_DOES_NOT_EXIST"))
            continue
        if variant.id not in price_list.rules:
            errors.append(
                _error(
                    path,
                    "Quantity rule for variant associated with the price list provided does not exist.",
                    "VARIANT_QUANTITY_RULE_DOES_NOT_EXIST",
                )
            )
            continue
        deleted.append(variant.id)
    if errors:
        return {"deletedQuantityRulesVariantIds": [], "userErrors": errors}
    for variant_id in deleted:
        del price_list.rules[variant_id]
    return {"deletedQuantityRulesVariantIds": [gid("ProductVariant", v) for v in deleted], "userErrors": []}
