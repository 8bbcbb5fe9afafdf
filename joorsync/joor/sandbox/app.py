"""The JOOR sandbox: a WSGI application emulating JOOR's v2 and v4 Brand API in memory.

Request pipeline: route (unknown → 404 envelope) → sandbox control routes (`/_sandbox/...`: no auth,
no faults, no credits) → fault draw → v4 auth endpoint (not rate-limited) → authentication (401) →
v4 `account` parameter (400/403) → credit rate limit (429, nothing charged) → v2 format negotiation
(406) → the handler, under one lock → slow/truncated answer faults.

Control routes (sandbox conveniences, not JOOR's API: do not rely on them in a client; JSON in and out;
the rules and every field are in the `order_control` docstring):

  POST /_sandbox/styles/{style_id}            a brand user's style edit in JOOR's web UI (v2 fields)
  POST /_sandbox/orders                       a retailer places an order (201, the order's control view)
                                              {"customer_code": "BB-NY", "po_number": "BB-1001",
                                               "sku_line_items": [{"upc": "5414855153715", "quantity": 6},
                                               {"sku_id": "…", "quantity": 2, "discount_percentage": 10}],
                                               "shipping_cost": 35, "comments": "Hangers required"}
  GET  /_sandbox/orders                       every order's control view {"orders": [...]}
  GET  /_sandbox/orders/{id}                  one order's control view (v2 fields, lines, export state)
  POST /_sandbox/orders/{id}                  the brand edits a placed order; any change moves `modified`
                                              {"status": "SHIPPED", "comments": "…", "lines":
                                               [{"sku_id": "…", "quantity": 0}, {"upc": "…", "quantity": 4}]}
  POST /_sandbox/orders/{id}/cancel           the brand cancels the order (no body)
  POST /_sandbox/orders/{id}/missing-export-fields  {"fields": [...]}: JOOR's export validation fails it
  POST /_sandbox/retailers                    a retailer connects (201) {"customer_name", "customer_code", …}
  GET  /_sandbox/retailers                    every retailer {"retailers": [...]}
  GET  /_sandbox/warehouses                   the warehouses set up in Order Settings, with the units each
                                              holds: {"warehouses": [{"name", "code", "set_up", "units"}]}
  POST /_sandbox/warehouses                   a brand user sets one up (201) {"name": "Paris", "code": "PAR"}
  GET  /_sandbox/styles/{style_id}            the style's page as a brand user sees it (HTML; the demo's
                                              "in JOOR" links open it)
  GET  /_sandbox/styles/{style_id}/inventory  a style's stock per SKU and warehouse (JOOR's API shows only
                                              the total, `inventory_available`; see `warehouses`)
  GET  /_sandbox/status                       counters
  POST /_sandbox/faults                       other fault rates from now on

Rate-limit headers [https://api-docs.jooraccess.com/docs/rate-limits]: JOOR says every response carries
rate-limit headers scoped by `X-Throttling-Account-Id`, the only header name its page shows. The sandbox
sends `X-Throttling-Account-Id: <account>` on every authenticated response (the 429s included); the
other headers' names are unknown, so none are invented. A 429 carries `Retry-After` (seconds to the
window's end) unless `SandboxConfig.retry_after` is False: JOOR does not document `Retry-After`, so a
client must also cope without it.
"""

from __future__ import annotations

import dataclasses
import html
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from . import images, order_control, orders, v2, v4, warehouses
from .auth import TokenStore
from .catalog import generate_catalog
from .defaults import (
    ACCESS_TOKEN_TTL,
    DEFAULT_ACCOUNT_ID,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_PASSWORD,
    DEFAULT_SEED,
    DEFAULT_STYLES,
    DEFAULT_TOKEN,
    DEFAULT_USERNAME,
    REFRESH_TOKEN_TTL,
)
from .faults import ConnectionDropped, FaultConfig, FaultInjector
from .http import BodyTooLarge, Request, Response, json_response, v2_error, v4_error
from .model import Catalog
from .ratelimit import RateLimiter, parse_rate_limit
from .v4_common import V4_PAGING_MODES
from .views import style_view
from .writes import WriteError

