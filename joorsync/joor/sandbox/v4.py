"""v4 endpoints (JSON only): the OAuth2 token endpoint, products, SKUs, prices, price types, seasons,
collections, orders and their SKU line items.

Envelope `{"data": [...], "errors": [...]}`; bulk writes take a JSON array, answer 200 with the items
that were written in `data` and one `errors` entry per refused item. The rules of lists, bulk bodies
and errors, with their sources, are in `v4_common`; each endpoint module says where its shapes come
from (`v4_products`, `v4_prices`, `v4_linesheets`, `images`, `v4_orders`).

Catalog routes that JOOR's pages do not show are marked in the table below ("code only": a public
client sends it; "by analogy": the path follows JOOR's pattern for other resources).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .auth import parse_form
from .http import Request, Response, json_response, v4_error
from .images import product_assets, sku_trait_value_assets
from .v4_common import V4BadRequest, paging_for
from .v4_linesheets import (
    collections_bulk_create,
    collections_bulk_update,
    get_categories,
    get_collections,
    get_seasons,
    get_traits,
    post_seasons,
    seasons_bulk_update,
)
from .v4_orders import (
    get_line_items,
    get_orders,
    line_items_bulk_create,
    line_items_bulk_update,
    orders_bulk_create,
    orders_bulk_update,
)
from .v4_prices import get_price_types, get_prices, prices_bulk_create, prices_bulk_update
from .v4_products import (
    get_products,
    get_skus,
    products_bulk_create,
    products_bulk_update,
    skus_bulk_create,
    skus_bulk_update,
    skus_bulk_update_by_external_id,
)

if TYPE_CHECKING:
    from .app import JoorSandbox


def auth_token(sb: JoorSandbox, req: Request) -> Response:
    form = parse_form(req.body, req.headers.get("content-type", ""))
    status, data = sb.tokens.grant(form)
    return json_response(status, data, [("Cache-Control", "no-store")])


def _guard(handler: Callable[[JoorSandbox, Request], Response]) -> Callable[[JoorSandbox, Request], Response]:
    """Turns request-level problems into a 400 with the v4 error envelope, and applies the instance's
    v4 list paging setting (`v4_common.paging_for`)."""

    def wrapped(sb: JoorSandbox, req: Request) -> Response:
        try:
            with paging_for(sb):
                return handler(sb, req)
        except V4BadRequest as exc:
            status = exc.status
            if status == "BAD_REQUEST" and "at most" in str(exc) and "items" in str(exc):
                status = "BATCH_TOO_LARGE"
            return v4_error(400, status, str(exc))

    wrapped.__name__ = handler.__name__
    return wrapped


ROUTES: list[tuple[str, str, Callable[..., Response]]] = [
    (method, path, _guard(handler))
    for method, path, handler in (
        ("GET", "/v4/products", get_products),
        ("POST", "/v4/products/bulk_create", products_bulk_create),
        ("POST", "/v4/products/bulk_update", products_bulk_update),
        ("GET", "/v4/skus", get_skus),
        ("POST", "/v4/skus/bulk_create", skus_bulk_create),
        ("POST", "/v4/skus/bulk_update", skus_bulk_update),
        ("POST", "/v4/skus/bulk_update_by_external_id", skus_bulk_update_by_external_id),  # code only
        ("GET", "/v4/prices", get_prices),
        ("POST", "/v4/prices/bulk_create", prices_bulk_create),
        ("POST", "/v4/prices/bulk_update", prices_bulk_update),
        ("GET", "/v4/price_types", get_price_types),
        ("GET", "/v4/seasons", get_seasons),
        ("POST", "/v4/seasons", post_seasons),  # path unknown: JOOR names "CREATE /seasons"
        ("POST", "/v4/seasons/bulk_create", post_seasons),  # by analogy
        ("POST", "/v4/seasons/bulk_update", seasons_bulk_update),  # by analogy
        ("GET", "/v4/collections", get_collections),
        ("POST", "/v4/collections/bulk_create", collections_bulk_create),
        ("POST", "/v4/collections/bulk_update", collections_bulk_update),
        ("GET", "/v4/traits", get_traits),
        ("GET", "/v4/categories", get_categories),
        ("GET", "/v4/orders", get_orders),
        ("POST", "/v4/orders/bulk_create", orders_bulk_create),
        ("POST", "/v4/orders/bulk_update", orders_bulk_update),
        ("GET", "/v4/orders/sku_line_items", get_line_items),
        ("POST", "/v4/orders/sku_line_items/bulk_create", line_items_bulk_create),
        ("POST", "/v4/orders/sku_line_items/bulk_update", line_items_bulk_update),
        ("POST", "/v4/assets/products", product_assets),
        ("POST", "/v4/assets/sku_trait_values", sku_trait_value_assets),  # code only (viveren)
    )
]
