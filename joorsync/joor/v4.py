"""JOOR v4 (JSON only): products, SKUs, prices, price types, seasons, collections, orders, line items.

v4 writes are arrays POSTed to `bulk_create` / `bulk_update`, at most 100 items per request, and JOOR
accepts part of a batch: an HTTP 200 with a non-empty `errors` list is a (partial) failure, so writes
return a `BulkResult` with per-item failures instead of a bare success.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

import httpx

from .client_results import BulkFailure, BulkResult
from .errors import JoorBadPayload, JoorMalformedBody, JoorPermanentError

if TYPE_CHECKING:
    from .auth import V4Credentials, V4TokenAuth
    from .transport import JoorHttp

logger = logging.getLogger("joorsync.joor.client")

COLOR_TRAIT_ID = "U0tVVHJhaXQ6U3R5bGVDb2xvcg=="
SIZE_TRAIT_ID = "U0tVVHJhaXQ6U2l6ZQ=="

#: JOOR refuses bulk requests of more than 100 items.
V4_BATCH_SIZE = 100
DEFAULT_V4_PAGE_SIZE = 100
MAX_V4_PAGE_SIZE = 500
#: Ids per `?product_ids=` / `?sku_ids=` / `?order_ids=` filter: keeps URLs far below server limits.
IDS_PER_QUERY = 50
_MAX_PAGES = 100_000

BulkResource = Literal["products", "skus", "prices", "collections", "orders", "orders/sku_line_items"]
_CREATABLE = {"products", "skus", "prices", "collections", "orders", "orders/sku_line_items"}
_UPDATABLE = {"products", "skus", "prices", "collections", "orders", "orders/sku_line_items"}


def _v4_doc(response: httpx.Response, label: str) -> dict[str, Any]:
    try:
        doc = response.json()
    except (ValueError, UnicodeDecodeError) as exc:
        raise JoorMalformedBody(f"JOOR {label}: the answer is not valid JSON") from exc
    if not isinstance(doc, dict) or ("data" not in doc and "errors" not in doc):
        raise JoorBadPayload(f"JOOR {label}: the answer is not a v4 envelope")
    return doc


def _data_list(doc: Mapping[str, Any], label: str) -> list[dict[str, Any]]:
    data = doc.get("data")
    if data is None:
        return []
    items = data if isinstance(data, list) else [data]
    if not all(isinstance(item, dict) for item in items):
        raise JoorBadPayload(f"JOOR {label}: `data` holds something other than objects")
    return items


def _errors(doc: Mapping[str, Any], label: str) -> list[dict[str, Any]]:
    errors = doc.get("errors") or []
    if not isinstance(errors, list):
        errors = [errors]
    out = []
    for err in errors:
        if isinstance(err, dict):
            out.append(err)
        else:
            out.append({"status": "ERROR", "message": str(err)[:300]})
    return out


def _read_page(response: httpx.Response, label: str) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    doc = _v4_doc(response, label)
    errors = _errors(doc, label)
    if errors:
        first = errors[0]
        raise JoorPermanentError(
            f"JOOR {label}: {first.get('status') or 'ERROR'}: {str(first.get('message') or '')[:300]}",
            status=response.status_code,
        )
    meta = doc.get("meta")
    return _data_list(doc, label), (meta if isinstance(meta, dict) else None)


def _chunks(values: Sequence[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(values), size):
        yield list(values[i : i + size])


def sku_batches(
    items: Sequence[Mapping[str, Any]], *, batch_size: int = V4_BATCH_SIZE
) -> list[list[Mapping[str, Any]]]:
    """Pack SKU items into requests without ever splitting one product's SKUs across two requests.

    JOOR wants every color×size combination of a product in one bulk_create. Products keep the order
    of their first appearance; a product with more SKUs than `batch_size` travels alone.
    """
    groups: dict[Any, list[Mapping[str, Any]]] = {}
    for item in items:
        groups.setdefault(item.get("product_id"), []).append(item)
    batches: list[list[Mapping[str, Any]]] = []
    current: list[Mapping[str, Any]] = []
    for group in groups.values():
        if current and len(current) + len(group) > batch_size:
            batches.append(current)
            current = []
        current.extend(group)
        if len(current) >= batch_size:
            batches.append(current)
            current = []
    if current:
        batches.append(current)
    return batches


def _attribute(error: Mapping[str, Any], batch: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The items of `batch` an error is about, judged from its `details`.

    JOOR documents `details` only as an object, so no key is relied on: a position (which only some
    servers give) is used when present, else any id or identifier the request itself carried.
    """
    raw_details = error.get("details")
    details = raw_details if isinstance(raw_details, dict) else {}
    for key in ("index", "item_index", "position"):
        index = details.get(key)
        if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(batch):
            return [batch[index]]
    for key in (
        "external_id",
        "id",
        "sku_identifier",
        "product_identifier",
        "sku_id",
        "product_id",
        "order_id",
    ):
        value = details.get(key)
        if value in (None, ""):
            continue
        matches = [item for item in batch if item.get(key) == value]
        if matches:
            return matches
    return []


