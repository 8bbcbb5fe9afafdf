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


# ------------------------------------------------------------------ categories as tags

#: The history path of a write of the product's taxonomy category (not a compared field: Shopify
#: alone holds it, mapped from JOOR's categories).
CATEGORY_PATH = "category"

#: Tags the app owns: one per JOOR category path, `joor-category:Women's > Apparel > Tops`. The
#: `joor-` namespace is the one the app's order tags use (`joor-order-…`); a merchant's own tag never
#: starts with it, so these can be told apart, kept out of the tags compared with JOOR's style tags,
#: and replaced without touching the merchant's.
TAG_PREFIX = "joor-category:"
MAX_TAG_LENGTH = 255  # Shopify's limit for one tag


def _tag_text(part: str) -> str:
    # A comma separates tags in Shopify's tag strings, so none is kept inside one.
    return " ".join(part.replace(",", " ").split())


def category_tags(categories: Any) -> list[str]:
    """The reserved tags for a style's categories: one per category path (the whole path, as JOOR's
    `Tops` under Women's and under Men's are two categories)."""
    found: dict[str, str] = {}
    for path in category_paths(categories):
        text = " > ".join(p for p in (_tag_text(part) for part in path) if p)
        if text:
            tag = (TAG_PREFIX + text)[:MAX_TAG_LENGTH].rstrip()
            found.setdefault(tag.lower(), tag)
    return sorted(found.values(), key=str.lower)


def is_category_tag(tag: Any) -> bool:
    """Whether `tag` is one of the app's category tags (Shopify compares tags without case)."""
    return isinstance(tag, str) and tag.strip().lower().startswith(TAG_PREFIX)


def without_category_tags(tags: Iterable[str]) -> list[str]:
    """`tags` less the app's category tags: what is compared with, and sent to, JOOR."""
    return [tag for tag in tags if not is_category_tag(tag)]


#: The `joor.*` metafield holding the category tags the app last wrote (kept out of the compared
#: product, like the identity metafields).
TAGS_WRITTEN_KEY = "category_tags"


def category_tags_to_write(
    *, categories: Any, written: Any, current_tags: Iterable[str], created: bool
) -> list[str]:
    """The category tags a product write carries next to the merchant's tags.

    JOOR's, on a new product and whenever they differ from those last written (`written`, the
    `joor.category_tags` metafield; None on a product the app never tagged): the old category tags
    go, the new ones come. Otherwise the category tags the product has now stay as they are, so a
    tag the merchant removed stays removed until JOOR's category changes."""
    wanted = category_tags(categories)
    if created or not isinstance(written, list):
        return wanted
    if {t.lower() for t in wanted} != {str(t).lower() for t in written}:
        return wanted
    return [tag for tag in current_tags if is_category_tag(tag)]
