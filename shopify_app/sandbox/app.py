"""The Shopify sandbox as a WSGI application.

Routes:
  GET  /admin/oauth/authorize                  merchant approves at once → 302 to the app's redirect_uri
  POST /admin/oauth/access_token               code exchange, refresh, token exchange
  POST /admin/api/{version}/graphql.json       the Admin GraphQL subset (auth, cost, throttling)
  POST /_sandbox/products/{id}                 a merchant edit in the Shopify admin (fires webhooks)
  POST /_sandbox/orders/{id}/fulfill           the merchant ships an order: {"lines": {"<line item gid|id>": qty}},
                                               default everything (fires fulfillments/create, orders/fulfilled…)
  POST /_sandbox/orders/{id}/cancel            the merchant cancels an order: {"reason", "restock", "refund",
                                               "staffNote"}, default OTHER, restock and refund (fires orders/cancelled)
  GET  /_sandbox/orders                        the shop's orders and their fulfilment orders (see `order_control`)
  POST /_sandbox/staged-uploads                multipart upload target of stagedUploadsCreate
  PUT  /_sandbox/staged-uploads/{key}          upload to a PUT target of stagedUploadsCreate (see `media_control`)
  POST /_sandbox/media/failing-urls            sources that fail media processing ({"urls": [...]})
  POST /_sandbox/media/process                 files still processing finish now
  GET  /_sandbox/bulk/{id}.jsonl               bulk operation results
  POST /_sandbox/faults                        other fault rates from now on ({"faults": "5xx=0.1,…"})
  GET  /_sandbox/status                        Admin API requests and cost points so far, faults injected
The shop comes from the `X-Sandbox-Shop-Domain` header, else `?shop=`/body `shop`, else the default shop.
"""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import itertools
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

from shopify_app.sandbox import bulk as _bulk  # noqa: F401 - registers bulk resolvers
from shopify_app.sandbox import graphql_api, media_control, order_control
from shopify_app.sandbox.config import BUCKET_SIZE, KNOWN_API_VERSIONS, RESTORE_RATES, SandboxConfig
from shopify_app.sandbox.cost import RateLimiter
from shopify_app.sandbox.customer_api import one_of_errors
from shopify_app.sandbox.faults import ConnectionDropped, parse_rates
from shopify_app.sandbox.models import Product, parse_gid, shop_number
from shopify_app.sandbox.oauth import OAuthError, OAuthService
from shopify_app.sandbox.payloads import inventory_level_json, product_json
from shopify_app.sandbox.products import (
    apply_product_set,
    apply_variant_fields,
    update_product,
    validate_product_set,
)
from shopify_app.sandbox.resolvers import Context
from shopify_app.sandbox.seed import seed_locations, seed_markets, seed_products
from shopify_app.sandbox.store import Change, ShopState
from shopify_app.sandbox.webhooks import Delivery, WebhookSender, topic_enum

logger = logging.getLogger(__name__)
StartResponse = Callable[..., Any]
INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"  # noqa: S105
GRAPHQL_PATH = re.compile(r"^/admin/api/(?P<version>[^/]+)/graphql\.json$")
PRODUCT_EDIT_PATH = re.compile(r"^/_sandbox/products/(?P<id>\d+)$")
BULK_RESULT_PATH = re.compile(r"^/_sandbox/bulk/(?P<id>\d+)\.jsonl$")
MAX_BODY = 100 * 1024 * 1024


class HttpResponse:
    def __init__(
        self, status: int, body: bytes | str | dict | list, headers: dict[str, str] | None = None
    ) -> None:
        self.status = status
        self.headers = dict(headers or {})
        if isinstance(body, (dict, list)):
            self.body = json.dumps(body).encode()
            self.headers.setdefault("Content-Type", "application/json; charset=utf-8")
        elif isinstance(body, str):
            self.body = body.encode()
            self.headers.setdefault("Content-Type", "text/plain; charset=utf-8")
        else:
            self.body = body
            self.headers.setdefault("Content-Type", "application/octet-stream")


