"""Bulk operations: run a bulk query or a bulk productSet, await it, stream its JSONL result.

A bulk query's result is one JSON object per line; nested connections come as separate rows carrying
`__parentId`, right after their parent when the operation runs with `groupObjects: true` (which
`BulkOperationRunQuery.graphql` asks for). `group_jsonl` stream-parses such a file and yields one root
object at a time with its descendants attached under `"__children"`, grouped by object type — memory
stays bounded by one root's subtree, whatever the file size.

Awaiting works by polling `bulkOperation(id:)`, or through a `wait(operation_id, timeout)` callable that
blocks until the BULK_OPERATIONS_FINISH webhook arrived (polling then only confirms the final state).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import httpx

from shopify_app.admin.errors import (
    ShopifyBadResult,
    ShopifyBulkOperationFailed,
    ShopifyBulkOperationInProgress,
    ShopifyRequestError,
    ShopifyTimeout,
    ShopifyTransientError,
    ShopifyUserErrors,
)
from shopify_app.admin.operations import load_operation
from shopify_app.admin.types import BulkOperation, ProductSetResult, StagedTarget, UserError, user_errors_from

if TYPE_CHECKING:
    from shopify_app.admin.client import AdminClient

CHILDREN_KEY = "__children"
PARENT_KEY = "__parentId"
LINE_NUMBER_KEY = "__lineNumber"
# Shopify's staged-upload policy accepts files of 1 byte to 100 MiB.
MAX_UPLOAD_BYTES = 100 * 1024 * 1024

WaitFn = Callable[[str, float], object]


def _raise_for_user_errors(action: str, user_errors: Sequence[UserError]) -> None:
    if not user_errors:
        return
    message = f"{action}: " + "; ".join(f"{e.message} [{e.code}]" for e in user_errors)
    if any(e.code == "OPERATION_IN_PROGRESS" for e in user_errors):
        raise ShopifyBulkOperationInProgress(message, user_errors=user_errors)
    raise ShopifyUserErrors(message, user_errors=user_errors)


def await_bulk_operation(
    client: AdminClient,
    operation: BulkOperation,
    *,
    poll_interval: float = 2.0,
    timeout: float = 3600.0,
    wait: WaitFn | None = None,
) -> BulkOperation:
    """The operation in its final state; FAILED/CANCELED/EXPIRED raise `ShopifyBulkOperationFailed`."""
    deadline = client.clock() + timeout
    if wait is not None and not operation.finished:
        wait(operation.id, timeout)
        operation = _read(client, operation.id)
    while not operation.finished:
        if client.clock() >= deadline:
            raise ShopifyTimeout(f"bulk operation {operation.id} still {operation.status} after {timeout}s")
        client.sleep(poll_interval)
        operation = _read(client, operation.id)
    if operation.status in BulkOperation.FAILED_STATES:
        raise ShopifyBulkOperationFailed(
            f"bulk operation {operation.id} ended {operation.status} (errorCode {operation.error_code})",
            operation_id=operation.id,
            status_name=operation.status,
            error_code=operation.error_code,
            partial_data_url=operation.partial_data_url,
        )
    return operation


def _read(client: AdminClient, operation_id: str) -> BulkOperation:
    operation = client.bulk_operation(operation_id)
    if operation is None:
        raise ShopifyBulkOperationFailed(
            f"bulk operation {operation_id} not found",
            operation_id=operation_id,
            status_name=None,
            error_code=None,
        )
    return operation


def iter_jsonl_lines(client: AdminClient, url: str) -> Iterator[str]:
    """Non-empty lines of the file at `url`, streamed (never the whole file in memory)."""
    try:
        with client.file_http.stream("GET", url) as response:
            if response.status_code >= 500:
                raise ShopifyTransientError(
                    f"bulk result download: HTTP {response.status_code}", status=response.status_code
                )
            if response.status_code >= 400:
                raise ShopifyRequestError(
                    f"bulk result download: HTTP {response.status_code}", status=response.status_code
                )
            for line in response.iter_lines():
                if line.strip():
                    yield line
    except httpx.TransportError as exc:
        raise ShopifyTransientError(f"bulk result download failed: {type(exc).__name__}") from None


def _kind(row: Mapping[str, Any]) -> str:
    typename = row.get("__typename")
    if isinstance(typename, str) and typename:
        return typename
    gid = row.get("id")
    if isinstance(gid, str) and gid.startswith("gid://"):
        return gid.split("/")[3].split("?")[0] if gid.count("/") >= 4 else "rows"
    return "rows"


def group_jsonl(lines: Iterable[str | bytes]) -> Iterator[dict[str, Any]]:
    """Root objects of a bulk query result, each with its descendants under `"__children"[type]`.

    A child row must come after its parent and before the next root (Shopify's grouped output); one
    that does not is reported as `ShopifyBadResult` rather than silently dropped.
    """
    root: dict[str, Any] | None = None
    index: dict[str, dict[str, Any]] = {}
    for number, line in enumerate(lines, start=1):
        try:
            row = json.loads(line)
        except ValueError:
            raise ShopifyBadResult(f"bulk result line {number} is not JSON") from None
        if not isinstance(row, dict):
            raise ShopifyBadResult(f"bulk result line {number} is not an object")
        parent_id = row.pop(PARENT_KEY, None)
        if parent_id is None:
            if root is not None:
                yield root
            root = row
            index = {row["id"]: row} if isinstance(row.get("id"), str) else {}
            continue
        parent = index.get(parent_id)
        if parent is None:
            raise ShopifyBadResult(
                f"bulk result line {number}: child of {parent_id} does not follow its parent"
            )
        parent.setdefault(CHILDREN_KEY, {}).setdefault(_kind(row), []).append(row)
        if isinstance(row.get("id"), str):
            index[row["id"]] = row
    if root is not None:
        yield root


def in_line_order(rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Rows of a bulk mutation result in input order (by `__lineNumber` where present)."""
    expected = 0
    pending: dict[int, dict[str, Any]] = {}
    for row in rows:
        number = row.get(LINE_NUMBER_KEY)
        if not isinstance(number, int):
            yield row
            continue
        pending[number] = row
        while expected in pending:
            yield pending.pop(expected)
            expected += 1
    for number in sorted(pending):
        yield pending[number]


class BulkResult:
    """A finished bulk operation; iterating streams its parsed result file (once per iteration)."""

    def __init__(
        self,
        client: AdminClient,
        operation: BulkOperation,
        parse: Callable[[Iterable[str]], Iterator[Any]],
    ) -> None:
        self.client = client
        self.operation = operation
        self._parse = parse

    def __iter__(self) -> Iterator[Any]:
        if not self.operation.url:  # an empty result has no file
            return iter(())
        return self._parse(iter_jsonl_lines(self.client, self.operation.url))

    def __repr__(self) -> str:
        return f"BulkResult(operation={self.operation.id!r}, status={self.operation.status!r})"


def run_bulk_query(
    client: AdminClient,
    query: str,
    *,
    poll_interval: float = 2.0,
    timeout: float = 3600.0,
    wait: WaitFn | None = None,
) -> BulkResult:
    """Start a bulk query, await it, and return its result; iterate it for grouped root objects.

    Start errors come back typed: OPERATION_IN_PROGRESS raises `ShopifyBulkOperationInProgress`, other
    user errors `ShopifyUserErrors`.
    """
    started = client.bulk_operation_run_query(query, group_objects=True)
    _raise_for_user_errors("bulkOperationRunQuery", started.user_errors)
    if started.operation is None:
        raise ShopifyBadResult("bulkOperationRunQuery returned neither an operation nor user errors")
    operation = await_bulk_operation(
        client, started.operation, poll_interval=poll_interval, timeout=timeout, wait=wait
    )
    return BulkResult(client, operation, group_jsonl)


def upload_staged_file(
    client: AdminClient, target: StagedTarget, *, filename: str, content: bytes, mime_type: str
) -> None:
    """Multipart POST of `content` to a staged target: its parameters as form fields, the file last."""
    try:
        response = client.file_http.post(
            target.url,
            data=dict(target.parameters),
            files={"file": (filename, content, mime_type)},
        )
    except httpx.TransportError as exc:
        raise ShopifyTransientError(f"staged upload failed: {type(exc).__name__}") from None
    if response.status_code >= 500:
        raise ShopifyTransientError(
            f"staged upload: HTTP {response.status_code}", status=response.status_code
        )
    if not 200 <= response.status_code < 300:
        raise ShopifyRequestError(f"staged upload: HTTP {response.status_code}", status=response.status_code)


def _product_set_line(row: Mapping[str, Any]) -> ProductSetResult:
    payload = (row.get("data") or {}).get("productSet") or {}
    user_errors = user_errors_from(payload)
    for error in row.get("errors") or []:  # a GraphQL error for this one input
        code = (error.get("extensions") or {}).get("code") if isinstance(error, dict) else None
        message = error.get("message", "") if isinstance(error, dict) else str(error)
        user_errors.append(UserError(field=None, message=message, code=code))
    return ProductSetResult(user_errors=user_errors, product=payload.get("product"))


def _parse_product_set_lines(lines: Iterable[str]) -> Iterator[ProductSetResult]:
    for row in _parse_mutation_lines(lines):
        yield _product_set_line(row)


def product_set_jsonl(
    inputs: Sequence[Mapping[str, Any]], identifiers: Sequence[Mapping[str, Any] | None] | None = None
) -> bytes:
    """The variables file for a bulk productSet: one `{"input": …, "identifier": …}` per line."""
    if identifiers is not None and len(identifiers) != len(inputs):
        raise ValueError("identifiers must match inputs one to one")
    lines = []
    for position, product_input in enumerate(inputs):
        variables: dict[str, Any] = {"input": dict(product_input)}
        identifier = identifiers[position] if identifiers is not None else None
        if identifier is not None:
            variables["identifier"] = dict(identifier)
        lines.append(json.dumps(variables, separators=(",", ":"), ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _parse_mutation_lines(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    def rows() -> Iterator[dict[str, Any]]:
        for number, line in enumerate(lines, start=1):
            try:
                row = json.loads(line)
            except ValueError:
                raise ShopifyBadResult(f"bulk mutation result line {number} is not JSON") from None
            if not isinstance(row, dict):
                raise ShopifyBadResult(f"bulk mutation result line {number} is not an object")
            yield row

    return in_line_order(rows())


def run_bulk_mutation(
    client: AdminClient,
    mutation: str,
    variables_jsonl: bytes,
    *,
    filename: str = "bulk-variables.jsonl",
    poll_interval: float = 2.0,
    timeout: float = 3600.0,
    wait: WaitFn | None = None,
    client_identifier: str | None = None,
) -> BulkResult:
    """Stage `variables_jsonl` (one line of variables per execution), run `mutation` over it in bulk,
    await it; iterate the result for one `{"data": …}` row per input line, in input order."""
    if not variables_jsonl.strip():
        raise ValueError("a bulk mutation needs at least one line of variables")
    if len(variables_jsonl) > MAX_UPLOAD_BYTES:
        raise ValueError(
            f"bulk variables file of {len(variables_jsonl)} bytes exceeds Shopify's 100 MiB limit"
        )
    staged = client.staged_uploads_create(
        [
            {
                "resource": "BULK_MUTATION_VARIABLES",
                "filename": filename,
                "mimeType": "text/jsonl",
                "httpMethod": "POST",
            }
        ]
    )
    _raise_for_user_errors("stagedUploadsCreate", staged.user_errors)
    if not staged.targets or not staged.targets[0].key or not staged.targets[0].url:
        raise ShopifyBadResult("stagedUploadsCreate returned no target with a url and a key")
    target = staged.targets[0]
    upload_staged_file(client, target, filename=filename, content=variables_jsonl, mime_type="text/jsonl")
    started = client.bulk_operation_run_mutation(
        mutation, staged_upload_path=target.key or "", client_identifier=client_identifier
    )
    _raise_for_user_errors("bulkOperationRunMutation", started.user_errors)
    if started.operation is None:
        raise ShopifyBadResult("bulkOperationRunMutation returned neither an operation nor user errors")
    operation = await_bulk_operation(
        client, started.operation, poll_interval=poll_interval, timeout=timeout, wait=wait
    )
    return BulkResult(client, operation, _parse_mutation_lines)


def bulk_product_set(
    client: AdminClient,
    inputs: Sequence[Mapping[str, Any]],
    *,
    identifiers: Sequence[Mapping[str, Any] | None] | None = None,
    poll_interval: float = 2.0,
    timeout: float = 3600.0,
    wait: WaitFn | None = None,
    client_identifier: str | None = None,
) -> BulkResult:
    """productSet for many products as one bulk mutation; iterate the result for one
    `ProductSetResult` per input, in input order."""
    if not inputs:
        raise ValueError("bulk_product_set needs at least one input")
    result = run_bulk_mutation(
        client,
        load_operation("ProductSetBulk"),
        product_set_jsonl(inputs, identifiers),
        filename="product-set.jsonl",
        poll_interval=poll_interval,
        timeout=timeout,
        wait=wait,
        client_identifier=client_identifier,
    )
    return BulkResult(client, result.operation, _parse_product_set_lines)
