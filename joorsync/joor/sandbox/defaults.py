"""Credentials and constants the sandbox accepts unless configured otherwise.

These are sandbox values, not secrets: they are printed by the `joor_sandbox` command and used by tests.
"""

from __future__ import annotations

from datetime import UTC, datetime

DEFAULT_TOKEN = "sandbox-token"  # noqa: S105 - a published sandbox credential
DEFAULT_ACCOUNT_ID = "1001"
DEFAULT_CLIENT_ID = "sandbox-client"
DEFAULT_CLIENT_SECRET = "sandbox-client-secret"  # noqa: S105 - a published sandbox credential
DEFAULT_USERNAME = "brand@example.com"
DEFAULT_PASSWORD = "sandbox-password"  # noqa: S105 - a published sandbox credential

DEFAULT_STYLES = 50
DEFAULT_SEED = 1

# v2 paging: JOOR-like default page size and the largest page the sandbox serves.
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
# v2 orders page size.
DEFAULT_ORDER_PAGE_SIZE = 50

# The brand's warehouses (code, name), in every catalog: JOOR's connection carries
# `warehouses › warehouse {warehouse_name, warehouse_code}` and its export validation names both fields
# [https://api-docs.jooraccess.com/v2.0/reference/connection-get]
# [https://api-docs.jooraccess.com/v2.0/reference/introduction-5]; the two warehouses are the sandbox's.
WAREHOUSES: tuple[tuple[str, str], ...] = (("NY", "New York Warehouse"), ("LA", "Los Angeles Warehouse"))

# v4 list paging and bulk limits.
V4_DEFAULT_PAGE_SIZE = 100
V4_MAX_PAGE_SIZE = 500
V4_MAX_BULK_ITEMS = 100

# Rate limit: credits per request kind, allowance per fixed window.
CREDITS_READ = 1
CREDITS_WRITE = 5
WINDOW_CREDITS = 300
WINDOW_SECONDS = 300.0

# v4 token lifetimes (seconds), as JOOR's Keycloak issues them.
ACCESS_TOKEN_TTL = 36000
REFRESH_TOKEN_TTL = 7776000

# Generated timestamps are spread over the year before this instant, so a seed always yields the same
# catalog whatever the day.
CATALOG_EPOCH = datetime(2026, 11, 1, tzinfo=UTC)

# The seed document's example style, always the first style of a generated catalog.
SEED_STYLE_ID = 1252163

COLOR_TRAIT_ID = "U0tVVHJhaXQ6U3R5bGVDb2xvcg=="
SIZE_TRAIT_ID = "U0tVVHJhaXQ6U2l6ZQ=="

# v4 traits: JOOR's documented ids and names. Product traits [https://api-docs.jooraccess.com/docs/
# how-to-use-traits] (Contains Fur, Country of Origin, Division, Fabrication Name, Heel Height),
# [https://api-docs.jooraccess.com/docs/how-to-create-catalog-data] (Materials) and
# [https://api-docs.jooraccess.com/changelog/api-v4-product-03172021] (Silhouette Name); the ids are
# base64 of "ProductTrait:<CODE>". SKU traits Color and Size
# [https://api-docs.jooraccess.com/v2.0/reference/create-skus].
CONTAINS_FUR_TRAIT_ID = "UHJvZHVjdFRyYWl0OkNPTlRBSU5TRlVS"
COUNTRY_OF_ORIGIN_TRAIT_ID = "UHJvZHVjdFRyYWl0OkNPVU5UUllPRk9SSUdJTg=="
DIVISION_TRAIT_ID = "UHJvZHVjdFRyYWl0OkRJVklTSU9O"
FABRICATION_TRAIT_ID = "UHJvZHVjdFRyYWl0OkZBQk5BTUU="
HEEL_HEIGHT_TRAIT_ID = "UHJvZHVjdFRyYWl0OkhFRUxIRUlHSFQ="
MATERIALS_TRAIT_ID = "UHJvZHVjdFRyYWl0Ok1BVA=="
SILHOUETTE_TRAIT_ID = "UHJvZHVjdFRyYWl0OlNJTE5BTUU="

# JOOR's category taxonomy as the sandbox serves it on GET /v4/categories: (id, name, parent_name,
# department, v2 category_parent). The id is the v2 `subcategory_id` of the same branch, so the v2 and
# v4 views of a style name the same categories. Shape and the 24xx rows are JOOR's
# [https://api-docs.jooraccess.com/docs/how-to-use-categories]; the other rows are the sandbox's own
# (JOOR: category ids may differ between Sandbox and Production
# [https://api-docs.jooraccess.com/v2.0/reference/introduction-1]).
_SUBCATEGORIES = (
    (2, "Tops", "Apparel"),
    (3, "Dresses", "Apparel"),
    (4, "Skirts", "Apparel"),
    (5, "Knitwear", "Apparel"),
    (6, "Pants", "Apparel"),
    (7, "Denim", "Apparel"),
    (8, "Outerwear", "Apparel"),
    (9, "Jackets", "Apparel"),
    (11, "Boots", "Footwear"),
    (12, "Flats", "Footwear"),
    (13, "Sandals", "Footwear"),
    (14, "Sneakers", "Footwear"),
)
MEN_CATEGORY_OFFSET = 100
V4_CATEGORIES: tuple[tuple[str, str, str, str, str], ...] = (
    *((str(n), name, parent, "WOMEN", "Women's") for n, name, parent in _SUBCATEGORIES),
    *((str(n + MEN_CATEGORY_OFFSET), name, parent, "MEN", "Men's") for n, name, parent in _SUBCATEGORIES),
    ("2405", "Stationery", "General Home", "HOME", "Home"),
    ("2406", "Fragances", "Accessories", "HOME", "Home"),
    ("2407", "Jumpsuits", "Apparel", "BABY_GIRLS", "Baby Girls"),
    ("2408", "Skirts", "Apparel", "BABY_GIRLS", "Baby Girls"),
)


def category_id_for(category_parent: str, subcategory_label: str) -> int:
    """The v2 `subcategory_id` of a seeded branch (Women's ids as the seed document, Men's offset)."""
    base = next(n for n, name, _ in _SUBCATEGORIES if name == subcategory_label)
    return base + (MEN_CATEGORY_OFFSET if category_parent == "Men's" else 0)
