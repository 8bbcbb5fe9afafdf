"""Bulk operations: bulkOperationRunQuery / bulkOperationRunMutation, staged uploads, JSONL results.

Deterministic lifecycle, as recorded: an operation is CREATED by the mutation, still reads CREATED the
first time it is read (`bulkOperation(id:)`, `currentBulkOperation`) and runs to COMPLETED on the next
read; until then it counts as in progress for the concurrency limits (5 queries, 1 mutation per app and
shop). A cancel answers CANCELING; the next read finds it CANCELED.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterator
from typing import Any

from graphql import FieldNode, GraphQLError, OperationDefinitionNode, get_named_type, parse, validate

from shopify_app.sandbox.models import BulkOperation, gid, parse_gid, shop_number
from shopify_app.sandbox.pagination import BULK_MODE
from shopify_app.sandbox.payloads import rest_time
from shopify_app.sandbox.products import user_error
from shopify_app.sandbox.resolvers import Context, ctx, resolves
from shopify_app.sandbox.store import Change

MUTATION_LIMIT = 1
MAX_NESTING = 2
ALLOWED_BULK_MUTATIONS = {
    "productSet",
    "productCreate",
    "productUpdate",
    "productDelete",
    "productVariantsBulkUpdate",
    "metafieldsSet",
}
IN_PROGRESS = ("CREATED", "RUNNING")


def _in_progress(context: Context, type_: str) -> list[BulkOperation]:
    return sorted(
        (
            op
            for op in context.state.bulk_operations.values()
            if op.type == type_ and op.status in IN_PROGRESS
        ),
        key=lambda op: op.id,
    )


def _bulk_error(field: list[str] | None, message: str, code: str | None) -> dict[str, Any]:
    return {"field": field, "message": message, "code": code}


def _connections(schema: Any, operation: OperationDefinitionNode) -> tuple[int, int]:
    """(number of connection fields, deepest connection nesting) of a bulk query."""
    count = 0
    deepest = 0

    def walk(parent: Any, selection_set: Any, depth: int) -> None:
        nonlocal count, deepest
        if selection_set is None:
            return
        for selection in selection_set.selections:
            if not isinstance(selection, FieldNode) or not hasattr(parent, "fields"):
                continue
            definition = parent.fields.get(selection.name.value)
            if definition is None:
                continue
            named = get_named_type(definition.type)
            level = depth
            if named.name.endswith("Connection"):
                count += 1
                level = depth + 1
                deepest = max(deepest, level)
            walk(named, selection.selection_set, level)

    walk(schema.query_type, operation.selection_set, 0)
    return count, deepest


@resolves("Mutation", "bulkOperationRunQuery")
def bulk_operation_run_query(
    _: Any,
    info: Any,
    query: str,
    groupObjects: bool = False,  # noqa: N803
) -> dict[str, Any]:
    from shopify_app.sandbox.graphql_api import schema

    context = ctx(info)
    try:
        document = parse(query)
    except GraphQLError as exc:
        detail = "unexpected end of file" if "<EOF>" in exc.message else exc.message
        return {
            "bulkOperation": None,
            "userErrors": [_bulk_error(["query"], f"Invalid bulk query: syntax error, {detail}", "INVALID")],
        }
    problems = validate(schema(), document)
    if problems:
        return {
            "bulkOperation": None,
            "userErrors": [_bulk_error(["query"], f"Invalid bulk query: {problems[0].message}", "INVALID")],
        }
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    if operation.operation.value != "query":
        return {
            "bulkOperation": None,
            "userErrors": [_bulk_error(["query"], "Bulk queries must be queries.", "INVALID")],
        }
    connections, depth = _connections(schema(), operation)
    if connections == 0:
        return {
            "bulkOperation": None,
            "userErrors": [
                _bulk_error(["query"], "Bulk queries must contain at least one connection.", "INVALID")
            ],
        }
    if connections > 5:
        return {
            "bulkOperation": None,
            "userErrors": [
                _bulk_error(["query"], "Bulk queries cannot contain more than 5 connections.", "INVALID")
            ],
        }
    if depth > MAX_NESTING:
        return {
            "bulkOperation": None,
            "userErrors": [
                _bulk_error(
                    ["query"],
                    f"Bulk queries cannot contain connections nested more than {MAX_NESTING} levels deep.",
                    "INVALID",
                )
            ],
        }
    running = _in_progress(context, "QUERY")
    if len(running) >= context.sandbox.config.bulk_query_concurrency:
        ids = ", ".join(gid("BulkOperation", op.id) for op in running)
        return {
            "bulkOperation": None,
            "userErrors": [
                _bulk_error(
                    None,
                    f"A bulk query operation for this app and shop is already in progress: {ids}.",
                    "OPERATION_IN_PROGRESS",
                )
            ],
        }
    operation_record = BulkOperation(
        id=context.state.next_id(),
        type="QUERY",
        query=query,
        status="CREATED",
        created_at=context.state.now(),
    )
    operation_record.pending = ("query", query)
    context.state.bulk_operations[operation_record.id] = operation_record
    return {"bulkOperation": operation_record, "userErrors": []}


@resolves("Mutation", "bulkOperationRunMutation")
def bulk_operation_run_mutation(
    _: Any,
    info: Any,
    mutation: str,
    stagedUploadPath: str,
    clientIdentifier: str | None = None,  # noqa: N803
) -> dict[str, Any]:
    from shopify_app.sandbox.graphql_api import schema

    context = ctx(info)
    try:
        document = parse(mutation)
    except GraphQLError as exc:
        line, column = (exc.locations[0].line, exc.locations[0].column) if exc.locations else (1, 1)
        if "<EOF>" in exc.message:
            from shopify_app.sandbox.shaping import _last_token

            last = _last_token(mutation)
            if last:
                line, column = last
        return {
            "bulkOperation": None,
            "userErrors": [
                _bulk_error(
                    None,
                    f"Failed to parse the mutation - syntax error, unexpected end of file at [{line}, {column}]",
                    "INVALID_MUTATION",
                )
            ],
        }
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    roots = [
        s.name.value for op in operations for s in op.selection_set.selections if isinstance(s, FieldNode)
    ]
    if (
        len(operations) != 1
        or operations[0].operation.value != "mutation"
        or len(roots) != 1
        or roots[0] not in ALLOWED_BULK_MUTATIONS
    ):
        return {
            "bulkOperation": None,
            "userErrors": [_bulk_error(["mutation"], "You must use an allowed mutation name.", None)],
        }
    problems = validate(schema(), document)
    if problems:
        return {
            "bulkOperation": None,
            "userErrors": [
                _bulk_error(["mutation"], f"Invalid mutation: {problems[0].message}", "INVALID_MUTATION")
            ],
        }
    uploaded = context.state.staged_uploads.get(stagedUploadPath)
    if uploaded is None:
        return {
            "bulkOperation": None,
            "userErrors": [
                _bulk_error(
                    None,
                    "The JSONL file could not be found. Try uploading the file again, and check that you've entered "
                    "the URL correctly for the stagedUploadPath mutation argument.",
                    "NO_SUCH_FILE",
                )
            ],
        }
    running = _in_progress(context, "MUTATION")
    if len(running) >= MUTATION_LIMIT:
        ids = ", ".join(gid("BulkOperation", op.id) for op in running)
        return {
            "bulkOperation": None,
            "userErrors": [
                _bulk_error(
                    None,
                    f"A bulk mutation operation for this app and shop is already in progress: {ids}.",
                    "OPERATION_IN_PROGRESS",
                )
            ],
        }
    record = BulkOperation(
        id=context.state.next_id(),
        type="MUTATION",
        query=mutation,
        status="CREATED",
        created_at=context.state.now(),
    )
    record.pending = ("mutation", mutation, uploaded)
    context.state.bulk_operations[record.id] = record
    return {"bulkOperation": record, "userErrors": []}


@resolves("Mutation", "bulkOperationCancel")
def bulk_operation_cancel(_: Any, info: Any, id: str) -> dict[str, Any]:  # noqa: A002
    context = ctx(info)
    operation = context.state.bulk_operations.get(parse_gid(id, "BulkOperation") or -1)
    if operation is None:
        return {"bulkOperation": None, "userErrors": [user_error(["id"], "Bulk operation does not exist")]}
    if operation.status not in IN_PROGRESS:
        return {
            "bulkOperation": operation,
            "userErrors": [
                user_error(None, f"A bulk operation cannot be canceled when it is {operation.status.lower()}")
            ],
        }
    # Recorded (2026-04 bulk-operation-run-query-concurrency-limit): the answer says CANCELING; the
    # operation reads CANCELED from then on.
    operation.pending = ("cancel",)
    operation.status = "CANCELING"
    return {"bulkOperation": operation, "userErrors": []}


@resolves("Mutation", "stagedUploadsCreate")
def staged_uploads_create(_: Any, info: Any, input: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: A002
    context = ctx(info)
    targets = []
    errors = []
    for index, item in enumerate(input):
        if item["resource"] != "BULK_MUTATION_VARIABLES":
            from shopify_app.sandbox.media_control import media_staged_target  # images, files, videos

            target, error = media_staged_target(context, item, index)
            errors.extend([error] if error else [])
            targets.extend([target] if target else [])
            continue
        key = f"tmp/{shop_number(context.state.domain)}/bulk/{uuid.uuid4()}/{item['filename']}"
        context.state.staged_uploads.setdefault(key, None)
        url = f"{context.sandbox.base_url_for(context)}/_sandbox/staged-uploads"
        targets.append(
            {
                "url": url,
                "resourceUrl": url,
                "parameters": _signed_parameters(context, item["mimeType"], key),
            }
        )
    if errors:
        return {"stagedTargets": None, "userErrors": errors}
    return {"stagedTargets": targets, "userErrors": []}


def _signed_parameters(context: Context, mime_type: str, key: str) -> list[dict[str, str]]:
    """The form fields of a staged upload, in Shopify's order (recorded: 2026-04
    bulk-operation-run-mutation-user-errors): the plain fields, then a GOOG4 signed policy."""
    now = context.state.now()  # 2026-07-19T13:09:37Z
    stamp = now.replace("-", "").replace(":", "")  # 20260719T130937Z
    credential = f"sandbox-staged-uploads@shopify-sandbox.invalid/{stamp[:8]}/auto/storage/goog4_request"
    plain = [
        ("Content-Type", mime_type),
        ("success_action_status", "201"),
        ("acl", "private"),
        ("key", key),
        ("x-goog-date", stamp),
        ("x-goog-credential", credential),
        ("x-goog-algorithm", "GOOG4-RSA-SHA256"),
    ]
    conditions: list[Any] = [{name: value} for name, value in plain[:3]]
    conditions += [["content-length-range", 1, 104857600], {"bucket": "shopify-staged-uploads"}]
    conditions += [{name: value} for name, value in plain[3:]]
    policy = base64.b64encode(
        json.dumps({"conditions": conditions, "expiration": now}, separators=(",", ":")).encode()
    ).decode()
    secret = context.sandbox.config.api_secret.encode()
    signature = hmac.new(secret, policy.encode(), hashlib.sha256).hexdigest()
    fields = [*plain, ("x-goog-signature", signature), ("policy", policy)]
    return [{"name": name, "value": value} for name, value in fields]


# ----- running ------------------------------------------------------------------------------------
def advance(context: Context, operation: BulkOperation) -> None:
    """Run a pending operation to completion (first read after creation)."""
    if operation.pending is None:
        return
    if operation.pending[0] == "cancel":
        operation.pending = None
        operation.status = "CANCELED"
        operation.completed_at = context.state.now()
        _finish(context, operation)
        return
    operation.reads += 1
    if operation.reads == 1:
        # Recorded (2026-04 bulk-operation-run-query-group-objects, -run-mutation-created-status): the
        # first read after the run still says CREATED; the next one finds it COMPLETED.
        return
    pending, operation.pending = operation.pending, None
    try:
        if pending[0] == "query":
            rows, roots = _run_query(context, pending[1])
        else:
            rows, roots = _run_mutation(context, pending[1], pending[2])
    except Exception:  # noqa: BLE001 - any failure of a bulk run is reported as FAILED, as Shopify does
        operation.status = "FAILED"
        operation.error_code = "INTERNAL_SERVER_ERROR"
        operation.completed_at = context.state.now()
        _finish(context, operation)
        return
    # Shopify's JSONL escapes slashes (`"gid:\/\/shopify\/Product\/1"`, recorded in 2026-04
    # bulk-operation-run-mutation-created-status); "/" only ever occurs inside JSON strings.
    body = b"".join(
        json.dumps(row, separators=(",", ":")).replace("/", "\\/").encode() + b"\n" for row in rows
    )
    operation.status = "COMPLETED"
    operation.completed_at = context.state.now()
    operation.object_count = len(rows)
    operation.root_object_count = roots
    if rows:
        operation.result = body
        operation.file_size = len(body)
        operation.url = f"{context.sandbox.base_url_for(context)}/_sandbox/bulk/{operation.id}.jsonl"
    _finish(context, operation)


def _finish(context: Context, operation: BulkOperation) -> None:
    context.changes.append(
        Change(
            "bulk_operations/finish",
            {
                "admin_graphql_api_id": gid("BulkOperation", operation.id),
                "completed_at": rest_time(operation.completed_at),
                "created_at": rest_time(operation.created_at),
                "error_code": operation.error_code.lower() if operation.error_code else None,
                "status": operation.status.lower(),
                "type": operation.type.lower(),
            },
        )
    )


def _run_query(context: Context, query: str) -> tuple[list[dict[str, Any]], int]:
    from shopify_app.sandbox.graphql_api import prepare, run

    prepared = prepare(query, {}, None)
    if isinstance(prepared, list):
        raise RuntimeError(prepared[0]["message"])
    token = BULK_MODE.set(True)
    try:
        result = run(prepared, context)
    finally:
        BULK_MODE.reset(token)
    if result.get("errors"):
        raise RuntimeError(result["errors"][0]["message"])
    rows: list[dict[str, Any]] = []
    roots = 0
    for value in (result["data"] or {}).values():
        if _is_connection(value):
            for node in _nodes(value):
                roots += 1
                rows.extend(_flatten(node, None))
    return rows, roots


def _is_connection(value: Any) -> bool:
    return isinstance(value, dict) and ("edges" in value or "nodes" in value)


def _nodes(connection: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if "edges" in connection:
        for edge in connection["edges"] or []:
            yield edge["node"]
    else:
        yield from connection["nodes"] or []


def _flatten(node: dict[str, Any], parent_id: str | None) -> list[dict[str, Any]]:
    """A node becomes one row; its nested connections become child rows with `__parentId`."""
    row: dict[str, Any] = {}
    children: list[dict[str, Any]] = []
    for key, value in node.items():
        if _is_connection(value):
            for child in _nodes(value):
                children.extend(_flatten(child, node.get("id")))
        else:
            row[key] = value
    if parent_id is not None:
        row["__parentId"] = parent_id
    return [row, *children]


def _run_mutation(context: Context, mutation: str, uploaded: bytes) -> tuple[list[dict[str, Any]], int]:
    from shopify_app.sandbox.graphql_api import prepare, run

    rows = []
    for line_number, line in enumerate(uploaded.decode("utf-8").splitlines()):
        if not line.strip():
            continue
        variables = json.loads(line)
        prepared = prepare(mutation, variables, None)
        if isinstance(prepared, list):
            rows.append({"errors": prepared, "__lineNumber": line_number})
            continue
        result = run(prepared, context)
        row: dict[str, Any] = {"data": result.get("data")}
        if result.get("errors"):
            row["errors"] = result["errors"]
        row["__lineNumber"] = line_number
        rows.append(row)
    return rows, len(rows)