Handler = Callable[..., Response]
logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SandboxConfig:
    """Everything a sandbox instance is made of. `clock` drives rate-limit windows, token expiry and
    (offset from the wall time at construction, unless `wall_clock` is given) "now" for modified dates;
    `sleep` is what a slow-answer fault waits with."""

    styles: int = DEFAULT_STYLES
    seed: int = DEFAULT_SEED
    orders: int | None = None
    skus_per_style: int | None = None  # every generated style gets exactly this many SKUs
    tokens: tuple[str, ...] = (DEFAULT_TOKEN,)
    account_id: str = DEFAULT_ACCOUNT_ID
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    username: str = DEFAULT_USERNAME
    password: str = DEFAULT_PASSWORD
    rate_limit: str = "real"
    faults: FaultConfig = field(default_factory=FaultConfig)
    fault_seed: int = 0
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    wall_clock: Callable[[], datetime] | None = None
    access_token_ttl: float = ACCESS_TOKEN_TTL
    refresh_token_ttl: float = REFRESH_TOKEN_TTL
    # False: 429 answers carry no `Retry-After` (JOOR does not document one), to test clients without it.
    retry_after: bool = True
    # v4 lists: "pages" honours page/page_size (public clients send them; JOOR documents no paging),
    # "ignore" answers whole lists, "fixed" always the first 100: servers a client must also survive.
    v4_paging: str = "pages"
    #: Whether v2 endpoints accept a v4 access token (JOOR does not say; see auth.py).
    v4_tokens_on_v2: bool = True
    #: True: inventory naming a warehouse that is not set up fails (JOOR: "unexpected results"); False
    #: stores it under that name with a warning (see `warehouses`).
    strict_warehouses: bool = False

    def __post_init__(self) -> None:
        parse_rate_limit(self.rate_limit)
        if self.styles < 1:
            raise ValueError("styles must be at least 1")
        if not self.tokens:
            raise ValueError("at least one v2 token is required")
        if self.v4_paging not in V4_PAGING_MODES:
            raise ValueError(f"v4_paging must be one of {', '.join(V4_PAGING_MODES)}")


@dataclass(frozen=True, slots=True)
class Route:
    methods: frozenset[str]
    pattern: re.Pattern[str]
    handler: Handler
    kind: str  # "v2", "v4", "auth", "control"


def _route(methods: str, pattern: str, handler: Handler, kind: str) -> Route:
    regex = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern) + "/?$")
    method_set = frozenset(methods.split("|"))
    return Route(method_set, regex, handler, kind)


def _routes() -> list[Route]:
    return [
        _route("POST", "/auth", v4.auth_token, "auth"),
        _route("GET", "/v2/style", v2.list_styles, "v2"),
        _route("GET", "/v2/style/{style_id}", v2.style_by_id, "v2"),
        _route("POST", "/v2/style-number", v2.create_style, "v2"),
        _route("GET", "/v2/style-number/{style_number}/{style_identifier}", v2.style_by_number, "v2"),
        _route("PUT", "/v2/style-number/{style_number}/{style_identifier}", v2.update_style, "v2"),
        _route("DELETE", "/v2/style-number/{style_number}/{style_identifier}", v2.delete_style, "v2"),
        _route("POST|PUT", "/v2/bulk-inventory", v2.bulk_inventory, "v2"),
        _route("POST", "/v2/bulk-style", v2.bulk_styles, "v2"),
        _route("GET", "/v2/bulk-style/{job_id}", v2.bulk_style_job, "v2"),
        _route(
            "PUT", "/v2/style-number/{style_number}/{style_identifier}/inventory", v2.single_inventory, "v2"
        ),
        _route("POST", "/v2/style-number/{style_number}/{style_identifier}/image", images.upload_image, "v2"),
        _route(
            "DELETE", "/v2/style-number/{style_number}/{style_identifier}/image", images.delete_image, "v2"
        ),
        _route("GET", "/v2/order", orders.v2_list_orders, "v2"),
        _route("GET", "/v2/order/{order_id}", orders.v2_order_by_id, "v2"),
        *[_route(m, p, h, "v4") for m, p, h in v4.ROUTES],
        _route("POST", "/_sandbox/styles/{style_id}", _control_edit_style, "control"),
        _route("GET", "/_sandbox/styles/{style_id}/inventory", _control_style_inventory, "control"),
        _route("GET", "/_sandbox/styles/{style_id}", _control_style_page, "control"),
        _route("GET", "/_sandbox/warehouses", _control_list_warehouses, "control"),
        _route("POST", "/_sandbox/warehouses", _control_add_warehouse, "control"),
        _route("POST", "/_sandbox/orders", _control_place_order, "control"),
        _route("GET", "/_sandbox/orders", _control_list_orders, "control"),
        _route("GET", "/_sandbox/orders/{order_id}", _control_get_order, "control"),
        _route("POST", "/_sandbox/orders/{order_id}", _control_modify_order, "control"),
        _route("POST", "/_sandbox/orders/{order_id}/cancel", _control_cancel_order, "control"),
        _route(
            "POST", "/_sandbox/orders/{order_id}/missing-export-fields", _control_missing_fields, "control"
        ),
        _route("POST", "/_sandbox/retailers", _control_add_retailer, "control"),
        _route("GET", "/_sandbox/retailers", _control_list_retailers, "control"),
        _route("GET", "/_sandbox/status", _control_status, "control"),
        _route("POST", "/_sandbox/faults", _control_faults, "control"),
    ]