def trait_id_of(value: Mapping[str, Any]) -> str | None:
    """The trait id of a trait value in either shape: JOOR's answers nest it (`trait: {id, name}`),
    requests carry `trait_id` (or, from some clients, `trait_name`)."""
    trait = value.get("trait")
    if isinstance(trait, Mapping):
        if trait.get("id"):
            return str(trait["id"])
        name = str(trait.get("name") or "").lower()
    else:
        if value.get("trait_id"):
            return str(value["trait_id"])
        name = str(value.get("trait_name") or "").lower()
    return {"color": COLOR_TRAIT_ID, "size": SIZE_TRAIT_ID}.get(name)


def price_type_id_of(price: Mapping[str, Any]) -> str | None:
    """A price's type id: nested in JOOR's answers (`price_type: {id, …}`), flat in requests."""
    nested = price.get("price_type")
    if isinstance(nested, Mapping) and nested.get("id") not in (None, ""):
        return str(nested["id"])
    flat = price.get("price_type_id")
    return str(flat) if flat not in (None, "") else None


def _sku_keys(sku: Mapping[str, Any]) -> list[tuple[str, ...]]:
    product = str(sku.get("product_id") or "")
    keys: list[tuple[str, ...]] = []
    for field_name in ("external_id", "sku_identifier"):
        if sku.get(field_name):
            keys.append((product, field_name, str(sku[field_name])))
    values = {}
    for value in sku.get("trait_values") or []:
        if isinstance(value, Mapping):
            values[trait_id_of(value)] = str(value.get("value") or "")
    if values.get(COLOR_TRAIT_ID) and values.get(SIZE_TRAIT_ID):
        keys.append((product, "grid", values[COLOR_TRAIT_ID], values[SIZE_TRAIT_ID]))
    return keys


