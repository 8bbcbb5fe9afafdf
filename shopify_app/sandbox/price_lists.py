"""Price lists: `priceListCreate/Update/Delete`, fixed prices by variant and by product, and reads.

A price list prices every variant of the shop. Recorded behaviour (2026-04 price-list-* recordings):
- a variant without a fixed price has a RELATIVE price: its own price moved by the list's parent
  adjustment, in the shop's currency (a MXN list prices a 949.95 CAD variant at "902.45" CAD for a 5 %
  decrease); a fixed price is FIXED, in the list's currency;
- the adjustment must be between 0 and 100 % for a decrease and 0 and 1000 % for an increase;
- changing a list's currency drops its fixed prices; the same currency keeps them; a refused update
  changes nothing;
- a list's catalog is checked before its adjustment (CATALOG_DOES_NOT_EXIST, CATALOG_TAKEN);
- deleting a list that is not fixed for a variant answers PRICE_NOT_FIXED; deleting a list detaches it
  from its catalog and drops its fixed prices.
A refused `priceListFixedPricesAdd`/`Delete` names each refused entry by its index in the input
(`field: ["prices", "1", "variantId"]`, `["variantIds", "0"]`: `PriceListPriceUserError.field` in the
2026-07 schema, the second recorded in price-list-fixed-prices-variant-lifecycle). Whether Shopify
writes the rest of such a batch is neither documented nor recorded: here none of it is (`prices` null,
`deletedFixedPriceVariantIds` empty, as recorded for a one-entry batch).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from graphql import GraphQLResolveInfo

from shopify_app.sandbox import search
from shopify_app.sandbox.models import Product, Variant, gid, parse_gid
from shopify_app.sandbox.pagination import connection
from shopify_app.sandbox.pricing_models import Catalog, FixedPrice, PriceList, decimal_text
from shopify_app.sandbox.resolvers import ctx, resolves
from shopify_app.sandbox.store import ShopState

NOT_FOUND = "Price list does not exist."
ADJUSTMENT_LIMITS = {"PERCENTAGE_DECREASE": 100.0, "PERCENTAGE_INCREASE": 1000.0}
INVALID_ADJUSTMENT = (
    "The adjustment value must be a positive value and not be greater than 100% for PERCENTAGE_DECREASE "
    "and not be greater than 1000% for PERCENTAGE_INCREASE."
)
CATALOG_GIDS = ("MarketCatalog", "CompanyLocationCatalog")


def _error(field: list[str] | None, message: str, code: str) -> dict[str, Any]:
    return {"field": field, "message": message, "code": code}


def money(amount: Decimal, currency: str) -> dict[str, Any]:
    return {"amount": decimal_text(amount), "currencyCode": currency}


def to_decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def find_price_list(state: ShopState, value: Any) -> PriceList | None:
    number = parse_gid(value, "PriceList")
    return state.pricing.price_lists.get(number) if number is not None else None


def find_catalog(state: ShopState, value: Any) -> Catalog | None:
    for kind in CATALOG_GIDS:
        number = parse_gid(value, kind)
        if number is not None:
            found = state.pricing.catalogs.get(number)
            return found if found is not None and found.graphql_type == kind else None
    return None


# ----- prices --------------------------------------------------------------------------------------
def price_row(state: ShopState, price_list: PriceList, variant: Variant) -> dict[str, Any]:
    """How the list prices one variant (a `PriceListPrice`)."""
    fixed = price_list.fixed.get(variant.id)
    if fixed is not None:
        compare = (
            money(fixed.compare_at, fixed.compare_at_currency or fixed.currency)
            if fixed.compare_at is not None
            else None
        )
        return {
            "price": money(fixed.amount, fixed.currency),
            "compareAtPrice": compare,
            "originType": "FIXED",
            "variant": variant,
        }
    compare_at = None
    if variant.compare_at_price is not None and price_list.compare_at_mode == "ADJUSTED":
        compare_at = money(price_list.relative(Decimal(variant.compare_at_price)), state.currency)
    return {
        "price": money(price_list.relative(Decimal(variant.price)), state.currency),
        "compareAtPrice": compare_at,
        "originType": "RELATIVE",
        "variant": variant,
    }


def _variant_values(state: ShopState, variant: Variant) -> Callable[[str | None], list[Any]]:
    product = state.product_of(variant)
    table: dict[str | None, list[Any]] = {
        None: [product.title, variant.title, variant.sku],
        "product_id": [variant.product_id],
        "variant_id": [variant.id],
        "sku": [variant.sku],
        "title": [product.title],
    }
    return lambda name: table.get(name, [])


def _variants(state: ShopState, query: str | None) -> list[Variant]:
    groups = search.parse(query)
    found = [v for v in state.variants() if search.matches(groups, _variant_values(state, v))]
    return sorted(found, key=lambda v: v.id)


def variant_page(items: list[Any], args: dict[str, Any], id_of: Callable[[Any], int]) -> dict[str, Any]:
    return connection(
        items,
        id_of=id_of,
        value_of=lambda item: str(id_of(item)),
        first=args.get("first"),
        after=args.get("after"),
        last=args.get("last"),
        before=args.get("before"),
        reverse=bool(args.get("reverse")),
    )


# ----- reads ---------------------------------------------------------------------------------------
@resolves("QueryRoot", "priceList")
def _price_list(_: Any, info: GraphQLResolveInfo, id: str) -> PriceList | None:  # noqa: A002
    return find_price_list(ctx(info).state, id)


@resolves("QueryRoot", "priceLists")
def _price_lists(_: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    lists = list(ctx(info).state.pricing.price_lists.values())
    if args.get("sortKey") == "NAME":
        ordered = sorted(lists, key=lambda pl: (pl.name.lower(), pl.id))
        return connection(
            ordered,
            id_of=lambda pl: pl.id,
            value_of=lambda pl: pl.name.lower(),
            first=args.get("first"),
            after=args.get("after"),
            last=args.get("last"),
            before=args.get("before"),
            reverse=bool(args.get("reverse")),
        )
    return variant_page(sorted(lists, key=lambda pl: pl.id), args, lambda pl: pl.id)


@resolves("PriceList", "id")
def _price_list_id(price_list: PriceList, info: GraphQLResolveInfo) -> str:
    return gid("PriceList", price_list.id)


@resolves("PriceList", "catalog")
def _price_list_catalog(price_list: PriceList, info: GraphQLResolveInfo) -> Catalog | None:
    return ctx(info).state.pricing.catalog_of(price_list)


@resolves("PriceList", "fixedPricesCount")
def _fixed_count(price_list: PriceList, info: GraphQLResolveInfo) -> int:
    """Fixed prices of variants that still exist (a deleted variant has no price)."""
    existing = {variant.id for variant in ctx(info).state.variants()}
    return sum(1 for variant_id in price_list.fixed if variant_id in existing)


@resolves("PriceList", "parent")
def _parent(price_list: PriceList, info: GraphQLResolveInfo) -> dict[str, Any]:
    return {
        "adjustment": {"type": price_list.adjustment_type, "value": price_list.adjustment_value},
        "settings": {"compareAtMode": price_list.compare_at_mode},
    }


@resolves("PriceList", "prices")
def _prices(price_list: PriceList, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = ctx(info).state
    origin = args.get("originType")
    variants = _variants(state, args.get("query"))
    if origin == "FIXED":
        variants = [v for v in variants if v.id in price_list.fixed]
    elif origin == "RELATIVE":
        variants = [v for v in variants if v.id not in price_list.fixed]
    rows = [price_row(state, price_list, variant) for variant in variants]
    return variant_page(rows, args, lambda row: row["variant"].id)


# ----- priceListCreate / Update / Delete ----------------------------------------------------------
def _adjustment_errors(parent: dict[str, Any] | None) -> list[dict[str, Any]]:
    adjustment = (parent or {}).get("adjustment")
    if adjustment is None:
        return []
    value = adjustment["value"]
    if value < 0 or value > ADJUSTMENT_LIMITS[adjustment["type"]]:
        return [
            _error(["input", "parent", "adjustment", "value"], INVALID_ADJUSTMENT, "INVALID_ADJUSTMENT_VALUE")
        ]
    return []


def _catalog_errors(state: ShopState, catalog_gid: Any, price_list: PriceList | None) -> list[dict[str, Any]]:
    if catalog_gid is None:
        return []
    catalog = find_catalog(state, catalog_gid)
    if catalog is None:
        return [_error(["input", "catalogId"], "Catalog does not exist.", "CATALOG_DOES_NOT_EXIST")]
    if catalog.price_list_id is not None and (price_list is None or catalog.price_list_id != price_list.id):
        return [_error(["input", "catalogId"], "Catalog has a price list already assigned.", "CATALOG_TAKEN")]
    return []


@resolves("Mutation", "priceListCreate")
def price_list_create(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
    state = ctx(info).state
    errors = _catalog_errors(state, input.get("catalogId"), None) or _adjustment_errors(input["parent"])
    if not input["name"].strip():
        errors.append(_error(["input", "name"], "Name can't be blank", "BLANK"))
    if errors:
        return {"priceList": None, "userErrors": errors}
    adjustment = input["parent"]["adjustment"]
    price_list = PriceList(
        id=state.next_id(),
        name=input["name"],
        currency=input["currency"],
        adjustment_type=adjustment["type"],
        adjustment_value=adjustment["value"],
        compare_at_mode=(input["parent"].get("settings") or {}).get("compareAtMode") or "ADJUSTED",
    )
    state.pricing.price_lists[price_list.id] = price_list
    if input.get("catalogId") is not None:
        catalog = find_catalog(state, input["catalogId"])
        assert catalog is not None  # checked above
        state.pricing.attach(catalog, price_list)
    return {"priceList": price_list, "userErrors": []}


@resolves("Mutation", "priceListUpdate")
def price_list_update(_: Any, info: GraphQLResolveInfo, id: str, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
    state = ctx(info).state
    price_list = find_price_list(state, id)
    if price_list is None:
        return {"priceList": None, "userErrors": [_error(["id"], NOT_FOUND, "PRICE_LIST_NOT_FOUND")]}
    errors = _catalog_errors(state, input.get("catalogId"), price_list) or _adjustment_errors(
        input.get("parent")
    )
    if input.get("name") is not None and not input["name"].strip():
        errors.append(_error(["input", "name"], "Name can't be blank", "BLANK"))
    if errors:
        return {"priceList": price_list, "userErrors": errors}
    if input.get("name") is not None:
        price_list.name = input["name"]
    if input.get("currency") is not None and input["currency"] != price_list.currency:
        price_list.currency = input["currency"]
        price_list.fixed.clear()
    parent = input.get("parent")
    if parent is not None:
        price_list.adjustment_type = parent["adjustment"]["type"]
        price_list.adjustment_value = parent["adjustment"]["value"]
        if parent.get("settings") is not None:
            price_list.compare_at_mode = parent["settings"].get("compareAtMode") or "ADJUSTED"
    if "catalogId" in input:
        if input["catalogId"] is None:
            state.pricing.detach_price_list(price_list.id)
        else:
            catalog = find_catalog(state, input["catalogId"])
            assert catalog is not None  # checked above
            state.pricing.attach(catalog, price_list)
    return {"priceList": price_list, "userErrors": []}


@resolves("Mutation", "priceListDelete")
def price_list_delete(_: Any, info: GraphQLResolveInfo, id: str) -> dict[str, Any]:  # noqa: A002
    state = ctx(info).state
    price_list = find_price_list(state, id)
    if price_list is None:
        return {"deletedId": None, "userErrors": [_error(["id"], NOT_FOUND, "PRICE_LIST_NOT_FOUND")]}
    delete_price_list(state, price_list)
    return {"deletedId": gid("PriceList", price_list.id), "userErrors": []}


def delete_price_list(state: ShopState, price_list: PriceList) -> None:
    state.pricing.detach_price_list(price_list.id)
    del state.pricing.price_lists[price_list.id]


# ----- fixed prices by variant --------------------------------------------------------------------
def _price_inputs(
    state: ShopState, price_list: PriceList, prices: list[dict[str, Any]], field: str
) -> tuple[list[tuple[Variant, dict[str, Any]]], list[dict[str, Any]]]:
    """Variants and their price inputs, or per-index errors (unknown variant, other currency)."""
    planned: list[tuple[Variant, dict[str, Any]]] = []
    errors: list[dict[str, Any]] = []
    for index, item in enumerate(prices):
        path = [field, str(index)]
        variant = state.variant(parse_gid(item["variantId"], "ProductVariant"))
        if variant is None:
            errors.append(
                _error(
                    [*path, "variantId"],
                    "A fixed price for the specified product variant doesn't exist.",
                    "VARIANT_NOT_FOUND",
                )
            )
            continue
        problem = _currency_problem(price_list, item, path, "PRICE_LIST_CURRENCY_MISMATCH")
        if problem is not None:
            errors.append(problem)
            continue
        planned.append((variant, item))
    return planned, errors


def _currency_problem(
    price_list: PriceList, item: dict[str, Any], path: list[str], code: str
) -> dict[str, Any] | None:
    message = (
        "The specified currency doesn't match the price list's currency."
        if code == "PRICE_LIST_CURRENCY_MISMATCH"
        else "The currency specified does not match the price list's currency."
    )
    for key in ("price", "compareAtPrice"):
        value = item.get(key)
        if value is None:
            continue
        if value["currencyCode"] != price_list.currency:
            return _error([*path, key, "currencyCode"], message, code)
        if to_decimal(value["amount"]) is None:
            return _error([*path, key, "amount"], "The input value is blank.", "BLANK")
    return None


def _fix(price_list: PriceList, variant: Variant, item: dict[str, Any]) -> None:
    compare = item.get("compareAtPrice")
    amount = to_decimal(item["price"]["amount"])
    assert amount is not None  # checked by _currency_problem
    price_list.fixed[variant.id] = FixedPrice(
        variant_id=variant.id,
        amount=amount,
        currency=item["price"]["currencyCode"],
        compare_at=to_decimal(compare["amount"]) if compare else None,
        compare_at_currency=compare["currencyCode"] if compare else None,
    )


@resolves("Mutation", "priceListFixedPricesAdd")
def price_list_fixed_prices_add(
    _: Any,
    info: GraphQLResolveInfo,
    priceListId: str,  # noqa: N803 - GraphQL argument names
    prices: list[dict[str, Any]],
) -> dict[str, Any]:
    state = ctx(info).state
    price_list = find_price_list(state, priceListId)
    if price_list is None:
        return {"prices": None, "userErrors": [_error(["priceListId"], NOT_FOUND, "PRICE_LIST_NOT_FOUND")]}
    planned, errors = _price_inputs(state, price_list, prices, "prices")
    if errors:
        return {"prices": None, "userErrors": errors}
    for variant, item in planned:
        _fix(price_list, variant, item)
    return {"prices": [price_row(state, price_list, v) for v, _ in planned], "userErrors": []}


def _unfixed(
    state: ShopState, price_list: PriceList, variant_gids: list[str], field: str
) -> tuple[list[int], list[dict[str, Any]]]:
    ids: list[int] = []
    errors: list[dict[str, Any]] = []
    for index, value in enumerate(variant_gids):
        variant = state.variant(parse_gid(value, "ProductVariant"))
        if variant is None or variant.id not in price_list.fixed:
            errors.append(_error([field, str(index)], "Only fixed prices can be deleted.", "PRICE_NOT_FIXED"))
            continue
        ids.append(variant.id)
    return ids, errors


@resolves("Mutation", "priceListFixedPricesUpdate")
def price_list_fixed_prices_update(
    _: Any,
    info: GraphQLResolveInfo,
    priceListId: str,  # noqa: N803
    pricesToAdd: list[dict[str, Any]],  # noqa: N803
    variantIdsToDelete: list[str],  # noqa: N803
) -> dict[str, Any]:
    state = ctx(info).state
    failed = {"priceList": None, "pricesAdded": None, "deletedFixedPriceVariantIds": None}
    price_list = find_price_list(state, priceListId)
    if price_list is None:
        return {**failed, "userErrors": [_error(["priceListId"], NOT_FOUND, "PRICE_LIST_NOT_FOUND")]}
    planned, errors = _price_inputs(state, price_list, pricesToAdd, "pricesToAdd")
    deleted, delete_errors = _unfixed(state, price_list, variantIdsToDelete, "variantIdsToDelete")
    if errors or delete_errors:
        return {**failed, "userErrors": errors + delete_errors}
    for variant_id in deleted:
        del price_list.fixed[variant_id]
    for variant, item in planned:
        _fix(price_list, variant, item)
    return {
        "priceList": price_list,
        "pricesAdded": [price_row(state, price_list, v) for v, _ in planned],
        "deletedFixedPriceVariantIds": [gid("ProductVariant", v) for v in deleted],
        "userErrors": [],
    }


@resolves("Mutation", "priceListFixedPricesDelete")
def price_list_fixed_prices_delete(
    _: Any,
    info: GraphQLResolveInfo,
    priceListId: str,  # noqa: N803
    variantIds: list[str],  # noqa: N803
) -> dict[str, Any]:
    state = ctx(info).state
    price_list = find_price_list(state, priceListId)
    if price_list is None:
        return {
            "deletedFixedPriceVariantIds": None,
            "userErrors": [_error(["priceListId"], NOT_FOUND, "PRICE_LIST_NOT_FOUND")],
        }
    deleted, errors = _unfixed(state, price_list, variantIds, "variantIds")
    if errors:
        return {"deletedFixedPriceVariantIds": [], "userErrors": errors}
    for variant_id in deleted:
        del price_list.fixed[variant_id]
    return {"deletedFixedPriceVariantIds": [gid("ProductVariant", v) for v in deleted], "userErrors": []}


# ----- fixed prices by product --------------------------------------------------------------------
@resolves("Mutation", "priceListFixedPricesByProductUpdate")
def price_list_fixed_prices_by_product_update(
    _: Any,
    info: GraphQLResolveInfo,
    priceListId: str,  # noqa: N803
    pricesToAdd: list[dict[str, Any]] | None = None,  # noqa: N803
    pricesToDeleteByProductIds: list[str] | None = None,  # noqa: N803
) -> dict[str, Any]:
    """Every variant of each product gets the product's fixed price, or loses its fixed price."""
    state = ctx(info).state
    failed = {"priceList": None, "pricesToAddProducts": None, "pricesToDeleteProducts": None}
    price_list = find_price_list(state, priceListId)
    if price_list is None:
        return {**failed, "userErrors": [_error(["priceListId"], NOT_FOUND, "PRICE_LIST_DOES_NOT_EXIST")]}
    to_add, to_delete = pricesToAdd or [], pricesToDeleteByProductIds or []
    if not to_add and not to_delete:
        return {
            **failed,
            "userErrors": [_error(None, "No update operations specified.", "NO_UPDATE_OPERATIONS_SPECIFIED")],
        }
    errors: list[dict[str, Any]] = []
    adds: list[tuple[Product, dict[str, Any]]] = []
    for index, item in enumerate(to_add):
        path = ["pricesToAdd", str(index)]
        product = state.products.get(parse_gid(item["productId"], "Product") or -1)
        if product is None:
            errors.append(
                _error(
                    [*path, "productId"],
                    f"Product {item['productId']} in `pricesToAdd` does not exist.",
                    "PRODUCT_DOES_NOT_EXIST",
                )
            )
            continue
        problem = _currency_problem(price_list, item, path, "PRICES_TO_ADD_CURRENCY_MISMATCH")
        if problem is not None:
            errors.append(problem)
            continue
        adds.append((product, item))
    deletes: list[Product] = []
    for index, value in enumerate(to_delete):
        product = state.products.get(parse_gid(value, "Product") or -1)
        if product is None:
            errors.append(
                _error(
                    ["pricesToDeleteByProductIds", str(index)],
                    f"Product {value} in `pricesToDeleteByProductIds` does not exist.",
                    "PRODUCT_DOES_NOT_EXIST",
                )
            )
            continue
        deletes.append(product)
    if errors:
        return {**failed, "userErrors": errors}
    for product in deletes:
        for variant in product.variants:
            price_list.fixed.pop(variant.id, None)
    for product, item in adds:
        for variant in product.variants:
            _fix(price_list, variant, item)
    return {
        "priceList": price_list,
        "pricesToAddProducts": [product for product, _ in adds],
        "pricesToDeleteProducts": deletes,
        "userErrors": [],
    }
