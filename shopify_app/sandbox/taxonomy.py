"""Shopify's Standard Product Taxonomy, as far as the sandbox knows it: a product's `category`.

A small, strict set of real categories (ids, names and full names from Shopify's taxonomy file,
https://github.com/Shopify/product-taxonomy `dist/en/categories.txt`; `aa-1-1` "Activewear" as
recorded in `reference/shopify/recorded/2025-01--product-set-parity.json`).

An id outside it is refused the way Shopify refuses a well-formed but unknown category id on
productCreate, productUpdate and productSet alike: not a user error, but a top-level GraphQL error
`Invalid product_taxonomy_node_id` with `extensions.code` `INVALID_PRODUCT_TAXONOMY_NODE_ID`, the
mutation's field null and nothing written (live 2025-01 captures, `product-category-validation` and
`productCreate-category-parity` of github.com/airhorns/shopify-draft-proxy, and the answer reported in
https://github.com/Shopify/product-taxonomy/issues/886; `ProductSetUserErrorCode` has no taxonomy
code). docs/categories.md has the evidence.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError

from shopify_app.sandbox.pagination import connection
from shopify_app.sandbox.resolvers import resolves

GID = "gid://shopify/TaxonomyCategory/"
INVALID_MESSAGE = "Invalid product_taxonomy_node_id"
INVALID_CODE = "INVALID_PRODUCT_TAXONOMY_NODE_ID"

_APPAREL = "Apparel & Accessories"
_CLOTHING = f"{_APPAREL} > Clothing"
_TOPS = f"{_CLOTHING} > Clothing Tops"
_OUTERWEAR = f"{_CLOTHING} > Outerwear"
_PANTS = f"{_CLOTHING} > Pants"
_SHOES = f"{_APPAREL} > Shoes"
_BAGS = f"{_APPAREL} > Handbags, Wallets & Cases"

#: Taxonomy id → full name (the name is its last part).
CATEGORIES: dict[str, str] = {
    "aa": _APPAREL,
    "aa-1": _CLOTHING,
    "aa-1-1": f"{_CLOTHING} > Activewear",
    "aa-1-4": f"{_CLOTHING} > Dresses",
    "aa-1-10": _OUTERWEAR,
    "aa-1-10-2": f"{_OUTERWEAR} > Coats & Jackets",
    "aa-1-12": _PANTS,
    "aa-1-12-4": f"{_PANTS} > Jeans",
    "aa-1-12-11": f"{_PANTS} > Trousers",
    "aa-1-13": _TOPS,
    "aa-1-13-1": f"{_TOPS} > Blouses",
    "aa-1-13-7": f"{_TOPS} > Shirts",
    "aa-1-13-8": f"{_TOPS} > T-Shirts",
    "aa-1-13-12": f"{_TOPS} > Sweaters",
    "aa-1-15": f"{_CLOTHING} > Skirts",
    "aa-1-19": f"{_CLOTHING} > Suits",
    "aa-5": _BAGS,
    "aa-5-4": f"{_BAGS} > Handbags",
    "aa-6": f"{_APPAREL} > Jewelry",
    "aa-8": _SHOES,
    "aa-8-3": f"{_SHOES} > Boots",
    "aa-8-6": f"{_SHOES} > Sandals",
    "aa-8-8": f"{_SHOES} > Sneakers",
    "aa-8-9": f"{_SHOES} > Flats",
    "aa-8-10": f"{_SHOES} > Heels",
}


def known(category_gid: Any) -> bool:
    """Whether `category_gid` is a `gid://shopify/TaxonomyCategory/…` id the taxonomy has."""
    return (
        isinstance(category_gid, str)
        and category_gid.startswith(GID)
        and category_gid.removeprefix(GID) in CATEGORIES
    )


def category_node(category_gid: str | None) -> dict[str, Any] | None:
    """The `TaxonomyCategory` object for an id (None when unset or unknown)."""
    if not category_gid or not known(category_gid):
        return None
    short = category_gid.removeprefix(GID)
    full = CATEGORIES[short]
    parent = short.rpartition("-")[0] if "-" in short else None
    children = [GID + k for k in CATEGORIES if k.rpartition("-")[0] == short]
    ancestors = []
    cut = short
    while "-" in cut:
        cut = cut.rpartition("-")[0]
        ancestors.append(GID + cut)
    return {
        "__typename": "TaxonomyCategory",
        "id": category_gid,
        "name": full.rpartition(" > ")[2],
        "fullName": full,
        "parentId": GID + parent if parent else None,
        "ancestorIds": ancestors,
        "childrenIds": children,
        "isLeaf": not children,
        "isRoot": parent is None,
        "isArchived": False,
        "level": short.count("-") + 1,
    }


class UnknownCategory(GraphQLError, ValueError):
    """A category id the taxonomy does not have: raised inside a product mutation's resolver, so the
    answer is a top-level error with the mutation's field null (a merchant edit sees a ValueError)."""

    def __init__(self) -> None:
        super().__init__(INVALID_MESSAGE, extensions={"code": INVALID_CODE})


def check_category(data: dict[str, Any]) -> None:
    """Refuse a product input whose `category` the taxonomy does not have, before anything is
    written (`UnknownCategory`)."""
    value = data.get("category")
    if value is not None and not known(value):
        raise UnknownCategory()


def rest_category(category_gid: str | None) -> dict[str, Any] | None:
    """The category as a REST webhook body carries it (`products/update`)."""
    node = category_node(category_gid)
    if node is None:
        return None
    return {"admin_graphql_api_id": node["id"], "name": node["name"], "full_name": node["fullName"]}


class Taxonomy:
    """The `taxonomy` root object."""

    graphql_type = "Taxonomy"


@resolves("QueryRoot", "taxonomy")
def _taxonomy(_: Any, info: Any) -> Taxonomy:
    return Taxonomy()


@resolves("Taxonomy", "categories")
def _categories(_: Taxonomy, info: Any, search: str | None = None, **args: Any) -> dict[str, Any]:
    """Top-level categories, or every category whose name or full name holds `search`."""
    nodes = [category_node(GID + key) for key in CATEGORIES]
    if search:
        needle = search.strip().lower()
        found = [n for n in nodes if n and needle in n["fullName"].lower()]
    else:
        found = [n for n in nodes if n and n["isRoot"]]
    order = {GID + key: number for number, key in enumerate(CATEGORIES, 1)}
    return connection(
        found,
        id_of=lambda node: order[node["id"]],
        first=args.get("first"),
        after=args.get("after"),
        last=args.get("last"),
        before=args.get("before"),
    )


@resolves("Product", "category")
def _product_category(product: Any, info: Any) -> dict[str, Any] | None:
    return category_node(getattr(product, "category", None))
