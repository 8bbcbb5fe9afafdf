"""The JOOR Brand API client: v2 styles, style writes, inventory and orders (v4 calls in `v4.py`).

Every call goes through one request loop (`transport.JoorHttp`): the credit budget is charged first,
429s wait for the window, transient failures get bounded jittered retries, and everything else
becomes a typed `JoorError` at once. The client takes all configuration as arguments; it reads no
settings and imports nothing from Django.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from typing import Any, Literal
from urllib.parse import quote

import httpx

from .auth import V2TokenAuth, V4Credentials, V4TokenAuth
from .budget import CreditBudget
from .catalog_assets import CatalogAssetsMixin
from .client_results import InventoryResult, StyleWriteResult
from .errors import JoorAuthError, JoorBadPayload, JoorMalformedBody, JoorPermanentError
from .records import Style, style_to_dict
from .transport import (
    DEFAULT_MAX_RATE_LIMIT_RETRIES,
    DEFAULT_MAX_RETRIES,
    AuthHook,
    JoorHttp,
    JoorNotFound,
    Redactor,
    UsageSnapshot,
)
from .v4 import V4Mixin
from .v4_catalog import V4CatalogMixin
from .wire import Envelope, StyleProblem, StylesPage, parse_envelope, parse_styles_page

logger = logging.getLogger("joorsync.joor.client")

Format = Literal["json", "xml"]

#: JOOR serves at most 1000 styles per page. 500 keeps one answer to a few MB while 10,000 styles
#: still cost only 20 credits.
DEFAULT_STYLE_PAGE_SIZE = 500
MAX_STYLE_PAGE_SIZE = 1000
DEFAULT_ORDER_PAGE_SIZE = 50
#: Items per bulk-inventory request: large enough that a full catalog's stock costs a handful of
#: credits, small enough that one refused request does not hold back the whole catalog.
INVENTORY_BATCH_SIZE = 500
#: No real catalog needs more pages than this; a server that keeps answering `next_start` past it is
#: looping.
MAX_PAGES = 100_000
#: Empty pages in a row that still announce more: a server walking an endless empty range.
MAX_EMPTY_PAGES = 5
#: export_status values whose result set shrinks when `sync=1` marks orders exported: paging them by
#: offset would skip orders, so such listings restart at 0 until drained.
_SELF_DRAINING_EXPORT_STATUSES = frozenset({2, 4, 5, 6, 7})

_ACCEPT = {"json": "application/json", "xml": "application/xml"}


def format_utc(value: datetime | date) -> str:
    """ISO 8601 UTC as JOOR expects (`YYYY-MM-DD` or `YYYY-MM-DDThh:mm:ss[.ffffff]Z`)."""
    if not isinstance(value, datetime):
        return value.isoformat()
    if value.tzinfo is None:
        raise ValueError("JOOR date windows need timezone-aware datetimes (UTC is assumed nowhere)")
    value = value.astimezone(UTC)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}"
    return text + "Z"


def _window(
    name: str, since: datetime | date | None, until: datetime | date | None, now: Callable[[], datetime]
) -> tuple[str, str] | None:
    if since is None and until is None:
        return None
    if since is None:
        raise ValueError(f"{name}_until needs {name}_since: JOOR windows have two ends")
    end = until if until is not None else now()
    return format_utc(since), format_utc(end)


def _code_is_error(code: object) -> bool:
    if code in (None, ""):
        return False
    try:
        return int(str(code).strip()) != 0
    except ValueError:
        return True


def check_envelope(envelope: Envelope, label: str) -> Envelope:
    """A v2 answer with HTTP 200 but a non-zero `response.code` is a refusal."""
    if _code_is_error(envelope.code):
        comment = (envelope.comment or "no comment").strip()[:300]
        suffix = f" (log_id {envelope.log_id})" if envelope.log_id else ""
        raise JoorPermanentError(
            f"JOOR {label}: response code {envelope.code}: {comment}{suffix}", log_id=envelope.log_id
        )
    return envelope


def _load_json_object(response: httpx.Response, label: str) -> dict[str, Any]:
    try:
        doc = json.loads(response.content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise JoorMalformedBody(f"JOOR {label}: the answer is not valid JSON") from exc
    if not isinstance(doc, dict):
        raise JoorBadPayload(f"JOOR {label}: the answer is not a JSON object")
    return doc


def _as_list(node: Any, child: str) -> list[Any]:
    """JOOR's XML-to-JSON lists: `{child: obj|list}`, a bare list, one object, or nothing."""
    if node in (None, "", []):
        return []
    if isinstance(node, dict) and child in node:
        node = node[child]
    if node in (None, ""):
        return []
    return node if isinstance(node, list) else [node]


