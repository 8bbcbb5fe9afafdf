"""Which products a collection holds and in which order.

A custom collection holds the products added to it, in manual order. A smart collection holds every
product its rules match (all of them, or any when `appliedDisjunctively`), recorded with TITLE CONTAINS,
TYPE / VENDOR / TAG EQUALS and VARIANT_PRICE LESS_THAN (2025-01
collection-smart-ruleset-membership-parity); text comparisons ignore case. Orders (recorded 2025-01
collection-create-and-add-products-parity, a shop without sales): BEST_SELLING and RELEVANCE list the
newest product first, CREATED the oldest, PRICE the cheapest (lowest variant price).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from shopify_app.sandbox.collection_models import Collection, Rule
from shopify_app.sandbox.models import Product
from shopify_app.sandbox.store import ShopState

# A collection's sortOrder → the product sort key it stands for (and whether it is reversed).
DEFAULT_SORT = {
    "MANUAL": ("MANUAL", False),
    "ALPHA_ASC": ("TITLE", False),
    "ALPHA_DESC": ("TITLE", True),
    "BEST_SELLING": ("BEST_SELLING", False),
    "MOST_RELEVANT": ("RELEVANCE", False),
    "CREATED": ("CREATED", False),
    "CREATED_DESC": ("CREATED", True),
    "PRICE_ASC": ("PRICE", False),
    "PRICE_DESC": ("PRICE", True),
}


def _number(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _text_matches(values: list[str], relation: str, condition: str) -> bool:
    wanted = condition.lower()
    texts = [v.lower() for v in values if v is not None]
    tests: dict[str, Callable[[str], bool]] = {
        "EQUALS": lambda t: t == wanted,
        "NOT_EQUALS": lambda t: t != wanted,
        "CONTAINS": lambda t: wanted in t,
        "NOT_CONTAINS": lambda t: wanted not in t,
        "STARTS_WITH": lambda t: t.startswith(wanted),
        "ENDS_WITH": lambda t: t.endswith(wanted),
    }
    test = tests.get(relation)
    if test is None:
        return False
    if relation in ("NOT_EQUALS", "NOT_CONTAINS"):
        return all(test(t) for t in texts)
    return any(test(t) for t in texts)


def _number_matches(values: list[Any], relation: str, condition: str) -> bool:
    wanted = _number(condition)
    if wanted is None:
        return False
    numbers = [n for n in (_number(v) for v in values if v is not None) if n is not None]
    tests: dict[str, Callable[[Decimal], bool]] = {
        "EQUALS": lambda n: n == wanted,
        "NOT_EQUALS": lambda n: n != wanted,
        "GREATER_THAN": lambda n: n > wanted,
        "LESS_THAN": lambda n: n < wanted,
    }
    test = tests.get(relation)
    return test is not None and any(test(n) for n in numbers)


def rule_matches(state: ShopState, product: Product, rule: Rule) -> bool:
    variants = product.variants
    texts: dict[str, list[str]] = {
        "TITLE": [product.title],
        "TYPE": [product.product_type],
        "VENDOR": [product.vendor],
        "TAG": list(product.tags),
        "VARIANT_TITLE": [v.title for v in variants],
    }
    if rule.column in texts:
        return _text_matches(texts[rule.column], rule.relation, rule.condition)
    numbers: dict[str, list[Any]] = {
        "VARIANT_PRICE": [v.price for v in variants],
        "VARIANT_COMPARE_AT_PRICE": [v.compare_at_price for v in variants],
        "VARIANT_INVENTORY": [state.inventory_quantity(v) for v in variants],
    }
    if rule.column in numbers:
        return _number_matches(numbers[rule.column], rule.relation, rule.condition)
    if rule.column == "IS_PRICE_REDUCED":
        reduced = any(
            v.compare_at_price is not None and (_number(v.compare_at_price) or 0) > (_number(v.price) or 0)
            for v in variants
        )
        return reduced if rule.relation == "IS_SET" else not reduced
    return False  # categories, metafields, weights: the sandbox keeps none of them


def members(state: ShopState, collection: Collection) -> list[Product]:
    """The collection's products in manual order (a smart collection: matched ones in creation order)."""
    products = state.products
    manual = [products[i] for i in collection.products if i in products]
    if collection.rules is None:
        return manual
    test = any if collection.disjunctive else all
    matched = [
        p
        for p in products.values()
        if collection.rules and test(rule_matches(state, p, r) for r in collection.rules)
    ]
    return matched + [p for p in manual if p not in matched]


def _min_price(product: Product) -> Decimal:
    prices = [_number(v.price) for v in product.variants]
    return min((p for p in prices if p is not None), default=Decimal(0))


def sorted_members(
    state: ShopState, collection: Collection, sort_key: str | None
) -> tuple[list[Product], Callable[[Product], Any]]:
    """Members in the order of `sort_key` (default: the collection's sortOrder) and the cursor value."""
    items = members(state, collection)
    key, reverse = (sort_key or "COLLECTION_DEFAULT", False)
    if key == "COLLECTION_DEFAULT":
        key, reverse = DEFAULT_SORT.get(collection.sort_order, ("MANUAL", False))
    if key == "MANUAL":
        positions = {p.id: index for index, p in enumerate(items)}
        return items, lambda p: f"{positions[p.id]:011d}"
    values: dict[str, Callable[[Product], Any]] = {
        "TITLE": lambda p: p.title.lower(),
        "CREATED": lambda p: p.created_at,
        "ID": lambda p: str(p.id),
        "PRICE": lambda p: str(_min_price(p)),
        # No sales in the sandbox: the newest product first, as recorded.
        "BEST_SELLING": lambda p: p.created_at,
        "RELEVANCE": lambda p: p.created_at,
    }
    value = values.get(key, values["ID"])
    newest_first = key in ("BEST_SELLING", "RELEVANCE")
    if key == "PRICE":
        ordered = sorted(items, key=lambda p: (_min_price(p), p.id), reverse=reverse)
    else:
        ordered = sorted(items, key=lambda p: (value(p), p.id), reverse=reverse != newest_first)
    return ordered, value