class V4Mixin:
    """v4 methods of `JoorClient`. Needs `_http`, `_v4_auth` and `_v4_credentials` from the client."""

    _http: JoorHttp
    _v4_auth: V4TokenAuth | None
    _v4_credentials: V4Credentials | None

    # -- plumbing -------------------------------------------------------------------------------

    def _v4_ready(self) -> tuple[V4TokenAuth, str]:
        if self._v4_auth is None or self._v4_credentials is None:
            raise ValueError(
                "v4 calls need v4 credentials (client_id, client_secret, username, password, "
                "account_id, auth_url)"
            )
        return self._v4_auth, self._v4_credentials.account_id

    def _v4_call(
        self,
        method: str,
        path: str,
        *,
        parse: Callable[[httpx.Response], Any],
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        error_parse: Callable[[httpx.Response], Any] | None = None,
        max_retries: int | None = None,
    ) -> Any:
        auth, account = self._v4_ready()
        return self._http.call(
            method,
            path,
            params={"account": account, **(params or {})},
            headers={"Accept": "application/json"},
            json_body=json_body,
            parse=parse,
            auth=auth,
            error_parse=error_parse,
            max_retries=max_retries,
        )

    def _v4_pages(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        page_size: int = DEFAULT_V4_PAGE_SIZE,
        limit: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every object of a v4 list, page by page, each object once.

        JOOR documents no paging for v4 lists; public clients send `page` (1-based) and `page_size`,
        so the client sends them too but trusts none of it. It stops on a short page, on a page longer
        than asked for (the server answered the whole list), and on a page that brings no new id (the
        server ignores `page`). A `meta.has_more`, where a server sends one, is followed.
        """
        if not 1 <= page_size <= MAX_V4_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_V4_PAGE_SIZE}")
        label = f"GET {path}"
        yielded = 0
        seen: set[str] = set()
        for page in range(1, _MAX_PAGES + 1):
            data, meta = self._v4_call(
                "GET",
                path,
                params={**(params or {}), "page": page, "page_size": page_size},
                parse=lambda r: _read_page(r, label),
            )
            fresh = 0
            for item in data:
                key = item.get("id")
                if key not in (None, ""):
                    if str(key) in seen:
                        continue
                    seen.add(str(key))
                fresh += 1
                yield item
                yielded += 1
                if limit is not None and yielded >= limit:
                    return
            has_more = meta.get("has_more") if meta else None
            if isinstance(has_more, bool):
                if not has_more:
                    return
                if not data:
                    raise JoorBadPayload(f"JOOR {label}: page {page} is empty but meta.has_more is true")
            elif len(data) != page_size:
                return  # a short page ends the list; a longer one was the whole list
            if data and not fresh:
                logger.warning(
                    "JOOR %s: page %d repeats earlier objects; the server ignores `page`, so the list "
                    "ends here (%d objects read)",
                    label,
                    page,
                    yielded,
                )
                return
        raise JoorBadPayload(f"JOOR {label}: still paging after {_MAX_PAGES} pages")

    def _v4_by_ids(self, path: str, key: str, ids: Iterable[str], page_size: int) -> Iterator[dict[str, Any]]:
        unique = list(dict.fromkeys(str(i) for i in ids))
        for chunk in _chunks(unique, IDS_PER_QUERY):
            yield from self._v4_pages(path, {key: ",".join(chunk)}, page_size=page_size)

    # -- reads ----------------------------------------------------------------------------------

    def iter_products(
        self, *, page_size: int = DEFAULT_V4_PAGE_SIZE, limit: int | None = None, **filters: Any
    ) -> Iterator[dict[str, Any]]:
        """`GET /v4/products`."""
        return self._v4_pages("/v4/products", filters, page_size=page_size, limit=limit)

    def iter_skus(
        self, *, product_ids: Iterable[str], page_size: int = DEFAULT_V4_PAGE_SIZE
    ) -> Iterator[dict[str, Any]]:
        """`GET /v4/skus?product_ids=…` (ids sent `IDS_PER_QUERY` at a time)."""
        return self._v4_by_ids("/v4/skus", "product_ids", product_ids, page_size)

    def iter_prices(
        self, *, sku_ids: Iterable[str], page_size: int = DEFAULT_V4_PAGE_SIZE
    ) -> Iterator[dict[str, Any]]:
        """`GET /v4/prices?sku_ids=…`."""
        return self._v4_by_ids("/v4/prices", "sku_ids", sku_ids, page_size)

    def list_price_types(self) -> list[dict[str, Any]]:
        """`GET /v4/price_types` (`{id, name, currency_code, retail_currency_code}`, the object JOOR
        nests in each price)."""
        return list(self._v4_pages("/v4/price_types"))

    def iter_seasons(self, *, page_size: int = DEFAULT_V4_PAGE_SIZE) -> Iterator[dict[str, Any]]:
        """`GET /v4/seasons`."""
        return self._v4_pages("/v4/seasons", page_size=page_size)

    def create_seasons(self, seasons: Sequence[Mapping[str, Any]]) -> BulkResult:
        """`POST /v4/seasons` with `[{name, year, external_id}]`."""
        return self._bulk_send("/v4/seasons", [dict(s) for s in seasons], kind="created")

    def iter_collections(self, *, page_size: int = DEFAULT_V4_PAGE_SIZE) -> Iterator[dict[str, Any]]:
        """`GET /v4/collections` (linesheets)."""
        return self._v4_pages("/v4/collections", page_size=page_size)

    def iter_v4_orders(
        self,
        *,
        order_ids: Iterable[str] | None = None,
        last_modified: datetime | date | None = None,
        status: str | None = None,
        page_size: int = DEFAULT_V4_PAGE_SIZE,
    ) -> Iterator[dict[str, Any]]:
        """`GET /v4/orders`, by ids or as a list filtered on `last_modified` / `status`."""
        from .client import format_utc

        if order_ids is not None:
            return self._v4_by_ids("/v4/orders", "order_ids", order_ids, page_size)
        params: dict[str, Any] = {}
        if last_modified is not None:
            params["last_modified"] = format_utc(last_modified)
        if status is not None:
            params["status"] = status
        return self._v4_pages("/v4/orders", params, page_size=page_size)

    def iter_order_line_items(
        self, *, order_ids: Iterable[str], page_size: int = DEFAULT_V4_PAGE_SIZE
    ) -> Iterator[dict[str, Any]]:
        """`GET /v4/orders/sku_line_items?order_ids=…`."""
        return self._v4_by_ids("/v4/orders/sku_line_items", "order_ids", order_ids, page_size)

    # -- writes ---------------------------------------------------------------------------------

    def bulk_create(self, resource: BulkResource, items: Iterable[Mapping[str, Any]]) -> BulkResult:
        """`POST /v4/{resource}/bulk_create` in batches of ≤100.

        For `skus`, batches never split a product, and an item JOOR reports as `DUPLICATED` with
        `details.sku_id` is sent again through bulk_update with that id (the SKU exists: update it).
        """
        if resource not in _CREATABLE:
            raise ValueError(f"JOOR has no bulk_create for {resource!r}")
        item_list = [dict(item) for item in items]
        if resource != "skus":
            return self._bulk_send(f"/v4/{resource}/bulk_create", item_list, kind="created")
        result = BulkResult()
        duplicates: list[dict[str, Any]] = []
        held_back: list[dict[str, Any]] = []
        for batch in sku_batches(item_list):
            part, dups, held = self._create_sku_batch(batch)
            result.merge(part)
            duplicates += dups
            held_back += held
        if held_back:
            # JOOR writes a product's SKUs all or nothing: the product's new SKUs were held back only
            # because some of its SKUs already existed. Those now go to bulk_update; create the rest.
            for batch in sku_batches(held_back):
                part, dups, _held = self._create_sku_batch(batch)
                result.merge(part)
                duplicates += dups
        if duplicates:
            result.merge(self._bulk_send("/v4/skus/bulk_update", duplicates, kind="updated"))
        return result

    def _create_sku_batch(
        self,
        batch: list[Mapping[str, Any]],
    ) -> tuple[BulkResult, list[dict[str, Any]], list[dict[str, Any]]]:
        """One SKU bulk_create: (result without the duplicates, updates for the duplicates, items of
        products that JOOR left unwritten because of a duplicate sibling)."""
        part = self._bulk_batch("/v4/skus/bulk_create", batch, kind="created")
        kept: list[BulkFailure] = []
        duplicates: list[dict[str, Any]] = []
        dup_products: set[Any] = set()
        failed_items: list[Mapping[str, Any]] = []
        unnamed = [
            f.item
            for f in part.failures
            if f.status == "DUPLICATED" and f.item is not None and not (f.details or {}).get("sku_id")
        ]
        # Which existing SKU a duplicate is, when the error does not say: JOOR documents no detail.
        found = self._existing_sku_ids(unnamed) if unnamed else {}
        for failure in part.failures:
            sku_id = (failure.details or {}).get("sku_id") or (
                found.get(id(failure.item)) if failure.item is not None else None
            )
            if failure.status == "DUPLICATED" and sku_id and failure.item is not None:
                update = {k: v for k, v in failure.item.items() if k != "product_id"}
                update["id"] = str(sku_id)
                duplicates.append(update)
                dup_products.add(failure.item.get("product_id"))
                failed_items.append(failure.item)
            else:
                kept.append(failure)
                if failure.item is not None:
                    failed_items.append(failure.item)
        part.failures = kept
        if len(part.data) + len(failed_items) >= len(batch):
            return part, duplicates, []  # JOOR answered for every item
        written_products = {obj.get("product_id") for obj in part.data}
        held_back = [
            dict(item)
            for item in batch
            if item.get("product_id") in dup_products
            and item.get("product_id") not in written_products
            and not any(item is failed for failed in failed_items)
        ]
        return part, duplicates, held_back

    def _existing_sku_ids(self, items: Sequence[Mapping[str, Any]]) -> dict[int, str]:
        """`id(item)` → the id of the SKU JOOR already has for it, read from `GET /v4/skus`: matched on
        `external_id`, else `sku_identifier`, else the colour and size values."""
        products = {str(item.get("product_id")) for item in items if item.get("product_id")}
        if not products:
            return {}
        by_key: dict[tuple[str, ...], str] = {}
        for sku in self.iter_skus(product_ids=sorted(products)):
            if sku.get("id") in (None, ""):
                continue
            for key in _sku_keys(sku):
                by_key.setdefault(key, str(sku["id"]))
        found: dict[int, str] = {}
        for item in items:
            for key in _sku_keys(item):
                if key in by_key:
                    found[id(item)] = by_key[key]
                    break
        return found

    def upsert_prices(self, items: Iterable[Mapping[str, Any]]) -> BulkResult:
        """Set prices `{sku_id, price_type_id, wholesale_value, retail_value}`: created where JOOR has
        none, else updated by the price's own id (JOOR's UPDATE /prices references the price id).

        A create JOOR refuses as `DUPLICATED` is looked up in `GET /v4/prices?sku_ids=` and sent to
        `prices/bulk_update` as `{id, wholesale_value, retail_value}`.
        """
        item_list = [dict(item) for item in items]
        result = self.bulk_create("prices", item_list)
        dups = [f for f in result.failures if f.status == "DUPLICATED" and f.item is not None]
        if not dups:
            return result
        sku_ids = sorted({str(f.item["sku_id"]) for f in dups if f.item and f.item.get("sku_id")})
        existing: dict[tuple[str, str], str] = {}
        for price in self.iter_prices(sku_ids=sku_ids):
            type_id = price_type_id_of(price)
            if price.get("id") not in (None, "") and type_id:
                existing[(str(price.get("sku_id")), type_id)] = str(price["id"])
        updates: list[dict[str, Any]] = []
        dup_ids = {id(f) for f in dups}
        kept: list[BulkFailure] = [f for f in result.failures if id(f) not in dup_ids]
        for failure in dups:
            item = failure.item or {}
            price_id = existing.get((str(item.get("sku_id")), str(item.get("price_type_id"))))
            if price_id is None:
                kept.append(failure)
                continue
            update = {"id": price_id}
            update.update({k: item[k] for k in ("wholesale_value", "retail_value") if k in item})
            updates.append(update)
        result.failures = kept
        if updates:
            result.merge(self.bulk_update("prices", updates))
        return result

    def bulk_update(self, resource: BulkResource, items: Iterable[Mapping[str, Any]]) -> BulkResult:
        """`POST /v4/{resource}/bulk_update` in batches of ≤100 (each item carries its `id`)."""
        if resource not in _UPDATABLE:
            raise ValueError(f"JOOR has no bulk_update for {resource!r}")
        item_list = [dict(item) for item in items]
        if resource == "orders/sku_line_items":
            path = "/v4/orders/sku_line_items/bulk_update"
        else:
            path = f"/v4/{resource}/bulk_update"
        batches = sku_batches(item_list) if resource == "skus" else None
        if batches is None:
            return self._bulk_send(path, item_list, kind="updated")
        result = BulkResult()
        for batch in batches:
            result.merge(self._bulk_batch(path, batch, kind="updated"))
        return result

    def _bulk_send(self, path: str, items: list[dict[str, Any]], *, kind: str) -> BulkResult:
        result = BulkResult()
        for i in range(0, len(items), V4_BATCH_SIZE):
            result.merge(self._bulk_batch(path, items[i : i + V4_BATCH_SIZE], kind=kind))
        return result

    def _bulk_batch(
        self,
        path: str,
        batch: Sequence[Mapping[str, Any]],
        *,
        kind: str,
        params: Mapping[str, Any] | None = None,
        max_retries: int | None = None,
    ) -> BulkResult:
        label = f"POST {path}"

        def parse(response: httpx.Response) -> BulkResult:
            doc = _v4_doc(response, label)
            data = _data_list(doc, label)
            result = BulkResult(data=list(data), requests=1)
            ids = [str(obj["id"]) for obj in data if obj.get("id") not in (None, "")]
            (result.created if kind == "created" else result.updated).extend(ids)
            for error in _errors(doc, label):
                raw_details = error.get("details")
                details = raw_details if isinstance(raw_details, dict) else {}
                status = str(error.get("status") or "ERROR")
                message = str(error.get("message") or "")[:500]
                items: Sequence[Mapping[str, Any] | None] = _attribute(error, batch)
                if not items:
                    # An error about no item in particular: on a refused request (4xx) it applies to
                    # the whole batch; on a 200 nobody can say which item it was.
                    if response.status_code >= 400:
                        items = batch
                    else:
                        items = [None]
                for item in items:
                    result.failures.append(
                        BulkFailure(item=item, status=status, message=message, details=dict(details))
                    )
            return result

        def parse_refusal(response: httpx.Response) -> BulkResult:
            # A 4xx that carries a v4 envelope reports item errors; anything else is a plain refusal.
            try:
                doc = response.json()
            except ValueError:
                doc = None
            if not isinstance(doc, dict) or not doc.get("errors"):
                raise JoorPermanentError(
                    f"JOOR {label}: HTTP {response.status_code}: request refused", status=response.status_code
                )
            return parse(response)

        return self._v4_call(
            "POST",
            path,
            params=params,
            json_body=list(batch),
            parse=parse,
            error_parse=parse_refusal,
            max_retries=max_retries,
        )