class JoorClient(V4Mixin, V4CatalogMixin, CatalogAssetsMixin):
    """One client for JOOR's v2 and v4 Brand APIs.

    Give `token` for v2 (`Authorization: OAuth2 <token>`), or the v4 credentials plus `auth_url`
    (password grant, Bearer token — which v2 endpoints accept too), or both. `sleep`, `clock`, `now`
    and `rng` are injectable so tests never wait and jitter is reproducible.
    """

    def __init__(
        self,
        *,
        base_url: str,
        token: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        username: str | None = None,
        password: str | None = None,
        account_id: str | None = None,
        auth_url: str | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        budget: CreditBudget | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_rate_limit_retries: int = DEFAULT_MAX_RATE_LIMIT_RETRIES,
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] | None = None,
        rng: random.Random | None = None,
        user_agent: str = "joorsync/0.1",
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("base_url must be an http(s) URL such as https://api.jooraccess.com")
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self._v2_token = V2TokenAuth(token) if token is not None else None
        v4_fields = (client_id, client_secret, username, password, account_id)
        self._v4_credentials: V4Credentials | None = None
        if any(v is not None for v in v4_fields):
            if auth_url is None:
                raise ValueError("v4 credentials need auth_url (JOOR serves auth on its own host)")
            self._v4_credentials = V4Credentials(
                client_id=client_id or "",
                client_secret=client_secret or "",
                username=username or "",
                password=password or "",
                account_id=account_id or "",
            )
        if self._v2_token is None and self._v4_credentials is None:
            raise ValueError("JoorClient needs a v2 token or v4 credentials")
        self.base_url = base_url.rstrip("/")
        self._now = now or (lambda: datetime.now(UTC))
        self._http = JoorHttp(
            base_url=self.base_url,
            transport=transport,
            timeout=timeout,
            budget=budget,
            max_retries=max_retries,
            max_rate_limit_retries=max_rate_limit_retries,
            backoff_base=backoff_base,
            backoff_cap=backoff_cap,
            sleep=sleep,
            rng=rng or random.Random(),
            redact=Redactor(self._secrets),
            user_agent=user_agent,
        )
        self._v4_auth: V4TokenAuth | None = None
        if self._v4_credentials is not None:
            self._v4_auth = V4TokenAuth(
                credentials=self._v4_credentials, auth_url=auth_url or "", http=self._http, clock=clock
            )

    # -- plumbing -------------------------------------------------------------------------------

    @property
    def usage(self) -> UsageSnapshot:
        """Requests, credits, retries, 429s and auth calls so far."""
        return self._http.usage.snapshot()

    @property
    def budget(self) -> CreditBudget | None:
        return self._http.budget

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> JoorClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        kind = "v2+v4" if self._v2_token and self._v4_auth else ("v2" if self._v2_token else "v4")
        return f"JoorClient(base_url={self.base_url!r}, auth={kind})"

    def _secrets(self) -> Iterable[str | None]:
        if self._v2_token is not None:
            yield from self._v2_token.secrets()
        if self._v4_auth is not None:
            yield from self._v4_auth.secrets()

    def _v2_auth(self) -> AuthHook:
        if self._v2_token is not None:
            return self._v2_token
        assert self._v4_auth is not None
        return self._v4_auth

    def _v2_call(
        self,
        method: str,
        path: str,
        *,
        parse: Callable[[httpx.Response], Any],
        fmt: Format = "json",
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        content: bytes | None = None,
        content_type: str | None = None,
        max_retries: int | None = None,
    ) -> Any:
        headers = {"Accept": _ACCEPT[fmt]}
        if content_type is not None:
            headers["Content-Type"] = content_type
        try:
            return self._http.call(
                method,
                path,
                parse=parse,
                params=params,
                headers=headers,
                json_body=json_body,
                content=content,
                auth=self._v2_auth(),
                max_retries=max_retries,
            )
        except JoorAuthError as exc:
            if self._v2_token is not None:
                raise
            # A v4-only account reaches v2 endpoints with its v4 bearer token. That v2 accepts it is an
            # assumption (docs/joor-api.md, "v4 tokens on v2"): say so rather than "bad password".
            raise JoorAuthError(
                f"{exc} — JOOR refused the v4 access token on a v2 endpoint; this connection needs "
                "JOOR's v2 API token as well",
                status=exc.status,
                log_id=exc.log_id,
            ) from exc

    # -- v2 styles ------------------------------------------------------------------------------

    def iter_style_pages(
        self,
        *,
        fmt: Format = "json",
        page_size: int = DEFAULT_STYLE_PAGE_SIZE,
        modified_since: datetime | date | None = None,
        modified_until: datetime | date | None = None,
        created_since: datetime | date | None = None,
        created_until: datetime | date | None = None,
        start_from: int = 0,
    ) -> Iterator[StylesPage]:
        """Pages of `GET /v2/style`, following `next_start` until JOOR gives none.

        A `next_start` that does not move forward raises `JoorBadPayload` (the alternative is an
        endless loop over the same page).
        """
        if fmt not in _ACCEPT:
            raise ValueError(f"fmt must be 'json' or 'xml', not {fmt!r}")
        if not 1 <= page_size <= MAX_STYLE_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_STYLE_PAGE_SIZE}")
        base_params: dict[str, Any] = {"count": page_size}
        modified = _window("modified", modified_since, modified_until, self._now)
        if modified:
            base_params["date_start"], base_params["date_end"] = modified
        created = _window("created", created_since, created_until, self._now)
        if created:
            base_params["date_created_start"], base_params["date_created_end"] = created
        start = start_from
        empty_pages = 0
        for _ in range(MAX_PAGES):
            page: StylesPage = self._v2_call(
                "GET",
                "/v2/style",
                fmt=fmt,
                params={**base_params, "start_from": start},
                parse=lambda r: _parse_page(r, fmt, "GET /v2/style"),
            )
            next_start = page.envelope.next_start
            empty_pages = 0 if (page.styles or page.problems) else empty_pages + 1
            yield page
            # Drop this page before fetching the next one: memory stays at one page, whatever the
            # catalog size.
            del page
            if next_start is None:
                return
            if next_start <= start:
                raise JoorBadPayload(
                    f"JOOR GET /v2/style: next_start {next_start} does not advance past start_from {start}"
                )
            if empty_pages >= MAX_EMPTY_PAGES:
                raise JoorBadPayload(
                    f"JOOR GET /v2/style: {empty_pages} empty pages in a row that still announce a next_start"
                )
            start = next_start
        raise JoorBadPayload(f"JOOR GET /v2/style: still paging after {MAX_PAGES} pages")

    def iter_styles(
        self,
        *,
        fmt: Format = "json",
        page_size: int = DEFAULT_STYLE_PAGE_SIZE,
        modified_since: datetime | date | None = None,
        modified_until: datetime | date | None = None,
        created_since: datetime | date | None = None,
        created_until: datetime | date | None = None,
        limit: int | None = None,
        on_problem: Callable[[StyleProblem], None] | None = None,
    ) -> Iterator[Style]:
        """Every style (in the windows given), streamed page by page.

        A window given only its `since` end runs to now (UTC). Styles JOOR sent but that could not be
        read (a required field missing) are passed to `on_problem` — or logged when it is None — and
        the iteration goes on.
        """
        if limit is not None and limit <= 0:
            return
        if limit is not None:
            page_size = min(page_size, max(limit, 1))
        yielded = 0
        for page in self.iter_style_pages(
            fmt=fmt,
            page_size=page_size,
            modified_since=modified_since,
            modified_until=modified_until,
            created_since=created_since,
            created_until=created_until,
        ):
            problems, styles = page.problems, page.styles
            del page  # see iter_style_pages: hold no page while the next one is fetched
            for problem in problems:
                if on_problem is not None:
                    on_problem(problem)
                else:
                    logger.warning("JOOR style %s skipped: %s", problem.style_id, problem.message)
            for style in styles:
                yield style
                yielded += 1
                if limit is not None and yielded >= limit:
                    return
            del styles, problems

    def get_style(self, style_id: int | str, *, fmt: Format = "json") -> Style:
        """`GET /v2/style/{style_id}`; `JoorNotFound` when JOOR has no such style."""
        return self._get_one_style(f"/v2/style/{quote(str(style_id), safe='')}", fmt)

    def get_style_by_number(self, style_number: str, style_identifier: str, *, fmt: Format = "json") -> Style:
        """`GET /v2/style-number/{style_number}/{style_identifier}` (each segment URL-encoded)."""
        path = f"/v2/style-number/{quote(style_number, safe='')}/{quote(style_identifier, safe='')}"
        return self._get_one_style(path, fmt)

    def _get_one_style(self, path: str, fmt: Format) -> Style:
        label = f"GET {path}"
        page: StylesPage = self._v2_call("GET", path, fmt=fmt, parse=lambda r: _parse_page(r, fmt, label))
        if page.styles:
            return page.styles[0]
        if page.problems:
            problem = page.problems[0]
            raise JoorBadPayload(f"JOOR {label}: style {problem.style_id} is unreadable: {problem.message}")
        raise JoorNotFound(f"JOOR {label}: no such style", status=404, log_id=page.envelope.log_id)

    # -- v2 style writes ------------------------------------------------------------------------

    def style_upsert(
        self, style: Style | Mapping[str, Any], *, delivery_overwrite: int | None = None
    ) -> StyleWriteResult:
        """Create or replace one style (`POST /v2/style-number`, body `{"style": {...}}` in v2 names).

        `delivery_overwrite` says what the `deliveries` sent do to the style's linesheets: 1 replace
        them all (JOOR's default), 2 replace only those made through the API, 3 add, 4 remove (see
        docs/joor-api.md: second-hand, not on a JOOR page we hold)."""
        payload = style_to_dict(style) if isinstance(style, Style) else dict(style)
        for required in ("style_number", "style_identifier", "style_name"):
            if not payload.get(required):
                raise ValueError(f"a style write needs {required}")
        if delivery_overwrite is not None and delivery_overwrite not in (1, 2, 3, 4):
            raise ValueError("delivery_overwrite must be 1, 2, 3 or 4")
        label = "POST /v2/style-number"
        return self._v2_call(
            "POST",
            "/v2/style-number",
            params={"delivery_overwrite": delivery_overwrite} if delivery_overwrite else None,
            json_body={"style": payload},
            parse=lambda r: _parse_write(r, label),
        )

    def style_delete(self, style_number: str, style_identifier: str) -> StyleWriteResult:
        """`DELETE /v2/style-number/{sn}/{sid}`."""
        path = f"/v2/style-number/{quote(style_number, safe='')}/{quote(style_identifier, safe='')}"
        return self._v2_call("DELETE", path, parse=lambda r: _parse_write(r, f"DELETE {path}"))

    def bulk_inventory(
        self,
        items: Iterable[Mapping[str, Any]],
        *,
        replace_all: bool = False,
        dec_pending: bool | None = None,
        batch_size: int = INVENTORY_BATCH_SIZE,
    ) -> list[InventoryResult]:
        """Set stock levels through `POST /v2/bulk-inventory`, `batch_size` items per request.

        Items use v2 field names (`warehouse` and an integer `inventory` required; UPC preferred for
        matching). `style_identifier` is accepted and sent as JOOR's `style_identifer` (sic).
        Quantities are absolute: JOOR sets each listed SKU to the value sent (`overwrite=0`).
        `replace_all=True` sends `overwrite=1`, which JOOR documents as replacing the account's
        inventory completely; since a second request would undo the first, it is refused unless every
        item fits in one request. Returns one `InventoryResult` per line of JOOR's `inventory_log`.
        """
        if not 1 <= batch_size <= 5000:
            raise ValueError("batch_size must be between 1 and 5000")
        # Always explicit: a server's default must not decide between "these SKUs" and "everything".
        params: dict[str, Any] = {"overwrite": 1 if replace_all else 0}
        if dec_pending is not None:
            params["dec_pending"] = 1 if dec_pending else 0
        prepared = [_inventory_item(item) for item in items]
        if replace_all and len(prepared) > batch_size:
            raise ValueError(
                f"replace_all replaces the whole account's inventory per request: {len(prepared)} items "
                f"do not fit in one request of {batch_size}"
            )
        results: list[InventoryResult] = []
        for start in range(0, len(prepared), batch_size):
            results.extend(self._send_inventory(prepared[start : start + batch_size], params))
        return results

    def _send_inventory(
        self, batch: list[dict[str, Any]], params: Mapping[str, Any]
    ) -> list[InventoryResult]:
        label = "POST /v2/bulk-inventory"
        body = {"inventory_items": {"inventory_item": batch}}
        return self._v2_call(
            "POST",
            "/v2/bulk-inventory",
            params=params or None,
            json_body=body,
            parse=lambda r: _parse_inventory(r, label),
        )

    # -- v2 orders ------------------------------------------------------------------------------

    def iter_orders(
        self,
        *,
        sync: bool,
        order_type: int | None = None,
        export_status: int | None = None,
        modified_since: datetime | date | None = None,
        modified_until: datetime | date | None = None,
        page_size: int = DEFAULT_ORDER_PAGE_SIZE,
        limit: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Orders from `GET /v2/order/` as JSON objects.

        `sync` has no default on purpose: `sync=True` makes JOOR mark the returned orders as exported
        (a later call filtered on "not exported" skips them); `sync=False` is a preview that marks
        nothing. `export_status` is always sent: left out, JOOR takes 2 (not exported) with sync=1 and
        1 (all) with sync=0, and the request says so explicitly.

        When marking shrinks the filtered set (export_status 2, 4, 5, 6, 7 with sync=True) offsets
        would skip orders, so each page is asked for from 0 again. JOOR does not say exactly which
        orders a sync=1 call marks: if a page brings back only orders already read (nothing was
        marked), paging falls back to `next_start`, and an order seen twice is yielded once. With
        `limit` and sync=True, no page asks for more orders than will be yielded, so none is marked
        exported without being returned.
        """
        if not 1 <= page_size <= 1000:
            raise ValueError("page_size must be between 1 and 1000")
        if export_status is None:
            export_status = 2 if sync else 1
        params: dict[str, Any] = {"sync": 1 if sync else 0, "export_status": export_status}
        if order_type is not None:
            params["order_type"] = order_type
        modified = _window("modified", modified_since, modified_until, self._now)
        if modified:
            params["date_start"], params["date_end"] = modified
        draining = sync and export_status in _SELF_DRAINING_EXPORT_STATUSES
        label = "GET /v2/order/"
        start = 0
        yielded = 0
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            count = page_size if limit is None else max(1, min(page_size, limit - yielded))
            envelope, orders = self._v2_call(
                "GET",
                "/v2/order/",
                params={**params, "count": count, "start_from": start},
                parse=lambda r: _parse_orders(r, label),
            )
            fresh = 0
            for order in orders:
                key = str(order.get("order_id", order.get("id", "")))
                if key and key in seen:
                    continue
                if key:
                    seen.add(key)
                fresh += 1
                yield order
                yielded += 1
                if limit is not None and yielded >= limit:
                    return
            if envelope.next_start is None or not orders:
                return
            if draining and fresh:
                start = 0
                continue
            if draining:
                logger.warning(
                    "JOOR %s: sync=1 did not take the returned orders out of export_status=%s; "
                    "paging on with next_start",
                    label,
                    export_status,
                )
                draining = False
            if envelope.next_start <= start:
                raise JoorBadPayload(f"JOOR {label}: next_start {envelope.next_start} does not advance")
            start = envelope.next_start
        raise JoorBadPayload(f"JOOR {label}: still paging after {MAX_PAGES} pages")

    def get_order(self, order_id: int | str) -> dict[str, Any]:
        """`GET /v2/order/{id}` as a JSON object; `JoorNotFound` when JOOR has no such order."""
        path = f"/v2/order/{quote(str(order_id), safe='')}"
        label = f"GET {path}"
        _, orders = self._v2_call("GET", path, parse=lambda r: _parse_orders(r, label))
        if not orders:
            raise JoorNotFound(f"JOOR {label}: no such order", status=404)
        return orders[0]


def _parse_page(response: httpx.Response, fmt: Format, label: str) -> StylesPage:
    page = parse_styles_page(response.content, fmt=fmt)
    check_envelope(page.envelope, label)
    return page


def _parse_write(response: httpx.Response, label: str) -> StyleWriteResult:
    """A write answer: the envelope, and the style as JOOR stored it when the answer includes it."""
    if not response.content.strip():
        return StyleWriteResult(envelope=Envelope(), style=None)
    doc = _load_json_object(response, label)
    if "styles" in doc or "style" in doc:
        page = parse_styles_page(response.content, fmt="json")
        check_envelope(page.envelope, label)
        return StyleWriteResult(envelope=page.envelope, style=page.styles[0] if page.styles else None)
    return StyleWriteResult(
        envelope=check_envelope(parse_envelope(response.content, fmt="json"), label), style=None
    )


def _parse_inventory(response: httpx.Response, label: str) -> list[InventoryResult]:
    doc = _load_json_object(response, label)
    check_envelope(parse_envelope(response.content, fmt="json"), label)
    results = []
    for line in _as_list(doc.get("inventory_log"), "inventory_log"):
        if not isinstance(line, dict):
            raise JoorBadPayload(f"JOOR {label}: an inventory_log line is not an object")
        status = str(line.get("status") or "").lower()
        results.append(
            InventoryResult(
                sku=_text(line.get("sku")),
                status="pass" if status == "pass" else "fail",
                message=_text(line.get("message")),
                inventory_log_id=_text(line.get("inventory_log_id")),
            )
        )
    return results


def _parse_orders(response: httpx.Response, label: str) -> tuple[Envelope, list[dict[str, Any]]]:
    doc = _load_json_object(response, label)
    envelope = check_envelope(parse_envelope(response.content, fmt="json"), label)
    orders = _as_list(doc.get("orders"), "order")
    if not all(isinstance(o, dict) for o in orders):
        raise JoorBadPayload(f"JOOR {label}: an order is not an object")
    return envelope, orders


def _inventory_item(item: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(item)
    if "style_identifier" in out and "style_identifer" not in out:
        out["style_identifer"] = out.pop("style_identifier")
    if not out.get("warehouse"):
        raise ValueError("every inventory item needs a warehouse")
    inventory = out.get("inventory")
    if isinstance(inventory, bool) or not isinstance(inventory, int):
        raise ValueError("every inventory item needs an integer inventory")
    if not (
        out.get("upc")
        or (out.get("style_number") and out.get("color_code") and out.get("size"))
        or out.get("style_id")
    ):
        raise ValueError("an inventory item needs a upc, or style_number + color_code + size")
    return out


def _text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


__all__ = [
    "DEFAULT_STYLE_PAGE_SIZE",
    "INVENTORY_BATCH_SIZE",
    "JoorClient",
    "JoorNotFound",
    "format_utc",
]
