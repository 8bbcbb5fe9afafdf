"""Shopify Admin GraphQL client: `AdminClient`, its typed results and errors, and bulk operations."""

from shopify_app.admin.client import AdminClient, search_value, validate_shop_domain
from shopify_app.admin.errors import (
    InvalidShopDomain,
    ShopifyAuthError,
    ShopifyBadResult,
    ShopifyBulkOperationFailed,
    ShopifyBulkOperationInProgress,
    ShopifyError,
    ShopifyGraphQLError,
    ShopifyRequestError,
    ShopifyThrottled,
    ShopifyTimeout,
    ShopifyTransientError,
    ShopifyUserErrors,
)
from shopify_app.admin.types import GraphQLResult, UserError

__all__ = [
    "AdminClient",
    "GraphQLResult",
    "InvalidShopDomain",
    "ShopifyAuthError",
    "ShopifyBadResult",
    "ShopifyBulkOperationFailed",
    "ShopifyBulkOperationInProgress",
    "ShopifyError",
    "ShopifyGraphQLError",
    "ShopifyRequestError",
    "ShopifyThrottled",
    "ShopifyTimeout",
    "ShopifyTransientError",
    "ShopifyUserErrors",
    "UserError",
    "search_value",
    "validate_shop_domain",
]