def negotiate_format(req: Request) -> str | None:
    """The answer format, "json" or "xml", from `return_format` or the Accept header; None when
    neither names one (JOOR then refuses the call)."""
    explicit = (req.arg("return_format") or "").strip().lower()
    if explicit in ("json", "xml"):
        return explicit
    if explicit:
        return None
    accept = req.headers.get("accept", "")
    for part in accept.split(","):
        media = part.split(";")[0].strip().lower()
        if media in ("application/json", "text/json"):
            return "json"
        if media in ("application/xml", "text/xml"):
            return "xml"
    return None


class JoorSandbox:
    """WSGI callable emulating JOOR. In-memory, thread-safe (one lock around all catalog access)."""

    def __init__(self, config: SandboxConfig | None = None, *, catalog: Catalog | None = None) -> None:
        self.config = config or SandboxConfig()
        cfg = self.config
        self.catalog = catalog or generate_catalog(
            cfg.styles, cfg.seed, orders=cfg.orders, skus_per_style=cfg.skus_per_style
        )
        self.lock = threading.RLock()
        self._clock0 = cfg.clock()
        self._wall0 = datetime.now(UTC)
        self.tokens = TokenStore(
            v2_tokens=cfg.tokens,
            account_id=cfg.account_id,
            client_id=cfg.client_id,
            client_secret=cfg.client_secret,
            username=cfg.username,
            password=cfg.password,
            access_token_ttl=cfg.access_token_ttl,
            refresh_token_ttl=cfg.refresh_token_ttl,
            clock=cfg.clock,
            not_before_policy=int(self.now().timestamp()),
        )
        self.tokens.v4_tokens_on_v2 = cfg.v4_tokens_on_v2
        self.rate_limiter = RateLimiter(cfg.rate_limit, cfg.clock)
        self.faults = FaultInjector(cfg.faults, cfg.fault_seed)
        self.request_log: list[tuple[str, str, int]] = []
        self._routes = _routes()

    # -- public Python interface ------------------------------------------------------------
    @property
    def credits_used(self) -> int:
        """Credits charged since the sandbox started (all windows, all accounts)."""
        return self.rate_limiter.total_used

    def credits_in_window(self, account_id: str | None = None) -> int:
        return self.rate_limiter.used_in_window(account_id or self.config.account_id)

    def now(self) -> datetime:
        if self.config.wall_clock is not None:
            return self.config.wall_clock().astimezone(UTC)
        return self._wall0 + timedelta(seconds=self.config.clock() - self._clock0)

    def edit_style(self, style_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        """A brand user's edit in JOOR's web UI: validated like a write, modified date moves to now.
        Returns the style's v2 view; raises KeyError (unknown style) or WriteError."""
        with self.lock:
            style = self.catalog.styles.get(int(style_id))
            if style is None:
                raise KeyError(style_id)
            v2.write_style(self, changes, style)
            return style_view(self.catalog, style)

    def place_order(self, order: dict[str, Any]) -> dict[str, Any]:
        """A retailer's order arriving in JOOR (sandbox convenience; every field is in the
        `order_control` docstring). Returns the control view; raises WriteError when refused."""
        with self.lock:
            try:
                placed = order_control.place_order(self, order)
            except orders.OrderProblem as exc:
                raise WriteError([exc.message]) from None
            return order_control.control_view(self, placed)

    def modify_order(self, order_id: int | str, changes: dict[str, Any]) -> dict[str, Any]:
        """The brand edits a placed order in JOOR's web UI (sandbox convenience): any change moves its
        modified date, so `export_status=4` finds it again. Returns the control view; raises KeyError
        (unknown order) or WriteError."""
        with self.lock:
            try:
                order = order_control.modify_order(self, str(order_id), changes)
            except orders.OrderProblem as exc:
                if exc.status == "NOT_FOUND":
                    raise KeyError(order_id) from None
                raise WriteError([exc.message]) from None
            return order_control.control_view(self, order)

    def cancel_order(self, order_id: int | str) -> dict[str, Any]:
        """The brand cancels an order (sandbox convenience). Raises KeyError for an unknown order."""
        with self.lock:
            try:
                order = order_control.cancel_order(self, str(order_id))
            except orders.OrderProblem:
                raise KeyError(order_id) from None
            return order_control.control_view(self, order)

    def order(self, order_id: int | str) -> dict[str, Any] | None:
        """An order's control view, or None."""
        with self.lock:
            found = orders.find_order(self, str(order_id))
            return order_control.control_view(self, found) if found else None

    def all_orders(self) -> list[dict[str, Any]]:
        """Every order's control view, by order number."""
        with self.lock:
            return [order_control.control_view(self, o) for _, o in sorted(self.catalog.orders.items())]

    def add_retailer(self, retailer: dict[str, Any]) -> dict[str, Any]:
        """A retailer connecting with the brand (sandbox convenience). Raises WriteError when refused
        (`problems[0]` says why; a taken id or code is a conflict)."""
        with self.lock:
            try:
                added = order_control.add_retailer(self, retailer)
            except orders.OrderProblem as exc:
                raise WriteError([exc.message]) from None
            return order_control.retailer_view(self.catalog, added)

    def retailers(self) -> list[dict[str, Any]]:
        with self.lock:
            return [order_control.retailer_view(self.catalog, r) for r in self.catalog.retailers.values()]

    def set_missing_export_fields(self, order_id: int | str, fields: list[str]) -> dict[str, Any]:
        """Make JOOR's export validation find `fields` missing on an order (`[]`: none), so that a
        `sync=1` request with `check` 1 or 3 fails its export. Raises KeyError for an unknown order."""
        with self.lock:
            try:
                order = order_control.set_missing_export_fields(self, str(order_id), list(fields))
            except orders.OrderProblem:
                raise KeyError(order_id) from None
            return order_control.control_view(self, order)

    def expire_access_tokens(self) -> None:
        self.tokens.expire_access_tokens()

    def warehouses(self) -> list[dict[str, Any]]:
        """The warehouses set up in the account (Default first) and the units each holds; warehouses
        holding stock without being set up follow with `set_up: False`."""
        with self.lock:
            return warehouses.warehouses_view(self)

    def add_warehouse(self, name: str, code: str) -> dict[str, Any]:
        """A brand user sets up a warehouse in Order Settings. Raises ValueError (bad name or code) or
        KeyError (name or code taken)."""
        with self.lock:
            return warehouses.add_warehouse(self.catalog, {"name": name, "code": code})

    def inventory(self, style_id: int) -> list[dict[str, Any]] | None:
        """A style's stock per SKU and warehouse (None for an unknown style)."""
        with self.lock:
            style = self.catalog.styles.get(int(style_id))
            return warehouses.sku_inventory_view(style) if style else None

    def style(self, style_id: int) -> dict[str, Any] | None:
        with self.lock:
            style = self.catalog.styles.get(int(style_id))
            return style_view(self.catalog, style) if style else None

    # -- WSGI ---------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        log_id = str(uuid.uuid4())
        try:
            req = Request.from_environ(environ, log_id)
        except BodyTooLarge:
            resp = v2_error(413, "request body too large", log_id=log_id)
            start_response(resp.status_line, resp.header_list())
            return [resp.body]
        try:
            resp = self._handle(req)
        except ConnectionDropped:
            raise
        except Exception:
            # What a real server does with a bug: log it and answer 500, keeping the process alive.
            logger.exception("sandbox error on %s %s", req.method, req.path)
            resp = v2_error(500, "Internal Server Error", log_id=log_id)
        with self.lock:
            self.request_log.append((req.method, req.path, resp.status))
        start_response(resp.status_line, resp.header_list())
        return [resp.body]

    def _match(self, req: Request) -> tuple[Route | None, bool]:
        path_known = False
        for route in self._routes:
            match = route.pattern.match(req.path)
            if match is None:
                continue
            path_known = True
            if req.method in route.methods:
                req.params = match.groupdict()
                return route, True
        return None, path_known

    def _handle(self, req: Request) -> Response:
        route, path_known = self._match(req)
        fmt_hint = negotiate_format(req) or "json"
        if route is None:
            status, text = (405, f"method {req.method} not allowed") if path_known else (404, "Not Found")
            if req.path.startswith("/v4/"):
                return v4_error(status, "NOT_FOUND" if status == 404 else "METHOD_NOT_ALLOWED", text)
            return v2_error(status, f"{text}: {req.path}", log_id=req.log_id, fmt=fmt_hint)
        if route.kind == "control":
            with self.lock:
                return route.handler(self, req)
        fault = self.faults.draw()
        if fault == "drop":
            raise ConnectionDropped(f"{req.method} {req.path}")
        if fault == "5xx":
            return self._fault_5xx(req, fmt_hint)
        if fault == "429":
            return self._throttled(req, self.config.account_id, 1)
        resp = self._dispatch(route, req)
        if fault == "timeout":
            self.config.sleep(self.faults.sleep_seconds)
        elif fault == "truncate":
            resp.body = resp.body[: len(resp.body) // 2]
            resp.status = 200
        return resp

    def _fault_5xx(self, req: Request, fmt: str) -> Response:
        if self.faults.pick_5xx() == 500:
            return v2_error(500, "Internal Server Error", log_id=req.log_id, fmt=fmt)
        return Response(
            503, b"Service Temporarily Unavailable", "text/plain; charset=utf-8", [("Retry-After", "5")]
        )

    def _throttled(self, req: Request, account_id: str, retry_after: int) -> Response:
        headers = [("X-Throttling-Account-Id", account_id)]
        comment = "Too many requests: credit limit reached"
        if self.config.retry_after:
            headers.insert(0, ("Retry-After", str(retry_after)))
            comment += f", retry after {retry_after} s"
        if req.path.startswith("/v4/"):
            resp = v4_error(429, "TOO_MANY_REQUESTS", comment)
            resp.headers += headers
            return resp
        return v2_error(429, comment, log_id=req.log_id, fmt=negotiate_format(req) or "json", headers=headers)

    def _dispatch(self, route: Route, req: Request) -> Response:
        if route.kind == "auth":
            return route.handler(self, req)
        is_v4 = route.kind == "v4"
        account = self.tokens.authenticate(req.headers.get("authorization"), version=route.kind)
        if account is None:
            if is_v4:
                return v4_error(401, "UNAUTHORIZED", "missing, invalid or expired token")
            return v2_error(
                401,
                "Unauthorized: missing or invalid token",
                log_id=req.log_id,
                fmt=negotiate_format(req) or "json",
            )
        resp = self._authenticated(route, req, account)
        if not any(name.lower() == "x-throttling-account-id" for name, _ in resp.headers):
            resp.headers.append(("X-Throttling-Account-Id", account))
        return resp

    def _authenticated(self, route: Route, req: Request, account: str) -> Response:
        is_v4 = route.kind == "v4"
        if is_v4:
            requested = req.arg("account")
            if not requested:
                return v4_error(400, "BAD_REQUEST", "the account query parameter is required")
            if requested != account:
                return v4_error(403, "FORBIDDEN", f"no access to account {requested}")
        decision = self.rate_limiter.charge(account, req.method)
        if not decision.allowed:
            return self._throttled(req, account, decision.retry_after)
        req.account_id = account
        if is_v4:
            with self.lock:
                return route.handler(self, req)
        fmt = negotiate_format(req)
        if fmt is None:
            return v2_error(
                406,
                "Not Acceptable: send Accept: application/json or application/xml"
                " (or return_format=json|xml)",
                log_id=req.log_id,
            )
        try:
            with self.lock:
                return route.handler(self, req, fmt)
        except v2.BadRequest as exc:
            return v2_error(400, str(exc), log_id=req.log_id, fmt=fmt)


# -- control routes ---------------------------------------------------------------------------


def _control_edit_style(sb: JoorSandbox, req: Request) -> Response:
    raw = req.segment("style_id")
    try:
        changes = req.json_body()
    except ValueError as exc:
        return json_response(400, {"error": str(exc)})
    if not isinstance(changes, dict):
        return json_response(400, {"error": "body must be a JSON object of v2 style fields"})
    try:
        view = sb.edit_style(int(raw), changes) if raw.isdigit() else None
    except KeyError:
        view = None
    except WriteError as exc:
        return json_response(400, {"error": "; ".join(exc.problems), "problems": exc.problems})
    if view is None:
        return json_response(404, {"error": f"style {raw} not found"})
    style = sb.catalog.styles[int(raw)]
    return json_response(
        200, {"style_id": style.style_id, "modified": style.modified.isoformat(), "style": view}
    )


def _control_style_inventory(sb: JoorSandbox, req: Request) -> Response:
    raw = req.segment("style_id")
    skus = sb.inventory(int(raw)) if raw.isdigit() else None
    if skus is None:
        return json_response(404, {"error": f"style {raw} not found"})
    return json_response(200, {"style_id": int(raw), "skus": skus})


def _control_style_page(sb: JoorSandbox, req: Request) -> Response:
    """A style as a brand user sees it in JOOR's web app: the page the merchant UI's "in JOOR" links
    open in the demo (JOOR's own address for a style page is the operator's to configure)."""
    raw = req.segment("style_id")
    style = sb.style(int(raw)) if raw.isdigit() else None
    if style is None:
        return Response(
            404, b"<!doctype html><title>Not found</title><p>No such style.</p>", "text/html; charset=utf-8"
        )
    e = html.escape
    colors = ", ".join(
        e(str(c.get("color_name") or c.get("color_code") or "")) for c in style.get("colors") or []
    )
    sizes = ", ".join(e(str(z.get("size_name") or "")) for z in style.get("sizes") or [])
    images = "".join(f"<li>{e(str(i))}</li>" for i in style.get("images") or [])
    body = (
        '<!doctype html><html lang="en"><meta charset="utf-8">'
        f"<title>{e(str(style.get('style_name') or ''))} · JOOR sandbox</title>"
        f"<h1>{e(str(style.get('style_name') or ''))}</h1>"
        f"<p>Style {e(str(style.get('style_number') or ''))} (id {e(raw)})</p>"
        f"<p>Colours: {colors or '—'}</p><p>Sizes: {sizes or '—'}</p>"
        f"<h2>Images</h2><ul>{images or '<li>none</li>'}</ul>"
        "</html>"
    )
    return Response(200, body.encode(), "text/html; charset=utf-8")


def _control_list_warehouses(sb: JoorSandbox, req: Request) -> Response:
    return json_response(200, {"warehouses": sb.warehouses()})


def _control_add_warehouse(sb: JoorSandbox, req: Request) -> Response:
    body = _json_object(req, "a warehouse")
    if isinstance(body, Response):
        return body
    try:
        added = warehouses.add_warehouse(sb.catalog, body)
    except ValueError as exc:
        return json_response(400, {"error": str(exc)})
    except KeyError:
        return json_response(409, {"error": "a warehouse with this name or code is already set up"})
    return json_response(201, added)


def _json_object(req: Request, what: str) -> dict[str, Any] | Response:
    """The body as a JSON object, or the 400 answer saying why not."""
    try:
        body = req.json_body()
    except ValueError as exc:
        return json_response(400, {"error": str(exc)})
    if not isinstance(body, dict):
        return json_response(400, {"error": f"body must be a JSON object ({what})"})
    return body


def _problem(exc: orders.OrderProblem) -> Response:
    status = {"NOT_FOUND": 404, "CONFLICT": 409}.get(exc.status, 400)
    return json_response(status, {"error": exc.message})


def _control_place_order(sb: JoorSandbox, req: Request) -> Response:
    body = _json_object(req, "an order")
    if isinstance(body, Response):
        return body
    try:
        return json_response(201, sb.place_order(body))
    except WriteError as exc:
        return json_response(400, {"error": "; ".join(exc.problems)})


def _control_list_orders(sb: JoorSandbox, req: Request) -> Response:
    return json_response(200, {"orders": sb.all_orders()})


def _control_get_order(sb: JoorSandbox, req: Request) -> Response:
    raw = req.segment("order_id")
    view = sb.order(raw)
    if view is None:
        return json_response(404, {"error": f"order {raw} not found"})
    return json_response(200, view)


def _control_modify_order(sb: JoorSandbox, req: Request) -> Response:
    """`POST /_sandbox/orders/{id}` with the changed fields (see `order_control`)."""
    body = _json_object(req, "the order fields to change")
    if isinstance(body, Response):
        return body
    try:
        order = order_control.modify_order(sb, req.segment("order_id"), body)
    except orders.OrderProblem as exc:
        return _problem(exc)
    return json_response(200, order_control.control_view(sb, order))


def _control_cancel_order(sb: JoorSandbox, req: Request) -> Response:
    try:
        order = order_control.cancel_order(sb, req.segment("order_id"))
    except orders.OrderProblem as exc:
        return _problem(exc)
    return json_response(200, order_control.control_view(sb, order))


def _control_add_retailer(sb: JoorSandbox, req: Request) -> Response:
    body = _json_object(req, "a retailer")
    if isinstance(body, Response):
        return body
    try:
        retailer = order_control.add_retailer(sb, body)
    except orders.OrderProblem as exc:
        return _problem(exc)
    return json_response(201, order_control.retailer_view(sb.catalog, retailer))


def _control_list_retailers(sb: JoorSandbox, req: Request) -> Response:
    return json_response(200, {"retailers": sb.retailers()})


def _control_missing_fields(sb: JoorSandbox, req: Request) -> Response:
    """`POST /_sandbox/orders/{id}/missing-export-fields` with `{"fields": [names]}` (`[]` clears)."""
    raw = req.segment("order_id")
    try:
        body = req.json_body()
    except ValueError as exc:
        return json_response(400, {"error": str(exc)})
    fields = body.get("fields") if isinstance(body, dict) else None
    if not isinstance(fields, list) or not all(isinstance(f, str) and f for f in fields):
        return json_response(400, {"error": 'body must be {"fields": [field names]}'})
    try:
        return json_response(200, sb.set_missing_export_fields(raw, fields))
    except KeyError:
        return json_response(404, {"error": f"order {raw} not found"})


def _control_faults(sb: JoorSandbox, req: Request) -> Response:
    """`POST /_sandbox/faults` with `{"faults": "5xx=0.1,429=0.05"}` (the CLI form; "off": none):
    the rates from now on. Answers the rates in force and the faults injected so far."""
    try:
        body = req.json_body()
        spec = body.get("faults") if isinstance(body, dict) else None
        if not isinstance(spec, str):
            raise ValueError('body must be {"faults": "kind=rate,…"}')
        config = FaultConfig.parse(spec)
    except ValueError as exc:
        return json_response(400, {"error": str(exc)})
    sb.faults.reconfigure(config)
    return json_response(200, {"faults": dataclasses.asdict(config), "injected": dict(sb.faults.counts)})


def _control_status(sb: JoorSandbox, req: Request) -> Response:
    return json_response(
        200,
        {
            "styles": len(sb.catalog.styles),
            "orders": len(sb.catalog.orders),
            "credits_used": sb.credits_used,
            "credits_in_window": sb.credits_in_window(),
            "rate_limit": sb.config.rate_limit,
            "faults": sb.faults.counts,
            "requests": len(sb.request_log),
            # The API's own (control routes such as this one left out).
            "api_requests": sum(1 for _, path, _ in sb.request_log if not path.startswith("/_sandbox/")),
        },
    )