_REASONS = {
    200: "OK",
    201: "Created",
    302: "Found",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class ShopifySandbox:
    """WSGI callable emulating the Shopify endpoints the app uses; in-memory and thread-safe."""

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self.clock = self.config.clock
        self._clock_start = self.clock()
        self._wall_start = self.config.wall_start if self.config.wall_start is not None else time.time()
        self.lock = threading.RLock()
        self.oauth = OAuthService(self.config, clock=self.clock, wall=self.wall)
        self.rate_limiter = RateLimiter(
            maximum=BUCKET_SIZE,
            restore_rate=RESTORE_RATES[self.config.rate_limit],
            enabled=self.config.rate_limit != "off",
            clock=self.clock,
        )
        self.webhooks = WebhookSender(
            secret=self.config.api_secret,
            transport=self.config.webhook_transport,
            mode=self.config.deliver_webhooks,
            max_attempts=self.config.webhook_max_attempts,
            retry_delay=self.config.webhook_retry_delay,
            now=self.now_iso,
            senders=self.config.webhook_senders,
        )
        self._ids = itertools.count(1_000_000_001)
        # What the Admin API served: requests (faulted ones included) and Σ actualQueryCost.
        self.api_requests = 0
        self.cost_points = 0
        self.shops: dict[str, ShopState] = {}
        for domain in self.config.shops:
            state = ShopState(
                domain=domain,
                name=self.config.shop_name,
                currency=self.config.currency,
                now=self.now_iso,
                ids=self._ids,
                created_at=self.now_iso(),
                app_namespace=self.config.app_namespace,
                shopify_plus=self.config.is_plus(domain),
            )
            seed_locations(state, second=self.config.second_location)
            if self.config.seed_markets:
                seed_markets(state)
            seed_products(
                state, count=self.config.products, seed=self.config.seed, vendor=self.config.shop_name
            )
            self.shops[domain] = state

    # ----- time ----------------------------------------------------------------------------------
    def wall(self) -> float:
        """Wall-clock seconds derived from the injectable clock."""
        return self._wall_start + (self.clock() - self._clock_start)

    def now_iso(self) -> str:
        return datetime.fromtimestamp(self.wall(), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    # ----- helpers for tests and tools -----------------------------------------------------------
    def shop(self, domain: str | None = None) -> ShopState:
        return self.shops[(domain or self.config.default_shop).lower()]

    @property
    def webhook_deliveries(self) -> list[Delivery]:
        return list(self.webhooks.deliveries)

    def mint_session_token(
        self, shop: str, user_id: str = "1", ttl: int = 60, now: float | None = None
    ) -> str:
        return self.oauth.mint_session_token(shop, user_id=user_id, ttl=ttl, now=now)

    def issue_access_token(self, shop: str | None = None, *, expiring: bool = False) -> str:
        """A valid token for a shop without going through OAuth (what `--token` does on the command line)."""
        domain = (shop or self.config.default_shop).lower()
        with self.oauth._lock:
            return self.oauth._issue(domain, self.config.scopes, expiring=expiring)["access_token"]

    def expire_access_tokens(self, shop: str | None = None) -> None:
        self.oauth.expire_access_tokens((shop or self.config.default_shop).lower())

    def base_url_for(self, context: Context) -> str:
        return (self.config.base_url or context.base_url).rstrip("/")

    def close(self) -> None:
        self.webhooks.close()

    def drain_webhooks(self, timeout: float = 10.0) -> None:
        self.webhooks.drain(timeout)

    # ----- merchant actions (edits in the Shopify admin) -----------------------------------------
    def _merchant(self, shop: str | None, action: Callable[[ShopState, list[Change]], Any]) -> Any:
        state = self.shop(shop)
        changes: list[Change] = []
        with self.lock:
            result = action(state, changes)
        self.dispatch(state, changes)
        return result

    def merchant_update_product(
        self, product_gid: str, changes: dict[str, Any], *, shop: str | None = None
    ) -> dict[str, Any]:
        """Edit a product as a merchant would: product fields (`title`, `descriptionHtml`, `vendor`,
        `productType`, `status`, `tags`, `handle`) and `variants: [{id|sku, price, compareAtPrice, barcode, sku}]`.
        Returns the REST product JSON; raises ValueError on invalid input."""

        def action(state: ShopState, out: list[Change]) -> dict[str, Any]:
            product = self._product(state, product_gid)
            fields = {k: v for k, v in changes.items() if k != "variants"}
            product_changes: list[Change] = []
            updated, errors = update_product(state, product, fields, product_changes)
            if errors:
                raise ValueError(f"invalid merchant edit: {errors}")
            assert updated is not None
            for item in changes.get("variants") or []:
                variant = self._variant_of(updated, item)
                apply_variant_fields(variant, {k: v for k, v in item.items() if k != "id"})
                variant.updated_at = updated.updated_at = state.now()
            out.append(Change("products/update", product_json(state, updated)))
            return product_json(state, updated)

        return self._merchant(shop, action)

    def merchant_create_product(self, product_input: dict[str, Any], *, shop: str | None = None) -> str:
        """Create a product from a ProductSetInput-shaped dict; returns its gid."""

        def action(state: ShopState, out: list[Change]) -> str:
            plan, errors = validate_product_set(state, product_input, None)
            if errors:
                raise ValueError(f"invalid product: {errors}")
            return f"gid://shopify/Product/{apply_product_set(state, product_input, None, plan, out).id}"

        return self._merchant(shop, action)

    def merchant_delete_product(self, product_gid: str, *, shop: str | None = None) -> None:
        def action(state: ShopState, out: list[Change]) -> None:
            product = self._product(state, product_gid)
            state.delete_product(product)
            out.append(Change("products/delete", {"id": product.id}))

        self._merchant(shop, action)

    def merchant_delete_variant(self, product_gid: str, variant_gid: str, *, shop: str | None = None) -> None:
        """Delete one variant in the admin, as a merchant would; fires products/update."""

        def action(state: ShopState, out: list[Change]) -> None:
            product = self._product(state, product_gid)
            variant = self._variant_of(product, {"id": variant_gid})
            if len(product.variants) < 2:
                raise ValueError("a product keeps at least one variant")
            state.drop_variant(variant)
            product.variants = [v for v in product.variants if v is not variant]
            product.updated_at = state.now()
            out.append(Change("products/update", product_json(state, product)))

        self._merchant(shop, action)

    def merchant_set_inventory(
        self, inventory_item_gid: str, location_gid: str, available: int, *, shop: str | None = None
    ) -> None:
        """Set `available` at a location; fires inventory_levels/update and products/update."""

        def action(state: ShopState, out: list[Change]) -> None:
            variant = state.variant_by_item(parse_gid(inventory_item_gid, "InventoryItem"))
            location_id = parse_gid(location_gid, "Location")
            if variant is None or location_id not in state.locations:
                raise ValueError("unknown inventory item or location")
            level = state.level(variant.inventory_item_id, location_id)
            assert level is not None
            delta = available - level.available
            level.available = available
            level.on_hand += delta
            now = state.now()
            level.updated_at = variant.item_updated_at = now
            product = state.product_of(variant)
            product.updated_at = now
            out.append(Change("inventory_levels/update", inventory_level_json(level)))
            out.append(Change("products/update", product_json(state, product)))

        self._merchant(shop, action)

    def merchant_uninstall_app(self, shop: str | None = None) -> None:
        """The merchant uninstalls the app: app/uninstalled fires, tokens and subscriptions go."""
        state = self.shop(shop)
        payload = {
            "id": shop_number(state.domain),
            "name": state.name,
            "email": f"owner@{state.domain}",
            "domain": state.domain,
            "myshopify_domain": state.domain,
            "currency": state.currency,
            "plan_name": self.config.rate_limit,
            "created_at": state.created_at,
        }
        self.dispatch(state, [Change("app/uninstalled", payload)])
        with self.lock:
            state.subscriptions.clear()
        self.oauth.revoke_shop(state.domain)

    @staticmethod
    def _product(state: ShopState, product_gid: str | int) -> Product:
        number = product_gid if isinstance(product_gid, int) else parse_gid(product_gid, "Product")
        product = state.products.get(number) if number is not None else None
        if product is None:
            raise ValueError(f"unknown product {product_gid}")
        return product

    @staticmethod
    def _variant_of(product: Product, item: dict[str, Any]) -> Any:
        wanted = item.get("id")
        number = wanted if isinstance(wanted, int) else parse_gid(wanted, "ProductVariant")
        for variant in product.variants:
            if (number is not None and variant.id == number) or (
                number is None and variant.sku == item.get("sku")
            ):
                return variant
        raise ValueError(f"unknown variant {item}")

    # ----- webhooks ------------------------------------------------------------------------------
    def dispatch(self, state: ShopState, changes: list[Change]) -> None:
        deliveries = []
        with self.lock:
            subscriptions = list(state.subscriptions.values())
        for change in changes:
            for subscription in subscriptions:
                if subscription.topic == topic_enum(change.topic):
                    deliveries.append(
                        self.webhooks.build(
                            shop=state.domain,
                            topic=change.topic,
                            uri=subscription.uri,
                            api_version=subscription.api_version,
                            payload=change.payload,
                        )
                    )
        self.webhooks.send(deliveries)

    # ----- WSGI ----------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        method = environ.get("REQUEST_METHOD", "GET").upper()
        fault = None
        if path.startswith("/admin/api/"):
            with self.lock:
                self.api_requests += 1
            fault = self.config.faults.draw()
        if fault == "drop":
            raise ConnectionDropped(path)
        if fault == "timeout":
            time.sleep(self.config.faults.timeout_seconds)
            response = HttpResponse(504, {"errors": "Gateway Timeout"})
        elif fault == "5xx":
            response = HttpResponse(503, {"errors": "Service Unavailable"})
        elif fault == "429":
            response = HttpResponse(
                429,
                {
                    "errors": "Exceeded 2 calls per second for api client. Reduce request rates to resume "
                    "uninterrupted service."
                },
                {"Retry-After": str(self.config.faults.retry_after)},
            )
        else:
            try:
                response = self.route(method, path, environ)
            except OAuthError as exc:
                response = HttpResponse(exc.status, exc.body())
            except ConnectionDropped:
                raise
            except Exception:
                logger.exception("shopify sandbox failed on %s %s", method, path)
                response = HttpResponse(
                    500,
                    {
                        "errors": [
                            {
                                "message": "Internal error. Looks like something went wrong on our end.",
                                "extensions": {"code": "INTERNAL_SERVER_ERROR"},
                            }
                        ]
                    },
                )
        body = response.body
        headers = {**response.headers, "Content-Length": str(len(body))}
        if fault == "truncate":
            body = body[: max(1, len(body) // 2)]
        start_response(f"{response.status} {_REASONS.get(response.status, 'Status')}", list(headers.items()))
        return [body]

    def route(self, method: str, path: str, environ: dict[str, Any]) -> HttpResponse:
        match = GRAPHQL_PATH.match(path)
        if match:
            if method != "POST":
                return HttpResponse(405, {"errors": "Method Not Allowed"})
            return self.graphql(match["version"], environ)
        if path == "/admin/oauth/authorize" and method == "GET":
            return self.authorize(environ)
        if path == "/admin/oauth/access_token" and method == "POST":
            return self.access_token(environ)
        match = PRODUCT_EDIT_PATH.match(path)
        if match and method == "POST":
            return self.product_edit(int(match["id"]), environ)
        if path == "/_sandbox/staged-uploads" and method == "POST":
            return self.staged_upload(environ)
        match = BULK_RESULT_PATH.match(path)
        if match and method == "GET":
            return self.bulk_result(int(match["id"]), environ)
        if path == "/_sandbox/faults" and method == "POST":
            return self.set_faults(environ)
        if path == "/_sandbox/status" and method == "GET":
            return self.status()
        handled = order_control.route(self, method, path, environ)
        if handled is not None:
            return HttpResponse(*handled)
        handled = media_control.route(self, method, path, environ)
        if handled is not None:
            return HttpResponse(*handled)
        return HttpResponse(404, {"errors": "Not Found"})

    # ----- request helpers -----------------------------------------------------------------------
    @staticmethod
    def _body(environ: dict[str, Any]) -> bytes:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= 0:
            return b""
        return environ["wsgi.input"].read(min(length, MAX_BODY))

    @staticmethod
    def _query(environ: dict[str, Any]) -> dict[str, str]:
        return dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))

    def _shop_from(self, environ: dict[str, Any], fallback: str | None = None) -> str | None:
        domain = (
            (environ.get("HTTP_X_SANDBOX_SHOP_DOMAIN") or fallback or self.config.default_shop)
            .strip()
            .lower()
        )
        return domain if domain in self.shops else None

    @staticmethod
    def _base_url(environ: dict[str, Any]) -> str:
        host = (
            environ.get("HTTP_HOST")
            or f"{environ.get('SERVER_NAME', 'localhost')}:{environ.get('SERVER_PORT')}"
        )
        return f"{environ.get('wsgi.url_scheme', 'http')}://{host}"

    # ----- OAuth ---------------------------------------------------------------------------------
    def authorize(self, environ: dict[str, Any]) -> HttpResponse:
        params = self._query(environ)
        shop = self._shop_from(environ, params.get("shop"))
        if shop is None:
            return HttpResponse(404, "There is no store at this address.")
        try:
            callback = self.oauth.authorize(shop=shop, params=params)
        except OAuthError as exc:
            return HttpResponse(400, f"Oauth error {exc.code}: {exc.description}")
        redirect = params["redirect_uri"]
        separator = "&" if "?" in redirect else "?"
        return HttpResponse(302, "", {"Location": f"{redirect}{separator}{urlencode(callback)}"})

    def access_token(self, environ: dict[str, Any]) -> HttpResponse:
        raw = self._body(environ)
        content_type = environ.get("CONTENT_TYPE", "")
        data: dict[str, Any]
        if "json" in content_type:
            try:
                data = json.loads(raw or b"{}")
            except ValueError:
                return HttpResponse(
                    400, {"error": "invalid_request", "error_description": "Malformed JSON body."}
                )
        else:
            data = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        data = {**self._query(environ), **data}
        shop = self._shop_from(environ, data.get("shop"))
        if shop is None:
            return HttpResponse(404, {"errors": "Not Found"})
        return HttpResponse(200, self.oauth.token(shop=shop, data=data))

    # ----- GraphQL -------------------------------------------------------------------------------
    def graphql(self, version: str, environ: dict[str, Any]) -> HttpResponse:
        if version not in KNOWN_API_VERSIONS:
            return HttpResponse(404, {"errors": "Not Found"})
        token_shop = self.oauth.shop_for_token(environ.get("HTTP_X_SHOPIFY_ACCESS_TOKEN"))
        header_shop = environ.get("HTTP_X_SANDBOX_SHOP_DOMAIN")
        if token_shop is None or (header_shop and header_shop.strip().lower() != token_shop):
            return HttpResponse(401, {"errors": INVALID_TOKEN})
        state = self.shops[token_shop]
        raw = self._body(environ)
        content_type = environ.get("CONTENT_TYPE", "")
        try:
            if "application/graphql" in content_type:
                payload: Any = {"query": raw.decode("utf-8")}
            else:
                payload = json.loads(raw or b"null")
        except (ValueError, UnicodeDecodeError):
            payload = None
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            return HttpResponse(400, {"errors": {"query": "Required parameter missing or invalid"}})
        variables = payload.get("variables") or {}
        if not isinstance(variables, dict):
            return HttpResponse(400, {"errors": {"variables": "Variables must be a JSON object"}})
        return HttpResponse(
            200,
            self.execute(
                state,
                version,
                payload["query"],
                variables,
                payload.get("operationName"),
                base_url=self._base_url(environ),
            ),
        )

    def execute(
        self,
        state: ShopState,
        version: str,
        query: str,
        variables: dict[str, Any],
        operation_name: str | None = None,
        *,
        base_url: str = "",
    ) -> dict[str, Any]:
        """Run one GraphQL request for a shop; returns the response body Shopify would send."""
        prepared = graphql_api.prepare(query, variables, operation_name)
        if isinstance(prepared, list):
            return {"errors": prepared}
        one_of = one_of_errors(prepared.operation, prepared.raw_variables, graphql_api.schema())
        if one_of:
            return {"errors": one_of}
        size_errors = graphql_api.input_size_errors(prepared)
        if size_errors:
            return {"errors": size_errors}
        requested = graphql_api.price(prepared)
        if requested > graphql_api.MAX_QUERY_COST:
            return {
                "errors": [graphql_api.max_cost_error(requested)],
                "extensions": {"cost": self._cost(state, requested, None)},
            }
        if not self.rate_limiter.try_acquire(state.domain, requested):
            return {
                "errors": [
                    {
                        "message": "Throttled",
                        "extensions": {
                            "code": "THROTTLED",
                            "documentation": "https://shopify.dev/api/usage/rate-limits",
                        },
                    }
                ],
                "extensions": {"cost": self._cost(state, requested, None)},
            }
        directive_errors, nulls = graphql_api.directive_errors(prepared, version)
        if directive_errors:
            return {
                "errors": directive_errors,
                "data": nulls,
                "extensions": {"cost": self._cost(state, requested, graphql_api.MUTATION_COST)},
            }
        context = Context(sandbox=self, state=state, api_version=version, base_url=base_url)
        with self.lock:
            body = graphql_api.run(prepared, context)
        actual = graphql_api.actual_cost(prepared, body.get("data"), requested)
        if actual < requested:
            self.rate_limiter.refund(state.domain, requested - actual)
        with self.lock:
            self.cost_points += actual
        body["extensions"] = {"cost": self._cost(state, requested, actual)}
        self.dispatch(state, context.changes)
        return body

    def _cost(self, state: ShopState, requested: int, actual: int | None) -> dict[str, Any]:
        return {
            "requestedQueryCost": requested,
            "actualQueryCost": actual,
            "throttleStatus": self.rate_limiter.status(state.domain),
        }

    # ----- sandbox-only routes -------------------------------------------------------------------
    def product_edit(self, product_id: int, environ: dict[str, Any]) -> HttpResponse:
        shop = self._shop_from(environ, self._query(environ).get("shop"))
        if shop is None:
            return HttpResponse(404, {"errors": "Not Found"})
        try:
            changes = json.loads(self._body(environ) or b"{}")
        except ValueError:
            return HttpResponse(400, {"errors": "Malformed JSON body"})
        if not isinstance(changes, dict):
            return HttpResponse(400, {"errors": "Expected a JSON object of product fields"})
        try:
            product = self.merchant_update_product(f"gid://shopify/Product/{product_id}", changes, shop=shop)
        except ValueError as exc:
            status = 404 if "unknown product" in str(exc) else 422
            return HttpResponse(status, {"errors": str(exc)})
        return HttpResponse(200, {"product": product})

    def set_faults(self, environ: dict[str, Any]) -> HttpResponse:
        try:
            body = json.loads(self._body(environ) or b"{}")
            spec = body.get("faults") if isinstance(body, dict) else None
            if not isinstance(spec, str):
                raise ValueError('expected {"faults": "kind=rate,…"}')
            self.config.faults.set_rates(parse_rates(spec))
        except ValueError as exc:
            return HttpResponse(400, {"errors": str(exc)})
        return HttpResponse(200, {"faults": dict(self.config.faults.rates)})

    def status(self) -> HttpResponse:
        with self.lock:
            return HttpResponse(
                200,
                {
                    "requests": self.api_requests,
                    "cost": self.cost_points,
                    "faults": dict(self.config.faults.counts),
                    "products": {domain: len(state.products) for domain, state in self.shops.items()},
                },
            )

    def staged_upload(self, environ: dict[str, Any]) -> HttpResponse:
        content_type = environ.get("CONTENT_TYPE", "")
        if "multipart/form-data" not in content_type:
            return HttpResponse(400, "Expected multipart/form-data")
        raw = self._body(environ)
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + raw
        )
        fields: dict[str, bytes] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if name:
                payload = part.get_payload(decode=True)  # bytes, or None
                fields[str(name)] = payload if isinstance(payload, bytes) else b""
        key = fields.get("key", b"").decode()
        if "file" not in fields or not key:
            return HttpResponse(400, "Missing key or file")
        with self.lock:
            for state in self.shops.values():
                if key in state.staged_uploads:
                    state.staged_uploads[key] = fields["file"]
                    break
            else:
                return HttpResponse(403, "Unknown upload key")
        location = f"{self._base_url(environ)}/_sandbox/staged-uploads/{key}"
        etag = hashlib.md5(fields["file"]).hexdigest()  # noqa: S324 - an ETag, as GCS sends it
        xml = (  # recorded (2026-04 bulk-operation-run-mutation-created-status)
            f"<?xml version='1.0' encoding='UTF-8'?><PostResponse><Location>{location}</Location>"
            f'<Bucket>shopify-staged-uploads</Bucket><Key>{key}</Key><ETag>"{etag}"</ETag></PostResponse>'
        )
        return HttpResponse(201, xml.encode(), {"Content-Type": "application/xml"})

    def bulk_result(self, operation_id: int, environ: dict[str, Any]) -> HttpResponse:
        with self.lock:
            for state in self.shops.values():
                operation = state.bulk_operations.get(operation_id)
                if operation is not None and operation.result is not None:
                    return HttpResponse(200, operation.result, {"Content-Type": "application/jsonl"})
        return HttpResponse(404, "Not Found")
