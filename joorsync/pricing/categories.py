"""JOOR categories → Shopify Standard Product Taxonomy categories.

A JOOR style's category is a path: parent (department), sub-category parent, sub-category
(`Women's › Apparel › Tops`). The shop's own mappings win; else the built-in table of common apparel
and footwear categories below, matched on the deepest part first. Ids are from Shopify's taxonomy
(https://shopify.github.io/product-taxonomy/, `dist/en/categories.txt` of github.com/Shopify/product-taxonomy).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

GID = "gid://shopify/TaxonomyCategory/"

#: Lower-cased JOOR category name → taxonomy category id (Apparel & Accessories, `aa`).
DEFAULT_CATEGORIES: dict[str, str] = {
    "apparel": "aa-1",  # Clothing
    "clothing": "aa-1",
    "tops": "aa-1-13",  # Clothing Tops
    "blouses": "aa-1-13-1",
    "shirts": "aa-1-13-7",
    "knitwear": "aa-1-13-12",  # Sweaters
    "sweaters": "aa-1-13-12",
    "dresses": "aa-1-4",
    "skirts": "aa-1-15",
    "pants": "aa-1-12",
    "trousers": "aa-1-12-11",
    "denim": "aa-1-12-4",  # Jeans
    "jeans": "aa-1-12-4",
    "outerwear": "aa-1-10",
    "jackets": "aa-1-10-2",  # Coats & Jackets
    "coats": "aa-1-10-2",
    "suits": "aa-1-19",
    "footwear": "aa-8",  # Shoes
    "shoes": "aa-8",
    "boots": "aa-8-3",
    "flats": "aa-8-9",
    "heels": "aa-8-10",
    "sandals": "aa-8-6",
    "sneakers": "aa-8-8",
    "handbags": "aa-5-4",
    "jewelry": "aa-6",
}


def category_paths(categories: Any) -> list[tuple[str, ...]]:
    """Each category path of a style's `categories` (the v2 records as JSON), deepest part last."""
    paths: list[tuple[str, ...]] = []
    for category in categories or []:
        if not isinstance(category, Mapping):
            continue
        parent = str(category.get("category_parent") or "")
        for sub in category.get("subcategories") or []:
            if not isinstance(sub, Mapping):
                continue
            middle = str(sub.get("subcategory_parent") or "")
            labels = [
                str(item.get("subcategory_label") or "")
                for item in sub.get("subcategory") or []
                if isinstance(item, Mapping)
            ]
            for label in labels or [""]:
                paths.append(tuple(part for part in (parent, middle, label) if part))
        if not category.get("subcategories") and parent:
            paths.append((parent,))
    return paths


def _keys(path: tuple[str, ...]) -> Iterable[str]:
    """The names a mapping may use for `path`, most specific first: the whole path, then shorter
    tails, then each part alone from the deepest."""
    for start in range(len(path)):
        yield " > ".join(path[start:]).lower()
    for part in reversed(path):
        yield part.lower()


def taxonomy_for(categories: Any, *, mappings: Mapping[str, str]) -> str | None:
    """The taxonomy category GID for a style's categories, or None when nothing maps (Shopify's
    category is then left as it is)."""
    own = {key.strip().lower(): value for key, value in mappings.items()}
    for path in category_paths(categories):
        for key in _keys(path):
            if key in own:
                return _gid(own[key])
        for key in _keys(path):
            if key in DEFAULT_CATEGORIES:
                return _gid(DEFAULT_CATEGORIES[key])
    return None


def _gid(value: str) -> str:
    return value if value.startswith(GID) else GID + value


def valid_taxonomy_id(value: str) -> bool:
    """`aa-1-13` or its GID: a vertical code of two letters and numbered levels."""
    tail = value.removeprefix(GID)
    vertical, _, rest = tail.partition("-")
    return (
        len(vertical) == 2
        and vertical.isalpha()
        and all(p.isdigit() for p in rest.split("-") if rest)
        and (not rest or all(rest.split("-")))
    )


#: The taxonomy ids a mapping line may use: those of the built-in table and their parents. Shopify's
#: whole taxonomy cannot be checked from here, so an id outside this set is refused at the settings
#: field rather than sent and refused by Shopify ("Invalid product_taxonomy_node_id").
KNOWN_TAXONOMY_IDS: frozenset[str] = frozenset(
    {"aa", "aa-1-1", "aa-1-13-8", "aa-5", *DEFAULT_CATEGORIES.values()}
)


def taxonomy_id_known(value: str) -> bool:
    """Whether `value` (`aa-1-13` or its GID) is one of `KNOWN_TAXONOMY_IDS`."""
    return value.strip().removeprefix(GID) in KNOWN_TAXONOMY_IDS


def category_to_write(
    *, categories: Any, previous: Any, mappings: Mapping[str, str], created: bool
) -> str | None:
    """The taxonomy GID a product write sends, or None to leave Shopify's category alone.

    A new product gets the mapped category. An existing one only when the category mapped from
    JOOR's categories now differs from the one mapped from the categories last written to Shopify
    (`previous`, the `joor.categories` metafield): a category the merchant chose in Shopify stands
    until JOOR's category changes. Nothing mapped → nothing sent (a category is never blanked)."""
    mapped = taxonomy_for(categories, mappings=mappings)
    if mapped is None or created:
        return mapped
    return mapped if mapped != taxonomy_for(previous, mappings=mappings) else None
